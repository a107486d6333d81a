// The rollout as data (provider/rollout/plan.ts): the shifts a preference makes, the plan from where the
// alias stands, the routing at a weight, where a rollout stands from the live alias and what was recorded,
// and what a poll of the alarms says. Tables for the cases, fast-check (fixed seed) for the invariants. Pure.
import * as assert from "assert";
import * as fc from "fast-check";
import {
    AlarmState,
    assessAlarms,
    describeAlarms,
    planFrom,
    PlanStep,
    Position,
    positionOf,
    RolloutMarker,
    routingAt,
    soleVersion,
    versionLabel,
} from "../../provider/rollout/plan";
import { DeploymentType, RolloutPreference, shiftsOf, totalSeconds, TOTAL_SECONDS_MAX } from "../../provider/rollout/preference";
import { RoutingEntry } from "../../provider/types";

const RUNS = { numRuns: 300, seed: 20240501 };

const SM = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
const V1 = `${SM}:1`;
const V2 = `${SM}:2`;
const V3 = `${SM}:3`;
const sole = (arn: string): RoutingEntry[] => [{ stateMachineVersionArn: arn, weight: 100 }];
const split = (a: string, wa: number, b: string, wb: number = 100 - wa): RoutingEntry[] => [
    { stateMachineVersionArn: a, weight: wa },
    { stateMachineVersionArn: b, weight: wb },
];
const marker = (originVersionArn: string, targetVersionArn: string): RolloutMarker => ({ originVersionArn, targetVersionArn });

type Plannable = Pick<RolloutPreference, "shifts" | "intervalSeconds" | "bakeTimeSeconds">;
const shift = (weight: number): PlanStep => ({ kind: "shift", weight });
const wait = (weight: number, seconds: number): PlanStep => ({ kind: "wait", weight, seconds });
const bake = (seconds: number): PlanStep => ({ kind: "bake", seconds });

// ---- arbitraries ---------------------------------------------------------------------------------

/** Shifts as checkPreference builds them: CANARY, LINEAR or explicit rising steps, then 100; or ALL_AT_ONCE. */
const shiftsArb: fc.Arbitrary<number[]> = fc.oneof(
    fc.constant(shiftsOf("ALL_AT_ONCE")),
    fc.integer({ min: 1, max: 99 }).map((p) => shiftsOf("CANARY", p)),
    fc.integer({ min: 1, max: 99 }).map((p) => shiftsOf("LINEAR", p)),
    fc
        .uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 99 })
        .map((s) => [...s].sort((a, b) => a - b))
        .map((s) => shiftsOf("LINEAR", undefined, s)),
);

/** A valid preference's plannable part (interval 0 for ALL_AT_ONCE, as checkPreference makes it). */
const plannableArb: fc.Arbitrary<Plannable> = shiftsArb.chain((shifts) =>
    fc
        .record({
            intervalSeconds: shifts.length === 1 ? fc.constant(0) : fc.integer({ min: 1, max: Math.floor(TOTAL_SECONDS_MAX / shifts.length) }),
            bakeTimeSeconds: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3600 })),
        })
        .map(({ intervalSeconds, bakeTimeSeconds }) => ({ shifts, intervalSeconds, bakeTimeSeconds })),
);

/** A start weight: nothing moved, exactly a shift's weight, anything between, or already all moved. */
function fromArb(p: Plannable): fc.Arbitrary<number> {
    return fc.oneof(fc.constant(0), fc.constantFrom(...p.shifts), fc.integer({ min: 0, max: 100 }));
}
const heldArb = fc.oneof(fc.constant(0), fc.integer({ min: -3600, max: 200_000 }), fc.double({ min: -10, max: 10_000, noNaN: true }));

const shiftsIn = (plan: PlanStep[]) => plan.filter((s): s is Extract<PlanStep, { kind: "shift" }> => s.kind === "shift").map((s) => s.weight);
const waitsIn = (plan: PlanStep[]) => plan.filter((s): s is Extract<PlanStep, { kind: "wait" }> => s.kind === "wait");

// ---- shiftsOf ------------------------------------------------------------------------------------

