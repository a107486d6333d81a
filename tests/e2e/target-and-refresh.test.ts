// End to end, through the local engine and endpoint: `up --target` and `up --refresh` with StateMachineAlias
// resources, as the Pulumi engine runs them (step_generator.go isTargetedForUpdate / UntargetedSameStep:
// an untargeted alias gets no Check, no Diff, no API call; deployment_executor.go Execute with opts.Refresh:
// every alias is read before the program, in the preview and again in the update).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DeleteStateMachineAliasCommand, SFNClient, UpdateStateMachineAliasCommand } from "@aws-sdk/client-sfn";
import { run, RunOptions } from "../../tools/pulumi-local";
import {
    AliasProject, aliasSteps, assertStateMatchesEndpoint, endpointAliases, endpointEnv, ensureBuilt, makeMachine, ok, okWrites,
    RunResult, SfnLocal, sdkClient, startSfnLocal, TYPE,
} from "../support/world";

const PROGRAM = path.join(__dirname, "programs", "ownership", "index.js");
const PROJECT = "target-and-refresh";
const urnOf = (resource: string) => `urn:pulumi:dev::${PROJECT}::${TYPE}::${resource}`;

interface Spec { resource: string; args: Record<string, unknown>; opts?: Record<string, unknown> }

class Project extends AliasProject {
    constructor(local: SfnLocal) {
        super(local);
        fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\nmain: ${PROGRAM}\n`);
    }

    up(specs: Spec[], extra: Pick<RunOptions, "target" | "refresh" | "skipPreview"> = {}): Promise<RunResult> {
        return run({ command: "up", cwd: this.dir, stack: "dev", config: { aliases: JSON.stringify(specs) }, env: endpointEnv(this.local.url), ...extra });
    }
}

describe("end to end: up --target and up --refresh", function () {
    this.timeout(120_000);
    let local: SfnLocal;
    let sfn: SFNClient;
    let m: { arn: string; versions: string[] };
    let project: Project;

    const route = (...r: [number, number][]) => r.map(([i, w]) => ({ stateMachineVersionArn: m.versions[i], weight: w }));
    const operations = () => local.calls().map((c) => c.operation);

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: false, seed: 48 });
        sfn = sdkClient(local);
        m = await makeMachine(sfn, "orders", 2);
    });
    beforeEach(() => {
        project = new Project(local);
        local.clearCalls();
    });
    afterEach(async () => {
        project?.cleanup();
        for (const arn of Object.keys(endpointAliases(local))) await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: arn }));
    });
    after(async () => {
        await local?.stop();
    });

    it("--target one alias: one UpdateStateMachineAlias for it; the other's change waits with no API call, and a new alias is not created", async () => {
        const specs = (canary: number): Spec[] => [
            { resource: "live", args: { name: "live", routingConfiguration: canary ? route([0, 100 - canary], [1, canary]) : route([0, 100]) } },
            { resource: "beta", args: { name: "beta", description: `beta ${canary}`, routingConfiguration: route([1, 100]) } },
        ];
        ok(await project.up(specs(0), { skipPreview: true }), "first up");
        local.clearCalls();

        const r = await project.up([...specs(10), { resource: "extra", args: { name: "extra", routingConfiguration: route([0, 100]) } }],
            { target: [urnOf("live")] });
        ok(r, "the targeted up");
        assert.deepStrictEqual(aliasSteps({ ...r, steps: r.preview!.steps }).sort(), ["same beta", "update live"]);
        assert.deepStrictEqual(aliasSteps(r).sort(), ["same beta", "update live"]);
        assert.deepStrictEqual(okWrites(local), ["UpdateStateMachineAlias live"]);
        assert.deepStrictEqual(operations(), ["UpdateStateMachineAlias"], "an untargeted alias was called");
        assert.deepStrictEqual(Object.keys(endpointAliases(local)).sort(), [`${m.arn}:beta`, `${m.arn}:live`]);
        assert.strictEqual(endpointAliases(local)[`${m.arn}:beta`].description, "beta 0");
        assertStateMatchesEndpoint(local, [project.state()], "after the targeted up", true);
    });

    it("--refresh: an alias changed out of band is read (preview and update), and the up puts back what the program says in one call", async () => {
        const specs: Spec[] = [{ resource: "live", args: { name: "live", routingConfiguration: route([0, 100]) } }];
        ok(await project.up(specs, { skipPreview: true }), "first up");
        const arn = `${m.arn}:live`;
        await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: arn, routingConfiguration: route([1, 100]) }));
        local.clearCalls();

        // Without --refresh the state still says v1 at 100%: nothing to do, nothing called, the drift stays.
        const blind = await project.up(specs);
        ok(blind, "the up without refresh");
        assert.deepStrictEqual(aliasSteps(blind), ["same live"]);
        assert.deepStrictEqual(operations(), []);

        const r = await project.up(specs, { refresh: true });
        ok(r, "the up with refresh");
        assert.deepStrictEqual(aliasSteps({ ...r, steps: r.preview!.steps }), ["refresh live", "update live"]);
        assert.deepStrictEqual(aliasSteps(r), ["refresh live", "update live"]);
        assert.deepStrictEqual(operations(), ["DescribeStateMachineAlias", "DescribeStateMachineAlias", "UpdateStateMachineAlias"]);
        assert.deepStrictEqual(endpointAliases(local)[arn].routing, route([0, 100]));
        assertStateMatchesEndpoint(local, [project.state()], "after the up with refresh", true);
    });
});
