/**
 * The resource and provider classes of the `sfn-alias` provider plugin, for TypeScript programs, shaped like
 * what `pulumi package add` generates from the plugin's schema (pkg/codegen/nodejs gen.go: a CustomResource
 * with the package token, `get`, `isInstance`, output properties declared, inputs copied key by key; a
 * ProviderResource whose non-string inputs are sent as JSON text). Other languages get theirs from the same
 * schema. The dynamic `StateMachineAlias` (./stateMachineAlias.ts) stays for programs that want no plugin.
 *
 * ```ts
 * import { plugin } from "pulumi-sfn-alias";
 * const west = new plugin.Provider("west", { region: "us-west-2" });
 * new plugin.StateMachineAlias("live", { routingConfiguration: [...] }, { provider: west });
 * ```
 */
import * as pulumi from "@pulumi/pulumi";
import { PACKAGE_NAME, RESOURCE_TOKEN, SECRET_CONFIG_KEYS } from "../provider/plugin/names";
import { RoutingEntry } from "../provider/types";
import { DeploymentPreferenceArgs, RoutingConfigurationEntryArgs } from "./stateMachineAlias";

/** The package (schema `name`): its provider's type is `pulumi:providers:<PACKAGE>`. */
export const PACKAGE = PACKAGE_NAME;

/** The inputs of the plugin's StateMachineAlias: those of the dynamic one, which the same core checks. */
export interface StateMachineAliasArgs {
    /**
     * The alias name: 1-80 characters of letters, digits, `-`, `_` and `.`, not all digits. Changing it
     * replaces the alias. @default the resource's name, a `-` and 7 characters from the engine's random seed
     */
    readonly name?: pulumi.Input<string>;
    /** What the alias is for, at most 256 characters. @default none */
    readonly description?: pulumi.Input<string>;
    /** One or two versions of one state machine, weights summing to 100. Not with deploymentPreference. */
    readonly routingConfiguration?: pulumi.Input<pulumi.Input<RoutingConfigurationEntryArgs>[]>;
    /** A gradual rollout to one version (canary, linear, all at once), watched by alarms. Not with routingConfiguration. */
    readonly deploymentPreference?: pulumi.Input<DeploymentPreferenceArgs>;
    /** Take over an alias of this name that exists already, instead of failing. @default false */
    readonly adoptExisting?: pulumi.Input<boolean>;
}

