/**
 * Runs a rollout with AWS: the thin layer between plan.ts (what to do) and aws.ts (the calls). Every write
 * is one UpdateStateMachineAlias (a shift, or the one rollback call); reads are one Describe before each
 * shift (drift), one DescribeAlarms per poll, and the pre-traffic execution's calls. Progress goes to stdout,
 * one line per event naming the alias: a dynamic provider's stdout reaches `pulumi up` as info diagnostics
 * (sdk/go/common/resource/plugin/plugin.go newPlugin: stdout lines -> ctx.Diag.Infof; passed through for
 * dynamic providers since 3.146.0, "[cli/plugin] Passthrough unstructured logs from dynamic providers"),
 * shown on the stack's row and under "Diagnostics".
 *
 * A failure after the live alias was read carries what AWS has (`RolloutFailure.routing`), and, when a
 * rollout is left part-way, the marker: the provider records both as the resource's state, so the next up
 * knows where the traffic is and which way it was going.
 */
import { describeAlarmStates, describeAliasSince, describeExecution, LiveAlias, startExecution, updateAlias } from "../aws";
import { isStaleRead } from "../consistency";
import { sameRouting } from "../normalize";
import { RoutingEntry } from "../types";
import { assessAlarms, AlarmState, describeAlarms, planFrom, positionOf, RolloutMarker, routingAt, versionLabel } from "./plan";
import { RolloutPreference } from "./preference";
import { progress } from "../progress";

export interface RolloutRequest {
    readonly region: string;
    readonly aliasArn: string;
    readonly aliasName: string;
    readonly preference: RolloutPreference;
    /** The description to set ("" for none). */
    readonly description: string;
    /** What the state holds for the alias (undefined on create). */
    readonly recorded?: { routing?: readonly RoutingEntry[]; marker?: RolloutMarker; updateDate?: string; creationDate?: string };
    /** The alias as read just now (the provider reads it first); undefined when it does not exist. */
    readonly live: LiveAlias;
}

/** A rollout that stopped: what AWS has now, and the marker when traffic is left part-way. */
export class RolloutFailure extends Error {
    constructor(message: string, readonly live: LiveAlias, readonly marker?: RolloutMarker, readonly cause?: unknown) {
        super(message);
        const aws = cause as { name?: string; awsName?: string; requestId?: string } | undefined;
        this.name = aws?.awsName ?? "RolloutStopped";
        if (aws?.requestId) (this as { requestId?: string }).requestId = aws.requestId;
    }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const clock = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The rollouts running in this process, for cancelRollouts; `cancelled` once the engine said Cancel. */
const running: Interrupt[] = []; // an array, not a Set: the dynamic provider may be serialized by value
let cancelled = false;

/**
 * SIGINT while a rollout runs, or the engine's Cancel: the rollout stops at the next safe point (between
 * calls), recorded, instead of dying mid-way. SIGINT is how the dynamic-provider plugin hears of it: the
 * engine executes that plugin directly and closes it with SIGINT, then SIGKILL 5 s later (plugin.go kill).
 * The provider plugin, run through the nodejs language host, is killed outright when closed (plugin.go
 * ExecPlugin: the RunPlugin context is cancelled); the engine sends it Cancel on Ctrl-C and before every
 * close (provider_plugin.go SignalCancellation, hostManagedProvider.Close), and that stops its rollouts.
 */
class Interrupt {
    requested = false;
    private wake?: () => void;
    readonly request = () => {
        this.requested = true;
        this.wake?.();
    };
    constructor() {
        process.on("SIGINT", this.request);
        running.push(this);
    }
    dispose(): void {
        process.off("SIGINT", this.request);
        running.splice(running.indexOf(this), 1);
    }
    /** Sleeps `ms`, or less when interrupted. */
    async sleep(ms: number): Promise<void> {
        if (this.requested || ms <= 0) return;
        await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, ms);
            this.wake = () => {
                clearTimeout(t);
                resolve();
            };
        });
        this.wake = undefined;
    }
}

/**
 * The provider plugin's Cancel: every rollout in flight stops at its next safe point, as on Ctrl-C, and none
 * starts after it (the engine cancels a deployment, or is about to close the plugin).
 */
export function cancelRollouts(): number {
    cancelled = true;
    for (const r of [...running]) r.request();
    return running.length;
}

function refuseWhenCancelled(aliasName: string): void {
    if (cancelled) throw new Error(`${aliasName}: the deployment was cancelled before this rollout moved any traffic; nothing was changed. Run up again.`);
}

export interface GateRequest {
    readonly region: string;
    readonly aliasName: string;
    readonly preference: RolloutPreference;
}

/**
 * Before any traffic moves: every alarm exists (metric or composite) and none is firing, then the
 * pre-traffic execution, if asked, SUCCEEDED. Throws a plain Error (nothing has moved).
 */
