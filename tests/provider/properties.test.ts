// Invariants of check and diff over generated inputs (fast-check, fixed seed): every valid input is
// accepted, junk never throws, check is idempotent, diff is order- and provider-insensitive, and only a
// name or state machine change replaces.
import * as assert from "assert";
import * as fc from "fast-check";
import { checkAlias } from "../../provider/check";
import { diffAlias } from "../../provider/diff";
import { canonicalDescription, sameRouting } from "../../provider/normalize";
import { NAME_PATTERN, UNKNOWN } from "../../provider/rules";
import { aliasOutputs } from "../../provider/normalize";
import { RoutingEntry } from "../../provider/types";

type Props = Record<string, unknown>;

const RUNS = { numRuns: 300, seed: 20240501 };

// ---- arbitraries: valid inputs --------------------------------------------------------------------

const PARTITION_REGIONS: readonly [string, string][] = [
    ["aws", "us-east-1"],
    ["aws", "eu-central-1"],
    ["aws", "ap-southeast-2"],
    ["aws", "sa-east-1"],
    ["aws-cn", "cn-north-1"],
    ["aws-cn", "cn-northwest-1"],
    ["aws-us-gov", "us-gov-west-1"],
    ["aws-us-gov", "us-gov-east-1"],
    ["aws-iso", "us-iso-east-1"],
];

/** An alias name AWS accepts: 1-80 of [a-zA-Z0-9_.-], not digits only. */
const nameArb = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,80}$/).filter((n) => NAME_PATTERN.test(n));
const descriptionArb = fc.oneof(fc.string({ maxLength: 256 }), fc.string({ unit: "binary", maxLength: 128 }), fc.constant(""));

/** An unqualified state machine ARN. */
const stateMachineArb = fc
    .tuple(fc.constantFrom(...PARTITION_REGIONS), fc.stringMatching(/^\d{12}$/), fc.stringMatching(/^[a-zA-Z0-9_-]{1,80}$/))
    .map(([[partition, region], account, name]) => `arn:${partition}:states:${region}:${account}:stateMachine:${name}`);

const versionNumberArb = fc.integer({ min: 1, max: 9_999_999 });

/** 1 or 2 distinct versions of `sm` with integer weights summing to 100. */
function routingOf(sm: string): fc.Arbitrary<RoutingEntry[]> {
    return fc.oneof(
        versionNumberArb.map((v) => [{ stateMachineVersionArn: `${sm}:${v}`, weight: 100 }]),
        fc.tuple(fc.uniqueArray(versionNumberArb, { minLength: 2, maxLength: 2 }), fc.integer({ min: 0, max: 100 })).map(([[a, b], w]) => [
            { stateMachineVersionArn: `${sm}:${a}`, weight: w },
            { stateMachineVersionArn: `${sm}:${b}`, weight: 100 - w },
        ]),
    );
}

interface Valid {
    readonly sm: string;
    /** Checked inputs (explicit name, `__provider` set), as diff receives them. */
    readonly inputs: Props;
}

const validArb: fc.Arbitrary<Valid> = stateMachineArb.chain((sm) =>
    fc
        .record(
            {
                name: nameArb,
                description: descriptionArb,
                routingConfiguration: routingOf(sm),
                adoptExisting: fc.boolean(),
            },
            { requiredKeys: ["name", "routingConfiguration"] },
        )
        .map((x) => ({ sm, inputs: { ...x, __provider: "serialized-provider" } as Props })),
);

/** A valid input as the SDK sends it to check: an explicit name, or none and the resource name. */
const checkableArb: fc.Arbitrary<{ olds: Props; news: Props }> = fc
    .tuple(validArb, fc.boolean(), fc.stringMatching(/^[a-zA-Z0-9_.\- /é]{1,100}$/), fc.boolean(), fc.string())
    .map(([{ inputs }, autonamed, prefix, withOlds, seed]) => {
        const news: Props = { ...inputs, __autonamePrefix: prefix, __autonameSeed: seed };
        if (autonamed) delete news.name;
        return { olds: withOlds ? { ...inputs } : {}, news };
    });

/** What the provider records after creating `inputs`: its own canonical outputs (normalize.ts). */
function outputsOf(inputs: Props, sm: string): Props {
    return {
        ...aliasOutputs({
            ...(inputs as { name: string; description?: string; routingConfiguration: RoutingEntry[]; adoptExisting?: boolean }),
            arn: `${sm}:${inputs.name}`,
            stateMachineArn: sm,
            creationDate: "2024-05-01T10:00:00.000Z",
            updateDate: "2024-05-01T10:00:00.000Z",
        }),
        __provider: "x",
    };
}

// ---- arbitraries: junk ---------------------------------------------------------------------------