describe("shiftsOf", () => {
    const range = (from: number, step: number) => {
        const out: number[] = [];
        for (let w = from; w < 100; w += step) out.push(w);
        return [...out, 100];
    };
    const rows: readonly [string, DeploymentType, number | undefined, readonly number[] | undefined, readonly number[]][] = [
        ["CANARY 10", "CANARY", 10, undefined, [10, 100]],
        ["CANARY 1", "CANARY", 1, undefined, [1, 100]],
        ["CANARY 99", "CANARY", 99, undefined, [99, 100]],
        ["LINEAR 30", "LINEAR", 30, undefined, [30, 60, 90, 100]],
        ["LINEAR 33", "LINEAR", 33, undefined, [33, 66, 99, 100]],
        ["LINEAR 50", "LINEAR", 50, undefined, [50, 100]],
        ["LINEAR 25: the last step is 100 itself, not 100 twice", "LINEAR", 25, undefined, [25, 50, 75, 100]],
        ["LINEAR 10", "LINEAR", 10, undefined, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]],
        ["LINEAR 1: 100 shifts", "LINEAR", 1, undefined, range(1, 1)],
        ["LINEAR 99", "LINEAR", 99, undefined, [99, 100]],
        ["steps [5, 25, 50]", "LINEAR", undefined, [5, 25, 50], [5, 25, 50, 100]],
        ["steps [5, 25, 50] with CANARY", "CANARY", undefined, [5, 25, 50], [5, 25, 50, 100]],
        ["steps [1]", "CANARY", undefined, [1], [1, 100]],
        ["ALL_AT_ONCE", "ALL_AT_ONCE", undefined, undefined, [100]],
    ];
    for (const [title, type, percentage, steps, expected] of rows) {
        it(title, () => {
            assert.deepStrictEqual(shiftsOf(type, percentage, steps), expected);
        });
    }

    it("LINEAR 1 makes exactly 100 shifts, 1 to 100", () => {
        const s = shiftsOf("LINEAR", 1);
        assert.strictEqual(s.length, 100);
        assert.deepStrictEqual(s, Array.from({ length: 100 }, (_, i) => i + 1));
    });

    it("does not change the steps it is given", () => {
        const steps = [5, 25, 50];
        shiftsOf("LINEAR", undefined, steps);
        assert.deepStrictEqual(steps, [5, 25, 50]);
    });

    it("shift counts equal CloudFormation's: LINEAR ceil(100/p), CANARY 2, ALL_AT_ONCE 1 (every percentage)", () => {
        for (let p = 1; p <= 99; p++) {
            assert.strictEqual(shiftsOf("LINEAR", p).length, Math.ceil(100 / p), `LINEAR ${p}`);
            assert.strictEqual(shiftsOf("CANARY", p).length, 2, `CANARY ${p}`);
        }
        assert.strictEqual(shiftsOf("ALL_AT_ONCE").length, 1);
    });

    it("property: shifts rise strictly, stay within 1-100, end at 100, and LINEAR's are multiples of p", () => {
        fc.assert(
            fc.property(fc.constantFrom<DeploymentType>("CANARY", "LINEAR"), fc.integer({ min: 1, max: 99 }), (type, p) => {
                const s = shiftsOf(type, p);
                assert.strictEqual(s[s.length - 1], 100);
                for (let i = 0; i < s.length; i++) {
                    assert.ok(s[i] >= 1 && s[i] <= 100);
                    if (i > 0) assert.ok(s[i] > s[i - 1]);
                }
                assert.strictEqual(s[0], p);
                if (type === "LINEAR") s.slice(0, -1).forEach((w, i) => assert.strictEqual(w, p * (i + 1)));
            }),
            RUNS,
        );
    });

    it("totalSeconds: a wait between each two shifts, then the bake", () => {
        assert.strictEqual(totalSeconds({ shifts: [30, 60, 90, 100], intervalSeconds: 60, bakeTimeSeconds: 0 }), 180);
        assert.strictEqual(totalSeconds({ shifts: [10, 100], intervalSeconds: 300, bakeTimeSeconds: 300 }), 600);
        assert.strictEqual(totalSeconds({ shifts: [100], intervalSeconds: 0, bakeTimeSeconds: 300 }), 300);
    });
});

// ---- planFrom ------------------------------------------------------------------------------------

