// STS on the local endpoint (same port as Step Functions), with the real SDK: the STS client the SDK's
// credential providers use (@aws-sdk/nested-clients sts, AWS Query protocol) for AssumeRole, a hand-signed
// request for GetCallerIdentity (that client has no such command), and Step Functions clients holding the
// temporary credentials. Then the account model: keys mapped to accounts, resources made in the caller's
// account, cross-account calls refused with AccessDeniedException, session tokens required.
import * as assert from "assert";
import { CreateStateMachineCommand, CreateStateMachineAliasCommand, DescribeStateMachineCommand, ListStateMachinesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac } from "crypto";
import { SfnLocal, startSfnLocal } from "../../tools/sfn-local";
import { parseArgs } from "../../tools/sfn-local/cli";
import { definition, REGION, rejects, ROLE } from "./helpers";

const { AssumeRoleCommand, STSClient } = require("@aws-sdk/nested-clients/sts");

const A = "111111111111";
const B = "222222222222";
const ROLE_B = `arn:aws:iam::${B}:role/deployer`;
const ROLE_B2 = `arn:aws:iam::${B}:role/team/reader`;
const DENIED = `arn:aws:iam::${B}:role/locked`;
const LONG = `arn:aws:iam::${B}:role/long-sessions`;

interface Keys { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

const base: Keys = { accessKeyId: "a-admin", secretAccessKey: "a-secret" };

/** A signed STS Query call, by hand (for GetCallerIdentity, and to see the raw answer). */
async function stsRaw(url: string, keys: Keys | undefined, body: string): Promise<{ status: number; text: string; headers: Headers }> {
    const u = new URL(url);
    let headers: Record<string, string> = { host: u.host, "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
    if (keys) {
        const signer = new SignatureV4({ credentials: keys, region: REGION, service: "sts", sha256: NodeSha256 });
        const signed = await signer.sign({ method: "POST", protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: "/", headers, body });
        headers = signed.headers as Record<string, string>;
    }
    const { host: _host, ...send } = headers;
    const res = await fetch(`${url}/`, { method: "POST", headers: send, body });
    return { status: res.status, text: await res.text(), headers: res.headers };
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];


function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
    if (typeof data === "string") return Buffer.from(data, "utf8");
    if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return Buffer.from(data);
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape SignatureV4 takes (a Checksum constructor). */
class NodeSha256 {
    private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
    private readonly secret?: Buffer;
    constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
        this.secret = secret === undefined ? undefined : toBuffer(secret);
        this.hash = this.secret ? createHmac("sha256", this.secret) : createHash("sha256");
    }
    update(data: string | ArrayBuffer | ArrayBufferView): void {
        this.hash.update(toBuffer(data));
    }
    async digest(): Promise<Uint8Array> {
        return new Uint8Array(this.hash.digest());
    }
    reset(): void {
        this.hash = this.secret ? createHmac("sha256", this.secret) : createHash("sha256");
    }
}

describe("sfn-local: STS (AssumeRole, GetCallerIdentity) and accounts", function () {
    this.timeout(20_000);
    let local: SfnLocal;
    const sts = (keys: Keys = base) => new STSClient({ endpoint: local.url, region: REGION, credentials: keys });
    const sfn = (keys: Keys) => new SFNClient({ endpoint: local.url, region: REGION, credentials: keys });
    async function assume(roleArn: string, keys: Keys = base, extra: Record<string, unknown> = {}): Promise<Keys & { out: any }> {
        const out = await sts(keys).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "ci", ...extra }));
        return { accessKeyId: out.Credentials.AccessKeyId, secretAccessKey: out.Credentials.SecretAccessKey, sessionToken: out.Credentials.SessionToken, out };
    }

    before(async () => {
        local = await startSfnLocal({
            throttling: false, seed: 7, accounts: { "a-admin": A, "b-admin": B }, deniedRoles: [DENIED], roleMaxSessionSeconds: { [LONG]: 43200 },
        });
    });
    after(async () => local?.stop());
    beforeEach(() => local.clearCalls());

    it("AssumeRole answers temporary credentials for the role, as the SDK reads them", async () => {
        const before = Date.now();
        const { out } = await assume(ROLE_B, base, { SourceIdentity: "alice" });
        assert.match(out.Credentials.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
        assert.ok(out.Credentials.SecretAccessKey.length >= 40 && out.Credentials.SessionToken.length > 100);
        assert.ok(out.Credentials.Expiration instanceof Date);
        const lifetime = out.Credentials.Expiration.getTime() - before;
        assert.ok(lifetime > 3595_000 && lifetime <= 3601_000, `default session: 1 hour (got ${lifetime} ms)`);
        assert.strictEqual(out.AssumedRoleUser.Arn, `arn:aws:sts::${B}:assumed-role/deployer/ci`);
        assert.match(out.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z2-7]{17}:ci$/);
        assert.strictEqual(out.SourceIdentity, "alice");
        assert.ok(out.$metadata.requestId);
        // Logged as an STS call of the base identity; the credentials themselves never are.
        const [entry] = local.calls();
        assert.deepStrictEqual(
            { service: entry.service, operation: entry.operation, outcome: entry.outcome, status: entry.status, caller: entry.caller, region: entry.region, params: entry.params },
            { service: "sts", operation: "AssumeRole", outcome: "ok", status: 200, caller: `arn:aws:iam::${A}:user/test`, region: REGION, params: { RoleArn: ROLE_B, RoleSessionName: "ci", SourceIdentity: "alice" } },
        );
        assert.ok(!JSON.stringify(local.calls()).includes(out.Credentials.SecretAccessKey));
    });

    it("the raw answer: AWS Query XML in STS's namespace, x-amzn-RequestId, DurationSeconds honoured", async () => {
        const r = await stsRaw(local.url, base, `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(LONG)}&RoleSessionName=raw&DurationSeconds=7200`);
        assert.strictEqual(r.status, 200);
        assert.match(r.headers.get("content-type")!, /^text\/xml/);
        assert.ok(r.headers.get("x-amzn-requestid"));
        assert.match(r.text, /^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleResult><AssumedRoleUser><AssumedRoleId>[^<]+<\/AssumedRoleId><Arn>arn:aws:sts::222222222222:assumed-role\/long-sessions\/raw<\/Arn><\/AssumedRoleUser><Credentials><AccessKeyId>ASIA/);
        assert.strictEqual(tag(r.text, "RequestId"), r.headers.get("x-amzn-requestid"));
        const expiration = Date.parse(tag(r.text, "Expiration")!);
        assert.match(tag(r.text, "Expiration")!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.ok(Math.abs(expiration - (Date.now() + 7200_000)) < 5000);
    });

    it("GetCallerIdentity: the long-term key's user, and the assumed role's session", async () => {
        const user = await stsRaw(local.url, base, "Action=GetCallerIdentity&Version=2011-06-15");
        assert.strictEqual(user.status, 200);
        assert.strictEqual(tag(user.text, "Arn"), `arn:aws:iam::${A}:user/test`);
        assert.strictEqual(tag(user.text, "Account"), A);
        assert.match(tag(user.text, "UserId")!, /^AIDA[A-Z2-7]{17}$/);
        const keys = await assume(ROLE_B2);
        const role = await stsRaw(local.url, keys, "Action=GetCallerIdentity&Version=2011-06-15");
        // The path of a role is not part of its assumed-role ARN.
        assert.strictEqual(tag(role.text, "Arn"), `arn:aws:sts::${B}:assumed-role/reader/ci`);
        assert.strictEqual(tag(role.text, "Account"), B);
        assert.match(role.text, /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/);
        // Keys no option names keep the default account, as before.
        const other = await stsRaw(local.url, { accessKeyId: "test", secretAccessKey: "test" }, "Action=GetCallerIdentity&Version=2011-06-15");
        assert.strictEqual(tag(other.text, "Account"), "123456789012");
    });

    it("temporary credentials work for Step Functions; what they create is in the role's account", async () => {
        const keys = await assume(ROLE_B);
        const c = await sfn(keys).send(new CreateStateMachineCommand({ name: "orders", definition: definition(), roleArn: ROLE, publish: true }));
        assert.strictEqual(c.stateMachineArn, `arn:aws:states:${REGION}:${B}:stateMachine:orders`);
        const alias = await sfn(keys).send(new CreateStateMachineAliasCommand({ name: "live", routingConfiguration: [{ stateMachineVersionArn: c.stateMachineVersionArn, weight: 100 }] }));
        assert.strictEqual(alias.stateMachineAliasArn, `arn:aws:states:${REGION}:${B}:stateMachine:orders:live`);
        // A key mapped to B sees it too (same account); the call log says who called.
        const d = await sfn({ accessKeyId: "b-admin", secretAccessKey: "x" }).send(new DescribeStateMachineCommand({ stateMachineArn: c.stateMachineArn }));
        assert.strictEqual(d.name, "orders");
        const callers = local.calls().filter((e) => !e.service).map((e) => [e.operation, e.caller]);
        assert.deepStrictEqual(callers, [
            ["CreateStateMachine", `arn:aws:sts::${B}:assumed-role/deployer/ci`],
            ["CreateStateMachineAlias", `arn:aws:sts::${B}:assumed-role/deployer/ci`],
            ["DescribeStateMachine", `arn:aws:iam::${B}:user/test`],
        ]);
        // Lists are per account: A's list does not show B's machine.
        const listA = await sfn(base).send(new ListStateMachinesCommand({}));
        assert.ok(!listA.stateMachines!.some((s) => s.stateMachineArn!.includes(B)));
        const listB = await sfn(keys).send(new ListStateMachinesCommand({}));
        assert.ok(listB.stateMachines!.some((s) => s.stateMachineArn === c.stateMachineArn));
    });

    it("a call on another account's resource: AccessDeniedException, in AWS's form", async () => {
        const arn = `arn:aws:states:${REGION}:${B}:stateMachine:orders`;
        await rejects(
            sfn(base).send(new DescribeStateMachineCommand({ stateMachineArn: arn })),
            "AccessDeniedException",
            `User: arn:aws:iam::${A}:user/test is not authorized to perform: states:DescribeStateMachine on resource: ${arn} because no resource-based policy allows the states:DescribeStateMachine action`,
        );
        await rejects(
            sfn(base).send(new CreateStateMachineAliasCommand({ name: "canary", routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }] })),
            "AccessDeniedException",
            `User: arn:aws:iam::${A}:user/test is not authorized to perform: states:CreateStateMachineAlias on resource: ${arn}:canary because no resource-based policy allows the states:CreateStateMachineAlias action`,
        );
        const [entry] = local.calls();
        assert.strictEqual(entry.outcome, "AccessDeniedException");
        assert.strictEqual(entry.status, 400);
        assert.strictEqual(local.snapshot().aliases[`${arn}:canary`], undefined);
    });

    it("role chaining: a role session assumes another role; more than 1 hour is refused", async () => {
        const first = await assume(ROLE_B);
        const second = await assume(ROLE_B2, first);
        assert.strictEqual(second.out.AssumedRoleUser.Arn, `arn:aws:sts::${B}:assumed-role/reader/ci`);
        const e = await rejects(assume(LONG, first, { DurationSeconds: 7200 }), "ValidationError",
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        assert.strictEqual(e.$metadata.httpStatusCode, 400);
        assert.deepStrictEqual(local.calls().map((c) => c.caller), [`arn:aws:iam::${A}:user/test`, `arn:aws:sts::${B}:assumed-role/deployer/ci`, `arn:aws:sts::${B}:assumed-role/deployer/ci`]);
    });

    it("more than the role's MaxSessionDuration (3600 s unless told): ValidationError", async () => {
        await rejects(assume(ROLE_B, base, { DurationSeconds: 7200 }), "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        const { out } = await assume(LONG, base, { DurationSeconds: 43200 });
        assert.ok(out.Credentials.Expiration.getTime() - Date.now() > 43000_000);
    });

    it("a role the trust rule refuses: AccessDenied (403) naming the caller and the role", async () => {
        const e = await rejects(assume(DENIED), "AccessDenied", `User: arn:aws:iam::${A}:user/test is not authorized to perform: sts:AssumeRole on resource: ${DENIED}`);
        assert.strictEqual(e.$metadata.httpStatusCode, 403);
        assert.strictEqual(e.Error?.Type, "Sender");
    });

    it("STS's model constraints: ValidationError in Coral's form; a RoleArn that is no role ARN", async () => {
        await rejects(assume(ROLE_B, base, { RoleSessionName: "my session" }), "ValidationError",
            "1 validation error detected: Value 'my session' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        await rejects(assume(ROLE_B, base, { DurationSeconds: 600 }), "ValidationError",
            "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
        await rejects(assume(`arn:aws:iam::${B}:user/bob`), "ValidationError", "Request ARN is invalid");
        // Sent as the model's wire code MalformedPolicyDocument, which the SDK maps to its modelled exception.
        await rejects(assume(ROLE_B, base, { Policy: "{not json" }), "MalformedPolicyDocumentException");
    });

    it("a session key needs its session token: UnrecognizedClientException (Step Functions), InvalidClientTokenId (STS)", async () => {
        const keys = await assume(ROLE_B);
        const noToken = { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey };
        await rejects(sfn(noToken).send(new ListStateMachinesCommand({})), "UnrecognizedClientException", "The security token included in the request is invalid.");
        await rejects(sfn({ ...keys, sessionToken: "forged" }).send(new ListStateMachinesCommand({})), "UnrecognizedClientException");
        const e = await rejects(assume(ROLE_B2, noToken), "InvalidClientTokenId", "The security token included in the request is invalid.");
        assert.strictEqual(e.$metadata.httpStatusCode, 403);
    });

    it("unsigned STS requests and unknown actions", async () => {
        const unsigned = await stsRaw(local.url, undefined, "Action=GetCallerIdentity&Version=2011-06-15");
        assert.strictEqual(unsigned.status, 403);
        assert.strictEqual(tag(unsigned.text, "Code"), "MissingAuthenticationToken");
        const unknown = await stsRaw(local.url, base, "Action=GetSessionToken&Version=2011-06-15");
        assert.strictEqual(unknown.status, 400);
        assert.match(unknown.text, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>Could not find operation GetSessionToken for version 2011-06-15<\/Message><\/Error><RequestId>[^<]+<\/RequestId><\/ErrorResponse>$/);
    });

    it("the SDK's own chain: fromTemporaryCredentials, two roles in order, the second assumed with the first's credentials", async () => {
        const { fromTemporaryCredentials } = require("@aws-sdk/credential-providers");
        const clientConfig = { region: REGION, endpoint: local.url };
        const first = fromTemporaryCredentials({ params: { RoleArn: ROLE_B, RoleSessionName: "one" }, masterCredentials: base, clientConfig });
        const second = fromTemporaryCredentials({ params: { RoleArn: ROLE_B2, RoleSessionName: "two" }, masterCredentials: first, clientConfig });
        const out = await sfn(await second()).send(new ListStateMachinesCommand({}));
        assert.ok(out.stateMachines!.every((s) => s.stateMachineArn!.includes(`:${B}:`)));
        assert.deepStrictEqual(local.calls().map((c) => [c.operation, c.params.RoleArn, c.caller]), [
            ["AssumeRole", ROLE_B, `arn:aws:iam::${A}:user/test`],
            ["AssumeRole", ROLE_B2, `arn:aws:sts::${B}:assumed-role/deployer/one`],
            ["ListStateMachines", undefined, `arn:aws:sts::${B}:assumed-role/reader/two`],
        ]);
    });

    it("the CLI: --key-account KEY=ACCOUNT and --deny-role ARN (repeatable); accounts must be 12 digits", async () => {
        assert.deepStrictEqual(parseArgs(["--key-account", "a-admin=111111111111", "--key-account=b=222222222222", "--deny-role", DENIED]), {
            accounts: { "a-admin": A, b: B }, deniedRoles: [DENIED],
        });
        assert.throws(() => parseArgs(["--key-account", "a-admin=12"]), /--key-account needs ACCESS_KEY_ID=ACCOUNT_ID \(12 digits\)\. Received: 'a-admin=12'/);
        await assert.rejects(startSfnLocal({ accounts: { k: "123" } }), /the account of k must be 12 digits/);
    });
});
