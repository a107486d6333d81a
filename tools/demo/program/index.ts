// A release behind one alias: `stableVersionArn` takes the traffic, `canaryVersionArn` gets `canaryWeight`
// percent of it (0: all on stable; 100: all on the canary). Promoting is setting `stableVersionArn` to the
// canary's version and dropping `canaryVersionArn`.
//
// Or a gradual rollout, which moves the traffic itself: `rolloutType` (ALL_AT_ONCE, CANARY, LINEAR) to
// `rolloutVersionArn`, with `rolloutPercentage`, `rolloutIntervalSeconds`, `rolloutBakeSeconds` and
// `rolloutAlarms` (comma-separated CloudWatch alarm names), each a plain word a shell needs no quotes for.
//
// It imports the package as a user's program does. During `npm run demo` that is the copy the demo installs
// in ./node_modules (compiled from this working tree, so Pulumi serializes the provider as a require() of the
// package, as in a user's stack); without it, the repository's own link (needs `npm run build`).
import * as pulumi from "@pulumi/pulumi";
import { StateMachineAlias } from "pulumi-sfn-alias";

const config = new pulumi.Config();
const stable = config.get("stableVersionArn") ?? "";
const canary = config.get("canaryVersionArn");
const canaryWeight = config.getNumber("canaryWeight") ?? 0;

const routingConfiguration =
    !canary || canaryWeight === 0 ? [{ stateMachineVersionArn: stable, weight: 100 }]
    : canaryWeight === 100 ? [{ stateMachineVersionArn: canary, weight: 100 }]
    : [
        { stateMachineVersionArn: stable, weight: 100 - canaryWeight },
        { stateMachineVersionArn: canary, weight: canaryWeight },
    ];

const rolloutType = config.get("rolloutType") as "ALL_AT_ONCE" | "CANARY" | "LINEAR" | undefined;
const alarms = config.get("rolloutAlarms")?.split(",").filter(Boolean);
const percentage = config.getNumber("rolloutPercentage");
const intervalSeconds = config.getNumber("rolloutIntervalSeconds");
const bakeTimeSeconds = config.getNumber("rolloutBakeSeconds");

const live = new StateMachineAlias("live", {
    name: "live",
    description: "Orders workflow: production traffic",
    ...(rolloutType
        ? {
            deploymentPreference: {
                type: rolloutType,
                stateMachineVersionArn: config.require("rolloutVersionArn"),
                ...(percentage !== undefined ? { percentage } : {}),
                ...(intervalSeconds !== undefined ? { intervalSeconds } : {}),
                ...(bakeTimeSeconds !== undefined ? { bakeTimeSeconds } : {}),
                ...(alarms?.length ? { alarms, alarmPollSeconds: 1 } : {}),
            },
        }
        : { routingConfiguration }),
});

export const aliasArn = live.arn;
export const routing = live.routingConfiguration;
export const updateDate = live.updateDate;
