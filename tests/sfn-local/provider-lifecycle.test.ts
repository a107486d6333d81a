// The provider's create/update/read/delete lifecycle against the local Step Functions endpoint, over HTTP
// with the real SDK. The provider finds the endpoint the way a user's does: through AWS_ENDPOINT_URL_SFN
// and the SDK's credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY). Every scenario asserts the
// endpoint's call log exactly: the calls and parameters issue 2 promises (operation, params, outcome,
// region), and nothing else. State machines, versions and out-of-band changes are made with a separate
// SFNClient whose calls are cleared from the log before each assertion (or made after it). The scenarios
// build on each other, in order.
//
// What the provider promises, and each scenario pins:
// - a create reads first (DescribeStateMachineAlias, ResourceNotFound expected) and never takes over an
//   alias that exists, identical or not, unless adoptExisting says so;
// - every write sends routing in canonical order (sorted by version ARN); a create sends the description
//   only when non-empty, an update always sends the whole desired configuration (description "" when none);
// - outputs always carry every key, in canonical form.
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
const REFILL_ENV = "PULUMI_SFN_ALIAS_REFILL_PER_SECOND";
const ENV_KEYS = ["AWS_ENDPOINT_URL_SFN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", REFILL_ENV] as const;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Every output key the provider promises, whatever the inputs. */
const OUTPUT_KEYS = ["adoptExisting", "arn", "creationDate", "description", "name", "routingConfiguration", "stateMachineArn", "updateDate"];

function assertIso(value: unknown, what: string): void {
    assert.ok(typeof value === "string" && ISO.test(value) && new Date(value).toISOString() === value, `${what} is an ISO 8601 string: ${value}`);
}

/** The outputs are exactly `expected`: every key present (none undefined, none extra), dates ISO 8601. */
function assertOutputs(outs: Props, expected: Props): void {
    assert.deepStrictEqual(Object.keys(outs).sort(), OUTPUT_KEYS, "every output key, and no other");
    for (const [k, v] of Object.entries(outs)) assert.notStrictEqual(v, undefined, `output ${k} is undefined`);
    assertIso(outs.creationDate, "creationDate");
    assertIso(outs.updateDate, "updateDate");
    assert.deepStrictEqual(outs, expected);
}

