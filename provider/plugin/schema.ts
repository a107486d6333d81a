/**
 * The Pulumi package schema of the provider plugin (package `sfn-alias`), as GetSchema serves it:
 * one resource, `sfn-alias:index:StateMachineAlias`, the same resource the dynamic `StateMachineAlias`
 * (sdk/stateMachineAlias.ts) is, and the provider's own configuration (`sfn-alias:*` keys, where the dynamic
 * provider reads `aws:*`). Pure: no I/O, no AWS SDK, no @pulumi/pulumi; every list, limit and default comes
 * from the modules that enforce it (rules.ts, rollout/preference.ts, config.ts), so the schema cannot drift
 * from what check accepts.
 *
 * Field names follow Pulumi's metaschema (pulumi/pulumi pkg/codegen/schema/pulumi.json) and the language
 * importers: nodejs/importer.go (NodePackageInfo), python/importer.go (PackageInfo), go/importer.go
 * (GoPackageInfo), pulumi-dotnet pulumi-language-dotnet/codegen/importer.go (CSharpPackageInfo), pulumi-java
 * pkg/codegen/java/package_info.go (PackageInfo).
 *
 * No `default` is set on any property: a schema default is applied by the generated SDK (the value is sent
 * as if the program had written it), so a default changed in the provider would not reach SDKs generated
 * earlier. Defaults are stated in the descriptions and applied by the provider's check, as today.
 */
import { CONFIG_KEYS, ConfigKey, PACKAGE_NAME, PROVIDER_TYPE, RESOURCE_TOKEN, SECRET_CONFIG_KEYS } from "./names";
import { ASSUME_ROLE_FIELDS, CLOUDWATCH_ENDPOINT_KEYS, ENDPOINT_KEYS, STS_ENDPOINT_KEYS } from "../config";
import { DEFAULT_SESSION_NAME } from "../credentials";
import { MARKER_KEY } from "../rollout/plan";
import {
    ALARM_NAME_MAX_LENGTH,
    ALARM_POLL_SECONDS_DEFAULT,
    ALARM_POLL_SECONDS_MAX,
    ALARM_READ_FAILURE_ACTIONS,
    ALARMS_MAX,
    ALARMS_MIN,
    ALL_AT_ONCE_BAKE_SECONDS_DEFAULT,
    DEPLOYMENT_TYPES,
    EXECUTION_INPUT_MAX_LENGTH,
    INSUFFICIENT_DATA_TREATMENTS,
    INTERVAL_MINUTES_MAX,
    INTERVAL_MINUTES_MIN,
    PERCENTAGE_MAX,
    PERCENTAGE_MIN,
    PRE_TRAFFIC_PROPERTIES,
    PRE_TRAFFIC_TIMEOUT_SECONDS_DEFAULT,
    PRE_TRAFFIC_TIMEOUT_SECONDS_MAX,
    PREFERENCE_PROPERTIES,
    STEPS_MAX,
    TOTAL_SECONDS_MAX,
} from "../rollout/preference";
import {
    AUTONAME_SUFFIX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    INPUT_PROPERTIES,
    NAME_MAX_LENGTH,
    REPLACE_ON,
    ROUTING_ENTRY_PROPERTIES,
    ROUTING_MAX_ENTRIES,
    ROUTING_MIN_ENTRIES,
    WEIGHT_MAX,
    WEIGHT_MIN,
    WEIGHT_SUM,
} from "../rules";

// ---- Names ---------------------------------------------------------------------------------------------

// The package name, tokens and config keys: names.ts (shared with the gRPC glue and the SDK classes).
export { CONFIG_KEYS, ConfigKey, PACKAGE_NAME, PROVIDER_TYPE, RESOURCE_TOKEN, SECRET_CONFIG_KEYS } from "./names";