const anything = fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withNullPrototype: true, withObjectString: true });
const junkString = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constant(""), fc.constant(UNKNOWN));
const junkArn = fc.oneof(
    junkString,
    stateMachineArb,
    stateMachineArb.map((sm) => `${sm}:1`),
    fc.tuple(stateMachineArb, fc.string()).map(([sm, q]) => `${sm}:${q}`),
    fc.tuple(fc.constantFrom("aws", "aws-cn", "x", ""), fc.constantFrom("states", "lambda", ""), fc.string(), fc.string(), fc.string()).map((p) => `arn:${p.join(":")}`),
    anything,
);
const junkWeight = fc.oneof(fc.integer({ min: -200, max: 200 }), fc.double(), fc.constant(UNKNOWN), junkString, anything);
const junkEntry = fc.oneof(
    fc.record({ stateMachineVersionArn: junkArn, weight: junkWeight }, { requiredKeys: [] }),
    fc.dictionary(fc.constantFrom("stateMachineVersionArn", "weight", "versionArn", "weigth", "__proto__x"), fc.oneof(junkArn, junkWeight)),
    fc.constant(UNKNOWN),
    anything,
);
const junkRouting = fc.oneof(fc.array(junkEntry, { maxLength: 4 }), fc.constant(UNKNOWN), anything);
const junkKey = fc.oneof(
    fc.constantFrom("name", "description", "routingConfiguration", "routingConfigurations", "adoptExisting", "__provider", "__autonamePrefix", "nmae", "x"),
    fc.string(),
);
/** Inputs shaped like the resource's, with wrong values everywhere. */
const structuredJunk: fc.Arbitrary<Props> = fc
    .tuple(
        fc.record(
            {
                name: fc.oneof(junkString, nameArb, anything),
                description: fc.oneof(junkString, fc.string({ minLength: 250, maxLength: 300 }), anything),
                routingConfiguration: junkRouting,
                adoptExisting: fc.oneof(fc.boolean(), junkString, anything),
                __autonamePrefix: fc.oneof(junkString, anything),
                __provider: anything,
            },
            { requiredKeys: [] },
        ),
        fc.dictionary(junkKey, anything, { maxKeys: 3 }),
    )
    .map(([a, b]) => ({ ...b, ...a }));
const junkObject: fc.Arbitrary<Props> = fc.oneof(
    fc.object({ withBoxedValues: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withNullPrototype: true }) as fc.Arbitrary<Props>,
    structuredJunk,
);

function assertWellFormed(outcome: ReturnType<typeof checkAlias>): void {
    assert.ok(Array.isArray(outcome.failures));
    for (const f of outcome.failures) {
        assert.strictEqual(typeof f.property, "string");
        assert.strictEqual(typeof f.reason, "string");
        assert.ok(f.reason.length > 0);
    }
    assert.ok(typeof outcome.inputs === "object" && outcome.inputs !== null);
}

// ---- properties: check ---------------------------------------------------------------------------

describe("properties: checkAlias", () => {
    it("accepts every valid input with no failures", () => {
        fc.assert(
            fc.property(checkableArb, ({ olds, news }) => {
                const { inputs, failures } = checkAlias(olds, news);
                assert.deepStrictEqual(failures, []);
                assert.match(inputs.name as string, NAME_PATTERN);
                assert.ok((inputs.name as string).length <= 80);
                assert.ok(!("__autonamePrefix" in inputs));
            }),
            RUNS,
        );
    });

    it("never throws on junk, and returns failures with string properties", () => {
        fc.assert(
            fc.property(junkObject, fc.oneof(junkObject, fc.constant({})), (news, olds) => {
                assertWellFormed(checkAlias(olds, news));
            }),
            RUNS,
        );
    });

    it("never throws when any single property of a valid input is replaced by anything", () => {
        const keys = ["name", "description", "routingConfiguration", "adoptExisting", "__autonamePrefix"];
        fc.assert(
            fc.property(validArb, fc.constantFrom(...keys), fc.oneof(anything, junkRouting, fc.constant(UNKNOWN)), ({ inputs }, key, value) => {
                assertWellFormed(checkAlias({}, { ...inputs, [key]: value }));
            }),
            RUNS,
        );
    });

    it("is idempotent on valid inputs, autonamed or not", () => {
        fc.assert(
            fc.property(checkableArb, ({ olds, news }) => {
                const once = checkAlias(olds, news);
                const twice = checkAlias(olds, once.inputs);
                assert.deepStrictEqual(twice, once);
            }),
            RUNS,
        );
    });

    it("is idempotent on junk", () => {
        fc.assert(
            fc.property(structuredJunk, (news) => {
                const once = checkAlias({}, news);
                const twice = checkAlias({}, once.inputs);
                assert.deepStrictEqual(twice, once);
            }),
            RUNS,
        );
    });
});

// ---- properties: diff ----------------------------------------------------------------------------

/** Another state machine than `sm` (by name, region or account). */
function otherStateMachine(sm: string): fc.Arbitrary<string> {
    return stateMachineArb.filter((other) => other !== sm);
}

