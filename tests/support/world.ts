// Shared by the end-to-end, resilience and soak suites: a local Step Functions endpoint with state machines
// and versions in it, scratch Pulumi projects run by the local engine against it, and the one question
// every resilience test asks: does the state say exactly what the endpoint holds?
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateStateMachineCommand, DeleteStateMachineAliasCommand, SFNClient, UpdateStateMachineCommand } from "@aws-sdk/client-sfn";
import { isSecret, readState, run, RunResult, StackState, withoutWriteTime } from "../../tools/pulumi-local";
import type { Command, RunOptions } from "../../tools/pulumi-local";
import { SfnLocal, startSfnLocal } from "../../tools/sfn-local";
import { installedProject } from "../../bench/install";

export const ROOT = path.join(__dirname, "..", "..");
export const ROLE = "arn:aws:iam::123456789012:role/e2e";
export const TYPE = "pulumi-nodejs:dynamic/sfn:StateMachineAlias";
export const WRITES = ["CreateStateMachineAlias", "UpdateStateMachineAlias", "DeleteStateMachineAlias"];
/** The JavaScript program declaring aliases from config `aliases` (see its header). */
export const ALIASES_PROGRAM = path.join(__dirname, "programs", "aliases");
export const definition = (comment: string) => JSON.stringify({ Comment: comment, StartAt: "A", States: { A: { Type: "Pass", End: true } } });

export interface Routing { stateMachineVersionArn: string; weight: number }

/** A state machine with `versions` published versions (ARNs in publication order). */
export async function makeMachine(sfn: SFNClient, name: string, versions: number): Promise<{ arn: string; versions: string[] }> {
    const c = await sfn.send(new CreateStateMachineCommand({ name, definition: definition("1"), roleArn: ROLE, publish: true }));
    const arns = [c.stateMachineVersionArn!];
    for (let i = 2; i <= versions; i++) {
        const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: definition(String(i)), publish: true }));
        arns.push(u.stateMachineVersionArn!);
    }
    return { arn: c.stateMachineArn!, versions: arns };
}

export function sdkClient(local: SfnLocal, credentials = { accessKeyId: "test", secretAccessKey: "test" }): SFNClient {
    return new SFNClient({ endpoint: local.url, region: "us-east-1", credentials });
}

/**
 * A scratch project whose program is `program`; node_modules is linked so that the plugin, which runs in the
 * project folder, resolves @aws-sdk/client-sfn (and pulumi-sfn-alias) as it would in a user's project.
 */
