/**
 * Retries as the real SDK meets them (no mock): a loopback server answers the way AWS fails, throttling,
 * 500, 503, a dropped connection, an answer slower than the request timeout, and the provider's create
 * still succeeds, having sent the same request again. The SDK's own classification decides what is
 * retried; the provider's loop does the retrying (the SDK makes one attempt per call).
 */
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { configureAws } from "../../provider/aws";
import { stateMachineAliasProvider as provider } from "../../provider/provider";
import { routing, SM, V1 } from "./fixtures";

type Fault = "throttle" | "500" | "503" | "drop" | "slow" | "validation";

describe("retries with the real SDK", () => {
    let server: http.Server;
    let creates: string[] = [];
    let faults: Fault[] = [];
    const env: Record<string, string | undefined> = {};

    before(async () => {
        server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c) => (body += c));
            req.on("end", () => {
                const target = String(req.headers["x-amz-target"]);
                res.setHeader("content-type", "application/x-amz-json-1.0");
                const fail = (status: number, type: string, message: string) => {
                    res.statusCode = status;
                    res.end(JSON.stringify({ __type: type, message }));
                };
                if (target.endsWith(".DescribeStateMachineAlias")) {
                    res.setHeader("x-amzn-RequestId", "req-describe");
                    return fail(400, "com.amazonaws.swf.service.v2.model#ResourceNotFound", "Request references a resource that does not exist.");
                }
                creates.push(`${target} ${body}`);
                res.setHeader("x-amzn-RequestId", `req-${creates.length}`);
                switch (faults.shift()) {
                    case "throttle": return fail(400, "com.amazon.coral.availability#ThrottlingException", "Rate exceeded");
                    case "500": return fail(500, "com.amazon.coral.service#InternalFailure", "Internal failure");
                    case "503": return fail(503, "com.amazon.coral.service#ServiceUnavailableException", "Service unavailable");
                    case "drop": return req.socket.destroy();
                    case "slow": return void setTimeout(() => res.end(JSON.stringify({ stateMachineAliasArn: `${SM}:live`, creationDate: 1793527200 })), 600);
                    case "validation": return fail(400, "com.amazonaws.swf.service.v2.model#ValidationException", "bad request");
                    default: return res.end(JSON.stringify({ stateMachineAliasArn: `${SM}:live`, creationDate: 1793527200 }));
                }
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        for (const k of ["PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS", "PULUMI_SFN_ALIAS_REFILL_PER_SECOND"]) env[k] = process.env[k];
        process.env.PULUMI_SFN_ALIAS_REQUEST_TIMEOUT_MS = "300";
    });
    after(async () => {
        for (const [k, v] of Object.entries(env)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        configureAws({});
        await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    beforeEach(() => {
        creates = [];
        process.env.PULUMI_SFN_ALIAS_REFILL_PER_SECOND = "20";
        const port = (server.address() as AddressInfo).port;
        configureAws({ endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    });

    for (const [title, sequence] of [
        ["throttling twice", ["throttle", "throttle"]],
        ["a 500 and a 503", ["500", "503"]],
        ["a dropped connection", ["drop"]],
        ["an answer slower than the request timeout", ["slow"]],
        ["every kind in a row", ["throttle", "500", "drop", "slow", "503", "throttle"]],
    ] as [string, Fault[]][]) {
        it(`rides out ${title}: the same CreateStateMachineAlias is sent until AWS accepts it`, async function () {
            this.timeout(30000);
            faults = [...sequence];
            const result = await provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
            assert.equal(result.id, `${SM}:live`);
            assert.equal(result.outs.creationDate, new Date(1793527200 * 1000).toISOString());
            assert.equal(creates.length, sequence.length + 1);
            assert.equal(new Set(creates).size, 1, "every attempt carries the same request");
            assert.match(creates[0], /^AWSStepFunctions\.CreateStateMachineAlias /);
        });
    }

    it("does not send again what AWS refused for good, and keeps AWS's name and request id", async () => {
        faults = ["validation"];
        await assert.rejects(provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) }), (e: Error & { requestId?: string }) => {
            assert.equal(e.name, "ValidationException");
            assert.equal(e.requestId, "req-1");
            return true;
        });
        assert.equal(creates.length, 1);
    });
});
