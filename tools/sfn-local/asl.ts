// A pure Amazon States Language interpreter for sfn-local: a definition, an input and a start time in, the
// whole run out (a trace of the states entered, when, and the outcome at start + total wait). No clock, no
// I/O: Wait states advance a virtual clock, and the store reports the outcome once the real clock gets there.
//
// Rules cite the Amazon States Language specification (https://states-language.net/spec.html, "ASL §<section>")
// and the AWS Step Functions developer guide (https://docs.aws.amazon.com/step-functions/latest/dg/, "DG: <page>").
// Runs: Pass, Choice, Wait, Succeed, Fail, with JSONPath input/output processing (a simple path subset).
// Does not run: Task, Parallel, Map, JSONata, intrinsic functions, variables (Assign): the run FAILS with
// States.Runtime and a cause saying so, so a test notices at once.

export type RunStatus = "SUCCEEDED" | "FAILED" | "TIMED_OUT";

export interface TraceEntry {
  readonly state: string;
  /** Epoch ms at which the state was entered. */
  readonly enteredAt: number;
}

export interface RunResult {
  readonly status: RunStatus;
  /** JSON text of the final state's output (SUCCEEDED only). */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** Epoch ms at which the run ends (start + total wait, or the timeout). */
  readonly endAt: number;
  readonly trace: readonly TraceEntry[];
}

/** What the context object ($$) knows about the execution (DG: "Accessing execution data from the Context object"). */
export interface RunContext {
  readonly executionArn?: string;
  readonly executionName?: string;
  readonly roleArn?: string;
  readonly stateMachineArn?: string;
  readonly stateMachineName?: string;
}

export interface RunOptions {
  /** State transitions after which the run fails (an endless Pass/Choice loop). @default MAX_TRANSITIONS */
  readonly maxTransitions?: number;
  readonly context?: RunContext;
}

/**
 * AWS caps a Standard execution's history at 25,000 events (DG: "Step Functions service quotas", "Execution
 * history"); each state entered adds about two (entered, exited), so 10,000 transitions stays inside it.
 */
export const MAX_TRANSITIONS = 10_000;
/** DG: "Step Functions service quotas": a Standard execution runs at most 1 year, then fails with States.Timeout. */
export const MAX_EXECUTION_SECONDS = 365 * 24 * 3600;
/** DG: "Wait workflow state": Seconds is an integer from 0 to 99999999. */
export const MAX_WAIT_SECONDS = 99_999_999;
/** DG: "Step Functions service quotas": 256 KiB of state input/output (States.DataLimitExceeded). */
export const MAX_PAYLOAD_CHARS = 262_144;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A failure of the run: an ASL error name and a cause (ASL §"Errors"). */
class RunError {
  constructor(readonly error: string, readonly cause: string) {}
}
const runtime = (cause: string) => new RunError("States.Runtime", cause);

const isObject = (v: unknown): v is { [k: string]: Json } => typeof v === "object" && v !== null && !Array.isArray(v);

// ---- paths ---------------------------------------------------------------------------------------------

type Segment = { key: string } | { index: number };

/** The Reference Path syntax (ASL §"Reference Paths"): $, .name, ['name'] / ["name"], [N]. */
export function parsePath(path: string): Segment[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const segs: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      let j = i + 1;
      while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
      const key = path.slice(i + 1, j);
      // Wildcards, deep scans (..) and empty names are JsonPath beyond the subset sfn-local evaluates.
      if (key === "" || key.includes("*") || /\s/.test(key) || key.includes("]")) return undefined;
      segs.push({ key });
      i = j;
    } else if (c === "[") {
      const rest = path.slice(i);
      const quoted = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(rest);
      const index = /^\[(\d+)\]/.exec(rest);
      if (quoted) {
        segs.push({ key: (quoted[1] ?? quoted[2]).replace(/\\(.)/g, "$1") });
        i += quoted[0].length;
      } else if (index) {
        segs.push({ index: Number(index[1]) });
        i += index[0].length;
      } else {
        return undefined; // filters, slices, unions, negative indexes
      }
    } else {
      return undefined;
    }
  }
  return segs;
}

