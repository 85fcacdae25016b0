export * from "./bullmq-runner.js";
export * from "./catalog.js";
export * from "./inline-runner.js";
export * from "./job-spec.js";
