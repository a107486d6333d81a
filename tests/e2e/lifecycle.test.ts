// End to end: a real Pulumi program declaring a StateMachineAlias, run by the local engine (cmd/run + the
// real dynamic-provider plugin) against the local Step Functions endpoint. The scenarios build on each
// other, in order; each asserts the engine's steps AND the endpoint's call log.
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
    const aliasSteps = (r: RunResult) => r.steps.filter((s) => s.type === TYPE).map((s) => s.op);
    const ok = (r: RunResult) => assert.ok(r.ok, `${r.error}\n${r.diagnostics.join("\n")}`);
    const stateText = (stack = "dev") => fs.readFileSync(path.join(dir, ".pulumi-local", `${stack}.json`), "utf8");
    const describe = async (arn: string) => sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: arn }));
    const sorted = (r: Routing[]) => [...r].sort((a, b) => a.stateMachineVersionArn.localeCompare(b.stateMachineVersionArn));

    const all1 = () => [{ stateMachineVersionArn: machine.v1, weight: 100 }];
    const canary = () => [{ stateMachineVersionArn: machine.v1, weight: 90 }, { stateMachineVersionArn: machine.v2, weight: 10 }];
    let aliasArn: string;

    it("create: one CreateStateMachineAlias", async () => {
        const r = await up("up", cfg(all1()));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["create"]);
        assert.deepStrictEqual(calls(), ["CreateStateMachineAlias"]);
        aliasArn = r.outputs.arn;
        assert.strictEqual(aliasArn, `${machine.arn}:live`);
        assert.strictEqual(r.outputs.stateMachineArn, machine.arn);
        assert.deepStrictEqual((await describe(aliasArn)).routingConfiguration, all1());
    });

    it("preview of a weight change: an update planned, zero API calls", async () => {
        const r = await up("preview", cfg(canary()));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["update"]);
        assert.deepStrictEqual(r.steps.find((s) => s.type === TYPE)!.diffs, ["routingConfiguration"]);
        assert.deepStrictEqual(calls(), []);
    });

    it("up of the change: exactly one UpdateStateMachineAlias carrying only the routing", async () => {
        const r = await up("up", cfg(canary()));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["update"]);
        const log = local.calls();
        assert.deepStrictEqual(log.map((c) => c.operation), ["UpdateStateMachineAlias"]);
        assert.deepStrictEqual(Object.keys(log[0].params).sort(), ["routingConfiguration", "stateMachineAliasArn"]);
        assert.deepStrictEqual(sorted((await describe(aliasArn)).routingConfiguration as Routing[]), sorted(canary()));
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

    it("description change, then removal (sent as \"\")", async () => {
        const changed = await up("up", cfg(canary(), { description: "orders, canary of v2" }));
        ok(changed);
        assert.deepStrictEqual(aliasSteps(changed), ["update"]);
        assert.deepStrictEqual(local.calls().map((c) => [c.operation, c.params]), [
            ["UpdateStateMachineAlias", { stateMachineAliasArn: aliasArn, description: "orders, canary of v2" }],
        ]);
        const removed = await up("up", { routing: JSON.stringify(canary()), aliasName: "live" });
        ok(removed);
        assert.deepStrictEqual(aliasSteps(removed), ["update"]);
        assert.deepStrictEqual(local.calls().map((c) => [c.operation, c.params]), [
            ["UpdateStateMachineAlias", { stateMachineAliasArn: aliasArn, description: "" }],
        ]);
    });

    it("name change: a replacement that creates the new alias, then deletes the old", async () => {
        const r = await up("up", cfg(canary(), { aliasName: "prod" }));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["create-replacement", "replace", "delete-replaced"]);
        assert.deepStrictEqual(r.steps.find((s) => s.op === "replace")!.replaces, ["name"]);
        const log = local.calls();
        assert.deepStrictEqual(log.map((c) => c.operation), ["CreateStateMachineAlias", "DeleteStateMachineAlias"]);
        assert.strictEqual(log[0].params.name, "prod");
        assert.strictEqual(log[1].params.stateMachineAliasArn, `${machine.arn}:live`);
        aliasArn = r.outputs.arn;
        assert.strictEqual(aliasArn, `${machine.arn}:prod`);
    });

    it("moving to another state machine's versions: a replacement", async () => {
        const r = await up("up", cfg([{ stateMachineVersionArn: other.v1, weight: 100 }], { aliasName: "prod" }));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["create-replacement", "replace", "delete-replaced"]);
        assert.deepStrictEqual(calls(), ["CreateStateMachineAlias", "DeleteStateMachineAlias"]);
        assert.strictEqual(r.outputs.stateMachineArn, other.arn);
        // Back to the first state machine for the scenarios that follow.
        const back = await up("up", cfg(canary(), { aliasName: "prod" }));
        ok(back);
        aliasArn = back.outputs.arn;
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
        assert.deepStrictEqual(calls(), ["UpdateStateMachineAlias"]);
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
        assert.deepStrictEqual(calls(), ["CreateStateMachineAlias"]);
        assert.strictEqual(recreated.outputs.arn, aliasArn);
    });

    it("adoptExisting: without it an existing alias fails naming the flag; with it the alias converges", async () => {
        await sfn.send(new CreateStateMachineAliasCommand({ name: "adopted", routingConfiguration: [{ stateMachineVersionArn: machine.v2, weight: 100 }] }));
        const adoptCfg = { routing: JSON.stringify(canary()), aliasName: "adopted", resourceName: "adopted" };
        const refused = await up("up", adoptCfg, "adopt");
        assert.strictEqual(refused.ok, false);
        assert.match(refused.error!, /adoptExisting/);
        assert.ok(!calls().includes("UpdateStateMachineAlias"));

        const adopted = await up("up", { ...adoptCfg, adoptExisting: "true" }, "adopt");
        ok(adopted);
        assert.deepStrictEqual(aliasSteps(adopted), ["create"]);
        assert.ok(calls().includes("UpdateStateMachineAlias"));
        const live = await describe(`${machine.arn}:adopted`);
        assert.deepStrictEqual(sorted(live.routingConfiguration as Routing[]), sorted(canary()));
        const gone = await up("destroy", { ...adoptCfg, adoptExisting: "true" }, "adopt");
        ok(gone);
    });

    it("a bad input fails the up at check: zero API calls, state file unchanged", async () => {
        const before = stateText();
        const bad = [{ stateMachineVersionArn: machine.v1, weight: 90 }, { stateMachineVersionArn: machine.v2, weight: 20 }];
        const r = await up("up", cfg(bad, { aliasName: "prod" }));
        assert.strictEqual(r.ok, false);
        assert.match(r.error!, /check failed: .*routingConfiguration/);
        assert.deepStrictEqual(calls(), []);
        assert.strictEqual(stateText(), before);
    });

    it("destroy: zero aliases left in the endpoint", async () => {
        const r = await up("destroy", cfg(canary(), { aliasName: "prod" }));
        ok(r);
        assert.deepStrictEqual(aliasSteps(r), ["delete"]);
        assert.deepStrictEqual(calls(), ["DeleteStateMachineAlias"]);
        for (const sm of [machine.arn, other.arn]) {
            const list = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm }));
            assert.deepStrictEqual(list.stateMachineAliases, [], `aliases left on ${sm}`);
        }
        assert.ok(!calls().some((c) => WRITES.includes(c) && c !== "DeleteStateMachineAlias"));
    });
});
