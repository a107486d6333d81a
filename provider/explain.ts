/**
 * Explanations for AWS failures whose cause lies outside the program (something deleted behind its back),
 * so that the user learns what is wrong and what to do. Pure: messages only, from what the provider knows.
 */
import { RoutingEntry } from "./types";

/** AWS's wording when a routing names an ARN that is not an existing version (ValidationException). */
const MISSING_VERSION = /must contain state machine version ARNs/i;

export function isMissingVersionMessage(awsMessage: string | undefined): boolean {
    return MISSING_VERSION.test(awsMessage ?? "");
}

/**
 * A routing that names a version that does not exist (deleted, or its state machine deleted): which alias
 * needs which versions, and what to do. `awsSaid` is kept at the end, as AWS worded it.
 */
export function missingVersionMessage(alias: string, routing: readonly RoutingEntry[], awsSaid: string): string {
    const versions = routing.map((r) => `${r.stateMachineVersionArn} (weight ${r.weight})`).join(" and ");
    return (
        `The alias ${alias} routes to ${versions}, but AWS has no such version: it, or its state machine, was ` +
        `deleted outside Pulumi. Publish a version of the state machine (publish: true on aws.sfn.StateMachine, ` +
        `or PublishStateMachineVersion; recreate the state machine first if it is gone) and route the alias to ` +
        `that version's ARN, then run up again. AWS said: ${awsSaid}`
    );
}
