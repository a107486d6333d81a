// The benchmark's Pulumi program, as a user writes it: `require("pulumi-sfn-alias")` resolves to the package
// installed under the project's node_modules (bench/install.ts copies the packed files there).
// Stack config: `machines` (JSON list of [v1, v2] version ARN pairs, one pair per state machine), `count`
// (aliases, spread round-robin over the machines), `weight` (percent on v2; 0 = all on v1), `description`.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { StateMachineAlias } = require("pulumi-sfn-alias");

const config = new pulumi.Config();
const machines = JSON.parse(config.require("machines"));
const count = config.requireNumber("count");
const weight = config.getNumber("weight") || 0;
const description = config.get("description");

for (let i = 0; i < count; i++) {
    const [v1, v2] = machines[i % machines.length];
    const routingConfiguration = weight === 0
        ? [{ stateMachineVersionArn: v1, weight: 100 }]
        : [{ stateMachineVersionArn: v1, weight: 100 - weight }, { stateMachineVersionArn: v2, weight }];
    new StateMachineAlias(`a${i}`, { name: `a${i}`, routingConfiguration, ...(description ? { description } : {}) });
}

exports.count = count;
