// Any number of StateMachineAlias resources, from stack config (plain JavaScript over the compiled package,
// so that no TypeScript compiler is loaded: the resilience suites run the engine many times).
//   aliases: JSON list of { resource, args, secretDescription?, descriptionFromSecretConfig?, dependsOn? }
//     args are passed as they are (after decoding "__NaN__", "__Infinity__", "__-Infinity__", "__undefined__",
//     values JSON cannot carry), so that inputs the SDK's types forbid reach check.
//     secretDescription: wrap args.description in pulumi.secret;
//     descriptionFromSecretConfig: the description is the secret config value `secretDescription`.
//     dependsOn: resource names declared earlier in the list (the engine runs their steps first).
//     provider: the resource name of an explicit provider (plugin only), from `providers`;
//     import: an alias ARN to import (the `import` option);
//     descriptionFrom: a resource declared earlier whose ARN the description names (unknown in the preview
//       of its create).
//   vehicle: "dynamic" (the dynamic StateMachineAlias, the default) or "plugin" (plugin.StateMachineAlias,
//     through the provider plugin the project's Pulumi.yaml names).
//   providers: JSON list of { resource, args }: explicit plugin.Provider resources.
// No stack outputs: a failed alias must not leave the stack's outputs waiting on it.
"use strict";
const pulumi = require("@pulumi/pulumi");
const sdk = require("pulumi-sfn-alias");

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
const StateMachineAlias = config.get("vehicle") === "plugin" ? sdk.plugin.StateMachineAlias : sdk.StateMachineAlias;
const providers = {};
for (const spec of JSON.parse(config.get("providers") || "[]")) providers[spec.resource] = new sdk.plugin.Provider(spec.resource, decode(spec.args));
const made = {};
for (const spec of JSON.parse(config.get("aliases") || "[]")) {
    const args = decode(spec.args);
    if (spec.secretDescription) args.description = pulumi.secret(args.description);
    if (spec.descriptionFromSecretConfig) args.description = config.requireSecret("secretDescription");
    if (spec.descriptionFrom) args.description = made[spec.descriptionFrom].arn.apply((arn) => `after ${arn.split(":").pop()}`);
    const opts = spec.dependsOn ? { dependsOn: spec.dependsOn.map((n) => made[n]) } : {};
    if (spec.provider) opts.provider = providers[spec.provider];
    if (spec.import) opts.import = spec.import;
    made[spec.resource] = new StateMachineAlias(spec.resource, args, opts);
}
