// `npm run demo`, run as a user runs it: it exits 0, starts one execution through the alias and says which
// of the alias's versions ran it, prints how long it took, and leaves no process, port, file in the tree or
// temp file behind. Then every command it printed is pasted, verbatim, into `sh` from the repository root in
// the situation the demo describes (an endpoint at the printed URL holding the two versions, the package
// installed in the program's node_modules): each runs, and together they make the same API calls and report
// the same resource counts as in the demo. Loopback only.
import * as assert from "assert";
import { ChildProcess, execFile, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { startSfnLocal } from "../../tools/sfn-local";
import { descendants, portOpen, processes, Proc } from "../support/processes";
import { installPackage, INSTALLED, PROGRAM, publishVersions, removeInstalledPackage, removeState, sdkClient, SEED } from "../../tools/demo/demo";

const ROOT = path.resolve(__dirname, "../..");

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

/** The lines of the demo's output under each `=== ` heading. */
function sections(out: string): { title: string; lines: string[] }[] {
    const result: { title: string; lines: string[] }[] = [];
    for (const line of out.split("\n")) {
        if (line.startsWith("=== ")) result.push({ title: line.slice(4), lines: [] });
        else result[result.length - 1]?.lines.push(line);
    }
    return result;
}

/** What a tree may leave in TMPDIR that is not the demo's: ts-node's compile cache (shared, reused by every run). */
const SHARED_CACHE = /^v8-compile-cache-/;

describe("npm run demo", function () {
    this.timeout(300000);
    let port: number;
    let tmp: string;
    let stdout = "";
    let stderr = "";
    let exit: { code: number | null; signal: string | null };
    const seen = new Map<number, Proc>();
    let npm: ChildProcess | undefined;
    /** Untracked and ignored files under tools/demo, before the demo ran. */
    let filesBefore: string[];
    const demoFiles = () => execFileSync("git", ["status", "--porcelain", "--ignored", "--untracked-files=all", "--", "tools/demo"], { cwd: ROOT, encoding: "utf8" })
        .split("\n").filter((l) => /^(\?\?|!!)/.test(l));

    before(async function () {
        assert.ok(!fs.existsSync(INSTALLED), `${INSTALLED} exists before the demo: another demo running?`);
        filesBefore = demoFiles();
        port = await freePort();
        // Its own TMPDIR, to see what the demo's tree leaves there.
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sfn-alias-demo-test-"));
        npm = spawn("npm", ["run", "-s", "demo", "--", "--port", String(port)], {
            cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TMPDIR: tmp },
        });
        npm.stdout!.on("data", (d) => (stdout += d));
        npm.stderr!.on("data", (d) => (stderr += d));
        // Every process of the tree while it runs (the demo, the program and plugin processes of each step).
        const sample = setInterval(() => {
            try {
                for (const p of descendants(npm!.pid!, processes())) seen.set(p.pid, p);
            } catch { /* ps raced an exit */ }
        }, 200);
        exit = await new Promise((resolve) => {
            const timer = setTimeout(() => {
                try { process.kill(-npm!.pid!, "SIGKILL"); } catch { /* gone */ }
            }, 240000);
            npm!.once("exit", (code, signal) => { clearTimeout(timer); resolve({ code, signal }); });
        });
        clearInterval(sample);
        // Give the tree's last exits a moment before looking (the demo waits for its children; this is slack).
        await new Promise((r) => setTimeout(r, 300));
    });

    after(() => {
        if (npm?.pid) {
            try { process.kill(-npm.pid, "SIGKILL"); } catch { /* the group is gone: the expected case */ }
        }
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    /** The demo's output before its part 2 (the rollouts). */
    const part1 = () => stdout.split("\n=== Part 2")[0];
    it("exits 0 and prints how long it took", () => {
        assert.deepStrictEqual(exit, { code: 0, signal: null }, `stderr:\n${stderr}\nstdout:\n${stdout}`);
        const done = /^Done in (\d+\.\d) s\./m.exec(stdout);
        assert.ok(done, "the last lines say how long it took");
        console.log(`      (demo: ${done[1]} s, ${seen.size} processes in its tree)`);
    });

    it("starts one execution through the alias and prints the version of the alias that ran it", () => {
        const run = sections(stdout).find((s) => /Run the workflow through the alias/.test(s.title));
        assert.ok(run, "a step runs the workflow");
        const text = run.lines.join("\n");
        assert.match(text, /StartExecution stateMachineArn=orders:live .*-> ok/, "StartExecution on the alias ARN");
        assert.match(text, /DescribeExecution executionArn=orders:order-1001 -> ok/, "then DescribeExecution");
        const m = /Execution orders:order-1001: SUCCEEDED, started through alias orders:live, ran version (orders:\d+) \(the alias routes (.*)\)/.exec(text);
        assert.ok(m, `the execution's version is printed:\n${text}`);
        const routed = m[2].split(", ").map((r) => r.split(" ")[0]);
        assert.deepStrictEqual(routed, ["orders:1", "orders:2"], "printed while the alias routes to both versions");
        assert.ok(routed.includes(m[1]), `${m[1]} is one of the alias's versions`);
        assert.strictEqual((stdout.match(/StartExecution /g) ?? []).length, 1, "one execution");
    });

    it("leaves no process, no open port and no file behind", async () => {
        const alive = processes().filter((p) => !p.stat.startsWith("Z") && ((seen.has(p.pid) && seen.get(p.pid)!.args === p.args) || p.pgid === npm!.pid));
        assert.deepStrictEqual(alive.map((p) => `${p.pid} ${p.args}`), [], "no process of the demo's tree is left");
        assert.ok([...seen.values()].some((p) => p.args.includes("cmd/dynamic-provider")), "the sample saw the plugin processes");
        assert.strictEqual(await portOpen(port), false, `the endpoint's port ${port} is closed`);
        assert.ok(!fs.existsSync(path.join(PROGRAM, "node_modules")), "the installed package is removed");
        assert.ok(!fs.existsSync(path.join(PROGRAM, ".pulumi-local")), "the state folder is removed");
        assert.deepStrictEqual(demoFiles(), filesBefore, "no file added under tools/demo (untracked or ignored)");
        const left = fs.readdirSync(tmp).filter((f) => !SHARED_CACHE.test(f));
        assert.deepStrictEqual(left, [], "nothing left in its TMPDIR");
    });

    it("part 2: a canary caught by its alarm is rolled back in one call, then a linear rollout reaches 100% with its progress lines", () => {
        assert.strictEqual(exit.code, 0, "needs a demo that ran");
        const all = sections(stdout);
        const caught = all.find((s) => s.title.startsWith("10. CANARY to v2"));
        const linear = all.find((s) => s.title.startsWith("11. LINEAR to v2"));
        assert.ok(caught && linear, stdout);
        const c = caught.lines.join("\n");
        assert.match(c, /info: live: shifted 10% to version 2 \(90% stays on version 1\)\./);
        assert.match(c, /\(meanwhile: SetAlarmState orders-errors -> ALARM/);
        assert.match(c, /info: live: CloudWatch alarm orders-errors \(ALARM: Threshold Crossed: 3 failed executions\) while holding 10%: rolling back to version 1\./);
        assert.match(c, /info: live: rolled back: 100% on version 1\./);
        const writes = caught.lines.filter((l) => /^ {4}UpdateStateMachineAlias /.test(l)).map((l) => l.trim());
        assert.deepStrictEqual(writes, [
            "UpdateStateMachineAlias stateMachineAliasArn=orders:live description=\"Orders workflow: production traffic\" routing=[orders:1 90%, orders:2 10%] -> ok",
            "UpdateStateMachineAlias stateMachineAliasArn=orders:live description=\"Orders workflow: production traffic\" routing=[orders:1 100%] -> ok",
        ]);
        const l = linear.lines.join("\n");
        for (const line of ["shifted 50% to version 2 (50% stays on version 1).", "shifted 100% to version 2 (from version 1).", "rollout complete: 100% on version 2."]) {
            assert.ok(l.includes(`info: live: ${line}`), `${line}\n${l}`);
        }
        assert.strictEqual(linear.lines.filter((x) => /^ {4}UpdateStateMachineAlias /.test(x)).length, 2, "one Update per shift");
    });

    it("prints commands that, pasted into sh from the repository root, do what the demo shows", async function () {
        assert.strictEqual(exit.code, 0, "needs a demo that ran");
        // Part 1: part 2 needs an alarm fired while a canary waits, which no pasted command does.
        const stdout = part1();
        const exports = stdout.split("\n").filter((l) => l.startsWith("  export ")).map((l) => l.trim());
        const commands = stdout.split("\n").filter((l) => l.startsWith("$ ")).map((l) => l.slice(2));
        assert.ok(exports.length > 0 && commands.length >= 6, `the exports and commands:\n${stdout}`);
        for (const c of commands) assert.match(c, /^node bin\/pulumi-local\.js (preview|up|refresh|destroy) --cwd tools\/demo\/program /);
        const url = /AWS_ENDPOINT_URL_SFN=(\S+)/.exec(exports.join(" "))![1];
        assert.ok(exports.join(" ").includes(`AWS_ENDPOINT_URL_CLOUDWATCH=${url}`), "CloudWatch on the same endpoint");
        assert.strictEqual(url, `http://127.0.0.1:${port}`);

        // The situation the demo describes: its endpoint (same port and seed) with the same two versions.
        const local = await startSfnLocal({ port, seed: SEED });
        const sfn = sdkClient(local.url);
        try {
            const { v1, v2 } = await publishVersions(sfn);
            assert.ok(exports.some((e) => e.includes(`V1=${v1}`) && e.includes(`V2=${v2}`)), "the printed versions are these");
            installPackage();
            local.clearCalls();
            const script = ["set -e", ...exports, ...commands.flatMap((c) => [c, "echo '@@ end of command'"])].join("\n");
            // Asynchronously: the endpoint answering the commands runs in this process.
            const { code, out, err } = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
                execFile("sh", ["-c", script], { cwd: ROOT, encoding: "utf8", timeout: 240000, maxBuffer: 64 << 20 }, (e, o, er) =>
                    resolve({ code: e ? (typeof e.code === "number" ? e.code : -1) : 0, out: o, err: er }));
            });
            assert.strictEqual(code, 0, `a printed command failed:\n${out}\n${err}`);
            const perCommand = out.split("@@ end of command\n");
            assert.strictEqual(perCommand.length - 1, commands.length, "every command ran");
            // Same resource counts, command by command, as the demo printed.
            const demoCounts = sections(stdout).filter((s) => s.lines.some((l) => l.startsWith("$ ")))
                .map((s) => s.lines.filter((l) => /^\s+Resources: /.test(l)).map((l) => l.trim()));
            const pastedCounts = perCommand.slice(0, -1).map((o) => o.split("\n").filter((l) => /^Resources: /.test(l)));
            assert.deepStrictEqual(pastedCounts, demoCounts);
            // Same API calls, in order, as the demo's pulumi-local steps made (the execution step aside).
            const demoCalls = stdout.split("\n").filter((l) => /^ {4}\w+ .* -> /.test(l)).map((l) => l.trim().split(" ")[0])
                .filter((op) => op !== "StartExecution" && op !== "DescribeExecution");
            assert.deepStrictEqual(local.calls().map((c) => c.operation), demoCalls);
        } finally {
            sfn.destroy();
            await local.stop();
            removeState();
            removeInstalledPackage();
        }
    });
});

describe("npm run demo, stopped midway", function () {
    this.timeout(120000);

    it("SIGTERM to the npm pid during a step: endpoint, program and plugin stop, its files are removed", async () => {
        assert.ok(!fs.existsSync(INSTALLED), `${INSTALLED} exists before the demo: another demo running?`);
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sfn-alias-demo-test-"));
        const npm = spawn("npm", ["run", "-s", "demo"], {
            cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TMPDIR: tmp },
        });
        let stdout = "";
        let stderr = "";
        npm.stdout!.on("data", (d) => (stdout += d));
        npm.stderr!.on("data", (d) => (stderr += d));
        const exited = new Promise<void>((r) => npm.once("exit", () => r()));
        const seen = new Map<number, Proc>();
        try {
            // Wait for a step in flight: the first command printed and its program or plugin process up.
            const t0 = Date.now();
            for (;;) {
                const tree = descendants(npm.pid!, processes());
                for (const p of tree) seen.set(p.pid, p);
                if (stdout.includes("\n$ node bin/pulumi-local.js") && tree.some((p) => /cmd\/(run|dynamic-provider)/.test(p.args))) break;
                if (npm.exitCode !== null || Date.now() - t0 > 60000) assert.fail(`no step in flight within 60 s:\n${stdout}\n${stderr}`);
                await new Promise((r) => setTimeout(r, 100));
            }
            const url = /^Local Step Functions endpoint: (http:\/\/127\.0\.0\.1:(\d+))/m.exec(stdout)!;
            process.kill(npm.pid!, "SIGTERM");
            await Promise.race([exited, new Promise((r) => setTimeout(r, 15000))]);
            assert.ok(npm.exitCode !== null || npm.signalCode !== null, "npm exited within 15 s");
            await new Promise((r) => setTimeout(r, 300));
            assert.match(stderr, /demo: SIGTERM, stopping/);
            const alive = processes().filter((p) => !p.stat.startsWith("Z") && ((seen.has(p.pid) && seen.get(p.pid)!.args === p.args) || p.pgid === npm.pid));
            assert.deepStrictEqual(alive.map((p) => `${p.pid} ${p.args}`), [], "no process of the demo's tree is left");
            assert.strictEqual(await portOpen(Number(url[2])), false, "the endpoint's port is closed");
            assert.ok(!fs.existsSync(path.join(PROGRAM, "node_modules")), "the installed package is removed");
            assert.ok(!fs.existsSync(path.join(PROGRAM, ".pulumi-local")), "the state folder (state file, lock) is removed");
            assert.deepStrictEqual(fs.readdirSync(tmp).filter((f) => !SHARED_CACHE.test(f)), [], "nothing left in its TMPDIR");
        } finally {
            try { process.kill(-npm.pid!, "SIGKILL"); } catch { /* the group is gone: the expected case */ }
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
