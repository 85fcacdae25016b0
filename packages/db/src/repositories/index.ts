export * from "./changes.js";
export * from "./commits.js";
export * from "./deployments.js";
export * from "./operations.js";
export * from "./people.js";
export * from "./pull-requests.js";
export * from "./repositories.js";
export * from "./verdicts.js";
