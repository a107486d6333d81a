/**
 * The provider plugin: Pulumi's ResourceProvider gRPC service over the same core as the dynamic provider
 * (check, diff, create, read, update, delete in ../provider.ts, and everything under them). This file is
 * glue only: it turns the engine's requests into the core's calls and their results (or errors) into
 * responses.
 *
 * It serves the service itself, with the stubs @pulumi/pulumi ships, rather than through
 * `@pulumi/pulumi/provider`'s `main`: that one drops Configure's arguments (the provider's configuration),
 * answers no Handshake, CheckConfig or DiffConfig, passes no random seed or name to `check`, and sends no
 * detailed diff (sdk/nodejs/provider/server.ts).
 *
 * What each RPC does, and the engine's side of it:
 * - Handshake (3.143+, pkg/resource/plugin/provider_plugin.go NewProviderFromPath): the engine's address;
 *   answers that secrets and resources are accepted. Engines before it call Configure first, which says
 *   the same.
 * - GetPluginInfo: this package's version. GetSchema: schema.ts.
 * - CheckConfig / DiffConfig / Configure: the provider's configuration (`sfn-alias:*` keys, or an explicit
 *   provider's inputs), checked with the rules the dynamic provider applies to `aws:*` (../config.ts).
 *   A configuration change never replaces the provider: it would replace every alias it manages.
 * - Check: autonaming from the engine's random seed (or its autonaming configuration), then ../check.ts.
 * - Diff: ../diff.ts, with a detailed diff (so `preview --diff` and replaceOnChanges see each property).
 * - Create / Update: ../provider.ts, progress lines to the engine's Log with the URN (../progress.ts);
 *   a partial failure as ErrorResourceInitFailed (id, properties, reasons), which the engine records. In a
 *   preview (`preview: true`), the outputs as far as they are known, with no AWS call (previewOutputs).
 * - Read: refresh, and `pulumi import` (no properties: the alias is read by its ARN and its inputs made
 *   from what AWS has).
 * - Delete. Cancel: a rollout in flight stops at its next safe point, recorded where the next up resumes.
 */
import * as fs from "fs";
import * as path from "path";
import { createRequire } from "module";
import { aliasArnOf } from "../arn";
import { configureAws } from "../aws";
import { settingsFromConfig } from "../config";
import { containsUnknown, diffAlias, preferenceRouting, stateMachineOf, versionRefOf } from "../diff";
import { canonicalRouting } from "../normalize";
import { MARKER_KEY } from "../rollout/plan";
import { RoutingEntry } from "../types";
import { ProgressKind, withProgress } from "../progress";
import { stateMachineAliasProvider as core } from "../provider";
import { AUTONAME_PREFIX_KEY, AUTONAME_SEED_KEY, INPUT_PROPERTIES, isUnknown, UNKNOWN } from "../rules";
import { cancelRollouts } from "../rollout/runner";
import { CONFIG_KEYS, PACKAGE_NAME } from "./names";
import { schema } from "./schema";
import { unwrapProperties, wrapProperties } from "./values";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Props = Record<string, unknown>;

// @pulumi/pulumi's own copies, so the messages are the classes its stubs expect (a second copy of
// google-protobuf would not serialize the first one's messages).
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc: typeof import("@grpc/grpc-js") = pulumiRequire("@grpc/grpc-js");
const structproto: any = pulumiRequire("google-protobuf/google/protobuf/struct_pb");
const emptyproto: any = pulumiRequire("google-protobuf/google/protobuf/empty_pb");
const anyproto: any = pulumiRequire("google-protobuf/google/protobuf/any_pb");
const provproto: any = pulumiRequire("./proto/provider_pb");
const provrpc: any = pulumiRequire("./proto/provider_grpc_pb");
const plugproto: any = pulumiRequire("./proto/plugin_pb");
const statusproto: any = pulumiRequire("./proto/status_pb");
const engproto: any = pulumiRequire("./proto/engine_pb");
const engrpc: any = pulumiRequire("./proto/engine_grpc_pb");

