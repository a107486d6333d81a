// The HTTP shell around the pure store: AWS JSON 1.0 on 127.0.0.1, SigV4 presence check, token buckets,
// fault injection, the call log, the stale-read window and the optional state file. Node's http only.
// One port serves Step Functions, STS (sts.ts) and CloudWatch alarms (cloudwatch.ts).

import { randomUUID } from "crypto";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { TokenBuckets, cloudWatchBucket } from "./buckets";
import {
  CW_OPERATIONS, CW_NAMESPACE, CW_READ_OPERATIONS, CW_TARGET_PREFIX, CloudWatchState, CloudWatchStore, CwError, CwResult,
  cwErr, errorMutated,
} from "./cloudwatch";
import {
  INCOMPLETE_SIGNATURE, INTERNAL_FAILURE, MISSING_AUTH, SERIALIZATION, SERVICE_UNAVAILABLE, SfnError, THROTTLING,
  UNKNOWN_OPERATION, errorType, errorTypeHeader, isSfnError, STS_EXPIRED_TOKEN, STS_INVALID_TOKEN, STS_MISSING_AUTH,
} from "./errors";
import { Identities, Principal, checkAccess } from "./iam";
import { handleSts, parseForm, stsErrorXml, stsLogParams } from "./sts";
import { FaultCounters, FaultDecision, FaultSpec, decideFault, normalizeFaultSpec } from "./faults";
import { Random, mulberry32 } from "./rng";
import { OPERATIONS, READ_OPERATIONS, SfnStore, StoreDeps, StoreResult, StoreState, emptyState } from "./store";

export interface SfnLocalOptions {
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Persist state to this JSON file after each mutating call and reload it at start. @default in memory */
  stateFile?: string;
  /** Token buckets refill this many times faster than real time. @default 1 */
  timeScale?: number;
  /** AWS's per-operation token buckets. @default true */
  throttling?: boolean;
  /** Faults to inject from the start. @default none */
  faults?: FaultSpec | string;
  /** Seed of the PRNG behind faults and weighted routing. @default random (see snapshot().seed) */
  seed?: number;
  /** The account of every access key that `accounts` does not name. @default "123456789012" */
  accountId?: string;
  /** Access key id -> account id (12 digits). Keys issued by AssumeRole map to the role's account. */
  accounts?: Record<string, string>;
  /** Role ARNs that AssumeRole refuses (AccessDenied, 403), to show the error path. @default none */
  deniedRoles?: string[];
  /** Role ARN -> MaxSessionDuration in seconds. @default 3600 for every role, as AWS's */
  roleMaxSessionSeconds?: Record<string, number>;
}

export interface CallLogEntry {
  seq: number;
  /** Epoch ms when the request arrived. */
  time: number;
  operation: string;
  params: any;
  /** "ok" | AWS error code | "fault:<kind>" (fault:drop, fault:5xx, fault:throttle). */
  outcome: string;
  /** HTTP status sent; 0 when the connection was dropped. */
  status: number;
  requestId: string;
  region?: string;
  /** Faults injected into this call, including ones that do not change the outcome (latency:NNms). */
  injected?: string[];
  /** "sts" for STS calls (AssumeRole, GetCallerIdentity), "cloudwatch" for CloudWatch alarm calls; absent for Step Functions. */
  service?: "sts" | "cloudwatch";
  /** The caller's ARN (`arn:aws:iam::<account>:user/test` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`). */
  caller?: string;
}

export interface SfnLocal {
  url: string;
  port: number;
  calls(): CallLogEntry[];
  clearCalls(): void;
  setFaults(spec: FaultSpec | string | undefined): void;
  setThrottling(on: boolean): void;
  snapshot(): any;
  reset(): void;
  stop(): Promise<void>;
}

export const DEFAULT_ACCOUNT_ID = "123456789012";
export const ADMIN_PREFIX = "/__sfn-local/";
const TARGET_PREFIX = "AWSStepFunctions.";
const CREDENTIAL_RE = /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;
const JSON_CT = "application/x-amz-json-1.0";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The session token of a SigV4 request (header `X-Amz-Security-Token`), if any. */
function tokenOf(req: http.IncomingMessage): string | undefined {
  const t = req.headers["x-amz-security-token"];
  return typeof t === "string" && t !== "" ? t : undefined;
}

/**
 * An STS call: signed for service `sts` (the credential scope), or an unsigned form POST without
 * X-Amz-Target (Step Functions' AWS JSON always has one).
 */
