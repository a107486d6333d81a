// checkAlias: every rule of the resource as a table (GIVEN news, THEN exactly these failing properties,
// each reason quoting the value and the fix), preview unknowns, and autonaming. Pure: no I/O.
import * as assert from "assert";
import * as fc from "fast-check";
import { autoname, checkAlias, CheckFailure } from "../../provider/check";
import { NAME_MAX_LENGTH, NAME_PATTERN, UNKNOWN } from "../../provider/rules";

type Inputs = Record<string, unknown>;

const SM = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
const V1 = `${SM}:1`;
const V2 = `${SM}:2`;
const CN_SM = "arn:aws-cn:states:cn-north-1:123456789012:stateMachine:orders";
const GOV_SM = "arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:orders";
const entry = (stateMachineVersionArn: unknown, weight: unknown) => ({ stateMachineVersionArn, weight });
const one = (arn: unknown) => [entry(arn, 100)];
const FORM = "arn:<partition>:states:<region>:<account>:stateMachine:<name>:<version number>";

function check(news: Inputs, olds: Inputs = {}) {
    return checkAlias(olds, news);
}

/** A valid alias, with some properties replaced (a value of `undefined` removes the property). */
function alias(over: Inputs = {}): Inputs {
    const x: Inputs = { name: "live", routingConfiguration: one(V1), ...over };
    for (const k of Object.keys(x)) if (x[k] === undefined) delete x[k];
    return x;
}
const routed = (routing: unknown) => alias({ routingConfiguration: routing });

interface Expected {
    readonly property: string;
    /** Fragments the reason must contain: the value received, the rule, the fix. */
    readonly includes?: readonly string[];
    /** The whole reason, for representative cases, so wording regressions are caught. */
    readonly message?: string;
    /** Text that no reason (of any property) may contain: values never to be repeated. */
    readonly excludes?: readonly string[];
}
interface Row {
    readonly title: string;
    readonly news: Inputs;
    /** Empty: valid. Otherwise exactly these failures (in any order). */
    readonly expect: readonly Expected[];
}

function assertFailures(failures: CheckFailure[], expected: readonly Expected[]): void {
    assert.deepStrictEqual(
        failures.map((f) => f.property).sort(),
        expected.map((e) => e.property).sort(),
        `failures were ${JSON.stringify(failures, null, 1)}`,
    );
    for (const e of expected) {
        const reasons = failures.filter((f) => f.property === e.property).map((f) => f.reason);
        if (e.message !== undefined) assert.ok(reasons.includes(e.message), `no reason equal to\n  ${e.message}\namong\n  ${reasons.join("\n  ")}`);
        for (const never of e.excludes ?? []) {
            for (const f of failures) assert.ok(!f.reason.includes(never), `the reason for ${f.property} repeats ${JSON.stringify(never)}:\n  ${f.reason}`);
        }
        for (const fragment of e.includes ?? []) {
            assert.ok(
                reasons.some((r) => r.includes(fragment)),
                `reason for ${e.property} lacks ${JSON.stringify(fragment)}:\n  ${reasons.join("\n  ")}`,
            );
        }
    }
}

function runTable(rows: readonly Row[]): void {
    for (const row of rows) {
        it(row.title, () => {
            // GIVEN the inputs WHEN checked THEN exactly the expected failures
            const { failures } = check(row.news);
            assertFailures(failures, row.expect);
        });
    }
}

const ok = (title: string, news: Inputs): Row => ({ title, news, expect: [] });
const bad = (title: string, news: Inputs, ...expect: Expected[]): Row => ({ title, news, expect });

