/**
 * The README's install path, for real and offline: `npm pack` of this checkout into a temporary folder, then
 * `npm install --offline <tgz>` in a fresh Pulumi-program-like project, as a user installs it before the
 * package is on the registry.
 *
 * Offline: a fresh project has no lockfile, and npm then needs each dependency's registry metadata
 * (packument) to resolve its range, which `npm ci` never downloads (it installs from the lockfile's URLs
 * and integrities), so the cache cannot answer it (ENOTCACHED). The project therefore starts with a
 * package-lock.json holding the tree this checkout actually installed (node_modules/.package-lock.json)
 * for the package's dependencies and its peer @pulumi/pulumi: the same versions a user's install resolves
 * today, whose tarballs `npm ci` left in npm's cache, found there by integrity. The package itself is
 * installed from the tarball by the command line, exactly as the README says.
 *
 * One thing the lockfile cannot answer: adding a package with a peer dependency makes npm resolve the peer
 * against the project's own edge by its registry metadata (@npmcli/arborist build-ideal-tree.js
 * #loadPeerSet -> #nodeFromEdge fetches the manifest of `@pulumi/pulumi@^3.x` even though the lockfile holds
 * it), and a fresh machine's cache holds no packuments, only the tarballs `npm ci` fetched. So the test
 * serves a registry on 127.0.0.1 whose packuments are built from the same installed lock entries (versions,
 * dependencies, peers, integrity): what the registry would answer for the versions installed here. npm is
 * told `--prefer-offline`; a tarball it asks for anyway (npm re-resolves part of the tree once the peer is
 * placed) is served from npm's own content-addressed cache by integrity, and one that is not there is
 * answered 404, so a cache miss fails the test instead of going anywhere. Its proxy is a closed port on
 * 127.0.0.1, so no request leaves the machine.
 */
import { strict as assert } from "assert";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "../..");
const PACKAGE = "pulumi-sfn-alias";
/** The module every stack's `__provider` requires: permanent public API (README, "Install"). */
const PROVIDER_PATH = "pulumi-sfn-alias/dist/provider/resourceProvider.js";

type LockEntry = { version?: string; link?: boolean; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; [k: string]: unknown };

/** The lockfile entries (location -> entry) of `roots` and everything they need, as installed in this checkout. */
function installedClosure(roots: string[]): Record<string, LockEntry> {
    const hidden = path.join(REPO, "node_modules", ".package-lock.json");
    const lock = JSON.parse(fs.readFileSync(fs.existsSync(hidden) ? hidden : path.join(REPO, "package-lock.json"), "utf8"));
    const all: Record<string, LockEntry> = lock.packages;
    // Node's resolution: node_modules/<name> beside `from`, then in each enclosing node_modules up to the root.
    const resolve = (from: string, name: string): string | undefined => {
        for (let loc = from; ; ) {
            const candidate = `${loc ? `${loc}/` : ""}node_modules/${name}`;
            if (all[candidate] && !all[candidate].link) return candidate;
            if (!loc) return undefined;
            const i = loc.lastIndexOf("/node_modules/");
            loc = i < 0 ? "" : loc.slice(0, i);
        }
    };
    const out: Record<string, LockEntry> = {};
    const todo: string[] = [];
    const add = (from: string, name: string, optional = false) => {
        const loc = resolve(from, name);
        if (!loc) {
            if (optional) return;
            throw new Error(`${name} (needed by ${from || "the project"}) is not installed in this checkout: run npm ci`);
        }
        if (out[loc]) return;
        const { dev, devOptional, peer, extraneous, ...entry } = all[loc];
        out[loc] = entry;
        todo.push(loc);
    };
    for (const name of roots) add("", name);
    while (todo.length) {
        const loc = todo.pop()!;
        const e = all[loc];
        for (const name of Object.keys(e.dependencies ?? {})) add(loc, name);
        for (const name of Object.keys(e.optionalDependencies ?? {})) add(loc, name, true);
        for (const name of Object.keys(e.peerDependencies ?? {})) if (!e.peerDependenciesMeta?.[name]?.optional) add(loc, name);
    }
    return out;
}

/** The installed lock entries of this checkout, grouped by package name: the registry's view of what is here. */
function installedVersions(): Map<string, Map<string, LockEntry>> {
    const hidden = path.join(REPO, "node_modules", ".package-lock.json");
    const lock = JSON.parse(fs.readFileSync(fs.existsSync(hidden) ? hidden : path.join(REPO, "package-lock.json"), "utf8"));
    const byName = new Map<string, Map<string, LockEntry>>();
    for (const [loc, entry] of Object.entries(lock.packages as Record<string, LockEntry>)) {
        const i = loc.lastIndexOf("node_modules/");
        if (i < 0 || entry.link || !entry.version || typeof entry.integrity !== "string") continue;
        const name = loc.slice(i + "node_modules/".length);
        if (!byName.has(name)) byName.set(name, new Map());
        byName.get(name)!.set(entry.version, entry);
    }
    return byName;
}

