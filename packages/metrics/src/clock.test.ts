import { addWeeks, isoWeekOf, weekBounds } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { isoWeekOfDay, WeekClock } from "./clock.js";

describe("WeekClock", () => {
  it.each(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/Santiago"])(
    "agrees with core isoWeekOf in %s",
    (tz) => {
      const clock = new WeekClock(tz);
      // Every 37 minutes across 2026, plus the instants just around week starts.
      for (let t = Date.UTC(2025, 11, 20); t < Date.UTC(2027, 0, 10); t += 37 * 60_000 * 7) {
        expect(clock.weekOf(new Date(t))).toBe(isoWeekOf(new Date(t), tz));
      }
      for (const week of ["2026-W01", "2026-W13", "2026-W14", "2026-W43", "2026-W44", "2026-W53"]) {
        const { start, end } = weekBounds(week, tz);
        expect(clock.weekOf(start)).toBe(week);
        expect(clock.weekOf(new Date(start.getTime() - 1))).toBe(addWeeks(week, -1));
        expect(clock.bounds(week)).toEqual({ start, end });
        expect(clock.shift(week, 1)).toBe(addWeeks(week, 1));
        expect(clock.shift(week, -9)).toBe(addWeeks(week, -9));
      }
    },
  );

  it("knows calendar days in the zone", () => {
    const clock = new WeekClock("America/New_York");
    expect(clock.dayOf(new Date("2026-03-09T03:59:59Z"))).toBe("2026-03-08");
    expect(clock.dayOf(new Date("2026-03-09T04:00:00Z"))).toBe("2026-03-09"); // EDT from 8 March
    expect(new WeekClock("UTC").dayOf(new Date("2026-03-09T00:00:00Z"))).toBe("2026-03-09");
  });

  it("puts calendar days in ISO weeks", () => {
    expect(isoWeekOfDay("2026-01-01")).toBe("2026-W01");
    expect(isoWeekOfDay("2027-01-03")).toBe("2026-W53");
  });
});
