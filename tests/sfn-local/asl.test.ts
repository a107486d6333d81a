// The ASL interpreter of sfn-local (tools/sfn-local/asl.ts), pure and table-driven: GIVEN a definition, an
// input and a start time THEN exactly this outcome (status, output, error, cause, duration, trace).
import * as assert from "assert";
import { MAX_TRANSITIONS, RunResult, parsePath, parseTimestamp, runDefinition, wildcardMatch } from "../../tools/sfn-local/asl";

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0); // 2024-01-01T00:00:00Z
const iso = (ms: number) => new Date(ms).toISOString();

type Def = Record<string, unknown>;
const machine = (states: Record<string, unknown>, extra: Def = {}, startAt = Object.keys(states)[0]): string =>
  JSON.stringify({ StartAt: startAt, States: states, ...extra });
/** One state A (End: true unless it ends by its type). */
const one = (state: Def): string => machine({ A: state.Type === "Choice" || state.Type === "Fail" || state.Type === "Succeed" ? state : { End: true, ...state } });
const run = (definition: string, input: unknown = {}, opts = {}): RunResult =>
  runDefinition(definition, JSON.stringify(input), T0, opts);

interface Expect {
  status?: string;
  output?: unknown;
  error?: string;
  cause?: string | RegExp;
  ms?: number;
}

function check(r: RunResult, e: Expect): void {
  if (e.status !== undefined) assert.strictEqual(r.status, e.status, `status; cause: ${r.cause}`);
  if ("output" in e) {
    assert.ok(r.output !== undefined, `an output; got ${r.status} ${r.error}: ${r.cause}`);
    assert.deepStrictEqual(JSON.parse(r.output!), e.output);
  }
  if (e.status && e.status !== "SUCCEEDED") assert.strictEqual(r.output, undefined, "no output unless SUCCEEDED");
  if (e.error !== undefined) assert.strictEqual(r.error, e.error, `error; cause: ${r.cause}`);
  if (typeof e.cause === "string") assert.strictEqual(r.cause, e.cause);
  if (e.cause instanceof RegExp) assert.match(r.cause ?? "", e.cause);
  if (e.ms !== undefined) assert.strictEqual(r.endAt - T0, e.ms, "duration");
}

interface Case extends Expect {
  name: string;
  def: string;
  input?: unknown;
}
const table = (title: string, cases: Case[]) =>
  describe(title, () => {
    for (const c of cases) it(c.name, () => check(run(c.def, c.input ?? {}), c));
  });

const ok = (output: unknown, ms = 0) => ({ status: "SUCCEEDED", output, ms });
const runtimeErr = (cause: string | RegExp) => ({ status: "FAILED", error: "States.Runtime", cause });

