// The local engine's programmatic API (tests, benchmark, demo).
export { run, Deployment } from "./engine";
export type { Command, PreviewResult, RunOptions, RunResult, StepOp, StepRecord } from "./engine";
export { readState, stateFilePath, withoutWriteTime, writeStateAtomic } from "./state";
export type { OperationType, PendingOperation, ResourceState, StackState } from "./state";
export { isSecret, SECRET_SIG, SIG_KEY, UNKNOWN } from "./values";
export { NativeProviderPlugin, projectPlugins } from "./native";
export type { LogMessage, ProjectPlugin } from "./native";
export { defaultProviderName } from "./engine";