export function scratchProject(program: string, prefix = "sfn-alias-"): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${path.basename(program)}\nruntime: nodejs\nmain: ${program}\n`);
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

/** The environment that points the SDK at the endpoint, with test credentials (and none of the host's). */
export function endpointEnv(url: string): NodeJS.ProcessEnv {
    return {
        AWS_ENDPOINT_URL_SFN: url, AWS_ENDPOINT_URL_CLOUDWATCH: url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test",
        AWS_SESSION_TOKEN: "", AWS_PROFILE: "", PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1",
    };
}

/**
 * The compiled package (dist/) is what ALIASES_PROGRAM loads. `npm test` and `npm run soak` build first;
 * a suite run on its own builds when a source is newer than its compiled copy.
 */
export function ensureBuilt(): void {
    const newest = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
        const f = path.join(dir, e.name);
        return Math.max(m, e.isDirectory() ? newest(f) : e.name.endsWith(".ts") ? fs.statSync(f).mtimeMs : 0);
    }, 0);
    const built = (f: string) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0);
    const stale = built(path.join(ROOT, "dist/sdk/index.js")) < newest(path.join(ROOT, "sdk")) ||
        built(path.join(ROOT, "dist/provider/provider.js")) < newest(path.join(ROOT, "provider"));
    if (stale) execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
}

export interface AliasSpec {
    resource: string;
    args: Record<string, unknown>;
    secretDescription?: boolean;
    descriptionFromSecretConfig?: boolean;
    /** Resources declared earlier whose steps this one's waits for. */
    dependsOn?: string[];
    /** The explicit provider (a `providers` entry of the program's config) of a plugin.StateMachineAlias. */
    provider?: string;
    /** An alias ARN to import (the `import` resource option). */
    import?: string;
    /** A resource declared earlier whose ARN this one's description names (unknown until it is created). */
    descriptionFrom?: string;
}

/** A scratch project running ALIASES_PROGRAM against an endpoint. */
export class AliasProject {
    readonly dir: string;
    constructor(readonly local: SfnLocal, readonly extraEnv: NodeJS.ProcessEnv = {}) {
        // Installed as a user has it (packed files under node_modules): `__provider` is then a require() of the
        // package, as in a user's state, not the whole provider inlined into every resource.
        this.dir = installedProject(path.join(ALIASES_PROGRAM, "index.js"), "aliases", "sfn-alias-resilience-");
    }

    /** `skipPreview`: an up that only sets the scene runs the update alone (one deployment, not two). */
    run(command: Command, aliases: AliasSpec[], opts: { stack?: string; config?: Record<string, string>; secretConfig?: Record<string, string>; env?: NodeJS.ProcessEnv; continueOnError?: boolean; skipPreview?: boolean } = {}): Promise<RunResult> {
        return run({
            command, cwd: this.dir, stack: opts.stack ?? "dev", continueOnError: opts.continueOnError, skipPreview: opts.skipPreview,
            config: { aliases: JSON.stringify(aliases), ...(opts.config ?? {}) },
            secretConfig: opts.secretConfig,
            env: { ...endpointEnv(this.local.url), ...this.extraEnv, ...(opts.env ?? {}) },
        });
    }

    statePath(stack = "dev"): string {
        return path.join(this.dir, ".pulumi-local", `${stack}.json`);
    }

    /**
     * The state file's text without its write time: the engine rewrites the file around every provider call
     * (the pending operation before, its result after), as Pulumi's snapshot manager does, so a failed call
     * leaves the same content written at another time.
     */
    stateText(stack = "dev"): string | undefined {
        return fs.existsSync(this.statePath(stack)) ? withoutWriteTime(fs.readFileSync(this.statePath(stack), "utf8")) : undefined;
    }

    state(stack = "dev"): StackState | undefined {
        return readState(this.dir, stack);
    }

    /** The states of every stack of the project (they share the endpoint). */
    allStates(): StackState[] {
        const dir = path.join(this.dir, ".pulumi-local");
        if (!fs.existsSync(dir)) return [];
        return fs.readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => readState(this.dir, f.slice(0, -5))!).filter(Boolean);
    }

    cleanup(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** What matters of an alias: its configuration, routing sorted. */
export interface AliasView { description: string; routing: Routing[] }

const view = (description: unknown, routing: unknown): AliasView => ({
    description: typeof description === "string" ? description : "",
    routing: ((routing as Routing[]) ?? []).map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight }))
        .sort((a, b) => a.stateMachineVersionArn.localeCompare(b.stateMachineVersionArn)),
});

const plain = (v: any): any => (isSecret(v) ? v.value : v);

/** Every alias in the endpoint (read from its store, not through the API: no call logged, never stale). */
export function endpointAliases(local: SfnLocal): Record<string, AliasView> {
    const out: Record<string, AliasView> = {};
    for (const [arn, a] of Object.entries<any>(local.snapshot().aliases ?? {})) out[arn] = view(a.description, a.routingConfiguration);
    return out;
}

/** The aliases the state manages (by id), and the replaced copies it still has to delete. */
export function stateAliases(state: StackState | undefined): { live: Record<string, AliasView>; pending: string[] } {
    const live: Record<string, AliasView> = {};
    const pending: string[] = [];
    for (const r of state?.resources ?? []) {
        if (r.type !== TYPE || !r.id) continue;
        if (r.delete) pending.push(r.id);
        else live[r.id] = view(plain(r.outputs.description), plain(r.outputs.routingConfiguration));
    }
    return { live, pending };
}

/**
 * The invariant after any step, failed or not: every alias the state manages exists in the endpoint with
 * exactly the configuration the state records, and every alias in the endpoint is known to the state
 * (managed, or a replaced copy still to delete). With `settled`, no replaced copy is left either.
 * `states` are all the stacks that share the endpoint.
 */
export function assertStateMatchesEndpoint(local: SfnLocal, states: (StackState | undefined)[], context: string, settled = false): void {
    const endpoint = endpointAliases(local);
    const live: Record<string, AliasView> = {};
    const pending: string[] = [];
    for (const s of states) {
        const a = stateAliases(s);
        for (const [id, v] of Object.entries(a.live)) {
            assert.ok(!(id in live), `${context}: ${id} is managed twice`);
            live[id] = v;
        }
        pending.push(...a.pending);
    }
    for (const [id, v] of Object.entries(live)) {
        assert.ok(id in endpoint, `${context}: the state manages ${id}, which the endpoint does not hold`);
        assert.deepStrictEqual(endpoint[id], v, `${context}: ${id} differs between the state and the endpoint`);
    }
    for (const arn of Object.keys(endpoint)) {
        assert.ok(arn in live || pending.includes(arn), `${context}: ${arn} is in the endpoint but not in any state (an orphan)`);
    }
    if (settled) assert.deepStrictEqual(pending, [], `${context}: replaced copies still to delete`);
}

export function ok(r: RunResult, context = ""): void {
    assert.ok(r.ok, `${context}${context ? ": " : ""}${r.error}\n${r.diagnostics.slice(-15).join("\n")}`);
}

export const aliasSteps = (r: RunResult) => r.steps.filter((s) => s.type === TYPE).map((s) => `${s.op} ${s.name}${s.error ? " (failed)" : ""}`);

/** Writes in the call log that succeeded, as "Operation name-or-arn". */
export function okWrites(local: SfnLocal): string[] {
    return local.calls().filter((c) => WRITES.includes(c.operation) && c.outcome === "ok")
        .map((c) => `${c.operation} ${c.params.name ?? String(c.params.stateMachineAliasArn).split(":").pop()}`);
}

/** The e2e program whose aliases take resource options: config `aliases` is a list of { resource, args, opts }. */
export const OPTIONS_PROGRAM = path.join(ROOT, "tests", "e2e", "programs", "ownership", "index.js");

/**
 * An AliasProject running OPTIONS_PROGRAM under the project name `name` (URNs name it); `up` (or another
 * command) passes any of the engine's options (replace, target, refresh, skipPreview, ...).
 */
export class OptionsProject extends AliasProject {
    constructor(local: SfnLocal, readonly name: string) {
        super(local);
        fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: ${OPTIONS_PROGRAM}\n`);
    }

    up(specs: { resource: string; args: Record<string, unknown>; opts?: Record<string, unknown> }[],
        extra: Partial<Omit<RunOptions, "command" | "cwd">> = {}, command: Command = "up"): Promise<RunResult> {
        return run({ command, cwd: this.dir, stack: "dev", config: { aliases: JSON.stringify(specs) }, env: endpointEnv(this.local.url), ...extra });
    }
}

