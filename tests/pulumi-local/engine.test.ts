// The local engine against a trivial dynamic provider of our own: every step kind, the resource options,
// failures, secrets and config, each asserted on the engine's steps, the provider's calls and the state.
import * as assert from "assert";
import { ops, Scratch, Spec } from "./helpers";
import { SECRET_SIG } from "../../tools/pulumi-local";

describe("pulumi-local engine", function () {
    this.timeout(60_000);
    let p: Scratch;
    // These are about the steps of each command; the preview an up runs first (its own deployment) is pinned
    // in engine-rules.test.ts, so here an up is the update alone (one deployment instead of two).
    beforeEach(() => {
        p = new Scratch();
        p.previewBeforeUp = false;
    });
    afterEach(() => p.cleanup());

    const chain: Spec[] = [{ name: "a" }, { name: "b", dependsOn: ["a"] }, { name: "c", dependsOn: ["b"] }];

    it("preview plans creates and writes nothing", async () => {
        const r = await p.run("preview", chain);
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(ops(r), ["create a", "create b", "create c"]);
        assert.deepStrictEqual(r.summary, { create: 4 });
        assert.deepStrictEqual(p.takeCalls(), []);
        assert.strictEqual(p.stateText(), undefined);
        assert.match(r.stdout, /Resources: 4 to create/);
    });

    it("preview registers the checked inputs: what check fills in is what the program sees, and what up then creates", async () => {
        // A provider's autoname is filled in by check; preview must show the program the name up will use.
        const preview = await p.run("preview", [{ name: "a", value: "fill-in" }]);
        assert.ok(preview.ok, preview.error);
        assert.deepStrictEqual(ops(preview), ["create a"]);
        assert.deepStrictEqual(preview.outputs.values, { a: "filled-a" });
        assert.deepStrictEqual(p.takeCalls(), []);
        const up = await p.run("up", [{ name: "a", value: "fill-in" }]);
        assert.ok(up.ok, up.error);
        assert.deepStrictEqual(p.takeCalls(), ["create a"]);
        assert.deepStrictEqual(up.outputs.values, { a: "filled-a" });
        assert.strictEqual(p.records().a.value, "filled-a");
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.inputs.value, "filled-a");
    });

    it("up creates, then a second up is all same with no provider write", async () => {
        const first = await p.run("up", chain);
        assert.ok(first.ok, first.error);
        assert.deepStrictEqual(ops(first), ["create a", "create b", "create c"]);
        assert.deepStrictEqual(p.takeCalls(), ["create a", "create b", "create c"]);
        assert.deepStrictEqual(p.stateNames(), ["a", "b", "c"]);
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "b")!.id, "rec-b");
        assert.match(first.stdout, /Resources: 4 created/);

        const again = await p.run("up", chain);
        assert.ok(again.ok, again.error);
        assert.deepStrictEqual(ops(again), ["same a", "same b", "same c"]);
        assert.deepStrictEqual(again.summary, { same: 4 });
        assert.deepStrictEqual(p.takeCalls(), []);
        assert.match(again.stdout, /Resources: 4 unchanged/);
    });

    it("preview of a change shows the update and its diff, and calls no update", async () => {
        await p.run("up", [{ name: "a" }]);
        p.takeCalls();
        const before = p.stateText();
        const r = await p.run("preview", [{ name: "a", value: "v2" }]);
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(r.steps.find((s) => s.name === "a"), {
            urn: "urn:pulumi:dev::records::pulumi-nodejs:dynamic/records:Record::a",
            type: "pulumi-nodejs:dynamic/records:Record", name: "a", op: "update", diffs: ["value"],
        });
        assert.deepStrictEqual(p.takeCalls(), []);
        assert.strictEqual(p.stateText(), before);
        assert.match(r.stdout, /~ +update +\S+ +a \[diff: ~value\]/);
    });

    it("up updates in place with the changed properties", async () => {
        await p.run("up", [{ name: "a" }]);
        p.takeCalls();
        const r = await p.run("up", [{ name: "a", value: "v2" }]);
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(ops(r), ["update a"]);
        assert.deepStrictEqual(p.takeCalls(), ["update a"]);
        assert.strictEqual(p.records().a.value, "v2");
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.outputs.value, "v2");
        assert.deepStrictEqual(r.outputs.values, { a: "v2" });
    });

    it("replace creates the new copy before deleting the old one", async () => {
        await p.run("up", [{ name: "a" }, { name: "b", dependsOn: ["a"] }]);
        p.takeCalls();
        const r = await p.run("up", [{ name: "a", key: "a2" }, { name: "b", dependsOn: ["a"] }]);
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(ops(r), ["create-replacement a", "replace a", "same b", "delete-replaced a"]);
        assert.deepStrictEqual(r.steps.find((s) => s.op === "replace")!.replaces, ["key"]);
        assert.deepStrictEqual(p.takeCalls(), ["create a2", "delete a"]);
        assert.deepStrictEqual(r.summary, { replace: 1, same: 2 });
        assert.deepStrictEqual(p.stateNames(), ["a", "b"]);
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.id, "rec-a2");
    });

    it("deleteBeforeReplace (the option, or the provider's diff) deletes first", async () => {
        await p.run("up", [{ name: "a" }, { name: "b" }]);
        p.takeCalls();
        const r = await p.run("up", [
            { name: "a", key: "a2", opts: { deleteBeforeReplace: true } },
            { name: "b", key: "b2", props: { providerDeleteFirst: true } },
        ]);
        assert.ok(r.ok, r.error);
        // a and b are independent, so their steps run concurrently: the order holds per resource.
        const of = (name: string, list: string[]) => list.filter((x) => x.endsWith(` ${name}`) || x.endsWith(` ${name}2`));
        assert.deepStrictEqual(of("a", ops(r)), ["delete-replaced a", "create-replacement a", "replace a"]);
        assert.deepStrictEqual(of("b", ops(r)), ["delete-replaced b", "create-replacement b", "replace b"]);
        const calls = p.takeCalls();
        assert.deepStrictEqual(of("a", calls), ["delete a", "create a2"]);
        assert.deepStrictEqual(of("b", calls), ["delete b", "create b2"]);
        assert.strictEqual(calls.length, 4);
    });

    it("deletes resources the program no longer declares, dependants first", async () => {
        await p.run("up", [...chain, { name: "d" }]);
        p.takeCalls();
        const r = await p.run("up", [{ name: "d" }]);
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(ops(r), ["same d", "delete c", "delete b", "delete a"]);
        assert.deepStrictEqual(p.takeCalls(), ["delete c", "delete b", "delete a"]);
        assert.deepStrictEqual(p.stateNames(), ["d"]);
    });

    it("a failed step stops its dependants, keeps what succeeded, and deletes nothing", async () => {
        await p.run("up", [{ name: "old" }]);
        p.takeCalls();
        // d is independent of b, but b waits for it, so d's create is over before b fails (steps run concurrently).
        const r = await p.run("up", [
            { name: "a" },
            { name: "d" },
            { name: "b", props: { failCreate: true }, dependsOn: ["a", "d"] },
            { name: "c", dependsOn: ["b"] },
        ]);
        assert.strictEqual(r.ok, false);
        assert.strictEqual(r.exitCode, 1);
        assert.match(r.error!, /create of b refused on demand/);
        assert.match(r.steps.find((s) => s.name === "b")!.error!, /creating failed/);
        assert.ok(!p.takeCalls().includes("create c"));
        assert.deepStrictEqual(p.stateNames().sort(), ["a", "d", "old"]);
        assert.ok(r.steps.every((s) => s.name !== "c" || s.error));
    });

    it("a create that fails with an id is recorded in state, and destroy deletes it", async () => {
        const r = await p.run("up", [{ name: "a", props: { partialCreate: true } }]);
        assert.strictEqual(r.ok, false);
        assert.match(r.error!, /did not become ready/);
        const a = p.state()!.resources.find((x) => x.name === "a")!;
        assert.strictEqual(a.id, "rec-a");
        assert.deepStrictEqual(a.initErrors, ["not ready"]);
        p.takeCalls();
        const d = await p.run("destroy");
        assert.ok(d.ok, d.error);
        assert.deepStrictEqual(p.takeCalls(), ["delete a"]);
    });

    it("runs independent steps concurrently, and a dependant only after its dependency", async () => {
        // a (registered first) cannot finish before b exists: one step at a time in registration order would
        // never finish; c depends on a, and fails if it runs before a's create is over.
        const r = await p.run("up", [
            { name: "a", props: { waitFor: "b" } },
            { name: "b" },
            { name: "c", dependsOn: ["a"], props: { needs: "a" } },
        ]);
        assert.ok(r.ok, r.error);
        const calls = p.takeCalls();
        assert.deepStrictEqual(calls.sort(), ["create a", "create b", "create c"]);
        assert.deepStrictEqual(p.stateNames().sort(), ["a", "b", "c"]);
    });

    it("refresh reads every resource, shows drift and drops those gone", async () => {
        await p.run("up", [{ name: "a" }, { name: "b" }, { name: "c" }]);
        p.takeCalls();
        p.writeRecords({ a: { value: "drifted", tag: "" }, c: { value: "v1", tag: "" } });
        const r = await p.run("refresh");
        assert.ok(r.ok, r.error);
        // Reads run concurrently, as the engine's: the set of steps is what is fixed.
        assert.deepStrictEqual(ops(r).sort(), ["delete b", "refresh a", "refresh c"]);
        assert.deepStrictEqual(r.steps.find((s) => s.name === "a")!.diffs, ["value"]);
        assert.deepStrictEqual(r.steps.find((s) => s.name === "c")!.diffs, []);
        assert.deepStrictEqual(p.takeCalls().sort(), ["read a", "read b", "read c"]);
        assert.deepStrictEqual(p.stateNames(), ["a", "c"]);
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.outputs.value, "drifted");
        assert.deepStrictEqual(r.summary, { update: 1, delete: 1, same: 1 });

        // The next up restores the drift and recreates what was gone.
        const up = await p.run("up", [{ name: "a" }, { name: "b" }, { name: "c" }]);
        assert.ok(up.ok, up.error);
        assert.deepStrictEqual(ops(up).sort(), ["create b", "same c", "update a"]);
    });

    it("destroy deletes everything in reverse dependency order", async () => {
        await p.run("up", [{ name: "g", component: true }, { name: "a", parent: "g" }, { name: "b", dependsOn: ["a"] }, { name: "c", dependsOn: ["b"] }]);
        p.takeCalls();
        const r = await p.run("destroy");
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(ops(r), ["delete c", "delete b", "delete a"]);
        assert.deepStrictEqual(p.takeCalls(), ["delete c", "delete b", "delete a"]);
        assert.deepStrictEqual(p.state()!.resources, []);
        assert.deepStrictEqual(p.records(), {});
    });

    it("a child's URN carries its component parent's type", async () => {
        const r = await p.run("up", [{ name: "g", component: true }, { name: "a", parent: "g" }]);
        assert.ok(r.ok, r.error);
        assert.strictEqual(r.steps.find((s) => s.name === "a")!.urn,
            "urn:pulumi:dev::records::test:index:Group$pulumi-nodejs:dynamic/records:Record::a");
        assert.deepStrictEqual(r.steps.map((s) => s.op), ["create", "create", "create"]);
    });

    it("protect refuses delete and replace until the flag is lifted", async () => {
        await p.run("up", [{ name: "a", opts: { protect: true } }]);
        p.takeCalls();
        const removed = await p.run("up", []);
        assert.strictEqual(removed.ok, false);
        assert.match(removed.error!, /marked for protection/);
        const replaced = await p.run("up", [{ name: "a", key: "a2", opts: { protect: true } }]);
        assert.strictEqual(replaced.ok, false);
        assert.match(replaced.error!, /unable to replace/);
        const destroyed = await p.run("destroy");
        assert.strictEqual(destroyed.ok, false);
        assert.deepStrictEqual(p.takeCalls(), []);
        assert.deepStrictEqual(p.stateNames(), ["a"]);

        assert.ok((await p.run("up", [{ name: "a", opts: { protect: false } }])).ok);
        const d = await p.run("destroy");
        assert.ok(d.ok, d.error);
        assert.deepStrictEqual(p.takeCalls(), ["delete a"]);
    });

    it("retainOnDelete drops the resource from state without deleting it", async () => {
        await p.run("up", [{ name: "a", opts: { retainOnDelete: true } }, { name: "b" }]);
        p.takeCalls();
        const r = await p.run("up", [{ name: "b" }]);
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(ops(r), ["same b", "delete a"]);
        assert.deepStrictEqual(p.takeCalls(), []);
        assert.deepStrictEqual(p.stateNames(), ["b"]);
        assert.ok(p.records().a);
    });

    it("ignoreChanges keeps the old value of an ignored property", async () => {
        await p.run("up", [{ name: "a", opts: { ignoreChanges: ["value"] } }]);
        p.takeCalls();
        const r = await p.run("up", [{ name: "a", value: "v2", opts: { ignoreChanges: ["value"] } }]);
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(ops(r), ["same a"]);
        assert.deepStrictEqual(p.takeCalls(), []);
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.inputs.value, "v1");
    });

    it("replaceOnChanges replaces only where the engine knows what changed: not on a diff() that answers changes: true (the shim forwards no keys), but when diff() has no answer (the engine diffs the inputs)", async () => {
        // step_generator.go applyReplaceOnChanges matches the diff's ChangedKeys and DetailedDiff; the
        // dynamic-provider shim sends neither, and diffResource fills them in only for DIFF_UNKNOWN.
        const tagged = (tag: string, obj: { x: number; y: number }): Spec[] => [
            { name: "a", tag, opts: { replaceOnChanges: ["tag"], deleteBeforeReplace: true } },
            { name: "b", tag, props: { diffUnknown: true }, opts: { replaceOnChanges: ["tag"], deleteBeforeReplace: true } },
            // A nested path: only a change under it replaces.
            { name: "c", props: { diffUnknown: true, obj }, opts: { replaceOnChanges: ["obj.x"], deleteBeforeReplace: true } },
        ];
        await p.run("up", tagged("t1", { x: 1, y: 1 }));
        p.takeCalls();
        const r = await p.run("up", tagged("t2", { x: 1, y: 2 }));
        assert.ok(r.ok, r.error);
        const of = (name: string) => ops(r).filter((o) => o.endsWith(` ${name}`));
        assert.deepStrictEqual(of("a"), ["update a"]);
        assert.deepStrictEqual(of("b"), ["delete-replaced b", "create-replacement b", "replace b"]);
        assert.deepStrictEqual(r.steps.find((s) => s.op === "replace" && s.name === "b")!.replaces, ["tag"]);
        assert.deepStrictEqual(of("c"), ["update c"]);
        assert.deepStrictEqual(p.takeCalls().sort(), ["create b", "delete b", "update a", "update c"]);

        const nested = await p.run("up", tagged("t2", { x: 2, y: 2 }));
        assert.ok(nested.ok, nested.error);
        assert.deepStrictEqual(ops(nested).filter((o) => o.endsWith(" c")), ["delete-replaced c", "create-replacement c", "replace c"]);
        assert.deepStrictEqual(nested.steps.find((s) => s.op === "replace")!.replaces, ["obj.x"]);
    });

    it("replaceOnChanges covering \"#initerror\" (e.g. \"*\") replaces a resource left with init errors, even with no change", async () => {
        const r = await p.run("up", [{ name: "a", props: { partialCreate: true } }]);
        assert.strictEqual(r.ok, false);
        assert.deepStrictEqual(p.state()!.resources.find((x) => x.name === "a")!.initErrors, ["not ready"]);
        p.takeCalls();
        const again = await p.run("up", [{ name: "a", opts: { replaceOnChanges: ["*"], deleteBeforeReplace: true } }]);
        assert.ok(again.ok, again.error);
        assert.deepStrictEqual(ops(again), ["delete-replaced a", "create-replacement a", "replace a"]);
        assert.deepStrictEqual(again.steps.find((s) => s.op === "replace")!.replaces, ["#initerror"]);
        assert.deepStrictEqual(p.takeCalls(), ["delete a", "create a"]);
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.initErrors, undefined);
    });

    it("when the provider's diff has no answer, the engine compares old and new inputs", async () => {
        await p.run("up", [{ name: "a", props: { diffUnknown: true } }]);
        p.takeCalls();
        const same = await p.run("up", [{ name: "a", props: { diffUnknown: true } }]);
        assert.deepStrictEqual(ops(same), ["same a"]);
        const changed = await p.run("up", [{ name: "a", value: "v2", props: { diffUnknown: true } }]);
        assert.deepStrictEqual(ops(changed), ["update a"]);
        assert.deepStrictEqual(changed.steps.find((s) => s.name === "a")!.diffs, ["value"]);
    });

    it("a check failure fails the up with no provider write and leaves the state file as it was", async () => {
        await p.run("up", [{ name: "a" }]);
        p.takeCalls();
        const before = p.stateText();
        const r = await p.run("up", [{ name: "a", value: "invalid" }]);
        assert.strictEqual(r.ok, false);
        assert.match(r.error!, /property value value \{invalid\} has a problem: must not be "invalid"/);
        assert.deepStrictEqual(p.takeCalls(), []);
        assert.strictEqual(p.stateText(), before);
    });

    it("secrets stay secret in state, in outputs and in the report", async () => {
        const r = await p.run("up", [{ name: "a", secret: "password" }], { secretConfig: { password: "hunter2-secret" } });
        assert.ok(r.ok, r.error);
        const text = p.stateText()!;
        assert.ok(!text.includes("hunter2-secret"), "the secret is in clear in the state file");
        assert.ok(text.includes(SECRET_SIG), "the state file does not mark the secret");
        assert.ok(!r.stdout.includes("hunter2-secret"));
        assert.strictEqual(r.outputs.password, "[secret]");
        assert.match(r.stdout, /password: \[secret\]/);
        const a = p.state()!.resources.find((x) => x.name === "a")!;
        assert.deepStrictEqual(a.inputs.secretValue, { "4dabf18193072939515e22adb298388d": SECRET_SIG, value: "hunter2-secret" });
        assert.deepStrictEqual(a.outputs.secretValue, a.inputs.secretValue);
        // The provider saw the plain value, and a same run keeps it secret.
        p.takeCalls();
        const again = await p.run("up", [{ name: "a", secret: "password" }], { secretConfig: { password: "hunter2-secret" } });
        assert.deepStrictEqual(ops(again), ["same a"]);
        assert.ok(!p.stateText()!.includes("hunter2-secret"));
    });

    it("config keys without a namespace belong to the project; the provider is configured with all keys", async () => {
        const r = await p.run("up", [{ name: "a" }], {
            config: { "plain": "p-value", "other:k": "o-value", "probe": "probed", "aws:region": "eu-west-3" },
        });
        assert.ok(r.ok, r.error);
        assert.strictEqual(r.outputs.plain, "p-value");
        assert.strictEqual(r.outputs.other, "o-value");
        const a = p.state()!.resources.find((x) => x.name === "a")!;
        assert.strictEqual(a.outputs.probe, "probed");
        assert.strictEqual(a.outputs.region, "eu-west-3");
    });

    it("reads Pulumi.<stack>.yaml config, with flags taking precedence", async () => {
        const fs = await import("fs");
        const path = await import("path");
        fs.writeFileSync(path.join(p.dir, "Pulumi.dev.yaml"), "config:\n  records:plain: from-file\n  other:k: file-k\n");
        const r = await p.run("up", [], { config: { "other:k": "flag-k" } });
        assert.ok(r.ok, r.error);
        assert.strictEqual(r.outputs.plain, "from-file");
        assert.strictEqual(r.outputs.other, "flag-k");
    });

    it("stack outputs are recorded, printed and returned", async () => {
        const r = await p.run("up", [{ name: "a", value: "hello" }, { name: "b" }]);
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(r.outputs.values, { a: "hello", b: "v1" });
        assert.match(r.stdout, /Outputs:\n {4}values: \{"a":"hello","b":"v1"\}/);
        assert.deepStrictEqual(p.state()!.outputs.values, { a: "hello", b: "v1" });
    });

    it("a custom resource of another provider fails with an unsupported-provider message", async () => {
        const r = await p.run("up", [{ name: "bucket", customType: "aws:s3/bucket:Bucket" }]);
        assert.strictEqual(r.ok, false);
        assert.match(r.error!, /unsupported provider "aws"/);
    });

    it("a replaced copy left by an interrupted update is deleted by the next up", async () => {
        await p.run("up", [{ name: "a" }, { name: "b", props: { failDelete: true } }]);
        p.takeCalls();
        const r = await p.run("up", [{ name: "a" }, { name: "b", key: "b2" }]);
        assert.strictEqual(r.ok, false);
        assert.match(r.error!, /delete of b refused/);
        const pending = p.state()!.resources.filter((x) => x.delete);
        assert.deepStrictEqual(pending.map((x) => x.id), ["rec-b"]);
        p.takeCalls();
        // Lift the failure by editing the stored outputs the delete receives.
        const fs = await import("fs");
        const file = `${p.dir}/.pulumi-local/dev.json`;
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/"failDelete": true/g, '"failDelete": false'));
        const again = await p.run("up", [{ name: "a" }, { name: "b", key: "b2" }]);
        assert.ok(again.ok, again.error);
        // The leftover copy goes first; then a and b, independent, in whichever order their steps end.
        assert.strictEqual(ops(again)[0], "delete-replaced b");
        assert.deepStrictEqual(ops(again).slice(1).sort(), ["same a", "same b"]);
        assert.deepStrictEqual(p.takeCalls(), ["delete b"]);
    });
});
