// CloudWatch alarms on the local endpoint (same port as Step Functions and STS), through the real
// @aws-sdk/client-cloudwatch (AWS JSON 1.0, query-compatible): metric and composite alarms, DescribeAlarms
// filters and pagination, SetAlarmState, composite recomputation, DeleteAlarms, the errors as the SDK names
// them, faults, token buckets, the call log and the state file.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, DescribeAlarmsCommandInput, PutCompositeAlarmCommand,
  PutMetricAlarmCommand, PutMetricAlarmCommandInput, SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { CreateStateMachineCommand, ListStateMachinesCommand } from "@aws-sdk/client-sfn";
import { SfnLocal, startSfnLocal } from "../../tools/sfn-local";
import { parseAlarmRule } from "../../tools/sfn-local/cloudwatch";
import { client as sfnClient, definition, REGION, rejects, ROLE, sleep } from "./helpers";

const ACCOUNT = "123456789012";
const OTHER = "222222222222";

function cw(url: string, extra: Record<string, unknown> = {}): CloudWatchClient {
  return new CloudWatchClient({
    endpoint: url, region: REGION, credentials: { accessKeyId: "test", secretAccessKey: "test" }, ...extra,
  });
}

const metric = (name: string, extra: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput => ({
  AlarmName: name, MetricName: "Errors", Namespace: "AWS/States", Statistic: "Sum", Period: 60,
  EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold", ...extra,
});

/** A hand-made request with a SigV4-shaped Authorization header (the endpoint reads only its scope). */
async function raw(url: string, target: string, body: unknown, service = "monitoring") {
  const res = await fetch(`${url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0", "x-amz-target": target, "x-amzn-query-mode": "true",
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=00`,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: await res.json() as any };
}

describe("sfn-local CloudWatch alarms", function () {
  let local: SfnLocal;
  let c: CloudWatchClient;

  before(async () => {
    local = await startSfnLocal({ throttling: false, seed: 7, accounts: { "other-key": OTHER } });
    c = cw(local.url);
  });
  after(async () => {
    c.destroy();
    await local.stop();
  });
  beforeEach(() => {
    local.reset();
    local.clearCalls();
    local.setFaults(undefined);
  });

  const describe_ = (input: DescribeAlarmsCommandInput = {}) => c.send(new DescribeAlarmsCommand(input));

  it("creates metric and composite alarms; DescribeAlarms without AlarmTypes lists metric alarms only", async () => {
    const t0 = Date.now();
    await c.send(new PutMetricAlarmCommand(metric("m1", { AlarmDescription: "errors", Dimensions: [{ Name: "StateMachineArn", Value: "x" }] })));
    await c.send(new PutCompositeAlarmCommand({ AlarmName: "c1", AlarmRule: 'ALARM("m1")' }));

    const both = await describe_({ AlarmNames: ["m1", "c1"], AlarmTypes: ["MetricAlarm", "CompositeAlarm"] });
    assert.ok(both.$metadata.requestId);
    assert.strictEqual(both.MetricAlarms?.length, 1);
    assert.strictEqual(both.CompositeAlarms?.length, 1);
    const m = both.MetricAlarms![0];
    assert.strictEqual(m.AlarmName, "m1");
    assert.strictEqual(m.AlarmArn, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:m1`);
    assert.strictEqual(m.StateValue, "INSUFFICIENT_DATA");
    assert.strictEqual(m.StateReason, "Unchecked: Initial alarm creation");
    assert.strictEqual(m.AlarmDescription, "errors");
    assert.strictEqual(m.MetricName, "Errors");
    assert.strictEqual(m.Period, 60);
    assert.strictEqual(m.Threshold, 1);
    assert.strictEqual(m.ActionsEnabled, true);
    assert.deepStrictEqual(m.Dimensions, [{ Name: "StateMachineArn", Value: "x" }]);
    for (const ts of [m.StateUpdatedTimestamp, m.StateTransitionedTimestamp, m.AlarmConfigurationUpdatedTimestamp]) {
      assert.ok(ts instanceof Date && ts.getTime() >= t0 - 1 && ts.getTime() <= Date.now() + 1, `timestamp ${ts}`);
    }
    const comp = both.CompositeAlarms![0];
    assert.strictEqual(comp.AlarmArn, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:c1`);
    assert.strictEqual(comp.AlarmRule, 'ALARM("m1")');
    assert.strictEqual(comp.StateValue, "OK", "a composite is evaluated at once: m1 is not in ALARM");

    const metricOnly = await describe_();
    assert.deepStrictEqual(metricOnly.MetricAlarms?.map((a) => a.AlarmName), ["m1"]);
    assert.deepStrictEqual(metricOnly.CompositeAlarms, []);
    const compositeOnly = await describe_({ AlarmTypes: ["CompositeAlarm"] });
    assert.deepStrictEqual(compositeOnly.MetricAlarms, []);
    assert.deepStrictEqual(compositeOnly.CompositeAlarms?.map((a) => a.AlarmName), ["c1"]);

    // Missing names are absent, not an error.
    const some = await describe_({ AlarmNames: ["m1", "nope"], AlarmTypes: ["MetricAlarm", "CompositeAlarm"] });
    assert.deepStrictEqual(some.MetricAlarms?.map((a) => a.AlarmName), ["m1"]);
    assert.deepStrictEqual(some.CompositeAlarms, []);
    // Prefix, state filter, children and parents.
    assert.deepStrictEqual((await describe_({ AlarmNamePrefix: "m" })).MetricAlarms?.map((a) => a.AlarmName), ["m1"]);
    assert.deepStrictEqual((await describe_({ StateValue: "ALARM" })).MetricAlarms, []);
    assert.deepStrictEqual((await describe_({ ChildrenOfAlarmName: "c1" })).MetricAlarms?.map((a) => a.AlarmName), ["m1"]);
    assert.deepStrictEqual((await describe_({ ParentsOfAlarmName: "m1" })).CompositeAlarms?.map((a) => a.AlarmName), ["c1"]);

    // An update keeps the state and replaces the configuration.
    await c.send(new SetAlarmStateCommand({ AlarmName: "m1", StateValue: "ALARM", StateReason: "test" }));
    await c.send(new PutMetricAlarmCommand(metric("m1", { Threshold: 5 })));
    const after = (await describe_({ AlarmNames: ["m1"] })).MetricAlarms![0];
    assert.strictEqual(after.StateValue, "ALARM");
    assert.strictEqual(after.Threshold, 5);
    assert.strictEqual(after.AlarmDescription, undefined, "the update overwrites the whole configuration");
  });

  it("paginates over more than 100 alarms with MaxRecords and opaque tokens", async () => {
    for (let i = 0; i < 105; i++) await c.send(new PutMetricAlarmCommand(metric(`p-${String(i).padStart(3, "0")}`)));
    const first = await describe_({ MaxRecords: 100 });
    assert.strictEqual(first.MetricAlarms?.length, 100);
    assert.ok(first.NextToken);
    const second = await describe_({ MaxRecords: 100, NextToken: first.NextToken });
    assert.deepStrictEqual(second.MetricAlarms?.map((a) => a.AlarmName), ["p-100", "p-101", "p-102", "p-103", "p-104"]);
    assert.strictEqual(second.NextToken, undefined);
    // Default page size 50.
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await describe_({ NextToken: token });
      names.push(...page.MetricAlarms!.map((a) => a.AlarmName!));
      token = page.NextToken;
      pages++;
    } while (token);
    assert.strictEqual(pages, 3);
    assert.strictEqual(new Set(names).size, 105);

    const e = await rejects(describe_({ NextToken: "not-a-token" }), "InvalidNextToken");
    assert.strictEqual(e.$metadata.httpStatusCode, 400);
    // A token of another query is refused too.
    await rejects(describe_({ AlarmNamePrefix: "p-1", NextToken: first.NextToken }), "InvalidNextToken");
    await rejects(describe_({ MaxRecords: 101 }), "ValidationException",
      "1 validation error detected: Value '101' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100");
  });

  it("SetAlarmState: transitions, timestamps, StateReasonData, ResourceNotFound", async () => {
    await c.send(new PutMetricAlarmCommand(metric("s1")));
    const get = async () => (await describe_({ AlarmNames: ["s1"] })).MetricAlarms![0];
    const created = await get();
    await sleep(5);
    await c.send(new SetAlarmStateCommand({ AlarmName: "s1", StateValue: "ALARM", StateReason: "first", StateReasonData: '{"a":1}' }));
    const a1 = await get();
    assert.strictEqual(a1.StateValue, "ALARM");
    assert.strictEqual(a1.StateReason, "first");
    assert.strictEqual(a1.StateReasonData, '{"a":1}');
    assert.ok(a1.StateTransitionedTimestamp!.getTime() > created.StateTransitionedTimestamp!.getTime());
    assert.ok(a1.StateUpdatedTimestamp!.getTime() > created.StateUpdatedTimestamp!.getTime());
    await sleep(5);
    await c.send(new SetAlarmStateCommand({ AlarmName: "s1", StateValue: "ALARM", StateReason: "again" }));
    const a2 = await get();
    assert.strictEqual(a2.StateReason, "again");
    assert.strictEqual(a2.StateReasonData, undefined);
    assert.strictEqual(a2.StateTransitionedTimestamp!.getTime(), a1.StateTransitionedTimestamp!.getTime(), "same value: no transition");
    assert.ok(a2.StateUpdatedTimestamp!.getTime() > a1.StateUpdatedTimestamp!.getTime(), "every set updates");
    assert.strictEqual(a2.AlarmConfigurationUpdatedTimestamp!.getTime(), created.AlarmConfigurationUpdatedTimestamp!.getTime());

    const nf = await rejects(c.send(new SetAlarmStateCommand({ AlarmName: "ghost", StateValue: "OK", StateReason: "x" })), "ResourceNotFound");
    assert.strictEqual(nf.$metadata.httpStatusCode, 404);
    assert.strictEqual(nf.Code, "ResourceNotFound");
    await rejects(c.send(new SetAlarmStateCommand({ AlarmName: "s1", StateValue: "OK", StateReason: "x", StateReasonData: "{" })), "InvalidFormatFault");
    await rejects(c.send(new SetAlarmStateCommand({ AlarmName: "s1", StateValue: "BAD" as any, StateReason: "x" })), "ValidationException",
      "1 validation error detected: Value 'BAD' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [OK, ALARM, INSUFFICIENT_DATA]");
  });

  it("recomputes composites when a child changes; SetAlarmState on a composite holds until then", async () => {
    await c.send(new PutMetricAlarmCommand(metric("cpu")));
    await c.send(new PutMetricAlarmCommand(metric("deploy")));
    await c.send(new PutCompositeAlarmCommand({
      AlarmName: "page", AlarmRule: `ALARM("cpu") AND NOT ALARM(arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:deploy)`,
    }));
    await c.send(new PutCompositeAlarmCommand({ AlarmName: "top", AlarmRule: "ALARM(page) OR FALSE" }));
    const state = async (n: string) => (await describe_({ AlarmNames: [n], AlarmTypes: ["CompositeAlarm"] })).CompositeAlarms![0];
    const set = (n: string, v: "OK" | "ALARM" | "INSUFFICIENT_DATA") =>
      c.send(new SetAlarmStateCommand({ AlarmName: n, StateValue: v, StateReason: "test" }));

    assert.strictEqual((await state("page")).StateValue, "OK");
    await set("cpu", "ALARM");
    assert.strictEqual((await state("page")).StateValue, "ALARM");
    assert.strictEqual((await state("top")).StateValue, "ALARM", "composite of a composite follows");
    await set("deploy", "ALARM");
    assert.strictEqual((await state("page")).StateValue, "OK");
    assert.strictEqual((await state("top")).StateValue, "OK");
    // Set by hand: holds until a child changes.
    await set("page", "ALARM");
    assert.strictEqual((await state("page")).StateValue, "ALARM");
    assert.strictEqual((await state("page")).StateReason, "test");
    await set("deploy", "OK");
    await set("cpu", "OK");
    assert.strictEqual((await state("page")).StateValue, "OK");
    // Updating the rule re-evaluates it.
    await c.send(new PutCompositeAlarmCommand({ AlarmName: "page", AlarmRule: "OK(cpu) and (INSUFFICIENT_DATA(deploy) or TRUE)" }));
    assert.strictEqual((await state("page")).StateValue, "ALARM");

    // Rules naming missing alarms, or malformed, are refused.
    await rejects(c.send(new PutCompositeAlarmCommand({ AlarmName: "bad", AlarmRule: 'ALARM("ghost")' })),
      "InvalidParameterValueException", "Could not find alarm 'ghost' referenced in AlarmRule.");
    await rejects(c.send(new PutCompositeAlarmCommand({ AlarmName: "bad", AlarmRule: "ALARM(cpu) AND" })), "InvalidParameterValueException");
    await rejects(c.send(new PutCompositeAlarmCommand({ AlarmName: "bad", AlarmRule: undefined as any })), "ValidationException");

    // DeleteAlarms: a child still named by a composite is refused; composite first, then children.
    await rejects(c.send(new DeleteAlarmsCommand({ AlarmNames: ["cpu"] })), "InvalidParameterValueException");
    await rejects(c.send(new DeleteAlarmsCommand({ AlarmNames: ["page", "top"] })), "InvalidParameterCombinationException");
    await c.send(new DeleteAlarmsCommand({ AlarmNames: ["top"] }));
    await c.send(new DeleteAlarmsCommand({ AlarmNames: ["page", "cpu"] }));
    const left = await describe_({ AlarmTypes: ["MetricAlarm", "CompositeAlarm"] });
    assert.deepStrictEqual(left.MetricAlarms?.map((a) => a.AlarmName), ["deploy"]);
    assert.deepStrictEqual(left.CompositeAlarms, []);
    // Missing names: the others are deleted, then ResourceNotFound.
    const e = await rejects(c.send(new DeleteAlarmsCommand({ AlarmNames: ["deploy", "ghost"] })), "ResourceNotFound");
    assert.strictEqual(e.$metadata.httpStatusCode, 404);
    assert.deepStrictEqual((await describe_()).MetricAlarms, []);
  });

  it("answers validation errors with the names the SDK gives and a request id", async () => {
    await rejects(c.send(new PutMetricAlarmCommand(metric("v", { EvaluationPeriods: undefined }))), "ValidationException",
      "1 validation error detected: Value null at 'evaluationPeriods' failed to satisfy constraint: Member must not be null");
    await rejects(c.send(new PutMetricAlarmCommand(metric("v", { Period: 45 }))), "InvalidParameterValueException");
    await rejects(c.send(new PutMetricAlarmCommand(metric("v", { Threshold: undefined }))), "MissingRequiredParameterException");
    await rejects(c.send(new PutMetricAlarmCommand(metric("v", {
      Metrics: [{ Id: "m", MetricStat: { Metric: { MetricName: "Errors", Namespace: "AWS/States" }, Period: 60, Stat: "Sum" } }],
    }))), "InvalidParameterCombinationException");
    await rejects(describe_({ AlarmNames: ["a"], AlarmNamePrefix: "a" }), "InvalidParameterCombinationException");
    await rejects(describe_({ AlarmNames: Array.from({ length: 101 }, (_, i) => `n${i}`) }), "ValidationException");
    // Metrics instead of MetricName works.
    await c.send(new PutMetricAlarmCommand({
      AlarmName: "math", EvaluationPeriods: 2, DatapointsToAlarm: 1, Threshold: 0, ComparisonOperator: "GreaterThanThreshold",
      Metrics: [{ Id: "e", MetricStat: { Metric: { MetricName: "Errors", Namespace: "AWS/States" }, Period: 60, Stat: "Sum" } }],
    }));
    assert.strictEqual((await describe_({ AlarmNames: ["math"] })).MetricAlarms![0].Metrics?.[0].Id, "e");

    // The wire form: JSON __type naming the shape, x-amzn-query-error carrying the query code.
    const r = await raw(local.url, "GraniteServiceVersion20100801.SetAlarmState", { AlarmName: "ghost", StateValue: "OK", StateReason: "x" });
    assert.strictEqual(r.status, 404);
    assert.strictEqual(r.json.__type, "com.amazonaws.cloudwatch#ResourceNotFound");
    assert.strictEqual(r.headers.get("x-amzn-query-error"), "ResourceNotFound;Sender");
    assert.ok(r.headers.get("x-amzn-requestid"));
    const u = await raw(local.url, "GraniteServiceVersion20100801.GetMetricData", {});
    assert.strictEqual(u.status, 400);
    assert.strictEqual(u.headers.get("x-amzn-query-error"), "UnknownOperationException;Sender");
    const log = local.calls().filter((x) => x.operation === "GetMetricData");
    assert.strictEqual(log[0].outcome, "UnknownOperationException");
  });

  it("is per account and region", async () => {
    await c.send(new PutMetricAlarmCommand(metric("shared-name")));
    const other = cw(local.url, { credentials: { accessKeyId: "other-key", secretAccessKey: "x" } });
    const west = cw(local.url, { region: "us-west-2" });
    try {
      assert.deepStrictEqual((await other.send(new DescribeAlarmsCommand({}))).MetricAlarms, []);
      assert.deepStrictEqual((await west.send(new DescribeAlarmsCommand({}))).MetricAlarms, []);
      await other.send(new PutMetricAlarmCommand(metric("shared-name")));
      const mine = (await other.send(new DescribeAlarmsCommand({}))).MetricAlarms!;
      assert.strictEqual(mine[0].AlarmArn, `arn:aws:cloudwatch:${REGION}:${OTHER}:alarm:shared-name`);
      await rejects(west.send(new SetAlarmStateCommand({ AlarmName: "shared-name", StateValue: "OK", StateReason: "x" })), "ResourceNotFound");
    } finally {
      other.destroy();
      west.destroy();
    }
  });

  it("logs CloudWatch calls with service, params, outcome, region and caller", async () => {
    await c.send(new PutMetricAlarmCommand(metric("logged")));
    await rejects(c.send(new SetAlarmStateCommand({ AlarmName: "ghost", StateValue: "OK", StateReason: "x" })), "ResourceNotFound");
    const log = local.calls();
    assert.deepStrictEqual(log.map((e) => [e.service, e.operation, e.outcome, e.status]), [
      ["cloudwatch", "PutMetricAlarm", "ok", 200],
      ["cloudwatch", "SetAlarmState", "ResourceNotFound", 404],
    ]);
    assert.strictEqual(log[0].params.AlarmName, "logged");
    assert.strictEqual(log[0].region, REGION);
    assert.strictEqual(log[0].caller, `arn:aws:iam::${ACCOUNT}:user/test`);
    assert.ok(log[1].requestId);
  });

  it("applies faults to DescribeAlarms (5xx retried by the SDK, or surfaced with one attempt)", async () => {
    local.setFaults("5xx-next=1,ops=DescribeAlarms");
    await c.send(new PutMetricAlarmCommand(metric("f1")));
    const ok = await describe_();
    assert.deepStrictEqual(ok.MetricAlarms?.map((a) => a.AlarmName), ["f1"]);
    assert.deepStrictEqual(local.calls().map((e) => `${e.operation}:${e.outcome}`),
      ["PutMetricAlarm:ok", "DescribeAlarms:fault:5xx", "DescribeAlarms:ok"]);

    const once = cw(local.url, { maxAttempts: 1 });
    try {
      local.setFaults("5xx-next=1,5xx-status=503,ops=DescribeAlarms");
      const e = await rejects(once.send(new DescribeAlarmsCommand({})), "ServiceUnavailable");
      assert.strictEqual(e.$metadata.httpStatusCode, 503);
      local.setFaults("5xx-next=1,ops=DescribeAlarms");
      await rejects(once.send(new DescribeAlarmsCommand({})), "InternalServiceFault");
      local.setFaults("throttle=1,ops=DescribeAlarms");
      await rejects(once.send(new DescribeAlarmsCommand({})), "Throttling");
      // A fault limited to another operation leaves DescribeAlarms alone.
      local.setFaults("5xx-next=1,ops=DescribeStateMachine");
      await once.send(new DescribeAlarmsCommand({}));
      // stale=MS: DescribeAlarms sees the alarms as they were before the latest write.
      local.setFaults("stale=60000");
      await c.send(new SetAlarmStateCommand({ AlarmName: "f1", StateValue: "ALARM", StateReason: "x" }));
      assert.strictEqual((await describe_()).MetricAlarms![0].StateValue, "INSUFFICIENT_DATA");
      assert.deepStrictEqual(local.calls().at(-1)?.injected, ["stale"]);
      local.setFaults(undefined);
      assert.strictEqual((await describe_()).MetricAlarms![0].StateValue, "ALARM");
    } finally {
      once.destroy();
    }
  });

  it("throttles when the DescribeAlarms bucket is empty; the SDK sees Throttling", async () => {
    const once = cw(local.url, { maxAttempts: 1 });
    local.setThrottling(true);
    try {
      const results = await Promise.allSettled(Array.from({ length: 70 }, () => once.send(new DescribeAlarmsCommand({}))));
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      assert.ok(rejected.length >= 10, `throttled: ${rejected.length}`);
      assert.ok(results.length - rejected.length >= 50, "the burst of 50 passes");
      assert.strictEqual(rejected[0].reason.name, "Throttling");
      assert.strictEqual(rejected[0].reason.$metadata.httpStatusCode, 400);
      assert.ok(rejected[0].reason.$metadata.requestId);
      // Other operations have their own buckets, as do Step Functions operations.
      await once.send(new PutMetricAlarmCommand(metric("t1")));
      const log = local.calls().filter((e) => e.outcome === "Throttling");
      assert.strictEqual(log.length, rejected.length);
      assert.ok(log.every((e) => e.service === "cloudwatch"));
      // The SDK's default client retries Throttling (a throttling error code) until the bucket refills (9/s).
      local.clearCalls();
      const r = await c.send(new DescribeAlarmsCommand({}));
      assert.ok(r.$metadata.attempts! >= 2, `attempts: ${r.$metadata.attempts}`);
      assert.deepStrictEqual(local.calls().map((e) => e.outcome).slice(-2), ["Throttling", "ok"]);
    } finally {
      local.setThrottling(false);
      once.destroy();
    }
  });

  it("serves Step Functions on the same port, unchanged", async () => {
    const sfn = sfnClient(local.url);
    try {
      await c.send(new PutMetricAlarmCommand(metric("beside-sfn")));
      const created = await sfn.send(new CreateStateMachineCommand({ name: "beside-cw", definition: definition(), roleArn: ROLE }));
      assert.ok(created.stateMachineArn);
      const list = await sfn.send(new ListStateMachinesCommand({}));
      assert.deepStrictEqual(list.stateMachines?.map((s) => s.name), ["beside-cw"]);
      const snap = local.snapshot();
      assert.ok(snap.cloudwatch.alarms[`${ACCOUNT}|${REGION}|beside-sfn`]);
      assert.ok(Object.keys(snap.stateMachines).length === 1);
      assert.deepStrictEqual(local.calls().map((e) => e.service ?? "states"), ["cloudwatch", "states", "states"]);
      local.reset();
      assert.deepStrictEqual(local.snapshot().cloudwatch.alarms, {});
    } finally {
      sfn.destroy();
    }
  });

  it("keeps alarms in the state file across a restart; older state files without alarms still load", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfn-local-cw-"));
    const stateFile = path.join(dir, "state.json");
    try {
      let l = await startSfnLocal({ throttling: false, stateFile });
      let client = cw(l.url);
      await client.send(new PutMetricAlarmCommand(metric("kept")));
      await client.send(new SetAlarmStateCommand({ AlarmName: "kept", StateValue: "ALARM", StateReason: "persisted" }));
      await client.send(new PutCompositeAlarmCommand({ AlarmName: "kept-c", AlarmRule: "ALARM(kept)" }));
      client.destroy();
      await l.stop();
      assert.ok(JSON.parse(fs.readFileSync(stateFile, "utf8")).cloudwatch.alarms[`${ACCOUNT}|${REGION}|kept`]);

      l = await startSfnLocal({ throttling: false, stateFile });
      client = cw(l.url);
      const got = await client.send(new DescribeAlarmsCommand({ AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }));
      assert.strictEqual(got.MetricAlarms![0].StateValue, "ALARM");
      assert.strictEqual(got.MetricAlarms![0].StateReason, "persisted");
      assert.strictEqual(got.CompositeAlarms![0].StateValue, "ALARM");
      client.destroy();
      await l.stop();

      // A file written before alarms existed: no `cloudwatch` member.
      const old = JSON.parse(fs.readFileSync(stateFile, "utf8"));
      delete old.cloudwatch;
      fs.writeFileSync(stateFile, JSON.stringify(old));
      l = await startSfnLocal({ throttling: false, stateFile });
      client = cw(l.url);
      assert.deepStrictEqual((await client.send(new DescribeAlarmsCommand({}))).MetricAlarms, []);
      client.destroy();
      await l.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("parses AlarmRule with NOT > AND > OR and quoted or bare names", () => {
    assert.deepStrictEqual(parseAlarmRule('NOT ALARM("a b") OR OK(c) AND TRUE'), {
      t: "or",
      l: { t: "not", e: { t: "fn", state: "ALARM", ref: "a b" } },
      r: { t: "and", l: { t: "fn", state: "OK", ref: "c" }, r: { t: "const", v: true } },
    });
    assert.throws(() => parseAlarmRule("ALARM(a) XOR OK(b)"));
    assert.throws(() => parseAlarmRule("(ALARM(a)"));
  });
});
