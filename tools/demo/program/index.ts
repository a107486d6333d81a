// A release behind one alias: `stableVersionArn` takes the traffic, `canaryVersionArn` gets `canaryWeight`
// percent of it (0: all on stable; 100: promoted).
import * as pulumi from "@pulumi/pulumi";
import { StateMachineAlias } from "../../../sdk";

const config = new pulumi.Config();
const stable = config.require("stableVersionArn");
const canary = config.get("canaryVersionArn");
const canaryWeight = config.getNumber("canaryWeight") ?? 0;

const routingConfiguration =
    !canary || canaryWeight === 0 ? [{ stateMachineVersionArn: stable, weight: 100 }]
    : canaryWeight === 100 ? [{ stateMachineVersionArn: canary, weight: 100 }]
    : [
        { stateMachineVersionArn: stable, weight: 100 - canaryWeight },
        { stateMachineVersionArn: canary, weight: canaryWeight },
    ];

const live = new StateMachineAlias("live", {
    name: "live",
    description: "Orders workflow: production traffic",
    routingConfiguration,
});

export const aliasArn = live.arn;
export const routing = live.routingConfiguration;
export const updateDate = live.updateDate;