/** Where npm's cache holds the content of `integrity` (cacache's layout), if it does. */
function cachedContent(cache: string, integrity: string): string | undefined {
    const first = integrity.split(" ")[0];
    const dash = first.indexOf("-");
    const algo = first.slice(0, dash);
    const hex = Buffer.from(first.slice(dash + 1), "base64").toString("hex");
    const file = path.join(cache, "_cacache", "content-v2", algo, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
    return fs.existsSync(file) ? file : undefined;
}

/**
 * A registry on 127.0.0.1 that answers packuments (GET /<name>, scoped names %2f-encoded) for the versions
 * installed here, tarballs (GET /<name>/-/<file>.tgz) from npm's cache, and 404 to everything else.
 */
async function startLocalRegistry(): Promise<{ url: string; asked: string[]; missing: string[]; close: () => Promise<void> }> {
    const byName = installedVersions();
    const cache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
    const asked: string[] = [];
    const missing: string[] = [];
    let url = "";
    const server = http.createServer((req, res) => {
        const name = decodeURIComponent((req.url ?? "/").slice(1).split("?")[0]);
        asked.push(name);
        const tarball = /^(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(name);
        if (tarball) {
            // The tarball npm ci left in npm's content-addressed cache (cacache: content-v2/<algo>/<hex path>).
            const entry = byName.get(tarball[1])?.get(tarball[2]);
            const file = entry && cachedContent(cache, entry.integrity as string);
            if (req.method === "GET" && file) {
                res.writeHead(200, { "content-type": "application/octet-stream", "content-length": fs.statSync(file).size });
                fs.createReadStream(file).pipe(res);
                return;
            }
        }
        const versions = tarball ? undefined : byName.get(name);
        if (req.method !== "GET" || !versions) {
            missing.push(name);
            res.writeHead(404, { "content-type": "application/json" });
            res.end(JSON.stringify({ error: "Not found" }));
            return;
        }
        const manifests: Record<string, unknown> = {};
        for (const [version, e] of versions) {
            manifests[version] = {
                name, version, dependencies: e.dependencies, optionalDependencies: e.optionalDependencies,
                peerDependencies: e.peerDependencies, peerDependenciesMeta: e.peerDependenciesMeta,
                engines: e.engines, os: e.os, cpu: e.cpu, bin: e.bin, license: e.license,
                // The registry's tarball address (this machine's npm omits `resolved` from lockfiles), served
                // above from npm's cache.
                dist: { integrity: e.integrity, tarball: `${url}${name}/-/${name.split("/").pop()}-${version}.tgz` },
            };
        }
        const latest = [...versions.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop();
        const body = JSON.stringify({ name, "dist-tags": { latest }, versions: manifests });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return { url, asked, missing, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Runs a command to its end; rejects with its stderr when it fails. */
function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
    return new Promise((resolve, reject) => {
        execFile(cmd, args, { ...opts, encoding: "utf8" }, (error, _stdout, stderr) => (error ? reject(new Error(`${cmd} ${args.join(" ")} failed: ${stderr}`)) : resolve()));
    });
}

describe("installed from a packed tarball, offline (the README's install path)", function () {
    this.timeout(120000);
    let tmp: string;
    let project: string;
    let packedFiles: string[];
    let tarball: string;

    /** Node in the project folder; returns stdout. */
    const nodeIn = (script: string) =>
        execFileSync(process.execPath, ["-e", script], {
            cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1" },
        });

    before(async () => {
        assert.ok(fs.existsSync(path.join(REPO, "dist/sdk/index.js")), "run `npm run build` first (npm test does)");
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sfn-alias-install-"));
        // --ignore-scripts: `prepare` would rebuild dist/ under the suites running in parallel; npm test built it.
        const pack = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], {
            cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
        }));
        packedFiles = (pack[0].files as { path: string }[]).map((f) => f.path);
        tarball = path.join(tmp, pack[0].filename);

        project = path.join(tmp, "program");
        fs.mkdirSync(project);
        const pulumiVersion = JSON.parse(fs.readFileSync(path.join(REPO, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version;
        const own = { "@pulumi/pulumi": `^${pulumiVersion}` }; // a Pulumi program's own dependency
        const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
        const tree = installedClosure([...Object.keys(own), ...Object.keys(manifest.dependencies)]);
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "program", version: "1.0.0", private: true, dependencies: own }, null, 2));
        fs.writeFileSync(path.join(project, "package-lock.json"), JSON.stringify({
            name: "program", version: "1.0.0", lockfileVersion: 3, requires: true,
            packages: { "": { name: "program", version: "1.0.0", dependencies: own }, ...tree },
        }, null, 2));
        const registry = await startLocalRegistry();
        try {
            // Asynchronous: the registry answers from this process while npm runs.
            await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel", "error", "--registry", registry.url, tarball], {
                cwd: project,
                env: {
                    ...process.env, npm_config_proxy: "http://127.0.0.1:9", npm_config_https_proxy: "http://127.0.0.1:9",
                    npm_config_noproxy: "127.0.0.1", NO_PROXY: "127.0.0.1", no_proxy: "127.0.0.1",
                },
            });
        } finally {
            await registry.close();
        }
        // Packuments of optional peers nobody installs (ts-node's @swc/core) may be asked for and answered 404,
        // as the registry would not; every tarball npm fetched was one npm ci had cached.
        assert.deepStrictEqual(registry.missing.filter((n) => n.includes("/-/")), [], "every tarball npm asked for was in npm's cache");
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("ships what a user needs and nothing else: the provider, the SDK, the plugin manifest, the README, package.json", () => {
        const stray = packedFiles.filter((f) => !/^(dist\/(sdk|provider)\/[^/].*|PulumiPlugin\.yaml|README\.md|LICENSE|package\.json)$/.test(f));
        assert.deepStrictEqual(stray, [], "files outside dist/sdk, dist/provider, PulumiPlugin.yaml, README, LICENSE, package.json");
        // The installed package is a plugin folder too, for Pulumi.yaml `plugins: providers: [{ path: ... }]`.
        assert.ok(packedFiles.includes("PulumiPlugin.yaml"));
        for (const f of ["dist/sdk/index.js", "dist/sdk/index.d.ts", "dist/provider/resourceProvider.js"]) assert.ok(packedFiles.includes(f), f);
        const installed = JSON.parse(fs.readFileSync(path.join(project, "node_modules", PACKAGE, "package.json"), "utf8"));
        assert.equal(installed.bin, undefined, "no command in a user's node_modules/.bin (pulumi-local is repository tooling)");
        assert.ok(!fs.existsSync(path.join(project, "node_modules/.bin/pulumi-local")));
        const saved = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8")).dependencies[PACKAGE];
        assert.match(saved, /^file:.*\.tgz$/, "saved as the tarball the README's command names");
    });

    it('require("pulumi-sfn-alias") exposes StateMachineAlias and the provider, from node_modules', () => {
        const out = JSON.parse(nodeIn(`
            const m = require("${PACKAGE}");
            process.stdout.write(JSON.stringify({ at: require.resolve("${PACKAGE}"), alias: typeof m.StateMachineAlias,
                provider: Object.keys(m.stateMachineAliasProvider) }));`));
        assert.equal(out.at, path.join(fs.realpathSync(project), "node_modules", PACKAGE, "dist/sdk/index.js"));
        assert.equal(out.alias, "function");
        assert.deepStrictEqual(out.provider, ["configure", "check", "diff", "create", "read", "update", "delete"]);
    });

    it(`require("${PROVIDER_PATH}") loads the provider (the path every stack's state references)`, () => {
        const out = JSON.parse(nodeIn(`
            const p = require("${PROVIDER_PATH}");
            process.stdout.write(JSON.stringify({ keys: Object.keys(p), same: p === require("${PACKAGE}").stateMachineAliasProvider }));`));
        assert.deepStrictEqual(out.keys, ["configure", "check", "diff", "create", "read", "update", "delete"]);
        assert.equal(out.same, true, "the SDK's provider object is that module's export");
    });

    it("the installed package is a provider plugin: run as the CLI runs it, it serves its schema", async () => {
        const { provproto, startPlugin } = await import("../plugin/harness");
        const plugin = await startPlugin("127.0.0.1:9", { AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1" }, path.join(project, "node_modules", PACKAGE));
        try {
            const req = new provproto.GetSchemaRequest();
            req.setVersion(0);
            const schema = JSON.parse((await plugin.call("getSchema", req)).getSchema());
            assert.equal(schema.name, "sfn-alias");
            assert.equal(schema.version, JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version);
        } finally {
            await plugin.stop();
        }
    });

    it(`a program's serialized __provider requires exactly "${PROVIDER_PATH}"`, () => {
        // Pulumi writes this require() into the state of every StateMachineAlias; the dynamic-provider plugin
        // evaluates it on every later preview, up, refresh and destroy. A release that moved or renamed the
        // module, or an `exports` map that Pulumi's serializer maps the path through (@pulumi/pulumi
        // runtime/closure/package.js getModuleFromPath), would break every existing stack.
        const text = nodeIn(`
            const pulumi = require("@pulumi/pulumi");
            const { stateMachineAliasProvider } = require("${PACKAGE}");
            pulumi.runtime.serializeFunction(() => stateMachineAliasProvider, { allowSecrets: true })
                .then((f) => process.stdout.write(f.text), (e) => { console.error(e); process.exit(1); });`);
        assert.deepStrictEqual(text.match(/require\("pulumi-sfn-alias[^"]*"\)/g), [`require("${PROVIDER_PATH}")`]);
    });
});
