// CloudWatch alarms, pure: a request and the injected clock in, a response body or a CwError value out.
// No sockets, no files; server.ts routes `X-Amz-Target: GraniteServiceVersion20100801.<Op>` here.
//
// Sources: the CloudWatch API Reference pages named at each rule (PutMetricAlarm, PutCompositeAlarm,
// DescribeAlarms, SetAlarmState, DeleteAlarms, "Common Errors"), and the error shapes of
// @aws-sdk/client-cloudwatch (each error's awsQueryError code and HTTP status). Anything marked UNVERIFIED
// is a plausible guess that no source at hand pins down.

import { partitionOf } from "./arn";

export const CW_TARGET_PREFIX = "GraniteServiceVersion20100801.";
export const CW_NAMESPACE = "com.amazonaws.cloudwatch";

export const CW_OPERATIONS = ["PutMetricAlarm", "PutCompositeAlarm", "DescribeAlarms", "SetAlarmState", "DeleteAlarms"] as const;
export type CwOperation = (typeof CW_OPERATIONS)[number];
export const CW_READ_OPERATIONS: ReadonlySet<string> = new Set(["DescribeAlarms"]);

export const CW_LIMITS = {
  alarmNameMax: 255, // CloudWatch API Reference, PutMetricAlarm: AlarmName length 1-255
  descriptionMax: 1024, // PutMetricAlarm / PutCompositeAlarm: AlarmDescription length 0-1024
  alarmNamesMax: 100, // DescribeAlarms / DeleteAlarms: AlarmNames at most 100 items
  maxRecordsMax: 100, // DescribeAlarms: MaxRecords 1-100
  maxRecordsDefault: 50, // UNVERIFIED: the reference gives no default; 50 as the brief and common SDK docs say
  nextTokenMax: 1024,
  stateReasonMax: 1023, // SetAlarmState: StateReason length 0-1023
  stateReasonDataMax: 4000, // SetAlarmState: StateReasonData length 0-4000
  alarmRuleMax: 10240, // PutCompositeAlarm: AlarmRule length 1-10240
  actionsMax: 5, // PutMetricAlarm: AlarmActions / OKActions / InsufficientDataActions at most 5 items
} as const;

/**
 * A CloudWatch error as a value. `code` is the AWS Query error code (sent in `x-amzn-query-error`, the
 * code AWS documents); `shape` the Smithy error shape (sent in `__type`, as query-compatible JSON services
 * such as SQS do: `__type` names the shape, `x-amzn-query-error` carries the query code).
 */
export interface CwError {
  readonly kind: "error";
  readonly code: string;
  readonly shape: string;
  readonly message: string;
  readonly status: number;
  readonly fault: "Sender" | "Receiver";
}

function cwError(code: string, shape: string, message: string, status = 400): CwError {
  return { kind: "error", code, shape, message, status, fault: status >= 500 ? "Receiver" : "Sender" };
}

// Error shapes and codes: @aws-sdk/client-cloudwatch's model (awsQueryError traits) and the CloudWatch API
// Reference, "Common Errors" / each operation's "Errors" section.
export const cwErr = {
  /** Coral model constraints (length, range, enum, required): shape ValidationException, query code ValidationError. */
  validation: (violations: readonly string[]) => {
    const n = violations.length;
    // UNVERIFIED for CloudWatch: Coral's "N validation error(s) detected: ..." format seen in other AWS services.
    return cwError("ValidationError", "ValidationException", `${n} validation error${n === 1 ? "" : "s"} detected: ${violations.join("; ")}`);
  },
  invalidParameterValue: (m: string) => cwError("InvalidParameterValue", "InvalidParameterValueException", m),
  invalidParameterCombination: (m: string) => cwError("InvalidParameterCombination", "InvalidParameterCombinationException", m),
  missingParameter: (m: string) => cwError("MissingParameter", "MissingRequiredParameterException", m),
  /** SetAlarmState, DeleteAlarms: ResourceNotFound, HTTP 404 (API Reference; the SDK model). */
  resourceNotFound: (m: string) => cwError("ResourceNotFound", "ResourceNotFound", m, 404),
  /** DescribeAlarms: InvalidNextToken, HTTP 400. */
  invalidNextToken: () => cwError("InvalidNextToken", "InvalidNextToken", "The service returned an invalid next token."), // wording UNVERIFIED
  /** SetAlarmState: InvalidFormat (shape InvalidFormatFault), HTTP 400, for StateReasonData that is not JSON. */
  invalidFormat: (m: string) => cwError("InvalidFormat", "InvalidFormatFault", m),
  /** "Common Errors": ThrottlingException is documented as "Throttling"; the body's wording UNVERIFIED. */
  throttling: () => cwError("Throttling", "Throttling", "Rate exceeded"),
  /** "Common Errors": InternalFailure 500, ServiceUnavailable 503 (fault bodies; wording UNVERIFIED). */
  internalFailure: () => cwError("InternalServiceError", "InternalServiceFault", "An internal error occurred.", 500),
  serviceUnavailable: () => cwError("ServiceUnavailable", "ServiceUnavailable", "Service Unavailable", 503),
  /** Any other code (auth errors of the HTTP layer), rendered in CloudWatch's form. */
  other: (code: string, message: string, status: number) => cwError(code, code, message, status),
};

