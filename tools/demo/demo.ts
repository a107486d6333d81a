// `npm run demo [-- --port N]`: a release of a Step Functions workflow behind a StateMachineAlias, run by the
// local engine (a real Pulumi program, the real dynamic-provider plugin) against the local endpoint. No AWS
// account, no Pulumi CLI, no network beyond 127.0.0.1; everything it starts is stopped and everything it
// writes is removed at the end, also when it fails or is stopped by SIGINT/SIGTERM/SIGHUP.
//
// Every `$ node bin/pulumi-local.js ...` line it prints is the command it runs: the arguments are parsed by the
// CLI's own parser and given to the engine the CLI calls, from the repository root, with exactly the
// environment the printed `export` lines set. Pasted into a shell in that situation (the endpoint up with
// the two versions, the package installed as below), each does what the demo shows; tests/demo replays
// them verbatim.
//
// Speed: the program imports `pulumi-sfn-alias` as a user's program does, from a copy installed in
// tools/demo/program/node_modules (compiled from the working tree in-process). Pulumi then serializes the
// provider as one require() of the package, instead of walking (and parsing with TypeScript) every
// function of the provider's sources in each program run: that walk and the transpiling of the sources
// made a program run about 3 times slower (a preview: ~11 s against ~4 s, on a loaded 2-CPU machine).
import * as fs from "fs";
import * as path from "path";
import {
    CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand, UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { run, RunResult } from "../pulumi-local";
import { parseArgs as parseCliArgs } from "../pulumi-local/cli";
import { SfnLocal, startSfnLocal } from "../sfn-local";

export const ROOT = path.resolve(__dirname, "..", "..");
/** The program's folder, as the printed commands name it (relative to the repository root). */
export const PROGRAM_DIR = "tools/demo/program";
export const PROGRAM = path.join(ROOT, PROGRAM_DIR);
export const STACK = "demo";
export const SEED = 42;
export const REGION = "us-east-1";
const STATE_DIR = path.join(PROGRAM, ".pulumi-local");
const LOCK = path.join(STATE_DIR, `${STACK}.lock`);
const MODULES = path.join(PROGRAM, "node_modules");
export const INSTALLED = path.join(MODULES, "pulumi-sfn-alias");
const ROLE = "arn:aws:iam::123456789012:role/orders-workflow";
const ALARM = "orders-errors";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const definition = (comment: string) => JSON.stringify({ Comment: comment, StartAt: "Ship", States: { Ship: { Type: "Pass", End: true } } });

const short = (arn: string) => arn.replace(/^arn:aws:states:[^:]+:\d+:(stateMachine|execution):/, "");

// ---------------------------------------------------------------- setup shared with tests/demo

/** The state machine `orders` with versions 1 and 2 published, as the demo starts from. */
export async function publishVersions(sfn: SFNClient): Promise<{ stateMachineArn: string; v1: string; v2: string }> {
    const created = await sfn.send(new CreateStateMachineCommand({ name: "orders", definition: definition("v1"), roleArn: ROLE, publish: true }));
    const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: created.stateMachineArn, definition: definition("v2"), publish: true }));
    return { stateMachineArn: created.stateMachineArn!, v1: created.stateMachineVersionArn!, v2: updated.stateMachineVersionArn! };
}

export function sdkClient(url: string): SFNClient {
    return new SFNClient({ endpoint: url, region: REGION, credentials: CREDENTIALS });
}

/** The environment the printed `export` lines set, as [name, value] in print order. */
export function demoEnv(url: string, v1: string, v2: string): [string, string][] {
    return [
        ["AWS_ENDPOINT_URL_SFN", url], ["AWS_ENDPOINT_URL_CLOUDWATCH", url],
        ["AWS_ACCESS_KEY_ID", CREDENTIALS.accessKeyId], ["AWS_SECRET_ACCESS_KEY", CREDENTIALS.secretAccessKey],
        // The SDK's notice that its 2027 releases need Node 22 (printed by every plugin process on Node 20).
        ["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED", "true"],
        ["V1", v1], ["V2", v2],
    ];
}

/**
 * Installs pulumi-sfn-alias in the program's node_modules as `npm install` would lay out the package's
 * files (package.json, dist/sdk, dist/provider), each compiled from the working tree's sources with the
 * build's compiler options (transpiled: `npm run typecheck` is what type-checks them). Its `types` point
 * at the sources, so a type-check of the repository run meanwhile still resolves the program's import.
 */
