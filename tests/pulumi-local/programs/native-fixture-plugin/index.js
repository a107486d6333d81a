// A small resource provider plugin for the pulumi-local native-provider tests, served by hand on the
// ResourceProviderService stubs of @pulumi/pulumi (so Handshake, Configure's answer, detailed diffs and
// partial failures are under the test's control). Every RPC it receives is appended as a JSON line
// ({pid, method, request}) to the file named by FIXTURE_RPC_LOG. Its "cloud" is the folder FIXTURE_CLOUD, one
// `<id>.json` ({inputs, outputs}) per resource (one file each, as several plugin processes write at once), so
// import and refresh have something to read.
//
// Behaviour switches (env): FIXTURE_HANDSHAKE=1 implements Handshake; FIXTURE_SUPPORTS_PREVIEW=1 answers
// Configure with supportsPreview; FIXTURE_CHECKCONFIG=1 implements CheckConfig/DiffConfig (a change of
// `region` replaces the provider). Inputs: `failCheck` (a check failure on `value`), `failCreate`
// (a partial failure: created, not initialized), `immutable` (a change replaces), `dbr` (the diff asks for
// delete-before-replace), `warn` (a warning logged with the URN).
"use strict";
const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const preq = createRequire(path.join(pulumiDir, "index.js"));
const grpc = preq("@grpc/grpc-js");
const provproto = preq("./proto/provider_pb");
const provrpc = preq("./proto/provider_grpc_pb");
const plugproto = preq("./proto/plugin_pb");
const engproto = preq("./proto/engine_pb");
const engrpc = preq("./proto/engine_grpc_pb");
const structproto = preq("google-protobuf/google/protobuf/struct_pb");
const emptyproto = preq("google-protobuf/google/protobuf/empty_pb");
const anyproto = preq("google-protobuf/google/protobuf/any_pb");
const statusproto = preq("./proto/status_pb");

const engineAddress = process.argv[process.argv.length - 1];
const SIG = "4dabf18193072939515e22adb298388d";
let config = {};

function toJs(msg) {
    if (msg === undefined || msg === null) return msg;
    if (msg instanceof structproto.Struct) return msg.toJavaScript();
    if (typeof msg.toObject !== "function") return msg;
    const out = {};
    const o = msg.toObject();
    for (const k of Object.keys(o)) {
        const getter = "get" + k[0].toUpperCase() + k.slice(1);
        let v = typeof msg[getter] === "function" ? msg[getter]() : o[k];
        if (v instanceof structproto.Struct) v = v.toJavaScript();
        else if (k === "randomseed") v = { length: msg.getRandomseed_asU8().length, base64: msg.getRandomseed_asB64() };
        else if (k.endsWith("Map") && v && typeof v.toObject === "function") v = Object.fromEntries(v.toObject());
        else if (v && typeof v.toObject === "function") v = toJs(v);
        out[k] = v;
    }
    return out;
}

function record(method, request) {
    const file = process.env.FIXTURE_RPC_LOG;
    if (file) fs.appendFileSync(file, JSON.stringify({ pid: process.pid, method, request: toJs(request) }) + "\n");
}

const cloudFile = (id) => path.join(process.env.FIXTURE_CLOUD || "", `${encodeURIComponent(id)}.json`);
function getCloud(id) {
    if (!process.env.FIXTURE_CLOUD || !fs.existsSync(cloudFile(id))) return undefined;
    return JSON.parse(fs.readFileSync(cloudFile(id), "utf8"));
}
function putCloud(id, entry) {
    if (!process.env.FIXTURE_CLOUD) return;
    fs.mkdirSync(process.env.FIXTURE_CLOUD, { recursive: true });
    if (entry) fs.writeFileSync(cloudFile(id), JSON.stringify(entry));
    else fs.rmSync(cloudFile(id), { force: true });
}

const engine = new engrpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
function log(severity, urn, message, ephemeral) {
    const req = new engproto.LogRequest();
    req.setSeverity(severity);
    req.setUrn(urn);
    req.setMessage(message);
    req.setEphemeral(ephemeral);
    return new Promise((resolve) => engine.log(req, () => resolve()));
}

const plain = (v) => (v && typeof v === "object" && !Array.isArray(v) && v[SIG] ? plain(v.value) : v);
const nameOf = (urn) => urn.split("::").slice(3).join("::");
const unimplemented = (cb) => cb({ code: grpc.status.UNIMPLEMENTED, details: "not implemented" });
const struct = (o) => structproto.Struct.fromJavaScript(o);

function outputsOf(inputs) {
    const out = { ...inputs, out: `made-${plain(inputs.value) ?? ""}` };
    if (config.region !== undefined) out.region = plain(config.region);
    return out;
}

function initFailure(id, props, reason) {
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId(id);
    detail.setProperties(struct(props));
    detail.setReasonsList([reason]);
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(reason);
    status.setDetailsList([any]);
    const md = new grpc.Metadata();
    md.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    return { code: grpc.status.UNKNOWN, details: reason, metadata: md };
}

