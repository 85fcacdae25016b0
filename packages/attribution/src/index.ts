export * from "./builtin-rules.js";
export * from "./compile.js";
export * from "./credit.js";
export * from "./engine.js";
export * from "./evaluate.js";
export * from "./identity.js";
export * from "./line.js";
export * from "./rule-schema.js";