/** Renders a path the way AWS's JsonPath quotes it in causes: $['a'][0]. */
const canonical = (segs: Segment[]) => "$" + segs.map((s) => ("key" in s ? `['${s.key}']` : `[${s.index}]`)).join("");

function unsupportedPath(where: string, path: string): RunError {
  return runtime(`sfn-local evaluates only simple JSONPath ($, $.a.b, $.a[0], $['a']); ${where} '${path}' is not one ` +
    "(wildcards, filters, slices, variables and intrinsic functions are not run)");
}

/** Selects one node; `undefined` when the path matches nothing (ASL §"Paths"). */
function select(doc: Json, segs: Segment[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const s of segs) {
    if ("key" in s) {
      if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, s.key)) return undefined;
      cur = cur[s.key];
    } else {
      if (!Array.isArray(cur) || s.index >= cur.length) return undefined;
      cur = cur[s.index];
    }
  }
  return cur;
}

// ---- timestamps ----------------------------------------------------------------------------------------

/**
 * ASL §"Timestamps": RFC3339 profile of ISO 8601, uppercase T between date and time, uppercase Z when no
 * numeric offset is present (e.g. 2016-03-14T01:59:00Z).
 */
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = TIMESTAMP_RE.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2023-02-30 over to March: refuse days the month does not have.
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return undefined;
  return ms;
}

// ---- the interpreter -----------------------------------------------------------------------------------

const RUNNABLE = ["Pass", "Choice", "Wait", "Succeed", "Fail"];
const KNOWN_TYPES = ["Task", "Parallel", "Map", ...RUNNABLE];

/** ASL §"Choice State": the comparison operators, by the type of value they compare. */
const COMPARISONS: Record<string, { type: "string" | "numeric" | "boolean" | "timestamp"; op: string }> = {};
for (const [prefix, type] of [["String", "string"], ["Numeric", "numeric"], ["Boolean", "boolean"], ["Timestamp", "timestamp"]] as const) {
  const ops = type === "boolean" ? ["Equals"] : ["Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"];
  for (const op of ops) {
    COMPARISONS[`${prefix}${op}`] = { type, op };
    COMPARISONS[`${prefix}${op}Path`] = { type, op };
  }
}
const TYPE_TESTS = ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"];

class Run {
  private readonly states: Record<string, any>;
  private now: number;
  private events = 1; // event #1 is ExecutionStarted
  private enteredEvent = 0;
  private stateName = "";
  private enteredAt = 0;
  readonly trace: TraceEntry[] = [];

  constructor(private readonly doc: any, private readonly input: Json, private readonly start: number, private readonly ctx: RunContext) {
    this.states = doc.States;
    this.now = start;
  }

  /** The prefix AWS puts on a state's runtime error causes. */
  private at(): string {
    return `An error occurred while executing the state '${this.stateName}' (entered at the event id #${this.enteredEvent}).`;
  }

  private contextObject(): Json {
    // DG: "Accessing execution data from the Context object" (the fields sfn-local knows).
    const c = this.ctx;
    const o: { [k: string]: Json } = {
      Execution: {
        ...(c.executionArn ? { Id: c.executionArn } : {}),
        Input: this.input,
        ...(c.executionName ? { Name: c.executionName } : {}),
        ...(c.roleArn ? { RoleArn: c.roleArn } : {}),
        StartTime: new Date(this.start).toISOString(),
        RedriveCount: 0,
      },
      State: { Name: this.stateName, EnteredTime: new Date(this.enteredAt).toISOString(), RetryCount: 0 },
      StateMachine: { ...(c.stateMachineArn ? { Id: c.stateMachineArn } : {}), ...(c.stateMachineName ? { Name: c.stateMachineName } : {}) },
    };
    return o;
  }

