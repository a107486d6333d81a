/**
 * The AWS calls, and nothing else: one function per Step Functions operation the provider uses, a client
 * per region and endpoint per plugin process, and AWS errors turned into errors that keep AWS's name,
 * message and request id and say which alias they concern.
 */
import type { SFNClient, SFNClientConfig } from "@aws-sdk/client-sfn";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { parseAliasArn, parseVersionArn } from "./arn";
import { RoutingEntry } from "./types";
import { AliasConfiguration, canonicalRouting } from "./normalize";
import { awsAnswered, backoffMs, classify, TokenBucket } from "./pacing";
import { AWS_BUCKETS } from "./rules";
import { credentialsFor } from "./credentials";
import { isStaleRead, STALE_REREAD_DELAYS_MS } from "./consistency";

/** Where and as whom to call AWS, beyond what the SDK finds itself (environment, profiles, SSO...). */
export interface AwsSettings {
    /** An explicit Step Functions endpoint (stack config `aws:endpoints`); else the SDK's own resolution,
     * which honours `AWS_ENDPOINT_URL_SFN` and `AWS_ENDPOINT_URL`. */
    readonly endpoint?: string;
    readonly profile?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
    /** Roles to assume, in order, each with the credentials of the one before (the first with the base
     * credentials above, or the SDK's chain): stack config `aws:assumeRoles` (or v6's `aws:assumeRole`). */
    readonly assumeRoles?: readonly AssumeRoleSettings[];
    /** An explicit STS endpoint for those roles (`aws:endpoints` entry `sts`); else the SDK's own resolution,
     * which honours `AWS_ENDPOINT_URL_STS` and `AWS_ENDPOINT_URL`. */
    readonly stsEndpoint?: string;
    /** An explicit CloudWatch endpoint for alarm reads (`aws:endpoints` entry `cloudwatch`); else the SDK's own
     * resolution, which honours `AWS_ENDPOINT_URL_CLOUDWATCH` and `AWS_ENDPOINT_URL`. */
    readonly cloudwatchEndpoint?: string;
}

/** One role of `aws:assumeRoles`, checked (config.ts), in the terms of STS AssumeRole (credentials.ts). */
export interface AssumeRoleSettings {
    readonly roleArn: string;
    /** RoleSessionName; credentials.ts gives a fixed default when unset. */
    readonly sessionName?: string;
    readonly externalId?: string;
    /** DurationSeconds, from the config's `duration` ("1h"). */
    readonly durationSeconds?: number;
    readonly policy?: string;
    readonly policyArns?: readonly string[];
    readonly tags?: Readonly<Record<string, string>>;
    readonly transitiveTagKeys?: readonly string[];
    readonly sourceIdentity?: string;
}

/**
 * Attempts per HTTP call inside the SDK: one. Retries are this module's (see `send`): the SDK's own retry
 * strategies share a retry quota per client (500 tokens, 5 per throttled and 14 per transient retry) that an
 * up of a few hundred aliases drains on throttling, after which a 500 or a timeout failed at its first
 * attempt (measured: 3 of 300 creates with 2% of them answering 500). One loop with no quota, pacing and
 * one patience rule for every retryable error replaces both.
 */
export const SDK_MAX_ATTEMPTS = 1;

/**
 * Timeouts of each HTTP attempt. Without them the SDK waits for an answer forever: a connection AWS (or a
 * proxy) accepted but never answers would hang the deployment. A request that times out is retried like a
 * 5xx, and every alias call is safe to repeat (update to the same configuration and delete of a gone alias
 * succeed; a repeated create answers 200 for the alias its first attempt made), so a slow answer costs an
 * attempt, never a duplicate. 30 s is far above what an alias call takes; `PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS`
 * overrides it (read when a client is made, at run time: tests use it to provoke timeouts quickly).
 */
export const CONNECTION_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 30_000;

function requestTimeoutMs(): number {
    const raw = Number(process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS);
    return Number.isInteger(raw) && raw > 0 ? raw : REQUEST_TIMEOUT_MS;
}

interface Session {
    settings: AwsSettings;
    clients: Record<string, SFNClient | CloudWatchClient>;
    /** When AWS last answered a call of each operation in each region: while others get through, a retried call waits on. */
    lastAcceptedAt: Record<string, number>;
    /** AWS's token bucket of each operation in each region, mirrored (pacing.ts). */
    buckets: Record<string, TokenBucket>;
    /** Alias ARNs this process deleted, and when. */
    deletedAt?: Record<string, number>;
    /** Alias ARNs this process created, adopted or updated, with the updateDate it recorded for them. */
    claims?: Record<string, string>;
}

