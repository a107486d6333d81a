// A resource provider plugin other than the dynamic provider: a folder with a `PulumiPlugin.yaml` of
// `runtime: nodejs` named by the project's Pulumi.yaml, started and driven as the engine does it. One process
// per provider instance (pkg/host/host.go defaultHost.Provider starts a new plugin for each load; the
// registry, pkg/resource/deploy/providers/registry.go, loads one per provider resource).
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CheckResult, DiffResult, initFailureOf, interruptThenKill, ProviderError, readPluginPort, ResourcePlugin, WATCHDOG } from "./plugin";
import { emptyproto, grpc, provproto, provrpc, structproto, yaml } from "./pulumi-modules";
import { containsUnknown, markSecret, PropertyMap, secretKeys, SECRET_SIG, SIG_KEY, unwrapSecrets } from "./values";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A plugin folder of the project (workspace/project.go PluginOptions: name, version, path). */
export interface ProjectPlugin {
    name: string;
    version?: string;
    /** Absolute path of the folder (relative paths are taken from the project folder, as host.go resolvePluginPath). */
    dir: string;
}

/**
 * The project's resource plugins found in folders: Pulumi.yaml `plugins: providers: [{name, path, version}]`
 * (workspace/project.go Plugins, ProjectPlugins) and `packages: {<name>: <local path>}` (host.go
 * collectPluginsFromPackages keeps only local folder sources).
 */
export function projectPlugins(projectDir: string): ProjectPlugin[] {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
    if (!file) return [];
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as any;
    const out: ProjectPlugin[] = [];
    for (const p of (doc.plugins?.providers ?? []) as any[]) {
        if (p && typeof p.name === "string" && typeof p.path === "string") {
            out.push({ name: p.name, version: typeof p.version === "string" ? p.version : undefined, dir: path.resolve(projectDir, p.path) });
        }
    }
    for (const [name, source] of Object.entries((doc.packages ?? {}) as Record<string, any>)) {
        const src = typeof source === "string" ? source : source?.source;
        if (typeof src === "string" && (src.startsWith(".") || path.isAbsolute(src)) && !out.some((p) => p.name === name)) {
            out.push({ name, dir: path.resolve(projectDir, src) });
        }
    }
    return out;
}

