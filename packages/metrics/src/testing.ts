/**
 * Test and benchmark helpers of the metrics package (`@yardstick/metrics/testing`): the seeded
 * synthetic-data generator. Not part of the production entry point.
 */
export * from "./synthetic.js";
