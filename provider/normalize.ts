/**
 * One canonical form of an alias's configuration, used for everything the provider records and sends:
 * routing sorted by version ARN (AWS treats routing as a set of versions with weights, so the order a user
 * writes entries in never matters), and a description that is always a string (AWS does not distinguish an
 * absent description from an empty one; removing one sends ""). Outputs made after a create or an update
 * and outputs read back from AWS therefore compare equal whenever AWS holds what was written. Pure.
 */
import { AliasOutputs, RoutingEntry } from "./types";

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

export function canonicalDescription(description: string | undefined | null): string {
    return description ?? "";
}

/** The configuration an alias call sends: the whole desired configuration, canonical. */
export interface AliasConfiguration {
    readonly description: string;
    readonly routingConfiguration: RoutingEntry[];
}

export function canonicalConfiguration(c: { description?: string | null; routingConfiguration: readonly RoutingEntry[] }): AliasConfiguration {
    return { description: canonicalDescription(c.description), routingConfiguration: canonicalRouting(c.routingConfiguration) };
}

/** The outputs of an alias: every declared output present, in canonical form, no key undefined. */
export function aliasOutputs(a: {
    name: string;
    description?: string | null;
    routingConfiguration: readonly RoutingEntry[];
    adoptExisting?: unknown;
    arn: string;
    stateMachineArn: string;
    creationDate: string;
    updateDate: string;
}): AliasOutputs {
    return {
        name: a.name,
        ...canonicalConfiguration(a),
        adoptExisting: a.adoptExisting === true,
        arn: a.arn,
        stateMachineArn: a.stateMachineArn,
        creationDate: a.creationDate,
        updateDate: a.updateDate,
    };
}
