/**
 * Plan: the UpdateStateMachineAlias calls that take an alias from its current configuration to the
 * desired one. Pure. Today a change is one step carrying only the fields that differ; gradual
 * deployments (canary, linear) will return several routing steps with waits and alarm checks between
 * them, and the provider already executes whatever list this returns, in order.
 */
import { canonicalDescription, sameRouting } from "./normalize";
import { RoutingEntry } from "./types";

/** The configuration of an alias that an update can change. */
export interface AliasConfiguration {
    readonly description?: string;
    readonly routingConfiguration: readonly RoutingEntry[];
}

/** The body of one UpdateStateMachineAlias call, less the alias ARN: only what changes. */
export interface AliasUpdate {
    readonly description?: string;
    readonly routingConfiguration?: RoutingEntry[];
}

export interface UpdateStep {
    readonly update: AliasUpdate;
}

export function planUpdate(current: AliasConfiguration, desired: AliasConfiguration): UpdateStep[] {
    const update: { description?: string; routingConfiguration?: RoutingEntry[] } = {};
    const desiredDescription = canonicalDescription(desired.description);
    // A removed description is sent as "": omitting the field would leave the old one in place.
    if (canonicalDescription(current.description) !== desiredDescription) update.description = desiredDescription;
    if (!sameRouting(current.routingConfiguration, desired.routingConfiguration)) {
        update.routingConfiguration = desired.routingConfiguration.map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight }));
    }
    return Object.keys(update).length === 0 ? [] : [{ update }];
}
