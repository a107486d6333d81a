/**
 * Stack configuration the provider honours, read at run time in configure (never captured when the
 * provider is serialized): the same `aws:*` keys that @pulumi/aws users already set. Pure.
 */
import { AwsSettings } from "./aws";

/** Keys of an `aws:endpoints` entry that name Step Functions, as the AWS provider spells them. */
export const ENDPOINT_KEYS = ["sfn", "stepfunctions"];

export type ConfigGetter = (key: string) => string | undefined;

function endpointFrom(raw: unknown): string | undefined {
    // Config values usually arrive as JSON text; an engine may also pass structured values as they are.
    let parsed: unknown = raw;
    if (typeof raw === "string") {
        try {
            parsed = JSON.parse(raw);
        } catch {
            throw new Error(`aws:endpoints is not JSON (received ${JSON.stringify(raw)}); set it as a list such as [{"sfn": "http://127.0.0.1:4566"}].`);
        }
    }
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    for (const entry of entries) {
        if (typeof entry !== "object" || entry === null) continue;
        for (const [key, value] of Object.entries(entry)) {
            if (!ENDPOINT_KEYS.includes(key.toLowerCase()) || value === undefined || value === null || value === "") continue;
            if (typeof value !== "string" || !/^https?:\/\/[^\s/]+/.test(value)) {
                throw new Error(`aws:endpoints entry ${key} must be an http(s) URL, but received ${JSON.stringify(value)}.`);
            }
            return value;
        }
    }
    return undefined;
}

export function settingsFromConfig(get: ConfigGetter): AwsSettings {
    const rawEndpoints = get("aws:endpoints");
    const endpoint = rawEndpoints ? endpointFrom(rawEndpoints) : undefined;
    const profile = get("aws:profile") || undefined;
    const accessKeyId = get("aws:accessKey") || undefined;
    const secretAccessKey = get("aws:secretKey") || undefined;
    const sessionToken = get("aws:token") || undefined;
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
        // Name the key that is missing, never the value of the one that is set.
        const missing = accessKeyId === undefined ? "aws:accessKey" : "aws:secretKey";
        throw new Error(`aws:accessKey and aws:secretKey go together, but ${missing} is not set; set both, or neither to use the AWS SDK's credential chain.`);
    }
    return {
        ...(endpoint ? { endpoint } : {}),
        ...(profile ? { profile } : {}),
        ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    };
}