export function installPackage(): void {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const ts: typeof import("typescript") = require("typescript");
    const read = ts.readConfigFile(path.join(ROOT, "tsconfig.build.json"), ts.sys.readFile);
    if (read.error) throw new Error(`tsconfig.build.json: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
    const options = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT).options;
    const compilerOptions = { ...options, sourceMap: false, declaration: false, declarationMap: false, noEmit: false };
    removeInstalledPackage();
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
    };
    const sources = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path.join(dir, e.name)] : []);
    for (const file of [...sources("sdk"), ...sources("provider")]) {
        const fileName = path.join(ROOT, file);
        const out = ts.transpileModule(fs.readFileSync(fileName, "utf8"), { compilerOptions, fileName });
        write(path.join(INSTALLED, "dist", file.replace(/\.ts$/, ".js")), out.outputText);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    write(path.join(INSTALLED, "package.json"), JSON.stringify({
        name: pkg.name, version: pkg.version, main: pkg.main,
        types: path.relative(INSTALLED, path.join(ROOT, "sdk", "index.ts")).split(path.sep).join("/"),
        dependencies: pkg.dependencies,
    }, null, 2) + "\n");
}

export function removeInstalledPackage(): void {
    fs.rmSync(INSTALLED, { recursive: true, force: true });
    if (fs.existsSync(MODULES) && fs.readdirSync(MODULES).length === 0) fs.rmdirSync(MODULES);
}

/** Removes the stack's state file (and temp files of an interrupted write); the folder if it is then empty. */
export function removeState(): void {
    if (!fs.existsSync(STATE_DIR)) return;
    for (const f of fs.readdirSync(STATE_DIR)) {
        if (f === `${STACK}.json` || f.startsWith(`${STACK}.json.`)) fs.rmSync(path.join(STATE_DIR, f), { force: true });
    }
    if (fs.readdirSync(STATE_DIR).length === 0) fs.rmdirSync(STATE_DIR);
}

/** One demo at a time: both would use the same state file and installed package. */
function takeLock(): void {
    fs.mkdirSync(STATE_DIR, { recursive: true });
    try {
        fs.writeFileSync(LOCK, String(process.pid), { flag: "wx" });
    } catch (e: any) {
        if (e?.code !== "EEXIST") throw e;
        const pid = Number(fs.readFileSync(LOCK, "utf8"));
        let alive = false;
        try { process.kill(pid, 0); alive = pid > 0; } catch (k: any) { alive = k?.code === "EPERM"; }
        if (alive) throw new Error(`another demo (pid ${pid}) is running on ${PROGRAM_DIR}; wait for it to end`);
        fs.writeFileSync(LOCK, String(process.pid)); // a leftover of a demo that was killed
    }
}

function releaseLock(): void {
    try {
        if (Number(fs.readFileSync(LOCK, "utf8")) === process.pid) fs.rmSync(LOCK, { force: true });
    } catch { /* not taken */ }
}

/**
 * This process's children: the program and plugin processes of a step in flight. (Linux: /proc; elsewhere ps,
 * whose own process is left out by name.)
 */
function childPids(): number[] {
    try {
        if (fs.existsSync("/proc/self/stat")) {
            return fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).filter((d) => {
                try {
                    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
                    const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
                    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid;
                } catch {
                    return false; // exited meanwhile
                }
            }).map(Number);
        }
        const { execFileSync } = require("child_process") as typeof import("child_process");
        return execFileSync("ps", ["-A", "-o", "pid=,ppid=,comm="], { encoding: "utf8" }).split("\n")
            .map((l) => l.trim().split(/\s+/)).filter((f) => Number(f[1]) === process.pid && !/(^|\/)ps$/.test(f[2] ?? ""))
            .map((f) => Number(f[0]));
    } catch {
        return [];
    }
}

/**
 * Stopped mid-step, the engine has a program and a plugin process running. They would exit once this
 * process is gone (the engine's watchdog on their stdin), but only when they next get to their event loop,
 * seconds later while they load their modules. So: SIGTERM them, and SIGKILL whatever is left after 2 s.
 */
async function endChildren(): Promise<void> {
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    let children = childPids();
    for (const pid of children) { try { process.kill(pid, "SIGTERM"); } catch { /* gone */ } }
    for (const until = Date.now() + 2000; children.length > 0 && Date.now() < until;) {
        await new Promise((r) => setTimeout(r, 50));
        children = children.filter(alive);
    }
    for (const pid of children) { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } }
}

// ---------------------------------------------------------------- printing

function describeParams(params: Record<string, any>): string {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(params ?? {})) {
        if (k === "routingConfiguration") {
            parts.push(`routing=[${(v as any[]).map((e) => `${short(e.stateMachineVersionArn)} ${e.weight}%`).join(", ")}]`);
        } else if (typeof v === "string") {
            parts.push(`${k}=${k.endsWith("Arn") ? short(v) : JSON.stringify(v)}`);
        }
    }
    return parts.join(" ");
}

function printCalls(local: SfnLocal): void {
    const calls = local.calls();
    console.log(`  API calls (${calls.length}):${calls.length ? "" : " none"}`);
    // A rollout's alarm polls, one line for each run of them.
    for (let i = 0; i < calls.length; i++) {
        const c = calls[i];
        if (c.operation === "DescribeAlarms") {
            let n = 1;
            while (calls[i + n]?.operation === "DescribeAlarms" && calls[i + n].outcome === c.outcome) n++;
            console.log(`    DescribeAlarms AlarmNames=${(c.params.AlarmNames ?? []).join(",")} -> ${c.outcome}${n > 1 ? ` (${n} polls)` : ""}`);
            i += n - 1;
        } else console.log(`    ${c.operation} ${describeParams(c.params)} -> ${c.outcome}`);
    }
}

/** A printed command: words that need no quoting in sh, `$V1`/`$V2` expanded by the shell. */
function commandText(argv: readonly string[]): string {
    for (const a of argv) {
        if (!/^[A-Za-z0-9_.,:/=@%+$-]+$/.test(a)) throw new Error(`demo bug: '${a}' would need quoting in a shell`);
    }
    return ["node", "bin/pulumi-local.js", ...argv].join(" ");
}

// ---------------------------------------------------------------- the demo

interface Context {
    local: SfnLocal;
    env: [string, string][];
}

/** Prints the command, runs it as the CLI would (its parser, its engine, from the root), prints the report and the calls. */
async function stage(ctx: Context, title: string, argv: string[], expect: "ok" | "fail" = "ok", meanwhile?: () => Promise<void>): Promise<RunResult> {
    console.log(`\n=== ${title}\n$ ${commandText(argv)}`);
    const vars = Object.fromEntries(ctx.env);
    const expanded = argv.map((a) => a.replace(/\$(V1|V2)\b/g, (_, k: string) => vars[k]));
    // The CLI's own parser: a flag it would refuse fails the demo here.
    const { json: _json, ...args } = parseCliArgs(expanded);
    ctx.local.clearCalls();
    // The provider's progress lines as they come, as the CLI shows them (`info: ...`).
    const running = run({ ...args, cwd: path.resolve(ROOT, args.cwd), env: vars, onPluginLine: (line) => console.log(`  info: ${line}`) });
    if (meanwhile) await meanwhile();
    const result = await running;
    // The report exactly as the CLI prints it, indented.
    console.log(result.stdout.split("\n").map((l) => (l ? `  ${l}` : l)).join("\n").trimEnd());
    printCalls(ctx.local);
    if (expect === "ok" && !result.ok) throw new Error(`${argv[0]} failed: ${result.error}`);
    if (expect === "fail" && result.ok) throw new Error(`${argv[0]} was meant to fail (an alarm rolls the canary back), but succeeded`);
    return result;
}

/** StartExecution on the alias ARN, then DescribeExecution: which version the alias sent it to. */
async function execute(ctx: Context, sfn: SFNClient, aliasArn: string, routing: { stateMachineVersionArn: string; weight: number }[]): Promise<void> {
    console.log(`\n=== 4. Run the workflow through the alias (SDK calls, as an application would make them)`);
    ctx.local.clearCalls();
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: aliasArn, name: "order-1001", input: JSON.stringify({ order: 1001 }) }));
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    printCalls(ctx.local);
    const version = d.stateMachineVersionArn;
    if (!version || !routing.some((r) => r.stateMachineVersionArn === version)) {
        throw new Error(`the execution was not routed to a version of the alias: ${JSON.stringify(d)}`);
    }
    const weights = routing.map((r) => `${short(r.stateMachineVersionArn)} ${r.weight}%`).join(", ");
    console.log(`  Execution ${short(d.executionArn!)}: ${d.status}, started through alias ${short(d.stateMachineAliasArn ?? aliasArn)},` +
        ` ran version ${short(version)} (the alias routes ${weights})`);
}

export interface DemoOptions { port?: number }

export function parseDemoArgs(argv: readonly string[]): DemoOptions {
    const out: DemoOptions = {};
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
        if (flag === "--port") {
            const v = inline ?? argv[++i];
            const n = Number(v);
            if (v === undefined || !Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port needs a port number (0: any free one). Received: '${v}'`);
            out.port = n;
        } else {
            throw new Error(`unknown argument '${argv[i]}'\nusage: npm run demo [-- --port N]`);
        }
    }
    return out;
}

