// A replacement that keeps the alias's name (what `pulumi up --replace <urn>` does to an explicitly named
// alias, and `replaceOnChanges`): create-before-delete would create "the new one" under the same ARN and then
// delete "the old one", the same alias. The committed local engine has no --replace flag yet, so the
// replacement is made with replaceOnChanges, which it applies itself: the provider sees the same calls
// (a create of an ARN that exists, then the old copy's delete). The old provider answered the create with
// AWS's idempotent 200 and then deleted the alias: a green up and an outage. Now the create is refused with
// the fix (deleteBeforeReplace), and with that option the replacement converges.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { SFNClient } from "@aws-sdk/client-sfn";
import { AliasProject, aliasSteps, assertStateMatchesEndpoint, endpointAliases, ensureBuilt, makeMachine, ok, okWrites, SfnLocal, sdkClient, startSfnLocal } from "../support/world";

const PROGRAM = path.join(__dirname, "programs", "ownership", "index.js");

describe("end to end: a replacement that keeps the alias name", function () {
    this.timeout(90_000);
    let local: SfnLocal;
    let sfn: SFNClient;
    let m: { arn: string; versions: string[] };
    let project: AliasProject;

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: false, seed: 5 });
        sfn = sdkClient(local);
        m = await makeMachine(sfn, "orders", 2);
        project = new AliasProject(local);
        fs.copyFileSync(PROGRAM, path.join(project.dir, "index.js"));
    });
    after(async () => {
        project?.cleanup();
        await local?.stop();
    });

    const args = (description: string) => ({ name: "live", description, routingConfiguration: [{ stateMachineVersionArn: m.versions[0], weight: 100 }] });

    it("create-before-delete is refused with the fix and leaves the alias; with deleteBeforeReplace: true it converges", async () => {
        const opts = { replaceOnChanges: ["description"] };
        ok(await project.run("up", [{ resource: "live", args: args("first"), opts } as never]), "first up");
        const arn = `${m.arn}:live`;
        const before = project.stateText();
        const endpointBefore = endpointAliases(local);
        local.clearCalls();

        const replaced = await project.run("up", [{ resource: "live", args: args("second"), opts } as never]);
        assert.strictEqual(replaced.ok, false, "the replacement succeeded");
        assert.ok(replaced.error!.includes(`The alias ${arn} already exists`), replaced.error);
        assert.match(replaced.error!, /set the resource option deleteBeforeReplace: true/);
        assert.deepStrictEqual(okWrites(local), [], "a write was made");
        assert.deepStrictEqual(endpointAliases(local), endpointBefore, "the alias changed");
        // The local engine marks the old copy for deletion before the replacement's create (the real engine only
        // after it succeeds, step.go CreateStep.Apply): it still records the alias, with the configuration AWS has.
        assert.ok(before);
        assertStateMatchesEndpoint(local, [project.state()], "after the refused replacement");

        // The fix the message gives.
        local.clearCalls();
        const dbr = await project.run("up", [{ resource: "live", args: args("second"), opts: { ...opts, deleteBeforeReplace: true } } as never]);
        ok(dbr, "the replacement with deleteBeforeReplace");
        // The steps are the local engine's (its old copy was marked for deletion above); the calls are what matter.
        assert.ok(aliasSteps(dbr).length > 0);
        assert.deepStrictEqual(okWrites(local), ["DeleteStateMachineAlias live", "CreateStateMachineAlias live"]);
        assert.deepStrictEqual(Object.keys(endpointAliases(local)), [arn]);
        assert.strictEqual(endpointAliases(local)[arn].description, "second");
        assertStateMatchesEndpoint(local, [project.state()], "after the replacement with deleteBeforeReplace", true);
    });
});