describe("planFrom", () => {
    const LINEAR30: Plannable = { shifts: [30, 60, 90, 100], intervalSeconds: 60, bakeTimeSeconds: 0 };
    const CANARY10: Plannable = { shifts: [10, 100], intervalSeconds: 300, bakeTimeSeconds: 300 };
    const ALL: Plannable = { shifts: [100], intervalSeconds: 0, bakeTimeSeconds: 0 };
    const rows: readonly [string, Plannable, number, number | undefined, readonly PlanStep[]][] = [
        ["LINEAR 30 from 0: no wait before the first shift", LINEAR30, 0, undefined, [shift(30), wait(30, 60), shift(60), wait(60, 60), shift(90), wait(90, 60), shift(100)]],
        ["CANARY 10 from 0, bake > 0: the bake is last", CANARY10, 0, undefined, [shift(10), wait(10, 300), shift(100), bake(300)]],
        ["CANARY 10 from 0, bake 0: no bake step", { ...CANARY10, bakeTimeSeconds: 0 }, 0, undefined, [shift(10), wait(10, 300), shift(100)]],
        ["ALL_AT_ONCE from 0, no bake", ALL, 0, undefined, [shift(100)]],
        ["ALL_AT_ONCE from 0, bake 300", { ...ALL, bakeTimeSeconds: 300 }, 0, undefined, [shift(100), bake(300)]],
        ["from 0 ignores heldSeconds", LINEAR30, 0, 45, [shift(30), wait(30, 60), shift(60), wait(60, 60), shift(90), wait(90, 60), shift(100)]],
        ["resume from a step weight, just set: the whole interval first", LINEAR30, 60, 0, [wait(60, 60), shift(90), wait(90, 60), shift(100)]],
        ["resume from a step weight, no heldSeconds given: the whole interval", LINEAR30, 60, undefined, [wait(60, 60), shift(90), wait(90, 60), shift(100)]],
        ["resume from a step weight, interval partly elapsed", LINEAR30, 60, 45, [wait(60, 15), shift(90), wait(90, 60), shift(100)]],
        ["resume, fractional heldSeconds rounds the held time down (waits longer)", LINEAR30, 60, 44.9, [wait(60, 16), shift(90), wait(90, 60), shift(100)]],
        ["resume, interval exactly elapsed", LINEAR30, 60, 60, [wait(60, 0), shift(90), wait(90, 60), shift(100)]],
        ["resume, interval long elapsed: no negative wait", LINEAR30, 60, 10_000, [wait(60, 0), shift(90), wait(90, 60), shift(100)]],
        ["resume, negative heldSeconds (clock skew): at most the interval", LINEAR30, 60, -30, [wait(60, 60), shift(90), wait(90, 60), shift(100)]],
        ["resume from a weight between steps: never back to a step already passed", LINEAR30, 45, 0, [wait(45, 60), shift(60), wait(60, 60), shift(90), wait(90, 60), shift(100)]],
        ["resume from 95, between the last step and 100", LINEAR30, 95, 20, [wait(95, 40), shift(100)]],
        ["resume from the last step before 100, with bake", CANARY10, 10, 100, [wait(10, 200), shift(100), bake(300)]],
        ["at 100 already: only the bake (owed)", CANARY10, 100, 0, [bake(300)]],
        ["at 100 already, no bake: nothing", LINEAR30, 100, 0, []],
    ];
    for (const [title, p, from, held, expected] of rows) {
        it(title, () => {
            assert.deepStrictEqual(held === undefined ? planFrom(p, from) : planFrom(p, from, held), expected);
        });
    }

    it("does not change the preference", () => {
        const p = { shifts: [30, 60, 90, 100], intervalSeconds: 60, bakeTimeSeconds: 5 };
        planFrom(p, 45, 3);
        assert.deepStrictEqual(p, { shifts: [30, 60, 90, 100], intervalSeconds: 60, bakeTimeSeconds: 5 });
    });

    describe("properties", () => {
        const planArb = plannableArb.chain((p) => fc.record({ p: fc.constant(p), from: fromArb(p), held: heldArb }));

        it("shift weights rise strictly, only above from, and the last is 100 (when from < 100)", () => {
            fc.assert(
                fc.property(planArb, ({ p, from, held }) => {
                    const weights = shiftsIn(planFrom(p, from, held));
                    for (let i = 0; i < weights.length; i++) {
                        assert.ok(weights[i] > from, `shift to ${weights[i]} from ${from}`);
                        assert.ok(weights[i] <= 100);
                        if (i > 0) assert.ok(weights[i] > weights[i - 1]);
                    }
                    if (from < 100) assert.strictEqual(weights[weights.length - 1], 100);
                    else assert.strictEqual(weights.length, 0);
                    // Exactly the preference's shifts above from: none skipped.
                    assert.deepStrictEqual(weights, p.shifts.filter((w) => w > from));
                }),
                RUNS,
            );
        });

        it("each wait holds the weight of the shift before it (or from), and waits between shifts equal intervalSeconds", () => {
            fc.assert(
                fc.property(planArb, ({ p, from, held }) => {
                    const plan = planFrom(p, from, held);
                    let weight = from;
                    let shiftsSeen = 0;
                    for (const step of plan) {
                        if (step.kind === "shift") {
                            weight = step.weight;
                            shiftsSeen++;
                        } else if (step.kind === "wait") {
                            assert.strictEqual(step.weight, weight);
                            if (shiftsSeen > 0) assert.strictEqual(step.seconds, p.intervalSeconds);
                        }
                    }
                }),
                RUNS,
            );
        });

        it("a wait comes only before a shift: no two waits in a row, none after the last shift", () => {
            fc.assert(
                fc.property(planArb, ({ p, from, held }) => {
                    const plan = planFrom(p, from, held);
                    plan.forEach((step, i) => {
                        if (step.kind === "wait") assert.strictEqual(plan[i + 1]?.kind, "shift");
                    });
                }),
                RUNS,
            );
        });

        it("the first wait on resume (at one of the plan's weights or above) is within [0, intervalSeconds], a whole number, and what is left of the interval", () => {
            fc.assert(
                fc.property(
                    planArb.filter(({ p, from }) => from >= p.shifts[0] && from < 100),
                    ({ p, from, held }) => {
                        const plan = planFrom(p, from, held);
                        assert.strictEqual(plan[0].kind, "wait");
                        const first = plan[0] as Extract<PlanStep, { kind: "wait" }>;
                        assert.strictEqual(first.weight, from);
                        assert.ok(first.seconds >= 0 && first.seconds <= p.intervalSeconds, `first wait ${first.seconds}`);
                        assert.ok(Number.isInteger(first.seconds));
                        if (held >= 0 && held <= p.intervalSeconds) assert.strictEqual(first.seconds, p.intervalSeconds - Math.floor(held));
                    },
                ),
                RUNS,
            );
        });

        it("no wait before the first shift when from is below the first shift (nothing of this plan has happened)", () => {
            fc.assert(
                fc.property(planArb.filter(({ p, from }) => from < p.shifts[0]), ({ p, from, held }) => {
                    assert.strictEqual(planFrom(p, from, held)[0].kind, "shift");
                }),
                RUNS,
            );
        });

        it("no wait before the first shift when from = 0", () => {
            fc.assert(
                fc.property(plannableArb, heldArb, (p, held) => {
                    const plan = planFrom(p, 0, held);
                    assert.strictEqual(plan[0].kind, "shift");
                    assert.strictEqual(waitsIn(plan).length, p.shifts.length - 1);
                }),
                RUNS,
            );
        });

        it("the bake, if any, is last, once, with the preference's seconds", () => {
            fc.assert(
                fc.property(planArb, ({ p, from, held }) => {
                    const plan = planFrom(p, from, held);
                    const bakes = plan.filter((s) => s.kind === "bake");
                    if (p.bakeTimeSeconds > 0) {
                        assert.strictEqual(bakes.length, 1);
                        assert.deepStrictEqual(plan[plan.length - 1], bake(p.bakeTimeSeconds));
                    } else assert.strictEqual(bakes.length, 0);
                }),
                RUNS,
            );
        });

        const total = (plan: PlanStep[]) => plan.reduce((t, s) => t + (s.kind === "shift" ? 0 : s.seconds), 0);

        it("from 0, at a shift's weight or between shifts: waits + bake never exceed totalSeconds(p)", () => {
            fc.assert(
                fc.property(
                    planArb.filter(({ p, from }) => from === 0 || from >= p.shifts[0]),
                    ({ p, from, held }) => {
                        assert.ok(total(planFrom(p, from, held)) <= totalSeconds(p));
                    },
                ),
                RUNS,
            );
        });

        // Found by this property: a resume from a weight below the first shift used to add a whole wait.
        it("any from: waits + bake never exceed totalSeconds(p)", () => {
            fc.assert(
                fc.property(planArb, ({ p, from, held }) => {
                    const plan = planFrom(p, from, held);
                    assert.ok(total(plan) <= totalSeconds(p), `${JSON.stringify({ p, from, held })}: ${total(plan)} > ${totalSeconds(p)}`);
                }),
                RUNS,
            );
        });
    });
});

