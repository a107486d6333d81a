// Unit tests of the pure store: no sockets, an injected clock, PRNG and id source.
import * as assert from "assert";
import { SfnStore, StoreResult, LIMITS } from "../../tools/sfn-local/store";
import { mulberry32, pickWeighted } from "../../tools/sfn-local/rng";
import { renderRoutingList } from "../../tools/sfn-local/store";
import { TokenBuckets } from "../../tools/sfn-local/buckets";
import { parseFaultSpec, decideFault } from "../../tools/sfn-local/faults";
import { definition, ROLE } from "./helpers";

const ctx = { region: "us-east-1" };

function newStore(seed = 1) {
  let t = 1_700_000_000_000;
  let id = 0;
  const clock = { advance: (ms: number) => (t += ms) };
  const store = new SfnStore({ accountId: "123456789012", now: () => t, random: mulberry32(seed), newId: () => `id-${++id}` });
  return { store, clock };
}

function okBody(r: StoreResult): any {
  if (r.kind !== "ok") assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.body;
}

function err(r: StoreResult): { code: string; message: string; namespace: string } {
  if (r.kind === "ok") assert.fail(`expected an error, got ${JSON.stringify(r.body)}`);
  return r;
}

function machine(store: SfnStore, name = "m", publish = true) {
  return okBody(store.handle("CreateStateMachine", { name, definition: definition(), roleArn: ROLE, publish }, ctx));
}

