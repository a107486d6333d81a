/**
 * The Pulumi dynamic provider: thin glue between the engine's calls and the pure rules (check, diff,
 * plan) and the AWS calls (aws.ts). Imports of @pulumi/pulumi are types only, so the serialized provider
 * needs nothing of Pulumi at run time.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { aliasArnOf, parseAliasArn, parseVersionArn } from "./arn";
import { isStaleRead, STALE_REREAD_DELAYS_MS } from "./consistency";
import { configureAws, createAlias, deleteAlias, describeAlias, isAwsError, LiveAlias, updateAlias } from "./aws";
import { checkAlias } from "./check";
import { settingsFromConfig } from "./config";
import { diffAlias } from "./diff";
import { isMissingVersionMessage, missingVersionMessage } from "./explain";
import { planUpdate, UpdateStep } from "./plan";
import { AliasInputs, AliasOutputs, RoutingEntry } from "./types";

type Props = Record<string, unknown>;

/** The inputs without the engine's `__provider`. */
function desiredOf(inputs: Props): AliasInputs {
    return {
        name: inputs.name as string,
        ...(inputs.description !== undefined ? { description: inputs.description as string } : {}),
        routingConfiguration: (inputs.routingConfiguration as RoutingEntry[]).map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight })),
        ...(inputs.adoptExisting !== undefined ? { adoptExisting: inputs.adoptExisting as boolean } : {}),
    };
}

/** Outputs echo the inputs and add what AWS assigned; no key is ever undefined (the engine refuses it). */
function outputsOf(desired: AliasInputs, assigned: Pick<AliasOutputs, "arn" | "stateMachineArn" | "creationDate" | "updateDate">): AliasOutputs {
    return { ...desired, ...assigned };
}

/** Outputs of the alias as AWS has it; adoptExisting, which AWS does not know, is carried over. */
function outputsOfLive(live: LiveAlias, stateMachineArn: string, adoptExisting: unknown): AliasOutputs {
    return {
        name: live.name,
        ...(live.description !== undefined ? { description: live.description } : {}),
        routingConfiguration: live.routingConfiguration,
        ...(typeof adoptExisting === "boolean" ? { adoptExisting } : {}),
        arn: live.arn,
        stateMachineArn,
        creationDate: live.creationDate,
        updateDate: live.updateDate,
    };
}

function regionAndMachineOf(routing: readonly RoutingEntry[]): { region: string; stateMachineArn: string } {
    const parsed = parseVersionArn(routing[0]?.stateMachineVersionArn);
    // check refuses such inputs before they get here; this guards direct use of the provider.
    if (!parsed.ok) throw new Error(`routingConfiguration[0].stateMachineVersionArn is not a state machine version ARN; run check first.`);
    return { region: parsed.value.region, stateMachineArn: parsed.value.stateMachineArn };
}

/** Runs a plan's UpdateStateMachineAlias calls in order; returns the last update date (or undefined if none). */
async function applyPlan(region: string, arn: string, steps: UpdateStep[]): Promise<string | undefined> {
    let updateDate: string | undefined;
    for (const step of steps) updateDate = (await updateAlias(region, arn, step.update)).updateDate;
    return updateDate;
}

/** Rewords a ValidationException about a routing to versions that no longer exist; other errors pass as they are. */
function explainMissingVersion(e: unknown, alias: string, routing: readonly RoutingEntry[]): unknown {
    if (isAwsError(e, "ValidationException") && isMissingVersionMessage((e as Error).message)) {
        // AWS's error name (e.name) and request id (in the message and e.requestId) are kept.
        (e as Error).message = missingVersionMessage(alias, routing, (e as Error).message);
    }
    return e;
}

/**
 * ConflictException on create: an alias of that name exists with another configuration. `providerText` is
 * the engine's `__provider`, which a partly created resource's recorded properties must carry (the engine
 * stores them as they are, and later calls on the resource rebuild the provider from it).
 */
