/**
 * The main example under Pulumi's mocks. Mocks skip providers, so for the alias the mock rebuilds the real
 * provider from `__provider` (as the dynamic-provider plugin does) and runs its check and create, with AWS
 * mocked: this proves the wiring between program, SDK, serialized provider and AWS calls. AWS answers as
 * for a first deployment: no alias `live` yet (the create's ownership check hears ResourceNotFound).
 */
import { strict as assert } from "assert";
import { CreateStateMachineAliasCommand, DescribeStateMachineAliasCommand, ResourceNotFound, SFNClient } from "@aws-sdk/client-sfn";
import * as pulumi from "@pulumi/pulumi";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import requireFromString = require("require-from-string");

const PROJECT = "sfn-alias-canary";
const SM_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:orders-1a2b3c4";

function value<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

describe("examples/canary (Pulumi mocks + the real provider)", function () {
    this.timeout(60000);
    let sfn: AwsStub<any, any, any>;
    const checked: Record<string, unknown>[] = [];
    let program: Record<string, pulumi.Output<unknown>>;

    before(async () => {
        sfn = mockClient(SFNClient);
        // The ownership check a create makes first: the alias does not exist yet. (Left unmocked, the mock
        // answers undefined, which is no answer AWS gives, and the create never completes.)
        sfn.on(DescribeStateMachineAliasCommand).rejects(
            new ResourceNotFound({ message: "Request references a resource that does not exist.", $metadata: { httpStatusCode: 400, requestId: "req-absent" } }),
        );
        sfn.on(CreateStateMachineAliasCommand).callsFake((input) => ({ stateMachineAliasArn: `${SM_ARN}:${input.name}`, creationDate: new Date("2026-11-20T08:00:00Z") }));
        pulumi.runtime.setAllConfig({ [`${PROJECT}:stableVersion`]: "1", [`${PROJECT}:canaryWeight`]: "10" });
        await pulumi.runtime.setMocks(
            {
                async newResource(args) {
                    if (args.type === "aws:iam/role:Role") return { id: "role", state: { ...args.inputs, arn: "arn:aws:iam::123456789012:role/orders-workflow" } };
                    if (args.type === "aws:sfn/stateMachine:StateMachine") {
                        // As after the second deployment: version 2 just published.
                        return { id: SM_ARN, state: { ...args.inputs, arn: SM_ARN, stateMachineVersionArn: `${SM_ARN}:2` } };
                    }
                    if (args.type === "pulumi-nodejs:dynamic/sfn:StateMachineAlias") {
                        const provider = requireFromString(args.inputs.__provider).handler();
                        const check = await provider.check({}, args.inputs);
                        assert.equal(check.failures, undefined, JSON.stringify(check.failures));
                        checked.push(check.inputs);
                        const created = await provider.create(check.inputs);
                        return { id: created.id, state: created.outs };
                    }
                    throw new Error(`unexpected resource ${args.type}`);
                },
                call: () => ({}),
            },
            PROJECT,
            "dev",
            false,
        );
        program = require("../../examples/canary");
    });

    after(() => sfn.restore());

    it("routes 90/10 between the stable and the just-published version", async () => {
        assert.deepEqual(await value(program.routing), [
            { stateMachineVersionArn: `${SM_ARN}:1`, weight: 90 },
            { stateMachineVersionArn: `${SM_ARN}:2`, weight: 10 },
        ]);
    });

    it("creates the alias through the serialized provider: the ownership check, then one CreateStateMachineAlias", async () => {
        assert.equal(await value(program.aliasArn), `${SM_ARN}:live`);
        assert.equal(checked.length, 1);
        assert.deepEqual(
            sfn.calls().map((c) => [c.args[0].constructor.name, c.args[0].input]),
            [
                ["DescribeStateMachineAliasCommand", { stateMachineAliasArn: `${SM_ARN}:live` }],
                [
                    "CreateStateMachineAliasCommand",
                    {
                        name: "live",
                        description: "90% on version 1, 10% on version 2",
                        routingConfiguration: [
                            { stateMachineVersionArn: `${SM_ARN}:1`, weight: 90 },
                            { stateMachineVersionArn: `${SM_ARN}:2`, weight: 10 },
                        ],
                    },
                ],
            ],
        );
    });
});
