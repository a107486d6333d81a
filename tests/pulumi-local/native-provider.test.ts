// pulumi-local driving a real resource provider plugin (not the dynamic provider): the fixture plugin of
// programs/native-fixture-plugin (PulumiPlugin.yaml `runtime: nodejs`), named by the project's Pulumi.yaml
// `plugins: providers:`, and the TypeScript program of programs/native-program. The plugin records every RPC
// it receives, so these tests assert the engine's call order and arguments.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NativeProviderPlugin, readState, run, RunResult, SIG_KEY, UNKNOWN } from "../../tools/pulumi-local";

const PROGRAMS = path.join(__dirname, "programs");
const PLUGIN_DIR = path.join(PROGRAMS, "native-fixture-plugin");

interface Rpc { pid: number; method: string; request: any }

interface Spec {
    providers?: { name: string; args?: Record<string, unknown> }[];
    things?: { name: string; args?: Record<string, unknown>; provider?: string; secret?: string[]; fromOut?: Record<string, string>; opts?: Record<string, unknown> }[];
}

class NativeScratch {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-local-native-"));
    readonly rpcLog = path.join(this.dir, "rpc.log");
    readonly cloudDir = path.join(this.dir, "cloud");

    constructor() {
        fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), [
            "name: native", "runtime: nodejs", `main: ${path.join(PROGRAMS, "native-program", "index.ts")}`,
            "plugins:", "  providers:", "    - name: fixture", `      path: ${path.relative(this.dir, PLUGIN_DIR)}`, "",
        ].join("\n"));
    }

    run(command: "preview" | "up" | "refresh" | "destroy", spec: Spec, extra: {
        config?: Record<string, string>; secretConfig?: Record<string, string>; env?: NodeJS.ProcessEnv; skipPreview?: boolean;
    } = {}): Promise<RunResult> {
        return run({
            command, cwd: this.dir,
            config: { spec: JSON.stringify(spec), "fixture:region": "eu", ...(extra.config ?? {}) },
            secretConfig: extra.secretConfig,
            // The runner type-checks a TypeScript program unless told not to (cmd/run: PULUMI_NODEJS_TRANSPILE_ONLY).
            env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", FIXTURE_RPC_LOG: this.rpcLog, FIXTURE_CLOUD: this.cloudDir, ...(extra.env ?? {}) },
            skipPreview: extra.skipPreview ?? true,
        });
    }

    /** The RPCs the plugin processes received so far, and forgets them. */
    takeRpcs(): Rpc[] {
        if (!fs.existsSync(this.rpcLog)) return [];
        const rpcs = fs.readFileSync(this.rpcLog, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Rpc);
        fs.unlinkSync(this.rpcLog);
        return rpcs;
    }

    /** The fixture's "cloud": id -> {inputs, outputs}, one file each. */
    cloud(): Record<string, { inputs: any; outputs: any }> {
        if (!fs.existsSync(this.cloudDir)) return {};
        return Object.fromEntries(fs.readdirSync(this.cloudDir).map((f) =>
            [decodeURIComponent(f.replace(/\.json$/, "")), JSON.parse(fs.readFileSync(path.join(this.cloudDir, f), "utf8"))]));
    }

    putCloud(id: string, entry: { inputs: any; outputs: any }): void {
        fs.mkdirSync(this.cloudDir, { recursive: true });
        fs.writeFileSync(path.join(this.cloudDir, `${encodeURIComponent(id)}.json`), JSON.stringify(entry));
    }

    urn(type: string, name: string): string {
        return `urn:pulumi:dev::native::${type}::${name}`;
    }

    cleanup(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

const ok = (r: RunResult) => assert.ok(r.ok, `${r.error}\n${r.diagnostics.slice(-10).join("\n")}\n${r.pluginDebug.join("\n")}`);
const SECRET = (value: unknown) => ({ [SIG_KEY]: "1b47061264138c4ac30d75fd1eb44270", value });
const THING = "fixture:index:Thing";
const PROVIDER = "pulumi:providers:fixture";
/** "<pid>" -> the methods that process received, in order. */
function byProcess(rpcs: Rpc[]): string[][] {
    const pids = [...new Set(rpcs.map((r) => r.pid))];
    return pids.map((pid) => rpcs.filter((r) => r.pid === pid).map((r) => r.method === "Check" || r.method === "Create" ||
        r.method === "Diff" || r.method === "Update" || r.method === "Delete" || r.method === "Read"
        ? `${r.method} ${String(r.request.urn).split("::").pop()}` : r.method));
}
const steps = (r: RunResult) => r.steps.filter((s) => s.type !== "pulumi:pulumi:Stack").map((s) => `${s.op} ${s.name}`);

describe("pulumi-local: a native provider plugin", function () {
    this.timeout(60000);

    it("previews: default provider from stack config, seeds, unknowns, and a provider whose inputs are unknown", async () => {
        const s = new NativeScratch();
        try {
            const r = await s.run("preview", {
                providers: [{ name: "late", args: { region: { fromOut: "a" } } }],
                things: [
                    { name: "a", args: { value: "v1" } },
                    { name: "b", fromOut: { value: "a" } },
                    { name: "c", args: { value: "v3" }, provider: "late" },
                ],
            }, { secretConfig: { "fixture:token": "s3cret" } });
            ok(r);
            assert.deepStrictEqual(steps(r).sort(), ["create a", "create b", "create c", "create default", "create late"]);
            const rpcs = s.takeRpcs();
            // One process per provider instance (host.go Provider): the default provider's and `late`'s.
            const procs = byProcess(rpcs);
            assert.strictEqual(procs.length, 2, JSON.stringify(procs));
            const def = procs.find((p) => p.includes("Configure"))!;
            const late = procs.find((p) => !p.includes("Configure"))!;
            // Handshake (UNIMPLEMENTED), GetPluginInfo, CheckConfig, Configure; no GetSchema; Check only in a
            // preview of a provider without supportsPreview; Cancel before the process is closed.
            assert.deepStrictEqual(def.filter((m) => !m.startsWith("Check ")),
                ["Handshake", "GetPluginInfo", "CheckConfig", "Configure", "Cancel"]);
            assert.deepStrictEqual(def.filter((m) => m.startsWith("Check ")).sort(), ["Check a", "Check b"]);
            // `late`'s region is unknown: CheckConfig sees the sentinel, Configure is never sent, and its
            // resource's Check is answered without an RPC (provider_plugin.go: cfgknown false).
            assert.deepStrictEqual(late, ["Handshake", "GetPluginInfo", "CheckConfig", "Cancel"]);
            const lateCheck = rpcs.find((x) => x.method === "CheckConfig" && x.request.urn === s.urn(PROVIDER, "late"))!;
            assert.deepStrictEqual(lateCheck.request.news, { region: UNKNOWN });

            const configure = rpcs.find((x) => x.method === "Configure")!.request;
            assert.strictEqual(configure.urn, s.urn(PROVIDER, "default"));
            assert.strictEqual(configure.type, PROVIDER);
            assert.strictEqual(configure.name, "default");
            assert.strictEqual(configure.id, UNKNOWN, "a provider created in a preview has the unknown id");
            assert.deepStrictEqual(configure.args, { region: "eu", token: SECRET("s3cret") });
            assert.deepStrictEqual(configure.variablesMap, { "fixture:config:region": "eu", "fixture:config:token": "s3cret" });
            assert.strictEqual(configure.acceptsecrets, true);
            assert.strictEqual(configure.acceptresources, true);
            assert.strictEqual(configure.sendsOldInputs, true);
            assert.strictEqual(configure.sendsOldInputsToDelete, true);

            const checkA = rpcs.find((x) => x.method === "Check" && x.request.name === "a")!.request;
            assert.strictEqual(checkA.urn, s.urn(THING, "a"));
            assert.strictEqual(checkA.type, THING);
            assert.deepStrictEqual(checkA.olds, {});
            assert.deepStrictEqual(checkA.news, { value: "v1" });
            assert.strictEqual(checkA.randomseed.length, 32);
            const checkB = rpcs.find((x) => x.method === "Check" && x.request.name === "b")!.request;
            assert.deepStrictEqual(checkB.news, { value: UNKNOWN }, "an unknown input reaches Check as the sentinel");
            assert.notStrictEqual(checkB.randomseed.base64, checkA.randomseed.base64);
            assert.ok(!rpcs.some((x) => x.method === "Create"), "no Create in a preview without supportsPreview");
        } finally {
            s.cleanup();
        }
    });

    it("ups, updates with a detailed diff and a provider's delete-before-replace, refreshes and destroys", async () => {
        const s = new NativeScratch();
        try {
            const spec: Spec = {
                providers: [{ name: "us", args: { region: "us" } }],
                things: [
                    { name: "a", args: { value: "v1", token: "t1" }, secret: ["token"] },
                    { name: "b", args: { value: "v2", immutable: "i1", dbr: true }, provider: "us" },
                ],
            };
            let r = await s.run("up", spec);
            ok(r);
            let rpcs = s.takeRpcs();
            assert.deepStrictEqual(byProcess(rpcs).map((p) => p.filter((m) => !m.startsWith("Check ") && !m.startsWith("Create "))),
                [["Handshake", "GetPluginInfo", "CheckConfig", "Configure", "Cancel"], ["Handshake", "GetPluginInfo", "CheckConfig", "Configure", "Cancel"]],
                "two provider instances, two processes");
            const configures = rpcs.filter((x) => x.method === "Configure").map((x) => [x.request.name, x.request.args]);
            assert.deepStrictEqual(configures.sort(), [["default", { region: "eu" }], ["us", { region: "us" }]]);
            const createA = rpcs.find((x) => x.method === "Create" && x.request.name === "a")!.request;
            assert.deepStrictEqual(createA.properties, { value: "v1", token: SECRET("t1") }, "secrets go wrapped to a provider that accepts them");
            assert.strictEqual(createA.preview, false);
            assert.ok(!rpcs.some((x) => x.method === "GetSchema"), "up does not call GetSchema");

            const state = readState(s.dir, "dev")!;
            const names = state.resources.map((x) => x.name);
            assert.ok(names.indexOf("default") < names.indexOf("a"), "the default provider precedes its resource in the state");
            const def = state.resources.find((x) => x.name === "default")!;
            const a = state.resources.find((x) => x.name === "a")!;
            const b = state.resources.find((x) => x.name === "b")!;
            const us = state.resources.find((x) => x.name === "us")!;
            assert.match(def.id!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
            assert.deepStrictEqual(def.inputs, { region: "eu" });
            assert.strictEqual(a.provider, `${def.urn}::${def.id}`);
            assert.strictEqual(b.provider, `${us.urn}::${us.id}`);
            assert.deepStrictEqual(a.outputs.token, SECRET("t1"), "a secret output read back stays secret");
            assert.strictEqual(b.outputs.region, "us");

            // Engine.Log from the plugin: recorded with the URN, the ephemeral one marked; only the other one
            // under the resource in the report's Diagnostics.
            const aLogs = r.logs.filter((m) => m.urn === a.urn).map((m) => [m.message, m.ephemeral]);
            assert.deepStrictEqual(aLogs, [["creating a", true], ["created thing-a", false]]);
            assert.match(r.stdout, /Diagnostics:\n(?:.*\n)*  fixture:index:Thing \(a\):\n    created thing-a\n/);
            assert.ok(!r.stdout.includes("creating a"), r.stdout);
            // Plugin stdout/stderr after the port: debug, kept but not shown.
            assert.ok(r.pluginDebug.includes("[fixture] fixture plugin serving"), r.pluginDebug.join("\n"));
            assert.ok(!r.stdout.includes("fixture plugin serving"));

            // ---- update: a changes `value` (an update); b changes `immutable` (a replace, delete-before-replace).
            spec.things![0].args!.value = "v1b";
            spec.things![1].args!.immutable = "i2";
            r = await s.run("up", spec);
            ok(r);
            rpcs = s.takeRpcs();
            assert.deepStrictEqual(steps(r).filter((x) => !x.startsWith("same")).sort(),
                ["create-replacement b", "delete-replaced b", "replace b", "update a"]);
            assert.deepStrictEqual(steps(r).filter((x) => x.startsWith("same")).sort(), ["same default", "same us"]);
            const defProc = byProcess(rpcs).find((p) => p.includes("Update a"))!;
            // An existing provider: CheckConfig, DiffConfig (UNIMPLEMENTED: its old outputs equal its news, so
            // same), Configure with its old id.
            assert.deepStrictEqual(defProc.slice(0, 6), ["Handshake", "GetPluginInfo", "CheckConfig", "DiffConfig", "Configure", "Check a"]);
            const reconf = rpcs.find((x) => x.method === "Configure" && x.request.name === "default")!.request;
            assert.strictEqual(reconf.id, def.id);
            const checkA = rpcs.find((x) => x.method === "Check" && x.request.name === "a")!.request;
            assert.deepStrictEqual(checkA.olds, { value: "v1", token: SECRET("t1") });
            assert.strictEqual(checkA.randomseed.length, 32, "an existing resource gets a seed too");
            const diffA = rpcs.find((x) => x.method === "Diff" && x.request.name === "a")!.request;
            assert.strictEqual(diffA.id, "thing-a");
            assert.deepStrictEqual(diffA.oldInputs, { value: "v1", token: SECRET("t1") });
            assert.deepStrictEqual(diffA.news, { value: "v1b", token: SECRET("t1") });
            const stepA = r.steps.find((x) => x.name === "a" && x.op === "update")!;
            assert.deepStrictEqual(stepA.diffs, ["value"]);
            assert.deepStrictEqual(stepA.detailedDiff, { value: { kind: "update", inputDiff: true } });
            const stepB = r.steps.find((x) => x.name === "b" && x.op === "replace")!;
            assert.deepStrictEqual(stepB.replaces, ["immutable"]);
            assert.deepStrictEqual(stepB.detailedDiff, { immutable: { kind: "update-replace", inputDiff: true } });
            const usProc = byProcess(rpcs).find((p) => p.includes("Diff b"))!;
            assert.deepStrictEqual(usProc.filter((m) => / b$/.test(m)), ["Check b", "Diff b", "Check b", "Delete b", "Create b"],
                "the provider's deleteBeforeReplace: the old b goes first");

            // ---- refresh: the provider of the state is loaded (no CheckConfig) and Read gets the inputs.
            const drifted = s.cloud()["thing-a"];
            drifted.outputs.out = "drifted";
            s.putCloud("thing-a", drifted);
            r = await s.run("refresh", spec);
            ok(r);
            rpcs = s.takeRpcs();
            const procs = byProcess(rpcs);
            assert.strictEqual(procs.length, 2);
            for (const p of procs) assert.deepStrictEqual(p.slice(0, 3), ["Handshake", "GetPluginInfo", "Configure"]);
            const readA = rpcs.find((x) => x.method === "Read" && x.request.name === "a")!.request;
            assert.strictEqual(readA.id, "thing-a");
            assert.deepStrictEqual(readA.inputs, { value: "v1b", token: SECRET("t1") });
            assert.deepStrictEqual(r.steps.find((x) => x.name === "a")!.diffs, ["out"]);
            assert.strictEqual(readState(s.dir, "dev")!.resources.find((x) => x.name === "a")!.outputs.out, "drifted");

            // ---- destroy: resources deleted with their recorded provider; the providers' deletes call nothing.
            r = await s.run("destroy", spec);
            ok(r);
            rpcs = s.takeRpcs();
            assert.deepStrictEqual(rpcs.filter((x) => x.method === "Delete").map((x) => x.request.name).sort(), ["a", "b"]);
            const delA = rpcs.find((x) => x.method === "Delete" && x.request.name === "a")!.request;
            assert.deepStrictEqual(delA.oldInputs, { value: "v1b", token: SECRET("t1") });
            assert.deepStrictEqual(steps(r).sort(), ["delete a", "delete b", "delete default", "delete us"]);
            assert.deepStrictEqual(readState(s.dir, "dev")!.resources, []);
            assert.deepStrictEqual(s.cloud(), {});
        } finally {
            s.cleanup();
        }
    });

    it("keeps a partly created resource with its init errors (ErrorResourceInitFailed)", async () => {
        const s = new NativeScratch();
        try {
            const r = await s.run("up", { things: [{ name: "p", args: { value: "v", failCreate: true, warn: true } }] });
            assert.strictEqual(r.ok, false);
            const step = r.steps.find((x) => x.name === "p")!;
            assert.match(step.error!, /creating failed: p did not initialize \(the resource thing-p was created and is kept in state\)/);
            const p = readState(s.dir, "dev")!.resources.find((x) => x.name === "p")!;
            assert.strictEqual(p.id, "thing-p");
            assert.deepStrictEqual(p.initErrors, ["p did not initialize"]);
            assert.strictEqual(p.outputs.out, "made-v");
            // A warning logged with the URN shows under the resource, with its severity.
            assert.match(r.stdout, /  fixture:index:Thing \(p\):\n(?:    .*\n)*    warning: careful with p\n/);
        } finally {
            s.cleanup();
        }
    });

    it("imports: Read with the id, Check with the read inputs as olds, Diff; a missing id fails", async () => {
        const s = new NativeScratch();
        try {
            s.putCloud("ext-1", { inputs: { value: "v1" }, outputs: { value: "v1", out: "made-v1" } });
            let r = await s.run("up", { things: [{ name: "i", args: { value: "v1" }, opts: { import: "ext-1" } }] });
            ok(r);
            const rpcs = s.takeRpcs().filter((x) => / i$/.test(`${x.method} ${x.request.name}`));
            assert.deepStrictEqual(rpcs.map((x) => x.method), ["Read", "Check", "Diff"]);
            assert.strictEqual(rpcs[0].request.id, "ext-1");
            assert.deepStrictEqual(rpcs[0].request.properties, {});
            assert.deepStrictEqual(rpcs[1].request.olds, { value: "v1" });
            assert.deepStrictEqual(rpcs[1].request.news, { value: "v1" });
            assert.strictEqual(rpcs[1].request.randomseed.length, 32);
            assert.deepStrictEqual(steps(r), ["create default", "import i"]);
            const i = readState(s.dir, "dev")!.resources.find((x) => x.name === "i")!;
            assert.strictEqual(i.id, "ext-1");
            assert.strictEqual(i.importId, "ext-1");
            assert.deepStrictEqual(i.outputs, { value: "v1", out: "made-v1" });

            r = await s.run("preview", { things: [{ name: "j", args: { value: "v1" }, opts: { import: "nope" } }] });
            assert.strictEqual(r.ok, false);
            assert.match(r.steps.find((x) => x.name === "j")!.error!, /^resource 'nope' does not exist$/);
        } finally {
            s.cleanup();
        }
    });

    it("with a Handshake, previews through Create with preview true (supportsPreview)", async () => {
        const s = new NativeScratch();
        try {
            const r = await s.run("preview", { things: [{ name: "a", args: { value: "v1" } }] }, { env: { FIXTURE_HANDSHAKE: "1" } });
            ok(r);
            const rpcs = s.takeRpcs();
            assert.deepStrictEqual(byProcess(rpcs), [["Handshake", "GetPluginInfo", "CheckConfig", "Configure", "Check a", "Create a", "Cancel"]]);
            const handshake = rpcs[0].request;
            assert.strictEqual(handshake.engineAddress.startsWith("127.0.0.1:"), true);
            assert.strictEqual(handshake.rootDirectory, PLUGIN_DIR);
            assert.strictEqual(handshake.configureWithUrn, true);
            assert.strictEqual(rpcs.find((x) => x.method === "Create")!.request.preview, true);
            // The preview's outputs are the provider's: the program's stack output shows them.
            assert.deepStrictEqual(r.outputs, { outs: { a: "made-v1" } });
        } finally {
            s.cleanup();
        }
    });

    it("replaces an explicit provider on its DiffConfig; default_<version>; replaceOnChanges on the detailed diff", async () => {
        const s = new NativeScratch();
        const env = { FIXTURE_CHECKCONFIG: "1" };
        try {
            const spec: Spec = {
                providers: [{ name: "p", args: { region: "us" } }],
                things: [
                    { name: "x", args: { value: "v1" }, provider: "p", opts: { replaceOnChanges: ["value"] } },
                    { name: "v", args: { value: "w1" }, opts: { version: "2.0.1" } },
                ],
            };
            let r = await s.run("up", spec, { env });
            ok(r);
            let rpcs = s.takeRpcs();
            // default_providers.go: a registration's version names the default provider and is its `version` input.
            const dv = readState(s.dir, "dev")!.resources.find((x) => x.type === PROVIDER && x.name.startsWith("default"))!;
            assert.strictEqual(dv.name, "default_2_0_1");
            assert.deepStrictEqual(dv.inputs, { region: "eu", version: "2.0.1" });
            const conf = rpcs.find((x) => x.method === "Configure" && x.request.name === "default_2_0_1")!.request;
            assert.deepStrictEqual(conf.variablesMap, { "fixture:config:region": "eu" }, "`version` is no config variable");
            const oldP = readState(s.dir, "dev")!.resources.find((x) => x.name === "p")!;

            spec.providers![0].args!.region = "ap";
            spec.things![0].args!.value = "v2";
            r = await s.run("up", spec, { env });
            ok(r);
            rpcs = s.takeRpcs();
            const pSteps = r.steps.filter((x) => x.name === "p").map((x) => x.op);
            assert.deepStrictEqual(pSteps, ["replace", "delete-replaced"]);
            assert.deepStrictEqual(r.steps.find((x) => x.name === "p" && x.op === "replace")!.replaces, ["region"]);
            // registry.go: the instance that answered DiffConfig is closed; a new one checks with no olds and is configured.
            const pProcs = byProcess(rpcs.filter((x) => x.request.urn === s.urn(PROVIDER, "p") || x.method === "Cancel" ||
                x.method === "Handshake" || x.method === "GetPluginInfo")).filter((p) => p.includes("CheckConfig"));
            assert.deepStrictEqual(pProcs, [
                ["Handshake", "GetPluginInfo", "CheckConfig", "DiffConfig", "Cancel"],
                ["Handshake", "GetPluginInfo", "CheckConfig", "Configure", "Cancel"],
            ]);
            const checks = rpcs.filter((x) => x.method === "CheckConfig" && x.request.name === "p").map((x) => x.request.olds);
            assert.deepStrictEqual(checks, [{ region: "us" }, {}]);
            const newP = readState(s.dir, "dev")!.resources.find((x) => x.name === "p")!;
            assert.notStrictEqual(newP.id, oldP.id);
            assert.deepStrictEqual(newP.inputs, { region: "ap" });
            // x changed `value`, which replaceOnChanges covers: its detailed-diff entry turns into a replace.
            const x = r.steps.find((st) => st.name === "x" && st.op === "replace")!;
            assert.deepStrictEqual(x.replaces, ["value"]);
            assert.deepStrictEqual(x.detailedDiff, { value: { kind: "update-replace", inputDiff: true } });
            const xs = readState(s.dir, "dev")!.resources.find((st) => st.name === "x")!;
            assert.strictEqual(xs.provider, `${newP.urn}::${newP.id}`);
            assert.strictEqual(xs.outputs.region, "ap");
            // The replaced x is deleted with the provider it was made with: the old p, loaded from the state
            // (Configure with its recorded inputs and id, no CheckConfig) after the new one replaced it.
            const delX = rpcs.find((st) => st.method === "Delete" && st.request.name === "x")!;
            const oldConf = rpcs.find((st) => st.pid === delX.pid && st.method === "Configure")!.request;
            assert.deepStrictEqual([oldConf.id, oldConf.args], [oldP.id, { region: "us" }]);
            assert.ok(!rpcs.some((st) => st.pid === delX.pid && st.method === "CheckConfig"));
        } finally {
            s.cleanup();
        }
    });

    it("GetSchema can be called directly (not part of up)", async () => {
        const plugin = await NativeProviderPlugin.start({
            plugin: { name: "fixture", dir: PLUGIN_DIR }, engineAddress: "127.0.0.1:1", pwd: PLUGIN_DIR, env: process.env,
        });
        try {
            assert.strictEqual(plugin.version, "1.2.3");
            assert.deepStrictEqual(JSON.parse(await plugin.getSchema()), { name: "fixture", version: "1.2.3" });
        } finally {
            await plugin.stop();
        }
    });
});