/** The object and enum types, by token. */
export const TYPE_TOKENS = {
    routingConfigurationEntry: `${PACKAGE_NAME}:index:RoutingConfigurationEntry`,
    deploymentPreference: `${PACKAGE_NAME}:index:DeploymentPreference`,
    preTrafficExecution: `${PACKAGE_NAME}:index:PreTrafficExecution`,
    rolloutInProgress: `${PACKAGE_NAME}:index:RolloutInProgress`,
    deploymentType: `${PACKAGE_NAME}:index:DeploymentType`,
    insufficientDataTreatment: `${PACKAGE_NAME}:index:InsufficientDataTreatment`,
    alarmReadFailureAction: `${PACKAGE_NAME}:index:AlarmReadFailureAction`,
    assumeRole: `${PACKAGE_NAME}:index:AssumeRole`,
    endpoints: `${PACKAGE_NAME}:index:Endpoints`,
} as const;

/** The fields of one `endpoints` entry: the services the provider calls, spelled as @pulumi/aws spells them. */
export const ENDPOINT_FIELDS: readonly string[] = [...ENDPOINT_KEYS, ...STS_ENDPOINT_KEYS, ...CLOUDWATCH_ENDPOINT_KEYS];

/** What the resource outputs: its inputs, what AWS reports, and the marker of a rollout left part-way. */
export const OUTPUT_ONLY_PROPERTIES = ["arn", "stateMachineArn", "creationDate", "updateDate", MARKER_KEY] as const;
/**
 * deploymentPreference is an input only: what it leads to is routingConfiguration (the alias as AWS has it,
 * read back after the rollout), and the core records no copy of it (normalize.ts aliasOutputs), in either
 * glue; a part-way rollout is the rolloutInProgress marker.
 */
export const OUTPUT_PROPERTIES: readonly string[] = [...INPUT_PROPERTIES.filter((p) => p !== "deploymentPreference"), ...OUTPUT_ONLY_PROPERTIES];
/** Outputs every alias has (provider/types.ts AliasOutputs: "every key always present"). */
export const REQUIRED_OUTPUTS: readonly string[] = ["name", "description", "routingConfiguration", "adoptExisting", "arn", "stateMachineArn", "creationDate", "updateDate"];

/**
 * Inputs any change of which replaces the alias, marked `replaceOnChanges` (generated SDKs then add the
 * resource option `replaceOnChanges` for them, e.g. nodejs/gen.go `r.ReplaceOnChanges()`). Only the name: the
 * other part of the alias ARN, the state machine, comes from routingConfiguration, whose weights and versions
 * of the same state machine change in place, so the plugin's Diff reports that replacement itself.
 */
export const REPLACE_ON_CHANGES: readonly string[] = [REPLACE_ON.aliasName];

/**
 * The Go module and the repository it is derived from. A placeholder until the repository has a public
 * home: with `pulumi package add` (SupportPack), codegen's ExtractModulePath makes the module
 * `<repository host and path>/sdk/go[/vN]` and the Go language host links `path.Dir(importBasePath)`, so
 * the two agree when importBasePath is `<repository>/sdk/go[/vN]/sfnalias`.
 */
export const REPOSITORY = "https://github.com/pulumi-sfn-alias/pulumi-sfn-alias";
export const GO_PACKAGE = "sfnalias";

/** The generated SDKs' own minimum Pulumi SDKs: codegen's MinimumValidSDKVersion (nodejs and python gen.go). */
export const NODEJS_PULUMI_DEPENDENCY = "^3.142.0";
export const PYTHON_PULUMI_REQUIREMENT = ">=3.231.0,<4.0.0";

// ---- Schema building blocks ----------------------------------------------------------------------------

export interface PropertySpec {
    description: string;
    type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    items?: Omit<PropertySpec, "description"> & { description?: string };
    additionalProperties?: Omit<PropertySpec, "description"> & { description?: string };
    $ref?: string;
    secret?: boolean;
    replaceOnChanges?: boolean;
    willReplaceOnChanges?: boolean;
}

