// --target, --target-dependents and up --refresh through the local engine with the records provider, each
// pinned to the pulumi/pulumi function it follows (pkg/resource/deploy/step_generator.go unless said).
import * as assert from "assert";
import { ops, Scratch, Spec } from "./helpers";
import type { RunResult } from "../../tools/pulumi-local";

const ok = (r: RunResult) => assert.ok(r.ok, `${r.error}\n${r.diagnostics.slice(-10).join("\n")}`);
const checkedKeys = (p: Scratch) => p.takeRpcs().filter((c) => c.call === "check" || c.call === "diff").map((c) => `${c.call} ${c.key}`);

describe("pulumi-local engine: --target, --target-dependents, up --refresh", function () {
    this.timeout(120_000);
    let p: Scratch;
    beforeEach(() => { p = new Scratch(); });
    afterEach(() => p.cleanup());

    const two: Spec[] = [{ name: "a" }, { name: "b" }];

    it("--target: only the target is checked and updated; an untargeted change waits, an untargeted new resource is not created (generateSteps: UntargetedSameStep, SkippedCreateStep)", async () => {
        ok(await p.run("up", two, { skipPreview: true }));
        p.takeCalls();
        p.takeRpcs();
        const r = await p.run("up", [{ name: "a", value: "v2" }, { name: "b", value: "v2" }, { name: "c" }],
            { target: [p.urn("b")] });
        ok(r);
        // The preview and the update each: no Check RPC for the untargeted a (its old inputs stand in), none for c.
        assert.deepStrictEqual(checkedKeys(p), ["check b", "diff b", "check b", "diff b"]);
        assert.deepStrictEqual(p.takeCalls(), ["update b"]);
        assert.deepStrictEqual(ops(r), ["same a", "update b"]);
        assert.deepStrictEqual(p.records(), { a: { value: "v1", tag: "" }, b: { value: "v2", tag: "" } });
        assert.deepStrictEqual(p.stateNames(), ["a", "b"]);
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.inputs.value, "v1", "a's old state is kept as it was");
        // Without a target the waiting change and the create happen.
        const all = await p.run("up", [{ name: "a", value: "v2" }, { name: "b", value: "v2" }, { name: "c" }], { skipPreview: true });
        ok(all);
        assert.deepStrictEqual(ops(all).sort(), ["create c", "same b", "update a"]);
    });

    it("a target that depends on a skipped create fails with the engine's message: the update bails with no write, the preview reports it and fails", async () => {
        ok(await p.run("up", [{ name: "b" }], { skipPreview: true }));
        p.takeCalls();
        const specs: Spec[] = [{ name: "a" }, { name: "b", value: "v2", dependsOn: ["a"] }];
        const message = `Resource '${p.urn("b")}' depends on '${p.urn("a")}' which was was not specified in --target list.`;
        const preview = await p.run("preview", specs, { target: [p.urn("b")] });
        assert.strictEqual(preview.ok, false);
        assert.ok(preview.error!.includes(message), preview.error);
        const up = await p.run("up", specs, { target: [p.urn("b")], skipPreview: true });
        assert.strictEqual(up.ok, false);
        assert.ok(up.error!.includes(message), up.error);
        assert.deepStrictEqual(p.takeCalls(), []);
        assert.deepStrictEqual(p.stateNames(), ["b"]);
    });

    it("deletes only targets; a removed dependent of a target fails the update (diag 2014) with nothing deleted, unless --target-dependents (GenerateDeletes)", async () => {
        ok(await p.run("up", [{ name: "a" }, { name: "b", dependsOn: ["a"] }, { name: "c" }], { skipPreview: true }));
        p.takeCalls();
        // a and b removed from the program, c removed too but untargeted: c stays.
        const denied = await p.run("up", [], { target: [p.urn("a")], skipPreview: true });
        assert.strictEqual(denied.ok, false);
        assert.ok(denied.error!.includes(
            `Resource '${p.urn("b")}' will be destroyed but was not specified in --target list.\n` +
            "Either include resource in --target list or pass --target-dependents to proceed."), denied.error);
        assert.deepStrictEqual(p.takeCalls(), []);
        assert.deepStrictEqual(p.stateNames().sort(), ["a", "b", "c"]);

        const allowed = await p.run("up", [], { target: [p.urn("a")], targetDependents: true, skipPreview: true });
        ok(allowed);
        assert.deepStrictEqual(p.takeCalls(), ["delete b", "delete a"]);
        assert.deepStrictEqual(p.stateNames(), ["c"]);
    });

    it("--target-dependents targets what depends on a target, in registration order (isTargetedForUpdate, targetsActual)", async () => {
        const specs = (v: string): Spec[] => [{ name: "a", value: v }, { name: "b", value: v, dependsOn: ["a"] }, { name: "c", value: v }];
        ok(await p.run("up", specs("v1"), { skipPreview: true }));
        p.takeCalls();
        const only = await p.run("up", specs("v2"), { target: [p.urn("a")], skipPreview: true });
        ok(only);
        assert.deepStrictEqual(p.takeCalls(), ["update a"]);
        const withDependents = await p.run("up", specs("v3"), { target: [p.urn("a")], targetDependents: true, skipPreview: true });
        ok(withDependents);
        assert.deepStrictEqual(p.takeCalls(), ["update a", "update b"]);
        assert.deepStrictEqual(ops(withDependents).sort(), ["same c", "update a", "update b"]);
    });

    it("a target in neither the state nor the program fails the command after the deletes it allowed (deployment_executor.go Execute, checkTargets)", async () => {
        ok(await p.run("up", two, { skipPreview: true }));
        p.takeCalls();
        const ghost = p.urn("ghost");
        const r = await p.run("up", [{ name: "a" }], { target: [p.urn("b"), ghost], skipPreview: true });
        assert.strictEqual(r.ok, false);
        assert.ok(r.error!.includes(`Target '${ghost}' could not be found in the stack. Did you forget to escape $ in your shell?`), r.error);
        assert.ok(r.error!.includes("one or more targets could not be found in the stack"), r.error);
        assert.deepStrictEqual(p.takeCalls(), ["delete b"]);
        assert.deepStrictEqual(p.stateNames(), ["a"]);
    });

    it("refresh --target reads the target only; destroy --target deletes it only (deployment_executor.go refresh; GenerateDeletes)", async () => {
        ok(await p.run("up", two, { skipPreview: true }));
        p.takeCalls();
        const refreshed = await p.run("refresh", [], { target: [p.urn("a")] });
        ok(refreshed);
        assert.deepStrictEqual(p.takeCalls(), ["read a"]);
        const unknown = await p.run("refresh", [], { target: [p.urn("ghost")] });
        assert.strictEqual(unknown.ok, false);
        assert.match(unknown.error!, /one or more targets could not be found in the stack/);
        assert.deepStrictEqual(p.takeCalls(), []);
        const destroyed = await p.run("destroy", [], { target: [p.urn("b")] });
        ok(destroyed);
        assert.deepStrictEqual(p.takeCalls(), ["delete b"]);
        assert.deepStrictEqual(p.stateNames(), ["a"]);
    });

    it("up --refresh reads every resource before the program, in the preview and again in the update, so drift reaches the diff (deployment_executor.go Execute, opts.Refresh)", async () => {
        ok(await p.run("up", [{ name: "a" }], { skipPreview: true }));
        p.takeCalls();
        p.writeRecords({ a: { value: "changed out of band", tag: "" } });
        const plain = await p.run("preview", [{ name: "a" }]);
        ok(plain);
        assert.deepStrictEqual(ops(plain), ["same a"], "without --refresh the drift is not seen");
        const r = await p.run("up", [{ name: "a" }], { refresh: true });
        ok(r);
        assert.deepStrictEqual(p.takeCalls(), ["read a", "read a", "update a"]);
        assert.deepStrictEqual(ops({ ...r, steps: r.preview!.steps }), ["refresh a", "update a"]);
        assert.deepStrictEqual(ops(r), ["refresh a", "update a"]);
        assert.deepStrictEqual(p.records().a, { value: "v1", tag: "" });
    });
});
