/**
 * What the provider tells a user when AWS refuses, or when it refuses to act itself: only what it knows,
 * with what to do. Pure: messages from values the caller looked up.
 */
import { parseVersionArn } from "./arn";
import { RoutingEntry } from "./types";

/**
 * AWS's wording (ValidationException) when a routing names an ARN that is not an existing version; AWS
 * gives no error code of its own for this, so the wording is matched here and nowhere else (a test pins it
 * on AWS's recorded message). The same words come for an unqualified state machine ARN, which check refuses
 * before anything is sent.
 */
const MISSING_VERSION = /must contain state machine version ARNs/i;

export function isMissingVersionMessage(awsMessage: string | undefined): boolean {
    return MISSING_VERSION.test(awsMessage ?? "");
}

/** What ListStateMachineVersions said of the state machine: its versions, that it does not exist, or nothing. */
export type KnownVersions = { kind: "versions"; versions: number[] } | { kind: "no-state-machine" } | { kind: "unknown"; why: string };

/** The version number a (checked) version ARN names; NaN for anything else. */
function versionNumber(arn: string): number {
    const parsed = parseVersionArn(arn);
    return parsed.ok ? parsed.value.version : NaN;
}

/**
 * A routing that names versions AWS does not have: which of them exist and which do not, as AWS listed them.
 * No cause is asserted (a typo, a version not yet published, one deleted): the user knows which it is.
 */
export function missingVersionMessage(alias: string, stateMachineArn: string, routing: readonly RoutingEntry[], known: KnownVersions, awsSaid: string): string {
    const routed = routing.map((r) => `${r.stateMachineVersionArn} (weight ${r.weight})`).join(" and ");
    let fact: string;
    let fix: string;
    if (known.kind === "no-state-machine") {
        fact = `the state machine ${stateMachineArn} does not exist`;
        fix = `create the state machine with publish: true (or PublishStateMachineVersion) and route to the version ARN it gives`;
    } else if (known.kind === "versions") {
        const have = new Set(known.versions);
        const missing = routing.filter((r) => !have.has(versionNumber(r.stateMachineVersionArn))).map((r) => r.stateMachineVersionArn);
        const listed = known.versions.length === 0 ? "no published versions" : `the versions ${[...known.versions].sort((a, b) => a - b).join(", ")}`;
        fact = missing.length > 0 ? `${stateMachineArn} has ${listed}, not ${missing.map(versionNumber).join(" or ")}` : `${stateMachineArn} has ${listed}`;
        fix = `route to a version that exists, or publish one (publish: true on aws.sfn.StateMachine, or PublishStateMachineVersion) and use the ARN it gives`;
    } else {
        fact = `AWS has no such version (its versions could not be listed: ${known.why})`;
        fix = `check the version numbers against the state machine's published versions`;
    }
    return `The alias ${alias} routes to ${routed}, but ${fact}: ${fix}, then run up again. AWS said: ${awsSaid}`;
}

/**
 * A create that found the alias already there. Not taking it over is the point: two resources (or stacks)
 * owning one alias means deleting either deletes the alias the other relies on.
 */
export function alreadyExistsMessage(arn: string, creationDate: string | undefined): string {
    const when = creationDate ? `created ${creationDate}, as AWS reports it` : "AWS did not say when it was created";
    return (
        `The alias ${arn} already exists (${when}) and this resource's state does not hold it, so it is not taken over: ` +
        `deleting this resource later would delete an alias that something else may rely on. Likely causes, with their fix: ` +
        `(1) the resource was renamed or moved into another parent: add the old name or parent to its aliases resource option, ` +
        `so that Pulumi keeps the same resource; ` +
        `(2) another stack or resource manages this alias: choose another name; ` +
        `(3) an earlier up of this stack was interrupted after AWS created the alias (Pulumi then warns of a pending operation ` +
        `on this resource, "interrupted while creating"): set adoptExisting: true once and run up, then clear the pending create ` +
        `with pulumi refresh --clear-pending-creates and remove adoptExisting; ` +
        `(4) a replacement that keeps the name (pulumi up --replace): set the resource option deleteBeforeReplace: true.`
    );
}
