// Crashes in the middle of an up that updates, replaces and creates aliases: the engine (the CLI process,
// SIGKILL) or the dynamic-provider plugin (SIGKILL), right after the endpoint accepted the k-th write
// (seeded), read from the endpoint's call log. The next up either converges, or stops, with the
// already-exists message, on exactly the aliases AWS created but the state never recorded (a create never
// takes over an alias it cannot prove it made); adoptExisting: true once then converges. Nothing is lost,
// nothing is owned twice, and in the end the state equals the endpoint.
import * as assert from "assert";
import { crashingUp, crashSpecs } from "../support/crash";
import { counts } from "./counts";
import { Lifecycle } from "../support/scenario";
import { AliasProject, ensureBuilt, makeMachine, ok, sdkClient, SfnLocal, startSfnLocal } from "../support/world";

describe("resilience: crashes of the engine and of the plugin in the middle of an up", function () {
    this.timeout(120_000);
    let local: SfnLocal;
    let project: AliasProject;
    let versions: string[];

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: false, seed: 31 });
        versions = (await makeMachine(sdkClient(local), "orders", 2)).versions;
        project = new AliasProject(local);
    });
    after(async () => {
        project?.cleanup();
        await local?.stop();
    });

    // Writes of the up, in order: Update a, Create b<n+1> (the replacement), Create c, Delete b<n>.
    const cases: { who: "engine" | "plugin"; k: number; what: string }[] = [
        { who: "engine", k: 2, what: "right after the endpoint accepted the replacement's create" },
        { who: "engine", k: 3, what: "after a create, with the replaced alias still to delete" },
        { who: "plugin", k: 1, what: "right after an update" },
        { who: "plugin", k: 2, what: "right after the endpoint accepted the replacement's create" },
    ];
    const refusedIn: string[] = [];
    after(() => {
        // The cases that crash between a create and its state write must meet the refusal, or this suite tests nothing new.
        assert.ok(refusedIn.length > 0, "no crash left an unrecorded alias: the refusal path was never taken");
    });
    cases.forEach((c, i) => {
        it(`${c.who} killed ${c.what}: the next up converges, or stops on the unrecorded alias and adoptExisting once converges`, async () => {
            const stack = `crash${i}`;
            const life = new Lifecycle(project, stack);
            const { before, after } = crashSpecs(versions, stack, 0);
            ok(await project.run("up", before, { stack, skipPreview: true }), "setting up");
            const killed = await crashingUp(project, stack, after, c.who, c.k);
            assert.ok(killed, "the up ended before the crash point");
            const refused = await life.recover(after, `${c.who} crash after write ${c.k}`);
            if (refused.length > 0) refusedIn.push(`${stack}: ${refused.join(", ")}`);
            counts.refusedAfterCrash += refused.length;
            const names = Object.keys(local.snapshot().aliases).filter((a) => a.includes(`:${stack}-`)).map((a) => a.split(":").pop()).sort();
            assert.deepStrictEqual(names, [`${stack}-a`, `${stack}-b1`, `${stack}-c`], "duplicate or orphan alias");
            counts.convergedRuns++;
        });
    });
});
