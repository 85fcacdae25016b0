export * from "./client.js";
export * from "./errors.js";
export * from "./migrate.js";
export * from "./repositories/index.js";
export * from "./schema/index.js";
export * from "./sync-state.js";
export * from "./upsert.js";
