// Contract suite: the real @aws-sdk/client-sfn over HTTP against sfn-local, asserting every case of
// /work/shared/notes/sfn-alias-api.md with AWS's codes and messages word for word.
import * as assert from "assert";
import {
  CreateStateMachineAliasCommand, CreateStateMachineCommand, DeleteStateMachineAliasCommand, DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand, DescribeExecutionCommand, DescribeStateMachineAliasCommand, DescribeStateMachineCommand,
  ListStateMachineAliasesCommand, ListStateMachinesCommand, ListStateMachineVersionsCommand, PublishStateMachineVersionCommand,
  RoutingConfigurationListItem, SFNClient, StartExecutionCommand, UpdateStateMachineAliasCommand, UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { SfnLocal, startSfnLocal } from "../../tools/sfn-local";
import { MSG } from "../../tools/sfn-local/errors";
import { ROLE, client, definition, rejects } from "./helpers";

const PATTERN = "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$";
const V = (rest: string) => `1 validation error detected: ${rest}`;

describe("sfn-local contract (real SDK over HTTP)", function () {
  let local: SfnLocal;
  let sfn: SFNClient;
  let n = 0;

  /** A fresh state machine with `versions` published versions. */
  async function machine(versions = 2): Promise<{ arn: string; v: string[] }> {
    const name = `sm-${++n}`;
    const c = await sfn.send(new CreateStateMachineCommand({ name, definition: definition("1"), roleArn: ROLE, publish: versions > 0 }));
    const v = c.stateMachineVersionArn ? [c.stateMachineVersionArn] : [];
    for (let i = 2; i <= versions; i++) {
      const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: definition(String(i)), publish: true }));
      v.push(u.stateMachineVersionArn!);
    }
    return { arn: c.stateMachineArn!, v };
  }
  const route = (...pairs: [string, number][]): RoutingConfigurationListItem[] =>
    pairs.map(([stateMachineVersionArn, weight]) => ({ stateMachineVersionArn, weight }));

  before(async () => {
    local = await startSfnLocal({ throttling: false, seed: 1234 });
    sfn = client(local.url);
  });
  after(async () => {
    sfn.destroy();
    await local.stop();
  });

  describe("CreateStateMachineAlias", () => {
    it("creates and answers an identical repeat with the same ARN and creationDate", async () => {
      const m = await machine();
      const input = { name: "live", description: "d", routingConfiguration: route([m.v[0], 100]) };
      const a = await sfn.send(new CreateStateMachineAliasCommand(input));
      assert.strictEqual(a.stateMachineAliasArn, `${m.arn}:live`);
      const b = await sfn.send(new CreateStateMachineAliasCommand(input));
      assert.strictEqual(b.stateMachineAliasArn, a.stateMachineAliasArn);
      assert.strictEqual(b.creationDate!.getTime(), a.creationDate!.getTime());
      assert.ok(b.$metadata.requestId);
    });

    it("refuses a name that fails the pattern ('123')", async () => {
      const m = await machine(1);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "123", routingConfiguration: route([m.v[0], 100]) })),
        "ValidationException", V(`Value '123' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PATTERN}`));
    });

    it("refuses a name longer than 80", async () => {
      const m = await machine(1);
      const name = "A".repeat(81);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name, routingConfiguration: route([m.v[0], 100]) })),
        "ValidationException", V(`Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`));
    });

    it("refuses more than 2 routing items, quoting the list as Coral renders it", async () => {
      const m = await machine(3);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "x", routingConfiguration: route([m.v[0], 50], [m.v[1], 30], [m.v[2], 20]) })),
        "ValidationException",
        V(`Value '[RoutingConfigurationListItem(stateMachineVersionArn=${m.v[0]}, weight=50), ` +
          `RoutingConfigurationListItem(stateMachineVersionArn=${m.v[1]}, weight=30), ` +
          `RoutingConfigurationListItem(stateMachineVersionArn=${m.v[2]}, weight=20)]' at 'routingConfiguration' ` +
          "failed to satisfy constraint: Member must have length less than or equal to 2"));
    });

    it("refuses a weight over 100 with a 1-based index", async () => {
      const m = await machine(1);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "x", routingConfiguration: route([m.v[0], 101]) })),
        "ValidationException",
        V("Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100"));
    });

    it("refuses lower bounds: empty list, weight -1 (same format, greater than or equal to)", async () => {
      const m = await machine(1);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "x", routingConfiguration: [] })),
        "ValidationException", V("Value '[]' at 'routingConfiguration' failed to satisfy constraint: Member must have length greater than or equal to 1"));
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "x", routingConfiguration: route([m.v[0], -1]) })),
        "ValidationException",
        V("Value '-1' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value greater than or equal to 0"));
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "", routingConfiguration: route([m.v[0], 100]) })),
        "ValidationException",
        "2 validation errors detected: " +
        `Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PATTERN}; ` +
        "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1");
    });

    it("refuses duplicate version ARNs", async () => {
      const m = await machine(1);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "x", routingConfiguration: route([m.v[0], 50], [m.v[0], 50]) })),
        "ValidationException", `Routing configuration must contain distinct state machine version ARNs. Received: [${m.v[0]}, ${m.v[0]}]`);
    });

    it("refuses an unqualified state machine ARN and a version that does not exist", async () => {
      const m = await machine(2);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "x", routingConfiguration: route([m.arn, 50], [m.v[1], 50]) })),
        "ValidationException", `Routing configuration must contain state machine version ARNs. Received: [${m.arn}, ${m.v[1]}]`);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "x", routingConfiguration: route([`${m.arn}:99`, 100]) })),
        "ValidationException", `Routing configuration must contain state machine version ARNs. Received: [${m.arn}:99]`);
    });

    it("refuses weights not summing to 100", async () => {
      const m = await machine(2);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "x", routingConfiguration: route([m.v[0], 70], [m.v[1], 29]) })),
        "ValidationException", "Sum of routing configuration weights must equal 100. Received: [70, 29]");
    });

    it("refuses the same name with a different description or routing (ConflictException)", async () => {
      const m = await machine(2);
      await sfn.send(new CreateStateMachineAliasCommand({ name: "c", description: "one", routingConfiguration: route([m.v[0], 100]) }));
      const msg = "Failed to create alias because an alias with the same name and a different routing configuration already exists.";
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "c", description: "two", routingConfiguration: route([m.v[0], 100]) })),
        "ConflictException", msg);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "c", description: "one", routingConfiguration: route([m.v[1], 100]) })),
        "ConflictException", msg);
    });

    it("refuses versions of two state machines", async () => {
      const a = await machine(1);
      const b = await machine(1);
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "x", routingConfiguration: route([a.v[0], 50], [b.v[0], 50]) })),
        "ValidationException", MSG.routingTwoStateMachines([a.v[0], b.v[0]]));
    });

    it("allows 100 aliases per state machine and refuses the 101st", async () => {
      const m = await machine(1);
      for (let i = 0; i < 100; i++) {
        await sfn.send(new CreateStateMachineAliasCommand({ name: `q${i}`, routingConfiguration: route([m.v[0], 100]) }));
      }
      await rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "q100", routingConfiguration: route([m.v[0], 100]) })),
        "ServiceQuotaExceededException", MSG.aliasQuota(100));
    });
  });

  describe("UpdateStateMachineAlias / DescribeStateMachineAlias", () => {
    it("changes only the fields sent; updateDate equals creationDate until the first update", async () => {
      const m = await machine(2);
      const a = await sfn.send(new CreateStateMachineAliasCommand({ name: "u", description: "keep", routingConfiguration: route([m.v[0], 100]) }));
      let d = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn }));
      assert.deepStrictEqual(
        { name: d.name, description: d.description, routing: d.routingConfiguration, arn: d.stateMachineAliasArn },
        { name: "u", description: "keep", routing: route([m.v[0], 100]), arn: a.stateMachineAliasArn });
      assert.strictEqual(d.updateDate!.getTime(), d.creationDate!.getTime());
      const u = await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn, routingConfiguration: route([m.v[0], 90], [m.v[1], 10]) }));
      assert.ok(u.updateDate instanceof Date);
      d = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn }));
      assert.strictEqual(d.description, "keep");
      assert.deepStrictEqual(d.routingConfiguration, route([m.v[0], 90], [m.v[1], 10]));
      assert.strictEqual(d.updateDate!.getTime(), u.updateDate!.getTime());
    });

    it("answers ResourceNotFound for a missing alias, on update and describe", async () => {
      const m = await machine(1);
      const arn = `${m.arn}:ghost`;
      await rejects(sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: arn, description: "x" })),
        "ResourceNotFound", "Request references a resource that does not exist.");
      await rejects(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: arn })),
        "ResourceNotFound", "Request references a resource that does not exist.");
    });

    it("refuses an update with neither description nor routing", async () => {
      const m = await machine(1);
      const a = await sfn.send(new CreateStateMachineAliasCommand({ name: "n", routingConfiguration: route([m.v[0], 100]) }));
      await rejects(sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn })),
        "MissingRequiredParameter", "Either the description or the RoutingConfiguration must be specified");
    });

    it("validates routing on update as on create", async () => {
      const m = await machine(2);
      const a = await sfn.send(new CreateStateMachineAliasCommand({ name: "r", routingConfiguration: route([m.v[0], 100]) }));
      await rejects(sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn, routingConfiguration: route([m.v[0], 70], [m.v[1], 29]) })),
        "ValidationException", "Sum of routing configuration weights must equal 100. Received: [70, 29]");
      await rejects(sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn, routingConfiguration: route([m.v[0], 101]) })),
        "ValidationException",
        V("Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100"));
    });
  });

  describe("ListStateMachineAliases / DeleteStateMachineAlias", () => {
    it("paginates with maxResults/nextToken in creation order", async () => {
      const m = await machine(1);
      for (let i = 0; i < 5; i++) await sfn.send(new CreateStateMachineAliasCommand({ name: `p${i}`, routingConfiguration: route([m.v[0], 100]) }));
      const seen: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const r = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: m.arn, maxResults: 2, nextToken }));
        seen.push(...r.stateMachineAliases!.map((a) => a.stateMachineAliasArn!));
        r.stateMachineAliases!.forEach((a) => assert.ok(a.creationDate instanceof Date));
        nextToken = r.nextToken;
        pages++;
      } while (nextToken);
      assert.strictEqual(pages, 3);
      assert.deepStrictEqual(seen, [0, 1, 2, 3, 4].map((i) => `${m.arn}:p${i}`));
      const all = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: m.arn, maxResults: 0 }));
      assert.strictEqual(all.stateMachineAliases!.length, 5);
      assert.strictEqual(all.nextToken, undefined);
    });

    it("refuses maxResults 1001 and a bad token", async () => {
      const m = await machine(1);
      await rejects(sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: m.arn, maxResults: 1001 })),
        "ValidationException", V("Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"));
      await rejects(sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: m.arn, nextToken: "garbage" })),
        "InvalidToken", "Invalid Token: 'Invalid token'");
    });

    it("deletes, and answers 200 for a missing alias", async () => {
      const m = await machine(1);
      const a = await sfn.send(new CreateStateMachineAliasCommand({ name: "del", routingConfiguration: route([m.v[0], 100]) }));
      await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn }));
      const again = await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn }));
      assert.strictEqual(again.$metadata.httpStatusCode, 200);
      const list = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: m.arn }));
      assert.deepStrictEqual(list.stateMachineAliases, []);
    });
  });

  describe("versions", () => {
    it("CreateStateMachine publish returns :1; PublishStateMachineVersion is idempotent when nothing changed", async () => {
      const c = await sfn.send(new CreateStateMachineCommand({ name: `pub-${++n}`, definition: definition(), roleArn: ROLE, publish: true, versionDescription: "first" }));
      assert.strictEqual(c.stateMachineVersionArn, `${c.stateMachineArn}:1`);
      assert.ok(c.creationDate instanceof Date);
      const p = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: c.stateMachineArn }));
      assert.strictEqual(p.stateMachineVersionArn, `${c.stateMachineArn}:1`);
      const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: c.stateMachineVersionArn }));
      assert.deepStrictEqual([d.stateMachineArn, d.description, d.status], [c.stateMachineVersionArn, "first", "ACTIVE"]);
    });

    it("refuses versionDescription without publish", async () => {
      await rejects(sfn.send(new CreateStateMachineCommand({ name: `vd-${++n}`, definition: definition(), roleArn: ROLE, versionDescription: "x" })),
        "ValidationException", "Version description can only be set when publish is true");
    });

    it("never reuses a version number after a delete, and lists newest first", async () => {
      const m = await machine(2);
      await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: m.v[1] }));
      const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: m.arn, definition: definition("third"), publish: true }));
      assert.strictEqual(u.stateMachineVersionArn, `${m.arn}:3`);
      assert.ok(u.revisionId && u.updateDate instanceof Date);
      const l = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: m.arn }));
      assert.deepStrictEqual(l.stateMachineVersions!.map((x) => x.stateMachineVersionArn), [`${m.arn}:3`, `${m.arn}:1`]);
    });

    it("refuses deleting a version an alias uses; a missing version is a 200", async () => {
      const m = await machine(1);
      await sfn.send(new CreateStateMachineAliasCommand({ name: "holder", routingConfiguration: route([m.v[0], 100]) }));
      await rejects(sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: m.v[0] })),
        "ConflictException", "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [holder]");
      const r = await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${m.arn}:42` }));
      assert.strictEqual(r.$metadata.httpStatusCode, 200);
    });

    it("answers StateMachineDoesNotExist for a deleted version", async () => {
      const m = await machine(2);
      await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: m.v[1] }));
      await rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: m.v[1] })),
        "StateMachineDoesNotExist", `State Machine Does Not Exist: '${m.v[1]}'`);
    });
  });

  describe("state machines and executions", () => {
    it("DeleteStateMachine succeeds while aliases exist and removes its versions and aliases", async () => {
      const m = await machine(1);
      const a = await sfn.send(new CreateStateMachineAliasCommand({ name: "gone", routingConfiguration: route([m.v[0], 100]) }));
      await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: m.arn }));
      await rejects(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn })), "ResourceNotFound");
      await rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: m.v[0] })), "StateMachineDoesNotExist");
      await rejects(sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: m.arn })), "StateMachineDoesNotExist",
        `State Machine Does Not Exist: '${m.arn}'`);
      const all = await sfn.send(new ListStateMachinesCommand({}));
      assert.ok(!all.stateMachines!.some((s) => s.stateMachineArn === m.arn));
    });

    it("StartExecution on a machine, a version and an alias; DescribeExecution shows what was used", async () => {
      const m = await machine(1);
      const a = await sfn.send(new CreateStateMachineAliasCommand({ name: "run", routingConfiguration: route([m.v[0], 100]) }));
      const viaSm = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.arn, input: '{"k":1}' }));
      const viaV = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.v[0] }));
      const viaA = await sfn.send(new StartExecutionCommand({ stateMachineArn: a.stateMachineAliasArn, name: "named" }));
      assert.ok(viaA.executionArn!.endsWith(":execution:" + m.arn.split(":").pop() + ":named"));
      const d1 = await sfn.send(new DescribeExecutionCommand({ executionArn: viaSm.executionArn }));
      const d2 = await sfn.send(new DescribeExecutionCommand({ executionArn: viaV.executionArn }));
      const d3 = await sfn.send(new DescribeExecutionCommand({ executionArn: viaA.executionArn }));
      assert.deepStrictEqual([d1.stateMachineArn, d1.stateMachineVersionArn, d1.stateMachineAliasArn, d1.input], [m.arn, undefined, undefined, '{"k":1}']);
      assert.deepStrictEqual([d2.stateMachineVersionArn, d2.stateMachineAliasArn], [m.v[0], undefined]);
      assert.deepStrictEqual([d3.stateMachineArn, d3.stateMachineVersionArn, d3.stateMachineAliasArn, d3.status], [m.arn, m.v[0], a.stateMachineAliasArn, "SUCCEEDED"]);
      assert.ok(d3.startDate instanceof Date);
      await rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: a.stateMachineAliasArn, name: "named" })), "ExecutionAlreadyExists");
    });

    it("splits 2000 alias executions 90/10 within tolerance (fixed seed)", async () => {
      const m = await machine(2);
      const a = await sfn.send(new CreateStateMachineAliasCommand({ name: "canary", routingConfiguration: route([m.v[0], 90], [m.v[1], 10]) }));
      const N = 2000;
      const batch = 200;
      for (let i = 0; i < N; i += batch) {
        await Promise.all(Array.from({ length: batch }, () => sfn.send(new StartExecutionCommand({ stateMachineArn: a.stateMachineAliasArn }))));
      }
      const execs = Object.values(local.snapshot().executions as Record<string, any>).filter((e) => e.stateMachineAliasArn === a.stateMachineAliasArn);
      assert.strictEqual(execs.length, N);
      const toV2 = execs.filter((e) => e.stateMachineVersionArn === m.v[1]).length;
      // Binomial sd = sqrt(2000 * 0.1 * 0.9) ~ 13.4; allow 5 sd either side of 200.
      assert.ok(Math.abs(toV2 - 200) <= 67, `observed ${toV2} of ${N} on the 10% version`);
    });
  });
});
