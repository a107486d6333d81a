// `npm run demo`: a release of a Step Functions workflow behind a StateMachineAlias, run by the local
// engine (a real Pulumi program, the real dynamic-provider plugin) against the local endpoint. No AWS
// account, no Pulumi CLI, no network; everything it starts is stopped and its state removed at the end.
import * as fs from "fs";
import * as path from "path";
import { CreateStateMachineCommand, SFNClient, UpdateStateMachineCommand } from "@aws-sdk/client-sfn";
import { run, RunResult } from "../pulumi-local";
import { SfnLocal, startSfnLocal } from "../sfn-local";

const PROGRAM = path.join(__dirname, "program");
// The AWS SDK's notice about future Node versions is noise here (in this process, the program and the plugin).
process.removeAllListeners("warning");
const STACK = "demo";
const ROLE = "arn:aws:iam::123456789012:role/orders-workflow";
const definition = (comment: string) => JSON.stringify({ Comment: comment, StartAt: "Ship", States: { Ship: { Type: "Pass", End: true } } });

const short = (arn: string) => arn.replace(/^arn:aws:states:[^:]+:\d+:stateMachine:/, "");

function describeParams(params: Record<string, any>): string {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(params)) {
        if (k === "routingConfiguration") {
            parts.push(`routing=[${(v as any[]).map((e) => `${short(e.stateMachineVersionArn)} ${e.weight}%`).join(", ")}]`);
        } else if (typeof v === "string") {
            parts.push(`${k}=${k.endsWith("Arn") ? short(v) : JSON.stringify(v)}`);
        }
    }
    return parts.join(" ");
}

async function stage(local: SfnLocal, title: string, command: "preview" | "up" | "refresh" | "destroy",
    config: Record<string, string>): Promise<RunResult> {
    const flags = Object.entries(config).map(([k, v]) => `--config ${k}=${k.endsWith("Arn") ? short(v) : v}`).join(" ");
    console.log(`\n=== ${title}\n$ pulumi-local ${command} --stack ${STACK} ${flags}`);
    local.clearCalls();
    const result = await run({
        command, cwd: PROGRAM, stack: STACK, config,
        env: {
            AWS_ENDPOINT_URL_SFN: local.url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test",
            AWS_SESSION_TOKEN: "", AWS_PROFILE: "", PULUMI_NODEJS_TRANSPILE_ONLY: "true", NODE_NO_WARNINGS: "1",
        },
    });
    const report = result.stdout.split("\n").filter((l) => !/^(Previewing update|Updating|Refreshing|Destroying) \(/.test(l));
    console.log(report.map((l) => (l ? `  ${l}` : l)).join("\n").trimEnd());
    const calls = local.calls();
    console.log(`  API calls (${calls.length}):${calls.length ? "" : " none"}`);
    for (const c of calls) console.log(`    ${c.operation} ${describeParams(c.params)} -> ${c.outcome}`);
    if (!result.ok) throw new Error(`${command} failed: ${result.error}`);
    return result;
}

async function main(): Promise<void> {
    const started = Date.now();
    const stateDir = path.join(PROGRAM, ".pulumi-local");
    const stateFile = path.join(stateDir, `${STACK}.json`);
    if (fs.existsSync(stateFile)) fs.rmSync(stateFile); // a leftover of an interrupted demo
    const local = await startSfnLocal({ seed: 42 });
    try {
        console.log(`Local Step Functions endpoint: ${local.url}`);
        const sfn = new SFNClient({ endpoint: local.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
        const created = await sfn.send(new CreateStateMachineCommand({ name: "orders", definition: definition("v1"), roleArn: ROLE, publish: true }));
        const v1 = created.stateMachineVersionArn!;
        const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: created.stateMachineArn, definition: definition("v2"), publish: true }));
        const v2 = updated.stateMachineVersionArn!;
        console.log(`State machine ${short(created.stateMachineArn!)} with versions ${short(v1)} and ${short(v2)}`);

        const release = { stableVersionArn: v1 };
        const canary = { stableVersionArn: v1, canaryVersionArn: v2, canaryWeight: "10" };
        const promoted = { stableVersionArn: v1, canaryVersionArn: v2, canaryWeight: "100" };
        await stage(local, "1. Plan the first release: alias at 100% on v1", "preview", release);
        await stage(local, "2. Release: alias at 100% on v1", "up", release);
        await stage(local, "3. Plan the canary: 90% v1, 10% v2", "preview", canary);
        await stage(local, "4. Canary: 90% v1, 10% v2", "up", canary);
        await stage(local, "5. Promote: 100% on v2", "up", promoted);
        await stage(local, "6. Up again: nothing to do", "up", promoted);
        await stage(local, "7. Refresh: the alias as AWS has it", "refresh", promoted);
        await stage(local, "8. Destroy", "destroy", promoted);
        console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
    } finally {
        await local.stop();
        fs.rmSync(stateFile, { force: true });
        if (fs.existsSync(stateDir) && fs.readdirSync(stateDir).length === 0) fs.rmdirSync(stateDir);
    }
}

main().catch((e) => {
    console.error(`demo failed: ${e?.message ?? e}`);
    process.exitCode = 1;
});