const ref = (token: string) => `#/types/${token}`;
const str = (description: string): PropertySpec => ({ type: "string", description });
const int = (description: string): PropertySpec => ({ type: "integer", description });
const list = (items: PropertySpec["items"], description: string): PropertySpec => ({ type: "array", items, description });
const code = (s: string | number) => `\`${s}\``;

/** An enum type's values, each named for the SDKs (`ALL_AT_ONCE` → `AllAtOnce`). */
function enumValues(values: readonly string[], describe: Record<string, string>) {
    const pascal = (v: string) => v.toLowerCase().split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
    return values.map((value) => ({ name: pascal(value), value, description: describe[value] }));
}

// ---- Descriptions (the doc comments of sdk/stateMachineAlias.ts, with the plugin's differences) --------

const VERSION_ARN_FORM = "`arn:<partition>:states:<region>:<account>:stateMachine:<name>:<version>`";

export const DESCRIPTIONS = {
    resource:
        "An AWS Step Functions state machine alias: a stable ARN that routes executions to one or two published " +
        "versions of a state machine by weight, for blue/green and canary releases of workflows.\n\n" +
        "Inputs AWS would refuse are refused at preview; routing order never causes a diff; a create never takes " +
        "over an alias that exists already (set `adoptExisting` to); a create makes two API calls (a read, then the " +
        "create), an update and a delete one each (retries of throttled or failed attempts aside).\n\n" +
        "## Import\n\n" +
        "An existing alias is imported by its ARN:\n\n" +
        "```sh\n" +
        `pulumi import ${PACKAGE_NAME}:index:StateMachineAlias <name> arn:aws:states:us-east-1:123456789012:stateMachine:orders:live\n` +
        "```\n",
    name:
        `The alias name: 1-${NAME_MAX_LENGTH} characters of letters, digits, \`_\`, \`-\`, \`.\`, not digits only. ` +
        "Changing it replaces the alias (a new one is created before the old one is deleted). With an explicit name, " +
        "also set `deleteBeforeReplace`: the new alias would have the old one's ARN. " +
        `Default: \`<resource name>-<${AUTONAME_SUFFIX_LENGTH} characters [a-z0-9]>\`, the characters a digest of the engine's random ` +
        `seed for the resource, so preview and up agree, the resource name shortened to fit ${NAME_MAX_LENGTH} characters; or the ` +
        "name the stack's `pulumi:autonaming` configuration proposes (a name is then required when it disables autonaming). " +
        "Once made, a name is kept across updates, renames with `aliases`, and removing `name` from the inputs.",
    description:
        `Up to ${DESCRIPTION_MAX_LENGTH} characters. Removing it clears the alias's description. Default: no description.`,
    routingConfiguration:
        `One or two versions of one state machine and their weights, in any order (order never causes a diff). ` +
        `${ROUTING_MIN_ENTRIES}-${ROUTING_MAX_ENTRIES} entries. ` +
        "Changing weights, or versions within the same state machine, updates the alias in place; versions of " +
        "another state machine replace it. Required unless `deploymentPreference` is set (never both).",
    deploymentPreference:
        "Move all traffic to one version gradually (CANARY, LINEAR) or at once (ALL_AT_ONCE), watching CloudWatch " +
        "alarms and rolling back when one fires. Instead of `routingConfiguration` (never both). An interrupted " +
        "rollout resumes from the weight it reached at the next `up`.",
    adoptExisting:
        "When an alias with this name already exists (identical or not), take it over (update it to this one) " +
        "instead of failing. With this provider `pulumi import` also brings an existing alias under management; " +
        "this is the fix after an interrupted `up` left an alias AWS created but the state never recorded: set it " +
        "once, run `up`, remove it. Changing it alone changes nothing. Default: `false`.",
    arn: "The alias ARN (also the resource id): start executions with it.",
    stateMachineArn: "The state machine whose versions the alias routes to.",
    creationDate: "When the alias was created (ISO 8601).",
    updateDate: "When the alias was last updated (ISO 8601); equal to creationDate until the first update.",
    rolloutInProgress:
        "Set only when an update with `deploymentPreference` stopped part-way (an alarm, drift, an interruption): " +
        "the version the rollout started from and the one it was moving to, so the next `up` can resume it or route " +
        "back in one call.",
    outputs: {
        name: "The alias name.",
        description: 'The description; "" when there is none.',
        routingConfiguration: "The versions and weights, sorted by version ARN.",
        adoptExisting: "Whether an existing alias of this name may be taken over (false unless set).",
    },
    routingEntry: "One version the alias routes to, and its share of executions.",
    stateMachineVersionArn:
        `The ARN of a published version: ${VERSION_ARN_FORM} (e.g. \`stateMachineVersionArn\` of an ` +
        "`aws.sfn.StateMachine` with `publish: true`). Not an unqualified state machine ARN, not an alias ARN. " +
        "Both entries must be versions of the same state machine.",
    weight: `The percentage of executions sent to this version: an integer ${WEIGHT_MIN}-${WEIGHT_MAX}; the weights sum to exactly ${WEIGHT_SUM}.`,
    preTrafficExecution: "An execution of the new version, started by its version ARN (not through the alias) before any traffic moves.",
    preTrafficInput:
        `The execution's input: an object (sent as JSON) or JSON text. At most ${EXECUTION_INPUT_MAX_LENGTH.toLocaleString("en-US")} characters. Default: \`{}\`.`,
    preTrafficTimeoutSeconds:
        `How long to wait for it to end SUCCEEDED (1-${PRE_TRAFFIC_TIMEOUT_SECONDS_MAX}). Any other end, or no end in time, ` +
        `stops the rollout before it starts. Default: ${PRE_TRAFFIC_TIMEOUT_SECONDS_DEFAULT}.`,
    preference:
        "A gradual rollout to one version: CloudFormation's DeploymentPreference (type, stateMachineVersionArn, " +
        "percentage, interval, alarms), plus durations in seconds, explicit steps, a bake after the final shift, a " +
        "pre-traffic execution, and what INSUFFICIENT_DATA and failed alarm reads mean. A create goes straight to " +
        "100% (nothing to shift from) once the alarms and the pre-traffic execution allow it.",
    type: "`ALL_AT_ONCE` (one shift), `CANARY` (percentage, then 100) or `LINEAR` (percentage added each interval, then 100).",
    preferenceVersionArn: "The version to move all traffic to: a version of the state machine the alias is on.",
    percentage: `CANARY: the canary's first share; LINEAR: the share added per shift. ${PERCENTAGE_MIN}-${PERCENTAGE_MAX}. Required for both unless \`steps\` is set.`,
    interval: `Minutes between shifts, ${INTERVAL_MINUTES_MIN}-${INTERVAL_MINUTES_MAX} (CloudFormation's unit). Required for CANARY and LINEAR unless \`intervalSeconds\` is set.`,
    intervalSeconds: `The interval in seconds instead of minutes (not both), 1-${TOTAL_SECONDS_MAX}.`,
    steps:
        `The new version's share after each shift, rising, each ${PERCENTAGE_MIN}-${PERCENTAGE_MAX} (e.g. \`[5, 25, 50]\`); 100 follows. ` +
        `Instead of \`percentage\`. At most ${STEPS_MAX} steps.`,
    alarms:
        `CloudWatch alarm names (${ALARMS_MIN}-${ALARMS_MAX}, metric or composite), all checked ` +
        "to exist and none in ALARM before the first shift, then polled during every wait and the bake: one in ALARM " +
        "routes all traffic back to the version the rollout started from, in one call, and fails the update. " +
        `Each name 1-${ALARM_NAME_MAX_LENGTH} characters, listed once; an alarm ARN is refused.`,
    bakeTimeSeconds:
        `How long alarms are watched after the final shift, while a rollback is still possible (0-${TOTAL_SECONDS_MAX}). ` +
        `Default: the interval; for ALL_AT_ONCE without an interval, ${ALL_AT_ONCE_BAKE_SECONDS_DEFAULT} when alarms are given; 0 without alarms.`,
    alarmPollSeconds: `Seconds between alarm polls (1-${ALARM_POLL_SECONDS_MAX}); one DescribeAlarms per poll. Default: ${ALARM_POLL_SECONDS_DEFAULT}.`,
    preTraffic: "Before any traffic moves, run the new version once and require SUCCEEDED. Default: none.",
    treatInsufficientDataAs:
        'What an alarm in INSUFFICIENT_DATA means: `"OK"` (as CloudWatch and CloudFormation take it) or `"ALARM"`. ' +
        `Default: ${code(JSON.stringify(INSUFFICIENT_DATA_TREATMENTS[0]))}.`,
    onAlarmReadFailure:
        'When a poll cannot read the alarms (after retries): `"ROLLBACK"` (fail closed, as CodeDeploy) or `"CONTINUE"`. ' +
        `Default: ${code(JSON.stringify(ALARM_READ_FAILURE_ACTIONS[0]))}.`,
    marker: "Where a rollout that stopped part-way stands.",
    originVersionArn: "The version the rollout started from (all traffic was on it).",
    targetVersionArn: "The version the rollout was moving traffic to.",
    deploymentType: "How a rollout moves traffic.",
    insufficientDataTreatment: "What an alarm in INSUFFICIENT_DATA means during a rollout.",
    alarmReadFailureAction: "What a poll that cannot read the alarms means during a rollout.",
    provider:
        `The provider for ${PACKAGE_NAME}. Its settings are the stack's \`${PACKAGE_NAME}:*\` configuration, or the inputs of an ` +
        "explicit provider instance (another region, account or role). Credentials and endpoints otherwise come from " +
        "the AWS SDK's own chain (environment, `AWS_PROFILE`, SSO, instance roles, `AWS_ENDPOINT_URL_SFN`, " +
        "`AWS_ENDPOINT_URL_STS`). The region of each call comes from the version ARN (create, update) or the alias ARN " +
        "(refresh, delete).",
    config: {
        region:
            "The region this provider's aliases must be in. When set, a resource whose state machine is in another region " +
            "is refused at check (the region of each call still comes from the ARNs). Not set: any region.",
        profile: "The shared-config profile of the base identity (used when `accessKey` and `secretKey` are not set).",
        accessKey: "Static base credentials: the access key ID (with `secretKey`; both or neither).",
        secretKey: "Static base credentials: the secret access key (with `accessKey`; both or neither).",
        token: "The session token of temporary static credentials (with `accessKey` and `secretKey`).",
        endpoints:
            "Endpoint overrides, as @pulumi/aws's `endpoints` (e.g. LocalStack): the first entry that names a service is used. " +
            "They win over the SDK's `AWS_ENDPOINT_URL_*` environment variables.",
        assumeRoles:
            "Roles assumed in order, each with the credentials of the one before (the first with the base identity: " +
            "`accessKey`/`secretKey`, else `profile`, else the SDK's chain), in the alias's region, at the `sts` endpoint if set. " +
            "Temporary credentials are refreshed before they expire and are never written to state.",
    },
    endpointsType: "Endpoint URLs, one field per service this provider calls; each an http(s) URL such as `http://127.0.0.1:4566`.",
    endpoint: {
        sfn: "Step Functions (alias calls and the pre-traffic execution).",
        stepfunctions: "Step Functions, under the other name @pulumi/aws accepts (set one of `sfn` and `stepfunctions`).",
        sts: "STS, for `assumeRoles`.",
        cloudwatch: "CloudWatch, for the alarm reads of a rollout.",
    } as Record<string, string>,
    assumeRoleType: "One role to assume, with the fields @pulumi/aws defines for `assumeRoles` (ProviderAssumeRole).",
    assumeRole: {
        duration:
            'The duration of the role session, such as `"1h"` or `"90m"` (units ns, us or µs, ms, s, m, h): 15 minutes to 12 hours; ' +
            "roles after the first at most 1 hour (AWS's role-chaining limit). Default: STS's, 1 hour.",
        externalId: "A unique identifier that might be required when you assume a role in another account. Never repeated in a message.",
        policy: "IAM policy JSON further restricting the permissions of the role session. Never repeated in a message.",
        policyArns: "ARNs of IAM managed policies further restricting the permissions of the role session (at most 10).",
        roleArn: "The ARN of the IAM role to assume: `arn:<partition>:iam::<12-digit account>:role/<name>`.",
        sessionName: `An identifier for the assumed role session. Default: ${code(DEFAULT_SESSION_NAME)}.`,
        sourceIdentity: "Source identity specified by the principal assuming the role.",
        tags: "Session tags (at most 50). Tag values are never repeated in a message.",
        transitiveTagKeys: "Session tag keys to pass to any subsequent sessions.",
    } as Record<(typeof ASSUME_ROLE_FIELDS)[number], string>,
};

