// A lifecycle through the local engine with the invariant checked after every step: the state says exactly
// what the endpoint holds (or the step failed and it still does), and an up with faults off converges with
// exactly the writes the difference between state and program calls for. Used by the fault, crash and
// soak suites.
import * as assert from "assert";
import { Command, RunResult, StackState } from "../../tools/pulumi-local";
import { AliasProject, AliasSpec, assertStateMatchesEndpoint, okWrites, Routing, TYPE } from "./world";

const canon = (description: unknown, routing: unknown) => JSON.stringify({
    d: typeof description === "string" ? description : "",
    r: ((routing as Routing[]) ?? []).map((x) => `${x.stateMachineVersionArn}=${x.weight}`).sort(),
});
const plain = (v: any): any => (v && typeof v === "object" && "value" in v && !Array.isArray(v) && Object.keys(v).length === 2 ? v.value : v);

/**
 * The alias writes an up (or destroy) must make to go from `state` to `specs`, as "Operation name".
 * `existing`: names of the aliases the endpoint holds; a resource not yet in the state that adopts one of
 * them (adoptExisting) takes it over with an Update instead of a Create.
 */
export function expectedWrites(state: StackState | undefined, specs: AliasSpec[], command: "up" | "destroy", existing: ReadonlySet<string> = new Set()): string[] {
    const resources = (state?.resources ?? []).filter((r) => r.type === TYPE && r.id);
    const nameOf = (id: string) => id.split(":").pop()!;
    const writes: string[] = [];
    for (const r of resources.filter((x) => x.delete)) writes.push(`DeleteStateMachineAlias ${nameOf(r.id!)}`);
    const live = resources.filter((x) => !x.delete);
    if (command === "destroy") return [...writes, ...live.map((r) => `DeleteStateMachineAlias ${nameOf(r.id!)}`)].sort();
    for (const spec of specs) {
        const name = spec.args.name as string;
        const old = live.find((r) => r.name === spec.resource);
        const make = spec.args.adoptExisting === true && existing.has(name) ? `UpdateStateMachineAlias ${name}` : `CreateStateMachineAlias ${name}`;
        if (!old) writes.push(make);
        else if (nameOf(old.id!) !== name) writes.push(make, `DeleteStateMachineAlias ${nameOf(old.id!)}`);
        else if (canon(plain(old.outputs.description), plain(old.outputs.routingConfiguration)) !== canon(spec.args.description, spec.args.routingConfiguration)) {
            writes.push(`UpdateStateMachineAlias ${name}`);
        }
    }
    for (const r of live) if (!specs.some((s) => s.resource === r.name)) writes.push(`DeleteStateMachineAlias ${nameOf(r.id!)}`);
    return writes.sort();
}

export interface StepOutcome { result: RunResult; context: string }

export class Lifecycle {
    constructor(readonly project: AliasProject, readonly stack: string) {}

    /** Every stack of the project: they share the endpoint, so an alias of one is no orphan of another. */
    private states(): (StackState | undefined)[] {
        return this.project.allStates();
    }

    check(context: string, settled = false): void {
        assertStateMatchesEndpoint(this.project.local, this.states(), context, settled);
    }

    /**
     * One step with whatever faults are set; the invariant holds whether it succeeded or failed. An up is the
     * update alone: the preview `pulumi up` runs first calls no AWS API (no fault reaches it), so it would add
     * a deployment's time and prove nothing here (the e2e suites run ups with their preview).
     */
    async step(command: Command, specs: AliasSpec[], context: string, env: NodeJS.ProcessEnv = {}): Promise<StepOutcome> {
        this.project.local.clearCalls();
        const result = await this.project.run(command, specs, { stack: this.stack, env, skipPreview: true });
        if (!result.ok) {
            // A failure must say what failed: the AWS error name or the engine's reason, never an empty message.
            assert.ok(result.error && /\w{4,}/.test(result.error), `${context}: failed without a clear error`);
        }
        return { result, context };
    }

    /** Names of the aliases in the endpoint that no stack's state knows (managed, or a replaced copy to delete). */
    orphans(): string[] {
        const known = new Set<string>();
        for (const s of this.states()) for (const r of s?.resources ?? []) if (r.type === TYPE && r.id) known.add(r.id);
        return Object.keys(this.project.local.snapshot().aliases ?? {}).filter((arn) => !known.has(arn)).map((arn) => arn.split(":").pop()!);
    }

