// Bad input, refused before anything is sent. Not the check rules table (tests/provider/check.test.ts): the
// same kinds of mistakes driven through the layers a user goes through — a program, the local engine, the
// real dynamic-provider plugin — against a live endpoint whose call log must stay empty and a state file
// that must not change by one byte. Then a seeded fuzz: check never throws, and whatever it accepts the
// endpoint accepts too.
import * as assert from "assert";
import * as fc from "fast-check";
import { configureAws } from "../../provider/aws";
import { checkAlias } from "../../provider/check";
import { stateMachineAliasProvider as provider } from "../../provider/provider";
import {
    AliasProject, aliasSteps, assertStateMatchesEndpoint, ensureBuilt, makeMachine, ok, SfnLocal, sdkClient, startSfnLocal,
} from "../support/world";
import { BAD_INPUTS, GOOD_EDGES, Versions } from "./bad-inputs";
import { counts } from "./counts";

/** Words of a fix or of the rule to follow: every message says what is expected, not only what is wrong. */
const FIX = /\b(must|set|use|add|remove|omit|choose|adjust|accepts|is required|did you mean|publish|route|keep|expected|write|shorten|may contain only)\b/i;

describe("resilience: bad input is refused at check, through the engine, with zero API calls", function () {
    this.timeout(120_000);
    let local: SfnLocal;
    let project: AliasProject;
    let v: Versions;

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: false, seed: 11 });
        const sfn = sdkClient(local);
        const orders = await makeMachine(sfn, "orders", 2);
        const billing = await makeMachine(sfn, "billing", 1);
        v = { sm: orders.arn, v1: orders.versions[0], v2: orders.versions[1], other: billing.versions[0] };
        project = new AliasProject(local);
    });
    after(async () => {
        project?.cleanup();
        configureAws({});
        await local?.stop();
    });

    it(`has at least 50 bad inputs (${BAD_INPUTS.length})`, () => {
        assert.ok(BAD_INPUTS.length >= 50);
    });

    it("one up declaring every bad input beside a good alias: each refused on its property, no call, state unchanged", async () => {
        const good = { resource: "good", args: { name: "good", routingConfiguration: [{ stateMachineVersionArn: v.v1, weight: 100 }] } };
        ok(await project.run("up", [good], { skipPreview: true }), "setting up the good alias");
        const before = project.stateText()!;
        local.clearCalls();

        const bad = BAD_INPUTS.map((b, i) => ({ resource: `bad-${i}`, args: b.args(v) }));
        // --continue-on-error: the engine reports every failed check, not only the first.
        const r = await project.run("up", [good, ...bad], { continueOnError: true });
        counts.inputsTried += BAD_INPUTS.length;
        assert.strictEqual(r.ok, false);
        assert.deepStrictEqual(local.calls(), [], "an API call was made");
        assert.strictEqual(project.stateText(), before, "the state file changed");
        assert.deepStrictEqual(aliasSteps(r).filter((s) => s.startsWith("good") || s.endsWith(" good")), ["same good"]);
        const missing: string[] = [];
        BAD_INPUTS.forEach((b, i) => {
            const step = r.steps.find((s) => s.name === `bad-${i}`);
            const error = step?.error ?? "";
            const expected = `${b.property}: `;
            // One line per failure, in the engine's form (step_generator.go issueCheckFailures), read back as
            // "<property>: <reason>": "<type> resource '<name>': property <p> value <v> has a problem: <reason>".
            const reason = error.split("\n").map((x) => {
                const m = /^\S+ resource '[^']*': property (\S+) value [\s\S]*? has a problem: ([\s\S]*)$/.exec(x);
                return m ? `${m[1]}: ${m[2]}` : x.replace(/^\S+ resource '[^']*' has a problem: /, "");
            }).find((x) => x.startsWith(expected));
            if (!step || step.op !== "create" || !reason || !reason.includes(b.quotes(v)) || !FIX.test(reason)) {
                missing.push(`${b.title}: ${error || "no failed step"}`);
            }
        });
        assert.deepStrictEqual(missing, [], "bad inputs not refused as expected");
        assert.ok(!r.steps.some((s) => s.name.startsWith("bad-") && !s.error), "a bad input got a step");
        assertStateMatchesEndpoint(local, [project.state()], "after the refused up", true);
    });

    it("the edges that are valid (80-char name, weight 0, 256-char description) pass check and the endpoint", async () => {
        const edges = GOOD_EDGES(v).map((args, i) => ({ resource: `edge-${i}`, args }));
        local.clearCalls();
        const r = await project.run("up", edges, { stack: "edges" });
        ok(r);
        counts.inputsTried += edges.length;
        // Each: the ownership check (no such alias yet), then the create.
        assert.deepStrictEqual(local.calls().map((c) => `${c.operation} ${c.outcome}`).sort(), edges.flatMap(() => ["CreateStateMachineAlias ok", "DescribeStateMachineAlias ResourceNotFound"]).sort());
        ok(await project.run("destroy", edges, { stack: "edges" }));
    });

    it("fuzz (seeded): check never throws; what it accepts, CreateStateMachineAlias through the provider accepts", async () => {
        configureAws({ endpoint: local.url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
        const versionArn = fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom(v.v1, v.v2) },
            { weight: 1, arbitrary: fc.constantFrom(v.other, v.sm, `${v.sm}:prod`, `${v.sm}:0`, `${v.sm}:01`, v.v1.replace("arn:aws:", "arn:aws-cn:"), "") },
            { weight: 1, arbitrary: fc.string() },
        );
        const weight = fc.oneof(
            { weight: 6, arbitrary: fc.integer({ min: 0, max: 100 }) },
            { weight: 1, arbitrary: fc.constantFrom(-1, 101, 50.5, Number.NaN, Infinity, null, "50", undefined) },
        );
        const entry = fc.record({ stateMachineVersionArn: versionArn, weight }, { requiredKeys: [] });
        const routing = fc.oneof(
            { weight: 4, arbitrary: weight.map((w) => [{ stateMachineVersionArn: v.v1, weight: w }]) },
            { weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }).map((w) => [{ stateMachineVersionArn: v.v1, weight: w }, { stateMachineVersionArn: v.v2, weight: 100 - w }]) },
            { weight: 3, arbitrary: fc.array(entry, { minLength: 0, maxLength: 3 }) },
            { weight: 1, arbitrary: fc.constantFrom(null, "x", 5, {}) },
        );
        const name = fc.oneof(
            { weight: 6, arbitrary: fc.stringMatching(/^[a-zA-Z_.-][a-zA-Z0-9_.-]{0,81}$/) },
            { weight: 1, arbitrary: fc.string({ maxLength: 90 }) },
            { weight: 1, arbitrary: fc.constantFrom(undefined, "", "123", "prød", 7) },
        );
        const description = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.string({ maxLength: 256 }) }, { weight: 1, arbitrary: fc.constantFrom("d".repeat(256), "d".repeat(257), 3) });
        const inputs = fc.record({ name, description, routingConfiguration: routing, extra: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom("routingConfigurations", "tags", "adoptExisting") }) })
            .map(({ extra, ...rest }) => {
                const o: Record<string, unknown> = { __autonamePrefix: "fuzz" };
                for (const [k, x] of Object.entries(rest)) if (x !== undefined) o[k] = x;
                if (extra) o[extra] = extra === "adoptExisting" ? "yes" : [];
                return o;
            });
        // Check alone, elsewhere: the endpoint holds us-east-1's versions only, so each input is also checked
        // with its routing moved to another partition and region (each partition the SDK knows, a region and a
        // partition newer than it): a consistent move changes no verdict, property by property, so a check
        // over-strict for some partition is found. Chosen in turn, not drawn, so the fuzzed inputs stay the same.
        const PLACES = [
            ["aws-cn", "cn-north-1"], ["aws-us-gov", "us-gov-west-1"], ["aws-iso", "us-iso-east-1"], ["aws-iso-b", "us-isob-east-1"],
            ["aws-iso-e", "eu-isoe-west-1"], ["aws-iso-f", "us-isof-south-1"], ["aws-eusc", "eusc-de-east-1"], ["aws", "ap-southeast-7"],
            ["aws", "us-north-9"], ["aws-cn", "cn-south-1"], ["aws-eusc", "eusc-de-west-2"], ["aws-newcloud", "nc-east-1"],
        ];
        const HOME = `${v.v1.split(":").slice(0, 4).join(":")}:`; // arn:aws:states:us-east-1:
        const moved = (news: Record<string, unknown>, [partition, region]: string[]) => {
            const routing = news.routingConfiguration;
            if (!Array.isArray(routing)) return news;
            const move = (e: unknown) => (typeof e === "object" && e !== null && !Array.isArray(e) && typeof (e as Record<string, unknown>).stateMachineVersionArn === "string"
                ? { ...e, stateMachineVersionArn: ((e as Record<string, unknown>).stateMachineVersionArn as string).replace(HOME, `arn:${partition}:states:${region}:`) }
                : e);
            return { ...news, routingConfiguration: Array.from(routing, move) };
        };
        const verdict = (o: ReturnType<typeof checkAlias>) => o.failures.map((f) => f.property).sort();
        let accepted = 0;
        let refused = 0;
        let elsewhere = 0;
        await fc.assert(fc.asyncProperty(inputs, async (news) => {
            local.clearCalls();
            let outcome;
            try {
                outcome = checkAlias({}, news);
            } catch (e) {
                throw new Error(`check threw on ${JSON.stringify(news)}: ${(e as Error).stack}`);
            }
            counts.inputsTried++;
            const place = PLACES[elsewhere++ % PLACES.length];
            const there = moved(news, place);
            assert.deepStrictEqual(verdict(checkAlias({}, there)), verdict(outcome), `in ${place.join(" ")}: ${JSON.stringify(there)}`);
            if (outcome.failures.length > 0) {
                refused++;
                assert.deepStrictEqual(local.calls(), []);
                return;
            }
            accepted++;
            const created = await provider.create!(outcome.inputs);
            assert.deepStrictEqual(local.calls().map((c) => `${c.operation} ${c.outcome}`), ["DescribeStateMachineAlias ResourceNotFound", "CreateStateMachineAlias ok"]);
            await provider.delete!(created.id, created.outs);
        }), { seed: 20261122, numRuns: 300 });
        assert.ok(accepted >= 30 && refused >= 30, `fuzz too one-sided: ${accepted} accepted, ${refused} refused`);
        assert.deepStrictEqual(Object.keys(local.snapshot().aliases).filter((a) => !a.endsWith(":good")), []);
    });
});
