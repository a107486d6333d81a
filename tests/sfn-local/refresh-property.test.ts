// Refresh shows drift only where there is drift: for any valid input (fast-check), create through the
// provider against the local endpoint (real SDK over HTTP), then read it back: the read's outputs equal the
// create's outputs exactly, and diff of those outputs against the inputs is no change. The same after an
// update to another valid configuration. Descriptions of every kind ("" included), routing in any order.
import * as assert from "assert";
import * as fc from "fast-check";
import { configureAws } from "../../provider/aws";
import { checkAlias } from "../../provider/check";
import { diffAlias } from "../../provider/diff";
import { stateMachineAliasProvider as provider } from "../../provider/provider";
import { SfnLocal, startSfnLocal } from "../../tools/sfn-local";
import { makeMachine, sdkClient } from "../support/world";

type Props = Record<string, unknown>;

describe("property: refresh right after a create or an update reports nothing (against sfn-local)", function () {
    this.timeout(120_000);
    let local: SfnLocal;
    let versions: string[];

    before(async () => {
        local = await startSfnLocal({ throttling: false, seed: 7 });
        versions = (await makeMachine(sdkClient(local), "prop", 4)).versions;
        configureAws({ endpoint: local.url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    });
    after(async () => {
        configureAws({});
        await local?.stop();
    });

    const description = fc.oneof(fc.constant(undefined), fc.constant(""), fc.string({ maxLength: 256 }), fc.string({ unit: "grapheme", maxLength: 60 }));
    const routing = fc.oneof(
        fc.constantFrom(0, 1, 2, 3).map((i) => [{ stateMachineVersionArn: versions[i], weight: 100 }]),
        fc.tuple(fc.uniqueArray(fc.constantFrom(0, 1, 2, 3), { minLength: 2, maxLength: 2 }), fc.integer({ min: 0, max: 100 }))
            .map(([[a, b], w]) => [{ stateMachineVersionArn: versions[a], weight: w }, { stateMachineVersionArn: versions[b], weight: 100 - w }]),
    );
    const config = fc.record({ description, routingConfiguration: routing, adoptExisting: fc.option(fc.boolean(), { nil: undefined }) });
    const withoutUndefined = (o: Props): Props => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

    it("create, read, update, read: outputs read back equal the outputs recorded; diff against the inputs is no change", async () => {
        let n = 0;
        await fc.assert(
            fc.asyncProperty(config, config, async (first, second) => {
                const name = `p${n++}`;
                const news = withoutUndefined({ name, ...first, __provider: "p" });
                const checked = checkAlias({}, news);
                assert.deepStrictEqual(checked.failures, []);
                const created = await provider.create!(checked.inputs);
                const read = await provider.read!(created.id, { ...created.outs, __provider: "p" });
                assert.deepStrictEqual(read.props, created.outs, "refresh after a create would show drift");
                assert.strictEqual(diffAlias(read.props as Props, checked.inputs).changes, false);

                const next = checkAlias(checked.inputs, withoutUndefined({ name, ...second, __provider: "p" }));
                const updated = await provider.update!(created.id, { ...created.outs, __provider: "p" }, next.inputs);
                const reread = await provider.read!(created.id, { ...updated.outs, __provider: "p" });
                assert.deepStrictEqual(reread.props, updated.outs, "refresh after an update would show drift");
                assert.strictEqual(diffAlias(reread.props as Props, next.inputs).changes, false);
                await provider.delete!(created.id, updated.outs);
            }),
            { seed: 20261202, numRuns: 60 },
        );
        assert.deepStrictEqual(Object.keys(local.snapshot().aliases), []);
    });
});
