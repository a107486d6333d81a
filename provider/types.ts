/** One entry of an alias's routing: a published version and the share of executions it receives. */
export interface RoutingEntry {
    /** The version ARN: `arn:<partition>:states:<region>:<account>:stateMachine:<name>:<version>`. */
    readonly stateMachineVersionArn: string;
    /** The percentage (integer 0-100) of executions routed to this version. */
    readonly weight: number;
}

/** The alias's desired state, as the provider receives it after check (plain values). */
export interface AliasInputs {
    readonly name: string;
    readonly description?: string;
    /** The routing to set; with deploymentPreference, 100% on its version (where the rollout ends). */
    readonly routingConfiguration: RoutingEntry[];
    readonly adoptExisting?: boolean;
    /** A gradual rollout, checked, with its defaults (rollout/preference.ts). */
    readonly deploymentPreference?: import("./rollout/preference").RolloutPreference;
}

/** What the provider stores and returns (normalize.ts `aliasOutputs`): every key always present. */
export interface AliasOutputs {
    readonly name: string;
    /** "" when the alias has none. */
    readonly description: string;
    /** Sorted by version ARN. */
    readonly routingConfiguration: RoutingEntry[];
    readonly adoptExisting: boolean;
    /** The alias ARN; also the resource id. */
    readonly arn: string;
    /** The state machine the routed versions belong to. */
    readonly stateMachineArn: string;
    /** ISO 8601. */
    readonly creationDate: string;
    /** ISO 8601; equal to creationDate until the first update, as AWS reports it. */
    readonly updateDate: string;
}