  /** InputPath / OutputPath (ASL §"InputPath, Parameters, ResultSelector, ResultPath and OutputPath"). */
  private filter(field: "InputPath" | "OutputPath", state: any, value: Json): Json {
    if (!(field in state)) return value; // default "$"
    const path = state[field];
    // ASL: "If the value of InputPath is null, ... the effective input for the state is an empty JSON object";
    // the same for OutputPath and the output.
    if (path === null) return {};
    if (typeof path !== "string") throw runtime(`${this.at()} ${field} must be a path string (AWS refuses this definition)`);
    const segs = parsePath(path);
    if (!segs) throw unsupportedPath(field, path);
    const v = select(value, segs);
    // DG: "Input and output processing": a path matching nothing fails the state with States.Runtime.
    if (v === undefined) throw runtime(`${this.at()} Invalid path '${path}' : No results for path: ${canonical(segs)}`);
    return v;
  }

  /** ASL §"Payload Template": fields ending in ".$" take the value a path selects ($ input, $$ context). */
  private payload(template: Json, input: Json, field: string): Json {
    if (Array.isArray(template)) return template.map((t) => this.payload(t, input, field));
    if (!isObject(template)) return template;
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(template)) {
      if (!k.endsWith(".$")) {
        out[k] = this.payload(v, input, field);
        continue;
      }
      const name = k.slice(0, -2);
      if (typeof v !== "string") {
        throw runtime(`${this.at()} The value of the field '${k}' of ${field} must be a path string (AWS refuses this definition)`);
      }
      if (/^States\.[A-Za-z]+\(/.test(v)) {
        throw runtime(`sfn-local does not run intrinsic functions: field '${k}' of ${field} in state '${this.stateName}' calls ${v.slice(0, v.indexOf("("))}`);
      }
      // ASL: a value beginning "$$" is a path into the context object, else a path into the input.
      const onContext = v.startsWith("$$");
      const path = onContext ? v.slice(1) : v;
      const segs = parsePath(path);
      if (!segs) throw unsupportedPath(`the field '${k}' of ${field}`, v);
      const picked = select(onContext ? this.contextObject() : input, segs);
      if (picked === undefined) {
        throw runtime(`${this.at()} The JSONPath '${v}' specified for the field '${k}' could not be found in the input '${JSON.stringify(onContext ? this.contextObject() : input)}'`);
      }
      out[name] = picked;
    }
    return out;
  }

  /** ASL §"ResultPath": where the result goes in the raw input; null discards it (the raw input is kept). */
  private applyResultPath(state: any, rawInput: Json, result: Json): Json {
    if (!("ResultPath" in state)) return result; // default "$": the result replaces the input
    const path = state.ResultPath;
    if (path === null) return rawInput;
    if (typeof path !== "string") throw runtime(`${this.at()} ResultPath must be a path string (AWS refuses this definition)`);
    const segs = parsePath(path);
    if (!segs) throw unsupportedPath("ResultPath", path);
    if (segs.length === 0) return result;
    const fail = () =>
      new RunError("States.ResultPathMatchFailure", `${this.at()} Unable to apply ReferencePath ${path} to input ${JSON.stringify(rawInput)}`);
    // ASL §"ResultPath": the interpreter builds the structure the path names; if the input is not an object
    // where the path needs one, the state fails with States.ResultPathMatchFailure.
    const root: Json = structuredClone(rawInput);
    let cur: Json = root;
    segs.forEach((s, i) => {
      const last = i === segs.length - 1;
      if ("key" in s) {
        if (!isObject(cur)) throw fail();
        if (last) cur[s.key] = result;
        else {
          if (!(s.key in cur) || cur[s.key] === null) cur[s.key] = {};
          cur = cur[s.key];
        }
      } else {
        if (!Array.isArray(cur) || s.index >= cur.length) throw fail();
        if (last) cur[s.index] = result;
        else cur = cur[s.index];
      }
    });
    return root;
  }

