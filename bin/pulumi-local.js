#!/usr/bin/env node
// The local engine's CLI, repository tooling only: run it from the repository root as
// `node bin/pulumi-local.js <preview|up|refresh|destroy|config> ...` (the package declares no `bin`, so an
// install puts no command in a user's node_modules/.bin, and this file is not in the tarball). It runs the
// compiled copy when `npm run build` made one that is not older than the sources, else the TypeScript
// source through ts-node (transpile-only, so no build step is needed).
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..");
const sources = path.join(root, "tools", "pulumi-local");
const compiled = path.join(root, "dist", "tools", "pulumi-local", "cli.js");

function compiledIsCurrent() {
    if (!fs.existsSync(compiled)) return false;
    if (!fs.existsSync(sources)) return true;
    const built = fs.statSync(compiled).mtimeMs;
    return fs.readdirSync(sources)
        .filter((f) => f.endsWith(".ts"))
        .every((f) => fs.statSync(path.join(sources, f)).mtimeMs <= built);
}

if (!fs.existsSync(compiled) && !fs.existsSync(sources)) {
    // The published package ships the provider and SDK only; the local engine is repository tooling.
    console.error("pulumi-local is offline tooling of the pulumi-sfn-alias repository and is not part of the published package; to use it, clone the repository, run `npm ci` there, then `node bin/pulumi-local.js --help` from its root.");
    process.exit(2);
} else if (compiledIsCurrent()) {
    require(compiled).runCli();
} else {
    require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
    require(path.join(sources, "cli.ts")).runCli();
}
