// Faults from the endpoint's seeded injection, each kind across a whole lifecycle (create, update + replace,
// refresh, destroy) through the local engine. After every step the state says exactly what the endpoint
// holds, whether the step succeeded or failed; then an up (or destroy) with faults off converges with
// exactly the expected writes. Latency goes beyond the provider's request timeout (shortened through
// PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS), so attempts time out and are retried while the endpoint still
// applies the first one: the writes are idempotent, nothing doubles.
import * as assert from "assert";
import { configureAws } from "../../provider/aws";
import { stateMachineAliasProvider as provider } from "../../provider/provider";
import { Lifecycle } from "../support/scenario";
import { AliasProject, AliasSpec, assertStateMatchesEndpoint, ensureBuilt, makeMachine, sdkClient, SfnLocal, startSfnLocal } from "../support/world";
import { counts, countFaults } from "./counts";

const TIMEOUT_MS = 300;
// Seeds are picked so that each step's first calls draw faults (the spec is set, so reseeded, per step).
const KINDS: { kind: string; spec: string; env?: NodeJS.ProcessEnv; settleMs?: number; latencyBeyond?: number; carry?: boolean }[] = [
    { kind: "throttling storm", spec: "throttle=0.5,seed=8" },
    { kind: "5xx burst", spec: "5xx=0.5,5xx-status=mixed,seed=3" },
    { kind: "dropped connections", spec: "drop=0.4,seed=6" },
    { kind: "latency beyond the SDK timeout", spec: "latency=0-700,seed=4", env: { PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) }, settleMs: 800, latencyBeyond: TIMEOUT_MS },
    // The window outlasts the whole lifecycle and is kept across steps (carry): every read, the refresh's
    // included, sees the state from before the latest write.
    { kind: "stale reads after writes", spec: "stale=600000,seed=105", carry: true },
];

export function lifecycleSpecs(v: string[], prefix: string) {
    const r = (...e: [number, number][]) => e.map(([i, w]) => ({ stateMachineVersionArn: v[i], weight: w }));
    const created: AliasSpec[] = [
        { resource: "a", args: { name: `${prefix}-a`, description: "live", routingConfiguration: r([0, 100]) } },
        { resource: "b", args: { name: `${prefix}-b0`, routingConfiguration: r([0, 100]) } },
    ];
    const changed: AliasSpec[] = [
        { resource: "a", args: { name: `${prefix}-a`, description: "canary", routingConfiguration: r([0, 90], [1, 10]) } },
        { resource: "b", args: { name: `${prefix}-b1`, routingConfiguration: r([1, 100]) } },
    ];
    return { created, changed };
}

describe("resilience: faults across the lifecycle", function () {
    this.timeout(150_000);
    let local: SfnLocal;
    let project: AliasProject;
    let versions: string[];

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: false, seed: 100 });
        versions = (await makeMachine(sdkClient(local), "orders", 2)).versions;
        project = new AliasProject(local);
    });
    after(async () => {
        project?.cleanup();
        configureAws({});
        await local?.stop();
    });

    for (const k of KINDS) {
        it(`${k.kind} (${k.spec})`, async () => {
            const stack = k.kind.split(" ")[0];
            const life = new Lifecycle(project, stack);
            const { created, changed } = lifecycleSpecs(versions, stack);
            const settle = () => new Promise((r) => setTimeout(r, k.settleMs ?? 0));
            let injected = 0;
            const faulted = async (command: "up" | "refresh" | "destroy", specs: AliasSpec[], what: string) => {
                local.setFaults(k.spec);
                const { result } = await life.step(command, specs, `${k.kind}: ${what}`, k.env);
                if (!k.carry) local.setFaults(undefined);
                await settle(); // answers still sleeping on latency land before the state is compared
                injected += countFaults(local.calls(), k.latencyBeyond);
                life.check(`${k.kind}: after ${what} (${result.ok ? "succeeded" : `failed: ${result.error}`})`);
                return result;
            };

            await faulted("up", created, "create");
            // A failed create converges within the next up: it is the same program change, redone.
            const createdOk = project.state(stack)?.resources.filter((r) => r.id).length === 2;
            if (!createdOk) await life.converge("up", created, `${k.kind}: create`);
            await faulted("up", changed, "update + replace");
            const refreshed = await faulted("refresh", changed, "refresh");
            // A refresh reports configuration drift only when there is some (here none; a retried write may
            // leave a later updateDate, which is the truth).
            const drift = refreshed.steps.flatMap((s) => (s.diffs ?? []).filter((d) => !["updateDate", "creationDate"].includes(d)));
            if (refreshed.ok) assert.deepStrictEqual(drift, [], "refresh invented drift");
            await life.converge("up", changed, `${k.kind}: update + replace, refresh`);
            await faulted("destroy", changed, "destroy");
            await life.converge("destroy", changed, `${k.kind}: destroy`);
            assert.deepStrictEqual(Object.keys(local.snapshot().aliases), [], "aliases left after destroy");
            local.setFaults(undefined);
            assert.ok(injected > 0, `no ${k.kind} fault was injected with ${k.spec}: the test proved nothing`);
            counts.convergedRuns += 2;
        });
    }

    it("the request timeout ends an attempt that gets no answer; the retry gets through", async () => {
        const saved = process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS;
        process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS = "300";
        try {
            configureAws({ endpoint: local.url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
            const created = await provider.create!({ name: "slow", routingConfiguration: [{ stateMachineVersionArn: versions[0], weight: 100 }] });
            // Every answer takes 5 s, far beyond the 300 ms timeout, until the faults are lifted.
            local.setFaults("latency=5000,ops=DescribeStateMachineAlias");
            local.clearCalls();
            const lift = setTimeout(() => local.setFaults(undefined), 1500);
            const read = await provider.read!(created.id, created.outs);
            clearTimeout(lift);
            assert.strictEqual(read.id, created.id);
            const describes = local.calls().filter((c) => c.operation === "DescribeStateMachineAlias");
            assert.ok(describes.length >= 2, `no retry after the timeout: ${JSON.stringify(describes)}`);
            assert.ok(describes[0].injected?.includes("latency:5000ms"));
            countFaults(describes, 300);
            await provider.delete!(created.id, created.outs);
        } finally {
            if (saved === undefined) delete process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS;
            else process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS = saved;
            configureAws({});
        }
    });
});