async function adopt(region: string, arn: string, stateMachineArn: string, desired: AliasInputs, conflict: unknown, providerText: unknown): Promise<AliasOutputs> {
    const live: LiveAlias | undefined = await describeAlias(region, arn);
    if (!live) throw conflict; // deleted in between: report what AWS said
    let updateDate: string | undefined;
    try {
        updateDate = await applyPlan(region, arn, planUpdate(live, desired));
    } catch (e) {
        // The alias exists: hand it to the engine as partly created, so it is managed (and fixed by the next
        // up) rather than forgotten. What is recorded is the alias as AWS has it, so the next diff sees
        // every difference that is still to be applied.
        const partial = e as Error & { id?: string; properties?: Props };
        partial.id = arn;
        const recorded = outputsOfLive({ ...live, arn }, stateMachineArn, desired.adoptExisting);
        partial.properties = { ...recorded, ...(providerText !== undefined ? { __provider: providerText } : {}) };
        throw partial;
    }
    return outputsOf(desired, { arn, stateMachineArn, creationDate: live.creationDate, updateDate: updateDate ?? live.updateDate });
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

    async create(inputs: Props): Promise<dynamic.CreateResult> {
        const desired = desiredOf(inputs);
        const { region, stateMachineArn } = regionAndMachineOf(desired.routingConfiguration);
        const arn = aliasArnOf(stateMachineArn, desired.name);
        let outs: AliasOutputs;
        try {
            const created = await createAlias(region, arn, desired);
            outs = outputsOf(desired, { arn: created.arn, stateMachineArn, creationDate: created.creationDate, updateDate: created.creationDate });
        } catch (e) {
            if (!isAwsError(e, "ConflictException")) throw explainMissingVersion(e, arn, desired.routingConfiguration);
            if (!desired.adoptExisting) {
                (e as Error).message =
                    `An alias named '${desired.name}' already exists for ${stateMachineArn} with a different description or routing. ` +
                    `Set adoptExisting: true to take it over (it is updated to this configuration), or choose another name. ` +
                    `AWS said: ${(e as Error).message}`;
                throw e;
            }
            outs = await adopt(region, arn, stateMachineArn, desired, e, inputs.__provider);
        }
        return { id: outs.arn, outs };
    },

    async read(id: string, props?: Props): Promise<dynamic.ReadResult> {
        const { region, stateMachineArn } = parseAliasArn(id);
        let live = await describeAlias(region, id);
        for (const delay of STALE_REREAD_DELAYS_MS) {
            if (!live || !props || !isStaleRead(live, props)) break;
            await new Promise((resolve) => setTimeout(resolve, delay));
            live = await describeAlias(region, id);
        }
        if (!live) return {}; // no id: the engine drops the resource
        if (props && isStaleRead(live, props)) {
            // Still older than what this provider wrote: a stale answer, not drift. What was recorded stands.
            console.warn(`${id}: AWS still answers with the alias as it was before ${String(props.updateDate)}; keeping what was recorded.`);
            const { __provider: _, ...recorded } = props;
            return { id, props: recorded };
        }
        // The alias ARN is its state machine's ARN qualified by the name: that is the state machine.
        return { id, props: outputsOfLive(live, stateMachineArn, props?.adoptExisting) };
    },

    async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
        const { region, stateMachineArn } = parseAliasArn(id);
        const current = desiredOf(olds);
        const desired = desiredOf(news);
        let updateDate: string | undefined;
        try {
            updateDate = await applyPlan(region, id, planUpdate(current, desired));
        } catch (e) {
            if (!isAwsError(e, "ResourceNotFound")) throw explainMissingVersion(e, id, desired.routingConfiguration);
            // The alias was deleted outside Pulumi. Its ARN is fixed by (state machine, name), and an update
            // keeps both (a change of either is a replacement), so one CreateStateMachineAlias brings back the
            // very same id with the desired configuration: recreate it rather than fail.
            let created: { arn: string; creationDate: string };
            try {
                created = await createAlias(region, id, desired);
            } catch (c) {
                throw explainMissingVersion(c, id, desired.routingConfiguration);
            }
            const recreated = outputsOf(desired, { arn: id, stateMachineArn, creationDate: created.creationDate, updateDate: created.creationDate });
            return { outs: recreated };
        }
        const outs = outputsOf(desired, {
            arn: id,
            stateMachineArn: (olds.stateMachineArn as string | undefined) ?? stateMachineArn,
            creationDate: olds.creationDate as string,
            updateDate: updateDate ?? (olds.updateDate as string),
        });
        return { outs };
    },

    async delete(id: string): Promise<void> {
        await deleteAlias(parseAliasArn(id).region, id);
    },
};
