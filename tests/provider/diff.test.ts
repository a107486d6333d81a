// diffAlias (stored outputs vs. checked inputs) and the canonical form of what is sent and recorded, as
// tables: GIVEN the previous outputs and the new inputs, THEN exactly this change / replacement / form.
import * as assert from "assert";
import { diffAlias } from "../../provider/diff";
import { aliasOutputs, AliasConfiguration, canonicalConfiguration } from "../../provider/normalize";
import { UNKNOWN } from "../../provider/rules";

type Props = Record<string, unknown>;

const SM = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
const V = (n: number, sm = SM) => `${sm}:${n}`;
const entry = (stateMachineVersionArn: unknown, weight: unknown) => ({ stateMachineVersionArn, weight });
const OTHER_NAME = "arn:aws:states:us-east-1:123456789012:stateMachine:payments";
const OTHER_REGION = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders";
const OTHER_ACCOUNT = "arn:aws:states:us-east-1:210987654321:stateMachine:orders";

/** Checked inputs, as the engine passes them to diff (with the serialized provider). */
function inputs(over: Props = {}): Props {
    const x: Props = { name: "live", description: "orders alias", routingConfiguration: [entry(V(1), 90), entry(V(2), 10)], __provider: "x", ...over };
    for (const k of Object.keys(x)) if (x[k] === undefined) delete x[k];
    return x;
}

/** What the provider stored after creating `x`. */
function outputsOf(x: Props, stateMachineArn = SM): Props {
    return {
        ...x,
        arn: `${stateMachineArn}:${x.name}`,
        stateMachineArn,
        creationDate: "2024-05-01T10:00:00.000Z",
        updateDate: "2024-05-02T10:00:00.000Z",
        __provider: "x",
    };
}

interface Row {
    readonly title: string;
    readonly olds: Props;
    readonly news: Props;
    readonly changes: boolean;
    readonly replaces?: readonly string[];
    readonly diffs?: readonly string[];
}

function runTable(rows: readonly Row[]): void {
    for (const row of rows) {
        it(row.title, () => {
            const d = diffAlias(row.olds, row.news);
            assert.strictEqual(d.changes, row.changes, `diff was ${JSON.stringify(d)}`);
            assert.deepStrictEqual([...d.replaces].sort(), [...(row.replaces ?? [])].sort(), `diff was ${JSON.stringify(d)}`);
            if (row.diffs) assert.deepStrictEqual([...d.diffs].sort(), [...row.diffs].sort(), `diff was ${JSON.stringify(d)}`);
        });
    }
}

const BASE = outputsOf(inputs());
const same = (title: string, news: Props, olds: Props = BASE): Row => ({ title, olds, news, changes: false, replaces: [], diffs: [] });
const update = (title: string, news: Props, diffs: string[], olds: Props = BASE): Row => ({ title, olds, news, changes: true, replaces: [], diffs });
const replace = (title: string, news: Props, replaces: string[], olds: Props = BASE): Row => ({ title, olds, news, changes: true, replaces });

