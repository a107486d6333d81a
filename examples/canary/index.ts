/**
 * A canary release of a Step Functions workflow behind one alias.
 *
 * The state machine publishes a version on every change of its definition (`publish: true`). The alias
 * `live` sends `canaryWeight` percent of executions to the version just published and the rest to the
 * stable version `stableVersion`. A release: change the definition and `pulumi up` (90/10 by default),
 * watch it, then promote with `pulumi config set stableVersion <new number>` and `pulumi up`.
 *
 * Config (all optional): `stableVersion` (default 1), `canaryWeight` (default 10), `message`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StateMachineAlias } from "pulumi-sfn-alias";

const config = new pulumi.Config();
const stableVersion = config.getNumber("stableVersion") ?? 1;
const canaryWeight = config.getNumber("canaryWeight") ?? 10;
const message = config.get("message") ?? "hello from version 1";

const role = new aws.iam.Role("orders-workflow", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});

const workflow = new aws.sfn.StateMachine("orders", {
    roleArn: role.arn,
    publish: true,
    definition: JSON.stringify({
        Comment: "Orders workflow",
        StartAt: "Greet",
        States: { Greet: { Type: "Pass", Result: message, End: true } },
    }),
});

const stableVersionArn = pulumi.interpolate`${workflow.arn}:${stableVersion}`;
const canaryVersionArn = workflow.stateMachineVersionArn;

// Until a second version exists (or once it is promoted), all traffic goes to one version.
const routingConfiguration = pulumi.all([stableVersionArn, canaryVersionArn]).apply(([stable, canary]) =>
    stable === canary || canaryWeight === 0
        ? [{ stateMachineVersionArn: stable, weight: 100 }]
        : [
              { stateMachineVersionArn: stable, weight: 100 - canaryWeight },
              { stateMachineVersionArn: canary, weight: canaryWeight },
          ],
);

const live = new StateMachineAlias("live", {
    name: "live",
    description: routingConfiguration.apply((routes) =>
        routes.map((r) => `${r.weight}% on version ${r.stateMachineVersionArn.split(":").pop()}`).join(", "),
    ),
    routingConfiguration,
});

export const stateMachineArn = workflow.arn;
export const aliasArn = live.arn;
export const routing = live.routingConfiguration;
