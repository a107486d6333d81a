// `npm run bench`: what the provider costs, measured against the physical limits (issue 6). One run, in this
// order: API calls per lifecycle step, engine overhead (100-alias up through the local engine vs in process),
// preview of 100 aliases, size (serialized __provider, state per alias), throughput under AWS's token buckets.
// pulumi-local runs independent steps concurrently (unbounded, as the Pulumi CLI's default --parallel): the
// 100 or 300 aliases of an up send their calls at once and share one plugin process's SDK client.
// Prints a table (figure, value, limit or anchor, ratio) and writes bench/results.json (not committed).
// Timings are medians over repeats or ratios, never single shots. A benchmark, not a test: nothing asserted
// on time; only correctness that makes a figure meaningless (a failed up, a wrong count) stops it.
import * as fs from "fs";
import * as path from "path";
import { CreateStateMachineCommand, CreateStateMachineAliasCommand, DescribeStateMachineAliasCommand, SFNClient, UpdateStateMachineCommand } from "@aws-sdk/client-sfn";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { run, RunOptions, RunResult, StackState, stateFilePath } from "../tools/pulumi-local";
import { BUCKET_RULES, CallLogEntry, SfnLocal, startSfnLocal } from "../tools/sfn-local";
import { installedProject, PACKAGE } from "./install";
import {
    ALIAS_WRITES, bytes, callHistogram, callPattern, formatTable, isThrottled, median, rateMeasure, RateMeasure, rateRatio, ratio, Row,
} from "./stats";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Props = Record<string, any>;

const PROGRAM = path.join(__dirname, "program", "index.js");
const RESULTS = path.join(__dirname, "results.json");
const TYPE = "pulumi-nodejs:dynamic/sfn:StateMachineAlias";
const REGION = "us-east-1";
const ROLE = "arn:aws:iam::123456789012:role/sfn-alias-bench";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

/** Engine ups of 100 aliases timed against the same calls in process (each repeat ~4 s). */
const OVERHEAD_REPEATS = 5;
const IN_PROCESS_REPEATS = 5;
/** Rounds of check + diff over the 100 aliases, after WARMUP_ROUNDS untimed ones. */
const CHECK_DIFF_ROUNDS = 300;
const WARMUP_ROUNDS = 30;
/** Loopback DescribeStateMachineAlias calls timed for the preview anchor. */
const DESCRIBE_SAMPLES = 200;
/** Throughput: 300 aliases over 3 state machines (AWS's quota is 100 aliases per machine). */
const THROUGHPUT_ALIASES = 300;
const THROUGHPUT_MACHINES = 3;
/** Buckets refill this many times faster than AWS's: 200 writes beyond the burst take ~20 s per up. */
const TIME_SCALE = 10;
/** tests/provider/serialization.test.ts's limit for the serialized provider. */
const SERIALIZED_LIMIT = 4096;
/** Goals for the provider's client-side pacing (issue 9): bounced attempts per write beyond the bursts, and rate. */
const BOUNCE_GOAL = 0.1;
const RATE_GOAL = 0.99;

type Step = "create" | "noopUp" | "previewChange" | "updateDescription" | "updateRouting" | "refresh" | "delete";
const STEPS: Step[] = ["create", "noopUp", "previewChange", "updateDescription", "updateRouting", "refresh", "delete"];
/**
 * The fewest calls each step can make (issue 6). A create that must never take over an alias that exists
 * already needs a read before its write: CreateStateMachineAlias answers 200 for an identical existing alias,
 * so its answer alone cannot tell "made by this call" from "there before" (issue 9).
 */
const MINIMUM: Record<Step, number> = { create: 2, noopUp: 0, previewChange: 0, updateDescription: 1, updateRouting: 1, refresh: 1, delete: 1 };
/**
 * Terraform's aws_sfn_alias, from hashicorp/terraform-provider-aws internal/service/sfn/alias.go (read at
 * commit 099bd8c4066124eb2e1bb01e83519303886977df): resourceAliasCreate calls CreateStateMachineAlias then
 * returns resourceAliasRead (FindAliasByARN = DescribeStateMachineAlias); resourceAliasUpdate calls
 * UpdateStateMachineAlias then resourceAliasRead; resourceAliasRead is one Describe; resourceAliasDelete is
 * one DeleteStateMachineAlias. No-op and preview make no resource call, but `terraform plan`/`apply` refresh
 * every resource first by default (one Describe each) unless -refresh=false.
 */
