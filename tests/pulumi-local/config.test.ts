// Config as the Pulumi CLI has it: Pulumi.yaml's `config:` block (defaults, required keys, types),
// `pulumi-local config set/get/rm` and the listing through the CLI's main(), passphrase-encrypted
// `secure:` values read back by the engine, and --help.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../tools/pulumi-local/cli";
import { crypterFromState, INCORRECT_PASSPHRASE, PASSPHRASE_MISSING } from "../../tools/pulumi-local/config";
import { yaml } from "../../tools/pulumi-local/pulumi-modules";
import { SECRET_SIG } from "../../tools/pulumi-local";
import { Scratch } from "./helpers";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Runs the CLI's main() in this process with PULUMI_CONFIG_PASSPHRASE as given (unset if undefined). */
async function cli(argv: string[], passphrase?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const saved = { phrase: process.env.PULUMI_CONFIG_PASSPHRASE, file: process.env.PULUMI_CONFIG_PASSPHRASE_FILE };
    const out = { stdout: "", stderr: "" };
    const realOut = process.stdout.write.bind(process.stdout);
    const realErr = process.stderr.write.bind(process.stderr);
    (process.stdout as any).write = (s: string | Uint8Array) => { out.stdout += String(s); return true; };
    (process.stderr as any).write = (s: string | Uint8Array) => { out.stderr += String(s); return true; };
    delete process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
    if (passphrase === undefined) delete process.env.PULUMI_CONFIG_PASSPHRASE;
    else process.env.PULUMI_CONFIG_PASSPHRASE = passphrase;
    try {
        const code = await main(argv);
        return { code, ...out };
    } finally {
        (process.stdout as any).write = realOut;
        (process.stderr as any).write = realErr;
        for (const [k, v] of [["PULUMI_CONFIG_PASSPHRASE", saved.phrase], ["PULUMI_CONFIG_PASSPHRASE_FILE", saved.file]] as const) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    }
}

