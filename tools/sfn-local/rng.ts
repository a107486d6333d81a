// A seeded PRNG, so a run with faults or weighted routing can be replayed exactly from its seed.
// mulberry32 is 6 lines, fast and good enough for fault dice and weighted picks; a library would add a
// dependency for no gain, and Math.random cannot be seeded.

export type Random = () => number;

/** Spreads a seed's bits (one splitmix32 step): mulberry32 started from small seeds (1, 7, 102) draws
 * clustered numbers at first, so faults at p=0.5 could be absent for a dozen calls. */
function mixSeed(seed: number): number {
  let z = (seed + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Returns a function yielding uniform floats in [0, 1), fully determined by `seed`. */
export function mulberry32(seed: number): Random {
  let a = mixSeed(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks an index with probability proportional to its weight; `r` in [0, 1). Zero weights never win. */
export function pickWeighted(weights: readonly number[], r: number): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let x = r * total;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] <= 0) continue;
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  // Floating-point slack: fall back to the last item with weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return 0;
}