// Settings and clients live on the plugin process's global object, filled at run time by configure. A
// module-level object would be copied by value into `__provider` when the provider is serialized inline,
// credentials included if configure had run in that process; a global is referenced, never copied.
const SESSION_KEY = "__pulumiSfnAliasSession";

function session(): Session {
    const g = globalThis as unknown as Record<string, Session | undefined>;
    const s = (g[SESSION_KEY] ??= { settings: {}, clients: {}, lastAcceptedAt: {}, buckets: {} });
    s.buckets ??= {}; // a session made by an earlier copy of this module in the same process
    return s;
}

/**
 * Applies the stack's settings; clients are made anew, with them, when next needed, and what the session
 * learnt of AWS (mirrored buckets, recent answers and deletes) starts over: other settings may mean another
 * account, whose buckets are its own.
 */
export function configureAws(settings: AwsSettings): void {
    const s = session();
    s.settings = settings;
    s.clients = {};
    s.buckets = {};
    s.lastAcceptedAt = {};
    s.deletedAt = {};
    s.claims = {};
}

/** Records that this process wrote `arn` for a resource and recorded `updateDate` for it. */
export function claim(arn: string, updateDate: string): void {
    (session().claims ??= {})[arn] = updateDate;
}

/**
 * Whether this process wrote `arn` for a resource whose record is not `recordedUpdateDate`: then a delete
 * with that record is of another resource's stale claim to the same alias (one plugin process serves one
 * deployment, in which a resource is created, updated or deleted, never two of these).
 */
export function claimedByAnother(arn: string, recordedUpdateDate: unknown): boolean {
    const claimed = session().claims?.[arn];
    // A delete with no record to compare (a direct call of the provider) is taken as the claimant's own.
    return claimed !== undefined && typeof recordedUpdateDate === "string" && claimed !== recordedUpdateDate;
}

/** The SDK, loaded when first needed: a module-level import would be captured when the provider is serialized. */
function sdk(): typeof import("@aws-sdk/client-sfn") {
    return require("@aws-sdk/client-sfn");
}

/** The two services the provider calls, each with its SDK client and its endpoint setting. */
export type Service = "sfn" | "cloudwatch";

function makeClient(service: Service, region: string): SFNClient | CloudWatchClient {
    const { settings, clients } = session();
    const { profile } = settings;
    const endpoint = service === "sfn" ? settings.endpoint : settings.cloudwatchEndpoint;
    const key = `${service}|${region}|${endpoint ?? ""}`;
    let client = clients[key];
    if (!client) {
        const requestTimeout = requestTimeoutMs();
        const config: SFNClientConfig = {
            region, maxAttempts: SDK_MAX_ATTEMPTS,
            // NodeHttpHandler options; throwOnRequestTimeout makes a breach an error (retried), not a warning.
            requestHandler: { connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, requestTimeout), requestTimeout, throwOnRequestTimeout: true },
        };
        if (endpoint) config.endpoint = endpoint;
        // The profile still selects the shared config file's other settings for this client. Credentials
        // (static keys, the profile's, or roles assumed on top of either) come from credentialsFor, made once
        // per client: the client caches what they give and asks again shortly before they expire.
        if (profile) config.profile = profile;
        const credentials = credentialsFor(settings, region);
        if (credentials) config.credentials = credentials;
        client = service === "sfn" ? new (sdk().SFNClient)(config) : new (cloudwatchSdk().CloudWatchClient)(config);
        clients[key] = client;
    }
    return client;
}

export function clientFor(region: string): SFNClient {
    return makeClient("sfn", region) as SFNClient;
}

export function cloudwatchClientFor(region: string): CloudWatchClient {
    return makeClient("cloudwatch", region) as CloudWatchClient;
}

/** The CloudWatch SDK, loaded when first needed (as `sdk()`). */
function cloudwatchSdk(): typeof import("@aws-sdk/client-cloudwatch") {
    return require("@aws-sdk/client-cloudwatch");
}

/** An AWS failure, as the user sees it: AWS's error name kept as `name`, with the request id. */
export interface AwsError extends Error {
    readonly awsName: string;
    readonly requestId?: string;
    readonly operation: string;
    readonly cause: unknown;
}

export function isAwsError(e: unknown, awsName: string): boolean {
    return typeof e === "object" && e !== null && (e as { awsName?: string }).awsName === awsName;
}

/** What a call went through before it failed for good, for the message. */
interface Tries {
    readonly attempts: number;
    readonly throttled: number;
    readonly transient: number;
    readonly ms: number;
}

