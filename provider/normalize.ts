import { RoutingEntry } from "./types";

/**
 * Routing in a canonical order (by version ARN), so that the order a user writes entries in never
 * matters: AWS treats routing as a set of versions with weights.
 */
export function canonicalRouting(routing: readonly RoutingEntry[]): RoutingEntry[] {
    return routing
        .map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight }))
        .sort((a, b) => (a.stateMachineVersionArn < b.stateMachineVersionArn ? -1 : a.stateMachineVersionArn > b.stateMachineVersionArn ? 1 : 0));
}

/** Whether two routings send the same share of executions to the same versions, in any order. */
export function sameRouting(a: readonly RoutingEntry[], b: readonly RoutingEntry[]): boolean {
    if (a.length !== b.length) return false;
    const x = canonicalRouting(a);
    const y = canonicalRouting(b);
    return x.every((e, i) => e.stateMachineVersionArn === y[i].stateMachineVersionArn && e.weight === y[i].weight);
}

/** AWS does not distinguish an absent description from an empty one (removing one sends ""). */
export function canonicalDescription(description: string | undefined | null): string {
    return description ?? "";
}