/** This package's version (package.json beside provider/ in the source, beside dist/ when built). */
export function packageVersion(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
            if (pkg.name === "pulumi-sfn-alias") return pkg.version;
        }
        if (path.dirname(dir) === dir) return "0.0.0";
    }
}

const toStruct = (v: Props) => structproto.Struct.fromJavaScript(v);
const fromStruct = (s: any): Props => (s ? s.toJavaScript() : {});

/** The logical name in a URN (`urn:pulumi:stack::project::type::name`). */
function nameOfUrn(urn: string): string {
    const i = urn.lastIndexOf("::");
    return i >= 0 ? urn.slice(i + 2) : urn;
}

/**
 * The provider's configuration in the terms of ../config.ts, whose rules (and messages) are the dynamic
 * provider's for `aws:*`: each key read from the configuration object under `sfn-alias:<key>`.
 */
export function settingsFromArgs(args: Props) {
    return settingsFromConfig((key) => {
        const name = key.slice(PACKAGE_NAME.length + 1);
        const v = args[name];
        if (v === undefined || v === null || v === "") return undefined;
        return typeof v === "string" ? v : JSON.stringify(v);
    }, PACKAGE_NAME);
}

/** A configured region: the one AWS region this provider instance manages aliases in. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The region of the state machine the checked inputs name, when known. */
function regionOfInputs(inputs: Props): { region: string } | undefined {
    return versionRefOf(inputs.routingConfiguration ?? preferenceRouting(inputs.deploymentPreference));
}

/**
 * The outputs to mark secret: those named like a secret input, and those made from one: the ARN holds the
 * name and the state machine (from the routing or the preference's version), stateMachineArn the latter.
 * The engine itself marks only outputs named like a secret input (step_executor.go).
 */
export function secretOutputs(secretInputs: Iterable<string>): Set<string> {
    const out = new Set(secretInputs);
    if (out.has("name")) out.add("arn");
    if (out.has("routingConfiguration") || out.has("deploymentPreference")) {
        out.add("arn");
        out.add("stateMachineArn");
        out.add("routingConfiguration");
    }
    return out;
}

function addFailures(resp: any, failures: readonly { property: string; reason: string }[]): void {
    for (const f of failures) {
        const failure = new provproto.CheckFailure();
        failure.setProperty(f.property);
        failure.setReason(f.reason);
        resp.addFailures(failure);
    }
}

/** One check failure of the configuration, naming the key. */
function configFailures(args: Props): { property: string; reason: string }[] {
    const failures: { property: string; reason: string }[] = [];
    for (const key of Object.keys(args)) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key) && key !== "version" && key !== "pluginDownloadURL") {
            failures.push({ property: key, reason: `${PACKAGE_NAME}:${key} is not a setting of this provider; it takes ${CONFIG_KEYS.join(", ")}.` });
        }
    }
    const region = args.region;
    if (region !== undefined && !isUnknown(region) && (typeof region !== "string" || !REGION_PATTERN.test(region))) {
        const got = typeof region === "string" ? JSON.stringify(region.slice(0, 40)) : typeof region;
        failures.push({ property: "region", reason: `${PACKAGE_NAME}:region must be an AWS region such as "us-east-1", but received ${got}.` });
    }
    const known = Object.fromEntries(Object.entries(args).filter(([, v]) => !isUnknown(v)));
    try {
        settingsFromArgs(known);
    } catch (e) {
        const message = (e as Error).message;
        const key = new RegExp(`${PACKAGE_NAME}:(\\w+)`).exec(message)?.[1] ?? "";
        failures.push({ property: key, reason: message });
    }
    return failures;
}