/** One role to assume, exactly the fields of @pulumi/aws's `ProviderAssumeRole`. */
export interface AssumeRoleArgs {
    readonly roleArn: pulumi.Input<string>;
    readonly duration?: pulumi.Input<string>;
    readonly externalId?: pulumi.Input<string>;
    readonly policy?: pulumi.Input<string>;
    readonly policyArns?: pulumi.Input<pulumi.Input<string>[]>;
    readonly sessionName?: pulumi.Input<string>;
    readonly sourceIdentity?: pulumi.Input<string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    readonly transitiveTagKeys?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Endpoints for the AWS services the provider calls (as @pulumi/aws's `endpoints` entries). */
export interface EndpointsArgs {
    readonly sfn?: pulumi.Input<string>;
    readonly stepfunctions?: pulumi.Input<string>;
    readonly sts?: pulumi.Input<string>;
    readonly cloudwatch?: pulumi.Input<string>;
}

/** The provider's configuration: stack config `sfn-alias:<key>` for the default provider, these for an explicit one. */
export interface ProviderArgs {
    /** The region this provider manages aliases in: an alias on a state machine elsewhere is refused at preview. @default any */
    readonly region?: pulumi.Input<string>;
    /** A profile of the shared AWS config and credentials files. @default the SDK's chain */
    readonly profile?: pulumi.Input<string>;
    /** An access key id (with secretKey; kept secret, as @pulumi/aws keeps it). @default the SDK's chain */
    readonly accessKey?: pulumi.Input<string>;
    /** The secret access key (kept secret). */
    readonly secretKey?: pulumi.Input<string>;
    /** A session token (kept secret). */
    readonly token?: pulumi.Input<string>;
    /** Roles to assume, in order, each with the credentials of the one before. */
    readonly assumeRoles?: pulumi.Input<pulumi.Input<AssumeRoleArgs>[]>;
    /** Service endpoints, e.g. `[{ sfn: "http://127.0.0.1:4566" }]`. @default the SDK's (AWS_ENDPOINT_URL_*) */
    readonly endpoints?: pulumi.Input<pulumi.Input<EndpointsArgs>[]>;
}

/** The `sfn-alias` provider: one per account, region or role a program deploys to. */
export class Provider extends pulumi.ProviderResource {
    /** @internal */
    public static readonly __pulumiType = PACKAGE;

    public static isInstance(obj: unknown): obj is Provider {
        return obj !== undefined && obj !== null && (obj as { __pulumiType?: string }).__pulumiType === "pulumi:providers:" + Provider.__pulumiType;
    }

    declare readonly region: pulumi.Output<string | undefined>;
    declare readonly profile: pulumi.Output<string | undefined>;

    constructor(name: string, args: ProviderArgs = {}, opts: pulumi.ResourceOptions = {}) {
        const json = (v: unknown) => (v === undefined ? undefined : pulumi.output(v).apply((x) => JSON.stringify(x)));
        const inputs: pulumi.Inputs = {
            region: args.region,
            profile: args.profile,
            accessKey: args.accessKey,
            secretKey: args.secretKey,
            token: args.token,
            assumeRoles: json(args.assumeRoles),
            endpoints: json(args.endpoints),
        };
        // The schema's secret settings, wrapped as codegen wraps them, and kept secret in the state.
        for (const key of SECRET_CONFIG_KEYS) if (inputs[key] !== undefined) inputs[key] = pulumi.secret(inputs[key]);
        super(Provider.__pulumiType, name, inputs, { ...opts, additionalSecretOutputs: [...SECRET_CONFIG_KEYS] } as pulumi.ResourceOptions);
    }
}

/**
 * An AWS Step Functions state machine alias, managed by the `sfn-alias` provider plugin: the same rules,
 * diffs and rollouts as the dynamic StateMachineAlias, with the plugin's detailed diff, URN-attached
 * progress, import and explicit providers.
 */
export class StateMachineAlias extends pulumi.CustomResource {
    /** Reads an existing alias by its ARN (`pulumi import`, or `.get`). */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): StateMachineAlias {
        return new StateMachineAlias(name, undefined as unknown as StateMachineAliasArgs, { ...opts, id });
    }

    /** @internal */
    public static readonly __pulumiType = RESOURCE_TOKEN;

    public static isInstance(obj: unknown): obj is StateMachineAlias {
        return obj !== undefined && obj !== null && (obj as { __pulumiType?: string }).__pulumiType === StateMachineAlias.__pulumiType;
    }

    /** The alias name. */
    declare readonly name: pulumi.Output<string>;
    /** The description; "" when there is none. */
    declare readonly description: pulumi.Output<string>;
    /** The versions and weights, sorted by version ARN. */
    declare readonly routingConfiguration: pulumi.Output<RoutingEntry[]>;
    /** Whether an existing alias of this name may be taken over. */
    declare readonly adoptExisting: pulumi.Output<boolean>;
    /** The alias ARN (also the resource id). */
    declare readonly arn: pulumi.Output<string>;
    /** The state machine whose versions the alias routes to. */
    declare readonly stateMachineArn: pulumi.Output<string>;
    /** When the alias was created (ISO 8601). */
    declare readonly creationDate: pulumi.Output<string>;
    /** When the alias was last updated (ISO 8601). */
    declare readonly updateDate: pulumi.Output<string>;

    constructor(name: string, args: StateMachineAliasArgs, opts: pulumi.CustomResourceOptions = {}) {
        const inputs: pulumi.Inputs = {};
        if (!opts.id) {
            inputs.name = args?.name;
            inputs.description = args?.description;
            inputs.routingConfiguration = args?.routingConfiguration;
            inputs.deploymentPreference = args?.deploymentPreference;
            inputs.adoptExisting = args?.adoptExisting;
        }
        for (const out of ["arn", "stateMachineArn", "creationDate", "updateDate"]) inputs[out] = undefined;
        if (opts.id) for (const k of ["name", "description", "routingConfiguration", "adoptExisting"]) inputs[k] = undefined;
        super(StateMachineAlias.__pulumiType, name, inputs, opts);
    }
}
