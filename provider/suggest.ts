/** Levenshtein distance, case-insensitive; small inputs only (property names). */
function distance(a: string, b: string): number {
    a = a.toLowerCase();
    b = b.toLowerCase();
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = cur;
    }
    return prev[b.length];
}

/** The known name closest to a misspelled one, when close enough to be what was meant. */
export function closest(name: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
        const d = distance(name, k);
        if (d < bestDistance) {
            best = k;
            bestDistance = d;
        }
    }
    // Allow about one typo per four characters: "routingConfigurations" and "weigth" match, "foo" does not.
    return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}
