// The provider plugin end to end: a TypeScript program using `plugin.StateMachineAlias` and `plugin.Provider`
// (classes in the shape Pulumi's codegen gives them) run by the local engine, which starts the plugin as the
// CLI does (Pulumi.yaml `plugins: providers:` naming the installed package, whose PulumiPlugin.yaml says
// `runtime: nodejs`) and drives it in the engine's call order, against the local endpoint. The same stack
// through the dynamic StateMachineAlias makes exactly the same AWS calls.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { CreateStateMachineAliasCommand, CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { AliasProject, AliasSpec, definition, endpointAliases, endpointSuite, ROLE, RunResult, SfnLocal } from "../support/world";

const PLUGIN_TYPE = "sfn-alias:index:StateMachineAlias";
const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/sfn:StateMachineAlias";
const B = "222222222222";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The aliases program with `vehicle: plugin`: Pulumi.yaml names the installed package as the plugin folder. */
class PluginProject extends AliasProject {
    constructor(local: SfnLocal) {
        super(local);
        fs.appendFileSync(path.join(this.dir, "Pulumi.yaml"), "plugins:\n  providers:\n    - name: sfn-alias\n      path: node_modules/pulumi-sfn-alias\n");
    }
    override run(command: Parameters<AliasProject["run"]>[0], aliases: AliasSpec[], opts: Parameters<AliasProject["run"]>[2] = {}): Promise<RunResult> {
        // The default provider's configuration, as a user sets it: `sfn-alias:*` stack config.
        const config = { vehicle: "plugin", "sfn-alias:endpoints": JSON.stringify([{ sfn: this.local.url, cloudwatch: this.local.url, sts: this.local.url }]), ...(opts.config ?? {}) };
        return super.run(command, aliases, { ...opts, config });
    }
}

