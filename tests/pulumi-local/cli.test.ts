// The command line, the TypeScript path of the runner, and the state file's atomic writes.
import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "../../tools/pulumi-local/cli";
import { emptyState, readState, stateFilePath, writeStateAtomic } from "../../tools/pulumi-local/state";
import { makeSecret } from "../../tools/pulumi-local/values";
import { ops, Scratch } from "./helpers";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "pulumi-local.js");

describe("pulumi-local command line", function () {
    this.timeout(60_000);

    it("parses commands, repeated config flags and --json", () => {
        const a = parseArgs(["up", "--cwd", "/x", "--stack", "prod", "--config", "a=1", "--config=aws:region=eu-west-1",
            "--secret-config", "pw=s=cret", "--json"]);
        assert.deepStrictEqual(a, {
            command: "up", cwd: "/x", stack: "prod", json: true, continueOnError: false,
            config: { "a": "1", "aws:region": "eu-west-1" }, secretConfig: { pw: "s=cret" },
        });
    });

    it("parses --continue-on-error", () => {
        assert.strictEqual(parseArgs(["up", "--continue-on-error"]).continueOnError, true);
    });

    it("parses --skip-preview and repeated --replace URN (each absent unless given)", () => {
        const a = parseArgs(["up", "--skip-preview", "--replace", "urn:pulumi:dev::p::t::a", "--replace=urn:pulumi:dev::p::t::b", "--yes"]);
        assert.strictEqual(a.skipPreview, true);
        assert.deepStrictEqual(a.replace, ["urn:pulumi:dev::p::t::a", "urn:pulumi:dev::p::t::b"]);
        const b = parseArgs(["up"]);
        assert.ok(!("skipPreview" in b) && !("replace" in b));
        assert.throws(() => parseArgs(["up", "--replace"]), /--replace needs a value/);
    });

    it("up --replace of a URN not in the stack exits 1 with the CLI's message", () => {
        const p = new Scratch();
        try {
            const r = spawnSync(process.execPath, [BIN, "up", "--cwd", p.dir, "--replace", "urn:pulumi:dev::records::x::nope"],
                { env: { ...process.env, RECORDS_DIR: p.recordsDir }, encoding: "utf8" });
            assert.strictEqual(r.status, 1, r.stderr + r.stdout);
            assert.match(r.stdout, /Target 'urn:pulumi:dev::records::x::nope' could not be found in the stack\. Did you forget to escape \$ in your shell\?/);
            assert.match(r.stdout, /one or more targets could not be found in the stack/);
        } finally {
            p.cleanup();
        }
    });

    it("refuses an unknown command or a config flag without KEY=VALUE, saying what it got", () => {
        assert.throws(() => parseArgs(["deploy"]), /unknown command "deploy"/);
        assert.throws(() => parseArgs(["up", "--config", "novalue"]), /--config expects KEY=VALUE, received "novalue"/);
        assert.throws(() => parseArgs([]), /missing command/);
    });

    it("runs as a process and prints one JSON document with --json; the exit code tells failure", () => {
        const p = new Scratch();
        try {
            const env = { ...process.env, RECORDS_DIR: p.recordsDir };
            const resources = JSON.stringify([{ name: "a" }]);
            const up = spawnSync(process.execPath, [BIN, "up", "--cwd", p.dir, "--config", `resources=${resources}`,
                "--secret-config", "password=pw-123", "--json"], { env, encoding: "utf8" });
            assert.strictEqual(up.status, 0, up.stderr + up.stdout);
            const doc = JSON.parse(up.stdout);
            assert.strictEqual(doc.ok, true);
            assert.deepStrictEqual(doc.summary, { create: 2 });
            assert.deepStrictEqual(doc.steps.map((s: any) => s.op), ["create", "create"]);
            assert.strictEqual(doc.outputs.password, "[secret]");
            assert.ok(!up.stdout.includes("pw-123"));

            const bad = spawnSync(process.execPath, [BIN, "up", "--cwd", p.dir, "--config",
                `resources=${JSON.stringify([{ name: "a", value: "invalid" }])}`], { env, encoding: "utf8" });
            assert.strictEqual(bad.status, 1);
            assert.match(bad.stdout, /property value value \{invalid\} has a problem: must not be "invalid"/);
        } finally {
            p.cleanup();
        }
    });

    it("runs a TypeScript program (transpile-only)", async () => {
        const p = new Scratch("ts-records");
        try {
            const r = await p.run("up", [], { env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }, config: { value: "typed-1" } });
            assert.ok(r.ok, r.error + "\n" + r.diagnostics.join("\n"));
            assert.deepStrictEqual(ops(r), ["create typed"]);
            assert.strictEqual(r.outputs.value, "typed-1");
        } finally {
            p.cleanup();
        }
    });

    it("a crash in the middle of an up keeps every completed step in a valid state file", async () => {
        const p = new Scratch();
        try {
            const resources = JSON.stringify([{ name: "a" }, { name: "b", dependsOn: ["a"], props: { hang: true } }]);
            const child = spawn(process.execPath, [BIN, "up", "--cwd", p.dir, "--config", `resources=${resources}`], {
                env: { ...process.env, RECORDS_DIR: p.recordsDir }, detached: true, stdio: "ignore",
            });
            const marker = path.join(p.recordsDir, "hanging");
            const deadline = Date.now() + 40_000;
            while (!fs.existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
            assert.ok(fs.existsSync(marker), "the provider never reached the hanging create");
            process.kill(-child.pid!, "SIGKILL"); // the engine, the program and the plugin, all at once
            await new Promise((r) => child.once("exit", r));
            const state = readState(p.dir)!;
            assert.deepStrictEqual(state.resources.filter((r) => r.custom).map((r) => [r.name, r.id]), [["a", "rec-a"]]);
            const leftovers = fs.readdirSync(path.dirname(stateFilePath(p.dir, "dev"))).filter((f) => f.endsWith(".tmp"));
            assert.deepStrictEqual(leftovers, []);
        } finally {
            p.cleanup();
        }
    });
});

describe("pulumi-local state file", () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-local-state-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("replaces the file by rename: a reader never sees a partial document, no temp file is left", () => {
        const state = emptyState("p", "dev");
        for (let i = 0; i < 50; i++) {
            state.outputs = { n: i, blob: "x".repeat(10_000 * (i % 5)) };
            writeStateAtomic(dir, state);
            assert.strictEqual(readState(dir, "dev")!.outputs.n, i);
        }
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, ".pulumi-local")), ["dev.json"]);
    });

    it("stores secrets marked and encoded, and reads them back wrapped", () => {
        const state = emptyState("p", "dev");
        state.outputs = { token: makeSecret("tok-secret-value"), nested: { list: [makeSecret({ deep: 1 })] } };
        writeStateAtomic(dir, state);
        const text = fs.readFileSync(stateFilePath(dir, "dev"), "utf8");
        assert.ok(!text.includes("tok-secret-value"));
        assert.match(text, /"ciphertext"/);
        assert.deepStrictEqual(readState(dir, "dev")!.outputs, state.outputs);
    });
});
