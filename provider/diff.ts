/**
 * Diff: what changed between the stored outputs and the checked inputs, and whether AWS can apply it
 * in place. Pure. Order of routing entries never matters; provider-only inputs never cause a change.
 */
import { parseVersionArn } from "./arn";
import { canonicalDescription, sameRouting } from "./normalize";
import { isUnknown } from "./rules";
import { RoutingEntry } from "./types";

export interface AliasDiff {
    /** Always a boolean: undefined would make the engine compare raw inputs, `__provider` included. */
    readonly changes: boolean;
    /** Input properties whose change needs a new alias. */
    readonly replaces: string[];
    /** Input properties that differ (for display and tests). */
    readonly diffs: string[];
}

type Props = Record<string, unknown>;

/** Whether a value, or anything inside it, is not yet known (preview). */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
    return false;
}

/** The state machine the routing's versions belong to, when it is known. */
export function stateMachineOf(routing: unknown): string | undefined {
    if (!Array.isArray(routing)) return undefined;
    for (const entry of routing) {
        const parsed = parseVersionArn((entry as Props | undefined)?.stateMachineVersionArn);
        if (parsed.ok) return parsed.value.stateMachineArn;
    }
    return undefined;
}

export function diffAlias(olds: Props, news: Props): AliasDiff {
    const diffs: string[] = [];
    const replaces: string[] = [];

    // An unknown name could be any name: the alias's identity may change.
    if (isUnknown(news.name) || news.name !== olds.name) {
        diffs.push("name");
        replaces.push("name");
    }

    if (isUnknown(news.description) || canonicalDescription(news.description as string) !== canonicalDescription(olds.description as string)) {
        diffs.push("description");
    }

    const newRouting = news.routingConfiguration;
    if (containsUnknown(newRouting)) {
        // Reported as an update: the up re-runs diff with known values and replaces then if the versions
        // turn out to belong to another state machine.
        diffs.push("routingConfiguration");
    } else {
        const oldRouting = (olds.routingConfiguration ?? []) as RoutingEntry[];
        if (!sameRouting(oldRouting, (newRouting ?? []) as RoutingEntry[])) diffs.push("routingConfiguration");
        const oldMachine = (olds.stateMachineArn as string | undefined) ?? stateMachineOf(oldRouting);
        const newMachine = stateMachineOf(newRouting);
        if (oldMachine !== undefined && newMachine !== undefined && oldMachine !== newMachine) replaces.push("routingConfiguration");
    }

    // adoptExisting (PROVIDER_ONLY_INPUTS) is deliberately not compared: it changes nothing in AWS.
    return { changes: diffs.length > 0, replaces, diffs };
}
