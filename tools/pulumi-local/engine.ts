// The local engine: serves the ResourceMonitor and Engine services to an unmodified Pulumi program run by
// `@pulumi/pulumi/cmd/run`, turns each RegisterResource into the step the Pulumi engine would take, and
// drives the real dynamic-provider plugin to carry it out, or a resource provider plugin in a folder the
// project's Pulumi.yaml names (native.ts).
//
// The rules it follows cite the pulumi/pulumi function they come from (pkg/resource/deploy/step_generator.go
// unless said otherwise): up = preview + update (pkg/backend/apply.go PreviewThenPromptThenExecute); the
// old state looked up by URN then by alias (getOldResource, generateAliases); Check with olds after
// ignoreChanges, or without olds for a create or a targeted replace (continueStepsFromImport,
// processIgnoreChanges); the synthetic diff of a targeted replace (diff, isTargetedReplace); the engine's own
// input diff for DIFF_UNKNOWN (diffResource); replaceOnChanges (applyReplaceOnChanges); the replacement's
// re-Check and the deleteBeforeReplace choice (continueStepsFromDiff); the old copy of a create-before-delete
// marked for deletion only once the new one exists (step.go CreateStep.Apply); --target and
// --target-dependents (isIncludedInOperation, isTargetedForUpdate, the skipped-create check of GenerateSteps,
// GenerateDeletes and its diag 2014); `up --refresh` (deployment_executor.go Execute); unknown --replace targets
// (deployment_executor.go checkTargets); pending operations: recorded and written before each provider
// Create/Update/Delete and cleared after it (pkg/backend/snapshot.go BeginMutation, the mutations' End),
// the base's pending creates kept and its other operations dropped at the next write (Snap), the warning of
// the next up/destroy (deployment_executor.go printPendingOperationsWarning), and refresh's
// --clear-pending-creates / --skip-pending-creates / --import-pending-creates (operations/refresh.go).
//
// Native provider plugins (native.ts; a `runtime: nodejs` PulumiPlugin.yaml folder named by Pulumi.yaml
// `plugins: providers:` or a local `packages:` source): started as plugin.go ExecPlugin + the nodejs language
// host's RunPlugin do (run-plugin located from the plugin folder, PULUMI_NODEJS_TYPESCRIPT per `typescript`,
// cwd the project folder, the engine address as argument, the port from the first stdout line, later output
// kept as debug lines); one process per provider instance (host.go defaultHost.Provider); Handshake
// (UNIMPLEMENTED: the protocol from Configure's answer), GetPluginInfo (host.go Provider); provider resources
// as the registry does them (providers/registry.go Check/CheckConfig on a new instance, Diff/DiffConfig with
// the UNIMPLEMENTED fallback, Same/Update/Create -> Configure with args (secrets wrapped), the deprecated
// `variables`, urn/name/type/id, a UUID id or the unknown id in a preview, Delete calling nothing); default
// providers (default_providers.go newRegisterDefaultProviderEvent, ProviderRequest.DefaultName, target.go
// GetPackageConfig); providers of the old state loaded for deletes/refresh/destroy with their recorded
// inputs (registry.go Same without Check, deployment EnsureProvider); Configure with unknown inputs leaving
// the provider unconfigured (Check passes the news through, Diff is DiffUnavailable, Create/Update in preview
// return nothing); Check's name/type/urn/olds and 32-byte crypto/rand seed (step_generator.go generateSteps);
// KeepSecrets per acceptSecrets and annotateSecrets otherwise (provider_plugin.go); Create/Update in a
// preview only with supportsPreview (always true after a Handshake); the detailed diff (decodeDetailedDiff,
// applyReplaceOnChanges, DiffResult.Replace); `import` (step.go ImportStep.Apply, continueStepsFromImport);
// Engine.Log with URN and ephemeral (host_server.go Log, progress.go: ephemeral ones not in Diagnostics);
// Cancel before every close (host.go hostManagedProvider.Close, defaultHost.Close).
//
// What this engine does not model (the real engine does; see ../shared/notes/pulumi-engine.md):
// - Pending operations of steps that call no provider: the engine records (and at once clears) one for a
//   component's create or delete and for a retainOnDelete delete too; here only provider calls have one
//   (the difference is two writes a kill could fall between). No "reading" operation ever (ReadStep:
//   `.get()` is not run here); "importing" only from --import-pending-creates (no import steps).
//   PULUMI_SKIP_CHECKPOINTS (snapshot.go unsafeServiceLoop: one write at the end) is ignored. A terminated
//   run's skipped final write (update.go OnResourceStepPost after TerminateErr) does not exist: there is no
//   signal handling. refresh's interactive prompt for each pending create (clear / skip / import:
//   interactiveFixPendingCreate) and the state edit's confirmation never happen: pulumi-local is never
//   interactive. The httpstate backend's journaling snapshot manager is not modelled (the diy backend's
//   SnapshotManager is).
// - An interrupted delete-before-replace (pendingReplacement); taint (`pulumi state taint`, which the
//   engine replaces as a targeted replace); `pulumi import`, and an `import` on a resource whose state has
//   another id (ImportReplacementStep: here the state is simply replaced); `.get()` reads; invokes (also to
//   native providers); component resources' diffs (a registered component is "same" whatever its inputs).
// - Native provider plugins, not modelled: binaries (`pulumi-resource-<name>`), the plugin cache, downloads,
//   `version` of a project plugin (the folder is used whatever version is asked), requiredPulumiVersion,
//   attaching (PULUMI_DEBUG_PROVIDERS), `nodeargs` beyond a whitespace split, other runtimes; the plugin is
//   run by pulumi-local itself, not inside a language host process (the real one is ended by cancelling
//   the host's RunPlugin, here SIGINT, 5 s, SIGKILL); the Handshake's mapper/loader/resolver targets (no
//   loader server: GetSchema is never called by up, only directly); Attach, Parameterize, GetMapping(s),
//   Construct, Call, Invoke, List; Check's `autonaming` and `oldOutputs`; Create/Update/Delete `timeout`
//   (customTimeouts) and resource status address; refreshBeforeUpdate; resource references, outputs and byte
//   strings in property values (sent plain whatever acceptResources says); Configure run asynchronously;
//   a resource whose provider changed (the engine's providerChanged diff: here it just records the new
//   reference), providers' aliases (RegisterAlias), `disable-default-providers`, pluginDownloadURL,
//   envVarMappings, parameterized providers; a provider's delete-before-replace (replaced create-before-
//   delete); --target on providers (always targeted, as implicitly targeted resources); the `--diff` view
//   does not render detailed-diff kinds; a plugin that exits early does not get its output dumped as an error.
//   One process per project plugin is spawned while the program loads (spawnSpares, as the dynamic plugin is
//   started early) and gets its first RPC (Handshake) only when a provider instance claims it: the engine
//   starts it at that point; one left unclaimed is ended having received no RPC.
// - Config (project.ts loadConfig, config.ts): Pulumi.yaml's `config:` defaults, required keys, types and
//   `secret: true`, `secure:` values of the passphrase provider and `pulumi-local config set/get/rm` are
//   modelled. Not: `--config`/`--secret-config` are kept for one command (`pulumi up -c` saves to the stack
//   file; `--secret-config` is pulumi-local's own); without an `encryptionsalt` no passphrase is asked for
//   (the diy backend makes one on the first command); no other secrets provider, `--path`,
//   `--config-file`, stackConfigDir, ESC `environment:`, `--skip-config-validation`, or the CLI's refusal
//   of a plaintext `config set` that looks like a secret; comments of Pulumi.<stack>.yaml are not kept.
// - Output format: the report is this tool's own summary in the CLI's shape (no progress table, no
//   "@ updating...." spinner, no "+ 1 to create" / "1 errored" summary lines); `--json` is this tool's
//   RunResult, not `pulumi up --json`'s engine events. Modelled (display.ts): check failures in the engine's
//   words, once, under their resource in "Diagnostics:" (issueCheckFailures, progress.go printDiagnostics),
//   the bail not printed; `--diff`'s property diffs (object_diff.go). Not: the diff view's diagnostics going
//   to stderr as they come, `--outputs:--`, multi-line string (line) diffs and YAML-decoded strings, the
//   detailed-diff rendering for a DIFF_UNKNOWN (sames shown here too); program and plugin lines still show
//   ungrouped, not under the stack's header; a secret made in the program reads [secret] in a check
//   failure, where the engine prints its plaintext (only secret config values are filtered).
// - --target-replace, --exclude, --exclude-dependents, --target snippets; globs in --target and --replace
//   URNs; an untargeted same bringing its old dependencies forward (getDependencySteps: here every
//   untouched old resource simply stays in the state); update plans (--plan, --strict, the preview's plan constraining the update); the
//   random seed of the dynamic provider's Check (none is sent: its check ignores one; native providers get
//   one); PULUMI_PARALLEL_DIFF, PULUMI_ENABLE_LEGACY_DIFF.
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
import { randomBytes, randomUUID } from "crypto";
import { DiffResult, DynamicProviderPlugin, ProviderError, ResourcePlugin, WATCHDOG } from "./plugin";
import { discardSpawned, LogMessage, NativeProviderPlugin, NativeStartOptions, ProjectPlugin, projectPlugins, SpawnedPlugin, wrapSecret } from "./native";
import { loadConfig, loadProject, Project, StackConfig } from "./project";
import { emptyproto, engproto, engrpc, grpc, resolvePulumiFile, resproto, resrpc, structproto } from "./pulumi-modules";
import { emptyState, OperationType, PendingOperation, readState, ResourceState, StackState, writeStateAtomic } from "./state";
import {
    applyIgnoreChanges, changedKeys, detailedDiffPaths, display, formatPropertyPath, markSecret, parsePropertyPath, pathContains, PathSegment,
    PropertyMap, redact, secretKeys, UNKNOWN, unwrapSecrets,
} from "./values";
import { renderReport } from "./report";
import { checkFailureMessage, redactInputs } from "./display";

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
     * Each line the provider plugin prints on stdout, as it prints it. Pulumi shows them as they come as info
     * diagnostics with no URN, on the stack's row (sdk/go/common/resource/plugin/plugin.go newPlugin: stdout
     * lines -> ctx.Diag.Infof(diag.StreamMessage("", ...)); pkg/backend/display/progress.go getRowForURN puts
     * URN "" on the stack's row). The CLI passes them to its stdout as `info: <line>`; they also stay in
     * `diagnostics` as `plugin: <line>`.
     */
    onPluginLine?: (line: string) => void;
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
    /**
     * Like `pulumi up --target URN` (repeatable; also preview, refresh, destroy): only these resources are
     * operated on (step_generator.go isTargetedForUpdate). An untargeted resource in the state keeps its
     * old state with no Check or Diff (an UntargetedSameStep); an untargeted new one is not created (a
     * SkippedCreateStep: the program sees its outputs unknown) and a targeted resource that depends on it
     * fails the update (diag 2013). Only targets, their dependents and children are deleted, and a
     * dependent not itself targeted fails it (diag 2014) unless `targetDependents`.
     */
    target?: string[];
    /** Like `--target-dependents`: resources that depend on a target (or are its children) are targeted too. */
    targetDependents?: boolean;
    /**
     * Like `pulumi up --refresh`: every resource in the state is read, concurrently, before the program
     * runs (deployment_executor.go Execute, `opts.Refresh`), in the preview of an up too (so each Read runs
     * twice). In a preview the refreshed state stays in memory.
     */
    refresh?: boolean;
    /**
     * Like `pulumi refresh --clear-pending-creates`: before the refresh, every pending create is dropped from
     * the state (operations/refresh.go filterMapPendingCreates). Refresh only.
     */
    clearPendingCreates?: boolean;
    /**
     * Like `pulumi refresh --skip-pending-creates`: the CLI then does not prompt about pending creates. It
     * never prompts non-interactively, and pulumi-local never prompts, so it changes nothing but the refusal
     * of both flags together ("cannot set both ..."). Refresh only.
     */
    skipPendingCreates?: boolean;
    /**
     * Like `pulumi refresh --import-pending-creates` (repeatable, one value each time, as the CLI's string
     * array flag): [URN, ID, URN, ID, ...]. Each pending create of a URN given is rewritten to an
     * "importing" operation carrying the ID (operations/refresh.go pendingCreatesToImports); the refresh's
     * own write then drops it, as any operation that is not a create (snapshot.go Snap). Nothing imports the
     * resource: it is not in the state afterwards. Refresh only.
     */
    importPendingCreates?: string[];
    /**
     * Like `pulumi preview --diff` / `pulumi up --diff`: the report shows each resource's property diff, old
     * and new values (display/diff.go renderDiff), in place of the one-line rows.
     */
    diff?: boolean;
    /**
     * Each Engine.Log message as it arrives (from the program or a provider plugin), ephemeral ones (status
     * updates, which the CLI shows only in the resource's row while it runs) included. The CLI prints
     * non-ephemeral ones live and the last ephemeral one in the resource's row (display/rows.go getInfoColumn).
     */
    onLog?: (message: LogMessage) => void;
}

