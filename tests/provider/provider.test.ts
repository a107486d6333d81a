/**
 * The provider against aws-sdk-client-mock: exactly which calls each operation makes, with exactly which
 * parameters, and what reaches the user when AWS fails.
 */
import { strict as assert } from "assert";
import {
    ConflictException,
    CreateStateMachineAliasCommand,
    DeleteStateMachineAliasCommand,
    DescribeStateMachineAliasCommand,
    ResourceNotFound,
    SFNClient,
    SFNServiceException,
    UpdateStateMachineAliasCommand,
    ValidationException,
} from "@aws-sdk/client-sfn";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { clientFor, configureAws, CONNECTION_TIMEOUT_MS, MAX_ATTEMPTS, REQUEST_TIMEOUT_MS } from "../../provider/aws";
import { stateMachineAliasProvider as provider } from "../../provider/provider";
import { OTHER_SM, PROVIDER_TEXT, routing, SM, V1, V2, V3 } from "./fixtures";

// Created in before() and restored after(): the stub replaces send on every SFNClient in the process.
let sfn: AwsStub<any, any, any>;
const created = new Date("2026-11-01T10:00:00.000Z");
const updated = new Date("2026-11-02T11:30:00.000Z");
const ALIAS = `${SM}:live`;

/** Every call the provider sent, as [command name, input]. */
function sent(): [string, unknown][] {
    return sfn.calls().map((c) => [c.args[0].constructor.name, c.args[0].input]);
}

function meta(requestId: string) {
    return { $metadata: { httpStatusCode: 400, requestId, attempts: 1 } };
}

function hasNoUndefined(value: unknown): boolean {
    if (value === undefined) return false;
    if (Array.isArray(value)) return value.every(hasNoUndefined);
    if (typeof value === "object" && value !== null) return Object.values(value).every(hasNoUndefined);
    return true;
}

const storedOutputs = {
    name: "live",
    description: "orders release",
    routingConfiguration: routing([V1, 90], [V2, 10]),
    arn: ALIAS,
    stateMachineArn: SM,
    creationDate: created.toISOString(),
    updateDate: created.toISOString(),
    __provider: PROVIDER_TEXT,
};