  private checkSize(what: string, value: Json): void {
    const size = JSON.stringify(value).length;
    // DG: "Step Functions service quotas" / ASL §"Errors" (States.DataLimitExceeded).
    if (size > MAX_PAYLOAD_CHARS) {
      throw new RunError("States.DataLimitExceeded", `The state/task '${this.stateName}' returned a result with a size exceeding the maximum number of bytes service limit (${what}: ${size} characters)`);
    }
  }

  /** The next state of a state with Next / End (ASL §"Transitions"); undefined = End. */
  private next(state: any): string | undefined {
    if (state.End === true) return undefined;
    if (typeof state.Next === "string") return state.Next;
    throw runtime(`${this.at()} The state has neither Next nor End: true (AWS refuses this definition at CreateStateMachine)`);
  }

  // ---- Choice ------------------------------------------------------------------------------------------

  private variable(rule: any, input: Json): Json | undefined {
    if (typeof rule.Variable !== "string") {
      throw runtime(`${this.at()} A Choice rule has no Variable (AWS refuses this definition at CreateStateMachine)`);
    }
    return this.refPath(rule.Variable, input, "Variable");
  }

  /** A Reference Path in a Choice rule ($ input, $$ context); undefined when it matches nothing. */
  private refPath(path: string, input: Json, field: string): Json | undefined {
    const onContext = path.startsWith("$$");
    const segs = parsePath(onContext ? path.slice(1) : path);
    if (!segs) throw unsupportedPath(`the Choice field ${field}`, path);
    return select(onContext ? this.contextObject() : input, segs);
  }

  /** ASL §"Choice Rules": a Boolean expression over the state's effective input (And, Or, Not, comparisons). */
  private matches(rule: any, input: Json): boolean {
    if (!isObject(rule)) throw runtime(`${this.at()} A Choice rule must be an object`);
    if (Array.isArray(rule.And)) return rule.And.every((r: any) => this.matches(r, input));
    if (Array.isArray(rule.Or)) return rule.Or.some((r: any) => this.matches(r, input));
    if ("Not" in rule) return !this.matches(rule.Not, input);
    if ("Condition" in rule) {
      throw runtime(`sfn-local does not run JSONata: the Choice state '${this.stateName}' has a Condition`);
    }
    const opName = Object.keys(rule).find((k) => k in COMPARISONS || k === "StringMatches" || TYPE_TESTS.includes(k));
    if (!opName) {
      throw runtime(`${this.at()} A Choice rule has no comparison operator (AWS refuses this definition at CreateStateMachine)`);
    }
    const operand = rule[opName];
    if (TYPE_TESTS.includes(opName)) {
      // ASL §"Choice Rules": IsNull, IsPresent, IsNumeric, IsString, IsBoolean, IsTimestamp take true or false.
      if (typeof operand !== "boolean") throw runtime(`${this.at()} ${opName} must be true or false (AWS refuses this definition)`);
      const v = this.variable(rule, input);
      let is: boolean;
      switch (opName) {
        case "IsPresent": is = v !== undefined; break;
        case "IsNull": is = v === null; break;
        case "IsNumeric": is = typeof v === "number"; break;
        case "IsString": is = typeof v === "string"; break;
        case "IsBoolean": is = typeof v === "boolean"; break;
        default: is = parseTimestamp(v) !== undefined; break;
      }
      // A type test on a missing field is false whatever it asks (IsPresent: false is how to match one).
      return opName === "IsPresent" ? is === operand : v !== undefined && is === operand;
    }
    const v = this.variable(rule, input);
    // AWS fails the execution when a comparison's Variable matches nothing (guard with IsPresent first).
    if (v === undefined) {
      throw runtime(`${this.at()} Invalid path '${rule.Variable}': The choice state's condition path references an invalid value.`);
    }
    if (opName === "StringMatches") {
      if (typeof operand !== "string") throw runtime(`${this.at()} StringMatches must be a string (AWS refuses this definition)`);
      return typeof v === "string" && wildcardMatch(operand, v);
    }
    let other: Json | undefined = operand;
    if (opName.endsWith("Path")) {
      // ASL §"Choice Rules": a ...Path operator compares with the value its path selects from the input.
      if (typeof operand !== "string") throw runtime(`${this.at()} ${opName} must be a path string (AWS refuses this definition)`);
      other = this.refPath(operand, input, opName);
      if (other === undefined) {
        throw runtime(`${this.at()} Invalid path '${operand}': The choice state's condition path references an invalid value.`);
      }
    }
    const { type, op } = COMPARISONS[opName];
    return compare(type, op, v, other as Json);
  }