// ---- Types ---------------------------------------------------------------------------------------------

/**
 * The type of each assumed-role field, as @pulumi/aws's ProviderAssumeRole defines it
 * (node_modules/@pulumi/aws/types/input.d.ts: strings, `policyArns` and `transitiveTagKeys` string lists,
 * `tags` a map of strings).
 */
const ASSUME_ROLE_TYPES: Record<(typeof ASSUME_ROLE_FIELDS)[number], Omit<PropertySpec, "description">> = {
    duration: { type: "string" },
    externalId: { type: "string" },
    policy: { type: "string" },
    policyArns: { type: "array", items: { type: "string" } },
    roleArn: { type: "string" },
    sessionName: { type: "string" },
    sourceIdentity: { type: "string" },
    tags: { type: "object", additionalProperties: { type: "string" } },
    transitiveTagKeys: { type: "array", items: { type: "string" } },
};

function preferenceProperties(): Record<(typeof PREFERENCE_PROPERTIES)[number], PropertySpec> {
    const d = DESCRIPTIONS;
    return {
        type: { $ref: ref(TYPE_TOKENS.deploymentType), description: d.type },
        stateMachineVersionArn: str(d.preferenceVersionArn),
        percentage: int(d.percentage),
        interval: int(d.interval),
        alarms: list({ type: "string" }, d.alarms),
        intervalSeconds: int(d.intervalSeconds),
        bakeTimeSeconds: int(d.bakeTimeSeconds),
        alarmPollSeconds: int(d.alarmPollSeconds),
        steps: list({ type: "integer" }, d.steps),
        preTrafficExecution: { $ref: ref(TYPE_TOKENS.preTrafficExecution), description: d.preTraffic },
        treatInsufficientDataAs: { $ref: ref(TYPE_TOKENS.insufficientDataTreatment), description: d.treatInsufficientDataAs },
        onAlarmReadFailure: { $ref: ref(TYPE_TOKENS.alarmReadFailureAction), description: d.onAlarmReadFailure },
    };
}

