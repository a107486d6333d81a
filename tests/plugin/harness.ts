/**
 * The provider plugin started the way the Pulumi CLI starts a `runtime: nodejs` plugin
 * (sdk/nodejs/cmd/pulumi-language-nodejs/main.go RunPlugin: `node <@pulumi/pulumi/cmd/run-plugin> <plugin
 * dir> <engine args>`, the plugin dir being this repository, PulumiPlugin.yaml at its root), and driven over
 * gRPC with @pulumi/pulumi's own stubs, with a fake Engine service that records Log requests.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { createRequire } from "module";
import { interruptThenKill, readPluginPort } from "../../tools/pulumi-local/plugin";
import { ROOT } from "../support/world";

/* eslint-disable @typescript-eslint/no-explicit-any */
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
export const grpc: typeof import("@grpc/grpc-js") = pulumiRequire("@grpc/grpc-js");
export const structproto: any = pulumiRequire("google-protobuf/google/protobuf/struct_pb");
export const emptyproto: any = pulumiRequire("google-protobuf/google/protobuf/empty_pb");
export const provproto: any = pulumiRequire("./proto/provider_pb");
export const provrpc: any = pulumiRequire("./proto/provider_grpc_pb");
export const plugproto: any = pulumiRequire("./proto/plugin_pb");
export const engproto: any = pulumiRequire("./proto/engine_pb");
export const engrpc: any = pulumiRequire("./proto/engine_grpc_pb");
export const statusproto: any = pulumiRequire("./proto/status_pb");

export { SIG_KEY as SIG, SECRET_SIG as SECRET, secret } from "../../provider/plugin/values";
export { UNKNOWN } from "../../provider/rules";

export interface LogEntry { severity: number; message: string; urn: string; ephemeral: boolean }

/** A fake Engine service: records every Log request. */
export async function startEngine(): Promise<{ address: string; logs: LogEntry[]; stop: () => Promise<void> }> {
    const logs: LogEntry[] = [];
    const server = new grpc.Server();
    server.addService(engrpc.EngineService, {
        log: (call: any, cb: any) => {
            const r = call.request;
            logs.push({ severity: r.getSeverity(), message: r.getMessage(), urn: r.getUrn(), ephemeral: r.getEphemeral() });
            cb(null, new emptyproto.Empty());
        },
        getRootResource: (_c: any, cb: any) => cb(null, new engproto.GetRootResourceResponse()),
        setRootResource: (_c: any, cb: any) => cb(null, new engproto.SetRootResourceResponse()),
    } as any);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    return { address: `127.0.0.1:${port}`, logs, stop: () => new Promise<void>((r) => server.tryShutdown(() => r())) };
}

export interface Plugin {
    client: any;
    child: ChildProcess;
    output: string[];
    /** Calls one RPC; rejects with the gRPC error (its `metadata` holds ErrorResourceInitFailed, if any). */
    call(method: string, req: any): Promise<any>;
    stop(): Promise<void>;
}

/** Starts the plugin as the CLI does: run-plugin, the repository as the plugin folder, the engine's address. */
export async function startPlugin(engineAddress: string, env: NodeJS.ProcessEnv, pluginDir = ROOT): Promise<Plugin> {
    // The language host resolves run-plugin from the plugin's folder (main.go RunPlugin, locateModule).
    const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [pluginDir] });
    const child = spawn(process.execPath, [path.dirname(runPlugin), pluginDir, engineAddress], {
        cwd: pluginDir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    // The engine's rule: the first stdout line is the port (pulumi-local's reader of it).
    const port = await readPluginPort(child, (line) => output.push(line), {
        strict: true, exitedBefore: (code) => `the plugin exited (${code}) before serving:\n${output.join("\n")}`,
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = (method: string, req: any) => new Promise<any>((resolve, reject) => client[method](req, (e: any, r: any) => (e ? reject(e) : resolve(r))));
    const stop = async () => {
        client.close();
        await interruptThenKill(child);
    };
    return { client, child, output, call, stop };
}

export const struct = (v: Record<string, unknown>) => structproto.Struct.fromJavaScript(v);
export const js = (s: any): Record<string, any> => (s ? s.toJavaScript() : {});

/** The ErrorResourceInitFailed a failed Create or Update carried, if any. */
export function initFailure(err: any): { id: string; properties: Record<string, any>; reasons: string[] } | undefined {
    const raw = err?.metadata?.get?.("grpc-status-details-bin")?.[0];
    if (!raw) return undefined;
    const status = statusproto.Status.deserializeBinary(new Uint8Array(raw));
    for (const any of status.getDetailsList()) {
        if (!String(any.getTypeUrl()).endsWith("pulumirpc.ErrorResourceInitFailed")) continue;
        const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
        return { id: d.getId(), properties: js(d.getProperties()), reasons: d.getReasonsList() };
    }
    return undefined;
}

export const ALIAS_TYPE = "sfn-alias:index:StateMachineAlias";
export const urnOf = (name: string) => `urn:pulumi:dev::grpc-test::${ALIAS_TYPE}::${name}`;

/** Request builders, in the engine's terms (provider_plugin.go). */
export const requests = {
    configure(args: Record<string, unknown>) {
        const req = new provproto.ConfigureRequest();
        req.setArgs(struct(args));
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        return req;
    },
    check(name: string, olds: Record<string, unknown>, news: Record<string, unknown>, seed: Uint8Array = Buffer.alloc(32, 7)) {
        const req = new provproto.CheckRequest();
        req.setUrn(urnOf(name));
        req.setName(name);
        req.setType(ALIAS_TYPE);
        req.setOlds(struct(olds));
        req.setNews(struct(news));
        req.setRandomseed(new Uint8Array(seed));
        return req;
    },
    diff(name: string, id: string, olds: Record<string, unknown>, oldInputs: Record<string, unknown>, news: Record<string, unknown>) {
        const req = new provproto.DiffRequest();
        req.setUrn(urnOf(name));
        req.setId(id);
        req.setOlds(struct(olds));
        req.setOldInputs(struct(oldInputs));
        req.setNews(struct(news));
        return req;
    },
    create(name: string, properties: Record<string, unknown>) {
        const req = new provproto.CreateRequest();
        req.setUrn(urnOf(name));
        req.setProperties(struct(properties));
        return req;
    },
    read(name: string, id: string, properties: Record<string, unknown> = {}, inputs: Record<string, unknown> = {}) {
        const req = new provproto.ReadRequest();
        req.setUrn(urnOf(name));
        req.setId(id);
        req.setProperties(struct(properties));
        req.setInputs(struct(inputs));
        return req;
    },
    update(name: string, id: string, olds: Record<string, unknown>, oldInputs: Record<string, unknown>, news: Record<string, unknown>) {
        const req = new provproto.UpdateRequest();
        req.setUrn(urnOf(name));
        req.setId(id);
        req.setOlds(struct(olds));
        req.setOldInputs(struct(oldInputs));
        req.setNews(struct(news));
        return req;
    },
    delete(name: string, id: string, properties: Record<string, unknown>) {
        const req = new provproto.DeleteRequest();
        req.setUrn(urnOf(name));
        req.setId(id);
        req.setProperties(struct(properties));
        return req;
    },
};
