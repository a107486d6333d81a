/**
 * The rules of a Step Functions alias, as data. Limits are AWS's (the stepfunctions 2016-11-23 API model);
 * check reads its limits and diff what forces a replacement from here.
 */

export const NAME_MAX_LENGTH = 80;
/** AWS's own pattern: letters, digits, `_`, `-`, `.`, and at least one character that is not a digit. */
export const NAME_PATTERN = /^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]+$/;
export const DESCRIPTION_MAX_LENGTH = 256;
export const ROUTING_MIN_ENTRIES = 1;
export const ROUTING_MAX_ENTRIES = 2;
export const WEIGHT_MIN = 0;
export const WEIGHT_MAX = 100;
export const WEIGHT_SUM = 100;
export const VERSION_ARN_MAX_LENGTH = 256;

/** Autonaming: `<resource name>-<7 [a-z0-9] from a digest of project, stack, parent and name>`, kept once made. */
export const AUTONAME_SUFFIX_LENGTH = 7;
export const AUTONAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** The inputs a user may set. */
export const INPUT_PROPERTIES = ["name", "description", "routingConfiguration", "deploymentPreference", "adoptExisting"] as const;
export const ROUTING_ENTRY_PROPERTIES = ["stateMachineVersionArn", "weight"] as const;

/**
 * What AWS cannot change in place, so that a new value means a new alias: the parts of the alias ARN
 * (the state machine's ARN qualified by the name), each with the input it comes from: the name, and the
 * state machine that routingConfiguration's versions belong to. Everything else (description, weights,
 * versions of the same state machine) is updated in place, and adoptExisting changes nothing in AWS.
 */
export const REPLACE_ON = { aliasName: "name", stateMachineArn: "routingConfiguration" } as const;
/** With deploymentPreference, its version names the state machine (check refuses another state machine's). */
export const STATE_MACHINE_INPUTS = ["routingConfiguration", "deploymentPreference"] as const;

/**
 * AWS's token buckets for the calls this provider makes, per account, region and operation (the Step
 * Functions quotas page, "API action throttling": alias and version operations burst 100 and refill 1
 * per second; DescribeStateMachineAlias bursts 200). ListStateMachineVersions is not listed there
 * (unverified); it is taken to be like the other list calls.
 */
export const AWS_BUCKETS: Readonly<Record<string, { burst: number; refillPerSecond: number }>> = {
    CreateStateMachineAlias: { burst: 100, refillPerSecond: 1 },
    UpdateStateMachineAlias: { burst: 100, refillPerSecond: 1 },
    DeleteStateMachineAlias: { burst: 100, refillPerSecond: 1 },
    DescribeStateMachineAlias: { burst: 200, refillPerSecond: 1 },
    ListStateMachineVersions: { burst: 100, refillPerSecond: 1 },
    // The pre-traffic execution (the same quotas page: StartExecution and DescribeExecution in most regions).
    StartExecution: { burst: 800, refillPerSecond: 150 },
    DescribeExecution: { burst: 250, refillPerSecond: 15 },
    // CloudWatch: DescribeAlarms at 9 transactions per second (an older CloudWatch quotas page; unverified).
    DescribeAlarms: { burst: 9, refillPerSecond: 9 },
};

/** Keys the Pulumi runtime or our SDK adds next to the user's inputs. */
export const PROVIDER_KEY = "__provider";
/** The SDK passes the resource's logical name so check can autoname (check receives no URN). */
export const AUTONAME_PREFIX_KEY = "__autonamePrefix";
/** ... and what makes its autoname unique and stable: project, stack, parent URN and resource name. */
export const AUTONAME_SEED_KEY = "__autonameSeed";
export const RESERVED_KEYS: readonly string[] = [PROVIDER_KEY, AUTONAME_PREFIX_KEY, AUTONAME_SEED_KEY];

/**
 * `pulumi.runtime.unknownValue`: what a value not yet known at preview arrives as, whatever its type.
 * Kept as a literal so the provider has no run-time dependency on @pulumi/pulumi (a test pins it to theirs).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}