function types(): Record<string, object> {
    const d = DESCRIPTIONS;
    const routingEntry: Record<(typeof ROUTING_ENTRY_PROPERTIES)[number], PropertySpec> = {
        stateMachineVersionArn: str(d.stateMachineVersionArn),
        weight: int(d.weight),
    };
    const preTraffic: Record<(typeof PRE_TRAFFIC_PROPERTIES)[number], PropertySpec> = {
        input: { $ref: "pulumi.json#/Any", description: d.preTrafficInput },
        timeoutSeconds: int(d.preTrafficTimeoutSeconds),
    };
    return {
        [TYPE_TOKENS.routingConfigurationEntry]: {
            type: "object",
            description: d.routingEntry,
            properties: routingEntry,
            required: [...ROUTING_ENTRY_PROPERTIES],
        },
        [TYPE_TOKENS.deploymentPreference]: {
            type: "object",
            description: d.preference,
            properties: preferenceProperties(),
            required: ["type", "stateMachineVersionArn"],
        },
        [TYPE_TOKENS.preTrafficExecution]: {
            type: "object",
            description: d.preTrafficExecution,
            properties: preTraffic,
        },
        [TYPE_TOKENS.rolloutInProgress]: {
            type: "object",
            description: d.marker,
            properties: { originVersionArn: str(d.originVersionArn), targetVersionArn: str(d.targetVersionArn) },
            required: ["originVersionArn", "targetVersionArn"],
        },
        [TYPE_TOKENS.deploymentType]: {
            type: "string",
            description: d.deploymentType,
            enum: enumValues(DEPLOYMENT_TYPES, {
                ALL_AT_ONCE: "All traffic in one shift.",
                CANARY: "`percentage`, then 100.",
                LINEAR: "`percentage` added per shift, then 100.",
            }),
        },
        [TYPE_TOKENS.insufficientDataTreatment]: {
            type: "string",
            description: d.insufficientDataTreatment,
            enum: enumValues(INSUFFICIENT_DATA_TREATMENTS, { OK: "As CloudWatch and CloudFormation take it.", ALARM: "As an alarm: roll back." }),
        },
        [TYPE_TOKENS.alarmReadFailureAction]: {
            type: "string",
            description: d.alarmReadFailureAction,
            enum: enumValues(ALARM_READ_FAILURE_ACTIONS, { ROLLBACK: "Fail closed, as CodeDeploy: roll back.", CONTINUE: "Carry on with the rollout." }),
        },
        [TYPE_TOKENS.assumeRole]: {
            type: "object",
            description: d.assumeRoleType,
            properties: Object.fromEntries(ASSUME_ROLE_FIELDS.map((f) => [f, { ...ASSUME_ROLE_TYPES[f], description: d.assumeRole[f] }])),
            // Optional in @pulumi/aws's .d.ts; required by this provider (config.ts: an entry without a role assumes nothing).
            required: ["roleArn"],
        },
        [TYPE_TOKENS.endpoints]: {
            type: "object",
            description: d.endpointsType,
            properties: Object.fromEntries(ENDPOINT_FIELDS.map((f) => [f, str(d.endpoint[f])])),
        },
    };
}

