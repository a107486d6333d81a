// The program and the provider plugin the local engine starts run on the Node.js of the test run
// (process.execPath) and load the @pulumi/pulumi the tests resolve, so that a run of `npm test` on a
// Node version and a @pulumi/pulumi version (tools/test-node/run.js) tests that combination end to end.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Scratch } from "../pulumi-local/helpers";

describe("runtime of the program and the plugin", function () {
    this.timeout(60_000);

    it("both run on this Node.js and load this @pulumi/pulumi", async () => {
        const p = new Scratch();
        try {
            const r = await p.run("up", [{ name: "a" }], { skipPreview: true });
            assert.ok(r.ok, r.error);
            const seen = fs.readFileSync(path.join(p.recordsDir, "runtime.log"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
            const pulumi = require("@pulumi/pulumi/package.json").version;
            assert.deepStrictEqual([...new Set(seen.map((s) => s.who))].sort(), ["plugin", "program"]);
            for (const s of seen) assert.deepStrictEqual({ node: s.node, pulumi: s.pulumi }, { node: process.version, pulumi }, s.who);
            console.log(`      (program and plugin: Node ${process.version}, @pulumi/pulumi ${pulumi})`);
        } finally {
            p.cleanup();
        }
    });
});
