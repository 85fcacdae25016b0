import { addWeeks, weekBounds } from "@yardstick/core";
import type { MetricsGroup, MetricsOutput, WeekFigures } from "@yardstick/metrics";

export type Trend = "up" | "down" | "flat";
export type Crossing = "crossed" | "fell-below";

/** Where one group stands against its adoption target in the report's week. */
export interface TargetTracking {
  kind: MetricsGroup["kind"];
  name: string;
  week: string;
  suppressed: boolean;
  adoption: number | null;
  adoption4w: number | null;
  target: number | null;
  /** What the target is judged on (config `adoption.basis`): the week's value or the rolling one. */
  basis: "week" | "rolling4w";
  previousAdoption: number | null;
  trend: Trend | null;
  peopleToTarget: number | null;
  atTarget: boolean | null;
  crossing: Crossing | null;
  /** When the target is reached at the recent trend of the judged value (see `projectAdoption`). */
  projection: AdoptionProjection;
}

/** The adoption value a week is judged on: the week's, or the rolling one. */
export function judgedAdoption(w: WeekFigures | undefined): number | null {
  if (w === undefined) return null;
  return (w.adoptionBasis ?? "week") === "rolling4w" ? w.adoption4w : w.adoption;
}

/** Differences smaller than half a percentage point read as flat. */
const FLAT = 0.005;

/**
 * The week the report leads with: the latest week of the document that has ended by
 * `generatedAt` (in the document's time zone); the last week when none has.
 */
export function reportWeek(output: MetricsOutput, generatedAt: Date): string | null {
  for (let i = output.weeks.length - 1; i >= 0; i -= 1) {
    const week = output.weeks[i];
    if (week !== undefined && weekBounds(week, output.notes.timeZone).end.getTime() <= generatedAt.getTime()) {
      return week;
    }
  }
  return output.weeks.at(-1) ?? null;
}

export function weekOf(group: MetricsGroup, week: string | null): WeekFigures | undefined {
  return week === null ? undefined : group.weeks.find((w) => w.week === week);
}

export function previousWeekOf(group: MetricsGroup, week: string | null): WeekFigures | undefined {
  const i = group.weeks.findIndex((w) => w.week === week);
  return i > 0 ? group.weeks[i - 1] : undefined;
}

export function trendOf(current: number | null, previous: number | null): Trend | null {
  if (current === null || previous === null) return null;
  if (Math.abs(current - previous) < FLAT) return "flat";
  return current > previous ? "up" : "down";
}

/** Per group, in the engine's order (kind, then name): never sorted by a figure. */
export function trackTargets(output: MetricsOutput, week: string | null): TargetTracking[] {
  return output.groups.map((g) => {
    const w = weekOf(g, week);
    const prev = previousWeekOf(g, week);
    const adoption = w?.adoption ?? null;
    const target = w?.adoptionTarget ?? null;
    const judged = judgedAdoption(w);
    const previousAdoption = prev?.adoption ?? null;
    const previousJudged = judgedAdoption(prev);
    const previousTarget = prev?.adoptionTarget ?? target;
    const atTarget = judged === null || target === null ? null : judged >= target;
    const wasAtTarget = previousJudged === null || previousTarget === null ? null : previousJudged >= previousTarget;
    const upTo = g.weeks.slice(0, g.weeks.findIndex((x) => x.week === week) + 1);
    const crossing: Crossing | null =
      atTarget === null || wasAtTarget === null || atTarget === wasAtTarget
        ? null
        : atTarget
          ? "crossed"
          : "fell-below";
    return {
      kind: g.kind,
      name: g.name,
      week: week ?? "",
      suppressed: w?.suppressed ?? true,
      adoption,
      adoption4w: w?.adoption4w ?? null,
      target,
      basis: w?.adoptionBasis ?? "week",
      previousAdoption,
      trend: trendOf(adoption, previousAdoption),
      peopleToTarget: w?.peopleToTarget ?? null,
      atTarget,
      crossing,
      projection: projectAdoption(
        upTo.map((x) => ({ week: x.week, adoption: x.suppressed ? null : judgedAdoption(x) })),
        target,
      ),
    };
  });
}

/** How many recent weeks the adoption projection fits its trend to (METRICS.md: the last 8). */
export const PROJECTION_WEEKS = 8;
/** Beyond this many weeks a projection is not made ("not at this trend"). */
const PROJECTION_HORIZON_WEEKS = 104;

export type AdoptionProjection =
  | { status: "reached"; week: string }
  | { status: "projected"; week: string; weeksAway: number; slopePerWeek: number }
  | { status: "not-at-this-trend"; slopePerWeek: number | null }
  | { status: "unknown"; reason: string };

/**
 * When a group reaches its adoption target at the trend of its last `PROJECTION_WEEKS` weeks:
 * the least-squares line through the weekly values (weeks without a value, e.g. suppressed, are
 * left out; at least 4 values are needed), extended from the last week until it meets the target.
 * "reached" when the last week's value is at the target; "not at this trend" when the line is
 * flat or falling, or meets the target only after two years.
 */
export function projectAdoption(
  series: readonly { week: string; adoption: number | null }[],
  target: number | null,
): AdoptionProjection {
  if (target === null) return { status: "unknown", reason: "no target" };
  const recent = series.slice(-PROJECTION_WEEKS);
  const last = recent.at(-1);
  if (last === undefined) return { status: "unknown", reason: "no weeks" };
  if (last.adoption !== null && last.adoption >= target) return { status: "reached", week: last.week };
  const points = recent
    .map((p, i) => ({ x: i, y: p.adoption }))
    .filter((p): p is { x: number; y: number } => p.y !== null);
  if (points.length < 4) return { status: "unknown", reason: `only ${points.length} weeks with a value` };
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  if (slope <= 1e-9) return { status: "not-at-this-trend", slopePerWeek: slope };
  const lastX = recent.length - 1;
  const fitted = my + slope * (lastX - mx);
  const weeksAway = Math.max(1, Math.ceil((target - fitted) / slope - 1e-9));
  if (weeksAway > PROJECTION_HORIZON_WEEKS) return { status: "not-at-this-trend", slopePerWeek: slope };
  return { status: "projected", week: addWeeks(last.week, weeksAway), weeksAway, slopePerWeek: slope };
}

/** A projection in words: "reached", "2027-W05 (in 8 weeks)", "not at this trend", or why unknown. */
export function describeProjection(p: AdoptionProjection): string {
  switch (p.status) {
    case "reached":
      return "reached";
    case "projected":
      return `${p.week} (in ${p.weeksAway} ${p.weeksAway === 1 ? "week" : "weeks"})`;
    case "not-at-this-trend":
      return "not at this trend";
    case "unknown":
      return `unknown (${p.reason})`;
  }
}

/** "the week's value" or "the 4-week value": what a target is judged on, in words. */
export function basisText(basis: "week" | "rolling4w"): string {
  return basis === "rolling4w" ? "the 4-week value" : "the week's value";
}
