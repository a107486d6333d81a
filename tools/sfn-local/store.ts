// The Step Functions semantics, pure: a request and the injected clock/PRNG in, a response body or an
// SfnError value out. No sockets, no files; the HTTP layer (server.ts) is a thin shell around this.

import { executionArn, parseStateMachineArn, stateMachineArn } from "./arn";
import {
  C, MSG, SERIALIZATION, SfnError, coralValidationError, constraintViolation, isSfnError, sensitiveConstraintViolation, sfnError,
} from "./errors";
import { runDefinition } from "./asl";
import { Random, pickWeighted } from "./rng";

export const LIMITS = {
  aliasesPerStateMachine: 100,
  versionsPerStateMachine: 1000,
  nameMax: 80,
  descriptionMax: 256,
  arnMax: 256,
  routingMax: 2,
  weightMax: 100,
  maxResultsMax: 1000,
  maxResultsDefault: 100,
  nextTokenMax: 1024,
  definitionMax: 1048576,
  inputMax: 262144,
} as const;

export const ALIAS_NAME_PATTERN = "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$";
const ALIAS_NAME_RE = new RegExp(ALIAS_NAME_PATTERN);
/** AWS state machine / execution names: no whitespace, brackets, wildcards, specials or control chars. */
const RESOURCE_NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export const OPERATIONS = [
  "CreateStateMachine", "DescribeStateMachine", "UpdateStateMachine", "DeleteStateMachine", "ListStateMachines",
  "PublishStateMachineVersion", "ListStateMachineVersions", "DeleteStateMachineVersion",
  "CreateStateMachineAlias", "UpdateStateMachineAlias", "DescribeStateMachineAlias", "ListStateMachineAliases",
  "DeleteStateMachineAlias", "StartExecution", "DescribeExecution",
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Reads: the ones an eventual-consistency window serves from the previous state. */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  "DescribeStateMachine", "ListStateMachines", "ListStateMachineVersions", "DescribeStateMachineAlias",
  "ListStateMachineAliases", "DescribeExecution",
]);

export interface RoutingItem {
  stateMachineVersionArn: string;
  weight: number;
}

export interface StateMachineRecord {
  seq: number;
  arn: string;
  name: string;
  region: string;
  definition: string;
  roleArn: string;
  type: string;
  loggingConfiguration: unknown;
  tracingConfiguration: unknown;
  creationDate: number; // epoch ms
  updateDate?: number;
  /** Absent until the first update that changes something (as AWS shows it). */
  revisionId?: string;
  /** Bumped on every effective change; lets publish be idempotent when nothing changed. */
  contentRev: number;
  /** Version numbers are never reused, even after deletes. */
  nextVersion: number;
}

export interface VersionRecord {
  seq: number;
  arn: string;
  stateMachineArn: string;
  number: number;
  definition: string;
  roleArn: string;
  type: string;
  loggingConfiguration: unknown;
  tracingConfiguration: unknown;
  description?: string;
  revisionId?: string;
  contentRev: number;
  creationDate: number;
}

export interface AliasRecord {
  seq: number;
  arn: string;
  stateMachineArn: string;
  name: string;
  description?: string;
  routingConfiguration: RoutingItem[];
  creationDate: number;
  updateDate: number;
}

export interface ExecutionRecord {
  seq: number;
  arn: string;
  name: string;
  stateMachineArn: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  input: string;
  /**
   * The outcome the run reaches at stopDate (asl.ts computes the whole run at StartExecution); until then
   * DescribeExecution reports RUNNING. Records from older state files: SUCCEEDED with stopDate = startDate.
   */
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT";
  /** JSON text of the final state's output; SUCCEEDED only. */
  output?: string;
  /** FAILED / TIMED_OUT: the error and cause (each absent when the Fail state names none). */
  error?: string;
  cause?: string;
  startDate: number;
  /** When the run ends (start + the total of its Wait states); absent: running for good. */
  stopDate?: number;
}

/** Everything the endpoint knows, as plain JSON (it is what the state file holds). */
export interface StoreState {
  format: 1;
  seq: number;
  stateMachines: Record<string, StateMachineRecord>;
  versions: Record<string, VersionRecord>;
  aliases: Record<string, AliasRecord>;
  executions: Record<string, ExecutionRecord>;
}

export function emptyState(): StoreState {
  return { format: 1, seq: 0, stateMachines: {}, versions: {}, aliases: {}, executions: {} };
}

export interface StoreDeps {
  readonly accountId: string;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly random: Random;
  readonly newId: () => string;
}

export interface RequestContext {
  readonly region: string;
  /** The caller's account (server.ts resolves it from the access key); deps.accountId when absent. */
  readonly account?: string;
}

export interface Ok {
  readonly kind: "ok";
  readonly body: Record<string, unknown>;
  /** Whether the call changed state (drives persistence and the stale-read window). */
  readonly mutated: boolean;
}
export type StoreResult = Ok | SfnError;