export type { LogMessage } from "./native";

export type StepOp =
    | "create" | "update" | "replace" | "delete" | "same" | "read" | "refresh"
    | "create-replacement" | "delete-replaced" | "import";

export interface StepRecord {
    urn: string;
    type: string;
    name: string;
    op: StepOp;
    diffs?: string[];
    replaces?: string[];
    /** A native provider's detailed diff (DiffResponse.detailedDiff, replaceOnChanges applied: applyReplaceOnChanges). */
    detailedDiff?: Record<string, { kind: string; inputDiff: boolean }>;
    error?: string;
    /**
     * The engine's diagnostics for this resource, as the CLI groups them under it in "Diagnostics:" (e.g.
     * `error: <type> resource '<name>': property <p> value <v> has a problem: <reason>` for each check
     * failure, step_generator.go issueCheckFailures). The step's `error` then holds the same messages, one a line.
     */
    diagnostics?: string[];
    /** For the `--diff` view (display/object_diff.go): the old resource's id, its parent, and its old and new inputs, every secret's value removed (display.ts redactInputs). */
    id?: string;
    parent?: string;
    oldInputs?: PropertyMap;
    newInputs?: PropertyMap;
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
    /** Program and plugin console output and engine log messages with no URN. */
    diagnostics: string[];
    /**
     * Every Engine.Log message with a URN (a provider's Log about a resource, or the program's `pulumi.log.*`
     * with a resource), ephemeral ones included, in arrival order. The report shows the non-ephemeral ones under
     * their resource in "Diagnostics:" (display/progress.go: ephemeral ones are status, not diagnostics).
     */
    logs: LogMessage[];
    /**
     * What native provider plugins printed on stdout/stderr after their port, `[<pkg>] <line>`: debug
     * diagnostics in the CLI since 3.144 (plugin.go newPlugin, runtrace: not shown without --debug).
     */
    pluginDebug: string[];
    /**
     * `up` without skipPreview: the preview that ran before the update, as its own deployment. When it
     * failed, no update ran (as the CLI): then `steps`, `summary` and `error` above are the preview's too.
     */
    preview?: PreviewResult;
}

/** The preview an `up` ran first: what it planned (the update's steps may differ, e.g. for a non-deterministic check). */
export type PreviewResult = Omit<RunResult, "stdout" | "preview">;

/** What a registration returns to the program; `unknown`: its outputs are unknown (a skipped create). */
interface Registered { urn: string; id: string; object: PropertyMap; unknown?: boolean }

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Whether output is colourless, as cmdutil/diag.go GetGlobalColorization in "auto": NO_COLOR set, or not an
 * interactive terminal (cmdutil/console.go InteractiveTerminal: TERM=dumb, or stdin or stdout not a terminal).
 */
function colorless(env?: NodeJS.ProcessEnv): boolean {
    return "NO_COLOR" in process.env || (env !== undefined && "NO_COLOR" in env) ||
        (process.env.TERM ?? "").toLowerCase() === "dumb" || !process.stdout.isTTY || !process.stdin.isTTY;
}

/** ANSI escape sequences (CSI and OSC), removed from forwarded output when colourless. */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const isDynamicType = (t: string) => t.startsWith("pulumi-nodejs:dynamic");
const PROVIDER_PREFIX = "pulumi:providers:";

/** providers/provider.go ProviderRequest.DefaultName: "default", or "default_<major>_<minor>_<patch>[_<pre>...][_<build>...]". */
export function defaultProviderName(version?: string): string {
    if (!version) return "default";
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version);
    if (!m) return `default_${version.replace(/[^A-Za-z0-9_]/g, "_")}`;
    return ["default", m[1], m[2], m[3], ...(m[4] ? m[4].split(".") : []), ...(m[5] ? m[5].split(".") : [])].join("_");
}

function parseUrn(urn: string): { qualifiedType: string; name: string } {
    const parts = urn.split("::");
    return { qualifiedType: parts[2] ?? "", name: parts.slice(3).join("::") };
}

/**
 * A step failure: the message the user sees. `bail`: the engine reported it as diagnostics and bailed (a
 * check failure), so the program is told the monitor shut down and the bail itself is not printed.
 */
/** deployment_executor.go checkTargets' bail, after the errors naming each target. */
const TARGETS_NOT_FOUND = "one or more targets could not be found in the stack";

class StepFailure extends Error {
    bail = false;
}

export class Deployment {
    readonly steps: StepRecord[] = [];
    readonly diagnostics: string[] = [];
    readonly errors: string[] = [];
    /** Errors (as in `errors`) already shown as the engine's diagnostics: the CLI prints no bail. */
    private readonly bails = new Set<string>();
    /** `diff`: per URN, its parent, its old state and its checked inputs, for the steps' recorded inputs. */
    private readonly diffContext = new Map<string, { parent?: string; old?: ResourceState; inputs?: PropertyMap }>();
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
    /** Engine.Log messages with a URN (RunResult.logs). */
    readonly logs: LogMessage[] = [];
    /** Native plugins' output lines (RunResult.pluginDebug). */
    readonly pluginDebug: string[] = [];
    /** The project's plugin folders (Pulumi.yaml `plugins: providers:` and local `packages:`). */
    private readonly nativePlugins: ProjectPlugin[];
    /** Every native plugin process this deployment started, to close at the end (host.go defaultHost.Close). */
    private readonly nativeInstances: Promise<NativeProviderPlugin>[] = [];
    /**
     * The provider registry (pkg/resource/deploy/providers/registry.go): each configured provider instance
     * under its reference `<urn>::<id>` (the id the unknown sentinel for a provider created in a preview).
     */
    private readonly providers = new Map<string, Promise<NativeProviderPlugin>>();
    /** Default provider registrations by name (default_providers.go: one per package and version). */
    private readonly defaultProviders = new Map<string, Promise<string>>();
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
    /** `target` URNs (the engine's Targets), and those plus the dependents targeted so far (targetsActual). */
    private readonly targets?: Set<string>;
    private readonly targetsActual = new Set<string>();
    /** Untargeted new resources that were not created (the step generator's skippedCreates). */
    private readonly skippedCreates = new Set<string>();
    /**
     * This run's provider calls in flight, each as the pending operation recorded before it (snapshot.go
     * markOperationPending). `until`: set once the call is over, while its result is not yet in the state
     * (see endOperation).
     */
    private readonly operations: { op: PendingOperation; until?: () => boolean }[] = [];
    /** The pending operations of the state this run started from (the base snapshot's PendingOperations). */
    private basePending: PendingOperation[];
    /** False when the command failed before the engine started (no snapshot manager, so no final write). */
    private flushAtEnd = true;

    constructor(private readonly opts: RunOptions) {
        this.preview = opts.command === "preview";
        this.replaceTargets = new Set(opts.replace ?? []);
        if (opts.target && opts.target.length > 0) {
            this.targets = new Set(opts.target);
            for (const u of opts.target) this.targetsActual.add(u);
        }
        this.project = loadProject(opts.cwd);
        this.nativePlugins = projectPlugins(this.project.dir);
        this.stack = opts.stack ?? "dev";
        // Required keys and types are checked only where the program runs, as the CLI (refresh.go, destroy.go
        // validate only with --run-program): here preview and up.
        this.config = loadConfig(this.project, this.stack, opts.config, opts.secretConfig, {
            env: { ...process.env, ...(opts.env ?? {}) },
            validate: opts.command === "preview" || opts.command === "up",
        });
        this.env = {
            ...process.env,
            ...(opts.env ?? {}),
            PULUMI_CONFIG: JSON.stringify(this.config.values),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(this.config.secretKeys),
            PULUMI_NODEJS_PROJECT: this.project.name,
            PULUMI_NODEJS_STACK: this.stack,
            PULUMI_NODEJS_ORGANIZATION: "organization",
            // No colour unless stdout is a terminal, as the CLI decides for itself (cmdutil/diag.go
            // GetGlobalColorization: NO_COLOR, or no interactive terminal, gives colors.Never): the program and
            // the plugin are told so too (Node's own colouring, and chalk and the like, read these).
            ...(colorless(opts.env) ? { FORCE_COLOR: "0", NO_COLOR: "1" } : {}),
        };
        this.old = readState(this.project.dir, this.stack) ?? emptyState(this.project.name, this.stack);
        this.base = [...this.old.resources];
        this.outputs = this.old.outputs ?? {};
        this.basePending = [...(this.old.pendingOperations ?? [])];
        // The file as it is, its pending operations included: the first write (at the latest the flush at
        // the end of the run) drops those snap() does not keep.
        this.lastWritten = JSON.stringify(this.snapshot(this.basePending));
    }

