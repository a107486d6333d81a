// Crashes in the middle of an up that updates, replaces and creates aliases: the engine (the CLI process,
// SIGKILL) or the dynamic-provider plugin (SIGKILL), right after the endpoint accepted the k-th write
// (seeded), read from the endpoint's call log. The next up converges: no error, no duplicate, no orphan,
// the state equals the endpoint.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { run } from "../../tools/pulumi-local";
import { Lifecycle } from "../support/scenario";
import { AliasProject, AliasSpec, endpointEnv, ensureBuilt, makeMachine, ok, ROOT, sdkClient, SfnLocal, startSfnLocal, WRITES } from "../support/world";
import { counts } from "./counts";

const BIN = path.join(ROOT, "bin", "pulumi-local.js");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the endpoint accepted `k` alias writes; false if the up ended first. */
async function afterWrites(local: SfnLocal, k: number, done: () => boolean): Promise<boolean> {
    while (!done()) {
        if (local.calls().filter((c) => WRITES.includes(c.operation) && c.outcome === "ok").length >= k) return true;
        await sleep(5);
    }
    return false;
}

/** The dynamic-provider plugin started for `projectDir` by an engine in this process. */
function pluginPid(projectDir: string): number | undefined {
    for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
            const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
            if (cmd.includes("cmd/dynamic-provider") && fs.readlinkSync(`/proc/${pid}/cwd`) === projectDir) return Number(pid);
        } catch { /* gone */ }
    }
    return undefined;
}

export function crashSpecs(v: string[], prefix: string, round: number): { before: AliasSpec[]; after: AliasSpec[] } {
    const r = (i: number, w: number, j?: number) => [{ stateMachineVersionArn: v[i], weight: w }, ...(j !== undefined ? [{ stateMachineVersionArn: v[j], weight: 100 - w }] : [])];
    return {
        before: [
            { resource: "a", args: { name: `${prefix}-a`, routingConfiguration: r(0, 100) } },
            { resource: "b", args: { name: `${prefix}-b${round}`, routingConfiguration: r(0, 100) } },
        ],
        after: [
            { resource: "a", args: { name: `${prefix}-a`, description: `round ${round}`, routingConfiguration: r(0, 80, 1) } },
            { resource: "b", args: { name: `${prefix}-b${round + 1}`, routingConfiguration: r(1, 100) } },
            { resource: "c", args: { name: `${prefix}-c`, routingConfiguration: r(1, 100) } },
        ],
    };
}

/** Runs the `after` up and kills the engine or the plugin once `k` writes were accepted. Returns whether it killed. */
export async function crashingUp(project: AliasProject, stack: string, specs: AliasSpec[], who: "engine" | "plugin", k: number): Promise<boolean> {
    const local = project.local;
    local.clearCalls();
    let ended = false;
    let killed = false;
    if (who === "engine") {
        const child: ChildProcess = spawn(process.execPath, [BIN, "up", "--cwd", project.dir, "--stack", stack, "--config", `aliases=${JSON.stringify(specs)}`], {
            env: { ...process.env, ...endpointEnv(local.url) }, stdio: "ignore",
        });
        const exited = new Promise((r) => child.once("exit", r)).then(() => { ended = true; });
        if (await afterWrites(local, k, () => ended)) {
            child.kill("SIGKILL"); // the engine only: its program and plugin exit with it (watchdog)
            killed = true;
        }
        await exited;
    } else {
        const up = run({ command: "up", cwd: project.dir, stack, config: { aliases: JSON.stringify(specs) }, env: endpointEnv(local.url) })
            .finally(() => { ended = true; });
        if (await afterWrites(local, k, () => ended)) {
            const pid = pluginPid(fs.realpathSync(project.dir));
            if (pid) {
                process.kill(pid, "SIGKILL");
                killed = true;
            }
        }
        const r = await up;
        if (killed) assert.ok(!r.ok || r.ok, "the engine returns after its plugin died");
    }
    if (killed) counts.crashes[who]++;
    // Give a write the killed process had in flight time to land, as it would in AWS.
    await sleep(300);
    return killed;
}

describe("resilience: crashes of the engine and of the plugin in the middle of an up", function () {
    this.timeout(120_000);
    let local: SfnLocal;
    let project: AliasProject;
    let versions: string[];

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: false, seed: 31 });
        versions = (await makeMachine(sdkClient(local), "orders", 2)).versions;
        project = new AliasProject(local);
    });
    after(async () => {
        project?.cleanup();
        await local?.stop();
    });

    // Writes of the up, in order: Update a, Create b<n+1> (the replacement), Create c, Delete b<n>.
    const cases: { who: "engine" | "plugin"; k: number; what: string }[] = [
        { who: "engine", k: 2, what: "right after the endpoint accepted the replacement's create" },
        { who: "engine", k: 3, what: "after a create, with the replaced alias still to delete" },
        { who: "plugin", k: 1, what: "right after an update" },
        { who: "plugin", k: 2, what: "right after the endpoint accepted the replacement's create" },
    ];
    cases.forEach((c, i) => {
        it(`${c.who} killed ${c.what}: the next up converges`, async () => {
            const stack = `crash${i}`;
            const life = new Lifecycle(project, stack);
            const { before, after } = crashSpecs(versions, stack, 0);
            ok(await project.run("up", before, { stack }), "setting up");
            const killed = await crashingUp(project, stack, after, c.who, c.k);
            assert.ok(killed, "the up ended before the crash point");
            // No user-visible error on the next up, and only the writes still missing.
            const r = await life.converge("up", after, `${c.who} crash after write ${c.k}`);
            ok(r);
            const names = Object.keys(local.snapshot().aliases).filter((a) => a.includes(`:${stack}-`)).map((a) => a.split(":").pop()).sort();
            assert.deepStrictEqual(names, [`${stack}-a`, `${stack}-b1`, `${stack}-c`], "duplicate or orphan alias");
            counts.convergedRuns++;
        });
    });
});
