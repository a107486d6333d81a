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

/** The alias writes an up (or destroy) must make to go from `state` to `specs`, as "Operation name". */
export function expectedWrites(state: StackState | undefined, specs: AliasSpec[], command: "up" | "destroy"): string[] {
    const resources = (state?.resources ?? []).filter((r) => r.type === TYPE && r.id);
    const nameOf = (id: string) => id.split(":").pop()!;
    const writes: string[] = [];
    for (const r of resources.filter((x) => x.delete)) writes.push(`DeleteStateMachineAlias ${nameOf(r.id!)}`);
    const live = resources.filter((x) => !x.delete);
    if (command === "destroy") return [...writes, ...live.map((r) => `DeleteStateMachineAlias ${nameOf(r.id!)}`)].sort();
    for (const spec of specs) {
        const name = spec.args.name as string;
        const old = live.find((r) => r.name === spec.resource);
        if (!old) writes.push(`CreateStateMachineAlias ${name}`);
        else if (nameOf(old.id!) !== name) writes.push(`CreateStateMachineAlias ${name}`, `DeleteStateMachineAlias ${nameOf(old.id!)}`);
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

    /** One step with whatever faults are set; the invariant holds whether it succeeded or failed. */
    async step(command: Command, specs: AliasSpec[], context: string, env: NodeJS.ProcessEnv = {}): Promise<StepOutcome> {
        this.project.local.clearCalls();
        const result = await this.project.run(command, specs, { stack: this.stack, env });
        if (!result.ok) {
            // A failure must say what failed: the AWS error name or the engine's reason, never an empty message.
            assert.ok(result.error && /\w{4,}/.test(result.error), `${context}: failed without a clear error`);
        }
        return { result, context };
    }

    /** Faults off: the command succeeds with exactly the writes the state/program difference calls for. */
    async converge(command: "up" | "destroy", specs: AliasSpec[], context: string): Promise<RunResult> {
        this.project.local.setFaults(undefined);
        const expected = expectedWrites(this.project.state(this.stack), specs, command);
        this.project.local.clearCalls();
        const result = await this.project.run(command, specs, { stack: this.stack });
        assert.ok(result.ok, `${context}: converging ${command} failed: ${result.error}\n${result.diagnostics.slice(-10).join("\n")}`);
        assert.deepStrictEqual(okWrites(this.project.local).sort(), expected, `${context}: converging ${command} made other writes than expected`);
        assert.ok(this.project.local.calls().every((c) => c.outcome === "ok"), `${context}: a call failed while converging`);
        this.check(`${context} (converged)`, true);
        return result;
    }
}