function isStsRequest(req: http.IncomingMessage, cred: RegExpExecArray | null): boolean {
  if (cred) return cred[4] === "sts";
  return req.headers["x-amz-target"] === undefined &&
    String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
}

/** An AWS JSON body: `{}` when empty; the raw text and parseFailed when it is not JSON. */
function parseJsonBody(raw: string): { params: any; parseFailed: boolean } {
  try {
    return { params: raw.trim() === "" ? {} : JSON.parse(raw), parseFailed: false };
  } catch {
    return { params: raw, parseFailed: true };
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** What the state file holds: the Step Functions state, plus the CloudWatch alarms (absent in older files). */
export type StateFileContents = StoreState & { cloudwatch?: CloudWatchState };

/** Reads a state file; a missing file is an empty state, a corrupt one is an error worth stopping for. */
export function loadStateFile(file: string): StateFileContents {
  if (!fs.existsSync(file)) return emptyState();
  const parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!parsed || parsed.format !== 1) {
    throw new Error(`sfn-local: state file '${file}' is not a format-1 state (format: ${parsed?.format}); delete it or point --state elsewhere`);
  }
  return parsed as StateFileContents;
}

/** Writes to a temp file and renames it, so a crash never leaves half a state file. */
export function writeStateFile(file: string, state: StateFileContents): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(state));
  fs.renameSync(tmp, file);
}

