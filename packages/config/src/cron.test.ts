import { describe, expect, it } from "vitest";
import { cronError } from "./cron.js";

describe("cronError (BullMQ's own cron parser, with the field named)", () => {
  it.each([
    "0 9 * * 1",
    "*/15 * * * *",
    "0 9-17/2 * * mon-fri",
    "0 0 1,15 * *",
    "30 8 * jan,jul sun",
    "0 9 * * 7",
    "5 4 * * SUN",
    "0 0 1-31/5 1-12 0-6",
  ])("accepts %s", (expression) => {
    expect(cronError(expression)).toBeUndefined();
  });

  it.each([
    ["", "expected 5 fields"],
    ["0 9 * *", "expected 5 fields"],
    ["0 0 9 * * 1", "expected 5 fields"],
    ["60 * * * *", 'minute "60": Constraint error, got value 60 expected range 0-59'],
    ["0 25 * * 1", 'hour "25": Constraint error, got value 25 expected range 0-23'],
    ["0 9 0 * *", 'day of month "0": Constraint error, got value 0 expected range 1-31'],
    ["0 9 * 13 *", 'month "13": Constraint error, got value 13 expected range 1-12'],
    ["0 9 * * 8", 'day of week "8": Constraint error, got value 8 expected range 0-7'],
    ["0 9 * * monday", 'day of week "monday"'],
    ["0 9 * * fri-mon", 'day of week "fri-mon": Invalid range: 5-1'],
    ["*/0 * * * *", 'minute "*/0"'],
    ["*/x * * * *", 'minute "*/x": Invalid characters'],
    ["0 9,, * * 1", 'hour "9,,"'],
    ["0 1/2/3 * * 1", 'hour "1/2/3": Invalid repeat'],
  ])("rejects %j: %s", (expression, message) => {
    expect(cronError(expression)).toContain(message);
  });
});
