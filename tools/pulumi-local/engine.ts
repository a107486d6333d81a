// The local engine: serves the ResourceMonitor and Engine services to an unmodified Pulumi program run by
// `@pulumi/pulumi/cmd/run`, turns each RegisterResource into the step the Pulumi engine would take, and
// drives the real dynamic-provider plugin to carry it out.
//
// The rules it follows cite the pulumi/pulumi function they come from (pkg/resource/deploy/step_generator.go
// unless said otherwise): up = preview + update (pkg/backend/apply.go PreviewThenPromptThenExecute); the
// old state looked up by URN then by alias (getOldResource, generateAliases); Check with olds after
// ignoreChanges, or without olds for a create or a targeted replace (continueStepsFromImport,
// processIgnoreChanges); the synthetic diff of a targeted replace (diff, isTargetedReplace); the engine's own
// input diff for DIFF_UNKNOWN (diffResource); replaceOnChanges (applyReplaceOnChanges); the replacement's
// re-Check and the deleteBeforeReplace choice (continueStepsFromDiff); the old copy of a create-before-delete
// marked for deletion only once the new one exists (step.go CreateStep.Apply); unknown --replace targets
// (deployment_executor.go checkTargets).
//
// What this engine does not model (the real engine does; see ../shared/notes/pulumi-engine.md):
// - Pending operations: nothing is written before a provider call, so a killed run leaves no
//   "creating/updating/deleting" record, no "pending operations" warning, and refresh has nothing to clear
//   (--clear-pending-creates, --skip-pending-creates, --import-pending-creates do not exist).
// - An interrupted delete-before-replace (pendingReplacement); taint (`pulumi state taint`, which the
//   engine replaces as a targeted replace); imports (`import` option, `pulumi import`); `.get()` reads;
//   invokes; provider resources other than the dynamic provider; component resources' diffs (a registered
//   component is "same" whatever its inputs).
// - Config beyond Pulumi.<stack>.yaml values and flags: no project `config:` schema (defaults, types,
//   required keys, `secret: true`), no encrypted `secure:` values, no `pulumi config` commands.
// - Output format: the report is this tool's own summary in the CLI's shape (no progress rows, no
//   "@ updating...." spinner, no diagnostics grouping per resource, no detailed property diff); `--json`
//   is this tool's RunResult, not `pulumi up --json`'s engine events.
// - --target, --target-replace, --exclude, --target-dependents (untargeted sames, skipped creates); globs in
//   --replace URNs; update plans (--plan, --strict, the preview's plan constraining the update); the
//   random seed Check gets (none is sent); PULUMI_PARALLEL_DIFF, PULUMI_ENABLE_LEGACY_DIFF.
// - Init errors with no change: the engine forces an Update (continueStepsFromDiff, `hasInitErrors`);
//   here the step is "same" and the init errors are dropped. (A replaceOnChanges path covering
//   "#initerror" does force the replacement, as applyReplaceOnChanges.)
// - Replaced copies left by an interrupted create-before-delete (`delete: true`) are deleted before the
//   program runs; the engine deletes them in the post-steps, after the program (GenerateDeletes).
// - Delete-before-replace does not first delete the dependents that would be replaced with it
//   (calculateDependentReplacements); deletes are ordered by dependency, not in the engine's antichains
//   (ScheduleDeletes), and `parallel` defaults to unbounded (the CLI: 4 x CPUs).
// - Protect on replace: the engine refuses only when both the old and the new state are protected
//   (continueStepsFromDiff `new.Protect && old.Protect`); here a protected new or old state (option unset) refuses.
// - Check failures under continueOnError: the engine bails the deployment at the first invalid resource
//   (continueStepsFromImport "resource %s is invalid"), --continue-on-error or not; here each is reported and
//   independent resources still get their steps (in the preview of an up too, which then fails).
// - Aliases: references to an aliased resource's old URN in other resources' dependencies are not
//   rewritten in the state (the snapshot manager does); providers' aliases (RegisterAlias); duplicate-claim
//   checks race when the two registrations are independent (the engine checks them in registration order).
// - Steps of independent resources run concurrently from registration, as the engine's; but Check and Diff
//   run in those concurrent steps too, where the engine runs them one at a time in its step generator.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DiffResult, DynamicProviderPlugin, ProviderError, WATCHDOG } from "./plugin";
import { loadConfig, loadProject, Project, StackConfig } from "./project";
import { emptyproto, engproto, engrpc, grpc, resolvePulumiFile, resproto, resrpc, structproto } from "./pulumi-modules";
import { emptyState, readState, ResourceState, StackState, writeStateAtomic } from "./state";
import {
    applyIgnoreChanges, changedKeys, detailedDiffPaths, formatPropertyPath, markSecret, parsePropertyPath, pathContains, PathSegment,
    PropertyMap, redact, secretKeys, unwrapSecrets,
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
     * Like `pulumi up --parallel`: how many resource steps may run at once. Default: unbounded (the Pulumi
     * CLI's default is 4 x CPUs, operations/up.go defaultParallel); a step always waits for the steps of its
     * dependencies and parent. 1 runs them one at a time.
     */
    parallel?: number;
    /**
     * Like `pulumi up --skip-preview`: the update runs alone. Without it, `up` is what `pulumi up --yes` does
     * (pkg/backend/apply.go PreviewThenPromptThenExecute): a preview (a dry-run deployment of its own: its own
     * program run, plugin process and Check calls) and then, if it succeeded, a separate update.
     */
    skipPreview?: boolean;
    /**
     * Like `pulumi up --replace URN` (repeatable): these resources are replaced whatever their diff says
     * (step_generator.go isTargetedReplace). Each URN must be in the stack's state, else the command fails
     * before the program runs (deployment_executor.go checkTargets).
     */
    replace?: string[];
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
    /**
     * `up` without skipPreview: the preview that ran before the update, as its own deployment. When it
     * failed, no update ran (as the CLI): then `steps`, `summary` and `error` above are the preview's too.
     */
    preview?: PreviewResult;
}

/** The preview an `up` ran first: what it planned (the update's steps may differ, e.g. for a non-deterministic check). */
export type PreviewResult = Omit<RunResult, "stdout" | "preview">;

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
    /** `replace` URNs (the engine's ReplaceTargets). */
    private readonly replaceTargets: Set<string>;
    /** New URN -> the old URN its state was found under through an alias (the step generator's `aliases`). */
    private readonly aliasOf = new Map<string, string>();
    /** Old URN -> the new URN that claimed it as an alias (the step generator's `aliased`). */
    private readonly aliasedBy = new Map<string, string>();

    constructor(private readonly opts: RunOptions) {
        this.preview = opts.command === "preview";
        this.replaceTargets = new Set(opts.replace ?? []);
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

    /**
     * The `aliases` of a registration as URNs, as the engine computes them (step_generator.go
     * generateAliases): each alias spec collapsed to a URN (collapseAliasToUrn: omitted name/type/stack/project
     * are the resource's; a parent that was itself found through an alias stands for its old URN; the root
     * stack as parent means no parent), then, when the parent was found through an alias, the aliases the
     * child inherits from it (inheritedChildAlias). The SDK sends specs because SupportsFeature("aliasSpecs")
     * answers true, as the Pulumi CLI's; plain alias URNs (aliasURNs, older SDKs) are taken as they are.
     */
    private aliasUrns(req: any, type: string, name: string, parent: string): string[] {
        const specs: ({ urn: string } | { name: string; type: string; stack: string; project: string; parent: string; noParent: boolean })[] = [];
        for (const u of req.getAliasurnsList() as string[]) specs.push({ urn: u });
        for (const a of req.getAliasesList() as any[]) {
            if (a.hasUrn()) {
                specs.push({ urn: a.getUrn() });
            } else if (a.hasSpec()) {
                const sp = a.getSpec();
                specs.push({
                    name: sp.getName(), type: sp.getType(), stack: sp.getStack(), project: sp.getProject(),
                    parent: sp.hasParenturn() ? sp.getParenturn() : "", noParent: sp.hasNoparent() ? sp.getNoparent() : false,
                });
            }
        }
        const createUrn = (n: string, t: string, p: string, project: string, stack: string) =>
            p ? `${p.slice(0, p.lastIndexOf("::"))}$${t}::${n}` : `urn:pulumi:${stack}::${project}::${t}::${n}`;
        const collapse = (spec: (typeof specs)[number]): string => {
            if ("urn" in spec) return spec.urn;
            let p = spec.parent || parent;
            if (spec.parent && this.aliasOf.has(spec.parent)) p = this.aliasOf.get(spec.parent)!;
            if (spec.noParent || (p && parseUrn(p).qualifiedType === STACK_TYPE)) p = "";
            return createUrn(spec.name || name, spec.type || type, p, spec.project || this.project.name, spec.stack || this.stack);
        };
        const inherited = (childType: string, childName: string, parentName: string, parentAlias: string) => {
            const aliasName = childName.startsWith(parentName) ? parseUrn(parentAlias).name + childName.slice(parentName.length) : childName;
            const pt = parseUrn(parentAlias).qualifiedType;
            return `urn:pulumi:${this.stack}::${this.project.name}::${pt && pt !== STACK_TYPE ? `${pt}$` : ""}${childType}::${aliasName}`;
        };
        const out: string[] = [];
        const add = (u: string) => { if (!out.includes(u)) out.push(u); };
        for (const spec of specs) add(collapse(spec));
        const parentAlias = parent ? this.aliasOf.get(parent) : undefined;
        if (parentAlias) {
            add(inherited(type, name, parseUrn(parent).name, parentAlias));
            for (const spec of specs) {
                const child = parseUrn(collapse(spec));
                const t = child.qualifiedType.split("$").pop()!;
                add(inherited(t, child.name, parseUrn(parent).name, parentAlias));
            }
        }
        return out;
    }

    /**
     * The old state of a registration, as step_generator.go getOldResource: by its URN first, then by each
     * alias in order. Found under an alias, it is the same resource (it is not deleted later), and the alias is
     * recorded; a URN or alias claimed twice is an error (the messages of diag/errors.go).
     */
    private takeOldOrAliased(urn: string, aliases: string[]): { old?: ResourceState; alias?: string; error?: string } {
        const errors: string[] = [];
        const claimedBy = this.aliasedBy.get(urn);
        if (claimedBy) errors.push(`Duplicate resource URN '${urn}' conflicting with alias on resource with URN '${claimedBy}'`);
        let old = this.takeOld(urn);
        let alias: string | undefined;
        if (!old) {
            for (const a of aliases) {
                if (a === urn || !this.old.resources.some((r) => r.urn === a && !r.delete)) continue;
                if (this.stepsOver.has(a)) errors.push(`Duplicate resource alias '${a}' applied to resource with URN '${urn}' conflicting with resource with URN '${urn}'`);
                const previous = this.aliasedBy.get(a);
                if (previous) errors.push(`Duplicate resource alias '${a}' applied to resource with URN '${urn}' conflicting with resource with URN '${previous}'`);
                if (errors.length === 0) {
                    old = this.takeOld(a);
                    alias = a;
                    this.aliasedBy.set(a, urn);
                    this.aliasOf.set(urn, a);
                }
                break;
            }
        }
        return { old, alias, error: errors.length ? errors.join("\n") : undefined };
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
        const { old, alias, error } = this.takeOldOrAliased(urn, this.aliasUrns(req, type, name, parent));
        if (error) {
            this.failed.add(urn);
            throw this.fail(urn, type, name, "create", error);
        }
        const state: ResourceState = {
            urn, type, name, custom: false, parent: parent || undefined, inputs: props,
            outputs: old?.outputs ?? {}, dependencies,
            protect: req.hasProtect() ? req.getProtect() : undefined,
            retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
            aliases: alias ? [alias] : undefined,
        };
        this.touched.push(state);
        this.record({ urn, type, name, op: old ? "same" : "create" });
        this.save();
        return Promise.resolve({ urn, id: "", object: {} });
    }

    private async stepDynamic(
        urn: string, type: string, name: string, parent: string, dependencies: string[], news: PropertyMap, req: any,
    ): Promise<{ urn: string; id: string; object: PropertyMap }> {
        const { old, alias, error: aliasError } = this.takeOldOrAliased(urn, this.aliasUrns(req, type, name, parent));
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

        const additionalSecrets: string[] = req.getAdditionalsecretoutputsList();
        const ignoreChanges: string[] = req.getIgnorechangesList();
        const replaceOnChanges: string[] = req.getReplaceonchangesList();
        const protectSet: boolean = req.hasProtect();
        const protect: boolean = protectSet ? req.getProtect() : false;
        const retainOnDelete: boolean | undefined = req.hasRetainondelete() && req.getRetainondelete() ? true : undefined;
        const dbrOption: boolean | undefined = req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined;
        // step_generator.go isTargetedReplace: `replace` names this resource (and it has a state to replace).
        const targetedReplace = old !== undefined && this.replaceTargets.has(urn);
        const op: StepOp = old ? "update" : "create";
        const plugin = await this.getPlugin()
            .catch((e: Error) => { throw this.fail(urn, type, name, op, `the dynamic provider plugin did not start: ${e.message}`); });

        // Check, as continueStepsFromImport: with no olds for a create or a targeted replace (the program's
        // inputs as they are); otherwise with the old inputs, and the new inputs with each ignoreChanges path
        // set back to its old value first (processIgnoreChanges). Secrets are stripped (the plugin does not
        // accept them) and the keys that held one are marked again.
        const checkNews = old && !targetedReplace ? applyIgnoreChanges(news, old.inputs, ignoreChanges) : news;
        const checked = await plugin.check(urn, old && !targetedReplace ? unwrapSecrets(old.inputs) : {}, unwrapSecrets(checkNews))
            .catch((e: ProviderError) => { throw this.fail(urn, type, name, op, `check failed: ${e.message}`); });
        if (checked.failures.length > 0) throw this.checkFailure(urn, type, name, op, checked.failures);
        // A duplicate URN or alias makes the registration invalid: the engine fails it once checked.
        if (aliasError) throw this.fail(urn, type, name, op, aliasError);
        let secretInputs = secretKeys(checkNews);
        let inputs = markSecret(checked.inputs, secretInputs);

        const newState = (id: string, outputs: PropertyMap, extra: Partial<ResourceState> = {}): ResourceState => ({
            urn, type, name, custom: true, id, parent: parent || undefined, inputs,
            outputs: markSecret(outputs, [...secretInputs, ...additionalSecrets]), dependencies,
            protect: protect || undefined, retainOnDelete,
            deleteBeforeReplace: dbrOption, additionalSecretOutputs: additionalSecrets.length ? additionalSecrets : undefined,
            aliases: alias ? [alias] : undefined,
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

        // ---- diff (step_generator.go diff, diffResource, applyReplaceOnChanges)
        let decision: { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean };
        if (targetedReplace) {
            // A targeted replace asks the provider nothing: a replace that blames the id.
            decision = { changes: true, replaces: ["id"], deleteBeforeReplace: false };
        } else {
            const diff = await plugin.diff(urn, old.id ?? "", unwrapSecrets(old.inputs), unwrapSecrets(old.outputs),
                unwrapSecrets(inputs), ignoreChanges)
                .catch((e: ProviderError) => { throw this.fail(urn, type, name, "update", `diff failed: ${e.message}`); });
            decision = decideReplace(diff, old, inputs, ignoreChanges, replaceOnChanges);
        }
        const { changes, replaces } = decision;
        let diffs = changedKeys(old.inputs, inputs, ["__provider"]);
        if (changes && diffs.length === 0) {
            const outputDrift = changedKeys(old.outputs, inputs, ["__provider"]).filter((k) => k in inputs);
            diffs = outputDrift.length > 0 ? outputDrift : changedKeys(old.inputs, inputs);
        }
        if (targetedReplace) diffs = [];

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
        if (protect || (old.protect && !protectSet)) {
            throw this.fail(urn, type, name, "replace",
                `unable to replace resource ${urn} as it is currently marked for protection: ` +
                `remove the \`protect\` option (or set it false) and run up again`, { diffs, replaces });
        }
        if (!targetedReplace) {
            // continueStepsFromDiff: a replacement is a new resource, so its inputs are checked again with no
            // olds, from the program's inputs as they are (no ignoreChanges); the create uses those. A targeted
            // replace was checked with no olds already.
            const rechecked = await plugin.check(urn, {}, unwrapSecrets(news))
                .catch((e: ProviderError) => { throw this.fail(urn, type, name, "replace", `check failed: ${e.message}`, { diffs, replaces }); });
            if (rechecked.failures.length > 0) throw this.checkFailure(urn, type, name, "replace", rechecked.failures, { diffs, replaces });
            secretInputs = secretKeys(news);
            inputs = markSecret(rechecked.inputs, secretInputs);
        }
        // The resource option wins over the provider's answer, in both directions (continueStepsFromDiff).
        const deleteBeforeReplace = dbrOption ?? decision.deleteBeforeReplace;
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
        // Create before delete: once the new copy is made (or partly made), the old one stays in state marked
        // for deletion at the end of the update (step.go CreateStep.Apply: `s.old.Delete = true` after the
        // Create). A create that fails leaves the old resource as it was, unmarked.
        const s = await this.create(plugin, urn, type, name, inputs, newState, "create-replacement", (made) => {
            replaceTouched({ ...old, delete: true });
            this.touched.push(made);
        });
        this.record({ urn, type, name, op: "replace", diffs, replaces });
        this.save();
        return { urn, id: s.id!, object: s.outputs };
    }

    private checkFailure(
        urn: string, type: string, name: string, op: StepOp, failures: { property: string; reason: string }[], extra: Partial<StepRecord> = {},
    ): StepFailure {
        const reasons = failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason));
        return this.fail(urn, type, name, op, `check failed: ${reasons.join("; ")}`, extra);
    }

    private fail(urn: string, type: string, name: string, op: StepOp, message: string, extra: Partial<StepRecord> = {}) {
        this.record({ urn, type, name, op, ...extra, error: message });
        return new StepFailure(message);
    }

    /**
     * Create; a partial failure (error carrying an id) is recorded in state before the step fails. `place`
     * puts a made resource (created, or partly: `partial`) into the state; by default only a partly made one
     * is placed here, the caller placing a created one.
     */
    private async create(
        plugin: DynamicProviderPlugin, urn: string, type: string, name: string, inputs: PropertyMap,
        newState: (id: string, outputs: PropertyMap, extra?: Partial<ResourceState>) => ResourceState,
        op: StepOp, place: (s: ResourceState, partial: boolean) => void = (s, partial) => { if (partial) this.touched.push(s); },
    ): Promise<ResourceState> {
        try {
            const created = await plugin.create(urn, unwrapSecrets(inputs));
            const s = newState(created.id, created.outputs);
            place(s, false);
            this.record({ urn, type, name, op });
            return s;
        } catch (e: any) {
            const partial = (e as ProviderError).initFailure;
            if (partial && partial.id) {
                // Recorded as the provider reported them, as the engine does (a dynamic provider must include
                // __provider there for later calls on the resource to work).
                place(newState(partial.id, partial.properties, { initErrors: partial.reasons }), true);
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

    /** The stack outputs of the state this deployment started from, secrets shown as "[secret]". */
    previousOutputs(): Record<string, any> {
        return redactOutputs(this.old.outputs ?? {});
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
        this.checkTargets();
        // Replaced copies left from an interrupted update are deleted first.
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

    /**
     * deployment_executor.go checkTargets, before the program runs: every `replace` URN must be in the old
     * state, else one error per unknown target (with the CLI's odd hint about `$` for a URN without one) and
     * the command fails.
     */
    private checkTargets(): void {
        const unknown = [...this.replaceTargets].filter((u) => !this.old.resources.some((r) => r.urn === u));
        if (unknown.length === 0) return;
        for (const u of unknown) {
            this.errors.push(u.includes("$")
                ? `Target '${u}' could not be found in the stack.`
                : `Target '${u}' could not be found in the stack. Did you forget to escape $ in your shell?`);
        }
        throw new StepFailure("one or more targets could not be found in the stack");
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
        // The plugin is started now, while the program loads, not at the first dynamic resource as the
        // engine starts a provider: the two loads overlap (more than a second of every deployment, which
        // matters with two deployments per up). Nothing it is told changes (configure gets the same stack
        // config, no other call comes earlier); a program without dynamic resources leaves it idle.
        this.getPlugin().catch(() => undefined);
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
                // The features this engine implements, under the names the Pulumi CLI answers true to
                // (source_eval.go supportsFeatureID). With aliasSpecs the SDK sends each alias as a spec and
                // leaves computing the URNs (and a child's inherited aliases) to the engine.
                resp.setHassupport(["secrets", "aliasSpecs"].includes(call.request.getId()));
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

/**
 * What a provider's diff means for a resource: no change, an update, or a replacement, and which keys force
 * it. As step_generator.go: diffResource (a DIFF_UNKNOWN answer: the engine diffs the old inputs against the
 * checked inputs, ignoreChanges applied again, `__provider` included, and so knows the changed keys and
 * paths), then applyReplaceOnChanges (replaceOnChanges turns a changed key or path it covers into a replace;
 * a path covering "#initerror" replaces a resource whose old state has init errors). The dynamic-provider
 * shim forwards only `changes`, `replaces` and `deleteBeforeReplace` (no changed keys, no detailed diff), so
 * for an answer of changes true/false replaceOnChanges has nothing to match.
 */
export function decideReplace(
    diff: DiffResult, old: Pick<ResourceState, "inputs" | "initErrors">, inputs: PropertyMap, ignoreChanges: string[], replaceOnChanges: string[],
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
    let changes: boolean;
    let changed: string[] = [];
    let detailed: PathSegment[][] = [];
    if (diff.changes === "unknown") {
        detailed = detailedDiffPaths(old.inputs, applyIgnoreChanges(inputs, old.inputs, ignoreChanges));
        changes = detailed.length > 0;
        changed = [...new Set(detailed.map((p) => String(p[0])))];
    } else {
        changes = diff.changes === "some";
    }
    const replaces = [...diff.replaces];
    const hasInitErrors = (old.initErrors?.length ?? 0) > 0;
    if (changes || hasInitErrors) {
        const patterns = replaceOnChanges.map(parsePropertyPath);
        const covered = (path: PathSegment[]) => patterns.some((p) => pathContains(p, path));
        for (const k of changed) if (covered([k]) && !replaces.includes(k)) replaces.push(k);
        for (const path of detailed) {
            if (covered(path) && !replaces.includes(String(path[0]))) replaces.push(formatPropertyPath(path));
        }
        if (hasInitErrors && covered(["#initerror"])) {
            replaces.push("#initerror");
            changes = true;
        }
    }
    return { changes, replaces, deleteBeforeReplace: diff.deleteBeforeReplace };
}

function redactOutputs(outputs: PropertyMap): Record<string, any> {
    return redact(outputs);
}

/** One deployment: a preview, an update, a refresh or a destroy, with its own program run and plugin process. */
async function runDeployment(opts: RunOptions): Promise<{ result: RunResult; stateOutputs: Record<string, any> }> {
    let deployment: Deployment;
    try {
        deployment = new Deployment(opts);
    } catch (e: any) {
        const error = e?.message ?? String(e);
        const result = { ok: false, exitCode: 1, steps: [], summary: {}, outputs: {}, error, stdout: `error: ${error}\n`, diagnostics: [] };
        return { result, stateOutputs: {} };
    }
    const stateOutputs = deployment.previousOutputs();
    return { result: await deployment.run(), stateOutputs };
}

/**
 * Runs one command (preview, up, refresh, destroy) on a project; never throws for deployment errors.
 * `up` is `pulumi up --yes` (pkg/backend/apply.go PreviewThenPromptThenExecute): a preview deployment, then,
 * if it succeeded, the update as another deployment (the program runs twice, a plugin process is started for
 * each, every Check runs twice); `skipPreview` runs the update alone.
 */
export async function run(opts: RunOptions): Promise<RunResult> {
    if (opts.command !== "up" || opts.skipPreview) return (await runDeployment(opts)).result;
    const { result: previewed, stateOutputs } = await runDeployment({ ...opts, command: "preview" });
    const { stdout: previewText, ...preview } = previewed;
    if (!preview.ok) {
        // As the CLI: a failed preview ends the up; what it showed is all there is, and the state is as it was.
        return { ...previewed, outputs: stateOutputs, preview };
    }
    const { result } = await runDeployment(opts);
    return { ...result, stdout: `${previewText}\n${result.stdout}`, preview };
}
