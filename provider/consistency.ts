/**
 * AWS's reads are eventually consistent: a Describe soon after a write may still answer the alias as it
 * was before. Every write, this provider's or anyone's, moves the alias's updateDate (a recreation, its
 * creationDate) forward, so an answer older than what the provider itself recorded can only be stale. Pure.
 */
function time(iso: unknown): number {
    return typeof iso === "string" ? Date.parse(iso) : NaN;
}

/** Waits before reading again after a stale answer; AWS's reads catch up within seconds. */
export const STALE_REREAD_DELAYS_MS = [500, 1500];

export function isStaleRead(live: { creationDate: string; updateDate: string }, known: { creationDate?: unknown; updateDate?: unknown }): boolean {
    return time(live.updateDate) < time(known.updateDate) || time(live.creationDate) < time(known.creationDate);
}
