/**
 * pulumi-sfn-alias: AWS Step Functions state machine aliases as a Pulumi resource, validated at preview.
 *
 * ```ts
 * import { StateMachineAlias } from "pulumi-sfn-alias";
 * const live = new StateMachineAlias("live", {
 *     routingConfiguration: [
 *         { stateMachineVersionArn: v1.stateMachineVersionArn, weight: 90 },
 *         { stateMachineVersionArn: v2.stateMachineVersionArn, weight: 10 },
 *     ],
 * });
 * ```
 */
export { StateMachineAlias, StateMachineAliasArgs, RoutingConfigurationEntryArgs, DeploymentPreferenceArgs, PreTrafficExecutionArgs } from "./stateMachineAlias";
import stateMachineAliasProvider = require("../provider/resourceProvider");
export { stateMachineAliasProvider };
export { AliasInputs, AliasOutputs, RoutingEntry } from "../provider/types";

/**
 * The same resource through the `sfn-alias` provider plugin (explicit providers, import, detailed diffs,
 * URN-attached progress): `plugin.StateMachineAlias`, `plugin.Provider`. See the README, "Every Pulumi language".
 */
import * as plugin from "./plugin";
export { plugin };

// Started by the Pulumi CLI as the provider plugin (PulumiPlugin.yaml: run-plugin requires this entry):
// serve the provider. A program importing the SDK is never started that way (provider/plugin/launch.ts).
import { launchedByRunPlugin } from "../provider/plugin/launch";
// eslint-disable-next-line @typescript-eslint/no-deprecated -- module.parent: who required this entry first
if (launchedByRunPlugin(process.argv, module.parent?.filename)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    void (require("../provider/plugin/main") as typeof import("../provider/plugin/main")).main(process.argv.slice(2));
}