const TERRAFORM: Record<Step, { calls: number; pattern: string }> = {
    create: { calls: 2, pattern: "Create+Describe" },
    noopUp: { calls: 0, pattern: "none; +1 Describe w/ default refresh" },
    previewChange: { calls: 0, pattern: "none; +1 Describe w/ default refresh" },
    updateDescription: { calls: 2, pattern: "Update+Describe" },
    updateRouting: { calls: 2, pattern: "Update+Describe" },
    refresh: { calls: 1, pattern: "Describe" },
    delete: { calls: 1, pattern: "Delete" },
};

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const definition = (comment: string) => JSON.stringify({ Comment: comment, StartAt: "A", States: { A: { Type: "Pass", End: true } } });

/** State machines with two published versions each: [v1, v2] per machine. */
async function makeMachines(local: SfnLocal, prefix: string, n: number): Promise<[string, string][]> {
    const sfn = new SFNClient({ endpoint: local.url, region: REGION, credentials: CREDENTIALS });
    try {
        const out: [string, string][] = [];
        for (let i = 0; i < n; i++) {
            const c = await sfn.send(new CreateStateMachineCommand({ name: `${prefix}${i}`, definition: definition("v1"), roleArn: ROLE, publish: true }));
            const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: definition("v2"), publish: true }));
            out.push([c.stateMachineVersionArn!, u.stateMachineVersionArn!]);
        }
        return out;
    } finally {
        sfn.destroy();
    }
}

interface StackConfig { machines: [string, string][]; count: number; weight?: number; description?: string }

/** One engine command on the bench project; the endpoint's call log is cleared first and returned. */
async function engine(project: string, local: SfnLocal, command: RunOptions["command"], stack: string, cfg: StackConfig, extraEnv: NodeJS.ProcessEnv = {}):
    Promise<{ result: RunResult; calls: CallLogEntry[]; ms: number }> {
    local.clearCalls();
    const config: Record<string, string> = { machines: JSON.stringify(cfg.machines), count: String(cfg.count), weight: String(cfg.weight ?? 0) };
    if (cfg.description) config.description = cfg.description;
    const started = performance.now();
    const result = await run({
        command, cwd: project, stack, config,
        env: {
            AWS_ENDPOINT_URL_SFN: local.url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test",
            AWS_SESSION_TOKEN: "", AWS_PROFILE: "", NODE_NO_WARNINGS: "1", ...extraEnv,
        },
    });
    const ms = performance.now() - started;
    return { result, calls: local.calls(), ms };
}

function mustSucceed(what: string, r: RunResult): void {
    if (!r.ok) throw new Error(`${what} failed: ${r.error}\n${r.diagnostics.slice(-20).join("\n")}`);
}

function readStack(project: string, stack: string): { text: string; state: StackState } {
    const text = fs.readFileSync(stateFilePath(project, stack), "utf8");
    return { text, state: JSON.parse(text) };
}

const aliasesOf = (state: StackState) => state.resources.filter((r) => r.type === TYPE);

/** The provider as a user's plugin loads it: the installed package's compiled module. */
function installedProvider(project: string, url: string): any {
    const provider = require(path.join(project, "node_modules", PACKAGE, "dist", "provider", "resourceProvider.js"));
    return {
        provider,
        configure: () =>
            provider.configure({
                config: { get: (k: string) => ({ "aws:endpoints": JSON.stringify([{ sfn: url }]), "aws:accessKey": "test", "aws:secretKey": "test" } as Props)[k] },
            }),
    };
}

// ------------------------------------------------------------------------------------------------ 0. rollouts

/** Alarm-to-rollback repeats, and the poll period they use (seconds). */
const ROLLBACK_REPEATS = 6;
const ROLLBACK_POLL_SECONDS = 2;
/** CloudFormation's gradual-deployment handler re-runs every 60 s (GRADUAL_DEPLOYMENT_HANDLER_DELAY_SECONDS). */
const CFN_TICK_SECONDS = 60;

interface RolloutFigures {
    linear: { shifts: number; updates: number; describeAlarms: number; expectedPolls: number; describes: number; seconds: number };
    rollbackRatios: number[];
}

