/**
 * Retries as the real SDK performs them (no mock): a loopback server throttles the first calls the way
 * AWS does, and the provider's create still succeeds, having sent the same request again.
 */
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { configureAws } from "../../provider/aws";
import { stateMachineAliasProvider as provider } from "../../provider/provider";
import { routing, SM, V1 } from "./fixtures";

describe("retries with the real SDK", () => {
    let server: http.Server;
    let bodies: string[] = [];
    let throttleFirst = 0;

    before(async () => {
        server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c) => (body += c));
            req.on("end", () => {
                bodies.push(`${req.headers["x-amz-target"]} ${body}`);
                res.setHeader("content-type", "application/x-amz-json-1.0");
                res.setHeader("x-amzn-RequestId", `req-${bodies.length}`);
                if (bodies.length <= throttleFirst) {
                    res.statusCode = 400;
                    res.end(JSON.stringify({ __type: "com.amazon.coral.availability#ThrottlingException", message: "Rate exceeded" }));
                } else {
                    res.end(JSON.stringify({ stateMachineAliasArn: `${SM}:live`, creationDate: 1793527200 }));
                }
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    after(async () => {
        configureAws({});
        await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    beforeEach(() => {
        bodies = [];
        const port = (server.address() as AddressInfo).port;
        configureAws({ endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    });

    it("rides out throttling: the same CreateStateMachineAlias is retried until AWS accepts it", async function () {
        this.timeout(20000);
        throttleFirst = 2;
        const result = await provider.create!({ name: "live", routingConfiguration: routing([V1, 100]) });
        assert.equal(result.id, `${SM}:live`);
        assert.equal(result.outs.creationDate, new Date(1793527200 * 1000).toISOString());
        assert.equal(bodies.length, 3);
        assert.equal(new Set(bodies).size, 1, "every attempt carries the same request");
        assert.match(bodies[0], /^AWSStepFunctions\.CreateStateMachineAlias /);
    });
});
