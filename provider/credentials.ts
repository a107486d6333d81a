/**
 * As whom the provider calls AWS: the stack's base credentials (static keys, a profile, or the SDK's own
 * chain), then each role of `aws:assumeRoles` assumed in order with the credentials of the one before, the
 * STS work done by the SDK's own providers (`fromTemporaryCredentials` of @aws-sdk/credential-providers,
 * which calls STS AssumeRole). Nothing here holds a credential: it builds providers, called by the SDK client
 * that owns them (which caches what they return and calls again shortly before it expires).
 */
import type { SFNClientConfig } from "@aws-sdk/client-sfn";
import type { AssumeRoleSettings, AwsSettings } from "./aws";

/** RoleSessionName when the stack sets none: fixed, so that CloudTrail in the role's account says who called
 * (the SDK's own default is "aws-sdk-js-<timestamp>"). */
export const DEFAULT_SESSION_NAME = "pulumi-sfn-alias";

type Credentials = NonNullable<SFNClientConfig["credentials"]>;
type Provider = Extract<Credentials, (...args: never[]) => unknown>;

/** Loaded when first needed: a module-level import would be captured when the provider is serialized. */
function providers(): typeof import("@aws-sdk/credential-providers") {
    return require("@aws-sdk/credential-providers");
}

/** The STS AssumeRole parameters of one role, as `fromTemporaryCredentials` takes them. */
export function assumeRoleParams(role: AssumeRoleSettings) {
    return {
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName ?? DEFAULT_SESSION_NAME,
        ...(role.externalId !== undefined ? { ExternalId: role.externalId } : {}),
        ...(role.durationSeconds !== undefined ? { DurationSeconds: role.durationSeconds } : {}),
        ...(role.policy !== undefined ? { Policy: role.policy } : {}),
        ...(role.policyArns?.length ? { PolicyArns: role.policyArns.map((arn) => ({ arn })) } : {}),
        ...(role.tags && Object.keys(role.tags).length ? { Tags: Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
        ...(role.transitiveTagKeys?.length ? { TransitiveTagKeys: [...role.transitiveTagKeys] } : {}),
        ...(role.sourceIdentity !== undefined ? { SourceIdentity: role.sourceIdentity } : {}),
    };
}

/**
 * What `SFNClientConfig.credentials` takes for a client of `region`; undefined leaves the SDK's default chain
 * to the client (no static keys, no profile, no role). Called once per client (clientFor).
 */
export function credentialsFor(settings: AwsSettings, region: string): SFNClientConfig["credentials"] {
    const { credentials, profile, assumeRoles = [], stsEndpoint } = settings;
    const base: Credentials | undefined = credentials ? { ...credentials } : profile ? providers().fromIni({ profile }) : undefined;
    if (assumeRoles.length === 0) return base;
    const { fromNodeProviderChain, fromTemporaryCredentials } = providers();
    let previous: Credentials = base ?? fromNodeProviderChain();
    assumeRoles.forEach((role, i) => {
        const assume = fromTemporaryCredentials({
            params: assumeRoleParams(role),
            masterCredentials: previous,
            // STS in the client's own region (AWS's regional endpoints), at the stack's STS endpoint if set.
            clientConfig: { region, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}), ...(profile ? { profile } : {}) },
        });
        previous = withContext(assume, role.roleArn, i, assumeRoles.length);
    });
    return previous;
}

/** The same provider, whose failures also say which role was being assumed (AWS's name and metadata kept). */
function withContext(provider: Provider, roleArn: string, index: number, count: number): Provider {
    const wrapped = async (...args: Parameters<Provider>) => {
        try {
            return await provider(...args);
        } catch (e) {
            if (e instanceof Error && !e.message.includes("(while assuming role ")) {
                e.message = `${e.message} (while assuming role ${roleArn}, role ${index + 1} of ${count} of the stack's aws:assumeRoles)`;
            }
            throw e;
        }
    };
    return wrapped as Provider;
}
