import { addWeeks } from "@yardstick/core";
import { MetricsOutput } from "@yardstick/metrics";
import { describe, expect, it } from "vitest";
import { sampleOutput, suppressedWeek, weekFigures } from "./test-fixture.js";
import { projectAdoption, reportWeek, trackTargets, trendOf } from "./tracking.js";

describe("trendOf", () => {
  it.each([
    [0.5, 0.4, "up"],
    [0.4, 0.5, "down"],
    [0.5, 0.503, "flat"],
    [0.5, null, null],
    [null, 0.5, null],
  ] as const)("%s after %s -> %s", (current, previous, trend) => {
    expect(trendOf(current, previous)).toBe(trend);
  });
});

describe("reportWeek", () => {
  const doc = MetricsOutput.parse(sampleOutput({ lastWeek: "2026-W48", weeks: 3 }));
  it.each([
    // W47 ends Monday 2026-11-23 00:00 in Berlin (Sunday 23:00 UTC).
    ["2026-11-22T22:59:00Z", "2026-W46"],
    ["2026-11-22T23:00:00Z", "2026-W47"],
    ["2026-11-24T09:00:00Z", "2026-W47"],
    ["2026-12-01T09:00:00Z", "2026-W48"],
    ["2026-01-01T00:00:00Z", "2026-W48"],
  ])("at %s the last complete week is %s", (at, week) => {
    expect(reportWeek(doc, new Date(at))).toBe(week);
  });
});

describe("trackTargets", () => {
  const doc = MetricsOutput.parse({
    ...sampleOutput({ weeks: 2 }),
    groups: [
      {
        kind: "org",
        name: "o",
        weeks: [weekFigures("2026-W46", { adoption: 0.79 }), weekFigures("2026-W47", { adoption: 0.8 })],
      },
      {
        kind: "team",
        name: "a",
        weeks: [weekFigures("2026-W46", { adoption: 0.8 }), weekFigures("2026-W47", { adoption: 0.7 })],
      },
      {
        kind: "team",
        name: "b",
        weeks: [
          weekFigures("2026-W46", { adoption: 0.5 }),
          weekFigures("2026-W47", { adoption: 0.6, adoptionTarget: 0.5 }),
        ],
      },
      { kind: "team", name: "c", weeks: [suppressedWeek("2026-W46"), weekFigures("2026-W47", { adoption: 0.9 })] },
      { kind: "team", name: "d", weeks: [weekFigures("2026-W46"), suppressedWeek("2026-W47")] },
    ],
  });
  const t = trackTargets(doc, "2026-W47");

  it("keeps the document's order", () => {
    expect(t.map((x) => x.name)).toEqual(["o", "a", "b", "c", "d"]);
  });

  it("says who crossed the target and who fell below, with the trend", () => {
    expect(t.map((x) => [x.name, x.atTarget, x.trend, x.crossing])).toEqual([
      ["o", true, "up", "crossed"],
      ["a", false, "down", "fell-below"],
      // b: the previous week is judged against its own target (0.8): 0.5 was below, 0.6 meets 0.5.
      ["b", true, "up", "crossed"],
      ["c", true, null, null],
      ["d", null, null, null],
    ]);
    expect(t[4]?.suppressed).toBe(true);
  });
});

describe("trackTargets: the basis and the projection", () => {
  const rising = (basis: "week" | "rolling4w", target: number | null = 0.8) =>
    [0.4, 0.45, 0.5, 0.55, 0.6, 0.65].map((v, i) =>
      weekFigures(addWeeks("2026-W42", i), {
        adoption: v,
        adoption4w: 0.85,
        adoptionBasis: basis,
        adoptionTarget: target,
      }),
    );
  const doc = MetricsOutput.parse({
    ...sampleOutput({ weeks: 6 }),
    groups: [
      { kind: "team", name: "weekly", weeks: rising("week") },
      { kind: "team", name: "rolling", weeks: rising("rolling4w") },
      { kind: "repo", name: "acme/api", weeks: rising("week", null) },
    ],
  });
  const [weekly, rolling, repo] = trackTargets(doc, "2026-W47");

  it("judges the target on the group's basis, and projects the week it is reached at the trend", () => {
    // Weekly 65% rising 5 points a week: 80% three weeks on.
    expect(weekly).toMatchObject({ basis: "week", atTarget: false });
    expect(weekly?.projection).toMatchObject({ status: "projected", week: "2026-W50", weeksAway: 3 });
    // The same weeks judged on the 4-week value (85%): at target.
    expect(rolling).toMatchObject({ basis: "rolling4w", atTarget: true, projection: { status: "reached" } });
  });

  it("gives a repository without a configured target no status and no projection", () => {
    expect(repo).toMatchObject({
      target: null,
      atTarget: null,
      projection: { status: "unknown", reason: "no target" },
    });
  });
});

describe("projectAdoption", () => {
  const weeks = (values: (number | null)[]) =>
    values.map((adoption, i) => ({ week: addWeeks("2026-W30", i), adoption }));

  it("projects the week a rising trend meets the target", () => {
    // 0.40, 0.45, ... 0.75 over 8 weeks: +0.05 a week, 0.80 one week after 2026-W37.
    const p = projectAdoption(weeks([0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75]), 0.8);
    expect(p).toMatchObject({ status: "projected", week: "2026-W38", weeksAway: 1 });
    expect((p as { slopePerWeek: number }).slopePerWeek).toBeCloseTo(0.05, 12);
  });

  it("fits only the last 8 weeks, and leaves out weeks without a value", () => {
    const p = projectAdoption(weeks([0.9, 0.05, 0.15, null, 0.35, 0.45, 0.55, 0.65, 0.75]), 0.8);
    // The last 8 weeks (0.05, 0.15, null, 0.35, ...): slope 0.1, 0.75 at the last: one week more.
    expect(p).toMatchObject({ status: "projected", week: addWeeks("2026-W30", 9), weeksAway: 1 });
  });

  it("says 'reached' at the target, 'not at this trend' when flat, falling or too slow, and 'unknown' without data", () => {
    expect(projectAdoption(weeks([0.5, 0.6, 0.7, 0.8]), 0.8)).toEqual({ status: "reached", week: "2026-W33" });
    expect(projectAdoption(weeks([0.5, 0.5, 0.5, 0.5]), 0.8)).toMatchObject({ status: "not-at-this-trend" });
    expect(projectAdoption(weeks([0.7, 0.6, 0.5, 0.4]), 0.8)).toMatchObject({ status: "not-at-this-trend" });
    expect(projectAdoption(weeks([0.1, 0.101, 0.102, 0.103]), 0.8)).toMatchObject({ status: "not-at-this-trend" });
    expect(projectAdoption(weeks([0.1, null, null, 0.2]), 0.8)).toMatchObject({ status: "unknown" });
    expect(projectAdoption(weeks([0.1, 0.2, 0.3, 0.4]), null)).toMatchObject({ status: "unknown" });
    expect(projectAdoption([], 0.8)).toMatchObject({ status: "unknown" });
  });
});