/** Coral constraint texts (UNVERIFIED for CloudWatch; the member path is lower camel case, as Coral writes it). */
const violation = (value: string | null, member: string, constraint: string) =>
  `Value ${value === null ? "null" : `'${value}'`} at '${member[0].toLowerCase()}${member.slice(1)}' failed to satisfy constraint: ${constraint}`;
const NOT_NULL = "Member must not be null";

export type StateValue = "OK" | "ALARM" | "INSUFFICIENT_DATA";
const STATE_VALUES: readonly StateValue[] = ["OK", "ALARM", "INSUFFICIENT_DATA"];
// CloudWatch API Reference, PutMetricAlarm: ComparisonOperator and Statistic valid values.
const COMPARISON_OPERATORS = [
  "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
  "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold",
];
const STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
const ALARM_TYPES = ["CompositeAlarm", "MetricAlarm"];

export interface AlarmRecord {
  type: "MetricAlarm" | "CompositeAlarm";
  account: string;
  region: string;
  name: string;
  arn: string;
  /** The configuration members as given (PutMetricAlarm / PutCompositeAlarm input minus AlarmName and Tags). */
  config: Record<string, unknown>;
  stateValue: StateValue;
  stateReason: string;
  stateReasonData?: string;
  /** Epoch ms. */
  stateUpdated: number;
  stateTransitioned: number;
  configUpdated: number;
}

/** The alarms of every account and region, as plain JSON (the `cloudwatch` member of the state file). */
export interface CloudWatchState {
  format: 1;
  /** Key: `<account>|<region>|<alarm name>`. */
  alarms: Record<string, AlarmRecord>;
}

export function emptyCloudWatchState(): CloudWatchState {
  return { format: 1, alarms: {} };
}

export interface CwDeps {
  /** Epoch milliseconds. */
  readonly now: () => number;
}

export interface CwContext {
  readonly region: string;
  readonly account: string;
}

export interface CwOk {
  readonly kind: "ok";
  readonly body: Record<string, unknown>;
  readonly mutated: boolean;
}
export type CwResult = CwOk | CwError;

export function alarmArn(region: string, account: string, name: string): string {
  // CloudWatch API Reference, MetricAlarm / CompositeAlarm: AlarmArn; the ARN format of the CloudWatch
  // "Actions, resources, and condition keys" page: arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:${AlarmName}.
  return `arn:${partitionOf(region)}:cloudwatch:${region}:${account}:alarm:${name}`;
}

// ---- AlarmRule: ALARM(x) | OK(x) | INSUFFICIENT_DATA(x) | TRUE | FALSE, NOT > AND > OR, parentheses ----

type RuleNode =
  | { t: "const"; v: boolean }
  | { t: "fn"; state: StateValue; ref: string }
  | { t: "not"; e: RuleNode }
  | { t: "and" | "or"; l: RuleNode; r: RuleNode };

/**
 * CloudWatch API Reference, PutCompositeAlarm, AlarmRule: functions ALARM("name or ARN"), OK(...),
 * INSUFFICIENT_DATA(...), TRUE, FALSE, operators AND, OR, NOT and parentheses; names "can be surrounded with
 * double-quotes, but do not have to be". Keywords are read case-insensitively (the DeleteAlarms page writes
 * `false`). Throws an Error with the reason on a malformed rule.
 */
