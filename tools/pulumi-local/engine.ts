// The local engine: serves the ResourceMonitor and Engine services to an unmodified Pulumi program run by
// `@pulumi/pulumi/cmd/run`, turns each RegisterResource into the step the Pulumi engine would take, and
// drives the real dynamic-provider plugin to carry it out.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DynamicProviderPlugin, ProviderError, WATCHDOG } from "./plugin";
import { loadConfig, loadProject, Project, StackConfig } from "./project";
import { emptyproto, engproto, engrpc, grpc, resolvePulumiFile, resproto, resrpc, structproto } from "./pulumi-modules";
import { emptyState, readState, ResourceState, StackState, writeStateAtomic } from "./state";
import {
    applyIgnoreChanges, changedKeys, deepEqual, markSecret, pathMatchesKey, PropertyMap, redact, secretKeys, unwrapSecrets,
} from "./values";
import { renderReport } from "./report";

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Command = "preview" | "up" | "refresh" | "destroy";

export interface RunOptions {
    command: Command;
    cwd: string;
    stack?: string;
    config?: Record<string, string>;
    secretConfig?: Record<string, string>;
    /** Merged over process.env for the program and the plugin. */
    env?: NodeJS.ProcessEnv;
    /**
     * Like `pulumi up --continue-on-error`: a failed step does not stop the program; resources that do not
     * depend on it still get their steps, so every failure is reported. Nothing is deleted when a step failed.
     */
    continueOnError?: boolean;
    /**
     * Like `pulumi up --parallel`: how many resource steps may run at once. Default: unbounded, as the
     * Pulumi CLI's; a step always waits for the steps of its dependencies and parent. 1 runs them one at a time.
     */
    parallel?: number;
}

export type StepOp =
    | "create" | "update" | "replace" | "delete" | "same" | "read" | "refresh"
    | "create-replacement" | "delete-replaced";

export interface StepRecord {
    urn: string;
    type: string;
    name: string;
    op: StepOp;
    diffs?: string[];
    replaces?: string[];
    error?: string;
}

export interface RunResult {
    ok: boolean;
    exitCode: number;
    steps: StepRecord[];
    summary: Record<string, number>;
    /** Stack outputs; secrets shown as "[secret]". */
    outputs: Record<string, any>;
    error?: string;
    /** The human-readable report. */
    stdout: string;
    /** Program and plugin console output and engine log messages. */
    diagnostics: string[];
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const isDynamicType = (t: string) => t.startsWith("pulumi-nodejs:dynamic");

function parseUrn(urn: string): { qualifiedType: string; name: string } {
    const parts = urn.split("::");
    return { qualifiedType: parts[2] ?? "", name: parts.slice(3).join("::") };
}

/** A step failure: the message the user sees. */
class StepFailure extends Error {}

export class Deployment {
    readonly steps: StepRecord[] = [];
    readonly diagnostics: string[] = [];
    readonly errors: string[] = [];
    private readonly preview: boolean;
    private readonly project: Project;
    private readonly stack: string;
    private readonly config: StackConfig;
    private readonly env: NodeJS.ProcessEnv;
    private readonly old: StackState;
    /** Resources of the old state not (yet) registered by this run, in the old order. */
    private base: ResourceState[];
    /** Resources registered by this run (and replaced copies pending deletion), in order. */
    private touched: ResourceState[] = [];
    private outputs: PropertyMap;
    private readonly failed = new Set<string>();
    private plugin?: Promise<DynamicProviderPlugin>;
    private engineAddress = "";
    /** Each registered resource's step, settled (never rejected) when it is over: what dependants wait for. */
    private readonly stepsOver = new Map<string, Promise<void>>();
    /** Steps running now, and the ones waiting for a slot under `parallel`. */
    private running = 0;
    private readonly waitingForSlot: (() => void)[] = [];
    private lastWritten?: string;
    private stackUrn = "";
    /** Set at the first failed step: like the engine, stop the program and take no further steps. */
    private cancelled = false;
    private program?: import("child_process").ChildProcess;
    /** continueOnError: registrations in flight, and the timer that ends a failed program once it is idle. */
    private inFlight = 0;
    private idleTimer?: NodeJS.Timeout;

