// The real dynamic-provider plugin (`@pulumi/pulumi/cmd/dynamic-provider`), one process per deployment,
// driven over gRPC as the engine drives it.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { grpc, provproto, provrpc, resolvePulumiFile, statusproto, structproto } from "./pulumi-modules";
import { PropertyMap } from "./values";

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
export interface DiffResult { changes: "none" | "some" | "unknown"; replaces: string[]; deleteBeforeReplace: boolean }

/** Makes a child exit when the engine goes away (see watchdog.js). */
// The compiled copy (dist/tools/pulumi-local) has no .js sources beside it: use the one in tools/.
export const WATCHDOG = [
    path.join(__dirname, "watchdog.js"),
    path.join(__dirname, "..", "..", "..", "tools", "pulumi-local", "watchdog.js"),
].find((f) => fs.existsSync(f)) ?? path.join(__dirname, "watchdog.js");

const toStruct = (v: PropertyMap) => structproto.Struct.fromJavaScript(v);

/** Decodes the ErrorResourceInitFailed detail that cmd/dynamic-provider packs into `grpc-status-details-bin`. */
function initFailureOf(err: any): InitFailure | undefined {
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

export class DynamicProviderPlugin {
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
        const port = await new Promise<number>((resolve, reject) => {
            let buffered = "";
            let found = false;
            child.stdout!.on("data", (chunk: Buffer) => {
                buffered += chunk.toString("utf8");
                let nl: number;
                while ((nl = buffered.indexOf("\n")) >= 0) {
                    const line = buffered.slice(0, nl);
                    buffered = buffered.slice(nl + 1);
                    if (!found && /^\d+$/.test(line.trim())) {
                        found = true;
                        resolve(Number(line.trim()));
                    } else if (line.trim()) {
                        output.push(line);
                        opts.onLine?.(line);
                    }
                }
            });
            child.stderr!.on("data", (chunk: Buffer) => {
                for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) output.push(line);
            });
            child.on("error", reject);
            child.on("exit", (code) => {
                if (!found) reject(new Error(`the dynamic-provider plugin exited (${code}) before serving:\n${output.join("\n")}`));
            });
        });
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
        req.setOlds(toStruct(olds));
        req.setNews(toStruct(news));
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
        req.setOlds(toStruct(oldOutputs));
        req.setOldInputs(toStruct(oldInputs));
        req.setNews(toStruct(news));
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

    async create(urn: string, props: PropertyMap): Promise<{ id: string; outputs: PropertyMap }> {
        const req = new provproto.CreateRequest();
        req.setUrn(urn);
        req.setProperties(toStruct(props));
        const resp = await this.call("create", req);
        return { id: resp.getId(), outputs: resp.getProperties()?.toJavaScript() ?? {} };
    }

    async read(urn: string, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<{ id: string; outputs: PropertyMap; inputs?: PropertyMap }> {
        const req = new provproto.ReadRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setProperties(toStruct(outputs));
        req.setInputs(toStruct(inputs));
        const resp = await this.call("read", req);
        return {
            id: resp.getId(),
            outputs: resp.getProperties()?.toJavaScript() ?? {},
            inputs: resp.getInputs() ? resp.getInputs().toJavaScript() : undefined,
        };
    }

    async update(urn: string, id: string, oldOutputs: PropertyMap, oldInputs: PropertyMap, news: PropertyMap, ignoreChanges: string[]): Promise<PropertyMap> {
        const req = new provproto.UpdateRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(toStruct(oldOutputs));
        req.setOldInputs(toStruct(oldInputs));
        req.setNews(toStruct(news));
        req.setIgnorechangesList(ignoreChanges);
        const resp = await this.call("update", req);
        return resp.getProperties()?.toJavaScript() ?? {};
    }

    async delete(urn: string, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<void> {
        const req = new provproto.DeleteRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setProperties(toStruct(outputs));
        req.setOldInputs(toStruct(inputs));
        await this.call("delete", req);
    }

    /**
     * As the engine closes a plugin (sdk/go/common/resource/plugin/plugin.go, `kill`): SIGINT first
     * (cmdutil.InterruptChildren, to the plugin's own process group: RegisterProcessGroup starts it with
     * Setpgid), up to 5 s to exit, then SIGKILL.
     */
    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null && this.child.signalCode === null) {
            const exited = new Promise((r) => this.child.once("exit", r));
            this.child.kill("SIGINT");
            await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
            if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
        }
    }
}