const ok = (body: Record<string, unknown>, mutated = false): Ok => ({ kind: "ok", body, mutated });
/** AWS JSON timestamps are epoch seconds; fractions keep millisecond precision. */
const secs = (ms: number): number => ms / 1000;
const isStr = (v: unknown): v is string => typeof v === "string";

/** Collects Coral model-constraint violations in check order. */
class Violations {
  readonly list: string[] = [];
  required(path: string, v: unknown): boolean {
    if (v === undefined || v === null) {
      this.list.push(constraintViolation(null, path, C.notNull));
      return false;
    }
    return true;
  }
  length(path: string, v: unknown, min: number, max: number, sensitive = false): void {
    if (!isStr(v)) return;
    const add = (c: string) =>
      this.list.push(sensitive ? sensitiveConstraintViolation(path, c) : constraintViolation(v, path, c));
    if (v.length > max) add(C.maxLen(max));
    if (v.length < min) add(C.minLen(min));
  }
  pattern(path: string, v: unknown, re: RegExp, source: string): void {
    if (isStr(v) && !re.test(v)) this.list.push(constraintViolation(v, path, C.pattern(source)));
  }
  range(path: string, v: unknown, min: number, max: number): void {
    if (typeof v !== "number") return;
    if (v > max) this.list.push(constraintViolation(String(v), path, C.maxValue(max)));
    if (v < min) this.list.push(constraintViolation(String(v), path, C.minValue(min)));
  }
  error(): SfnError | undefined {
    return this.list.length ? coralValidationError(this.list) : undefined;
  }
}

/** Coral's toString of the routing list, as AWS quotes it in the ">2 items" error. */
export function renderRoutingList(items: readonly Partial<RoutingItem>[]): string {
  const one = (i: Partial<RoutingItem>) =>
    `RoutingConfigurationListItem(stateMachineVersionArn=${i?.stateMachineVersionArn ?? null}, weight=${i?.weight ?? null})`;
  return `[${items.map(one).join(", ")}]`;
}

function checkRoutingModel(v: Violations, routing: unknown, required: boolean): void {
  if (routing === undefined || routing === null) {
    if (required) v.required("routingConfiguration", routing);
    return;
  }
  if (!Array.isArray(routing)) return;
  if (routing.length > LIMITS.routingMax) {
    v.list.push(constraintViolation(renderRoutingList(routing), "routingConfiguration", C.maxLen(LIMITS.routingMax)));
  }
  if (routing.length < 1) v.list.push(constraintViolation("[]", "routingConfiguration", C.minLen(1)));
  routing.forEach((item: Partial<RoutingItem>, i) => {
    const p = `routingConfiguration.${i + 1}.member`;
    if (v.required(`${p}.stateMachineVersionArn`, item?.stateMachineVersionArn)) {
      v.length(`${p}.stateMachineVersionArn`, item.stateMachineVersionArn, 1, LIMITS.arnMax);
    }
    if (v.required(`${p}.weight`, item?.weight)) v.range(`${p}.weight`, item.weight, 0, LIMITS.weightMax);
  });
}

function sameRouting(a: readonly RoutingItem[], b: readonly RoutingItem[]): boolean {
  if (a.length !== b.length) return false;
  const m = new Map(a.map((i) => [i.stateMachineVersionArn, i.weight]));
  return b.every((i) => m.get(i.stateMachineVersionArn) === i.weight);
}

interface PageToken {
  s: string; // scope the token belongs to
  a: number; // seq of the last item returned
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString("base64");
}

function decodeToken(text: string, scope: string): PageToken | undefined {
  try {
    const t = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
    return t && t.s === scope && Number.isInteger(t.a) ? t : undefined;
  } catch {
    return undefined;
  }
}

function validateDefinition(definition: string): SfnError | undefined {
  let doc: any;
  try {
    doc = JSON.parse(definition);
  } catch {
    return sfnError("InvalidDefinition", MSG.invalidDefinitionJson);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return sfnError("InvalidDefinition", MSG.invalidDefinitionSchema("the definition must be a JSON object"));
  }
  if (!isStr(doc.StartAt)) return sfnError("InvalidDefinition", MSG.invalidDefinitionSchema("The field 'StartAt' is required"));
  if (typeof doc.States !== "object" || doc.States === null) {
    return sfnError("InvalidDefinition", MSG.invalidDefinitionSchema("The field 'States' is required"));
  }
  if (!(doc.StartAt in doc.States)) {
    return sfnError("InvalidDefinition", MSG.invalidDefinitionSchema(`StartAt '${doc.StartAt}' is not a state`));
  }
  return undefined;
}

const DEFAULT_LOGGING = { level: "OFF", includeExecutionData: false };
const DEFAULT_TRACING = { enabled: false };

export class SfnStore {
  private state: StoreState;

