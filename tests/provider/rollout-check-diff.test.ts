// deploymentPreference through the resource's check and diff: mutually exclusive with routingConfiguration,
// a rollout stays on the alias's state machine, and the diff compares where the rollout ends (100% on the
// version) with what AWS has, so an unchanged target is no change (no API call) whatever else the preference
// says, and a rollout left part-way always is one.
import * as assert from "assert";
import { checkAlias } from "../../provider/check";
import { diffAlias } from "../../provider/diff";
import { aliasOutputs } from "../../provider/normalize";
import { UNKNOWN } from "../../provider/rules";

const SM = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
const OTHER = "arn:aws:states:us-east-1:123456789012:stateMachine:payments";
const V = (n: number, sm = SM) => `${sm}:${n}`;
const canary = (version: string, extra: Record<string, unknown> = {}) => ({ type: "CANARY", stateMachineVersionArn: version, percentage: 10, interval: 5, alarms: ["errors"], ...extra });
const outputs = (routing: { stateMachineVersionArn: string; weight: number }[], extra: Record<string, unknown> = {}) => ({
    ...aliasOutputs({ name: "live", routingConfiguration: routing, arn: `${SM}:live`, stateMachineArn: SM, creationDate: "2026-01-01T00:00:00.000Z", updateDate: "2026-01-01T00:00:00.000Z" }),
    ...extra,
});

describe("deploymentPreference in check", () => {
    it("is accepted instead of routingConfiguration", () => {
        assert.deepStrictEqual(checkAlias({}, { name: "live", deploymentPreference: canary(V(2)) }).failures, []);
    });
    it("refuses both, and neither, naming the other way", () => {
        const both = checkAlias({}, { name: "live", routingConfiguration: [{ stateMachineVersionArn: V(1), weight: 100 }], deploymentPreference: canary(V(2)) }).failures;
        assert.deepStrictEqual(both.map((f) => f.property), ["deploymentPreference"]);
        assert.ok(both[0].reason.includes("mutually exclusive") && both[0].reason.includes("Keep one"), both[0].reason);
        const neither = checkAlias({}, { name: "live" }).failures;
        assert.deepStrictEqual(neither.map((f) => f.property), ["routingConfiguration"]);
        assert.ok(neither[0].reason.includes("or set deploymentPreference instead"), neither[0].reason);
    });
    it("refuses a version of another state machine than the alias is on (from the previous inputs)", () => {
        const olds = { name: "live", routingConfiguration: [{ stateMachineVersionArn: V(1), weight: 100 }] };
        const f = checkAlias(olds, { name: "live", deploymentPreference: canary(V(2, OTHER)) }).failures;
        assert.deepStrictEqual(f.map((x) => x.property), ["deploymentPreference.stateMachineVersionArn"]);
        assert.ok(f[0].reason.includes(`but this alias is on ${SM}`) && f[0].reason.includes("set routingConfiguration instead"), f[0].reason);
        // ... and from a previous preference, too.
        const g = checkAlias({ name: "live", deploymentPreference: canary(V(1)) }, { name: "live", deploymentPreference: canary(V(3, OTHER)) }).failures;
        assert.deepStrictEqual(g.map((x) => x.property), ["deploymentPreference.stateMachineVersionArn"]);
    });
    it("passes its failures on with their paths, and unknowns with none", () => {
        const f = checkAlias({}, { name: "live", deploymentPreference: canary(V(2), { percentage: 100, alarms: [] }) }).failures;
        assert.deepStrictEqual(f.map((x) => x.property).sort(), ["deploymentPreference.alarms", "deploymentPreference.percentage"]);
        assert.deepStrictEqual(checkAlias({}, { name: "live", deploymentPreference: UNKNOWN }).failures, []);
        assert.deepStrictEqual(checkAlias({}, { name: "live", deploymentPreference: canary(UNKNOWN) }).failures, []);
    });
});

describe("deploymentPreference in diff", () => {
    const news = (pref: unknown, extra: Record<string, unknown> = {}) => ({ name: "live", description: "", deploymentPreference: pref, __provider: "x", ...extra });
    it("the target already at 100%: no change, whatever else the preference says", () => {
        const d = diffAlias(outputs([{ stateMachineVersionArn: V(2), weight: 100 }]), news(canary(V(2), { percentage: 50, alarms: ["other"] })));
        assert.deepStrictEqual(d, { changes: false, replaces: [], diffs: [] });
    });
    it("another target, an unknown target, or a split: an update of deploymentPreference, never a replacement", () => {
        for (const [olds, pref] of [
            [outputs([{ stateMachineVersionArn: V(1), weight: 100 }]), canary(V(2))],
            [outputs([{ stateMachineVersionArn: V(1), weight: 100 }]), canary(UNKNOWN)],
            [outputs([{ stateMachineVersionArn: V(1), weight: 100 }]), UNKNOWN],
            [outputs([{ stateMachineVersionArn: V(1), weight: 90 }, { stateMachineVersionArn: V(2), weight: 10 }]), canary(V(2))],
        ] as const) {
            assert.deepStrictEqual(diffAlias(olds, news(pref)), { changes: true, replaces: [], diffs: ["deploymentPreference"] });
        }
    });
    it("a rollout left part-way (its marker recorded) is always an update, even when the routing already matches", () => {
        const olds = outputs([{ stateMachineVersionArn: V(2), weight: 100 }], { rolloutInProgress: { originVersionArn: V(1), targetVersionArn: V(2) } });
        assert.deepStrictEqual(diffAlias(olds, news(canary(V(2)))).diffs, ["deploymentPreference"]);
        // With routingConfiguration again, the marker means nothing: the routing is compared.
        assert.deepStrictEqual(diffAlias(olds, { name: "live", description: "", routingConfiguration: [{ stateMachineVersionArn: V(2), weight: 100 }] }).changes, false);
    });
    it("a rename is still a replacement", () => {
        assert.deepStrictEqual(diffAlias(outputs([{ stateMachineVersionArn: V(2), weight: 100 }]), news(canary(V(2)), { name: "other" })).replaces, ["name"]);
    });
});