function configProperties(): Record<ConfigKey, PropertySpec> {
    const c = DESCRIPTIONS.config;
    const props: Record<ConfigKey, PropertySpec> = {
        region: str(c.region),
        profile: str(c.profile),
        accessKey: str(c.accessKey),
        secretKey: str(c.secretKey),
        token: str(c.token),
        endpoints: list({ $ref: ref(TYPE_TOKENS.endpoints) }, c.endpoints),
        assumeRoles: list({ $ref: ref(TYPE_TOKENS.assumeRole) }, c.assumeRoles),
    };
    for (const key of SECRET_CONFIG_KEYS) props[key] = { ...props[key], secret: true };
    return props;
}

function resourceInputs(): Record<(typeof INPUT_PROPERTIES)[number], PropertySpec> {
    const d = DESCRIPTIONS;
    const props: Record<(typeof INPUT_PROPERTIES)[number], PropertySpec> = {
        name: str(d.name),
        description: str(d.description),
        routingConfiguration: list({ $ref: ref(TYPE_TOKENS.routingConfigurationEntry) }, d.routingConfiguration),
        deploymentPreference: { $ref: ref(TYPE_TOKENS.deploymentPreference), description: d.deploymentPreference },
        adoptExisting: { type: "boolean", description: d.adoptExisting },
    };
    for (const key of REPLACE_ON_CHANGES) props[key as keyof typeof props] = { ...props[key as keyof typeof props], replaceOnChanges: true };
    return props;
}

