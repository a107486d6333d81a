export { stateMachineAliasProvider } from "./provider";
export { checkAlias, CheckFailure, CheckOutcome } from "./check";
export { diffAlias, AliasDiff } from "./diff";
export { planUpdate, UpdateStep, AliasUpdate, AliasConfiguration } from "./plan";
export { AliasInputs, AliasOutputs, RoutingEntry } from "./types";
