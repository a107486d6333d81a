/**
 * The AWS calls, and nothing else: one function per Step Functions operation the provider uses, a client
 * per region and endpoint per plugin process, and AWS errors turned into errors that keep AWS's name,
 * message and request id and say which alias they concern.
 */
import type { SFNClient, SFNClientConfig } from "@aws-sdk/client-sfn";
import { parseAliasArn } from "./arn";
import { RoutingEntry } from "./types";
import { AliasUpdate } from "./plan";

/** Where and as whom to call AWS, beyond what the SDK finds itself (environment, profiles, SSO...). */
export interface AwsSettings {
    /** An explicit Step Functions endpoint (stack config `aws:endpoints`); else the SDK's own resolution,
     * which honours `AWS_ENDPOINT_URL_SFN` and `AWS_ENDPOINT_URL`. */
    readonly endpoint?: string;
    readonly profile?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/**
 * Attempts per call. Alias writes refill at 1 per second after a burst of 100: adaptive mode's client-side
 * rate limiter slows the sending rate to what AWS grants, and these attempts (with the SDK's backoff, capped
 * at 20 s) give a throttled call about three minutes to get through.
 */
export const MAX_ATTEMPTS = 15;

/**
 * Timeouts of each HTTP attempt. Without them the SDK waits for an answer forever: a connection AWS (or a
 * proxy) accepted but never answers would hang the deployment. A request that times out is retried like a
 * 5xx, and every alias call is safe to repeat (create of an identical alias, update to the same
 * configuration and delete of a gone alias all succeed), so a slow answer costs an attempt, never a
 * duplicate. 30 s is far above what an alias call takes; `PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS` overrides
 * it (read when a client is made, at run time: tests use it to provoke timeouts quickly).
 */
export const CONNECTION_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 30_000;

function requestTimeoutMs(): number {
    const raw = Number(process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS);
    return Number.isInteger(raw) && raw > 0 ? raw : REQUEST_TIMEOUT_MS;
}

interface Session {
    settings: AwsSettings;
    clients: Record<string, SFNClient>;
    /** When a call of each operation in each region last got through: while others get through, a throttled call waits on. */
    lastAcceptedAt: Record<string, number>;
}

// Settings and clients live on the plugin process's global object, filled at run time by configure. A
// module-level object would be copied by value into `__provider` when the provider is serialized inline,
// credentials included if configure had run in that process; a global is referenced, never copied.
const SESSION_KEY = "__pulumiSfnAliasSession";

function session(): Session {
    const g = globalThis as unknown as Record<string, Session | undefined>;
    return (g[SESSION_KEY] ??= { settings: {}, clients: {}, lastAcceptedAt: {} });
}

/** Applies the stack's settings; clients are made anew, with them, when next needed. */
export function configureAws(settings: AwsSettings): void {
    const s = session();
    s.settings = settings;
    s.clients = {};
}

/** The SDK, loaded when first needed: a module-level import would be captured when the provider is serialized. */
function sdk(): typeof import("@aws-sdk/client-sfn") {
    return require("@aws-sdk/client-sfn");
}

export function clientFor(region: string): SFNClient {
    const { settings, clients } = session();
    const { endpoint, profile, credentials } = settings;
    const key = `${region}|${endpoint ?? ""}`;
    let client = clients[key];
    if (!client) {
        const requestTimeout = requestTimeoutMs();
        const config: SFNClientConfig = {
            region, retryMode: "adaptive", maxAttempts: MAX_ATTEMPTS,
            // NodeHttpHandler options; throwOnRequestTimeout makes a breach an error (retried), not a warning.
            requestHandler: { connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, requestTimeout), requestTimeout, throwOnRequestTimeout: true },
        };
        if (endpoint) config.endpoint = endpoint;
        if (profile) config.profile = profile;
        if (credentials) config.credentials = { ...credentials };
        client = new (sdk().SFNClient)(config);
        clients[key] = client;
    }
    return client;
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

function awsError(operation: string, subject: string, e: unknown, attemptsMade?: number): AwsError {
    const raw = e as { name?: string; message?: string; $metadata?: { requestId?: string; attempts?: number } };
    const awsName = raw?.name ?? "Error";
    const requestId = raw?.$metadata?.requestId;
    const attempts = attemptsMade ?? raw?.$metadata?.attempts;
    const message =
        `${operation} for ${subject} failed: ${awsName}: ${raw?.message ?? String(e)}` +
        (requestId ? ` (request id ${requestId}` + (attempts && attempts > 1 ? `, after ${attempts} attempts)` : ")") : "");
    const error = new Error(message) as Error & { awsName: string; requestId?: string; operation: string; cause: unknown };
    error.name = awsName;
    error.awsName = awsName;
    error.requestId = requestId;
    error.operation = operation;
    error.cause = e;
    return error;
}

/**
 * How long a throttled call waits on while no call in its region gets through. The SDK's own retries also
 * stop when its retry quota runs dry (500 tokens per client, 5 per throttled retry): an up of a few hundred
 * aliases sends their writes at once, AWS grants alias writes at 1/s after a burst of 100, and measured
 * against the local endpoint a third of 300 parallel creates failed that way. A throttled call was not
 * applied and every alias call is safe to repeat, so the call is sent again after a jittered backoff (paced
 * as well by the client's adaptive rate limiter). The deadline runs from the last call of the same operation
 * in the region that got through (AWS's buckets are per operation), not from the call's start, so an up of
 * any size waits its turn while AWS grants those writes, and fails when AWS granted none for this long, or
 * after THROTTLE_MAX_WAIT_MS in all. `PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS` overrides the patience.
 */
export const THROTTLE_PATIENCE_MS = 10 * 60_000;
/** However much progress others make, one call gives up after this long. */
export const THROTTLE_MAX_WAIT_MS = 60 * 60_000;
const THROTTLE_BACKOFF_MAX_MS = 20_000;

function throttlePatienceMs(): number {
    const raw = Number(process.env.PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS);
    return Number.isInteger(raw) && raw >= 0 ? raw : THROTTLE_PATIENCE_MS;
}

/** The SDK's own classification, so that every code AWS uses for throttling counts. */
function isThrottling(e: unknown): boolean {
    const { isThrottlingError } = require("@smithy/core/retry") as typeof import("@smithy/core/retry");
    return typeof e === "object" && e !== null && isThrottlingError(e as never);
}

async function send<T>(region: string, operation: string, subject: string, command: unknown): Promise<T> {
    const started = Date.now();
    const { lastAcceptedAt } = session();
    const bucket = `${region}|${operation}`;
    let attempts = 0;
    for (let round = 1; ; round++) {
        try {
            const out = (await clientFor(region).send(command as never)) as T;
            lastAcceptedAt[bucket] = Date.now();
            return out;
        } catch (e) {
            attempts += (e as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1;
            // Full jitter on an exponential base, so that calls throttled together do not return together.
            const backoff = Math.random() * Math.min(THROTTLE_BACKOFF_MAX_MS, 1000 * 2 ** Math.min(round, 5));
            const deadline = Math.min(Math.max(started, lastAcceptedAt[bucket] ?? 0) + throttlePatienceMs(), started + THROTTLE_MAX_WAIT_MS);
            if (!isThrottling(e) || Date.now() + backoff > deadline) throw awsError(operation, subject, e, attempts);
            await new Promise((resolve) => setTimeout(resolve, backoff));
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
        routingConfiguration: req.routingConfiguration.map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight })),
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

export async function updateAlias(region: string, arn: string, update: AliasUpdate): Promise<{ updateDate: string }> {
    const out = await send<{ updateDate?: Date }>(
        region,
        "UpdateStateMachineAlias",
        arn,
        new (sdk().UpdateStateMachineAliasCommand)({ stateMachineAliasArn: arn, ...update }),
    );
    return { updateDate: iso(out.updateDate) };
}

export interface LiveAlias {
    readonly arn: string;
    readonly name: string;
    readonly description?: string;
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
        ...(out.description ? { description: out.description } : {}),
        routingConfiguration: (out.routingConfiguration ?? []).map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn as string, weight: r.weight as number })),
        creationDate: iso(out.creationDate),
        updateDate: iso(out.updateDate ?? out.creationDate),
    };
}

/** Deletes the alias; one that is already gone counts as deleted. */
export async function deleteAlias(region: string, arn: string): Promise<void> {
    try {
        await send(region, "DeleteStateMachineAlias", arn, new (sdk().DeleteStateMachineAliasCommand)({ stateMachineAliasArn: arn }));
    } catch (e) {
        if (isAwsError(e, "ResourceNotFound")) return;
        throw e;
    }
}