describe("provider against a mocked SFN client", () => {
    before(() => {
        sfn = mockClient(SFNClient);
    });
    after(() => {
        sfn.restore();
        configureAws({});
    });
    beforeEach(() => {
        sfn.reset();
        configureAws({});
    });

    describe("create", () => {
        it("makes exactly one CreateStateMachineAlias and builds outputs from inputs and response", async () => {
            sfn.on(CreateStateMachineAliasCommand).resolves({ stateMachineAliasArn: ALIAS, creationDate: created });
            const inputs = { name: "live", description: "orders release", routingConfiguration: routing([V2, 10], [V1, 90]), __provider: PROVIDER_TEXT };
            const result = await provider.create!(inputs);
            assert.deepEqual(sent(), [
                ["CreateStateMachineAliasCommand", { name: "live", description: "orders release", routingConfiguration: routing([V2, 10], [V1, 90]) }],
            ]);
            assert.equal(result.id, ALIAS);
            assert.deepEqual(result.outs, {
                name: "live",
                description: "orders release",
                routingConfiguration: routing([V2, 10], [V1, 90]),
                arn: ALIAS,
                stateMachineArn: SM,
                creationDate: "2026-11-01T10:00:00.000Z",
                updateDate: "2026-11-01T10:00:00.000Z",
            });
        });

        it("sends no description when none is set, and leaves no undefined in outputs", async () => {
            sfn.on(CreateStateMachineAliasCommand).resolves({ stateMachineAliasArn: ALIAS, creationDate: created });
            const result = await provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
            assert.deepEqual(sent(), [["CreateStateMachineAliasCommand", { name: "live", routingConfiguration: routing([V1, 100]) }]]);
            assert.ok(hasNoUndefined(result.outs));
            assert.ok(!("description" in result.outs));
        });

        it("calls AWS in the region of the version ARN", async () => {
            const west = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders";
            sfn.on(CreateStateMachineAliasCommand).resolves({ stateMachineAliasArn: `${west}:live`, creationDate: created });
            await provider.create!({ name: "live", routingConfiguration: routing([`${west}:4`, 100]) });
            const client = sfn.call(0).thisValue as SFNClient;
            assert.equal(await client.config.region(), "eu-west-1");
        });

        it("fails on ConflictException without adoptExisting, naming the alias, the flag and AWS's request id", async () => {
            sfn.on(CreateStateMachineAliasCommand).rejects(
                new ConflictException({
                    message: "Failed to create alias because an alias with the same name and a different routing configuration already exists.",
                    ...meta("req-conflict-1"),
                }),
            );
            await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) }), (e: Error & { requestId?: string }) => {
                assert.equal(e.name, "ConflictException");
                assert.equal(e.requestId, "req-conflict-1");
                assert.match(e.message, /An alias named 'live' already exists for arn:aws:states:us-east-1:123456789012:stateMachine:orders/);
                assert.match(e.message, /Set adoptExisting: true to take it over/);
                assert.match(e.message, /ConflictException: Failed to create alias because an alias with the same name/);
                assert.match(e.message, /request id req-conflict-1/);
                return true;
            });
            assert.equal(sfn.calls().length, 1);
        });

        it("adopts on ConflictException with adoptExisting: Describe, then one Update of only what differs", async () => {
            sfn.on(CreateStateMachineAliasCommand).rejects(new ConflictException({ message: "exists", ...meta("r1") }));
            sfn.on(DescribeStateMachineAliasCommand).resolves({
                stateMachineAliasArn: ALIAS,
                name: "live",
                description: "made by hand",
                routingConfiguration: routing([V1, 100]),
                creationDate: created,
                updateDate: created,
            });
            sfn.on(UpdateStateMachineAliasCommand).resolves({ updateDate: updated });
            const result = await provider.create!({ name: "live", description: "made by hand", routingConfiguration: routing([V1, 80], [V2, 20]), adoptExisting: true });
            assert.deepEqual(sent(), [
                ["CreateStateMachineAliasCommand", { name: "live", description: "made by hand", routingConfiguration: routing([V1, 80], [V2, 20]) }],
                ["DescribeStateMachineAliasCommand", { stateMachineAliasArn: ALIAS }],
                ["UpdateStateMachineAliasCommand", { stateMachineAliasArn: ALIAS, routingConfiguration: routing([V1, 80], [V2, 20]) }],
            ]);
            assert.equal(result.id, ALIAS);
            assert.equal(result.outs.creationDate, created.toISOString());
            assert.equal(result.outs.updateDate, updated.toISOString());
            assert.equal(result.outs.adoptExisting, true);
        });

        it("adopts without an Update when the existing alias already matches", async () => {
            sfn.on(CreateStateMachineAliasCommand).rejects(new ConflictException({ message: "exists", ...meta("r1") }));
            sfn.on(DescribeStateMachineAliasCommand).resolves({
                stateMachineAliasArn: ALIAS,
                name: "live",
                routingConfiguration: routing([V2, 10], [V1, 90]),
                creationDate: created,
                updateDate: updated,
            });
            const result = await provider.create!({ name: "live", routingConfiguration: routing([V1, 90], [V2, 10]), adoptExisting: true });
            assert.deepEqual(sent().map(([name]) => name), ["CreateStateMachineAliasCommand", "DescribeStateMachineAliasCommand"]);
            assert.equal(result.outs.updateDate, updated.toISOString());
        });

        it("reports an adopted alias whose Update failed as partly created, so the engine keeps it", async () => {
            sfn.on(CreateStateMachineAliasCommand).rejects(new ConflictException({ message: "exists", ...meta("r1") }));
            sfn.on(DescribeStateMachineAliasCommand).resolves({ stateMachineAliasArn: ALIAS, name: "live", routingConfiguration: routing([V1, 100]), creationDate: created, updateDate: created });
            sfn.on(UpdateStateMachineAliasCommand).rejects(new ValidationException({ message: "Routing configuration must contain state machine version ARNs. Received: [x]", ...meta("r2") }));
            const inputs = { name: "live", description: "wanted", routingConfiguration: routing([V3, 100]), adoptExisting: true, __provider: PROVIDER_TEXT };
            await assert.rejects(provider.create!(inputs), (e: Error & { id?: string; properties?: Record<string, unknown> }) => {
                assert.equal(e.name, "ValidationException");
                assert.equal(e.id, ALIAS);
                // The alias as AWS has it (no description, old routing), so the next diff still sees both changes;
                // and __provider, which the engine needs to act on the resource later.
                assert.deepEqual(e.properties, {
                    name: "live",
                    routingConfiguration: routing([V1, 100]),
                    adoptExisting: true,
                    arn: ALIAS,
                    stateMachineArn: SM,
                    creationDate: created.toISOString(),
                    updateDate: created.toISOString(),
                    __provider: PROVIDER_TEXT,
                });
                return true;
            });
        });

        it("names the alias and its versions when a routed version does not exist", async () => {
            sfn.on(CreateStateMachineAliasCommand).rejects(new ValidationException({ message: "Routing configuration must contain state machine version ARNs. Received: [x]", ...meta("req-cv") }));
            await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V3, 100]) }), (e: Error) => {
                assert.equal(e.name, "ValidationException");
                assert.ok(e.message.includes(`The alias ${SM}:live routes to ${V3} (weight 100), but AWS has no such version`), e.message);
                assert.match(e.message, /request id req-cv/);
                return true;
            });
        });

        it("surfaces other AWS errors with AWS's name, message and request id", async () => {
            sfn.on(CreateStateMachineAliasCommand).rejects(
                new ValidationException({ message: "Routing configuration must contain distinct state machine version ARNs. Received: [a, a]", ...meta("req-val") }),
            );
            await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) }), (e: Error) => {
                assert.equal(e.name, "ValidationException");
                assert.equal(
                    e.message,
                    `CreateStateMachineAlias for ${ALIAS} failed: ValidationException: Routing configuration must contain distinct state machine version ARNs. Received: [a, a] (request id req-val)`,
                );
                return true;
            });
        });

        describe("throttling", () => {
            const throttled = (requestId: string) =>
                new SFNServiceException({
                    name: "ThrottlingException",
                    $fault: "client",
                    message: "Rate exceeded",
                    $metadata: { httpStatusCode: 400, requestId, attempts: MAX_ATTEMPTS },
                });
            let patience: string | undefined;
            beforeEach(() => (patience = process.env.PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS));
            afterEach(() => {
                if (patience === undefined) delete process.env.PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS;
                else process.env.PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS = patience;
            });

            it("sends a call again when the SDK's retries gave up on throttling, until AWS accepts it", async () => {
                sfn.on(CreateStateMachineAliasCommand)
                    .rejectsOnce(throttled("req-thr-1"))
                    .resolves({ stateMachineAliasArn: ALIAS, creationDate: created });
                const result = await provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
                assert.equal(result.id, ALIAS);
                assert.deepEqual(sent().map(([name]) => name), ["CreateStateMachineAliasCommand", "CreateStateMachineAliasCommand"]);
                assert.deepEqual(sfn.call(0).args[0].input, sfn.call(1).args[0].input);
            });

            it("surfaces throttling that outlasted its patience, with AWS's name, request id and the attempts made", async () => {
                process.env.PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS = "0";
                sfn.on(CreateStateMachineAliasCommand).rejects(throttled("req-thr"));
                await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) }), (e: Error & { requestId?: string }) => {
                    assert.equal(e.name, "ThrottlingException");
                    assert.equal(e.requestId, "req-thr");
                    assert.match(e.message, new RegExp(`Rate exceeded \\(request id req-thr, after ${MAX_ATTEMPTS} attempts\\)`));
                    return true;
                });
                assert.equal(sfn.calls().length, 1);
            });

            describe("patience measured from the last call of the operation that got through", () => {
                // Backoffs are Math.random() x (2 s, 4 s, ...): pinned to 0.2, a call throttled twice waits
                // 0.4 s + 0.8 s, longer than a patience of 1 s counted from its start.
                const random = Math.random;
                beforeEach(() => {
                    Math.random = () => 0.2;
                    process.env.PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS = "1000";
                    sfn.on(CreateStateMachineAliasCommand, { name: "live" })
                        .rejectsOnce(throttled("req-1"))
                        .rejectsOnce(throttled("req-2"))
                        .resolves({ stateMachineAliasArn: ALIAS, creationDate: created });
                    sfn.on(CreateStateMachineAliasCommand, { name: "other" }).resolves({ stateMachineAliasArn: `${SM}:other`, creationDate: created });
                    sfn.on(DescribeStateMachineAliasCommand).resolves({
                        stateMachineAliasArn: `${SM}:other`, name: "other", routingConfiguration: routing([V1, 100]), creationDate: created, updateDate: created,
                    });
                });
                afterEach(() => (Math.random = random));

                /** Calls made every 100 ms until `until` settles. */
                async function busy(call: () => Promise<unknown>, until: Promise<unknown>): Promise<void> {
                    let done = false;
                    until.finally(() => (done = true)).catch(() => undefined);
                    while (!done) {
                        await call();
                        await new Promise((resolve) => setTimeout(resolve, 100));
                    }
                }

                it("waits on while other creates in the region get through", async function () {
                    this.timeout(10000);
                    const creating = provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
                    await busy(() => provider.create!({ name: "other", routingConfiguration: routing([V1, 100]) }), creating);
                    assert.equal((await creating).id, ALIAS);
                });

                it("gives up when no create got through for that long, whatever other operations do", async function () {
                    this.timeout(10000);
                    const creating = provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
                    await busy(() => provider.read!(`${SM}:other`, {}), creating);
                    await assert.rejects(creating, new RegExp(`ThrottlingException: Rate exceeded \\(request id req-2, after ${2 * MAX_ATTEMPTS} attempts\\)`));
                });
            });

            it("does not repeat calls that failed for another reason", async () => {
                sfn.on(CreateStateMachineAliasCommand).rejects(new ValidationException({ message: "bad", ...meta("req-v") }));
                await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) }), /ValidationException: bad/);
                assert.equal(sfn.calls().length, 1);
            });
        });
    });

    describe("update", () => {
        const cases: { title: string; news: Record<string, unknown>; call: Record<string, unknown> }[] = [
            { title: "routing only", news: { name: "live", description: "orders release", routingConfiguration: routing([V1, 50], [V2, 50]) }, call: { routingConfiguration: routing([V1, 50], [V2, 50]) } },
            { title: "description only", news: { name: "live", description: "new words", routingConfiguration: routing([V2, 10], [V1, 90]) }, call: { description: "new words" } },
            { title: "description removed (sent as \"\")", news: { name: "live", routingConfiguration: routing([V1, 90], [V2, 10]) }, call: { description: "" } },
            {
                title: "both",
                news: { name: "live", description: "promote", routingConfiguration: routing([V2, 100]) },
                call: { description: "promote", routingConfiguration: routing([V2, 100]) },
            },
        ];
        for (const c of cases) {
            it(`sends one UpdateStateMachineAlias with only what changed: ${c.title}`, async () => {
                sfn.on(UpdateStateMachineAliasCommand).resolves({ updateDate: updated });
                const result = await provider.update!(ALIAS, storedOutputs, { ...c.news, __provider: PROVIDER_TEXT });
                assert.deepEqual(sent(), [["UpdateStateMachineAliasCommand", { stateMachineAliasArn: ALIAS, ...c.call }]]);
                assert.equal(result.outs.updateDate, updated.toISOString());
                assert.equal(result.outs.creationDate, created.toISOString());
                assert.equal(result.outs.arn, ALIAS);
                assert.equal(result.outs.stateMachineArn, SM);
                assert.ok(hasNoUndefined(result.outs));
            });
        }

        it("recreates an alias deleted outside Pulumi with one CreateStateMachineAlias, same id", async () => {
            sfn.on(UpdateStateMachineAliasCommand).rejects(new ResourceNotFound({ message: "Request references a resource that does not exist.", ...meta("req-nf") }));
            sfn.on(CreateStateMachineAliasCommand).resolves({ stateMachineAliasArn: ALIAS, creationDate: updated });
            const news = { name: "live", description: "orders release", routingConfiguration: routing([V1, 100]), __provider: PROVIDER_TEXT };
            const result = await provider.update!(ALIAS, storedOutputs, news);
            assert.deepEqual(sent(), [
                ["UpdateStateMachineAliasCommand", { stateMachineAliasArn: ALIAS, routingConfiguration: routing([V1, 100]) }],
                ["CreateStateMachineAliasCommand", { name: "live", description: "orders release", routingConfiguration: routing([V1, 100]) }],
            ]);
            assert.equal(result.outs.arn, ALIAS);
            assert.equal(result.outs.stateMachineArn, SM);
            assert.equal(result.outs.creationDate, updated.toISOString());
            assert.equal(result.outs.updateDate, updated.toISOString());
            assert.deepEqual(result.outs.routingConfiguration, routing([V1, 100]));
            assert.ok(hasNoUndefined(result.outs));
        });

        const missing = "Routing configuration must contain state machine version ARNs. Received: [" + V3 + "]";
        it("names the alias and the version it needs when a routed version no longer exists (update)", async () => {
            sfn.on(UpdateStateMachineAliasCommand).rejects(new ValidationException({ message: missing, ...meta("req-v") }));
            await assert.rejects(provider.update!(ALIAS, storedOutputs, { name: "live", routingConfiguration: routing([V3, 100]) }), (e: Error) => {
                assert.equal(e.name, "ValidationException");
                assert.ok(e.message.includes(`The alias ${ALIAS} routes to ${V3} (weight 100), but AWS has no such version`), e.message);
                assert.match(e.message, /Publish a version of the state machine .* and route the alias to that version's ARN/);
                assert.match(e.message, /AWS said: .*must contain state machine version ARNs.*request id req-v/);
                return true;
            });
        });

        it("explains a missing version when recreating a deleted alias (its state machine deleted)", async () => {
            sfn.on(UpdateStateMachineAliasCommand).rejects(new ResourceNotFound({ message: "Request references a resource that does not exist.", ...meta("req-nf") }));
            sfn.on(CreateStateMachineAliasCommand).rejects(new ValidationException({ message: missing, ...meta("req-c") }));
            await assert.rejects(provider.update!(ALIAS, storedOutputs, { name: "live", description: "x", routingConfiguration: routing([V1, 90], [V2, 10]) }), (e: Error) => {
                assert.equal(e.name, "ValidationException");
                assert.ok(e.message.includes(`routes to ${V1} (weight 90) and ${V2} (weight 10), but AWS has no such version`), e.message);
                assert.match(e.message, /recreate the state machine first if it is gone/);
                assert.match(e.message, /request id req-c/);
                return true;
            });
        });
    });

    describe("read", () => {
        it("makes one DescribeStateMachineAlias and returns the live values", async () => {
            sfn.on(DescribeStateMachineAliasCommand).resolves({
                stateMachineAliasArn: ALIAS,
                name: "live",
                description: "changed by hand",
                routingConfiguration: routing([V1, 70], [V2, 30]),
                creationDate: created,
                updateDate: updated,
            });
            const result = await provider.read!(ALIAS, { ...storedOutputs, adoptExisting: true });
            assert.deepEqual(sent(), [["DescribeStateMachineAliasCommand", { stateMachineAliasArn: ALIAS }]]);
            assert.deepEqual(result, {
                id: ALIAS,
                props: {
                    name: "live",
                    description: "changed by hand",
                    routingConfiguration: routing([V1, 70], [V2, 30]),
                    adoptExisting: true,
                    arn: ALIAS,
                    stateMachineArn: SM,
                    creationDate: created.toISOString(),
                    updateDate: updated.toISOString(),
                },
            });
        });

        it("reads again when AWS answers from before the provider's own last write, and shows a change once AWS caught up", async () => {
            const later = new Date("2026-11-03T00:00:00.000Z");
            const alias = { stateMachineAliasArn: ALIAS, name: "live", routingConfiguration: routing([V1, 100]), creationDate: created };
            sfn.on(DescribeStateMachineAliasCommand).resolvesOnce({ ...alias, updateDate: created }).resolves({ ...alias, updateDate: later });
            const result = await provider.read!(ALIAS, { ...storedOutputs, updateDate: updated.toISOString() });
            assert.equal(sfn.calls().length, 2);
            assert.equal(result.props?.updateDate, later.toISOString());
            assert.deepEqual(result.props?.routingConfiguration, routing([V1, 100]));
        });

        it("keeps what was recorded when AWS still answers from before the provider's own last write (stale read)", async function () {
            this.timeout(10000);
            const warn = console.warn;
            console.warn = () => undefined;
            sfn.on(DescribeStateMachineAliasCommand).resolves({
                stateMachineAliasArn: ALIAS,
                name: "live",
                description: "orders release",
                routingConfiguration: routing([V1, 100]),
                creationDate: created,
                updateDate: created,
            });
            const recorded = { ...storedOutputs, updateDate: updated.toISOString() };
            const { __provider: _, ...expected } = recorded;
            try {
                assert.deepEqual(await provider.read!(ALIAS, recorded), { id: ALIAS, props: expected });
            } finally {
                console.warn = warn;
            }
            assert.equal(sfn.calls().length, 3, "one read and two more after waiting");
        });

        it("reports a later change made by someone else as drift", async () => {
            const later = new Date("2026-11-03T00:00:00.000Z");
            sfn.on(DescribeStateMachineAliasCommand).resolves({
                stateMachineAliasArn: ALIAS, name: "live", routingConfiguration: routing([V1, 100]), creationDate: created, updateDate: later,
            });
            const result = await provider.read!(ALIAS, { ...storedOutputs, updateDate: updated.toISOString() });
            assert.deepEqual(result.props?.routingConfiguration, routing([V1, 100]));
            assert.equal(result.props?.updateDate, later.toISOString());
        });

        it("returns no id for an alias that is gone, so the engine drops it", async () => {
            sfn.on(DescribeStateMachineAliasCommand).rejects(new ResourceNotFound({ message: "Request references a resource that does not exist.", ...meta("r") }));
            assert.deepEqual(await provider.read!(ALIAS, storedOutputs), {});
        });

        it("calls AWS in the region of the alias ARN", async () => {
            const tokyo = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:orders:live";
            sfn.on(DescribeStateMachineAliasCommand).rejects(new ResourceNotFound({ message: "gone", ...meta("r") }));
            await provider.read!(tokyo, {});
            assert.equal(await (sfn.call(0).thisValue as SFNClient).config.region(), "ap-northeast-1");
        });
    });

    describe("delete", () => {
        it("makes one DeleteStateMachineAlias", async () => {
            sfn.on(DeleteStateMachineAliasCommand).resolves({});
            await provider.delete!(ALIAS, storedOutputs);
            assert.deepEqual(sent(), [["DeleteStateMachineAliasCommand", { stateMachineAliasArn: ALIAS }]]);
        });

        it("treats an alias that is already gone as deleted", async () => {
            sfn.on(DeleteStateMachineAliasCommand).rejects(new ResourceNotFound({ message: "gone", ...meta("r") }));
            await provider.delete!(ALIAS, storedOutputs);
            assert.equal(sfn.calls().length, 1);
        });

        it("surfaces other delete failures with AWS's name", async () => {
            sfn.on(DeleteStateMachineAliasCommand).rejects(new ValidationException({ message: "bad", ...meta("req-d") }));
            await assert.rejects(provider.delete!(ALIAS, storedOutputs), /DeleteStateMachineAlias for .*:live failed: ValidationException: bad \(request id req-d\)/);
        });
    });

    describe("clients and configuration", () => {
        it("uses one client per region and endpoint, with adaptive retries", async () => {
            sfn.on(DescribeStateMachineAliasCommand).rejects(new ResourceNotFound({ message: "gone", ...meta("r") }));
            await provider.read!(ALIAS, {});
            await provider.read!(`${OTHER_SM}:x`, {});
            await provider.read!("arn:aws:states:eu-west-1:123456789012:stateMachine:orders:x", {});
            const [a, b, c] = sfn.calls().map((call) => call.thisValue as SFNClient);
            assert.equal(a, b);
            assert.notEqual(a, c);
            assert.equal(((await a.config.retryStrategy()) as { mode?: string }).mode, "adaptive");
            assert.equal(await a.config.maxAttempts(), MAX_ATTEMPTS);
        });

        it("gives every attempt a connection and a request timeout (which fail the attempt, not warn)", async () => {
            const saved = process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS;
            try {
                for (const [env, expected] of [[undefined, REQUEST_TIMEOUT_MS], ["1234", 1234]] as const) {
                    if (env === undefined) delete process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS;
                    else process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS = env;
                    configureAws({});
                    const handler = clientFor("us-east-1").config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
                    const config = await handler.configProvider;
                    assert.equal(config.requestTimeout, expected);
                    assert.equal(config.connectionTimeout, Math.min(CONNECTION_TIMEOUT_MS, expected));
                    assert.equal(config.throwOnRequestTimeout, true);
                }
            } finally {
                if (saved === undefined) delete process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS;
                else process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS = saved;
            }
        });

        it("takes the endpoint and credentials from stack config in configure", async () => {
            const config: Record<string, string> = {
                "aws:endpoints": JSON.stringify([{ sfn: "http://127.0.0.1:4566" }]),
                "aws:accessKey": "AKIAEXAMPLEKEY",
                "aws:secretKey": "example-secret",
                "aws:token": "example-token",
            };
            await provider.configure!({ config: { get: (k: string) => config[k], require: (k: string) => config[k] } });
            sfn.on(DescribeStateMachineAliasCommand).rejects(new ResourceNotFound({ message: "gone", ...meta("r") }));
            await provider.read!(ALIAS, {});
            const client = sfn.call(0).thisValue as SFNClient;
            const endpoint = await client.config.endpoint!();
            assert.equal(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`, "http://127.0.0.1:4566");
            const credentials = await client.config.credentials();
            assert.equal(credentials.accessKeyId, "AKIAEXAMPLEKEY");
            assert.equal(credentials.secretAccessKey, "example-secret");
            assert.equal(credentials.sessionToken, "example-token");
        });
    });
});
