// `replaceOnChanges` on a StateMachineAlias, as the Pulumi engine applies it (step_generator.go
// applyReplaceOnChanges): it turns a changed key into a replace only for keys the engine knows changed, from
// the provider's changed keys or detailed diff, or from its own input diff when the provider has no answer.
// A dynamic provider's diff reaches the engine as changes/replaces/deleteBeforeReplace only
// (@pulumi/pulumi cmd/dynamic-provider diffRPC sets no diffs), and this provider always answers, so the
// option never fires: a changed description is one in-place UpdateStateMachineAlias, not a replacement.
// (An earlier local engine applied it itself, and a test built on that exercised a replacement users could
// never get this way; the replacement that keeps the name is in replace-and-aliases.test.ts, by --replace.)
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AliasProject, aliasSteps, assertStateMatchesEndpoint, endpointAliases, endpointSuite, ok, okWrites, OPTIONS_PROGRAM, SfnLocal } from "../support/world";

describe("end to end: replaceOnChanges on a StateMachineAlias (a dynamic resource)", function () {
    this.timeout(90_000);
    // The options program copied into the project, so that it loads the package as installed there.
    const suite = endpointSuite(5, (l) => {
        const p = new AliasProject(l);
        fs.copyFileSync(OPTIONS_PROGRAM, path.join(p.dir, "index.js"));
        return p;
    });
    let local: SfnLocal;
    let m: { arn: string; versions: string[] };
    let project: AliasProject;
    before(() => { ({ local, machine: m } = suite); });
    beforeEach(() => { project = suite.project; });

    const args = (description: string) => ({ name: "live", description, routingConfiguration: [{ stateMachineVersionArn: m.versions[0], weight: 100 }] });

    it("the engine cannot see which keys changed, so a change it covers is one in-place update in the preview and the up", async () => {
        const opts = { replaceOnChanges: ["description"] };
        ok(await project.run("up", [{ resource: "live", args: args("first"), opts } as never], { skipPreview: true }), "first up");
        const arn = `${m.arn}:live`;
        local.clearCalls();

        const r = await project.run("up", [{ resource: "live", args: args("second"), opts } as never]);
        ok(r, "the up");
        assert.deepStrictEqual(aliasSteps({ ...r, steps: r.preview!.steps }), ["update live"]);
        assert.deepStrictEqual(aliasSteps(r), ["update live"]);
        assert.deepStrictEqual(okWrites(local), ["UpdateStateMachineAlias live"]);
        assert.deepStrictEqual(Object.keys(endpointAliases(local)), [arn]);
        assert.strictEqual(endpointAliases(local)[arn].description, "second");
        assertStateMatchesEndpoint(local, [project.state()], "after the update", true);
    });
});
