// `npm run sfn-local` stops when npm is told to stop: SIGTERM or SIGINT to the npm process (what a script,
// a CI step or a process manager sends to the pid it started) ends the endpoint and every process of its
// tree, and closes the port; SIGKILL to npm (no signal to forward) ends the server through its parent watch.
// Loopback only; each case bounded; whatever the case started is killed by its process group at the end.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import * as path from "path";
import { parseArgs } from "../../tools/sfn-local/cli";
import { descendants, portOpen, processes, Proc } from "../support/processes";

const ROOT = path.resolve(__dirname, "../..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** Live (not zombie: a zombie is only waiting for its parent, or init, to reap it) among the given pids or the group. */
function alive(pids: number[], pgid: number): Proc[] {
    return processes().filter((p) => !p.stat.startsWith("Z") && (pids.includes(p.pid) || p.pgid === pgid));
}

function health(url: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
        http.get(`${url}/__sfn-local/health`, { agent: false }, (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve(JSON.parse(body)));
        }).on("error", reject);
    });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("sfn-local CLI: stopping `npm run sfn-local`", function () {
    this.timeout(40000);
    let npm: ChildProcess | undefined;

    afterEach(() => {
        // Only what this test started: npm was made a process-group leader.
        if (npm?.pid) {
            try { process.kill(-npm.pid, "SIGKILL"); } catch { /* the group is gone: the expected case */ }
        }
        npm = undefined;
    });

    async function start(): Promise<{ url: string; port: number; pids: number[]; stderr: () => string }> {
        npm = spawn(NPM, ["run", "-s", "sfn-local", "--", "--port", "0", "--no-throttling"], {
            cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_NO_WARNINGS: "1" },
        });
        let err = "";
        npm.stderr!.on("data", (d) => (err += d));
        const child = npm;
        const url = await new Promise<string>((resolve, reject) => {
            let out = "";
            const timer = setTimeout(() => reject(new Error(`no URL within 20 s; stderr: ${err}`)), 20000);
            child.stdout!.on("data", (d) => {
                out += d;
                if (out.includes("\n")) { clearTimeout(timer); resolve(out.split("\n")[0].trim()); }
            });
            child.once("exit", (code, sig) => { clearTimeout(timer); reject(new Error(`npm exited (${code ?? sig}) before the URL; stderr: ${err}`)); });
        });
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, "the first stdout line is the URL (npm -s prints no banner)");
        assert.deepStrictEqual(await health(url), { ok: true });
        const pids = descendants(child.pid!).map((p) => p.pid);
        assert.ok(processes().some((p) => pids.includes(p.pid) && p.args.includes("tools/sfn-local/cli.ts")),
            "the server is in npm's process tree");
        return { url, port: Number(new URL(url).port), pids, stderr: () => err };
    }

    /** Waits up to `ms` for the tree and the group to be gone and the port closed; returns what is left. */
    async function waitGone(pids: number[], port: number, ms: number): Promise<{ left: Proc[]; open: boolean; elapsed: number }> {
        const t0 = Date.now();
        for (;;) {
            const left = alive(pids, npm!.pid!);
            const open = await portOpen(port);
            if ((left.length === 0 && !open) || Date.now() - t0 > ms) return { left, open, elapsed: Date.now() - t0 };
            await sleep(100);
        }
    }

    for (const signal of ["SIGTERM", "SIGINT"] as const) {
        it(`${signal} to the npm pid stops the server, closes the port and leaves no process of the tree`, async () => {
            const { port, pids, stderr } = await start();
            const exited = new Promise<[number | null, string | null]>((r) => npm!.once("exit", (c, s) => r([c, s])));
            process.kill(npm!.pid!, signal);
            const { left, open, elapsed } = await waitGone(pids, port, 5000);
            assert.deepStrictEqual(left.map((p) => `${p.pid} ${p.args}`), [], `no process of the tree left after ${elapsed} ms`);
            assert.strictEqual(open, false, "the port is closed");
            await Promise.race([exited, sleep(2000)]);
            assert.ok(npm!.exitCode !== null || npm!.signalCode !== null, "npm itself exited");
            assert.match(stderr(), new RegExp(`sfn-local: ${signal}, stopping`), "the server got the signal itself (graceful stop)");
        });
    }

    it("SIGKILL to npm (nothing forwarded): the server notices its parent is gone and stops", async () => {
        const { port, pids } = await start();
        process.kill(npm!.pid!, "SIGKILL");
        const { left, open, elapsed } = await waitGone(pids, port, 5000);
        assert.deepStrictEqual(left.map((p) => `${p.pid} ${p.args}`), [], `no process of the tree left after ${elapsed} ms`);
        assert.strictEqual(open, false, "the port is closed");
    });

    it("--no-exit-with-parent is parsed apart from the endpoint's options", () => {
        assert.deepStrictEqual(parseArgs(["--port", "0"]), { port: 0 });
        assert.deepStrictEqual(parseArgs(["--no-exit-with-parent"]), { exitWithParent: false });
    });
});
