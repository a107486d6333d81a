import * as pulumi from "@pulumi/pulumi";
import stateMachineAliasProvider = require("../provider/resourceProvider");
import { AUTONAME_PREFIX_KEY, AUTONAME_SEED_KEY } from "../provider/rules";
import { RoutingEntry } from "../provider/types";

/** One version the alias routes to, and its share of executions. */
export interface RoutingConfigurationEntryArgs {
    /**
     * The ARN of a published version: `arn:<partition>:states:<region>:<account>:stateMachine:<name>:<version>`
     * (e.g. `stateMachineVersionArn` of an `aws.sfn.StateMachine` with `publish: true`). Not an unqualified
     * state machine ARN, not an alias ARN. Both entries must be versions of the same state machine.
     */
    readonly stateMachineVersionArn: pulumi.Input<string>;
    /** The percentage of executions sent to this version: an integer 0-100; the weights sum to exactly 100. */
    readonly weight: pulumi.Input<number>;
}

/** An execution of the new version, started by its version ARN (not through the alias) before any traffic moves. */
export interface PreTrafficExecutionArgs {
    /** The execution's input: an object (sent as JSON) or JSON text. At most 262,144 characters. @default {} */
    readonly input?: pulumi.Input<unknown>;
    /** How long to wait for it to end SUCCEEDED (1-3600). Any other end, or no end in time, stops the rollout before it starts. @default 300 */
    readonly timeoutSeconds?: pulumi.Input<number>;
}

/**
 * A gradual rollout to one version: CloudFormation's DeploymentPreference (type, stateMachineVersionArn,
 * percentage, interval, alarms), plus durations in seconds, explicit steps, a bake after the final shift, a
 * pre-traffic execution, and what INSUFFICIENT_DATA and failed alarm reads mean. A create goes straight to
 * 100% (nothing to shift from) once the alarms and the pre-traffic execution allow it.
 */
export interface DeploymentPreferenceArgs {
    /** `ALL_AT_ONCE` (one shift), `CANARY` (percentage, then 100) or `LINEAR` (percentage added each interval, then 100). */
    readonly type: pulumi.Input<"ALL_AT_ONCE" | "CANARY" | "LINEAR">;
    /** The version to move all traffic to: a version of the state machine the alias is on. */
    readonly stateMachineVersionArn: pulumi.Input<string>;
    /** CANARY: the canary's first share; LINEAR: the share added per shift. 1-99. Required for both unless `steps` is set. */
    readonly percentage?: pulumi.Input<number>;
    /** Minutes between shifts, 1-2100 (CloudFormation's unit). Required for CANARY and LINEAR unless `intervalSeconds` is set. */
    readonly interval?: pulumi.Input<number>;
    /** The interval in seconds instead of minutes (not both). */
    readonly intervalSeconds?: pulumi.Input<number>;
    /** The new version's share after each shift, rising, each 1-99 (e.g. `[5, 25, 50]`); 100 follows. Instead of `percentage`. */
    readonly steps?: pulumi.Input<pulumi.Input<number>[]>;
    /**
     * CloudWatch alarm names (1-100, metric or composite), all checked to exist and none in ALARM before the
     * first shift, then polled during every wait and the bake: one in ALARM routes all traffic back to the
     * version the rollout started from, in one call, and fails the update.
     */
    readonly alarms?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * How long alarms are watched after the final shift, while a rollback is still possible (0-126000).
     * @default the interval; for ALL_AT_ONCE without an interval, 300 when alarms are given; 0 without alarms
     */
    readonly bakeTimeSeconds?: pulumi.Input<number>;
    /** Seconds between alarm polls (1-3600); one DescribeAlarms per poll. @default 30 */
    readonly alarmPollSeconds?: pulumi.Input<number>;
    /** Before any traffic moves, run the new version once and require SUCCEEDED. @default none */
    readonly preTrafficExecution?: pulumi.Input<PreTrafficExecutionArgs>;
    /** What an alarm in INSUFFICIENT_DATA means: `"OK"` (as CloudWatch and CloudFormation take it) or `"ALARM"`. @default "OK" */
    readonly treatInsufficientDataAs?: pulumi.Input<"OK" | "ALARM">;
    /** When a poll cannot read the alarms (after retries): `"ROLLBACK"` (fail closed, as CodeDeploy) or `"CONTINUE"`. @default "ROLLBACK" */
    readonly onAlarmReadFailure?: pulumi.Input<"ROLLBACK" | "CONTINUE">;
}

