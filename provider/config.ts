/**
 * Stack configuration the provider honours, read at run time in configure (never captured when the
 * provider is serialized): the same `aws:*` keys that @pulumi/aws users already set. Pure. The provider
 * plugin reads the same settings under its own namespace (`sfn-alias:*`, `ns`), with the same rules.
 */
import { AssumeRoleSettings, AwsSettings } from "./aws";

/** Keys of an `aws:endpoints` entry that name Step Functions, as the AWS provider spells them. */
export const ENDPOINT_KEYS = ["sfn", "stepfunctions"];
/** The key of an `aws:endpoints` entry that names STS (for assumed roles), as @pulumi/aws spells it. */
export const STS_ENDPOINT_KEYS = ["sts"];
/** The key of an `aws:endpoints` entry that names CloudWatch (alarm reads of a rollout), as @pulumi/aws spells it. */
export const CLOUDWATCH_ENDPOINT_KEYS = ["cloudwatch"];

export type ConfigGetter = (key: string) => string | undefined;

function endpointFrom(raw: unknown, keys: readonly string[] = ENDPOINT_KEYS, ns = "aws"): string | undefined {
    // Config values usually arrive as JSON text; an engine may also pass structured values as they are.
    let parsed: unknown = raw;
    if (typeof raw === "string") {
        try {
            parsed = JSON.parse(raw);
        } catch {
            // Its text is not repeated: a config value may be a secret (and JSON.parse's own message quotes it).
            throw new Error(`${ns}:endpoints is not JSON (its ${raw.length} characters are not shown, as config may be secret); set it as a list such as [{"sfn": "http://127.0.0.1:4566"}].`);
        }
    }
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    for (const entry of entries) {
        if (typeof entry !== "object" || entry === null) continue;
        for (const [key, value] of Object.entries(entry)) {
            if (!keys.includes(key.toLowerCase()) || value === undefined || value === null || value === "") continue;
            if (typeof value !== "string" || !/^https?:\/\/[^\s/]+/.test(value)) {
                // A string is an endpoint (structural, shortened); anything else is named by its type, never dumped.
                const got = typeof value === "string" ? JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value) : typeName(value);
                throw new Error(`${ns}:endpoints entry ${key} must be an http(s) URL such as "http://127.0.0.1:4566", but received ${got}.`);
            }
            return value;
        }
    }
    return undefined;
}

// ---- Assumed roles: `aws:assumeRoles` (@pulumi/aws v7) and `aws:assumeRole` (v6) --------------------------

/**
 * The fields of one assumed role, exactly those @pulumi/aws defines (v7.48.0, the devDependency):
 * `ProviderAssumeRole` in node_modules/@pulumi/aws/types/input.d.ts, the same as `config.AssumeRoles` in
 * types/output.d.ts that config/vars.d.ts's `assumeRoles` reads. It has no `durationSeconds` (Terraform's AWS
 * provider, which @pulumi/aws bridges, removed it in favour of `duration`). Every field is optional in the
 * .d.ts; roleArn is required here, as an entry without a role would assume nothing.
 */
export const ASSUME_ROLE_FIELDS = [
    "duration", "externalId", "policy", "policyArns", "roleArn", "sessionName", "sourceIdentity", "tags", "transitiveTagKeys",
] as const;

/**
 * The rules each field must meet: STS's own constraints on AssumeRole, from the STS Smithy model the SDK is
 * generated from (aws-sdk-js-v3 codegen/sdk-codegen/aws-models/sts.json: arnType, roleSessionNameType,
 * externalIdType, roleDurationSecondsType, sessionPolicyDocumentType, sourceIdentityType, tagKeyType,
 * tagValueType, tagListType and tagKeyListType), so that a value AWS would refuse is refused when the provider
 * starts, naming the field. Limits the model does not carry come from the AssumeRole API reference: at most
 * 10 policy ARNs, and role chaining (a role assumed with another role's credentials) limited to one hour.
 */
const STS = {
    arnMin: 20, arnMax: 2048,
    sessionName: { min: 2, max: 64, re: /^[\w+=,.@-]*$/, chars: "letters, digits and _+=,.@-" },
    externalId: { min: 2, max: 1224, re: /^[\w+=,.@:/-]*$/, chars: "letters, digits and _+=,.@:/-" },
    sourceIdentity: { min: 2, max: 64, re: /^[\w+=,.@-]*$/, chars: "letters, digits and _+=,.@-" },
    policyMax: 2048, policyRe: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
    policyArnsMax: 10,
    tagsMax: 50, tagKeyMax: 128, tagValueMax: 256, tagRe: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
    durationMin: 900, durationMax: 43_200, chainedDurationMax: 3_600,
};

