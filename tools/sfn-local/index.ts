// Public surface of the local Step Functions endpoint (offline tooling; not shipped with the provider).
export { startSfnLocal, DEFAULT_ACCOUNT_ID, ADMIN_PREFIX } from "./server";
export type { SfnLocal, SfnLocalOptions, CallLogEntry } from "./server";
export { parseFaultSpec } from "./faults";
export type { FaultSpec } from "./faults";
export { SfnStore, emptyState, LIMITS, OPERATIONS } from "./store";
export type { StoreState, StoreDeps, StoreResult } from "./store";
export { BUCKET_RULES } from "./buckets";