describe("sfn-local store (pure)", () => {
  it("numbers versions from 1 and never reuses a number after a delete", () => {
    const { store } = newStore();
    const sm = machine(store);
    assert.strictEqual(sm.stateMachineVersionArn, `${sm.stateMachineArn}:1`);
    okBody(store.handle("UpdateStateMachine", { stateMachineArn: sm.stateMachineArn, definition: definition("2"), publish: true }, ctx));
    okBody(store.handle("DeleteStateMachineVersion", { stateMachineVersionArn: `${sm.stateMachineArn}:2` }, ctx));
    const up = okBody(store.handle("UpdateStateMachine", { stateMachineArn: sm.stateMachineArn, definition: definition("3"), publish: true }, ctx));
    assert.strictEqual(up.stateMachineVersionArn, `${sm.stateMachineArn}:3`);
  });

  it("publishes idempotently while nothing changed, and reports whether it mutated", () => {
    const { store } = newStore();
    const sm = machine(store);
    const r = store.handle("PublishStateMachineVersion", { stateMachineArn: sm.stateMachineArn }, ctx);
    assert.strictEqual(okBody(r).stateMachineVersionArn, `${sm.stateMachineArn}:1`);
    assert.strictEqual(r.kind === "ok" && r.mutated, false);
  });

  it("refuses publishing against a stale revisionId with AWS's ConflictException", () => {
    const { store } = newStore();
    const sm = machine(store, "m", false);
    const u1 = okBody(store.handle("UpdateStateMachine", { stateMachineArn: sm.stateMachineArn, definition: definition("2") }, ctx));
    const u2 = okBody(store.handle("UpdateStateMachine", { stateMachineArn: sm.stateMachineArn, definition: definition("3") }, ctx));
    const e = err(store.handle("PublishStateMachineVersion", { stateMachineArn: sm.stateMachineArn, revisionId: u1.revisionId }, ctx));
    assert.strictEqual(e.code, "ConflictException");
    assert.strictEqual(e.message,
      `Failed to publish the State Machine version for revision ${u1.revisionId}. The current State Machine revision is ${u2.revisionId}.`);
  });

  it("reports every failed model constraint at once, Coral style, in check order", () => {
    const { store } = newStore();
    const name = "!".repeat(81);
    const e = err(store.handle("CreateStateMachineAlias", { name, routingConfiguration: [{ stateMachineVersionArn: "x", weight: 101 }] }, ctx));
    assert.strictEqual(e.namespace, "com.amazon.coral.validate");
    assert.strictEqual(e.message,
      "3 validation errors detected: " +
      `Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$; ` +
      `Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80; ` +
      "Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100");
  });

  it("renders the routing list as Coral's toString", () => {
    assert.strictEqual(renderRoutingList([{ stateMachineVersionArn: "a:1", weight: 50 }, { stateMachineVersionArn: "a:2", weight: 50 }]),
      "[RoutingConfigurationListItem(stateMachineVersionArn=a:1, weight=50), RoutingConfigurationListItem(stateMachineVersionArn=a:2, weight=50)]");
  });

  it("allows 100 aliases per state machine and refuses the 101st", () => {
    const { store } = newStore();
    const sm = machine(store);
    const routing = [{ stateMachineVersionArn: sm.stateMachineVersionArn, weight: 100 }];
    for (let i = 0; i < LIMITS.aliasesPerStateMachine; i++) {
      okBody(store.handle("CreateStateMachineAlias", { name: `a${i}`, routingConfiguration: routing }, ctx));
    }
    assert.strictEqual(err(store.handle("CreateStateMachineAlias", { name: "one-more", routingConfiguration: routing }, ctx)).code,
      "ServiceQuotaExceededException");
    // An identical repeat of an existing alias is still answered: idempotency is checked before the quota.
    okBody(store.handle("CreateStateMachineAlias", { name: "a0", routingConfiguration: routing }, ctx));
  });

  it("allows 1000 versions per state machine and refuses the 1001st, leaving the machine unchanged", () => {
    const { store } = newStore();
    const sm = machine(store);
    for (let i = 2; i <= LIMITS.versionsPerStateMachine; i++) {
      okBody(store.handle("UpdateStateMachine", { stateMachineArn: sm.stateMachineArn, definition: definition(`v${i}`), publish: true }, ctx));
    }
    const e = err(store.handle("UpdateStateMachine", { stateMachineArn: sm.stateMachineArn, definition: definition("over"), publish: true }, ctx));
    assert.strictEqual(e.code, "ServiceQuotaExceededException");
    const d = okBody(store.handle("DescribeStateMachine", { stateMachineArn: sm.stateMachineArn }, ctx));
    assert.strictEqual(d.definition, definition("v1000"));
  });

  it("paginates with opaque tokens that are bound to their state machine", () => {
    const { store } = newStore();
    const sm = machine(store);
    const other = machine(store, "other");
    const routing = [{ stateMachineVersionArn: sm.stateMachineVersionArn, weight: 100 }];
    for (let i = 0; i < 5; i++) okBody(store.handle("CreateStateMachineAlias", { name: `a${i}`, routingConfiguration: routing }, ctx));
    const p1 = okBody(store.handle("ListStateMachineAliases", { stateMachineArn: sm.stateMachineArn, maxResults: 2 }, ctx));
    assert.strictEqual(p1.stateMachineAliases.length, 2);
    const e = err(store.handle("ListStateMachineAliases", { stateMachineArn: other.stateMachineArn, nextToken: p1.nextToken }, ctx));
    assert.deepStrictEqual([e.code, e.message], ["InvalidToken", "Invalid Token: 'Invalid token'"]);
  });

  it("keeps updateDate equal to creationDate until the first update, then moves it with the clock", () => {
    const { store, clock } = newStore();
    const sm = machine(store);
    const a = okBody(store.handle("CreateStateMachineAlias", { name: "live", routingConfiguration: [{ stateMachineVersionArn: sm.stateMachineVersionArn, weight: 100 }] }, ctx));
    let d = okBody(store.handle("DescribeStateMachineAlias", { stateMachineAliasArn: a.stateMachineAliasArn }, ctx));
    assert.strictEqual(d.updateDate, d.creationDate);
    clock.advance(1500);
    okBody(store.handle("UpdateStateMachineAlias", { stateMachineAliasArn: a.stateMachineAliasArn, description: "d" }, ctx));
    d = okBody(store.handle("DescribeStateMachineAlias", { stateMachineAliasArn: a.stateMachineAliasArn }, ctx));
    assert.strictEqual(d.updateDate - d.creationDate, 1.5);
  });

  it("routes alias executions by weight through the injected PRNG (same seed, same picks)", () => {
    const picks = (seed: number) => {
      const { store } = newStore(seed);
      const sm = machine(store);
      const v2 = okBody(store.handle("UpdateStateMachine", { stateMachineArn: sm.stateMachineArn, definition: definition("2"), publish: true }, ctx));
      const a = okBody(store.handle("CreateStateMachineAlias", { name: "live", routingConfiguration: [
        { stateMachineVersionArn: sm.stateMachineVersionArn, weight: 50 }, { stateMachineVersionArn: v2.stateMachineVersionArn, weight: 50 }] }, ctx));
      for (let i = 0; i < 20; i++) okBody(store.handle("StartExecution", { stateMachineArn: a.stateMachineAliasArn, name: `e${i}` }, ctx));
      return Object.values(store.snapshot().executions).map((e) => e.stateMachineVersionArn);
    };
    assert.deepStrictEqual(picks(7), picks(7));
    assert.notDeepStrictEqual(picks(7), picks(8));
  });
});

