export * from "./bullmq-runner.js";
export * from "./catalog.js";
export * from "./deps.js";
export * from "./inline-runner.js";
export * from "./job-spec.js";
export * from "./metrics-input.js";
export * from "./processors/index.js";
export * from "./sync.js";
