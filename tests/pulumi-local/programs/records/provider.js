// A trivial dynamic provider for the local engine's tests: records live in `$RECORDS_DIR/records.json`,
// every call that writes is appended to `$RECORDS_DIR/calls.log`, and inputs ask it to fail on demand.
// configure, check and diff are appended to `$RECORDS_DIR/rpc.log` (one JSON line each, with the plugin's
// pid and what check received), so that tests can tell the engine's Check and Diff calls apart.
// Only builtins are required, inside the methods, so the serialized text stays self-contained.
const pulumi = require("@pulumi/pulumi");

const recordsProvider = {
    async configure(req) {
        globalThis.__recordsProbe = req.config.get("probe") || "";
        globalThis.__recordsRegion = req.config.get("aws:region") || "";
        globalThis.__recordsToken = req.config.get("token") || "";
        const fs = require("fs");
        const path = require("path");
        fs.appendFileSync(path.join(process.env.RECORDS_DIR, "rpc.log"), JSON.stringify({ call: "configure", pid: process.pid }) + "\n");
        fs.appendFileSync(path.join(process.env.RECORDS_DIR, "runtime.log"),
            JSON.stringify({ who: "plugin", node: process.version, pulumi: JSON.parse(fs.readFileSync(
                // The plugin's script, @pulumi/pulumi's cmd/dynamic-provider/index.js: its package.json is two up.
                path.join(path.dirname(process.argv[1]), "..", "..", "package.json"), "utf8")).version }) + "\n");
    },
    async check(olds, news) {
        const fs = require("fs");
        const path = require("path");
        const seen = (p) => (Object.keys(p).length === 0 ? {} : { key: p.key, value: p.value, tag: p.tag });
        fs.appendFileSync(path.join(process.env.RECORDS_DIR, "rpc.log"),
            JSON.stringify({ call: "check", pid: process.pid, key: news.key, olds: seen(olds), news: seen(news) }) + "\n");
        const failures = [];
        if (news.value === "invalid") failures.push({ property: "value", reason: "must not be \"invalid\"; pick another value" });
        // A value check fills in (as a provider's autoname): the same in preview and up, from the inputs only.
        if (news.value === "fill-in") return { inputs: { ...news, value: `filled-${news.key}` }, failures };
        // A value check draws at random: a check that is not deterministic (preview and up each run their own).
        if (news.value === "random") return { inputs: { ...news, value: `random-${require("crypto").randomBytes(6).toString("hex")}` }, failures };
        // A value check keeps from the olds it is given (as a provider keeps an autoname it made before).
        if (news.stickyValue && olds.value !== undefined) return { inputs: { ...news, value: olds.value }, failures };
        return { inputs: news, failures };
    },
    async diff(id, olds, news) {
        const fs = require("fs");
        const path = require("path");
        fs.appendFileSync(path.join(process.env.RECORDS_DIR, "rpc.log"), JSON.stringify({ call: "diff", pid: process.pid, key: news.key }) + "\n");
        if (news.diffUnknown) return {};
        const watched = ["key", "value", "tag", "secretValue"];
        const changed = watched.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        const replaces = changed.filter((k) => k === "key");
        return { changes: changed.length > 0, replaces, deleteBeforeReplace: !!news.providerDeleteFirst };
    },
    async create(inputs) {
        const fs = require("fs");
        const path = require("path");
        const dir = process.env.RECORDS_DIR;
        const load = () => (fs.existsSync(path.join(dir, "records.json")) ? JSON.parse(fs.readFileSync(path.join(dir, "records.json"), "utf8")) : {});
        const log = (line) => fs.appendFileSync(path.join(dir, "calls.log"), line + "\n");
        log(`create ${inputs.key}`);
        // A gate (tests of pending operations): with `gate` set, the call writes `create-<key>.waiting` and waits
        // (bounded) until the file `gate` names appears in $RECORDS_DIR.
        for (let i = 0; inputs.gate && !fs.existsSync(path.join(dir, inputs.gate)); i++) {
            if (i === 0) fs.writeFileSync(path.join(dir, `create-${inputs.key}.waiting`), "");
            if (i > 3000) throw new Error(`gate ${inputs.gate} never opened`);
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
        if (inputs.hang) {
            fs.writeFileSync(path.join(dir, "hanging"), inputs.key);
            await new Promise(() => setInterval(() => undefined, 1000));
        }
        if (inputs.failCreate) throw new Error(`create of ${inputs.key} refused on demand`);
        // Concurrency probes: wait (bounded) until another record exists; or require one to exist already.
        for (let i = 0; inputs.waitFor && !load()[inputs.waitFor]; i++) {
            if (i > 200) throw new Error(`record ${inputs.waitFor} never appeared while ${inputs.key} waited for it`);
            await new Promise((resolve) => setTimeout(resolve, 25));
        }
        if (inputs.needs && !load()[inputs.needs]) throw new Error(`record ${inputs.needs} is not created yet, but ${inputs.key} depends on it`);
        const records = load();
        if (records[inputs.key]) throw new Error(`record ${inputs.key} already exists`);
        const id = `rec-${inputs.key}`;
        records[inputs.key] = { value: inputs.value, tag: inputs.tag || "" };
        fs.writeFileSync(path.join(dir, "records.json"), JSON.stringify(records));
        const outs = { ...inputs, recordId: id, probe: globalThis.__recordsProbe, region: globalThis.__recordsRegion };
        delete outs.__provider;
        if (inputs.partialCreate) {
            const err = new Error(`record ${inputs.key} created but did not become ready`);
            err.id = id;
            // As a dynamic provider must: the engine records these properties as they are, and later calls
            // on the resource rebuild the provider from their __provider.
            err.properties = { ...outs, __provider: inputs.__provider };
            err.reasons = ["not ready"];
            throw err;
        }
        return { id, outs };
    },
    async read(id, props) {
        const fs = require("fs");
        const path = require("path");
        const dir = process.env.RECORDS_DIR;
        fs.appendFileSync(path.join(dir, "calls.log"), `read ${props.key}\n`);
        // A gate (tests of pending operations): with `gate` set, the call writes `read-<key>.waiting` and waits
        // (bounded) until the file `gate` names appears in $RECORDS_DIR.
        for (let i = 0; props.gate && !fs.existsSync(path.join(dir, props.gate)); i++) {
            if (i === 0) fs.writeFileSync(path.join(dir, `read-${props.key}.waiting`), "");
            if (i > 3000) throw new Error(`gate ${props.gate} never opened`);
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const file = path.join(dir, "records.json");
        const records = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
        const rec = records[props.key];
        if (!rec) return { id: "", props: {} };
        const outs = { ...props, value: rec.value };
        delete outs.__provider;
        return { id, props: outs };
    },
    async update(id, olds, news) {
        const fs = require("fs");
        const path = require("path");
        const dir = process.env.RECORDS_DIR;
        fs.appendFileSync(path.join(dir, "calls.log"), `update ${news.key}\n`);
        // A gate (tests of pending operations): with `gate` set, the call writes `update-<key>.waiting` and waits
        // (bounded) until the file `gate` names appears in $RECORDS_DIR.
        for (let i = 0; news.gate && !fs.existsSync(path.join(dir, news.gate)); i++) {
            if (i === 0) fs.writeFileSync(path.join(dir, `update-${news.key}.waiting`), "");
            if (i > 3000) throw new Error(`gate ${news.gate} never opened`);
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
        if (news.failUpdate) throw new Error(`update of ${news.key} refused on demand`);
        const file = path.join(dir, "records.json");
        const records = JSON.parse(fs.readFileSync(file, "utf8"));
        records[news.key] = { value: news.value, tag: news.tag || "" };
        fs.writeFileSync(file, JSON.stringify(records));
        const outs = { ...olds, ...news, recordId: id };
        delete outs.__provider;
        return { outs };
    },
    async delete(id, props) {
        const fs = require("fs");
        const path = require("path");
        const dir = process.env.RECORDS_DIR;
        fs.appendFileSync(path.join(dir, "calls.log"), `delete ${props.key}\n`);
        // A gate (tests of pending operations): with `gate` set, the call writes `delete-<key>.waiting` and waits
        // (bounded) until the file `gate` names appears in $RECORDS_DIR.
        for (let i = 0; props.gate && !fs.existsSync(path.join(dir, props.gate)); i++) {
            if (i === 0) fs.writeFileSync(path.join(dir, `delete-${props.key}.waiting`), "");
            if (i > 3000) throw new Error(`gate ${props.gate} never opened`);
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
        if (props.failDelete) throw new Error(`delete of ${props.key} refused on demand`);
        const file = path.join(dir, "records.json");
        const records = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
        delete records[props.key];
        fs.writeFileSync(file, JSON.stringify(records));
    },
};

class Record extends pulumi.dynamic.Resource {
    constructor(name, props, opts) {
        super(recordsProvider, name, { ...props, recordId: undefined, probe: undefined, region: undefined }, opts, "records", "Record");
    }
}

module.exports = { Record, recordsProvider };
