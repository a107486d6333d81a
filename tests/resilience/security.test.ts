// Credentials given by environment, by a named profile (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE in a
// temp folder, `aws:profile`) or by `aws:accessKey/secretKey/token` secret config never appear in the state
// file (serialized provider included), the engine's output or logs, or the endpoint's call log; a secret
// description stays secret in state and output. (That the endpoint binds 127.0.0.1 only and refuses
// unsigned requests is tests/sfn-local/server.test.ts's "transport" suite.)
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateStateMachineAliasCommand, DeleteStateMachineAliasCommand } from "@aws-sdk/client-sfn";
import { RunResult } from "../../tools/pulumi-local";
import { AliasProject, aliasSteps, ensureBuilt, makeMachine, ok, sdkClient, SfnLocal, startSfnLocal, assertStateMatchesEndpoint } from "../support/world";

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
            // Every call answered as intended: the create's ownership check finds no alias, everything else is ok.
            const unexpected = local.calls().filter((c) => c.outcome !== "ok" && !(command === "up" && c.operation === "DescribeStateMachineAlias" && c.outcome === "ResourceNotFound"));
            assert.ok(local.calls().length > 0 && unexpected.length === 0, `the endpoint was not reached as intended: ${JSON.stringify(unexpected)}`);
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
        assert.deepStrictEqual(local.calls().filter((c) => c.operation === "CreateStateMachineAlias").map((c) => c.params.description).sort(), [fromConfig, inProgram].sort());
        assertStateMatchesEndpoint(local, project.allStates(), "secret descriptions", true);
        ok(await project.run("destroy", specs, { stack: "secret", secretConfig: { secretDescription: fromConfig } }));
    });

    // ---- a secret description in a failure ----------------------------------------------------------

    /** Every text file the engine, the program or the plugin wrote in the project (state, logs), not node_modules. */
    function filesWritten(dir: string): Record<string, string> {
        const out: Record<string, string> = {};
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const f = path.join(dir, e.name);
            if (e.isSymbolicLink() || e.name === "node_modules") continue;
            if (e.isDirectory()) Object.assign(out, filesWritten(f));
            else if (e.isFile()) out[path.relative(project.dir, f)] = fs.readFileSync(f, "utf8");
        }
        return out;
    }

    /**
     * The secret, or any telling piece of it (a message that shortens a value keeps its start), in none of: the
     * engine's report, error, steps and outputs, the program's and plugin's output, any file in the project, or
     * the call log beyond the description sent to AWS (which needs it).
     */
    function assertSecretNowhere(r: RunResult, secrets: string[]): void {
        const places: Record<string, string> = {
            "engine report (stdout)": r.stdout,
            "engine error": r.error ?? "",
            "engine steps": JSON.stringify(r.steps),
            "stack outputs": JSON.stringify(r.outputs),
            "engine, program and plugin logs": r.diagnostics.join("\n"),
            "call log, descriptions sent aside": JSON.stringify(local.calls().map((c) => ({ ...c, params: { ...c.params, description: undefined } }))),
        };
        for (const [file, text] of Object.entries(filesWritten(project.dir))) places[`file ${file}`] = text;
        for (const secret of secrets) {
            const pieces = [secret, secret.slice(0, 24), secret.slice(secret.length - 24)];
            for (const [where, text] of Object.entries(places)) {
                for (const piece of pieces) assert.ok(!text.includes(piece), `${JSON.stringify(piece)} of a secret description found in the ${where}`);
            }
        }
    }

    const failedStep = (r: RunResult, name: string) => r.steps.find((x) => x.name === name && x.error);

    it("a secret description over 256 characters: refused at check, and its text is in no output, log or file", async () => {
        const inProgram = `sealed-long-in-program-4c1e: ${"the quarterly numbers are in the vault ".repeat(8)}`;
        const fromConfig = `sealed-long-from-config-9d2b: ${"rotate the vault key before friday ".repeat(9)}`;
        assert.ok(inProgram.length > 256 && fromConfig.length > 256);
        const specs = [
            { ...alias("long-a"), args: { ...alias("long-a").args, description: inProgram }, secretDescription: true },
            { ...alias("long-b"), descriptionFromSecretConfig: true },
        ];
        for (const command of ["preview", "up"] as const) {
            local.clearCalls();
            const r = await project.run(command, specs, { stack: "secret-long", secretConfig: { secretDescription: fromConfig }, continueOnError: true });
            assert.strictEqual(r.ok, false, `${command} succeeded`);
            for (const [name, length] of [["long-a", inProgram.length], ["long-b", fromConfig.length]] as const) {
                const error = failedStep(r, name)?.error ?? "";
                // The engine's form, its value masked (step_generator.go issueCheckFailures; the value is a secret).
                assert.ok(error.includes(`resource '${name}': property description value {&{{[secret]}}} has a problem: description has ${length} characters, more than AWS's limit of 256; shorten it`), `${command} ${name}: ${error || aliasSteps(r).join(", ")}`);
            }
            assert.deepStrictEqual(local.calls(), [], "an API call was made");
            assert.deepStrictEqual(project.state("secret-long")?.resources.filter((x) => x.custom) ?? [], [], "a resource was recorded for inputs that failed check");
            assertSecretNowhere(r, [inProgram, fromConfig]);
        }
    });

    it("a secret description that check accepts and AWS refuses (a missing version or state machine, a conflicting alias): its text is in no output, log or file", async () => {
        const inProgram = "sealed-short-in-program-b7e0: routing for the merger";
        const inProgram2 = "sealed-short-in-program-0a6f: routing for the audit";
        const fromConfig = "sealed-short-from-config-e5a1: routing for the layoffs";
        const sm = v1.replace(/:\d+$/, "");
        // An alias of that name, made outside the stack with another configuration: the create conflicts.
        await sdkClient(local).send(new CreateStateMachineAliasCommand({ name: "taken", description: "made by hand", routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }] }));
        const refused = (name: string, arn: string, description: string) =>
            ({ resource: name, args: { name, description, routingConfiguration: [{ stateMachineVersionArn: arn, weight: 100 }] }, secretDescription: true });
        const specs = [
            refused("missing-version", `${sm}:99`, inProgram),
            refused("missing-machine", sm.replace(/orders$/, "ghost") + ":1", inProgram2),
            { ...alias("taken"), descriptionFromSecretConfig: true },
        ];
        local.clearCalls();
        const r = await project.run("up", specs, { stack: "secret-refused", secretConfig: { secretDescription: fromConfig }, continueOnError: true });
        assert.strictEqual(r.ok, false, "up succeeded");
        for (const name of ["missing-version", "missing-machine", "taken"]) assert.ok(failedStep(r, name), `${name} did not fail: ${aliasSteps(r).join(", ")}`);
        // Each reached AWS, which refused it; a description, when sent, is the secret (AWS needs it).
        const creates = local.calls().filter((c) => c.operation === "CreateStateMachineAlias");
        for (const name of ["missing-version", "missing-machine"]) {
            assert.deepStrictEqual(creates.filter((c) => c.params.name === name).map((c) => c.outcome), ["ValidationException"], `${name}: ${creates.map((c) => c.outcome)}`);
        }
        assert.ok(local.calls().some((c) => JSON.stringify(c.params).includes(":taken")) || creates.some((c) => c.params.name === "taken"), "the conflicting alias was not looked at");
        for (const c of creates) assert.ok([inProgram, inProgram2, fromConfig].includes(c.params.description), `${c.params.name}: description not sent`);
        assertSecretNowhere(r, [inProgram, inProgram2, fromConfig]);
        await sdkClient(local).send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${sm}:taken` }));
        assertStateMatchesEndpoint(local, [project.state("secret-refused")], "after the refused creates", true);
    });
});
