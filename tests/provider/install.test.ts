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
 * installed from the tarball by the command line, exactly as the README says. --offline makes npm answer
 * every request from its cache or fail (ENOTCACHED); its proxy is also a closed port on 127.0.0.1, so a
 * request that did go out would not leave the machine.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
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

    before(() => {
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
        execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel", "error", tarball], {
            cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, npm_config_proxy: "http://127.0.0.1:9", npm_config_https_proxy: "http://127.0.0.1:9", npm_config_noproxy: "", NO_PROXY: "", no_proxy: "" },
        });
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("ships what a user needs and nothing else: the provider, the SDK, the README, package.json", () => {
        const stray = packedFiles.filter((f) => !/^(dist\/(sdk|provider)\/[^/].*|README\.md|LICENSE|package\.json)$/.test(f));
        assert.deepStrictEqual(stray, [], "files outside dist/sdk, dist/provider, README, LICENSE, package.json");
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
