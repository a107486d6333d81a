// Any number of StateMachineAlias resources, from stack config (plain JavaScript over the compiled package,
// so that no TypeScript compiler is loaded: the resilience suites run the engine many times).
//   aliases: JSON list of { resource, args, secretDescription?, descriptionFromSecretConfig?, dependsOn? }
//     args are passed as they are (after decoding "__NaN__", "__Infinity__", "__-Infinity__", "__undefined__",
//     values JSON cannot carry), so that inputs the SDK's types forbid reach check.
//     secretDescription: wrap args.description in pulumi.secret;
//     descriptionFromSecretConfig: the description is the secret config value `secretDescription`.
//     dependsOn: resource names declared earlier in the list (the engine runs their steps first).
// No stack outputs: a failed alias must not leave the stack's outputs waiting on it.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { StateMachineAlias } = require("pulumi-sfn-alias");

const MARKERS = { "__NaN__": NaN, "__Infinity__": Infinity, "__-Infinity__": -Infinity, "__undefined__": undefined };

function decode(v) {
    if (typeof v === "string" && Object.prototype.hasOwnProperty.call(MARKERS, v)) return MARKERS[v];
    if (Array.isArray(v)) return v.map(decode);
    if (v !== null && typeof v === "object") {
        const o = {};
        for (const [k, x] of Object.entries(v)) o[k] = decode(x);
        return o;
    }
    return v;
}

const config = new pulumi.Config();
const made = {};
for (const spec of JSON.parse(config.get("aliases") || "[]")) {
    const args = decode(spec.args);
    if (spec.secretDescription) args.description = pulumi.secret(args.description);
    if (spec.descriptionFromSecretConfig) args.description = config.requireSecret("secretDescription");
    const opts = spec.dependsOn ? { dependsOn: spec.dependsOn.map((n) => made[n]) } : {};
    made[spec.resource] = new StateMachineAlias(spec.resource, args, opts);
}