/** An IAM role ARN: `arn:<partition>:iam::<account>:role/<optional path/><name>`. */
const ROLE_ARN_RE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const EXAMPLE_ROLE = "arn:aws:iam::123456789012:role/deploy";

/** Go's time.ParseDuration units (what @pulumi/aws's "ns, us (or µs), ms, s, h, or m" refers to), in seconds. */
const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, "μs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const DURATION_RE = /^(?:(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;

/** Seconds of a Go-style duration ("1h", "1h30m", "900s", "1.5h"); undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
    if (!DURATION_RE.test(text)) return undefined;
    let seconds = 0;
    for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) seconds += Number(amount) * DURATION_UNITS[unit];
    return seconds;
}

const typeName = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `a ${typeof v}`);

function closest(name: string): string | undefined {
    const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, "");
    const n = norm(name);
    const common = (a: string, b: string) => {
        let i = 0;
        while (i < a.length && i < b.length && a[i] === b[i]) i++;
        return i;
    };
    // The same name but for case and separators (role_arn, RoleArn), else the longest shared start (4 or more).
    const exact = ASSUME_ROLE_FIELDS.find((f) => norm(f) === n);
    if (exact) return exact;
    const [best] = [...ASSUME_ROLE_FIELDS].map((f) => [f, common(norm(f), n)] as const).sort((a, b) => b[1] - a[1]);
    return best[1] >= 4 ? best[0] : undefined;
}

/** Parses a config value that is JSON text (or already structured); never quotes the text, which may hold secrets. */
function parseJsonValue(key: string, raw: unknown, example: string): unknown {
    if (typeof raw !== "string") return raw;
    try {
        return JSON.parse(raw);
    } catch {
        throw new Error(`${key} is not valid JSON (its text is not shown: it may hold an external ID or a policy); set it as ${example}.`);
    }
}

