// The HTTP shell: auth refusal, binding, token buckets, each fault kind, stale reads, the call log, the
// admin routes, persistence across restart and the CLI. Time is compressed with timeScale; every PRNG
// is seeded, so nothing here depends on luck.
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import {
  CreateStateMachineAliasCommand, CreateStateMachineCommand, DeleteStateMachineAliasCommand, DeleteStateMachineVersionCommand,
  DescribeStateMachineAliasCommand, ListStateMachineAliasesCommand, ListStateMachinesCommand, PublishStateMachineVersionCommand,
  SFNClient, UpdateStateMachineAliasCommand, UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { SfnLocal, SfnStore, startSfnLocal } from "../../tools/sfn-local";
import { MSG } from "../../tools/sfn-local/errors";
import { writeStateFile } from "../../tools/sfn-local/server";
import { mulberry32 } from "../../tools/sfn-local/rng";
import { ROLE, client, definition, rejects, sleep } from "./helpers";

interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: string }

function raw(url: string, method: string, urlPath: string, body = "", headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${urlPath}`, { method, headers: { "Content-Length": Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const AWS_HEADERS = { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions.ListStateMachines" };

/** A state machine with one version and an alias on it, through the SDK. */
async function aliasFixture(sfn: SFNClient, name: string) {
  const c = await sfn.send(new CreateStateMachineCommand({ name, definition: definition(), roleArn: ROLE, publish: true }));
  const a = await sfn.send(new CreateStateMachineAliasCommand({ name: "live", routingConfiguration: [{ stateMachineVersionArn: c.stateMachineVersionArn!, weight: 100 }] }));
  return { smArn: c.stateMachineArn!, v1: c.stateMachineVersionArn!, aliasArn: a.stateMachineAliasArn! };
}

/** Calls `op` until the first ThrottlingException; returns how many succeeded and how long it took. */
async function drain(op: () => Promise<unknown>): Promise<{ ok: number; seconds: number }> {
  const t0 = performance.now();
  let ok = 0;
  for (;;) {
    try {
      await op();
      ok++;
    } catch (e: any) {
      assert.strictEqual(e.name, "ThrottlingException");
      assert.strictEqual(e.message, "Rate exceeded");
      return { ok, seconds: (performance.now() - t0) / 1000 };
    }
    if (ok > 5000) assert.fail("never throttled");
  }
}

describe("sfn-local server (HTTP shell)", () => {
  describe("transport", () => {
    let local: SfnLocal;
    before(async () => { local = await startSfnLocal({ seed: 1 }); });
    after(() => local.stop());

    it("binds to 127.0.0.1 only", () => {
      assert.match(local.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const tcp = "/proc/net/tcp";
      if (!fs.existsSync(tcp)) return;
      // The kernel's own table: the listening socket's local address must be 127.0.0.1 (0100007F).
      const hexPort = local.port.toString(16).toUpperCase().padStart(4, "0");
      const listening = fs.readFileSync(tcp, "utf8").split("\n").slice(1).map((l) => l.trim().split(/\s+/))
        .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A");
      assert.deepStrictEqual(listening.map((f) => f[1]), [`0100007F:${hexPort}`]);
    });

    it("refuses a request without Authorization as AWS does, and logs it", async () => {
      local.clearCalls();
      const r = await raw(local.url, "POST", "/", "{}", AWS_HEADERS);
      assert.strictEqual(r.status, 400);
      assert.deepStrictEqual(JSON.parse(r.body), {
        __type: "com.amazon.coral.service#MissingAuthenticationTokenException", message: "Missing Authentication Token" });
      assert.match(String(r.headers["x-amzn-errortype"]), /^MissingAuthenticationTokenException:/);
      assert.match(String(r.headers["x-amzn-requestid"]), /^[0-9a-f-]{36}$/);
      const [entry] = local.calls();
      assert.deepStrictEqual([entry.operation, entry.outcome, entry.status, entry.requestId],
        ["ListStateMachines", "MissingAuthenticationTokenException", 400, r.headers["x-amzn-requestid"]]);
    });

    it("refuses an Authorization header that is not SigV4", async () => {
      const r = await raw(local.url, "POST", "/", "{}", { ...AWS_HEADERS, Authorization: "Basic Zm9vOmJhcg==" });
      assert.strictEqual(r.status, 400);
      assert.strictEqual(JSON.parse(r.body).__type, "com.amazon.coral.service#IncompleteSignatureException");
    });

    it("takes the region from the credential scope", async () => {
      const sfn = client(local.url, { region: "eu-west-1" });
      const c = await sfn.send(new CreateStateMachineCommand({ name: "regional", definition: definition(), roleArn: ROLE }));
      assert.strictEqual(c.stateMachineArn, "arn:aws:states:eu-west-1:123456789012:stateMachine:regional");
      assert.strictEqual(local.calls().pop()!.region, "eu-west-1");
      sfn.destroy();
    });

    it("answers an unknown operation with UnknownOperationException", async () => {
      const r = await raw(local.url, "POST", "/", "{}", {
        ...AWS_HEADERS, "X-Amz-Target": "AWSStepFunctions.Nope",
        Authorization: "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=x" });
      assert.strictEqual(JSON.parse(r.body).__type, "com.amazon.coral.service#UnknownOperationException");
    });
  });

  describe("token buckets (on by default, time-scaled)", () => {
    it("gives alias writes 100 tokens and DescribeStateMachineAlias 200 at 1 refill/s", async () => {
      const local = await startSfnLocal({ seed: 1 });
      const sfn = client(local.url, { maxAttempts: 1 });
      try {
        const f = await aliasFixture(sfn, "buckets");
        // The fixture took one CreateStateMachineAlias token.
        const del = await drain(() => sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${f.smArn}:none` })));
        assert.ok(del.ok >= 100 && del.ok <= 100 + Math.ceil(del.seconds), `DeleteStateMachineAlias allowed ${del.ok}`);
        const desc = await drain(() => sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: f.aliasArn })));
        assert.ok(desc.ok >= 200 && desc.ok <= 200 + Math.ceil(desc.seconds), `DescribeStateMachineAlias allowed ${desc.ok}`);
        const throttled = local.calls().filter((c) => c.outcome === "ThrottlingException");
        assert.strictEqual(throttled.length, 2);
        assert.ok(throttled.every((c) => c.status === 400));
        // Buckets are per operation: another one is untouched.
        await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: f.smArn }));
        local.setThrottling(false);
        await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: f.aliasArn }));
      } finally {
        sfn.destroy();
        await local.stop();
      }
    });

    it("refills timeScale times faster than real time", async () => {
      const local = await startSfnLocal({ seed: 1, timeScale: 50 });
      const sfn = client(local.url, { maxAttempts: 1 });
      try {
        const m = await sfn.send(new CreateStateMachineCommand({ name: "fast", definition: definition(), roleArn: ROLE }));
        const list = () => sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: m.stateMachineArn }));
        const d = await drain(list);
        assert.ok(d.ok >= 100 && d.ok <= 100 + Math.ceil(d.seconds * 50) + 1, `allowed ${d.ok} in ${d.seconds}s`);
        await sleep(100); // 0.1 s x 1/s x 50 = 5 tokens
        for (let i = 0; i < 4; i++) await list();
      } finally {
        sfn.destroy();
        await local.stop();
      }
    });
  });

  describe("faults", () => {
    let local: SfnLocal;
    let once: SFNClient;
    beforeEach(async () => {
      local = await startSfnLocal({ seed: 7, throttling: false });
      once = client(local.url, { maxAttempts: 1 });
    });
    afterEach(async () => {
      once.destroy();
      await local.stop();
    });

    it("5xx-next: the SDK retries through a burst, and the log shows each injected failure", async () => {
      local.setFaults("5xx-next=1");
      const sfn = client(local.url, { maxAttempts: 3 });
      const r = await sfn.send(new ListStateMachinesCommand({}));
      sfn.destroy();
      assert.strictEqual(r.$metadata.attempts, 2);
      assert.deepStrictEqual(local.calls().map((c) => [c.outcome, c.status]), [["fault:5xx", 500], ["ok", 200]]);
    });

    it("5xx bodies: InternalFailure on 500, ServiceUnavailable on 503", async () => {
      local.setFaults({ next5xx: 1 });
      const e500 = await rejects(once.send(new ListStateMachinesCommand({})), "InternalFailure");
      assert.strictEqual(e500.$metadata.httpStatusCode, 500);
      local.setFaults({ next5xx: 1, status5xx: 503 });
      const e503 = await rejects(once.send(new ListStateMachinesCommand({})), "ServiceUnavailable");
      assert.strictEqual(e503.$metadata.httpStatusCode, 503);
    });

    it("drop: the socket closes without a response; logged as fault:drop", async () => {
      local.setFaults("drop-next=1");
      await assert.rejects(once.send(new ListStateMachinesCommand({})), (e: any) => e.$metadata?.httpStatusCode === undefined);
      await once.send(new ListStateMachinesCommand({}));
      assert.deepStrictEqual(local.calls().map((c) => [c.outcome, c.status]), [["fault:drop", 0], ["ok", 200]]);
    });

    it("latency: delays answers; past the client's timeout the call times out", async () => {
      local.setFaults("latency=60");
      const t0 = performance.now();
      await once.send(new ListStateMachinesCommand({}));
      assert.ok(performance.now() - t0 >= 55);
      assert.deepStrictEqual(local.calls()[0].injected, ["latency:60ms"]);
      local.setFaults("latency=200");
      const impatient = client(local.url, { maxAttempts: 1, requestHandler: { requestTimeout: 50, throwOnRequestTimeout: true } });
      await assert.rejects(impatient.send(new ListStateMachinesCommand({})), (e: any) => e.name === "TimeoutError");
      impatient.destroy();
    });

    it("throttle with an operation filter: only those operations get Rate exceeded", async () => {
      const f = await aliasFixture(once, "tf");
      local.clearCalls();
      local.setFaults("throttle=1,ops=DescribeStateMachineAlias");
      await rejects(once.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: f.aliasArn })), "ThrottlingException", "Rate exceeded");
      await once.send(new ListStateMachinesCommand({}));
      assert.deepStrictEqual(local.calls().map((c) => c.outcome), ["fault:throttle", "ok"]);
    });

    it("stale: reads see the state from before the latest write until the window ends", async () => {
      local.setFaults("stale=150");
      const c = await once.send(new CreateStateMachineCommand({ name: "st", definition: definition(), roleArn: ROLE, publish: true }));
      const a = await once.send(new CreateStateMachineAliasCommand({ name: "live", routingConfiguration: [{ stateMachineVersionArn: c.stateMachineVersionArn!, weight: 100 }] }));
      await rejects(once.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn })), "ResourceNotFound");
      await once.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn, description: "new" }));
      const old = await once.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn }));
      assert.strictEqual(old.description, undefined);
      await sleep(170);
      const fresh = await once.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn }));
      assert.strictEqual(fresh.description, "new");
    });

    it("seeded: the same seed replays the same faults", async () => {
      const outcomes = async () => {
        const l = await startSfnLocal({ throttling: false, faults: "throttle=0.5,seed=99" });
        const s = client(l.url, { maxAttempts: 1 });
        for (let i = 0; i < 20; i++) await s.send(new ListStateMachinesCommand({})).catch(() => undefined);
        s.destroy();
        await l.stop();
        return l.calls().map((c) => c.outcome);
      };
      const first = await outcomes();
      assert.deepStrictEqual(await outcomes(), first);
      assert.ok(first.includes("ok") && first.includes("fault:throttle"));
    });

    it("admin routes: set faults as text, read and clear the call log, read and reset the state", async () => {
      const set = await raw(local.url, "POST", "/__sfn-local/faults", "5xx-next=1");
      assert.strictEqual(set.status, 200);
      await rejects(once.send(new ListStateMachinesCommand({})), "InternalFailure");
      await once.send(new CreateStateMachineCommand({ name: "adm", definition: definition(), roleArn: ROLE }));
      const calls = JSON.parse((await raw(local.url, "GET", "/__sfn-local/calls")).body);
      assert.deepStrictEqual(calls.map((c: any) => [c.operation, c.outcome]), [["ListStateMachines", "fault:5xx"], ["CreateStateMachine", "ok"]]);
      assert.strictEqual(calls[1].params.name, "adm");
      await raw(local.url, "DELETE", "/__sfn-local/calls");
      assert.deepStrictEqual(local.calls(), []);
      const state = JSON.parse((await raw(local.url, "GET", "/__sfn-local/state")).body);
      assert.deepStrictEqual(Object.keys(state.stateMachines), ["arn:aws:states:us-east-1:123456789012:stateMachine:adm"]);
      await raw(local.url, "POST", "/__sfn-local/reset");
      assert.deepStrictEqual(local.snapshot().stateMachines, {});
      const bad = await raw(local.url, "POST", "/__sfn-local/faults", "throttle=7");
      assert.strictEqual(bad.status, 400);
      assert.match(JSON.parse(bad.body).message, /Received: '7'/);
    });
  });

  describe("persistence and quotas", () => {
    let dir: string;
    before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfn-local-")); });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("survives a restart through the state file, version numbers included", async () => {
      const stateFile = path.join(dir, "state.json");
      let local = await startSfnLocal({ stateFile, throttling: false });
      let sfn = client(local.url);
      const f = await aliasFixture(sfn, "persist");
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: f.smArn, definition: definition("2"), publish: true }));
      await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${f.smArn}:2` }));
      sfn.destroy();
      await local.stop();
      assert.strictEqual(JSON.parse(fs.readFileSync(stateFile, "utf8")).format, 1);

      local = await startSfnLocal({ stateFile, throttling: false });
      sfn = client(local.url);
      try {
        const d = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: f.aliasArn }));
        assert.strictEqual(d.routingConfiguration![0].stateMachineVersionArn, f.v1);
        const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: f.smArn, definition: definition("3"), publish: true }));
        assert.strictEqual(u.stateMachineVersionArn, `${f.smArn}:3`);
      } finally {
        sfn.destroy();
        await local.stop();
      }
    });

    it("refuses the 1001st version (store seeded through a state file)", async () => {
      // GIVEN a machine with 1000 versions, built in-process in milliseconds
      const ctx = { region: "us-east-1" };
      const store = new SfnStore({ accountId: "123456789012", now: () => Date.now(), random: mulberry32(1), newId: () => `r${Math.random()}` });
      const c: any = (store.handle("CreateStateMachine", { name: "full", definition: definition("1"), roleArn: ROLE, publish: true }, ctx) as any).body;
      for (let i = 2; i <= 1000; i++) {
        store.handle("UpdateStateMachine", { stateMachineArn: c.stateMachineArn, definition: definition(String(i)), publish: true }, ctx);
      }
      const stateFile = path.join(dir, "full.json");
      writeStateFile(stateFile, store.snapshot());
      const local = await startSfnLocal({ stateFile, throttling: false });
      const sfn = client(local.url);
      try {
        // WHEN one more version is published THEN AWS's quota error; an unchanged publish is still idempotent
        const same = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: c.stateMachineArn }));
        assert.strictEqual(same.stateMachineVersionArn, `${c.stateMachineArn}:1000`);
        await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, roleArn: `${ROLE}-2` }));
        await rejects(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: c.stateMachineArn })),
          "ServiceQuotaExceededException", MSG.versionQuota(1000));
      } finally {
        sfn.destroy();
        await local.stop();
      }
    });
  });

  describe("CLI", () => {
    it("prints the endpoint URL first, serves, and exits 0 on SIGTERM", async function () {
      this.timeout(20000);
      const root = path.resolve(__dirname, "../..");
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/sfn-local/cli.ts", "--port", "0", "--seed", "5", "--no-throttling", "--faults", "latency=1"],
        { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      const firstLine = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
          if (out.includes("\n")) resolve(out.split("\n")[0]);
        });
        child.once("exit", (code) => reject(new Error(`exited ${code} before printing its URL`)));
      });
      assert.match(firstLine, /^http:\/\/127\.0\.0\.1:\d+$/);
      const sfn = client(firstLine);
      const r = await sfn.send(new ListStateMachinesCommand({}));
      assert.deepStrictEqual(r.stateMachines, []);
      sfn.destroy();
      const code = await new Promise<number | null>((resolve) => {
        child.once("exit", (c) => resolve(c));
        child.kill("SIGTERM");
      });
      assert.strictEqual(code, 0);
    });

    it("rejects a bad flag with the value received", async () => {
      const { parseArgs } = await import("../../tools/sfn-local/cli");
      assert.throws(() => parseArgs(["--port", "x"]), /--port needs a non-negative integer. Received: 'x'/);
      assert.throws(() => parseArgs(["--faults", "drop=2"]), /'drop' must be a probability/);
      assert.deepStrictEqual(parseArgs(["--port=4000", "--time-scale", "10", "--no-throttling", "--state", "s.json"]),
        { port: 4000, timeScale: 10, throttling: false, stateFile: "s.json" });
    });
  });
});