export async function gate(req: GateRequest): Promise<void> {
    const { region, aliasName, preference: p } = req;
    refuseWhenCancelled(aliasName);
    if (p.alarms.length > 0) {
        let described: AlarmState[];
        try {
            described = await describeAlarmStates(region, p.alarms, aliasName);
        } catch (e) {
            throw withCause(new Error(`${aliasName}: the rollout did not start: its alarms could not be read (${(e as Error).message}); nothing was changed. Grant cloudwatch:DescribeAlarms, or check the CloudWatch endpoint, and run up again.`), e);
        }
        const verdict = assessAlarms(p.alarms, described, p.treatInsufficientDataAs);
        if (verdict.missing.length > 0) {
            throw new Error(
                `${aliasName}: the rollout did not start: deploymentPreference.alarms names ${verdict.missing.length === 1 ? "an alarm" : "alarms"} that CloudWatch does not have in ${region}: ` +
                    `${verdict.missing.map((n) => JSON.stringify(n)).join(", ")}. A missing alarm would never fire (CloudWatch counts it as OK): create it, or correct the name. Nothing was changed.`,
            );
        }
        if (verdict.firing.length > 0) {
            throw new Error(`${aliasName}: the rollout did not start: ${verdict.firing.length === 1 ? "an alarm is" : "alarms are"} already firing: ${describeAlarms(verdict.firing)}. Nothing was changed; run up again once ${verdict.firing.length === 1 ? "it is" : "they are"} OK.`);
        }
        progress(`${aliasName}: alarms checked before the rollout: ${p.alarms.length} present, none in ALARM${verdict.insufficient.length ? ` (${verdict.insufficient.length} in INSUFFICIENT_DATA, treated as OK)` : ""}.`);
    }
    const pre = p.preTrafficExecution;
    if (pre) {
        const name = `pre-traffic-${aliasName}`.slice(0, 60) + `-${Date.now().toString(36)}`;
        const { executionArn } = await startExecution(region, p.stateMachineVersionArn, name, pre.input);
        progress(`${aliasName}: pre-traffic execution of ${versionLabel(p.stateMachineVersionArn)} started: ${executionArn}; waiting up to ${pre.timeoutSeconds} s for SUCCEEDED.`, "status");
        const deadline = Date.now() + pre.timeoutSeconds * 1000;
        let delay = 250;
        for (;;) {
            const e = await describeExecution(region, executionArn);
            if (e.status === "SUCCEEDED") {
                progress(`${aliasName}: pre-traffic execution SUCCEEDED.`);
                break;
            }
            if (e.status && e.status !== "RUNNING" && e.status !== "PENDING_REDRIVE") {
                throw new Error(`${aliasName}: the rollout did not start: the pre-traffic execution ${executionArn} of ${p.stateMachineVersionArn} ended ${e.status}${e.error ? ` with error ${e.error}` : ""}${e.cause ? `: ${e.cause}` : ""}. No traffic was moved; fix the version and publish a new one.`);
            }
            if (cancelled) {
                throw new Error(`${aliasName}: the deployment was cancelled while the pre-traffic execution ${executionArn} ran (still ${e.status || "RUNNING"}); no traffic was moved. Run up again.`);
            }
            if (Date.now() >= deadline) {
                throw new Error(`${aliasName}: the rollout did not start: the pre-traffic execution ${executionArn} did not finish within deploymentPreference.preTrafficExecution.timeoutSeconds (${pre.timeoutSeconds} s); it is still ${e.status || "RUNNING"}, and no traffic was moved. Raise timeoutSeconds, or make the execution finish sooner.`);
            }
            await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
            delay = Math.min(delay * 2, 2000);
        }
    }
}

function withCause(error: Error, cause: unknown): Error {
    const aws = cause as { awsName?: string; requestId?: string };
    if (aws?.awsName) error.name = aws.awsName;
    if (aws?.requestId) (error as Error & { requestId?: string }).requestId = aws.requestId;
    (error as Error & { cause?: unknown }).cause = cause;
    return error;
}

/**
 * Moves the alias to 100% on the preference's version, from wherever the live alias is, and returns the alias
 * as AWS then has it. Throws RolloutFailure once anything may have moved.
 */
