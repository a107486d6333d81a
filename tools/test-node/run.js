#!/usr/bin/env node
// The test runner of `npm test` (after build and typecheck): the suites on the Node.js versions and the
// @pulumi/pulumi versions the package supports, fetched through npm and cached under .cache/.
//
//   run 1: the whole suite on the newest Node LTS, with the @pulumi/pulumi of package-lock.json (the newest
//          of the peer range);
//   run 2: the end-to-end part (the provider, the local engine and endpoint, and the two together) on the
//          older Node LTS, with the oldest @pulumi/pulumi of the peer range, in a copy of the checkout
//          under .cache/peer/ whose node_modules has that version.
//
// Plain CommonJS, so it runs before any build on whatever Node runs npm. The versions are package.json's
// config.testNode. `node tools/test-node/run.js --only newest|oldest` runs one of the two.
"use strict";
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");
const CACHE = path.join(ROOT, ".cache");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const cfg = pkg.config && pkg.config.testNode;
if (!cfg) fail("package.json has no config.testNode");

function fail(message) {
    console.error(`\ntest-node: ${message}`);
    process.exit(1);
}

function seconds(ms) {
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** The npm that runs this script (npm_execpath), on `node` (this Node by default); `npm` from PATH otherwise. */
function npm(args, opts, node = process.execPath) {
    const cli = process.env.npm_execpath;
    const r = cli && /\.js$/.test(cli)
        ? spawnSync(node, [cli, ...args], { stdio: "inherit", ...opts })
        : spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", args, { stdio: "inherit", shell: process.platform === "win32", ...opts });
    return r.status === 0;
}

/** The path of Node `version`'s binary, downloaded into .cache/node/<version>/ when not there yet. */
function ensureNode(version) {
    const name = `node-${process.platform}-${process.arch}`;
    const dir = path.join(CACHE, "node", version);
    const bin = path.join(dir, "node_modules", name, "bin", process.platform === "win32" ? "node.exe" : "node");
    if (!fs.existsSync(bin)) {
        console.log(`test-node: fetching Node ${version} (${name}@${version}) into ${path.relative(ROOT, dir)}`);
        fs.mkdirSync(dir, { recursive: true });
        const ok = npm(["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--prefix", dir, `${name}@${version}`]);
        if (!ok || !fs.existsSync(bin)) {
            fail(`could not fetch Node ${version}: \`npm install ${name}@${version}\` failed or left no ${path.relative(ROOT, bin)}. ` +
                "It needs the npm registry (or its cache); the package must exist for this platform and architecture.");
        }
    }
    const v = spawnSync(bin, ["--version"], { encoding: "utf8" });
    if (v.status !== 0 || v.stdout.trim() !== `v${version}`) fail(`${bin} does not run or is not v${version}: ${v.stdout}${v.stderr}`);
    return bin;
}

/** The files of the checkout a copy needs: tracked and untracked-but-not-ignored, as git lists them. */
function checkoutFiles() {
    const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.status !== 0) fail(`git ls-files failed (the oldest-peer run copies the checkout's files): ${r.stderr}`);
    return r.stdout.split("\0").filter((f) => f && fs.existsSync(path.join(ROOT, f)));
}

/**
 * A copy of the checkout with @pulumi/pulumi@<pulumiVersion> in its node_modules, built: .cache/peer/<key>/,
 * the key from package-lock.json and the versions. node_modules is kept between runs; the sources are
 * copied afresh each time (and files gone from the checkout removed), then dist/ is rebuilt there.
 */
