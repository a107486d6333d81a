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
export { StateMachineAlias, StateMachineAliasArgs, RoutingConfigurationEntryArgs } from "./stateMachineAlias";
import stateMachineAliasProvider = require("../provider/resourceProvider");
export { stateMachineAliasProvider };
export { AliasInputs, AliasOutputs, RoutingEntry } from "../provider/types";