describe("end to end: the provider plugin through the local engine, beside the dynamic provider", function () {
    this.timeout(120_000);
    const suite = endpointSuite(71, (l) => new PluginProject(l));
    let local: SfnLocal;
    let v: string[];

    before(() => {
        local = suite.local;
        v = suite.machine.versions;
    });

    const ok = (r: RunResult, what: string) =>
        assert.ok(r.ok, `${what}: ${r.error}\n${r.steps.map((s) => `${s.op} ${s.name}: ${s.error ?? ""}`).join("\n")}\n${r.diagnostics.slice(-8).join("\n")}\n${r.pluginDebug.slice(-8).join("\n")}`);
    const steps = (r: RunResult, type = PLUGIN_TYPE) => r.steps.filter((s) => s.type === type).map((s) => `${s.op} ${s.name}`);
    const calls = () => local.calls().filter((c) => !c.service).map((c) => c.operation);
    const route = (...pairs: [string, number][]) => pairs.map(([stateMachineVersionArn, weight]) => ({ stateMachineVersionArn, weight }));
    const live = (routing: ReturnType<typeof route>, extra: Record<string, unknown> = {}): AliasSpec[] => [{ resource: "live", args: { name: "live", routingConfiguration: routing, ...extra } }];

    it("preview, up, no-change up, update, refresh, replace, destroy: the same AWS calls as the dynamic provider", async () => {
        const sequence: [Parameters<AliasProject["run"]>[0], AliasSpec[]][] = [
            ["preview", live(route([v[0], 100]))],
            ["up", live(route([v[0], 100]))],
            ["up", live(route([v[0], 100]))],
            ["up", live(route([v[0], 90], [v[1], 10]))],
            ["refresh", live(route([v[0], 90], [v[1], 10]))],
            ["up", live(route([v[0], 90], [v[1], 10]), { name: "prod" })],
            ["destroy", live(route([v[0], 90], [v[1], 10]), { name: "prod" })],
        ];
        const trace = async (project: AliasProject, type: string) => {
            const out: string[] = [];
            for (const [command, aliases] of sequence) {
                local.clearCalls();
                const r = await project.run(command, aliases, { skipPreview: true });
                ok(r, `${type} ${command}`);
                out.push(`${command} [${steps(r, type).join(", ")}]: ${calls().join(" ")}`);
            }
            return out;
        };
        const plugin = await trace(suite.project, PLUGIN_TYPE);
        const dynamic = new AliasProject(local);
        let dynamicTrace: string[];
        try {
            dynamicTrace = await trace(dynamic, DYNAMIC_TYPE);
        } finally {
            dynamic.cleanup();
        }
        assert.deepStrictEqual(plugin, dynamicTrace);
        assert.deepStrictEqual(plugin, [
            "preview [create live]: ",
            "up [create live]: DescribeStateMachineAlias CreateStateMachineAlias",
            "up [same live]: ",
            "up [update live]: UpdateStateMachineAlias",
            "refresh [refresh live]: DescribeStateMachineAlias",
            "up [create-replacement live, replace live, delete-replaced live]: DescribeStateMachineAlias CreateStateMachineAlias DeleteStateMachineAlias",
            "destroy [delete live]: DeleteStateMachineAlias",
        ]);
    });

    it("the detailed diff names the property: a weight is an update of routingConfiguration, a new name a replacement on name", async () => {
        ok(await suite.project.run("up", live(route([v[0], 100])), { skipPreview: true }), "up");
        const shifted = await suite.project.run("preview", live(route([v[0], 50], [v[1], 50])));
        const step = shifted.steps.find((s) => s.type === PLUGIN_TYPE)!;
        assert.equal(step.op, "update");
        assert.deepStrictEqual(step.detailedDiff, { routingConfiguration: { kind: "update", inputDiff: true } });
        const renamed = (await suite.project.run("preview", live(route([v[0], 100]), { name: "prod" }))).steps.find((s) => s.type === PLUGIN_TYPE)!;
        assert.equal(renamed.op, "replace");
        assert.deepStrictEqual(renamed.detailedDiff, { name: { kind: "update-replace", inputDiff: true } });
    });

    it("a secret description stays secret in the state; a description made from another alias's ARN (unknown in preview) calls no API in preview and resolves in up", async () => {
        const aliases: AliasSpec[] = [
            { resource: "first", args: { name: "first", routingConfiguration: route([v[0], 100]) } },
            { resource: "second", args: { name: "second", description: "secret words", routingConfiguration: route([v[0], 100]) }, secretDescription: true },
            { resource: "third", args: { name: "third", routingConfiguration: route([v[1], 100]) }, descriptionFrom: "first" },
        ];
        const preview = await suite.project.run("preview", aliases);
        ok(preview, "preview");
        assert.deepStrictEqual(steps(preview).sort(), ["create first", "create second", "create third"]);
        assert.equal(calls().length, 0, "a preview calls no API");
        const up = await suite.project.run("up", aliases, { skipPreview: true });
        ok(up, "up");
        const state = suite.project.state()!;
        const second = state.resources.find((r) => r.name === "second")!;
        assert.deepStrictEqual(second.outputs.description, { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "secret words" });
        assert.ok(!fs.readFileSync(suite.project.statePath(), "utf8").includes("secret words"), "encrypted or at least not in plain text");
        assert.equal(endpointAliases(local)[`${suite.machine.arn}:third`].description, "after first");
    });

    it("an alias made outside Pulumi is imported by its ARN (one Describe); inputs that differ from it then update it (ImportStep, then UpdateStep)", async () => {
        const sfn = suite.sfn;
        await sfn.send(new CreateStateMachineAliasCommand({ name: "manual", description: "by hand", routingConfiguration: route([v[1], 100]) }));
        await sfn.send(new CreateStateMachineAliasCommand({ name: "other", routingConfiguration: route([v[1], 100]) }));
        const arn = (n: string) => `${suite.machine.arn}:${n}`;
        local.clearCalls();
        const imported = await suite.project.run("up", [{ resource: "manual", args: { name: "manual", description: "by hand", routingConfiguration: route([v[1], 100]) }, import: arn("manual") }], { skipPreview: true });
        ok(imported, "import");
        assert.deepStrictEqual(steps(imported), ["import manual"]);
        assert.deepStrictEqual(calls(), ["DescribeStateMachineAlias"]);
        const state = suite.project.state()!.resources.find((r) => r.name === "manual")!;
        assert.equal(state.id, arn("manual"));
        assert.deepStrictEqual(state.inputs, { name: "manual", description: "by hand", routingConfiguration: route([v[1], 100]) });

        local.clearCalls();
        const changed = await suite.project.run("up", [
            { resource: "manual", args: { name: "manual", description: "by hand", routingConfiguration: route([v[1], 100]) }, import: arn("manual") },
            { resource: "other", args: { name: "other", routingConfiguration: route([v[0], 100]) }, import: arn("other") },
        ], { skipPreview: true });
        ok(changed, "import with a change");
        assert.deepStrictEqual(steps(changed).sort(), ["import other", "same manual", "update other"]);
        assert.deepStrictEqual(calls(), ["DescribeStateMachineAlias", "UpdateStateMachineAlias"]);
        assert.deepStrictEqual(endpointAliases(local)[arn("other")].routing, route([v[0], 100]));
    });

    it("an explicit provider assuming a role in another account creates the alias there; the default provider stays in its own", async () => {
        // The state machine made in B as B's role (STS on the endpoint), as someone there would have made it.
        const asB = fromTemporaryCredentials({
            params: { RoleArn: `arn:aws:iam::${B}:role/admin`, RoleSessionName: "setup" },
            masterCredentials: { accessKeyId: "test", secretAccessKey: "test" },
            clientConfig: { endpoint: local.url, region: "us-east-1" },
        });
        const sfnB = new SFNClient({ endpoint: local.url, region: "us-east-1", credentials: asB });
        let versionB: string;
        try {
            versionB = (await sfnB.send(new CreateStateMachineCommand({ name: "orders-b", definition: definition("1"), roleArn: ROLE, publish: true }))).stateMachineVersionArn!;
        } finally {
            sfnB.destroy();
        }
        assert.ok(versionB.includes(`:${B}:`), `made in ${B}: ${versionB}`);
        const providers = [{ resource: "other", args: { assumeRoles: [{ roleArn: `arn:aws:iam::${B}:role/deploy`, sessionName: "plugin" }], endpoints: [{ sfn: local.url, sts: local.url, cloudwatch: local.url }] } }];
        local.clearCalls();
        const up = await suite.project.run("up", [
            { resource: "home", args: { name: "home", routingConfiguration: route([v[0], 100]) } },
            { resource: "away", args: { name: "away", routingConfiguration: route([versionB, 100]) }, provider: "other" },
        ], { skipPreview: true, config: { providers: JSON.stringify(providers) } });
        ok(up, "up");
        const away = suite.project.state()!.resources.find((r) => r.name === "away")!;
        assert.equal(away.id, `arn:aws:states:us-east-1:${B}:stateMachine:orders-b:away`);
        assert.match(String(away.provider), /^urn:pulumi:dev::aliases::pulumi:providers:sfn-alias::other::/);
        const made = local.calls().filter((c) => c.operation === "CreateStateMachineAlias");
        assert.deepStrictEqual(made.map((c) => c.caller).sort(), [`arn:aws:iam::123456789012:user/test`, `arn:aws:sts::${B}:assumed-role/deploy/plugin`].sort());
        ok(await suite.project.run("destroy", [], { config: { providers: JSON.stringify(providers) } }), "destroy");
    });

    it("a rollout's progress reaches the engine with the alias's URN; a firing alarm's rollback is recorded as the engine records a partial failure", async () => {
        const cw = new CloudWatchClient({ endpoint: local.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
        try {
            await cw.send(new PutMetricAlarmCommand({
                AlarmName: "plugin-errors", Namespace: "AWS/States", MetricName: "ExecutionsFailed", Statistic: "Sum", Period: 60,
                EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold",
            }));
            await cw.send(new SetAlarmStateCommand({ AlarmName: "plugin-errors", StateValue: "OK", StateReason: "test" }));
            ok(await suite.project.run("up", live(route([v[0], 100])), { skipPreview: true }), "up");
            local.clearCalls();
            const running = suite.project.run("up", [{ resource: "live", args: { name: "live", deploymentPreference: { type: "LINEAR", stateMachineVersionArn: v[1], percentage: 50, intervalSeconds: 3, alarmPollSeconds: 1, alarms: ["plugin-errors"] } } }], { skipPreview: true });
            const deadline = Date.now() + 30_000;
            while (!local.calls().some((c) => c.operation === "UpdateStateMachineAlias")) {
                if (Date.now() > deadline) throw new Error("no shift");
                await sleep(20);
            }
            await cw.send(new SetAlarmStateCommand({ AlarmName: "plugin-errors", StateValue: "ALARM", StateReason: "ExecutionsFailed >= 1" }));
            const r = await running;
            assert.equal(r.ok, false);
            const resource = suite.project.state()!.resources.find((x) => x.name === "live")!;
            assert.ok(resource.initErrors?.some((e) => /rolled back/.test(e)), JSON.stringify(resource.initErrors));
            assert.deepStrictEqual(resource.outputs.routingConfiguration, route([v[0], 100]), "the state records what AWS has");
            const urn = "urn:pulumi:dev::aliases::sfn-alias:index:StateMachineAlias::live";
            const lines = r.logs.filter((l) => l.urn === urn);
            assert.ok(lines.some((l) => l.ephemeral && /holding 50%/.test(l.message)), JSON.stringify(lines));
            assert.ok(lines.some((l) => !l.ephemeral && /shifted 50%/.test(l.message)));
            assert.ok(lines.some((l) => !l.ephemeral && /rolled back: 100% on/.test(l.message)));
            assert.ok(!r.diagnostics.some((d) => /shifted 50%/.test(d)), "not as URN-less plugin output");
        } finally {
            await cw.send(new SetAlarmStateCommand({ AlarmName: "plugin-errors", StateValue: "OK", StateReason: "test" }));
            cw.destroy();
        }
    });
});
