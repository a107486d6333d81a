// diffAlias (stored outputs vs. checked inputs) and planUpdate (current vs. desired configuration) as
// tables: GIVEN the previous outputs and the new inputs, THEN exactly this change / replacement / plan.
import * as assert from "assert";
import { diffAlias } from "../../provider/diff";
import { AliasConfiguration, planUpdate, UpdateStep } from "../../provider/plan";
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

describe("planUpdate", () => {
    const r = (...e: [number, number][]) => e.map(([v, w]) => ({ stateMachineVersionArn: V(v), weight: w }));
    const CURRENT: AliasConfiguration = { description: "orders alias", routingConfiguration: r([1, 90], [2, 10]) };

    const rows: { title: string; current: AliasConfiguration; desired: AliasConfiguration; steps: UpdateStep[] }[] = [
        { title: "nothing changed: no step", current: CURRENT, desired: CURRENT, steps: [] },
        { title: "routing reordered: no step", current: CURRENT, desired: { ...CURRENT, routingConfiguration: r([2, 10], [1, 90]) }, steps: [] },
        { title: "absent description vs \"\": no step", current: { ...CURRENT, description: "" }, desired: { routingConfiguration: CURRENT.routingConfiguration }, steps: [] },
        { title: "description changed: only the description", current: CURRENT, desired: { ...CURRENT, description: "new" }, steps: [{ update: { description: "new" } }] },
        {
            title: "description added: only the description",
            current: { routingConfiguration: CURRENT.routingConfiguration },
            desired: { ...CURRENT, description: "new" },
            steps: [{ update: { description: "new" } }],
        },
        {
            title: "description removed: sent as \"\"",
            current: CURRENT,
            desired: { routingConfiguration: CURRENT.routingConfiguration },
            steps: [{ update: { description: "" } }],
        },
        {
            title: "weights changed: only the routing, as desired",
            current: CURRENT,
            desired: { ...CURRENT, routingConfiguration: r([1, 50], [2, 50]) },
            steps: [{ update: { routingConfiguration: r([1, 50], [2, 50]) } }],
        },
        {
            title: "a version changed: only the routing",
            current: CURRENT,
            desired: { ...CURRENT, routingConfiguration: r([3, 100]) },
            steps: [{ update: { routingConfiguration: r([3, 100]) } }],
        },
        {
            title: "one entry -> two",
            current: { ...CURRENT, routingConfiguration: r([1, 100]) },
            desired: CURRENT,
            steps: [{ update: { routingConfiguration: r([1, 90], [2, 10]) } }],
        },
        {
            title: "both changed: both fields in one step",
            current: CURRENT,
            desired: { description: undefined, routingConfiguration: r([2, 100]) },
            steps: [{ update: { description: "", routingConfiguration: r([2, 100]) } }],
        },
    ];
    for (const row of rows) {
        it(row.title, () => {
            assert.deepStrictEqual(planUpdate(row.current, row.desired), row.steps);
        });
    }

    it("sends routing entries with only stateMachineVersionArn and weight", () => {
        const desired = { routingConfiguration: [{ stateMachineVersionArn: V(3), weight: 100, extra: 1 } as never] };
        assert.deepStrictEqual(planUpdate(CURRENT, desired), [{ update: { description: "", routingConfiguration: r([3, 100]) } }]);
    });

    it("does not modify its arguments", () => {
        const current = JSON.parse(JSON.stringify(CURRENT));
        const desired = { description: "x", routingConfiguration: r([2, 100]) };
        const copy = JSON.parse(JSON.stringify(desired));
        planUpdate(current, desired);
        assert.deepStrictEqual(current, JSON.parse(JSON.stringify(CURRENT)));
        assert.deepStrictEqual(desired, copy);
    });
});
