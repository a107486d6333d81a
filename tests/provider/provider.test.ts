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
    ListStateMachineVersionsCommand,
    ResourceNotFound,
    SFNClient,
    SFNServiceException,
    StateMachineDoesNotExist,
    UpdateStateMachineAliasCommand,
    ValidationException,
} from "@aws-sdk/client-sfn";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { clientFor, configureAws, CONNECTION_TIMEOUT_MS, MAX_TRANSIENT_FAILURES, REQUEST_TIMEOUT_MS, SDK_MAX_ATTEMPTS } from "../../provider/aws";
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

    /** No alias of that ARN yet: what the ownership check before a create expects to hear. */
    const absent = () => new ResourceNotFound({ message: "Request references a resource that does not exist.", ...meta("req-absent") });
    const liveAlias = (over: Record<string, unknown> = {}) => ({
        stateMachineAliasArn: ALIAS, name: "live", description: "made by hand", routingConfiguration: routing([V1, 100]), creationDate: created, updateDate: created, ...over,
    });

    describe("create", () => {
        it("reads first, then makes one CreateStateMachineAlias (routing in canonical order) and builds outputs from inputs and response", async () => {
            sfn.on(DescribeStateMachineAliasCommand).rejects(absent());
            sfn.on(CreateStateMachineAliasCommand).resolves({ stateMachineAliasArn: ALIAS, creationDate: created });
            const inputs = { name: "live", description: "orders release", routingConfiguration: routing([V2, 10], [V1, 90]), __provider: PROVIDER_TEXT };
            const result = await provider.create!(inputs);
            assert.deepEqual(sent(), [
                ["DescribeStateMachineAliasCommand", { stateMachineAliasArn: ALIAS }],
                ["CreateStateMachineAliasCommand", { name: "live", description: "orders release", routingConfiguration: routing([V1, 90], [V2, 10]) }],
            ]);
            assert.equal(result.id, ALIAS);
            assert.deepEqual(result.outs, {
                name: "live",
                description: "orders release",
                routingConfiguration: routing([V1, 90], [V2, 10]),
                adoptExisting: false,
                arn: ALIAS,
                stateMachineArn: SM,
                creationDate: "2026-11-01T10:00:00.000Z",
                updateDate: "2026-11-01T10:00:00.000Z",
            });
        });

        it("sends no description when none is set; outputs carry description \"\" and no undefined", async () => {
            sfn.on(DescribeStateMachineAliasCommand).rejects(absent());
            sfn.on(CreateStateMachineAliasCommand).resolves({ stateMachineAliasArn: ALIAS, creationDate: created });
            const result = await provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
            assert.deepEqual(sent()[1], ["CreateStateMachineAliasCommand", { name: "live", routingConfiguration: routing([V1, 100]) }]);
            assert.ok(hasNoUndefined(result.outs));
            assert.equal(result.outs.description, "");
        });

        it("calls AWS in the region of the version ARN", async () => {
            const west = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders";
            sfn.on(DescribeStateMachineAliasCommand).rejects(absent());
            sfn.on(CreateStateMachineAliasCommand).resolves({ stateMachineAliasArn: `${west}:live`, creationDate: created });
            await provider.create!({ name: "live", routingConfiguration: routing([`${west}:4`, 100]) });
            for (const call of sfn.calls()) assert.equal(await (call.thisValue as SFNClient).config.region(), "eu-west-1");
        });

        describe("an alias that exists already is never taken over without adoptExisting", () => {
            for (const [title, existing] of [
                ["identical to the inputs (CreateStateMachineAlias would answer 200)", liveAlias({ description: "", routingConfiguration: routing([V1, 100]) })],
                ["with another configuration", liveAlias({ routingConfiguration: routing([V1, 50], [V2, 50]) })],
            ] as const) {
                it(`fails without writing, naming the alias, when AWS created it and every likely cause with its fix: ${title}`, async () => {
                    sfn.on(DescribeStateMachineAliasCommand).resolves(existing);
                    sfn.on(CreateStateMachineAliasCommand).resolves({ stateMachineAliasArn: ALIAS, creationDate: created });
                    await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) }), (e: Error) => {
                        assert.equal(e.name, "AliasAlreadyExists");
                        assert.ok(e.message.startsWith(`The alias ${ALIAS} already exists (created ${created.toISOString()}, as AWS reports it)`), e.message);
                        assert.match(e.message, /renamed .* add the old name or parent to its aliases resource option/);
                        assert.match(e.message, /another stack or resource manages this alias: choose another name/);
                        assert.match(e.message, /interrupted after AWS created the alias \(Pulumi then warns of a pending operation on this resource, "interrupted while creating"\): set adoptExisting: true once and run up, then clear the pending create with pulumi refresh --clear-pending-creates/);
                        assert.match(e.message, /deleteBeforeReplace: true/);
                        return true;
                    });
                    assert.deepEqual(sent().map(([name]) => name), ["DescribeStateMachineAliasCommand"]);
                });
            }

            it("fails on a ConflictException (made by someone else after the read), keeping AWS's name and request id", async () => {
                sfn.on(DescribeStateMachineAliasCommand).rejects(absent());
                sfn.on(CreateStateMachineAliasCommand).rejects(
                    new ConflictException({
                        message: "Failed to create alias because an alias with the same name and a different routing configuration already exists.",
                        ...meta("req-conflict-1"),
                    }),
                );
                await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) }), (e: Error & { requestId?: string }) => {
                    assert.equal(e.name, "ConflictException");
                    assert.equal(e.requestId, "req-conflict-1");
                    assert.match(e.message, /^The alias arn:aws:states:us-east-1:123456789012:stateMachine:orders:live already exists \(AWS did not say when/);
                    assert.match(e.message, /set adoptExisting: true once/);
                    assert.match(e.message, /AWS said: CreateStateMachineAlias for .* ConflictException: Failed to create alias .*request id req-conflict-1/);
                    return true;
                });
                assert.equal(sfn.calls().length, 2);
            });

            it("reads again, when this process just deleted the alias, before calling it existing (a stale read)", async function () {
                this.timeout(10000);
                sfn.on(DeleteStateMachineAliasCommand).resolves({});
                sfn.on(DescribeStateMachineAliasCommand).resolvesOnce(liveAlias()).rejects(absent());
                sfn.on(CreateStateMachineAliasCommand).resolves({ stateMachineAliasArn: ALIAS, creationDate: updated });
                await provider.delete!(ALIAS, storedOutputs);
                const result = await provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
                assert.equal(result.id, ALIAS);
                assert.deepEqual(sent().map(([name]) => name), [
                    "DeleteStateMachineAliasCommand", "DescribeStateMachineAliasCommand", "DescribeStateMachineAliasCommand", "CreateStateMachineAliasCommand",
                ]);
            });
        });

        it("adopts with adoptExisting: Describe, then one Update of the whole desired configuration", async () => {
            sfn.on(DescribeStateMachineAliasCommand).resolves(liveAlias());
            sfn.on(UpdateStateMachineAliasCommand).resolves({ updateDate: updated });
            const result = await provider.create!({ name: "live", description: "made by hand", routingConfiguration: routing([V2, 20], [V1, 80]), adoptExisting: true });
            assert.deepEqual(sent(), [
                ["DescribeStateMachineAliasCommand", { stateMachineAliasArn: ALIAS }],
                ["UpdateStateMachineAliasCommand", { stateMachineAliasArn: ALIAS, description: "made by hand", routingConfiguration: routing([V1, 80], [V2, 20]) }],
            ]);
            assert.equal(result.id, ALIAS);
            assert.equal(result.outs.creationDate, created.toISOString());
            assert.equal(result.outs.updateDate, updated.toISOString());
            assert.equal(result.outs.adoptExisting, true);
        });

        it("a delete of another resource's older record of an alias this process just took over sends nothing (rename or replacement with adoptExisting)", async () => {
            const warn = console.warn;
            const warnings: string[] = [];
            console.warn = (m: string) => warnings.push(m);
            try {
                sfn.on(DescribeStateMachineAliasCommand).resolves(liveAlias());
                sfn.on(UpdateStateMachineAliasCommand).resolves({ updateDate: updated });
                sfn.on(DeleteStateMachineAliasCommand).resolves({});
                // The new resource takes the alias over; then the engine deletes the old resource, recorded earlier.
                const adopted = await provider.create!({ name: "live", routingConfiguration: routing([V1, 100]), adoptExisting: true });
                await provider.delete!(ALIAS, { ...storedOutputs, updateDate: created.toISOString() });
                assert.deepStrictEqual(sent().map(([name]) => name), ["DescribeStateMachineAliasCommand", "UpdateStateMachineAliasCommand"]);
                assert.match(warnings.join("\n"), /not deleted: another resource of this deployment took the alias over/);
                // The resource that holds it now is deleted as usual.
                await provider.delete!(ALIAS, adopted.outs);
                assert.deepStrictEqual(sent().map(([name]) => name).slice(2), ["DeleteStateMachineAliasCommand"]);
            } finally {
                console.warn = warn;
            }
        });

        it("adopts with one Update even when the alias read already matches (the read may be stale)", async () => {
            sfn.on(DescribeStateMachineAliasCommand).resolves(liveAlias({ description: undefined, routingConfiguration: routing([V2, 10], [V1, 90]), updateDate: updated }));
            sfn.on(UpdateStateMachineAliasCommand).resolves({ updateDate: updated });
            await provider.create!({ name: "live", routingConfiguration: routing([V1, 90], [V2, 10]), adoptExisting: true });
            assert.deepEqual(sent().map(([name]) => name), ["DescribeStateMachineAliasCommand", "UpdateStateMachineAliasCommand"]);
        });

        it("adopts after a ConflictException (made after the read) with adoptExisting", async () => {
            sfn.on(DescribeStateMachineAliasCommand).rejectsOnce(absent()).resolves(liveAlias());
            sfn.on(CreateStateMachineAliasCommand).rejects(new ConflictException({ message: "exists", ...meta("r1") }));
            sfn.on(UpdateStateMachineAliasCommand).resolves({ updateDate: updated });
            const result = await provider.create!({ name: "live", routingConfiguration: routing([V1, 100]), adoptExisting: true });
            assert.deepEqual(sent().map(([name]) => name), [
                "DescribeStateMachineAliasCommand", "CreateStateMachineAliasCommand", "DescribeStateMachineAliasCommand", "UpdateStateMachineAliasCommand",
            ]);
            assert.equal(result.outs.updateDate, updated.toISOString());
        });

        it("reports an adopted alias whose Update failed as partly created, so the engine keeps it", async () => {
            sfn.on(DescribeStateMachineAliasCommand).resolves(liveAlias({ description: undefined }));
            sfn.on(UpdateStateMachineAliasCommand).rejects(new ValidationException({ message: "Routing configuration must contain state machine version ARNs. Received: [x]", ...meta("r2") }));
            sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [{ stateMachineVersionArn: V1, creationDate: created }] });
            const inputs = { name: "live", description: "wanted", routingConfiguration: routing([V3, 100]), adoptExisting: true, __provider: PROVIDER_TEXT };
            await assert.rejects(provider.create!(inputs), (e: Error & { id?: string; properties?: Record<string, unknown> }) => {
                assert.equal(e.name, "ValidationException");
                assert.equal(e.id, ALIAS);
                // The alias as AWS has it (no description, old routing), so the next diff still sees both changes;
                // and __provider, which the engine needs to act on the resource later.
                assert.deepEqual(e.properties, {
                    name: "live",
                    description: "",
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

        describe("a routed version AWS does not have: which versions exist, no cause guessed", () => {
            const missingMessage = `Routing configuration must contain state machine version ARNs. Received: [${V3}]`;
            beforeEach(() => {
                sfn.on(DescribeStateMachineAliasCommand).rejects(absent());
                sfn.on(CreateStateMachineAliasCommand).rejects(new ValidationException({ message: missingMessage, ...meta("req-cv") }));
            });

            it("lists the state machine's versions (every page) and names the ones that are not there", async () => {
                sfn.on(ListStateMachineVersionsCommand)
                    .resolvesOnce({ stateMachineVersions: [{ stateMachineVersionArn: V2, creationDate: created }], nextToken: "page-2" })
                    .resolves({ stateMachineVersions: [{ stateMachineVersionArn: V1, creationDate: created }] });
                await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V3, 100]) }), (e: Error) => {
                    assert.equal(e.name, "ValidationException");
                    assert.ok(e.message.startsWith(`The alias ${SM}:live routes to ${V3} (weight 100), but ${SM} has the versions 1, 2, not 3: route to a version that exists`), e.message);
                    assert.doesNotMatch(e.message, /deleted outside Pulumi/);
                    assert.match(e.message, /AWS said: .*must contain state machine version ARNs.*request id req-cv/);
                    return true;
                });
                assert.deepEqual(sfn.commandCalls(ListStateMachineVersionsCommand).map((c) => c.args[0].input), [
                    { stateMachineArn: SM, nextToken: undefined, maxResults: 1000 },
                    { stateMachineArn: SM, nextToken: "page-2", maxResults: 1000 },
                ]);
            });

            it("says so when the state machine does not exist", async () => {
                sfn.on(ListStateMachineVersionsCommand).rejects(new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${SM}'`, ...meta("r") }));
                await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V3, 100]) }), /but the state machine arn:aws:states:us-east-1:123456789012:stateMachine:orders does not exist: create the state machine/);
            });

            it("says that the versions could not be listed when that fails too, keeping AWS's first answer", async () => {
                sfn.on(ListStateMachineVersionsCommand).rejects(new SFNServiceException({ name: "AccessDeniedException", $fault: "client", message: "not allowed", ...meta("r") }));
                await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V3, 100]) }), (e: Error) => {
                    assert.equal(e.name, "ValidationException");
                    assert.match(e.message, /AWS has no such version \(its versions could not be listed: ListStateMachineVersions .* AccessDeniedException: not allowed/);
                    return true;
                });
            });
        });

        it("surfaces other AWS errors with AWS's name, message and request id", async () => {
            sfn.on(DescribeStateMachineAliasCommand).rejects(absent());
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

        describe("retries: every retryable error is sent again, paced, bounded, and counted when it finally fails", () => {
            const throttled = (requestId: string) =>
                new SFNServiceException({ name: "ThrottlingException", $fault: "client", message: "Rate exceeded", $metadata: { httpStatusCode: 400, requestId, attempts: 1 } });
            const serverError = (requestId: string, status = 500) =>
                new SFNServiceException({ name: "InternalFailure", $fault: "server", message: "Internal failure", $metadata: { httpStatusCode: status, requestId, attempts: 1 } });
            const reset = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET", $metadata: { attempts: 1 } });
            const timeout = () => Object.assign(new Error("Request timed out"), { name: "TimeoutError", $metadata: { attempts: 1 } });
            let saved: Record<string, string | undefined>;
            const random = Math.random;
            beforeEach(() => {
                saved = { p: process.env.PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS, r: process.env.PULUMI_SFN_ALIAS_REFILL_PER_SECOND };
                Math.random = () => 0.05; // short backoffs
                process.env.PULUMI_SFN_ALIAS_REFILL_PER_SECOND = "50"; // a throttled call waits 20 ms for its token
                sfn.on(DescribeStateMachineAliasCommand).rejects(absent());
            });
            afterEach(() => {
                Math.random = random;
                for (const [k, env] of [["p", "PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS"], ["r", "PULUMI_SFN_ALIAS_REFILL_PER_SECOND"]]) {
                    if (saved[k] === undefined) delete process.env[env];
                    else process.env[env] = saved[k];
                }
            });

            for (const [title, fault] of [
                ["throttling", () => throttled("req-t")],
                ["a 500", () => serverError("req-500")],
                ["a 503", () => serverError("req-503", 503)],
                ["a dropped connection", reset],
                ["a request timeout", timeout],
            ] as const) {
                it(`sends the same CreateStateMachineAlias again after ${title}, until AWS accepts it`, async () => {
                    sfn.on(CreateStateMachineAliasCommand).rejectsOnce(fault()).rejectsOnce(fault()).resolves({ stateMachineAliasArn: ALIAS, creationDate: created });
                    const result = await provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
                    assert.equal(result.id, ALIAS);
                    const creates = sfn.commandCalls(CreateStateMachineAliasCommand);
                    assert.equal(creates.length, 3);
                    assert.ok(creates.every((c) => JSON.stringify(c.args[0].input) === JSON.stringify(creates[0].args[0].input)));
                });
            }

            it("gives up on failures other than throttling after MAX_TRANSIENT_FAILURES, naming AWS's error, request id and the attempts", async function () {
                this.timeout(20000);
                Math.random = () => 0.001;
                sfn.on(CreateStateMachineAliasCommand).rejects(serverError("req-500"));
                await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) }), (e: Error & { requestId?: string }) => {
                    assert.equal(e.name, "InternalFailure");
                    assert.equal(e.requestId, "req-500");
                    assert.match(e.message, new RegExp(`Internal failure \\(request id req-500, after ${MAX_TRANSIENT_FAILURES} attempts in \\d+ s \\(${MAX_TRANSIENT_FAILURES} failed in transit or by AWS\\)\\)`));
                    return true;
                });
                assert.equal(sfn.commandCalls(CreateStateMachineAliasCommand).length, MAX_TRANSIENT_FAILURES);
            });

            it("surfaces throttling that outlasted its patience, with AWS's name, request id and the attempts made", async () => {
                process.env.PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS = "0";
                sfn.on(CreateStateMachineAliasCommand).rejects(throttled("req-thr"));
                await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) }), (e: Error & { requestId?: string }) => {
                    assert.equal(e.name, "ThrottlingException");
                    assert.equal(e.requestId, "req-thr");
                    assert.match(e.message, /Rate exceeded \(request id req-thr\)$/); // one attempt: nothing to count
                    return true;
                });
                assert.equal(sfn.commandCalls(CreateStateMachineAliasCommand).length, 1);
            });

            describe("patience measured from the last call of the operation that AWS answered", () => {
                beforeEach(() => {
                    process.env.PULUMI_SFN_ALIAS_THROTTLE_PATIENCE_MS = "300";
                    process.env.PULUMI_SFN_ALIAS_REFILL_PER_SECOND = "5"; // 200 ms a token once throttled
                    sfn.on(CreateStateMachineAliasCommand, { name: "live" })
                        .rejectsOnce(throttled("req-1")).rejectsOnce(throttled("req-2")).rejectsOnce(throttled("req-3"))
                        .resolves({ stateMachineAliasArn: ALIAS, creationDate: created });
                    sfn.on(CreateStateMachineAliasCommand, { name: "third" }).resolves({ stateMachineAliasArn: `${SM}:third`, creationDate: created });
                    sfn.on(DescribeStateMachineAliasCommand, { stateMachineAliasArn: `${SM}:other` }).resolves(liveAlias({ stateMachineAliasArn: `${SM}:other`, name: "other" }));
                });

                /** Calls made every 50 ms until `until` settles. */
                async function busy(call: () => Promise<unknown>, until: Promise<unknown>): Promise<void> {
                    let done = false;
                    until.finally(() => (done = true)).catch(() => undefined);
                    while (!done) {
                        await call().catch(() => undefined);
                        await new Promise((resolve) => setTimeout(resolve, 50));
                    }
                }

                it("waits on while other creates in the region get through", async function () {
                    this.timeout(10000);
                    const creating = provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
                    await busy(() => provider.create!({ name: "third", routingConfiguration: routing([V1, 100]) }), creating);
                    assert.equal((await creating).id, ALIAS);
                });

                it("gives up when AWS answered no create for that long, whatever other operations do", async function () {
                    this.timeout(10000);
                    const creating = provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
                    await busy(() => provider.read!(`${SM}:other`, {}), creating);
                    await assert.rejects(creating, /ThrottlingException: Rate exceeded \(request id req-\d, after \d attempts in \d+ s \(\d throttled\)\)/);
                });
            });

            it("does not repeat calls that failed for another reason", async () => {
                sfn.on(CreateStateMachineAliasCommand).rejects(new ValidationException({ message: "bad", ...meta("req-v") }));
                await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) }), /ValidationException: bad \(request id req-v\)$/);
                assert.equal(sfn.commandCalls(CreateStateMachineAliasCommand).length, 1);
            });
        });
    });

    describe("update", () => {
        const cases: { title: string; news: Record<string, unknown>; description: string; routing: ReturnType<typeof routing> }[] = [
            { title: "routing changed", news: { name: "live", description: "orders release", routingConfiguration: routing([V2, 50], [V1, 50]) }, description: "orders release", routing: routing([V1, 50], [V2, 50]) },
            { title: "description changed", news: { name: "live", description: "new words", routingConfiguration: routing([V2, 10], [V1, 90]) }, description: "new words", routing: routing([V1, 90], [V2, 10]) },
            { title: "description removed (sent as \"\")", news: { name: "live", routingConfiguration: routing([V1, 90], [V2, 10]) }, description: "", routing: routing([V1, 90], [V2, 10]) },
            { title: "both", news: { name: "live", description: "promote", routingConfiguration: routing([V2, 100]) }, description: "promote", routing: routing([V2, 100]) },
        ];
        for (const c of cases) {
            it(`sends one UpdateStateMachineAlias with the whole desired configuration: ${c.title}`, async () => {
                sfn.on(UpdateStateMachineAliasCommand).resolves({ updateDate: updated });
                const result = await provider.update!(ALIAS, storedOutputs, { ...c.news, __provider: PROVIDER_TEXT });
                assert.deepEqual(sent(), [["UpdateStateMachineAliasCommand", { stateMachineAliasArn: ALIAS, description: c.description, routingConfiguration: c.routing }]]);
                assert.equal(result.outs.updateDate, updated.toISOString());
                assert.equal(result.outs.creationDate, created.toISOString());
                assert.equal(result.outs.arn, ALIAS);
                assert.equal(result.outs.stateMachineArn, SM);
                assert.deepEqual(result.outs.routingConfiguration, c.routing);
                assert.ok(hasNoUndefined(result.outs));
            });
        }

        it("overwrites drift nobody refreshed: a description-only change still sends the routing the program says", async () => {
            // Recorded: 100% on V1. Someone moved AWS to 50/50 by hand; the program changes the description only.
            sfn.on(UpdateStateMachineAliasCommand).resolves({ updateDate: updated });
            const recorded = { ...storedOutputs, routingConfiguration: routing([V1, 100]) };
            await provider.update!(ALIAS, recorded, { name: "live", description: "reworded", routingConfiguration: routing([V1, 100]) });
            assert.deepEqual(sent(), [["UpdateStateMachineAliasCommand", { stateMachineAliasArn: ALIAS, description: "reworded", routingConfiguration: routing([V1, 100]) }]]);
        });

        it("recreates an alias deleted outside Pulumi with one CreateStateMachineAlias, same id", async () => {
            sfn.on(UpdateStateMachineAliasCommand).rejects(new ResourceNotFound({ message: "Request references a resource that does not exist.", ...meta("req-nf") }));
            sfn.on(CreateStateMachineAliasCommand).resolves({ stateMachineAliasArn: ALIAS, creationDate: updated });
            const news = { name: "live", description: "orders release", routingConfiguration: routing([V1, 100]), __provider: PROVIDER_TEXT };
            const result = await provider.update!(ALIAS, storedOutputs, news);
            assert.deepEqual(sent(), [
                ["UpdateStateMachineAliasCommand", { stateMachineAliasArn: ALIAS, description: "orders release", routingConfiguration: routing([V1, 100]) }],
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
        it("names the alias, the version it needs and the versions that exist when a routed version is not there (update)", async () => {
            sfn.on(UpdateStateMachineAliasCommand).rejects(new ValidationException({ message: missing, ...meta("req-v") }));
            sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [{ stateMachineVersionArn: V2, creationDate: created }, { stateMachineVersionArn: V1, creationDate: created }] });
            await assert.rejects(provider.update!(ALIAS, storedOutputs, { name: "live", routingConfiguration: routing([V3, 100]) }), (e: Error) => {
                assert.equal(e.name, "ValidationException");
                assert.ok(e.message.includes(`The alias ${ALIAS} routes to ${V3} (weight 100), but ${SM} has the versions 1, 2, not 3`), e.message);
                assert.match(e.message, /AWS said: .*must contain state machine version ARNs.*request id req-v/);
                return true;
            });
        });

        it("explains a missing version when recreating a deleted alias (its state machine deleted)", async () => {
            sfn.on(UpdateStateMachineAliasCommand).rejects(new ResourceNotFound({ message: "Request references a resource that does not exist.", ...meta("req-nf") }));
            sfn.on(CreateStateMachineAliasCommand).rejects(new ValidationException({ message: missing, ...meta("req-c") }));
            sfn.on(ListStateMachineVersionsCommand).rejects(new StateMachineDoesNotExist({ message: "State Machine Does Not Exist", ...meta("r") }));
            await assert.rejects(provider.update!(ALIAS, storedOutputs, { name: "live", description: "x", routingConfiguration: routing([V1, 90], [V2, 10]) }), (e: Error) => {
                assert.equal(e.name, "ValidationException");
                assert.ok(e.message.includes(`routes to ${V1} (weight 90) and ${V2} (weight 10), but the state machine ${SM} does not exist`), e.message);
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
        it("uses one client per region and endpoint, the SDK making one attempt per call (retries are the provider's)", async () => {
            sfn.on(DescribeStateMachineAliasCommand).rejects(new ResourceNotFound({ message: "gone", ...meta("r") }));
            await provider.read!(ALIAS, {});
            await provider.read!(`${OTHER_SM}:x`, {});
            await provider.read!("arn:aws:states:eu-west-1:123456789012:stateMachine:orders:x", {});
            const [a, b, c] = sfn.calls().map((call) => call.thisValue as SFNClient);
            assert.equal(a, b);
            assert.notEqual(a, c);
            assert.equal(await a.config.maxAttempts(), SDK_MAX_ATTEMPTS);
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