/** PulumiPlugin.yaml's runtime (workspace/project.go PluginProject; the nodejs options of pulumi-language-nodejs parseOptions). */
function pluginRuntime(dir: string): { name: string; typescript: boolean; nodeargs: string[] } {
    const file = ["PulumiPlugin.yaml", "PulumiPlugin.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!file) throw new Error(`loading PulumiPlugin.yaml: no PulumiPlugin.yaml in ${dir}`);
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as any;
    const name = typeof doc.runtime === "string" ? doc.runtime : doc.runtime?.name;
    if (name !== "nodejs") throw new Error(`${file}: runtime "${name}" is not supported; pulumi-local runs nodejs plugins only`);
    const options = (typeof doc.runtime === "object" ? doc.runtime?.options : undefined) ?? {};
    return {
        name,
        // parseOptions: typescript defaults to true.
        typescript: options.typescript !== false,
        nodeargs: typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [],
    };
}

const toStruct = (v: PropertyMap) => structproto.Struct.fromJavaScript(v);
const fromStruct = (s: any): PropertyMap => s?.toJavaScript() ?? {};

/** A secret as the engine marshals it with KeepSecrets (plugin/rpc.go MarshalPropertyValue). */
const wrapSecret = (v: any) => ({ [SIG_KEY]: SECRET_SIG, value: v });

/** A plugin process started, not yet connected (NativeProviderPlugin.spawn). */
export interface SpawnedPlugin {
    opts: NativeStartOptions;
    child: ChildProcess;
    port: number;
    output: string[];
    listener?: (line: string, stream: "stdout" | "stderr") => void;
}

/** Ends a spawned plugin nothing connected to (no RPC was sent, so no Cancel): SIGINT, 5 s, SIGKILL. */
export async function discardSpawned(sp: SpawnedPlugin): Promise<void> {
    await interruptThenKill(sp.child);
}

export interface LogMessage {
    urn: string;
    severity: "debug" | "info" | "warning" | "error";
    message: string;
    ephemeral: boolean;
    streamId: number;
}

/** The protocol bits a provider negotiated (provider_plugin.go pluginProtocol). */
interface Protocol { acceptSecrets: boolean; acceptResources: boolean; supportsPreview: boolean }

export interface NativeStartOptions {
    plugin: ProjectPlugin;
    /** The engine's address, passed as the plugin's argument (plugin.go ExecPlugin, buildPluginArguments). */
    engineAddress: string;
    /** The CLI's working directory: the plugin process's cwd (pulumi-language-nodejs RunPlugin: cmd.Dir = req.Pwd). */
    pwd: string;
    /** The project's root: the program directory the Handshake names (provider_plugin.go NewProvider). */
    env: NodeJS.ProcessEnv;
    /** Each line the plugin prints after its port (plugin.go runtrace: Debug for a non-dynamic resource plugin). */
    onOutput?: (line: string, stream: "stdout" | "stderr") => void;
}

/** The ResourceProvider client of one plugin process, with the engine's marshalling rules. */
export class NativeProviderPlugin implements ResourcePlugin {
    readonly native = true;
    private protocol?: Protocol;
    /** False when Configure was given unknown inputs (provider_plugin.go Configure: the cfgknown bit unset). */
    configKnown = true;
    configured = false;
    private stopped?: Promise<void>;
    version = "";

    private constructor(
        readonly pkg: string,
        private readonly child: ChildProcess,
        private readonly client: any,
        /** What the plugin printed after its port (debug lines: plugin.go runtrace). */
        readonly output: string[],
    ) {}

    /**
     * Starts the plugin as plugin.go ExecPlugin does for a folder with PulumiPlugin.yaml (the language host's
     * RunPlugin: `node <@pulumi/pulumi/cmd/run-plugin located from the plugin dir> <nodeargs> <plugin dir>
     * <engine address>`, PULUMI_NODEJS_TYPESCRIPT=true per the `typescript` option, cwd = the CLI's pwd),
     * reads the port from the first stdout line (newPlugin), connects, then Handshake (UNIMPLEMENTED: fall
     * back to Configure's answer, provider_plugin.go handshake) and GetPluginInfo (host.go Provider).
     */
    static async start(opts: NativeStartOptions): Promise<NativeProviderPlugin> {
        return NativeProviderPlugin.connect(await NativeProviderPlugin.spawn(opts), opts.onOutput);
    }

    /**
     * The process and its port, no RPC yet: what start() does before connecting. The engine may spawn one
     * ahead (while the program loads) and connect it when a provider instance is first needed; its output is
     * held until then. An unused one is ended by discard().
     */
    static async spawn(opts: NativeStartOptions): Promise<SpawnedPlugin> {
        const dir = opts.plugin.dir;
        const runtime = pluginRuntime(dir);
        // locateModule: require.resolve from the plugin's folder.
        let runPlugin: string;
        try {
            runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [dir] });
        } catch {
            throw new Error(`It looks like the Pulumi SDK has not been installed. Have you run npm install in ${dir}?`);
        }
        const env: NodeJS.ProcessEnv = { ...opts.env };
        if (runtime.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
        else delete env.PULUMI_NODEJS_TYPESCRIPT;
        const child = spawn(process.execPath, ["-r", WATCHDOG, runPlugin, ...runtime.nodeargs, dir, opts.engineAddress], {
            cwd: opts.pwd, env, stdio: ["pipe", "pipe", "pipe"],
        });
        const output: string[] = [];
        const spawned: SpawnedPlugin = { opts, child, port: 0, output };
        spawned.port = await readPluginPort(child, (line, stream) => {
            output.push(line);
            spawned.listener?.(line, stream);
        }, {
            strict: true,
            invalidPort: (line) => `${opts.plugin.name} (resource) plugin [${dir}] wrote an invalid port to stdout: ${line}`,
            exitedBefore: (code) => `could not read plugin [${dir}]: exit status ${code}\n${output.join("\n")}`,
        });
        return spawned;
    }

    /** Connects to a spawned plugin: Handshake, then GetPluginInfo. `onOutput` gets its lines, those held so far first. */
    static async connect(sp: SpawnedPlugin, onOutput?: (line: string, stream: "stdout" | "stderr") => void): Promise<NativeProviderPlugin> {
        if (onOutput) {
            for (const line of sp.output) onOutput(line, "stdout");
            sp.listener = onOutput;
        }
        const client = new provrpc.ResourceProviderClient(`127.0.0.1:${sp.port}`, grpc.credentials.createInsecure());
        const plugin = new NativeProviderPlugin(sp.opts.plugin.name, sp.child, client, sp.output);
        try {
            await plugin.handshake(sp.opts.engineAddress, sp.opts.plugin.dir);
            plugin.version = await plugin.getPluginInfo();
        } catch (e) {
            await plugin.stop();
            throw e;
        }
        return plugin;
    }

    private call(method: string, req: any): Promise<any> {
        return new Promise((resolve, reject) => {
            this.client[method](req, (err: any, resp: any) => {
                if (err) {
                    const e: any = new ProviderError(err.details || err.message, initFailureOf(err));
                    e.code = err.code;
                    reject(e);
                } else resolve(resp);
            });
        });
    }

    private async handshake(engineAddress: string, dir: string): Promise<void> {
        // The stubs of @pulumi/pulumi before 3.143 have no Handshake: this engine then speaks the protocol of
        // that time, Configure first (as the real engine does after UNIMPLEMENTED). Later fields are set
        // only where the stubs have them.
        if (!provproto.ProviderHandshakeRequest || typeof this.client.handshake !== "function") return;
        const req = new provproto.ProviderHandshakeRequest();
        req.setEngineAddress(engineAddress);
        req.setRootDirectory?.(dir);
        req.setProgramDirectory?.(dir);
        req.setConfigureWithUrn?.(true);
        req.setSupportsViews?.(true);
        req.setSupportsRefreshBeforeUpdate?.(true);
        req.setInvokeWithPreview?.(true);
        req.setAcceptsByteString?.(true);
        try {
            const resp = await this.call("handshake", req);
            // provider_plugin.go NewProvider: after a Handshake, supportsPreview is always true.
            this.protocol = { acceptSecrets: resp.getAcceptSecrets(), acceptResources: resp.getAcceptResources(), supportsPreview: true };
        } catch (e: any) {
            if (e.code !== grpc.status.UNIMPLEMENTED) throw e;
        }
    }

    private async getPluginInfo(): Promise<string> {
        const resp = await this.call("getPluginInfo", new emptyproto.Empty());
        return resp.getVersion();
    }

    /** GetSchema (not called by `up`: only `pulumi package` and the schema loader do). */
    async getSchema(version = 0): Promise<string> {
        const req = new provproto.GetSchemaRequest();
        req.setVersion(version);
        return (await this.call("getSchema", req)).getSchema();
    }

    /**
     * provider_plugin.go CheckConfig: UNIMPLEMENTED (or an "Unimplemented" Unknown error) passes the news
     * through. `olds`/`news` as registry.go Check filters them (no `__internal`).
     */
    async checkConfig(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
        const req = new provproto.CheckRequest();
        req.setUrn(urn);
        req.setName(urnName(urn));
        req.setType(urnType(urn));
        req.setOlds(toStruct(olds));
        req.setNews(toStruct(news));
        try {
            const resp = await this.call("checkConfig", req);
            return {
                inputs: resp.getInputs() ? fromStruct(resp.getInputs()) : news,
                failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
            };
        } catch (e: any) {
            if (isUnimplemented(e)) return { inputs: news, failures: [] };
            throw e;
        }
    }

    /**
     * provider_plugin.go DiffConfig (UNIMPLEMENTED: DiffUnknown, no replaces), then registry.go Diff: an unknown
     * answer is "some" unless the old outputs equal the new inputs.
     */
    async diffConfig(urn: string, oldInputs: PropertyMap, oldOutputs: PropertyMap, news: PropertyMap, ignoreChanges: string[]): Promise<DiffResult> {
        const req = new provproto.DiffRequest();
        req.setUrn(urn);
        req.setName(urnName(urn));
        req.setType(urnType(urn));
        req.setOldInputs(toStruct(oldInputs));
        req.setOlds(toStruct(oldOutputs));
        req.setNews(toStruct(news));
        req.setIgnorechangesList(ignoreChanges);
        let diff: DiffResult;
        try {
            diff = decodeDiff(await this.call("diffConfig", req));
        } catch (e: any) {
            if (!isUnimplemented(e)) throw e;
            diff = { changes: "unknown", replaces: [], deleteBeforeReplace: false };
        }
        if (diff.changes === "unknown") diff.changes = JSON.stringify(sortKeys(oldOutputs)) === JSON.stringify(sortKeys(news)) ? "none" : "some";
        return diff;
    }

    /**
     * provider_plugin.go Configure: inputs with an unknown (but `version`) leave the provider unconfigured
     * (no RPC); else `variables` (`<pkg>:config:<key>`, secrets removed, non-strings as JSON) and `args` (secrets
     * kept wrapped), acceptSecrets/acceptResources/sendsOldInputs/sendsOldInputsToDelete true, the provider's
     * urn, name, type and id. Without a Handshake, the answer sets the protocol.
     */
    async configure(urn: string, id: string, inputs: PropertyMap): Promise<void> {
        this.configured = true;
        for (const [k, v] of Object.entries(inputs)) {
            if (k !== "version" && containsUnknown(v)) {
                this.configKnown = false;
                if (!this.protocol) this.protocol = { acceptSecrets: false, acceptResources: false, supportsPreview: false };
                return;
            }
        }
        const req = new provproto.ConfigureRequest();
        const type = urnType(urn);
        const pkg = type.startsWith("pulumi:providers:") ? type.slice("pulumi:providers:".length) : this.pkg;
        for (const [k, v] of Object.entries(inputs)) {
            if (k === "version") continue;
            const plain = unwrapSecrets(v);
            req.getVariablesMap().set(`${pkg}:config:${k}`, typeof plain === "string" ? plain : JSON.stringify(plain));
        }
        req.setArgs(toStruct(inputs));
        // urn, name, type and id: absent from the stubs of @pulumi/pulumi 3.139 (the engine of that time sent none).
        req.setUrn?.(urn);
        req.setName?.(urnName(urn));
        req.setType?.(type);
        req.setId?.(id);
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        req.setSendsOldInputs(true);
        req.setSendsOldInputsToDelete(true);
        const resp = await this.call("configure", req);
        if (!this.protocol) {
            this.protocol = {
                acceptSecrets: resp.getAcceptsecrets(), acceptResources: resp.getAcceptresources(), supportsPreview: resp.getSupportspreview(),
            };
        }
        this.configKnown = true;
    }

    get acceptSecrets(): boolean {
        return this.protocol?.acceptSecrets ?? false;
    }

    /** MarshalProperties with KeepSecrets = protocol.acceptSecrets. */
    private out(v: PropertyMap): any {
        return toStruct(this.acceptSecrets ? v : unwrapSecrets(v));
    }

    /** UnmarshalProperties, then (when the provider does not take secrets) annotateSecrets by name. */
    private back(s: any, ins: PropertyMap): PropertyMap {
        const v = fromStruct(s);
        return this.acceptSecrets ? v : markSecret(v, secretKeys(ins));
    }

    /**
     * provider_plugin.go Check: with the config unknown, the news as they are (no RPC); else urn, name, type,
     * olds, news and the 32-byte random seed (step_generator.go generateSteps: crypto/rand for every
     * registration, a plan's seed aside).
     */
    async check(urn: string, olds: PropertyMap, news: PropertyMap, randomSeed?: Uint8Array): Promise<CheckResult> {
        if (!this.configKnown) return { inputs: news, failures: [] };
        const req = new provproto.CheckRequest();
        req.setUrn(urn);
        req.setName(urnName(urn));
        req.setType(urnType(urn));
        req.setOlds(this.out(olds));
        req.setNews(this.out(news));
        if (randomSeed) req.setRandomseed(randomSeed);
        const resp = await this.call("check", req);
        return {
            inputs: resp.getInputs() ? this.back(resp.getInputs(), news) : {},
            failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
    }

    /** provider_plugin.go Diff: with the config unknown, DiffUnavailable (step_generator.go diff: "some" and a warning). */
    async diff(urn: string, id: string, oldInputs: PropertyMap, oldOutputs: PropertyMap, news: PropertyMap, ignoreChanges: string[]): Promise<DiffResult> {
        if (!this.configKnown) {
            return {
                changes: "some", replaces: [], deleteBeforeReplace: false,
                unavailable: "The provider for this resource has inputs that are not known during preview.\n" +
                    "This preview may not correctly represent the changes that will be applied during an update.",
            };
        }
        const req = new provproto.DiffRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setName(urnName(urn));
        req.setType(urnType(urn));
        req.setOldInputs(this.out(oldInputs));
        req.setOlds(this.out(oldOutputs));
        req.setNews(this.out(news));
        req.setIgnorechangesList(ignoreChanges);
        return decodeDiff(await this.call("diff", req));
    }

    /**
     * provider_plugin.go Create. In preview: with the config unknown, no outputs (the program sees them unknown);
     * with supportsPreview false, the inputs as the state; else the Create RPC with preview true.
     */
    async create(urn: string, props: PropertyMap, preview = false): Promise<{ id: string; outputs: PropertyMap }> {
        if (preview) {
            if (!this.configKnown) return { id: "", outputs: {} };
            if (!this.protocol?.supportsPreview) return { id: "", outputs: props };
        }
        const req = new provproto.CreateRequest();
        req.setUrn(urn);
        req.setName(urnName(urn));
        req.setType(urnType(urn));
        req.setProperties(this.out(props));
        req.setPreview(preview);
        try {
            const resp = await this.call("create", req);
            if (!resp.getId() && !preview) throw new ProviderError(`plugin returned empty resource.ID from create '${urn}'`);
            return { id: resp.getId(), outputs: this.back(resp.getProperties(), props) };
        } catch (e: any) {
            if (e instanceof ProviderError && e.initFailure && !this.acceptSecrets) {
                e.initFailure.properties = markSecret(e.initFailure.properties, secretKeys(props));
            }
            throw e;
        }
    }

    /** provider_plugin.go Read: id, urn, the state and the inputs; an empty id means the resource is gone. */
    async read(urn: string, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<{ id: string; outputs: PropertyMap; inputs?: PropertyMap }> {
        const req = new provproto.ReadRequest();
        req.setUrn(urn);
        req.setName(urnName(urn));
        req.setType(urnType(urn));
        req.setId(id);
        req.setProperties(this.out(outputs));
        req.setInputs(this.out(inputs));
        const resp = await this.call("read", req);
        return {
            id: resp.getId(),
            outputs: this.back(resp.getProperties(), outputs),
            inputs: resp.getInputs() ? this.back(resp.getInputs(), inputs) : undefined,
        };
    }

    /** provider_plugin.go Update; in preview as Create's rules (the new inputs as the state without supportsPreview). */
    async update(urn: string, id: string, oldOutputs: PropertyMap, oldInputs: PropertyMap, news: PropertyMap, ignoreChanges: string[], preview = false): Promise<PropertyMap> {
        if (preview) {
            if (!this.configKnown) return {};
            if (!this.protocol?.supportsPreview) return news;
        }
        const req = new provproto.UpdateRequest();
        req.setUrn(urn);
        req.setName(urnName(urn));
        req.setType(urnType(urn));
        req.setId(id);
        req.setOlds(this.out(oldOutputs));
        req.setOldInputs(this.out(oldInputs));
        req.setNews(this.out(news));
        req.setIgnorechangesList(ignoreChanges);
        req.setPreview(preview);
        const resp = await this.call("update", req);
        return this.back(resp.getProperties(), news);
    }

    async delete(urn: string, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<void> {
        const req = new provproto.DeleteRequest();
        req.setUrn(urn);
        req.setName(urnName(urn));
        req.setType(urnType(urn));
        req.setId(id);
        req.setProperties(this.out(outputs));
        req.setOldInputs(this.out(inputs));
        await this.call("delete", req);
    }

    /**
     * As pkg/host/host.go closes a provider (hostManagedProvider.Close, defaultHost.Close): the Cancel RPC
     * first (provider_plugin.go SignalCancellation; UNIMPLEMENTED is fine), up to 5 s, then the process is
     * ended as the dynamic plugin's (SIGINT, 5 s, SIGKILL).
     */
    stop(): Promise<void> {
        if (!this.stopped) {
            this.stopped = (async () => {
                if (this.child.exitCode === null && this.child.signalCode === null) {
                    await Promise.race([
                        this.call("cancel", new emptyproto.Empty()).catch(() => undefined),
                        new Promise((r) => setTimeout(r, 5000)),
                    ]);
                }
                this.client.close();
                await interruptThenKill(this.child);
            })();
        }
        return this.stopped;
    }

    get pid(): number | undefined {
        return this.child.pid;
    }
}

/** The DiffResponse as provider_plugin.go Diff decodes it (decodeDetailedDiff: only when hasDetailedDiff). */
function decodeDiff(resp: any): DiffResult {
    const C = provproto.DiffResponse.DiffChanges;
    const c = resp.getChanges();
    const K = provproto.PropertyDiff.Kind;
    const kinds: Record<number, string> = {
        [K.ADD]: "add", [K.ADD_REPLACE]: "add-replace", [K.DELETE]: "delete", [K.DELETE_REPLACE]: "delete-replace",
        [K.UPDATE]: "update", [K.UPDATE_REPLACE]: "update-replace",
    };
    let detailedDiff: DiffResult["detailedDiff"];
    if (resp.getHasdetaileddiff()) {
        detailedDiff = {};
        resp.getDetaileddiffMap().forEach((v: any, k: string) => {
            // Unknown kinds are simple updates.
            detailedDiff![k] = { kind: (kinds[v.getKind()] ?? "update") as any, inputDiff: v.getInputdiff() };
        });
    }
    return {
        changes: c === C.DIFF_SOME ? "some" : c === C.DIFF_NONE ? "none" : "unknown",
        replaces: resp.getReplacesList(),
        deleteBeforeReplace: resp.getDeletebeforereplace(),
        changedKeys: resp.getDiffsList(),
        detailedDiff,
    };
}

function isUnimplemented(e: any): boolean {
    // provider_plugin.go isDiffCheckConfigLogicallyUnimplemented: also an Unknown error saying "Unimplemented".
    return e?.code === grpc.status.UNIMPLEMENTED || (e?.code === grpc.status.UNKNOWN && /Unimplemented/.test(e?.message ?? ""));
}

function sortKeys(v: any): any {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => [k, sortKeys(v[k])]));
    return v;
}

export const urnName = (urn: string) => urn.split("::").slice(3).join("::");
export function urnType(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.split("$").pop() ?? qualified;
}

export { wrapSecret };