    constructor(private readonly opts: RunOptions) {
        this.preview = opts.command === "preview";
        this.project = loadProject(opts.cwd);
        this.stack = opts.stack ?? "dev";
        this.config = loadConfig(this.project, this.stack, opts.config, opts.secretConfig);
        this.env = {
            ...process.env,
            ...(opts.env ?? {}),
            PULUMI_CONFIG: JSON.stringify(this.config.values),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(this.config.secretKeys),
            PULUMI_NODEJS_PROJECT: this.project.name,
            PULUMI_NODEJS_STACK: this.stack,
            PULUMI_NODEJS_ORGANIZATION: "organization",
        };
        this.old = readState(this.project.dir, this.stack) ?? emptyState(this.project.name, this.stack);
        this.base = [...this.old.resources];
        this.outputs = this.old.outputs ?? {};
        this.lastWritten = this.serialize();
    }

    // ---------------------------------------------------------------- state

    private snapshot(): StackState {
        return {
            version: 1,
            project: this.project.name,
            stack: this.stack,
            resources: [...this.touched, ...this.base],
            outputs: this.outputs,
        };
    }

    private serialize(): string {
        return JSON.stringify(this.snapshot());
    }

    /** Persists the state after a completed step (never in preview; skipped when nothing changed). */
    private save(): void {
        if (this.preview) return;
        const text = this.serialize();
        if (text === this.lastWritten) return;
        writeStateAtomic(this.project.dir, this.snapshot());
        this.lastWritten = text;
    }

    private record(step: StepRecord): void {
        this.steps.push(step);
        if (step.error) this.errors.push(`${step.urn}: ${step.error}`);
    }

    // ---------------------------------------------------------------- plugin

    private getPlugin(): Promise<DynamicProviderPlugin> {
        if (!this.plugin) {
            this.plugin = DynamicProviderPlugin.start({
                projectDir: this.project.dir,
                engineAddress: this.engineAddress || "127.0.0.1:0",
                env: this.env,
                config: this.config.values,
                secretConfigKeys: this.config.secretKeys,
            });
        }
        return this.plugin;
    }

    // ---------------------------------------------------------------- resource steps

    /** Runs fn when a slot is free under `parallel`. */
    private async inSlot<T>(fn: () => Promise<T>): Promise<T> {
        const limit = this.opts.parallel && this.opts.parallel > 0 ? this.opts.parallel : Infinity;
        while (this.running >= limit) await new Promise<void>((resolve) => this.waitingForSlot.push(resolve));
        this.running++;
        try {
            return await fn();
        } finally {
            this.running--;
            this.waitingForSlot.shift()?.();
        }
    }

    /**
     * Schedules a resource's step as the engine's step executor does: after the steps of the resources it
     * depends on (and of its parent) are over, concurrently with every other step.
     */
    private schedule<T>(urn: string, after: string[], fn: () => Promise<T>): Promise<T> {
        const before = after.map((u) => this.stepsOver.get(u)).filter((p): p is Promise<void> => p !== undefined);
        const step = Promise.all(before).then(() => this.inSlot(fn));
        this.stepsOver.set(urn, step.then(() => undefined, () => undefined));
        return step;
    }

    /** Resolves once every step scheduled so far, and any scheduled while waiting, is over. */
    private async allStepsOver(): Promise<void> {
        let seen = -1;
        while (seen !== this.stepsOver.size) {
            seen = this.stepsOver.size;
            await Promise.all(this.stepsOver.values());
        }
    }

    private urnOf(type: string, name: string, parent: string): string {
        let qualified = type;
        if (parent) {
            const p = parseUrn(parent).qualifiedType;
            if (p && p !== STACK_TYPE) qualified = `${p}$${type}`;
        }
        return `urn:pulumi:${this.stack}::${this.project.name}::${qualified}::${name}`;
    }

    private takeOld(urn: string): ResourceState | undefined {
        const i = this.base.findIndex((r) => r.urn === urn && !r.delete);
        if (i < 0) return undefined;
        return this.base.splice(i, 1)[0];
    }

