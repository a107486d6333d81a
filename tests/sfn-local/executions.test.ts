// Executions run the definition they target: through the real @aws-sdk/client-sfn over HTTP against sfn-local
// (Fail, Choice, a real 1 s Wait, version vs alias vs unqualified ARNs, a Task), and on the pure store with an
// injected clock (RUNNING until the run's end, state files from before executions ran).
import * as assert from "assert";
import {
  CreateStateMachineAliasCommand, CreateStateMachineCommand, DescribeExecutionCommand, DescribeExecutionCommandOutput,
  SFNClient, StartExecutionCommand, UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { SfnLocal, startSfnLocal } from "../../tools/sfn-local";
import { mulberry32 } from "../../tools/sfn-local/rng";
import { SfnStore, StoreResult, StoreState } from "../../tools/sfn-local/store";
import { ROLE, client, sleep } from "./helpers";

const def = (states: Record<string, unknown>, startAt = Object.keys(states)[0]) => JSON.stringify({ StartAt: startAt, States: states });
const passResult = (result: unknown) => def({ P: { Type: "Pass", Result: result, End: true } });

describe("sfn-local executions run the definition (real SDK over HTTP)", function () {
  this.timeout(5000);
  let local: SfnLocal;
  let sfn: SFNClient;
  let n = 0;

  before(async () => {
    local = await startSfnLocal({ throttling: false, seed: 7 });
    sfn = client(local.url);
  });
  after(async () => {
    sfn.destroy();
    await local.stop();
  });

  /** A machine whose first published version has `definition`. */
  async function version(definition: string): Promise<{ arn: string; version: string }> {
    const c = await sfn.send(new CreateStateMachineCommand({ name: `exec-${++n}`, definition, roleArn: ROLE, publish: true }));
    return { arn: c.stateMachineArn!, version: c.stateMachineVersionArn! };
  }
  async function start(stateMachineArn: string, input?: unknown): Promise<string> {
    const s = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: input === undefined ? undefined : JSON.stringify(input) }));
    return s.executionArn!;
  }
  const describeExec = (executionArn: string) => sfn.send(new DescribeExecutionCommand({ executionArn }));
  const outputOf = (d: DescribeExecutionCommandOutput) => (d.output === undefined ? undefined : JSON.parse(d.output));

  it("GIVEN a version whose definition ends in Fail THEN DescribeExecution is FAILED with its Error and Cause, and no output", async () => {
    const m = await version(def({
      P: { Type: "Pass", Next: "F" },
      F: { Type: "Fail", Error: "Smoke.Broken", Cause: "the new version is broken" },
    }));
    const d = await describeExec(await start(m.version, { smoke: true }));
    assert.deepStrictEqual([d.status, d.error, d.cause, d.output, d.stateMachineVersionArn], ["FAILED", "Smoke.Broken", "the new version is broken", undefined, m.version]);
    assert.strictEqual(d.input, '{"smoke":true}');
    assert.ok(d.stopDate instanceof Date && d.stopDate.getTime() >= d.startDate!.getTime());
    assert.strictEqual(d.redriveStatus, "REDRIVABLE");
  });

  it("GIVEN a Choice on the input THEN each input takes its branch and the output is the last state's", async () => {
    const m = await version(def({
      Route: {
        Type: "Choice",
        Choices: [
          { Variable: "$.order.total", NumericGreaterThanEquals: 100, Next: "Big" },
          { And: [{ Variable: "$.order.coupon", IsPresent: true }, { Variable: "$.order.coupon", StringMatches: "VIP-*" }], Next: "Vip" },
        ],
        Default: "Small",
      },
      Big: { Type: "Pass", Result: "big", ResultPath: "$.size", End: true },
      Vip: { Type: "Pass", Parameters: { "who.$": "$.order.coupon" }, End: true },
      Small: { Type: "Fail", Error: "Order.TooSmall", Cause: "below 100" },
    }));
    const big = await describeExec(await start(m.version, { order: { total: 150 } }));
    assert.deepStrictEqual([big.status, outputOf(big)], ["SUCCEEDED", { order: { total: 150 }, size: "big" }]);
    assert.deepStrictEqual(big.outputDetails, { included: true });
    const vip = await describeExec(await start(m.version, { order: { total: 5, coupon: "VIP-7" } }));
    assert.deepStrictEqual([vip.status, outputOf(vip)], ["SUCCEEDED", { who: "VIP-7" }]);
    const small = await describeExec(await start(m.version, { order: { total: 5 } }));
    assert.deepStrictEqual([small.status, small.error, small.cause], ["FAILED", "Order.TooSmall", "below 100"]);
  });

  it("GIVEN a Wait of 1 s THEN the execution is RUNNING (no stopDate, no output) and then SUCCEEDED with stopDate = start + 1 s", async () => {
    const m = await version(def({ W: { Type: "Wait", Seconds: 1, Next: "Done" }, Done: { Type: "Pass", Result: { waited: true }, End: true } }));
    const arn = await start(m.version);
    const running = await describeExec(arn);
    assert.deepStrictEqual([running.status, running.stopDate, running.output, running.error], ["RUNNING", undefined, undefined, undefined]);
    assert.strictEqual(running.redriveStatus, "NOT_REDRIVABLE");
    await sleep(1100);
    const done = await describeExec(arn);
    assert.deepStrictEqual([done.status, outputOf(done)], ["SUCCEEDED", { waited: true }]);
    assert.strictEqual(done.stopDate!.getTime() - done.startDate!.getTime(), 1000);
  });

  it("GIVEN a version ARN, an alias ARN and the unqualified ARN THEN each runs its own definition", async () => {
    const m = await version(passResult("v1"));
    const v2 = (await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: m.arn, definition: passResult("v2"), publish: true }))).stateMachineVersionArn!;
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: m.arn, definition: passResult("latest") }));
    const alias = (await sfn.send(new CreateStateMachineAliasCommand({ name: "live", routingConfiguration: [{ stateMachineVersionArn: m.version, weight: 100 }] }))).stateMachineAliasArn!;

    const viaVersion = await describeExec(await start(v2));
    assert.deepStrictEqual([outputOf(viaVersion), viaVersion.stateMachineVersionArn, viaVersion.stateMachineAliasArn], ["v2", v2, undefined]);
    const viaAlias = await describeExec(await start(alias));
    assert.deepStrictEqual([outputOf(viaAlias), viaAlias.stateMachineVersionArn, viaAlias.stateMachineAliasArn], ["v1", m.version, alias]);
    const viaMachine = await describeExec(await start(m.arn));
    assert.deepStrictEqual([outputOf(viaMachine), viaMachine.stateMachineVersionArn], ["latest", undefined]);
  });

  it("GIVEN an alias split 50/50 THEN each execution's output is the definition of the version it reports", async () => {
    const m = await version(passResult("v1"));
    const v2 = (await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: m.arn, definition: passResult("v2"), publish: true }))).stateMachineVersionArn!;
    const alias = (await sfn.send(new CreateStateMachineAliasCommand({
      name: "split", routingConfiguration: [{ stateMachineVersionArn: m.version, weight: 50 }, { stateMachineVersionArn: v2, weight: 50 }],
    }))).stateMachineAliasArn!;
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const d = await describeExec(await start(alias));
      assert.strictEqual(outputOf(d), d.stateMachineVersionArn === v2 ? "v2" : "v1");
      seen.add(outputOf(d));
    }
    assert.deepStrictEqual([...seen].sort(), ["v1", "v2"]);
  });

  it("GIVEN a Task state THEN the execution FAILED with States.Runtime naming the state", async () => {
    const m = await version(def({ Invoke: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } }));
    const d = await describeExec(await start(m.version));
    assert.deepStrictEqual([d.status, d.error], ["FAILED", "States.Runtime"]);
    assert.match(d.cause!, /^sfn-local does not run Task states: state 'Invoke'/);
  });

  it("GIVEN a runtime error in a path THEN AWS's error name and cause", async () => {
    const m = await version(def({ P: { Type: "Pass", Parameters: { "id.$": "$.orderId" }, End: true } }));
    const d = await describeExec(await start(m.version, { other: 1 }));
    assert.deepStrictEqual([d.status, d.error, d.cause], ["FAILED", "States.Runtime",
      "An error occurred while executing the state 'P' (entered at the event id #2). The JSONPath '$.orderId' specified for the field 'id.$' could not be found in the input '{\"other\":1}'"]);
  });

  it("the state (snapshot) records the outcome", async () => {
    const m = await version(def({ F: { Type: "Fail", Error: "E", Cause: "C" } }));
    const arn = await start(m.version);
    const rec = local.snapshot().executions[arn];
    assert.deepStrictEqual([rec.status, rec.error, rec.cause, rec.output, rec.stopDate], ["FAILED", "E", "C", undefined, rec.startDate]);
  });
});

