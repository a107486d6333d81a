// Any number of StateMachineAlias resources from stack config, in the format of
// tests/support/programs/aliases (plain JavaScript over the compiled package, so that no TypeScript
// compiler is loaded), plus resource options and stack outputs:
//   aliases: JSON list of { resource, args, opts?, export? }
//     args: passed as they are (what is omitted is not passed at all, not even as undefined);
//     opts: resource options given as JSON (e.g. { "deleteBeforeReplace": true });
//     export: true to export, under the resource's name, every output the SDK declares, each read from the
//       resource object as a user would (alias.name, alias.description, ...), and `nameViaApply`, made with
//       alias.name.apply(...) when alias.name is an Output (else a string saying what it is: a program that
//       throws after registering a resource takes about a minute to end, which would hide the failure).
// Only the aliases marked `export` are waited on by the stack outputs, so a test whose up is meant to fail
// leaves them off.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { StateMachineAlias } = require("pulumi-sfn-alias");

const config = new pulumi.Config();
for (const spec of JSON.parse(config.get("aliases") || "[]")) {
    const alias = new StateMachineAlias(spec.resource, spec.args, spec.opts || {});
    if (!spec.export) continue;
    exports[spec.resource] = {
        name: alias.name,
        description: alias.description,
        adoptExisting: alias.adoptExisting,
        routingConfiguration: alias.routingConfiguration,
        arn: alias.arn,
        stateMachineArn: alias.stateMachineArn,
        creationDate: alias.creationDate,
        updateDate: alias.updateDate,
        nameViaApply: pulumi.Output.isInstance(alias.name)
            ? alias.name.apply((name) => `applied:${name}`)
            : `alias.name is not an Output but ${typeof alias.name}`,
    };
}