export async function startSfnLocal(opts: SfnLocalOptions = {}): Promise<SfnLocal> {
  const accountId = opts.accountId ?? DEFAULT_ACCOUNT_ID;
  let seed = opts.seed ?? (Math.floor(Math.random() * 2 ** 31) >>> 0);
  let rng: Random = mulberry32(seed);
  let faults: FaultSpec = {};
  const counters: FaultCounters = { next5xx: 0, nextDrop: 0 };
  let throttling = opts.throttling ?? true;
  const buckets = new TokenBuckets(() => performance.now(), opts.timeScale ?? 1);
  let calls: CallLogEntry[] = [];
  let callSeq = 0;
  /** The state before the latest write, served to reads until `until` (eventual consistency). */
  let stale: { state: StoreState; until: number } | undefined;
  /** The same for CloudWatch alarms (DescribeAlarms after a PutMetricAlarm, SetAlarmState, ...). */
  let cwStale: { state: CloudWatchState; until: number } | undefined;
  const identities = new Identities({
    defaultAccount: accountId, accounts: opts.accounts, deniedRoles: opts.deniedRoles,
    roleMaxSessionSeconds: opts.roleMaxSessionSeconds, now: () => Date.now(),
  });

  const deps: StoreDeps = { accountId, now: () => Date.now(), random: () => rng(), newId: () => randomUUID() };
  const loaded = opts.stateFile ? loadStateFile(opts.stateFile) : undefined;
  let sfnState: StoreState | undefined;
  if (loaded) {
    const { cloudwatch: _cw, ...rest } = loaded;
    sfnState = rest;
  }
  const store = new SfnStore(deps, sfnState);
  const cloudwatch = new CloudWatchStore({ now: () => Date.now() }, loaded?.cloudwatch);
  let stopped = false;
  const persist = () => {
    // A handler still sleeping on injected latency may finish after stop(); the file is final by then.
    if (opts.stateFile && !stopped) writeStateFile(opts.stateFile, { ...store.snapshot(), cloudwatch: cloudwatch.snapshot() });
  };

  const setFaults = (spec: FaultSpec | string | undefined) => {
    faults = normalizeFaultSpec(spec);
    counters.next5xx = faults.next5xx ?? 0;
    counters.nextDrop = faults.nextDrop ?? 0;
    if (faults.seed !== undefined) {
      seed = faults.seed;
      rng = mulberry32(seed);
    }
    if (!faults.staleMs) {
      stale = undefined;
      cwStale = undefined;
    }
  };
  setFaults(opts.faults);
  if (opts.seed !== undefined && faults.seed === undefined) rng = mulberry32(opts.seed);

  const send = (res: http.ServerResponse, status: number, body: unknown, requestId: string, extra: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": JSON_CT,
      "Content-Length": Buffer.byteLength(text),
      "x-amzn-RequestId": requestId,
      ...extra,
    });
    res.end(text);
  };
  const sendError = (res: http.ServerResponse, e: SfnError, requestId: string) =>
    send(res, e.status, { __type: errorType(e), message: e.message }, requestId, { "x-amzn-ErrorType": errorTypeHeader(e) });

  const runStore = (operation: string, params: unknown, region: string, entry: CallLogEntry, account = accountId): StoreResult => {
    const now = Date.now();
    if (stale && now >= stale.until) stale = undefined;
    if (READ_OPERATIONS.has(operation)) {
      if (!stale) return store.handle(operation, params, { region, account });
      // A throwaway store over the old state: reads are pure, so nothing leaks back. Logged, so that tests
      // can tell a stale answer from a fresh one.
      (entry.injected ??= []).push("stale");
      return new SfnStore(deps, stale.state).handle(operation, params, { region, account });
    }
    const before = faults.staleMs ? store.snapshot() : undefined;
    const result = store.handle(operation, params, { region, account });
    if (result.kind === "ok" && result.mutated) {
      if (before && faults.staleMs) stale = { state: before, until: Date.now() + faults.staleMs };
      persist();
    }
    return result;
  };

  /**
   * The fault injected into one call (Step Functions or CloudWatch), after its injected latency; a drop has
   * already closed the socket with no answer, as a connection reset would.
   */
  const injectFault = async (operation: string, entry: CallLogEntry, req: http.IncomingMessage): Promise<FaultDecision> => {
    const fault = decideFault(faults, counters, operation, rng);
    if (fault.latencyMs > 0) {
      (entry.injected ??= []).push(`latency:${fault.latencyMs}ms`);
      await sleep(fault.latencyMs);
    }
    if (fault.kind) (entry.injected ??= []).push(fault.kind);
    if (fault.kind === "drop") {
      entry.outcome = "fault:drop";
      entry.status = 0;
      req.socket.destroy();
    }
    return fault;
  };

  /** STS on the same port (sts.ts): AWS Query protocol in, XML out. No faults, no token buckets. */
  const handleStsCall = (req: http.IncomingMessage, res: http.ServerResponse, raw: string, time: number, requestId: string,
    auth: string, cred: RegExpExecArray | null) => {
    const form = parseForm(raw);
    const entry: CallLogEntry = {
      seq: ++callSeq, time, operation: form.Action ?? "", params: stsLogParams(form), outcome: "ok", status: 200, requestId, service: "sts",
    };
    if (cred) entry.region = cred[3];
    calls.push(entry);
    const reply = (status: number, xml: string, outcome: string) => {
      entry.status = status;
      entry.outcome = outcome;
      res.writeHead(status, { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(xml), "x-amzn-RequestId": requestId });
      res.end(xml);
    };
    if (auth === "" || !cred) return reply(STS_MISSING_AUTH.status, stsErrorXml(STS_MISSING_AUTH, requestId), STS_MISSING_AUTH.code);
    const caller = identities.resolve(cred[1], tokenOf(req), cred[3]);
    if (isSfnError(caller)) {
      const e = caller.code === "ExpiredTokenException" ? STS_EXPIRED_TOKEN : STS_INVALID_TOKEN;
      return reply(e.status, stsErrorXml(e, requestId), e.code);
    }
    entry.caller = caller.arn;
    const out = handleSts(identities, caller, form, requestId);
    reply(out.status, out.xml, out.outcome);
  };

  /**
   * A CloudWatch error in the AWS JSON 1.0 query-compatible form (`x-amzn-query-mode: true` requests): body
   * `{"__type": "com.amazonaws.cloudwatch#<Shape>", "message": ...}` and header `x-amzn-query-error:
   * <QueryCode>;Sender|Receiver`, which the SDK (awsQueryCompatible) reads first to find the error.
   */
  const sendCwError = (res: http.ServerResponse, e: CwError, requestId: string) =>
    send(res, e.status, { __type: `${CW_NAMESPACE}#${e.shape}`, message: e.message }, requestId, {
      "x-amzn-query-error": `${e.code};${e.fault}`,
    });

  /** As runStore, for CloudWatch: the `stale=` window serves DescribeAlarms from the state before the last write. */
  const runCloudWatch = (operation: string, params: unknown, ctx: { region: string; account: string }, entry: CallLogEntry): CwResult => {
    const now = Date.now();
    if (cwStale && now >= cwStale.until) cwStale = undefined;
    if (CW_READ_OPERATIONS.has(operation)) {
      if (!cwStale) return cloudwatch.handle(operation, params, ctx);
      (entry.injected ??= []).push("stale");
      return new CloudWatchStore({ now: () => Date.now() }, cwStale.state).handle(operation, params, ctx);
    }
    const before = faults.staleMs ? cloudwatch.snapshot() : undefined;
    const result = cloudwatch.handle(operation, params, ctx);
    if (result.kind === "ok" ? result.mutated : errorMutated(result)) {
      if (before && faults.staleMs) cwStale = { state: before, until: Date.now() + faults.staleMs };
      persist();
    }
    return result;
  };

  /**
   * CloudWatch alarms on the same port (cloudwatch.ts): `X-Amz-Target: GraniteServiceVersion20100801.<Op>`,
   * AWS JSON 1.0. Same order as Step Functions: auth, faults, token buckets, parse, store. No IAM check.
   */
  const handleCloudWatchCall = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string, time: number,
    requestId: string, auth: string, cred: RegExpExecArray | null, target: string) => {
    const operation = target.startsWith(CW_TARGET_PREFIX) ? target.slice(CW_TARGET_PREFIX.length) : target;
    const { params, parseFailed } = parseJsonBody(raw);
    const entry: CallLogEntry = { seq: ++callSeq, time, operation, params, outcome: "ok", status: 200, requestId, service: "cloudwatch" };
    if (cred) entry.region = cred[3];
    calls.push(entry);
    const fail = (e: CwError, outcome = e.code) => {
      entry.outcome = outcome;
      entry.status = e.status;
      sendCwError(res, e, requestId);
    };
    const failSfn = (e: SfnError) => fail(cwErr.other(e.code, e.message, e.status));

    if (auth === "") return failSfn(MISSING_AUTH);
    if (!cred) return failSfn(INCOMPLETE_SIGNATURE);
    const caller: Principal | SfnError = identities.resolve(cred[1], tokenOf(req), cred[3]);
    if (isSfnError(caller)) return failSfn(caller);
    entry.caller = caller.arn;
    // An operation CloudWatch has but this endpoint does not model (or a target of no service): answered like
    // a Coral JSON front end, UnknownOperationException (the answer AWS JSON services give an unknown target;
    // UNVERIFIED for CloudWatch, which may answer InvalidAction as its Query API does).
    if (!target.startsWith(CW_TARGET_PREFIX) || !(CW_OPERATIONS as readonly string[]).includes(operation)) {
      return fail(cwErr.other(UNKNOWN_OPERATION.code, UNKNOWN_OPERATION.message, UNKNOWN_OPERATION.status));
    }

    const fault = await injectFault(operation, entry, req);
    if (fault.kind === "drop") return;
    if (fault.kind === "5xx") return fail(fault.status === 503 ? cwErr.serviceUnavailable() : cwErr.internalFailure(), "fault:5xx");
    if (fault.kind === "throttle") return fail(cwErr.throttling(), "fault:throttle");

    if (throttling && !buckets.take(`${caller.account}|${cred[3]}`, cloudWatchBucket(operation))) return fail(cwErr.throttling());
    if (parseFailed || typeof params !== "object" || params === null || Array.isArray(params)) {
      return failSfn(SERIALIZATION);
    }
    const result = runCloudWatch(operation, params, { region: cred[3], account: caller.account }, entry);
    if (result.kind === "error") return fail(result);
    send(res, 200, result.body, requestId);
  };

  const handleAws = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const time = Date.now();
    const requestId = randomUUID();
    const raw = await readBody(req);
    {
      const auth = String(req.headers.authorization ?? "");
      const cred = CREDENTIAL_RE.exec(auth);
      if (isStsRequest(req, cred)) return handleStsCall(req, res, raw, time, requestId, auth, cred);
      // CloudWatch: its X-Amz-Target prefix, or a request signed for service "monitoring" (the credential scope).
      const cwTarget = String(req.headers["x-amz-target"] ?? "");
      if (cwTarget.startsWith(CW_TARGET_PREFIX) || cred?.[4] === "monitoring") {
        return handleCloudWatchCall(req, res, raw, time, requestId, auth, cred, cwTarget);
      }
    }
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    const { params, parseFailed } = parseJsonBody(raw);
    const auth = String(req.headers.authorization ?? "");
    const cred = CREDENTIAL_RE.exec(auth);
    const entry: CallLogEntry = { seq: ++callSeq, time, operation, params, outcome: "ok", status: 200, requestId };
    if (cred) entry.region = cred[3];
    calls.push(entry);
    const fail = (e: SfnError, outcome = e.code) => {
      entry.outcome = outcome;
      entry.status = e.status;
      sendError(res, e, requestId);
    };

    if (auth === "") return fail(MISSING_AUTH);
    if (!cred) return fail(INCOMPLETE_SIGNATURE);
    const caller: Principal | SfnError = identities.resolve(cred[1], tokenOf(req), cred[3]);
    if (isSfnError(caller)) return fail(caller);
    entry.caller = caller.arn;
    if (!target.startsWith(TARGET_PREFIX) || !(OPERATIONS as readonly string[]).includes(operation)) {
      return fail(UNKNOWN_OPERATION);
    }

    const fault = await injectFault(operation, entry, req);
    if (fault.kind === "drop") return;
    if (fault.kind === "5xx") return fail(fault.status === 503 ? SERVICE_UNAVAILABLE : INTERNAL_FAILURE, "fault:5xx");
    if (fault.kind === "throttle") return fail(THROTTLING, "fault:throttle");

    if (throttling && !buckets.take(`${caller.account}|${cred[3]}`, operation)) return fail(THROTTLING);
    if (parseFailed || typeof params !== "object" || params === null || Array.isArray(params)) return fail(SERIALIZATION);
    const denied = checkAccess(caller, operation, params);
    if (denied) return fail(denied);

    const result = runStore(operation, params, cred[3], entry, caller.account);
    if (result.kind === "error") return fail(result);
    send(res, 200, result.body, requestId);
  };

  const api: SfnLocal = {
    url: "",
    port: 0,
    calls: () => calls.map((c) => ({ ...c })),
    clearCalls: () => {
      calls = [];
    },
    setFaults,
    setThrottling: (on: boolean) => {
      throttling = on;
      if (on) buckets.reset();
    },
    snapshot: () => ({ ...store.snapshot(), cloudwatch: cloudwatch.snapshot(), seed, faults, throttling }),
    reset: () => {
      store.reset();
      cloudwatch.reset();
      stale = undefined;
      cwStale = undefined;
      buckets.reset();
      persist();
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      persist();
      stopped = true;
    },
  };

  const handleAdmin = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const id = randomUUID();
    const route = (req.url ?? "").split("?")[0].slice(ADMIN_PREFIX.length);
    const raw = await readBody(req);
    const answer = (status: number, body: unknown) => send(res, status, body, id);
    try {
      switch (`${req.method} ${route}`) {
        case "GET calls": return answer(200, api.calls());
        case "DELETE calls": api.clearCalls(); return answer(200, {});
        case "GET state": return answer(200, api.snapshot());
        case "DELETE state":
        case "POST reset": api.reset(); return answer(200, {});
        case "GET faults": return answer(200, { faults, counters, seed });
        case "DELETE faults": setFaults(undefined); return answer(200, { faults });
        case "POST faults": {
          // JSON object (a FaultSpec), JSON {"spec": "..."} or the compact text grammar.
          let spec: FaultSpec | string;
          try {
            const j = JSON.parse(raw);
            spec = typeof j === "string" ? j : typeof j?.spec === "string" ? j.spec : j;
          } catch {
            spec = raw;
          }
          setFaults(spec);
          return answer(200, { faults, seed });
        }
        case "POST throttling": {
          const j = JSON.parse(raw || "{}");
          if (typeof j.enabled !== "boolean") {
            return answer(400, { message: `Body must be {"enabled": true|false}. Received: ${raw}` });
          }
          api.setThrottling(j.enabled);
          return answer(200, { throttling });
        }
        case "GET health": return answer(200, { ok: true });
        default:
          return answer(404, { message: `Unknown admin route '${req.method} ${ADMIN_PREFIX}${route}'. Known: GET|DELETE calls, GET|DELETE state, POST reset, GET|POST|DELETE faults, POST throttling, GET health` });
      }
    } catch (e) {
      return answer(400, { message: (e as Error).message });
    }
  };

  const server = http.createServer((req, res) => {
    const isAdmin = (req.url ?? "").startsWith(ADMIN_PREFIX);
    const work = isAdmin ? handleAdmin(req, res) : handleAws(req, res);
    work.catch((e) => {
      if (!res.headersSent && !res.destroyed) {
        sendError(res, { ...INTERNAL_FAILURE, message: String((e as Error)?.message ?? e) }, randomUUID());
      }
    });
  });
  // Keep-alive sockets from SDK clients must not hold stop() open.
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  api.port = port;
  api.url = `http://127.0.0.1:${port}`;
  persist();
  return api;
}