function ensurePeerTree(pulumiVersion, node) {
    const lock = fs.readFileSync(path.join(ROOT, "package-lock.json"));
    const key = crypto.createHash("sha256").update(lock).update(`\0${pulumiVersion}\0${process.platform}-${process.arch}`).digest("hex").slice(0, 16);
    const dir = path.join(CACHE, "peer", `pulumi-${pulumiVersion}-${key}`);
    const peerRoot = path.join(CACHE, "peer");
    if (fs.existsSync(peerRoot)) {
        for (const d of fs.readdirSync(peerRoot)) if (path.join(peerRoot, d) !== dir) fs.rmSync(path.join(peerRoot, d), { recursive: true, force: true });
    }
    fs.mkdirSync(dir, { recursive: true });
    for (const entry of fs.readdirSync(dir)) {
        if (entry !== "node_modules" && entry !== ".ready") fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
    for (const f of checkoutFiles()) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    }
    const ready = path.join(dir, ".ready");
    if (!fs.existsSync(ready)) {
        console.log(`test-node: installing the dependencies with @pulumi/pulumi@${pulumiVersion} in ${path.relative(ROOT, dir)}`);
        const quiet = ["--no-audit", "--no-fund", "--prefer-offline"];
        // On the Node the tree is for, so its engines checks and install scripts are that Node's.
        const env = { ...process.env, PATH: path.dirname(node) + path.delimiter + process.env.PATH };
        if (!npm(["ci", ...quiet], { cwd: dir, env }, node)) fail(`npm ci failed in ${dir}`);
        if (!npm(["install", "--no-save", ...quiet, `@pulumi/pulumi@${pulumiVersion}`], { cwd: dir, env }, node)) {
            fail(`could not install @pulumi/pulumi@${pulumiVersion} in ${dir}`);
        }
        fs.writeFileSync(ready, "");
    }
    const got = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version;
    if (got !== pulumiVersion) fail(`${dir} has @pulumi/pulumi ${got}, not ${pulumiVersion}`);
    // dist/ built there, against that @pulumi/pulumi's types (the package's own `npm run build`).
    const tsc = spawnSync(node, [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: dir, stdio: "inherit" });
    if (tsc.status !== 0) fail(`the build failed against @pulumi/pulumi@${pulumiVersion} (in ${dir})`);
    return dir;
}

/** Mocha on `node` in `cwd`; children the tests start (process.execPath, and `node` on PATH) run on it too. */
function mocha(label, node, cwd, specs) {
    const pulumi = JSON.parse(fs.readFileSync(path.join(cwd, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version;
    const env = { ...process.env, PATH: path.dirname(node) + path.delimiter + process.env.PATH };
    if (cfg.compileCache) env.NODE_COMPILE_CACHE = path.join(CACHE, "compile-cache", path.basename(path.dirname(path.dirname(path.dirname(path.dirname(node))))));
    const v = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
    console.log(`\n=== test-node: ${label}: Node ${v}, @pulumi/pulumi ${pulumi}: ${specs.join(" ")}${cwd === ROOT ? "" : ` (in ${path.relative(ROOT, cwd)})`}\n`);
    const start = Date.now();
    const ignore = [];
    for (const i of (cwd === ROOT ? [] : cfg.oldestIgnore || [])) ignore.push("--ignore", i);
    const r = spawnSync(node, [path.join(cwd, "node_modules", "mocha", "bin", "mocha.js"), "--parallel", "--jobs", String(cfg.jobs || 3), ...ignore, ...specs], { cwd, env, stdio: "inherit" });
    const took = Date.now() - start;
    const ok = r.status === 0;
    console.log(`\n=== test-node: ${label}: Node ${v}, @pulumi/pulumi ${pulumi}: ${ok ? "passed" : "FAILED"} in ${seconds(took)}\n`);
    return { label: `${label} (Node ${v}, @pulumi/pulumi ${pulumi})`, ok, took };
}

function main() {
    const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
    const start = Date.now();
    const results = [];
    if (!only || only === "newest") {
        results.push(mocha("whole suite", ensureNode(cfg.newest), ROOT, ["tests/**/*.test.ts"]));
    }
    if (!only || only === "oldest") {
        const node = ensureNode(cfg.oldest);
        const t = Date.now();
        const dir = ensurePeerTree(cfg.oldestPulumi, node);
        console.log(`test-node: the oldest-peer tree is ready in ${seconds(Date.now() - t)}`);
        results.push(mocha("end-to-end part", node, dir, cfg.oldestSpecs));
    }
    console.log("test-node: summary");
    for (const r of results) console.log(`  ${r.ok ? "passed" : "FAILED"}  ${seconds(r.took)}  ${r.label}`);
    console.log(`  total ${seconds(Date.now() - start)}`);
    process.exit(results.every((r) => r.ok) ? 0 : 1);
}

main();