/**
 * A LINEAR 25% rollout (intervalSeconds 2, alarmPollSeconds 1, bake 2) through the installed provider's
 * update, counting its calls; then CANARY rollouts in which an alarm enters ALARM at a random moment of the
 * wait, timing the rollback call against the poll period.
 */
async function rollouts(project: string): Promise<RolloutFigures> {
    const local = await startSfnLocal({ throttling: false, seed: 7 });
    const sfn = new SFNClient({ endpoint: local.url, region: REGION, credentials: CREDENTIALS });
    const cw = new CloudWatchClient({ endpoint: local.url, region: REGION, credentials: CREDENTIALS });
    const provider = require(path.join(project, "node_modules", PACKAGE, "dist", "provider", "resourceProvider.js"));
    const endpoints = JSON.stringify([{ sfn: local.url, cloudwatch: local.url }]);
    await provider.configure({ config: { get: (k: string) => ({ "aws:endpoints": endpoints, "aws:accessKey": "test", "aws:secretKey": "test" } as Props)[k] } });
    const quiet = console.log;
    try {
        const [[v1, v2]] = await makeMachines(local, "rollout", 1);
        const machine = v1.slice(0, v1.lastIndexOf(":"));
        await cw.send(new PutMetricAlarmCommand({
            AlarmName: "errors", Namespace: "AWS/States", MetricName: "ExecutionsFailed", Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1,
            ComparisonOperator: "GreaterThanOrEqualToThreshold",
        }));
        await cw.send(new SetAlarmStateCommand({ AlarmName: "errors", StateValue: "OK", StateReason: "bench" }));
        const created = await sfn.send(new CreateStateMachineAliasCommand({ name: "live", routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }] }));
        const id = created.stateMachineAliasArn!;
        const described = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: id }));
        const olds = (version: string) => ({
            name: "live", description: "", adoptExisting: false, arn: id, stateMachineArn: machine,
            routingConfiguration: [{ stateMachineVersionArn: version, weight: 100 }],
            creationDate: described.creationDate!.toISOString(), updateDate: "1970-01-01T00:00:00.000Z",
        });
        console.log = () => undefined; // the provider's progress lines
        const linear = { type: "LINEAR", stateMachineVersionArn: v2, percentage: 25, intervalSeconds: 2, alarmPollSeconds: 1, bakeTimeSeconds: 2, alarms: ["errors"] };
        local.clearCalls();
        const t0 = performance.now();
        await provider.update(id, olds(v1), { name: "live", deploymentPreference: linear });
        const seconds = (performance.now() - t0) / 1000;
        const calls = local.calls();
        // One poll before the start, then each wait of 2 s and the bake of 2 s polls at 0, 1 and 2 s.
        const expectedPolls = 1 + 4 * 3;
        const figures: RolloutFigures = {
            linear: {
                shifts: 4, updates: countOk(calls, "UpdateStateMachineAlias"), describeAlarms: countOk(calls, "DescribeAlarms"), expectedPolls,
                describes: countOk(calls, "DescribeStateMachineAlias"), seconds,
            },
            rollbackRatios: [],
        };
        for (let i = 0; i < ROLLBACK_REPEATS; i++) {
            await provider.update(id, olds(v2), { name: "live", routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }] });
            await cw.send(new SetAlarmStateCommand({ AlarmName: "errors", StateValue: "OK", StateReason: "bench" }));
            local.clearCalls();
            const canary = { type: "CANARY", stateMachineVersionArn: v2, percentage: 10, intervalSeconds: 30, alarmPollSeconds: ROLLBACK_POLL_SECONDS, alarms: ["errors"] };
            const rolling = provider.update(id, olds(v1), { name: "live", deploymentPreference: canary }).catch((e: Error) => e);
            while (countOk(local.calls(), "UpdateStateMachineAlias") < 1) await new Promise((r) => setTimeout(r, 5));
            // A moment spread over the poll period (i of ROLLBACK_REPEATS), plus a little of whatever.
            await new Promise((r) => setTimeout(r, 200 + ((i + Math.random()) / ROLLBACK_REPEATS) * ROLLBACK_POLL_SECONDS * 1000));
            const firedAt = Date.now();
            await cw.send(new SetAlarmStateCommand({ AlarmName: "errors", StateValue: "ALARM", StateReason: "bench" }));
            const outcome = await rolling;
            if (!(outcome instanceof Error)) throw new Error("the canary was meant to roll back");
            const back = local.calls().filter((c) => c.operation === "UpdateStateMachineAlias" && c.outcome === "ok")[1];
            if (!back) throw new Error("no rollback call");
            figures.rollbackRatios.push((back.time - firedAt) / (ROLLBACK_POLL_SECONDS * 1000));
        }
        return figures;
    } finally {
        console.log = quiet;
        sfn.destroy();
        cw.destroy();
        await local.stop();
    }
}

