// One behaviour table through both glue layers: the dynamic provider (the object every dynamic
// StateMachineAlias's state references, called as @pulumi/pulumi's dynamic-provider shim calls it) and the
// provider plugin (over gRPC, as the engine calls it). Same core, so the same answers: the same check
// failures (property and words), the same diff decisions, the same AWS calls for each operation.
import * as assert from "assert";
import { stateMachineAliasProvider as dynamicProvider } from "../../provider/provider";
import { endpointAliases, ensureBuilt, makeMachine, sdkClient, SfnLocal, startSfnLocal } from "../support/world";
import { js, Plugin, provproto, requests, startEngine, startPlugin } from "./harness";

type Props = Record<string, unknown>;
interface Glue {
    name: string;
    check(olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
    diff(id: string, olds: Props, news: Props): Promise<{ changes: boolean; replaces: string[] }>;
    create(inputs: Props): Promise<{ id: string; outs: Props }>;
    read(id: string, props: Props): Promise<{ id?: string; props?: Props }>;
    update(id: string, olds: Props, news: Props): Promise<Props>;
    delete(id: string, props: Props): Promise<void>;
}

describe("one behaviour table through both glue layers: the dynamic provider and the plugin", function () {
    this.timeout(60_000);
    let local: SfnLocal;
    let v: string[];
    let other: string[];
    let machine: string;
    let engine: Awaited<ReturnType<typeof startEngine>>;
    let plugin: Plugin;
    const glues: Glue[] = [];

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: false, seed: 21 });
        const sfn = sdkClient(local);
        const m = await makeMachine(sfn, "orders", 2);
        machine = m.arn;
        v = m.versions;
        other = (await makeMachine(sfn, "billing", 1)).versions;
        const endpoints = [{ sfn: local.url, cloudwatch: local.url }];

        // The dynamic provider in this process, configured as the shim configures it (stack config `aws:*`).
        const config: Record<string, string> = { "aws:endpoints": JSON.stringify(endpoints), "aws:accessKey": "test", "aws:secretKey": "test" };
        await dynamicProvider.configure!({ config: { get: (k: string) => config[k] } } as never);
        glues.push({
            name: "dynamic provider",
            check: async (o, n) => {
                const r = await dynamicProvider.check!(o, n);
                return { inputs: r.inputs ?? {}, failures: (r.failures ?? []) as { property: string; reason: string }[] };
            },
            diff: async (id, o, n) => {
                const r = await dynamicProvider.diff!(id, o, n);
                return { changes: r.changes === true, replaces: r.replaces ?? [] };
            },
            create: (i) => dynamicProvider.create(i) as Promise<{ id: string; outs: Props }>,
            read: (id, p) => dynamicProvider.read!(id, p) as Promise<{ id?: string; props?: Props }>,
            update: async (id, o, n) => (await dynamicProvider.update!(id, o, n)).outs ?? {},
            delete: (id, p) => dynamicProvider.delete!(id, p),
        });