    async registerResource(req: any): Promise<{ urn: string; id: string; object: PropertyMap }> {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const custom: boolean = req.getCustom();
        const urn = this.urnOf(type, name, parent);
        if (this.stepsOver.has(urn)) {
            // As the engine: two resources with one URN cannot both be managed.
            const failure = this.fail(urn, type, name, "create", `Duplicate resource URN '${urn}'; try giving it a unique name`);
            if (!this.opts.continueOnError) this.cancel();
            return Promise.reject(failure);
        }
        this.inFlight++;
        if (this.idleTimer) clearTimeout(this.idleTimer);
        const dependencies: string[] = req.getDependenciesList();
        return this.schedule(urn, [...dependencies, parent].filter((u) => u), async () => {
            if (this.cancelled) throw new StepFailure("not updated: the update was stopped by an earlier failure");
            const blocked = [...dependencies, parent].find((d) => d && this.failed.has(d));
            if (blocked) {
                // Like the engine, a dependant of a failed step is not touched; its old state stays as it was.
                this.failed.add(urn);
                throw new StepFailure(`not updated: it depends on ${blocked}, whose step failed`);
            }
            const props: PropertyMap = req.getObject()?.toJavaScript() ?? {};
            if (!custom) return this.registerComponent(urn, type, name, parent, dependencies, props, req);
            if (!isDynamicType(type)) {
                this.failed.add(urn);
                const pkg = type.startsWith("pulumi:providers:") ? type.slice("pulumi:providers:".length) : type.split(":")[0];
                const message =
                    `unsupported provider "${pkg}" for ${type} ${name}: pulumi-local drives dynamic providers ` +
                    `(pulumi.dynamic.Resource) only; run this program with the Pulumi CLI`;
                this.record({ urn, type, name, op: "create", error: message });
                throw new StepFailure(message);
            }
            try {
                return await this.stepDynamic(urn, type, name, parent, dependencies, props, req);
            } catch (e: any) {
                this.failed.add(urn);
                throw e instanceof StepFailure ? e : new StepFailure(e?.message ?? String(e));
            }
        }).catch((e) => {
            if (!this.opts.continueOnError) this.cancel();
            throw e;
        }).finally(() => {
            this.inFlight--;
            this.endIdleFailedProgram();
        });
    }

    /**
     * Stops the deployment after a failed step, as the engine cancels the language host: no later step
     * runs (so no dependant is touched), and the program is ended once it got its answer. (Left running,
     * the SDK would keep formatting the rejected outputs of the failed resource.)
     */
    private cancel(): void {
        if (this.cancelled) return;
        this.cancelled = true;
        setTimeout(() => this.program?.kill("SIGKILL"), 200);
    }

    /**
     * continueOnError: once a step failed, the SDK in the program never exits by itself (it keeps working on
     * the rejected outputs). When every registration received has been answered and none arrives for a
     * while, the program has nothing left to register: end it, as cancel() does.
     */
    private endIdleFailedProgram(): void {
        if (!this.opts.continueOnError || this.failed.size === 0) return;
        if (this.idleTimer) clearTimeout(this.idleTimer);
        this.idleTimer = setTimeout(() => {
            if (this.inFlight === 0) this.program?.kill("SIGKILL");
        }, 1500);
    }

    private registerComponent(
        urn: string, type: string, name: string, parent: string, dependencies: string[], props: PropertyMap, req: any,
    ) {
        if (type === STACK_TYPE) this.stackUrn = urn;
        const old = this.takeOld(urn);
        const state: ResourceState = {
            urn, type, name, custom: false, parent: parent || undefined, inputs: props,
            outputs: old?.outputs ?? {}, dependencies,
            protect: req.hasProtect() ? req.getProtect() : undefined,
            retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
        };
        this.touched.push(state);
        this.record({ urn, type, name, op: old ? "same" : "create" });
        this.save();
        return Promise.resolve({ urn, id: "", object: {} });
    }

