import { describe, expect, it } from "vitest";
import { cronError } from "./cron.js";

describe("cronError", () => {
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
    ["60 * * * *", "minute 60 is out of range 0-59"],
    ["0 25 * * 1", "hour 25 is out of range 0-23"],
    ["0 9 0 * *", "day of month 0 is out of range 1-31"],
    ["0 9 * 13 *", "month 13 is out of range 1-12"],
    ["0 9 * * 8", "day of week 8 is out of range 0-7"],
    ["0 9 * * monday", 'day of week "monday" is not a number'],
    ["0 9 * * fri-mon", "runs backwards"],
    ["*/0 * * * *", 'step "0" is not a whole number'],
    ["*/x * * * *", 'step "x" is not a whole number'],
    ["*/61 * * * *", "larger than the field's range"],
    ["0 9,, * * 1", "empty value"],
    ["0 1-2-3 * * 1", 'more than one "-"'],
    ["0 1/2/3 * * 1", 'more than one "/"'],
  ])("rejects %j: %s", (expression, message) => {
    expect(cronError(expression)).toContain(message);
  });
});