/** What endpointSuite sets up: the endpoint, a client of it, the state machine "orders" (2 versions), this test's project. */
export interface EndpointSuite<P> { local: SfnLocal; sfn: SFNClient; machine: { arn: string; versions: string[] }; project: P }

/**
 * Mocha hooks for a suite of e2e tests on one endpoint (throttling off, `seed`): started once with the state
 * machine "orders" of two versions; a new project per test (`makeProject`), cleaned up after it, and every
 * alias a test left (a failed one's included) deleted, so that each test starts from an empty endpoint.
 */
export function endpointSuite<P extends AliasProject>(seed: number, makeProject: (local: SfnLocal) => P): EndpointSuite<P> {
    const suite = {} as EndpointSuite<P>;
    before(async () => {
        ensureBuilt();
        suite.local = await startSfnLocal({ throttling: false, seed });
        suite.sfn = sdkClient(suite.local);
        suite.machine = await makeMachine(suite.sfn, "orders", 2);
    });
    beforeEach(() => {
        suite.project = makeProject(suite.local);
        suite.local.clearCalls();
    });
    afterEach(async () => {
        suite.project?.cleanup();
        for (const arn of Object.keys(endpointAliases(suite.local))) await suite.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: arn }));
    });
    after(async () => {
        await suite.local?.stop();
    });
    return suite;
}

export { startSfnLocal, SfnLocal, RunResult, StackState };
