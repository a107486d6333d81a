// `aws:assumeRoles` (@pulumi/aws v7) and `aws:assumeRole` (v6) as settingsFromConfig reads them: both forms,
// every field @pulumi/aws defines, chaining order, the STS endpoint, and errors that name the key, the rule
// and the fix without ever quoting a value that may be secret. Then credentialsFor: what each setting
// builds, with the SDK's own providers.
import * as assert from "assert";
import { AwsSettings } from "../../provider/aws";
import { ASSUME_ROLE_FIELDS, parseDuration, settingsFromConfig } from "../../provider/config";
import { assumeRoleParams, credentialsFor, DEFAULT_SESSION_NAME } from "../../provider/credentials";

const A = "arn:aws:iam::111111111111:role/first";
const B = "arn:aws:iam::222222222222:role/second";
const SECRET = "s3cr3t-external-id";
const SECRET_POLICY = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"states:*","Resource":"*","Sid":"hushhush"}]}`;

const settings = (config: Record<string, unknown>) =>
    settingsFromConfig((k) => (config[k] === undefined ? undefined : typeof config[k] === "string" ? (config[k] as string) : JSON.stringify(config[k])));

function refused(config: Record<string, unknown>, expected: RegExp, secrets: string[] = []): void {
    let message = "";
    try {
        settings(config);
    } catch (e) {
        message = (e as Error).message;
    }
    assert.ok(message, `accepted: ${JSON.stringify(config)}`);
    assert.match(message, expected);
    for (const s of secrets) assert.ok(!message.includes(s), `the message quotes a secret value: ${message}`);
}

describe("config: aws:assumeRoles / aws:assumeRole", () => {
    it("knows exactly the fields @pulumi/aws's ProviderAssumeRole defines", () => {
        // node_modules/@pulumi/aws/types/input.d.ts, interface ProviderAssumeRole.
        const fs = require("fs") as typeof import("fs");
        const dts: string = fs.readFileSync(require.resolve("@pulumi/aws/types/input.d.ts"), "utf8");
        const body = /export interface ProviderAssumeRole \{([\s\S]*?)\n\}/.exec(dts)![1];
        const fields = [...body.matchAll(/^\s{4}(\w+)\?:/gm)].map((m) => m[1]).sort();
        assert.deepStrictEqual([...ASSUME_ROLE_FIELDS].sort(), fields);
    });

    it("reads the v7 list with every field, in order", () => {
        const s = settings({
            "aws:assumeRoles": [
                {
                    roleArn: A, sessionName: "deploy-1", externalId: SECRET, duration: "1h30m", policy: SECRET_POLICY,
                    policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], tags: { team: "payments", "cost center": "42" },
                    transitiveTagKeys: ["team"], sourceIdentity: "alice@example.com",
                },
                { roleArn: B },
            ],
        });
        assert.deepStrictEqual(s.assumeRoles, [
            {
                roleArn: A, sessionName: "deploy-1", externalId: SECRET, durationSeconds: 5400, policy: SECRET_POLICY,
                policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], tags: { team: "payments", "cost center": "42" },
                transitiveTagKeys: ["team"], sourceIdentity: "alice@example.com",
            },
            { roleArn: B },
        ]);
    });

    it("reads the v6 single object", () => {
        assert.deepStrictEqual(settings({ "aws:assumeRole": { roleArn: B, sessionName: "v6" } }).assumeRoles, [{ roleArn: B, sessionName: "v6" }]);
    });

    it("accepts structured values as an engine may pass them, and treats unset, empty and [] as no role", () => {
        const structured = settingsFromConfig((k) => (k === "aws:assumeRoles" ? ([{ roleArn: A }] as unknown as string) : undefined));
        assert.deepStrictEqual(structured.assumeRoles, [{ roleArn: A }]);
        for (const config of [{}, { "aws:assumeRoles": "" }, { "aws:assumeRoles": "[]" }, { "aws:assumeRole": "" }]) {
            assert.strictEqual(settings(config).assumeRoles, undefined, JSON.stringify(config));
        }
    });

    it("takes the STS endpoint from the sts entry of aws:endpoints, beside the sfn one", () => {
        const s = settings({ "aws:endpoints": [{ sfn: "http://127.0.0.1:1" }, { sts: "http://127.0.0.1:2" }], "aws:assumeRoles": [{ roleArn: A }] });
        assert.strictEqual(s.endpoint, "http://127.0.0.1:1");
        assert.strictEqual(s.stsEndpoint, "http://127.0.0.1:2");
        assert.strictEqual(settings({ "aws:endpoints": [{ sfn: "http://127.0.0.1:1" }] }).stsEndpoint, undefined);
        refused({ "aws:endpoints": [{ sts: "not a url" }] }, /aws:endpoints entry sts must be an http\(s\) URL/);
    });

    it("parses durations as Go's time.ParseDuration does", () => {
        const table: [string, number | undefined][] = [
            ["1h", 3600], ["15m", 900], ["90m", 5400], ["1h30m", 5400], ["900s", 900], ["1.5h", 5400], ["12h", 43200],
            ["3600000ms", 3600], ["1h0m0s", 3600], ["", undefined], ["1 hour", undefined], ["60", undefined], ["-1h", undefined], ["1d", undefined],
        ];
        for (const [text, seconds] of table) assert.strictEqual(parseDuration(text), seconds, text);
    });

    describe("refuses, naming the key, the rule and the fix", () => {
        const table: [string, Record<string, unknown>, RegExp][] = [
            ["both forms", { "aws:assumeRoles": [{ roleArn: A }], "aws:assumeRole": { roleArn: B } }, /aws:assumeRoles and aws:assumeRole are both set; keep one/],
            ["v7 key given one object", { "aws:assumeRoles": { roleArn: A } }, /aws:assumeRoles must be a list of roles .* but is an object; for one role, put it in a list/],
            ["v6 key given a list", { "aws:assumeRole": [{ roleArn: A }] }, /aws:assumeRole is one role .* but is a list; for a chain of roles, set aws:assumeRoles instead/],
            ["entry not an object", { "aws:assumeRoles": [A] }, /aws:assumeRoles\[0\] must be an object such as \{"roleArn": .*\}, but is a string/],
            ["no roleArn", { "aws:assumeRoles": [{ roleArn: A }, { sessionName: "x1" }] }, /aws:assumeRoles\[1\]\.roleArn is required: the ARN of the IAM role to assume/],
            ["empty roleArn", { "aws:assumeRole": { roleArn: "" } }, /aws:assumeRole\.roleArn is required/],
            ["a user ARN", { "aws:assumeRoles": [{ roleArn: "arn:aws:iam::111111111111:user/bob" }] }, /roleArn must be an IAM role ARN arn:<partition>:iam::<12-digit account>:role\/<name>, but received "arn:aws:iam::111111111111:user\/bob"/],
            ["roleArn not a string", { "aws:assumeRoles": [{ roleArn: 42 }] }, /aws:assumeRoles\[0\]\.roleArn must be a string, but is a number/],
            ["misspelled field", { "aws:assumeRoles": [{ roleArn: A, role_arn: A }] }, /aws:assumeRoles\[0\] has no field "role_arn": did you mean roleArn\?/],
            ["session_name", { "aws:assumeRoles": [{ roleArn: A, session_name: "x" }] }, /has no field "session_name": did you mean sessionName\?/],
            ["policyArn for policyArns", { "aws:assumeRoles": [{ roleArn: A, policyArn: "arn:aws:iam::aws:policy/X" }] }, /has no field "policyArn": did you mean policyArns\?/],
            ["RoleArn (the STS spelling)", { "aws:assumeRoles": [{ RoleArn: A }] }, /has no field "RoleArn": did you mean roleArn\?/],
            ["unknown field", { "aws:assumeRoles": [{ roleArn: A, mfaSerial: "x" }] }, /has no field "mfaSerial"\. An assumed role's fields \(as @pulumi\/aws defines them\) are duration, externalId/],
            ["durationSeconds", { "aws:assumeRoles": [{ roleArn: A, durationSeconds: 3600 }] }, /durationSeconds is not a field of @pulumi\/aws's assumed roles; set aws:assumeRoles\[0\]\.duration to a duration such as "1h"/],
            ["session name with a space", { "aws:assumeRoles": [{ roleArn: A, sessionName: "my deploy" }] }, /sessionName must be 2-64 characters of letters, digits and _\+=,\.@- \(STS's rule for RoleSessionName\), but received "my deploy"/],
            ["session name too short", { "aws:assumeRoles": [{ roleArn: A, sessionName: "x" }] }, /sessionName must be 2-64 characters/],
            ["source identity", { "aws:assumeRoles": [{ roleArn: A, sourceIdentity: "a b" }] }, /sourceIdentity must be 2-64 characters .*SourceIdentity/],
            ["duration not a duration", { "aws:assumeRoles": [{ roleArn: A, duration: "1 hour" }] }, /duration must be a duration such as "1h", "90m" or "1h30m" .* but received "1 hour"/],
            ["duration a number", { "aws:assumeRoles": [{ roleArn: A, duration: 3600 }] }, /duration must be a string, but is a number/],
            ["duration too short", { "aws:assumeRoles": [{ roleArn: A, duration: "10m" }] }, /duration must be between 15m and 12h .* but received "10m"/],
            ["duration too long", { "aws:assumeRoles": [{ roleArn: A, duration: "13h" }] }, /duration must be between 15m and 12h/],
            ["chained role over 1h", { "aws:assumeRoles": [{ roleArn: A, duration: "2h" }, { roleArn: B, duration: "2h" }] }, /aws:assumeRoles\[1\]\.duration is "2h", but this role is assumed with the previous role's credentials \(role chaining\), which AWS limits to 1h/],
            ["too many policy ARNs", { "aws:assumeRoles": [{ roleArn: A, policyArns: Array.from({ length: 11 }, (_, i) => `arn:aws:iam::aws:policy/P${i}xxxxxxxx`) }] }, /policyArns may hold at most 10 ARNs/],
            ["policy ARN not an ARN", { "aws:assumeRoles": [{ roleArn: A, policyArns: ["ReadOnlyAccess"] }] }, /policyArns\[0\] must be the ARN of an IAM managed policy/],
            ["policyArns not a list", { "aws:assumeRoles": [{ roleArn: A, policyArns: "arn:aws:iam::aws:policy/ReadOnlyAccess" }] }, /policyArns must be a list of strings, but is a string/],
            ["tags a list", { "aws:assumeRoles": [{ roleArn: A, tags: [{ Key: "a", Value: "b" }] }] }, /tags must be an object of tag names to values/],
            ["tag key with a bad character", { "aws:assumeRoles": [{ roleArn: A, tags: { "a*b": "x" } }] }, /tags key "a\*b" must be 1-128 characters/],
            ["transitive tag key", { "aws:assumeRoles": [{ roleArn: A, transitiveTagKeys: ["a*b"] }] }, /transitiveTagKeys\[0\] must be a tag key/],
        ];
        for (const [what, config, expected] of table) it(what, () => refused(config, expected));
    });

    describe("never quotes a value that may be secret", () => {
        it("externalId: says which field and which rule, not the value", () => {
            const bad = `${SECRET} with spaces`;
            refused({ "aws:assumeRoles": [{ roleArn: A, externalId: bad }] }, /aws:assumeRoles\[0\]\.externalId must be 2-1224 characters .* \(the value is not shown, as it may be secret\); correct it with pulumi config set --secret --path 'aws:assumeRoles\[0\]\.externalId' <value>/, [bad, SECRET]);
        });
        it("policy that is not JSON, or has characters STS refuses", () => {
            refused({ "aws:assumeRoles": [{ roleArn: A, policy: `{"Sid": "${SECRET}"` }] }, /aws:assumeRoles\[0\]\.policy must be an IAM policy document as JSON text, but it is not valid JSON \(the value is not shown/, [SECRET]);
            refused({ "aws:assumeRoles": [{ roleArn: A, policy: `{"Sid": "${SECRET}\u2603"}` }] }, /policy must be 1-2048 characters/, [SECRET]);
        });
        it("tag values", () => {
            refused({ "aws:assumeRoles": [{ roleArn: A, tags: { team: `${SECRET}*` } }] }, /tags\.team must be 0-256 characters .* \(the value is not shown\)/, [SECRET]);
        });
        it("config text that is not JSON", () => {
            refused({ "aws:assumeRoles": `[{"roleArn": "${A}", "externalId": "${SECRET}"` }, /aws:assumeRoles is not valid JSON \(its text is not shown/, [SECRET]);
            refused({ "aws:assumeRole": `{"externalId": "${SECRET}"` }, /aws:assumeRole is not valid JSON/, [SECRET]);
        });
        it("a wrong type, named by type alone", () => {
            refused({ "aws:assumeRoles": [{ roleArn: A, externalId: 12345678 }] }, /externalId must be a string, but is a number\.$/, ["12345678"]);
        });
    });
});

describe("credentialsFor: the chain of providers", () => {
    const keys = { accessKeyId: "AKIABASE", secretAccessKey: "base-secret" };

    it("no keys, profile or role: undefined (the SDK's default chain, in the client)", () => {
        assert.strictEqual(credentialsFor({}, "us-east-1"), undefined);
    });

    it("static keys without roles: the keys themselves", () => {
        assert.deepStrictEqual(credentialsFor({ credentials: keys }, "us-east-1"), keys);
    });

    it("a profile without roles: the profile's credentials (fromIni)", () => {
        assert.strictEqual(typeof credentialsFor({ profile: "p" }, "us-east-1"), "function");
    });

    it("roles: a provider; the STS parameters of each role as AWS names them, with a fixed default session name", () => {
        const settings: AwsSettings = { credentials: keys, assumeRoles: [{ roleArn: A }, { roleArn: B, sessionName: "s" }] };
        assert.strictEqual(typeof credentialsFor(settings, "us-east-1"), "function");
        assert.deepStrictEqual(assumeRoleParams({ roleArn: A }), { RoleArn: A, RoleSessionName: DEFAULT_SESSION_NAME });
        assert.deepStrictEqual(
            assumeRoleParams({
                roleArn: A, sessionName: "n", externalId: "e1", durationSeconds: 900, policy: "{}", policyArns: ["arn:aws:iam::aws:policy/X"],
                tags: { a: "b" }, transitiveTagKeys: ["a"], sourceIdentity: "me",
            }),
            {
                RoleArn: A, RoleSessionName: "n", ExternalId: "e1", DurationSeconds: 900, Policy: "{}", PolicyArns: [{ arn: "arn:aws:iam::aws:policy/X" }],
                Tags: [{ Key: "a", Value: "b" }], TransitiveTagKeys: ["a"], SourceIdentity: "me",
            },
        );
    });
});