function awsError(operation: string, subject: string, e: unknown, tries: Tries): AwsError {
    const raw = e as { name?: string; message?: string; $metadata?: { requestId?: string } };
    const awsName = raw?.name ?? "Error";
    const requestId = raw?.$metadata?.requestId;
    const details: string[] = [];
    if (requestId) details.push(`request id ${requestId}`);
    if (tries.attempts > 1) {
        const why = [tries.throttled ? `${tries.throttled} throttled` : "", tries.transient ? `${tries.transient} failed in transit or by AWS` : ""].filter(Boolean).join(", ");
        details.push(`after ${tries.attempts} attempts in ${Math.round(tries.ms / 1000)} s${why ? ` (${why})` : ""}`);
    }
    const message = `${operation} for ${subject} failed: ${awsName}: ${raw?.message ?? String(e)}${details.length ? ` (${details.join(", ")})` : ""}`;
    const error = new Error(message) as Error & { awsName: string; requestId?: string; operation: string; cause: unknown; attempts: number };
    error.name = awsName;
    error.awsName = awsName;
    error.requestId = requestId;
    error.operation = operation;
    error.cause = e;
    error.attempts = tries.attempts;
    return error;
}

/**
 * How long a failing call is sent again while AWS answers no call of its operation in its region. A call
 * that was throttled, timed out, lost its connection or got a 5xx was either not applied or is safe to apply
 * again (every alias call is), so it is resent: throttled calls when the paced bucket next has a token,
 * others after a jittered exponential backoff. The deadline runs from the last call of the same operation in
 * the region that AWS answered (its buckets are per operation), not from the call's start, so an up of any
 * size waits its turn while AWS grants those calls, and a call fails when AWS answered none for this long,
 * after THROTTLE_MAX_WAIT_MS in all, or after MAX_TRANSIENT_FAILURES failures that were not throttling.
 * `PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS` overrides the patience.
 */
export const THROTTLE_PATIENCE_MS = 10 * 60_000;
/** However much progress others make, one call gives up after this long. */
export const THROTTLE_MAX_WAIT_MS = 60 * 60_000;
/**
 * Failures other than throttling (5xx, timeouts, resets, refused connections) one call rides out: nine
 * backoffs of up to 0.2, 0.4, ... 12.8, 20, 20 s, about 33 s in all on average (65 s at most; measured
 * against a closed port: 24-38 s). Long enough for a passing fault; short enough that an endpoint that is
 * not there (a mistyped URL) fails within about half a minute.
 */
export const MAX_TRANSIENT_FAILURES = 10;

function throttlePatienceMs(): number {
    const raw = Number(process.env.PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS);
    return Number.isInteger(raw) && raw >= 0 ? raw : THROTTLE_PATIENCE_MS;
}

/**
 * The refill rate the pacing assumes for every bucket: AWS's published 1 per second, unless
 * `PULUMI_SFN_ALIAS_REFILL_PER_SECOND` says otherwise (for an account whose quotas AWS raised).
 */
function refillPerSecond(published: number): number {
    const raw = Number(process.env.PULUMI_SFN_ALIAS_REFILL_PER_SECOND);
    return Number.isFinite(raw) && raw > 0 ? raw : published;
}

