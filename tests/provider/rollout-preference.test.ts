// checkPreference (provider/rollout/preference.ts): every rule of deploymentPreference as a table (GIVEN the
// input, THEN exactly these failing properties, each reason naming the property path, the rule and the fix),
// the defaults a valid input gets, preview unknowns, and properties over generated inputs. Pure: no I/O.
import * as assert from "assert";
import * as fc from "fast-check";
import {
    ALARMS_MAX,
    checkPreference,
    EXECUTION_INPUT_MAX_LENGTH,
    PreferenceFailure,
    RolloutPreference,
    shiftsOf,
    totalSeconds,
    TOTAL_SECONDS_MAX,
} from "../../provider/rollout/preference";
import { UNKNOWN } from "../../provider/rules";

type Props = Record<string, unknown>;

const RUNS = { numRuns: 300, seed: 20240501 };
const P = "deploymentPreference";

const SM = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
const OTHER_SM = "arn:aws:states:us-east-1:123456789012:stateMachine:payments";
const V2 = `${SM}:2`;

/** A valid CANARY preference, with some properties replaced (a value of `undefined` removes the property). */
function pref(over: Props = {}): Props {
    const x: Props = { type: "CANARY", stateMachineVersionArn: V2, percentage: 10, interval: 5, ...over };
    for (const k of Object.keys(x)) if (x[k] === undefined) delete x[k];
    return x;
}
const linear = (over: Props = {}) => pref({ type: "LINEAR", ...over });
const allAtOnce = (over: Props = {}) => pref({ type: "ALL_AT_ONCE", percentage: undefined, interval: undefined, ...over });

interface Expected {
    readonly property: string;
    /** Fragments the reason must contain, besides the property path: the rule, the fix. */
    readonly includes?: readonly string[];
    /** The whole reason, for representative cases. */
    readonly message?: string;
    /** Text no reason may contain. */
    readonly excludes?: readonly string[];
    /** How the reason names the property, when not by its path (see the BUG test "reasons that do not name their path"). */
    readonly namedAs?: string;
}

function assertFailures(failures: PreferenceFailure[], expected: readonly Expected[]): void {
    assert.deepStrictEqual(
        failures.map((f) => f.property).sort(),
        expected.map((e) => e.property).sort(),
        `failures were ${JSON.stringify(failures, null, 1)}`,
    );
    for (const e of expected) {
        const reasons = failures.filter((f) => f.property === e.property).map((f) => f.reason);
        // Every reason names the property it is about.
        for (const r of reasons) assert.ok(e.namedAs !== undefined ? r.includes(e.namedAs) : namesPath(r, e.property), `reason for ${e.property} does not name it:\n  ${r}`);
        if (e.message !== undefined) assert.ok(reasons.includes(e.message), `no reason equal to\n  ${e.message}\namong\n  ${reasons.join("\n  ")}`);
        for (const fragment of e.includes ?? []) {
            assert.ok(reasons.some((r) => r.includes(fragment)), `reason for ${e.property} lacks ${JSON.stringify(fragment)}:\n  ${reasons.join("\n  ")}`);
        }
        for (const never of e.excludes ?? []) {
            for (const f of failures) assert.ok(!f.reason.includes(never), `the reason for ${f.property} repeats ${JSON.stringify(never)}:\n  ${f.reason}`);
        }
    }
}

/**
 * Whether a reason names the property path: the path itself, or, for an unknown property, its key quoted
 * and the object it is on (`unknown property "alarm" on deploymentPreference`).
 */
function namesPath(reason: string, property: string): boolean {
    if (reason.includes(property)) return true;
    for (let dot = property.indexOf("."); dot > 0; dot = property.indexOf(".", dot + 1)) {
        if (reason.includes(`unknown property ${JSON.stringify(property.slice(dot + 1))} on ${property.slice(0, dot)}`)) return true;
    }
    return false;
}

interface Row {
    readonly title: string;
    readonly value: unknown;
    readonly machine?: string;
    readonly expect: readonly Expected[];
}
const bad = (title: string, value: unknown, ...expect: Expected[]): Row => ({ title, value, expect });
const badOn = (title: string, machine: string, value: unknown, ...expect: Expected[]): Row => ({ title, value, machine, expect });

function runTable(rows: readonly Row[]): void {
    for (const row of rows) {
        it(row.title, () => {
            // GIVEN the input WHEN checked THEN exactly the expected failures, and no preference
            const { failures, preference } = checkPreference(row.value, row.machine);
            assertFailures(failures, row.expect);
            assert.strictEqual(preference, undefined);
        });
    }
}

/** Checks a valid input: no failures, and the preference. */
function valid(value: unknown, machine?: string): RolloutPreference {
    const { failures, preference } = checkPreference(value, machine);
    assert.deepStrictEqual(failures, []);
    assert.ok(preference, "no preference for a valid input");
    return preference;
}