describe("diffAlias", () => {
    describe("no change", () => {
        runTable([
            same("the same inputs", inputs()),
            same("another serialized provider", inputs({ __provider: "a different serialization of the same provider" })),
            same("routing entries in another order", inputs({ routingConfiguration: [entry(V(2), 10), entry(V(1), 90)] })),
            same("adoptExisting set to true alone", inputs({ adoptExisting: true })),
            same("adoptExisting removed alone", inputs(), outputsOf(inputs({ adoptExisting: true }))),
            same("adoptExisting true -> false alone", inputs({ adoptExisting: false }), outputsOf(inputs({ adoptExisting: true }))),
            same("description absent, stored as \"\"", inputs({ description: undefined }), outputsOf(inputs({ description: "" }))),
            same("description \"\", stored absent", inputs({ description: "" }), outputsOf(inputs({ description: undefined }))),
            same("a single entry", inputs({ routingConfiguration: [entry(V(3), 100)] }), outputsOf(inputs({ routingConfiguration: [entry(V(3), 100)] }))),
            same("all at once: provider, order, adoptExisting", inputs({
                __provider: "y",
                adoptExisting: true,
                routingConfiguration: [entry(V(2), 10), entry(V(1), 90)],
            })),
        ]);
    });

    describe("in-place update", () => {
        runTable([
            update("description changed", inputs({ description: "new" }), ["description"]),
            update("description added", inputs({ description: "new" }), ["description"], outputsOf(inputs({ description: undefined }))),
            update("description removed", inputs({ description: undefined }), ["description"]),
            update("weights changed", inputs({ routingConfiguration: [entry(V(1), 80), entry(V(2), 20)] }), ["routingConfiguration"]),
            update("a version changed within the state machine", inputs({ routingConfiguration: [entry(V(1), 90), entry(V(3), 10)] }), ["routingConfiguration"]),
            update("both versions changed within the state machine", inputs({ routingConfiguration: [entry(V(5), 90), entry(V(6), 10)] }), ["routingConfiguration"]),
            update("one entry -> two", inputs(), ["routingConfiguration"], outputsOf(inputs({ routingConfiguration: [entry(V(1), 100)] }))),
            update("two entries -> one", inputs({ routingConfiguration: [entry(V(2), 100)] }), ["routingConfiguration"]),
            update("description and routing changed", inputs({ description: "d", routingConfiguration: [entry(V(2), 100)] }), ["description", "routingConfiguration"]),
            update("a change plus adoptExisting", inputs({ description: "d", adoptExisting: true }), ["description"]),
            update(
                "stored outputs without stateMachineArn: the state machine is read from the stored routing",
                inputs({ routingConfiguration: [entry(V(3), 100)] }),
                ["routingConfiguration"],
                (() => {
                    const o = { ...BASE };
                    delete o.stateMachineArn;
                    return o;
                })(),
            ),
        ]);
    });

    describe("replacement", () => {
        runTable([
            replace("name changed", inputs({ name: "canary" }), ["name"]),
            replace("name changed only in case", inputs({ name: "Live" }), ["name"]),
            replace("versions of a state machine with another name", inputs({ routingConfiguration: [entry(V(1, OTHER_NAME), 100)] }), ["routingConfiguration"]),
            replace("versions of the state machine in another region", inputs({ routingConfiguration: [entry(V(1, OTHER_REGION), 100)] }), ["routingConfiguration"]),
            replace("versions of the state machine in another account", inputs({ routingConfiguration: [entry(V(1, OTHER_ACCOUNT), 90), entry(V(2, OTHER_ACCOUNT), 10)] }), ["routingConfiguration"]),
            replace("another state machine, same version numbers and weights", inputs({ routingConfiguration: [entry(V(1, OTHER_NAME), 90), entry(V(2, OTHER_NAME), 10)] }), ["routingConfiguration"]),
            replace("name and state machine changed", inputs({ name: "canary", routingConfiguration: [entry(V(1, OTHER_NAME), 100)] }), ["name", "routingConfiguration"]),
            replace("name changed with adoptExisting", inputs({ name: "canary", adoptExisting: true }), ["name"]),
        ]);

        it("a replacement names the property in diffs too", () => {
            const d = diffAlias(BASE, inputs({ name: "canary" }));
            assert.ok(d.diffs.includes("name"));
        });
    });

    describe("preview: unknown values are a change, never a false no-change", () => {
        runTable([
            replace("unknown name", inputs({ name: UNKNOWN }), ["name"]),
            update("unknown description", inputs({ description: UNKNOWN }), ["description"]),
            update("unknown routing list", inputs({ routingConfiguration: UNKNOWN }), ["routingConfiguration"]),
            update("an unknown entry", inputs({ routingConfiguration: [UNKNOWN, entry(V(2), 10)] }), ["routingConfiguration"]),
            update("an unknown ARN", inputs({ routingConfiguration: [entry(UNKNOWN, 90), entry(V(2), 10)] }), ["routingConfiguration"]),
            update("an unknown weight", inputs({ routingConfiguration: [entry(V(1), UNKNOWN), entry(V(2), 10)] }), ["routingConfiguration"]),
            update("unknown ARN and weight of a single entry", inputs({ routingConfiguration: [entry(UNKNOWN, UNKNOWN)] }), ["routingConfiguration"]),
        ]);
    });

    it("changes is always a boolean", () => {
        for (const news of [inputs(), inputs({ name: "x" }), inputs({ description: UNKNOWN }), inputs({ routingConfiguration: UNKNOWN })]) {
            assert.strictEqual(typeof diffAlias(BASE, news).changes, "boolean");
        }
    });
});

describe("canonical configuration and outputs (normalize.ts): one form for what is sent and recorded", () => {
    const r = (...e: [number, number][]) => e.map(([v, w]) => ({ stateMachineVersionArn: V(v), weight: w }));
    const rows: { title: string; given: { description?: string; routingConfiguration: { stateMachineVersionArn: string; weight: number }[] }; expected: AliasConfiguration }[] = [
        { title: "routing sorted by version ARN", given: { description: "d", routingConfiguration: r([2, 10], [1, 90]) }, expected: { description: "d", routingConfiguration: r([1, 90], [2, 10]) } },
        { title: "already sorted: unchanged", given: { description: "d", routingConfiguration: r([1, 90], [2, 10]) }, expected: { description: "d", routingConfiguration: r([1, 90], [2, 10]) } },
        { title: "absent description: \"\" (an update sends it, which clears one)", given: { routingConfiguration: r([3, 100]) }, expected: { description: "", routingConfiguration: r([3, 100]) } },
        { title: "empty description stays \"\"", given: { description: "", routingConfiguration: r([3, 100]) }, expected: { description: "", routingConfiguration: r([3, 100]) } },
        { title: "versions sorted as strings (10 before 9), as everywhere", given: { routingConfiguration: r([9, 50], [10, 50]) }, expected: { description: "", routingConfiguration: r([10, 50], [9, 50]) } },
    ];
    for (const row of rows) {
        it(row.title, () => assert.deepStrictEqual(canonicalConfiguration(row.given), row.expected));
    }

    it("keeps only stateMachineVersionArn and weight of each entry", () => {
        const given = { routingConfiguration: [{ stateMachineVersionArn: V(3), weight: 100, extra: 1 } as never] };
        assert.deepStrictEqual(canonicalConfiguration(given), { description: "", routingConfiguration: r([3, 100]) });
    });

    it("outputs carry every declared key, adoptExisting as a boolean", () => {
        const outs = aliasOutputs({ name: "live", routingConfiguration: r([2, 10], [1, 90]), arn: `${SM}:live`, stateMachineArn: SM, creationDate: "c", updateDate: "u" });
        assert.deepStrictEqual(outs, {
            name: "live", description: "", routingConfiguration: r([1, 90], [2, 10]), adoptExisting: false,
            arn: `${SM}:live`, stateMachineArn: SM, creationDate: "c", updateDate: "u",
        });
        assert.equal(aliasOutputs({ ...outs, adoptExisting: true }).adoptExisting, true);
        assert.equal(aliasOutputs({ ...outs, adoptExisting: "yes" }).adoptExisting, false);
    });

    it("does not modify its arguments", () => {
        const given = { description: "x", routingConfiguration: r([2, 50], [1, 50]) };
        const copy = JSON.parse(JSON.stringify(given));
        canonicalConfiguration(given);
        assert.deepStrictEqual(given, copy);
    });
});