/** One role, checked; `at` names it (`aws:assumeRoles[0]`), `chained` when it is assumed with another role's credentials. */
function roleFrom(at: string, entry: unknown, chained: boolean): AssumeRoleSettings {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        throw new Error(`${at} must be an object such as {"roleArn": "${EXAMPLE_ROLE}"}, but is ${typeName(entry)}.`);
    }
    const fields = entry as Record<string, unknown>;
    for (const name of Object.keys(fields)) {
        if ((ASSUME_ROLE_FIELDS as readonly string[]).includes(name)) continue;
        if (name === "durationSeconds") {
            throw new Error(`${at}.durationSeconds is not a field of @pulumi/aws's assumed roles; set ${at}.duration to a duration such as "1h" (15m to 12h) instead.`);
        }
        const hint = closest(name);
        throw new Error(`${at} has no field "${name}"${hint ? `: did you mean ${hint}?` : "."} An assumed role's fields (as @pulumi/aws defines them) are ${ASSUME_ROLE_FIELDS.join(", ")}.`);
    }
    const present = (name: string) => fields[name] !== undefined && fields[name] !== null;
    /** A string field (its value is not quoted here: a wrong type is named by type alone). */
    const str = (name: string): string | undefined => {
        if (!present(name)) return undefined;
        const v = fields[name];
        if (typeof v !== "string") throw new Error(`${at}.${name} must be a string, but is ${typeName(v)}.`);
        return v;
    };
    const shown = (v: string, secret: boolean) => (secret ? "(the value is not shown, as it may be secret)" : `but received ${JSON.stringify(v)}`);
    const pattern = (name: string, v: string, rule: { min: number; max: number; re: RegExp; chars: string }, what: string, secret: boolean) => {
        if (v.length < rule.min || v.length > rule.max || !rule.re.test(v)) {
            throw new Error(`${at}.${name} must be ${rule.min}-${rule.max} characters of ${rule.chars} (STS's rule for ${what}), ${shown(v, secret)}; correct it${secret ? ` with pulumi config set --secret --path '${at}.${name}' <value>` : ""}, or remove it.`);
        }
    };
    const strList = (name: string): string[] | undefined => {
        if (!present(name)) return undefined;
        const v = fields[name];
        if (!Array.isArray(v)) throw new Error(`${at}.${name} must be a list of strings, but is ${typeName(v)}.`);
        v.forEach((item, i) => {
            if (typeof item !== "string") throw new Error(`${at}.${name}[${i}] must be a string, but is ${typeName(item)}.`);
        });
        return v as string[];
    };

    const roleArn = str("roleArn");
    if (roleArn === undefined || roleArn === "") {
        throw new Error(`${at}.roleArn is required: the ARN of the IAM role to assume, such as ${EXAMPLE_ROLE}; set it, or remove the entry.`);
    }
    if (roleArn.length > STS.arnMax || !ROLE_ARN_RE.test(roleArn)) {
        throw new Error(`${at}.roleArn must be an IAM role ARN arn:<partition>:iam::<12-digit account>:role/<name>, but received ${JSON.stringify(roleArn)}; set the ARN of the role, such as ${EXAMPLE_ROLE}.`);
    }

    const sessionName = str("sessionName");
    if (sessionName !== undefined) pattern("sessionName", sessionName, STS.sessionName, "RoleSessionName", false);
    const externalId = str("externalId");
    if (externalId !== undefined) pattern("externalId", externalId, STS.externalId, "ExternalId", true);
    const sourceIdentity = str("sourceIdentity");
    if (sourceIdentity !== undefined) pattern("sourceIdentity", sourceIdentity, STS.sourceIdentity, "SourceIdentity", false);

    let durationSeconds: number | undefined;
    const duration = str("duration");
    if (duration !== undefined) {
        const seconds = parseDuration(duration);
        if (seconds === undefined) {
            throw new Error(`${at}.duration must be a duration such as "1h", "90m" or "1h30m" (units ns, us or µs, ms, s, m, h, as @pulumi/aws reads it), but received ${JSON.stringify(duration)}.`);
        }
        if (seconds < STS.durationMin || seconds > STS.durationMax) {
            throw new Error(`${at}.duration must be between 15m and 12h (STS's DurationSeconds is 900 to 43200), but received ${JSON.stringify(duration)}; set a duration in that range, or remove it for STS's default of 1h.`);
        }
        if (chained && seconds > STS.chainedDurationMax) {
            throw new Error(`${at}.duration is ${JSON.stringify(duration)}, but this role is assumed with the previous role's credentials (role chaining), which AWS limits to 1h; set at most "1h", or remove it for STS's default of 1h.`);
        }
        durationSeconds = Math.floor(seconds);
    }

    const policy = str("policy");
    if (policy !== undefined) {
        if (policy.length < 1 || policy.length > STS.policyMax || !STS.policyRe.test(policy)) {
            throw new Error(`${at}.policy must be 1-${STS.policyMax} characters of printable ASCII or Latin-1, tab or line breaks (STS's rule for Policy) (the value is not shown, as it may be secret); shorten or correct it, or remove it.`);
        }
        try {
            JSON.parse(policy);
        } catch {
            throw new Error(`${at}.policy must be an IAM policy document as JSON text, but it is not valid JSON (the value is not shown, as it may be secret); correct it, or remove it.`);
        }
    }

    const policyArns = strList("policyArns");
    if (policyArns) {
        if (policyArns.length > STS.policyArnsMax) {
            throw new Error(`${at}.policyArns may hold at most ${STS.policyArnsMax} ARNs (STS's limit on managed session policies), but holds ${policyArns.length}; remove some.`);
        }
        policyArns.forEach((arn, i) => {
            if (arn.length < STS.arnMin || arn.length > STS.arnMax || !arn.startsWith("arn:")) {
                throw new Error(`${at}.policyArns[${i}] must be the ARN of an IAM managed policy (${STS.arnMin}-${STS.arnMax} characters, such as arn:aws:iam::aws:policy/ReadOnlyAccess), but received ${JSON.stringify(arn)}.`);
            }
        });
    }

    let tags: Record<string, string> | undefined;
    if (present("tags")) {
        const v = fields.tags;
        if (typeof v !== "object" || v === null || Array.isArray(v)) {
            throw new Error(`${at}.tags must be an object of tag names to values, such as {"team": "payments"}, but is ${typeName(v)}.`);
        }
        tags = {};
        const entries = Object.entries(v as Record<string, unknown>);
        if (entries.length > STS.tagsMax) throw new Error(`${at}.tags may hold at most ${STS.tagsMax} tags (STS's limit on session tags), but holds ${entries.length}; remove some.`);
        for (const [key, value] of entries) {
            if (key.length < 1 || key.length > STS.tagKeyMax || !STS.tagRe.test(key)) {
                throw new Error(`${at}.tags key ${JSON.stringify(key)} must be 1-${STS.tagKeyMax} characters of letters, digits, spaces and _.:/=+-@ (STS's rule for tag keys); rename it.`);
            }
            if (typeof value !== "string") throw new Error(`${at}.tags.${key} must be a string, but is ${typeName(value)}.`);
            if (value.length > STS.tagValueMax || !STS.tagRe.test(value)) {
                throw new Error(`${at}.tags.${key} must be 0-${STS.tagValueMax} characters of letters, digits, spaces and _.:/=+-@ (STS's rule for tag values) (the value is not shown); correct it.`);
            }
            tags[key] = value;
        }
    }

    const transitiveTagKeys = strList("transitiveTagKeys");
    if (transitiveTagKeys) {
        if (transitiveTagKeys.length > STS.tagsMax) {
            throw new Error(`${at}.transitiveTagKeys may hold at most ${STS.tagsMax} keys (STS's limit), but holds ${transitiveTagKeys.length}; remove some.`);
        }
        transitiveTagKeys.forEach((key, i) => {
            if (key.length < 1 || key.length > STS.tagKeyMax || !STS.tagRe.test(key)) {
                throw new Error(`${at}.transitiveTagKeys[${i}] must be a tag key of 1-${STS.tagKeyMax} characters of letters, digits, spaces and _.:/=+-@ (STS's rule for tag keys), but received ${JSON.stringify(key)}.`);
            }
        });
    }

    return {
        roleArn,
        ...(sessionName !== undefined ? { sessionName } : {}),
        ...(externalId !== undefined ? { externalId } : {}),
        ...(durationSeconds !== undefined ? { durationSeconds } : {}),
        ...(policy !== undefined ? { policy } : {}),
        ...(policyArns ? { policyArns } : {}),
        ...(tags ? { tags } : {}),
        ...(transitiveTagKeys ? { transitiveTagKeys } : {}),
        ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
    };
}

