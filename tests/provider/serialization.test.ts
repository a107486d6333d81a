/**
 * The provider as a user gets it: the package installed under a program's node_modules (the files
 * `npm pack` ships), serialized by Pulumi the way a resource does it, and the text run the way the
 * dynamic-provider plugin runs it (require-from-string, from the program folder).
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "../..");
const CREDENTIALS = {
    AWS_ACCESS_KEY_ID: "AKIAENVIRONMENTKEY01",
    AWS_SECRET_ACCESS_KEY: "env-secret-never-in-text",
    AWS_SESSION_TOKEN: "env-token-never-in-text",
};
const CONFIG_SECRET = "config-secret-never-in-text";

/** Node, run in the program folder with the credentials in its environment; returns stdout. */
function nodeIn(cwd: string, script: string, stdin = ""): string {
    return execFileSync(process.execPath, ["-e", script], {
        cwd,
        input: stdin,
        env: { ...process.env, ...CREDENTIALS, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1" },
        encoding: "utf8",
        stdio: ["pipe", "pipe", "pipe"],
    });
}

describe("serialized provider, as installed from the package", function () {
    this.timeout(60000);
    let program: string;
    let text: string;

    before(() => {
        assert.ok(fs.existsSync(path.join(REPO, "dist/sdk/index.js")), "run `npm run build` first (npm test does)");
        program = fs.mkdtempSync(path.join(os.tmpdir(), "sfn-alias-program-"));
        const modules = path.join(program, "node_modules");
        const installed = path.join(modules, "pulumi-sfn-alias");
        // The files npm would pack, copied as npm would install them.
        const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
        for (const { path: file } of packed[0].files as { path: string }[]) {
            fs.mkdirSync(path.dirname(path.join(installed, file)), { recursive: true });
            fs.copyFileSync(path.join(REPO, file), path.join(installed, file));
        }
        // Its dependencies and the program's own (@pulumi/pulumi): links to this repo's installed copies.
        for (const entry of fs.readdirSync(path.join(REPO, "node_modules"))) {
            if (entry.startsWith(".") || entry === "pulumi-sfn-alias") continue;
            fs.symlinkSync(path.join(REPO, "node_modules", entry), path.join(modules, entry));
        }
        // A program-side serialization, with the provider configured in the same process first (the worst
        // case: nothing configured may be captured).
        text = nodeIn(
            program,
            `
            const pulumi = require("@pulumi/pulumi");
            const { stateMachineAliasProvider } = require("pulumi-sfn-alias");
            (async () => {
                await stateMachineAliasProvider.configure({ config: { get: (k) => ({ "aws:secretKey": "${CONFIG_SECRET}", "aws:accessKey": "AKIACONFIGKEY0000001" })[k] } });
                const f = await pulumi.runtime.serializeFunction(() => stateMachineAliasProvider, { allowSecrets: true });
                process.stdout.write(f.text);
            })().catch((e) => { console.error(e); process.exit(1); });`,
        );
    });

    after(() => fs.rmSync(program, { recursive: true, force: true }));

    it("is a require() of the installed package, at most 4 KB", () => {
        assert.ok(text.length <= 4096, `serialized provider is ${text.length} bytes`);
        // Pinned on purpose: this exact path is in the `__provider` of every StateMachineAlias in every stack's
        // state, and the plugin require()s it on each later preview, up, refresh and destroy. It is permanent
        // public API (README, "Install"): moving or renaming dist/provider/resourceProvider.js, or adding an
        // `exports` map (Pulumi's serializer maps the path through it), would break existing stacks. The one
        // reference to the package, and nothing else of it: tests/provider/install.test.ts checks the same
        // after a real `npm install` of the packed tarball.
        assert.deepStrictEqual(text.match(/require\("pulumi-sfn-alias[^"]*"\)/g), ['require("pulumi-sfn-alias/dist/provider/resourceProvider.js")']);
        assert.doesNotMatch(text, /require\("\.{1,2}\//, "no relative require: the plugin evaluates the text from the program folder");
    });

    it("captures no credential from the environment or from configure", () => {
        for (const secret of [...Object.values(CREDENTIALS), CONFIG_SECRET, "AKIACONFIGKEY0000001"]) {
            assert.ok(!text.includes(secret), `serialized provider contains ${secret}`);
        }
    });

    it("runs the way the plugin runs it, and checks inputs", () => {
        const out = nodeIn(
            program,
            `
            const requireFromString = require("require-from-string");
            let text = ""; process.stdin.on("data", (c) => (text += c)).on("end", async () => {
                const provider = requireFromString(text).handler();
                await provider.configure({ config: { get: () => undefined } });
                const good = await provider.check({}, { __autonamePrefix: "live", routingConfiguration: [
                    { stateMachineVersionArn: "arn:aws:states:us-east-1:123456789012:stateMachine:orders:1", weight: 90 },
                    { stateMachineVersionArn: "arn:aws:states:us-east-1:123456789012:stateMachine:orders:2", weight: 10 } ] });
                const bad = await provider.check({}, { name: "123", routingConfigurations: [] });
                const diff = await provider.diff("id", { ...good.inputs, stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:orders" },
                    { ...good.inputs, routingConfiguration: [...good.inputs.routingConfiguration].reverse() });
                process.stdout.write(JSON.stringify({ good, bad, diff }));
            });`,
            text,
        );
        const { good, bad, diff } = JSON.parse(out);
        assert.equal(good.failures, undefined);
        assert.match(good.inputs.name, /^live-[a-z0-9]{7}$/);
        assert.deepEqual(
            bad.failures.map((f: { property: string }) => f.property),
            ["routingConfigurations", "name", "routingConfiguration"],
        );
        assert.match(bad.failures[0].reason, /did you mean routingConfiguration\?/);
        assert.deepEqual(diff, { changes: false, replaces: [] });
    });
});

describe("serialized provider, inlined (as in this repository's own programs)", function () {
    this.timeout(60000);

    it("captures no credential even when configure ran before serialization in the same process", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const { stateMachineAliasProvider } = await import("../../sdk");
        const { configureAws } = await import("../../provider/aws");
        const secret = "inline-secret-never-in-text";
        await stateMachineAliasProvider.configure!({
            config: { get: (k: string) => ({ "aws:accessKey": "AKIAINLINEKEY0000001", "aws:secretKey": secret })[k], require: () => "" },
        });
        try {
            const f = await pulumi.runtime.serializeFunction(() => stateMachineAliasProvider, { allowSecrets: true });
            // Inlined: the provider's code is in the text, not a require() of a package.
            assert.doesNotMatch(f.text, /require\("pulumi-sfn-alias\//);
            assert.match(f.text, /CreateStateMachineAliasCommand/);
            // Packages are required by name, never by a path into their files (which a release may move).
            assert.deepStrictEqual(f.text.match(/require\("(@[^/"]+\/)?[^@/"][^/"]*\/[^"]*"\)/g), null, "a require of a file inside a package");
            assert.ok(!f.text.includes(secret) && !f.text.includes("AKIAINLINEKEY0000001"));
        } finally {
            configureAws({});
        }
    });
});