  constructor(private readonly deps: StoreDeps, state?: StoreState) {
    this.state = state ? structuredClone(state) : emptyState();
  }

  /** A deep copy of the whole state (safe to serialize or to keep as a past view). */
  snapshot(): StoreState {
    return structuredClone(this.state);
  }

  reset(): void {
    this.state = emptyState();
  }

  /** Dispatches one operation. Unknown operations are the HTTP layer's business. */
  handle(operation: string, params: any, ctx: RequestContext): StoreResult {
    const p = params ?? {};
    switch (operation as Operation) {
      case "CreateStateMachine": return this.createStateMachine(p, ctx);
      case "DescribeStateMachine": return this.describeStateMachine(p);
      case "UpdateStateMachine": return this.updateStateMachine(p);
      case "DeleteStateMachine": return this.deleteStateMachine(p);
      case "ListStateMachines": return this.listStateMachines(p, ctx);
      case "PublishStateMachineVersion": return this.publishStateMachineVersion(p);
      case "ListStateMachineVersions": return this.listStateMachineVersions(p);
      case "DeleteStateMachineVersion": return this.deleteStateMachineVersion(p);
      case "CreateStateMachineAlias": return this.createStateMachineAlias(p);
      case "UpdateStateMachineAlias": return this.updateStateMachineAlias(p);
      case "DescribeStateMachineAlias": return this.describeStateMachineAlias(p);
      case "ListStateMachineAliases": return this.listStateMachineAliases(p);
      case "DeleteStateMachineAlias": return this.deleteStateMachineAlias(p);
      case "StartExecution": return this.startExecution(p);
      case "DescribeExecution": return this.describeExecution(p);
      default: throw new Error(`SfnStore.handle: unknown operation '${operation}'`);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  private nextSeq(): number {
    return ++this.state.seq;
  }

  private versionsOf(smArn: string): VersionRecord[] {
    return Object.values(this.state.versions).filter((v) => v.stateMachineArn === smArn);
  }

  private aliasesOf(smArn: string): AliasRecord[] {
    return Object.values(this.state.aliases).filter((a) => a.stateMachineArn === smArn);
  }

  /** Resolves a state machine ARN that must be unqualified and exist. */
  private existingStateMachine(arn: string): StateMachineRecord | SfnError {
    const parsed = parseStateMachineArn(arn);
    if (!parsed) return sfnError("InvalidArn", MSG.invalidArnPrefix(arn));
    const sm = parsed.kind === "stateMachine" ? this.state.stateMachines[arn] : undefined;
    return sm ?? sfnError("StateMachineDoesNotExist", MSG.stateMachineDoesNotExist(arn));
  }

  private paginate<T extends { seq: number }>(
    items: T[], scope: string, maxResults: number | undefined, nextToken: string | undefined, newestFirst: boolean,
  ): { page: T[]; nextToken?: string } | SfnError {
    const sorted = [...items].sort((a, b) => (newestFirst ? b.seq - a.seq : a.seq - b.seq));
    let rest = sorted;
    if (nextToken !== undefined) {
      const t = decodeToken(nextToken, scope);
      if (!t) return sfnError("InvalidToken", MSG.invalidToken);
      rest = sorted.filter((i) => (newestFirst ? i.seq < t.a : i.seq > t.a));
    }
    const size = !maxResults ? LIMITS.maxResultsDefault : maxResults;
    const page = rest.slice(0, size);
    return rest.length > size ? { page, nextToken: encodeToken({ s: scope, a: page[page.length - 1].seq }) } : { page };
  }

  private checkListModel(v: Violations, p: any): void {
    v.range("maxResults", p.maxResults, 0, LIMITS.maxResultsMax);
    v.length("nextToken", p.nextToken, 1, LIMITS.nextTokenMax);
  }

  /** The semantic routing checks shared by Create and Update, in AWS's order. Returns the state machines. */
  private checkRouting(routing: RoutingItem[]): Set<string> | SfnError {
    const arns = routing.map((r) => r.stateMachineVersionArn);
    if (new Set(arns).size !== arns.length) return sfnError("ValidationException", MSG.routingNotDistinct(arns));
    const versions: VersionRecord[] = [];
    for (const arn of arns) {
      const parsed = parseStateMachineArn(arn);
      const v = parsed?.kind === "version" ? this.state.versions[arn] : undefined;
      if (!v) return sfnError("ValidationException", MSG.routingNotVersions(arns));
      versions.push(v);
    }
    const weights = routing.map((r) => r.weight);
    if (weights.reduce((s, w) => s + w, 0) !== 100) return sfnError("ValidationException", MSG.routingWeightSum(weights));
    return new Set(versions.map((v) => v.stateMachineArn));
  }

  private publish(sm: StateMachineRecord, description: string | undefined): VersionRecord | SfnError {
    const existing = this.versionsOf(sm.arn).sort((a, b) => b.number - a.number);
    // Publishing with nothing changed since the newest version gives that version back (AWS is idempotent).
    if (existing[0] && existing[0].contentRev === sm.contentRev) return existing[0];
    if (existing.length >= LIMITS.versionsPerStateMachine) {
      return sfnError("ServiceQuotaExceededException", MSG.versionQuota(LIMITS.versionsPerStateMachine));
    }
    const number = sm.nextVersion++;
    const v: VersionRecord = {
      seq: this.nextSeq(),
      arn: `${sm.arn}:${number}`,
      stateMachineArn: sm.arn,
      number,
      definition: sm.definition,
      roleArn: sm.roleArn,
      type: sm.type,
      loggingConfiguration: sm.loggingConfiguration,
      tracingConfiguration: sm.tracingConfiguration,
      description,
      revisionId: sm.revisionId,
      contentRev: sm.contentRev,
      creationDate: this.deps.now(),
    };
    this.state.versions[v.arn] = v;
    return v;
  }

  // ---- state machines --------------------------------------------------------------------------------

  private createStateMachine(p: any, ctx: RequestContext): StoreResult {
    const v = new Violations();
    if (v.required("name", p.name)) v.length("name", p.name, 1, LIMITS.nameMax);
    if (v.required("definition", p.definition)) v.length("definition", p.definition, 1, LIMITS.definitionMax, true);
    if (v.required("roleArn", p.roleArn)) v.length("roleArn", p.roleArn, 1, LIMITS.arnMax);
    v.length("versionDescription", p.versionDescription, 0, LIMITS.descriptionMax, true);
    if (p.type !== undefined && p.type !== "STANDARD" && p.type !== "EXPRESS") {
      v.list.push(constraintViolation(String(p.type), "type", "Member must satisfy enum value set: [STANDARD, EXPRESS]"));
    }
    const bad = v.error();
    if (bad) return bad;
    if (p.versionDescription !== undefined && !p.publish) {
      return sfnError("ValidationException", MSG.versionDescriptionWithoutPublish);
    }
    if (RESOURCE_NAME_FORBIDDEN.test(p.name)) return sfnError("InvalidName", MSG.invalidName(p.name));
    const defErr = validateDefinition(p.definition);
    if (defErr) return defErr;

    const arn = stateMachineArn(ctx.region, ctx.account ?? this.deps.accountId, p.name);
    const type = p.type ?? "STANDARD";
    const before = this.state.seq;
    let sm = this.state.stateMachines[arn];
    if (sm) {
      // AWS answers an identical create with the existing machine; anything else is a conflict.
      if (sm.definition !== p.definition || sm.roleArn !== p.roleArn || sm.type !== type) {
        return sfnError("StateMachineAlreadyExists", MSG.stateMachineAlreadyExists(arn));
      }
    } else {
      sm = {
        seq: this.nextSeq(), arn, name: p.name, region: ctx.region, definition: p.definition, roleArn: p.roleArn, type,
        loggingConfiguration: p.loggingConfiguration ?? DEFAULT_LOGGING,
        tracingConfiguration: p.tracingConfiguration ?? DEFAULT_TRACING,
        creationDate: this.deps.now(), contentRev: 1, nextVersion: 1,
      };
      this.state.stateMachines[arn] = sm;
    }
    const body: Record<string, unknown> = { stateMachineArn: arn, creationDate: secs(sm.creationDate) };
    if (p.publish) {
      const version = this.publish(sm, p.versionDescription);
      if (isSfnError(version)) return version;
      body.stateMachineVersionArn = version.arn;
    }
    return ok(body, this.state.seq !== before);
  }

  private describeStateMachine(p: any): StoreResult {
    const v = new Violations();
    if (v.required("stateMachineArn", p.stateMachineArn)) v.length("stateMachineArn", p.stateMachineArn, 1, LIMITS.arnMax);
    const bad = v.error();
    if (bad) return bad;
    const arn: string = p.stateMachineArn;
    const parsed = parseStateMachineArn(arn);
    if (!parsed) return sfnError("InvalidArn", MSG.invalidArnPrefix(arn));
    const notFound = sfnError("StateMachineDoesNotExist", MSG.stateMachineDoesNotExist(arn));
    if (parsed.kind === "version") {
      const ver = this.state.versions[arn];
      const sm = ver && this.state.stateMachines[ver.stateMachineArn];
      if (!ver || !sm) return notFound;
      return ok(compact({
        stateMachineArn: ver.arn, name: sm.name, status: "ACTIVE", definition: ver.definition, roleArn: ver.roleArn,
        type: ver.type, creationDate: secs(ver.creationDate), loggingConfiguration: ver.loggingConfiguration,
        tracingConfiguration: ver.tracingConfiguration, revisionId: ver.revisionId, description: ver.description,
      }));
    }
    const sm = parsed.kind === "stateMachine" ? this.state.stateMachines[arn] : undefined;
    if (!sm) return notFound;
    return ok(compact({
      stateMachineArn: sm.arn, name: sm.name, status: "ACTIVE", definition: sm.definition, roleArn: sm.roleArn,
      type: sm.type, creationDate: secs(sm.creationDate), loggingConfiguration: sm.loggingConfiguration,
      tracingConfiguration: sm.tracingConfiguration, revisionId: sm.revisionId,
    }));
  }

  private updateStateMachine(p: any): StoreResult {
    const v = new Violations();
    if (v.required("stateMachineArn", p.stateMachineArn)) v.length("stateMachineArn", p.stateMachineArn, 1, LIMITS.arnMax);
    v.length("definition", p.definition, 1, LIMITS.definitionMax, true);
    v.length("roleArn", p.roleArn, 1, LIMITS.arnMax);
    v.length("versionDescription", p.versionDescription, 0, LIMITS.descriptionMax, true);
    const bad = v.error();
    if (bad) return bad;
    if (p.versionDescription !== undefined && !p.publish) {
      return sfnError("ValidationException", MSG.versionDescriptionWithoutPublish);
    }
    if (p.definition === undefined && p.roleArn === undefined && p.loggingConfiguration === undefined &&
        p.tracingConfiguration === undefined) {
      return sfnError("MissingRequiredParameter", MSG.updateStateMachineNothing);
    }
    const sm = this.existingStateMachine(p.stateMachineArn);
    if (isSfnError(sm)) return sm;
    if (p.definition !== undefined) {
      const defErr = validateDefinition(p.definition);
      if (defErr) return defErr;
    }
    const changed =
      (p.definition !== undefined && p.definition !== sm.definition) ||
      (p.roleArn !== undefined && p.roleArn !== sm.roleArn) ||
      (p.loggingConfiguration !== undefined && JSON.stringify(p.loggingConfiguration) !== JSON.stringify(sm.loggingConfiguration)) ||
      (p.tracingConfiguration !== undefined && JSON.stringify(p.tracingConfiguration) !== JSON.stringify(sm.tracingConfiguration));
    // Refuse before applying: an update that cannot publish must not half-happen.
    if (p.publish && changed && this.versionsOf(sm.arn).length >= LIMITS.versionsPerStateMachine) {
      return sfnError("ServiceQuotaExceededException", MSG.versionQuota(LIMITS.versionsPerStateMachine));
    }
    if (changed) {
      if (p.definition !== undefined) sm.definition = p.definition;
      if (p.roleArn !== undefined) sm.roleArn = p.roleArn;
      if (p.loggingConfiguration !== undefined) sm.loggingConfiguration = p.loggingConfiguration;
      if (p.tracingConfiguration !== undefined) sm.tracingConfiguration = p.tracingConfiguration;
      sm.revisionId = this.deps.newId();
      sm.contentRev++;
    }
    sm.updateDate = this.deps.now();
    const body: Record<string, unknown> = compact({ updateDate: secs(sm.updateDate), revisionId: sm.revisionId });
    if (p.publish) {
      const version = this.publish(sm, p.versionDescription);
      if (isSfnError(version)) return version;
      body.stateMachineVersionArn = version.arn;
    }
    return ok(body, true);
  }

  private deleteStateMachine(p: any): StoreResult {
    const v = new Violations();
    if (v.required("stateMachineArn", p.stateMachineArn)) v.length("stateMachineArn", p.stateMachineArn, 1, LIMITS.arnMax);
    const bad = v.error();
    if (bad) return bad;
    const arn: string = p.stateMachineArn;
    const parsed = parseStateMachineArn(arn);
    if (!parsed) return sfnError("InvalidArn", MSG.invalidArnPrefix(arn));
    if (parsed.kind !== "stateMachine") return sfnError("InvalidArn", MSG.invalidArn(arn));
    if (!this.state.stateMachines[arn]) return ok({});
    // AWS deletes a machine while aliases exist, taking its versions and aliases with it.
    for (const a of this.aliasesOf(arn)) delete this.state.aliases[a.arn];
    for (const ver of this.versionsOf(arn)) delete this.state.versions[ver.arn];
    delete this.state.stateMachines[arn];
    return ok({}, true);
  }

  private listStateMachines(p: any, ctx: RequestContext): StoreResult {
    const v = new Violations();
    this.checkListModel(v, p);
    const bad = v.error();
    if (bad) return bad;
    const account = ctx.account ?? this.deps.accountId;
    const scope = account === this.deps.accountId ? `sm:${ctx.region}` : `sm:${account}:${ctx.region}`;
    const mine = Object.values(this.state.stateMachines)
      .filter((s) => s.region === ctx.region && parseStateMachineArn(s.arn)?.account === account);
    const r = this.paginate(mine, scope, p.maxResults, p.nextToken, false);
    if (isSfnError(r)) return r;
    return ok(compact({
      stateMachines: r.page.map((s) => ({ stateMachineArn: s.arn, name: s.name, type: s.type, creationDate: secs(s.creationDate) })),
      nextToken: r.nextToken,
    }));
  }

  // ---- versions --------------------------------------------------------------------------------------

  private publishStateMachineVersion(p: any): StoreResult {
    const v = new Violations();
    if (v.required("stateMachineArn", p.stateMachineArn)) v.length("stateMachineArn", p.stateMachineArn, 1, LIMITS.arnMax);
    v.length("description", p.description, 0, LIMITS.descriptionMax, true);
    v.length("revisionId", p.revisionId, 0, 2048);
    const bad = v.error();
    if (bad) return bad;
    const sm = this.existingStateMachine(p.stateMachineArn);
    if (isSfnError(sm)) return sm;
    if (p.revisionId !== undefined && p.revisionId !== sm.revisionId) {
      return sfnError("ConflictException", MSG.publishRevisionConflict(p.revisionId, sm.revisionId));
    }
    const before = this.state.seq;
    const version = this.publish(sm, p.description);
    if (isSfnError(version)) return version;
    return ok({ stateMachineVersionArn: version.arn, creationDate: secs(version.creationDate) }, this.state.seq !== before);
  }

  /** A paginated list of one state machine's versions or aliases: the same model checks, the same errors. */
  private listOfStateMachine<T extends { seq: number; arn: string; creationDate: number }>(
    p: any, items: (smArn: string) => T[], tokenScope: string, newestFirst: boolean, key: string, arnKey: string,
  ): StoreResult {
    const v = new Violations();
    if (v.required("stateMachineArn", p.stateMachineArn)) v.length("stateMachineArn", p.stateMachineArn, 1, LIMITS.arnMax);
    this.checkListModel(v, p);
    const bad = v.error();
    if (bad) return bad;
    const sm = this.existingStateMachine(p.stateMachineArn);
    if (isSfnError(sm)) return sm;
    const r = this.paginate(items(sm.arn), `${tokenScope}:${sm.arn}`, p.maxResults, p.nextToken, newestFirst);
    if (isSfnError(r)) return r;
    return ok(compact({
      [key]: r.page.map((x) => ({ [arnKey]: x.arn, creationDate: secs(x.creationDate) })),
      nextToken: r.nextToken,
    }));
  }

  private listStateMachineVersions(p: any): StoreResult {
    // AWS lists versions newest first.
    return this.listOfStateMachine(p, (sm) => this.versionsOf(sm), "ver", true, "stateMachineVersions", "stateMachineVersionArn");
  }

  private deleteStateMachineVersion(p: any): StoreResult {
    const v = new Violations();
    if (v.required("stateMachineVersionArn", p.stateMachineVersionArn)) {
      v.length("stateMachineVersionArn", p.stateMachineVersionArn, 1, LIMITS.arnMax);
    }
    const bad = v.error();
    if (bad) return bad;
    const arn: string = p.stateMachineVersionArn;
    const parsed = parseStateMachineArn(arn);
    if (!parsed) return sfnError("InvalidArn", MSG.invalidArnPrefix(arn));
    if (parsed.kind !== "version") return sfnError("InvalidArn", MSG.invalidArn(arn));
    if (!this.state.versions[arn]) return ok({});
    const users = Object.values(this.state.aliases)
      .filter((a) => a.routingConfiguration.some((r) => r.stateMachineVersionArn === arn))
      .sort((a, b) => a.seq - b.seq)
      .map((a) => a.name);
    if (users.length) return sfnError("ConflictException", MSG.versionReferenced(users));
    delete this.state.versions[arn];
    return ok({}, true);
  }

  // ---- aliases ---------------------------------------------------------------------------------------

  private createStateMachineAlias(p: any): StoreResult {
    const v = new Violations();
    if (v.required("name", p.name)) {
      v.pattern("name", p.name, ALIAS_NAME_RE, ALIAS_NAME_PATTERN);
      v.length("name", p.name, 1, LIMITS.nameMax);
    }
    checkRoutingModel(v, p.routingConfiguration, true);
    v.length("description", p.description, 0, LIMITS.descriptionMax, true);
    const bad = v.error();
    if (bad) return bad;

    if (!Array.isArray(p.routingConfiguration)) return SERIALIZATION;
    const routing: RoutingItem[] = p.routingConfiguration;
    const machines = this.checkRouting(routing);
    if (isSfnError(machines)) return machines;
    const smArn = this.state.versions[routing[0].stateMachineVersionArn].stateMachineArn;
    const arn = `${smArn}:${p.name}`;
    const existing = this.state.aliases[arn];
    if (existing) {
      if (existing.description === p.description && sameRouting(existing.routingConfiguration, routing)) {
        return ok({ stateMachineAliasArn: arn, creationDate: secs(existing.creationDate) });
      }
      return sfnError("ConflictException", MSG.aliasConflict);
    }
    if (machines.size > 1) {
      return sfnError("ValidationException", MSG.routingTwoStateMachines(routing.map((r) => r.stateMachineVersionArn)));
    }
    if (this.aliasesOf(smArn).length >= LIMITS.aliasesPerStateMachine) {
      return sfnError("ServiceQuotaExceededException", MSG.aliasQuota(LIMITS.aliasesPerStateMachine));
    }
    const now = this.deps.now();
    this.state.aliases[arn] = {
      seq: this.nextSeq(), arn, stateMachineArn: smArn, name: p.name, description: p.description,
      routingConfiguration: routing.map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight })),
      creationDate: now, updateDate: now,
    };
    return ok({ stateMachineAliasArn: arn, creationDate: secs(now) }, true);
  }

  private aliasArnError(arn: string): SfnError | undefined {
    const parsed = parseStateMachineArn(arn);
    if (!parsed) return sfnError("InvalidArn", MSG.invalidArnPrefix(arn));
    if (parsed.kind !== "alias") return sfnError("InvalidArn", MSG.invalidArn(arn));
    return undefined;
  }

  private updateStateMachineAlias(p: any): StoreResult {
    const v = new Violations();
    if (v.required("stateMachineAliasArn", p.stateMachineAliasArn)) {
      v.length("stateMachineAliasArn", p.stateMachineAliasArn, 1, LIMITS.arnMax);
    }
    v.length("description", p.description, 0, LIMITS.descriptionMax, true);
    checkRoutingModel(v, p.routingConfiguration, false);
    const bad = v.error();
    if (bad) return bad;
    if (p.description === undefined && p.routingConfiguration === undefined) {
      return sfnError("MissingRequiredParameter", MSG.updateAliasNothing);
    }
    const arnErr = this.aliasArnError(p.stateMachineAliasArn);
    if (arnErr) return arnErr;
    if (p.routingConfiguration !== undefined && !Array.isArray(p.routingConfiguration)) return SERIALIZATION;
    const routing: RoutingItem[] | undefined = p.routingConfiguration;
    const machines = routing ? this.checkRouting(routing) : undefined;
    if (isSfnError(machines)) return machines;
    const alias = this.state.aliases[p.stateMachineAliasArn];
    if (!alias) return sfnError("ResourceNotFound", MSG.resourceNotFound);
    if (routing && machines && (machines.size > 1 || !machines.has(alias.stateMachineArn))) {
      return sfnError("ValidationException", MSG.routingOtherStateMachine(alias.arn, routing.map((r) => r.stateMachineVersionArn)));
    }
    if (p.description !== undefined) alias.description = p.description;
    if (routing) {
      alias.routingConfiguration = routing.map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight }));
    }
    alias.updateDate = this.deps.now();
    return ok({ updateDate: secs(alias.updateDate) }, true);
  }

  private describeStateMachineAlias(p: any): StoreResult {
    const v = new Violations();
    if (v.required("stateMachineAliasArn", p.stateMachineAliasArn)) {
      v.length("stateMachineAliasArn", p.stateMachineAliasArn, 1, LIMITS.arnMax);
    }
    const bad = v.error();
    if (bad) return bad;
    const arnErr = this.aliasArnError(p.stateMachineAliasArn);
    if (arnErr) return arnErr;
    const a = this.state.aliases[p.stateMachineAliasArn];
    if (!a) return sfnError("ResourceNotFound", MSG.resourceNotFound);
    return ok(compact({
      stateMachineAliasArn: a.arn, name: a.name, description: a.description,
      routingConfiguration: a.routingConfiguration.map((r) => ({ ...r })),
      creationDate: secs(a.creationDate), updateDate: secs(a.updateDate),
    }));
  }

  private listStateMachineAliases(p: any): StoreResult {
    return this.listOfStateMachine(p, (sm) => this.aliasesOf(sm), "alias", false, "stateMachineAliases", "stateMachineAliasArn");
  }

  private deleteStateMachineAlias(p: any): StoreResult {
    const v = new Violations();
    if (v.required("stateMachineAliasArn", p.stateMachineAliasArn)) {
      v.length("stateMachineAliasArn", p.stateMachineAliasArn, 1, LIMITS.arnMax);
    }
    const bad = v.error();
    if (bad) return bad;
    const arnErr = this.aliasArnError(p.stateMachineAliasArn);
    if (arnErr) return arnErr;
    if (!this.state.aliases[p.stateMachineAliasArn]) return ok({});
    delete this.state.aliases[p.stateMachineAliasArn];
    return ok({}, true);
  }

  // ---- executions ------------------------------------------------------------------------------------

  private startExecution(p: any): StoreResult {
    const v = new Violations();
    if (v.required("stateMachineArn", p.stateMachineArn)) v.length("stateMachineArn", p.stateMachineArn, 1, LIMITS.arnMax);
    v.length("name", p.name, 1, LIMITS.nameMax);
    v.length("input", p.input, 0, LIMITS.inputMax, true);
    const bad = v.error();
    if (bad) return bad;
    const target: string = p.stateMachineArn;
    const parsed = parseStateMachineArn(target);
    if (!parsed) return sfnError("InvalidArn", MSG.invalidArnPrefix(target));
    const notFound = sfnError("StateMachineDoesNotExist", MSG.stateMachineDoesNotExist(target));
    let versionArn: string | undefined;
    let aliasArn: string | undefined;
    if (parsed.kind === "version") {
      if (!this.state.versions[target]) return notFound;
      versionArn = target;
    } else if (parsed.kind === "alias") {
      const alias = this.state.aliases[target];
      if (!alias) return notFound;
      aliasArn = target;
      const i = pickWeighted(alias.routingConfiguration.map((r) => r.weight), this.deps.random());
      versionArn = alias.routingConfiguration[i].stateMachineVersionArn;
    }
    const sm = this.state.stateMachines[parsed.stateMachineArn];
    if (!sm) return notFound;
    const name: string = p.name ?? this.deps.newId();
    if (RESOURCE_NAME_FORBIDDEN.test(name)) return sfnError("InvalidName", MSG.invalidName(name));
    const input: string = p.input ?? "{}";
    try {
      JSON.parse(input);
    } catch {
      return sfnError("InvalidExecutionInput", `Invalid State Machine Execution Input: '${input}'`);
    }
    // In the state machine's account (the caller's: server.ts refuses calls on another account's resources).
    const arn = executionArn(sm.region, parseStateMachineArn(sm.arn)?.account ?? this.deps.accountId, sm.name, name);
    if (this.state.executions[arn]) return sfnError("ExecutionAlreadyExists", MSG.executionAlreadyExists(arn));
    const now = this.deps.now();
    // The definition of what the execution targets: a version's (picked by weight for an alias), else the
    // state machine's latest. The run is computed now, whole; reads report it by the clock.
    const definition = versionArn ? this.state.versions[versionArn]?.definition : sm.definition;
    if (definition === undefined) return notFound;
    const run = runDefinition(definition, input, now, {
      context: { executionArn: arn, executionName: name, roleArn: sm.roleArn, stateMachineArn: sm.arn, stateMachineName: sm.name },
    });
    this.state.executions[arn] = {
      seq: this.nextSeq(), arn, name, stateMachineArn: sm.arn, stateMachineVersionArn: versionArn,
      stateMachineAliasArn: aliasArn, input, status: run.status, startDate: now, stopDate: run.endAt,
      ...(run.output !== undefined ? { output: run.output } : {}),
      ...(run.error !== undefined ? { error: run.error } : {}),
      ...(run.cause !== undefined ? { cause: run.cause } : {}),
    };
    return ok({ executionArn: arn, startDate: secs(now) }, true);
  }

  private describeExecution(p: any): StoreResult {
    const v = new Violations();
    if (v.required("executionArn", p.executionArn)) v.length("executionArn", p.executionArn, 1, LIMITS.arnMax);
    const bad = v.error();
    if (bad) return bad;
    const e = this.state.executions[p.executionArn];
    if (!e) return sfnError("ExecutionDoesNotExist", MSG.executionDoesNotExist(p.executionArn));
    // RUNNING until the run's end by the clock, then its outcome (stopDate = the end, not the read).
    const ended = e.stopDate !== undefined && this.deps.now() >= e.stopDate;
    const status = ended ? e.status : "RUNNING";
    const succeeded = status === "SUCCEEDED";
    const failed = status === "FAILED" || status === "TIMED_OUT";
    // AWS: a FAILED or TIMED_OUT Standard execution can be redriven (for 14 days); the others cannot.
    const redrive = failed
      ? { redriveStatus: "REDRIVABLE" }
      : { redriveStatus: "NOT_REDRIVABLE", redriveStatusReason: `Execution is ${status} and cannot be redriven` };
    return ok(compact({
      executionArn: e.arn, stateMachineArn: e.stateMachineArn, name: e.name, status,
      startDate: secs(e.startDate), stopDate: ended ? secs(e.stopDate!) : undefined,
      input: e.input, inputDetails: { included: true },
      output: succeeded ? e.output : undefined, outputDetails: succeeded && e.output !== undefined ? { included: true } : undefined,
      error: failed ? e.error : undefined, cause: failed ? e.cause : undefined,
      stateMachineVersionArn: e.stateMachineVersionArn, stateMachineAliasArn: e.stateMachineAliasArn,
      redriveCount: 0, ...redrive,
    }));
  }
}

/** Drops undefined members: AWS omits absent fields rather than sending null. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) if (val !== undefined) out[k] = val;
  return out;
}
