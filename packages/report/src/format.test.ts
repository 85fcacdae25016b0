import { describe, expect, it } from "vitest";
import { formatCount, formatDelta, formatHours, formatNumber, formatPercent, formatPointChange } from "./format.js";

describe("formatting", () => {
  it("shows absent figures as n/a and zero as 0", () => {
    for (const f of [formatPercent, formatNumber, formatHours, formatCount]) expect(f(null)).toBe("n/a");
    expect(formatPercent(0)).toBe("0%");
    expect(formatNumber(0)).toBe("0");
    expect(formatCount(0)).toBe("0");
    expect(formatHours(0)).toBe("0.0 h");
  });

  it.each([
    [formatDelta(1.54, 1.64), "−0.10"],
    [formatDelta(119, 123), "−4"],
    [formatDelta(2, 2), "±0"],
    [formatDelta(null, 2), "n/a"],
    [formatPointChange(0.35, 0.34), "+1 pp"],
    [formatPointChange(0.3, 0.3), "±0 pp"],
    [formatPercent(0.625), "63%"],
    [formatNumber(0.666666), "0.67"],
  ])("%s is %s", (actual, expected) => {
    expect(actual).toBe(expected);
  });
});