function resourceOutputs(): Record<string, PropertySpec> {
    const inputs = resourceInputs();
    const o = DESCRIPTIONS.outputs;
    return {
        name: { ...inputs.name, description: o.name },
        description: { ...inputs.description, description: o.description },
        routingConfiguration: { ...inputs.routingConfiguration, description: o.routingConfiguration },
        adoptExisting: { ...inputs.adoptExisting, description: o.adoptExisting },
        arn: str(DESCRIPTIONS.arn),
        stateMachineArn: str(DESCRIPTIONS.stateMachineArn),
        creationDate: str(DESCRIPTIONS.creationDate),
        updateDate: str(DESCRIPTIONS.updateDate),
        [MARKER_KEY]: { $ref: ref(TYPE_TOKENS.rolloutInProgress), description: DESCRIPTIONS.rolloutInProgress },
    };
}

/** `v1.2.3` → `1.2.3`; the metaschema allows the `v`, the language packages do not. */
function bareVersion(version: string): string {
    return version.startsWith("v") ? version.slice(1) : version;
}

/** The Go import path: `<repository>/sdk/go[/vN]/sfnalias` (Go's major-version suffix from v2 on). */
export function goImportBasePath(version: string): string {
    const major = Number(bareVersion(version).split(".")[0]);
    const url = new URL(REPOSITORY);
    return `${url.host}${url.pathname}/sdk/go${major > 1 ? `/v${major}` : ""}/${GO_PACKAGE}`;
}

