import { VERSION_ARN_MAX_LENGTH } from "./rules";

// The SDK's packages are loaded where they are used, not imported here: the provider is serialized, and a
// module-level import of a package is captured as a require of one of its internal files
// (`@aws-sdk/util-arn-parser/dist-cjs/index.js`), which its next release may move.
function parseArn(arn: string): ReturnType<typeof import("@aws-sdk/util-arn-parser").parse> {
    return (require("@aws-sdk/util-arn-parser") as typeof import("@aws-sdk/util-arn-parser")).parse(arn);
}

/** A state machine version, as named by its ARN. */
export interface VersionRef {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    readonly stateMachineName: string;
    readonly version: number;
    /** The unqualified state machine ARN the version belongs to. */
    readonly stateMachineArn: string;
}

export type ArnProblem =
    | { kind: "not-a-string" }
    | { kind: "too-long"; length: number }
    | { kind: "malformed"; detail: string }
    | { kind: "wrong-service"; service: string }
    | { kind: "state-machine"; stateMachineArn: string }
    | { kind: "alias"; stateMachineArn: string; aliasName: string }
    | { kind: "bad-version"; stateMachineArn: string; version: string }
    | { kind: "other-resource"; resourceType: string }
    | { kind: "partition-mismatch"; partition: string; region: string; expected: string };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: ArnProblem };

/**
 * The shape of a region name, for regions the installed SDK does not know yet. It is what every
 * `regionRegex` of the SDK's partition data has in common (@aws-sdk/core, dist-cjs/submodules/client/index.js,
 * `partitionsInfo`, version 1.1): `^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$` (aws), `^cn\-\w+\-\d+$`,
 * `^eusc\-(de)\-\w+\-\d+$`, `^us\-iso\-\w+\-\d+$`, `^us\-isob\-\w+\-\d+$`, `^eu\-isoe\-\w+\-\d+$`,
 * `^us\-isof\-\w+\-\d+$`, `^us\-gov\-\w+\-\d+$`: a prefix of lowercase letters in one or two parts, a
 * word, a number, joined by '-'. So: at least three parts, the first letters, the middle ones lowercase letters
 * or digits (the regexes' `\w`, as AWS spells regions: lowercase), the last digits. `aws-global` and the
 * like, which the data lists as regions, are endpoints' pseudo-regions, not where a state machine lives.
 */
const REGION_SHAPE = /^[a-z]+(-[a-z0-9]+)+-\d+$/;
/** The shape of a partition name (aws, aws-cn, aws-us-gov, aws-iso-b, aws-eusc...), for partitions the SDK does not know yet. */
const PARTITION_SHAPE = /^aws(-[a-z0-9]+)*$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
const VERSION_PATTERN = /^[1-9]\d{0,9}$/;
// State machine names: 1-80 characters, none of them a separator of ARN parts.
const STATE_MACHINE_NAME_PATTERN = /^[^:\s]{1,80}$/;

interface QualifiedResource {
    partition: string;
    region: string;
    accountId: string;
    stateMachineName: string;
    stateMachineArn: string;
    /** What follows the state machine name: a version number, an alias name, or nothing. */
    qualifier?: string;
}

/**
 * The partition of a region, when the installed SDK knows it; undefined when it does not. Through the public
 * `@aws-sdk/util-endpoints` (loaded here, see parseArn). Its `partition(region)` returns, for a region it lists, that partition's outputs plus the region's
 * `description`; for an unlisted region that a partition's `regionRegex` matches, that partition's outputs
 * without one; for anything else, the `aws` partition's outputs. So an answer with a description, or naming
 * a partition other than aws, is knowledge; `aws` without a description may be only the fallback (a region
 * or partition newer than the SDK), and AWS is left to decide.
 */
export function knownPartitionOf(region: string): string | undefined {
    const { partition } = require("@aws-sdk/util-endpoints") as typeof import("@aws-sdk/util-endpoints");
    const answer = partition(region) as { name?: string; description?: string };
    if (typeof answer?.name !== "string") return undefined;
    return answer.description !== undefined || answer.name !== "aws" ? answer.name : undefined;
}

