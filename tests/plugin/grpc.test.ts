// The provider plugin over gRPC, as every Pulumi language's program reaches it: started as the CLI starts a
// `runtime: nodejs` plugin (run-plugin, this repository as the plugin folder), driven with @pulumi/pulumi's
// own stubs in the engine's call order (provider_plugin.go), against the local endpoint. Python, Go, .NET,
// Java and YAML programs cannot run here; these requests and answers are the contract their SDKs see.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { CreateStateMachineAliasCommand, SFNClient } from "@aws-sdk/client-sfn";
import { endpointAliases, ensureBuilt, makeMachine, ROOT, sdkClient, SfnLocal, startSfnLocal } from "../support/world";
import {
    emptyproto, engproto, initFailure, js, LogEntry, Plugin, provproto, requests, secret, SECRET, SIG, startEngine, startPlugin, UNKNOWN, urnOf,
} from "./harness";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const C = provproto.DiffResponse.DiffChanges;
const Kind = provproto.PropertyDiff.Kind;

describe("provider plugin: the ResourceProvider gRPC service, driven as the engine drives it", function () {
    this.timeout(60_000);
    let local: SfnLocal;
    let sfn: SFNClient;
    let cw: CloudWatchClient;
    let engine: Awaited<ReturnType<typeof startEngine>>;
    let plugin: Plugin;
    let v: string[];
    let other: { arn: string; versions: string[] };

    /** No AWS settings in the environment: everything the plugin knows comes from Configure. */
    const PLUGIN_ENV = {
        AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_ENDPOINT_URL: "", AWS_ENDPOINT_URL_SFN: "", AWS_ENDPOINT_URL_CLOUDWATCH: "",
        AWS_PROFILE: "", AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    };
    /** Provider configuration pointing at the endpoint, the secret key wrapped as the engine sends it. */
    const config = () => ({ accessKey: "test", secretKey: secret("test"), endpoints: [{ sfn: local.url, cloudwatch: local.url }] });
    const calls = () => local.calls().map((c) => c.operation);

    before(async () => {
        ensureBuilt();
        local = await startSfnLocal({ throttling: false, seed: 12 });
        sfn = sdkClient(local);
        v = (await makeMachine(sfn, "orders", 3)).versions;
        other = await makeMachine(sfn, "billing", 1);
        cw = new CloudWatchClient({ endpoint: local.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
        await cw.send(new PutMetricAlarmCommand({
            AlarmName: "errors", Namespace: "AWS/States", MetricName: "ExecutionsFailed", Statistic: "Sum", Period: 60,
            EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold",
        }));
        await cw.send(new SetAlarmStateCommand({ AlarmName: "errors", StateValue: "OK", StateReason: "test" }));
        engine = await startEngine();
        plugin = await startPlugin(engine.address, PLUGIN_ENV);
    });
    after(async () => {
        await plugin?.stop();
        await engine?.stop();
        await local?.stop();
    });
    beforeEach(() => local.clearCalls());

    it("Handshake accepts secrets, resources and autonaming configuration; GetPluginInfo has the package's version", async function () {
        const info = await plugin.call("getPluginInfo", new emptyproto.Empty());
        assert.equal(info.getVersion(), JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
        // @pulumi/pulumi before 3.143 has no Handshake (the engine of that time starts with Configure, whose
        // answer says the same: the Configure test); 3.143-3.153 route it with an empty response, which the
        // plugin answers UNIMPLEMENTED (server.ts), neither of which this run's version can show.
        if (!provproto.ProviderHandshakeResponse?.prototype?.setAcceptSecrets) this.skip();
        const req = new provproto.ProviderHandshakeRequest();
        req.setEngineAddress(engine.address);
        const hs = await plugin.call("handshake", req);
        assert.deepStrictEqual(
            { secrets: hs.getAcceptSecrets(), resources: hs.getAcceptResources(), outputs: hs.getAcceptOutputs(), autonaming: hs.getSupportsAutonamingConfiguration() },
            { secrets: true, resources: true, outputs: false, autonaming: true },
        );
    });

    it("GetSchema serves the schema (version 0) with the resource and the provider's config; another version is refused", async () => {
        const req = new provproto.GetSchemaRequest();
        req.setVersion(0);
        const spec = JSON.parse((await plugin.call("getSchema", req)).getSchema());
        assert.equal(spec.name, "sfn-alias");
        assert.ok(spec.resources["sfn-alias:index:StateMachineAlias"]);
        assert.ok(spec.config?.variables?.region);
        const bad = new provproto.GetSchemaRequest();
        bad.setVersion(2);
        await assert.rejects(plugin.call("getSchema", bad), /schema version 2/);
    });

    it("CheckConfig names each bad setting (property, value, rule, fix); never a secret's value", async () => {
        const req = new provproto.CheckRequest();
        req.setUrn("urn:pulumi:dev::grpc-test::pulumi:providers:sfn-alias::default");
        req.setOlds(requests.configure({}).getArgs());
        req.setNews(requests.configure({ region: "mars-1", accessKey: "AKIDEXAMPLE", colour: "blue", endpoints: [{ sfn: "not a url" }] }).getArgs());
        const resp = await plugin.call("checkConfig", req);
        const failures = resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() }));
        const by = (p: string) => failures.filter((f: { property: string }) => f.property === p).map((f: { reason: string }) => f.reason).join(" | ");
        assert.match(by("region"), /sfn-alias:region must be an AWS region such as "us-east-1", but received "mars-1"/);
        assert.match(by("colour"), /sfn-alias:colour is not a setting of this provider/);
        // The first problem the configuration rules meet, naming its key in this provider's namespace.
        assert.match(by("endpoints"), /sfn-alias:endpoints entry sfn must be an http\(s\) URL/);

        const secretOnly = new provproto.CheckRequest();
        secretOnly.setNews(requests.configure({ accessKey: "AKIDEXAMPLE" }).getArgs());
        const r2 = (await plugin.call("checkConfig", secretOnly)).getFailuresList().map((f: any) => f.getReason()).join("\n");
        assert.match(r2, /sfn-alias:accessKey and sfn-alias:secretKey go together, but sfn-alias:secretKey is not set/);
        assert.ok(!r2.includes("AKIDEXAMPLE"), "the access key is not repeated");
    });

    it("DiffConfig: a changed setting is an update of the provider, never a replacement (that would replace every alias)", async () => {
        const req = new provproto.DiffRequest();
        req.setOlds(requests.configure({ region: "us-east-1" }).getArgs());
        req.setOldInputs(requests.configure({ region: "us-east-1" }).getArgs());
        req.setNews(requests.configure({ region: "us-west-2" }).getArgs());
        const resp = await plugin.call("diffConfig", req);
        assert.equal(resp.getChanges(), C.DIFF_SOME);
        assert.deepStrictEqual(resp.getReplacesList(), []);
        assert.equal(resp.getDetaileddiffMap().get("region").getKind(), Kind.UPDATE);
        req.setNews(requests.configure({ region: "us-east-1" }).getArgs());
        assert.equal((await plugin.call("diffConfig", req)).getChanges(), C.DIFF_NONE);
    });

    it("Configure takes its arguments with secrets wrapped, and answers acceptSecrets and supportsPreview", async () => {
        const resp = await plugin.call("configure", requests.configure(config()));
        assert.equal(resp.getAcceptsecrets(), true);
        assert.equal(resp.getSupportspreview(), true);
    });

    it("Create and Update in preview answer the outputs as far as they are known, with no AWS call", async () => {
        const machine = v[0].replace(/:\d+$/, "");
        const req = requests.create("live", { name: "live", routingConfiguration: [{ stateMachineVersionArn: v[1], weight: 100 }] });
        req.setPreview(true);
        const outs = js((await plugin.call("create", req)).getProperties());
        assert.deepStrictEqual(outs, {
            name: "live", description: "", routingConfiguration: [{ stateMachineVersionArn: v[1], weight: 100 }], adoptExisting: false,
            arn: `${machine}:live`, stateMachineArn: machine, creationDate: UNKNOWN, updateDate: UNKNOWN,
        });
        const unknownName = requests.create("live", { name: UNKNOWN, routingConfiguration: [{ stateMachineVersionArn: v[1], weight: 100 }] });
        unknownName.setPreview(true);
        assert.equal(js((await plugin.call("create", unknownName)).getProperties()).arn, UNKNOWN);
        const upd = requests.update("live", `${machine}:live`, { ...outs, creationDate: "2026-01-01T00:00:00Z", updateDate: "2026-01-01T00:00:00Z" }, {},
            { name: "live", deploymentPreference: { type: "CANARY", stateMachineVersionArn: v[2], percentage: 10, intervalSeconds: 60 } });
        upd.setPreview(true);
        const after = js((await plugin.call("update", upd)).getProperties());
        assert.deepStrictEqual(after.routingConfiguration, [{ stateMachineVersionArn: v[2], weight: 100 }], "where the rollout ends");
        assert.equal(after.creationDate, "2026-01-01T00:00:00Z");
        assert.equal(after.updateDate, UNKNOWN);
        assert.equal(calls().length, 0);
    });

    it("Check names an alias from the engine's random seed: the same seed the same name, another seed another; a recorded name stays", async () => {
        const routing = [{ stateMachineVersionArn: v[0], weight: 100 }];
        const nameWith = async (seed: Buffer, olds: Record<string, unknown> = {}) =>
            js((await plugin.call("check", requests.check("live", olds, { routingConfiguration: routing }, seed))).getInputs()).name;
        const a = await nameWith(Buffer.alloc(32, 1));
        assert.match(a, /^live-[a-z0-9]{7}$/);
        assert.equal(await nameWith(Buffer.alloc(32, 1)), a);
        assert.notEqual(await nameWith(Buffer.alloc(32, 2)), a);
        assert.equal(await nameWith(Buffer.alloc(32, 2), { name: "kept-name", routingConfiguration: routing }), "kept-name");

        if (!provproto.CheckRequest.AutonamingOptions) return; // before 3.143: no autonaming configuration to honour
        const proposed = requests.check("live", {}, { routingConfiguration: routing });
        const naming = new provproto.CheckRequest.AutonamingOptions();
        naming.setProposedName("team-live");
        naming.setMode(provproto.CheckRequest.AutonamingOptions.Mode.ENFORCE);
        proposed.setAutonaming(naming);
        assert.equal(js((await plugin.call("check", proposed)).getInputs()).name, "team-live");
        naming.setMode(provproto.CheckRequest.AutonamingOptions.Mode.DISABLE);
        proposed.setAutonaming(naming);
        const disabled = (await plugin.call("check", proposed)).getFailuresList().map((f: any) => `${f.getProperty()}: ${f.getReason()}`);
        assert.deepStrictEqual(disabled.length, 1);
        assert.match(disabled[0], /^name: name is required: autonaming is disabled/);
        assert.equal(calls().length, 0, "check calls no API");
    });

    it("Check refuses at preview what AWS would refuse, names the property; unknowns pass; secrets stay wrapped", async () => {
        const bad = await plugin.call("check", requests.check("live", {}, { name: "live", routingConfiguration: [{ stateMachineVersionArn: v[0], weight: 60 }, { stateMachineVersionArn: other.versions[0], weight: 40 }] }));
        const failures = bad.getFailuresList().map((f: any) => f.getProperty());
        assert.deepStrictEqual(failures, ["routingConfiguration[1].stateMachineVersionArn"]);

        const unknown = await plugin.call("check", requests.check("live", {}, { name: "live", routingConfiguration: [{ stateMachineVersionArn: UNKNOWN, weight: 100 }] }));
        assert.deepStrictEqual(unknown.getFailuresList(), []);
        assert.equal(js(unknown.getInputs()).routingConfiguration[0].stateMachineVersionArn, UNKNOWN);

        const hidden = await plugin.call("check", requests.check("live", {}, { name: "live", description: secret("for the night shift"), routingConfiguration: [{ stateMachineVersionArn: v[0], weight: 100 }] }));
        assert.deepStrictEqual(js(hidden.getInputs()).description, { [SIG]: SECRET, value: "for the night shift" });
        assert.equal(calls().length, 0);
    });

    it("Check refuses a state machine in another region than the provider's (an explicit provider per region); a secret setting is unwrapped", async () => {
        // The region arrives wrapped as a secret, as the engine sends a secret config value: it must still count.
        await plugin.call("configure", requests.configure({ ...config(), region: secret("us-west-2") }));
        try {
            const resp = await plugin.call("check", requests.check("live", {}, { name: "live", routingConfiguration: [{ stateMachineVersionArn: v[0], weight: 100 }] }));
            const f = resp.getFailuresList().map((x: any) => `${x.getProperty()}: ${x.getReason()}`);
            assert.equal(f.length, 1);
            assert.match(f[0], /^routingConfiguration: routingConfiguration names a state machine in us-east-1, but this provider is configured for us-west-2 \(sfn-alias:region\)/);
        } finally {
            await plugin.call("configure", requests.configure(config()));
        }
    });

    it("Diff: routing order is no change; a weight is an update; a new name a replacement, each in the detailed diff", async () => {
        const olds = { name: "live", description: "", routingConfiguration: [{ stateMachineVersionArn: v[0], weight: 90 }, { stateMachineVersionArn: v[1], weight: 10 }], arn: `${v[0].replace(/:\d+$/, "")}:live`, stateMachineArn: v[0].replace(/:\d+$/, "") };
        const inputs = { name: "live", routingConfiguration: olds.routingConfiguration };
        const same = await plugin.call("diff", requests.diff("live", olds.arn, olds, inputs, { name: "live", routingConfiguration: [...olds.routingConfiguration].reverse() }));
        assert.equal(same.getChanges(), C.DIFF_NONE);
        assert.equal(same.getDetaileddiffMap().getLength(), 0);

        const shifted = await plugin.call("diff", requests.diff("live", olds.arn, olds, inputs, { name: "live", routingConfiguration: [{ stateMachineVersionArn: v[0], weight: 50 }, { stateMachineVersionArn: v[1], weight: 50 }] }));
        assert.equal(shifted.getChanges(), C.DIFF_SOME);
        assert.deepStrictEqual(shifted.getReplacesList(), []);
        assert.equal(shifted.getHasdetaileddiff(), true);
        assert.equal(shifted.getDetaileddiffMap().get("routingConfiguration").getKind(), Kind.UPDATE);

        const renamed = await plugin.call("diff", requests.diff("live", olds.arn, olds, inputs, { name: "prod", routingConfiguration: olds.routingConfiguration }));
        assert.deepStrictEqual(renamed.getReplacesList(), ["name"]);
        assert.equal(renamed.getDetaileddiffMap().get("name").getKind(), Kind.UPDATE_REPLACE);
        assert.equal(renamed.getDeletebeforereplace(), false, "another ARN: the new alias is made before the old one goes");

        const described = await plugin.call("diff", requests.diff("live", olds.arn, olds, inputs, { ...inputs, description: "now with words" }));
        assert.equal(described.getDetaileddiffMap().get("description").getKind(), Kind.ADD);
        assert.equal(calls().length, 0, "diff calls no API");
    });

    let created: { id: string; outputs: Record<string, any> };
    it("Create: one Describe, one Create; the outputs keep the description secret", async () => {
        const resp = await plugin.call("create", requests.create("live", { name: "live", description: secret("night"), routingConfiguration: [{ stateMachineVersionArn: v[0], weight: 100 }] }));
        created = { id: resp.getId(), outputs: js(resp.getProperties()) };
        assert.equal(created.id, `${v[0].replace(/:\d+$/, "")}:live`);
        assert.deepStrictEqual(created.outputs.description, { [SIG]: SECRET, value: "night" });
        assert.equal(created.outputs.arn, created.id);
        assert.deepStrictEqual(calls(), ["DescribeStateMachineAlias", "CreateStateMachineAlias"]);
    });

    it("Read with no properties is an import: the alias by its ARN, with the inputs that would make it; a missing alias has no id", async () => {
        const arn = `${v[0].replace(/:\d+$/, "")}:imported`;
        await sfn.send(new CreateStateMachineAliasCommand({ name: "imported", description: "made by hand", routingConfiguration: [{ stateMachineVersionArn: v[1], weight: 100 }] }));
        local.clearCalls();
        const resp = await plugin.call("read", requests.read("imported", arn));
        assert.equal(resp.getId(), arn);
        assert.deepStrictEqual(js(resp.getInputs()), { name: "imported", description: "made by hand", routingConfiguration: [{ stateMachineVersionArn: v[1], weight: 100 }] });
        assert.equal(js(resp.getProperties()).stateMachineArn, v[0].replace(/:\d+$/, ""));
        assert.deepStrictEqual(calls(), ["DescribeStateMachineAlias"]);
        const gone = await plugin.call("read", requests.read("nothing", `${v[0].replace(/:\d+$/, "")}:nothing`));
        assert.equal(gone.getId(), "");
    });

    it("Update: one UpdateStateMachineAlias with the whole configuration", async () => {
        const news = { name: "live", description: secret("night"), routingConfiguration: [{ stateMachineVersionArn: v[0], weight: 80 }, { stateMachineVersionArn: v[1], weight: 20 }] };
        const resp = await plugin.call("update", requests.update("live", created.id, created.outputs, {}, news));
        const outs = js(resp.getProperties());
        assert.deepStrictEqual(outs.routingConfiguration.map((r: { weight: number }) => r.weight).sort(), [20, 80]);
        assert.deepStrictEqual(calls(), ["UpdateStateMachineAlias"]);
        created.outputs = outs;
    });

    it("a rollout's progress goes to the engine's Log with the resource's URN (waits as ephemeral status); a firing alarm's rollback is a partial failure the engine records", async () => {
        const start = { name: "live", routingConfiguration: [{ stateMachineVersionArn: v[1], weight: 100 }] };
        created.outputs = js((await plugin.call("update", requests.update("live", created.id, created.outputs, {}, start))).getProperties());
        engine.logs.length = 0;
        local.clearCalls();
        const news = { name: "live", deploymentPreference: { type: "LINEAR", stateMachineVersionArn: v[2], percentage: 50, intervalSeconds: 2, alarmPollSeconds: 1, alarms: ["errors"] } };
        // Settled at once, so that its rejection is handled when it comes.
        const updating = plugin.call("update", requests.update("live", created.id, created.outputs, {}, news)).then(() => undefined, (e) => e);
        const deadline = Date.now() + 20_000;
        while (!local.calls().some((c) => c.operation === "UpdateStateMachineAlias")) {
            if (Date.now() > deadline) throw new Error("the rollout never shifted");
            await sleep(20);
        }
        await cw.send(new SetAlarmStateCommand({ AlarmName: "errors", StateValue: "ALARM", StateReason: "ExecutionsFailed >= 1" }));
        const err = await updating;
        await cw.send(new SetAlarmStateCommand({ AlarmName: "errors", StateValue: "OK", StateReason: "test" }));
        assert.ok(err, "the update failed");
        assert.match(err.details, /rolled back: CloudWatch alarm errors/);
        const partial = initFailure(err);
        assert.ok(partial, "ErrorResourceInitFailed is attached");
        assert.equal(partial!.id, created.id);
        // What AWS has now, recorded: 100% on the origin again, after one shift and one rollback.
        assert.deepStrictEqual(partial!.properties.routingConfiguration, [{ stateMachineVersionArn: v[1], weight: 100 }]);
        assert.deepStrictEqual(endpointAliases(local)[created.id].routing, [{ stateMachineVersionArn: v[1], weight: 100 }]);
        assert.equal(local.calls().filter((c) => c.operation === "UpdateStateMachineAlias").length, 2, "one shift, one rollback");
        const urn = urnOf("live");
        assert.ok(engine.logs.length > 0, "progress was logged to the engine");
        assert.ok(engine.logs.every((l: LogEntry) => l.urn === urn && l.severity === engproto.LogSeverity.INFO), JSON.stringify(engine.logs));
        assert.ok(engine.logs.some((l: LogEntry) => l.ephemeral && /holding 50%/.test(l.message)), "a wait is ephemeral status");
        assert.ok(engine.logs.some((l: LogEntry) => !l.ephemeral && /rolled back/.test(l.message)), "the rollback is kept");
        created.outputs = partial!.properties;
    });

    it("Cancel stops a rollout at its next safe point, recorded at the weight reached; the next Update resumes from there", async () => {
        const preference = { type: "LINEAR", stateMachineVersionArn: v[2], percentage: 25, intervalSeconds: 60, alarmPollSeconds: 1, alarms: ["errors"] };
        local.clearCalls();
        const updating = plugin.call("update", requests.update("live", created.id, created.outputs, {}, { name: "live", deploymentPreference: preference })).then(() => undefined, (e) => e);
        const deadline = Date.now() + 20_000;
        while (!local.calls().some((c) => c.operation === "UpdateStateMachineAlias")) {
            if (Date.now() > deadline) throw new Error("the rollout never shifted");
            await sleep(20);
        }
        await plugin.call("cancel", new emptyproto.Empty());
        const err = await updating;
        assert.ok(err, "the update stopped");
        assert.match(err.details, /interrupted at 25%/);
        const partial = initFailure(err)!;
        assert.deepStrictEqual(partial.properties.rolloutInProgress, { originVersionArn: v[1], targetVersionArn: v[2] });
        const weights = (r: { stateMachineVersionArn: string; weight: number }[]) => r.map((e) => `${e.stateMachineVersionArn.split(":").pop()}=${e.weight}`).sort().join(",");
        assert.equal(weights(partial.properties.routingConfiguration), "2=75,3=25");

        const fast = { ...preference, intervalSeconds: 1 };
        // After Cancel this process starts no rollout: the engine is cancelling the deployment, or closing it.
        local.clearCalls();
        await assert.rejects(plugin.call("update", requests.update("live", created.id, partial.properties, {}, { name: "live", deploymentPreference: fast })),
            /the deployment was cancelled before this rollout moved any traffic; nothing was changed/);
        assert.deepStrictEqual(calls().filter((c) => c.startsWith("Update")), []);

        // The next up: a new plugin process (the engine starts one per deployment), configured again.
        await plugin.stop();
        plugin = await startPlugin(engine.address, PLUGIN_ENV);
        await plugin.call("configure", requests.configure(config()));
        local.clearCalls();
        const resp = await plugin.call("update", requests.update("live", created.id, partial.properties, {}, { name: "live", deploymentPreference: fast }));
        const written = local.calls().filter((c) => c.operation === "UpdateStateMachineAlias").map((c) => weights(c.params.routingConfiguration as never));
        assert.deepStrictEqual(written, ["2=50,3=50", "2=25,3=75", "3=100"], "from 25%: never the first step again, never a jump");
        created.outputs = js(resp.getProperties());
        assert.equal(created.outputs.rolloutInProgress, undefined);
    });

    it("Delete: one DeleteStateMachineAlias", async () => {
        await plugin.call("delete", requests.delete("live", created.id, created.outputs));
        assert.deepStrictEqual(calls(), ["DeleteStateMachineAlias"]);
    });
});
