// End to end: a real Pulumi program declaring a StateMachineAlias, run by the local engine (cmd/run + the
// real dynamic-provider plugin) against the local Step Functions endpoint. The scenarios build on each
// other, in order; each asserts the engine's steps AND the endpoint's call log. A create reads first (the
// ownership check: it never takes over an alias it did not make) and then creates; an update always sends
// the whole desired configuration, routing in canonical order (sorted by version ARN).
// Every scenario knows the alias ARN it works on from the start (not from an earlier scenario's outputs,
// which a failed assertion there would leave unset: the SDK then sends stateMachineAliasArn: null).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    CreateStateMachineAliasCommand, DeleteStateMachineAliasCommand, DescribeStateMachineAliasCommand,
    ListStateMachineAliasesCommand, SFNClient, UpdateStateMachineAliasCommand,
} from "@aws-sdk/client-sfn";
import { run, RunResult } from "../../tools/pulumi-local";
import { SfnLocal, startSfnLocal } from "../../tools/sfn-local";
import { endpointEnv, makeMachine as makeSfnMachine, Routing, scratchProject, TYPE, WRITES } from "../support/world";

const PROGRAM = path.join(__dirname, "programs", "alias");

describe("end to end: StateMachineAlias through the local engine and endpoint", function () {
    this.timeout(90_000);
    let local: SfnLocal;
    let sfn: SFNClient;
    let dir: string;
    let machine: { arn: string; v1: string; v2: string };
    let other: { arn: string; v1: string };

    const makeMachine = (name: string, versions: number) => makeSfnMachine(sfn, name, versions);

    before(async () => {
        local = await startSfnLocal({ throttling: false, seed: 7 });
        sfn = new SFNClient({ endpoint: local.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
        const m = await makeMachine("orders", 2);
        machine = { arn: m.arn, v1: m.versions[0], v2: m.versions[1] };
        const o = await makeMachine("billing", 1);
        other = { arn: o.arn, v1: o.versions[0] };
        // A scratch project whose program is ./programs/alias; node_modules is linked so that the plugin,
        // which runs in the project folder, resolves @aws-sdk/client-sfn as it would in a user's project.
        dir = scratchProject(PROGRAM, "sfn-alias-e2e-");
    });

    after(async () => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
        await local?.stop();
    });

    function up(command: "preview" | "up" | "refresh" | "destroy", config: Record<string, string> = {}, stack = "dev"): Promise<RunResult> {
        local.clearCalls();
        return run({
            command, cwd: dir, stack, config,
            env: endpointEnv(local.url),
        });
    }
    const cfg = (routing: Routing[], extra: Record<string, string> = {}) =>
        ({ routing: JSON.stringify(routing), aliasName: "live", description: "orders live traffic", ...extra });
    const calls = () => local.calls().map((c) => c.operation);
    /** The call log as [operation, outcome, request]. */
    const log = () => local.calls().map((c) => [c.operation, c.outcome, c.params]);
    const aliasSteps = (r: RunResult) => r.steps.filter((s) => s.type === TYPE).map((s) => s.op);
    const ok = (r: RunResult) => assert.ok(r.ok, `${r.error}\n${r.diagnostics.join("\n")}`);
    const stateText = (stack = "dev") => fs.readFileSync(path.join(dir, ".pulumi-local", `${stack}.json`), "utf8");
    const describe = async (arn: string) => sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: arn }));
    const sorted = (r: Routing[]) => [...r].sort((a, b) => a.stateMachineVersionArn.localeCompare(b.stateMachineVersionArn));

    const all1 = () => [{ stateMachineVersionArn: machine.v1, weight: 100 }];
    const canary = () => [{ stateMachineVersionArn: machine.v1, weight: 90 }, { stateMachineVersionArn: machine.v2, weight: 10 }];
    let aliasArn: string;

    it("create: the ownership check (one DescribeStateMachineAlias: not found), then one CreateStateMachineAlias", async () => {
        aliasArn = `${machine.arn}:live`;
        const r = await up("up", cfg(all1()));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["create"]);
        assert.deepStrictEqual(log(), [
            ["DescribeStateMachineAlias", "ResourceNotFound", { stateMachineAliasArn: aliasArn }],
            ["CreateStateMachineAlias", "ok", { name: "live", description: "orders live traffic", routingConfiguration: all1() }],
        ]);
        assert.strictEqual(r.outputs.arn, aliasArn);
        assert.strictEqual(r.outputs.stateMachineArn, machine.arn);
        // Every declared output, in canonical form.
        assert.strictEqual(r.outputs.name, "live");
        assert.strictEqual(r.outputs.description, "orders live traffic");
        assert.strictEqual(r.outputs.adoptExisting, false);
        assert.deepStrictEqual(r.outputs.routingConfiguration, all1());
        assert.strictEqual(r.outputs.updateDate, r.outputs.creationDate);
        assert.deepStrictEqual((await describe(aliasArn)).routingConfiguration, all1());
    });

    it("preview of a weight change: an update planned, zero API calls", async () => {
        const r = await up("preview", cfg(canary()));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["update"]);
        assert.deepStrictEqual(r.steps.find((s) => s.type === TYPE)!.diffs, ["routingConfiguration"]);
        assert.deepStrictEqual(calls(), []);
    });

    it("up of the change: exactly one UpdateStateMachineAlias carrying the whole desired configuration, routing sorted", async () => {
        // Written in reverse: what is sent (and recorded) is sorted by version ARN.
        const r = await up("up", cfg([...canary()].reverse()));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["update"]);
        // Not just the routing that changed: the description too, so that what AWS holds afterwards does
        // not depend on what the state believed it held.
        assert.deepStrictEqual(log(), [
            ["UpdateStateMachineAlias", "ok", { stateMachineAliasArn: aliasArn, description: "orders live traffic", routingConfiguration: canary() }],
        ]);
        assert.deepStrictEqual(r.outputs.routingConfiguration, canary());
        assert.deepStrictEqual((await describe(aliasArn)).routingConfiguration, canary());
    });

    it("up again: no changes, zero API calls", async () => {
        const r = await up("up", cfg(canary()));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["same"]);
        assert.deepStrictEqual(calls(), []);
    });

    it("reordered routing: no changes, zero API calls", async () => {
        const r = await up("up", cfg([...canary()].reverse()));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["same"]);
        assert.deepStrictEqual(calls(), []);
    });

    it("description change, then removal (sent as \"\"); each one update of the whole configuration", async () => {
        const changed = await up("up", cfg(canary(), { description: "orders, canary of v2" }));
        ok(changed);
        assert.deepStrictEqual(aliasSteps(changed), ["update"]);
        assert.deepStrictEqual(local.calls().map((c) => [c.operation, c.params]), [
            ["UpdateStateMachineAlias", { stateMachineAliasArn: aliasArn, description: "orders, canary of v2", routingConfiguration: canary() }],
        ]);
        assert.strictEqual(changed.outputs.description, "orders, canary of v2");
        const removed = await up("up", { routing: JSON.stringify(canary()), aliasName: "live" });
        ok(removed);
        assert.deepStrictEqual(aliasSteps(removed), ["update"]);
        assert.deepStrictEqual(local.calls().map((c) => [c.operation, c.params]), [
            ["UpdateStateMachineAlias", { stateMachineAliasArn: aliasArn, description: "", routingConfiguration: canary() }],
        ]);
        assert.strictEqual(removed.outputs.description, "");
        assert.strictEqual((await describe(aliasArn)).description ?? "", "");
    });

    it("name change: a replacement that creates the new alias (ownership check first), then deletes the old", async () => {
        aliasArn = `${machine.arn}:prod`;
        const r = await up("up", cfg(canary(), { aliasName: "prod" }));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["create-replacement", "replace", "delete-replaced"]);
        assert.deepStrictEqual(r.steps.find((s) => s.op === "replace")!.replaces, ["name"]);
        assert.deepStrictEqual(log(), [
            ["DescribeStateMachineAlias", "ResourceNotFound", { stateMachineAliasArn: aliasArn }],
            ["CreateStateMachineAlias", "ok", { name: "prod", description: "orders live traffic", routingConfiguration: canary() }],
            ["DeleteStateMachineAlias", "ok", { stateMachineAliasArn: `${machine.arn}:live` }],
        ]);
        assert.strictEqual(r.outputs.arn, aliasArn);
        assert.strictEqual(r.outputs.name, "prod");
    });

    it("moving to another state machine's versions: a replacement", async () => {
        const r = await up("up", cfg([{ stateMachineVersionArn: other.v1, weight: 100 }], { aliasName: "prod" }));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["create-replacement", "replace", "delete-replaced"]);
        assert.deepStrictEqual(log(), [
            ["DescribeStateMachineAlias", "ResourceNotFound", { stateMachineAliasArn: `${other.arn}:prod` }],
            ["CreateStateMachineAlias", "ok", { name: "prod", description: "orders live traffic", routingConfiguration: [{ stateMachineVersionArn: other.v1, weight: 100 }] }],
            ["DeleteStateMachineAlias", "ok", { stateMachineAliasArn: `${machine.arn}:prod` }],
        ]);
        assert.strictEqual(r.outputs.stateMachineArn, other.arn);
        assert.strictEqual(r.outputs.arn, `${other.arn}:prod`);
        // Back to the first state machine for the scenarios that follow.
        const back = await up("up", cfg(canary(), { aliasName: "prod" }));
        ok(back);
        assert.deepStrictEqual(calls(), ["DescribeStateMachineAlias", "CreateStateMachineAlias", "DeleteStateMachineAlias"]);
        assert.strictEqual(back.outputs.arn, aliasArn);
    });

    it("refresh with no drift: one DescribeStateMachineAlias, nothing changed", async () => {
        const r = await up("refresh", cfg(canary(), { aliasName: "prod" }));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["refresh"]);
        assert.deepStrictEqual(r.steps.find((s) => s.type === TYPE)!.diffs, []);
        assert.deepStrictEqual(calls(), ["DescribeStateMachineAlias"]);
    });

    it("refresh after an out-of-band update shows the drift; the next up restores it with one update", async () => {
        await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, routingConfiguration: all1() }));
        const r = await up("refresh", cfg(canary(), { aliasName: "prod" }));
        ok(r);
        const step = r.steps.find((s) => s.type === TYPE)!;
        assert.strictEqual(step.op, "refresh");
        assert.ok(step.diffs!.includes("routingConfiguration"), `drift not shown: ${JSON.stringify(step)}`);
        assert.deepStrictEqual(calls(), ["DescribeStateMachineAlias"]);

        const restored = await up("up", cfg(canary(), { aliasName: "prod" }));
        ok(restored);
        assert.deepStrictEqual(aliasSteps(restored), ["update"]);
        assert.deepStrictEqual(log(), [
            ["UpdateStateMachineAlias", "ok", { stateMachineAliasArn: aliasArn, description: "orders live traffic", routingConfiguration: canary() }],
        ]);
        assert.deepStrictEqual(sorted((await describe(aliasArn)).routingConfiguration as Routing[]), sorted(canary()));
    });

    it("refresh after an out-of-band delete drops the alias; the next up recreates it", async () => {
        await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
        const r = await up("refresh", cfg(canary(), { aliasName: "prod" }));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["delete"]);
        assert.deepStrictEqual(calls(), ["DescribeStateMachineAlias"]);
        const recreated = await up("up", cfg(canary(), { aliasName: "prod" }));
        ok(recreated);
        assert.deepStrictEqual(aliasSteps(recreated), ["create"]);
        assert.deepStrictEqual(log(), [
            ["DescribeStateMachineAlias", "ResourceNotFound", { stateMachineAliasArn: aliasArn }],
            ["CreateStateMachineAlias", "ok", { name: "prod", description: "orders live traffic", routingConfiguration: canary() }],
        ]);
        assert.strictEqual(recreated.outputs.arn, aliasArn);
    });

    it("an existing alias, even one identical to the program's, is never taken over: the create fails, no write; adoptExisting takes it over with one update", async () => {
        const adoptedArn = `${machine.arn}:adopted`;
        // Made by hand with exactly the configuration the program declares. The old provider's create sent
        // CreateStateMachineAlias, which AWS answers 200 for an identical alias, and recorded it as its own:
        // a green up, and two owners of one alias (destroying this stack would delete it for everyone).
        const made = await sfn.send(new CreateStateMachineAliasCommand({ name: "adopted", routingConfiguration: canary() }));
        const adoptCfg = { routing: JSON.stringify([...canary()].reverse()), aliasName: "adopted", resourceName: "adopted" };
        const refused = await up("up", adoptCfg, "adopt");
        assert.strictEqual(refused.ok, false);
        assert.ok(refused.error!.includes(
            `The alias ${adoptedArn} already exists (created ${made.creationDate!.toISOString()}, as AWS reports it) and this resource's state does not hold it, so it is not taken over`,
        ), refused.error);
        for (const fix of [/aliases resource option/, /choose another name/, /adoptExisting: true once/, /deleteBeforeReplace: true/]) assert.match(refused.error!, fix);
        assert.deepStrictEqual(log(), [["DescribeStateMachineAlias", "ok", { stateMachineAliasArn: adoptedArn }]]);
        assert.ok(!fs.existsSync(path.join(dir, ".pulumi-local", "adopt.json")) || !stateText("adopt").includes(adoptedArn), "the refused alias is in the state");

        // Someone changes it meanwhile; adoptExisting sets it to the program's configuration: one update of the
        // whole configuration (the Describe is not trusted to skip it).
        await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: adoptedArn, description: "by hand", routingConfiguration: [{ stateMachineVersionArn: machine.v2, weight: 100 }] }));
        const adopted = await up("up", { ...adoptCfg, adoptExisting: "true" }, "adopt");
        ok(adopted);
        assert.deepStrictEqual(aliasSteps(adopted), ["create"]);
        assert.deepStrictEqual(log(), [
            ["DescribeStateMachineAlias", "ok", { stateMachineAliasArn: adoptedArn }],
            ["UpdateStateMachineAlias", "ok", { stateMachineAliasArn: adoptedArn, description: "", routingConfiguration: canary() }],
        ]);
        assert.strictEqual(adopted.outputs.adoptExisting, true);
        assert.strictEqual(adopted.outputs.creationDate, made.creationDate!.toISOString());
        const live = await describe(adoptedArn);
        assert.deepStrictEqual(live.routingConfiguration, canary());
        assert.strictEqual(live.description ?? "", "");
        const gone = await up("destroy", { ...adoptCfg, adoptExisting: "true" }, "adopt");
        ok(gone);
        assert.deepStrictEqual(log(), [["DeleteStateMachineAlias", "ok", { stateMachineAliasArn: adoptedArn }]]);
    });

    it("a bad input fails the up at check: zero API calls, state file unchanged", async () => {
        const before = stateText();
        const bad = [{ stateMachineVersionArn: machine.v1, weight: 90 }, { stateMachineVersionArn: machine.v2, weight: 20 }];
        const r = await up("up", cfg(bad, { aliasName: "prod" }));
        assert.strictEqual(r.ok, false);
        assert.match(r.error!, /property routingConfiguration value .* has a problem: /);
        assert.deepStrictEqual(calls(), []);
        assert.strictEqual(stateText(), before);
    });

    it("destroy: zero aliases left in the endpoint", async () => {
        const r = await up("destroy", cfg(canary(), { aliasName: "prod" }));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["delete"]);
        assert.deepStrictEqual(log(), [["DeleteStateMachineAlias", "ok", { stateMachineAliasArn: aliasArn }]]);
        for (const sm of [machine.arn, other.arn]) {
            const list = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm }));
            assert.deepStrictEqual(list.stateMachineAliases, [], `aliases left on ${sm}`);
        }
        assert.ok(!calls().some((c) => WRITES.includes(c) && c !== "DeleteStateMachineAlias"));
    });
});
