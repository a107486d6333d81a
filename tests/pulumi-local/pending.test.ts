// Pending operations, as the real engine keeps them (pkg/backend/snapshot.go, deployment_executor.go,
// operations/refresh.go): written to the state file before each provider create/update/delete, cleared
// after it whether it succeeded or failed, left behind by a killed run; the next up/destroy warns and
// proceeds; snap() keeps only the base's pending creates; refresh clears the rest and handles pending
// creates per --clear-pending-creates / --skip-pending-creates / --import-pending-creates.
// The records provider's `gate` prop holds a call until a file appears, so a test can look at the state
// file while the call is in flight.
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "../../tools/pulumi-local/cli";
import { PendingOperation, readState, run, RunOptions, RunResult, writeStateAtomic } from "../../tools/pulumi-local";
import { ops, Scratch, Spec } from "./helpers";

const BIN = path.join(__dirname, "..", "..", "bin", "pulumi-local.js");

/** deployment_executor.go printPendingOperationsWarning, as the user reads it (the diagnostic's text). */
function pendingWarning(ops: { urn: string; type: string }[]): string {
    return "warning: Attempting to deploy or update resources " +
        `with ${ops.length} pending operations from previous deployment.\n` +
        ops.map((o) => `  * ${o.urn}, interrupted while ${o.type}\n`).join("") +
        "These resources are in an unknown state because the Pulumi CLI was interrupted while " +
        "waiting for changes to these resources to complete. You should confirm whether or not the " +
        "operations listed completed successfully by checking the state of the appropriate provider. " +
        "For example, if you are using AWS, you can confirm using the AWS Console.\n" +
        "\n" +
        "Once you have confirmed the status of the interrupted operations, you can repair your stack " +
        "using `pulumi refresh` which will refresh the state from the provider you are using and " +
        "clear the pending operations if there are any.\n" +
        "\n" +
        "Note that `pulumi refresh` will need to be run interactively to clear pending CREATE operations.";
}

const warnings = (r: RunResult) => r.diagnostics.filter((d) => d.startsWith("warning: "));

