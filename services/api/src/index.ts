export * from "./app.js";
export * from "./auth.js";
export * from "./delivery-store.js";
export * from "./read-routes.js";
export * from "./server.js";
export * from "./signature.js";
export * from "./webhook-events.js";
export * from "./webhooks.js";
