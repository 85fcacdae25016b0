export * from "./credential-choice.js";
export * from "./domain.js";
export * from "./errors.js";
export * from "./glob.js";
export * from "./iso-week.js";
export * from "./text.js";
export * from "./trailers.js";
