/**
 * The Pulumi dynamic provider: thin glue between the engine's calls and the pure rules (check, diff,
 * normalize, explain) and the AWS calls (aws.ts). Imports of @pulumi/pulumi are types only, so the
 * serialized provider needs nothing of Pulumi at run time.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { aliasArnOf, parseAliasArn, parseVersionArn } from "./arn";
import { isStaleRead, STALE_REREAD_DELAYS_MS } from "./consistency";
import {
    claim, claimedByAnother, configureAws, createAlias, deletedRecently, deleteAlias, describeAlias, describeAliasSince, isAwsError, listVersions, LiveAlias, updateAlias,
} from "./aws";
import { checkAlias } from "./check";
import { settingsFromConfig } from "./config";
import { diffAlias } from "./diff";
import { alreadyExistsMessage, isMissingVersionMessage, KnownVersions, missingVersionMessage } from "./explain";
import { aliasOutputs, canonicalConfiguration } from "./normalize";
import { AliasInputs, AliasOutputs, RoutingEntry } from "./types";
import { MARKER_KEY, RolloutMarker } from "./rollout/plan";
import { checkPreference, RolloutPreference } from "./rollout/preference";
import { gate, RolloutFailure, runRollout } from "./rollout/runner";

type Props = Record<string, unknown>;

/** The inputs without the engine's `__provider`. */
function desiredOf(inputs: Props): AliasInputs {
    let preference: RolloutPreference | undefined;
    if (inputs.deploymentPreference !== undefined) {
        const checked = checkPreference(inputs.deploymentPreference);
        // check refuses such inputs before they get here; this guards direct use of the provider.
        if (!checked.preference) throw new Error(`deploymentPreference is not valid: ${checked.failures.map((f) => f.reason).join(" ") || "it holds unknown values"}; run check first.`);
        preference = checked.preference;
    }
    return {
        name: inputs.name as string,
        ...(typeof inputs.description === "string" ? { description: inputs.description } : {}),
        routingConfiguration: preference
            ? [{ stateMachineVersionArn: preference.stateMachineVersionArn, weight: 100 }]
            : (inputs.routingConfiguration as RoutingEntry[]).map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight })),
        ...(inputs.adoptExisting !== undefined ? { adoptExisting: inputs.adoptExisting as boolean } : {}),
        ...(preference ? { deploymentPreference: preference } : {}),
    };
}

/**
 * A rollout that stopped, as the engine must record it: an error that carries the alias as AWS has it (and
 * the marker of a rollout left part-way), which the dynamic-provider shim passes on as a partial failure
 * (ErrorResourceInitFailed), and the engine records as the resource's state (step.go UpdateStep.Apply).
 * `__provider` goes with it: later calls on the resource rebuild the provider from the recorded state.
 */
function recordedFailure(failure: RolloutFailure, desired: AliasInputs, stateMachineArn: string, providerText: unknown): Error {
    const live = failure.live;
    const outs = aliasOutputs({ ...live, name: desired.name, arn: live.arn, stateMachineArn, adoptExisting: desired.adoptExisting });
    const error = failure as RolloutFailure & { id?: string; properties?: Props; reasons?: string[] };
    error.id = live.arn;
    error.properties = { ...outs, ...(failure.marker ? { [MARKER_KEY]: { ...failure.marker } } : {}), ...(providerText !== undefined ? { __provider: providerText } : {}) };
    error.reasons = [failure.message];
    return error;
}