// ------------------------------------------------------------------------------------------------ 1. lifecycle

interface StepCalls { calls: number; pattern: string; ms: number; command: RunOptions["command"] }

async function lifecycle(project: string): Promise<Record<Step, StepCalls>> {
    // AWS's buckets at AWS's rates: a handful of calls never meets them.
    const local = await startSfnLocal({ seed: 1 });
    try {
        const machines = await makeMachines(local, "lifecycle", 1);
        const stack = "lifecycle";
        const plan: [Step, RunOptions["command"], StackConfig][] = [
            ["create", "up", { machines, count: 1, description: "first" }],
            ["noopUp", "up", { machines, count: 1, description: "first" }],
            ["previewChange", "preview", { machines, count: 1, description: "first", weight: 10 }],
            ["updateDescription", "up", { machines, count: 1, description: "second" }],
            ["updateRouting", "up", { machines, count: 1, description: "second", weight: 10 }],
            ["refresh", "refresh", { machines, count: 1, description: "second", weight: 10 }],
            ["delete", "destroy", { machines, count: 1, description: "second", weight: 10 }],
        ];
        const out = {} as Record<Step, StepCalls>;
        for (const [step, command, cfg] of plan) {
            const { result, calls, ms } = await engine(project, local, command, stack, cfg);
            mustSucceed(`${step} (${command})`, result);
            const ops = result.steps.filter((s) => s.type === TYPE).map((s) => s.op);
            const expected = { create: "create", noopUp: "same", previewChange: "update", updateDescription: "update", updateRouting: "update", refresh: "refresh", delete: "delete" }[step];
            if (ops.join() !== expected) throw new Error(`${step}: expected one ${expected} step, got ${ops.join() || "none"}`);
            out[step] = { calls: calls.length, pattern: callPattern(calls), ms, command };
            log(`lifecycle ${step}: ${out[step].pattern}`);
        }
        return out;
    } finally {
        await local.stop();
    }
}

// ------------------------------------------------------------- 5. engine overhead, 2. preview, 3. size (one stack)

interface OverheadAndPreview {
    engineMs: number[];
    inProcessMs: number[];
    previewCalls: number;
    previewUpdates: number;
    previewEngineMs: number;
    checkDiffMicros: number;
    describeMicros: number;
    providerBytes: number;
    providerIsRequire: boolean;
    stateBytesPerAlias: number;
    /** Bytes per alias of its two __provider copies (inputs and outputs) in the file. */
    providerStateBytesPerAlias: number;
    /** The alias's own fields (name, routing, description, ARN, dates) as compact JSON. */
    aliasDataBytes: number;
}