  private choose(state: any, input: Json): string {
    if (!Array.isArray(state.Choices) || state.Choices.length === 0) {
      throw runtime(`${this.at()} The Choice state has no Choices (AWS refuses this definition at CreateStateMachine)`);
    }
    // ASL §"Choice State": the rules are tried in order; the first that matches names the next state.
    for (const rule of state.Choices) {
      if (this.matches(rule, input)) {
        if (typeof rule.Next !== "string") {
          throw runtime(`${this.at()} A top-level Choice rule has no Next (AWS refuses this definition at CreateStateMachine)`);
        }
        return rule.Next;
      }
    }
    if (typeof state.Default === "string") return state.Default;
    // ASL §"Errors": States.NoChoiceMatched when no rule matches and there is no Default.
    throw new RunError("States.NoChoiceMatched", `${this.at()} No Choice Rules matched and no Default was specified.`);
  }

  // ---- Wait --------------------------------------------------------------------------------------------

  /** ASL §"Wait State": exactly one of Seconds, SecondsPath, Timestamp, TimestampPath. Returns the end (ms). */
  private waitUntil(state: any, input: Json): number {
    const fields = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"].filter((f) => f in state);
    if (fields.length !== 1) {
      throw runtime(`${this.at()} A Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath (AWS refuses this definition at CreateStateMachine)`);
    }
    const seconds = (v: unknown, what: string): number => {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_WAIT_SECONDS) {
        throw runtime(`${this.at()} ${what} must be an integer from 0 to ${MAX_WAIT_SECONDS}, got ${JSON.stringify(v)}`);
      }
      return this.now + v * 1000;
    };
    const stamp = (v: unknown, what: string): number => {
      const t = parseTimestamp(v);
      if (t === undefined) throw runtime(`${this.at()} ${what} must be an ISO-8601 timestamp such as 2016-03-14T01:59:00Z, got ${JSON.stringify(v)}`);
      return Math.max(this.now, t); // a time in the past does not wait
    };
    const pathValue = (field: string): Json => {
      const path = state[field];
      if (typeof path !== "string") throw runtime(`${this.at()} ${field} must be a path string (AWS refuses this definition)`);
      const segs = parsePath(path);
      if (!segs) throw unsupportedPath(field, path);
      const v = select(input, segs);
      if (v === undefined) throw runtime(`${this.at()} Invalid path '${path}' : No results for path: ${canonical(segs)}`);
      return v;
    };
    switch (fields[0]) {
      case "Seconds": return seconds(state.Seconds, "Seconds");
      case "SecondsPath": return seconds(pathValue("SecondsPath"), `The value of SecondsPath '${state.SecondsPath}'`);
      case "Timestamp": return stamp(state.Timestamp, "Timestamp");
      default: return stamp(pathValue("TimestampPath"), `The value of TimestampPath '${state.TimestampPath}'`);
    }
  }

  // ---- the loop ----------------------------------------------------------------------------------------

  /** Runs to the end; `deadline` is the epoch ms at which the execution times out. */
  run(maxTransitions: number, deadline: number): RunResult {
    let name: string = this.doc.StartAt;
    let value: Json = this.input;
    const done = (r: Omit<RunResult, "trace">): RunResult => ({ ...r, trace: this.trace });
    const timedOut = (): RunResult => done({
      status: "TIMED_OUT", error: "States.Timeout",
      cause: `The execution ran longer than its TimeoutSeconds (${(deadline - this.start) / 1000} s)`,
      endAt: deadline,
    });
    try {
      for (;;) {
        if (this.trace.length >= maxTransitions) {
          throw runtime(`sfn-local stopped the execution after ${maxTransitions} state transitions, about to enter '${name}' ` +
            "(an endless loop? AWS fails an execution whose history exceeds 25,000 events)");
        }
        const state: any = this.states[name];
        if (!isObject(state)) {
          const from = this.stateName ? `state '${this.stateName}' names '${name}'` : `StartAt names '${name}'`;
          throw runtime(`sfn-local: ${from}, which is not a state of the definition (AWS refuses this definition at CreateStateMachine)`);
        }
        this.stateName = name;
        this.enteredAt = this.now;
        this.enteredEvent = ++this.events;
        this.trace.push({ state: name, enteredAt: this.now });
        const type = state.Type;
        if (state.QueryLanguage === "JSONata") {
          throw runtime(`sfn-local does not run JSONata: state '${name}' has QueryLanguage JSONata`);
        }
        if (typeof type !== "string" || !RUNNABLE.includes(type)) {
          const what = typeof type === "string" && KNOWN_TYPES.includes(type) ? `${type} states` : `states of Type ${JSON.stringify(type)}`;
          throw runtime(`sfn-local does not run ${what}: state '${name}' is of Type ${JSON.stringify(type)} (sfn-local runs Pass, Choice, Wait, Succeed and Fail only)`);
        }
        if ("Assign" in state) throw runtime(`sfn-local does not run variables: state '${name}' has Assign`);

        if (type === "Fail") {
          // ASL §"Fail State": Error and Cause, or ErrorPath and CausePath into the state's input; no I/O processing.
          const pick = (field: "Error" | "Cause"): string | undefined => {
            const pathField = `${field}Path`;
            if (pathField in state) {
              const path = state[pathField];
              if (typeof path !== "string") throw runtime(`${this.at()} ${pathField} must be a path string (AWS refuses this definition)`);
              if (/^States\.[A-Za-z]+\(/.test(path)) {
                throw runtime(`sfn-local does not run intrinsic functions: ${pathField} of state '${name}' calls ${path.slice(0, path.indexOf("("))}`);
              }
              const onContext = path.startsWith("$$");
              const segs = parsePath(onContext ? path.slice(1) : path);
              if (!segs) throw unsupportedPath(pathField, path);
              const v = select(onContext ? this.contextObject() : value, segs);
              if (typeof v !== "string") {
                throw runtime(`${this.at()} The ${pathField} '${path}' must resolve to a string, got ${v === undefined ? "no value" : JSON.stringify(v)}`);
              }
              return v;
            }
            const v = state[field];
            return typeof v === "string" ? v : undefined;
          };
          const error = pick("Error");
          const cause = pick("Cause");
          return done({ status: "FAILED", error, cause, endAt: this.now });
        }

        const raw = value;
        const effective = this.filter("InputPath", state, raw);
        let output: Json;
        let next: string | undefined;
        if (type === "Pass") {
          // ASL §"Pass State": Parameters shape the effective input; Result, if any, is the result; else the
          // (shaped) input is. Then ResultPath (into the raw input) and OutputPath.
          const shaped = "Parameters" in state ? this.payload(state.Parameters, effective, "Parameters") : effective;
          const result: Json = "Result" in state ? structuredClone(state.Result) : shaped;
          output = this.filter("OutputPath", state, this.applyResultPath(state, raw, result));
          next = this.next(state);
        } else if (type === "Succeed") {
          // ASL §"Succeed State": ends the run successfully; InputPath and OutputPath apply.
          output = this.filter("OutputPath", state, effective);
          next = undefined;
        } else if (type === "Choice") {
          // ASL §"Choice State": no Next/End of its own; its output is its (filtered) input.
          next = this.choose(state, effective);
          output = this.filter("OutputPath", state, effective);
        } else {
          // Wait: the virtual clock advances; the output is the (filtered) input.
          const until = this.waitUntil(state, effective);
          if (until > deadline) return timedOut();
          this.now = until;
          output = this.filter("OutputPath", state, effective);
          next = this.next(state);
        }
        this.checkSize("output", output);
        this.events++; // the state's exited event
        value = output;
        if (next === undefined) {
          return done({ status: "SUCCEEDED", output: JSON.stringify(value), endAt: this.now });
        }
        name = next;
      }
    } catch (e) {
      if (!(e instanceof RunError)) throw e;
      return done({ status: "FAILED", error: e.error, cause: e.cause, endAt: this.now });
    }
  }
}

