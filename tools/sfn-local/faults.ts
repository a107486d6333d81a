// Fault injection: what to break, parsed from a compact string or given as an object, and the pure
// decision of which fault (if any) hits a given call.
//
// Compact grammar (the `--faults` CLI flag, `setFaults("...")`, POST /__sfn-local/faults as text):
//   spec    := item ("," item)*
//   item    := key "=" value
//   throttle=P       extra ThrottlingException with probability P (0..1), on top of the token buckets
//   5xx=P            answer 500/503 with probability P
//   5xx-next=N       answer the next N matching calls with 500/503
//   5xx-status=S     500 (InternalFailure, default) | 503 (ServiceUnavailable) | mixed (seeded coin)
//   drop=P           destroy the socket without a response, with probability P
//   drop-next=N      drop the next N matching calls
//   latency=MS       add MS milliseconds before answering; latency=MIN-MAX draws uniformly (seeded)
//   stale=MS         eventual consistency: for MS ms after a write, Describe*/List* see the state as it
//                    was before that write
//   ops=A|B|...      only these operations get throttle/5xx/drop/latency faults (default: all)
//   seed=N           reseed the one PRNG behind faults and weighted routing (replays a run)
// Example: throttle=0.2,5xx=0.1,drop=0.05,latency=50-200,stale=2000,seed=42

import type { Random } from "./rng";

export interface FaultSpec {
  /** Probability of an extra ThrottlingException. @default 0 */
  readonly throttle?: number;
  /** Probability of a 5xx answer. @default 0 */
  readonly error5xx?: number;
  /** The next N matching calls get a 5xx. @default 0 */
  readonly next5xx?: number;
  /** Which 5xx to send. @default 500 */
  readonly status5xx?: 500 | 503 | "mixed";
  /** Probability that the connection is dropped without a response. @default 0 */
  readonly drop?: number;
  /** The next N matching calls are dropped. @default 0 */
  readonly nextDrop?: number;
  /** Added latency in ms, fixed or a [min, max] range. @default 0 */
  readonly latencyMs?: number | readonly [number, number];
  /** Eventual-consistency window in ms after each write. @default 0 */
  readonly staleMs?: number;
  /** Operations the throttle/5xx/drop/latency faults apply to. @default all */
  readonly operations?: readonly string[];
  /** Seed for the shared PRNG. @default unchanged */
  readonly seed?: number;
}

export type FaultKind = "drop" | "5xx" | "throttle";

export interface FaultDecision {
  readonly kind?: FaultKind;
  readonly status?: 500 | 503;
  readonly latencyMs: number;
}

function prob(key: string, v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new Error(`Fault spec: '${key}' must be a probability between 0 and 1. Received: '${v}'`);
  }
  return n;
}

function count(key: string, v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isInteger(n) || n < 0) {
    throw new Error(`Fault spec: '${key}' must be a non-negative integer. Received: '${v}'`);
  }
  return n;
}

/** Parses the compact grammar above. Throws an Error naming the bad item and the rule. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } = {};
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq < 0) throw new Error(`Fault spec: expected key=value. Received: '${item}'`);
    const key = item.slice(0, eq).trim();
    const v = item.slice(eq + 1).trim();
    switch (key) {
      case "throttle": spec.throttle = prob(key, v); break;
      case "5xx": spec.error5xx = prob(key, v); break;
      case "5xx-next": spec.next5xx = count(key, v); break;
      case "5xx-status":
        if (v !== "500" && v !== "503" && v !== "mixed") {
          throw new Error(`Fault spec: '5xx-status' must be 500, 503 or mixed. Received: '${v}'`);
        }
        spec.status5xx = v === "mixed" ? "mixed" : (Number(v) as 500 | 503);
        break;
      case "drop": spec.drop = prob(key, v); break;
      case "drop-next": spec.nextDrop = count(key, v); break;
      case "latency": {
        const m = /^(\d+)(?:-(\d+))?$/.exec(v);
        if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) {
          throw new Error(`Fault spec: 'latency' must be MS or MIN-MAX with MIN <= MAX. Received: '${v}'`);
        }
        spec.latencyMs = m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
        break;
      }
      case "stale": spec.staleMs = count(key, v); break;
      case "ops": spec.operations = v.split("|").map((s) => s.trim()).filter(Boolean); break;
      case "seed": spec.seed = count(key, v); break;
      default:
        throw new Error(
          `Fault spec: unknown key '${key}'. Known: throttle, 5xx, 5xx-next, 5xx-status, drop, drop-next, latency, stale, ops, seed`,
        );
    }
  }
  return spec;
}

/** Accepts either form; `undefined` or "" means no faults. */
export function normalizeFaultSpec(spec: FaultSpec | string | undefined): FaultSpec {
  if (spec === undefined) return {};
  return typeof spec === "string" ? parseFaultSpec(spec) : { ...spec };
}

/** The "next N" counters left, mutable state kept by the server beside the spec. */
export interface FaultCounters {
  next5xx: number;
  nextDrop: number;
}

/**
 * Decides the fault for one call. Drops win over 5xx, and 5xx over throttling, so that a spec with
 * several kinds still yields one outcome per call; "next N" counters win over probabilities.
 */
export function decideFault(spec: FaultSpec, counters: FaultCounters, operation: string, rand: Random): FaultDecision {
  if (spec.operations && spec.operations.length > 0 && !spec.operations.includes(operation)) return { latencyMs: 0 };
  let latencyMs = 0;
  if (typeof spec.latencyMs === "number") latencyMs = spec.latencyMs;
  else if (spec.latencyMs) latencyMs = Math.round(spec.latencyMs[0] + rand() * (spec.latencyMs[1] - spec.latencyMs[0]));
  const status = (): 500 | 503 =>
    spec.status5xx === "mixed" ? (rand() < 0.5 ? 500 : 503) : spec.status5xx ?? 500;
  if (counters.nextDrop > 0) {
    counters.nextDrop--;
    return { kind: "drop", latencyMs };
  }
  if (counters.next5xx > 0) {
    counters.next5xx--;
    return { kind: "5xx", status: status(), latencyMs };
  }
  if (spec.drop && rand() < spec.drop) return { kind: "drop", latencyMs };
  if (spec.error5xx && rand() < spec.error5xx) return { kind: "5xx", status: status(), latencyMs };
  if (spec.throttle && rand() < spec.throttle) return { kind: "throttle", latencyMs };
  return { latencyMs };
}
