// The real dynamic-provider plugin (`@pulumi/pulumi/cmd/dynamic-provider`), one process per deployment,
// driven over gRPC as the engine drives it.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { grpc, provproto, provrpc, resolvePulumiFile, statusproto, structproto } from "./pulumi-modules";
import { PropertyMap, unwrapSecrets } from "./values";

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface InitFailure {
    id: string;
    properties: PropertyMap;
    reasons: string[];
}

/** A failed provider call; `initFailure` is set when the resource was created but did not initialize. */
export class ProviderError extends Error {
    constructor(message: string, readonly initFailure?: InitFailure) {
        super(message);
    }
}

export interface CheckResult { inputs: PropertyMap; failures: { property: string; reason: string }[] }
export type DiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";
export interface DiffResult {
    changes: "none" | "some" | "unknown";
    replaces: string[];
    deleteBeforeReplace: boolean;
    /** DiffResponse.diffs (the engine's ChangedKeys); native providers only. */
    changedKeys?: string[];
    /** DiffResponse.detailedDiff when hasDetailedDiff (provider_plugin.go decodeDetailedDiff); native providers only. */
    detailedDiff?: Record<string, { kind: DiffKind; inputDiff: boolean }>;
    /** provider_plugin.go DiffUnavailable: the message the step generator warns with (the diff is then "some"). */
    unavailable?: string;
}

/**
 * What a resource step needs of a provider. Values go in as the state holds them (secrets wrapped, unknowns
 * as the sentinel): each plugin marshals them as the engine would for it (KeepSecrets per acceptSecrets).
 */