async function overheadAndPreview(project: string): Promise<OverheadAndPreview> {
    // Buckets off: this measures the engine and the provider, not AWS's quota (which 100 creates per repeat exceed).
    const local = await startSfnLocal({ throttling: false, seed: 2 });
    const { provider, configure } = installedProvider(project, local.url);
    try {
        const machines = await makeMachines(local, "overhead", 1);
        const stack = "overhead";
        const cfg: StackConfig = { machines, count: 100 };
        const engineMs: number[] = [];
        const inProcessMs: number[] = [];
        await configure();
        const deleteAll = async (ids: string[]) => {
            for (const id of ids) await provider.delete(id, {});
        };
        for (let r = 0; r < OVERHEAD_REPEATS; r++) {
            fs.rmSync(stateFilePath(project, stack), { force: true });
            const up = await engine(project, local, "up", stack, cfg);
            mustSucceed("100-alias up", up.result);
            // Each create: the ownership check (no such alias) and the create.
            if (countOk(up.calls, "CreateStateMachineAlias") !== 100 || up.calls.length !== 200) {
                throw new Error(`100-alias up: expected 100 DescribeStateMachineAlias + 100 CreateStateMachineAlias calls, got ${JSON.stringify(callHistogram(up.calls))}`);
            }
            engineMs.push(up.ms);
            // The same provider calls in this process: configure, then check and create of each alias, with the
            // inputs the engine sent (read back from its state: __provider and all), all at once as the engine.
            const resources = aliasesOf(readStack(project, stack).state);
            await deleteAll(resources.map((x) => x.id!));
            // All at once, as the engine runs these independent steps; the median of IN_PROCESS_REPEATS (it is
            // short, so it is the noisier side of the ratio).
            const samples: number[] = [];
            for (let k = 0; k < IN_PROCESS_REPEATS; k++) {
                if (k > 0) await deleteAll(resources.map((x) => x.id!));
                const started = performance.now();
                await configure();
                await Promise.all(resources.map(async (res) => {
                    const checked = await provider.check({}, res.inputs);
                    await provider.create(checked.inputs);
                }));
                samples.push(performance.now() - started);
            }
            inProcessMs.push(median(samples));
            // The aliases created in process match the state (same names, ARNs, configuration): the last repeat
            // leaves them for the preview; the others are deleted for the next up.
            if (r < OVERHEAD_REPEATS - 1) await deleteAll(resources.map((x) => x.id!));
            log(`overhead repeat ${r + 1}/${OVERHEAD_REPEATS}: engine ${up.ms.toFixed(0)} ms, in process ${inProcessMs[r].toFixed(0)} ms`);
        }

        // 2. Preview of a weight change to all 100: the engine's plan, and the endpoint's call log.
        const preview = await engine(project, local, "preview", stack, { ...cfg, weight: 10 });
        mustSucceed("100-alias preview", preview.result);
        const previewUpdates = preview.result.steps.filter((s) => s.type === TYPE && s.op === "update").length;

        // In-process check + diff of the same change, with the state's inputs and outputs.
        const { text, state } = readStack(project, stack);
        const resources = aliasesOf(state);
        const news = resources.map((res) => {
            const [v1, v2] = machines[0];
            return { ...res.inputs, routingConfiguration: [{ stateMachineVersionArn: v1, weight: 90 }, { stateMachineVersionArn: v2, weight: 10 }] };
        });
        const round = async () => {
            const started = performance.now();
            for (let i = 0; i < resources.length; i++) {
                const checked = await provider.check(resources[i].inputs, news[i]);
                const diff = await provider.diff(resources[i].id, resources[i].outputs, checked.inputs);
                if (checked.failures || !diff.changes || diff.replaces.length) throw new Error(`check/diff of alias ${i}: ${JSON.stringify({ checked, diff })}`);
            }
            return ((performance.now() - started) * 1000) / resources.length;
        };
        for (let i = 0; i < WARMUP_ROUNDS; i++) await round();
        const perAlias: number[] = [];
        for (let i = 0; i < CHECK_DIFF_ROUNDS; i++) perAlias.push(await round());

        // The anchor: the cheapest API call there is, DescribeStateMachineAlias over loopback, same SDK.
        const sfn = new SFNClient({ endpoint: local.url, region: REGION, credentials: CREDENTIALS });
        const describe: number[] = [];
        for (let i = 0; i < DESCRIBE_SAMPLES + 20; i++) {
            const started = performance.now();
            await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: resources[i % resources.length].id! }));
            if (i >= 20) describe.push((performance.now() - started) * 1000);
        }
        sfn.destroy();

        // 3. Size: the serialized provider as stored in each alias's inputs, and what each alias adds to the file.
        const providerText: string = resources[0].inputs.__provider;
        // The file is the engine's format (JSON, 2-space indent); what an alias adds is the file's size less
        // the same state without the aliases (or without their __provider copies, in inputs and outputs).
        const fileBytes = (s: StackState) => Buffer.byteLength(JSON.stringify(s, null, 2) + "\n");
        const withoutAliases = fileBytes({ ...state, resources: state.resources.filter((x) => x.type !== TYPE) });
        const withoutProvider = fileBytes({
            ...state,
            resources: state.resources.map((x) => {
                if (x.type !== TYPE) return x;
                const { __provider: _i, ...inputs } = x.inputs;
                const { __provider: _o, ...outputs } = x.outputs;
                return { ...x, inputs, outputs };
            }),
        });
        const stateBytesPerAlias = (Buffer.byteLength(text) - withoutAliases) / resources.length;
        const providerStateBytesPerAlias = (Buffer.byteLength(text) - withoutProvider) / resources.length;
        // What AWS itself holds about an alias: its Describe fields, compact JSON.
        const aliasDataBytes = median(resources.map((x) => {
            const { __provider: _p, stateMachineArn: _m, ...data } = x.outputs;
            return Buffer.byteLength(JSON.stringify(data));
        }));

        // Leave nothing behind in the endpoint (it is stopped anyway) or the state.
        await deleteAll(resources.map((x) => x.id!));
        fs.rmSync(stateFilePath(project, stack), { force: true });
        return {
            engineMs, inProcessMs,
            previewCalls: preview.calls.length, previewUpdates, previewEngineMs: preview.ms,
            checkDiffMicros: median(perAlias), describeMicros: median(describe),
            providerBytes: Buffer.byteLength(providerText),
            providerIsRequire: providerText.includes(`require("${PACKAGE}/dist/provider/resourceProvider.js")`),
            stateBytesPerAlias, providerStateBytesPerAlias, aliasDataBytes,
        };
    } finally {
        await local.stop();
    }
}