    private async stepDynamic(
        urn: string, type: string, name: string, parent: string, dependencies: string[], news: PropertyMap, req: any,
    ): Promise<{ urn: string; id: string; object: PropertyMap }> {
        const old = this.takeOld(urn);
        // Until this step completes, the old state stays in the snapshot where it was.
        if (old) this.touched.push(old);
        const replaceTouched = (s: ResourceState | undefined) => {
            const i = old ? this.touched.indexOf(old) : -1;
            if (i >= 0) {
                if (s) this.touched[i] = s;
                else this.touched.splice(i, 1);
            } else if (s) {
                this.touched.push(s);
            }
        };

        const secretInputs = secretKeys(news);
        const additionalSecrets: string[] = req.getAdditionalsecretoutputsList();
        const ignoreChanges: string[] = req.getIgnorechangesList();
        const replaceOnChanges: string[] = req.getReplaceonchangesList();
        const protectSet: boolean = req.hasProtect();
        const protect: boolean = protectSet ? req.getProtect() : false;
        const retainOnDelete: boolean | undefined = req.hasRetainondelete() && req.getRetainondelete() ? true : undefined;
        const dbrOption: boolean | undefined = req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined;
        const op: StepOp = old ? "update" : "create";
        const plugin = await this.getPlugin()
            .catch((e: Error) => { throw this.fail(urn, type, name, op, `the dynamic provider plugin did not start: ${e.message}`); });

        // Check: old inputs and new inputs, secrets stripped (the plugin does not accept secrets).
        const checked = await plugin.check(urn, old ? unwrapSecrets(old.inputs) : {}, unwrapSecrets(news))
            .catch((e: ProviderError) => { throw this.fail(urn, type, name, op, `check failed: ${e.message}`); });
        if (checked.failures.length > 0) {
            const reasons = checked.failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason));
            const message = `check failed: ${reasons.join("; ")}`;
            this.record({ urn, type, name, op: old ? "update" : "create", error: message });
            throw new StepFailure(message);
        }
        let inputs = markSecret(checked.inputs, secretInputs);
        if (old && ignoreChanges.length > 0) inputs = applyIgnoreChanges(inputs, old.inputs, ignoreChanges);
        const outputSecrets = [...secretInputs, ...additionalSecrets];

        const newState = (id: string, outputs: PropertyMap, extra: Partial<ResourceState> = {}): ResourceState => ({
            urn, type, name, custom: true, id, parent: parent || undefined, inputs,
            outputs: markSecret(outputs, outputSecrets), dependencies,
            protect: protect || undefined, retainOnDelete,
            deleteBeforeReplace: dbrOption, additionalSecretOutputs: additionalSecrets.length ? additionalSecrets : undefined,
            ...extra,
        });

        // ---- create
        if (!old) {
            if (this.preview) {
                this.record({ urn, type, name, op: "create" });
                return { urn, id: "", object: inputs };
            }
            const s = await this.create(plugin, urn, type, name, inputs, newState, "create");
            replaceTouched(s);
            this.save();
            return { urn, id: s.id!, object: s.outputs };
        }

        // ---- diff
        const diff = await plugin.diff(urn, old.id ?? "", unwrapSecrets(old.inputs), unwrapSecrets(old.outputs),
            unwrapSecrets(inputs), ignoreChanges)
            .catch((e: ProviderError) => { throw this.fail(urn, type, name, "update", `diff failed: ${e.message}`); });
        const inputDiffs = changedKeys(old.inputs, inputs, ["__provider"]);
        let changes: boolean;
        if (diff.changes === "unknown") {
            // No answer from the provider: compare old and new inputs, __provider included, as the engine does.
            changes = !deepEqual(unwrapSecrets(old.inputs), unwrapSecrets(inputs));
        } else {
            changes = diff.changes === "some";
        }
        let diffs = inputDiffs;
        if (changes && diffs.length === 0) {
            const outputDrift = changedKeys(old.outputs, inputs, ["__provider"]).filter((k) => k in inputs);
            diffs = outputDrift.length > 0 ? outputDrift : changedKeys(old.inputs, inputs);
        }
        const replaces = [...diff.replaces];
        if (changes) {
            for (const k of diffs) {
                if (replaceOnChanges.some((p) => pathMatchesKey(p, k)) && !replaces.includes(k)) replaces.push(k);
            }
        }

        // ---- same
        if (!changes) {
            const s: ResourceState = { ...newState(old.id ?? "", old.outputs), initErrors: undefined };
            this.record({ urn, type, name, op: "same" });
            if (!this.preview) {
                replaceTouched(s);
                this.save();
            }
            return { urn, id: old.id ?? "", object: s.outputs };
        }