function bucketFor(key: string, operation: string): TokenBucket {
    const { buckets } = session();
    const published = AWS_BUCKETS[operation] ?? { burst: 100, refillPerSecond: 1 };
    return (buckets[key] ??= new TokenBucket({ burst: published.burst, refillPerSecond: refillPerSecond(published.refillPerSecond) }, Date.now()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function send<T>(region: string, operation: string, subject: string, command: unknown, service: Service = "sfn"): Promise<T> {
    const started = Date.now();
    const { lastAcceptedAt } = session();
    const key = `${service}|${region}|${operation}`;
    const bucket = bucketFor(key, operation);
    let attempts = 0;
    let throttled = 0;
    let transient = 0;
    for (;;) {
        const wait = bucket.reserve(Date.now());
        if (wait > 0) await sleep(wait);
        attempts++;
        try {
            const out = (await (makeClient(service, region) as SFNClient).send(command as never)) as T;
            lastAcceptedAt[key] = Date.now();
            return out;
        } catch (e) {
            const kind = classify(e);
            const now = Date.now();
            if (awsAnswered(e, kind)) lastAcceptedAt[key] = now;
            const tries = () => ({ attempts, throttled, transient, ms: Date.now() - started });
            if (kind === "final") throw awsError(operation, subject, e, tries());
            let backoff = 0;
            if (kind === "throttling") {
                throttled++;
                bucket.empty(now); // the next reservation waits for AWS's refill
            } else {
                transient++;
                backoff = backoffMs(transient, Math.random());
            }
            const deadline = Math.min(Math.max(started, lastAcceptedAt[key] ?? 0) + throttlePatienceMs(), started + THROTTLE_MAX_WAIT_MS);
            if (transient >= MAX_TRANSIENT_FAILURES || now + backoff >= deadline) throw awsError(operation, subject, e, tries());
            if (backoff > 0) await sleep(backoff);
        }
    }
}

/** AWS's timestamps as ISO strings; a missing one (never from AWS itself) stays empty rather than invented. */
function iso(date: Date | undefined): string {
    return date ? date.toISOString() : "";
}

export interface CreateAliasRequest {
    readonly name: string;
    readonly description?: string;
    readonly routingConfiguration: readonly RoutingEntry[];
}

/** Creates the alias whose ARN will be `arn` (the state machine's ARN qualified by the name). */
export async function createAlias(region: string, arn: string, req: CreateAliasRequest): Promise<{ arn: string; creationDate: string }> {
    const input = {
        name: req.name,
        // Canonical order: AWS's idempotency check on a repeated create then never depends on the order written.
        routingConfiguration: canonicalRouting(req.routingConfiguration),
        ...(req.description ? { description: req.description } : {}),
    };
    const out = await send<{ stateMachineAliasArn?: string; creationDate?: Date }>(
        region,
        "CreateStateMachineAlias",
        arn,
        new (sdk().CreateStateMachineAliasCommand)(input),
    );
    return { arn: out.stateMachineAliasArn || arn, creationDate: iso(out.creationDate) };
}

/**
 * Sets the alias to the whole configuration (description and routing): what it becomes does not depend on
 * what the provider believed it was, so drift nobody refreshed is overwritten too. One call either way.
 */
export async function updateAlias(region: string, arn: string, config: AliasConfiguration): Promise<{ updateDate: string }> {
    const out = await send<{ updateDate?: Date }>(
        region,
        "UpdateStateMachineAlias",
        arn,
        new (sdk().UpdateStateMachineAliasCommand)({
            stateMachineAliasArn: arn,
            description: config.description,
            routingConfiguration: canonicalRouting(config.routingConfiguration),
        }),
    );
    return { updateDate: iso(out.updateDate) };
}

export interface LiveAlias {
    readonly arn: string;
    readonly name: string;
    readonly description: string;
    readonly routingConfiguration: RoutingEntry[];
    readonly creationDate: string;
    readonly updateDate: string;
}

/** The alias as AWS has it, or undefined when it does not exist (or its state machine does not). */
export async function describeAlias(region: string, arn: string): Promise<LiveAlias | undefined> {
    let out;
    try {
        out = await send<{
            stateMachineAliasArn?: string;
            name?: string;
            description?: string;
            routingConfiguration?: { stateMachineVersionArn?: string; weight?: number }[];
            creationDate?: Date;
            updateDate?: Date;
        }>(region, "DescribeStateMachineAlias", arn, new (sdk().DescribeStateMachineAliasCommand)({ stateMachineAliasArn: arn }));
    } catch (e) {
        if (isAwsError(e, "ResourceNotFound")) return undefined;
        throw e;
    }
    return {
        arn: out.stateMachineAliasArn ?? arn,
        name: out.name ?? parseAliasArn(arn).aliasName,
        description: out.description ?? "",
        routingConfiguration: (out.routingConfiguration ?? []).map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn as string, weight: r.weight as number })),
        creationDate: iso(out.creationDate),
        updateDate: iso(out.updateDate ?? out.creationDate),
    };
}

/**
 * The alias as AWS has it, read again (after STALE_REREAD_DELAYS_MS) while the answer is older than `known`
 * (what this provider recorded or wrote last): a stale read, not drift. The last answer may still be stale;
 * callers decide what that means (isStaleRead). Without `known`, one Describe.
 */
export async function describeAliasSince(region: string, arn: string, known?: { creationDate?: unknown; updateDate?: unknown }): Promise<LiveAlias | undefined> {
    let live = await describeAlias(region, arn);
    for (const delay of STALE_REREAD_DELAYS_MS) {
        if (!live || !known || !isStaleRead(live, known)) break;
        await sleep(delay);
        live = await describeAlias(region, arn);
    }
    return live;
}

/**
 * The version numbers a state machine has, every page of them; undefined when the state machine does not
 * exist. Used on failure paths only, to say what exists instead of guessing.
 */