/** A create of an alias that exists, refused by the provider itself (no AWS error behind it). */
function assertAlreadyExists(error: any, arn: string, creationDate: string): void {
    assert.ok(error instanceof Error, `an Error: ${error}`);
    assert.strictEqual(error.name, "AliasAlreadyExists", `error name; message was: ${error.message}`);
    const start = `The alias ${arn} already exists (created ${creationDate}, as AWS reports it)`;
    assert.ok(error.message.startsWith(start), `the message starts with "${start}": ${error.message}`);
    for (const fix of ["aliases resource option", "choose another name", "adoptExisting: true once", "deleteBeforeReplace"]) {
        assert.ok(error.message.includes(fix), `the message names "${fix}": ${error.message}`);
    }
    assert.ok(!error.message.includes("AWS said"), `no AWS error behind it: ${error.message}`);
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

    /** The alias as the endpoint holds it, read with the separate client (call it after expectLog). */
    async function endpointAlias(arn: string, region = US): Promise<Props> {
        const a = await sfn[region].send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: arn }));
        return {
            description: a.description ?? "",
            routingConfiguration: a.routingConfiguration,
            creationDate: a.creationDate?.toISOString(),
            updateDate: a.updateDate?.toISOString(),
        };
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
        // The provider's mirrored buckets refill as the endpoint's do: AWS's 1/s, time-scaled 100x.
        process.env[REFILL_ENV] = "100";
        configureAws({}); // clients and mirrored buckets made anew, with the environment above

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

    it("create: Describe (ResourceNotFound), then one CreateStateMachineAlias with routing in canonical order; every output key", async () => {
        // Written out of canonical order: what is sent and recorded is sorted by version ARN.
        inputs = { name, description: "prod traffic", routingConfiguration: [{ stateMachineVersionArn: us.v2, weight: 10 }, { stateMachineVersionArn: us.v1, weight: 90 }] };
        const canonical = [{ stateMachineVersionArn: us.v1, weight: 90 }, { stateMachineVersionArn: us.v2, weight: 10 }];
        const res = await provider.create(inputs);
        id = `${us.arn}:${name}`;
        expectLog([
            { operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ResourceNotFound", region: US },
            {
                operation: "CreateStateMachineAlias",
                params: { name, description: "prod traffic", routingConfiguration: canonical },
                outcome: "ok",
                region: US,
            },
        ]);
        assert.strictEqual(res.id, id);
        outs = res.outs as Props;
        created = outs;
        const live = await endpointAlias(id);
        assertOutputs(outs, {
            name, description: "prod traffic", routingConfiguration: canonical, adoptExisting: false,
            arn: id, stateMachineArn: us.arn, creationDate: live.creationDate, updateDate: live.creationDate,
        });
        assert.deepStrictEqual(live.routingConfiguration, canonical);
    });

    it("create again with identical inputs: the alias exists, so it fails after one Describe, with no write (no second owner)", async () => {
        const error = await provider.create(inputs).then(
            () => assert.fail("a create of an alias that exists must fail"),
            (e) => e,
        );
        expectLog([{ operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ok", region: US }]);
        assertAlreadyExists(error, id, created.creationDate);
        // Nothing changed in the endpoint.
        assert.deepStrictEqual(await endpointAlias(id), {
            description: "prod traffic", routingConfiguration: outs.routingConfiguration, creationDate: created.creationDate, updateDate: created.updateDate,
        });
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

    it("update routing: one UpdateStateMachineAlias with the whole desired configuration (description too), routing canonical", async () => {
        const news = { ...inputs, routingConfiguration: [{ stateMachineVersionArn: us.v2, weight: 70 }, { stateMachineVersionArn: us.v1, weight: 30 }] };
        const canonical = [{ stateMachineVersionArn: us.v1, weight: 30 }, { stateMachineVersionArn: us.v2, weight: 70 }];
        const diff = await provider.diff!(id, outs, news);
        assert.deepStrictEqual({ changes: diff.changes, replaces: diff.replaces }, { changes: true, replaces: [] });
        const res = await provider.update!(id, outs, news);
        expectLog([
            {
                operation: "UpdateStateMachineAlias",
                params: { stateMachineAliasArn: id, description: "prod traffic", routingConfiguration: canonical },
                outcome: "ok",
                region: US,
            },
        ]);
        const o = res.outs as Props;
        const live = await endpointAlias(id);
        assertOutputs(o, {
            name, description: "prod traffic", routingConfiguration: canonical, adoptExisting: false,
            arn: id, stateMachineArn: us.arn, creationDate: created.creationDate, updateDate: live.updateDate,
        });
        assert.ok(o.updateDate >= o.creationDate);
        assert.deepStrictEqual(live.routingConfiguration, canonical);
        inputs = news;
        outs = o;
    });

    it("update description only: one UpdateStateMachineAlias with the whole desired configuration (routing too)", async () => {
        const news = { ...inputs, description: "prod traffic, 30/70" };
        const res = await provider.update!(id, outs, news);
        expectLog([
            {
                operation: "UpdateStateMachineAlias",
                params: { stateMachineAliasArn: id, description: "prod traffic, 30/70", routingConfiguration: outs.routingConfiguration },
                outcome: "ok",
                region: US,
            },
        ]);
        const o = res.outs as Props;
        assertOutputs(o, { ...outs, description: "prod traffic, 30/70", updateDate: (await endpointAlias(id)).updateDate });
        inputs = news;
        outs = o;
    });

    it("description removed: one UpdateStateMachineAlias sending description \"\" with the routing; outputs' description \"\"", async () => {
        const { description: _removed, ...news } = inputs;
        const res = await provider.update!(id, outs, news);
        expectLog([
            {
                operation: "UpdateStateMachineAlias",
                params: { stateMachineAliasArn: id, description: "", routingConfiguration: outs.routingConfiguration },
                outcome: "ok",
                region: US,
            },
        ]);
        const o = res.outs as Props;
        const live = await endpointAlias(id);
        assert.strictEqual(live.description, "");
        assertOutputs(o, { ...outs, description: "", updateDate: live.updateDate });
        inputs = news;
        outs = o;
    });

    it("read: one DescribeStateMachineAlias; the live values equal the outputs", async () => {
        const res = await provider.read!(id, outs);
        expectLog([{ operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ok", region: US }]);
        assert.strictEqual(res.id, id);
        assertOutputs(res.props as Props, outs);
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
        assert.ok(live.updateDate >= outs.updateDate, "updateDate is the out-of-band update's");
        assertOutputs(live, {
            ...outs, description: "hotfix", routingConfiguration: [{ stateMachineVersionArn: us.v3, weight: 100 }],
            creationDate: created.creationDate, updateDate: (await endpointAlias(id)).updateDate,
        });
        const drift = diffAlias(live, inputs);
        assert.strictEqual(drift.changes, true);
        assert.deepStrictEqual([...drift.diffs].sort(), ["description", "routingConfiguration"]);
        assert.deepStrictEqual(drift.replaces, []);
        assert.strictEqual((await provider.diff!(id, live, inputs)).changes, true);
        outs = live;
    });

    it("the next update after that refresh puts the alias back: one UpdateStateMachineAlias with the whole configuration", async () => {
        const res = await provider.update!(id, outs, inputs);
        const canonical = [{ stateMachineVersionArn: us.v1, weight: 30 }, { stateMachineVersionArn: us.v2, weight: 70 }];
        expectLog([
            {
                operation: "UpdateStateMachineAlias",
                params: { stateMachineAliasArn: id, description: "", routingConfiguration: canonical },
                outcome: "ok",
                region: US,
            },
        ]);
        const live = await endpointAlias(id);
        assert.deepStrictEqual({ description: live.description, routingConfiguration: live.routingConfiguration }, { description: "", routingConfiguration: canonical });
        assertOutputs(res.outs as Props, {
            name, description: "", routingConfiguration: canonical, adoptExisting: false,
            arn: id, stateMachineArn: us.arn, creationDate: created.creationDate, updateDate: live.updateDate,
        });
        outs = res.outs as Props;
    });

    it("drift NOT refreshed: an update from stale outputs that changes only the description still sends (and restores) the program's routing", async () => {
        // Someone changes the alias; nobody refreshes, so what was recorded still says v1 30 / v2 70, "".
        await sfn[US].send(
            new UpdateStateMachineAliasCommand({ stateMachineAliasArn: id, description: "hotfix 2", routingConfiguration: [{ stateMachineVersionArn: us.v3, weight: 100 }] }),
        );
        local.clearCalls();
        const stale = outs;
        const news = { ...inputs, description: "after hotfix" };
        // From the stale record only the description looks changed.
        assert.deepStrictEqual(diffAlias(stale, news).diffs, ["description"]);
        const res = await provider.update!(id, stale, news);
        const canonical = [{ stateMachineVersionArn: us.v1, weight: 30 }, { stateMachineVersionArn: us.v2, weight: 70 }];
        expectLog([
            {
                operation: "UpdateStateMachineAlias",
                params: { stateMachineAliasArn: id, description: "after hotfix", routingConfiguration: canonical },
                outcome: "ok",
                region: US,
            },
        ]);
        // The endpoint holds exactly the program's configuration, not the out-of-band routing.
        const live = await endpointAlias(id);
        assert.deepStrictEqual(live, { description: "after hotfix", routingConfiguration: canonical, creationDate: created.creationDate, updateDate: live.updateDate });
        assert.ok(live.updateDate >= stale.updateDate);
        assertOutputs(res.outs as Props, { ...stale, description: "after hotfix", updateDate: live.updateDate });
        inputs = news;
        outs = res.outs as Props;
    });

    it("create conflict without adoptExisting: fails after one Describe (no Create), AliasAlreadyExists; the alias is unchanged", async () => {
        const before = await endpointAlias(id);
        local.clearCalls();
        const other = { name, description: "someone else's", routingConfiguration: [{ stateMachineVersionArn: us.v3, weight: 100 }] };
        const error = await provider.create(other).then(
            () => assert.fail("expected the create to be refused"),
            (e) => e,
        );
        expectLog([{ operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ok", region: US }]);
        assertAlreadyExists(error, id, created.creationDate);
        // Nothing changed in AWS.
        assert.deepStrictEqual(await endpointAlias(id), before);
        assert.deepStrictEqual(before.routingConfiguration, outs.routingConfiguration);
        assert.strictEqual(before.description, "after hotfix");
    });

    it("create conflict with adoptExisting: Describe, then one Update with the whole desired configuration; the alias is taken over", async () => {
        const adopted = { name, description: "adopted", routingConfiguration: [{ stateMachineVersionArn: us.v2, weight: 50 }, { stateMachineVersionArn: us.v1, weight: 50 }], adoptExisting: true };
        const canonical = [{ stateMachineVersionArn: us.v1, weight: 50 }, { stateMachineVersionArn: us.v2, weight: 50 }];
        const res = await provider.create(adopted);
        expectLog([
            { operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: id }, outcome: "ok", region: US },
            { operation: "UpdateStateMachineAlias", params: { stateMachineAliasArn: id, description: "adopted", routingConfiguration: canonical }, outcome: "ok", region: US },
        ]);
        assert.strictEqual(res.id, id);
        const live = await endpointAlias(id);
        assert.deepStrictEqual({ description: live.description, routingConfiguration: live.routingConfiguration }, { description: "adopted", routingConfiguration: canonical });
        assertOutputs(res.outs as Props, {
            name, description: "adopted", routingConfiguration: canonical, adoptExisting: true,
            // The adopted alias keeps its creation date.
            arn: id, stateMachineArn: us.arn, creationDate: created.creationDate, updateDate: live.updateDate,
        });
        inputs = adopted;
        outs = res.outs as Props;
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
        const euId = `${eu.arn}:live`;
        const c = await provider.create(euInputs);
        assert.strictEqual(c.id, euId);
        assert.strictEqual((c.outs as Props).stateMachineArn, eu.arn);
        assert.strictEqual((c.outs as Props).description, "");
        assert.strictEqual((c.outs as Props).adoptExisting, false);
        const news = { ...euInputs, routingConfiguration: [{ stateMachineVersionArn: eu.v2, weight: 20 }, { stateMachineVersionArn: eu.v1, weight: 80 }] };
        const canonical = [{ stateMachineVersionArn: eu.v1, weight: 80 }, { stateMachineVersionArn: eu.v2, weight: 20 }];
        const u = await provider.update!(euId, c.outs, news);
        const r = await provider.read!(euId, u.outs);
        assertOutputs(r.props as Props, u.outs as Props);
        assert.deepStrictEqual((u.outs as Props).routingConfiguration, canonical);
        await provider.delete!(euId, u.outs);
        expectLog([
            { operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: euId }, outcome: "ResourceNotFound", region: EU },
            // No description: a create sends none.
            { operation: "CreateStateMachineAlias", params: { name: "live", routingConfiguration: euInputs.routingConfiguration }, outcome: "ok", region: EU },
            { operation: "UpdateStateMachineAlias", params: { stateMachineAliasArn: euId, description: "", routingConfiguration: canonical }, outcome: "ok", region: EU },
            { operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: euId }, outcome: "ok", region: EU },
            { operation: "DeleteStateMachineAlias", params: { stateMachineAliasArn: euId }, outcome: "ok", region: EU },
        ]);
        // The two regions are separate: the us-east-1 machine has no alias, the eu-west-1 one none left.
        const list = await sfn[EU].send(new ListStateMachineAliasesCommand({ stateMachineArn: eu.arn }));
        assert.deepStrictEqual(list.stateMachineAliases ?? [], []);
    });

    it("throttling ridden out: throttled CreateStateMachineAlias attempts are resent by the provider, paced, until one is ok", async () => {
        // `throttle=p` draws one number per matching call (ops=CreateStateMachineAlias only: the Describe
        // draws none) from the PRNG reseeded by `seed`, so the first attempts throttled are those draws below p.
        const seed = 1;
        const expectedThrottles = throttlesBeforePass(seed, 0.5);
        assert.strictEqual(expectedThrottles, 3, `seed ${seed} gives ${expectedThrottles} throttles`);
        local.setFaults(`throttle=0.5,ops=CreateStateMachineAlias,seed=${seed}`);
        try {
            const canary = { name: "canary", description: "rides out throttling", routingConfiguration: [{ stateMachineVersionArn: us.v3, weight: 100 }] };
            const canaryId = `${us.arn}:canary`;
            const started = Date.now();
            const res = await provider.create(canary);
            const elapsed = Date.now() - started;
            assert.strictEqual(res.id, canaryId);
            const attempt = { operation: "CreateStateMachineAlias", params: { name: "canary", description: "rides out throttling", routingConfiguration: canary.routingConfiguration }, region: US };
            expectLog([
                { operation: "DescribeStateMachineAlias", params: { stateMachineAliasArn: canaryId }, outcome: "ResourceNotFound", region: US },
                ...Array.from({ length: expectedThrottles }, () => ({ ...attempt, outcome: "fault:throttle" })),
                { ...attempt, outcome: "ok" },
            ]);
            // After each throttle the mirrored bucket waits one refill (10 ms at 100/s; 1 s each at AWS's unscaled 1/s).
            assert.ok(elapsed < 2_000, `paced at ${REFILL_ENV}=100, not AWS's 1/s: ${elapsed} ms`);
            assert.strictEqual((res.outs as Props).description, "rides out throttling");
        } finally {
            local.setFaults(undefined);
        }
    });
});
