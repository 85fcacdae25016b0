import { addWeeks as coreAddWeeks, weekBounds } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { addWeeks, dayOf, lastCompleteWeek, weekOfInstant } from "./weeks.js";

describe("the dashboard's ISO weeks", () => {
  it("agree with @yardstick/core across year ends (53-week years included)", () => {
    let week = "2019-W50";
    for (let i = 0; i < 400; i += 1) {
      const { start } = weekBounds(week, "UTC");
      expect(dayOf(week)).toBe(new Date(start.getTime() + 3 * 86_400_000).toISOString().slice(0, 10));
      for (const n of [1, -1, 11, -11]) expect(addWeeks(week, n)).toBe(coreAddWeeks(week, n));
      week = coreAddWeeks(week, 1);
    }
  });
});

describe("the overview's default week", () => {
  it("is the last complete week at the time the figures were computed", () => {
    // 2026-11-23 is the Monday of 2026-W48: W47 is the last complete week.
    expect(lastCompleteWeek({ from: "2026-W37", to: "2026-W48", computedAt: "2026-11-23T00:00:00.000Z" })).toBe(
      "2026-W47",
    );
    expect(lastCompleteWeek({ from: "2026-W37", to: "2026-W44", computedAt: "2026-11-23T00:00:00.000Z" })).toBe(
      "2026-W44",
    );
    expect(weekOfInstant("2027-01-03T23:59:00Z")).toBe("2026-W53");
  });
});