describe("pulumi-local config", function () {
    this.timeout(60_000);
    let p: Scratch;
    let savedPhrase: string | undefined;
    beforeEach(() => {
        p = new Scratch();
        // The engine reads the passphrase from process.env merged with the run's env: start without one.
        savedPhrase = process.env.PULUMI_CONFIG_PASSPHRASE;
        delete process.env.PULUMI_CONFIG_PASSPHRASE;
    });
    afterEach(() => {
        p.cleanup();
        if (savedPhrase !== undefined) process.env.PULUMI_CONFIG_PASSPHRASE = savedPhrase;
    });

    const stackFile = () => path.join(p.dir, "Pulumi.dev.yaml");
    const projectConfig = (block: string) => fs.appendFileSync(path.join(p.dir, "Pulumi.yaml"), `config:\n${block}`);
    const set = (args: string[], passphrase?: string) => cli(["config", "set", "--cwd", p.dir, ...args], passphrase);

    it("Pulumi.yaml defaults (short and long form) fill missing keys; a stack value wins over a default", async () => {
        projectConfig("  plain: from-default\n  other:k:\n    value: other-value\n  port:\n    type: integer\n    default: 8080\n");
        const r = await p.run("up");
        assert.ok(r.ok, r.error);
        assert.strictEqual(r.outputs.plain, "from-default");
        assert.strictEqual(r.outputs.other, "other-value");

        assert.strictEqual((await set(["plain", "from-stack"])).code, 0);
        const again = await p.run("up");
        assert.ok(again.ok, again.error);
        assert.strictEqual(again.outputs.plain, "from-stack");
        // The listing shows project values too, the project's keys without their namespace.
        const list = await cli(["config", "--cwd", p.dir]);
        assert.strictEqual(list.code, 0, list.stderr);
        assert.strictEqual(list.stdout, "KEY      VALUE\nother:k  other-value\nplain    from-stack\nport     8080\n");
        assert.strictEqual((await cli(["config", "get", "--cwd", p.dir, "port"])).stdout, "8080\n");
    });

    it("a required key missing fails before the program runs, with the CLI's message; refresh does not check", async () => {
        projectConfig("  needed:\n    type: string\n  also:\n    description: no default\n  other:free:\n    value: x\n");
        const r = await p.run("up");
        assert.strictEqual(r.ok, false);
        assert.strictEqual(r.error, "validating stack config: Stack 'dev' is missing configuration values 'also' and 'needed'");
        assert.match(r.stdout, /^error: validating stack config: Stack 'dev' is missing configuration values 'also' and 'needed'/);
        assert.deepStrictEqual(p.takeRuns(), [], "the program ran");

        // One missing key: "value", singular. A flag counts as a stack value.
        const one = await p.run("preview", [], { config: { needed: "n" } });
        assert.strictEqual(one.error, "validating stack config: Stack 'dev' is missing configuration value 'also'");
        // refresh and destroy do not run the program, so the CLI applies the project config without checks.
        const refresh = await p.run("refresh");
        assert.ok(refresh.ok, refresh.error);
    });

    it("types and `secret: true` are checked as validateStackConfigValue does; a bad default fails the project", async () => {
        projectConfig("  port:\n    type: integer\n  flag:\n    type: boolean\n    default: false\n  pw:\n    type: string\n    secret: true\n");
        fs.writeFileSync(stackFile(), "config:\n  records:port: eighty\n  records:pw: plain-text\n");
        const bad = await p.run("up");
        assert.strictEqual(bad.error, "validating stack config: Stack 'dev' with configuration key 'port' must be of type 'integer'");
        fs.writeFileSync(stackFile(), "config:\n  records:port: \"8080\"\n  records:pw: plain-text\n");
        const plain = await p.run("up");
        assert.strictEqual(plain.error, "validating stack config: Stack 'dev' with configuration key 'pw' must be encrypted as it's secret");
        assert.strictEqual((await set(["--secret", "pw", "now-secret"], "pp")).code, 0);
        const ok = await p.run("up", [], { env: { PULUMI_CONFIG_PASSPHRASE: "pp" } });
        assert.ok(ok.ok, ok.error);

        fs.appendFileSync(path.join(p.dir, "Pulumi.yaml"), "  size:\n    type: integer\n    default: large\n");
        const project = await p.run("up", [], { env: { PULUMI_CONFIG_PASSPHRASE: "pp" } });
        assert.match(project.error!, /could not unmarshal '.*Pulumi\.yaml': The default value specified for configuration key 'size' is not of the expected type 'integer'$/);
    });

    it("a secure value round-trips: config set --secret encrypts, the program sees the plaintext, state and outputs keep it secret", async () => {
        const setR = await set(["--secret", "password", "hunter2-secret"], "right-phrase");
        assert.strictEqual(setR.code, 0, setR.stderr);
        assert.strictEqual(setR.stdout, "");
        const text = fs.readFileSync(stackFile(), "utf8");
        assert.ok(!text.includes("hunter2-secret"), text);
        const doc = yaml.load(text) as any;
        assert.match(doc.encryptionsalt, /^v1:[A-Za-z0-9+/]{11}=:v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
        assert.match(doc.config["records:password"].secure, /^v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/=]+$/);

        const r = await p.run("up", [{ name: "a", secret: "password" }], { env: { PULUMI_CONFIG_PASSPHRASE: "right-phrase" } });
        assert.ok(r.ok, r.error);
        assert.strictEqual(r.outputs.password, "[secret]");
        assert.ok(!r.stdout.includes("hunter2-secret"));
        const state = p.stateText()!;
        assert.ok(!state.includes("hunter2-secret"), "the secret is in clear in the state file");
        const a = p.state()!.resources.find((x) => x.name === "a")!;
        assert.deepStrictEqual(a.inputs.secretValue, { "4dabf18193072939515e22adb298388d": SECRET_SIG, value: "hunter2-secret" });
        assert.deepStrictEqual(p.state()!.outputs.password, { "4dabf18193072939515e22adb298388d": SECRET_SIG, value: "hunter2-secret" });

        // get decrypts; the listing blinds unless --show-secrets.
        assert.deepStrictEqual(await cli(["config", "get", "password", "--cwd", p.dir], "right-phrase"), { code: 0, stdout: "hunter2-secret\n", stderr: "" });
        const json = await cli(["config", "get", "--json", "--cwd", p.dir, "password"], "right-phrase");
        assert.deepStrictEqual(JSON.parse(json.stdout), { value: "hunter2-secret", secret: true });
        assert.strictEqual((await cli(["config", "--cwd", p.dir])).stdout, "KEY       VALUE\npassword  [secret]\n");
        assert.match((await cli(["config", "--cwd", p.dir, "--show-secrets"], "right-phrase")).stdout, /password {2}hunter2-secret\n/);

        // A second secret reuses the salt.
        assert.strictEqual((await set(["--secret", "token", "t0k"], "right-phrase")).code, 0);
        assert.strictEqual((yaml.load(fs.readFileSync(stackFile(), "utf8")) as any).encryptionsalt, doc.encryptionsalt);
    });

    it("config set preserves the other keys and their order; the file parses; rm removes one key", async () => {
        fs.writeFileSync(stackFile(),
            "config:\n  records:keep: kept\n  other:k: o\n  plain: short-form\n  records:obj:\n    b: 2\n    a: [1, two]\n");
        assert.strictEqual((await set(["zeta", "z"])).code, 0);
        assert.strictEqual((await set(["--type", "int", "aws:count", "3"])).code, 0);
        assert.strictEqual((await set(["other:config:k", "o2"])).code, 0);
        const doc = yaml.load(fs.readFileSync(stackFile(), "utf8")) as any;
        // Keys already namespaced keep their place; each save appends its new keys sorted, and the first one
        // rewrote `plain` with its namespace among them (yamlutil.Edit over the re-marshalled ProjectStack).
        assert.deepStrictEqual(Object.keys(doc), ["config"]);
        assert.deepStrictEqual(Object.keys(doc.config), ["records:keep", "other:k", "records:obj", "records:plain", "records:zeta", "aws:count"]);
        assert.deepStrictEqual(doc.config, {
            "records:keep": "kept", "other:k": "o2", "records:obj": { b: 2, a: [1, "two"] },
            "aws:count": 3, "records:plain": "short-form", "records:zeta": "z",
        });
        const r = await p.run("up");
        assert.ok(r.ok, r.error);
        assert.strictEqual(r.outputs.plain, "short-form");
        assert.strictEqual(r.outputs.other, "o2");
        assert.strictEqual((await cli(["config", "get", "obj", "--cwd", p.dir])).stdout, '{"a":[1,"two"],"b":2}\n');

        assert.strictEqual((await cli(["config", "rm", "--cwd", p.dir, "other:k"])).code, 0);
        assert.deepStrictEqual(Object.keys((yaml.load(fs.readFileSync(stackFile(), "utf8")) as any).config),
            ["records:keep", "records:obj", "records:plain", "records:zeta", "aws:count"]);
        const missing = await cli(["config", "get", "--cwd", p.dir, "other:k"]);
        assert.deepStrictEqual(missing, { code: 1, stdout: "", stderr: "error: configuration key 'other:k' not found for stack 'dev'\n" });
        const badKey = await set(["a:b:c", "v"]);
        assert.strictEqual(badKey.code, 1);
        assert.match(badKey.stderr, /^error: invalid configuration key: could not parse a:b:c as a configuration key/);
    });

    it("a wrong or missing passphrase fails with the CLI's messages", async () => {
        assert.strictEqual((await set(["--secret", "password", "hunter2-secret"], "right-phrase")).code, 0);
        const wrong = await p.run("up", [], { env: { PULUMI_CONFIG_PASSPHRASE: "wrong-phrase" } });
        assert.strictEqual(wrong.ok, false);
        assert.strictEqual(wrong.error, `getting stack configuration: get stack secrets manager: ${INCORRECT_PASSPHRASE}`);
        assert.deepStrictEqual(p.takeRuns(), []);
        const none = await p.run("preview");
        assert.strictEqual(none.error, `getting stack configuration: get stack secrets manager: ${PASSPHRASE_MISSING}`);

        assert.deepStrictEqual(await cli(["config", "get", "--cwd", p.dir, "password"], "wrong-phrase"),
            { code: 1, stdout: "", stderr: "error: incorrect passphrase\n" });
        assert.deepStrictEqual(await set(["--secret", "other", "x"], "wrong-phrase"), { code: 1, stdout: "", stderr: "error: incorrect passphrase\n" });
        assert.deepStrictEqual(await set(["--secret", "other", "x"]), { code: 1, stdout: "", stderr: `error: ${PASSPHRASE_MISSING}\n` });
        // PULUMI_CONFIG_PASSPHRASE_FILE, trimmed, when PULUMI_CONFIG_PASSPHRASE is unset.
        const phraseFile = path.join(p.dir, "phrase.txt");
        fs.writeFileSync(phraseFile, "right-phrase\n");
        const viaFile = await p.run("up", [], { env: { PULUMI_CONFIG_PASSPHRASE_FILE: phraseFile } });
        assert.ok(viaFile.ok, viaFile.error);
    });

    it("decrypts what the real CLI wrote (pulumi/pulumi tests/roundtrip/roundtrip_test.go TestConfigRoundtripComments)", () => {
        const crypter = crypterFromState("TestConfigRoundtripComments", "v1:ThS5UPxP9qc=:v1:UZYAXF+ylaJ0rGhv:9OTvBnOEDFgxs7btjzSu+LZ470vLpg==");
        assert.strictEqual(crypter.decrypt("v1:T1ftqhY0hqr+EJK6:+jvd5PMecFx80tcavzuZY4tLatgIfoe/xR72GA=="), "secret-value");
        assert.throws(() => crypterFromState("other", "v1:ThS5UPxP9qc=:v1:UZYAXF+ylaJ0rGhv:9OTvBnOEDFgxs7btjzSu+LZ470vLpg=="), /^Error: incorrect passphrase$/);
    });

    it("--help and -h print the usage on stdout with exit code 0; a usage error goes to stderr with 2", async () => {
        const top = await cli(["--help"]);
        assert.strictEqual(top.code, 0);
        assert.strictEqual(top.stderr, "");
        assert.match(top.stdout, /usage: pulumi-local <preview\|up\|refresh\|destroy>/);
        assert.match(top.stdout, /pulumi-local config set \[--secret/);
        const up = await cli(["up", "-h"]);
        assert.deepStrictEqual([up.code, up.stderr], [0, ""]);
        assert.match(up.stdout, /^usage: pulumi-local up \[--cwd DIR\]/);
        const cfg = await cli(["config", "set", "--help"]);
        assert.deepStrictEqual([cfg.code, cfg.stderr], [0, ""]);
        assert.match(cfg.stdout, /PULUMI_CONFIG_PASSPHRASE/);

        const bad = await cli(["deploy"]);
        assert.deepStrictEqual([bad.code, bad.stdout], [2, ""]);
        assert.match(bad.stderr, /^unknown command "deploy"\nusage: /);
        const badConfig = await cli(["config", "set", "--cwd", p.dir, "only-key"]);
        assert.deepStrictEqual([badConfig.code, badConfig.stdout], [2, ""]);
        assert.match(badConfig.stderr, /^config value must be specified in non-interactive mode\nusage: /);
    });
});