/**
 * The roles to assume, in order: `aws:assumeRoles` (a list, as @pulumi/aws v7 reads it) or `aws:assumeRole`
 * (one object, v6's form). Each role after the first is assumed with the credentials of the one before it.
 */
export function assumeRolesFrom(get: ConfigGetter, ns = "aws"): AssumeRoleSettings[] {
    const rawList = get(`${ns}:assumeRoles`) || undefined;
    const rawOne = get(`${ns}:assumeRole`) || undefined;
    if (rawList !== undefined && rawOne !== undefined) {
        throw new Error(`${ns}:assumeRoles and ${ns}:assumeRole are both set; keep one: ${ns}:assumeRoles (a list, the form @pulumi/aws v7 reads), or ${ns}:assumeRole (one role, v6's form).`);
    }
    if (rawList !== undefined) {
        const list = parseJsonValue(`${ns}:assumeRoles`, rawList, `a list such as [{"roleArn": "${EXAMPLE_ROLE}"}]`);
        if (!Array.isArray(list)) {
            const hint = typeof list === "object" && list !== null ? `; for one role, put it in a list: [{"roleArn": ...}] (the single-object form is v6's ${ns}:assumeRole)` : "";
            throw new Error(`${ns}:assumeRoles must be a list of roles such as [{"roleArn": "${EXAMPLE_ROLE}"}], but is ${typeName(list)}${hint}.`);
        }
        return list.map((entry, i) => roleFrom(`${ns}:assumeRoles[${i}]`, entry, i > 0));
    }
    if (rawOne !== undefined) {
        const one = parseJsonValue(`${ns}:assumeRole`, rawOne, `an object such as {"roleArn": "${EXAMPLE_ROLE}"}`);
        if (Array.isArray(one)) {
            throw new Error(`${ns}:assumeRole is one role (an object such as {"roleArn": "${EXAMPLE_ROLE}"}), but is a list; for a chain of roles, set ${ns}:assumeRoles instead.`);
        }
        return [roleFrom(`${ns}:assumeRole`, one, false)];
    }
    return [];
}

export function settingsFromConfig(get: ConfigGetter, ns = "aws"): AwsSettings {
    const rawEndpoints = get(`${ns}:endpoints`);
    const endpoint = rawEndpoints ? endpointFrom(rawEndpoints, ENDPOINT_KEYS, ns) : undefined;
    const stsEndpoint = rawEndpoints ? endpointFrom(rawEndpoints, STS_ENDPOINT_KEYS, ns) : undefined;
    const cloudwatchEndpoint = rawEndpoints ? endpointFrom(rawEndpoints, CLOUDWATCH_ENDPOINT_KEYS, ns) : undefined;
    const assumeRoles = assumeRolesFrom(get, ns);
    const profile = get(`${ns}:profile`) || undefined;
    const accessKeyId = get(`${ns}:accessKey`) || undefined;
    const secretAccessKey = get(`${ns}:secretKey`) || undefined;
    const sessionToken = get(`${ns}:token`) || undefined;
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
        // Name the key that is missing, never the value of the one that is set.
        const missing = accessKeyId === undefined ? `${ns}:accessKey` : `${ns}:secretKey`;
        throw new Error(`${ns}:accessKey and ${ns}:secretKey go together, but ${missing} is not set; set both, or neither to use the AWS SDK's credential chain.`);
    }
    return {
        ...(endpoint ? { endpoint } : {}),
        ...(profile ? { profile } : {}),
        ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
        ...(assumeRoles.length ? { assumeRoles } : {}),
        ...(stsEndpoint ? { stsEndpoint } : {}),
        ...(cloudwatchEndpoint ? { cloudwatchEndpoint } : {}),
    };
}
