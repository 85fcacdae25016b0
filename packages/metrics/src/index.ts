export * from "./config.js";
export * from "./detect.js";
export * from "./glob.js";
export * from "./inputs.js";
export * from "./link.js";
