// The benchmark's pure helpers (bench/stats.ts): medians, call counting, the rate ratio and the table. Fast;
// no speed is asserted here or anywhere in npm test (`npm run bench` measures, it does not test).
import { strict as assert } from "assert";
import {
    callHistogram, callPattern, countCalls, formatTable, isThrottled, LoggedCall, median, rateMeasure, rateRatio, ratio,
} from "../../bench/stats";

const call = (operation: string, outcome = "ok", time = 0): LoggedCall => ({ operation, outcome, time });

describe("bench helpers", () => {
    it("median: odd and even counts, input left unsorted", () => {
        const values = [5, 1, 3];
        assert.equal(median(values), 3);
        assert.deepEqual(values, [5, 1, 3]);
        assert.equal(median([4, 1, 3, 2]), 2.5);
        assert.throws(() => median([]));
    });

    it("counts every attempt, throttled ones included, and names the pattern", () => {
        const calls = [
            call("CreateStateMachineAlias", "ThrottlingException"), call("CreateStateMachineAlias"),
            call("DescribeStateMachineAlias"), call("UpdateStateMachineAlias"), call("UpdateStateMachineAlias"),
        ];
        assert.equal(countCalls(calls), 5);
        assert.equal(countCalls(calls, ["UpdateStateMachineAlias"]), 2);
        assert.equal(calls.filter(isThrottled).length, 1);
        assert.ok(isThrottled({ outcome: "fault:throttle" }));
        assert.deepEqual(callHistogram(calls), {
            "CreateStateMachineAlias:ThrottlingException": 1, "CreateStateMachineAlias:ok": 1,
            "DescribeStateMachineAlias:ok": 1, "UpdateStateMachineAlias:ok": 2,
        });
        assert.equal(callPattern(calls), "Create(ThrottlingException), Create, Describe, Update x2");
        assert.equal(callPattern([]), "none");
    });

    it("rate ratio: writes beyond the burst against refill x time", () => {
        const rule = { capacity: 2, refillPerSecond: 1 };
        // 2 burst calls at t=0, a throttle, then one call per 100 ms at time scale 10: exactly the limit.
        const calls = [call("W", "ok", 0), call("W", "ok", 0), call("W", "ThrottlingException", 10), call("W", "ok", 100), call("W", "ok", 200), call("X", "ok", 5000)];
        const m = rateMeasure(calls, "W", rule, 10);
        assert.deepEqual({ ok: m.ok, throttled: m.throttled, seconds: m.seconds, limit: m.limitPerSecond }, { ok: 4, throttled: 1, seconds: 0.2, limit: 10 });
        assert.equal(m.sustainedPerSecond, 10);
        assert.equal(rateRatio([m], rule), 1);
        // Half as fast: half the limit; two runs pool their calls and their time.
        const slow = rateMeasure([call("W", "ok", 0), call("W", "ok", 0), call("W", "ok", 200), call("W", "ok", 400)], "W", rule, 10);
        assert.equal(rateRatio([slow], rule), 0.5);
        assert.ok(Math.abs(rateRatio([m, slow], rule) - 4 / 6) < 1e-9);
        assert.equal(rateMeasure([], "W", rule, 10).ok, 0);
    });

    it("ratio and table: aligned columns, section rows, ratio right-aligned", () => {
        assert.equal(ratio(1, 2), "0.50x");
        assert.equal(ratio(0, 0), "= min");
        assert.equal(ratio(3, 0), "-");
        const table = formatTable(["Section", ["  a figure", "1", "min 1", "1.00x"], ["  b", "22", "x", "0.5x"]]);
        const lines = table.split("\n");
        assert.deepEqual(lines, [
            "figure      value  limit or anchor  ratio",
            "----------  -----  ---------------  -----",
            "Section",
            "  a figure  1      min 1            1.00x",
            "  b         22     x                 0.5x",
        ]);
    });
});