        // ---- update
        if (replaces.length === 0) {
            if (this.preview) {
                this.record({ urn, type, name, op: "update", diffs });
                return { urn, id: old.id ?? "", object: inputs };
            }
            try {
                const outs = await plugin.update(urn, old.id ?? "", unwrapSecrets(old.outputs), unwrapSecrets(old.inputs),
                    unwrapSecrets(inputs), ignoreChanges);
                const s = newState(old.id ?? "", outs);
                replaceTouched(s);
                this.record({ urn, type, name, op: "update", diffs });
                this.save();
                return { urn, id: s.id!, object: s.outputs };
            } catch (e: any) {
                const partial = (e as ProviderError).initFailure;
                if (partial) {
                    // Recorded as the provider reported them, as the engine does (a dynamic provider must
                    // include __provider there for later calls on the resource to work).
                    replaceTouched(newState(old.id ?? "", partial.properties, { initErrors: partial.reasons }));
                    this.save();
                }
                throw this.fail(urn, type, name, "update", `updating failed: ${e.message}`, { diffs });
            }
        }

        // ---- replace
        const deleteBeforeReplace = dbrOption ?? diff.deleteBeforeReplace;
        if (protect || (old.protect && !protectSet)) {
            throw this.fail(urn, type, name, "replace",
                `unable to replace resource ${urn} as it is currently marked for protection: ` +
                `remove the \`protect\` option (or set it false) and run up again`, { diffs, replaces });
        }
        if (this.preview) {
            this.record({ urn, type, name, op: "replace", diffs, replaces });
            return { urn, id: "", object: inputs };
        }
        if (deleteBeforeReplace) {
            await this.deleteResource(plugin, old, "delete-replaced");
            replaceTouched(undefined);
            this.save();
            const s = await this.create(plugin, urn, type, name, inputs, newState, "create-replacement");
            this.touched.push(s);
            this.record({ urn, type, name, op: "replace", diffs, replaces });
            this.save();
            return { urn, id: s.id!, object: s.outputs };
        }
        // Create before delete: the old copy stays in state, marked for deletion at the end of the update.
        const pending: ResourceState = { ...old, delete: true };
        replaceTouched(pending);
        let s: ResourceState;
        try {
            s = await this.create(plugin, urn, type, name, inputs, newState, "create-replacement", true);
        } catch (e) {
            this.save();
            throw e;
        }
        this.record({ urn, type, name, op: "replace", diffs, replaces });
        this.save();
        return { urn, id: s.id!, object: s.outputs };
    }

    private fail(urn: string, type: string, name: string, op: StepOp, message: string, extra: Partial<StepRecord> = {}) {
        this.record({ urn, type, name, op, ...extra, error: message });
        return new StepFailure(message);
    }

    /** Create; a partial failure (error carrying an id) is recorded in state before the step fails. */
    private async create(
        plugin: DynamicProviderPlugin, urn: string, type: string, name: string, inputs: PropertyMap,
        newState: (id: string, outputs: PropertyMap, extra?: Partial<ResourceState>) => ResourceState,
        op: StepOp, append = false,
    ): Promise<ResourceState> {
        try {
            const created = await plugin.create(urn, unwrapSecrets(inputs));
            const s = newState(created.id, created.outputs);
            if (append) this.touched.push(s);
            this.record({ urn, type, name, op });
            return s;
        } catch (e: any) {
            const partial = (e as ProviderError).initFailure;
            if (partial && partial.id) {
                // Recorded as the provider reported them, as the engine does (a dynamic provider must include
                // __provider there for later calls on the resource to work).
                const s = newState(partial.id, partial.properties, { initErrors: partial.reasons });
                this.touched.push(s);
                this.save();
            }
            throw this.fail(urn, type, name, op, `creating failed: ${e.message}` +
                (partial?.id ? ` (the resource ${partial.id} was created and is kept in state)` : ""));
        }
    }

    private async deleteResource(plugin: DynamicProviderPlugin | undefined, r: ResourceState, op: StepOp): Promise<void> {
        if (r.custom && !r.retainOnDelete && isDynamicType(r.type)) {
            const p = plugin ?? (await this.getPlugin());
            try {
                await p.delete(r.urn, r.id ?? "", unwrapSecrets(r.outputs), unwrapSecrets(r.inputs));
            } catch (e: any) {
                throw this.fail(r.urn, r.type, r.name, op, `deleting failed: ${e.message}`);
            }
        }
        this.record({ urn: r.urn, type: r.type, name: r.name, op });
    }

    registerOutputs(urn: string, outputs: PropertyMap): void {
        if (urn === this.stackUrn) this.outputs = outputs;
        const r = this.touched.find((x) => x.urn === urn && !x.delete);
        if (r && !r.custom) r.outputs = outputs;
        this.save();
    }

    // ---------------------------------------------------------------- deletions

    /**
     * Deletes resources as the engine does: concurrently (under `parallel`), each one only once every
     * resource among them that depends on it, or is its child, is deleted. A failed delete keeps what it
     * depends on; the first failure is thrown once every delete that could run has run.
     */
    private async deleteInDependencyOrder(doomed: ResourceState[], deleteOne: (r: ResourceState) => Promise<void>): Promise<void> {
        const over = new Map<ResourceState, Promise<void>>();
        const dependantsOf = (r: ResourceState) =>
            doomed.filter((x) => x !== r && (x.parent === r.urn || (x.dependencies ?? []).includes(r.urn) || (x.urn === r.urn && x.delete && !r.delete)));
        const schedule = (r: ResourceState): Promise<void> => {
            let p = over.get(r);
            if (!p) {
                p = Promise.all(dependantsOf(r).map(schedule)).then(() => this.inSlot(() => deleteOne(r)));
                over.set(r, p);
                p.catch(() => undefined);
            }
            return p;
        };
        const results = await Promise.allSettled(doomed.map(schedule));
        const failure = results.find((x): x is PromiseRejectedResult => x.status === "rejected");
        if (failure) throw failure.reason;
    }

    /** Deletes what the program no longer declares and replaced copies, dependants first. */
    private async deleteLeftovers(): Promise<void> {
        const all = [...this.touched, ...this.base];
        const doomed = all.filter((r) => r.delete || this.base.includes(r)).reverse();
        for (const r of doomed) {
            if (r.protect && !r.delete) {
                throw this.fail(r.urn, r.type, r.name, "delete",
                    `unable to delete resource ${r.urn} as it is currently marked for protection: ` +
                    `set \`protect: false\` on it and run up, then remove it`);
            }
        }
        if (this.preview) {
            for (const r of doomed) this.record({ urn: r.urn, type: r.type, name: r.name, op: r.delete ? "delete-replaced" : "delete" });
            return;
        }
        await this.deleteInDependencyOrder(doomed, async (r) => {
            await this.deleteResource(undefined, r, r.delete ? "delete-replaced" : "delete");
            this.touched = this.touched.filter((x) => x !== r);
            this.base = this.base.filter((x) => x !== r);
            this.save();
        });
    }

    // ---------------------------------------------------------------- commands

    async run(): Promise<RunResult> {
        const started = Date.now();
        try {
            if (this.opts.command === "preview" || this.opts.command === "up") await this.update();
            else if (this.opts.command === "refresh") await this.refresh();
            else await this.destroy();
        } catch (e: any) {
            if (!(e instanceof StepFailure)) this.errors.push(e?.message ?? String(e));
            else if (!this.errors.some((m) => m.endsWith(e.message))) this.errors.push(e.message);
        } finally {
            if (this.plugin) {
                const p = await this.plugin.catch(() => undefined);
                if (p) {
                    this.diagnostics.push(...p.output.map((l) => `plugin: ${l}`));
                    await p.stop();
                }
            }
        }
        return this.result(Date.now() - started);
    }

    private result(elapsedMs: number): RunResult {
        const summary: Record<string, number> = {};
        for (const s of this.steps) {
            if (s.error) continue;
            const key = s.op === "refresh" ? (s.diffs && s.diffs.length ? "update" : "same") : s.op;
            if (key === "create-replacement" || key === "delete-replaced" || key === "read") continue;
            summary[key] = (summary[key] ?? 0) + 1;
        }
        const ok = this.errors.length === 0;
        const outputs = redactOutputs(this.outputs);
        const partial = {
            ok, exitCode: ok ? 0 : 1, steps: this.steps, summary, outputs,
            error: ok ? undefined : this.errors.join("\n"), diagnostics: this.diagnostics,
        };
        const stdout = renderReport({ ...partial, command: this.opts.command, stack: this.stack, elapsedMs, rawOutputs: this.outputs });
        return { ...partial, stdout };
    }

    private async update(): Promise<void> {
        // Replaced copies left from an interrupted update are deleted first, as the engine does.
        if (!this.preview) {
            for (const r of [...this.base].reverse().filter((x) => x.delete)) {
                await this.deleteResource(undefined, r, "delete-replaced");
                this.base = this.base.filter((x) => x !== r);
                this.save();
            }
        }
        const programOk = await this.runProgram();
        if (!programOk || this.errors.length > 0) return;
        await this.deleteLeftovers();
    }

    /** Reads every resource, concurrently (under `parallel`) as the engine does; drops those gone. */
    private async refresh(): Promise<void> {
        const list = this.base.filter((r) => r.custom && isDynamicType(r.type));
        const results = await Promise.allSettled(list.map((r) => this.inSlot(() => this.refreshOne(r))));
        const failure = results.find((x): x is PromiseRejectedResult => x.status === "rejected");
        if (failure) throw failure.reason;
    }

    private async refreshOne(r: ResourceState): Promise<void> {
        const plugin = await this.getPlugin();
        let read;
        try {
            read = await plugin.read(r.urn, r.id ?? "", unwrapSecrets(r.outputs), unwrapSecrets(r.inputs));
        } catch (e: any) {
            throw this.fail(r.urn, r.type, r.name, "refresh", `refreshing failed: ${e.message}`);
        }
        const i = this.base.indexOf(r);
        if (!read.id) {
            this.base.splice(i, 1);
            this.record({ urn: r.urn, type: r.type, name: r.name, op: "delete" });
        } else {
            const keep = [...secretKeys(r.outputs), ...secretKeys(r.inputs), ...(r.additionalSecretOutputs ?? [])];
            const outputs = markSecret(read.outputs, keep);
            const inputs = read.inputs ? markSecret(read.inputs, keep) : r.inputs;
            const diffs = changedKeys(r.outputs, outputs, ["__provider"]);
            this.base[i] = { ...r, id: read.id, outputs, inputs };
            this.record({ urn: r.urn, type: r.type, name: r.name, op: "refresh", diffs });
        }
        this.save();
    }

    private async destroy(): Promise<void> {
        const doomed = [...this.base].reverse();
        for (const r of doomed) {
            if (r.protect) {
                throw this.fail(r.urn, r.type, r.name, "delete",
                    `unable to delete resource ${r.urn} as it is currently marked for protection: ` +
                    `set \`protect: false\` on it and run up before destroying`);
            }
        }
        await this.deleteInDependencyOrder(doomed, async (r) => {
            await this.deleteResource(undefined, r, r.delete ? "delete-replaced" : "delete");
            this.base = this.base.filter((x) => x !== r);
            if (this.base.every((x) => x.type !== STACK_TYPE)) this.outputs = {};
            this.save();
        });
    }

    // ---------------------------------------------------------------- the program

    private programArg(): string {
        if (this.project.explicitMain) return this.project.main;
        // With no `main`, the runner may follow the program's own package.json; we only let it when that
        // package.json is the project's own (not one of an enclosing repository).
        return fs.existsSync(path.join(this.project.dir, "package.json")) ? "." : this.project.dir;
    }

    private isTypeScript(): boolean {
        if (!this.project.typescript) return false;
        const main = this.project.main;
        if (main.endsWith(".ts")) return true;
        return fs.existsSync(path.join(main, "index.ts")) && !fs.existsSync(path.join(main, "index.js"));
    }

    private async runProgram(): Promise<boolean> {
        const server = new grpc.Server();
        server.addService(resrpc.ResourceMonitorService, this.monitorService());
        server.addService(engrpc.EngineService, this.engineService());
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
        const address = `127.0.0.1:${port}`;
        this.engineAddress = address;
        try {
            const runScript = resolvePulumiFile("cmd/run", this.project.dir);
            const args = [
                "-r", WATCHDOG, runScript, `--monitor=${address}`, `--engine=${address}`, `--project=${this.project.name}`,
                `--stack=${this.stack}`, `--organization=organization`, `--root-directory=${this.project.dir}`,
                `--pwd=${this.project.dir}`,
                ...(this.preview ? ["--dry-run"] : []),
                this.programArg(),
            ];
            const env: NodeJS.ProcessEnv = { ...this.env };
            if (this.isTypeScript()) env.PULUMI_NODEJS_TYPESCRIPT = "true";
            const child = spawn(process.execPath, args, { cwd: this.project.dir, env, stdio: ["pipe", "pipe", "pipe"] });
            this.program = child;
            const collect = (prefix: string) => (chunk: Buffer) => {
                for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) this.diagnostics.push(prefix + line);
            };
            child.stdout.on("data", collect(""));
            child.stderr.on("data", collect(""));
            const code: number = await new Promise((resolve) => {
                child.on("error", (e) => { this.errors.push(`could not start the program: ${e.message}`); resolve(-1); });
                child.on("exit", (c, sig) => resolve(c ?? (sig ? 128 : 1)));
            });
            await this.allStepsOver();
            if (code !== 0 || this.cancelled) {
                if (this.errors.length === 0) {
                    const logged = this.diagnostics.filter((d) => d.startsWith("error: "));
                    this.errors.push(`the program failed (exit code ${code})` +
                        (logged.length ? `:\n${logged.join("\n")}` : `:\n${this.diagnostics.slice(-20).join("\n")}`));
                }
                return false;
            }
            return true;
        } finally {
            await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
            server.forceShutdown();
        }
    }

    private monitorService(): any {
        const self = this;
        const reply = (callback: any) => (p: Promise<any>) =>
            p.then((v) => callback(null, v), (e: any) =>
                callback({ code: grpc.status.UNKNOWN, details: e?.message ?? String(e) }));
        return {
            supportsFeature(call: any, callback: any) {
                const resp = new resproto.SupportsFeatureResponse();
                resp.setHassupport(call.request.getId() === "secrets");
                callback(null, resp);
            },
            registerResource(call: any, callback: any) {
                reply(callback)(self.registerResource(call.request).then((r) => {
                    const resp = new resproto.RegisterResourceResponse();
                    resp.setUrn(r.urn);
                    resp.setId(r.id);
                    resp.setObject(structproto.Struct.fromJavaScript(r.object));
                    return resp;
                }));
            },
            registerResourceOutputs(call: any, callback: any) {
                const urn: string = call.request.getUrn();
                reply(callback)((self.stepsOver.get(urn) ?? Promise.resolve()).then(() => {
                    self.registerOutputs(urn, call.request.getOutputs()?.toJavaScript() ?? {});
                    return new emptyproto.Empty();
                }));
            },
            signalAndWaitForShutdown(_call: any, callback: any) {
                reply(callback)(self.allStepsOver().then(() => new emptyproto.Empty()));
            },
            readResource(call: any, callback: any) {
                callback({ code: grpc.status.UNIMPLEMENTED, details: `reading existing resources (${call.request.getType()} .get) is not supported by pulumi-local` });
            },
            invoke(call: any, callback: any) {
                callback({ code: grpc.status.UNIMPLEMENTED, details: `invoke ${call.request.getTok()} is not supported by pulumi-local` });
            },
        };
    }

    private engineService(): any {
        const self = this;
        let root = "";
        const names = ["debug", "info", "warning", "error"];
        return {
            log(call: any, callback: any) {
                const sev = names[call.request.getSeverity()] ?? "info";
                if (sev !== "debug") {
                    const urn = call.request.getUrn();
                    self.diagnostics.push(`${sev}: ${urn ? `${parseUrn(urn).name}: ` : ""}${call.request.getMessage()}`);
                }
                callback(null, new emptyproto.Empty());
            },
            getRootResource(_call: any, callback: any) {
                const resp = new engproto.GetRootResourceResponse();
                resp.setUrn(root);
                callback(null, resp);
            },
            setRootResource(call: any, callback: any) {
                root = call.request.getUrn();
                callback(null, new engproto.SetRootResourceResponse());
            },
            requirePulumiVersion(_call: any, callback: any) {
                callback(null, new engproto.RequirePulumiVersionResponse());
            },
        };
    }
}

function redactOutputs(outputs: PropertyMap): Record<string, any> {
    return redact(outputs);
}

/** Runs one command (preview, up, refresh, destroy) on a project; never throws for deployment errors. */
export async function run(opts: RunOptions): Promise<RunResult> {
    let deployment: Deployment;
    try {
        deployment = new Deployment(opts);
    } catch (e: any) {
        const error = e?.message ?? String(e);
        return { ok: false, exitCode: 1, steps: [], summary: {}, outputs: {}, error, stdout: `error: ${error}\n`, diagnostics: [] };
    }
    return deployment.run();
}