/** ASL §"Choice Rules": typed comparisons; a value of the wrong type does not match. */
function compare(type: string, op: string, a: Json, b: Json): boolean {
  let x: number | string | boolean;
  let y: number | string | boolean;
  if (type === "string") {
    if (typeof a !== "string" || typeof b !== "string") return false;
    [x, y] = [a, b];
  } else if (type === "numeric") {
    if (typeof a !== "number" || typeof b !== "number") return false;
    [x, y] = [a, b];
  } else if (type === "boolean") {
    if (typeof a !== "boolean" || typeof b !== "boolean") return false;
    return a === b;
  } else {
    const ta = parseTimestamp(a);
    const tb = parseTimestamp(b);
    if (ta === undefined || tb === undefined) return false;
    [x, y] = [ta, tb];
  }
  switch (op) {
    case "Equals": return x === y;
    case "LessThan": return x < y;
    case "GreaterThan": return x > y;
    case "LessThanEquals": return x <= y;
    default: return x >= y;
  }
}

/**
 * ASL §"Choice Rules", StringMatches: '*' matches zero or more characters; "\*" is a literal '*' and "\\" a
 * literal backslash; no other character is special.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && (pattern[i + 1] === "*" || pattern[i + 1] === "\\")) {
      re += "\\" + pattern[++i];
    } else if (c === "*") {
      re += "[\\s\\S]*";
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(re + "$").test(text);
}

/**
 * Runs `definition` on `input` (JSON text) from `start` (epoch ms). Deterministic: the same arguments give
 * the same result. A definition sfn-local cannot run fails the run with States.Runtime (never throws).
 */
