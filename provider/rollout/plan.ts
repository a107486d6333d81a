/**
 * A rollout as data: where it starts from (the live alias, what was recorded), the list of shifts and
 * waits that remain, and what a poll of the alarms means. Pure: no I/O, no clock (times are passed in).
 * runner.ts executes these with AWS.
 */
import { RoutingEntry } from "../types";
import { RolloutPreference } from "./preference";

/** One thing the rollout does, in order. */
export type PlanStep =
    /** One UpdateStateMachineAlias: the target gets `weight`, the origin the rest. */
    | { readonly kind: "shift"; readonly weight: number }
    /** Hold `weight` for `seconds`, polling alarms. */
    | { readonly kind: "wait"; readonly weight: number; readonly seconds: number }
    /** After the final shift: watch alarms for `seconds`, while a rollback is still possible. */
    | { readonly kind: "bake"; readonly seconds: number };

/**
 * The steps from the target's current weight `from` (0 when nothing has moved yet) to the end. Shifts are
 * the preference's that lie above `from` (never a step again that was already made, never a jump past one),
 * each after a wait of the interval; the first one waits only for what is left of its interval when the
 * rollout resumes at one of its weights (`heldSeconds`: how long `from` has been in place, from the alias's
 * updateDate), and not at all when nothing has moved. Then the bake. So a plan never takes longer than the
 * whole rollout (totalSeconds).
 */
export function planFrom(p: Pick<RolloutPreference, "shifts" | "intervalSeconds" | "bakeTimeSeconds">, from: number, heldSeconds = 0): PlanStep[] {
    const steps: PlanStep[] = [];
    const remaining = p.shifts.filter((w) => w > from);
    let weight = from;
    remaining.forEach((w, i) => {
        if (i > 0) steps.push({ kind: "wait", weight, seconds: p.intervalSeconds });
        else if (from > 0 && from >= p.shifts[0]) {
            // `from` is a weight this plan reaches: what is left of its interval. (A weight below the first
            // shift is not one of this plan's: the first shift comes at once, as from 0.)
            const held = Number.isFinite(heldSeconds) ? Math.floor(heldSeconds) : 0;
            const left = Math.max(0, Math.min(p.intervalSeconds, p.intervalSeconds - held));
            steps.push({ kind: "wait", weight, seconds: left });
        }
        steps.push({ kind: "shift", weight: w });
        weight = w;
    });
    if (p.bakeTimeSeconds > 0) steps.push({ kind: "bake", seconds: p.bakeTimeSeconds });
    return steps;
}

/** The routing with `weight` percent on the target and the rest on the origin (one entry at 0 or 100). */
export function routingAt(origin: string, target: string, weight: number): RoutingEntry[] {
    if (weight >= 100) return [{ stateMachineVersionArn: target, weight: 100 }];
    if (weight <= 0) return [{ stateMachineVersionArn: origin, weight: 100 }];
    return [
        { stateMachineVersionArn: target, weight },
        { stateMachineVersionArn: origin, weight: 100 - weight },
    ];
}

/** What the provider writes into a recorded state that a rollout left part-way (a failed or interrupted update). */
export interface RolloutMarker {
    readonly originVersionArn: string;
    readonly targetVersionArn: string;
}
export const MARKER_KEY = "rolloutInProgress";

/** The version a routing sends all traffic to, if it sends all to one. */
export function soleVersion(routing: readonly RoutingEntry[] | undefined): string | undefined {
    if (!routing) return undefined;
    const full = routing.filter((r) => r.weight === 100);
    return full.length === 1 && routing.every((r) => r.weight === 100 || r.weight === 0) ? full[0].stateMachineVersionArn : undefined;
}

