import { describe, expect, it } from "vitest";
import { PRESETS, presetOptions } from "./presets.js";

describe("presetOptions", () => {
  it("maps names and numbers to generator options", () => {
    expect(presetOptions("small", 3)).toEqual({ ...PRESETS.small, seed: 3 });
    expect(presetOptions("medium", 3)).toEqual({ ...PRESETS.demo, seed: 3 });
    expect(presetOptions("large", 1).mergedPullRequests).toBe(1_000_000);
    const n = presetOptions("20000", 1, "2026-01-05T00:00:00Z");
    expect(n).toMatchObject({ engineers: 100, mergedPullRequests: 20000, now: "2026-01-05T00:00:00Z" });
  });

  it("says what sizes exist when given a wrong one", () => {
    expect(() => presetOptions("huge", 1)).toThrow(/small, demo, medium, large or a number/);
  });
});