export interface ResourcePlugin {
    readonly native: boolean;
    check(urn: string, olds: PropertyMap, news: PropertyMap, randomSeed?: Uint8Array): Promise<CheckResult>;
    diff(urn: string, id: string, oldInputs: PropertyMap, oldOutputs: PropertyMap, news: PropertyMap, ignoreChanges: string[]): Promise<DiffResult>;
    /** `preview`: the step's Create in a dry run (provider_plugin.go Create's preview rules). */
    create(urn: string, props: PropertyMap, preview?: boolean): Promise<{ id: string; outputs: PropertyMap }>;
    read(urn: string, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<{ id: string; outputs: PropertyMap; inputs?: PropertyMap }>;
    update(urn: string, id: string, oldOutputs: PropertyMap, oldInputs: PropertyMap, news: PropertyMap, ignoreChanges: string[], preview?: boolean): Promise<PropertyMap>;
    delete(urn: string, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<void>;
}

/** Makes a child exit when the engine goes away (see watchdog.js). */
// The compiled copy (dist/tools/pulumi-local) has no .js sources beside it: use the one in tools/.
export const WATCHDOG = [
    path.join(__dirname, "watchdog.js"),
    path.join(__dirname, "..", "..", "..", "tools", "pulumi-local", "watchdog.js"),
].find((f) => fs.existsSync(f)) ?? path.join(__dirname, "watchdog.js");

const toStruct = (v: PropertyMap) => structproto.Struct.fromJavaScript(v);

/** Decodes the ErrorResourceInitFailed detail that cmd/dynamic-provider packs into `grpc-status-details-bin`. */
export function initFailureOf(err: any): InitFailure | undefined {
    const raw = err?.metadata?.get?.("grpc-status-details-bin")?.[0];
    if (!raw) return undefined;
    try {
        const status = statusproto.Status.deserializeBinary(new Uint8Array(raw));
        for (const any of status.getDetailsList()) {
            if (!String(any.getTypeUrl()).endsWith("pulumirpc.ErrorResourceInitFailed")) continue;
            const detail = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
            return {
                id: detail.getId(),
                properties: detail.getProperties()?.toJavaScript() ?? {},
                reasons: detail.getReasonsList(),
            };
        }
    } catch {
        return undefined;
    }
    return undefined;
}

/**
 * The dynamic provider: Configure answers acceptSecrets false, so every value goes out with its secrets
 * removed (the step re-marks them by name, as annotateSecrets), and it gets no random seed (its check
 * ignores one). In a preview, Create/Update are not called (supportsPreview false): the inputs are the state.
 */
/**
 * Reads a plugin's port, the first line it prints on stdout (sdk/go/common/resource/plugin/plugin.go
 * newPlugin: the engine parses that line as the port), then hands every later line, and each stderr line, to
 * `onLine`. `strict`: the first line must be the port (the engine's rule: anything else fails the load); not
 * strict, lines before the port are output too. Rejects when the process exits (or fails to start) first.
 */
export function readPluginPort(
    child: ChildProcess, onLine: (line: string, stream: "stdout" | "stderr") => void,
    opts: { strict?: boolean; exitedBefore: (code: number | null) => string; invalidPort?: (line: string) => string },
): Promise<number> {
    return new Promise<number>((resolve, reject) => {
        let buffered = "";
        let found = false;
        const emit = (line: string, stream: "stdout" | "stderr") => {
            if (line.trim()) onLine(line, stream);
        };
        child.stdout!.on("data", (chunk: Buffer) => {
            buffered += chunk.toString("utf8");
            let nl: number;
            while ((nl = buffered.indexOf("\n")) >= 0) {
                const line = buffered.slice(0, nl);
                buffered = buffered.slice(nl + 1);
                if (found) emit(line, "stdout");
                else if (/^\d+$/.test(line.trim())) {
                    found = true;
                    resolve(Number(line.trim()));
                } else if (opts.strict) {
                    found = true;
                    child.kill("SIGKILL");
                    reject(new Error(opts.invalidPort?.(line) ?? `the plugin wrote an invalid port to stdout: ${line}`));
                } else emit(line, "stdout");
            }
        });
        child.stderr!.on("data", (chunk: Buffer) => {
            for (const line of chunk.toString("utf8").split("\n")) emit(line, "stderr");
        });
        child.on("error", reject);
        child.on("exit", (code) => {
            if (!found) reject(new Error(opts.exitedBefore(code)));
        });
    });
}

/**
 * As the engine closes a plugin it executed itself (sdk/go/common/resource/plugin/plugin.go, `kill`): SIGINT
 * first (cmdutil.InterruptChildren, to the plugin's own process group: RegisterProcessGroup starts it with
 * Setpgid), up to 5 s to exit, then SIGKILL. Nothing when it has exited already.
 */
export async function interruptThenKill(child: ChildProcess): Promise<void> {
    const running = () => child.exitCode === null && child.signalCode === null;
    if (!running()) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGINT");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (running()) child.kill("SIGKILL");
}

export class DynamicProviderPlugin implements ResourcePlugin {
    readonly native = false;
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: any,
        readonly output: string[],
    ) {}

    static async start(opts: {
        projectDir: string;
        engineAddress: string;
        env: NodeJS.ProcessEnv;
        config: Record<string, string>;
        secretConfigKeys: string[];
        /** Each stdout line after the port, as it arrives. */
        onLine?: (line: string) => void;
    }): Promise<DynamicProviderPlugin> {
        const script = resolvePulumiFile("cmd/dynamic-provider", opts.projectDir);
        const child = spawn(process.execPath, ["-r", WATCHDOG, script, opts.engineAddress], {
            cwd: opts.projectDir,
            env: opts.env,
            stdio: ["pipe", "pipe", "pipe"],
        });
        const output: string[] = [];
        const port = await readPluginPort(child, (line, stream) => {
            output.push(line);
            if (stream === "stdout") opts.onLine?.(line);
        }, { exitedBefore: (code) => `the dynamic-provider plugin exited (${code}) before serving:\n${output.join("\n")}` });
        const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const plugin = new DynamicProviderPlugin(child, client, output);
        await plugin.configure(opts.config, opts.secretConfigKeys);
        return plugin;
    }

    private call(method: string, req: any): Promise<any> {
        return new Promise((resolve, reject) => {
            this.client[method](req, (err: any, resp: any) => {
                if (err) reject(new ProviderError(err.details || err.message, initFailureOf(err)));
                else resolve(resp);
            });
        });
    }

    private async configure(config: Record<string, string>, secretKeys: string[]): Promise<void> {
        const req = new provproto.ConfigureRequest();
        const args: PropertyMap = {};
        for (const [k, v] of Object.entries(config)) {
            args[k] = secretKeys.includes(k) ? { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: v } : v;
            req.getVariablesMap().set(k, v);
        }
        req.setArgs(toStruct(args));
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        await this.call("configure", req);
    }

    async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
        const req = new provproto.CheckRequest();
        req.setUrn(urn);
        req.setOlds(toStruct(unwrapSecrets(olds)));
        req.setNews(toStruct(unwrapSecrets(news)));
        const resp = await this.call("check", req);
        return {
            inputs: resp.getInputs()?.toJavaScript() ?? {},
            failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
    }

    async diff(urn: string, id: string, oldInputs: PropertyMap, oldOutputs: PropertyMap, news: PropertyMap, ignoreChanges: string[]): Promise<DiffResult> {
        const req = new provproto.DiffRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(toStruct(unwrapSecrets(oldOutputs)));
        req.setOldInputs(toStruct(unwrapSecrets(oldInputs)));
        req.setNews(toStruct(unwrapSecrets(news)));
        req.setIgnorechangesList(ignoreChanges);
        const resp = await this.call("diff", req);
        const C = provproto.DiffResponse.DiffChanges;
        const c = resp.getChanges();
        return {
            changes: c === C.DIFF_SOME ? "some" : c === C.DIFF_NONE ? "none" : "unknown",
            replaces: resp.getReplacesList(),
            deleteBeforeReplace: resp.getDeletebeforereplace(),
        };
    }

    async create(urn: string, props: PropertyMap, preview = false): Promise<{ id: string; outputs: PropertyMap }> {
        if (preview) return { id: "", outputs: props };
        const req = new provproto.CreateRequest();
        req.setUrn(urn);
        req.setProperties(toStruct(unwrapSecrets(props)));
        const resp = await this.call("create", req);
        return { id: resp.getId(), outputs: resp.getProperties()?.toJavaScript() ?? {} };
    }

    async read(urn: string, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<{ id: string; outputs: PropertyMap; inputs?: PropertyMap }> {
        const req = new provproto.ReadRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setProperties(toStruct(unwrapSecrets(outputs)));
        req.setInputs(toStruct(unwrapSecrets(inputs)));
        const resp = await this.call("read", req);
        return {
            id: resp.getId(),
            outputs: resp.getProperties()?.toJavaScript() ?? {},
            inputs: resp.getInputs() ? resp.getInputs().toJavaScript() : undefined,
        };
    }

    async update(urn: string, id: string, oldOutputs: PropertyMap, oldInputs: PropertyMap, news: PropertyMap, ignoreChanges: string[], preview = false): Promise<PropertyMap> {
        if (preview) return news;
        const req = new provproto.UpdateRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(toStruct(unwrapSecrets(oldOutputs)));
        req.setOldInputs(toStruct(unwrapSecrets(oldInputs)));
        req.setNews(toStruct(unwrapSecrets(news)));
        req.setIgnorechangesList(ignoreChanges);
        const resp = await this.call("update", req);
        return resp.getProperties()?.toJavaScript() ?? {};
    }

    async delete(urn: string, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<void> {
        const req = new provproto.DeleteRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setProperties(toStruct(unwrapSecrets(outputs)));
        req.setOldInputs(toStruct(unwrapSecrets(inputs)));
        await this.call("delete", req);
    }

    async stop(): Promise<void> {
        this.client.close();
        await interruptThenKill(this.child);
    }
}