/** Where a rollout to `target` stands, from the live alias and what was recorded for it. */
export type Position =
    /** All traffic is on the target. `origin`: where it came from when a rollout toward it did not finish (its bake is owed). */
    | { readonly kind: "at-target"; readonly origin?: string }
    /** Nothing has moved yet: all traffic is on `origin`. */
    | { readonly kind: "start"; readonly origin: string }
    /** Part-way toward the target, which has `weight`. */
    | { readonly kind: "resume"; readonly origin: string; readonly weight: number }
    /** Part-way toward another version, and the program names the version it came from: route back in one call. */
    | { readonly kind: "route-back"; readonly away: string; readonly weight: number }
    /** Split between two versions, neither of them the target: a rollout starts from one version. */
    | { readonly kind: "refuse"; readonly routing: readonly RoutingEntry[] };

/**
 * Decides the position. `recorded` is the routing in the state (what the last finished up left, or what a
 * failed one found) and `marker` what a rollout that did not finish wrote there; with neither telling, a
 * split that includes the target is taken as a rollout toward it (traffic then only moves toward what the
 * program names, watched, never all at once).
 */
export function positionOf(live: readonly RoutingEntry[], target: string, recorded?: readonly RoutingEntry[], marker?: RolloutMarker): Position {
    const sole = soleVersion(live);
    if (sole === target) {
        if (marker && marker.targetVersionArn === target) return { kind: "at-target", origin: marker.originVersionArn };
        const before = soleVersion(recorded);
        return before !== undefined && before !== target ? { kind: "at-target", origin: before } : { kind: "at-target" };
    }
    if (sole !== undefined) return { kind: "start", origin: sole };
    const mine = live.find((r) => r.stateMachineVersionArn === target);
    const other = live.find((r) => r.stateMachineVersionArn !== target && r.weight > 0);
    if (!mine || !other) return { kind: "refuse", routing: live };
    if (marker) {
        if (marker.originVersionArn === target && marker.targetVersionArn === other.stateMachineVersionArn) {
            return { kind: "route-back", away: other.stateMachineVersionArn, weight: other.weight };
        }
        if (marker.targetVersionArn === target) return { kind: "resume", origin: other.stateMachineVersionArn, weight: mine.weight };
    }
    if (soleVersion(recorded) === target) return { kind: "route-back", away: other.stateMachineVersionArn, weight: other.weight };
    return { kind: "resume", origin: other.stateMachineVersionArn, weight: mine.weight };
}

/** An alarm as DescribeAlarms describes it (either type). */
export interface AlarmState {
    readonly name: string;
    readonly state: "OK" | "ALARM" | "INSUFFICIENT_DATA" | string;
    readonly reason?: string;
    readonly type: "MetricAlarm" | "CompositeAlarm";
}

/** What one poll of the alarms says. */
export interface AlarmVerdict {
    /** Names asked for that DescribeAlarms did not return. */
    readonly missing: string[];
    /** Alarms that stop the rollout: in ALARM, or in INSUFFICIENT_DATA when treated as ALARM. */
    readonly firing: AlarmState[];
    readonly insufficient: AlarmState[];
}

export function assessAlarms(names: readonly string[], described: readonly AlarmState[], treatInsufficientDataAs: "OK" | "ALARM"): AlarmVerdict {
    const byName = new Map(described.map((a) => [a.name, a]));
    const missing = names.filter((n) => !byName.has(n));
    const present = names.map((n) => byName.get(n)).filter((a): a is AlarmState => a !== undefined);
    const insufficient = present.filter((a) => a.state === "INSUFFICIENT_DATA");
    const firing = present.filter((a) => a.state === "ALARM" || (treatInsufficientDataAs === "ALARM" && a.state === "INSUFFICIENT_DATA"));
    return { missing, firing, insufficient };
}

/** The alarms as a message names them: `name (STATE: reason)`. */
export function describeAlarms(alarms: readonly AlarmState[]): string {
    return alarms.map((a) => `${a.name} (${a.state}${a.reason ? `: ${a.reason}` : ""})`).join(", ");
}

/** A version ARN as progress lines name it: its number ("version 3"). */
export function versionLabel(arn: string): string {
    const n = arn.slice(arn.lastIndexOf(":") + 1);
    return /^\d+$/.test(n) ? `version ${n}` : arn;
}
