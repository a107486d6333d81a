// End to end, through the local engine (which keeps pending operations as the real one: snapshot.go,
// deployment_executor.go, operations/refresh.go) and the local endpoint: the engine is killed while the
// alias's CreateStateMachineAlias is in flight, and AWS completes the create after the CLI died. What the
// user meets then: the state holds a pending create and no alias, AWS holds the alias; the next up warns
// about the pending operation and then the provider refuses to create an alias that exists; the
// provider's own fix (adoptExisting once) converges, but the pending create stays (and the warning with
// it) until `pulumi refresh --clear-pending-creates`.
import * as assert from "assert";
import { spawn } from "child_process";
import * as path from "path";
import { AliasProject, AliasSpec, aliasSteps, endpointAliases, endpointEnv, endpointSuite, ok, ROOT, SfnLocal, TYPE } from "../support/world";
import { run } from "../../tools/pulumi-local";

const BIN = path.join(ROOT, "bin", "pulumi-local.js");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("end to end: the engine killed while an alias's Create is in flight", function () {
    this.timeout(60_000);
    // Faults cleared first (this hook is registered before the suite's), so the cleanup's deletes get through.
    afterEach(() => suite.local?.setFaults(undefined));
    const suite = endpointSuite(41, (l) => new AliasProject(l));
    let local: SfnLocal;
    let m: { arn: string; versions: string[] };
    let project: AliasProject;
    before(() => { ({ local, machine: m } = suite); });
    beforeEach(() => { project = suite.project; });

    async function until(what: string, test: () => boolean, ms = 20_000): Promise<void> {
        const deadline = Date.now() + ms;
        while (!test()) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
            await sleep(10);
        }
    }

    it("the next up warns about the pending create, then the create fails on the alias AWS made; adoptExisting converges; only refresh --clear-pending-creates ends the warning", async () => {
        const arn = `${m.arn}:live`;
        const urn = `urn:pulumi:dev::aliases::${TYPE}::live`;
        const aliases: AliasSpec[] = [{ resource: "live", args: { name: "live", routingConfiguration: [{ stateMachineVersionArn: m.versions[0], weight: 100 }] } }];

        // The Create is held by the endpoint (latency, before it is handled); the engine is killed meanwhile;
        // the endpoint then handles it: AWS made the alias, nobody heard the answer.
        local.setFaults("latency=1000,ops=CreateStateMachineAlias");
        local.clearCalls();
        const child = spawn(process.execPath, [BIN, "up", "--skip-preview", "--cwd", project.dir, "--stack", "dev", "--config", `aliases=${JSON.stringify(aliases)}`], {
            env: { ...process.env, ...endpointEnv(local.url) }, detached: true, stdio: "ignore",
        });
        const exited = new Promise((r) => child.once("exit", r));
        await until("the Create to reach the endpoint", () => local.calls().some((c) => c.operation === "CreateStateMachineAlias"));
        const inFlight = project.state()!;
        assert.deepStrictEqual(inFlight.pendingOperations?.map((o) => [o.type, o.resource.urn]), [["creating", urn]]);
        process.kill(-child.pid!, "SIGKILL"); // the engine, its program and its plugin
        await exited;
        await until("AWS to complete the create", () => arn in endpointAliases(local));
        local.setFaults(undefined);
        const killed = project.state()!;
        assert.deepStrictEqual(killed.pendingOperations?.map((o) => [o.type, o.resource.urn, o.resource.id]), [["creating", urn, undefined]]);
        assert.deepStrictEqual(killed.resources.filter((r) => r.type === TYPE), [], "the state has no alias");

        // The next up, as a user runs it (preview, then update).
        local.clearCalls();
        const next = await project.run("up", aliases);
        assert.strictEqual(next.ok, false, next.stdout);
        const warning = next.diagnostics.find((d) => d.startsWith("warning: Attempting to deploy or update resources"));
        assert.ok(warning, next.stdout);
        assert.ok(warning!.startsWith(`warning: Attempting to deploy or update resources with 1 pending operations from previous deployment.\n  * ${urn}, interrupted while creating\n`), warning);
        assert.ok(warning!.endsWith("Note that `pulumi refresh` will need to be run interactively to clear pending CREATE operations."), warning);
        assert.deepStrictEqual(aliasSteps(next), ["create live (failed)"]);
        const error = next.steps.find((s) => s.type === TYPE)!.error!;
        assert.ok(error.includes(`The alias ${arn} already exists (created `), error);
        assert.ok(error.includes("and this resource's state does not hold it, so it is not taken over"), error);
        // The cause that applies names the warning the user just saw, and the whole fix, pending create included.
        assert.ok(error.includes('(3) an earlier up of this stack was interrupted after AWS created the alias (Pulumi then warns of a pending operation ' +
            'on this resource, "interrupted while creating"): set adoptExisting: true once and run up, then clear the pending create ' +
            "with pulumi refresh --clear-pending-creates and remove adoptExisting;"), error);
        assert.deepStrictEqual(local.calls().filter((c) => c.operation.includes("Alias")).map((c) => c.operation), ["DescribeStateMachineAlias"],
            "the update's Create reads it (a preview calls no Create) and writes nothing");
        assert.deepStrictEqual(project.state()!.pendingOperations?.map((o) => o.type), ["creating"]);

        // The provider's fix (3), step by step: adoptExisting once. It converges, but the pending create stays: still warned.
        const adopting: AliasSpec[] = [{ ...aliases[0], args: { ...aliases[0].args, adoptExisting: true } }];
        const adopted = await run({
            command: "up", cwd: project.dir, stack: "dev", skipPreview: true, config: { aliases: JSON.stringify(adopting) }, env: endpointEnv(local.url),
        });
        ok(adopted, "up with adoptExisting");
        assert.deepStrictEqual(aliasSteps(adopted), ["create live"]);
        assert.ok(adopted.diagnostics.some((d) => d.includes(`  * ${urn}, interrupted while creating`)), "warned again");
        assert.deepStrictEqual(project.state()!.resources.filter((r) => r.type === TYPE).map((r) => r.id), [arn]);
        assert.deepStrictEqual(project.state()!.pendingOperations?.map((o) => o.type), ["creating"], "the pending create outlives the fix");

        // Then the refresh the fix names: only --clear-pending-creates ends it (without a flag, non-interactively, it
        // stays: tests/pulumi-local/pending.test.ts).
        const cleared = await run({ command: "refresh", cwd: project.dir, stack: "dev", env: endpointEnv(local.url), clearPendingCreates: true });
        ok(cleared, "refresh --clear-pending-creates");
        assert.strictEqual(project.state()!.pendingOperations, undefined, "so the next up has nothing to warn about");
        assert.deepStrictEqual(project.state()!.resources.filter((r) => r.type === TYPE).map((r) => r.id), [arn]);
    });
});
