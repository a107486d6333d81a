// The rules of the Pulumi engine the local engine follows, each through the engine with the records
// provider: up = preview + update (each its own deployment), the replacement's re-Check, --replace, the
// aliases option, ignoreChanges before Check, and replaceOnChanges only where the engine knows the keys.
// Each test names the pulumi/pulumi function whose behaviour it pins.
import * as assert from "assert";
import { ops, Rpc, Scratch, Spec } from "./helpers";
import type { RunResult } from "../../tools/pulumi-local";

const ok = (r: RunResult) => assert.ok(r.ok, `${r.error}\n${r.diagnostics.slice(-10).join("\n")}`);
/** The provider's calls of each plugin process (in the order the processes started), as "call[:olds]". */
function perProcess(rpcs: Rpc[]): string[][] {
    const pids: number[] = [];
    for (const c of rpcs) if (!pids.includes(c.pid)) pids.push(c.pid);
    return pids.map((pid) => rpcs.filter((c) => c.pid === pid)
        .map((c) => (c.call === "check" ? `check ${c.key} olds=${JSON.stringify(c.olds)}` : c.call === "diff" ? `diff ${c.key}` : c.call)));
}

describe("pulumi-local engine: the rules of the Pulumi engine", function () {
    this.timeout(120_000);
    let p: Scratch;
    beforeEach(() => { p = new Scratch(); });
    afterEach(() => p.cleanup());

    describe("up = preview, then update (pkg/backend/apply.go PreviewThenPromptThenExecute)", () => {
        it("each is its own deployment: two program runs, two plugin processes, a Check in each; skipPreview runs the update alone", async () => {
            const r = await p.run("up", [{ name: "a" }]);
            ok(r);
            assert.deepStrictEqual(p.takeRuns().map((x) => x.dryRun), [true, false]);
            const [preview, update] = perProcess(p.takeRpcs());
            assert.deepStrictEqual(preview, ["configure", "check a olds={}"]);
            assert.deepStrictEqual(update, ["configure", "check a olds={}"]);
            assert.deepStrictEqual(ops(r), ["create a"]);
            assert.deepStrictEqual(ops({ ...r, steps: r.preview!.steps }), ["create a"]);
            assert.deepStrictEqual(r.preview!.summary, { create: 2 });
            assert.deepStrictEqual(p.takeCalls(), ["create a"]);
            assert.match(r.stdout, /^Previewing update \(dev\):[\s\S]*Resources: 2 to create[\s\S]*\nUpdating \(dev\):[\s\S]*Resources: 2 created/);

            const again = await p.run("up", [{ name: "a", value: "v2" }], { skipPreview: true });
            ok(again);
            assert.strictEqual(again.preview, undefined);
            assert.deepStrictEqual(p.takeRuns().map((x) => x.dryRun), [false]);
            assert.deepStrictEqual(perProcess(p.takeRpcs()), [["configure", `check a olds={"key":"a","value":"v1"}`, "diff a"]]);
            assert.deepStrictEqual(p.takeCalls(), ["update a"]);
        });

        it("a check that is not deterministic shows it: the preview planned another value than the update made", async () => {
            const r = await p.run("up", [{ name: "a", value: "random" }]);
            ok(r);
            const planned = r.preview!.outputs.values.a as string;
            const made = r.outputs.values.a as string;
            assert.match(planned, /^random-[0-9a-f]{12}$/);
            assert.match(made, /^random-[0-9a-f]{12}$/);
            assert.notStrictEqual(planned, made, "preview and update ran one Check");
            assert.strictEqual(p.records().a.value, made);
            assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.inputs.value, made);
        });

        it("a failed preview ends the up: no update runs, nothing is written, the state outputs are the old ones", async () => {
            ok(await p.run("up", [{ name: "a", value: "hello" }], { skipPreview: true }));
            p.takeRuns();
            p.takeCalls();
            const before = p.stateText();
            const r = await p.run("up", [{ name: "a", value: "invalid" }, { name: "b" }]);
            assert.strictEqual(r.ok, false);
            assert.match(r.error!, /property value value \{invalid\} has a problem: must not be "invalid"/);
            assert.deepStrictEqual(p.takeRuns().map((x) => x.dryRun), [true], "an update ran after the failed preview");
            assert.deepStrictEqual(p.takeCalls(), []);
            assert.strictEqual(p.stateText(), before);
            assert.strictEqual(r.preview!.ok, false);
            assert.deepStrictEqual(r.steps, r.preview!.steps);
            assert.deepStrictEqual(r.outputs.values, { a: "hello" });
            assert.doesNotMatch(r.stdout, /Updating \(dev\)/);
        });
    });

    describe("replacements (step_generator.go continueStepsFromDiff)", () => {
        it("a replacement checks the program's inputs again with no olds, and creates from what that Check returns", async () => {
            // stickyValue: check keeps the value of the olds it is given, so only a Check without olds takes v2.
            ok(await p.run("up", [{ name: "a", props: { stickyValue: true } }], { skipPreview: true }));
            p.takeCalls();
            p.takeRpcs();
            const r = await p.run("up", [{ name: "a", key: "a2", value: "v2", props: { stickyValue: true } }]);
            ok(r);
            assert.deepStrictEqual(ops(r), ["create-replacement a", "replace a", "delete-replaced a"]);
            // The same in the preview and in the update: Check with the olds, Diff, Check with none.
            const calls = [`check a2 olds={"key":"a","value":"v1"}`, "diff a2", "check a2 olds={}"];
            assert.deepStrictEqual(perProcess(p.takeRpcs()), [["configure", ...calls], ["configure", ...calls]]);
            assert.deepStrictEqual(p.takeCalls(), ["create a2", "delete a"]);
            assert.strictEqual(p.records().a2.value, "v2");
            assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.inputs.value, "v2");
        });

        it("the deleteBeforeReplace option wins over the provider's answer: false keeps create-before-delete", async () => {
            ok(await p.run("up", [{ name: "b", props: { providerDeleteFirst: true } }], { skipPreview: true }));
            p.takeCalls();
            const r = await p.run("up", [{ name: "b", key: "b2", props: { providerDeleteFirst: true }, opts: { deleteBeforeReplace: false } }]);
            ok(r);
            assert.deepStrictEqual(ops(r), ["create-replacement b", "replace b", "delete-replaced b"]);
            assert.deepStrictEqual(p.takeCalls(), ["create b2", "delete b"]);
        });

        it("a create-before-delete replacement whose create fails leaves the old resource in state, not marked for deletion", async () => {
            ok(await p.run("up", [{ name: "a" }], { skipPreview: true }));
            const before = p.stateText();
            p.takeCalls();
            const r = await p.run("up", [{ name: "a", key: "a2", props: { failCreate: true } }]);
            assert.strictEqual(r.ok, false);
            assert.match(r.error!, /create of a2 refused on demand/);
            assert.deepStrictEqual(p.takeCalls(), ["create a2"]);
            assert.strictEqual(p.stateText(), before);
            // So the next up does not delete it.
            ok(await p.run("up", [{ name: "a" }], { skipPreview: true }));
            assert.deepStrictEqual(p.takeCalls(), []);
        });
    });

    describe("replace: [URN] (pulumi up --replace; step_generator.go isTargetedReplace)", () => {
        it("Check with no olds, no Diff, a replace that blames the id; with deleteBeforeReplace, delete then create", async () => {
            const spec: Spec[] = [{ name: "a", props: { stickyValue: true }, opts: { deleteBeforeReplace: true, ignoreChanges: ["value"] } }, { name: "b" }];
            ok(await p.run("up", spec));
            p.takeCalls();
            p.takeRpcs();
            // The program's value: a Check without olds, and no ignoreChanges, takes it.
            spec[0].value = "v2";
            const r = await p.run("up", spec, { replace: [p.urn("a")] });
            ok(r);
            assert.deepStrictEqual(ops(r).filter((x) => x.endsWith(" a")), ["delete-replaced a", "create-replacement a", "replace a"]);
            assert.deepStrictEqual(ops(r).filter((x) => x.endsWith(" b")), ["same b"]);
            assert.deepStrictEqual(r.steps.find((s) => s.op === "replace")!.replaces, ["id"]);
            assert.deepStrictEqual(r.preview!.steps.find((s) => s.name === "a")!.op, "replace");
            for (const calls of perProcess(p.takeRpcs())) {
                assert.deepStrictEqual(calls.filter((c) => !c.endsWith(" b") && !c.startsWith("check b")), ["configure", "check a olds={}"]);
            }
            assert.deepStrictEqual(p.takeCalls(), ["delete a", "create a"]);
            assert.strictEqual(p.records().a.value, "v2");
        });

        it("without deleteBeforeReplace it creates first: a create that finds its record there fails, and the old resource stays", async () => {
            ok(await p.run("up", [{ name: "a" }], { skipPreview: true }));
            const before = p.stateText();
            p.takeCalls();
            const r = await p.run("up", [{ name: "a" }], { replace: [p.urn("a")] });
            assert.strictEqual(r.ok, false);
            assert.match(r.error!, /record a already exists/);
            assert.deepStrictEqual(p.takeCalls(), ["create a"]);
            assert.strictEqual(p.stateText(), before);
            assert.deepStrictEqual(p.records(), { a: { value: "v1", tag: "" } });
        });

        it("a URN not in the stack fails the command before the program runs, as the CLI", async () => {
            ok(await p.run("up", [{ name: "a" }], { skipPreview: true }));
            p.takeRuns();
            const before = p.stateText();
            const r = await p.run("up", [{ name: "a" }], { replace: [p.urn("nope")] });
            assert.strictEqual(r.ok, false);
            assert.match(r.error!, /one or more targets could not be found in the stack/);
            assert.ok(r.error!.includes(`Target '${p.urn("nope")}' could not be found in the stack.`), r.error);
            assert.deepStrictEqual(p.takeRuns(), []);
            assert.strictEqual(p.stateText(), before);
        });
    });

    describe("the aliases option (step_generator.go getOldResource, generateAliases)", () => {
        it("a renamed resource with an alias of its old name is the same resource: Check with its olds, Diff, no delete; the state keeps the new URN with the alias", async () => {
            ok(await p.run("up", [{ name: "a" }], { skipPreview: true }));
            p.takeCalls();
            p.takeRpcs();
            const r = await p.run("up", [{ name: "renamed", key: "a", opts: { aliases: [{ name: "a" }] } }]);
            ok(r);
            assert.deepStrictEqual(ops(r), ["same renamed"]);
            assert.deepStrictEqual(ops({ ...r, steps: r.preview!.steps }), ["same renamed"]);
            const rpcs = perProcess(p.takeRpcs());
            assert.deepStrictEqual(rpcs[1], ["configure", `check a olds={"key":"a","value":"v1"}`, "diff a"]);
            assert.deepStrictEqual(p.takeCalls(), []);
            const records = p.state()!.resources.filter((x) => x.custom);
            assert.deepStrictEqual(records.map((x) => [x.urn, x.aliases]), [[p.urn("renamed"), [p.urn("a")]]]);

            // A change under the new name is an update of the same record.
            const changed = await p.run("up", [{ name: "renamed", key: "a", value: "v2", opts: { aliases: [{ name: "a" }] } }]);
            ok(changed);
            assert.deepStrictEqual(ops(changed), ["update renamed"]);
            assert.deepStrictEqual(p.takeCalls(), ["update a"]);
        });

        it("a child inherits its parent's alias: a component renamed with an alias, and its child named after it, are both the same", async () => {
            ok(await p.run("up", [{ name: "g", component: true }, { name: "g-a", parent: "g" }], { skipPreview: true }));
            p.takeCalls();
            const r = await p.run("up", [
                { name: "h", component: true, opts: { aliases: [{ name: "g" }] } },
                { name: "h-a", key: "g-a", parent: "h" },
            ]);
            ok(r);
            assert.deepStrictEqual(r.steps.filter((s) => s.name !== "records-dev").map((s) => `${s.op} ${s.name}`), ["same h", "same h-a"]);
            assert.deepStrictEqual(p.takeCalls(), []);
            const group = "test:index:Group";
            assert.deepStrictEqual(p.state()!.resources.filter((x) => x.type !== "pulumi:pulumi:Stack").map((x) => [x.name, x.aliases]), [
                ["h", [p.urn("g", group)]],
                ["h-a", [p.urn("g-a", `${group}$pulumi-nodejs:dynamic/records:Record`)]],
            ]);
        });

        it("an alias claimed by two resources fails the second", async () => {
            ok(await p.run("up", [{ name: "a" }], { skipPreview: true }));
            p.takeCalls();
            const r = await p.run("up", [
                { name: "x", key: "a", opts: { aliases: [{ name: "a" }] } },
                { name: "y", key: "a", dependsOn: ["x"], opts: { aliases: [{ name: "a" }] } },
            ], { skipPreview: true });
            assert.strictEqual(r.ok, false);
            assert.ok(r.error!.includes(`Duplicate resource alias '${p.urn("a")}' applied to resource with URN '${p.urn("y")}' conflicting with resource with URN '${p.urn("x")}'`), r.error);
            assert.deepStrictEqual(p.takeCalls(), []);
        });
    });

    describe("ignoreChanges (step_generator.go processIgnoreChanges)", () => {
        it("is applied before Check: check sees the old value of an ignored property, and nothing is applied on create", async () => {
            // "invalid" fails check; ignored, check never sees it.
            const refused = await p.run("up", [{ name: "a", value: "invalid", opts: { ignoreChanges: ["value"] } }]);
            assert.strictEqual(refused.ok, false, "ignoreChanges applied on create");
            assert.match(refused.error!, /property value value .* has a problem/);
            ok(await p.run("up", [{ name: "a", opts: { ignoreChanges: ["value"] } }], { skipPreview: true }));
            p.takeCalls();
            p.takeRpcs();
            const r = await p.run("up", [{ name: "a", value: "invalid", opts: { ignoreChanges: ["value"] } }]);
            ok(r);
            assert.deepStrictEqual(ops(r), ["same a"]);
            const checks = p.takeRpcs().filter((c) => c.call === "check");
            assert.deepStrictEqual(checks.map((c) => c.news!.value), ["v1", "v1"]);
            assert.deepStrictEqual(p.takeCalls(), []);
        });

        it("is not applied to the replacement's re-Check: the new copy gets the program's value", async () => {
            ok(await p.run("up", [{ name: "a", opts: { ignoreChanges: ["value"] } }], { skipPreview: true }));
            p.takeCalls();
            const r = await p.run("up", [{ name: "a", key: "a2", value: "v2", opts: { ignoreChanges: ["value"] } }]);
            ok(r);
            assert.deepStrictEqual(ops(r), ["create-replacement a", "replace a", "delete-replaced a"]);
            assert.deepStrictEqual(p.takeCalls(), ["create a2", "delete a"]);
            assert.strictEqual(p.records().a2.value, "v2");
        });
    });
});
