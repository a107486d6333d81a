// Crashing an up on purpose: the engine (the CLI process, SIGKILL) or the dynamic-provider plugin
// (SIGKILL), once the endpoint accepted the k-th alias write (read from its call log).
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { run } from "../../tools/pulumi-local";
import { AliasProject, AliasSpec, endpointEnv, ROOT, SfnLocal, WRITES } from "./world";

/** Crashes made so far, by what was killed. */
export const crashes = { engine: 0, plugin: 0 };

const BIN = path.join(ROOT, "bin", "pulumi-local.js");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the endpoint accepted `k` alias writes; false if the up ended first. */
export async function afterWrites(local: SfnLocal, k: number, done: () => boolean): Promise<boolean> {
    while (!done()) {
        if (local.calls().filter((c) => WRITES.includes(c.operation) && c.outcome === "ok").length >= k) return true;
        await sleep(5);
    }
    return false;
}

/** The dynamic-provider plugin started for `projectDir` by an engine in this process. */
export function pluginPid(projectDir: string): number | undefined {
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
        // Chained, so that the engine's concurrent steps still write in one order: Update a, Create
        // b<round+1> (the replacement), Create c, then Delete b<round>.
        after: [
            { resource: "a", args: { name: `${prefix}-a`, description: `round ${round}`, routingConfiguration: r(0, 80, 1) } },
            { resource: "b", args: { name: `${prefix}-b${round + 1}`, routingConfiguration: r(1, 100) }, dependsOn: ["a"] },
            { resource: "c", args: { name: `${prefix}-c`, routingConfiguration: r(1, 100) }, dependsOn: ["b"] },
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
        if (killed) assert.strictEqual(r.ok, false, "an up whose plugin died with writes still to make must fail");
    }
    if (killed) crashes[who]++;
    // Give a write the killed process had in flight time to land, as it would in AWS.
    await sleep(300);
    return killed;
}

