export * from "./compare.js";
export * from "./oracle.js";