// AWS's token buckets ON (time-scaled) together with 5xx, dropped connections and latency past the request
// timeout, over a few hundred alias writes through the engine. Throttling drains the SDK's own retry quota;
// before the provider resent every retryable error itself (not throttling alone), 2% of creates answering
// 500 failed 3 of 300 steps this way. Now: no step fails.
describe("resilience: token buckets on, with 5xx, drops and latency, over a few hundred writes", function () {
    this.timeout(240_000);
    const N = Number(process.env.BULK_N ?? 200);
    const SCALE = 20;
    const BULK_TIMEOUT_MS = 1500;
    let local: SfnLocal;
    let project: AliasProject;
    let machines: string[][];

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: true, timeScale: SCALE, seed: 4242 });
        const sfn = sdkClient(local);
        machines = [];
        for (const m of ["m0", "m1", "m2"]) machines.push((await makeMachine(sfn, `bulk-${m}`, 2)).versions);
        // The provider paces at AWS's refill; the endpoint refills SCALE times faster, so the provider is told.
        // A request timeout long enough that only injected latency (not a loaded 2-core machine running
        // engine, plugin and endpoint at once) exceeds it: one attempt in six.
        project = new AliasProject(local, { PULUMI_SFN_ALIAS_REFILL_PER_SECOND: String(SCALE), PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS: String(BULK_TIMEOUT_MS) });
    });
    after(async () => {
        project?.cleanup();
        await local?.stop();
    });

    const specs = (shift: boolean): AliasSpec[] =>
        Array.from({ length: N }, (_, i) => {
            const [v1, v2] = machines[i % machines.length];
            const routing = shift ? [{ stateMachineVersionArn: v1, weight: 90 }, { stateMachineVersionArn: v2, weight: 10 }] : [{ stateMachineVersionArn: v1, weight: 100 }];
            return { resource: `r${i}`, args: { name: `bulk-${i}`, routingConfiguration: routing } };
        });

    for (const [what, shift] of [["create", false], ["shift every alias", true]] as const) {
        it(`${what}: ${N} writes, ${N - 100} of them beyond AWS's burst of 100, no failed step`, async () => {
            local.setFaults("5xx=0.02,drop=0.01,latency=0-1800,ops=CreateStateMachineAlias|UpdateStateMachineAlias,seed=77");
            local.clearCalls();
            // The update alone: its preview would Check every alias again and call no API.
            const r = await project.run("up", specs(shift), { stack: "bulk", skipPreview: true });
            local.setFaults(undefined);
            await new Promise((resolve) => setTimeout(resolve, 2000)); // answers still sleeping on latency land
            const calls = local.calls();
            const faults = countFaults(calls, BULK_TIMEOUT_MS);
            const throttled = calls.filter((c) => c.outcome === "ThrottlingException").length;
            const failed = r.steps.filter((s) => s.error);
            assert.deepStrictEqual(failed.map((s) => `${s.name}: ${s.error}`), [], `${failed.length} failed steps`);
            assert.ok(r.ok, r.error);
            assert.ok(faults > 0, "no fault was injected: the test proved nothing");
            assert.ok(calls.some((c) => c.outcome === "fault:5xx"), "no 5xx was injected");
            assertStateMatchesEndpoint(local, [project.state("bulk")], `${what} under buckets and faults`, true);
            console.log(`      ${what}: ${calls.length} calls, ${throttled} throttled, ${faults} faults injected`);
        });
    }
});
