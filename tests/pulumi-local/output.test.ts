// What pulumi-local prints, against what the Pulumi CLI prints (tools/pulumi-local/display.ts cites the
// pulumi/pulumi functions): a check failure of the real product provider, once, in the engine's words; a
// secret as [secret]; `--diff` with old and new values; no ANSI escapes when stdout is not a terminal.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { run, RunResult } from "../../tools/pulumi-local";
import { SfnLocal, startSfnLocal } from "../../tools/sfn-local";
import { checkFailureMessage, engineValueString, goFloat } from "../../tools/pulumi-local/display";
import { ALIASES_PROGRAM, ensureBuilt, endpointEnv, makeMachine, ROOT, scratchProject, sdkClient, TYPE } from "../support/world";

const BIN = path.join(ROOT, "bin", "pulumi-local.js");
const V1 = "arn:aws:states:us-east-1:123456789012:stateMachine:orders:1";
const V2 = "arn:aws:states:us-east-1:123456789012:stateMachine:orders:2";
const count = (text: string, part: string) => text.split(part).length - 1;

describe("pulumi-local output, as the Pulumi CLI prints it", function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
        ensureBuilt();
        dir = scratchProject(ALIASES_PROGRAM, "pulumi-local-output-");
    });
    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("formats values as the engine's %v (PropertyValue.String) does", () => {
        assert.strictEqual(engineValueString("abc"), "{abc}");
        assert.strictEqual(engineValueString(100), "{100}");
        assert.strictEqual(engineValueString(undefined), "{<nil>}");
        assert.strictEqual(engineValueString([1, "a"]), "{[{1} {a}]}");
        assert.strictEqual(engineValueString({ b: true, a: null }), "{map[a:{<nil>} b:{true}]}");
        assert.deepStrictEqual([1e6, 123456, 0.5, 1.5e-7, -2].map(goFloat), ["1e+06", "123456", "0.5", "1.5e-07", "-2"]);
        // No property: diag 2002; a nested property is looked up as a top-level key, as the engine does.
        assert.strictEqual(checkFailureMessage("t:m:R", "r", { property: "", reason: "bad" }, {}), "t:m:R resource 'r' has a problem: bad");
        assert.strictEqual(checkFailureMessage("t:m:R", "r", { property: "a[0].b", reason: "bad" }, { a: [{ b: 1 }] }),
            "t:m:R resource 'r': property a[0].b value {<nil>} has a problem: bad");
    });

    it("a check failure of the product's provider is shown once, in the engine's form, a secret as [secret], no escapes", () => {
        const description = "top-secret-" + "x".repeat(300);
        const aliases = [{
            resource: "live", secretDescription: true,
            args: { description, routingConfiguration: [{ stateMachineVersionArn: V1, weight: 60 }, { stateMachineVersionArn: V2, weight: 30 }] },
        }];
        // FORCE_COLOR asks the children for colour: stdout is a pipe, so none may reach the output.
        const r = spawnSync(process.execPath, [BIN, "preview", "--cwd", dir, "--config", `aliases=${JSON.stringify(aliases)}`], {
            env: { ...process.env, FORCE_COLOR: "1", PULUMI_NODEJS_TRANSPILE_ONLY: "true" }, encoding: "utf8",
        });
        assert.strictEqual(r.status, 1, r.stderr + r.stdout);
        const out = r.stdout;
        const routing = `${TYPE} resource 'live': property routingConfiguration value ` +
            `{[{map[stateMachineVersionArn:{${V1}} weight:{60}]} {map[stateMachineVersionArn:{${V2}} weight:{30}]}]} ` +
            "has a problem: routingConfiguration weights 60 + 30 sum to 90, but they must sum to exactly 100; adjust them (e.g. 60 and 40).";
        assert.strictEqual(count(out, routing), 1, out);
        assert.ok(out.includes(`\nDiagnostics:\n  ${TYPE} (live):\n    error: `), out);
        assert.strictEqual(count(out, `${TYPE} resource 'live': property description value {&{{[secret]}}} has a problem: description has 311 characters`), 1, out);
        assert.ok(!out.includes("top-secret"), "the secret's plaintext was printed");
        for (const noise of ["UNKNOWN", "failed to register", "    at ", "check failed", "is invalid"]) assert.ok(!out.includes(noise), `${noise} in:\n${out}`);
        assert.ok(!/\nerror: /.test(out), "the bail was printed");
        assert.ok(!out.includes("\x1b") && !r.stderr.includes("\x1b"), JSON.stringify(out));
    });

    it("the step's error is the engine's message, also its diagnostic; the program does not echo it", async () => {
        const aliases = [{ resource: "bad", args: { routingConfiguration: [{ stateMachineVersionArn: V1, weight: 100 }], colour: "red" } }];
        const r = await run({ command: "preview", cwd: dir, config: { aliases: JSON.stringify(aliases) }, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
        assert.strictEqual(r.ok, false);
        const step = r.steps.find((s) => s.name === "bad")!;
        assert.match(step.error!, new RegExp(`^${TYPE.replace(/[/$]/g, "\\$&")} resource 'bad': property colour value \\{red\\} has a problem: `));
        assert.deepStrictEqual(step.diagnostics, [`error: ${step.error}`]);
        assert.ok(r.error!.includes(step.error!));
        assert.ok(!r.diagnostics.some((d) => d.includes("failed to register")), r.diagnostics.join("\n"));
    });

    describe("--diff", () => {
        let local: SfnLocal;
        let machine: { arn: string; versions: string[] };
        const up = (command: "preview" | "up", aliases: unknown[], diff = true): Promise<RunResult> => run({
            command, cwd: dir, stack: "diff", diff, skipPreview: command === "up",
            config: { aliases: JSON.stringify(aliases) }, env: endpointEnv(local.url),
        });
        const alias = (extra: Record<string, unknown> = {}, weights = [100]) => ({
            resource: "live",
            args: {
                name: "live", description: "orders live traffic",
                routingConfiguration: weights.map((weight, i) => ({ stateMachineVersionArn: machine.versions[i], weight })),
                ...extra,
            },
        });

        before(async () => {
            local = await startSfnLocal({ throttling: false, seed: 3 });
            machine = await makeMachine(sdkClient(local), "orders", 2);
        });
        after(async () => { await local?.stop(); });

        it("a create shows its inputs; an update shows ~ key: old => new, the rest plain", async () => {
            const created = await up("up", [alias()]);
            assert.ok(created.ok, created.error);
            const lines = created.stdout.split("\n");
            assert.ok(lines.includes(`    + ${TYPE}: (create)`), created.stdout);
            assert.ok(lines.includes("        description         : \"orders live traffic\""), created.stdout);
            assert.ok(lines.includes("        name                : \"live\""), created.stdout);

            const r = await up("preview", [alias({ description: "orders: canary" }, [90, 10])]);
            assert.ok(r.ok, r.error);
            const arn = `arn:aws:states:us-east-1:${machine.arn.split(":")[4]}:stateMachine:orders:live`;
            const block = [
                "  pulumi:pulumi:Stack: (same)",
                "    [urn=urn:pulumi:diff::aliases::pulumi:pulumi:Stack::aliases-diff]",
                `    ~ ${TYPE}: (update)`,
                `        [id=${arn}]`,
                `        [urn=urn:pulumi:diff::aliases::${TYPE}::live]`,
                "      ~ description         : \"orders live traffic\" => \"orders: canary\"",
                "        name                : \"live\"",
                "      ~ routingConfiguration: [",
                "          ~ [0]: {",
                `                    stateMachineVersionArn: "${machine.versions[0]}"`,
                "                  ~ weight                : 100 => 90",
                "                }",
                "          + [1]: {",
                // An added object's keys carry the add's prefix too (printAdd keeps the prefix on).
                `                  + stateMachineVersionArn: "${machine.versions[1]}"`,
                "                  + weight                : 10",
                "                }",
                "        ]",
            ].join("\n");
            assert.ok(r.stdout.includes(block), r.stdout);
            assert.ok(!r.stdout.includes("\x1b"));
        });

        it("a replace shows +- and the diff", async () => {
            const renamed = await up("preview", [alias({ name: "live2" })]);
            assert.ok(renamed.ok, renamed.error);
            assert.ok(renamed.stdout.includes(`    +-${TYPE}: (replace)\n`), renamed.stdout);
            assert.ok(renamed.stdout.includes("      ~ name                : \"live\" => \"live2\"\n"), renamed.stdout);
            assert.ok(!renamed.stdout.includes("(create-replacement)"), "replacement halves are not shown");
        });

        it("a secret's change reads [secret] => [secret], its values never shown", async () => {

            const secret = { ...alias(), secretDescription: true };
            const first = await up("up", [secret]);
            assert.ok(first.ok, first.error);
            const changed = await up("preview", [{ ...secret, args: { ...secret.args, description: "new secret text" } }]);
            assert.ok(changed.ok, changed.error);
            assert.ok(changed.stdout.includes("      ~ description         : [secret] => [secret]\n"), changed.stdout);
            assert.ok(!changed.stdout.includes("new secret text") && !changed.stdout.includes("orders live traffic"), changed.stdout);
            const same = await up("preview", [secret]);
            assert.ok(!same.stdout.includes("(update)"), same.stdout);
        });

        it("without --diff the rows are as before", async () => {
            const r = await up("preview", [alias({ description: "x" })], false);
            assert.match(r.stdout, / ~ {2}update +\S+ +live \[diff: ~description\]/);
            assert.ok(!r.stdout.includes("=>"));
        });
    });
});
