// The provider's create/update/read/delete lifecycle against the local Step Functions endpoint, over HTTP
// with the real SDK. The provider finds the endpoint the way a user's does: through AWS_ENDPOINT_URL_SFN
// and the SDK's credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY). Every scenario asserts the
// endpoint's call log exactly: the calls and parameters issue 2 promises (operation, params, outcome,
// region), and nothing else. State machines, versions and out-of-band changes are made with a separate
// SFNClient whose calls are cleared from the log before each assertion. The scenarios build on each other,
// in order.
import * as assert from "assert";
import {
    CreateStateMachineCommand, DescribeStateMachineAliasCommand, ListStateMachineAliasesCommand, SFNClient,
    UpdateStateMachineAliasCommand, UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { configureAws } from "../../provider/aws";
import { diffAlias } from "../../provider/diff";
import { stateMachineAliasProvider as provider } from "../../provider/provider";
import { CallLogEntry, SfnLocal, startSfnLocal } from "../../tools/sfn-local";
import { mulberry32 } from "../../tools/sfn-local/rng";
import { definition, rejects, ROLE } from "./helpers";

type Props = Record<string, any>;
interface Routing { stateMachineVersionArn: string; weight: number }
interface Call { operation: string; params: any; outcome: string; region?: string }

const US = "us-east-1";
const EU = "eu-west-1";
const ENV_KEYS = ["AWS_ENDPOINT_URL_SFN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"] as const;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function assertIso(value: unknown, what: string): void {
    assert.ok(typeof value === "string" && ISO.test(value) && new Date(value).toISOString() === value, `${what} is an ISO 8601 string: ${value}`);
}

function assertNoUndefined(outs: Props): void {
    for (const [k, v] of Object.entries(outs)) assert.notStrictEqual(v, undefined, `output ${k} is undefined`);
}

/** How many extra throttles `throttle=p` gives the next calls of a freshly seeded endpoint, before the first pass. */
function throttlesBeforePass(seed: number, p: number): number {
    const rand = mulberry32(seed);
    let n = 0;
    while (rand() < p) n++;
    return n;
}

describe("provider lifecycle against sfn-local (real SDK over HTTP, endpoint from AWS_ENDPOINT_URL_SFN)", function () {
    this.timeout(20_000);
    let local: SfnLocal;
    const saved: Record<string, string | undefined> = {};
    const sfn: Record<string, SFNClient> = {};
    let us: { arn: string; v1: string; v2: string; v3: string };
    let eu: { arn: string; v1: string; v2: string };

    /** The call log as the assertions compare it. */
    const log = (): Call[] =>
        local.calls().map((c: CallLogEntry) => ({ operation: c.operation, params: c.params, outcome: c.outcome, region: c.region }));
    const expectLog = (expected: Call[]) => assert.deepStrictEqual(log(), expected);

    async function makeMachine(region: string, name: string, versions: number) {
        const c = await sfn[region].send(new CreateStateMachineCommand({ name, definition: definition("1"), roleArn: ROLE, publish: true }));
        const arns = [c.stateMachineVersionArn!];
        for (let i = 2; i <= versions; i++) {
            const u = await sfn[region].send(
                new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: definition(String(i)), publish: true }),
            );
            arns.push(u.stateMachineVersionArn!);
        }
        return { arn: c.stateMachineArn!, versions: arns };
    }

    before(async () => {
        // Token buckets on (AWS's values), refilled 100x faster; no faults until the throttling scenario.
        local = await startSfnLocal({ timeScale: 100, seed: 1 });
        for (const key of ENV_KEYS) saved[key] = process.env[key];
        delete process.env.AWS_SESSION_TOKEN;
        delete process.env.AWS_PROFILE;
        process.env.AWS_ENDPOINT_URL_SFN = local.url;
        process.env.AWS_ACCESS_KEY_ID = "test";
        process.env.AWS_SECRET_ACCESS_KEY = "test";
        configureAws({}); // clients made anew, with the environment above

        for (const region of [US, EU]) {
            sfn[region] = new SFNClient({ endpoint: local.url, region, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
        }
        const a = await makeMachine(US, "orders", 3);
        us = { arn: a.arn, v1: a.versions[0], v2: a.versions[1], v3: a.versions[2] };
        const b = await makeMachine(EU, "orders-eu", 2);
        eu = { arn: b.arn, v1: b.versions[0], v2: b.versions[1] };
        assert.match(us.v1, /^arn:aws:states:us-east-1:123456789012:stateMachine:orders:1$/);
        assert.match(eu.v1, /^arn:aws:states:eu-west-1:123456789012:stateMachine:orders-eu:1$/);
    });

    after(async () => {
        for (const key of ENV_KEYS) {
            if (saved[key] === undefined) delete process.env[key];
            else process.env[key] = saved[key];
        }
        configureAws({});
        for (const c of Object.values(sfn)) c.destroy();
        await local?.stop();
    });

    beforeEach(() => local.clearCalls());

    // The us-east-1 alias the scenarios carry from one to the next.
    const name = "live";
    let inputs: Props;
    let id: string;
    let outs: Props;
    let created: Props;

    it("create: one CreateStateMachineAlias with name, routing and description; outputs from inputs and response", async () => {
        inputs = { name, description: "prod traffic", routingConfiguration: [{ stateMachineVersionArn: us.v1, weight: 90 }, { stateMachineVersionArn: us.v2, weight: 10 }] };
        const res = await provider.create(inputs);
        expectLog([
            {
                operation: "CreateStateMachineAlias",
                params: { name, description: "prod traffic", routingConfiguration: inputs.routingConfiguration },
                outcome: "ok",
                region: US,
            },
        ]);
        id = res.id;
        outs = res.outs as Props;
        created = outs;
        assert.strictEqual(id, `${us.arn}:${name}`);
        assert.strictEqual(outs.arn, id);
        assert.strictEqual(outs.stateMachineArn, us.arn);
        assertIso(outs.creationDate, "creationDate");
        assert.strictEqual(outs.updateDate, outs.creationDate);
        assert.deepStrictEqual(
            { name: outs.name, description: outs.description, routingConfiguration: outs.routingConfiguration },
            inputs,
        );
        assertNoUndefined(outs);
    });

    it("create again with identical inputs: idempotent, one call, same arn and creationDate", async () => {
        const res = await provider.create(inputs);
        expectLog([
            {
                operation: "CreateStateMachineAlias",
                params: { name, description: "prod traffic", routingConfiguration: inputs.routingConfiguration },
                outcome: "ok",
                region: US,
            },
        ]);
        assert.strictEqual(res.id, id);
        assert.strictEqual((res.outs as Props).creationDate, created.creationDate);
        assert.deepStrictEqual(res.outs, outs);
    });

    it("check and diff of the same inputs (any routing order): no change, zero calls", async () => {
        const checked = await provider.check!(outs, inputs);
        assert.strictEqual(checked.failures, undefined);
        const same = await provider.diff!(id, outs, checked.inputs);
        assert.strictEqual(same.changes, false);
        const reordered = { ...inputs, routingConfiguration: [...inputs.routingConfiguration].reverse() };
        const diff = await provider.diff!(id, outs, (await provider.check!(outs, reordered)).inputs);
        assert.strictEqual(diff.changes, false);
        expectLog([]);
    });

    it("update routing: one UpdateStateMachineAlias with only routingConfiguration", async () => {
        const news = { ...inputs, routingConfiguration: [{ stateMachineVersionArn: us.v1, weight: 50 }, { stateMachineVersionArn: us.v2, weight: 50 }] };
        const diff = await provider.diff!(id, outs, news);
        assert.deepStrictEqual({ changes: diff.changes, replaces: diff.replaces }, { changes: true, replaces: [] });
        const res = await provider.update!(id, outs, news);
        expectLog([
            {
                operation: "UpdateStateMachineAlias",
                params: { stateMachineAliasArn: id, routingConfiguration: news.routingConfiguration },
                outcome: "ok",
                region: US,
            },
        ]);
        const o = res.outs as Props;
        assert.deepStrictEqual(o.routingConfiguration, news.routingConfiguration);
        assert.strictEqual(o.description, "prod traffic");
        assert.strictEqual(o.arn, id);
        assert.strictEqual(o.creationDate, created.creationDate);
        assertIso(o.updateDate, "updateDate");
        assert.ok(o.updateDate >= o.creationDate);
        assertNoUndefined(o);
        inputs = news;
        outs = o;
    });

    it("update description only: one UpdateStateMachineAlias with only description", async () => {
        const news = { ...inputs, description: "prod traffic, 50/50" };
        const res = await provider.update!(id, outs, news);
        expectLog([
            { operation: "UpdateStateMachineAlias", params: { stateMachineAliasArn: id, description: "prod traffic, 50/50" }, outcome: "ok", region: US },
        ]);
        assert.strictEqual((res.outs as Props).description, "prod traffic, 50/50");
        inputs = news;
        outs = res.outs as Props;
    });

    it("description removed: one UpdateStateMachineAlias sending description \"\"", async () => {
        const { description: _removed, ...news } = inputs;
        const res = await provider.update!(id, outs, news);
        expectLog([{ operation: "UpdateStateMachineAlias", params: { stateMachineAliasArn: id, description: "" }, outcome: "ok", region: US }]);
        const o = res.outs as Props;
        assert.ok(!("description" in o), "no description in outputs");
        assertNoUndefined(o);
        inputs = news;
        outs = o;
    });

    it("read: one DescribeStateMachineAlias; the live values equal the outputs", async () => {
        const res = await provider.read!(id, outs);
        expectLog([{ operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ok", region: US }]);
        assert.strictEqual(res.id, id);
        assert.deepStrictEqual(res.props, outs);
        assertNoUndefined(res.props as Props);
        assert.strictEqual(diffAlias(res.props as Props, inputs).changes, false);
    });

    it("read after an out-of-band update: drift is visible and diff reports it", async () => {
        await sfn[US].send(
            new UpdateStateMachineAliasCommand({ stateMachineAliasArn: id, description: "hotfix", routingConfiguration: [{ stateMachineVersionArn: us.v3, weight: 100 }] }),
        );
        local.clearCalls();
        const res = await provider.read!(id, outs);
        expectLog([{ operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ok", region: US }]);
        const live = res.props as Props;
        assert.strictEqual(res.id, id);
        assert.strictEqual(live.description, "hotfix");
        assert.deepStrictEqual(live.routingConfiguration, [{ stateMachineVersionArn: us.v3, weight: 100 }]);
        assert.strictEqual(live.creationDate, created.creationDate);
        assert.ok(live.updateDate >= outs.updateDate, "updateDate is the out-of-band update's");
        assertNoUndefined(live);
        const drift = diffAlias(live, inputs);
        assert.strictEqual(drift.changes, true);
        assert.deepStrictEqual([...drift.diffs].sort(), ["description", "routingConfiguration"]);
        assert.deepStrictEqual(drift.replaces, []);
        assert.strictEqual((await provider.diff!(id, live, inputs)).changes, true);
        outs = live;
    });

    it("the next update after that refresh puts the alias back: one UpdateStateMachineAlias with both fields", async () => {
        const res = await provider.update!(id, outs, inputs);
        expectLog([
            {
                operation: "UpdateStateMachineAlias",
                params: { stateMachineAliasArn: id, description: "", routingConfiguration: inputs.routingConfiguration },
                outcome: "ok",
                region: US,
            },
        ]);
        outs = res.outs as Props;
    });

    it("create conflict without adoptExisting: fails naming the flag, keeps ConflictException and a request id", async () => {
        const other = { name, description: "someone else's", routingConfiguration: [{ stateMachineVersionArn: us.v3, weight: 100 }] };
        let error: any;
        await provider.create(other).then(
            () => assert.fail("expected a conflict"),
            (e) => (error = e),
        );
        const calls = local.calls();
        expectLog([
            {
                operation: "CreateStateMachineAlias",
                params: { name, description: "someone else's", routingConfiguration: other.routingConfiguration },
                outcome: "ConflictException",
                region: US,
            },
        ]);
        assert.strictEqual(error.name, "ConflictException");
        assert.match(error.message, /adoptExisting/);
        assert.ok(error.message.includes(`'${name}'`), `the message names the alias: ${error.message}`);
        assert.strictEqual(error.requestId, calls[0].requestId, "AWS's request id reaches the user");
        // Nothing changed in AWS.
        const live = await sfn[US].send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: id }));
        assert.deepStrictEqual(live.routingConfiguration, inputs.routingConfiguration);
    });

    it("create conflict with adoptExisting: Create, Describe, Update (only what differs); the alias is taken over", async () => {
        const adopted = { name, description: "adopted", routingConfiguration: [{ stateMachineVersionArn: us.v2, weight: 50 }, { stateMachineVersionArn: us.v1, weight: 50 }], adoptExisting: true };
        // Live routing is v1 50 / v2 50 (same set, other order), live description is "": only the description differs.
        const res = await provider.create(adopted);
        expectLog([
            {
                operation: "CreateStateMachineAlias",
                params: { name, description: "adopted", routingConfiguration: adopted.routingConfiguration },
                outcome: "ConflictException",
                region: US,
            },
            { operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ok", region: US },
            { operation: "UpdateStateMachineAlias", params: { stateMachineAliasArn: id, description: "adopted" }, outcome: "ok", region: US },
        ]);
        const o = res.outs as Props;
        assert.strictEqual(res.id, id);
        assert.strictEqual(o.arn, id);
        assert.strictEqual(o.stateMachineArn, us.arn);
        assert.strictEqual(o.creationDate, created.creationDate, "the adopted alias keeps its creation date");
        assertIso(o.updateDate, "updateDate");
        assert.strictEqual(o.adoptExisting, true);
        assert.strictEqual(o.description, "adopted");
        assertNoUndefined(o);
        inputs = adopted;
        outs = o;
    });

    it("delete: one DeleteStateMachineAlias; then read returns {} and the endpoint has no alias", async () => {
        await provider.delete!(id, outs);
        expectLog([{ operation: "DeleteStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ok", region: US }]);
        local.clearCalls();
        const res = await provider.read!(id, outs);
        expectLog([{ operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ResourceNotFound", region: US }]);
        assert.deepStrictEqual(res, {});
        const list = await sfn[US].send(new ListStateMachineAliasesCommand({ stateMachineArn: us.arn }));
        assert.deepStrictEqual(list.stateMachineAliases ?? [], []);
        await rejects(sfn[US].send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: id })), "ResourceNotFound");
    });

    it("delete of an already-deleted alias: one DeleteStateMachineAlias, success", async () => {
        await provider.delete!(id, outs);
        expectLog([{ operation: "DeleteStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ok", region: US }]);
    });

    it("second region: every call goes to the region of the version ARN (create, update) or alias ARN (read, delete)", async () => {
        const euInputs = { name: "live", routingConfiguration: [{ stateMachineVersionArn: eu.v1, weight: 100 }] };
        const c = await provider.create(euInputs);
        const euId = `${eu.arn}:live`;
        assert.strictEqual(c.id, euId);
        assert.strictEqual((c.outs as Props).stateMachineArn, eu.arn);
        assert.ok(!("description" in (c.outs as Props)));
        const news = { ...euInputs, routingConfiguration: [{ stateMachineVersionArn: eu.v1, weight: 80 }, { stateMachineVersionArn: eu.v2, weight: 20 }] };
        const u = await provider.update!(euId, c.outs, news);
        const r = await provider.read!(euId, u.outs);
        assert.deepStrictEqual(r.props, u.outs);
        await provider.delete!(euId, u.outs);
        expectLog([
            { operation: "CreateStateMachineAlias", params: { name: "live", routingConfiguration: euInputs.routingConfiguration }, outcome: "ok", region: EU },
            { operation: "UpdateStateMachineAlias", params: { stateMachineAliasArn: euId, routingConfiguration: news.routingConfiguration }, outcome: "ok", region: EU },
            { operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: euId }, outcome: "ok", region: EU },
            { operation: "DeleteStateMachineAlias", params: { stateMachineAliasArn: euId }, outcome: "ok", region: EU },
        ]);
        // The two regions are separate: the us-east-1 machine has no alias, the eu-west-1 one none left.
        const list = await sfn[EU].send(new ListStateMachineAliasesCommand({ stateMachineArn: eu.arn }));
        assert.deepStrictEqual(list.stateMachineAliases ?? [], []);
    });

    it("throttling ridden out: throttled CreateStateMachineAlias attempts are retried until one is ok", async () => {
        const seed = 1;
        const expectedThrottles = throttlesBeforePass(seed, 0.5);
        assert.ok(expectedThrottles >= 2 && expectedThrottles <= 3, `seed ${seed} gives ${expectedThrottles} throttles`);
        local.setFaults(`throttle=0.5,ops=CreateStateMachineAlias,seed=${seed}`);
        try {
            const canary = { name: "canary", description: "rides out throttling", routingConfiguration: [{ stateMachineVersionArn: us.v3, weight: 100 }] };
            const res = await provider.create(canary);
            assert.strictEqual(res.id, `${us.arn}:canary`);
            const attempt = { operation: "CreateStateMachineAlias", params: { name: "canary", description: "rides out throttling", routingConfiguration: canary.routingConfiguration }, region: US };
            expectLog([
                ...Array.from({ length: expectedThrottles }, () => ({ ...attempt, outcome: "fault:throttle" })),
                { ...attempt, outcome: "ok" },
            ]);
        } finally {
            local.setFaults(undefined);
        }
    });
});
