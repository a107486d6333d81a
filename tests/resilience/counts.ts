// What the resilience suites exercised, printed once at the end of a mocha run (fast suite or soak).
import { crashes } from "../support/crash";

export const counts = {
    inputsTried: 0,
    faults: {} as Record<string, number>,
    crashes,
    outOfBand: 0,
    convergedRuns: 0,
    failedConvergences: 0,
};

/** Counts the faults the endpoint injected, from its call log (`fault:*` outcomes, `latency:*` beyond a timeout). */
export function countFaults(calls: { outcome: string; injected?: string[] }[], latencyBeyondMs = Infinity): void {
    for (const c of calls) {
        if (c.outcome.startsWith("fault:")) counts.faults[c.outcome.slice(6)] = (counts.faults[c.outcome.slice(6)] ?? 0) + 1;
        const ms = (c.injected ?? []).map((i) => /^latency:(\d+)ms$/.exec(i)).find(Boolean);
        if (ms && Number(ms[1]) > latencyBeyondMs) counts.faults["latency-timeout"] = (counts.faults["latency-timeout"] ?? 0) + 1;
    }
}

export function report(): string {
    const f = Object.entries(counts.faults).map(([k, n]) => `${k} ${n}`).join(", ") || "none";
    return `resilience counts: inputs tried ${counts.inputsTried}; faults injected: ${f}; crashes: engine ${counts.crashes.engine}, ` +
        `plugin ${counts.crashes.plugin}; out-of-band changes ${counts.outOfBand}; converged ${counts.convergedRuns}, ` +
        `not converged ${counts.failedConvergences}`;
}

// Root hook: printed after all suites of the run.
after(() => {
    if (counts.inputsTried || counts.convergedRuns) console.log(`\n  ${report()}\n`);
});
