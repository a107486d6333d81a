// End to end, through the local engine and endpoint: what an alias's owner may and may not do. A create
// never takes over an alias it did not make (identical or not), an update sends the whole desired
// configuration, outputs are complete and canonical, autonames are deterministic, and a routing to a
// version AWS does not have is explained with the versions it has. Each test below failed with the
// provider before that change; its comment says what that provider did.
import * as assert from "assert";
import { createHash } from "crypto";
import { SFNClient, UpdateStateMachineAliasCommand } from "@aws-sdk/client-sfn";
import {
    aliasSteps, assertStateMatchesEndpoint, endpointAliases, endpointSuite, ok, okWrites, OptionsProject, RunResult, SfnLocal, TYPE,
} from "../support/world";

const PROJECT = "ownership";

/** The name check gives an unnamed alias: `<resource>-<7 of [a-z0-9]>` from sha256 of [project, stack, parent URN, resource]. */
function autonameOf(stack: string, resource: string, parentUrn = ""): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    const digest = createHash("sha256").update(JSON.stringify([PROJECT, stack, parentUrn, resource])).digest();
    let suffix = "";
    for (let i = 0; i < 7; i++) suffix += alphabet[digest[i] % alphabet.length];
    return `${resource}-${suffix}`;
}

describe("end to end: ownership, whole updates, complete outputs, deterministic names", function () {
    this.timeout(120_000); // its longest tests take ~50 s on two loaded cores
    // The program (OPTIONS_PROGRAM): aliases from config `aliases`, with opts and stack outputs.
    const suite = endpointSuite(31, (l) => new OptionsProject(l, PROJECT));
    let local: SfnLocal;
    let sfn: SFNClient;
    let m: { arn: string; versions: string[] };
    let project: OptionsProject;
    before(() => { ({ local, sfn, machine: m } = suite); });
    beforeEach(() => { project = suite.project; });

    const route = (...r: [number, number][]) => r.map(([i, w]) => ({ stateMachineVersionArn: m.versions[i], weight: w }));
    const spec = (resource: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) => [{ resource, args, ...extra }];
    /** The call log as [operation, outcome, request]. */
    const log = () => local.calls().map((c) => [c.operation, c.outcome, c.params]);
    const matches = (context: string, settled = true) => assertStateMatchesEndpoint(local, project.allStates(), context, settled);
    const aliasState = (stack = "dev") => project.state(stack)?.resources.filter((r) => r.type === TYPE) ?? [];
    const failed = (r: RunResult) => assert.strictEqual(r.ok, false, `the up succeeded: ${r.stdout}`);

    it("a resource renamed without the aliases option, keeping the alias name: the up fails on the new resource with no write, the alias and the state stay as they were; the old name back converges with no call", async () => {
        // The old provider: the new URN's create sent CreateStateMachineAlias, which AWS answers 200 for an
        // alias identical to the one requested, so it recorded the existing alias as the new resource's; then
        // the old URN's delete deleted it. A green up, an empty endpoint, and a state claiming the alias.
        const args = { name: "live", description: "orders live traffic", routingConfiguration: route([0, 100]) };
        ok(await project.run("up", spec("live", args), { skipPreview: true }), "first up");
        const arn = `${m.arn}:live`;
        const before = project.stateText();
        const endpointBefore = endpointAliases(local);
        const created = aliasState()[0].outputs.creationDate as string;
        local.clearCalls();

        const renamed = await project.run("up", spec("orders-live", args));
        failed(renamed);
        assert.deepStrictEqual(aliasSteps(renamed), ["create orders-live (failed)"]);
        assert.ok(renamed.error!.includes(
            `The alias ${arn} already exists (created ${created}, as AWS reports it) and this resource's state does not hold it, so it is not taken over: `,
        ), renamed.error);
        for (const fix of [/add the old name or parent to its aliases resource option/, /choose another name/, /adoptExisting: true once/, /deleteBeforeReplace: true/]) {
            assert.match(renamed.error!, fix);
        }
        assert.match(renamed.error!, /AliasAlreadyExists|already exists/);
        // One read, no write; the old resource's delete never ran.
        assert.deepStrictEqual(log(), [["DescribeStateMachineAlias", "ok", { stateMachineAliasArn: arn }]]);
        assert.deepStrictEqual(okWrites(local), []);
        assert.deepStrictEqual(endpointAliases(local), endpointBefore);
        assert.strictEqual(project.stateText(), before, "the state changed");
        matches("after the refused rename");

        // The first documented fix, as far as the local engine goes (it has no aliases resource option): the
        // old resource name back. The same resource, nothing to do.
        local.clearCalls();
        const back = await project.run("up", spec("live", args));
        ok(back, "the old name back");
        assert.deepStrictEqual(aliasSteps(back), ["same live"]);
        assert.deepStrictEqual(log(), []);
        matches("after the old name back");

        // Another documented fix: the renamed resource with another alias name. A new alias, then the old one deleted.
        local.clearCalls();
        const other = await project.run("up", spec("orders-live", { ...args, name: "orders-live" }));
        ok(other, "another name");
        assert.deepStrictEqual(okWrites(local), ["CreateStateMachineAlias orders-live", "DeleteStateMachineAlias live"]);
        assert.deepStrictEqual(Object.keys(endpointAliases(local)), [`${m.arn}:orders-live`]);
        matches("after another name");
    });

    it("a rename with adoptExisting: true (no aliases option): the new resource takes the alias over and the old resource's delete leaves it in place", async () => {
        // Before the delete guard: the new URN adopted the alias (one Update), then the old URN's delete, whose
        // record names the same ARN, deleted it. A green up, an empty endpoint, a state claiming the alias.
        const args = { name: "live", description: "orders live traffic", routingConfiguration: route([0, 100]) };
        ok(await project.run("up", spec("live", args), { skipPreview: true }), "first up");
        const arn = `${m.arn}:live`;
        local.clearCalls();
        const renamed = await project.run("up", spec("orders-live", { ...args, adoptExisting: true }));
        ok(renamed, "the rename with adoptExisting");
        assert.deepStrictEqual(aliasSteps(renamed).sort(), ["create orders-live", "delete live"]);
        assert.deepStrictEqual(okWrites(local), ["UpdateStateMachineAlias live"], "the old resource's delete reached AWS");
        assert.deepStrictEqual(Object.keys(endpointAliases(local)), [arn]);
        assert.deepStrictEqual(aliasState().map((r) => `${r.name} ${r.id}`), [`orders-live ${arn}`]);
        matches("after the rename with adoptExisting");
        // And the alias is the new resource's to delete.
        local.clearCalls();
        ok(await project.run("destroy", spec("orders-live", { ...args, adoptExisting: true })), "destroy");
        assert.deepStrictEqual(okWrites(local), ["DeleteStateMachineAlias live"]);
        assert.deepStrictEqual(endpointAliases(local), {});
    });

    it("two stacks of one program declaring the same alias: the second stack's up fails with no write, and destroying it leaves the first stack's alias", async () => {
        // The old provider: the second stack's create got AWS's 200 for an identical alias and recorded it,
        // so both stacks owned it; destroying the second stack deleted the alias the first one still managed.
        const args = { name: "shared", routingConfiguration: route([0, 90], [1, 10]) };
        ok(await project.run("up", spec("live", args), { stack: "blue", skipPreview: true }), "first stack");
        const arn = `${m.arn}:shared`;
        const endpointBefore = endpointAliases(local);
        local.clearCalls();

        const second = await project.run("up", spec("live", args), { stack: "green" });
        failed(second);
        assert.deepStrictEqual(aliasSteps(second), ["create live (failed)"]);
        assert.ok(second.error!.includes(`The alias ${arn} already exists (created `), second.error);
        assert.match(second.error!, /this resource's state does not hold it, so it is not taken over/);
        assert.deepStrictEqual(log(), [["DescribeStateMachineAlias", "ok", { stateMachineAliasArn: arn }]]);
        assert.deepStrictEqual(aliasState("green"), [], "the second stack records the alias");
        assert.deepStrictEqual(endpointAliases(local), endpointBefore);
        matches("after the refused second stack");

        local.clearCalls();
        ok(await project.run("destroy", spec("live", args), { stack: "green" }), "destroy of the second stack");
        assert.deepStrictEqual(okWrites(local), []);
        assert.deepStrictEqual(endpointAliases(local), endpointBefore, "the first stack's alias is gone");
        // The first stack still manages the alias, as the endpoint holds it.
        matches("after destroying the second stack");
        assert.deepStrictEqual(aliasState("blue").map((r) => r.id), [arn]);
    });

    it("autonaming: preview shows the name up then creates, another stack gets another name, a second up keeps it with zero calls", async () => {
        // The old provider drew the suffix at random in each check, and preview and up each run their own
        // check: the name up created was not the one preview planned, nor one tied to project, stack and
        // parent (and the old SDK did not even declare `name` for an unnamed alias: preview showed none).
        const worker = spec("worker", { routingConfiguration: route([0, 100]) }, { export: true });
        const expected = autonameOf("dev", "worker");
        assert.match(expected, /^worker-[a-z0-9]{7}$/);

        const preview = await project.run("preview", worker);
        ok(preview, "preview");
        assert.deepStrictEqual(aliasSteps(preview), ["create worker"]);
        assert.deepStrictEqual(log(), []);
        // The stack outputs of a preview hold what the engine registered for the create: the checked inputs.
        const shown = preview.outputs.worker?.name;

        const up = await project.run("up", worker);
        ok(up, "up");
        const created = local.calls().find((c) => c.operation === "CreateStateMachineAlias")?.params.name;
        assert.strictEqual(created, expected, "up created another name than the digest of [project, stack, parent, resource]");
        assert.deepStrictEqual(log(), [
            ["DescribeStateMachineAlias", "ResourceNotFound", { stateMachineAliasArn: `${m.arn}:${expected}` }],
            ["CreateStateMachineAlias", "ok", { name: expected, routingConfiguration: route([0, 100]) }],
        ]);
        assert.strictEqual(shown, expected, "preview showed another name than up created");
        assert.strictEqual(preview.outputs.worker.nameViaApply, `applied:${expected}`);
        assert.strictEqual(up.outputs.worker.name, expected);
        assert.strictEqual(aliasState()[0].outputs.name, expected);
        assert.deepStrictEqual(Object.keys(endpointAliases(local)), [`${m.arn}:${expected}`]);

        local.clearCalls();
        const again = await project.run("up", worker);
        ok(again, "second up");
        assert.deepStrictEqual(aliasSteps(again), ["same worker"]);
        assert.deepStrictEqual(log(), []);
        assert.strictEqual(again.outputs.worker.name, expected);

        // The same program in another stack: another name, so the two stacks never meet on one alias.
        local.clearCalls();
        const staging = await project.run("up", worker, { stack: "staging" });
        ok(staging, "another stack");
        const other = autonameOf("staging", "worker");
        assert.notStrictEqual(other, expected);
        assert.strictEqual(staging.outputs.worker.name, other);
        assert.deepStrictEqual(okWrites(local), [`CreateStateMachineAlias ${other}`]);
        assert.deepStrictEqual(Object.keys(endpointAliases(local)).sort(), [`${m.arn}:${expected}`, `${m.arn}:${other}`].sort());
        matches("after two stacks");
    });

    it("every declared output exists: an alias omitting name, description and adoptExisting has them as Outputs, holding the autoname, \"\" and false", async () => {
        // The old SDK declared only the inputs given: alias.name was undefined (alias.name.apply threw and the
        // program failed), and the outputs left out description and adoptExisting, so their stack outputs were
        // dropped (undefined).
        const r = await project.run("up", spec("bare", { routingConfiguration: route([1, 100]) }, { export: true }));
        ok(r, "up");
        const name = autonameOf("dev", "bare");
        const created = aliasState()[0].outputs.creationDate as string;
        assert.deepStrictEqual(r.outputs.bare, {
            name,
            description: "",
            adoptExisting: false,
            routingConfiguration: route([1, 100]),
            arn: `${m.arn}:${name}`,
            stateMachineArn: m.arn,
            creationDate: created,
            updateDate: created,
            nameViaApply: `applied:${name}`,
        });
        assert.ok(!r.diagnostics.some((d) => /undefined/i.test(d) && /output/i.test(d)), r.diagnostics.join("\n"));
        // The state records every output too.
        assert.deepStrictEqual(Object.keys(aliasState()[0].outputs).filter((k) => k !== "__provider").sort(),
            ["adoptExisting", "arn", "creationDate", "description", "name", "routingConfiguration", "stateMachineArn", "updateDate"]);
    });

    it("refresh right after an up reports nothing: an alias with description \"\" and routing written in reverse", async () => {
        // The old provider recorded the description "" and the routing in the order written, but read back
        // AWS's alias with no description and its routing as AWS orders it: the first refresh reported a
        // description change (and the routing as drift when AWS's order differed from the program's).
        const args = { name: "quiet", description: "", routingConfiguration: route([1, 10], [0, 90]) };
        ok(await project.run("up", spec("live", args)), "up");
        const outputs = aliasState()[0].outputs;
        assert.deepStrictEqual(outputs.routingConfiguration, route([0, 90], [1, 10]), "the routing is recorded sorted");
        assert.strictEqual(outputs.description, "");
        local.clearCalls();

        const r = await project.run("refresh", spec("live", args));
        ok(r, "refresh");
        assert.deepStrictEqual(r.steps.filter((s) => s.type === TYPE).map((s) => [s.op, s.name, s.diffs]), [["refresh", "live", []]]);
        assert.ok(r.steps.every((s) => (s.diffs ?? []).length === 0 && !s.error), JSON.stringify(r.steps));
        assert.deepStrictEqual(r.summary, { same: 1 });
        assert.deepStrictEqual(log().map(([op, outcome]) => [op, outcome]), [["DescribeStateMachineAlias", "ok"]]);
        assert.deepStrictEqual(aliasState()[0].outputs, outputs, "refresh changed the recorded outputs");

        // Nor does the next up find anything to do.
        local.clearCalls();
        const again = await project.run("up", spec("live", args));
        ok(again, "up after refresh");
        assert.deepStrictEqual(aliasSteps(again), ["same live"]);
        assert.deepStrictEqual(log(), []);
        matches("after refresh and up");
    });

    it("drift nobody refreshed is overwritten: an up that changes only the description leaves the endpoint with exactly the program's routing and description", async () => {
        // The old provider's update sent only what changed between the recorded outputs and the inputs (here
        // the description), so the routing changed by hand survived while the state said otherwise.
        const args = { name: "drifty", description: "v1 only", routingConfiguration: route([0, 100]) };
        ok(await project.run("up", spec("live", args)), "up");
        const arn = `${m.arn}:drifty`;
        await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: arn, routingConfiguration: route([0, 50], [1, 50]) }));
        local.clearCalls();

        const r = await project.run("up", spec("live", { ...args, description: "still v1 only" }));
        ok(r, "up of the description");
        assert.deepStrictEqual(aliasSteps(r), ["update live"]);
        assert.deepStrictEqual(r.steps.find((s) => s.name === "live")!.diffs, ["description"]);
        assert.deepStrictEqual(log(), [
            ["UpdateStateMachineAlias", "ok", { stateMachineAliasArn: arn, description: "still v1 only", routingConfiguration: route([0, 100]) }],
        ]);
        assert.deepStrictEqual(endpointAliases(local), { [arn]: { description: "still v1 only", routing: route([0, 100]) } });
        assert.deepStrictEqual(aliasState()[0].outputs.routingConfiguration, route([0, 100]));
        assert.strictEqual(aliasState()[0].outputs.description, "still v1 only");
        matches("after the up over unseen drift");
    });

    it("a routing to a version that never existed: the up fails naming the versions that exist, with no guess that one was deleted", async () => {
        // The old provider explained every such failure as "it, or its state machine, was deleted outside
        // Pulumi", which is wrong for a version never published, and did not say which versions exist.
        const ghost = `${m.arn}:99`;
        const r = await project.run("up", spec("live", { name: "ghost", routingConfiguration: [{ stateMachineVersionArn: ghost, weight: 100 }] }));
        failed(r);
        assert.deepStrictEqual(aliasSteps(r), ["create live (failed)"]);
        assert.ok(r.error!.includes(
            `The alias ${m.arn}:ghost routes to ${ghost} (weight 100), but ${m.arn} has the versions 1, 2, not 99: ` +
            `route to a version that exists, or publish one`,
        ), r.error);
        assert.doesNotMatch(r.error!, /deleted outside Pulumi/);
        assert.match(r.error!, /AWS said: .*ValidationException/);
        // The versions are listed once, on this failure path only.
        assert.deepStrictEqual(log().map(([op, outcome]) => [op, outcome]), [
            ["DescribeStateMachineAlias", "ResourceNotFound"],
            ["CreateStateMachineAlias", "ValidationException"],
            ["ListStateMachineVersions", "ok"],
        ]);
        assert.deepStrictEqual(okWrites(local), []);
        assert.deepStrictEqual(endpointAliases(local), {});
        assert.deepStrictEqual(aliasState(), []);
        matches("after the refused routing");
    });
});
