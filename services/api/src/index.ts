export * from "./delivery-store.js";
export * from "./server.js";
export * from "./signature.js";
export * from "./webhook-events.js";
export * from "./webhooks.js";