export async function listVersions(region: string, stateMachineArn: string): Promise<number[] | undefined> {
    const versions: number[] = [];
    let nextToken: string | undefined;
    do {
        let out: { stateMachineVersions?: { stateMachineVersionArn?: string }[]; nextToken?: string };
        try {
            out = await send(region, "ListStateMachineVersions", stateMachineArn, new (sdk().ListStateMachineVersionsCommand)({ stateMachineArn, nextToken, maxResults: 1000 }));
        } catch (e) {
            if (isAwsError(e, "StateMachineDoesNotExist") || isAwsError(e, "ResourceNotFound")) return undefined;
            throw e;
        }
        for (const v of out.stateMachineVersions ?? []) {
            const parsed = parseVersionArn(v.stateMachineVersionArn);
            if (parsed.ok) versions.push(parsed.value.version);
        }
        nextToken = out.nextToken;
    } while (nextToken);
    return versions;
}

/** When this process last deleted each alias ARN (a Describe soon after may still answer it). */
export function deletedRecently(arn: string, withinMs: number): boolean {
    const at = session().deletedAt?.[arn];
    return at !== undefined && Date.now() - at < withinMs;
}

/** Deletes the alias; one that is already gone counts as deleted. */
export async function deleteAlias(region: string, arn: string): Promise<void> {
    try {
        await send(region, "DeleteStateMachineAlias", arn, new (sdk().DeleteStateMachineAliasCommand)({ stateMachineAliasArn: arn }));
    } catch (e) {
        if (!isAwsError(e, "ResourceNotFound")) throw e;
    }
    (session().deletedAt ??= {})[arn] = Date.now();
    delete session().claims?.[arn];
}

// ---- rollouts: alarms and the pre-traffic execution ---------------------------------------------------

/** One alarm's state, as DescribeAlarms gives it. */
export interface AlarmStateRead {
    readonly name: string;
    readonly state: string;
    readonly reason?: string;
    readonly type: "MetricAlarm" | "CompositeAlarm";
}

/** DescribeAlarms takes at most 100 names per call (CloudWatch API Reference, DescribeAlarms AlarmNames). */
export const DESCRIBE_ALARMS_NAMES_MAX = 100;

/**
 * The states of the named alarms, metric and composite alike: AlarmTypes is always sent, since omitting it
 * returns metric alarms only (DescribeAlarms), and every page is read. One call per 100 names and page;
 * names that do not exist are simply absent from the answer.
 */
export async function describeAlarmStates(region: string, names: readonly string[], subject: string): Promise<AlarmStateRead[]> {
    const out: AlarmStateRead[] = [];
    for (let i = 0; i < names.length; i += DESCRIBE_ALARMS_NAMES_MAX) {
        const batch = names.slice(i, i + DESCRIBE_ALARMS_NAMES_MAX);
        let nextToken: string | undefined;
        do {
            const page = await send<{
                MetricAlarms?: { AlarmName?: string; StateValue?: string; StateReason?: string }[];
                CompositeAlarms?: { AlarmName?: string; StateValue?: string; StateReason?: string }[];
                NextToken?: string;
            }>(region, "DescribeAlarms", subject, new (cloudwatchSdk().DescribeAlarmsCommand)({
                AlarmNames: batch, AlarmTypes: ["MetricAlarm", "CompositeAlarm"], MaxRecords: 100, NextToken: nextToken,
            }), "cloudwatch");
            for (const a of page.MetricAlarms ?? []) out.push({ name: a.AlarmName ?? "", state: a.StateValue ?? "", reason: a.StateReason, type: "MetricAlarm" });
            for (const a of page.CompositeAlarms ?? []) out.push({ name: a.AlarmName ?? "", state: a.StateValue ?? "", reason: a.StateReason, type: "CompositeAlarm" });
            nextToken = page.NextToken;
        } while (nextToken);
    }
    return out;
}

/** Starts one execution of a version (its ARN: not through any alias). */
export async function startExecution(region: string, versionArn: string, name: string, input: string): Promise<{ executionArn: string }> {
    const out = await send<{ executionArn?: string }>(region, "StartExecution", versionArn,
        new (sdk().StartExecutionCommand)({ stateMachineArn: versionArn, name, input }));
    return { executionArn: out.executionArn ?? "" };
}

export interface ExecutionRead {
    readonly status: string;
    readonly error?: string;
    readonly cause?: string;
}

export async function describeExecution(region: string, executionArn: string): Promise<ExecutionRead> {
    const out = await send<{ status?: string; error?: string; cause?: string }>(region, "DescribeExecution", executionArn,
        new (sdk().DescribeExecutionCommand)({ executionArn }));
    return { status: out.status ?? "", error: out.error, cause: out.cause };
}