    /** Faults off: the command succeeds with exactly the writes the state/program difference calls for. */
    async converge(command: "up" | "destroy", specs: AliasSpec[], context: string): Promise<RunResult> {
        this.project.local.setFaults(undefined);
        const existing = new Set(Object.keys(this.project.local.snapshot().aliases ?? {}).map((arn) => arn.split(":").pop()!));
        const expected = expectedWrites(this.project.state(this.stack), specs, command, existing);
        this.project.local.clearCalls();
        const result = await this.project.run(command, specs, { stack: this.stack, skipPreview: true });
        assert.ok(result.ok, `${context}: converging ${command} failed: ${result.error}\n${result.diagnostics.slice(-10).join("\n")}`);
        assert.deepStrictEqual(okWrites(this.project.local).sort(), expected, `${context}: converging ${command} made other writes than expected`);
        // Every call answered ok, but for a create's ownership check finding no alias (as it must).
        const failedCalls = this.project.local.calls().filter((c) => c.outcome !== "ok" && !(c.operation === "DescribeStateMachineAlias" && c.outcome === "ResourceNotFound"));
        assert.deepStrictEqual(failedCalls.map((c) => `${c.operation} ${c.outcome}`), [], `${context}: a call failed while converging`);
        this.check(`${context} (converged)`, true);
        return result;
    }

    /**
     * After a crash between AWS's answer and the state write: the next up either converges, or stops on
     * exactly the aliases the crash left unrecorded, each with the already-exists message (never taking one
     * over silently, never failing otherwise), leaving the state as the endpoint has it. Then the fix that
     * message gives, adoptExisting: true once, converges, and removing it again changes nothing. Returns
     * the names adopted.
     */
    async recover(specs: AliasSpec[], context: string): Promise<string[]> {
        this.project.local.setFaults(undefined);
        const orphans = this.orphans();
        const existing = new Set(Object.keys(this.project.local.snapshot().aliases ?? {}).map((arn) => arn.split(":").pop()!));
        const expected = expectedWrites(this.project.state(this.stack), specs, "up", existing);
        this.project.local.clearCalls();
        const first = await this.project.run("up", specs, { stack: this.stack });
        if (first.ok) {
            assert.deepStrictEqual(orphans, [], `${context}: the up took over ${orphans.join(", ")}, which it had not recorded`);
            assert.deepStrictEqual(okWrites(this.project.local).sort(), expected, `${context}: the recovering up made other writes than expected`);
            this.check(`${context} (recovered)`, true);
            return [];
        }
        const failed = first.steps.filter((s) => s.type === TYPE && s.error);
        assert.ok(failed.length > 0, `${context}: the recovering up failed, but on no alias: ${first.error}`);
        const refused: string[] = [];
        for (const s of failed) {
            const m = /The alias (\S+) already exists \(created [^)]+\) and this resource's state does not hold it, so it is not taken over/.exec(s.error ?? "");
            assert.ok(m, `${context}: ${s.name} failed, but not with the already-exists message: ${s.error}`);
            assert.match(s.error!, /set adoptExisting: true once/);
            refused.push(m[1].split(":").pop()!);
        }
        for (const name of refused) assert.ok(orphans.includes(name), `${context}: refused ${name}, which the crash did not leave unrecorded (${orphans.join(", ")})`);
        assert.ok(!okWrites(this.project.local).some((w) => refused.includes(w.split(" ")[1]) && !w.startsWith("Delete")), `${context}: a refused alias was written`);
        // What was not refused is as the state says; the refused ones are still the only unrecorded ones.
        assert.deepStrictEqual(this.orphans().sort(), [...orphans].sort(), `${context}: the stopped up changed what is unrecorded`);
        const adopting = specs.map((s) => (refused.includes(s.args.name as string) ? { ...s, args: { ...s.args, adoptExisting: true } } : s));
        await this.converge("up", adopting, `${context}: adoptExisting once`);
        await this.converge("up", specs, `${context}: adoptExisting removed`);
        return refused;
    }
}
