export * from "./bullmq-runner.js";
export * from "./catalog.js";
export * from "./coverage.js";
export * from "./deps.js";
export * from "./digest/channels.js";
export * from "./digest/weekly-digest.js";
export * from "./github-redis.js";
export * from "./health.js";
export * from "./inline-runner.js";
export * from "./job-spec.js";
export * from "./metrics-input.js";
export * from "./processors/index.js";
export {
  fullRollupBatch,
  notesOf,
  type RollupRun,
  rollupWeeks,
  storeBuiltRollups,
} from "./processors/recompute-rollups.js";
export * from "./read-model.js";
export { type BuildInput, keptFingerprint, saveKeptInParts } from "./rollup-kept-store.js";
export { type KeptRollup, RollupMemory, type RollupMemoryOptions } from "./rollup-memory.js";
export * from "./sync.js";
export * from "./telemetry.js";
export * from "./usage-file.js";
export * from "./usage-import.js";