describe("sfn-local ARNs", () => {
  it("uses the partition of the region (aws-cn, aws-us-gov) and routes to versions in it", () => {
    const { store } = newStore();
    for (const [region, partition] of [["cn-north-1", "aws-cn"], ["us-gov-west-1", "aws-us-gov"], ["eu-west-1", "aws"]]) {
      const c = okBody(store.handle("CreateStateMachine", { name: "p", definition: definition(), roleArn: ROLE, publish: true }, { region }));
      assert.strictEqual(c.stateMachineVersionArn, `arn:${partition}:states:${region}:123456789012:stateMachine:p:1`);
      const a = okBody(store.handle("CreateStateMachineAlias", { name: "live", routingConfiguration: [{ stateMachineVersionArn: c.stateMachineVersionArn, weight: 100 }] }, ctx));
      assert.strictEqual(a.stateMachineAliasArn, `${c.stateMachineArn}:live`);
    }
  });
});

describe("sfn-local pure helpers", () => {
  it("pickWeighted never picks a zero weight", () => {
    const r = mulberry32(3);
    for (let i = 0; i < 1000; i++) assert.strictEqual(pickWeighted([0, 100], r()), 1);
  });

  it("token buckets empty at capacity and refill by timeScale", () => {
    let t = 0;
    const b = new TokenBuckets(() => t, 10);
    for (let i = 0; i < 100; i++) assert.ok(b.take("s", "CreateStateMachineAlias"));
    assert.strictEqual(b.take("s", "CreateStateMachineAlias"), false);
    assert.ok(b.take("other-region", "CreateStateMachineAlias"), "buckets are per scope");
    t += 100; // 0.1 s at 10x = 1 token
    assert.ok(b.take("s", "CreateStateMachineAlias"));
    assert.strictEqual(b.take("s", "CreateStateMachineAlias"), false);
  });

  it("parses the compact fault grammar and names the bad item", () => {
    assert.deepStrictEqual(parseFaultSpec("throttle=0.2,5xx=0.1,drop=0.05,latency=50-200,stale=2000,seed=42"),
      { throttle: 0.2, error5xx: 0.1, drop: 0.05, latencyMs: [50, 200], staleMs: 2000, seed: 42 });
    assert.deepStrictEqual(parseFaultSpec("5xx-next=2,5xx-status=503,drop-next=1,ops=A|B,latency=5"),
      { next5xx: 2, status5xx: 503, nextDrop: 1, operations: ["A", "B"], latencyMs: 5 });
    assert.throws(() => parseFaultSpec("throttle=2"), /'throttle' must be a probability between 0 and 1. Received: '2'/);
    assert.throws(() => parseFaultSpec("bogus=1"), /unknown key 'bogus'/);
    assert.throws(() => parseFaultSpec("latency=9-3"), /MIN <= MAX/);
  });

  it("decides faults: next-N counters first, then drop > 5xx > throttle, only for the filtered operations", () => {
    const counters = { next5xx: 1, nextDrop: 0 };
    const spec = { next5xx: 1, throttle: 1, operations: ["X"] };
    assert.strictEqual(decideFault(spec, counters, "Y", mulberry32(1)).kind, undefined);
    assert.strictEqual(decideFault(spec, counters, "X", mulberry32(1)).kind, "5xx");
    assert.strictEqual(decideFault(spec, counters, "X", mulberry32(1)).kind, "throttle");
  });
});