// ---- routingAt -----------------------------------------------------------------------------------

describe("routingAt", () => {
    const rows: readonly [number, RoutingEntry[]][] = [
        [0, sole(V1)],
        [100, sole(V2)],
        [10, split(V2, 10, V1, 90)],
        [1, split(V2, 1, V1, 99)],
        [99, split(V2, 99, V1, 1)],
        [50, split(V2, 50, V1, 50)],
    ];
    for (const [weight, expected] of rows) {
        it(`${weight}% on the target`, () => {
            assert.deepStrictEqual(routingAt(V1, V2, weight), expected);
        });
    }

    it("property: weights sum to 100, one entry at 0 or 100, two otherwise, the target holding the weight", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 100 }), (w) => {
                const r = routingAt(V1, V2, w);
                assert.strictEqual(r.reduce((t, e) => t + e.weight, 0), 100);
                assert.strictEqual(r.length, w === 0 || w === 100 ? 1 : 2);
                const onTarget = r.find((e) => e.stateMachineVersionArn === V2)?.weight ?? 0;
                assert.strictEqual(onTarget, w);
                for (const e of r) assert.ok(e.weight > 0 && e.weight <= 100);
                // And it reads back as the position it was built for.
                const pos = positionOf(r, V2, sole(V1));
                if (w === 0) assert.deepStrictEqual(pos, { kind: "start", origin: V1 });
                else if (w === 100) assert.strictEqual(pos.kind, "at-target");
                else assert.deepStrictEqual(pos, { kind: "resume", origin: V1, weight: w });
            }),
            RUNS,
        );
    });
});