const impl = {
    handshake(call, cb) {
        record("Handshake", call.request);
        if (process.env.FIXTURE_HANDSHAKE !== "1") return unimplemented(cb);
        const resp = new provproto.ProviderHandshakeResponse();
        resp.setAcceptSecrets(true);
        resp.setAcceptResources(true);
        cb(null, resp);
    },
    getPluginInfo(call, cb) {
        record("GetPluginInfo", {});
        const info = new plugproto.PluginInfo();
        info.setVersion("1.2.3");
        cb(null, info);
    },
    getSchema(call, cb) {
        record("GetSchema", call.request);
        const resp = new provproto.GetSchemaResponse();
        resp.setSchema(JSON.stringify({ name: "fixture", version: "1.2.3" }));
        cb(null, resp);
    },
    checkConfig(call, cb) {
        record("CheckConfig", call.request);
        if (process.env.FIXTURE_CHECKCONFIG !== "1") return unimplemented(cb);
        const resp = new provproto.CheckResponse();
        resp.setInputs(call.request.getNews());
        cb(null, resp);
    },
    diffConfig(call, cb) {
        record("DiffConfig", call.request);
        if (process.env.FIXTURE_CHECKCONFIG !== "1") return unimplemented(cb);
        const olds = call.request.getOldInputs().toJavaScript();
        const news = call.request.getNews().toJavaScript();
        const resp = new provproto.DiffResponse();
        const C = provproto.DiffResponse.DiffChanges;
        const changed = JSON.stringify(plain(olds.region)) !== JSON.stringify(plain(news.region));
        resp.setChanges(changed ? C.DIFF_SOME : C.DIFF_NONE);
        if (changed) resp.setReplacesList(["region"]);
        cb(null, resp);
    },
    configure(call, cb) {
        record("Configure", call.request);
        config = call.request.getArgs()?.toJavaScript() ?? {};
        const resp = new provproto.ConfigureResponse();
        resp.setAcceptsecrets(true);
        resp.setAcceptresources(true);
        resp.setSupportspreview(process.env.FIXTURE_SUPPORTS_PREVIEW === "1");
        cb(null, resp);
    },
    async check(call, cb) {
        record("Check", call.request);
        const news = call.request.getNews().toJavaScript();
        const resp = new provproto.CheckResponse();
        resp.setInputs(struct(news));
        if (news.failCheck) {
            const f = new provproto.CheckFailure();
            f.setProperty("value");
            f.setReason("value is not allowed");
            resp.setFailuresList([f]);
        }
        cb(null, resp);
    },
    diff(call, cb) {
        record("Diff", call.request);
        const olds = call.request.getOldInputs().toJavaScript();
        const news = call.request.getNews().toJavaScript();
        const resp = new provproto.DiffResponse();
        const C = provproto.DiffResponse.DiffChanges;
        const K = provproto.PropertyDiff.Kind;
        const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
        const changed = [];
        for (const k of keys) {
            if (JSON.stringify(olds[k]) === JSON.stringify(news[k])) continue;
            changed.push(k);
            const d = new provproto.PropertyDiff();
            const replace = k === "immutable";
            d.setKind(!(k in olds) ? (replace ? K.ADD_REPLACE : K.ADD) : !(k in news) ? (replace ? K.DELETE_REPLACE : K.DELETE)
                : (replace ? K.UPDATE_REPLACE : K.UPDATE));
            d.setInputdiff(true);
            resp.getDetaileddiffMap().set(k, d);
        }
        resp.setChanges(changed.length ? C.DIFF_SOME : C.DIFF_NONE);
        resp.setDiffsList(changed);
        resp.setHasdetaileddiff(true);
        resp.setDeletebeforereplace(!!plain(news.dbr));
        cb(null, resp);
    },
    async create(call, cb) {
        record("Create", call.request);
        const urn = call.request.getUrn();
        const inputs = call.request.getProperties().toJavaScript();
        await log(engproto.LogSeverity.INFO, urn, `creating ${nameOf(urn)}`, true);
        const id = `thing-${nameOf(urn)}`;
        const outputs = outputsOf(inputs);
        const resp = new provproto.CreateResponse();
        if (call.request.getPreview()) {
            resp.setProperties(struct(outputs));
            return cb(null, resp);
        }
        putCloud(id, { inputs, outputs });
        if (inputs.warn) await log(engproto.LogSeverity.WARNING, urn, `careful with ${nameOf(urn)}`, false);
        if (inputs.failCreate) return cb(initFailure(id, outputs, `${nameOf(urn)} did not initialize`));
        await log(engproto.LogSeverity.INFO, urn, `created ${id}`, false);
        resp.setId(id);
        resp.setProperties(struct(outputs));
        cb(null, resp);
    },
    read(call, cb) {
        record("Read", call.request);
        const id = call.request.getId();
        const found = getCloud(id);
        const resp = new provproto.ReadResponse();
        if (!found) return cb(null, resp);
        resp.setId(id);
        resp.setProperties(struct(found.outputs));
        resp.setInputs(struct(found.inputs));
        cb(null, resp);
    },
    update(call, cb) {
        record("Update", call.request);
        const news = call.request.getNews().toJavaScript();
        const outputs = outputsOf(news);
        if (!call.request.getPreview()) putCloud(call.request.getId(), { inputs: news, outputs });
        const resp = new provproto.UpdateResponse();
        resp.setProperties(struct(outputs));
        cb(null, resp);
    },
    delete(call, cb) {
        record("Delete", call.request);
        putCloud(call.request.getId(), undefined);
        cb(null, new emptyproto.Empty());
    },
    cancel(call, cb) {
        record("Cancel", {});
        cb(null, new emptyproto.Empty());
    },
};

const server = new grpc.Server();
server.addService(provrpc.ResourceProviderService, impl);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    console.log(String(port));
    console.log("fixture plugin serving");
    console.error("fixture plugin stderr line");
});