export function parseAlarmRule(text: string): RuleNode {
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const word = (): string => {
    ws();
    const m = /^[A-Za-z_]+/.exec(text.slice(i));
    return m ? m[0] : "";
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) throw new Error(`expected '${c}' at position ${i}`);
    i++;
  };
  const arg = (): string => {
    ws();
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unterminated quoted alarm name at position ${i}`);
      const name = text.slice(i + 1, end);
      i = end + 1;
      return name;
    }
    const end = text.indexOf(")", i);
    if (end < 0) throw new Error(`expected ')' after the alarm name at position ${i}`);
    const name = text.slice(i, end).trim();
    i = end;
    return name;
  };
  const primary = (): RuleNode => {
    ws();
    if (text[i] === "(") {
      i++;
      const e = or();
      expect(")");
      return e;
    }
    const w = word();
    const up = w.toUpperCase();
    if (up === "NOT") { i += w.length; return { t: "not", e: primary() }; }
    if (up === "TRUE" || up === "FALSE") { i += w.length; return { t: "const", v: up === "TRUE" }; }
    if (w === "ALARM" || w === "OK" || w === "INSUFFICIENT_DATA") {
      i += w.length;
      expect("(");
      const ref = arg();
      expect(")");
      if (ref === "") throw new Error(`empty alarm name in ${w}()`);
      return { t: "fn", state: w, ref };
    }
    throw new Error(w === "" ? `unexpected '${text[i] ?? "end of rule"}' at position ${i}` : `unknown function or keyword '${w}'`);
  };
  const and = (): RuleNode => {
    let l = primary();
    for (;;) {
      const w = word();
      if (w.toUpperCase() !== "AND") return l;
      i += w.length;
      l = { t: "and", l, r: primary() };
    }
  };
  const or = (): RuleNode => {
    let l = and();
    for (;;) {
      const w = word();
      if (w.toUpperCase() !== "OR") return l;
      i += w.length;
      l = { t: "or", l, r: and() };
    }
  };
  const e = or();
  ws();
  if (i < text.length) throw new Error(`unexpected '${text.slice(i, i + 20)}' at position ${i}`);
  return e;
}

function ruleRefs(n: RuleNode, out: string[] = []): string[] {
  switch (n.t) {
    case "fn": out.push(n.ref); break;
    case "not": ruleRefs(n.e, out); break;
    case "and": case "or": ruleRefs(n.l, out); ruleRefs(n.r, out); break;
  }
  return out;
}

function evalRule(n: RuleNode, stateOf: (ref: string) => StateValue | undefined): boolean {
  switch (n.t) {
    case "const": return n.v;
    case "fn": return stateOf(n.ref) === n.state;
    case "not": return !evalRule(n.e, stateOf);
    case "and": return evalRule(n.l, stateOf) && evalRule(n.r, stateOf);
    case "or": return evalRule(n.l, stateOf) || evalRule(n.r, stateOf);
  }
}

// ---- Validation helpers -------------------------------------------------------------------------------

const isStr = (x: unknown): x is string => typeof x === "string";
const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

class Checks {
  readonly violations: string[] = [];
  required(member: string, v: unknown): boolean {
    if (v === undefined || v === null) { this.violations.push(violation(null, member, NOT_NULL)); return false; }
    return true;
  }
  length(member: string, v: unknown, min: number, max: number): void {
    if (!isStr(v)) return;
    if (v.length > max) this.violations.push(violation(v, member, `Member must have length less than or equal to ${max}`));
    else if (v.length < min) this.violations.push(violation(v, member, `Member must have length greater than or equal to ${min}`));
  }
  count(member: string, v: unknown, max: number): void {
    if (Array.isArray(v) && v.length > max) {
      this.violations.push(violation(`[${v.join(", ")}]`, member, `Member must have length less than or equal to ${max}`));
    }
  }
  min(member: string, v: unknown, min: number): void {
    if (isNum(v) && v < min) this.violations.push(violation(String(v), member, `Member must have value greater than or equal to ${min}`));
  }
  range(member: string, v: unknown, min: number, max: number): void {
    if (!isNum(v)) return;
    if (v > max) this.violations.push(violation(String(v), member, `Member must have value less than or equal to ${max}`));
    else this.min(member, v, min);
  }
  oneOf(member: string, v: unknown, values: readonly string[]): void {
    if (isStr(v) && !values.includes(v)) {
      this.violations.push(violation(v, member, `Member must satisfy enum value set: [${values.join(", ")}]`));
    }
  }
  error(): CwError | undefined {
    return this.violations.length > 0 ? cwErr.validation(this.violations) : undefined;
  }
}

function encodeToken(scope: string, lastName: string): string {
  return Buffer.from(JSON.stringify({ v: 1, s: scope, n: lastName }), "utf8").toString("base64");
}

function decodeToken(token: string, scope: string): string | undefined {
  try {
    const j = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
    return j && j.v === 1 && j.s === scope && typeof j.n === "string" ? j.n : undefined;
  } catch {
    return undefined;
  }
}

const epochSeconds = (ms: number) => ms / 1000;

// ---- The store ---------------------------------------------------------------------------------------

export class CloudWatchStore {
  private state: CloudWatchState;

  constructor(private readonly deps: CwDeps, state?: CloudWatchState) {
    this.state = state ? structuredClone(state) : emptyCloudWatchState();
  }

  snapshot(): CloudWatchState {
    return structuredClone(this.state);
  }

  reset(): void {
    this.state = emptyCloudWatchState();
  }

  handle(operation: string, params: any, ctx: CwContext): CwResult {
    const p = params ?? {};
    switch (operation as CwOperation) {
      case "PutMetricAlarm": return this.putMetricAlarm(p, ctx);
      case "PutCompositeAlarm": return this.putCompositeAlarm(p, ctx);
      case "DescribeAlarms": return this.describeAlarms(p, ctx);
      case "SetAlarmState": return this.setAlarmState(p, ctx);
      case "DeleteAlarms": return this.deleteAlarms(p, ctx);
    }
    throw new Error(`CloudWatchStore: unknown operation ${operation}`);
  }

  private key(ctx: CwContext, name: string): string {
    return `${ctx.account}|${ctx.region}|${name}`;
  }

  private get(ctx: CwContext, name: string): AlarmRecord | undefined {
    return this.state.alarms[this.key(ctx, name)];
  }

  /** The alarm an AlarmRule reference names: an alarm name, or an alarm ARN of the same account and region. */
  private resolveRef(ctx: CwContext, ref: string): AlarmRecord | undefined {
    const prefix = alarmArn(ctx.region, ctx.account, "");
    if (ref.startsWith("arn:")) return ref.startsWith(prefix) ? this.get(ctx, ref.slice(prefix.length)) : undefined;
    return this.get(ctx, ref);
  }

  private scoped(ctx: CwContext): AlarmRecord[] {
    return Object.values(this.state.alarms)
      .filter((a) => a.account === ctx.account && a.region === ctx.region)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The composites (same account and region) whose rule names `alarm` by name or ARN. */
  private parentsOf(ctx: CwContext, alarm: AlarmRecord): AlarmRecord[] {
    return this.scoped(ctx).filter((c) => c.type === "CompositeAlarm" &&
      ruleRefs(parseAlarmRule(String(c.config.AlarmRule))).some((r) => r === alarm.name || r === alarm.arn));
  }

  private setState(a: AlarmRecord, value: StateValue, reason: string, reasonData: string | undefined, now: number): boolean {
    // CloudWatch API Reference, MetricAlarm: StateTransitionedTimestamp is "the date and time that the alarm's
    // StateValue most recently changed"; StateUpdatedTimestamp changes on any state update (value or reason).
    const changed = a.stateValue !== value;
    a.stateValue = value;
    a.stateReason = reason;
    if (reasonData === undefined) delete a.stateReasonData;
    else a.stateReasonData = reasonData;
    a.stateUpdated = now;
    if (changed) a.stateTransitioned = now;
    return changed;
  }

  /**
   * Recomputes a composite from its children's current states (PutCompositeAlarm: the composite goes into
   * ALARM only if the rule is TRUE; after creation it is never INSUFFICIENT_DATA again). Changes the state only
   * when the value changes. Returns whether it changed. Wording of StateReason UNVERIFIED.
   */
  private recompute(ctx: CwContext, c: AlarmRecord, now: number): boolean {
    const rule = parseAlarmRule(String(c.config.AlarmRule));
    const value: StateValue = evalRule(rule, (ref) => this.resolveRef(ctx, ref)?.stateValue) ? "ALARM" : "OK";
    if (value === c.stateValue) return false;
    const triggering = ruleRefs(rule).map((r) => this.resolveRef(ctx, r)).filter((x): x is AlarmRecord => !!x)
      .map((x) => ({ arn: x.arn, state: { value: x.stateValue, timestamp: new Date(x.stateUpdated).toISOString() } }));
    return this.setState(c, value, `Alarm rule evaluated to ${value === "ALARM" ? "TRUE" : "FALSE"}.`,
      JSON.stringify({ triggeringAlarms: triggering }), now);
  }

  /**
   * After `changed`'s state changed: recompute every composite that names it, and theirs in turn. CloudWatch
   * API Reference, DeleteAlarms note: "the evaluation of composite alarms stops if CloudWatch detects a cycle",
   * so each composite is recomputed at most once per change.
   */
  private propagate(ctx: CwContext, changed: AlarmRecord, now: number, seen = new Set<string>([changed.name])): void {
    for (const parent of this.parentsOf(ctx, changed)) {
      if (seen.has(parent.name)) continue;
      seen.add(parent.name);
      if (this.recompute(ctx, parent, now)) this.propagate(ctx, parent, now, seen);
    }
  }

  /** Members common to both alarm types (PutMetricAlarm / PutCompositeAlarm request parameters). */
  private commonChecks(v: Checks, p: any): void {
    if (v.required("AlarmName", p.AlarmName)) v.length("AlarmName", p.AlarmName, 1, CW_LIMITS.alarmNameMax);
    v.length("AlarmDescription", p.AlarmDescription, 0, CW_LIMITS.descriptionMax);
    for (const m of ["AlarmActions", "OKActions", "InsufficientDataActions"]) v.count(m, p[m], CW_LIMITS.actionsMax);
  }

  /** Creates or replaces; an update keeps the state (PutMetricAlarm / PutCompositeAlarm: "When you update an
   *  existing alarm, its state is left unchanged, but the update completely overwrites the previous configuration"). */
  private upsert(type: AlarmRecord["type"], p: any, ctx: CwContext, now: number): { alarm: AlarmRecord; created: boolean } | CwError {
    const { AlarmName: name, Tags: _tags, ...config } = p;
    const existing = this.get(ctx, name);
    if (existing && existing.type !== type) {
      // UNVERIFIED: AWS's answer to a Put of the other alarm type under an existing name.
      return cwErr.invalidParameterValue(`An alarm named '${name}' already exists and is a ${existing.type}.`);
    }
    if (existing) {
      existing.config = config;
      existing.configUpdated = now;
      return { alarm: existing, created: false };
    }
    // PutMetricAlarm: "When this operation creates an alarm, the alarm state is immediately set to INSUFFICIENT_DATA."
    // The StateReason is the one AWS shows for a new alarm.
    const alarm: AlarmRecord = {
      type, account: ctx.account, region: ctx.region, name, arn: alarmArn(ctx.region, ctx.account, name), config,
      stateValue: "INSUFFICIENT_DATA", stateReason: "Unchecked: Initial alarm creation",
      stateUpdated: now, stateTransitioned: now, configUpdated: now,
    };
    this.state.alarms[this.key(ctx, name)] = alarm;
    return { alarm, created: true };
  }

  /** CloudWatch API Reference, PutMetricAlarm. */
  private putMetricAlarm(p: any, ctx: CwContext): CwResult {
    const v = new Checks();
    this.commonChecks(v, p);
    if (v.required("EvaluationPeriods", p.EvaluationPeriods)) v.min("EvaluationPeriods", p.EvaluationPeriods, 1);
    if (v.required("ComparisonOperator", p.ComparisonOperator)) v.oneOf("ComparisonOperator", p.ComparisonOperator, COMPARISON_OPERATORS);
    v.oneOf("Statistic", p.Statistic, STATISTICS);
    v.min("Period", p.Period, 1);
    v.min("DatapointsToAlarm", p.DatapointsToAlarm, 1);
    v.length("MetricName", p.MetricName, 1, 255);
    v.length("Namespace", p.Namespace, 1, 255);
    v.count("Dimensions", p.Dimensions, 30);
    const bad = v.error();
    if (bad) return bad;

    // Metric source: either MetricName (+ Namespace, Period, Statistic or ExtendedStatistic) or Metrics
    // ("If you use the Metrics parameter, you cannot include the Namespace, MetricName, Dimensions, Period,
    // Unit, Statistic, or ExtendedStatistic parameters of PutMetricAlarm in the same operation"). Wordings UNVERIFIED.
    const single = ["MetricName", "Namespace", "Dimensions", "Period", "Unit", "Statistic", "ExtendedStatistic"].filter((m) => p[m] !== undefined);
    if (p.Metrics !== undefined) {
      if (single.length > 0) {
        return cwErr.invalidParameterCombination(`The parameters Metrics and ${single.join(", ")} are mutually exclusive.`);
      }
      if (!Array.isArray(p.Metrics) || p.Metrics.length === 0) return cwErr.invalidParameterValue("Metrics must contain at least one metric.");
      const returning = p.Metrics.filter((m: any) => m?.ReturnData !== false);
      if (p.ThresholdMetricId === undefined && returning.length !== 1) {
        return cwErr.invalidParameterValue("Exactly one element of the Metrics list must return data.");
      }
    } else {
      if (p.MetricName === undefined) return cwErr.missingParameter("The parameter MetricName is required.");
      if (p.Namespace === undefined) return cwErr.missingParameter("The parameter Namespace is required.");
      if (p.Period === undefined) return cwErr.missingParameter("The parameter Period is required.");
      if (p.Statistic !== undefined && p.ExtendedStatistic !== undefined) {
        return cwErr.invalidParameterCombination("The parameters Statistic and ExtendedStatistic are mutually exclusive.");
      }
      if (p.Statistic === undefined && p.ExtendedStatistic === undefined) {
        return cwErr.missingParameter("One of the parameters Statistic or ExtendedStatistic is required.");
      }
      // PutMetricAlarm, Period: "Valid values are 10, 20, 30, and any multiple of 60."
      if (![10, 20, 30].includes(p.Period) && p.Period % 60 !== 0) {
        return cwErr.invalidParameterValue("The parameter Period must be 10, 20, 30, or a multiple of 60.");
      }
    }
    // Threshold: required unless the alarm compares against an anomaly detection band (ThresholdMetricId).
    if (p.Threshold === undefined && p.ThresholdMetricId === undefined) {
      return cwErr.missingParameter("The parameter Threshold is required.");
    }
    // PutMetricAlarm, DatapointsToAlarm: "the number of data points ... out of EvaluationPeriods" (M out of N).
    if (p.DatapointsToAlarm !== undefined && p.DatapointsToAlarm > p.EvaluationPeriods) {
      return cwErr.invalidParameterValue("DatapointsToAlarm must be less than or equal to EvaluationPeriods.");
    }

    const now = this.deps.now();
    const r = this.upsert("MetricAlarm", p, ctx, now);
    if ("kind" in r) return r;
    // A new child could be named by a composite created earlier in another way; recompute parents (cheap).
    this.propagate(ctx, r.alarm, now);
    return { kind: "ok", body: {}, mutated: true };
  }

  /** CloudWatch API Reference, PutCompositeAlarm. */
  private putCompositeAlarm(p: any, ctx: CwContext): CwResult {
    const v = new Checks();
    this.commonChecks(v, p);
    if (v.required("AlarmRule", p.AlarmRule)) v.length("AlarmRule", p.AlarmRule, 1, CW_LIMITS.alarmRuleMax);
    const bad = v.error();
    if (bad) return bad;
    let rule: RuleNode;
    try {
      rule = parseAlarmRule(p.AlarmRule);
    } catch (e) {
      return cwErr.invalidParameterValue(`AlarmRule is not a valid alarm rule: ${(e as Error).message}.`); // UNVERIFIED wording
    }
    // PutCompositeAlarm: "The rule expression of a composite alarm can include as many as 100 underlying alarms."
    const refs = ruleRefs(rule);
    if (new Set(refs).size > 100) return cwErr.invalidParameterValue("AlarmRule can reference at most 100 alarms."); // UNVERIFIED wording
    for (const ref of refs) {
      if (ref === p.AlarmName || ref === alarmArn(ctx.region, ctx.account, p.AlarmName)) {
        return cwErr.invalidParameterValue(`AlarmRule of alarm '${p.AlarmName}' must not reference the alarm itself.`); // UNVERIFIED
      }
      // UNVERIFIED wording: AWS refuses a rule naming an alarm that does not exist.
      if (!this.resolveRef(ctx, ref)) return cwErr.invalidParameterValue(`Could not find alarm '${ref}' referenced in AlarmRule.`);
    }
    const now = this.deps.now();
    const r = this.upsert("CompositeAlarm", p, ctx, now);
    if ("kind" in r) return r;
    // PutCompositeAlarm: created in INSUFFICIENT_DATA, "then evaluated and its state is set appropriately";
    // here the evaluation happens at once, as does the one after an update of the rule.
    if (this.recompute(ctx, r.alarm, now)) this.propagate(ctx, r.alarm, now);
    return { kind: "ok", body: {}, mutated: true };
  }

  private render(a: AlarmRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {
      AlarmName: a.name,
      AlarmArn: a.arn,
      ...a.config,
      // PutMetricAlarm / PutCompositeAlarm: ActionsEnabled "The default is TRUE".
      ActionsEnabled: a.config.ActionsEnabled ?? true,
      OKActions: a.config.OKActions ?? [],
      AlarmActions: a.config.AlarmActions ?? [],
      InsufficientDataActions: a.config.InsufficientDataActions ?? [],
      AlarmConfigurationUpdatedTimestamp: epochSeconds(a.configUpdated),
      StateValue: a.stateValue,
      StateReason: a.stateReason,
      StateUpdatedTimestamp: epochSeconds(a.stateUpdated),
      StateTransitionedTimestamp: epochSeconds(a.stateTransitioned),
    };
    if (a.type === "MetricAlarm") out.Dimensions = a.config.Dimensions ?? [];
    if (a.stateReasonData !== undefined) out.StateReasonData = a.stateReasonData;
    return out;
  }

  /** CloudWatch API Reference, DescribeAlarms. */
  private describeAlarms(p: any, ctx: CwContext): CwResult {
    const v = new Checks();
    v.count("AlarmNames", p.AlarmNames, CW_LIMITS.alarmNamesMax);
    v.length("AlarmNamePrefix", p.AlarmNamePrefix, 1, CW_LIMITS.alarmNameMax);
    v.length("ChildrenOfAlarmName", p.ChildrenOfAlarmName, 1, CW_LIMITS.alarmNameMax);
    v.length("ParentsOfAlarmName", p.ParentsOfAlarmName, 1, CW_LIMITS.alarmNameMax);
    v.oneOf("StateValue", p.StateValue, STATE_VALUES);
    if (Array.isArray(p.AlarmTypes)) for (const t of p.AlarmTypes) v.oneOf("AlarmTypes", t, ALARM_TYPES);
    v.range("MaxRecords", p.MaxRecords, 1, CW_LIMITS.maxRecordsMax);
    v.length("NextToken", p.NextToken, 1, CW_LIMITS.nextTokenMax);
    const bad = v.error();
    if (bad) return bad;
    // DescribeAlarms, AlarmNamePrefix: "If this parameter is specified, you cannot specify AlarmNames."
    // ChildrenOfAlarmName / ParentsOfAlarmName: "you cannot specify any other parameters in the request except
    // for MaxRecords and NextToken". Error code for these combinations UNVERIFIED.
    if (p.AlarmNames !== undefined && p.AlarmNamePrefix !== undefined) {
      return cwErr.invalidParameterCombination("AlarmNamePrefix and AlarmNames cannot be used together.");
    }
    for (const rel of ["ChildrenOfAlarmName", "ParentsOfAlarmName"]) {
      if (p[rel] === undefined) continue;
      const others = Object.keys(p).filter((k) => k !== rel && k !== "MaxRecords" && k !== "NextToken" && p[k] !== undefined);
      if (others.length > 0) return cwErr.invalidParameterCombination(`${rel} cannot be used with ${others.join(", ")}.`);
    }

    let list = this.scoped(ctx);
    if (p.ChildrenOfAlarmName !== undefined) {
      // "returns information about the 'children' alarms of the alarm you specify ... alarms that are referenced
      // in its AlarmRule". An unknown or metric alarm has no children.
      const c = this.get(ctx, p.ChildrenOfAlarmName);
      const refs = c?.type === "CompositeAlarm" ? ruleRefs(parseAlarmRule(String(c.config.AlarmRule))) : [];
      const children = new Set(refs.map((r) => this.resolveRef(ctx, r)?.name).filter(Boolean));
      list = list.filter((a) => children.has(a.name));
    } else if (p.ParentsOfAlarmName !== undefined) {
      const child = this.get(ctx, p.ParentsOfAlarmName);
      const parents = new Set(child ? this.parentsOf(ctx, child).map((a) => a.name) : []);
      list = list.filter((a) => parents.has(a.name));
    } else {
      // AlarmTypes: "If you omit this parameter, only metric alarms are returned, even if composite alarms exist."
      const types: string[] = Array.isArray(p.AlarmTypes) && p.AlarmTypes.length > 0 ? p.AlarmTypes : ["MetricAlarm"];
      list = list.filter((a) => types.includes(a.type));
      // AlarmNames: names that do not exist are simply not in the answer.
      if (Array.isArray(p.AlarmNames)) {
        const names = new Set<string>(p.AlarmNames);
        list = list.filter((a) => names.has(a.name));
      }
      if (isStr(p.AlarmNamePrefix)) list = list.filter((a) => a.name.startsWith(p.AlarmNamePrefix));
      if (isStr(p.StateValue)) list = list.filter((a) => a.stateValue === p.StateValue);
    }

    // Pagination (MaxRecords, NextToken): tokens are opaque and bound to the request's filters, so a token
    // from another query is refused as InvalidNextToken (DescribeAlarms, Errors).
    const { NextToken: token, MaxRecords: _max, ...filters } = p;
    const scope = JSON.stringify([ctx.account, ctx.region, filters]);
    if (token !== undefined) {
      const after = decodeToken(String(token), scope);
      if (after === undefined) return cwErr.invalidNextToken();
      list = list.filter((a) => a.name > after);
    }
    const size = isNum(p.MaxRecords) ? p.MaxRecords : CW_LIMITS.maxRecordsDefault;
    const page = list.slice(0, size);
    const body: Record<string, unknown> = {
      MetricAlarms: page.filter((a) => a.type === "MetricAlarm").map((a) => this.render(a)),
      CompositeAlarms: page.filter((a) => a.type === "CompositeAlarm").map((a) => this.render(a)),
    };
    if (list.length > size) body.NextToken = encodeToken(scope, page[page.length - 1].name);
    return { kind: "ok", body, mutated: false };
  }

  /** CloudWatch API Reference, SetAlarmState. */
  private setAlarmState(p: any, ctx: CwContext): CwResult {
    const v = new Checks();
    if (v.required("AlarmName", p.AlarmName)) v.length("AlarmName", p.AlarmName, 1, CW_LIMITS.alarmNameMax);
    if (v.required("StateValue", p.StateValue)) v.oneOf("StateValue", p.StateValue, STATE_VALUES);
    if (v.required("StateReason", p.StateReason)) v.length("StateReason", p.StateReason, 0, CW_LIMITS.stateReasonMax);
    v.length("StateReasonData", p.StateReasonData, 0, CW_LIMITS.stateReasonDataMax);
    const bad = v.error();
    if (bad) return bad;
    // StateReasonData: "The reason that this alarm is set to this specific state, in JSON format"; InvalidFormat
    // is the documented error for data that is not JSON (wording UNVERIFIED).
    if (p.StateReasonData !== undefined) {
      try {
        JSON.parse(p.StateReasonData);
      } catch {
        return cwErr.invalidFormat("StateReasonData is not valid JSON.");
      }
    }
    const alarm = this.get(ctx, p.AlarmName);
    // Errors: ResourceNotFound (404), "The named resource does not exist." (the wording AWS documents for the code).
    if (!alarm) return cwErr.resourceNotFound(`Alarm ${p.AlarmName} not found`); // UNVERIFIED wording
    const now = this.deps.now();
    // "the alarm state returns to its actual state (often within seconds)": for a composite, the next
    // recomputation (a child's change) replaces what is set here; metric alarms keep it (no metric data here).
    if (this.setState(alarm, p.StateValue, p.StateReason, p.StateReasonData, now)) this.propagate(ctx, alarm, now);
    return { kind: "ok", body: {}, mutated: true };
  }

  /** CloudWatch API Reference, DeleteAlarms. */
  private deleteAlarms(p: any, ctx: CwContext): CwResult {
    const v = new Checks();
    if (v.required("AlarmNames", p.AlarmNames)) v.count("AlarmNames", p.AlarmNames, CW_LIMITS.alarmNamesMax);
    if (Array.isArray(p.AlarmNames)) for (const n of p.AlarmNames) v.length("AlarmNames.member", n, 1, CW_LIMITS.alarmNameMax);
    const bad = v.error();
    if (bad) return bad;
    const names: string[] = [...new Set<string>(p.AlarmNames)];
    const found = names.map((n) => this.get(ctx, n)).filter((a): a is AlarmRecord => !!a);
    const missing = names.filter((n) => !this.get(ctx, n));
    // "this total can include no more than one composite alarm". Code and wording UNVERIFIED.
    if (found.filter((a) => a.type === "CompositeAlarm").length > 1) {
      return cwErr.invalidParameterCombination("A DeleteAlarms request can delete at most one composite alarm.");
    }
    // The note on cycles: "you can't delete any composite alarm that is part of the cycle because there is always
    // still a composite alarm that depends on that alarm". Applied to any alarm still named by a composite that
    // this call does not delete. Code and wording UNVERIFIED.
    const deleting = new Set(found.map((a) => a.name));
    for (const a of found) {
      const parents = this.parentsOf(ctx, a).filter((c) => !deleting.has(c.name));
      if (parents.length > 0) {
        return cwErr.invalidParameterValue(`Alarm ${a.name} cannot be deleted because it is referenced by the composite alarm(s): ${parents.map((c) => c.name).join(", ")}.`);
      }
    }
    // "If you specify any incorrect alarm names, the alarms you specify with correct names are still deleted."
    for (const a of found) delete this.state.alarms[this.key(ctx, a.name)];
    // Errors: ResourceNotFound (404). The names that did not exist are reported after the others are
    // deleted (the combination of the two documented statements; UNVERIFIED).
    if (missing.length > 0) {
      const err = cwErr.resourceNotFound(`Alarm(s) not found: ${missing.join(", ")}`); // UNVERIFIED wording
      return found.length > 0 ? { ...err, mutated: true } as CwError : err;
    }
    return { kind: "ok", body: {}, mutated: found.length > 0 };
  }
}

/** Whether an error result still changed state (DeleteAlarms deleting some names and missing others). */
export function errorMutated(e: CwError): boolean {
  return (e as CwError & { mutated?: boolean }).mutated === true;
}