// ---- soleVersion ---------------------------------------------------------------------------------

describe("soleVersion", () => {
    const rows: readonly [string, readonly RoutingEntry[] | undefined, string | undefined][] = [
        ["undefined", undefined, undefined],
        ["empty", [], undefined],
        ["one version at 100", sole(V1), V1],
        ["100 and 0", split(V1, 100, V2, 0), V1],
        ["0 and 100", split(V1, 0, V2, 100), V2],
        ["a split", split(V1, 40, V2, 60), undefined],
        ["one entry below 100", [{ stateMachineVersionArn: V1, weight: 50 }], undefined],
        ["two at 100", split(V1, 100, V2, 100), undefined],
    ];
    for (const [title, routing, expected] of rows) {
        it(title, () => {
            assert.strictEqual(soleVersion(routing), expected);
        });
    }
});

// ---- positionOf ----------------------------------------------------------------------------------

describe("positionOf", () => {
    interface Row {
        readonly title: string;
        readonly live: RoutingEntry[];
        readonly recorded?: RoutingEntry[];
        readonly marker?: RolloutMarker;
        readonly expect: Position;
    }
    // The target is V2 throughout.
    const rows: readonly Row[] = [
        // at-target
        { title: "at-target: all on the target, nothing recorded", live: sole(V2), expect: { kind: "at-target" } },
        { title: "at-target: recorded on the target too (a finished rollout)", live: sole(V2), recorded: sole(V2), expect: { kind: "at-target" } },
        { title: "at-target: the target at 100 beside a 0", live: split(V2, 100, V1, 0), expect: { kind: "at-target" } },
        { title: "at-target with a marker toward it: its origin (the bake is owed)", live: sole(V2), marker: marker(V1, V2), expect: { kind: "at-target", origin: V1 } },
        { title: "at-target with a recorded origin", live: sole(V2), recorded: sole(V1), expect: { kind: "at-target", origin: V1 } },
        { title: "at-target: the marker wins over the recorded origin", live: sole(V2), recorded: sole(V3), marker: marker(V1, V2), expect: { kind: "at-target", origin: V1 } },
        { title: "at-target: a marker toward another version is not an origin", live: sole(V2), marker: marker(V2, V3), expect: { kind: "at-target" } },
        { title: "at-target: a recorded split is not an origin", live: sole(V2), recorded: split(V2, 30, V1), expect: { kind: "at-target" } },
        // start
        { title: "start: all on another version", live: sole(V1), expect: { kind: "start", origin: V1 } },
        { title: "start: the target at 0", live: split(V2, 0, V1, 100), expect: { kind: "start", origin: V1 } },
        { title: "start: whatever was recorded", live: sole(V1), recorded: sole(V2), expect: { kind: "start", origin: V1 } },
        { title: "start: whatever the marker says", live: sole(V3), marker: marker(V1, V2), expect: { kind: "start", origin: V3 } },
        // resume
        { title: "resume: a marker toward the target", live: split(V2, 30, V1), marker: marker(V1, V2), expect: { kind: "resume", origin: V1, weight: 30 } },
        { title: "resume: a recorded origin", live: split(V2, 30, V1), recorded: sole(V1), expect: { kind: "resume", origin: V1, weight: 30 } },
        { title: "resume: a refreshed split, nothing recorded", live: split(V1, 75, V2, 25), expect: { kind: "resume", origin: V1, weight: 25 } },
        { title: "resume: a recorded split", live: split(V2, 60, V1), recorded: split(V2, 30, V1), expect: { kind: "resume", origin: V1, weight: 60 } },
        { title: "resume: the marker toward the target wins over a record on the target", live: split(V2, 30, V1), recorded: sole(V2), marker: marker(V1, V2), expect: { kind: "resume", origin: V1, weight: 30 } },
        // route-back
        { title: "route-back: a marker whose origin is the target", live: split(V3, 20, V2, 80), marker: marker(V2, V3), expect: { kind: "route-back", away: V3, weight: 20 } },
        { title: "route-back: recorded all on the target while live is split", live: split(V3, 40, V2, 60), recorded: sole(V2), expect: { kind: "route-back", away: V3, weight: 40 } },
        { title: "route-back: the target named first", live: split(V2, 90, V3, 10), recorded: sole(V2), expect: { kind: "route-back", away: V3, weight: 10 } },
        // refuse
        { title: "refuse: split between two other versions", live: split(V1, 50, V3, 50), expect: { kind: "refuse", routing: split(V1, 50, V3, 50) } },
        { title: "refuse: split between two others, even with a marker toward the target", live: split(V1, 50, V3, 50), marker: marker(V1, V2), recorded: sole(V1), expect: { kind: "refuse", routing: split(V1, 50, V3, 50) } },
        { title: "refuse: nothing live", live: [], expect: { kind: "refuse", routing: [] } },
    ];
    for (const row of rows) {
        it(row.title, () => {
            assert.deepStrictEqual(positionOf(row.live, V2, row.recorded, row.marker), row.expect);
        });
    }

    it("covers every kind of position", () => {
        const kinds = new Set(rows.map((r) => r.expect.kind));
        assert.deepStrictEqual([...kinds].sort(), ["at-target", "refuse", "resume", "route-back", "start"]);
    });

    describe("properties", () => {
        const versions = [V1, V2, V3];
        const versionArb = fc.constantFrom(...versions);
        const routingArb: fc.Arbitrary<RoutingEntry[]> = fc.oneof(
            versionArb.map(sole),
            fc
                .tuple(fc.shuffledSubarray(versions, { minLength: 2, maxLength: 2 }), fc.integer({ min: 0, max: 100 }))
                .map(([[a, b], w]) => split(a, w, b)),
        );
        const markerArb = fc.tuple(versionArb, versionArb).filter(([a, b]) => a !== b).map(([a, b]) => marker(a, b));
        const inputArb = fc.record({
            live: routingArb,
            target: versionArb,
            recorded: fc.option(routingArb, { nil: undefined }),
            marker: fc.option(markerArb, { nil: undefined }),
        });

        it("never route-back unless the target was the origin per marker or recorded state; route-back's weight is the other's", () => {
            fc.assert(
                fc.property(inputArb, ({ live, target, recorded, marker: m }) => {
                    const pos = positionOf(live, target, recorded, m);
                    if (pos.kind === "route-back") {
                        assert.ok(m?.originVersionArn === target || soleVersion(recorded) === target, JSON.stringify({ live, target, recorded, m }));
                        assert.notStrictEqual(pos.away, target);
                        assert.strictEqual(pos.weight, live.find((e) => e.stateMachineVersionArn === pos.away)?.weight);
                        assert.strictEqual(100 - pos.weight, live.find((e) => e.stateMachineVersionArn === target)?.weight);
                    }
                }),
                RUNS,
            );
        });

        it("resume's weight is the target's live weight, strictly between 0 and 100, and its origin the other live version", () => {
            fc.assert(
                fc.property(inputArb, ({ live, target, recorded, marker: m }) => {
                    const pos = positionOf(live, target, recorded, m);
                    if (pos.kind === "resume") {
                        assert.strictEqual(pos.weight, live.find((e) => e.stateMachineVersionArn === target)?.weight);
                        assert.ok(pos.weight > 0 && pos.weight < 100);
                        assert.notStrictEqual(pos.origin, target);
                        assert.ok(live.some((e) => e.stateMachineVersionArn === pos.origin && e.weight === 100 - pos.weight));
                    }
                }),
                RUNS,
            );
        });

        it("the kind follows the live routing: at-target iff all on the target, start iff all on another, refuse iff the target is not live", () => {
            fc.assert(
                fc.property(inputArb, ({ live, target, recorded, marker: m }) => {
                    const pos = positionOf(live, target, recorded, m);
                    const s = soleVersion(live);
                    assert.strictEqual(pos.kind === "at-target", s === target);
                    assert.strictEqual(pos.kind === "start", s !== undefined && s !== target);
                    if (pos.kind === "start") assert.strictEqual(pos.origin, s);
                    assert.strictEqual(pos.kind === "refuse", s === undefined && !live.some((e) => e.stateMachineVersionArn === target));
                    if (pos.kind === "at-target" && pos.origin !== undefined) assert.notStrictEqual(pos.origin, target);
                }),
                RUNS,
            );
        });
    });
});