/** The inputs a program would give to make the alias as AWS has it: what `pulumi import` records. */
export function inputsOfOutputs(outputs: Props): Props {
    const inputs: Props = {};
    for (const key of INPUT_PROPERTIES) {
        if (key === "deploymentPreference" || key === "adoptExisting") continue;
        const v = outputs[key];
        if (v === undefined || (key === "description" && v === "")) continue;
        inputs[key] = v;
    }
    return inputs;
}

/**
 * What a Create or Update in preview answers: the outputs as far as they are known, no AWS call. After a
 * Handshake the engine takes every provider to support previews and calls Create and Update with `preview`
 * (pkg/resource/plugin/provider_plugin.go NewProvider: supportsPreview true; Create: `req.Preview`), so the
 * program's view of the resource in a preview comes from here: the ARN when the name and the state machine
 * are known, the routing the update ends with, the dates unknown.
 */
export function previewOutputs(inputs: Props, olds?: Props): Props {
    const routing = inputs.routingConfiguration ?? preferenceRouting(inputs.deploymentPreference);
    const known = (x: unknown) => x !== undefined && !containsUnknown(x);
    const machine = known(routing) ? stateMachineOf(routing) : undefined;
    const name = inputs.name;
    const outputs: Props = {
        ...(olds ?? {}),
        name: name ?? UNKNOWN,
        description: inputs.description === undefined ? "" : inputs.description,
        routingConfiguration: known(routing) ? canonicalRouting(routing as RoutingEntry[]) : (routing ?? UNKNOWN),
        adoptExisting: inputs.adoptExisting === undefined ? false : inputs.adoptExisting,
        arn: machine && known(name) ? aliasArnOf(machine, name as string) : (olds?.arn ?? UNKNOWN),
        stateMachineArn: machine ?? olds?.stateMachineArn ?? UNKNOWN,
        creationDate: olds?.creationDate ?? UNKNOWN,
        updateDate: UNKNOWN,
    };
    delete outputs[MARKER_KEY];
    return outputs;
}

interface Settings {
    engineAddress?: string;
    region?: string;
}