export interface StateMachineAliasArgs {
    /**
     * The alias name: 1-80 characters of letters, digits, `_`, `-`, `.`, not digits only.
     * Changing it replaces the alias (a new one is created before the old one is deleted).
     * @default `<resource name>-<7 characters>`, the characters a digest of the project, stack, parent and
     * resource name: the same program and stack always make the same name (in preview and up alike). Once
     * made, a name is kept across updates, renames with `aliases`, and removing `name` from the inputs.
     */
    readonly name?: pulumi.Input<string>;
    /**
     * Up to 256 characters. Removing it clears the alias's description.
     * @default no description
     */
    readonly description?: pulumi.Input<string>;
    /**
     * One or two versions of one state machine and their weights, in any order (order never causes a diff).
     * Changing weights, or versions within the same state machine, updates the alias in place; versions of
     * another state machine replace it. Required unless `deploymentPreference` is set (never both).
     */
    readonly routingConfiguration?: pulumi.Input<pulumi.Input<RoutingConfigurationEntryArgs>[]>;
    /**
     * Move all traffic to one version gradually (CANARY, LINEAR) or at once (ALL_AT_ONCE), watching CloudWatch
     * alarms and rolling back when one fires. Instead of `routingConfiguration` (never both). An interrupted
     * rollout resumes from the weight it reached at the next `up`.
     */
    readonly deploymentPreference?: pulumi.Input<DeploymentPreferenceArgs>;
    /**
     * When an alias with this name already exists (identical or not), take it over (update it to this one)
     * instead of failing. This is how to bring an existing alias under management (`pulumi import` does not
     * work for dynamic resources), and the fix after an interrupted `up` left an alias AWS created but the
     * state never recorded: set it once, run `up`, remove it. Changing it alone changes nothing.
     * @default false
     */
    readonly adoptExisting?: pulumi.Input<boolean>;
}

/**
 * What names this resource uniquely and stably in a program: project, stack, parent URN (the parent chain of
 * types and names) and the resource's name. URNs are known in preview too, so preview and up agree.
 */
function autonameSeed(name: string, parent: pulumi.Resource | undefined): pulumi.Output<string> {
    return pulumi.output(parent?.urn ?? "").apply((parentUrn) => JSON.stringify([pulumi.getProject(), pulumi.getStack(), parentUrn, name]));
}

/**
 * An AWS Step Functions state machine alias: a stable ARN that routes executions to one or two published
 * versions of a state machine by weight, for blue/green and canary releases of workflows.
 *
 * Inputs AWS would refuse are refused at preview; routing order never causes a diff; a create never takes
 * over an alias that exists already (set `adoptExisting` to); a create makes two API calls (a read, then the
 * create), an update and a delete one each (retries of throttled or failed attempts aside).
 */
export class StateMachineAlias extends pulumi.dynamic.Resource {
    /** The alias name. */
    declare readonly name: pulumi.Output<string>;
    /** The description; "" when there is none. */
    declare readonly description: pulumi.Output<string>;
    /** The versions and weights, sorted by version ARN. */
    declare readonly routingConfiguration: pulumi.Output<RoutingEntry[]>;
    /** Whether an existing alias of this name may be taken over (false unless set). */
    declare readonly adoptExisting: pulumi.Output<boolean>;
    /** The alias ARN (also the resource id): start executions with it. */
    declare readonly arn: pulumi.Output<string>;
    /** The state machine whose versions the alias routes to. */
    declare readonly stateMachineArn: pulumi.Output<string>;
    /** When the alias was created (ISO 8601). */
    declare readonly creationDate: pulumi.Output<string>;
    /** When the alias was last updated (ISO 8601); equal to creationDate until the first update. */
    declare readonly updateDate: pulumi.Output<string>;

    constructor(name: string, args: StateMachineAliasArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            stateMachineAliasProvider,
            name,
            {
                // Declared whether given or not, so that each is an Output on this object (an omitted key
                // would not be); then every key the caller gave, so that check can refuse a misspelled one.
                name: undefined,
                description: undefined,
                adoptExisting: undefined,
                routingConfiguration: undefined,
                ...args,
                [AUTONAME_PREFIX_KEY]: name,
                [AUTONAME_SEED_KEY]: autonameSeed(name, opts?.parent),
                // Output-only properties: declared so that their resolved values land on this object.
                arn: undefined,
                stateMachineArn: undefined,
                creationDate: undefined,
                updateDate: undefined,
            },
            opts,
            "sfn",
            "StateMachineAlias",
        );
    }
}