describe("properties: diffAlias", () => {
    it("diff(outputsOf(x), x) has no change for every valid x", () => {
        fc.assert(
            fc.property(validArb, ({ sm, inputs }) => {
                const d = diffAlias(outputsOf(inputs, sm), inputs);
                assert.strictEqual(d.changes, false, JSON.stringify(d));
                assert.deepStrictEqual(d.replaces, []);
            }),
            RUNS,
        );
    });

    it("every permutation of routing is no change", () => {
        fc.assert(
            fc.property(validArb, ({ sm, inputs }) => {
                const routing = inputs.routingConfiguration as RoutingEntry[];
                const permutations = routing.length === 1 ? [routing] : [routing, [routing[1], routing[0]]];
                for (const stored of permutations) {
                    for (const desired of permutations) {
                        const d = diffAlias(outputsOf({ ...inputs, routingConfiguration: stored }, sm), { ...inputs, routingConfiguration: desired });
                        assert.strictEqual(d.changes, false, JSON.stringify(d));
                    }
                }
            }),
            RUNS,
        );
    });

    it("check then diff against its own outputs is no change (autonamed included)", () => {
        fc.assert(
            fc.property(checkableArb, ({ olds, news }) => {
                const { inputs } = checkAlias(olds, news);
                const sm = (inputs.routingConfiguration as RoutingEntry[])[0].stateMachineVersionArn.replace(/:\d+$/, "");
                assert.strictEqual(diffAlias(outputsOf(inputs, sm), inputs).changes, false);
            }),
            RUNS,
        );
    });

    it("changing the name always replaces", () => {
        fc.assert(
            fc.property(validArb, nameArb, ({ sm, inputs }, name) => {
                fc.pre(name !== inputs.name);
                const d = diffAlias(outputsOf(inputs, sm), { ...inputs, name });
                assert.strictEqual(d.changes, true);
                assert.ok(d.replaces.includes("name"), JSON.stringify(d));
            }),
            RUNS,
        );
    });

    it("changing to versions of another state machine always replaces", () => {
        fc.assert(
            fc.property(
                validArb.chain((v) => otherStateMachine(v.sm).chain((other) => routingOf(other).map((routing) => ({ ...v, routing })))),
                ({ sm, inputs, routing }) => {
                    const d = diffAlias(outputsOf(inputs, sm), { ...inputs, routingConfiguration: routing });
                    assert.strictEqual(d.changes, true);
                    assert.ok(d.replaces.includes("routingConfiguration"), JSON.stringify(d));
                },
            ),
            RUNS,
        );
    });

    it("any other change (description, weights, versions of the same state machine, adoptExisting) never replaces", () => {
        const changed = validArb.chain((v) =>
            fc
                .record(
                    { description: descriptionArb, routingConfiguration: routingOf(v.sm), adoptExisting: fc.boolean() },
                    { requiredKeys: [] },
                )
                .map((over) => ({ ...v, news: { ...v.inputs, ...over, __provider: "other" } as Props })),
        );
        fc.assert(
            fc.property(changed, fc.boolean(), ({ sm, inputs, news }, dropDescription) => {
                if (dropDescription) delete news.description;
                const d = diffAlias(outputsOf(inputs, sm), news);
                assert.deepStrictEqual(d.replaces, []);
                const differs =
                    canonicalDescription(inputs.description as string | undefined) !== canonicalDescription(news.description as string | undefined) ||
                    !sameRouting(inputs.routingConfiguration as RoutingEntry[], news.routingConfiguration as RoutingEntry[]);
                assert.strictEqual(d.changes, differs, JSON.stringify({ d, inputs, news }));
            }),
            RUNS,
        );
    });

    it("changes is always a boolean, and true whenever a value is unknown", () => {
        const unknownAt = fc.constantFrom("name", "description", "routing", "entry", "arn", "weight", "none");
        fc.assert(
            fc.property(validArb, validArb, unknownAt, fc.nat(1), (a, b, where, i) => {
                const news: Props = { ...b.inputs, routingConfiguration: (b.inputs.routingConfiguration as Props[]).map((e) => ({ ...e })) };
                const routing = news.routingConfiguration as Props[];
                const k = Math.min(i, routing.length - 1);
                if (where === "name") news.name = UNKNOWN;
                if (where === "description") news.description = UNKNOWN;
                if (where === "routing") news.routingConfiguration = UNKNOWN;
                if (where === "entry") routing[k] = UNKNOWN as never;
                if (where === "arn") routing[k].stateMachineVersionArn = UNKNOWN;
                if (where === "weight") routing[k].weight = UNKNOWN;
                for (const olds of [outputsOf(a.inputs, a.sm), outputsOf(b.inputs, b.sm)]) {
                    const d = diffAlias(olds, news);
                    assert.strictEqual(typeof d.changes, "boolean");
                    if (where !== "none") assert.strictEqual(d.changes, true, `${where}: ${JSON.stringify(d)}`);
                    if (where === "name") assert.ok(d.replaces.includes("name"));
                }
            }),
            RUNS,
        );
    });
});
