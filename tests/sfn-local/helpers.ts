// Shared fixtures for the sfn-local suites: SDK clients pointed at the local endpoint, a definition,
// and an assertion that an SDK call fails with AWS's exact code and message.
import * as assert from "assert";
import { SFNClient } from "@aws-sdk/client-sfn";

export const REGION = "us-east-1";
export const ROLE = "arn:aws:iam::123456789012:role/sfn-local-test";
export const definition = (comment = "v") =>
  JSON.stringify({ Comment: comment, StartAt: "A", States: { A: { Type: "Pass", End: true } } });

export function client(url: string, extra: Record<string, unknown> = {}): SFNClient {
  return new SFNClient({
    endpoint: url,
    region: REGION,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    ...extra,
  });
}

/** GIVEN a call that must fail THEN it fails with exactly this code and message, and a request id. */
export async function rejects(p: Promise<unknown>, name: string, message?: string): Promise<any> {
  try {
    await p;
  } catch (e: any) {
    assert.strictEqual(e.name, name, `error name; message was: ${e.message}`);
    if (message !== undefined) assert.strictEqual(e.message, message);
    assert.ok(e.$metadata?.requestId, "x-amzn-RequestId reaches $metadata.requestId");
    return e;
  }
  assert.fail(`expected ${name}, but the call succeeded`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