describe("checkPreference", () => {
    describe("valid inputs and their defaults", () => {
        const rows: readonly [string, Props, RolloutPreference][] = [
            [
                "CANARY 10 every 5 minutes, no alarms: no bake",
                pref(),
                { type: "CANARY", stateMachineVersionArn: V2, shifts: [10, 100], intervalSeconds: 300, bakeTimeSeconds: 0, alarmPollSeconds: 30, alarms: [], treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK" },
            ],
            [
                "CANARY with alarms: the bake defaults to the interval",
                pref({ alarms: ["errors", "latency"] }),
                { type: "CANARY", stateMachineVersionArn: V2, shifts: [10, 100], intervalSeconds: 300, bakeTimeSeconds: 300, alarmPollSeconds: 30, alarms: ["errors", "latency"], treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK" },
            ],
            [
                "LINEAR 30 every 2 minutes, alarms, every option set",
                linear({ percentage: 30, interval: 2, alarms: ["errors"], bakeTimeSeconds: 600, alarmPollSeconds: 10, treatInsufficientDataAs: "ALARM", onAlarmReadFailure: "CONTINUE" }),
                { type: "LINEAR", stateMachineVersionArn: V2, shifts: [30, 60, 90, 100], intervalSeconds: 120, bakeTimeSeconds: 600, alarmPollSeconds: 10, alarms: ["errors"], treatInsufficientDataAs: "ALARM", onAlarmReadFailure: "CONTINUE" },
            ],
            [
                "LINEAR 33 with intervalSeconds",
                linear({ percentage: 33, interval: undefined, intervalSeconds: 45 }),
                { type: "LINEAR", stateMachineVersionArn: V2, shifts: [33, 66, 99, 100], intervalSeconds: 45, bakeTimeSeconds: 0, alarmPollSeconds: 30, alarms: [], treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK" },
            ],
            [
                "steps [5, 25, 50] with alarms and an explicit bake of 0",
                linear({ percentage: undefined, steps: [5, 25, 50], alarms: ["errors"], bakeTimeSeconds: 0 }),
                { type: "LINEAR", stateMachineVersionArn: V2, shifts: [5, 25, 50, 100], intervalSeconds: 300, bakeTimeSeconds: 0, alarmPollSeconds: 30, alarms: ["errors"], treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK" },
            ],
            [
                "bakeTimeSeconds 0 without alarms",
                pref({ bakeTimeSeconds: 0 }),
                { type: "CANARY", stateMachineVersionArn: V2, shifts: [10, 100], intervalSeconds: 300, bakeTimeSeconds: 0, alarmPollSeconds: 30, alarms: [], treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK" },
            ],
            [
                "ALL_AT_ONCE without alarms: one shift, no wait, no bake",
                allAtOnce(),
                { type: "ALL_AT_ONCE", stateMachineVersionArn: V2, shifts: [100], intervalSeconds: 0, bakeTimeSeconds: 0, alarmPollSeconds: 30, alarms: [], treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK" },
            ],
            [
                "ALL_AT_ONCE with alarms and no interval: a bake of 300 s",
                allAtOnce({ alarms: ["errors"] }),
                { type: "ALL_AT_ONCE", stateMachineVersionArn: V2, shifts: [100], intervalSeconds: 0, bakeTimeSeconds: 300, alarmPollSeconds: 30, alarms: ["errors"], treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK" },
            ],
            [
                "ALL_AT_ONCE with alarms and an interval: the bake is the interval, the wait 0",
                allAtOnce({ alarms: ["errors"], interval: 10 }),
                { type: "ALL_AT_ONCE", stateMachineVersionArn: V2, shifts: [100], intervalSeconds: 0, bakeTimeSeconds: 600, alarmPollSeconds: 30, alarms: ["errors"], treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK" },
            ],
            [
                "preTrafficExecution with an object input: serialized, timeout 300",
                pref({ preTrafficExecution: { input: { smoke: true, n: [1, 2] } } }),
                {
                    type: "CANARY", stateMachineVersionArn: V2, shifts: [10, 100], intervalSeconds: 300, bakeTimeSeconds: 0, alarmPollSeconds: 30, alarms: [],
                    preTrafficExecution: { input: '{"smoke":true,"n":[1,2]}', timeoutSeconds: 300 }, treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK",
                },
            ],
            [
                "preTrafficExecution {}: input {}",
                pref({ preTrafficExecution: {} }),
                {
                    type: "CANARY", stateMachineVersionArn: V2, shifts: [10, 100], intervalSeconds: 300, bakeTimeSeconds: 0, alarmPollSeconds: 30, alarms: [],
                    preTrafficExecution: { input: "{}", timeoutSeconds: 300 }, treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK",
                },
            ],
            [
                "preTrafficExecution with JSON text and a timeout: the text as it is",
                pref({ preTrafficExecution: { input: '{ "smoke": true }', timeoutSeconds: 3600 } }),
                {
                    type: "CANARY", stateMachineVersionArn: V2, shifts: [10, 100], intervalSeconds: 300, bakeTimeSeconds: 0, alarmPollSeconds: 30, alarms: [],
                    preTrafficExecution: { input: '{ "smoke": true }', timeoutSeconds: 3600 }, treatInsufficientDataAs: "OK", onAlarmReadFailure: "ROLLBACK",
                },
            ],
        ];
        for (const [title, value, expected] of rows) {
            it(title, () => {
                assert.deepStrictEqual(valid(value), expected);
            });
        }

        it("a version of the alias's own state machine", () => {
            assert.strictEqual(valid(pref(), SM).stateMachineVersionArn, V2);
        });

        it("at the limits: percentage 1 and 99, interval 1 and 2100 minutes", () => {
            assert.strictEqual(valid(pref({ percentage: 1 })).shifts.length, 2);
            assert.deepStrictEqual(valid(pref({ percentage: 99 })).shifts, [99, 100]);
            assert.strictEqual(valid(linear({ percentage: 1, interval: 1 })).shifts.length, 100);
            assert.strictEqual(valid(pref({ interval: 2100 })).intervalSeconds, TOTAL_SECONDS_MAX);
        });

        it("a total of exactly 2100 minutes is allowed: LINEAR 50 every 1050 minutes, baking as long", () => {
            const p = valid(linear({ percentage: 50, interval: 1050, alarms: ["errors"] }));
            assert.strictEqual(totalSeconds(p), TOTAL_SECONDS_MAX);
        });

        it("100 alarms; a 255-character name", () => {
            const many = Array.from({ length: ALARMS_MAX }, (_, i) => `alarm-${i}`);
            assert.deepStrictEqual(valid(pref({ alarms: many })).alarms, many);
            assert.deepStrictEqual(valid(pref({ alarms: ["a".repeat(255)] })).alarms, ["a".repeat(255)]);
        });

        it("an input of exactly 262,144 characters of JSON", () => {
            const input = JSON.stringify({ s: "x".repeat(EXECUTION_INPUT_MAX_LENGTH - 8) });
            assert.strictEqual(input.length, EXECUTION_INPUT_MAX_LENGTH);
            assert.strictEqual(valid(pref({ preTrafficExecution: { input } })).preTrafficExecution?.input, input);
        });

        it("does not change its input", () => {
            const value = linear({ percentage: undefined, steps: [5, 25, 50], alarms: ["b", "a"], preTrafficExecution: { input: { a: 1 } } });
            const copy = JSON.parse(JSON.stringify(value));
            valid(value);
            assert.deepStrictEqual(value, copy);
        });
    });

    describe("the preference itself", () => {
        runTable([
            bad("not an object: a string", "CANARY", { property: P, includes: ["must be an object", 'the string "CANARY"', 'e.g. { type: "CANARY"'] }),
            bad("not an object: a list", [pref()], { property: P, includes: ["must be an object", "a list"] }),
            bad("not an object: null", null, { property: P, includes: ["must be an object", "null"] }),
            bad(
                "empty: type and version are required",
                {},
                { property: `${P}.type`, message: `${P}.type is required: ALL_AT_ONCE, CANARY, LINEAR.` },
                { property: `${P}.stateMachineVersionArn`, includes: ["is required", "arn:<partition>:states:<region>:<account>:stateMachine:<name>:<version number>"] },
            ),
            bad("unknown key with a suggestion", pref({ alarm: ["errors"] }), {
                property: `${P}.alarm`,
                includes: ['unknown property "alarm"', "did you mean alarms?", "accepts type, stateMachineVersionArn"],
            }),
            bad("unknown key, misspelt", pref({ percentag: 10, percentage: undefined }),
                { property: `${P}.percentag`, includes: ["did you mean percentage?"] },
                // And what it meant to set is then missing.
                { property: `${P}.percentage`, includes: ["is required with type CANARY"] },
            ),
            bad("unknown key with no close name", pref({ rollbackOnFailure: true }), { property: `${P}.rollbackOnFailure`, includes: ["unknown property", "accepts"], excludes: ["did you mean"] }),
        ]);
    });

    describe("type", () => {
        runTable([
            bad("missing", pref({ type: undefined }), { property: `${P}.type`, includes: ["is required", "ALL_AT_ONCE, CANARY, LINEAR"] }),
            bad("lowercase canary: suggests CANARY", pref({ type: "canary" }), {
                property: `${P}.type`,
                message: `${P}.type is the string "canary", but must be one of ALL_AT_ONCE, CANARY, LINEAR: write "CANARY".`,
            }),
            bad("all-at-once: suggests ALL_AT_ONCE", allAtOnce({ type: "all-at-once" }), { property: `${P}.type`, includes: ['write "ALL_AT_ONCE"'] }),
            bad("an unrelated word: no suggestion", pref({ type: "BLUE_GREEN" }), { property: `${P}.type`, includes: ['"BLUE_GREEN"', "must be one of ALL_AT_ONCE, CANARY, LINEAR"], excludes: ["write"] }),
            bad("a number", pref({ type: 1 }), { property: `${P}.type`, includes: ["the number 1", "must be one of"] }),
        ]);
    });

    describe("stateMachineVersionArn", () => {
        runTable([
            bad("missing", pref({ stateMachineVersionArn: undefined }), { property: `${P}.stateMachineVersionArn`, includes: ["is required", "the version to move all traffic to"] }),
            bad("a state machine ARN, not a version", pref({ stateMachineVersionArn: SM }), { property: `${P}.stateMachineVersionArn`, includes: [`"${SM}"`, "is not a state machine version ARN"] }),
            bad("an alias ARN", pref({ stateMachineVersionArn: `${SM}:live` }), { property: `${P}.stateMachineVersionArn`, includes: ["is not a state machine version ARN"] }),
            bad("a number", pref({ stateMachineVersionArn: 2 }), { property: `${P}.stateMachineVersionArn`, includes: ["is not a state machine version ARN"] }),
            bad("over 256 characters: not repeated", pref({ stateMachineVersionArn: `${SM}:${"9".repeat(300)}` }), {
                property: `${P}.stateMachineVersionArn`,
                includes: ["is not a state machine version ARN"],
                excludes: ["9".repeat(50)],
            }),
            badOn("a version of another state machine", SM, pref({ stateMachineVersionArn: `${OTHER_SM}:3` }), {
                property: `${P}.stateMachineVersionArn`,
                includes: [`is a version of ${OTHER_SM}, but this alias is on ${SM}`, `publish a version of ${SM}`, "set routingConfiguration instead"],
            }),
        ]);
    });

    describe("percentage", () => {
        const path = `${P}.percentage`;
        runTable([
            bad("0", pref({ percentage: 0 }), { property: path, message: `${path} is 0, outside 1-99 percent; set a whole number from 1 to 99.` }),
            bad("100", pref({ percentage: 100 }), { property: path, includes: ["is 100", "outside 1-99", "set a whole number from 1 to 99"] }),
            bad("-5", linear({ percentage: -5 }), { property: path, includes: ["is -5", "outside 1-99", "set a whole number"] }),
            bad('"10": a number in quotes', pref({ percentage: "10" }), { property: path, message: `${path} must be a number, but received the string "10"; write 10 without quotes.` }),
            // The reason states the rule (a whole number from 1 to 99) and, in it, what to write instead.
            bad("1.5", pref({ percentage: 1.5 }), { property: path, includes: ["the number 1.5", "must be a whole number", "from 1 to 99"] }),
            bad("NaN", pref({ percentage: NaN }), { property: path, includes: ["received NaN", "must be a whole number"] }),
            bad("a word", pref({ percentage: "ten" }), { property: path, includes: ['the string "ten"', "must be a whole number"] }),
            bad("missing with CANARY", pref({ percentage: undefined }), { property: path, includes: ["is required with type CANARY", "the share the canary gets first", "or give steps"] }),
            bad("missing with LINEAR", linear({ percentage: undefined }), { property: path, includes: ["is required with type LINEAR", "the share added at each shift", "or give steps"] }),
            bad("with ALL_AT_ONCE", allAtOnce({ percentage: 10 }), { property: path, includes: ["has no effect with type ALL_AT_ONCE", "remove it, or use type CANARY or LINEAR"] }),
        ]);
    });

    describe("interval and intervalSeconds", () => {
        runTable([
            bad("interval 0", pref({ interval: 0 }), { property: `${P}.interval`, includes: [`${P}.interval is 0`, "outside 1-2100 minutes", "set a whole number from 1 to 2100"] }),
            bad("interval 2101", pref({ interval: 2101 }), { property: `${P}.interval`, includes: ["is 2101", "outside 1-2100 minutes", "set a whole number"] }),
            bad("interval 2.5", pref({ interval: 2.5 }), { property: `${P}.interval`, includes: ["the number 2.5", "whole number of minutes"] }),
            bad('interval "5"', pref({ interval: "5" }), { property: `${P}.interval`, includes: ["must be a number", "write 5 without quotes"] }),
            bad("intervalSeconds 0", pref({ interval: undefined, intervalSeconds: 0 }), { property: `${P}.intervalSeconds`, includes: ["is 0", "outside 1-126000 seconds", "set a whole number"] }),
            bad("both interval and intervalSeconds", pref({ intervalSeconds: 300 }), {
                property: `${P}.intervalSeconds`,
                includes: ["and deploymentPreference.interval are both set", "keep one"],
            }),
            bad("CANARY without interval", pref({ interval: undefined }), { property: `${P}.interval`, includes: ["is required with type CANARY", "the minutes between shifts", "or intervalSeconds"] }),
            bad("LINEAR without interval", linear({ interval: undefined }), { property: `${P}.interval`, includes: ["is required with type LINEAR"] }),
        ]);
    });

    describe("steps", () => {
        const path = `${P}.steps`;
        runTable([
            bad("not rising", linear({ percentage: undefined, steps: [5, 25, 20] }), {
                property: `${path}[2]`,
                message: `${path}[2] is 20, not above the step before it (25); steps only move traffic toward the new version: list them rising.`,
            }),
            bad("a repeated step", linear({ percentage: undefined, steps: [5, 5] }), { property: `${path}[1]`, includes: ["is 5", "not above the step before it (5)", "list them rising"] }),
            bad("containing 100", linear({ percentage: undefined, steps: [5, 50, 100] }), {
                property: `${path}[2]`,
                includes: ["the number 100", "whole percentage from 1 to 99", "100 is always the last shift: leave it out"],
            }),
            bad("containing 0", linear({ percentage: undefined, steps: [0, 50] }), { property: `${path}[0]`, includes: ["the number 0", "whole percentage from 1 to 99"] }),
            bad("a string step", linear({ percentage: undefined, steps: [5, "25"] }), { property: `${path}[1]`, includes: ['the string "25"', "whole percentage"] }),
            bad("empty", linear({ percentage: undefined, steps: [] }), { property: path, includes: ["must be a list of 1 to 99 percentages", "a list of 0", "e.g. [5, 25, 50]"] }),
            bad("not a list", linear({ percentage: undefined, steps: 25 }), { property: path, includes: ["must be a list", "the number 25"] }),
            bad("100 steps", linear({ percentage: undefined, steps: Array.from({ length: 100 }, (_, i) => i + 1) }), { property: path, includes: ["1 to 99 percentages", "a list of 100"] }),
            bad("with percentage", linear({ steps: [5, 25] }), { property: path, includes: ["and deploymentPreference.percentage are both set", "keep one"] }),
            bad("with ALL_AT_ONCE", allAtOnce({ steps: [5, 25] }), { property: path, includes: ["has no effect with type ALL_AT_ONCE", "remove it"] }),
        ]);
    });

    describe("alarms", () => {
        const path = `${P}.alarms`;
        const ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-errors";
        runTable([
            bad("empty", pref({ alarms: [] }), { property: path, includes: ["must be a list of 1 to 100 CloudWatch alarm names", "a list of 0", "omit it"] }),
            bad("101", pref({ alarms: Array.from({ length: 101 }, (_, i) => `a${i}`) }), { property: path, includes: ["a list of 101", "1 to 100"] }),
            bad("a string, not a list", pref({ alarms: "errors" }), { property: path, includes: ['the string "errors"', "must be a list"] }),
            bad("a duplicate", pref({ alarms: ["errors", "latency", "errors"] }), {
                property: `${path}[2]`,
                message: `${path}[2] "errors" repeats ${path}[0]; list each alarm once.`,
            }),
            bad("an ARN: suggests the name", pref({ alarms: [ARN] }), {
                property: `${path}[0]`,
                includes: ["is an alarm ARN", "looked up by name", 'write "orders-errors"'],
            }),
            bad("256 characters", pref({ alarms: ["ok", "a".repeat(256)] }), {
                property: `${path}[1]`,
                includes: ["has 256 characters", "limit of 255", "use the alarm's name"],
                excludes: ["a".repeat(60)],
            }),
            bad("an empty name", pref({ alarms: [""] }), { property: `${path}[0]`, includes: ["must be a CloudWatch alarm name (1-255 characters)", 'the string ""'] }),
            bad("a number", pref({ alarms: [7] }), { property: `${path}[0]`, includes: ["the number 7"] }),
        ]);
    });

    describe("bake, poll and the enums", () => {
        runTable([
            bad("bakeTimeSeconds without alarms", pref({ bakeTimeSeconds: 600 }), {
                property: `${P}.bakeTimeSeconds`,
                includes: ["watches alarms after the final shift", "names no alarms", "add alarms, or remove bakeTimeSeconds"],
            }),
            bad("bakeTimeSeconds -1", pref({ alarms: ["a"], bakeTimeSeconds: -1 }), { property: `${P}.bakeTimeSeconds`, includes: ["is -1", "outside 0-126000 seconds", "set a whole number"] }),
            bad("alarmPollSeconds 0", pref({ alarmPollSeconds: 0 }), { property: `${P}.alarmPollSeconds`, includes: ["is 0", "outside 1-3600 seconds", "set a whole number"] }),
            bad("alarmPollSeconds 3601", pref({ alarmPollSeconds: 3601 }), { property: `${P}.alarmPollSeconds`, includes: ["is 3601", "outside 1-3600"] }),
            bad("treatInsufficientDataAs lowercase", pref({ treatInsufficientDataAs: "ok" }), {
                property: `${P}.treatInsufficientDataAs`,
                message: `${P}.treatInsufficientDataAs is the string "ok", but must be one of "OK", "ALARM" (default "OK").`,
            }),
            bad("onAlarmReadFailure unknown word", pref({ onAlarmReadFailure: "IGNORE" }), {
                property: `${P}.onAlarmReadFailure`,
                includes: ['the string "IGNORE"', 'must be one of "ROLLBACK", "CONTINUE"', '(default "ROLLBACK")'],
            }),
        ]);
    });

    describe("preTrafficExecution", () => {
        const path = `${P}.preTrafficExecution`;
        const SECRET = "not json: token=hunter2-XYZZY";
        runTable([
            bad("input: a string that is not JSON, never repeated", pref({ preTrafficExecution: { input: SECRET } }), {
                property: `${path}.input`,
                message: `${path}.input is a string of ${SECRET.length} characters that is not JSON (its text is not shown); Step Functions takes JSON input: pass an object, or JSON text such as '{"smoke": true}'.`,
                excludes: [SECRET, "hunter2", "XYZZY"],
            }),
            bad("input: too long, never repeated", pref({ preTrafficExecution: { input: { s: `${SECRET}${"x".repeat(EXECUTION_INPUT_MAX_LENGTH)}` } } }), {
                property: `${path}.input`,
                includes: [`is ${EXECUTION_INPUT_MAX_LENGTH + SECRET.length + 8} characters of JSON`, "limit of 262144", "send a smaller input"],
                excludes: ["hunter2", "xxxxxxxx"],
            }),
            bad("input: one character too long as JSON text", pref({ preTrafficExecution: { input: JSON.stringify({ s: "x".repeat(EXECUTION_INPUT_MAX_LENGTH - 7) }) } }), {
                property: `${path}.input`,
                includes: [`is ${EXECUTION_INPUT_MAX_LENGTH + 1} characters of JSON`],
            }),
            bad("timeoutSeconds 0", pref({ preTrafficExecution: { timeoutSeconds: 0 } }), {
                property: `${path}.timeoutSeconds`,
                message: `${path}.timeoutSeconds is the number 0, but must be a whole number of seconds from 1 to 3600 (default 300).`,
            }),
            bad("timeoutSeconds 3601", pref({ preTrafficExecution: { timeoutSeconds: 3601 } }), { property: `${path}.timeoutSeconds`, includes: ["the number 3601", "from 1 to 3600"] }),
            bad("not an object", pref({ preTrafficExecution: "smoke" }), { property: path, includes: ["must be an object { input?, timeoutSeconds? }", 'the string "smoke"'] }),
            bad("an unknown key with a suggestion", pref({ preTrafficExecution: { inputs: {} } }), { property: `${path}.inputs`, includes: ['unknown property "inputs"', "did you mean input?", "accepts input, timeoutSeconds"] }),
        ]);
    });

    describe("the whole rollout's duration", () => {
        runTable([
            bad("LINEAR 1% every 30 minutes: 2970 minutes", linear({ percentage: 1, interval: 30 }), {
                property: P,
                message:
                    `${P} would take 2970 min (100 shifts, 99 waits of 30 min, then a bake of 0 min), more than CloudFormation's cap of 2100 minutes for one rollout; ` +
                    "use a shorter interval, fewer steps (a larger percentage), or a shorter bake.",
            }),
            bad("steps with intervalSeconds over the cap", linear({ percentage: undefined, steps: [10, 20, 30], interval: undefined, intervalSeconds: 50_000 }), {
                property: P,
                includes: ["would take 2500 min", "4 shifts, 3 waits of 50000 s", "more than CloudFormation's cap of 2100 minutes", "use a shorter interval"],
            }),
            bad("a bake that pushes it over", linear({ percentage: 50, interval: 1050, alarms: ["a"], bakeTimeSeconds: 63_060 }), {
                property: P,
                includes: ["would take 2101 min", "a bake of 1051 min", "or a shorter bake"],
            }),
        ]);
    });

    describe("several failures at once", () => {
        runTable([
            bad(
                "each names its own property",
                { type: "canary", stateMachineVersionArn: SM, percentage: 0, interval: 2101, alarms: ["a", "a"], colour: "blue" },
                { property: `${P}.type` },
                { property: `${P}.stateMachineVersionArn` },
                { property: `${P}.percentage` },
                { property: `${P}.interval` },
                { property: `${P}.alarms[1]` },
                { property: `${P}.colour` },
            ),
        ]);
    });

    // Found by this test: the two "sets both" reasons used to name the parent and the two keys only.
    it("reasons that name their path: the 'sets both' rules: the 'sets both' rules", () => {
        for (const [value, property] of [
            [pref({ intervalSeconds: 300 }), `${P}.intervalSeconds`],
            [linear({ steps: [5, 25] }), `${P}.steps`],
        ] as const) {
            const failure = checkPreference(value).failures.find((f) => f.property === property);
            assert.ok(failure, `no failure for ${property}`);
            assert.ok(failure.reason.includes(property), failure.reason);
        }
    });

    describe("unknowns at preview: no failure, no preference", () => {
        const rows: readonly [string, unknown][] = [
            ["the whole preference", UNKNOWN],
            ["type", pref({ type: UNKNOWN })],
            ["stateMachineVersionArn", pref({ stateMachineVersionArn: UNKNOWN })],
            ["stateMachineVersionArn, with the machine known", pref({ stateMachineVersionArn: UNKNOWN })],
            ["percentage", pref({ percentage: UNKNOWN })],
            ["interval", pref({ interval: UNKNOWN })],
            ["intervalSeconds instead of interval", pref({ interval: undefined, intervalSeconds: UNKNOWN })],
            ["steps", linear({ percentage: undefined, steps: UNKNOWN })],
            ["one step", linear({ percentage: undefined, steps: [5, UNKNOWN, 50] })],
            ["alarms", pref({ alarms: UNKNOWN })],
            ["one alarm", pref({ alarms: ["errors", UNKNOWN] })],
            ["alarms, with a bake", pref({ alarms: UNKNOWN, bakeTimeSeconds: 600 })],
            ["bakeTimeSeconds", pref({ alarms: ["a"], bakeTimeSeconds: UNKNOWN })],
            ["alarmPollSeconds", pref({ alarmPollSeconds: UNKNOWN })],
            ["treatInsufficientDataAs", pref({ treatInsufficientDataAs: UNKNOWN })],
            ["onAlarmReadFailure", pref({ onAlarmReadFailure: UNKNOWN })],
            ["preTrafficExecution", pref({ preTrafficExecution: UNKNOWN })],
            ["preTrafficExecution.input", pref({ preTrafficExecution: { input: UNKNOWN } })],
            ["a value deep in preTrafficExecution.input", pref({ preTrafficExecution: { input: { a: [1, { b: UNKNOWN }] } } })],
            ["preTrafficExecution.timeoutSeconds", pref({ preTrafficExecution: { timeoutSeconds: UNKNOWN } })],
        ];
        for (const [title, value] of rows) {
            it(title, () => {
                assert.deepStrictEqual(checkPreference(value, SM), { failures: [] });
            });
        }

        runTable([
            bad("an unknown does not hide a failure elsewhere", pref({ percentage: UNKNOWN, interval: 0 }), { property: `${P}.interval` }),
            bad("an unknown type still checks the version", pref({ type: UNKNOWN, stateMachineVersionArn: SM }), { property: `${P}.stateMachineVersionArn` }),
            bad("an unknown alarm beside a bad one", pref({ alarms: [UNKNOWN, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x"] }), { property: `${P}.alarms[1]`, includes: ['write "x"'] }),
        ]);
    });

    describe("properties", () => {
        const alarmNameArb = fc.stringMatching(/^[a-zA-Z0-9_.\-]{1,40}$/).filter((n) => n !== UNKNOWN);
        const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

        /** How the shifts are set: a percentage (CANARY or LINEAR), rising steps, or ALL_AT_ONCE. */
        const shapeArb: fc.Arbitrary<{ type: string; percentage?: number; steps?: number[] }> = fc.oneof(
            fc.record({ type: fc.constantFrom("CANARY", "LINEAR"), percentage: fc.integer({ min: 1, max: 99 }) }),
            fc.record({
                type: fc.constantFrom("CANARY", "LINEAR"),
                steps: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 99 }).map((s) => [...s].sort((a, b) => a - b)),
            }),
            fc.constant({ type: "ALL_AT_ONCE" }),
        );

        /** A valid input whose whole duration fits: each wait (and the bake) at most the cap over the number of shifts. */
        const validArb: fc.Arbitrary<Props> = shapeArb.chain((shape) => {
            const n = shape.type === "ALL_AT_ONCE" ? 1 : shape.steps ? shape.steps.length + 1 : shape.type === "CANARY" ? 2 : Math.ceil(100 / shape.percentage!);
            const maxSeconds = Math.floor(TOTAL_SECONDS_MAX / n);
            const maxMinutes = Math.min(2100, Math.floor(maxSeconds / 60));
            const intervalArb: fc.Arbitrary<Props> = fc.oneof(
                ...(maxMinutes >= 1 ? [fc.integer({ min: 1, max: maxMinutes }).map((interval) => ({ interval }))] : []),
                fc.integer({ min: 1, max: maxSeconds }).map((intervalSeconds) => ({ intervalSeconds })),
            );
            return fc
                .record({
                    interval: shape.type === "ALL_AT_ONCE" ? fc.oneof(fc.constant({}), intervalArb) : intervalArb,
                    alarms: optional(fc.uniqueArray(alarmNameArb, { minLength: 1, maxLength: 5 })),
                    bake: optional(fc.integer({ min: 0, max: maxSeconds })),
                    alarmPollSeconds: optional(fc.integer({ min: 1, max: 3600 })),
                    treatInsufficientDataAs: optional(fc.constantFrom("OK", "ALARM")),
                    onAlarmReadFailure: optional(fc.constantFrom("ROLLBACK", "CONTINUE")),
                    preTrafficExecution: optional(
                        fc.record(
                            { input: fc.oneof(fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== "string"), fc.json({ maxDepth: 3 })), timeoutSeconds: fc.integer({ min: 1, max: 3600 }) },
                            { requiredKeys: [] },
                        ),
                    ),
                    version: fc.integer({ min: 1, max: 9_999_999 }),
                })
                .map((x) => {
                    const out: Props = { ...shape, stateMachineVersionArn: `${SM}:${x.version}`, ...x.interval };
                    if (x.alarms) {
                        out.alarms = x.alarms;
                        if (x.bake !== undefined) out.bakeTimeSeconds = x.bake;
                    }
                    for (const k of ["alarmPollSeconds", "treatInsufficientDataAs", "onAlarmReadFailure", "preTrafficExecution"] as const) {
                        if (x[k] !== undefined) out[k] = x[k];
                    }
                    return out;
                });
        });

        it("for random valid inputs: no failure, a preference within the cap, with the shifts and defaults it should have", () => {
            fc.assert(
                fc.property(validArb, (value) => {
                    const { failures, preference } = checkPreference(value, SM);
                    assert.deepStrictEqual(failures, [], JSON.stringify(value).slice(0, 500));
                    assert.ok(preference);
                    assert.ok(totalSeconds(preference) <= TOTAL_SECONDS_MAX);
                    const type = value.type as "CANARY" | "LINEAR" | "ALL_AT_ONCE";
                    assert.deepStrictEqual(preference.shifts, shiftsOf(type, value.percentage as number | undefined, value.steps as number[] | undefined));
                    const interval = value.intervalSeconds !== undefined ? (value.intervalSeconds as number) : value.interval !== undefined ? (value.interval as number) * 60 : 0;
                    assert.strictEqual(preference.intervalSeconds, type === "ALL_AT_ONCE" ? 0 : interval);
                    const alarms = (value.alarms as string[] | undefined) ?? [];
                    assert.deepStrictEqual(preference.alarms, alarms);
                    const expectedBake = value.bakeTimeSeconds !== undefined ? value.bakeTimeSeconds : alarms.length === 0 ? 0 : interval > 0 ? interval : 300;
                    assert.strictEqual(preference.bakeTimeSeconds, expectedBake);
                    assert.strictEqual(preference.alarmPollSeconds, value.alarmPollSeconds ?? 30);
                    assert.strictEqual(preference.treatInsufficientDataAs, value.treatInsufficientDataAs ?? "OK");
                    assert.strictEqual(preference.onAlarmReadFailure, value.onAlarmReadFailure ?? "ROLLBACK");
                    const pt = value.preTrafficExecution as Props | undefined;
                    if (pt === undefined) assert.strictEqual(preference.preTrafficExecution, undefined);
                    else {
                        assert.strictEqual(preference.preTrafficExecution?.timeoutSeconds, pt.timeoutSeconds ?? 300);
                        const input = preference.preTrafficExecution!.input;
                        assert.deepStrictEqual(JSON.parse(input), pt.input === undefined ? {} : typeof pt.input === "string" ? JSON.parse(pt.input) : JSON.parse(JSON.stringify(pt.input)));
                    }
                    // Checking is idempotent on what it accepts.
                    assert.deepStrictEqual(checkPreference(value, SM), { failures, preference });
                }),
                RUNS,
            );
        });

        it("for random invalid percentage values: a failure names deploymentPreference.percentage, and no preference", () => {
            const invalidArb = fc.oneof(
                fc.integer({ max: 0 }),
                fc.integer({ min: 100 }),
                fc.double({ noNaN: false }).filter((d) => !(Number.isInteger(d) && d >= 1 && d <= 99)),
                fc.string().filter((s) => s !== UNKNOWN),
                fc.boolean(),
                fc.constant(null),
                fc.array(fc.integer({ min: 1, max: 99 })),
                fc.object({ maxDepth: 1 }),
            );
            fc.assert(
                fc.property(fc.constantFrom("CANARY", "LINEAR"), invalidArb, (type, percentage) => {
                    const { failures, preference } = checkPreference(pref({ type, percentage }), SM);
                    const mine = failures.filter((f) => f.property === `${P}.percentage`);
                    assert.strictEqual(mine.length, 1, JSON.stringify(failures));
                    assert.ok(mine[0].reason.includes(`${P}.percentage`));
                    assert.deepStrictEqual(failures, mine, "only the percentage fails");
                    assert.strictEqual(preference, undefined);
                }),
                RUNS,
            );
        });

        it("junk never throws, and every failure's reason names its property", () => {
            const junk = fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom("type", "percentage", "steps", "alarms", "interval", "preTrafficExecution", "x"), fc.anything()));
            fc.assert(
                fc.property(junk, (value) => {
                    const { failures, preference } = checkPreference(value, SM);
                    for (const f of failures) assert.ok(namesPath(f.reason, f.property), JSON.stringify(f));
                    if (preference) assert.deepStrictEqual(failures, []);
                }),
                RUNS,
            );
        });
    });
});