/** The service's handlers, over `settings` (the engine's address and the configured region). */
function handlers(settings: Settings) {
    let engine: any;
    const engineClient = () => {
        if (!engine && settings.engineAddress) engine = new engrpc.EngineClient(settings.engineAddress, grpc.credentials.createInsecure());
        return engine;
    };

    /** Progress of the call for `urn`: the engine's Log, with the URN; stderr when there is no engine. */
    const sinkFor = (urn: string) => (line: string, kind: ProgressKind) => {
        const client = engineClient();
        if (!client) {
            process.stderr.write(`${line}\n`);
            return;
        }
        const req = new engproto.LogRequest();
        req.setSeverity(engproto.LogSeverity.INFO);
        req.setMessage(line);
        req.setUrn(urn);
        req.setEphemeral(kind === "status");
        client.log(req, () => undefined);
    };

    const unary = (fn: (req: any) => Promise<any>) => (call: any, callback: any) => {
        fn(call.request).then((resp) => callback(null, resp), (e) => callback(errorResponse(e)));
    };

    return {
        handshake: unary(async (req) => {
            // @pulumi/pulumi 3.143-3.153 route Handshake but its response has no fields yet (they came in
            // 3.154): answer UNIMPLEMENTED, on which the engine falls back to Configure (provider_plugin.go
            // handshake), whose answer says the same.
            if (typeof provproto.ProviderHandshakeResponse?.prototype?.setAcceptSecrets !== "function") throw unimplemented("Handshake");
            settings.engineAddress = req.getEngineAddress() || settings.engineAddress;
            const resp = new provproto.ProviderHandshakeResponse();
            resp.setAcceptSecrets(true);
            resp.setAcceptResources?.(true);
            resp.setAcceptOutputs?.(false);
            resp.setSupportsAutonamingConfiguration?.(true); // a later field than the others
            return resp;
        }),

        getPluginInfo: unary(async () => {
            const resp = new plugproto.PluginInfo();
            resp.setVersion(packageVersion());
            return resp;
        }),

        getSchema: unary(async (req) => {
            if (req.getVersion() !== 0) throw new Error(`GetSchema: schema version ${req.getVersion()} is not supported (this provider serves version 0).`);
            const resp = new provproto.GetSchemaResponse();
            resp.setSchema(JSON.stringify(schema(packageVersion())));
            return resp;
        }),

        checkConfig: unary(async (req) => {
            const { values } = unwrapProperties(fromStruct(req.getNews()));
            const resp = new provproto.CheckResponse();
            resp.setInputs(req.getNews() ?? toStruct({}));
            addFailures(resp, configFailures(values));
            return resp;
        }),

        diffConfig: unary(async (req) => {
            const olds = unwrapProperties(fromStruct(req.getOldInputs() ?? req.getOlds())).values;
            const news = unwrapProperties(fromStruct(req.getNews())).values;
            const resp = new provproto.DiffResponse();
            const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])]
                .filter((k) => k !== "version" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
            resp.setChanges(changed.length ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
            resp.setDiffsList(changed);
            for (const k of changed) resp.getDetaileddiffMap().set(k, propertyDiff(k in olds ? (k in news ? "UPDATE" : "DELETE") : "ADD"));
            resp.setHasdetaileddiff(true);
            return resp;
        }),

        configure: unary(async (req) => {
            const { values } = unwrapProperties(fromStruct(req.getArgs()));
            const failures = configFailures(values);
            if (failures.length) throw new Error(failures.map((f) => f.reason).join("\n"));
            configureAws(settingsFromArgs(values));
            settings.region = typeof values.region === "string" ? values.region : undefined;
            const resp = new provproto.ConfigureResponse();
            resp.setAcceptsecrets(true);
            resp.setAcceptresources(true);
            resp.setAcceptoutputs(false);
            // Create and Update answer previews themselves (previewOutputs), as engines that handshake assume.
            resp.setSupportspreview(true);
            // Absent from the stubs of @pulumi/pulumi before 3.143 (the peer range starts at 3.139).
            resp.setSupportsAutonamingConfiguration?.(true);
            return resp;
        }),

        check: unary(async (req) => {
            const urn: string = req.getUrn();
            const olds = unwrapProperties(fromStruct(req.getOlds()));
            const news = unwrapProperties(fromStruct(req.getNews()));
            const prepared: Props = { ...news.values };
            const failures: { property: string; reason: string }[] = [];
            if (prepared.name === undefined && !(typeof olds.values.name === "string" && olds.values.name)) {
                const naming = req.getAutonaming?.();
                const Mode = provproto.CheckRequest.AutonamingOptions?.Mode;
                if (naming && Mode && naming.getMode() === Mode.DISABLE) {
                    failures.push({ property: "name", reason: "name is required: autonaming is disabled for this resource (pulumi:autonaming mode: disabled); set name to the alias's name." });
                } else if (naming && naming.getProposedName()) {
                    prepared.name = naming.getProposedName();
                } else {
                    const seed: Uint8Array = req.getRandomseed_asU8();
                    prepared[AUTONAME_PREFIX_KEY] = req.getName() || nameOfUrn(urn);
                    prepared[AUTONAME_SEED_KEY] = seed.length > 0 ? Buffer.from(seed).toString("hex") : urn;
                }
            }
            const checked = await core.check!(olds.values, prepared);
            // Autonaming disabled already says why the name is missing (the core's words are the dynamic SDK's).
            failures.push(...(checked.failures ?? []).filter((f) => !(f.property === "name" && failures.some((g) => g.property === "name"))));
            const inputs = (checked.inputs ?? {}) as Props;
            const region = settings.region;
            if (region && failures.length === 0) {
                const parsed = regionOfInputs(inputs);
                if (parsed && parsed.region !== region) {
                    const property = inputs.routingConfiguration !== undefined ? "routingConfiguration" : "deploymentPreference";
                    failures.push({
                        property,
                        reason: `${property} names a state machine in ${parsed.region}, but this provider is configured for ${region} (${PACKAGE_NAME}:region); ` +
                            `use a provider for ${parsed.region} (an explicit Provider with region "${parsed.region}"), or a version of a state machine in ${region}.`,
                    });
                }
            }
            const resp = new provproto.CheckResponse();
            resp.setInputs(toStruct(wrapProperties(inputs, news.secrets)));
            addFailures(resp, failures);
            return resp;
        }),

        diff: unary(async (req) => {
            const olds = unwrapProperties(fromStruct(req.getOlds())).values;
            const oldInputs = unwrapProperties(fromStruct(req.getOldInputs())).values;
            const news = unwrapProperties(fromStruct(req.getNews())).values;
            const d = diffAlias(olds, news);
            const C = provproto.DiffResponse.DiffChanges;
            const resp = new provproto.DiffResponse();
            resp.setChanges(d.changes ? C.DIFF_SOME : C.DIFF_NONE);
            resp.setReplacesList(d.replaces);
            const keys = [...new Set([...d.replaces, ...d.diffs])];
            resp.setDiffsList(keys);
            const had = (k: string) => (Object.keys(oldInputs).length ? oldInputs : olds)[k] !== undefined;
            for (const k of keys) {
                const replace = d.replaces.includes(k);
                const kind = !had(k) ? "ADD" : news[k] === undefined ? "DELETE" : "UPDATE";
                resp.getDetaileddiffMap().set(k, propertyDiff(replace ? `${kind}_REPLACE` : kind));
            }
            resp.setHasdetaileddiff(true);
            // A replacement has another ARN (its name or state machine differs), so the new alias can be made
            // before the old one is deleted: traffic keeps flowing through the old one until then.
            resp.setDeletebeforereplace(false);
            return resp;
        }),

        create: unary(async (req) => {
            const urn: string = req.getUrn();
            const { values, secrets } = unwrapProperties(fromStruct(req.getProperties()));
            if (req.getPreview?.()) {
                const resp = new provproto.CreateResponse();
                resp.setProperties(toStruct(wrapProperties(previewOutputs(values), secretOutputs(secrets))));
                return resp;
            }
            const marked = secretOutputs(secrets);
            const result = await withProgress(sinkFor(urn), () => core.create(values)).catch((e) => {
                throw withSecrets(e, marked);
            });
            const resp = new provproto.CreateResponse();
            resp.setId(result.id);
            resp.setProperties(toStruct(wrapProperties(result.outs ?? {}, marked)));
            return resp;
        }),

        read: unary(async (req) => {
            const id: string = req.getId();
            const state = unwrapProperties(fromStruct(req.getProperties()));
            const oldInputs = unwrapProperties(fromStruct(req.getInputs()));
            const importing = Object.keys(state.values).length === 0;
            const result = await withProgress(sinkFor(req.getUrn()), () => core.read!(id, importing ? undefined : state.values));
            const resp = new provproto.ReadResponse();
            if (!result.id) return resp; // gone: no id, and the engine drops the resource (or fails the import)
            const outputs = (result.props ?? {}) as Props;
            const secretKeys = secretOutputs([...state.secrets, ...oldInputs.secrets]);
            resp.setId(result.id);
            resp.setProperties(toStruct(wrapProperties(outputs, secretKeys)));
            // Refresh keeps the program's inputs (as the dynamic provider does: a drifted alias shows as a
            // diff on the next up); an import records the inputs that would make the alias as it is.
            const inputs = Object.keys(oldInputs.values).length ? oldInputs.values : inputsOfOutputs(outputs);
            resp.setInputs(toStruct(wrapProperties(inputs, secretKeys)));
            return resp;
        }),

        update: unary(async (req) => {
            const urn: string = req.getUrn();
            const olds = unwrapProperties(fromStruct(req.getOlds()));
            const news = unwrapProperties(fromStruct(req.getNews()));
            const secrets = secretOutputs(news.secrets);
            if (req.getPreview?.()) {
                const resp = new provproto.UpdateResponse();
                resp.setProperties(toStruct(wrapProperties(previewOutputs(news.values, olds.values), secrets)));
                return resp;
            }
            const result = await withProgress(sinkFor(urn), () => core.update!(req.getId(), olds.values, news.values)).catch((e) => {
                throw withSecrets(e, secrets);
            });
            const resp = new provproto.UpdateResponse();
            resp.setProperties(toStruct(wrapProperties((result.outs ?? {}) as Props, secrets)));
            return resp;
        }),

        delete: unary(async (req) => {
            const { values } = unwrapProperties(fromStruct(req.getProperties()));
            await withProgress(sinkFor(req.getUrn()), () => core.delete!(req.getId(), values));
            return new emptyproto.Empty();
        }),

        cancel: unary(async () => {
            cancelRollouts();
            return new emptyproto.Empty();
        }),
    };
}

