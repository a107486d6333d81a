// Cross-account stacks: the provider module, configured from stack config as Pulumi configures it, with base
// credentials of account A and `aws:assumeRoles` naming a role in account B, against the local endpoint (STS
// and Step Functions on one port) with the real SDK. The alias is created in B; without the role the same
// create fails with AWS's AccessDeniedException; a role the endpoint refuses fails naming the role.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { configureAws } from "../../provider/aws";
import { stateMachineAliasProvider as provider } from "../../provider/provider";
import { SfnLocal, startSfnLocal } from "../../tools/sfn-local";
import { definition, REGION, ROLE } from "./helpers";

const A = "111111111111";
const B = "222222222222";
const C = "333333333333";
const ROLE_B = `arn:aws:iam::${B}:role/pulumi-deploy`;
const HOP_C = `arn:aws:iam::${C}:role/hop`;
const DENIED = `arn:aws:iam::${B}:role/locked`;
const ENV_KEYS = [
    "AWS_ENDPOINT_URL_SFN", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
] as const;

describe("provider: cross-account stacks through aws:assumeRoles (sfn-local, real SDK)", function () {
    this.timeout(20_000);
    let local: SfnLocal;
    let versionB: string;
    const saved: Record<string, string | undefined> = {};

    /** Configures the provider as the engine does: every key a string. */
    async function configure(config: Record<string, unknown>): Promise<void> {
        const text: Record<string, string> = {};
        for (const [k, v] of Object.entries(config)) text[k] = typeof v === "string" ? v : JSON.stringify(v);
        await provider.configure!({ config: { get: (k: string) => text[k], require: (k: string) => text[k] } } as never);
    }
    const baseA = { "aws:accessKey": "a-deployer", "aws:secretKey": "a-secret" };
    const endpoints = () => ({ "aws:endpoints": [{ sfn: local.url }, { sts: local.url }] });
    const inputs = (name: string) => ({ name, routingConfiguration: [{ stateMachineVersionArn: versionB, weight: 100 }] });

    before(async () => {
        for (const key of ENV_KEYS) {
            saved[key] = process.env[key];
            delete process.env[key];
        }
        local = await startSfnLocal({ throttling: false, seed: 3, accounts: { "a-deployer": A, "b-admin": B }, deniedRoles: [DENIED] });
        // The state machine and its version, in account B, made by B's own admin.
        const sfnB = new SFNClient({ endpoint: local.url, region: REGION, credentials: { accessKeyId: "b-admin", secretAccessKey: "x" } });
        const c = await sfnB.send(new CreateStateMachineCommand({ name: "orders", definition: definition(), roleArn: ROLE, publish: true }));
        versionB = c.stateMachineVersionArn!;
        assert.strictEqual(versionB, `arn:aws:states:${REGION}:${B}:stateMachine:orders:1`);
        sfnB.destroy();
    });
    after(async () => {
        for (const key of ENV_KEYS) {
            if (saved[key] === undefined) delete process.env[key];
            else process.env[key] = saved[key];
        }
        configureAws({});
        await local?.stop();
    });
    beforeEach(() => local.clearCalls());

    it("base credentials of A + aws:assumeRoles naming a role in B: the alias is created in B, by the role", async () => {
        await configure({ ...baseA, ...endpoints(), "aws:assumeRoles": [{ roleArn: ROLE_B }] });
        const res = await provider.create!(inputs("live"));
        assert.strictEqual(res.id, `arn:aws:states:${REGION}:${B}:stateMachine:orders:live`);
        assert.strictEqual(res.outs.arn, res.id);
        assert.ok(local.snapshot().aliases[res.id], "the endpoint holds the alias in account B");
        const calls = local.calls();
        assert.deepStrictEqual(calls.filter((c) => c.service === "sts").map((c) => [c.operation, c.params, c.caller]), [
            ["AssumeRole", { RoleArn: ROLE_B, RoleSessionName: "pulumi-sfn-alias" }, `arn:aws:iam::${A}:user/test`],
        ]);
        const sfnCalls = calls.filter((c) => !c.service);
        assert.ok(sfnCalls.some((c) => c.operation === "CreateStateMachineAlias" && c.outcome === "ok"));
        for (const c of sfnCalls) assert.strictEqual(c.caller, `arn:aws:sts::${B}:assumed-role/pulumi-deploy/pulumi-sfn-alias`);

        // The role is assumed once per client, not per call: read and delete reuse the credentials.
        local.clearCalls();
        assert.strictEqual((await provider.read!(res.id, res.outs)).id, res.id);
        await provider.delete!(res.id, res.outs);
        assert.deepStrictEqual(local.calls().filter((c) => c.service === "sts"), []);
        assert.strictEqual(local.snapshot().aliases[res.id], undefined);
    });

    it("the same without the role: AccessDeniedException, AWS's error name kept", async () => {
        await configure({ ...baseA, ...endpoints() });
        await assert.rejects(provider.create!(inputs("live")), (e: Error) => {
            assert.strictEqual(e.name, "AccessDeniedException");
            assert.match(e.message, new RegExp(`User: arn:aws:iam::${A}:user/test is not authorized to perform: states:\\w+ on resource: arn:aws:states:${REGION}:${B}:stateMachine:orders`));
            return true;
        });
        assert.deepStrictEqual(Object.keys(local.snapshot().aliases), []);
    });

    it("the STS endpoint from AWS_ENDPOINT_URL_STS (the SDK's own resolution), and v6's aws:assumeRole", async () => {
        process.env.AWS_ENDPOINT_URL_STS = local.url;
        try {
            await configure({ ...baseA, "aws:endpoints": [{ sfn: local.url }], "aws:assumeRole": { roleArn: ROLE_B, sessionName: "v6-form" } });
            const res = await provider.create!(inputs("env-sts"));
            assert.strictEqual(res.id, `arn:aws:states:${REGION}:${B}:stateMachine:orders:env-sts`);
            assert.deepStrictEqual(local.calls().filter((c) => c.service === "sts").map((c) => c.params.RoleSessionName), ["v6-form"]);
            await provider.delete!(res.id, res.outs);
        } finally {
            delete process.env.AWS_ENDPOINT_URL_STS;
        }
    });

    it("roles chain in list order: A assumes a role in C, which assumes the role in B", async () => {
        await configure({ ...baseA, ...endpoints(), "aws:assumeRoles": [{ roleArn: HOP_C, sessionName: "hop" }, { roleArn: ROLE_B, duration: "1h" }] });
        const res = await provider.create!(inputs("chained"));
        assert.strictEqual(res.id, `arn:aws:states:${REGION}:${B}:stateMachine:orders:chained`);
        assert.deepStrictEqual(local.calls().filter((c) => c.service === "sts").map((c) => [c.params.RoleArn, c.params.DurationSeconds, c.caller]), [
            [HOP_C, undefined, `arn:aws:iam::${A}:user/test`],
            [ROLE_B, "3600", `arn:aws:sts::${C}:assumed-role/hop/hop`],
        ]);
        await provider.delete!(res.id, res.outs);
    });

    it("a role STS refuses: the create fails with STS's AccessDenied, naming the role and its place in the config", async () => {
        await configure({ ...baseA, ...endpoints(), "aws:assumeRoles": [{ roleArn: DENIED, externalId: "never-shown-1" }] });
        await assert.rejects(provider.create!(inputs("denied")), (e: Error) => {
            assert.strictEqual(e.name, "AccessDenied");
            assert.ok(e.message.includes(`User: arn:aws:iam::${A}:user/test is not authorized to perform: sts:AssumeRole on resource: ${DENIED}`), e.message);
            assert.ok(e.message.includes(`(while assuming role ${DENIED}, role 1 of 1 of the stack's aws:assumeRoles)`), e.message);
            assert.ok(!e.message.includes("never-shown-1"));
            return true;
        });
        assert.ok(local.calls().every((c) => c.service === "sts"), "no Step Functions call without credentials");
    });

    it("base credentials from aws:profile: alone they act in the profile's account; with the role, in B", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfn-alias-xacct-"));
        try {
            fs.writeFileSync(path.join(dir, "config"), "[profile a]\nregion = us-east-1\n");
            fs.writeFileSync(path.join(dir, "credentials"), "[a]\naws_access_key_id = a-deployer\naws_secret_access_key = from-profile\n");
            process.env.AWS_CONFIG_FILE = path.join(dir, "config");
            process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "credentials");
            await configure({ "aws:profile": "a", ...endpoints() });
            await assert.rejects(provider.create!(inputs("profile")), (e: Error) => e.name === "AccessDeniedException" && e.message.includes(`arn:aws:iam::${A}:user/test`));
            await configure({ "aws:profile": "a", ...endpoints(), "aws:assumeRoles": [{ roleArn: ROLE_B }] });
            const res = await provider.create!(inputs("profile"));
            assert.strictEqual(res.id, `arn:aws:states:${REGION}:${B}:stateMachine:orders:profile`);
            assert.deepStrictEqual(local.calls().filter((c) => c.service === "sts").map((c) => c.caller), [`arn:aws:iam::${A}:user/test`]);
            await provider.delete!(res.id, res.outs);
        } finally {
            delete process.env.AWS_CONFIG_FILE;
            delete process.env.AWS_SHARED_CREDENTIALS_FILE;
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a bad aws:assumeRoles fails configure, before any call", async () => {
        await assert.rejects(configure({ ...baseA, "aws:assumeRoles": [{ roleArn: ROLE_B, sessionName: "has space" }] }), /aws:assumeRoles\[0\]\.sessionName must be 2-64 characters/);
        assert.deepStrictEqual(local.calls(), []);
    });
});
