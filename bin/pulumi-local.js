#!/usr/bin/env node
// Placeholder entry; the local engine's CLI replaces this.
require("ts-node").register({ transpileOnly: true });
require("../tools/pulumi-local/cli.ts");