        engine = await startEngine();
        plugin = await startPlugin(engine.address, { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_ENDPOINT_URL: "", AWS_ENDPOINT_URL_SFN: "", AWS_PROFILE: "" });
        await plugin.call("configure", requests.configure({ endpoints, accessKey: "test", secretKey: "test" }));
        glues.push({
            name: "provider plugin",
            check: async (o, n) => {
                const r = await plugin.call("check", requests.check("live", o, n));
                return { inputs: js(r.getInputs()), failures: r.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })) };
            },
            diff: async (id, o, n) => {
                const r = await plugin.call("diff", requests.diff("live", id, o, {}, n));
                return { changes: r.getChanges() === provproto.DiffResponse.DiffChanges.DIFF_SOME, replaces: r.getReplacesList() };
            },
            create: async (i) => {
                const r = await plugin.call("create", requests.create("live", i));
                return { id: r.getId(), outs: js(r.getProperties()) };
            },
            read: async (id, p) => {
                const r = await plugin.call("read", requests.read("live", id, p));
                return { id: r.getId() || undefined, props: js(r.getProperties()) };
            },
            update: async (id, o, n) => js((await plugin.call("update", requests.update("live", id, o, {}, n))).getProperties()),
            delete: async (id, p) => {
                await plugin.call("delete", requests.delete("live", id, p));
            },
        });
    });
    after(async () => {
        await plugin?.stop();
        await engine?.stop();
        await local?.stop();
    });

    beforeEach(() => local.clearCalls());

    const route = (...pairs: [string, number][]) => pairs.map(([arn, weight]) => ({ stateMachineVersionArn: arn, weight }));

    /** Check: news -> the failing properties (and their words are compared between the glues). */
    const checks: { title: string; news: () => Props; failing: string[] }[] = [
        { title: "one version at 100%", news: () => ({ name: "live", routingConfiguration: route([v[0], 100]) }), failing: [] },
        { title: "weights not summing to 100", news: () => ({ name: "live", routingConfiguration: route([v[0], 60], [v[1], 30]) }), failing: ["routingConfiguration"] },
        { title: "versions of two state machines", news: () => ({ name: "live", routingConfiguration: route([v[0], 50], [other[0], 50]) }), failing: ["routingConfiguration[1].stateMachineVersionArn"] },
        { title: "a name AWS refuses", news: () => ({ name: "bad name!", routingConfiguration: route([v[0], 100]) }), failing: ["name"] },
        { title: "a misspelled input", news: () => ({ name: "live", routingConfig: [], routingConfiguration: route([v[0], 100]) }), failing: ["routingConfig"] },
        { title: "both routingConfiguration and deploymentPreference", news: () => ({ name: "live", routingConfiguration: route([v[0], 100]), deploymentPreference: { type: "ALL_AT_ONCE", stateMachineVersionArn: v[1] } }), failing: ["deploymentPreference"] },
        { title: "a canary without percentage", news: () => ({ name: "live", deploymentPreference: { type: "CANARY", stateMachineVersionArn: v[1], intervalSeconds: 5 } }), failing: ["deploymentPreference.percentage"] },
    ];
    for (const row of checks) {
        it(`check: ${row.title}`, async () => {
            const answers = await Promise.all(glues.map((g) => g.check({}, row.news())));
            for (const [i, a] of answers.entries()) {
                assert.deepStrictEqual(a.failures.map((f) => f.property).sort(), [...row.failing].sort(), `${glues[i].name}: ${JSON.stringify(a.failures)}`);
            }
            assert.deepStrictEqual(answers[1].failures, answers[0].failures, "the same words through both");
            assert.equal(local.calls().length, 0);
        });
    }

    /** Diff: recorded outputs and news -> change, replacement. */
    const diffs: { title: string; olds: () => Props; news: () => Props; changes: boolean; replaces: string[] }[] = [
        { title: "routing order only", olds: () => ({ name: "live", description: "", stateMachineArn: machine, routingConfiguration: route([v[0], 90], [v[1], 10]) }), news: () => ({ name: "live", routingConfiguration: route([v[1], 10], [v[0], 90]) }), changes: false, replaces: [] },
        { title: "a weight", olds: () => ({ name: "live", description: "", stateMachineArn: machine, routingConfiguration: route([v[0], 90], [v[1], 10]) }), news: () => ({ name: "live", routingConfiguration: route([v[0], 50], [v[1], 50]) }), changes: true, replaces: [] },
        { title: "the name", olds: () => ({ name: "live", description: "", stateMachineArn: machine, routingConfiguration: route([v[0], 100]) }), news: () => ({ name: "prod", routingConfiguration: route([v[0], 100]) }), changes: true, replaces: ["name"] },
        { title: "another state machine", olds: () => ({ name: "live", description: "", stateMachineArn: machine, routingConfiguration: route([v[0], 100]) }), news: () => ({ name: "live", routingConfiguration: route([other[0], 100]) }), changes: true, replaces: ["routingConfiguration"] },
        { title: "a description added", olds: () => ({ name: "live", description: "", stateMachineArn: machine, routingConfiguration: route([v[0], 100]) }), news: () => ({ name: "live", description: "ready", routingConfiguration: route([v[0], 100]) }), changes: true, replaces: [] },
        { title: "a rollout to the version already at 100%", olds: () => ({ name: "live", description: "", stateMachineArn: machine, routingConfiguration: route([v[1], 100]) }), news: () => ({ name: "live", deploymentPreference: { type: "CANARY", stateMachineVersionArn: v[1], percentage: 10, intervalSeconds: 5 } }), changes: false, replaces: [] },
    ];
    for (const row of diffs) {
        it(`diff: ${row.title}`, async () => {
            const answers = await Promise.all(glues.map((g) => g.diff(`${machine}:live`, row.olds(), row.news())));
            for (const [i, a] of answers.entries()) assert.deepStrictEqual(a, { changes: row.changes, replaces: row.replaces }, glues[i].name);
        });
    }

    it("create, read, update, delete: the same AWS calls and the same outputs through both", async () => {
        const trace: Record<string, { calls: string[]; outs: Props }[]> = {};
        for (const g of glues) {
            const steps: { calls: string[]; outs: Props }[] = [];
            const step = async (f: () => Promise<Props | void>) => {
                local.clearCalls();
                const outs = (await f()) ?? {};
                steps.push({ calls: local.calls().map((c) => c.operation), outs: { ...outs, creationDate: "-", updateDate: "-" } });
            };
            let outs: Props = {};
            await step(async () => (outs = (await g.create({ name: "both", routingConfiguration: route([v[0], 100]) })).outs));
            await step(async () => (await g.read(outs.arn as string, outs)).props ?? {});
            await step(async () => (outs = await g.update(outs.arn as string, outs, { name: "both", routingConfiguration: route([v[0], 70], [v[1], 30]) })));
            await step(async () => g.delete(outs.arn as string, outs));
            trace[g.name] = steps;
            assert.equal(endpointAliases(local)[`${machine}:both`], undefined);
        }
        const [a, b] = Object.values(trace);
        assert.deepStrictEqual(a.map((s) => s.calls), [["DescribeStateMachineAlias", "CreateStateMachineAlias"], ["DescribeStateMachineAlias"], ["UpdateStateMachineAlias"], ["DeleteStateMachineAlias"]]);
        assert.deepStrictEqual(b, a);
    });
});
