// explain.ts: the one place that matches AWS's wording, pinned on the messages AWS returns (recorded by
// LocalStack against AWS, test_sfn_api_aliasing.snapshot.json; ../shared/notes/sfn-alias-api.md), and the
// messages built from what the provider looked up, which say what exists and assert no cause.
import * as assert from "assert";
import { alreadyExistsMessage, isMissingVersionMessage, missingVersionMessage } from "../../provider/explain";

const SM = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";

describe("explain: AWS's wording, matched in one place", () => {
    const rows: [string, string, boolean][] = [
        ["a version that does not exist (AWS's recorded message)", `Routing configuration must contain state machine version ARNs. Received: [${SM}:99]`, true],
        ["two entries, one missing", `Routing configuration must contain state machine version ARNs. Received: [${SM}:1, ${SM}:99]`, true],
        ["duplicate versions: another error", `Routing configuration must contain distinct state machine version ARNs. Received: [${SM}:1, ${SM}:1]`, false],
        ["weights: another error", "Sum of routing configuration weights must equal 100. Received: [70, 29]", false],
        ["no message", "", false],
    ];
    for (const [title, message, expected] of rows) it(title, () => assert.strictEqual(isMissingVersionMessage(message), expected));
});

describe("explain: messages from what was looked up", () => {
    const routing = [{ stateMachineVersionArn: `${SM}:1`, weight: 90 }, { stateMachineVersionArn: `${SM}:99`, weight: 10 }];
    it("names the versions that exist and the ones that do not, and guesses no cause", () => {
        const m = missingVersionMessage(`${SM}:live`, SM, routing, { kind: "versions", versions: [2, 1] }, "AWS's words");
        assert.strictEqual(m, `The alias ${SM}:live routes to ${SM}:1 (weight 90) and ${SM}:99 (weight 10), but ${SM} has the versions 1, 2, not 99: ` +
            "route to a version that exists, or publish one (publish: true on aws.sfn.StateMachine, or PublishStateMachineVersion) and use the ARN it gives, then run up again. AWS said: AWS's words");
        assert.doesNotMatch(m, /deleted/);
    });
    it("a state machine with no versions, and one that does not exist", () => {
        assert.match(missingVersionMessage("a", SM, routing, { kind: "versions", versions: [] }, "w"), new RegExp(`but ${SM} has no published versions, not 1 or 99`));
        assert.match(missingVersionMessage("a", SM, routing, { kind: "no-state-machine" }, "w"), new RegExp(`but the state machine ${SM} does not exist: create the state machine`));
    });
    it("the versions could not be listed: says so, and what AWS said of the listing", () => {
        assert.match(missingVersionMessage("a", SM, routing, { kind: "unknown", why: "AccessDeniedException" }, "w"), /AWS has no such version \(its versions could not be listed: AccessDeniedException\)/);
    });
    it("already exists: the alias, AWS's creation date, each cause with its fix", () => {
        const m = alreadyExistsMessage(`${SM}:live`, "2026-11-01T10:00:00.000Z");
        assert.ok(m.startsWith(`The alias ${SM}:live already exists (created 2026-11-01T10:00:00.000Z, as AWS reports it) and this resource's state does not hold it`));
        for (const fix of ["aliases resource option", "choose another name", "set adoptExisting: true once", "deleteBeforeReplace: true"]) assert.ok(m.includes(fix), fix);
        assert.match(alreadyExistsMessage(`${SM}:live`, undefined), /\(AWS did not say when it was created\)/);
    });
});
