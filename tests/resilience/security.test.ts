// Credentials given by environment, by a named profile (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE in a
// temp folder, `aws:profile`) or by `aws:accessKey/secretKey/token` secret config never appear in the state
// file (serialized provider included), the engine's output or logs, or the endpoint's call log; a secret
// description stays secret in state and output. (That the endpoint binds 127.0.0.1 only and refuses
// unsigned requests is tests/sfn-local/server.test.ts's "transport" suite.)
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RunResult } from "../../tools/pulumi-local";
import { AliasProject, ensureBuilt, makeMachine, ok, sdkClient, SfnLocal, startSfnLocal, assertStateMatchesEndpoint } from "../support/world";

const NO_ENV_CREDENTIALS = { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_SESSION_TOKEN: "", AWS_PROFILE: "" };

describe("resilience: no credential leaks, secrets stay secret", function () {
    this.timeout(90_000);
    let local: SfnLocal;
    let project: AliasProject;
    let v1: string;
    let tmp: string;

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: false, seed: 41 });
        v1 = (await makeMachine(sdkClient(local), "orders", 1)).versions[0];
        project = new AliasProject(local);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sfn-alias-profile-"));
    });
    after(async () => {
        project?.cleanup();
        fs.rmSync(tmp, { recursive: true, force: true });
        await local?.stop();
    });

    function assertNoLeak(r: RunResult, stack: string, values: string[]): void {
        const places: Record<string, string> = {
            "state file": project.stateText(stack) ?? "",
            "engine output": r.stdout + (r.error ?? "") + JSON.stringify(r.outputs),
            "engine and plugin logs": r.diagnostics.join("\n"),
            "endpoint call log": JSON.stringify(local.calls()),
        };
        for (const value of values) {
            for (const [where, text] of Object.entries(places)) assert.ok(!text.includes(value), `${value} found in the ${where}`);
        }
    }

    const alias = (name: string, extra: Record<string, unknown> = {}) =>
        ({ resource: name, args: { name, routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }] }, ...extra });

    async function lifecycle(stack: string, values: string[], opts: Parameters<AliasProject["run"]>[2]) {
        const specs = [alias(`${stack}-a`)];
        for (const command of ["up", "refresh", "destroy"] as const) {
            local.clearCalls();
            const r = await project.run(command, specs, { stack, ...opts });
            ok(r, `${stack} ${command}`);
            assert.ok(local.calls().length > 0 && local.calls().every((c) => c.outcome === "ok"), "the endpoint was not reached as intended");
            assertNoLeak(r, stack, values);
        }
    }

    it("credentials from the environment", async () => {
        const values = ["AKIASECURITYENV00001", "env-secret-key-never-shown", "env-session-token-never-shown"];
        await lifecycle("env", values, { env: { AWS_ACCESS_KEY_ID: values[0], AWS_SECRET_ACCESS_KEY: values[1], AWS_SESSION_TOKEN: values[2] } });
    });

    it("credentials from a named profile (aws:profile)", async () => {
        const values = ["AKIASECURITYPROFILE1", "profile-secret-key-never-shown"];
        fs.writeFileSync(path.join(tmp, "config"), "[profile sealed]\nregion = us-east-1\n");
        fs.writeFileSync(path.join(tmp, "credentials"), `[sealed]\naws_access_key_id = ${values[0]}\naws_secret_access_key = ${values[1]}\n`);
        await lifecycle("profile", values, {
            config: { "aws:profile": "sealed" },
            env: { ...NO_ENV_CREDENTIALS, AWS_CONFIG_FILE: path.join(tmp, "config"), AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, "credentials") },
        });
    });

    it("credentials from aws:accessKey / aws:secretKey / aws:token secret config", async () => {
        const values = ["AKIASECURITYCONFIG01", "config-secret-key-never-shown", "config-token-never-shown"];
        await lifecycle("config", values, {
            secretConfig: { "aws:accessKey": values[0], "aws:secretKey": values[1], "aws:token": values[2] },
            env: NO_ENV_CREDENTIALS,
        });
    });

    it("a secret description (pulumi.secret, or --secret-config) stays secret in state and output", async () => {
        const inProgram = "description-secret-in-program";
        const fromConfig = "description-secret-from-config";
        const specs = [
            { ...alias("sec-a", {}), args: { ...alias("sec-a").args, description: inProgram }, secretDescription: true },
            { ...alias("sec-b"), descriptionFromSecretConfig: true },
        ];
        local.clearCalls();
        const r = await project.run("up", specs, { stack: "secret", secretConfig: { secretDescription: fromConfig } });
        ok(r);
        const state = project.stateText("secret")!;
        for (const value of [inProgram, fromConfig]) {
            assert.ok(!state.includes(value), `${value} in clear in the state file`);
            assert.ok(!r.stdout.includes(value) && !r.diagnostics.join("\n").includes(value), `${value} in the engine's output`);
        }
        // Stored as secrets (and sent to AWS, which needs it).
        const resources = project.state("secret")!.resources.filter((x) => x.custom);
        for (const x of resources) assert.ok(JSON.stringify(x.outputs.description).includes("1b47061264138c4ac30d75fd1eb44270"), `${x.name}: description not a secret`);
        assert.deepStrictEqual(local.calls().map((c) => c.params.description).sort(), [fromConfig, inProgram].sort());
        assertStateMatchesEndpoint(local, project.allStates(), "secret descriptions", true);
        ok(await project.run("destroy", specs, { stack: "secret", secretConfig: { secretDescription: fromConfig } }));
    });
});
