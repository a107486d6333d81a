// What the resilience suites exercised, printed once at the end of a mocha run (fast suite or soak).
import { crashes } from "../support/crash";

export const counts = {
    inputsTried: 0,
    faults: {} as Record<string, number>,
    crashes,
    outOfBand: 0,
    convergedRuns: 0,
    failedConvergences: 0,
    /** Aliases a crash left unrecorded that the next up refused to take over (then adopted once). */
    refusedAfterCrash: 0,
};

/**
 * Counts the faults the endpoint injected, from its call log (`fault:*` outcomes, `latency:*` beyond a
 * timeout, reads answered from `stale` state); returns how many this log holds.
 */
export function countFaults(calls: { outcome: string; injected?: string[] }[], latencyBeyondMs = Infinity): number {
    let found = 0;
    const add = (kind: string) => {
        counts.faults[kind] = (counts.faults[kind] ?? 0) + 1;
        found++;
    };
    for (const c of calls) {
        if (c.outcome.startsWith("fault:")) add(c.outcome.slice(6));
        const ms = (c.injected ?? []).map((i) => /^latency:(\d+)ms$/.exec(i)).find(Boolean);
        if (ms && Number(ms[1]) > latencyBeyondMs) add("latency-timeout");
        if ((c.injected ?? []).includes("stale")) add("stale-read");
    }
    return found;
}

export function report(): string {
    const f = Object.entries(counts.faults).map(([k, n]) => `${k} ${n}`).join(", ") || "none";
    return `resilience counts: inputs tried ${counts.inputsTried}; faults injected: ${f}; crashes: engine ${counts.crashes.engine}, ` +
        `plugin ${counts.crashes.plugin}; unrecorded aliases refused after a crash ${counts.refusedAfterCrash}; ` +
        `out-of-band changes ${counts.outOfBand}; converged ${counts.convergedRuns}, ` +
        `not converged ${counts.failedConvergences}`;
}

// Root hook: printed after all suites of the run.
after(() => {
    if (counts.inputsTried || counts.convergedRuns) console.log(`\n  ${report()}\n`);
});