// ---- alarms --------------------------------------------------------------------------------------

describe("assessAlarms", () => {
    const alarm = (name: string, state: AlarmState["state"], reason?: string, type: AlarmState["type"] = "MetricAlarm"): AlarmState => ({
        name,
        state,
        type,
        ...(reason !== undefined ? { reason } : {}),
    });
    const names = (as: readonly AlarmState[]) => as.map((a) => a.name);

    it("all OK: nothing missing, nothing firing", () => {
        const v = assessAlarms(["a", "b"], [alarm("a", "OK"), alarm("b", "OK", undefined, "CompositeAlarm")], "OK");
        assert.deepStrictEqual(v, { missing: [], firing: [], insufficient: [] });
    });

    it("names DescribeAlarms did not return are missing, in the order asked", () => {
        const v = assessAlarms(["c", "a", "b"], [alarm("a", "OK")], "OK");
        assert.deepStrictEqual(v.missing, ["c", "b"]);
        assert.deepStrictEqual(v.firing, []);
    });

    it("nothing described: every name missing", () => {
        assert.deepStrictEqual(assessAlarms(["a", "b"], [], "ALARM"), { missing: ["a", "b"], firing: [], insufficient: [] });
    });

    it("no names: nothing to watch, whatever is described", () => {
        assert.deepStrictEqual(assessAlarms([], [alarm("a", "ALARM")], "ALARM"), { missing: [], firing: [], insufficient: [] });
    });

    it("an alarm in ALARM fires, metric or composite", () => {
        const described = [alarm("a", "OK"), alarm("b", "ALARM", "Threshold crossed"), alarm("c", "ALARM", undefined, "CompositeAlarm")];
        const v = assessAlarms(["a", "b", "c"], described, "OK");
        assert.deepStrictEqual(v.firing, [described[1], described[2]]);
        assert.deepStrictEqual(v.missing, []);
    });

    it("alarms described but not asked for are ignored", () => {
        const v = assessAlarms(["a"], [alarm("a", "OK"), alarm("other", "ALARM")], "ALARM");
        assert.deepStrictEqual(v, { missing: [], firing: [], insufficient: [] });
    });

    it("INSUFFICIENT_DATA treated as OK: reported, not firing", () => {
        const described = [alarm("a", "INSUFFICIENT_DATA"), alarm("b", "OK")];
        const v = assessAlarms(["a", "b"], described, "OK");
        assert.deepStrictEqual(v.firing, []);
        assert.deepStrictEqual(v.insufficient, [described[0]]);
    });

    it("INSUFFICIENT_DATA treated as ALARM: firing, and reported", () => {
        const described = [alarm("a", "INSUFFICIENT_DATA"), alarm("b", "ALARM"), alarm("c", "OK")];
        const v = assessAlarms(["a", "b", "c"], described, "ALARM");
        assert.deepStrictEqual(names(v.firing), ["a", "b"]);
        assert.deepStrictEqual(names(v.insufficient), ["a"]);
    });

    it("firing follows the names' order, not DescribeAlarms'", () => {
        const v = assessAlarms(["b", "a"], [alarm("a", "ALARM"), alarm("b", "ALARM")], "OK");
        assert.deepStrictEqual(names(v.firing), ["b", "a"]);
    });

    it("an alarm described twice (the same state) counts once", () => {
        const v = assessAlarms(["a", "b"], [alarm("a", "ALARM"), alarm("b", "INSUFFICIENT_DATA"), alarm("a", "ALARM"), alarm("b", "INSUFFICIENT_DATA")], "ALARM");
        assert.deepStrictEqual(names(v.firing), ["a", "b"]);
        assert.deepStrictEqual(names(v.insufficient), ["b"]);
        assert.deepStrictEqual(v.missing, []);
    });

    it("an unknown state neither fires nor is insufficient", () => {
        const v = assessAlarms(["a"], [alarm("a", "SOMETHING_NEW")], "ALARM");
        assert.deepStrictEqual(v, { missing: [], firing: [], insufficient: [] });
    });

    it("property: missing, firing and OK partition the names; firing is exactly ALARM (plus INSUFFICIENT_DATA when so treated)", () => {
        const stateArb = fc.constantFrom("OK", "ALARM", "INSUFFICIENT_DATA");
        fc.assert(
            fc.property(
                fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e"), { maxLength: 5 }),
                fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e", "x"), stateArb),
                fc.constantFrom<"OK" | "ALARM">("OK", "ALARM"),
                (asked, states, treat) => {
                    const described = Object.entries(states).map(([n, s]) => alarm(n, s));
                    const v = assessAlarms(asked, described, treat);
                    assert.deepStrictEqual(v.missing, asked.filter((n) => !(n in states)));
                    assert.deepStrictEqual(names(v.firing), asked.filter((n) => states[n] === "ALARM" || (treat === "ALARM" && states[n] === "INSUFFICIENT_DATA")));
                    assert.deepStrictEqual(names(v.insufficient), asked.filter((n) => states[n] === "INSUFFICIENT_DATA"));
                },
            ),
            RUNS,
        );
    });
});

describe("describeAlarms", () => {
    it("name (STATE: reason), joined by commas; no reason, no colon", () => {
        assert.strictEqual(
            describeAlarms([
                { name: "errors", state: "ALARM", reason: "Threshold Crossed: 1 datapoint [5.0] > 1.0", type: "MetricAlarm" },
                { name: "latency", state: "INSUFFICIENT_DATA", type: "MetricAlarm" },
                { name: "health", state: "ALARM", reason: "", type: "CompositeAlarm" },
            ]),
            "errors (ALARM: Threshold Crossed: 1 datapoint [5.0] > 1.0), latency (INSUFFICIENT_DATA), health (ALARM)",
        );
    });
    it("none: empty", () => {
        assert.strictEqual(describeAlarms([]), "");
    });
});

describe("versionLabel", () => {
    it("a version ARN: its number", () => {
        assert.strictEqual(versionLabel(V3), "version 3");
        assert.strictEqual(versionLabel(`${SM}:1234`), "version 1234");
    });
    it("anything else: as it is", () => {
        assert.strictEqual(versionLabel(`${SM}:live`), `${SM}:live`);
        assert.strictEqual(versionLabel("not-an-arn"), "not-an-arn");
    });
});