async function main(argv: string[]): Promise<void> {
    const opts = parseDemoArgs(argv);
    let local: SfnLocal | undefined;
    let sfn: SFNClient | undefined;
    let locked = false;
    let cleaned: Promise<void> | undefined;
    // What this demo wrote; never another demo's (when the lock was refused, nothing is removed).
    const removeOurs = () => {
        if (!locked) return;
        removeState();
        removeInstalledPackage();
    };
    const cleanup = () => (cleaned ??= (async () => {
        sfn?.destroy();
        await local?.stop().catch(() => undefined);
        removeOurs();
        if (locked) releaseLock();
        if (fs.existsSync(STATE_DIR) && fs.readdirSync(STATE_DIR).length === 0) fs.rmdirSync(STATE_DIR);
    })());
    const signals: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
    const stopNow = (why: string, code: number) => {
        console.error(`\ndemo: ${why}, stopping (the endpoint, the program and the plugin; state and package removed)`);
        // The program and plugin processes of a step in flight are ended first (endChildren); what is ours is
        // removed once more right before exiting, since a step still running may have written state meanwhile.
        void cleanup().then(endChildren).finally(() => {
            removeOurs();
            if (fs.existsSync(STATE_DIR) && fs.readdirSync(STATE_DIR).length === 0) fs.rmdirSync(STATE_DIR);
            process.exit(code);
        });
    };
    for (const [sig, n] of Object.entries(signals)) process.on(sig, () => stopNow(sig, 128 + n));
    // `npm run demo` killed outright: nobody is left to stop us; finish cleanly instead of running on.
    const parent = process.ppid;
    if (parent > 1) setInterval(() => { if (process.ppid !== parent) stopNow(`parent process ${parent} exited`, 1); }, 250).unref();

    try {
        takeLock();
        locked = true;
        removeState(); // a leftover of a demo that was killed
        installPackage();
        local = await startSfnLocal({ seed: SEED, port: opts.port ?? 0 });
        sfn = sdkClient(local.url);
        const { stateMachineArn, v1, v2 } = await publishVersions(sfn);
        const env = demoEnv(local.url, v1, v2);
        const ctx: Context = { local, env };
        console.log(`Local Step Functions endpoint: ${local.url} (seed ${SEED}; routing picks are reproducible)`);
        console.log(`State machine ${short(stateMachineArn)}, versions ${short(v1)} and ${short(v2)} published`);
        console.log(`pulumi-sfn-alias installed in ${PROGRAM_DIR}/node_modules, compiled from this working tree`);
        console.log(`\nEach $ line below is what runs, from the repository root, in a shell with:`);
        for (const line of [env.slice(0, 2), env.slice(2, 4), env.slice(4, 5), env.slice(5)]) {
            console.log(`  export ${line.map(([k, v]) => `${k}=${v}`).join(" ")}`);
        }

        const base = ["--cwd", PROGRAM_DIR, "--stack", STACK];
        const release = ["--config", "stableVersionArn=$V1"];
        const canary = ["--config", "stableVersionArn=$V1", "--config", "canaryVersionArn=$V2", "--config", "canaryWeight=10"];
        const promoted = ["--config", "stableVersionArn=$V2"];
        // `up` previews, then updates (as `pulumi up --yes`); step 3 updates only, as planned in step 2.
        await stage(ctx, "1. Release: alias at 100% on v1 (up = preview, then update)", ["up", ...base, ...release]);
        await stage(ctx, "2. Plan the canary: 90% v1, 10% v2 (no API call)", ["preview", ...base, ...canary]);
        const up = await stage(ctx, "3. Canary, as planned: 90% v1, 10% v2", ["up", ...base, ...canary, "--skip-preview"]);
        await execute(ctx, sfn, up.outputs.aliasArn, up.outputs.routing);
        await stage(ctx, "5. Promote: 100% on v2", ["up", ...base, ...promoted]);
        await stage(ctx, "6. Up again: nothing to do, no API call", ["up", ...base, ...promoted]);
        await stage(ctx, "7. Refresh: the alias as AWS has it", ["refresh", ...base]);
        await stage(ctx, "8. Destroy", ["destroy", ...base]);

        // Part 2: the provider moves the traffic itself, watching a CloudWatch alarm on the same endpoint.
        const cw = new CloudWatchClient({ endpoint: local.url, region: REGION, credentials: CREDENTIALS });
        await cw.send(new PutMetricAlarmCommand({
            AlarmName: ALARM, Namespace: "AWS/States", MetricName: "ExecutionsFailed", Statistic: "Sum", Period: 60, EvaluationPeriods: 1,
            Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold", Dimensions: [{ Name: "StateMachineArn", Value: stateMachineArn }],
        }));
        await cw.send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "OK", StateReason: "demo: no failed executions" }));
        console.log(`
=== Part 2: gradual rollouts (deploymentPreference), watched by the CloudWatch alarm ${ALARM}`);
        console.log(`  The alarm is set with SetAlarmState, CloudWatch's own API for testing alarms; the demo fires it while a canary waits.`);
        const rollout = (type: string, version: string, more: string[]) =>
            ["--config", `rolloutType=${type}`, "--config", `rolloutVersionArn=${version}`, "--config", `rolloutAlarms=${ALARM}`, ...more];
        await stage(ctx, "9. Create with a rollout preference: straight to 100% on v1 (nothing to shift from), after the alarm is checked",
            ["up", ...base, ...rollout("CANARY", "$V1", ["--config", "rolloutPercentage=10", "--config", "rolloutIntervalSeconds=4"]), "--skip-preview"]);
        await stage(ctx, "10. CANARY to v2: 10% for 4 s; the alarm fires while it waits: all traffic back on v1 in one call, the up fails",
            ["up", ...base, ...rollout("CANARY", "$V2", ["--config", "rolloutPercentage=10", "--config", "rolloutIntervalSeconds=4"]), "--skip-preview"], "fail",
            async () => {
                while (!local!.calls().some((c) => c.operation === "UpdateStateMachineAlias" && c.outcome === "ok")) await new Promise((r) => setTimeout(r, 20));
                await new Promise((r) => setTimeout(r, 1200));
                console.log(`  (meanwhile: SetAlarmState ${ALARM} -> ALARM, "Threshold Crossed: 3 failed executions")`);
                await cw.send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "ALARM", StateReason: "Threshold Crossed: 3 failed executions" }));
            });
        await cw.send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "OK", StateReason: "demo: fixed" }));
        console.log(`
  (the cause is fixed: SetAlarmState ${ALARM} -> OK)`);
        await stage(ctx, "11. LINEAR to v2: +50% every 2 s, then a 2 s bake, watched: 100% on v2",
            ["up", ...base, ...rollout("LINEAR", "$V2", ["--config", "rolloutPercentage=50", "--config", "rolloutIntervalSeconds=2", "--config", "rolloutBakeSeconds=2"]), "--skip-preview"]);
        await stage(ctx, "12. Destroy", ["destroy", ...base]);
        cw.destroy();
        await cleanup();
        console.log(`\nDone in ${process.uptime().toFixed(1)} s. Nothing left running; the state file and the installed package are removed.`);
    } catch (e: any) {
        await cleanup();
        console.error(`\ndemo failed after ${process.uptime().toFixed(1)} s: ${e?.message ?? e}`);
        process.exitCode = 1;
    }
}

if (require.main === module) {
    // The AWS SDK's notice about future Node versions is noise here.
    process.removeAllListeners("warning");
    main(process.argv.slice(2)).catch((e) => {
        console.error(`demo failed: ${e?.message ?? e}`);
        process.exitCode = 1;
    });
}