/** Splits a `states` ARN whose resource is `stateMachine:<name>[:<qualifier>]`. */
function parseStateMachineResource(arn: unknown): ParseResult<QualifiedResource> {
    if (typeof arn !== "string") return { ok: false, problem: { kind: "not-a-string" } };
    if (arn.length > VERSION_ARN_MAX_LENGTH) return { ok: false, problem: { kind: "too-long", length: arn.length } };
    let parsed;
    try {
        parsed = parseArn(arn);
    } catch {
        return { ok: false, problem: { kind: "malformed", detail: "it is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)" } };
    }
    const { partition, service, region, accountId, resource } = parsed;
    if (service !== "states") return { ok: false, problem: { kind: "wrong-service", service } };
    if (!REGION_SHAPE.test(region)) return { ok: false, problem: { kind: "malformed", detail: `its region '${region}' is not a region name like us-east-1` } };
    if (!ACCOUNT_PATTERN.test(accountId)) return { ok: false, problem: { kind: "malformed", detail: `its account '${accountId}' is not a 12-digit account id` } };
    // A region the SDK knows fixes the partition; one it does not know (newer than the SDK, or of a partition
    // newer than the SDK) is left to AWS, as long as both look like what they are.
    const expected = knownPartitionOf(region);
    if (expected !== undefined && expected !== partition) return { ok: false, problem: { kind: "partition-mismatch", partition, region, expected } };
    if (expected === undefined && !PARTITION_SHAPE.test(partition)) {
        return { ok: false, problem: { kind: "malformed", detail: `its partition '${partition}' is not a partition name (aws, or aws-<name> such as aws-cn or aws-us-gov)` } };
    }
    const parts = resource.split(":");
    if (parts[0] !== "stateMachine") return { ok: false, problem: { kind: "other-resource", resourceType: parts[0] } };
    const stateMachineName = parts[1] ?? "";
    if (!STATE_MACHINE_NAME_PATTERN.test(stateMachineName) || parts.length > 3) {
        return { ok: false, problem: { kind: "malformed", detail: `its resource '${resource}' is not stateMachine:<name>[:<version>]` } };
    }
    const stateMachineArn = `arn:${partition}:states:${region}:${accountId}:stateMachine:${stateMachineName}`;
    return { ok: true, value: { partition, region, accountId, stateMachineName, stateMachineArn, qualifier: parts[2] } };
}

/** Parses a state machine *version* ARN; anything else (unqualified, alias, other resources) is a problem. */
export function parseVersionArn(arn: unknown): ParseResult<VersionRef> {
    const r = parseStateMachineResource(arn);
    if (!r.ok) return r;
    const { qualifier, ...rest } = r.value;
    if (qualifier === undefined) return { ok: false, problem: { kind: "state-machine", stateMachineArn: rest.stateMachineArn } };
    // Alias names are never digits only, so a numeric qualifier that is not a version number is just wrong.
    if (/^\d+$/.test(qualifier) && !VERSION_PATTERN.test(qualifier)) {
        return { ok: false, problem: { kind: "bad-version", stateMachineArn: rest.stateMachineArn, version: qualifier } };
    }
    if (!VERSION_PATTERN.test(qualifier)) {
        return { ok: false, problem: { kind: "alias", stateMachineArn: rest.stateMachineArn, aliasName: qualifier } };
    }
    return { ok: true, value: { ...rest, version: Number(qualifier) } };
}

/** The region and state machine of an alias ARN (`<state machine ARN>:<alias name>`), e.g. a resource id. */
export function parseAliasArn(arn: string): { region: string; stateMachineArn: string; aliasName: string } {
    const r = parseStateMachineResource(arn);
    if (!r.ok || r.value.qualifier === undefined || /^\d+$/.test(r.value.qualifier)) {
        throw new Error(`'${arn}' is not a state machine alias ARN (arn:<partition>:states:<region>:<account>:stateMachine:<name>:<alias>)`);
    }
    return { region: r.value.region, stateMachineArn: r.value.stateMachineArn, aliasName: r.value.qualifier };
}

/** The alias ARN AWS assigns: the state machine ARN qualified by the alias name. */
export function aliasArnOf(stateMachineArn: string, aliasName: string): string {
    return `${stateMachineArn}:${aliasName}`;
}

/** The expected form, for messages. */
export const VERSION_ARN_FORM = "arn:<partition>:states:<region>:<account>:stateMachine:<name>:<version number>";

/** A sentence that says what is wrong with a version ARN and how to fix it. */
export function describeArnProblem(problem: ArnProblem): string {
    switch (problem.kind) {
        case "not-a-string":
            return `it must be a string of the form ${VERSION_ARN_FORM}`;
        case "too-long":
            return `it has ${problem.length} characters, more than AWS's limit of ${VERSION_ARN_MAX_LENGTH} for an ARN; expected ${VERSION_ARN_FORM}`;
        case "malformed":
            return `${problem.detail}; expected ${VERSION_ARN_FORM}`;
        case "wrong-service":
            return `it names a '${problem.service}' resource, not a Step Functions one; expected ${VERSION_ARN_FORM}`;
        case "other-resource":
            return `it names a Step Functions '${problem.resourceType}', not a state machine version; expected ${VERSION_ARN_FORM}`;
        case "partition-mismatch":
            return `its partition '${problem.partition}' does not match its region '${problem.region}' (which is in '${problem.expected}'); write arn:${problem.expected}:states:${problem.region}:<account>:stateMachine:<name>:<version number>`;
        case "state-machine":
            return (
                `it is an unqualified state machine ARN, but an alias routes to published versions: ` +
                `publish one (publish: true on aws.sfn.StateMachine gives stateMachineVersionArn, or PublishStateMachineVersion) ` +
                `and use ${problem.stateMachineArn}:<version number>`
            );
        case "bad-version":
            return `its version number '${problem.version}' is not one AWS assigns (versions count from 1, without leading zeros); use ${problem.stateMachineArn}:<version number>`;
        case "alias":
            return (
                `it is an alias ARN ('${problem.aliasName}' of ${problem.stateMachineArn}), but an alias cannot route to another alias; ` +
                `use a version ARN, ${problem.stateMachineArn}:<version number>`
            );
    }
}
