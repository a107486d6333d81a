// End to end, through the local engine and endpoint: `up --target` and `up --refresh` with StateMachineAlias
// resources, as the Pulumi engine runs them (step_generator.go isTargetedForUpdate / UntargetedSameStep:
// an untargeted alias gets no Check, no Diff, no API call; deployment_executor.go Execute with opts.Refresh:
// every alias is read before the program, in the preview and again in the update).
import * as assert from "assert";
import { UpdateStateMachineAliasCommand } from "@aws-sdk/client-sfn";
import { aliasSteps, assertStateMatchesEndpoint, endpointAliases, endpointSuite, ok, okWrites, OptionsProject, TYPE } from "../support/world";

const PROJECT = "target-and-refresh";
const urnOf = (resource: string) => `urn:pulumi:dev::${PROJECT}::${TYPE}::${resource}`;

type Spec = Parameters<OptionsProject["up"]>[0][number];

describe("end to end: up --target and up --refresh", function () {
    this.timeout(120_000);
    const suite = endpointSuite(48, (local) => new OptionsProject(local, PROJECT));
    const local = () => suite.local;
    const project = () => suite.project;
    const m = () => suite.machine;

    const route = (...r: [number, number][]) => r.map(([i, w]) => ({ stateMachineVersionArn: m().versions[i], weight: w }));
    const operations = () => local().calls().map((c) => c.operation);

    it("--target one alias: one UpdateStateMachineAlias for it; the other's change waits with no API call, and a new alias is not created", async () => {
        const specs = (canary: number): Spec[] => [
            { resource: "live", args: { name: "live", routingConfiguration: canary ? route([0, 100 - canary], [1, canary]) : route([0, 100]) } },
            { resource: "beta", args: { name: "beta", description: `beta ${canary}`, routingConfiguration: route([1, 100]) } },
        ];
        ok(await project().up(specs(0), { skipPreview: true }), "first up");
        local().clearCalls();

        const r = await project().up([...specs(10), { resource: "extra", args: { name: "extra", routingConfiguration: route([0, 100]) } }],
            { target: [urnOf("live")] });
        ok(r, "the targeted up");
        assert.deepStrictEqual(aliasSteps({ ...r, steps: r.preview!.steps }).sort(), ["same beta", "update live"]);
        assert.deepStrictEqual(aliasSteps(r).sort(), ["same beta", "update live"]);
        assert.deepStrictEqual(okWrites(local()), ["UpdateStateMachineAlias live"]);
        assert.deepStrictEqual(operations(), ["UpdateStateMachineAlias"], "an untargeted alias was called");
        assert.deepStrictEqual(Object.keys(endpointAliases(local())).sort(), [`${m().arn}:beta`, `${m().arn}:live`]);
        assert.strictEqual(endpointAliases(local())[`${m().arn}:beta`].description, "beta 0");
        assertStateMatchesEndpoint(local(), [project().state()], "after the targeted up", true);
    });

    it("--refresh: an alias changed out of band is read (preview and update), and the up puts back what the program says in one call", async () => {
        const specs: Spec[] = [{ resource: "live", args: { name: "live", routingConfiguration: route([0, 100]) } }];
        ok(await project().up(specs, { skipPreview: true }), "first up");
        const arn = `${m().arn}:live`;
        await suite.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: arn, routingConfiguration: route([1, 100]) }));
        local().clearCalls();

        // Without --refresh the state still says v1 at 100%: nothing to do, nothing called, the drift stays.
        const blind = await project().up(specs);
        ok(blind, "the up without refresh");
        assert.deepStrictEqual(aliasSteps(blind), ["same live"]);
        assert.deepStrictEqual(operations(), []);

        const r = await project().up(specs, { refresh: true });
        ok(r, "the up with refresh");
        assert.deepStrictEqual(aliasSteps({ ...r, steps: r.preview!.steps }), ["refresh live", "update live"]);
        assert.deepStrictEqual(aliasSteps(r), ["refresh live", "update live"]);
        assert.deepStrictEqual(operations(), ["DescribeStateMachineAlias", "DescribeStateMachineAlias", "UpdateStateMachineAlias"]);
        assert.deepStrictEqual(endpointAliases(local())[arn].routing, route([0, 100]));
        assertStateMatchesEndpoint(local(), [project().state()], "after the up with refresh", true);
    });
});