function propertyDiff(kind: string): any {
    const d = new provproto.PropertyDiff();
    d.setKind(provproto.PropertyDiff.Kind[kind]);
    d.setInputdiff(true);
    return d;
}

/** An error the engine reads as "not implemented" (then uses its fallback). */
function unimplemented(rpc: string): Error {
    return Object.assign(new Error(`${rpc} is not implemented with this version of @pulumi/pulumi's stubs`), { grpcCode: grpc.status.UNIMPLEMENTED });
}

/** A partial failure's recorded properties keep their secrets wrapped. */
function withSecrets(e: any, secrets: Set<string>): any {
    if (e && e.id && e.properties && typeof e.properties === "object") e.properties = wrapProperties(e.properties, secrets);
    return e;
}

/**
 * An error as the engine reads it: gRPC UNKNOWN with the message; a resource that was made (or changed) but
 * did not finish also carries ErrorResourceInitFailed in `grpc-status-details-bin`
 * (pkg/resource/plugin/provider_plugin.go resourceStateAndError), which the engine records as the
 * resource's state with its init errors.
 */
export function errorResponse(e: any): any {
    const message = String(e?.message ?? e);
    const metadata = new grpc.Metadata();
    if (e?.grpcCode === grpc.status.UNIMPLEMENTED) return { code: grpc.status.UNIMPLEMENTED, details: message, message, metadata };
    if (e && typeof e.id === "string" && e.id) {
        const detail = new provproto.ErrorResourceInitFailed();
        detail.setId(e.id);
        detail.setProperties(toStruct(e.properties ?? {}));
        detail.setReasonsList(Array.isArray(e.reasons) && e.reasons.length ? e.reasons : [message]);
        const packed = new anyproto.Any();
        packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
        const status = new statusproto.Status();
        status.setCode(grpc.status.UNKNOWN);
        status.setMessage(message);
        status.addDetails(packed);
        metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    }
    return { code: grpc.status.UNKNOWN, details: message, message, metadata };
}

/** The arguments the CLI passes a plugin: flags (`--logtostderr`, `-v=9`, `--tracing <url>`), then the engine's address. */
export function engineAddressOf(args: readonly string[]): string | undefined {
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === "--tracing") i++;
        else if (!a.startsWith("-")) rest.push(a);
    }
    return rest[0];
}

/**
 * Serves the provider on 127.0.0.1 (a free port) and prints the port on stdout, as the engine expects of a
 * plugin (pkg/resource/plugin/plugin.go: the first line of stdout is the port).
 */
export async function serve(args: readonly string[]): Promise<{ port: number; stop: () => Promise<void> }> {
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(provrpc.ResourceProviderService, handlers({ engineAddress: engineAddressOf(args) }) as any);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    process.stdout.write(`${port}\n`);
    return { port, stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}
