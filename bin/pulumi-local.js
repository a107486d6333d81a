#!/usr/bin/env node
// The local engine's CLI: the compiled copy when `npm run build` made one, else the TypeScript source
// through ts-node (transpile-only, so no build step is needed).
const fs = require("fs");
const path = require("path");
const compiled = path.join(__dirname, "..", "dist", "tools", "pulumi-local", "cli.js");
if (fs.existsSync(compiled)) {
    require(compiled).runCli();
} else {
    require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
    require("../tools/pulumi-local/cli.ts").runCli();
}