export function runDefinition(definition: string, input: string, start: number, opts: RunOptions = {}): RunResult {
  const failed = (cause: string): RunResult => ({ status: "FAILED", error: "States.Runtime", cause, endAt: start, trace: [] });
  let doc: any;
  let value: Json;
  try {
    doc = JSON.parse(definition);
    value = JSON.parse(input);
  } catch {
    return failed("sfn-local could not parse the definition or the input as JSON");
  }
  if (!isObject(doc) || typeof doc.StartAt !== "string" || !isObject(doc.States)) {
    return failed("sfn-local: the definition has no StartAt or States (AWS refuses this definition at CreateStateMachine)");
  }
  // DG: "JSONata in Step Functions": QueryLanguage at the top level applies to every state.
  if (doc.QueryLanguage === "JSONata") return failed("sfn-local does not run JSONata: the definition has QueryLanguage JSONata");
  // ASL §"Top-level fields": TimeoutSeconds, the most an execution may run; past it, States.Timeout.
  let timeoutSeconds = MAX_EXECUTION_SECONDS;
  if ("TimeoutSeconds" in doc) {
    if (typeof doc.TimeoutSeconds !== "number" || !Number.isInteger(doc.TimeoutSeconds) || doc.TimeoutSeconds < 0) {
      return failed("sfn-local: TimeoutSeconds must be a non-negative integer (AWS refuses this definition at CreateStateMachine)");
    }
    timeoutSeconds = Math.min(doc.TimeoutSeconds, MAX_EXECUTION_SECONDS);
  }
  const run = new Run(doc, value, start, opts.context ?? {});
  return run.run(opts.maxTransitions ?? MAX_TRANSITIONS, start + timeoutSeconds * 1000);
}