describe("sfn-local ASL interpreter (asl.ts)", () => {
  table("Pass: Result, ResultPath, InputPath, OutputPath, Parameters", [
    { name: "no fields: the output is the input", def: one({ Type: "Pass" }), input: { a: 1 }, ...ok({ a: 1 }) },
    { name: "Result replaces the input (ResultPath defaults to $)", def: one({ Type: "Pass", Result: { r: true } }), input: { a: 1 }, ...ok({ r: true }) },
    { name: "ResultPath $.r adds the result to the input", def: one({ Type: "Pass", Result: 7, ResultPath: "$.r" }), input: { a: 1 }, ...ok({ a: 1, r: 7 }) },
    { name: "ResultPath $ is the default", def: one({ Type: "Pass", Result: 7, ResultPath: "$" }), input: { a: 1 }, ...ok(7) },
    { name: "ResultPath null discards the result and keeps the input", def: one({ Type: "Pass", Result: 7, ResultPath: null }), input: { a: 1 }, ...ok({ a: 1 }) },
    { name: "ResultPath builds missing objects ($.x.y.z)", def: one({ Type: "Pass", Result: "v", ResultPath: "$.x.y.z" }), input: { a: 1 }, ...ok({ a: 1, x: { y: { z: "v" } } }) },
    { name: "ResultPath overwrites an existing field", def: one({ Type: "Pass", Result: 2, ResultPath: "$.a" }), input: { a: 1, b: 0 }, ...ok({ a: 2, b: 0 }) },
    { name: "ResultPath into an array element ($.l[1])", def: one({ Type: "Pass", Result: "B", ResultPath: "$.l[1]" }), input: { l: ["a", "b"] }, ...ok({ l: ["a", "B"] }) },
    { name: "ResultPath with bracket notation ($['a b'])", def: one({ Type: "Pass", Result: 1, ResultPath: "$['a b']" }), input: {}, ...ok({ "a b": 1 }) },
    {
      name: "ResultPath into a string input: States.ResultPathMatchFailure",
      def: one({ Type: "Pass", Result: 1, ResultPath: "$.r" }), input: "hello",
      status: "FAILED", error: "States.ResultPathMatchFailure",
      cause: "An error occurred while executing the state 'A' (entered at the event id #2). Unable to apply ReferencePath $.r to input \"hello\"",
    },
    {
      name: "ResultPath through a number: States.ResultPathMatchFailure",
      def: one({ Type: "Pass", Result: 1, ResultPath: "$.a.b" }), input: { a: 5 }, status: "FAILED", error: "States.ResultPathMatchFailure",
    },
    {
      name: "ResultPath past the end of an array: States.ResultPathMatchFailure",
      def: one({ Type: "Pass", Result: 1, ResultPath: "$.l[5]" }), input: { l: [] }, status: "FAILED", error: "States.ResultPathMatchFailure",
    },
    { name: "InputPath selects the effective input", def: one({ Type: "Pass", InputPath: "$.a" }), input: { a: { b: 1 } }, ...ok({ b: 1 }) },
    { name: "InputPath $.a[0] and $.a.b paths", def: one({ Type: "Pass", InputPath: "$.l[1].n" }), input: { l: [{ n: 0 }, { n: 1 }] }, ...ok(1) },
    { name: "InputPath null: the effective input is {}", def: one({ Type: "Pass", InputPath: null }), input: { a: 1 }, ...ok({}) },
    {
      name: "InputPath matching nothing: States.Runtime with AWS's cause",
      def: one({ Type: "Pass", InputPath: "$.missing" }), input: { a: 1 },
      ...runtimeErr("An error occurred while executing the state 'A' (entered at the event id #2). Invalid path '$.missing' : No results for path: $['missing']"),
    },
    {
      name: "an index past the end matches nothing",
      def: one({ Type: "Pass", InputPath: "$.l[3]" }), input: { l: [1] },
      ...runtimeErr(/Invalid path '\$\.l\[3\]' : No results for path: \$\['l'\]\[3\]/),
    },
    { name: "OutputPath selects the output", def: one({ Type: "Pass", Result: { x: { y: 2 } }, OutputPath: "$.x" }), ...ok({ y: 2 }) },
    { name: "OutputPath null: the output is {}", def: one({ Type: "Pass", OutputPath: null }), input: { a: 1 }, ...ok({}) },
    {
      name: "OutputPath matching nothing: States.Runtime",
      def: one({ Type: "Pass", OutputPath: "$.nope" }), ...runtimeErr(/Invalid path '\$\.nope' : No results for path: \$\['nope'\]/),
    },
    {
      name: "Parameters: static fields, key.$ paths ($, $.a.b, $.l[0], $['k k']), nested objects and arrays",
      def: one({
        Type: "Pass",
        Parameters: { fixed: "f", "all.$": "$", "ab.$": "$.a.b", "first.$": "$.l[0]", "odd.$": "$['k k']", nested: { "deep.$": "$.a" }, list: [{ "x.$": "$.a.b" }, 3] },
      }),
      input: { a: { b: 1 }, l: ["z"], "k k": true },
      ...ok({ fixed: "f", all: { a: { b: 1 }, l: ["z"], "k k": true }, ab: 1, first: "z", odd: true, nested: { deep: { b: 1 } }, list: [{ x: 1 }, 3] }),
    },
    {
      name: "Parameters after InputPath; ResultPath puts the result into the raw input; then OutputPath",
      def: one({ Type: "Pass", InputPath: "$.in", Parameters: { "v.$": "$.v" }, ResultPath: "$.out", OutputPath: "$.out" }),
      input: { in: { v: 9 }, other: 1 }, ...ok({ v: 9 }),
    },
    { name: "Result wins over Parameters", def: one({ Type: "Pass", Parameters: { p: 1 }, Result: "r" }), ...ok("r") },
    {
      name: "Parameters: a path matching nothing is States.Runtime with AWS's cause",
      def: one({ Type: "Pass", Parameters: { "x.$": "$.missing" } }), input: { a: 1 },
      ...runtimeErr("An error occurred while executing the state 'A' (entered at the event id #2). The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{\"a\":1}'"),
    },
    {
      name: "Parameters: $$ reads the context object",
      def: one({ Type: "Pass", Parameters: { "start.$": "$$.Execution.StartTime", "state.$": "$$.State.Name", "in.$": "$$.Execution.Input.a" } }),
      input: { a: 4 }, ...ok({ start: iso(T0), state: "A", in: 4 }),
    },
    { name: "Parameters: intrinsic functions are not run", def: one({ Type: "Pass", Parameters: { "x.$": "States.Format('{}', $.a)" } }), ...runtimeErr(/sfn-local does not run intrinsic functions: field 'x\.\$' of Parameters in state 'A' calls States\.Format/) },
    { name: "a wildcard path is beyond the subset: States.Runtime", def: one({ Type: "Pass", InputPath: "$.l[*]" }), input: { l: [1] }, ...runtimeErr(/sfn-local evaluates only simple JSONPath .* InputPath '\$\.l\[\*\]' is not one/) },
    { name: "a filter path is beyond the subset", def: one({ Type: "Pass", Parameters: { "x.$": "$.l[?(@.a)]" } }), ...runtimeErr(/simple JSONPath/) },
    { name: "a deep scan path is beyond the subset", def: one({ Type: "Pass", OutputPath: "$..a" }), ...runtimeErr(/simple JSONPath/) },
    { name: "$ alone and a scalar input", def: one({ Type: "Pass", InputPath: "$" }), input: 42, ...ok(42) },
    { name: "Pass chain via Next", def: machine({ A: { Type: "Pass", Result: 1, ResultPath: "$.a", Next: "B" }, B: { Type: "Pass", Result: 2, ResultPath: "$.b", End: true } }), ...ok({ a: 1, b: 2 }) },
    {
      name: "the event id in a cause counts two events per state",
      def: machine({ A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", InputPath: "$.gone", End: true } }),
      ...runtimeErr(/^An error occurred while executing the state 'B' \(entered at the event id #4\)\./),
    },
  ]);

  table("Succeed and Fail", [
    { name: "Succeed: the output is the input", def: one({ Type: "Succeed" }), input: { a: 1 }, ...ok({ a: 1 }) },
    { name: "Succeed: InputPath and OutputPath", def: one({ Type: "Succeed", InputPath: "$.a", OutputPath: "$.b" }), input: { a: { b: 3 } }, ...ok(3) },
    { name: "Fail: Error and Cause", def: one({ Type: "Fail", Error: "Smoke.Broken", Cause: "the new version is broken" }), status: "FAILED", error: "Smoke.Broken", cause: "the new version is broken" },
    { name: "Fail: ErrorPath and CausePath read the input", def: one({ Type: "Fail", ErrorPath: "$.e", CausePath: "$.c.text" }), input: { e: "E.x", c: { text: "why" } }, status: "FAILED", error: "E.x", cause: "why" },
    { name: "Fail: neither Error nor Cause", def: one({ Type: "Fail" }), status: "FAILED", error: undefined, cause: undefined, ms: 0 },
    { name: "Fail: an ErrorPath that is not a string is States.Runtime", def: one({ Type: "Fail", ErrorPath: "$.e" }), input: { e: 1 }, ...runtimeErr(/The ErrorPath '\$\.e' must resolve to a string, got 1/) },
    { name: "Fail after a Pass", def: machine({ A: { Type: "Pass", Next: "F" }, F: { Type: "Fail", Error: "X" } }), status: "FAILED", error: "X" },
  ]);

  it("Fail: no error and no cause means both are absent", () => {
    const r = run(one({ Type: "Fail" }));
    assert.deepStrictEqual([r.status, "error" in r && r.error, r.cause], ["FAILED", undefined, undefined]);
  });

  describe("Choice: every comparison operator", () => {
    /** A Choice with one rule: output "yes" when it matches, "no" (the Default) when it does not. */
    const choice = (rule: Def, extra: Def = {}) =>
      machine({
        C: { Type: "Choice", Choices: [{ ...rule, Next: "Yes" }], Default: "No", ...extra },
        Yes: { Type: "Pass", Result: "yes", End: true },
        No: { Type: "Pass", Result: "no", End: true },
      });
    const TS = "2024-05-01T12:00:00Z";
    // [operator, value of $.v, operand, matches?]; Path variants compare with $.o.
    const rows: [string, unknown, unknown, boolean][] = [
      ["StringEquals", "abc", "abc", true], ["StringEquals", "abc", "abd", false], ["StringEquals", 1, "1", false],
      ["StringLessThan", "abc", "abd", true], ["StringLessThan", "abd", "abc", false], ["StringLessThan", "a", "a", false],
      ["StringGreaterThan", "b", "a", true], ["StringGreaterThan", "a", "b", false],
      ["StringLessThanEquals", "a", "a", true], ["StringLessThanEquals", "b", "a", false],
      ["StringGreaterThanEquals", "a", "a", true], ["StringGreaterThanEquals", "a", "b", false],
      ["NumericEquals", 3, 3, true], ["NumericEquals", 3, 3.5, false], ["NumericEquals", "3", 3, false],
      ["NumericLessThan", 2, 3, true], ["NumericLessThan", 3, 3, false],
      ["NumericGreaterThan", 4, 3, true], ["NumericGreaterThan", 3, 3, false],
      ["NumericLessThanEquals", 3, 3, true], ["NumericLessThanEquals", 4, 3, false],
      ["NumericGreaterThanEquals", 3, 3, true], ["NumericGreaterThanEquals", -1, 3, false],
      ["BooleanEquals", true, true, true], ["BooleanEquals", false, true, false], ["BooleanEquals", "true", true, false],
      ["TimestampEquals", TS, TS, true], ["TimestampEquals", "2024-05-01T14:00:00+02:00", TS, true], ["TimestampEquals", "2024-05-01", TS, false],
      ["TimestampLessThan", "2024-05-01T11:59:59Z", TS, true], ["TimestampLessThan", TS, TS, false],
      ["TimestampGreaterThan", "2024-05-01T12:00:00.001Z", TS, true], ["TimestampGreaterThan", TS, TS, false],
      ["TimestampLessThanEquals", TS, TS, true], ["TimestampLessThanEquals", "2025-01-01T00:00:00Z", TS, false],
      ["TimestampGreaterThanEquals", TS, TS, true], ["TimestampGreaterThanEquals", "2020-01-01T00:00:00Z", TS, false],
      ["TimestampEquals", "2024-05-01t12:00:00z", TS, false], ["TimestampEquals", 1714564800, TS, false],
      ["StringMatches", "foo23.log", "foo*.log", true], ["StringMatches", "zebra.log", "*.log", true],
      ["StringMatches", "foobar.zebra", "foo*.*", true], ["StringMatches", "foo.txt", "foo*.log", false],
      ["StringMatches", "a*b", "a\\*b", true], ["StringMatches", "axb", "a\\*b", false], ["StringMatches", "a\\b", "a\\\\b", true],
      ["StringMatches", "", "*", true], ["StringMatches", "a.b", "a?b", false], ["StringMatches", 5, "*", false],
    ];
    for (const [op, v, operand, expected] of rows) {
      it(`${op}: ${JSON.stringify(v)} vs ${JSON.stringify(operand)} -> ${expected ? "match" : "no match"}`, () => {
        check(run(choice({ Variable: "$.v", [op]: operand }), { v }), ok(expected ? "yes" : "no"));
      });
      if (op !== "StringMatches") {
        it(`${op}Path: $.v ${JSON.stringify(v)} vs $.o ${JSON.stringify(operand)} -> ${expected ? "match" : "no match"}`, () => {
          check(run(choice({ Variable: "$.v", [`${op}Path`]: "$.o" }), { v, o: operand }), ok(expected ? "yes" : "no"));
        });
      }
    }

    // [test, input, operand, matches?]
    const tests: [string, unknown, boolean, boolean][] = [
      ["IsNull", { v: null }, true, true], ["IsNull", { v: 0 }, true, false], ["IsNull", { v: 0 }, false, true],
      ["IsPresent", { v: null }, true, true], ["IsPresent", {}, true, false], ["IsPresent", {}, false, true], ["IsPresent", { v: 1 }, false, false],
      ["IsNumeric", { v: 1.5 }, true, true], ["IsNumeric", { v: "1" }, true, false], ["IsNumeric", { v: "1" }, false, true],
      ["IsString", { v: "s" }, true, true], ["IsString", { v: 1 }, true, false], ["IsString", { v: null }, false, true],
      ["IsBoolean", { v: false }, true, true], ["IsBoolean", { v: "false" }, true, false],
      ["IsTimestamp", { v: TS }, true, true], ["IsTimestamp", { v: "2024-02-30T00:00:00Z" }, true, false],
      ["IsTimestamp", { v: "yesterday" }, true, false], ["IsTimestamp", { v: "yesterday" }, false, true],
      ["IsNumeric", {}, true, false], ["IsNull", {}, false, false],
    ];
    for (const [op, input, operand, expected] of tests) {
      it(`${op}: ${operand} on ${JSON.stringify(input)} -> ${expected ? "match" : "no match"}`, () => {
        check(run(choice({ Variable: "$.v", [op]: operand }), input), ok(expected ? "yes" : "no"));
      });
    }

    const cases: Case[] = [
      { name: "And: all must match", def: choice({ And: [{ Variable: "$.a", NumericGreaterThan: 1 }, { Variable: "$.b", StringEquals: "x" }] }), input: { a: 2, b: "x" }, ...ok("yes") },
      { name: "And: one fails", def: choice({ And: [{ Variable: "$.a", NumericGreaterThan: 1 }, { Variable: "$.b", StringEquals: "x" }] }), input: { a: 2, b: "y" }, ...ok("no") },
      { name: "Or: one is enough", def: choice({ Or: [{ Variable: "$.a", NumericEquals: 1 }, { Variable: "$.a", NumericEquals: 2 }] }), input: { a: 2 }, ...ok("yes") },
      { name: "Or: none", def: choice({ Or: [{ Variable: "$.a", NumericEquals: 1 }, { Variable: "$.a", NumericEquals: 2 }] }), input: { a: 3 }, ...ok("no") },
      { name: "Not", def: choice({ Not: { Variable: "$.a", StringEquals: "x" } }), input: { a: "y" }, ...ok("yes") },
      { name: "nested And / Or / Not", def: choice({ And: [{ Not: { Variable: "$.a", IsNull: true } }, { Or: [{ Variable: "$.a", StringMatches: "x*" }, { Variable: "$.a", StringEquals: "q" }] }] }), input: { a: "xy" }, ...ok("yes") },
      { name: "IsPresent guards a missing field in And", def: choice({ And: [{ Variable: "$.a", IsPresent: true }, { Variable: "$.a", NumericEquals: 1 }] }), input: {}, ...ok("no") },
      { name: "Variable $ (the whole input)", def: choice({ Variable: "$", StringEquals: "No messages" }), input: "No messages", ...ok("yes") },
      { name: "Variable into an array", def: choice({ Variable: "$.l[1]", NumericEquals: 7 }), input: { l: [0, 7] }, ...ok("yes") },
      { name: "Variable on the context object", def: choice({ Variable: "$$.State.Name", StringEquals: "C" }), ...ok("yes") },
      { name: "InputPath applies before the rules", def: choice({ Variable: "$.v", NumericEquals: 1 }, { InputPath: "$.in" }), input: { in: { v: 1 } }, ...ok("yes") },
      {
        name: "a comparison on a missing Variable is States.Runtime (AWS)",
        def: choice({ Variable: "$.gone", StringEquals: "x" }), input: {},
        ...runtimeErr("An error occurred while executing the state 'C' (entered at the event id #2). Invalid path '$.gone': The choice state's condition path references an invalid value."),
      },
      { name: "a ...Path operand matching nothing is States.Runtime", def: choice({ Variable: "$.v", NumericEqualsPath: "$.gone" }), input: { v: 1 }, ...runtimeErr(/Invalid path '\$\.gone': The choice state's condition path references an invalid value\./) },
      {
        name: "the first matching rule wins",
        def: machine({
          C: { Type: "Choice", Choices: [{ Variable: "$.a", NumericGreaterThan: 0, Next: "One" }, { Variable: "$.a", NumericGreaterThan: 1, Next: "Two" }] },
          One: { Type: "Pass", Result: 1, End: true }, Two: { Type: "Pass", Result: 2, End: true },
        }),
        input: { a: 5 }, ...ok(1),
      },
      {
        name: "no rule matches and no Default: States.NoChoiceMatched",
        def: machine({ C: { Type: "Choice", Choices: [{ Variable: "$.a", NumericEquals: 1, Next: "D" }] }, D: { Type: "Succeed" } }),
        input: { a: 2 }, status: "FAILED", error: "States.NoChoiceMatched", cause: /^An error occurred while executing the state 'C' \(entered at the event id #2\)\. No Choice Rules matched/,
      },
      {
        name: "OutputPath of a Choice shapes what the next state gets",
        def: machine({ C: { Type: "Choice", Choices: [{ Variable: "$.a", NumericEquals: 1, Next: "D" }], OutputPath: "$.b" }, D: { Type: "Succeed" } }),
        input: { a: 1, b: { c: 2 } }, ...ok({ c: 2 }),
      },
      { name: "JSONata Condition is not run", def: choice({ Condition: "{% true %}" }), ...runtimeErr(/sfn-local does not run JSONata/) },
    ];
    for (const c of cases) it(c.name, () => check(run(c.def, c.input ?? {}), c));
  });

  describe("Wait: the run's virtual clock", () => {
    const wait = (w: Def, extra: Def = {}) => machine({ W: { Type: "Wait", Next: "Done", ...w }, Done: { Type: "Succeed" } }, extra);
    table("Seconds, SecondsPath, Timestamp, TimestampPath, TimeoutSeconds", [
      { name: "Seconds: 5 s", def: wait({ Seconds: 5 }), input: { a: 1 }, ...ok({ a: 1 }, 5000) },
      { name: "Seconds: 0", def: wait({ Seconds: 0 }), ...ok({}, 0) },
      { name: "SecondsPath", def: wait({ SecondsPath: "$.s" }), input: { s: 3 }, ...ok({ s: 3 }, 3000) },
      { name: "SecondsPath not an integer: States.Runtime", def: wait({ SecondsPath: "$.s" }), input: { s: 1.5 }, ...runtimeErr(/SecondsPath '\$\.s' must be an integer from 0 to 99999999, got 1\.5/) },
      { name: "SecondsPath negative: States.Runtime", def: wait({ SecondsPath: "$.s" }), input: { s: -1 }, ...runtimeErr(/must be an integer/) },
      { name: "SecondsPath matching nothing: States.Runtime", def: wait({ SecondsPath: "$.s" }), ...runtimeErr(/Invalid path '\$\.s' : No results for path: \$\['s'\]/) },
      { name: "Timestamp in the future", def: wait({ Timestamp: "2024-01-01T00:00:10Z" }), ...ok({}, 10_000) },
      { name: "Timestamp with an offset", def: wait({ Timestamp: "2024-01-01T01:00:02+01:00" }), ...ok({}, 2000) },
      { name: "Timestamp in the past does not wait", def: wait({ Timestamp: "2023-01-01T00:00:00Z" }), ...ok({}, 0) },
      { name: "TimestampPath", def: wait({ TimestampPath: "$.t" }), input: { t: "2024-01-01T00:00:01.500Z" }, ...ok({ t: "2024-01-01T00:00:01.500Z" }, 1500) },
      { name: "TimestampPath not a timestamp: States.Runtime", def: wait({ TimestampPath: "$.t" }), input: { t: "soon" }, ...runtimeErr(/TimestampPath '\$\.t' must be an ISO-8601 timestamp/) },
      { name: "InputPath and OutputPath on a Wait", def: wait({ Seconds: 1, InputPath: "$.a", OutputPath: "$.b" }), input: { a: { b: 2 } }, ...ok(2, 1000) },
      { name: "waits add up", def: machine({ A: { Type: "Wait", Seconds: 2, Next: "B" }, B: { Type: "Wait", Seconds: 3, End: true } }), ...ok({}, 5000) },
      {
        name: "TimeoutSeconds exceeded: TIMED_OUT with States.Timeout at start + TimeoutSeconds",
        def: wait({ Seconds: 10 }, { TimeoutSeconds: 4 }), status: "TIMED_OUT", error: "States.Timeout", ms: 4000,
      },
      { name: "TimeoutSeconds not exceeded", def: wait({ Seconds: 4 }, { TimeoutSeconds: 4 }), ...ok({}, 4000) },
      { name: "a Fail after a Wait stops at the Wait's end", def: machine({ W: { Type: "Wait", Seconds: 2, Next: "F" }, F: { Type: "Fail", Error: "Late" } }), status: "FAILED", error: "Late", ms: 2000 },
      { name: "a Wait needs exactly one way to wait", def: wait({ Seconds: 1, Timestamp: "2024-01-01T00:00:10Z" }), ...runtimeErr(/exactly one of Seconds, SecondsPath, Timestamp, TimestampPath/) },
    ]);

    it("traces each state with the time it was entered", () => {
      const r = run(machine({ A: { Type: "Pass", Next: "W" }, W: { Type: "Wait", Seconds: 2, Next: "B" }, B: { Type: "Pass", End: true } }));
      assert.deepStrictEqual(r.trace, [{ state: "A", enteredAt: T0 }, { state: "W", enteredAt: T0 }, { state: "B", enteredAt: T0 + 2000 }]);
    });

    it("a Wait past the 1-year execution limit times out", () => {
      const r = run(wait({ Timestamp: "2026-01-01T00:00:00Z" }));
      assert.deepStrictEqual([r.status, r.error, r.endAt - T0], ["TIMED_OUT", "States.Timeout", 365 * 24 * 3600 * 1000]);
    });
  });

  describe("loops and limits", () => {
    it("a Wait / Choice loop ends when the clock passes a time (6 rounds of 10 s)", () => {
      const def = machine({
        W: { Type: "Wait", Seconds: 10, Next: "C" },
        C: { Type: "Choice", Choices: [{ Variable: "$$.State.EnteredTime", TimestampGreaterThanEquals: "2024-01-01T00:01:00Z", Next: "Done" }], Default: "W" },
        Done: { Type: "Succeed" },
      });
      const r = run(def, { k: 1 });
      check(r, ok({ k: 1 }, 60_000));
      assert.strictEqual(r.trace.filter((t) => t.state === "W").length, 6);
    });

    it(`an endless Pass loop fails with States.Runtime after ${MAX_TRANSITIONS} transitions`, () => {
      const r = run(machine({ A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Next: "A" } }));
      check(r, runtimeErr(`sfn-local stopped the execution after ${MAX_TRANSITIONS} state transitions, about to enter 'A' (an endless loop? AWS fails an execution whose history exceeds 25,000 events)`));
      assert.strictEqual(r.trace.length, MAX_TRANSITIONS);
    });

    it("an endless Choice loop with waits is stopped too, at the time it reached", () => {
      const r = run(machine({ C: { Type: "Choice", Choices: [{ Variable: "$.a", IsPresent: false, Next: "W" }] }, W: { Type: "Wait", Seconds: 1, Next: "C" } }), {}, { maxTransitions: 10 });
      check(r, { status: "FAILED", error: "States.Runtime", cause: /after 10 state transitions/, ms: 5000 });
    });

    it("a state output over 256 KiB is States.DataLimitExceeded", () => {
      const r = run(one({ Type: "Pass" }), { big: "x".repeat(262_144) });
      assert.deepStrictEqual([r.status, r.error], ["FAILED", "States.DataLimitExceeded"]);
    });

    it("is deterministic: the same definition, input and start give the same run", () => {
      const def = machine({ W: { Type: "Wait", SecondsPath: "$.s", Next: "P" }, P: { Type: "Pass", Parameters: { "t.$": "$$.State.EnteredTime" }, End: true } });
      assert.deepStrictEqual(run(def, { s: 3 }), run(def, { s: 3 }));
      check(run(def, { s: 3 }), ok({ t: iso(T0 + 3000) }, 3000));
    });
  });

  table("what sfn-local does not run: States.Runtime naming the state", [
    { name: "Task", def: machine({ P: { Type: "Pass", Next: "T" }, T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } }), ...runtimeErr("sfn-local does not run Task states: state 'T' is of Type \"Task\" (sfn-local runs Pass, Choice, Wait, Succeed and Fail only)") },
    { name: "Parallel", def: one({ Type: "Parallel", Branches: [] }), ...runtimeErr(/^sfn-local does not run Parallel states: state 'A'/) },
    { name: "Map", def: one({ Type: "Map", ItemProcessor: {} }), ...runtimeErr(/^sfn-local does not run Map states: state 'A'/) },
    { name: "an unknown Type", def: one({ Type: "Sleep" }), ...runtimeErr(/^sfn-local does not run states of Type "Sleep": state 'A'/) },
    { name: "JSONata at the top level", def: machine({ A: { Type: "Pass", End: true } }, { QueryLanguage: "JSONata" }), ...runtimeErr(/sfn-local does not run JSONata/) },
    { name: "JSONata in a state", def: one({ Type: "Pass", QueryLanguage: "JSONata" }), ...runtimeErr(/sfn-local does not run JSONata: state 'A'/) },
    { name: "variables (Assign)", def: one({ Type: "Pass", Assign: { x: 1 } }), ...runtimeErr(/sfn-local does not run variables: state 'A' has Assign/) },
    { name: "a Next that is not a state", def: machine({ A: { Type: "Pass", Next: "Nowhere" } }), ...runtimeErr(/state 'A' names 'Nowhere', which is not a state/) },
    { name: "neither Next nor End", def: machine({ A: { Type: "Pass" } }), ...runtimeErr(/neither Next nor End/) },
    { name: "a state reached after time passed still fails at that time", def: machine({ W: { Type: "Wait", Seconds: 1, Next: "T" }, T: { Type: "Task", End: true } }), status: "FAILED", error: "States.Runtime", ms: 1000 },
  ]);

  describe("helpers", () => {
    it("parsePath: the subset, and what is beyond it", () => {
      assert.deepStrictEqual(parsePath("$"), []);
      assert.deepStrictEqual(parsePath("$.a.b"), [{ key: "a" }, { key: "b" }]);
      assert.deepStrictEqual(parsePath("$.a[0]"), [{ key: "a" }, { index: 0 }]);
      assert.deepStrictEqual(parsePath("$['a.b']"), [{ key: "a.b" }]);
      assert.deepStrictEqual(parsePath('$["x"][2]'), [{ key: "x" }, { index: 2 }]);
      for (const bad of ["a", "$.", "$..a", "$.a[*]", "$.*", "$[-1]", "$[0:2]", "$.a[?(@.b)]", "$x", "$['a'"]) {
        assert.strictEqual(parsePath(bad), undefined, bad);
      }
    });
    it("parseTimestamp: uppercase T and Z, offsets, fractions; real calendar days", () => {
      assert.strictEqual(parseTimestamp("2016-03-14T01:59:00Z"), Date.UTC(2016, 2, 14, 1, 59));
      assert.strictEqual(parseTimestamp("2016-03-14T01:59:00.25-01:00"), Date.UTC(2016, 2, 14, 2, 59, 0, 250));
      for (const bad of ["2016-03-14 01:59:00Z", "2016-03-14T01:59:00", "2016-03-14t01:59:00z", "2016-02-30T00:00:00Z", "2016-13-01T00:00:00Z", 5]) {
        assert.strictEqual(parseTimestamp(bad), undefined, String(bad));
      }
    });
    it("wildcardMatch: only * is special (\\* and \\\\ escaped)", () => {
      assert.ok(wildcardMatch("a*c", "abbbc"));
      assert.ok(wildcardMatch("a.c", "a.c"));
      assert.ok(!wildcardMatch("a.c", "abc"));
      assert.ok(wildcardMatch("(x)+[y]", "(x)+[y]"));
      assert.ok(wildcardMatch("\\**", "*star"));
      assert.ok(!wildcardMatch("\\**", "star"));
    });
  });
});
