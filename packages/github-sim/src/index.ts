export * from "./generator/index.js";
export { changedLines, type GitCommit, sectionOf, walkRepo } from "./git/model.js";
export { GitRepos, type GitServeOptions, gitToken } from "./git/repos.js";
export { type GitWorld, gitWorld } from "./git/world.js";
export { Accounting, type TokenUsage } from "./server/accounting.js";
export { type TokenInput, TokenRegistry, TokenSpec } from "./server/auth.js";
export { SimClock } from "./server/clock.js";
export { FaultConfig, type FaultConfigInput, FaultInjector, FaultKind } from "./server/faults.js";
export { analyzeQuery, MAX_NODES, type QueryAnalysis } from "./server/graphql/analyze.js";
export { validateGithubQuery } from "./server/graphql/handler.js";
export { githubGraphqlSchema } from "./server/graphql/schema.js";
export {
  ForcePush,
  LiveChanges,
  NewCommit,
  NewDeployment,
  NewDeploymentStatus,
  NewMergedPull,
  NewRelease,
  NewWorkflowRun,
} from "./server/live.js";
export { linkHeader, paginate, parsePage } from "./server/pagination.js";
export {
  githubPointsPerMinute,
  RateLimiter,
  type RateLimitOptions,
  type RateResource,
} from "./server/rate-limit.js";
export { type Simulator, type SimulatorOptions, startSimulator } from "./server/server.js";
export { SimStore } from "./server/store.js";
export { type SyntheticWorldOptions, syntheticWorld, syntheticWorldRecords } from "./server/synthetic-world.js";
export { type Delivery, signature256, WebhookConfig, WebhookEvent, Webhooks } from "./server/webhooks.js";
export * from "./world/index.js";