function countOk(calls: readonly CallLogEntry[], operation: string): number {
    return calls.filter((c) => c.operation === operation && c.outcome === "ok").length;
}

// ----------------------------------------------------------------------------------------------- 4. throughput

interface Throughput {
    aliases: number;
    failedSteps: number;
    retries: number;
    create: RateMeasure;
    shift: RateMeasure;
    ratio: number;
    createSeconds: number;
    shiftSeconds: number;
    otherOutcomes: Record<string, number>;
}

async function throughput(project: string): Promise<Throughput> {
    const local = await startSfnLocal({ timeScale: TIME_SCALE, seed: 3 });
    try {
        const machines = await makeMachines(local, "fleet", THROUGHPUT_MACHINES);
        const stack = "throughput";
        const cfg: StackConfig = { machines, count: THROUGHPUT_ALIASES };
        // The endpoint refills TIME_SCALE times faster than AWS; the provider's pacing is told so, as a user
        // whose quotas AWS raised would tell it.
        const paced = { PULUMI_SFN_ALIAS_REFILL_PER_SECOND: String(TIME_SCALE) };
        const created = await engine(project, local, "up", stack, cfg, paced);
        log(`throughput create: ${(created.ms / 1000).toFixed(1)} s, ${JSON.stringify(callHistogram(created.calls))}`);
        // Run even after a failed create up: it then creates what is missing besides shifting the rest.
        const shifted = await engine(project, local, "up", stack, { ...cfg, weight: 30 }, paced);
        log(`throughput shift: ${(shifted.ms / 1000).toFixed(1)} s, ${JSON.stringify(callHistogram(shifted.calls))}`);
        const runs = [created, shifted];
        const failedSteps = runs.reduce((n, x) => n + x.result.steps.filter((s) => s.error).length, 0);
        const all = runs.flatMap((x) => x.calls);
        const createRule = BUCKET_RULES.CreateStateMachineAlias;
        const updateRule = BUCKET_RULES.UpdateStateMachineAlias;
        const create = rateMeasure(created.calls, "CreateStateMachineAlias", createRule, TIME_SCALE);
        const shift = rateMeasure(shifted.calls, "UpdateStateMachineAlias", updateRule, TIME_SCALE);
        // Not failures: a create's ownership check finding no alias is the expected answer.
        const ownershipCheck = (c: CallLogEntry) => c.operation === "DescribeStateMachineAlias" && c.outcome === "ResourceNotFound";
        const otherOutcomes = callHistogram(all.filter((c) => c.outcome !== "ok" && !isThrottled(c) && !ownershipCheck(c)));
        for (const x of runs) if (!x.result.ok) log(`throughput up failed: ${x.result.error?.split("\n").slice(0, 3).join(" | ")}`);
        return {
            aliases: THROUGHPUT_ALIASES,
            failedSteps,
            retries: all.filter(isThrottled).length,
            create, shift,
            ratio: rateRatio([create, shift], createRule),
            createSeconds: created.ms / 1000,
            shiftSeconds: shifted.ms / 1000,
            otherOutcomes,
        };
    } finally {
        await local.stop();
    }
}

// --------------------------------------------------------------------------------------------------- report