function language(version: string) {
    return {
        nodejs: {
            packageName: `@pulumi-sfn-alias/${PACKAGE_NAME}`,
            packageDescription: "AWS Step Functions state machine aliases, validated at preview: the sfn-alias provider plugin's SDK.",
            dependencies: { "@pulumi/pulumi": NODEJS_PULUMI_DEPENDENCY },
            respectSchemaVersion: true,
        },
        python: {
            packageName: "pulumi_sfn_alias",
            requires: { pulumi: PYTHON_PULUMI_REQUIREMENT },
            pyproject: { enabled: true },
            respectSchemaVersion: true,
        },
        go: {
            importBasePath: goImportBasePath(version),
            respectSchemaVersion: true,
        },
        csharp: {
            rootNamespace: "Pulumi",
            namespaces: { [PACKAGE_NAME]: "SfnAlias" },
            packageReferences: { Pulumi: "3.*" },
            respectSchemaVersion: true,
        },
        java: {
            basePackage: "com.pulumi",
            packages: { [PACKAGE_NAME]: GO_PACKAGE },
        },
    };
}

/** The package schema, for GetSchema; `version` is the plugin's (semver, an optional leading `v`). */
export function schema(version: string): object {
    const config = configProperties();
    return {
        name: PACKAGE_NAME,
        displayName: "Step Functions Alias",
        version: bareVersion(version),
        description:
            "AWS Step Functions state machine aliases: inputs AWS would refuse refused at preview, order-insensitive diffs, " +
            "the fewest API calls, and gradual deployment with CloudWatch alarms.",
        keywords: ["pulumi", "aws", "stepfunctions", "sfn", "alias", "category/cloud"],
        homepage: REPOSITORY,
        repository: REPOSITORY,
        license: "Apache-2.0",
        publisher: "pulumi-sfn-alias",
        config: { variables: config },
        provider: {
            description: DESCRIPTIONS.provider,
            inputProperties: config,
        },
        types: types(),
        resources: {
            [RESOURCE_TOKEN]: {
                description: DESCRIPTIONS.resource,
                properties: resourceOutputs(),
                required: [...REQUIRED_OUTPUTS],
                inputProperties: resourceInputs(),
                requiredInputs: [],
            },
        },
        language: language(version),
    };
}