function regionAndMachineOf(routing: readonly RoutingEntry[]): { region: string; stateMachineArn: string } {
    const parsed = parseVersionArn(routing[0]?.stateMachineVersionArn);
    // check refuses such inputs before they get here; this guards direct use of the provider.
    if (!parsed.ok) throw new Error(`routingConfiguration[0].stateMachineVersionArn is not a state machine version ARN; run check first.`);
    return { region: parsed.value.region, stateMachineArn: parsed.value.stateMachineArn };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Rewords a ValidationException about a routing to versions AWS does not have, after asking AWS which
 * versions the state machine has (this failure path only); other errors pass as they are. AWS's error name
 * (e.name) and request id (in the message and e.requestId) are kept.
 */
async function explainMissingVersion(e: unknown, region: string, alias: string, stateMachineArn: string, routing: readonly RoutingEntry[]): Promise<unknown> {
    if (!isAwsError(e, "ValidationException") || !isMissingVersionMessage((e as Error).message)) return e;
    let known: KnownVersions;
    try {
        const versions = await listVersions(region, stateMachineArn);
        known = versions === undefined ? { kind: "no-state-machine" } : { kind: "versions", versions };
    } catch (l) {
        known = { kind: "unknown", why: (l as Error).message };
    }
    (e as Error).message = missingVersionMessage(alias, stateMachineArn, routing, known, (e as Error).message);
    return e;
}

/** An error a user can act on when a create finds its alias there already; `cause` is AWS's, when it said so. */
function alreadyExists(arn: string, creationDate: string | undefined, cause?: unknown): Error {
    const aws = cause as (Error & { requestId?: string }) | undefined;
    const error = new Error(alreadyExistsMessage(arn, creationDate) + (aws ? ` AWS said: ${aws.message}` : "")) as Error & { awsName?: string; requestId?: string };
    error.name = aws?.name ?? "AliasAlreadyExists";
    if (aws) {
        error.awsName = aws.name;
        error.requestId = aws.requestId;
        (error as Error & { cause?: unknown }).cause = aws;
    }
    return error;
}

/**
 * adoptExisting: the alias exists; take it over by setting it to the desired configuration. Always one
 * Update, even when the Describe matches: a Describe may be stale, and the Update makes AWS what is
 * recorded whatever it held. `providerText` is the engine's `__provider`, which a partly created
 * resource's recorded properties must carry (later calls on the resource rebuild the provider from it).
 */
async function adopt(region: string, arn: string, stateMachineArn: string, desired: AliasInputs, live: LiveAlias, providerText: unknown): Promise<AliasOutputs> {
    let updateDate: string;
    try {
        updateDate = (await updateAlias(region, arn, canonicalConfiguration(desired))).updateDate;
    } catch (e) {
        // The alias exists: hand it to the engine as partly created, so it is managed (and fixed by the next
        // up) rather than forgotten. What is recorded is the alias as AWS has it, so the next diff sees
        // every difference that is still to be applied.
        const failure = (await explainMissingVersion(e, region, arn, stateMachineArn, desired.routingConfiguration)) as Error & { id?: string; properties?: Props };
        failure.id = arn;
        const recorded = aliasOutputs({ ...live, arn, stateMachineArn, adoptExisting: desired.adoptExisting });
        failure.properties = { ...recorded, ...(providerText !== undefined ? { __provider: providerText } : {}) };
        throw failure;
    }
    return aliasOutputs({ ...desired, arn, stateMachineArn, creationDate: live.creationDate, updateDate: updateDate || live.updateDate });
}

/**
 * An update with deploymentPreference: reads the alias (one Describe), then lets the runner move it.
 */
async function rollout(id: string, region: string, stateMachineArn: string, desired: AliasInputs, olds: Props, providerText: unknown): Promise<AliasOutputs> {
    const preference = desired.deploymentPreference!;
    const live = await describeAliasSince(region, id, olds);
    if (!live) {
        // Deleted outside Pulumi: brought back as a create would make it, at 100% on the version (as update does).
        await gate({ region, aliasName: desired.name, preference });
        let created: { arn: string; creationDate: string };
        try {
            created = await createAlias(region, id, desired);
        } catch (c) {
            throw await explainMissingVersion(c, region, id, stateMachineArn, desired.routingConfiguration);
        }
        return claimed(aliasOutputs({ ...desired, arn: id, stateMachineArn, creationDate: created.creationDate, updateDate: created.creationDate })).outs;
    }
    const marker = olds[MARKER_KEY] as RolloutMarker | undefined;
    try {
        const after = await runRollout({
            region, aliasArn: id, aliasName: desired.name, preference, description: desired.description ?? "", live,
            recorded: { routing: olds.routingConfiguration as RoutingEntry[] | undefined, marker },
        });
        return claimed(aliasOutputs({ ...after, name: desired.name, arn: id, stateMachineArn, adoptExisting: desired.adoptExisting, creationDate: live.creationDate })).outs;
    } catch (e) {
        if (e instanceof RolloutFailure) throw recordedFailure(e, desired, stateMachineArn, providerText);
        throw e;
    }
}

/** Remembers that this process wrote the alias for the resource these outputs are recorded for. */
function claimed(outs: AliasOutputs): { id: string; outs: AliasOutputs } {
    claim(outs.arn, outs.updateDate);
    return { id: outs.arn, outs };
}

/** How long after this process deleted an alias a Describe that still shows it is taken as stale. */
const DELETE_SETTLE_MS = 60_000;

/**
 * Whether the alias exists before this create sends anything. Deciding it from a read made before the
 * Create is what keeps the decision free of clocks: CreateStateMachineAlias answers 200 both for an alias it
 * makes and for an identical one that already exists, and its retries (after a timeout or a dropped
 * connection) answer 200 for the alias their first attempt made, so its answer cannot tell the two apart,
 * and comparing AWS's creationDate with this machine's clock would depend on the two agreeing. A Describe
 * that answers ResourceNotFound before the Create means whatever the Create answers was made by this call.
 * The one gap is a Describe that is stale (AWS's reads are eventually consistent): just after this process
 * deleted the alias (delete-before-replace) it may still show it, so it is read again then.
 */
async function existingAlias(region: string, arn: string): Promise<LiveAlias | undefined> {
    let live = await describeAlias(region, arn);
    for (const delay of STALE_REREAD_DELAYS_MS) {
        if (!live || !deletedRecently(arn, DELETE_SETTLE_MS)) break;
        await sleep(delay);
        live = await describeAlias(region, arn);
    }
    return live;
}

export const stateMachineAliasProvider: dynamic.ResourceProvider = {
    async configure(req: dynamic.ConfigureRequest): Promise<void> {
        configureAws(settingsFromConfig((key) => req.config.get(key)));
    },

    async check(olds: Props, news: Props): Promise<dynamic.CheckResult> {
        const { inputs, failures } = checkAlias(olds ?? {}, news);
        return failures.length > 0 ? { inputs, failures } : { inputs };
    },

    async diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
        const { changes, replaces } = diffAlias(olds, news);
        return { changes, replaces };
    },

    /**
     * A create never takes over an alias that exists already, identical or not (two owners of one alias
     * means deleting either deletes the other's), unless adoptExisting says so: CloudFormation's
     * resource-provider contract (a create of something that exists fails with AlreadyExists).
     */
    async create(inputs: Props): Promise<dynamic.CreateResult> {
        const desired = desiredOf(inputs);
        const { region, stateMachineArn } = regionAndMachineOf(desired.routingConfiguration);
        const arn = aliasArnOf(stateMachineArn, desired.name);
        const existing = await existingAlias(region, arn);
        if (existing) {
            if (!desired.adoptExisting) throw alreadyExists(arn, existing.creationDate);
            return claimed(await adopt(region, arn, stateMachineArn, desired, existing, inputs.__provider));
        }
        if (desired.deploymentPreference) {
            // Nothing to shift from: the alias starts at 100% on the version, once its alarms and its
            // pre-traffic execution allow it.
            await gate({ region, aliasName: desired.name, preference: desired.deploymentPreference });
        }
        try {
            const created = await createAlias(region, arn, desired);
            return claimed(aliasOutputs({ ...desired, arn: created.arn, stateMachineArn, creationDate: created.creationDate, updateDate: created.creationDate }));
        } catch (e) {
            if (!isAwsError(e, "ConflictException")) throw await explainMissingVersion(e, region, arn, stateMachineArn, desired.routingConfiguration);
            // Made by someone else between the Describe and the Create, with another configuration.
            const live = desired.adoptExisting ? await describeAlias(region, arn) : undefined;
            if (!live) throw alreadyExists(arn, undefined, e);
            return claimed(await adopt(region, arn, stateMachineArn, desired, live, inputs.__provider));
        }
    },

    async read(id: string, props?: Props): Promise<dynamic.ReadResult> {
        const { region, stateMachineArn } = parseAliasArn(id);
        const live = await describeAliasSince(region, id, props);
        if (!live) return {}; // no id: the engine drops the resource
        if (props && isStaleRead(live, props)) {
            // Still older than what this provider wrote: a stale answer, not drift. What was recorded stands.
            console.warn(`${id}: AWS still answers with the alias as it was before ${String(props.updateDate)}; keeping what was recorded.`);
            const { __provider: _, ...recorded } = props;
            return { id, props: recorded };
        }
        // The alias ARN is its state machine's ARN qualified by the name: that is the state machine.
        return { id, props: aliasOutputs({ ...live, stateMachineArn, adoptExisting: props?.adoptExisting }) };
    },

    /** One UpdateStateMachineAlias with the whole desired configuration, whatever was recorded. */
    async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
        const { region, stateMachineArn } = parseAliasArn(id);
        const desired = desiredOf(news);
        if (desired.deploymentPreference) {
            return { outs: await rollout(id, region, stateMachineArn, desired, olds, news.__provider) };
        }
        try {
            const { updateDate } = await updateAlias(region, id, canonicalConfiguration(desired));
            return {
                outs: claimed(aliasOutputs({
                    ...desired,
                    arn: id,
                    stateMachineArn: (olds.stateMachineArn as string | undefined) ?? stateMachineArn,
                    creationDate: olds.creationDate as string,
                    updateDate: updateDate || (olds.updateDate as string),
                })).outs,
            };
        } catch (e) {
            if (!isAwsError(e, "ResourceNotFound")) throw await explainMissingVersion(e, region, id, stateMachineArn, desired.routingConfiguration);
        }
        // The alias was deleted outside Pulumi. Its ARN is fixed by (state machine, name), and an update
        // keeps both (a change of either is a replacement), so one CreateStateMachineAlias brings back the
        // very same id with the desired configuration: recreate it rather than fail. The state records this
        // ARN as this resource's, so recreating it takes nothing from anyone.
        let created: { arn: string; creationDate: string };
        try {
            created = await createAlias(region, id, desired);
        } catch (c) {
            throw await explainMissingVersion(c, region, id, stateMachineArn, desired.routingConfiguration);
        }
        return { outs: claimed(aliasOutputs({ ...desired, arn: id, stateMachineArn, creationDate: created.creationDate, updateDate: created.creationDate })).outs };
    },

    /**
     * One DeleteStateMachineAlias, unless this deployment has since given the alias to another resource: a
     * rename (or a replacement that keeps the name) with adoptExisting creates the new resource by taking the
     * alias over, then deletes the old resource, whose record names the same ARN. Deleting it then would
     * delete the alias the new resource just took. Its record is dropped; the alias stays.
     */
    async delete(id: string, props?: Props): Promise<void> {
        if (claimedByAnother(id, props?.updateDate)) {
            console.warn(`${id}: not deleted: another resource of this deployment took the alias over (adoptExisting) after this one recorded it; this record is dropped and the alias stays with the resource that manages it now.`);
            return;
        }
        await deleteAlias(parseAliasArn(id).region, id);
    },
};
