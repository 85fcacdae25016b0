import { describe, expect, it } from "vitest";
import { addWeeks, IsoWeek, isoWeekOf, parseIsoWeekOrNull, weekBounds, weekRange, weeksInIsoYear } from "./iso-week.js";

describe("isoWeekOf", () => {
  it.each([
    ["2026-01-01T00:00:00Z", "UTC", "2026-W01"], // Thursday
    ["2025-12-29T00:00:00Z", "UTC", "2026-W01"], // Monday of week 1 is in the previous year
    ["2027-01-01T12:00:00Z", "UTC", "2026-W53"], // 2026 has 53 weeks
    ["2021-01-03T23:59:59Z", "UTC", "2020-W53"],
    ["2026-11-23T00:00:00Z", "UTC", "2026-W48"],
    ["2026-11-22T23:59:59Z", "UTC", "2026-W47"],
    // Sunday 23:30 UTC is already Monday in Berlin.
    ["2026-11-22T23:30:00Z", "Europe/Berlin", "2026-W48"],
    // Monday 03:00 UTC is still Sunday evening in New York.
    ["2026-11-23T03:00:00Z", "America/New_York", "2026-W47"],
  ])("%s in %s is %s", (instant, tz, week) => {
    expect(isoWeekOf(new Date(instant), tz)).toBe(week);
  });
});

describe("weekBounds", () => {
  it("starts on Monday 00:00 UTC", () => {
    const { start, end } = weekBounds("2026-W48");
    expect(start.toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(end.toISOString()).toBe("2026-11-30T00:00:00.000Z");
  });

  it("starts at local midnight in the zone", () => {
    expect(weekBounds("2026-W48", "Europe/Berlin").start.toISOString()).toBe("2026-11-22T23:00:00.000Z");
    expect(weekBounds("2026-W48", "America/New_York").start.toISOString()).toBe("2026-11-23T05:00:00.000Z");
  });

  it("has 167 hours in the week DST starts and 169 in the week it ends", () => {
    const spring = weekBounds("2026-W13", "Europe/Berlin"); // 29 March 2026
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(167);
    const autumn = weekBounds("2026-W43", "Europe/Berlin"); // 25 October 2026 is its Sunday
    expect((autumn.end.getTime() - autumn.start.getTime()) / 3_600_000).toBe(169);
  });

  it("finds the day start where midnight does not exist (DST gap at 00:00)", () => {
    // Whatever the zone's rules, a week's start is in that week and the instant before is not.
    const { start } = weekBounds("2026-W37", "America/Santiago");
    expect(isoWeekOf(start, "America/Santiago")).toBe("2026-W37");
    expect(isoWeekOf(new Date(start.getTime() - 1), "America/Santiago")).toBe("2026-W36");
  });
});

describe("week arithmetic", () => {
  it("adds weeks across year ends", () => {
    expect(addWeeks("2026-W52", 1)).toBe("2026-W53");
    expect(addWeeks("2026-W53", 1)).toBe("2027-W01");
    expect(addWeeks("2027-W01", -1)).toBe("2026-W53");
  });

  it("lists ranges inclusively", () => {
    expect(weekRange("2026-W52", "2027-W02")).toEqual(["2026-W52", "2026-W53", "2027-W01", "2027-W02"]);
    expect(weekRange("2027-W02", "2026-W52")).toEqual([]);
  });

  it("knows long years", () => {
    expect(weeksInIsoYear(2026)).toBe(53);
    expect(weeksInIsoYear(2027)).toBe(52);
    expect(weeksInIsoYear(2020)).toBe(53);
  });

  it("validates week strings", () => {
    expect(parseIsoWeekOrNull("2027-W53")).toBeNull();
    expect(parseIsoWeekOrNull("2026-W53")).toEqual({ year: 2026, week: 53 });
    expect(IsoWeek.safeParse("2026-W5").success).toBe(false);
    expect(IsoWeek.safeParse("2026-W00").success).toBe(false);
  });
});