describe("sfn-local executions on the pure store (injected clock)", () => {
  const ctx = { region: "us-east-1" };
  function newStore(state?: StoreState) {
    let t = 1_700_000_000_000;
    let id = 0;
    const store = new SfnStore({ accountId: "123456789012", now: () => t, random: mulberry32(1), newId: () => `id-${++id}` }, state);
    return { store, advance: (ms: number) => (t += ms), now: () => t };
  }
  const body = (r: StoreResult): any => {
    if (r.kind !== "ok") assert.fail(`expected ok, got ${r.code}: ${r.message}`);
    return r.body;
  };

  it("RUNNING until start + the total wait, then the outcome; reads never change the state", () => {
    const { store, advance, now } = newStore();
    const sm = body(store.handle("CreateStateMachine", {
      name: "w", roleArn: ROLE, publish: true,
      definition: def({ A: { Type: "Wait", Seconds: 30, Next: "B" }, B: { Type: "Wait", SecondsPath: "$.more", Next: "F" }, F: { Type: "Fail", Error: "Late", Cause: "too slow" } }),
    }, ctx));
    const started = now();
    const { executionArn } = body(store.handle("StartExecution", { stateMachineArn: sm.stateMachineVersionArn, input: '{"more":15}' }, ctx));
    const before = JSON.stringify(store.snapshot());
    advance(44_999);
    const running = body(store.handle("DescribeExecution", { executionArn }, ctx));
    assert.deepStrictEqual([running.status, running.stopDate, running.error, running.cause], ["RUNNING", undefined, undefined, undefined]);
    assert.strictEqual(JSON.stringify(store.snapshot()), before, "a read changes nothing");
    advance(1);
    const failed = body(store.handle("DescribeExecution", { executionArn }, ctx));
    assert.deepStrictEqual([failed.status, failed.stopDate, failed.error, failed.cause], ["FAILED", (started + 45_000) / 1000, "Late", "too slow"]);
    // A throwaway store on the same state (server.ts's stale reads) answers the same by the clock.
    const copy = new SfnStore({ accountId: "123456789012", now, random: mulberry32(2), newId: () => "x" }, store.snapshot());
    assert.deepStrictEqual(body(copy.handle("DescribeExecution", { executionArn }, ctx)), failed);
  });

  it("TimeoutSeconds exceeded: TIMED_OUT with States.Timeout at start + TimeoutSeconds", () => {
    const { store, advance, now } = newStore();
    const definition = JSON.stringify({ StartAt: "W", TimeoutSeconds: 5, States: { W: { Type: "Wait", Seconds: 60, End: true } } });
    const sm = body(store.handle("CreateStateMachine", { name: "t", roleArn: ROLE, definition }, ctx));
    const started = now();
    const { executionArn } = body(store.handle("StartExecution", { stateMachineArn: sm.stateMachineArn }, ctx));
    advance(5000);
    const d = body(store.handle("DescribeExecution", { executionArn }, ctx));
    assert.deepStrictEqual([d.status, d.error, d.stopDate, d.output], ["TIMED_OUT", "States.Timeout", (started + 5000) / 1000, undefined]);
  });

  it("a state file from before executions ran (no error/cause fields) still loads and reads as it did", () => {
    const old: StoreState = {
      format: 1, seq: 1, stateMachines: {}, versions: {}, aliases: {},
      executions: {
        "arn:aws:states:us-east-1:123456789012:execution:m:e": {
          seq: 1, arn: "arn:aws:states:us-east-1:123456789012:execution:m:e", name: "e",
          stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m", input: '{"k":1}', output: '{"k":1}',
          status: "SUCCEEDED", startDate: 1_600_000_000_000, stopDate: 1_600_000_000_000,
        },
      },
    };
    const { store } = newStore(JSON.parse(JSON.stringify(old)));
    const d = body(store.handle("DescribeExecution", { executionArn: "arn:aws:states:us-east-1:123456789012:execution:m:e" }, ctx));
    assert.deepStrictEqual([d.status, d.output, d.outputDetails, d.stopDate, d.error, d.redriveStatusReason],
      ["SUCCEEDED", '{"k":1}', { included: true }, 1_600_000_000, undefined, "Execution is SUCCEEDED and cannot be redriven"]);
  });
});