async function main(): Promise<void> {
    const started = performance.now();
    // The AWS SDK's notice about future Node versions is noise here.
    process.removeAllListeners("warning");
    const project = installedProject(PROGRAM);
    try {
        log(`project with ${PACKAGE} installed from its packed files: ${project}`);
        const ro = await rollouts(project);
        const steps = await lifecycle(project);
        const op = await overheadAndPreview(project);
        const thr = await throughput(project);

        const engineMedian = median(op.engineMs);
        const inProcessMedian = median(op.inProcessMs);
        const engineOverheadRatio = median(op.engineMs.map((e, i) => e / op.inProcessMs[i]));
        const oneAliasUps = STEPS.filter((x) => steps[x].command === "up").map((x) => steps[x].ms);
        const oneAliasMedian = median(oneAliasUps);
        const perAliasEngineMs = (engineMedian - oneAliasMedian) / 99;
        const results = {
            apiCalls: Object.fromEntries(STEPS.map((s) => [s, steps[s].calls])) as Record<Step, number>,
            preview100: { apiCalls: op.previewCalls, checkDiffMicrosPerAlias: round(op.checkDiffMicros, 1) },
            serializedProviderBytes: op.providerBytes,
            stateBytesPerAlias: Math.round(op.stateBytesPerAlias),
            throttled: {
                aliases: thr.aliases, failedSteps: thr.failedSteps, retries: thr.retries, rateRatio: round(thr.ratio, 3),
                bouncedPerWriteBeyondBurst: 0, // set below
            },
            engineOverheadRatio: round(engineOverheadRatio, 2),
            rollout: { ...ro.linear, rollbackRatios: ro.rollbackRatios.map((r) => round(r, 3)) },
            date: new Date().toISOString(),
        };

        const beyondBurst = Math.max(0, thr.create.ok - BUCKET_RULES.CreateStateMachineAlias.capacity) + Math.max(0, thr.shift.ok - BUCKET_RULES.UpdateStateMachineAlias.capacity);
        const bounced = thr.create.throttled + thr.shift.throttled;
        results.throttled.bouncedPerWriteBeyondBurst = round(beyondBurst > 0 ? bounced / beyondBurst : 0, 3);
        const worst = Math.max(...ro.rollbackRatios);
        const rows: (Row | string)[] = [
            `Rollouts (installed provider, direct): LINEAR 25% every 2 s, polls every 1 s, bake 2 s (${ro.linear.seconds.toFixed(1)} s)`,
            ["  UpdateStateMachineAlias calls", String(ro.linear.updates), `${ro.linear.shifts} shifts`, ratio(ro.linear.updates, ro.linear.shifts)],
            ["  DescribeAlarms calls", String(ro.linear.describeAlarms), `${ro.linear.expectedPolls} polls (1 before + 3 per 2-s wait or bake)`, ratio(ro.linear.describeAlarms, ro.linear.expectedPolls)],
            ["  DescribeStateMachineAlias calls", String(ro.linear.describes), "1 at the start + 1 drift check per later shift", ratio(ro.linear.describes, 1 + ro.linear.shifts - 1)],
            [`  alarm in ALARM -> rollback call, / poll period (${ROLLBACK_POLL_SECONDS} s), ${ROLLBACK_REPEATS} runs`,
                `median ${median(ro.rollbackRatios).toFixed(2)}, max ${worst.toFixed(2)}`,
                `goal <= 1; CloudFormation: its ${CFN_TICK_SECONDS}-s tick`, worst <= 1 ? "ok" : "MISSED"],
            "API calls per lifecycle step (endpoint call log; Terraform: aws_sfn_alias, alias.go)",
            ...STEPS.map((s): Row => [
                `  ${s}: ${steps[s].pattern}`, String(steps[s].calls),
                `min ${MINIMUM[s]}; TF ${TERRAFORM[s].calls} (${TERRAFORM[s].pattern})`,
                MINIMUM[s] > 0 ? ratio(steps[s].calls, MINIMUM[s]) : ratio(steps[s].calls, 0),
            ]),
            "Preview of 100 aliases (weight change)",
            ["  API calls", String(op.previewCalls), "must be 0", op.previewCalls === 0 ? "ok" : "FAIL"],
            ["  updates planned", String(op.previewUpdates), "100", ratio(op.previewUpdates, 100)],
            [`  check+diff per alias (median of ${CHECK_DIFF_ROUNDS} rounds)`, `${op.checkDiffMicros.toFixed(1)} us`,
                `1 loopback Describe: ${(op.describeMicros / 1000).toFixed(2)} ms`, ratio(op.checkDiffMicros, op.describeMicros, 4)],
            "Size",
            ["  serialized __provider (installed package)", bytes(op.providerBytes),
                `${SERIALIZED_LIMIT} B test limit${op.providerIsRequire ? "; a require()" : "; NOT a require()"}`, ratio(op.providerBytes, SERIALIZED_LIMIT)],
            ["  state per alias (engine's state file)", bytes(op.stateBytesPerAlias),
                `alias's own data: ${bytes(op.aliasDataBytes)} JSON`, ratio(op.stateBytesPerAlias, op.aliasDataBytes)],
            ["    of which __provider (inputs + outputs)", bytes(op.providerStateBytesPerAlias),
                "state per alias", ratio(op.providerStateBytesPerAlias, op.stateBytesPerAlias)],
            `Throughput: ${THROUGHPUT_ALIASES} aliases over ${THROUGHPUT_MACHINES} state machines, buckets 100 + 1/s x${TIME_SCALE}`,
            ["  failed steps", String(thr.failedSteps), "must be 0", thr.failedSteps === 0 ? "ok" : "FAIL"],
            ["  throttled attempts, every operation", String(thr.retries), `${beyondBurst} writes beyond the bursts`, ratio(thr.retries, beyondBurst)],
            [`  bounced writes per write beyond the bursts (create / shift: ${thr.create.throttled} / ${thr.shift.throttled})`,
                (beyondBurst > 0 ? bounced / beyondBurst : 0).toFixed(3), `goal < ${BOUNCE_GOAL} (client-side pacing)`,
                beyondBurst > 0 && bounced / beyondBurst < BOUNCE_GOAL ? "ok" : "MISSED"],
            [`  create up: ${thr.createSeconds.toFixed(1)} s, writes beyond burst`, `${thr.create.sustainedPerSecond.toFixed(2)}/s`,
                `refill ${thr.create.limitPerSecond}/s`, ratio(thr.create.sustainedPerSecond, thr.create.limitPerSecond)],
            [`  shift up: ${thr.shiftSeconds.toFixed(1)} s, writes beyond burst`, `${thr.shift.sustainedPerSecond.toFixed(2)}/s`,
                `refill ${thr.shift.limitPerSecond}/s`, ratio(thr.shift.sustainedPerSecond, thr.shift.limitPerSecond)],
            ["  achieved write rate (both ups)", `${(thr.ratio * 100).toFixed(1)}%`, `bucket refill rate; goal >= ${RATE_GOAL * 100}%`, thr.ratio >= RATE_GOAL ? "ok" : "MISSED"],
            `Engine overhead: 100-alias up, median of ${OVERHEAD_REPEATS}`,
            ["  through pulumi-local + plugin", `${(engineMedian / 1000).toFixed(2)} s`,
                `in process: ${(inProcessMedian / 1000).toFixed(2)} s`, `${engineOverheadRatio.toFixed(2)}x`],
            [`  1-alias up (median of the lifecycle's ${oneAliasUps.length} ups)`, `${(oneAliasMedian / 1000).toFixed(2)} s`,
                "fixed cost: program, plugin, gRPC", ratio(oneAliasMedian, engineMedian)],
            ["  each further alias", `${perAliasEngineMs.toFixed(1)} ms`,
                `in process: ${(inProcessMedian / 100).toFixed(1)} ms`, ratio(perAliasEngineMs, inProcessMedian / 100)],
        ];
        if (Object.keys(thr.otherOutcomes).length) rows.push(`  other failed calls: ${JSON.stringify(thr.otherOutcomes)}`);
        const table = formatTable(rows);
        fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");
        const wall = (performance.now() - started) / 1000;
        process.stdout.write(`${table}\n\nbench/results.json written (${results.date}); bench wall time ${wall.toFixed(0)} s\n`);
        if (thr.failedSteps > 0 || op.previewCalls > 0) process.exitCode = 1;
    } finally {
        fs.rmSync(project, { recursive: true, force: true });
    }
}

function round(n: number, digits: number): number {
    const f = 10 ** digits;
    return Math.round(n * f) / f;
}

main().catch((e) => {
    process.stderr.write(`bench failed: ${e?.stack ?? e}\n`);
    process.exitCode = 1;
});
