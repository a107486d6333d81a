// Gradual deployment end to end: programs through the local engine against the local endpoint, which serves
// Step Functions and CloudWatch on one port. Every duration is seconds (intervalSeconds 1, alarmPollSeconds
// 1), so no phase waits more than a few seconds; alarms are set with SetAlarmState (CloudWatch's own API for
// testing alarms) while the rollout waits, and the call log shows every write.
import * as assert from "assert";
import { spawn } from "child_process";
import * as path from "path";
import { CloudWatchClient, PutCompositeAlarmCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { CreateStateMachineCommand, UpdateStateMachineAliasCommand, UpdateStateMachineCommand } from "@aws-sdk/client-sfn";
import { AliasProject, AliasSpec, endpointAliases, endpointEnv, endpointSuite, ROOT, ROLE, RunResult, SfnLocal, TYPE } from "../support/world";
import { descendants } from "../support/processes";

const BIN = path.join(ROOT, "bin", "pulumi-local.js");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("end to end: deploymentPreference rollouts (canary, linear, all at once) with alarms", function () {
    this.timeout(90_000);
    afterEach(() => suite.local?.setFaults(undefined));
    const suite = endpointSuite(61, (l) => new AliasProject(l));
    let local: SfnLocal;
    let cw: CloudWatchClient;
    /** Versions of "orders" (suite): v[0], v[1]; of "checks": pass (1, 2), fail (3), slow (4). */
    let v: string[];
    let checks: { arn: string; pass: string[]; fail: string; slow: string };
    let project: AliasProject;

    before(async () => {
        local = suite.local;
        v = suite.machine.versions;
        cw = new CloudWatchClient({ endpoint: local.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
        const pass = JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } });
        const c = await suite.sfn.send(new CreateStateMachineCommand({ name: "checks", definition: pass, roleArn: ROLE, publish: true }));
        const p2 = await suite.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: pass.replace('"P"', '"Q"').replace('"P"', '"Q"'), publish: true }));
        const fail = JSON.stringify({ StartAt: "F", States: { F: { Type: "Fail", Error: "Smoke.Broken", Cause: "the new version is broken" } } });
        const f = await suite.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: fail, publish: true }));
        const slow = JSON.stringify({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 30, End: true } } });
        const s = await suite.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: slow, publish: true }));
        checks = { arn: c.stateMachineArn!, pass: [c.stateMachineVersionArn!, p2.stateMachineVersionArn!], fail: f.stateMachineVersionArn!, slow: s.stateMachineVersionArn! };
        for (const name of ["errors", "latency"]) {
            await cw.send(new PutMetricAlarmCommand({
                AlarmName: name, Namespace: "AWS/States", MetricName: "ExecutionsFailed", Statistic: "Sum", Period: 60,
                EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold",
            }));
        }
        await cw.send(new PutCompositeAlarmCommand({ AlarmName: "health", AlarmRule: 'ALARM("errors") OR ALARM("latency")' }));
    });
    beforeEach(async () => {
        project = suite.project;
        await setAlarms("OK");
    });

    async function setAlarms(state: "OK" | "ALARM" | "INSUFFICIENT_DATA", names = ["errors", "latency"], reason = `test: ${state}`): Promise<void> {
        for (const n of names) await cw.send(new SetAlarmStateCommand({ AlarmName: n, StateValue: state, StateReason: reason }));
    }
    const spec = (deploymentPreference: Record<string, unknown> | undefined, routing?: string): AliasSpec[] => [{
        resource: "live",
        args: { name: "live", ...(deploymentPreference ? { deploymentPreference } : { routingConfiguration: [{ stateMachineVersionArn: routing, weight: 100 }] }) },
    }];
    const canary = (version: string, extra: Record<string, unknown> = {}) => ({
        type: "CANARY", stateMachineVersionArn: version, percentage: 10, intervalSeconds: 1, alarmPollSeconds: 1, alarms: ["health"], ...extra,
    });
    /** The routing each UpdateStateMachineAlias wrote, as "v<n>=<weight>" sorted, in order. */
    const updates = () => local.calls().filter((c) => c.operation === "UpdateStateMachineAlias" && c.outcome === "ok")
        .map((c) => (c.params.routingConfiguration as { stateMachineVersionArn: string; weight: number }[])
            .map((r) => `v${r.stateMachineVersionArn.split(":").pop()}=${r.weight}`).sort().join(","));
    const count = (op: string) => local.calls().filter((c) => c.operation === op).length;
    const aliasNow = (machine = suite.machine.arn) => endpointAliases(local)[`${machine}:live`]?.routing.map((r) => `v${r.stateMachineVersionArn.split(":").pop()}=${r.weight}`).sort().join(",");
    const recorded = () => {
        const r = project.state()!.resources.find((x) => x.type === TYPE)!;
        return { routing: (r.outputs.routingConfiguration as { stateMachineVersionArn: string; weight: number }[]).map((e) => `v${e.stateMachineVersionArn.split(":").pop()}=${e.weight}`).sort().join(","), marker: r.outputs.rolloutInProgress, initErrors: r.initErrors };
    };
    const progress = (r: RunResult) => r.diagnostics.filter((d) => d.startsWith("plugin: live: ")).map((d) => d.slice("plugin: ".length));
    const errorOf = (r: RunResult) => r.steps.find((s) => s.type === TYPE)?.error ?? r.error ?? "";
    /** Runs `up` in this process, and calls `during` once the endpoint has seen `when`. */
    async function upWhile(aliases: AliasSpec[], when: () => boolean, during: () => Promise<void>, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
        const running = project.run("up", aliases, { skipPreview: true, env });
        const deadline = Date.now() + 30_000;
        while (!when()) {
            if (Date.now() > deadline) throw new Error("timed out waiting for the rollout to reach the phase");
            await sleep(10);
        }
        await during();
        return running;
    }
    const created = async (version = v[0]) => {
        const r = await project.run("up", spec(undefined, version), { skipPreview: true });
        assert.ok(r.ok, r.stdout);
        local.clearCalls();
    };

    it("a create goes straight to 100% after checking the alarms: one DescribeAlarms, one Create, no Update", async () => {
        const r = await project.run("up", spec(canary(v[0])), { skipPreview: true });
        assert.ok(r.ok, r.stdout);
        assert.strictEqual(aliasNow(), "v1=100");
        assert.strictEqual(count("CreateStateMachineAlias"), 1);
        assert.strictEqual(count("UpdateStateMachineAlias"), 0);
        assert.strictEqual(count("DescribeAlarms"), 1);
        // No change, no call: a second up makes no write and reads no alarm.
        local.clearCalls();
        const again = await project.run("up", spec(canary(v[0])));
        assert.ok(again.ok, again.stdout);
        assert.deepStrictEqual(local.calls().filter((c) => c.operation !== "DescribeStateMachineAlias").map((c) => c.operation), []);
        assert.strictEqual(count("DescribeStateMachineAlias"), 0);
    });

    it("CANARY 10: one Update per shift (10, then 100), alarms polled during the wait and the bake, progress lines naming the alias", async () => {
        await created();
        const r = await project.run("up", spec(canary(v[1])));
        assert.ok(r.ok, r.stdout);
        assert.deepStrictEqual(updates(), ["v1=90,v2=10", "v2=100"]);
        assert.strictEqual(aliasNow(), "v2=100");
        assert.strictEqual(recorded().routing, "v2=100");
        assert.strictEqual(recorded().marker, undefined);
        // Before the start, then every second of the 1-s wait and the 1-s bake (start and end of each).
        const polls = count("DescribeAlarms");
        assert.ok(polls >= 5 && polls <= 7, `DescribeAlarms ${polls}`);
        const lines = progress(r);
        for (const expected of ["live: alarms checked before the rollout", "live: shifted 10% to version 2 (90% stays on version 1).", "live: holding 10% on version 2 until",
            "live: shifted 100% to version 2 (from version 1).", "live: baking 100% on version 2 until", "live: rollout complete: 100% on version 2."]) {
            assert.ok(lines.some((l) => l.startsWith(expected)), `${expected}\n${lines.join("\n")}`);
        }
        // The preview planned an update and made no call but reads.
        assert.deepStrictEqual(r.preview?.steps.filter((s) => s.type === TYPE).map((s) => s.op), ["update"]);
    });

    it("LINEAR 30: shifts 30, 60, 90, 100; steps [5, 50]: 5, 50, 100; ALL_AT_ONCE: one shift", async () => {
        await created();
        let r = await project.run("up", spec({ type: "LINEAR", stateMachineVersionArn: v[1], percentage: 30, intervalSeconds: 1 }), { skipPreview: true });
        assert.ok(r.ok, r.stdout);
        assert.deepStrictEqual(updates(), ["v1=70,v2=30", "v1=40,v2=60", "v1=10,v2=90", "v2=100"]);
        assert.strictEqual(count("DescribeAlarms"), 0, "no alarms named, none read");
        local.clearCalls();
        r = await project.run("up", spec({ type: "CANARY", stateMachineVersionArn: v[0], steps: [5, 50], intervalSeconds: 1 }), { skipPreview: true });
        assert.ok(r.ok, r.stdout);
        assert.deepStrictEqual(updates(), ["v1=5,v2=95", "v1=50,v2=50", "v1=100"]);
        local.clearCalls();
        r = await project.run("up", spec({ type: "ALL_AT_ONCE", stateMachineVersionArn: v[1], alarms: ["health"], bakeTimeSeconds: 1, alarmPollSeconds: 1 }), { skipPreview: true });
        assert.ok(r.ok, r.stdout);
        assert.deepStrictEqual(updates(), ["v2=100"]);
        assert.ok(count("DescribeAlarms") >= 2, "ALL_AT_ONCE is watched during its bake");
    });

    it("an alarm already in ALARM, or a missing alarm, refuses to start: no write, the names in the message", async () => {
        await created();
        await setAlarms("ALARM", ["errors"], "Threshold Crossed: 3 datapoints");
        let r = await project.run("up", spec(canary(v[1])), { skipPreview: true });
        assert.strictEqual(r.ok, false);
        assert.ok(errorOf(r).includes("the rollout did not start: an alarm is already firing: health (ALARM"), errorOf(r));
        assert.deepStrictEqual(updates(), []);
        await setAlarms("OK");
        r = await project.run("up", spec(canary(v[1], { alarms: ["health", "helth"] })), { skipPreview: true });
        assert.strictEqual(r.ok, false);
        assert.ok(errorOf(r).includes('names an alarm that CloudWatch does not have in us-east-1: "helth"'), errorOf(r));
        assert.deepStrictEqual(updates(), []);
        assert.strictEqual(aliasNow(), "v1=100");
    });

    it("INSUFFICIENT_DATA counts as OK by default, and refuses to start when treated as ALARM", async () => {
        await created();
        // The metric alarm itself (the composite "health" is OK while no child is in ALARM, as CloudWatch evaluates ALARM()).
        await setAlarms("INSUFFICIENT_DATA");
        let r = await project.run("up", spec(canary(v[1], { alarms: ["errors"], treatInsufficientDataAs: "ALARM" })), { skipPreview: true });
        assert.strictEqual(r.ok, false);
        assert.ok(errorOf(r).includes("already firing: errors (INSUFFICIENT_DATA"), errorOf(r));
        assert.deepStrictEqual(updates(), []);
        r = await project.run("up", spec(canary(v[1], { alarms: ["errors"] })), { skipPreview: true });
        assert.ok(r.ok, r.stdout);
        assert.deepStrictEqual(updates(), ["v1=90,v2=10", "v2=100"]);
    });

    it("an alarm firing during the wait routes 100% back to the origin in one call and fails with the alarm and its reason; the state records what AWS has", async () => {
        await created();
        const r = await upWhile(spec(canary(v[1], { intervalSeconds: 3 })), () => updates().length === 1,
            () => setAlarms("ALARM", ["latency"], "Threshold Crossed: p99 above 2 s"));
        assert.strictEqual(r.ok, false);
        assert.deepStrictEqual(updates(), ["v1=90,v2=10", "v1=100"]);
        const error = errorOf(r);
        assert.ok(error.includes("rolled back: CloudWatch alarm health (ALARM"), error);
        assert.ok(error.includes("while holding 10%"), error);
        assert.ok(error.includes(`All traffic was routed back to ${v[0]}`), error);
        assert.strictEqual(aliasNow(), "v1=100");
        assert.deepStrictEqual({ routing: recorded().routing, marker: recorded().marker }, { routing: "v1=100", marker: undefined });
        assert.ok(progress(r).some((l) => l.startsWith("live: rolled back: 100% on version 1.")), progress(r).join("\n"));
    });

    it("an alarm firing during the bake, after the final shift, rolls back too (CloudFormation never watches then)", async () => {
        await created();
        const r = await upWhile(spec(canary(v[1], { bakeTimeSeconds: 3 })), () => updates().includes("v2=100"),
            () => setAlarms("ALARM", ["errors"]));
        assert.strictEqual(r.ok, false);
        assert.deepStrictEqual(updates(), ["v1=90,v2=10", "v2=100", "v1=100"]);
        assert.ok(errorOf(r).includes("during the bake"), errorOf(r));
        assert.strictEqual(aliasNow(), "v1=100");
    });

    it("alarm reads that keep failing fail closed (rollback), or are skipped with onAlarmReadFailure CONTINUE", async () => {
        await created();
        const env = { PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS: "300" };
        let r = await upWhile(spec(canary(v[1], { intervalSeconds: 2 })), () => updates().length === 1,
            async () => local.setFaults("throttle=1,ops=DescribeAlarms"), env);
        assert.strictEqual(r.ok, false);
        assert.ok(errorOf(r).includes("its alarms could not be read while holding 10%"), errorOf(r));
        assert.ok(errorOf(r).includes("failing closed"), errorOf(r));
        assert.deepStrictEqual(updates(), ["v1=90,v2=10", "v1=100"]);
        local.setFaults(undefined);
        local.clearCalls();
        r = await upWhile(spec(canary(v[1], { intervalSeconds: 2, onAlarmReadFailure: "CONTINUE" })), () => updates().length === 1,
            async () => local.setFaults("throttle=1,ops=DescribeAlarms"), env);
        assert.ok(r.ok, r.stdout);
        assert.deepStrictEqual(updates(), ["v1=90,v2=10", "v2=100"]);
        assert.ok(progress(r).some((l) => l.includes("continuing (onAlarmReadFailure: CONTINUE)")));
    });

    it("drift mid-way (someone else updates the alias) stops without overwriting: expected vs actual", async () => {
        await created();
        const r = await upWhile(spec(canary(v[1], { intervalSeconds: 2 })), () => updates().length === 1, async () => {
            await suite.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: `${suite.machine.arn}:live`, routingConfiguration: [{ stateMachineVersionArn: v[0], weight: 50 }, { stateMachineVersionArn: v[1], weight: 50 }] }));
        });
        assert.strictEqual(r.ok, false);
        const error = errorOf(r);
        assert.ok(error.includes("drift detected during the rollout: expected version 2 10%, version 1 90%, but the alias has"), error);
        assert.ok(error.includes("Stopped without overwriting it"), error);
        assert.strictEqual(aliasNow(), "v1=50,v2=50");
        assert.strictEqual(recorded().routing, "v1=50,v2=50", "the state records what AWS has");
    });

    it("the pre-traffic execution: SUCCEEDED lets the rollout start; FAILED and a timeout stop it before any traffic moves", async () => {
        const one = (version: string, extra: Record<string, unknown> = {}): AliasSpec[] => [{ resource: "live", args: { name: "live", deploymentPreference: { type: "ALL_AT_ONCE", stateMachineVersionArn: version, preTrafficExecution: { input: { smoke: true }, ...extra } } } }];
        let r = await project.run("up", [{ resource: "live", args: { name: "live", routingConfiguration: [{ stateMachineVersionArn: checks.pass[0], weight: 100 }] } }], { skipPreview: true });
        assert.ok(r.ok, r.stdout);
        local.clearCalls();
        r = await project.run("up", one(checks.pass[1]), { skipPreview: true });
        assert.ok(r.ok, r.stdout);
        const started = local.calls().filter((c) => c.operation === "StartExecution");
        assert.deepStrictEqual(started.map((c) => [c.params.stateMachineArn, c.params.input]), [[checks.pass[1], '{"smoke":true}']], "the version's ARN, not the alias");
        assert.strictEqual(aliasNow(checks.arn), "v2=100");
        local.clearCalls();
        r = await project.run("up", one(checks.fail), { skipPreview: true });
        assert.strictEqual(r.ok, false);
        assert.ok(errorOf(r).includes("ended FAILED with error Smoke.Broken: the new version is broken"), errorOf(r));
        assert.deepStrictEqual(updates(), []);
        r = await project.run("up", one(checks.slow, { timeoutSeconds: 1 }), { skipPreview: true });
        assert.strictEqual(r.ok, false);
        assert.ok(errorOf(r).includes("did not finish within deploymentPreference.preTrafficExecution.timeoutSeconds (1 s); it is still RUNNING"), errorOf(r));
        assert.deepStrictEqual(updates(), []);
        assert.strictEqual(aliasNow(checks.arn), "v2=100");
    });

    for (const phase of ["wait", "bake"] as const) {
        it(`the engine killed during the ${phase}: the next up resumes from the weight reached (never from the first step, never a jump to 100%)`, async () => {
            await created();
            const aliases = spec(canary(v[1], { intervalSeconds: phase === "wait" ? 4 : 1, bakeTimeSeconds: phase === "bake" ? 4 : 1 }));
            const child = spawn(process.execPath, [BIN, "up", "--skip-preview", "--cwd", project.dir, "--stack", "dev", "--config", `aliases=${JSON.stringify(aliases)}`], {
                env: { ...process.env, ...endpointEnv(local.url) }, detached: true, stdio: "ignore",
            });
            const exited = new Promise((r) => child.once("exit", r));
            const reached = phase === "wait" ? 1 : 2;
            while (updates().length < reached) await sleep(10);
            await sleep(300);
            process.kill(-child.pid!, "SIGKILL");
            await exited;
            assert.strictEqual(aliasNow(), phase === "wait" ? "v1=90,v2=10" : "v2=100");
            local.clearCalls();
            const r = await project.run("up", aliases);
            assert.ok(r.ok, r.stdout);
            assert.deepStrictEqual(updates(), phase === "wait" ? ["v2=100"] : [], "continues from 10% (or only bakes again)");
            assert.ok(progress(r).some((l) => l.startsWith(phase === "wait" ? "live: resuming the rollout from version 1 to version 2 at 10%" : "live: 100% on version 2; the bake of the rollout from version 1 did not finish")), progress(r).join("\n"));
            assert.ok(count("DescribeAlarms") >= 2, "alarms checked on resume");
            assert.strictEqual(recorded().routing, "v2=100");
        });
    }

    it("the plugin killed mid-way: the update fails, and the next up resumes from the weight reached", async () => {
        await created();
        const aliases = spec(canary(v[1], { intervalSeconds: 4 }));
        const running = project.run("up", aliases, { skipPreview: true });
        while (updates().length < 1) await sleep(10);
        const plugin = descendants(process.pid).find((p) => p.args.includes("dynamic-provider"));
        assert.ok(plugin, "the plugin process");
        process.kill(plugin!.pid, "SIGKILL");
        const r = await running;
        assert.strictEqual(r.ok, false);
        assert.strictEqual(aliasNow(), "v1=90,v2=10");
        local.clearCalls();
        const next = await project.run("up", aliases, { skipPreview: true });
        assert.ok(next.ok, next.stdout);
        assert.deepStrictEqual(updates(), ["v2=100"]);
    });

    it("the plugin interrupted (SIGINT, as the engine closes plugins) stops at a safe point, records the split and the direction; naming the origin again routes back in one call", async () => {
        await created();
        const running = project.run("up", spec(canary(v[1], { intervalSeconds: 5 })), { skipPreview: true });
        while (updates().length < 1) await sleep(10);
        const plugin = descendants(process.pid).find((p) => p.args.includes("dynamic-provider"));
        process.kill(plugin!.pid, "SIGINT");
        const r = await running;
        assert.strictEqual(r.ok, false);
        assert.ok(errorOf(r).includes("the rollout was interrupted at 10% on version 2"), errorOf(r));
        assert.deepStrictEqual(recorded().marker, { originVersionArn: v[0], targetVersionArn: v[1] });
        assert.strictEqual(recorded().routing, "v1=90,v2=10");
        local.clearCalls();
        // The program names the origin again: one call back, no rollout, no alarm read.
        const back = await project.run("up", spec(canary(v[0])));
        assert.ok(back.ok, back.stdout);
        assert.deepStrictEqual(updates(), ["v1=100"]);
        assert.strictEqual(count("DescribeAlarms"), 0);
        assert.deepStrictEqual({ routing: recorded().routing, marker: recorded().marker }, { routing: "v1=100", marker: undefined });
    });

    it("AWS_ENDPOINT_URL alone points both services at the endpoint", async () => {
        await created();
        const r = await project.run("up", spec(canary(v[1])), { skipPreview: true, env: { AWS_ENDPOINT_URL: local.url, AWS_ENDPOINT_URL_SFN: "", AWS_ENDPOINT_URL_CLOUDWATCH: "" } });
        assert.ok(r.ok, r.stdout);
        assert.deepStrictEqual(updates(), ["v1=90,v2=10", "v2=100"]);
    });
});