describe("checkAlias", () => {
    describe("name", () => {
        runTable([
            bad("0 characters", alias({ name: "" }), { property: "name", includes: ["name is empty", "1 to 80", "omit name"] }),
            ok("1 character", alias({ name: "a" })),
            ok("80 characters", alias({ name: "a".repeat(80) })),
            bad("81 characters", alias({ name: "a".repeat(81) }), {
                property: "name",
                message: `name "${"a".repeat(81)}" has 81 characters, more than AWS's limit of 80; shorten it.`,
            }),
            bad("digits only", alias({ name: "12345" }), { property: "name", includes: ['"12345"', "only digits", "add a letter"] }),
            ok("digits with a dot", alias({ name: "1.2" })),
            ok("'.', '_' and '-' are allowed", alias({ name: "a.b_c-D9" })),
            ok("'_' alone", alias({ name: "_" })),
            bad("unicode", alias({ name: "café" }), { property: "name", includes: ['"café"', '"é"', "only letters a-z A-Z, digits, '_', '-' and '.'"] }),
            bad("spaces", alias({ name: "my alias" }), {
                property: "name",
                message: `name "my alias" contains " "; an alias name may contain only letters a-z A-Z, digits, '_', '-' and '.' (pattern ${NAME_PATTERN.source}).`,
            }),
            bad("a slash or colon", alias({ name: "a/b:c" }), { property: "name", includes: ['"/"', '":"'] }),
            bad("a number", alias({ name: 42 }), { property: "name", includes: ["must be a string", "a number (42)", "omit name"] }),
            bad("a boolean", alias({ name: true }), { property: "name", includes: ["a boolean (true)"] }),
            bad("null", alias({ name: null }), { property: "name", includes: ["null"] }),
            bad("an object: its keys, not its values", alias({ name: { a: "value-never-shown" } }), {
                property: "name",
                includes: ['an object with key "a"', "set a string"],
                excludes: ["value-never-shown"],
            }),
        ]);
    });

    describe("description", () => {
        runTable([
            ok("absent", alias()),
            ok("empty", alias({ description: "" })),
            ok("256 characters", alias({ description: "d".repeat(256) })),
            bad("257 characters: its length, never its text", alias({ description: "d".repeat(257) }), {
                property: "description",
                message:
                    "description has 257 characters, more than AWS's limit of 256; shorten it (its text is not repeated here: AWS treats descriptions as sensitive).",
                excludes: ["dddddddd"],
            }),
            bad("a number: its type, never its value", alias({ description: 7 }), {
                property: "description",
                message: "description must be a string, but received a number; set a string of at most 256 characters, or omit it for no description.",
            }),
            bad("null", alias({ description: null }), { property: "description", includes: ["must be a string", "received null", "omit it"] }),
            bad("a list: its type only", alias({ description: ["a-list-entry"] }), {
                property: "description",
                includes: ["received a list;"],
                excludes: ["a-list-entry"],
            }),
        ]);
    });

    describe("a description is never repeated, whatever else fails (it may be a pulumi.secret, seen in plaintext)", () => {
        const SECRET = "s3cr3t: db password hunter2-XYZZY, do not print";
        const LONG = `${SECRET} `.repeat(8);
        const never = [SECRET, "hunter2", "XYZZY"];
        /** The expected failures, the first one also asserting that no reason repeats the secret. */
        const D = (first: Expected, ...more: Expected[]): Expected[] => [{ ...first, excludes: [...(first.excludes ?? []), ...never] }, ...more];
        runTable([
            bad("a secret over 256 characters", alias({ description: LONG }), ...D({ property: "description", includes: [`has ${LONG.length} characters`, "limit of 256", "shorten it"] })),
            bad("a secret of 10,000 characters", alias({ description: SECRET.repeat(210) }), ...D({ property: "description", includes: [`has ${SECRET.length * 210} characters`] })),
            bad("a secret in an object", alias({ description: { text: SECRET } }), ...D({ property: "description", includes: ["received an object;"], excludes: ["text"] })),
            bad("a secret in a list", alias({ description: [SECRET] }), ...D({ property: "description", includes: ["received a list;"] })),
            bad("a secret over 256 characters beside a bad name, weight and key", { name: "a b", description: LONG, routingConfiguration: [entry(V1, "x"), entry(V1, 101)], descripton: SECRET },
                ...D(
                    { property: "description" },
                    { property: "name" },
                    { property: "descripton", includes: ["did you mean description?"] },
                    { property: "routingConfiguration[0].weight" },
                    { property: "routingConfiguration[1].weight" },
                    { property: "routingConfiguration[1].stateMachineVersionArn", includes: ["same version"] },
                ),
            ),
            bad("a whole args object passed as the routing: its keys, not its values", routed({ name: "live", description: SECRET, routingConfiguration: one(V1) }), {
                property: "routingConfiguration",
                includes: ['an object with keys "name", "description", "routingConfiguration"'],
                excludes: never,
            }),
            bad("args nested as a routing entry", routed([{ description: SECRET, stateMachineVersionArn: V1, weight: 100 }]), {
                property: "routingConfiguration[0].description",
                includes: ['unknown property "description" on a routingConfiguration entry'],
                excludes: never,
            }),
            bad("a secret in a list as the routing", routed([SECRET]), { property: "routingConfiguration[0]", includes: ["must be an object"] }),
        ]);

        it("inputs that are not an object are named by their type only", () => {
            for (const [news, type] of [[SECRET, "a string"], [[{ description: SECRET }], "a list"], [null, "null"], [7, "a number"]] as const) {
                const { failures } = checkAlias({}, news as unknown as Inputs);
                assert.deepStrictEqual(failures, [{
                    property: "",
                    reason: `StateMachineAlias takes an object of inputs, but received ${type}; pass { name?, description?, routingConfiguration, adoptExisting? }.`,
                }]);
            }
        });

        it("property: for any description (a string of any length, or any value), no reason contains any of its text", () => {
            // What a description's "text" is: the string itself, or for another value, its JSON and every string in it.
            const texts = (value: unknown): string[] => {
                const out: string[] = [];
                const walk = (v: unknown, depth: number): void => {
                    if (typeof v === "string") out.push(v);
                    else if (depth < 8 && typeof v === "object" && v !== null) {
                        for (const k of Reflect.ownKeys(v)) {
                            if (typeof k === "string") out.push(k);
                            walk((v as Record<string | symbol, unknown>)[k], depth + 1);
                        }
                    }
                };
                walk(value, 0);
                try {
                    const json = JSON.stringify(value);
                    if (typeof json === "string") out.push(json);
                } catch {
                    // a BigInt or a cycle: no JSON text to look for
                }
                return out.filter((t) => t.length >= 8);
            };
            const description = fc.oneof(
                fc.string({ maxLength: 300 }),
                fc.string({ minLength: 257, maxLength: 2000 }),
                fc.string({ unit: "grapheme", minLength: 200, maxLength: 400 }),
                fc.string({ unit: "binary", maxLength: 600 }),
                fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true, withBigInt: true }),
            );
            // The rest of the input: valid, or failing in other ways too (each failure is one more message).
            const rest = fc.constantFrom<Inputs>(
                alias(),
                alias({ name: "a b" }),
                alias({ name: 7 }),
                alias({ routingConfiguration: [entry(V1, 60), entry(`${CN_SM}:2`, "50")] }),
                alias({ routingConfiguration: { stateMachineVersionArn: V1, weight: 100 } }),
                alias({ descripton: "x", adoptExisting: "yes" }),
                { routingConfiguration: [] },
            );
            fc.assert(
                fc.property(description, rest, (d, others) => {
                    const news = { ...others, description: d };
                    const { failures } = check(news);
                    // A text that the same input's reasons hold without the description (a key, a word of a
                    // rule) is no leak: look only for what the description brought.
                    const baseline = check({ ...others, description: "" }).failures.map((f) => f.reason).join("\n");
                    // Any piece of 10 characters of it counts, so that a shortened quote ("...") is caught too.
                    for (const text of texts(d)) {
                        const pieces = new Set<string>();
                        for (let i = 0; i + 10 <= text.length || i === 0; i++) pieces.add(text.slice(i, i + 10));
                        for (const piece of pieces) {
                            if (baseline.includes(piece)) continue;
                            for (const f of failures) assert.ok(!f.reason.includes(piece), `the reason for ${f.property} repeats ${JSON.stringify(piece)} of the description:\n  ${f.reason}`);
                        }
                    }
                }),
                { seed: 20261123, numRuns: 1000 },
            );
        });
    });

    describe("adoptExisting", () => {
        runTable([
            ok("true", alias({ adoptExisting: true })),
            ok("false", alias({ adoptExisting: false })),
            bad('the string "true"', alias({ adoptExisting: "true" }), {
                property: "adoptExisting",
                message: 'adoptExisting must be true or false, but received a string ("true"); write it without quotes, or omit it (false).',
            }),
            bad("a number", alias({ adoptExisting: 1 }), { property: "adoptExisting", includes: ["true or false", "a number (1)"] }),
            bad("null", alias({ adoptExisting: null }), { property: "adoptExisting", includes: ["null"] }),
        ]);
    });

    describe("routingConfiguration: the list", () => {
        runTable([
            bad("missing", alias({ routingConfiguration: undefined }), {
                property: "routingConfiguration",
                includes: ["routingConfiguration is required", "1 or 2 entries", "sum to 100"],
            }),
            bad("not a list", routed({ stateMachineVersionArn: V1, weight: 100 }), {
                property: "routingConfiguration",
                message:
                    "routingConfiguration must be a list of 1 or 2 { stateMachineVersionArn, weight } entries, but received an object with keys " +
                    '"stateMachineVersionArn", "weight"; put the entry in a list: [{ stateMachineVersionArn, weight }].',
                excludes: [V1],
            }),
            bad("a string", routed(V1), { property: "routingConfiguration", includes: ["must be a list", `a string ("${V1}")`] }),
            bad("null", routed(null), { property: "routingConfiguration", includes: ["must be a list", "received null; write it as [{"] }),
            bad("empty", routed([]), {
                property: "routingConfiguration",
                message:
                    "routingConfiguration has 0 entries, but an alias routes to 1 or 2 versions (AWS's limit); add the version to route to, with weight 100.",
            }),
            bad("3 entries", routed([entry(V1, 50), entry(V2, 25), entry(`${SM}:3`, 25)]), {
                property: "routingConfiguration",
                includes: ["has 3 entries", "1 or 2 versions", "keep at most two versions"],
            }),
            ok("1 entry of 100", routed([entry(V1, 100)])),
            ok("2 entries 90 + 10", routed([entry(V1, 90), entry(V2, 10)])),
            ok("0 + 100", routed([entry(V1, 0), entry(V2, 100)])),
        ]);
    });

    describe("routingConfiguration: entries", () => {
        runTable([
            bad("an entry that is a string", routed([V1]), {
                property: "routingConfiguration[0]",
                includes: ["must be an object { stateMachineVersionArn, weight }", `a string ("${V1}")`],
            }),
            bad("an entry that is null", routed([entry(V1, 50), null]), {
                property: "routingConfiguration[1]",
                includes: ["must be an object", "null"],
            }),
            bad("an entry that is a list", routed([[V1, 100]]), { property: "routingConfiguration[0]", includes: ["a list"] }),
            bad(
                "unknown entry keys versionArn and weigth (did you mean weight?)",
                routed([{ versionArn: V1, weigth: 100 }]),
                { property: "routingConfiguration[0].versionArn", includes: ['"versionArn"', "accepts stateMachineVersionArn, weight"] },
                {
                    property: "routingConfiguration[0].weigth",
                    message:
                        'unknown property "weigth" on a routingConfiguration entry: did you mean weight? a routingConfiguration entry accepts stateMachineVersionArn, weight.',
                },
                { property: "routingConfiguration[0].stateMachineVersionArn", includes: ["is required", "published version"] },
                { property: "routingConfiguration[0].weight", includes: ["is required", "0-100"] },
            ),
            bad("missing ARN", routed([{ weight: 100 }]), {
                property: "routingConfiguration[0].stateMachineVersionArn",
                message:
                    "routingConfiguration[0].stateMachineVersionArn is required: set it to the ARN of a published version of the state machine " +
                    "(arn:<partition>:states:<region>:<account>:stateMachine:<name>:<version number>).",
            }),
            bad("missing weight", routed([{ stateMachineVersionArn: V1 }]), {
                property: "routingConfiguration[0].weight",
                includes: ["routingConfiguration[0].weight is required", "percentage (0-100)"],
            }),
        ]);
    });

    describe("routingConfiguration: weights", () => {
        const w0 = (weight: unknown) => routed([entry(V1, weight), entry(V2, 50)]);
        const W0 = "routingConfiguration[0].weight";
        runTable([
            bad("-1", w0(-1), { property: W0, includes: ["is -1", "outside 0-100", "percentage of executions"] }),
            bad("101 (single entry)", routed([entry(V1, 101)]), { property: W0, includes: ["is 101", "outside 0-100", "use a whole number from 0 to 100"] }),
            bad("50.5", w0(50.5), {
                property: W0,
                message: "routingConfiguration[0].weight is 50.5, but weights are whole percentages; use an integer from 0 to 100.",
            }),
            bad("NaN", w0(NaN), { property: W0, includes: ["whole number from 0 to 100", "NaN"] }),
            bad("Infinity", w0(Infinity), { property: W0, includes: ["Infinity", "integer from 0 to 100"] }),
            bad('"50" (a string)', w0("50"), {
                property: W0,
                message: 'routingConfiguration[0].weight must be a number, but received the string "50"; write 50 without quotes.',
            }),
            bad('"abc" (a string)', w0("abc"), { property: W0, includes: ["whole number", 'a string ("abc")'] }),
            bad("null", w0(null), { property: W0, includes: ["whole number from 0 to 100", "null"] }),
            bad("a weight in the second entry", routed([entry(V1, 50), entry(V2, true)]), {
                property: "routingConfiguration[1].weight",
                includes: ["a boolean (true)"],
            }),
            bad("sum 99", routed([entry(V1, 49), entry(V2, 50)]), {
                property: "routingConfiguration",
                includes: ["49 + 50", "sum to 99", "exactly 100", "e.g. 49 and 51"],
            }),
            bad("sum 101", routed([entry(V1, 51), entry(V2, 50)]), {
                property: "routingConfiguration",
                message: "routingConfiguration weights 51 + 50 sum to 101, but they must sum to exactly 100; adjust them (e.g. 51 and 49).",
            }),
            bad("a single entry below 100", routed([entry(V1, 90)]), {
                property: "routingConfiguration",
                includes: ["sum to 90", "a single entry takes 100"],
            }),
            ok("single entry 100", routed([entry(V1, 100)])),
            ok("0 + 100", routed([entry(V1, 0), entry(V2, 100)])),
            ok("100 + 0", routed([entry(V1, 100), entry(V2, 0)])),
        ]);
    });

    describe("routingConfiguration: version ARNs", () => {
        const ARN = "routingConfiguration[0].stateMachineVersionArn";
        runTable([
            ok("aws (us-east-1)", routed(one(V1))),
            ok("aws-cn (cn-north-1)", routed(one(`${CN_SM}:3`))),
            ok("aws-us-gov (us-gov-west-1)", routed(one(`${GOV_SM}:12`))),
            ok("a large version number", routed(one(`${SM}:4294967295`))),
            bad("partition aws with a China region", routed(one("arn:aws:states:cn-north-1:123456789012:stateMachine:orders:1")), {
                property: ARN,
                includes: ["partition 'aws'", "region 'cn-north-1'", "'aws-cn'", "write arn:aws-cn:states:cn-north-1:"],
            }),
            bad("partition aws-cn with a commercial region", routed(one("arn:aws-cn:states:us-east-1:123456789012:stateMachine:orders:1")), {
                property: ARN,
                includes: ["partition 'aws-cn'", "region 'us-east-1'", "write arn:aws:states:us-east-1:"],
            }),
            bad("partition aws with a GovCloud region", routed(one("arn:aws:states:us-gov-west-1:123456789012:stateMachine:orders:1")), {
                property: ARN,
                includes: ["'aws-us-gov'"],
            }),
            bad("an unqualified state machine ARN", routed(one(SM)), {
                property: ARN,
                message:
                    `${ARN} "${SM}" is not a state machine version ARN: it is an unqualified state machine ARN, but an alias routes to published versions: ` +
                    `publish one (publish: true on aws.sfn.StateMachine gives stateMachineVersionArn, or PublishStateMachineVersion) and use ${SM}:<version number>.`,
            }),
            bad("an alias ARN", routed(one(`${SM}:live`)), {
                property: ARN,
                includes: [`"${SM}:live"`, "it is an alias ARN", "'live'", "cannot route to another alias", `${SM}:<version number>`],
            }),
            bad("an execution ARN", routed(one("arn:aws:states:us-east-1:123456789012:execution:orders:run-1")), {
                property: ARN,
                includes: ["'execution'", "not a state machine version", FORM],
            }),
            bad("an activity ARN", routed(one("arn:aws:states:us-east-1:123456789012:activity:approve")), {
                property: ARN,
                includes: ["'activity'", FORM],
            }),
            bad("a Lambda ARN", routed(one("arn:aws:lambda:us-east-1:123456789012:function:orders:1")), {
                property: ARN,
                includes: ["'lambda'", "not a Step Functions one", FORM],
            }),
            bad("a malformed string", routed(one("orders:1")), {
                property: ARN,
                includes: ['"orders:1"', "not an ARN", FORM],
            }),
            bad("an empty string", routed(one("")), { property: ARN, includes: ["not an ARN"] }),
            bad("a number", routed(one(1)), {
                property: ARN,
                message: `${ARN} must be a string, the ARN of a published version of the state machine (${FORM}), but received a number (1).`,
            }),
            bad("an object: its keys, not its values", routed(one({ arn: V1 })), { property: ARN, includes: ['an object with key "arn"', FORM], excludes: [V1] }),
            bad("more than 256 characters", routed(one(`${SM.replace("orders", "o".repeat(80))}:1`.padEnd(257, "1"))), {
                property: ARN,
                message: `${ARN} is not a state machine version ARN: it has 257 characters, more than AWS's limit of 256 for an ARN; expected ${FORM}.`,
            }),
            bad("a bad account", routed(one("arn:aws:states:us-east-1:12345:stateMachine:orders:1")), {
                property: ARN,
                includes: ["account '12345'", "12-digit account id", FORM],
            }),
            bad("a bad region", routed(one("arn:aws:states:useast1:123456789012:stateMachine:orders:1")), {
                property: ARN,
                includes: ["region 'useast1'"],
            }),
            bad("extra parts after the version", routed(one(`${V1}:x`)), { property: ARN, includes: ["stateMachine:<name>[:<version>]"] }),
            bad("version 0", routed(one(`${SM}:0`)), { property: ARN, includes: [`"${SM}:0"`, `${SM}:<version number>`] }),
            bad("version with a leading zero", routed(one(`${SM}:01`)), { property: ARN, includes: [`"${SM}:01"`, `${SM}:<version number>`] }),
        ]);

        // AWS alias names are never digits only (same pattern as the alias name), so '0' and '01' cannot be
        // aliases; the reason should say the version number is invalid, not that it is an alias ARN.
        it("reports version 0 and a leading zero as bad version numbers, not alias ARNs", () => {
            for (const q of ["0", "01"]) {
                const [f] = check(routed(one(`${SM}:${q}`))).failures;
                assert.strictEqual(f.property, ARN);
                assert.ok(!f.reason.includes("alias ARN"), f.reason);
                assert.ok(/version number/.test(f.reason), f.reason);
            }
        });
    });

    describe("routingConfiguration: versions across entries", () => {
        const ARN1 = "routingConfiguration[1].stateMachineVersionArn";
        runTable([
            bad("the same version twice", routed([entry(V1, 50), entry(V1, 50)]), {
                property: ARN1,
                includes: [`"${V1}"`, "same version as routingConfiguration[0]", "distinct versions", "single entry with weight 100"],
            }),
            bad("versions of state machines differing by name", routed([entry(V1, 50), entry(`${SM}x:2`, 50)]), {
                property: ARN1,
                message:
                    `${ARN1} is a version of ${SM}x, but routingConfiguration[0] is a version of ${SM}; ` +
                    "an alias routes between versions of one state machine: use two versions of the same state machine.",
            }),
            bad("versions of state machines differing by region", routed([entry(V1, 50), entry(SM.replace("us-east-1", "eu-west-1") + ":2", 50)]), {
                property: ARN1,
                includes: ["eu-west-1", "versions of one state machine"],
            }),
            bad("versions of state machines differing by account", routed([entry(V1, 50), entry(SM.replace("123456789012", "210987654321") + ":2", 50)]), {
                property: ARN1,
                includes: ["210987654321", "versions of one state machine"],
            }),
            bad("an invalid ARN beside a valid one: only the invalid one fails", routed([entry(V1, 50), entry(SM, 50)]), {
                property: ARN1,
                includes: ["unqualified state machine ARN"],
            }),
        ]);
    });

    describe("unknown and reserved top-level properties", () => {
        runTable([
            bad("routingConfigurations (aws.sfn.Alias's plural)", { name: "live", routingConfigurations: one(V1) },
                {
                    property: "routingConfigurations",
                    message:
                        'unknown property "routingConfigurations" on StateMachineAlias: did you mean routingConfiguration? ' +
                        "StateMachineAlias accepts name, description, routingConfiguration, deploymentPreference, adoptExisting.",
                },
                { property: "routingConfiguration", includes: ["is required"] },
            ),
            bad("descripton (typo)", alias({ descripton: "x" }), { property: "descripton", includes: ["did you mean description?"] }),
            bad("a far-off name gets no suggestion", alias({ tags: { a: "b" } }), {
                property: "tags",
                message: 'unknown property "tags" on StateMachineAlias: StateMachineAlias accepts name, description, routingConfiguration, deploymentPreference, adoptExisting.',
            }),
            ok("__provider is accepted", alias({ __provider: "serialized provider text" })),
            ok("__autonamePrefix is accepted", alias({ __autonamePrefix: "my-alias" })),
        ]);

        it("a far-off name's reason has no did-you-mean", () => {
            const [f] = check(alias({ zzzzzzzzzz: 1 })).failures;
            assert.ok(!f.reason.includes("did you mean"), f.reason);
        });

        it("removes __autonamePrefix from the returned inputs and keeps __provider", () => {
            const { inputs, failures } = check(alias({ __provider: "p", __autonamePrefix: "my-alias" }));
            assert.deepStrictEqual(failures, []);
            assert.deepStrictEqual(inputs, { name: "live", routingConfiguration: one(V1), __provider: "p" });
        });

        it("does not modify the news it is given", () => {
            const news = { __autonamePrefix: "my-alias", routingConfiguration: one(V1) };
            const copy = JSON.parse(JSON.stringify(news));
            check(news);
            assert.deepStrictEqual(news, copy);
        });
    });

    describe("preview: unknown values skip exactly the rules that need them", () => {
        it("UNKNOWN is pulumi.runtime.unknownValue", () => {
            // eslint-disable-next-line @typescript-eslint/no-var-requires
            assert.strictEqual(UNKNOWN, require("@pulumi/pulumi").runtime.unknownValue);
        });

        runTable([
            ok("unknown name", alias({ name: UNKNOWN })),
            bad("unknown name: the description is still checked", alias({ name: UNKNOWN, description: "d".repeat(257) }), { property: "description" }),
            ok("unknown description", alias({ description: UNKNOWN })),
            bad("unknown description: the name is still checked", alias({ description: UNKNOWN, name: "a b" }), { property: "name" }),
            ok("unknown adoptExisting", alias({ adoptExisting: UNKNOWN })),
            ok("unknown routing list", routed(UNKNOWN)),
            bad("unknown routing list: the name is still checked", alias({ routingConfiguration: UNKNOWN, name: "" }), { property: "name" }),
            ok("an unknown entry", routed([UNKNOWN, entry(V2, 40)])),
            bad("an unknown entry: the other entry is still checked", routed([UNKNOWN, entry(SM, 101)]),
                { property: "routingConfiguration[1].stateMachineVersionArn", includes: ["unqualified"] },
                { property: "routingConfiguration[1].weight", includes: ["is 101"] },
            ),
            ok("an unknown ARN beside a known one", routed([entry(UNKNOWN, 50), entry(V2, 50)])),
            bad("an unknown ARN beside an invalid one", routed([entry(UNKNOWN, 50), entry("nope", 50)]), {
                property: "routingConfiguration[1].stateMachineVersionArn",
                includes: ['"nope"'],
            }),
            bad("an unknown ARN: known weights are still summed", routed([entry(UNKNOWN, 50), entry(V2, 60)]), {
                property: "routingConfiguration",
                includes: ["sum to 110"],
            }),
            ok("an unknown weight: no sum check", routed([entry(V1, UNKNOWN), entry(V2, 30)])),
            bad("an unknown weight: the other weight is still checked", routed([entry(V1, UNKNOWN), entry(V2, 300)]), {
                property: "routingConfiguration[1].weight",
            }),
            bad("an unknown weight: duplicate versions are still found", routed([entry(V1, UNKNOWN), entry(V1, 30)]), {
                property: "routingConfiguration[1].stateMachineVersionArn",
                includes: ["same version"],
            }),
            bad("an unknown weight: the entry count is still checked", routed([entry(V1, UNKNOWN), entry(V2, 1), entry(`${SM}:3`, 1)]), {
                property: "routingConfiguration",
                includes: ["has 3 entries"],
            }),
        ]);

        it("unknown values are passed through unchanged", () => {
            const news = alias({ name: UNKNOWN, description: UNKNOWN, routingConfiguration: [entry(UNKNOWN, UNKNOWN)] });
            assert.deepStrictEqual(check(news).inputs, news);
        });
    });

    describe("autonaming", () => {
        const AUTONAME = /^my-alias-[a-z0-9]{7}$/;
        const SEED = JSON.stringify(["proj", "dev", "", "my-alias"]);
        const unnamed = (prefix: unknown = "my-alias", over: Inputs = {}) => alias({ name: undefined, __autonamePrefix: prefix, __autonameSeed: SEED, ...over });

        it("makes <prefix>-<7 [a-z0-9]> when name is omitted, and removes the SDK's keys from the inputs", () => {
            const { inputs, failures } = check(unnamed());
            assert.deepStrictEqual(failures, []);
            assert.match(inputs.name as string, AUTONAME);
            assert.ok(!("__autonamePrefix" in inputs) && !("__autonameSeed" in inputs));
        });

        it("is the same name every time for the same seed (preview and up each run their own Check)", () => {
            const names = new Set(Array.from({ length: 20 }, () => check(unnamed()).inputs.name));
            assert.strictEqual(names.size, 1);
            // Pinned, so that a change of the digest (which would rename every autonamed alias) cannot pass unseen.
            assert.strictEqual(check(unnamed()).inputs.name, autoname("my-alias", SEED));
            assert.strictEqual(autoname("x", "fixed seed"), "x-2o48cvo");
        });

        it("differs between stacks, projects, parents and resource names", () => {
            const seeds = [
                ["proj", "dev", "", "my-alias"], ["proj", "prod", "", "my-alias"], ["other", "dev", "", "my-alias"],
                ["proj", "dev", "urn:pulumi:dev::proj::my:Component::c", "my-alias"], ["proj", "dev", "", "my-alias2"],
            ].map((s) => JSON.stringify(s));
            assert.strictEqual(new Set(seeds.map((seed) => check(unnamed("my-alias", { __autonameSeed: seed })).inputs.name)).size, seeds.length);
        });

        it("a replacement checked with no olds gets the same name again (the real engine re-checks it so)", () => {
            const first = check(unnamed()).inputs.name;
            assert.strictEqual(check(unnamed(), {}).inputs.name, first);
        });

        it("keeps the previous name whatever made it: a rename with aliases (new prefix and seed) keeps the alias", () => {
            const olds = { name: "my-alias-k3p9x0z", routingConfiguration: one(V1) };
            const renamed = unnamed("renamed", { __autonameSeed: JSON.stringify(["proj", "dev", "", "renamed"]) });
            assert.strictEqual(check(renamed, olds).inputs.name, "my-alias-k3p9x0z");
        });

        it("keeps an explicit name the user removed (as Pulumi's bridged providers do), rather than replacing the alias", () => {
            assert.strictEqual(check(unnamed(), { name: "live", routingConfiguration: one(V1) }).inputs.name, "live");
        });

        it("an explicit name wins over the prefix and the previous name", () => {
            assert.strictEqual(check(unnamed("my-alias", { name: "explicit" }), { name: "old" }).inputs.name, "explicit");
        });

        it("without a seed (a direct use of the provider with a prefix), the prefix alone seeds it", () => {
            assert.strictEqual(check(unnamed("my-alias", { __autonameSeed: undefined })).inputs.name, autoname("my-alias", "my-alias"));
        });

        for (const [title, prefix] of [
            ["a long prefix", "p".repeat(200)],
            ["a prefix of invalid characters", "my alias/é:ü ☃"],
            ["a long prefix of invalid characters", "é".repeat(120)],
            ["a digits-only prefix", "1234"],
            ["a prefix of exactly 72 characters", "q".repeat(72)],
        ] as const) {
            it(`${title} still yields a valid name of at most ${NAME_MAX_LENGTH} characters, kept on the next check`, () => {
                const first = check(unnamed(prefix));
                assert.deepStrictEqual(first.failures, []);
                const name = first.inputs.name as string;
                assert.ok(name.length <= NAME_MAX_LENGTH, `${name.length} characters`);
                assert.match(name, NAME_PATTERN);
                assert.match(name, /-[a-z0-9]{7}$/);
                const again = check(unnamed(prefix), first.inputs);
                assert.strictEqual(again.inputs.name, name);
            });
        }

        it("no name and no prefix is a failure on name", () => {
            assertFailures(check(alias({ name: undefined })).failures, [
                { property: "name", includes: ["name is required", "StateMachineAlias class"] },
            ]);
        });

        it("an empty or non-string prefix is a failure on name", () => {
            assertFailures(check(unnamed("")).failures, [{ property: "name", includes: ["name is required"] }]);
            assertFailures(check(unnamed(5)).failures, [{ property: "name", includes: ["name is required"] }]);
        });
    });

    describe("shapes no engine sends, handled without throwing", () => {
        runTable([
            // eslint-disable-next-line no-sparse-arrays
            bad("a sparse routing list", routed([, entry(V1, 100)]), { property: "routingConfiguration[0]", includes: ["must be an object", "an undefined"] }),
            bad("an object as routing", routed({ a: 1 }), { property: "routingConfiguration", includes: ['an object with key "a"; write it as [{ stateMachineVersionArn: <version ARN>, weight: 100 }].'] }),
        ]);
        it("refuses inputs that are not an object", () => {
            for (const news of [null, 5, "x", []]) {
                const { failures } = checkAlias({}, news as unknown as Inputs);
                assert.strictEqual(failures.length, 1);
                assert.ok(failures[0].reason.startsWith("StateMachineAlias takes an object of inputs"), failures[0].reason);
            }
        });
    });
});