describe("pulumi-local pending operations", function () {
    this.timeout(30_000);
    let p: Scratch;
    beforeEach(() => { p = new Scratch(); });
    afterEach(() => p.cleanup());

    const go = (command: RunOptions["command"], resources: Spec[], extra: Partial<RunOptions> = {}) => run({
        command, cwd: p.dir, config: { resources: JSON.stringify(resources) }, env: { RECORDS_DIR: p.recordsDir },
        skipPreview: true, ...extra,
    });
    const file = (name: string) => path.join(p.recordsDir, name);
    const open = (gate: string) => fs.writeFileSync(file(gate), "");
    async function until(what: string, test: () => boolean, ms = 20_000): Promise<void> {
        const deadline = Date.now() + ms;
        while (!test()) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
            await new Promise((r) => setTimeout(r, 10));
        }
    }
    /** Waits until the provider holds `call` (e.g. "create-a") at its gate. */
    const held = (call: string) => until(`${call} at its gate`, () => fs.existsSync(file(`${call}.waiting`)));
    const pending = (): PendingOperation[] | undefined => p.state()?.pendingOperations;
    const pendingView = () => (pending() ?? []).map((o) => `${o.type} ${o.resource.name}`);
    /** Writes these pending operations into the state file as it is (as a killed run would have left them). */
    function addPending(list: PendingOperation[]): void {
        const s = p.state()!;
        writeStateAtomic(p.dir, { ...s, pendingOperations: [...(s.pendingOperations ?? []), ...list] });
    }
    const fakeOp = (name: string, type: PendingOperation["type"]): PendingOperation => ({
        type, resource: { urn: p.urn(name), type: "pulumi-nodejs:dynamic/records:Record", name, custom: true, inputs: { key: name }, outputs: {}, dependencies: [] },
    });

    it("a create is in the state file as \"creating\" while the provider's Create is in flight (new inputs, no id, not yet a resource), and gone once it succeeded", async () => {
        const up = go("up", [{ name: "a", props: { gate: "open" } }]);
        await held("create-a");
        const ops0 = pending()!;
        assert.deepStrictEqual(ops0.map((o) => [o.type, o.resource.urn]), [["creating", p.urn("a")]]);
        assert.strictEqual(ops0[0].resource.id, undefined);
        assert.deepStrictEqual(ops0[0].resource.outputs, {});
        assert.strictEqual(ops0[0].resource.inputs.key, "a");
        assert.deepStrictEqual(p.stateNames(), [], "the resource is not in the state before its Create returned");
        open("open");
        const r = await up;
        assert.ok(r.ok, r.error);
        assert.strictEqual(pending(), undefined);
        assert.ok(!/pendingOperations/.test(p.stateText()!), "no empty pendingOperations field is written");
        assert.deepStrictEqual(p.state()!.resources.filter((x) => x.custom).map((x) => [x.name, x.id]), [["a", "rec-a"]]);
    });

    it("a failed create clears its operation too", async () => {
        const up = go("up", [{ name: "a", props: { gate: "open", failCreate: true } }]);
        await held("create-a");
        assert.deepStrictEqual(pendingView(), ["creating a"]);
        open("open");
        const r = await up;
        assert.strictEqual(r.ok, false);
        assert.match(r.error!, /create of a refused on demand/);
        assert.strictEqual(pending(), undefined);
        assert.deepStrictEqual(p.stateNames(), []);
    });

    it("an update is \"updating\" in flight (the new inputs, no id; the resource keeps its old state), cleared after success and after failure", async () => {
        assert.ok((await go("up", [{ name: "a", value: "v1" }])).ok);
        const up = go("up", [{ name: "a", value: "v2", props: { gate: "open" } }]);
        await held("update-a");
        const [op] = pending()!;
        assert.deepStrictEqual([op.type, op.resource.urn, op.resource.id, op.resource.inputs.value], ["updating", p.urn("a"), undefined, "v2"]);
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.inputs.value, "v1");
        open("open");
        assert.ok((await up).ok);
        assert.strictEqual(pending(), undefined);
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.inputs.value, "v2");

        fs.unlinkSync(file("open"));
        fs.unlinkSync(file("update-a.waiting"));
        const failing = go("up", [{ name: "a", value: "v3", props: { gate: "open", failUpdate: true } }]);
        await held("update-a");
        assert.deepStrictEqual(pendingView(), ["updating a"]);
        open("open");
        const r = await failing;
        assert.strictEqual(r.ok, false);
        assert.strictEqual(pending(), undefined);
        assert.strictEqual(p.state()!.resources.find((x) => x.name === "a")!.inputs.value, "v2");
    });

    it("a delete is \"deleting\" in flight (the old state, id included), cleared after failure and after success", async () => {
        open("open");
        assert.ok((await go("up", [{ name: "a", props: { gate: "open", failDelete: true } }, { name: "b", props: { gate: "open" } }])).ok);
        fs.unlinkSync(file("open"));
        const failing = go("up", [{ name: "b", props: { gate: "open" } }]);
        await held("delete-a");
        const [op] = pending()!;
        assert.deepStrictEqual([op.type, op.resource.urn, op.resource.id], ["deleting", p.urn("a"), "rec-a"]);
        assert.deepStrictEqual(p.stateNames().sort(), ["a", "b"]);
        open("open");
        const r = await failing;
        assert.strictEqual(r.ok, false);
        assert.strictEqual(pending(), undefined);
        assert.deepStrictEqual(p.stateNames().sort(), ["a", "b"]);

        fs.unlinkSync(file("open"));
        fs.unlinkSync(file("delete-a.waiting"));
        const destroy = go("destroy", []);
        await held("delete-a");
        await held("delete-b");
        // Independent, so deleted concurrently: both in flight, both recorded.
        assert.deepStrictEqual(pendingView().sort(), ["deleting a", "deleting b"]);
        open("open");
        const d = await destroy;
        assert.strictEqual(d.ok, false, "a's delete still fails on demand");
        assert.strictEqual(pending(), undefined);
        assert.deepStrictEqual(p.stateNames(), ["a"]);
    });

    it("a refresh's Read records no pending operation (a RefreshStep's mutation records none), and a preview writes nothing", async () => {
        open("open");
        assert.ok((await go("up", [{ name: "a", props: { gate: "open" } }])).ok);
        fs.unlinkSync(file("open"));
        const refresh = go("refresh", []);
        await held("read-a");
        assert.strictEqual(pending(), undefined);
        open("open");
        assert.ok((await refresh).ok);

        addPending([fakeOp("x", "updating")]);
        const before = p.stateText();
        const preview = await go("preview", [{ name: "a", value: "v2", props: { gate: "open" } }]);
        assert.ok(preview.ok, preview.error);
        assert.deepStrictEqual(ops(preview), ["update a"]);
        assert.deepStrictEqual(warnings(preview), [], "no warning in a preview (DryRun)");
        assert.strictEqual(p.stateText(), before, "a preview neither records nor drops pending operations");
    });

    it("a killed up leaves the pending create; the next up warns with the engine's text and creates the resource again; the pending create stays (snap keeps the base's creates)", async () => {
        const resources = [{ name: "a" }, { name: "b", dependsOn: ["a"], props: { gate: "open" } }];
        const child = spawn(process.execPath, [BIN, "up", "--skip-preview", "--cwd", p.dir, "--config", `resources=${JSON.stringify(resources)}`], {
            env: { ...process.env, RECORDS_DIR: p.recordsDir }, detached: true, stdio: "ignore",
        });
        const exited = new Promise((r) => child.once("exit", r));
        await held("create-b");
        process.kill(-child.pid!, "SIGKILL"); // the engine, the program and the plugin at once
        await exited;
        assert.deepStrictEqual(pendingView(), ["creating b"]);
        assert.deepStrictEqual(p.stateNames(), ["a"]);
        p.takeCalls();

        open("open");
        const r = await run({
            command: "up", cwd: p.dir, config: { resources: JSON.stringify(resources) }, env: { RECORDS_DIR: p.recordsDir },
        });
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(warnings(r.preview as RunResult), [], "the up's preview does not warn");
        assert.deepStrictEqual(warnings(r), [pendingWarning([{ urn: p.urn("b"), type: "creating" }])]);
        assert.ok(r.stdout.includes(`    * ${p.urn("b")}, interrupted while creating`), r.stdout);
        assert.deepStrictEqual(ops(r), ["same a", "create b"]);
        assert.deepStrictEqual(p.takeCalls(), ["create b"]);
        assert.deepStrictEqual(p.stateNames().sort(), ["a", "b"]);
        assert.deepStrictEqual(pendingView(), ["creating b"], "the pending create stays though b now exists");

        const again = await go("up", resources);
        assert.ok(again.ok, again.error);
        assert.deepStrictEqual(warnings(again), [pendingWarning([{ urn: p.urn("b"), type: "creating" }])], "and every up warns again");
        assert.deepStrictEqual(ops(again), ["same a", "same b"]);
    });

    it("the next up warns about every kind, then drops the non-create operations at its write, even with no change; destroy warns too", async () => {
        assert.ok((await go("up", [{ name: "a" }, { name: "b" }])).ok);
        addPending([fakeOp("a", "updating"), fakeOp("b", "deleting"), fakeOp("c", "creating")]);
        const r = await go("up", [{ name: "a" }, { name: "b" }]);
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(warnings(r), [pendingWarning([
            { urn: p.urn("a"), type: "updating" }, { urn: p.urn("b"), type: "deleting" }, { urn: p.urn("c"), type: "creating" },
        ])]);
        assert.deepStrictEqual(ops(r), ["same a", "same b"]);
        assert.deepStrictEqual(pendingView(), ["creating c"]);

        const d = await go("destroy", []);
        assert.ok(d.ok, d.error);
        assert.deepStrictEqual(warnings(d), [pendingWarning([{ urn: p.urn("c"), type: "creating" }])]);
        assert.deepStrictEqual(p.stateNames(), []);
        assert.deepStrictEqual(pendingView(), ["creating c"], "destroy keeps it too: c was never in the state to delete");
    });

    it("refresh: with no flag, non-create operations are cleared and pending creates kept, with no message", async () => {
        assert.ok((await go("up", [{ name: "a" }])).ok);
        addPending([fakeOp("a", "updating"), fakeOp("c", "creating")]);
        const r = await go("refresh", []);
        assert.ok(r.ok, r.error);
        assert.deepStrictEqual(warnings(r), []);
        assert.deepStrictEqual(pendingView(), ["creating c"]);

        const skipped = await go("refresh", [], { skipPendingCreates: true });
        assert.ok(skipped.ok, skipped.error);
        assert.deepStrictEqual(pendingView(), ["creating c"], "--skip-pending-creates only skips the interactive prompt");
    });

    it("refresh --clear-pending-creates drops them (and the refresh the rest); both --skip and --clear fail before anything is written", async () => {
        assert.ok((await go("up", [{ name: "a" }])).ok);
        addPending([fakeOp("a", "deleting"), fakeOp("c", "creating"), fakeOp("d", "creating")]);
        const before = p.stateText();
        const both = await go("refresh", [], { skipPendingCreates: true, clearPendingCreates: true });
        assert.strictEqual(both.ok, false);
        assert.strictEqual(both.error, "cannot set both --skip-pending-creates and --clear-pending-creates");
        assert.strictEqual(p.stateText(), before);

        const r = await go("refresh", [], { clearPendingCreates: true });
        assert.ok(r.ok, r.error);
        assert.strictEqual(pending(), undefined);
        assert.deepStrictEqual(p.stateNames(), ["a"]);
        const up = await go("up", [{ name: "a" }]);
        assert.deepStrictEqual(warnings(up), []);
    });

    it("refresh --import-pending-creates URN ID: the create becomes \"importing\" with the ID, then the refresh drops it; nothing is imported", async () => {
        open("open");
        assert.ok((await go("up", [{ name: "a", props: { gate: "open" } }])).ok);
        addPending([fakeOp("c", "creating"), fakeOp("d", "creating")]);
        fs.unlinkSync(file("open"));
        const odd = await go("refresh", [], { importPendingCreates: [p.urn("c")] });
        assert.strictEqual(odd.error, "each URN must be followed by an ID: found an odd number of entries");
        assert.deepStrictEqual(pendingView(), ["creating c", "creating d"]);

        const refresh = go("refresh", [], { importPendingCreates: [p.urn("c"), "rec-c", p.urn("zzz"), "rec-zzz"] });
        await held("read-a"); // the edit is written before the refresh reads anything
        assert.deepStrictEqual(pending()!.map((o) => [o.type, o.resource.name, o.resource.id]), [["importing", "c", "rec-c"], ["creating", "d", undefined]]);
        open("open");
        const r = await refresh;
        assert.ok(r.ok, r.error);
        // One unused URN, and the CLI's list of them starts with an empty entry (make([]string, n) then append).
        assert.deepStrictEqual(warnings(r), [`warning: the following urns did not correspond to a pending create\n- ""\n- "${p.urn("zzz")}"`]);
        assert.deepStrictEqual(pendingView(), ["creating d"], "the importing operation is dropped at the refresh's write");
        assert.deepStrictEqual(p.stateNames(), ["a"], "c was not imported");
    });

    it("the command line takes the refresh flags; --import-pending-creates takes one value each time, as the CLI's string array", () => {
        const a = parseArgs(["refresh", "--clear-pending-creates", "--skip-pending-creates",
            "--import-pending-creates", "urn:a", "--import-pending-creates=id-a"]);
        assert.strictEqual(a.clearPendingCreates, true);
        assert.strictEqual(a.skipPendingCreates, true);
        assert.deepStrictEqual(a.importPendingCreates, ["urn:a", "id-a"]);
        assert.throws(() => parseArgs(["refresh", "--import-pending-creates", "urn:a", "id-a"]), /unexpected argument "id-a"/);
        assert.strictEqual(parseArgs(["up"]).clearPendingCreates, undefined);
    });
});

// Kept here so that the state file shape is checked without the engine too.
describe("pulumi-local state file: pending operations", () => {
    it("round-trips pendingOperations", () => {
        const p = new Scratch();
        try {
            const op: PendingOperation = { type: "creating", resource: { urn: "urn:x", type: "t", name: "x", custom: true, inputs: {}, outputs: {}, dependencies: [] } };
            writeStateAtomic(p.dir, { version: 1, project: "records", stack: "dev", resources: [], outputs: {}, pendingOperations: [op] });
            assert.deepStrictEqual(readState(p.dir)!.pendingOperations, [op]);
        } finally {
            p.cleanup();
        }
    });
});
