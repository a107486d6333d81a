// Pure helpers of the benchmark: medians, counting the endpoint's call log, the achieved-rate ratio under a
// token bucket, and the table. No I/O, no clock: tests/bench/stats.test.ts checks them.

/** One entry of the local endpoint's call log, as far as the benchmark reads it. */
export interface LoggedCall {
    readonly operation: string;
    readonly outcome: string;
    /** Epoch ms when the request arrived. */
    readonly time: number;
}

export const ALIAS_WRITES = ["CreateStateMachineAlias", "UpdateStateMachineAlias", "DeleteStateMachineAlias"] as const;

export function median(values: readonly number[]): number {
    if (values.length === 0) throw new Error("median of no values");
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Whether a call was throttled, by the token buckets (ThrottlingException) or an injected fault. */
export const isThrottled = (c: Pick<LoggedCall, "outcome">): boolean => c.outcome === "ThrottlingException" || c.outcome === "fault:throttle";

/** Calls that reached the endpoint, every attempt included (a throttled attempt is an API call too). */
export function countCalls(calls: readonly LoggedCall[], operations?: readonly string[]): number {
    return operations ? calls.filter((c) => operations.includes(c.operation)).length : calls.length;
}

/** `Operation:outcome` -> count, in first-seen order. */
export function callHistogram(calls: readonly LoggedCall[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of calls) out[`${c.operation}:${c.outcome}`] = (out[`${c.operation}:${c.outcome}`] ?? 0) + 1;
    return out;
}

/** Compact "Create, Update x2" form of a call sequence (throttled attempts marked). */
export function callPattern(calls: readonly LoggedCall[]): string {
    const parts: { label: string; n: number }[] = [];
    for (const c of calls) {
        const label = c.operation.replace(/StateMachineAlias$/, "") + (c.outcome === "ok" ? "" : `(${c.outcome})`);
        const last = parts[parts.length - 1];
        if (last && last.label === label) last.n++;
        else parts.push({ label, n: 1 });
    }
    return parts.length === 0 ? "none" : parts.map((p) => (p.n > 1 ? `${p.label} x${p.n}` : p.label)).join(", ");
}

export interface BucketRule {
    readonly capacity: number;
    readonly refillPerSecond: number;
}

export interface RateMeasure {
    /** Successful calls of the operation. */
    readonly ok: number;
    /** Throttled attempts of the operation. */
    readonly throttled: number;
    /** Seconds from the first call of the operation to its last successful one. */
    readonly seconds: number;
    /** Successful calls beyond the initial burst, per second. */
    readonly sustainedPerSecond: number;
    /** The bucket's refill rate at this time scale (the physical limit once the burst is spent). */
    readonly limitPerSecond: number;
}

/**
 * How close a run came to the bucket's limit. A bucket that starts full grants at most
 * `capacity + refill * T` calls in T seconds, so the calls beyond the burst over T, against the refill rate,
 * is the achieved fraction of the physical limit (1 = every token used as soon as it existed).
 */
export function rateMeasure(calls: readonly LoggedCall[], operation: string, rule: BucketRule, timeScale: number): RateMeasure {
    const mine = calls.filter((c) => c.operation === operation);
    const ok = mine.filter((c) => c.outcome === "ok");
    const throttled = mine.filter(isThrottled).length;
    const limitPerSecond = rule.refillPerSecond * timeScale;
    if (ok.length === 0) return { ok: 0, throttled, seconds: 0, sustainedPerSecond: 0, limitPerSecond };
    const seconds = (ok[ok.length - 1].time - mine[0].time) / 1000;
    const beyond = Math.max(0, ok.length - rule.capacity);
    return { ok: ok.length, throttled, seconds, sustainedPerSecond: seconds > 0 ? beyond / seconds : 0, limitPerSecond };
}

/** The achieved fraction of the limit over several runs: calls beyond the bursts over what refill allowed. */
export function rateRatio(measures: readonly RateMeasure[], rule: BucketRule): number {
    let beyond = 0;
    let allowed = 0;
    for (const m of measures) {
        beyond += Math.max(0, m.ok - rule.capacity);
        allowed += m.limitPerSecond * m.seconds;
    }
    return allowed > 0 ? beyond / allowed : 0;
}

export type Row = readonly [figure: string, value: string, anchor: string, ratio: string];

/** A plain-text table: a header, a rule, rows; section titles are rows with only a figure. */
export function formatTable(rows: readonly (Row | string)[], header: Row = ["figure", "value", "limit or anchor", "ratio"]): string {
    const all = [header, ...rows.filter((r): r is Row => typeof r !== "string")];
    const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
    const line = (r: Row) => r.map((cell, i) => (i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd();
    const out = [line(header), widths.map((w) => "-".repeat(w)).join("  ")];
    for (const r of rows) out.push(typeof r === "string" ? `${r}` : line(r));
    return out.join("\n");
}

/** `value / reference` as "0.50x"; "-" when the reference is 0 (then `same` when the value is 0 too). */
export function ratio(value: number, reference: number, digits = 2): string {
    if (reference === 0) return value === 0 ? "= min" : "-";
    return `${(value / reference).toFixed(digits)}x`;
}

export function bytes(n: number): string {
    return n >= 10240 ? `${(n / 1024).toFixed(1)} KiB` : `${Math.round(n)} B`;
}
