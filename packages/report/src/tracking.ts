import { weekBounds } from "@yardstick/core";
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
  previousAdoption: number | null;
  trend: Trend | null;
  peopleToTarget: number | null;
  atTarget: boolean | null;
  crossing: Crossing | null;
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
    const previousAdoption = prev?.adoption ?? null;
    const previousTarget = prev?.adoptionTarget ?? target;
    const atTarget = adoption === null || target === null ? null : adoption >= target;
    const wasAtTarget =
      previousAdoption === null || previousTarget === null ? null : previousAdoption >= previousTarget;
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
      previousAdoption,
      trend: trendOf(adoption, previousAdoption),
      peopleToTarget: w?.peopleToTarget ?? null,
      atTarget,
      crossing,
    };
  });
}
