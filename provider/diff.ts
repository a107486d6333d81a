/**
 * Diff: what changed between the stored outputs and the checked inputs, and whether AWS can apply it
 * in place. Pure. Order of routing entries never matters; provider-only inputs never cause a change.
 */
import { parseVersionArn, VersionRef } from "./arn";
import { canonicalDescription, sameRouting } from "./normalize";
import { isUnknown, REPLACE_ON, UNKNOWN } from "./rules";
import { RoutingEntry } from "./types";
import { MARKER_KEY } from "./rollout/plan";

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

/** The first version of the routing that is a version ARN (its region, account, state machine), when known. */
export function versionRefOf(routing: unknown): VersionRef | undefined {
    if (!Array.isArray(routing)) return undefined;
    for (const entry of routing) {
        const parsed = parseVersionArn((entry as Props | undefined)?.stateMachineVersionArn);
        if (parsed.ok) return parsed.value;
    }
    return undefined;
}

/** The state machine the routing's versions belong to, when it is known. */
export function stateMachineOf(routing: unknown): string | undefined {
    return versionRefOf(routing)?.stateMachineArn;
}

/** The parts of the alias ARN (rules.ts REPLACE_ON) as far as they are known; `unknown` while not yet known. */
function identityOf(props: Props, recordedMachine?: unknown): Record<keyof typeof REPLACE_ON, string | typeof UNKNOWN | undefined> {
    const routing = props.routingConfiguration ?? preferenceRouting(props.deploymentPreference);
    return {
        aliasName: isUnknown(props.name) ? UNKNOWN : (props.name as string | undefined),
        // Unknown versions are reported as an update, not a replacement: the up runs diff again with known
        // values, and replaces then if the versions turn out to belong to another state machine.
        stateMachineArn: (recordedMachine as string | undefined) ?? (containsUnknown(routing) ? undefined : stateMachineOf(routing)),
    };
}

/**
 * Where a deploymentPreference ends: 100% on its version (an unknown or missing version stays unknown).
 * What the rollout goes through on the way is the update's business, not the diff's.
 */
export function preferenceRouting(preference: unknown): unknown {
    if (preference === undefined) return undefined;
    if (isUnknown(preference) || typeof preference !== "object" || preference === null) return UNKNOWN;
    const version = (preference as Props).stateMachineVersionArn;
    return [{ stateMachineVersionArn: version === undefined ? UNKNOWN : version, weight: 100 }];
}

export function diffAlias(olds: Props, news: Props): AliasDiff {
    const diffs: string[] = [];
    const replaces: string[] = [];

    const before = identityOf(olds, olds.stateMachineArn);
    const after = identityOf(news);
    for (const [part, property] of Object.entries(REPLACE_ON) as [keyof typeof REPLACE_ON, string][]) {
        const [a, b] = [before[part], after[part]];
        // An unknown name could be any name: the alias's identity may change. A state machine is compared
        // only when both are known.
        const changed = part === "aliasName" ? b === UNKNOWN || a !== b : a !== undefined && b !== undefined && a !== b;
        if (changed) replaces.push(property);
    }

    if (replaces.includes("name")) diffs.push("name");
    if (isUnknown(news.description) || canonicalDescription(news.description as string) !== canonicalDescription(olds.description as string)) {
        diffs.push("description");
    }
    const gradual = news.deploymentPreference !== undefined;
    const newRouting = gradual ? preferenceRouting(news.deploymentPreference) : news.routingConfiguration;
    // A rollout left part-way (its marker recorded) is still to finish, or to route back: always an update.
    const unfinished = gradual && olds[MARKER_KEY] !== undefined;
    if (unfinished || containsUnknown(newRouting) || !sameRouting((olds.routingConfiguration ?? []) as RoutingEntry[], (newRouting ?? []) as RoutingEntry[])) {
        diffs.push(gradual ? "deploymentPreference" : "routingConfiguration");
    }

    // adoptExisting is deliberately not compared: it changes nothing in AWS.
    return { changes: diffs.length > 0 || replaces.length > 0, replaces, diffs };
}
