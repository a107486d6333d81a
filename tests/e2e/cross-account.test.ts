// Cross-account stacks as a user meets them: a Pulumi program run by the local engine (the real
// dynamic-provider plugin, the compiled package) with the base identity in the environment (account A) and
// `aws:assumeRoles` in the stack config naming a role in account B; STS and Step Functions on the local
// endpoint. up creates the alias in B, refresh and destroy work as the role; the same stack without the role
// fails with AWS's AccessDeniedException, and nothing is left behind.
import * as assert from "assert";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { AliasProject, aliasSteps, assertStateMatchesEndpoint, definition, ensureBuilt, ok, ROLE, SfnLocal, startSfnLocal } from "../support/world";

const A = "111111111111";
const B = "222222222222";
const ROLE_B = `arn:aws:iam::${B}:role/pulumi-deploy`;

describe("end to end: a cross-account stack (aws:assumeRoles) through the local engine", function () {
    this.timeout(90_000);
    let local: SfnLocal;
    let project: AliasProject;
    let versionB: string;

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: false, seed: 11, accounts: { "a-deployer": A, "b-admin": B } });
        const sfnB = new SFNClient({ endpoint: local.url, region: "us-east-1", credentials: { accessKeyId: "b-admin", secretAccessKey: "x" } });
        versionB = (await sfnB.send(new CreateStateMachineCommand({ name: "orders", definition: definition("1"), roleArn: ROLE, publish: true }))).stateMachineVersionArn!;
        sfnB.destroy();
        // The base identity, A, from the environment (the SDK's default chain); STS found through AWS_ENDPOINT_URL_STS.
        project = new AliasProject(local, { AWS_ACCESS_KEY_ID: "a-deployer", AWS_SECRET_ACCESS_KEY: "a-secret", AWS_ENDPOINT_URL_STS: local.url });
    });
    after(async () => {
        project?.cleanup();
        await local?.stop();
    });

    const aliases = () => [{ resource: "live", args: { name: "live", routingConfiguration: [{ stateMachineVersionArn: versionB, weight: 100 }] } }];
    const roles = { "aws:assumeRoles": JSON.stringify([{ roleArn: ROLE_B, sessionName: "ci-deploy" }]) };
    const roleCaller = `arn:aws:sts::${B}:assumed-role/pulumi-deploy/ci-deploy`;

    it("up creates the alias in account B as the role; refresh and destroy too", async () => {
        local.clearCalls();
        const up = await project.run("up", aliases(), { stack: "b", config: roles });
        ok(up, "up");
        assert.deepStrictEqual(aliasSteps(up), ["create live"]);
        const id = project.state("b")!.resources.find((r) => r.name === "live")!.id;
        assert.strictEqual(id, `arn:aws:states:us-east-1:${B}:stateMachine:orders:live`);
        assertStateMatchesEndpoint(local, project.allStates(), "after up");
        const sts = local.calls().filter((c) => c.service === "sts");
        assert.deepStrictEqual(sts.map((c) => [c.operation, c.params.RoleArn, c.caller, c.outcome]), [["AssumeRole", ROLE_B, `arn:aws:iam::${A}:user/test`, "ok"]]);
        for (const c of local.calls().filter((x) => !x.service)) assert.strictEqual(c.caller, roleCaller, `${c.operation} made as the role`);

        for (const command of ["refresh", "destroy"] as const) {
            local.clearCalls();
            ok(await project.run(command, aliases(), { stack: "b", config: roles }), command);
            const made = local.calls().filter((c) => !c.service);
            assert.ok(made.length > 0 && made.every((c) => c.caller === roleCaller && c.outcome === "ok"), `${command}: ${JSON.stringify(made.map((c) => [c.operation, c.outcome]))}`);
        }
        assert.deepStrictEqual(Object.keys(local.snapshot().aliases), []);
    });

    it("the same stack without the role: the create fails with AccessDeniedException, nothing is left behind", async () => {
        local.clearCalls();
        const up = await project.run("up", aliases(), { stack: "a-only" });
        assert.ok(!up.ok, "up succeeded without the role");
        const text = `${up.error}\n${up.diagnostics.join("\n")}`;
        assert.match(text, /AccessDeniedException: User: arn:aws:iam::111111111111:user\/test is not authorized to perform: states:\w+ on resource: arn:aws:states:us-east-1:222222222222:stateMachine:orders/);
        assert.deepStrictEqual(local.calls().filter((c) => c.service === "sts"), []);
        assert.deepStrictEqual(Object.keys(local.snapshot().aliases), []);
        assertStateMatchesEndpoint(local, project.allStates(), "after the failed up");
    });

    it("a misspelled field of aws:assumeRoles stops the up before any call, naming it", async () => {
        local.clearCalls();
        const up = await project.run("up", aliases(), { stack: "typo", config: { "aws:assumeRoles": JSON.stringify([{ role_arn: ROLE_B }]) } });
        assert.ok(!up.ok);
        assert.match(`${up.error}\n${up.diagnostics.join("\n")}`, /aws:assumeRoles\[0\] has no field "role_arn": did you mean roleArn\?/);
        assert.deepStrictEqual(local.calls(), []);
    });
});
