// End to end, through the local engine and endpoint: `up --replace` of a StateMachineAlias, and renames
// with the `aliases` resource option, as the Pulumi engine runs them (step_generator.go isTargetedReplace:
// Check with no olds, no Diff, a replace blaming the id, create-before-delete unless the deleteBeforeReplace
// option; getOldResource: a state found through an alias is the same resource, nothing is deleted).
import * as assert from "assert";
import { aliasSteps, assertStateMatchesEndpoint, endpointAliases, endpointSuite, ok, okWrites, OptionsProject, RunResult, TYPE } from "../support/world";

const PROJECT = "replace-and-aliases";
const urnOf = (resource: string, stack = "dev") => `urn:pulumi:${stack}::${PROJECT}::${TYPE}::${resource}`;

describe("end to end: up --replace, and renames with the aliases option", function () {
    this.timeout(120_000);
    const suite = endpointSuite(47, (local) => new OptionsProject(local, PROJECT));
    const local = () => suite.local;
    const m = () => suite.machine;
    let project: OptionsProject;
    beforeEach(() => { project = suite.project; });

    const route = (...r: [number, number][]) => r.map(([i, w]) => ({ stateMachineVersionArn: m().versions[i], weight: w }));
    const log = () => local().calls().map((c) => [c.operation, c.outcome, c.params]);
    const matches = (context: string) => assertStateMatchesEndpoint(local(), project.allStates(), context, true);
    const aliasState = () => project.state()?.resources.filter((r) => r.type === TYPE) ?? [];
    const previewSteps = (r: RunResult) => aliasSteps({ ...r, steps: r.preview!.steps });

    it("up --replace of an alias with an explicit name, create-before-delete: the replacement's create refuses the alias it did not create; no write, the alias and the state stay as they were", async () => {
        // The old provider: CreateStateMachineAlias answers 200 for an alias identical to the one requested,
        // so the replacement "created" the existing alias, and the deletion of the replaced copy that followed
        // deleted it: a green up, an outage, and a state claiming an alias AWS no longer had.
        const args = { name: "live", description: "orders live traffic", routingConfiguration: route([0, 100]) };
        ok(await project.up([{ resource: "live", args }], { skipPreview: true }), "first up");
        const arn = `${m().arn}:live`;
        const before = project.stateText();
        const endpointBefore = endpointAliases(local());
        local().clearCalls();

        const r = await project.up([{ resource: "live", args }], { replace: [urnOf("live")] });
        assert.strictEqual(r.ok, false, `the up succeeded: ${r.stdout}`);
        // The preview planned the replace, blaming the id; the update's create-replacement failed.
        assert.deepStrictEqual(previewSteps(r), ["replace live"]);
        assert.deepStrictEqual(r.preview!.steps.find((s) => s.type === TYPE)!.replaces, ["id"]);
        assert.deepStrictEqual(aliasSteps(r), ["create-replacement live (failed)"]);
        assert.ok(r.error!.includes(`The alias ${arn} already exists (created `), r.error);
        assert.match(r.error!, /this resource's state does not hold it, so it is not taken over/);
        assert.match(r.error!, /deleteBeforeReplace: true/);
        // One read, no write: the replaced copy was never marked for deletion, so nothing deleted it.
        assert.deepStrictEqual(log(), [["DescribeStateMachineAlias", "ok", { stateMachineAliasArn: arn }]]);
        assert.deepStrictEqual(okWrites(local()), []);
        assert.deepStrictEqual(endpointAliases(local()), endpointBefore);
        assert.strictEqual(project.stateText(), before, "the state changed");
        matches("after the refused replace");

        // And the next up finds nothing to do.
        local().clearCalls();
        const again = await project.up([{ resource: "live", args }]);
        ok(again, "the up after");
        assert.deepStrictEqual(aliasSteps(again), ["same live"]);
        assert.deepStrictEqual(log(), []);
    });

    it("up --replace with the deleteBeforeReplace: true option converges: Delete, then Describe and Create of the same name", async () => {
        const args = { name: "live", description: "orders live traffic", routingConfiguration: route([0, 90], [1, 10]) };
        const opts = { deleteBeforeReplace: true };
        ok(await project.up([{ resource: "live", args, opts }], { skipPreview: true }), "first up");
        const arn = `${m().arn}:live`;
        const endpointBefore = endpointAliases(local());
        local().clearCalls();

        const r = await project.up([{ resource: "live", args, opts }], { replace: [urnOf("live")] });
        ok(r, "the replace");
        assert.deepStrictEqual(previewSteps(r), ["replace live"]);
        assert.deepStrictEqual(aliasSteps(r), ["delete-replaced live", "create-replacement live", "replace live"]);
        assert.deepStrictEqual(r.steps.find((s) => s.op === "replace")!.replaces, ["id"]);
        assert.deepStrictEqual(log().map(([op, outcome]) => [op, outcome]), [
            ["DeleteStateMachineAlias", "ok"],
            ["DescribeStateMachineAlias", "ResourceNotFound"],
            ["CreateStateMachineAlias", "ok"],
        ]);
        assert.deepStrictEqual(okWrites(local()), ["DeleteStateMachineAlias live", "CreateStateMachineAlias live"]);
        assert.deepStrictEqual(endpointAliases(local()), endpointBefore);
        assert.deepStrictEqual(aliasState().map((x) => [x.urn, x.id, !!x.delete]), [[urnOf("live"), arn, false]]);
        matches("after the replace");
    });

    it("a resource renamed with aliases: [{ name: <old name> }], keeping its alias name: the same resource, zero API calls, the alias intact; a change then is one update", async () => {
        const args = { name: "live", description: "orders live traffic", routingConfiguration: route([0, 100]) };
        ok(await project.up([{ resource: "live", args }], { skipPreview: true }), "first up");
        const arn = `${m().arn}:live`;
        const endpointBefore = endpointAliases(local());
        local().clearCalls();

        const renamed = await project.up([{ resource: "orders-live", args, opts: { aliases: [{ name: "live" }] } }]);
        ok(renamed, "the rename");
        assert.deepStrictEqual(previewSteps(renamed), ["same orders-live"]);
        assert.deepStrictEqual(aliasSteps(renamed), ["same orders-live"]);
        assert.deepStrictEqual(log(), []);
        assert.deepStrictEqual(endpointAliases(local()), endpointBefore);
        // The state keeps only the new URN, with the old one recorded as its alias.
        assert.deepStrictEqual(aliasState().map((x) => [x.urn, x.id, x.aliases]), [[urnOf("orders-live"), arn, [urnOf("live")]]]);
        matches("after the rename");

        local().clearCalls();
        const changed = await project.up([{ resource: "orders-live", args: { ...args, description: "renamed" }, opts: { aliases: [{ name: "live" }] } }]);
        ok(changed, "a change after the rename");
        assert.deepStrictEqual(aliasSteps(changed), ["update orders-live"]);
        assert.deepStrictEqual(okWrites(local()), ["UpdateStateMachineAlias live"]);
        assert.strictEqual(endpointAliases(local())[arn].description, "renamed");
        matches("after the change");
    });

    it("a resource with an autonamed alias renamed with aliases: the name made for the old resource is kept; zero API calls", async () => {
        const args = { routingConfiguration: route([1, 100]) };
        ok(await project.up([{ resource: "worker", args }], { skipPreview: true }), "first up");
        const name = aliasState()[0].outputs.name as string;
        assert.match(name, /^worker-[a-z0-9]{7}$/);
        const endpointBefore = endpointAliases(local());
        local().clearCalls();

        // Without the alias, check would name the new resource after itself (orders-worker-...), a replacement.
        const renamed = await project.up([{ resource: "orders-worker", args, opts: { aliases: [{ name: "worker" }] } }]);
        ok(renamed, "the rename");
        assert.deepStrictEqual(aliasSteps(renamed), ["same orders-worker"]);
        assert.deepStrictEqual(log(), []);
        assert.deepStrictEqual(endpointAliases(local()), endpointBefore);
        assert.deepStrictEqual(aliasState().map((x) => [x.urn, x.outputs.name, x.inputs.name]), [[urnOf("orders-worker"), name, name]]);
        matches("after the rename");
    });
});