    // ---------------------------------------------------------------- state

    private snapshot(pending = this.pendingOperations()): StackState {
        return {
            version: 1,
            project: this.project.name,
            stack: this.stack,
            resources: [...this.touched, ...this.base],
            outputs: this.outputs,
            ...(pending.length > 0 ? { pendingOperations: pending } : {}),
        };
    }

    /**
     * The pending operations a write records, as snapshot.go Snap(): this run's operations not completed
     * yet, then the base snapshot's "creating" ones, kept "because these must require user intervention to
     * be cleared or resolved" (refresh --clear-pending-creates, or the CLI's interactive prompt). The base's
     * other operations (updating, deleting, reading, importing) are gone from this run's first write on.
     */
    private pendingOperations(): PendingOperation[] {
        for (let i = this.operations.length - 1; i >= 0; i--) {
            const until = this.operations[i].until;
            if (until && !until()) this.operations.splice(i, 1);
        }
        return [...this.operations.map((e) => e.op), ...this.basePending.filter((op) => op.type === "creating")];
    }

    /**
     * snapshot.go BeginMutation (doCreate, doUpdate, doDelete: markOperationPending), called by the step
     * executor before step.Apply (step_executor.go executeStep, OnResourceStepPre): the operation is recorded
     * and the state written at once, synchronously, before the provider is called. So a run killed while the
     * call is in flight leaves it in the state file. Never in preview (no snapshot manager).
     */
    private beginOperation(type: OperationType, resource: ResourceState): { op: PendingOperation; until?: () => boolean } {
        const entry = { op: { resource, type } };
        if (this.preview) return entry;
        this.operations.push(entry);
        this.save();
        return entry;
    }

    /**
     * The mutation's End (markOperationComplete), on success or failure (update.go OnResourceStepPost): the
     * operation leaves the state in the write that records the step's result, one write as End's. Without
     * `until` it is gone from the next write, which the caller makes at once. With `until`, the caller puts
     * the result in the state only after an await (so another step's write may come first): the operation
     * stays recorded as long as `until()` holds (the result not yet in the state), so that no write shows
     * neither the operation nor its result.
     */
    private endOperation(entry: { op: PendingOperation; until?: () => boolean }, until?: () => boolean): void {
        const i = this.operations.indexOf(entry);
        if (i < 0) return;
        if (until) entry.until = until;
        else this.operations.splice(i, 1);
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
        if (this.opts.diff) this.addDiffInputs(step);
        this.steps.push(step);
        if (step.error) this.errors.push(`${step.urn}: ${step.error}`);
    }