export async function runRollout(req: RolloutRequest): Promise<LiveAlias> {
    const { region, aliasArn, aliasName, preference: p, description } = req;
    const target = p.stateMachineVersionArn;
    refuseWhenCancelled(aliasName);
    let live = req.live;
    const position = positionOf(live.routingConfiguration, target, req.recorded?.routing, req.recorded?.marker);
    const interrupt = new Interrupt();
    let written: LiveAlias = live;
    const write = async (routing: RoutingEntry[], text: string): Promise<LiveAlias> => {
        const { updateDate } = await updateAlias(region, aliasArn, { description: text, routingConfiguration: routing });
        written = { ...written, description: text, routingConfiguration: routing, updateDate: updateDate || written.updateDate };
        return written;
    };
    try {
        switch (position.kind) {
            case "refuse": {
                const split = position.routing.map((r) => `${versionLabel(r.stateMachineVersionArn)} ${r.weight}%`).join(" and ");
                throw new RolloutFailure(
                    `${aliasName}: the alias routes ${split}, and neither is deploymentPreference.stateMachineVersionArn (${target}); a rollout starts from one version. ` +
                        `Set routingConfiguration to 100% on one of them and run up, then set deploymentPreference again.`,
                    live,
                );
            }
            case "route-back": {
                const out = await write(routingAt(target, target, 100), description);
                progress(`${aliasName}: routed back: 100% on ${versionLabel(target)} in one call (it had ${position.weight}% on ${versionLabel(position.away)}).`);
                return out;
            }
            case "at-target": {
                if (live.description !== description) live = await write(live.routingConfiguration, description);
                if (position.origin && p.bakeTimeSeconds > 0) {
                    progress(`${aliasName}: 100% on ${versionLabel(target)}; the bake of the rollout from ${versionLabel(position.origin)} did not finish: watching the alarms again.`);
                    const marker: RolloutMarker = { originVersionArn: position.origin, targetVersionArn: target };
                    await watch(position.origin, 100, p.bakeTimeSeconds, "bake", marker);
                    if (interrupt.requested) throw interrupted(position.origin, 100, marker);
                    progress(`${aliasName}: bake finished: the alarms stayed OK; the rollout to ${versionLabel(target)} is complete.`);
                }
                return written;
            }
            case "start":
            case "resume": {
                const origin = position.origin;
                const from = position.kind === "resume" ? position.weight : 0;
                if (from === 0) await gate({ region, aliasName, preference: p });
                else {
                    progress(`${aliasName}: resuming the rollout from ${versionLabel(origin)} to ${versionLabel(target)} at ${from}% (found on the alias).`);
                    await pollOnce(origin, from, "before resuming");
                }
                const held = from > 0 ? Math.max(0, (Date.now() - Date.parse(live.updateDate)) / 1000) : 0;
                const steps = planFrom(p, from, Number.isFinite(held) ? held : 0);
                const marker: RolloutMarker = { originVersionArn: origin, targetVersionArn: target };
                let weight = from;
                let first = true;
                for (const step of steps) {
                    if (interrupt.requested) throw interrupted(origin, weight, marker);
                    if (step.kind === "shift") {
                        if (!first) await checkDrift(routingAt(origin, target, weight), marker);
                        await write(routingAt(origin, target, step.weight), description);
                        weight = step.weight;
                        progress(`${aliasName}: shifted ${step.weight}% to ${versionLabel(target)}${step.weight < 100 ? ` (${100 - step.weight}% stays on ${versionLabel(origin)})` : ` (from ${versionLabel(origin)})`}.`);
                    } else {
                        await watch(origin, weight, step.seconds, step.kind, marker);
                    }
                    first = false;
                }
                if (interrupt.requested) throw interrupted(origin, weight, marker);
                progress(`${aliasName}: rollout complete: 100% on ${versionLabel(target)}.`);
                return written;
            }
        }
    } finally {
        interrupt.dispose();
    }

    function interrupted(origin: string, weight: number, marker: RolloutMarker): RolloutFailure {
        if (weight === 100) {
            progress(`${aliasName}: interrupted during the bake at 100% on ${versionLabel(target)}; the next up watches the alarms again.`);
            return new RolloutFailure(
                `${aliasName}: the rollout was interrupted during the bake: 100% is on ${versionLabel(target)}, but its alarms were not watched for the whole bake; run up again to bake again (a firing alarm routes back to ${versionLabel(origin)}), or name ${versionLabel(origin)} again to route back in one call.`,
                written,
                marker,
            );
        }
        progress(`${aliasName}: interrupted at ${weight}% on ${versionLabel(target)}; the next up resumes from there.`);
        return new RolloutFailure(
            `${aliasName}: the rollout was interrupted at ${weight}% on ${versionLabel(target)} (${100 - weight}% on ${versionLabel(origin)}); nothing was lost: run up again to resume from ${weight}%, or name ${versionLabel(origin)} again to route back in one call.`,
            written,
            marker,
        );
    }

    /** Compares the alias with what this rollout last wrote; a change by anyone else stops it, nothing overwritten. */
    async function checkDrift(expected: RoutingEntry[], marker?: RolloutMarker): Promise<void> {
        const now = await describeAliasSince(region, aliasArn, written);
        if (!now) {
            throw new RolloutFailure(`${aliasName}: the alias was deleted during the rollout (outside this deployment); stopped. Run up again to create it.`, { ...written, routingConfiguration: [] }, marker);
        }
        if (isStaleRead(now, written)) return; // AWS has this rollout's write; its reads lag behind
        if (!sameRouting(now.routingConfiguration, expected)) {
            const show = (r: readonly RoutingEntry[]) => r.map((e) => `${versionLabel(e.stateMachineVersionArn)} ${e.weight}%`).join(", ");
            throw new RolloutFailure(
                `${aliasName}: drift detected during the rollout: expected ${show(expected)}, but the alias has ${show(now.routingConfiguration)} (changed at ${now.updateDate}, outside this deployment). ` +
                    `Stopped without overwriting it. Find what else updates the alias (UpdateStateMachineAlias), then run up again.`,
                now,
                marker,
            );
        }
    }

    /** Polls the alarms once; a firing alarm rolls back. */
    async function pollOnce(origin: string, weight: number, when: string, marker?: RolloutMarker): Promise<void> {
        let described: AlarmState[];
        if (p.alarms.length === 0) return;
        try {
            described = await describeAlarmStates(region, p.alarms, aliasName);
        } catch (e) {
            if (p.onAlarmReadFailure === "CONTINUE") {
                progress(`${aliasName}: alarms could not be read (${(e as Error).message}); continuing (onAlarmReadFailure: CONTINUE).`);
                return;
            }
            await rollback(origin, weight, `its alarms could not be read ${when} (${(e as Error).message}; onAlarmReadFailure: ROLLBACK, failing closed)`, marker, e);
            return;
        }
        const verdict = assessAlarms(p.alarms, described, p.treatInsufficientDataAs);
        // An alarm deleted during the rollout is unreadable protection: fail closed, as with a failed read.
        if (verdict.firing.length > 0 || (verdict.missing.length > 0 && p.onAlarmReadFailure === "ROLLBACK")) {
            const why = verdict.firing.length > 0
                ? `CloudWatch ${verdict.firing.length === 1 ? "alarm" : "alarms"} ${describeAlarms(verdict.firing)} ${when}`
                : `${verdict.missing.length === 1 ? "alarm" : "alarms"} ${verdict.missing.join(", ")} no longer ${verdict.missing.length === 1 ? "exists" : "exist"} ${when}`;
            await rollback(origin, weight, why, marker);
        }
    }

    /** Holds the current weight for `seconds`, polling alarms every alarmPollSeconds and at the end. */
    async function watch(origin: string, weight: number, seconds: number, what: "wait" | "bake", marker?: RolloutMarker): Promise<void> {
        const end = Date.now() + seconds * 1000;
        if (seconds > 0) {
            progress(`${aliasName}: ${what === "bake" ? "baking" : "holding"} ${weight}% on ${versionLabel(target)} until ${clock(end)} (${seconds} s)${p.alarms.length ? `, polling ${p.alarms.length} ${p.alarms.length === 1 ? "alarm" : "alarms"} every ${p.alarmPollSeconds} s` : ""}.`, "status");
        }
        const when = what === "bake" ? "during the bake" : `while holding ${weight}%`;
        for (;;) {
            await pollOnce(origin, weight, when, marker);
            const left = end - Date.now();
            if (left <= 0 || interrupt.requested) break;
            await interrupt.sleep(Math.min(p.alarmPollSeconds * 1000, left));
            if (interrupt.requested) break;
        }
        if (p.alarms.length && seconds > 0 && !interrupt.requested) progress(`${aliasName}: alarms OK ${when}.`, "status");
    }

    /** Routes everything back to the origin in one call (after a drift check), then fails the update. */
    async function rollback(origin: string, weight: number, why: string, marker?: RolloutMarker, cause?: unknown): Promise<never> {
        progress(`${aliasName}: ${why}: rolling back to ${versionLabel(origin)}.`);
        await checkDrift(routingAt(origin, target, weight), marker);
        const before = req.live.description;
        try {
            await write(routingAt(origin, target, 0), before);
        } catch (e) {
            throw new RolloutFailure(`${aliasName}: rollback to ${versionLabel(origin)} failed (${(e as Error).message}) after: ${why}. The alias still sends ${weight}% to ${versionLabel(target)}; run up again (it checks the alarms first).`, written, marker, e);
        }
        progress(`${aliasName}: rolled back: 100% on ${versionLabel(origin)}.`);
        throw new RolloutFailure(
            `${aliasName}: rollout to ${target} rolled back: ${why}. All traffic was routed back to ${origin} (${versionLabel(target)} had ${weight}%). ` +
                `Fix the cause (the alarms must leave ALARM), then run up again to retry the rollout, or name ${versionLabel(origin)} to stay.`,
            written,
            undefined,
            cause,
        );
    }
}
