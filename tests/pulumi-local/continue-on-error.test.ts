// continueOnError (`--continue-on-error`): every failed step is reported, independent resources still get
// their steps, dependants of a failure are skipped, nothing is deleted, and a run whose only steps fail
// leaves the state file as it was.
import * as assert from "assert";
import { ops, Scratch } from "./helpers";
import { run } from "../../tools/pulumi-local";

describe("pulumi-local continueOnError", function () {
    this.timeout(60_000);
    let p: Scratch;
    beforeEach(() => { p = new Scratch(); });
    afterEach(() => p.cleanup());

    it("an up's preview reports every check failure, and then no update runs (as the CLI: a failed preview ends the up)", async () => {
        await p.run("up", [{ name: "keep" }]);
        p.takeCalls();
        const before = p.stateText();
        const resources = [{ name: "keep" }, { name: "bad1", value: "invalid" }, { name: "ok" }, { name: "bad2", value: "invalid" }];
        const r = await run({ command: "up", cwd: p.dir, continueOnError: true,
            config: { resources: JSON.stringify(resources) }, env: { RECORDS_DIR: p.recordsDir } });
        assert.strictEqual(r.ok, false);
        assert.deepStrictEqual(r.steps.filter((s) => s.error).map((s) => s.name).sort(), ["bad1", "bad2"]);
        assert.ok(ops(r).includes("create ok"), "the preview planned the independent create");
        assert.deepStrictEqual(r.steps, r.preview!.steps);
        assert.deepStrictEqual(p.takeCalls(), []);
        assert.strictEqual(p.stateText(), before);
    });

    // With skipPreview, the update itself: independent resources still get their steps.
    it("reports every check failure and still steps the independent resources", async () => {
        await p.run("up", [{ name: "keep" }, { name: "gone" }]);
        p.takeCalls();
        const resources = [
            { name: "keep" },
            { name: "bad1", value: "invalid" },
            { name: "ok", dependsOn: [] },
            { name: "bad2", value: "invalid" },
            { name: "child", dependsOn: ["bad2"] },
        ];
        const r = await run({ command: "up", cwd: p.dir, continueOnError: true, skipPreview: true,
            config: { resources: JSON.stringify(resources) }, env: { RECORDS_DIR: p.recordsDir } });
        assert.strictEqual(r.ok, false);
        const failed = r.steps.filter((s) => s.error).map((s) => s.name).sort();
        assert.deepStrictEqual(failed, ["bad1", "bad2"]);
        assert.match(r.error!, /::bad1: \S+ resource 'bad1': property value value \{invalid\} has a problem: must not be "invalid"/);
        assert.match(r.error!, /::bad2: \S+ resource 'bad2': property value value \{invalid\} has a problem: must not be "invalid"/);
        assert.ok(ops(r).includes("create ok"));
        assert.ok(!ops(r).includes("create child"));
        assert.deepStrictEqual(p.takeCalls().filter((c) => !c.startsWith("read")), ["create ok"]);
        assert.deepStrictEqual(p.stateNames().sort(), ["gone", "keep", "ok"], "nothing deleted after a failure");
    });

    it("a run whose only changes fail at check leaves the state file byte for byte", async () => {
        await p.run("up", [{ name: "a" }]);
        const before = p.stateText();
        const r = await run({ command: "up", cwd: p.dir, continueOnError: true,
            config: { resources: JSON.stringify([{ name: "a" }, { name: "b", value: "invalid" }, { name: "c", value: "invalid" }]) },
            env: { RECORDS_DIR: p.recordsDir } });
        assert.strictEqual(r.ok, false);
        assert.strictEqual(r.steps.filter((s) => s.error).length, 2);
        assert.strictEqual(p.stateText(), before);
    });
});