    /**
     * continueOnError: the program was told a check failure (the real engine would have bailed and shut the
     * monitor down, see monitorService's reply), and logs it back as an uncaught error with the SDK's stack
     * ("Error: failed to register new resource <name> [<type>]: 2 UNKNOWN: <message>\n    at ..."). The
     * engine's diagnostic already said it: that echo is dropped, so the failure shows once.
     */
    private isEchoedBail(sev: string, message: string): boolean {
        if (sev !== "error" || this.bails.size === 0) return false;
        const m = /^Error: failed to register new resource \S+ \[[^\]]+\]: \d+ \w+: ([\s\S]*)$/.exec(message);
        if (!m) return false;
        return [...this.bails].some((b) => m[1].startsWith(b.slice(b.indexOf(": ") + 2)));
    }

    /**
     * `diff`: what the CLI's diff view shows of a step (display/object_diff.go getResourcePropertiesDetails):
     * a create's new inputs, an update's or a replace's old and new inputs (the new ones as checked: the
     * engine's new.Inputs), a delete's old inputs, secrets' values removed (display.ts redactInputs).
     */
    private addDiffInputs(step: StepRecord): void {
        const ctx = this.diffContext.get(step.urn);
        const oldState = ctx?.old ?? this.old.resources.find((r) => r.urn === step.urn);
        const parent = ctx?.parent ?? oldState?.parent;
        if (parent) step.parent = parent;
        let olds: PropertyMap | undefined;
        let news: PropertyMap | undefined;
        if (step.op === "create" || step.op === "create-replacement") news = ctx?.inputs;
        else if (step.op === "update" || step.op === "replace") { olds = oldState?.inputs; news = ctx?.inputs; }
        else if (step.op === "delete" || step.op === "delete-replaced") olds = oldState?.inputs;
        if (oldState?.id && step.op !== "create") step.id = oldState.id;
        Object.assign(step, redactInputs(olds, news));
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
                onLine: this.opts.onPluginLine,
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

    /**
     * Whether a registration takes part in this operation (step_generator.go isIncludedInOperation,
     * isTargetedForUpdate): every resource when no `target` is given; else a target, or with
     * `targetDependents` a resource whose parent or a dependency was targeted (targetsActual grows in
     * registration order, as the step generator's).
     */
    private isTargeted(urn: string, dependencies: string[], parent: string): boolean {
        if (!this.targets) return true;
        const targeted = this.targets.has(urn) ||
            (!!this.opts.targetDependents && [...dependencies, parent].some((d) => d && this.targetsActual.has(d)));
        if (targeted) this.targetsActual.add(urn);
        return targeted;
    }

    /**
     * step_generator.go GenerateSteps, after the steps are made: a targeted step that depends on (or is a
     * child of) a skipped create fails with diag 2013 (sdk/go/common/diag/errors.go, its "was was" included).
     * An update bails there ("untargeted create"); a preview reports it and goes on, so a user hears of
     * every such resource at once, and the preview fails.
     */
    private checkSkippedDependencies(urn: string, type: string, name: string, op: StepOp, dependencies: string[], parent: string): void {
        for (const d of [...dependencies, parent]) {
            if (!d || !this.skippedCreates.has(d)) continue;
            const message = `Resource '${urn}' depends on '${d}' which was was not specified in --target list.`;
            if (!this.preview) throw this.fail(urn, type, name, op, message);
            this.errors.push(message);
            // Reported once per skipped create, as the step generator deletes it from skippedCreates.
            this.skippedCreates.delete(d);
        }
    }

    async registerResource(req: any): Promise<Registered> {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const custom: boolean = req.getCustom();
        const urn = this.urnOf(type, name, parent);
        if (this.opts.diff) this.diffContext.set(urn, { parent: parent || undefined });
        if (this.stepsOver.has(urn)) {
            // As the engine: two resources with one URN cannot both be managed.
            const failure = this.fail(urn, type, name, "create", `Duplicate resource URN '${urn}'; try giving it a unique name`);
            if (!this.opts.continueOnError) this.cancel();
            return Promise.reject(failure);
        }
        this.inFlight++;
        if (this.idleTimer) clearTimeout(this.idleTimer);
        const dependencies: string[] = req.getDependenciesList();
        // A resource's step comes after its explicit provider's (the SDK sends the reference once the provider
        // is registered; the step generator resolves it in loadResourceProvider).
        const providerRef: string = custom ? req.getProvider() : "";
        const providerUrn = providerRef ? providerRef.slice(0, providerRef.lastIndexOf("::")) : "";
        return this.schedule(urn, [...dependencies, parent, providerUrn].filter((u) => u), async () => {
            if (this.cancelled) throw new StepFailure("not updated: the update was stopped by an earlier failure");
            const blocked = [...dependencies, parent].find((d) => d && this.failed.has(d));
            if (blocked) {
                // Like the engine, a dependant of a failed step is not touched; its old state stays as it was.
                this.failed.add(urn);
                throw new StepFailure(`not updated: it depends on ${blocked}, whose step failed`);
            }
            const props: PropertyMap = req.getObject()?.toJavaScript() ?? {};
            if (!custom) return this.registerComponent(urn, type, name, parent, dependencies, props, req);
            const pkg = type.startsWith(PROVIDER_PREFIX) ? type.slice(PROVIDER_PREFIX.length) : type.split(":")[0];
            if (!isDynamicType(type) && this.pluginFor(pkg)) {
                try {
                    if (type.startsWith(PROVIDER_PREFIX)) return await this.stepProvider(urn, type, name, parent, dependencies, props, req);
                    const ref = providerRef || await this.defaultProviderRef(pkg, req.getVersion());
                    return await this.stepDynamic(urn, type, name, parent, dependencies, props, req, ref);
                } catch (e: any) {
                    this.failed.add(urn);
                    throw e instanceof StepFailure ? e : new StepFailure(e?.message ?? String(e));
                }
            }
            if (!isDynamicType(type)) {
                this.failed.add(urn);
                const message =
                    `unsupported provider "${pkg}" for ${type} ${name}: pulumi-local drives dynamic providers ` +
                    `(pulumi.dynamic.Resource) and the plugins in folders Pulumi.yaml names (plugins: providers: ` +
                    `- name: ${pkg} path: <dir>) only; run this program with the Pulumi CLI`;
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
        if (type !== STACK_TYPE && !this.isTargeted(urn, dependencies, parent)) {
            // The root stack is always targeted (isImplicitlyTargetedResource); another untargeted component
            // keeps its old state or, new, is not created (step_generator.go generateSteps, Case 3 / Case 4).
            if (old) {
                this.touched.push(old);
                this.record({ urn, type, name, op: "same" });
                this.save();
            } else {
                this.skippedCreates.add(urn);
            }
            return Promise.resolve({ urn, id: "", object: {}, unknown: !old });
        }
        this.checkSkippedDependencies(urn, type, name, "create", dependencies, parent);
        const state: ResourceState = {
            urn, type, name, custom: false, parent: parent || undefined, inputs: props,
            outputs: old?.outputs ?? {}, dependencies,
            protect: hasOption(req, "Protect") ? req.getProtect() : undefined,
            retainOnDelete: hasOption(req, "Retainondelete") ? req.getRetainondelete() : undefined,
            aliases: alias ? [alias] : undefined,
        };
        this.touched.push(state);
        this.record({ urn, type, name, op: old ? "same" : "create" });
        this.save();
        return Promise.resolve({ urn, id: "", object: {} });
    }

    /**
     * A custom resource's step. `providerRef`: a native provider's reference (`<urn>::<id>`, the explicit
     * provider of the registration or the package's default one); without it, the dynamic-provider plugin.
     */
    private async stepDynamic(
        urn: string, type: string, name: string, parent: string, dependencies: string[], news: PropertyMap, req: any,
        providerRef?: string,
    ): Promise<Registered> {
        const { old, alias, error: aliasError } = this.takeOldOrAliased(urn, this.aliasUrns(req, type, name, parent));
        // Until this step completes, the old state stays in the snapshot where it was.
        if (old) this.touched.push(old);
        if (!aliasError && !this.isTargeted(urn, dependencies, parent)) {
            // step_generator.go generateSteps with --target: an untargeted resource's Check is stubbed to return
            // its old inputs (no RPC) and it takes an UntargetedSameStep (its old state, as it was; no Diff); a
            // new one takes a SkippedCreateStep (not created, not saved; the program sees it unknown).
            if (!old) {
                this.skippedCreates.add(urn);
                return { urn, id: "", object: {}, unknown: true };
            }
            this.record({ urn, type, name, op: "same" });
            this.save();
            return { urn, id: old.id ?? "", object: old.outputs };
        }
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
        const protectSet: boolean = hasOption(req, "Protect");
        const protect: boolean = protectSet ? req.getProtect() : false;
        const retainOnDelete: boolean | undefined = hasOption(req, "Retainondelete") && req.getRetainondelete() ? true : undefined;
        const dbrOption: boolean | undefined = req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined;
        // step_generator.go isTargetedReplace: `replace` names this resource (and it has a state to replace).
        const targetedReplace = old !== undefined && this.replaceTargets.has(urn);
        const op: StepOp = old ? "update" : "create";
        const plugin: ResourcePlugin = providerRef
            ? await this.providerByRef(providerRef)
                .catch((e: Error) => { throw this.fail(urn, type, name, op, `load provider ${providerRef} for resource ${urn}: ${e.message}`); })
            : await this.getPlugin()
                .catch((e: Error) => { throw this.fail(urn, type, name, op, `the dynamic provider plugin did not start: ${e.message}`); });
        // step_generator.go generateSteps: a fresh 32-byte seed from crypto/rand for every registration, new or
        // not (only an update plan supplies a saved one); the replacement's re-Check gets the same one. The
        // dynamic provider's check ignores it, so it is not sent there.
        const randomSeed = plugin.native ? randomBytes(32) : undefined;
        const importId: string = typeof req.getImportid === "function" ? req.getImportid() : "";
        // step_generator.go: an import when the goal has an ID and there is no old state (or its id, or import
        // id, is another).
        if (importId && (!old || (old.importId ?? old.id) !== importId)) {
            return this.stepImport(urn, type, name, parent, dependencies, news, req, plugin, importId, randomSeed, providerRef, old, replaceTouched);
        }

        // Check, as continueStepsFromImport: with no olds for a create or a targeted replace (the program's
        // inputs as they are); otherwise with the old inputs, and the new inputs with each ignoreChanges path
        // set back to its old value first (processIgnoreChanges). Secrets are stripped (the plugin does not
        // accept them) and the keys that held one are marked again.
        const checkNews = old && !targetedReplace ? applyIgnoreChanges(news, old.inputs, ignoreChanges) : news;
        const checked = await plugin.check(urn, old && !targetedReplace ? old.inputs : {}, checkNews, randomSeed)
            .catch((e: ProviderError) => { throw this.fail(urn, type, name, op, `check failed: ${e.message}`); });
        if (checked.failures.length > 0) throw this.checkFailure(urn, type, name, op, checked.failures, news);
        // A duplicate URN or alias makes the registration invalid: the engine fails it once checked.
        if (aliasError) throw this.fail(urn, type, name, op, aliasError);
        this.checkSkippedDependencies(urn, type, name, op, dependencies, parent);
        let secretInputs = secretKeys(checkNews);
        let inputs = markSecret(checked.inputs, secretInputs);
        if (this.opts.diff) this.diffContext.set(urn, { parent: parent || undefined, old, inputs });

        const newState = (id: string, outputs: PropertyMap, extra: Partial<ResourceState> = {}): ResourceState => ({
            urn, type, name, custom: true, id, parent: parent || undefined, inputs,
            outputs: markSecret(outputs, [...secretInputs, ...additionalSecrets]), dependencies,
            protect: protect || undefined, retainOnDelete,
            deleteBeforeReplace: dbrOption, additionalSecretOutputs: additionalSecrets.length ? additionalSecrets : undefined,
            aliases: alias ? [alias] : undefined,
            provider: providerRef, importId: old?.importId,
            ...extra,
        });

        // ---- create
        if (!old) {
            if (this.preview) {
                // CreateStep.Apply with Preview (provider_plugin.go Create: the dynamic provider and a native one
                // without supportsPreview hand back the inputs; an unconfigured one nothing).
                const made = await plugin.create(urn, inputs, true)
                    .catch((e: ProviderError) => { throw this.fail(urn, type, name, "create", `creating failed: ${e.message}`); });
                this.record({ urn, type, name, op: "create" });
                return { urn, id: "", object: plugin.native ? markSecret(made.outputs, [...secretInputs, ...additionalSecrets]) : made.outputs };
            }
            const s = await this.create(plugin, urn, type, name, inputs, newState, "create");
            replaceTouched(s);
            this.save();
            return { urn, id: s.id!, object: s.outputs };
        }

        // ---- diff (step_generator.go diff, diffResource, applyReplaceOnChanges)
        let decision: ReplaceDecision;
        let unavailable: string | undefined;
        if (targetedReplace) {
            // A targeted replace asks the provider nothing: a replace that blames the id.
            decision = { changes: true, replaces: ["id"], deleteBeforeReplace: false };
        } else {
            const diff = await plugin.diff(urn, old.id ?? "", old.inputs, old.outputs, inputs, ignoreChanges)
                .catch((e: ProviderError) => { throw this.fail(urn, type, name, "update", `diff failed: ${e.message}`); });
            // step_generator.go diff: a DiffUnavailable answer is "some", with its message as a warning.
            if (diff.unavailable) unavailable = diff.unavailable;
            decision = decideReplace(diff, old, inputs, ignoreChanges, replaceOnChanges);
        }
        const { changes, replaces } = decision;
        let diffs = changedKeys(old.inputs, inputs, ["__provider"]);
        if (changes && diffs.length === 0) {
            const outputDrift = changedKeys(old.outputs, inputs, ["__provider"]).filter((k) => k in inputs);
            diffs = outputDrift.length > 0 ? outputDrift : changedKeys(old.inputs, inputs);
        }
        // A native provider's own changed keys (DiffResponse.diffs), else its detailed diff's top-level keys.
        if (decision.changedKeys && decision.changedKeys.length > 0) diffs = decision.changedKeys;
        if (targetedReplace) diffs = [];
        const detail: Partial<StepRecord> = {
            ...(decision.detailedDiff ? { detailedDiff: decision.detailedDiff } : {}),
            ...(unavailable ? { diagnostics: [`warning: ${unavailable}`] } : {}),
        };

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
                // UpdateStep.Apply with Preview (provider_plugin.go Update: without supportsPreview the new inputs).
                const outs = await plugin.update(urn, old.id ?? "", old.outputs, old.inputs, inputs, ignoreChanges, true)
                    .catch((e: ProviderError) => { throw this.fail(urn, type, name, "update", `updating failed: ${e.message}`, { diffs, ...detail }); });
                this.record({ urn, type, name, op: "update", diffs, ...detail });
                return { urn, id: old.id ?? "", object: plugin.native ? markSecret(outs, [...secretInputs, ...additionalSecrets]) : outs };
            }
            // Pending as "updating", with the step's new state: the checked inputs, no id (UpdateStep.Apply
            // copies the old id in only after BeginMutation), no outputs (snapshot.go doUpdate).
            const pending = this.beginOperation("updating", { ...newState("", {}), id: undefined });
            try {
                const outs = await plugin.update(urn, old.id ?? "", old.outputs, old.inputs, inputs, ignoreChanges);
                this.endOperation(pending);
                const s = newState(old.id ?? "", outs);
                replaceTouched(s);
                this.record({ urn, type, name, op: "update", diffs, ...detail });
                this.save();
                return { urn, id: s.id!, object: s.outputs };
            } catch (e: any) {
                this.endOperation(pending);
                const partial = (e as ProviderError).initFailure;
                if (partial) {
                    // Recorded as the provider reported them, as the engine does (a dynamic provider must
                    // include __provider there for later calls on the resource to work).
                    replaceTouched(newState(old.id ?? "", partial.properties, { initErrors: partial.reasons }));
                }
                // updateSnapshotMutation.End(step, false) writes too: the operation is cleared after a failure.
                this.save();
                throw this.fail(urn, type, name, "update", `updating failed: ${e.message}`, { diffs, ...detail });
            }
        }

        // ---- replace
        if (protect || (old.protect && !protectSet)) {
            throw this.fail(urn, type, name, "replace",
                `unable to replace resource ${urn} as it is currently marked for protection: ` +
                `remove the \`protect\` option (or set it false) and run up again`, { diffs, replaces, ...detail });
        }
        if (!targetedReplace) {
            // continueStepsFromDiff: a replacement is a new resource, so its inputs are checked again with no
            // olds, from the program's inputs as they are (no ignoreChanges); the create uses those. A targeted
            // replace was checked with no olds already.
            const rechecked = await plugin.check(urn, {}, news, randomSeed)
                .catch((e: ProviderError) => { throw this.fail(urn, type, name, "replace", `check failed: ${e.message}`, { diffs, replaces }); });
            if (rechecked.failures.length > 0) throw this.checkFailure(urn, type, name, "replace", rechecked.failures, inputs, { diffs, replaces });
            secretInputs = secretKeys(news);
            inputs = markSecret(rechecked.inputs, secretInputs);
            if (this.opts.diff) this.diffContext.set(urn, { parent: parent || undefined, old, inputs });
        }
        // The resource option wins over the provider's answer, in both directions (continueStepsFromDiff).
        const deleteBeforeReplace = dbrOption ?? decision.deleteBeforeReplace;
        if (this.preview) {
            const made = await plugin.create(urn, inputs, true)
                .catch((e: ProviderError) => { throw this.fail(urn, type, name, "replace", `creating failed: ${e.message}`, { diffs, replaces, ...detail }); });
            this.record({ urn, type, name, op: "replace", diffs, replaces, ...detail });
            return { urn, id: "", object: plugin.native ? markSecret(made.outputs, [...secretInputs, ...additionalSecrets]) : made.outputs };
        }
        if (deleteBeforeReplace) {
            await this.deleteResource(plugin, old, "delete-replaced");
            replaceTouched(undefined);
            this.save();
            const s = await this.create(plugin, urn, type, name, inputs, newState, "create-replacement");
            this.touched.push(s);
            this.record({ urn, type, name, op: "replace", diffs, replaces, ...detail });
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
        this.record({ urn, type, name, op: "replace", diffs, replaces, ...detail });
        this.save();
        return { urn, id: s.id!, object: s.outputs };
    }

    // ---------------------------------------------------------------- native providers

    private pluginFor(pkg: string): ProjectPlugin | undefined {
        return this.nativePlugins.find((p) => p.name === pkg);
    }

    /**
     * A new plugin process for one provider instance (registry.go loadProvider -> host.go defaultHost.Provider,
     * which starts a plugin for every load): PULUMI_PROJECT and PULUMI_CONFIG (the package's own keys,
     * host.go Provider's jsonConfig) in its environment (provider_plugin.go NewProvider).
     */
    private nativeStartOptions(spec: ProjectPlugin): NativeStartOptions {
        const own: Record<string, string> = {};
        for (const [k, v] of Object.entries(this.config.values)) if (k.startsWith(`${spec.name}:`)) own[k.slice(spec.name.length + 1)] = v;
        return {
            plugin: spec,
            engineAddress: this.engineAddress || "127.0.0.1:0",
            pwd: this.project.dir,
            env: { ...this.env, PULUMI_PROJECT: this.project.name, PULUMI_CONFIG: JSON.stringify(own) },
        };
    }

    /**
     * One process per project plugin spawned while the program loads (only the process: no RPC until a
     * provider instance claims it in startNative), as the dynamic plugin is started early: the loads overlap.
     * One no instance claimed is ended at the end of the run, having received nothing.
     */
    private readonly spares = new Map<string, Promise<SpawnedPlugin>>();

    private spawnSpares(): void {
        for (const spec of this.nativePlugins) {
            if (this.spares.has(spec.name)) continue;
            const sp = NativeProviderPlugin.spawn(this.nativeStartOptions(spec));
            sp.catch(() => undefined);
            this.spares.set(spec.name, sp);
        }
    }

    private startNative(spec: ProjectPlugin): Promise<NativeProviderPlugin> {
        const onOutput = (line: string) => this.pluginDebug.push(`[${spec.name}] ${line}`);
        const spare = this.spares.get(spec.name);
        this.spares.delete(spec.name);
        const p = spare
            ? spare.then((sp) => NativeProviderPlugin.connect(sp, onOutput), () => NativeProviderPlugin.start({ ...this.nativeStartOptions(spec), onOutput }))
            : NativeProviderPlugin.start({ ...this.nativeStartOptions(spec), onOutput });
        this.nativeInstances.push(p);
        p.catch(() => undefined);
        return p;
    }

    /**
     * The provider instance of a reference (step_generator.go loadResourceProvider): the one this deployment
     * registered, else one of the old state loaded and configured with its recorded inputs and id (registry.go
     * Same with fromCheck false, through deployment EnsureProvider), as deletes, refreshes and destroys of
     * resources whose provider the program no longer registers need.
     */
    private providerByRef(ref: string): Promise<NativeProviderPlugin> {
        const known = this.providers.get(ref);
        if (known) return known;
        const cut = ref.lastIndexOf("::");
        const urn = ref.slice(0, cut);
        const id = ref.slice(cut + 2);
        const st = [...this.touched, ...this.base, ...this.old.resources].find((r) => r.urn === urn && r.id === id);
        if (!st) return Promise.reject(new Error(`unknown provider '${ref}'`));
        const spec = this.pluginFor(st.type.slice(PROVIDER_PREFIX.length));
        if (!spec) return Promise.reject(new Error(`no plugin folder for ${st.type} in Pulumi.yaml (plugins: providers:)`));
        const p = this.startNative(spec).then(async (inst) => {
            await inst.configure(urn, id, st.inputs);
            return inst;
        });
        this.providers.set(ref, p);
        return p;
    }

    /**
     * A registration with no provider: the package's default provider (default_providers.go
     * newRegisterDefaultProviderEvent: a `pulumi:providers:<pkg>` resource named by ProviderRequest.DefaultName,
     * no parent, its inputs the stack config of the package, `<pkg>:<key>` as `key`, secrets kept secret
     * (target.go GetPackageConfig), and `version` when the registration gave one). Registered once per name,
     * before the resource's own step, so it precedes it in the state.
     */
    private defaultProviderRef(pkg: string, version: string): Promise<string> {
        const name = defaultProviderName(version || undefined);
        const type = `${PROVIDER_PREFIX}${pkg}`;
        const key = `${type}::${name}`;
        let ref = this.defaultProviders.get(key);
        if (!ref) {
            const inputs: PropertyMap = {};
            for (const [k, v] of Object.entries(this.config.values)) {
                if (!k.startsWith(`${pkg}:`)) continue;
                inputs[k.slice(pkg.length + 1)] = this.config.secretKeys.includes(k) ? wrapSecret(v) : v;
            }
            if (version) inputs.version = version;
            const urn = this.urnOf(type, name, "");
            const step = this.stepProvider(urn, type, name, "", [], inputs, undefined);
            this.stepsOver.set(urn, step.then(() => undefined, () => undefined));
            ref = step.then((r) => `${r.urn}::${r.id}`);
            this.defaultProviders.set(key, ref);
        }
        return ref;
    }

    /**
     * A provider resource's step, as the registry does it (providers/registry.go): Check loads a new plugin
     * and calls CheckConfig; for an existing provider, Diff calls DiffConfig on that instance; then Same or
     * Update configure it under the old id, Create under a new UUID (the unknown id in a preview). A replace
     * closes the checked instance (registry.go Diff) and checks again with a fresh one, with no olds
     * (continueStepsFromDiff), which Create configures. Its state: the checked inputs as inputs and outputs.
     * `req`: the program's registration (undefined for a default provider).
     */
    private async stepProvider(
        urn: string, type: string, name: string, parent: string, dependencies: string[], news: PropertyMap, req: any,
    ): Promise<Registered> {
        const pkg = type.slice(PROVIDER_PREFIX.length);
        const spec = this.pluginFor(pkg)!;
        const found = req ? this.takeOldOrAliased(urn, this.aliasUrns(req, type, name, parent)) : { old: this.takeOld(urn) } as ReturnType<Deployment["takeOldOrAliased"]>;
        const { old, alias } = found;
        if (found.error) throw this.fail(urn, type, name, "create", found.error);
        if (old) this.touched.push(old);
        const replaceTouched = (s: ResourceState | undefined) => {
            const i = old ? this.touched.indexOf(old) : -1;
            if (i >= 0) {
                if (s) this.touched[i] = s;
                else this.touched.splice(i, 1);
            } else if (s) this.touched.push(s);
        };
        // source_eval.go RegisterResource: a provider resource's `version` option becomes its `version` input.
        if (req && req.getVersion()) news = { ...news, version: req.getVersion() };
        const ignoreChanges: string[] = req ? req.getIgnorechangesList() : [];
        const protect = req && hasOption(req, "Protect") && req.getProtect() ? true : undefined;
        const op: StepOp = old ? "update" : "create";
        const load = () => this.startNative(spec)
            .catch((e: Error) => { throw this.fail(urn, type, name, op, `load plugin for ${pkg} provider '${urn}': ${e.message}`); });
        const check = async (inst: NativeProviderPlugin, olds: PropertyMap, stepOp: StepOp) => {
            const checked = await inst.checkConfig(urn, olds, news)
                .catch((e: ProviderError) => { void inst.stop(); throw this.fail(urn, type, name, stepOp, `check failed: ${e.message}`); });
            if (checked.failures.length > 0) {
                void inst.stop();
                throw this.checkFailure(urn, type, name, stepOp, checked.failures, news);
            }
            const inputs = markSecret(checked.inputs, secretKeys(news));
            // registry.go Check: a provider may not drop (or change) `version`.
            if (news.version !== undefined && inputs.version === undefined) inputs.version = news.version;
            return inputs;
        };
        let inst = await load();
        let inputs = await check(inst, old ? old.inputs : {}, op);
        const state = (id: string, outputs: PropertyMap = inputs): ResourceState => ({
            urn, type, name, custom: true, id, parent: parent || undefined, inputs, outputs, dependencies,
            protect, aliases: alias ? [alias] : undefined,
        });
        const configure = async (instance: NativeProviderPlugin, id: string, stepOp: StepOp) => {
            await instance.configure(urn, id, inputs)
                .catch((e: ProviderError) => { void instance.stop(); throw this.fail(urn, type, name, stepOp, `configure provider '${urn}': ${e.message}`); });
            this.providers.set(`${urn}::${id}`, Promise.resolve(instance));
        };
        const create = async (instance: NativeProviderPlugin, stepOp: StepOp) => {
            // registry.go Create: a new UUID, or the unknown id in a preview.
            const id = this.preview ? UNKNOWN : randomUUID();
            const pending = this.beginOperation("creating", { ...state(""), id: undefined, outputs: {} });
            try {
                await configure(instance, id, stepOp);
            } finally {
                this.endOperation(pending);
            }
            return state(id);
        };
        if (!old) {
            const s = await create(inst, "create");
            this.record({ urn, type, name, op: "create" });
            if (!this.preview) {
                replaceTouched(s);
                this.save();
            }
            return { urn, id: s.id!, object: inputs };
        }
        const diff = await inst.diffConfig(urn, old.inputs, old.outputs, inputs, ignoreChanges)
            .catch((e: ProviderError) => { void inst.stop(); throw this.fail(urn, type, name, "update", `diff failed: ${e.message}`); });
        const diffs = diff.changedKeys && diff.changedKeys.length ? diff.changedKeys : changedKeys(old.inputs, inputs);
        if (diff.changes === "none") {
            // registry.go Same (fromCheck): the checked instance, configured with the old id.
            await configure(inst, old.id ?? "", "same");
            const s = state(old.id ?? "", old.outputs);
            this.record({ urn, type, name, op: "same" });
            if (!this.preview) {
                replaceTouched(s);
                this.save();
            }
            return { urn, id: old.id ?? "", object: s.outputs };
        }
        const replaces = [...diff.replaces];
        if (replaces.length === 0) {
            // registry.go Update: configured with the new inputs under the old id.
            const pending = this.beginOperation("updating", { ...state(""), id: undefined, outputs: {} });
            try {
                await configure(inst, old.id ?? "", "update");
            } finally {
                this.endOperation(pending);
            }
            const s = state(old.id ?? "");
            this.record({ urn, type, name, op: "update", diffs });
            if (!this.preview) {
                replaceTouched(s);
                this.save();
            }
            return { urn, id: old.id ?? "", object: inputs };
        }
        void inst.stop();
        inst = await load();
        inputs = await check(inst, {}, "replace");
        const s = await create(inst, "replace");
        this.record({ urn, type, name, op: "replace", diffs, replaces });
        if (!this.preview) {
            // Create before delete: the old provider stays, marked for deletion (its delete calls no plugin).
            replaceTouched({ ...old, delete: true });
            this.touched.push(s);
            this.save();
        }
        return { urn, id: s.id!, object: inputs };
    }

    /**
     * The `import` option (step_generator.go generateSteps: an ImportStep when the goal has an ID and no old
     * state has it; step.go ImportStep.Apply): Read with the id and no properties, in a preview too; no outputs:
     * "resource '<id>' does not exist"; no inputs: the provider cannot import. The read state is the old state
     * (inputs and outputs); then continueStepsFromImport: Check with the read inputs as olds and the program's
     * inputs (ignoreChanges applied) as news, and Diff: no change keeps the imported state; an update is an
     * UpdateStep (the provider's Update); a replace fails ("previously-imported resources that still specify an
     * ID may not be replaced", a warning in a preview).
     */
    private async stepImport(
        urn: string, type: string, name: string, parent: string, dependencies: string[], news: PropertyMap, req: any,
        plugin: ResourcePlugin, importId: string, randomSeed: Uint8Array | undefined, providerRef: string | undefined,
        replacing: ResourceState | undefined, replaceTouched: (s: ResourceState | undefined) => void,
    ): Promise<Registered> {
        const additionalSecrets: string[] = req.getAdditionalsecretoutputsList();
        const ignoreChanges: string[] = req.getIgnorechangesList();
        const protect = hasOption(req, "Protect") && req.getProtect() ? true : undefined;
        let read;
        try {
            read = await plugin.read(urn, importId, {}, {});
        } catch (e: any) {
            throw this.fail(urn, type, name, "import", `importing failed: ${e.message}`);
        }
        if (!read.id) throw this.fail(urn, type, name, "import", `resource '${importId}' does not exist`);
        if (!read.inputs) {
            throw this.fail(urn, type, name, "import",
                `provider does not support importing resources; please try updating the '${type.split(":")[0]}' plugin`);
        }
        const imported: ResourceState = {
            urn, type, name, custom: true, id: read.id, parent: parent || undefined, inputs: read.inputs,
            outputs: markSecret(read.outputs, additionalSecrets), dependencies, protect,
            additionalSecretOutputs: additionalSecrets.length ? additionalSecrets : undefined,
            provider: providerRef, importId,
        };
        this.record({ urn, type, name, op: "import" });
        if (!this.preview) {
            replaceTouched(imported);
            this.save();
        }
        const checkNews = applyIgnoreChanges(news, imported.inputs, ignoreChanges);
        const checked = await plugin.check(urn, imported.inputs, checkNews, randomSeed)
            .catch((e: ProviderError) => { throw this.fail(urn, type, name, "import", `check failed: ${e.message}`); });
        if (checked.failures.length > 0) throw this.checkFailure(urn, type, name, "import", checked.failures, news);
        const inputs = markSecret(checked.inputs, secretKeys(checkNews));
        const diff = await plugin.diff(urn, read.id, imported.inputs, imported.outputs, inputs, ignoreChanges)
            .catch((e: ProviderError) => { throw this.fail(urn, type, name, "import", `diff failed: ${e.message}`); });
        const decision = decideReplace(diff, imported, inputs, ignoreChanges, req.getReplaceonchangesList());
        if (!decision.changes) return { urn, id: read.id, object: imported.outputs };
        const diffs = decision.changedKeys && decision.changedKeys.length ? decision.changedKeys : changedKeys(imported.inputs, inputs);
        const detail = decision.detailedDiff ? { detailedDiff: decision.detailedDiff } : {};
        if (decision.replaces.length > 0) {
            const message = "previously-imported resources that still specify an ID may not be replaced; " +
                "please remove the `import` declaration from your program;\n" +
                decision.replaces.map((k) => `${k}: ${display(redact(imported.inputs[k]))} => ${display(redact(inputs[k]))}`).join("\n");
            if (this.preview) {
                this.record({ urn, type, name, op: "replace", diffs, replaces: decision.replaces, ...detail, diagnostics: [`warning: ${message}`] });
                return { urn, id: "", object: inputs };
            }
            throw this.fail(urn, type, name, "replace", message, { diffs, replaces: decision.replaces, ...detail });
        }
        const outs = await plugin.update(urn, read.id, imported.outputs, imported.inputs, inputs, ignoreChanges, this.preview)
            .catch((e: ProviderError) => { throw this.fail(urn, type, name, "update", `updating failed: ${e.message}`, { diffs, ...detail }); });
        const s: ResourceState = { ...imported, inputs, outputs: markSecret(outs, [...secretKeys(inputs), ...additionalSecrets]) };
        this.record({ urn, type, name, op: "update", diffs, ...detail });
        if (!this.preview) {
            replaceTouched(s);
            this.save();
        }
        return { urn, id: read.id, object: s.outputs };
    }

    private checkFailure(
        urn: string, type: string, name: string, op: StepOp, failures: { property: string; reason: string }[],
        inputs: PropertyMap, extra: Partial<StepRecord> = {},
    ): StepFailure {
        // step_generator.go issueCheckFailures: one error diagnostic per failure, on the resource, its value
        // looked up in `inputs` (the engine's new.Inputs: the program's inputs for the first Check, the first
        // Check's result for a replacement's re-Check). The bail that follows (BailErrorf "resource %s is
        // invalid") is not printed (cmdutil/exit.go DisplayErrorMessage skips a bail).
        const messages = failures.map((f) => checkFailureMessage(type, name, f, inputs));
        const failure = this.fail(urn, type, name, op, messages.join("\n"), { ...extra, diagnostics: messages.map((m) => `error: ${m}`) });
        failure.bail = true;
        this.bails.add(`${urn}: ${failure.message}`);
        return failure;
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
        plugin: ResourcePlugin, urn: string, type: string, name: string, inputs: PropertyMap,
        newState: (id: string, outputs: PropertyMap, extra?: Partial<ResourceState>) => ResourceState,
        op: StepOp, place: (s: ResourceState, partial: boolean) => void = (s, partial) => { if (partial) this.touched.push(s); },
    ): Promise<ResourceState> {
        // A create (or create-replacement) is pending as "creating", with the step's new state: the checked
        // inputs, no id, no outputs (snapshot.go doCreate; step_generator.go makes `new` with ID "" and nil
        // Outputs).
        const pending = this.beginOperation("creating", { ...newState("", {}), id: undefined });
        try {
            const created = await plugin.create(urn, inputs);
            const s = newState(created.id, created.outputs);
            // The caller may place it after an await: recorded as "creating" until it is in the state.
            this.endOperation(pending, () => !this.touched.includes(s));
            place(s, false);
            this.record({ urn, type, name, op });
            return s;
        } catch (e: any) {
            this.endOperation(pending);
            const partial = (e as ProviderError).initFailure;
            if (partial && partial.id) {
                // Recorded as the provider reported them, as the engine does (a dynamic provider must include
                // __provider there for later calls on the resource to work).
                place(newState(partial.id, partial.properties, { initErrors: partial.reasons }), true);
            }
            // createSnapshotMutation.End(step, false) writes too: the operation is cleared after a failure.
            this.save();
            throw this.fail(urn, type, name, op, `creating failed: ${e.message}` +
                (partial?.id ? ` (the resource ${partial.id} was created and is kept in state)` : ""));
        }
    }

    /** The provider a resource of the state is deleted or read with: its recorded native provider, else the dynamic plugin. */
    private providerOf(r: ResourceState): Promise<ResourcePlugin> {
        return r.provider ? this.providerByRef(r.provider) : this.getPlugin();
    }

    private async deleteResource(plugin: ResourcePlugin | undefined, r: ResourceState, op: StepOp): Promise<void> {
        if (r.custom && r.type.startsWith(PROVIDER_PREFIX) && this.pluginFor(r.type.slice(PROVIDER_PREFIX.length))) {
            // registry.go Delete: no RPC; the instance registered under the reference (if loaded) is closed.
            const ref = `${r.urn}::${r.id ?? ""}`;
            const inst = this.providers.get(ref);
            this.providers.delete(ref);
            if (inst) void inst.then((p) => p.stop(), () => undefined);
        } else if (r.custom && !r.retainOnDelete && (isDynamicType(r.type) || r.provider)) {
            let p: ResourcePlugin;
            try {
                p = plugin ?? (await this.providerOf(r));
            } catch (e: any) {
                throw this.fail(r.urn, r.type, r.name, op, `load provider ${r.provider} for resource ${r.urn}: ${e.message}`);
            }
            // Pending as "deleting", with the old state (snapshot.go doDelete; delete-replaced too). The callers
            // drop `r` from the state after an await: recorded as "deleting" until they have.
            const pending = this.beginOperation("deleting", r);
            try {
                await p.delete(r.urn, r.id ?? "", r.outputs, r.inputs);
                this.endOperation(pending, () => this.touched.includes(r) || this.base.includes(r));
            } catch (e: any) {
                // deleteSnapshotMutation.End(step, false) writes too: the operation is cleared, `r` stays.
                this.endOperation(pending);
                this.save();
                throw this.fail(r.urn, r.type, r.name, op, `deleting failed: ${e.message}`);
            }
        }
        this.record({ urn: r.urn, type: r.type, name: r.name, op });
    }

    registerOutputs(urn: string, outputs: PropertyMap): void {
        // deployment_executor.go: a failed step cancels the deployment (unless --continue-on-error), and the
        // events the program sends after it are not applied. A program whose outputs depend on the failed
        // resource still sends its stack's outputs, empty (stack.ts registers them in a `finally`), and how
        // soon depends on the Node version (Node 24 gets it out before the program exits, Node 20 and 22 not).
        if (!this.opts.continueOnError && this.steps.some((s) => s.error)) return;
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
            doomed.filter((x) => x !== r && (x.parent === r.urn || (x.dependencies ?? []).includes(r.urn) || (x.urn === r.urn && x.delete && !r.delete) ||
                (x.provider !== undefined && x.provider === `${r.urn}::${r.id ?? ""}`)));
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

    /**
     * With `target`: the resources a delete may touch, as step_generator.go
     * determineAllowedResourcesToDeleteFromTargets / getTargetDependents: the targets in the old state and,
     * transitively, every resource that depends on one or is its child. Undefined: no constraint.
     */
    private allowedToDelete(): Set<string> | undefined {
        if (!this.targets) return undefined;
        const all = [...this.old.resources];
        const allowed = new Set<string>();
        const frontier = all.filter((r) => this.targets!.has(r.urn)).map((r) => r.urn);
        while (frontier.length > 0) {
            const u = frontier.shift()!;
            if (allowed.has(u)) continue;
            allowed.add(u);
            for (const r of all) if (r.parent === u || (r.dependencies ?? []).includes(u)) frontier.push(r.urn);
        }
        return allowed;
    }

    /**
     * With `target`, the deletes kept to what it allows; one not itself a target fails the operation with
     * diag 2014 unless `targetDependents` (step_generator.go GenerateDeletes). A preview reports each and
     * goes on; an update bails before deleting anything ("delete untargeted resource"). The resources left
     * out stay in the state as they were (UntargetedSameStep).
     */
    private targetedDeletes(doomed: ResourceState[]): ResourceState[] {
        const allowed = this.allowedToDelete();
        if (!allowed) return doomed;
        const kept = doomed.filter((r) => allowed.has(r.urn));
        const untargeted = this.opts.targetDependents ? [] : kept.filter((r) => !this.targets!.has(r.urn));
        for (const r of untargeted) {
            this.errors.push(`Resource '${r.urn}' will be destroyed but was not specified in --target list.\n` +
                "Either include resource in --target list or pass --target-dependents to proceed.");
        }
        if (untargeted.length > 0 && !this.preview) throw new StepFailure("delete untargeted resource");
        return kept;
    }

    /**
     * deployment_executor.go checkTargets: one error for each of `targets` that is neither in the old state
     * nor registered by the program, with the CLI's odd hint about `$` for a URN without one.
     */
    private notFound(targets: Iterable<string>): string[] {
        return [...targets]
            .filter((u) => !this.stepsOver.has(u) && !this.old.resources.some((r) => r.urn === u))
            .map((u) => u.includes("$")
                ? `Target '${u}' could not be found in the stack.`
                : `Target '${u}' could not be found in the stack. Did you forget to escape $ in your shell?`);
    }

    /**
     * After the program, before the deletes (deployment_executor.go Execute, checkTargets of opts.Targets):
     * a target neither in the old state nor registered is an error. The deletes still run; the error fails
     * the command after them.
     */
    private unknownTargets(): string[] {
        return this.targets ? this.notFound(this.targets) : [];
    }

    /** Deletes what the program no longer declares and replaced copies, dependants first. */
    private async deleteLeftovers(): Promise<void> {
        const all = [...this.touched, ...this.base];
        const doomed = this.targetedDeletes(all.filter((r) => r.delete || this.base.includes(r)).reverse());
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

    /** The Engine service native plugins call (Log), up for the whole deployment (deletes and refreshes too). */
    private engineServer?: import("@grpc/grpc-js").Server;

    private async startEngineServer(): Promise<void> {
        const server = new grpc.Server();
        server.addService(engrpc.EngineService, this.engineService());
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
        this.engineServer = server;
        this.engineAddress = `127.0.0.1:${port}`;
    }

    /** host.go defaultHost.Close: every provider still loaded gets Cancel, then is closed. */
    private async closeNativePlugins(): Promise<void> {
        const spares = [...this.spares.values()];
        this.spares.clear();
        await Promise.all(spares.map((sp) => sp.then(discardSpawned, () => undefined)));
        const all = await Promise.all(this.nativeInstances.map((p) => p.catch(() => undefined)));
        await Promise.all(all.map((p) => p?.stop()));
        if (this.engineServer) {
            const server = this.engineServer;
            await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
            server.forceShutdown();
        }
    }

    async run(): Promise<RunResult> {
        const started = Date.now();
        try {
            if (this.nativePlugins.length > 0) await this.startEngineServer();
            if (this.opts.command === "preview" || this.opts.command === "up") await this.update();
            else if (this.opts.command === "refresh") {
                this.resolvePendingCreates();
                await this.refresh();
            } else await this.destroy();
        } catch (e: any) {
            if (!(e instanceof StepFailure)) this.errors.push(e?.message ?? String(e));
            else if (!this.errors.some((m) => m.endsWith(e.message))) this.errors.push(e.message);
        } finally {
            // snapshot.go defaultServiceLoop: closing the snapshot manager flushes the snapshot when no write
            // happened yet, so even a run with no change drops the base's non-create pending operations.
            try {
                if (this.flushAtEnd) this.save();
            } catch (e: any) {
                this.errors.push(`failed to save snapshot: ${e?.message ?? e}`);
            }
            if (this.plugin) {
                const p = await this.plugin.catch(() => undefined);
                if (p) {
                    this.diagnostics.push(...p.output.map((l) => `plugin: ${l}`));
                    await p.stop();
                }
            }
            await this.closeNativePlugins();
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
        if (colorless(this.opts.env)) {
            // What the program and the plugin printed, escapes a library wrote regardless of NO_COLOR included.
            // (The CLI's colors.Never strips only its own colour tags: raw escapes in a program's output would
            // pass through there.)
            for (let i = 0; i < this.diagnostics.length; i++) this.diagnostics[i] = this.diagnostics[i].replace(ANSI, "");
            for (let i = 0; i < this.errors.length; i++) this.errors[i] = this.errors[i].replace(ANSI, "");
        }
        const ok = this.errors.length === 0;
        const outputs = redactOutputs(this.outputs);
        const partial = {
            ok, exitCode: ok ? 0 : 1, steps: this.steps, summary, outputs,
            error: ok ? undefined : this.errors.join("\n"), diagnostics: this.diagnostics,
            logs: this.logs, pluginDebug: this.pluginDebug,
        };
        // The bail after check failures is not printed (cmdutil/exit.go DisplayErrorMessage, result.IsBail):
        // its diagnostics were.
        const shown = this.errors.filter((e) => !this.bails.has(e));
        const stdout = renderReport({
            ...partial, command: this.opts.command, stack: this.stack, elapsedMs, rawOutputs: this.outputs,
            shownError: shown.length ? shown.join("\n") : undefined, diff: this.opts.diff,
        });
        return { ...partial, stdout };
    }

    /**
     * deployment_executor.go printPendingOperationsWarning, called from Execute when the run is not a
     * preview (DryRun), not `--refresh` and has no refreshBeforeUpdate resources: one warning listing every
     * pending operation of the state it started from, then the deployment proceeds as if they were not
     * there. A pending create's resource is not in the state, so it is created again; an updating or
     * deleting one is in the state with its old state and goes through its usual step.
     */
    private warnPendingOperations(): void {
        if (this.preview || this.basePending.length === 0) return;
        const list = this.basePending.map((op) => `  * ${op.resource.urn}, interrupted while ${op.type}\n`).join("");
        const resolutionMessage = "" +
            "These resources are in an unknown state because the Pulumi CLI was interrupted while " +
            "waiting for changes to these resources to complete. You should confirm whether or not the " +
            "operations listed completed successfully by checking the state of the appropriate provider. " +
            "For example, if you are using AWS, you can confirm using the AWS Console.\n" +
            "\n" +
            "Once you have confirmed the status of the interrupted operations, you can repair your stack " +
            "using `pulumi refresh` which will refresh the state from the provider you are using and " +
            "clear the pending operations if there are any.\n" +
            "\n" +
            "Note that `pulumi refresh` will need to be run interactively to clear pending CREATE operations.";
        const warning = "Attempting to deploy or update resources " +
            `with ${this.basePending.length} pending operations from previous deployment.\n` +
            list + resolutionMessage;
        this.diagnostics.push(`warning: ${warning}`);
    }

    /**
     * `pulumi refresh`'s handling of pending creates before the refresh runs (operations/refresh.go
     * NewRefreshCmd): both --skip-pending-creates and --clear-pending-creates is an error; then
     * --import-pending-creates rewrites each named pending create to "importing" with the given ID
     * (pendingCreatesToImports), warning about URNs that matched none; the interactive prompt
     * (interactiveFixPendingCreate) is skipped, as the CLI skips it non-interactively; then
     * --clear-pending-creates drops the remaining pending creates. Each edit is written to the state at
     * once (filterMapPendingCreates: state.TotalStateEdit). With none of the flags, nothing is said and the
     * pending creates stay, through the refresh and every later write, until a refresh clears them.
     * The refresh then drops every other pending operation (importing ones included) at its write (Snap).
     */
    private resolvePendingCreates(): void {
        if (this.opts.skipPendingCreates && this.opts.clearPendingCreates) {
            this.flushAtEnd = false; // the command fails before the engine (and its snapshot manager) starts
            throw new Error("cannot set both --skip-pending-creates and --clear-pending-creates");
        }
        const hadState = readState(this.project.dir, this.stack) !== undefined;
        // TotalStateEdit: no snapshot, nothing to edit (and nothing written).
        const edit = (f: (op: PendingOperation) => PendingOperation | undefined) => {
            if (!hadState) return;
            const pending: PendingOperation[] = [];
            for (const op of this.basePending) {
                if (op.type !== "creating") pending.push(op);
                else {
                    const kept = f(op);
                    if (kept) pending.push(kept);
                }
            }
            this.basePending = pending;
            writeStateAtomic(this.project.dir, this.snapshot(this.basePending));
            this.lastWritten = JSON.stringify(this.snapshot(this.basePending));
        };
        const imports = this.opts.importPendingCreates ?? [];
        if (imports.length > 0) {
            if (imports.length % 2 !== 0) {
                this.flushAtEnd = false;
                throw new Error("each URN must be followed by an ID: found an odd number of entries");
            }
            const altered = new Map<string, string>();
            for (let i = 0; i < imports.length; i += 2) altered.set(imports[i], imports[i + 1]);
            edit((op) => {
                const id = altered.get(op.resource.urn);
                if (id === undefined) return op;
                altered.delete(op.resource.urn);
                return { resource: { ...op.resource, id }, type: "importing" };
            });
            // As pendingCreatesToImports builds it: `make([]string, len(alteredOps))` then one append per
            // unused URN, so the list starts with as many empty strings. With one unused URN the list has two
            // entries, and the CLI prints the many-URN warning, an empty `- ""` first.
            const unused = [...[...altered.keys()].map(() => ""), ...altered.keys()];
            if (unused.length > 1) {
                this.diagnostics.push(`warning: the following urns did not correspond to a pending create\n- "${unused.join("\"\n- \"")}"`);
            } else if (unused.length > 0) {
                this.diagnostics.push(`warning: "${unused[0]}" did not correspond to a pending create`);
            }
        }
        if (this.opts.clearPendingCreates && this.basePending.some((op) => op.type === "creating")) edit(() => undefined);
    }

    private async update(): Promise<void> {
        // `up --refresh`: the state is read before anything else (deployment_executor.go Execute), in a
        // preview too; a failed read fails the command before the program runs.
        if (this.opts.refresh) await this.refresh();
        else this.warnPendingOperations();
        this.checkTargets();
        // Replaced copies left from an interrupted update are deleted first.
        if (!this.preview) {
            const allowed = this.allowedToDelete();
            for (const r of [...this.base].reverse().filter((x) => x.delete && (!allowed || allowed.has(x.urn)))) {
                await this.deleteResource(undefined, r, "delete-replaced");
                this.base = this.base.filter((x) => x !== r);
                this.save();
            }
        }
        const programOk = await this.runProgram();
        if (!programOk || this.errors.length > 0) return;
        const unknownTargets = this.unknownTargets();
        this.errors.push(...unknownTargets);
        try {
            await this.deleteLeftovers();
        } finally {
            if (unknownTargets.length > 0) this.errors.push(TARGETS_NOT_FOUND);
        }
    }

    /**
     * deployment_executor.go checkTargets, before the program runs: every `replace` URN must be in the old
     * state, else one error per unknown target (with the CLI's odd hint about `$` for a URN without one) and
     * the command fails.
     */
    private checkTargets(): void {
        const unknown = this.notFound(this.replaceTargets);
        if (unknown.length === 0) return;
        this.errors.push(...unknown);
        throw new StepFailure(TARGETS_NOT_FOUND);
    }

    /** Reads every resource, concurrently (under `parallel`) as the engine does; drops those gone. */
    private async refresh(): Promise<void> {
        // deployment_executor.go refresh: with targets, each must be in the state, and only they are read.
        if (this.targets && this.old.resources.length > 0) {
            const unknown = this.unknownTargets();
            if (unknown.length > 0) {
                this.errors.push(...unknown);
                throw new StepFailure(TARGETS_NOT_FOUND);
            }
        }
        // Provider resources are not read (registry.go Read: "provider resources may not be read").
        const list = this.base.filter((r) => r.custom && (isDynamicType(r.type) || (r.provider && !r.type.startsWith(PROVIDER_PREFIX))) &&
            (!this.targets || this.targets.has(r.urn)));
        const results = await Promise.allSettled(list.map((r) => this.inSlot(() => this.refreshOne(r))));
        const failure = results.find((x): x is PromiseRejectedResult => x.status === "rejected");
        if (failure) throw failure.reason;
    }

    private async refreshOne(r: ResourceState): Promise<void> {
        const plugin = await this.providerOf(r);
        let read;
        try {
            // No pending operation: a refresh's Read is a RefreshStep (OpRefresh), whose mutation records none
            // (snapshot.go BeginMutation: refreshSnapshotMutation). "reading" is a ReadStep's (`.get()`), which
            // pulumi-local does not run.
            read = await plugin.read(r.urn, r.id ?? "", r.outputs, r.inputs);
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
        this.warnPendingOperations();
        const unknownTargets = this.unknownTargets();
        this.errors.push(...unknownTargets);
        const doomed = this.targetedDeletes([...this.base].reverse());
        if (unknownTargets.length > 0) this.errors.push(TARGETS_NOT_FOUND);
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
        // With native plugins, they already have the deployment's own Engine server (startEngineServer).
        if (!this.engineServer) this.engineAddress = address;
        // The plugin is started now, while the program loads, not at the first dynamic resource as the
        // engine starts a provider: the two loads overlap (more than a second of every deployment, which
        // matters with two deployments per up). Nothing it is told changes (configure gets the same stack
        // config, no other call comes earlier); a program without dynamic resources leaves it idle.
        this.getPlugin().catch(() => undefined);
        this.spawnSpares();
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
                // After a bail the engine shuts the monitor down, and a registration waiting on its step gets
                // Unavailable (source_eval.go RegisterResource, "resource monitor shut down while waiting on
                // step's done channel"): the SDK then stops quietly ("Resource monitor is terminating"), so the
                // failure is printed once, as the engine's diagnostic. (Under continueOnError the program goes
                // on, so it is told the failure: Unavailable would end its RPCs.)
                e instanceof StepFailure && e.bail && !self.opts.continueOnError
                    ? callback({ code: grpc.status.UNAVAILABLE, details: "resource monitor shut down while waiting on step's done channel" })
                    : callback({ code: grpc.status.UNKNOWN, details: e?.message ?? String(e) }));
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
                    // The `unknown` field is newer than some SDKs of the peer range (3.139 has no setUnknown): to those
                    // the engine of their time answered an untargeted create with the empty id alone.
                    if (r.unknown && typeof resp.setUnknown === "function") resp.setUnknown(true);
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
                const urn: string = call.request.getUrn();
                const message: string = call.request.getMessage();
                const ephemeral: boolean = typeof call.request.getEphemeral === "function" ? call.request.getEphemeral() : false;
                const streamId: number = typeof call.request.getStreamid === "function" ? call.request.getStreamid() : 0;
                if (urn) {
                    // host_server.go Log: ephemeral -> LogStatus (the row's status, not a diagnostic), else Log;
                    // the CLI groups a URN's diagnostics under its resource (progress.go printDiagnostics).
                    const m: LogMessage = { urn, severity: sev as LogMessage["severity"], message, ephemeral, streamId };
                    self.logs.push(m);
                    self.opts.onLog?.(m);
                } else if (sev !== "debug" && !self.isEchoedBail(sev, message)) {
                    self.diagnostics.push(`${sev}: ${message}`);
                    self.opts.onLog?.({ urn, severity: sev as LogMessage["severity"], message, ephemeral, streamId });
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
 * for an answer of changes true/false replaceOnChanges has nothing to match. A native provider's answer may
 * carry its changed keys (`diffs`) and a detailed diff: replaceOnChanges then matches those keys and paths
 * (applyReplaceOnChanges turns a covered detailed-diff entry into its *-replace kind), and a replace kind in
 * the detailed diff is a replace too (plugin/provider.go DiffResult.Replace).
 */
export interface ReplaceDecision {
    changes: boolean;
    replaces: string[];
    deleteBeforeReplace: boolean;
    /** The provider's changed keys (DiffResponse.diffs), when it gave them. */
    changedKeys?: string[];
    /** The provider's detailed diff with replaceOnChanges applied, when it gave one. */
    detailedDiff?: Record<string, { kind: string; inputDiff: boolean }>;
}

export function decideReplace(
    diff: DiffResult, old: Pick<ResourceState, "inputs" | "initErrors">, inputs: PropertyMap, ignoreChanges: string[], replaceOnChanges: string[],
): ReplaceDecision {
    let changes: boolean;
    let changed: string[] = [];
    let detailed: PathSegment[][] = [];
    if (diff.changes === "unknown") {
        detailed = detailedDiffPaths(old.inputs, applyIgnoreChanges(inputs, old.inputs, ignoreChanges));
        changes = detailed.length > 0;
        changed = [...new Set(detailed.map((p) => String(p[0])))];
    } else {
        changes = diff.changes === "some";
        changed = [...(diff.changedKeys ?? [])];
    }
    const replaces = [...diff.replaces];
    let detailedDiff: ReplaceDecision["detailedDiff"];
    if (diff.detailedDiff && diff.changes !== "unknown") {
        const patterns = replaceOnChanges.map(parsePropertyPath);
        detailedDiff = {};
        for (const [p, v] of Object.entries(diff.detailedDiff)) {
            let kind: string = v.kind;
            if (changes && patterns.some((pat) => pathContains(pat, parsePropertyPath(p))) && !kind.endsWith("-replace")) kind = `${kind}-replace`;
            detailedDiff[p] = { kind, inputDiff: v.inputDiff };
            if (kind.endsWith("-replace") && !replaces.includes(p)) replaces.push(p);
        }
    }
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
    return {
        changes, replaces, deleteBeforeReplace: diff.deleteBeforeReplace,
        ...(diff.changedKeys ? { changedKeys: diff.changedKeys } : {}),
        ...(detailedDiff ? { detailedDiff } : {}),
    };
}

/**
 * Whether a RegisterResourceRequest sets the optional bool `field` (Protect, Retainondelete). Their presence
 * came with `optional` in resource.proto, after @pulumi/pulumi 3.139; an older SDK sends a plain bool, which the
 * engine of its time took as set, whatever its value (no has* method then).
 */
function hasOption(req: any, field: "Protect" | "Retainondelete"): boolean {
    const has = req[`has${field}`];
    return typeof has === "function" ? has.call(req) : true;
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
        const result = { ok: false, exitCode: 1, steps: [], summary: {}, outputs: {}, error, stdout: `error: ${error}\n`, diagnostics: [], logs: [], pluginDebug: [] };
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
