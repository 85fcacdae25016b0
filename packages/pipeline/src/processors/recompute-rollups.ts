import { type NewWeeklyRollup, upsertRollups } from "@yardstick/db";
import { computeMetrics } from "@yardstick/metrics";
import type { Jobs } from "../catalog.js";
import type { PipelineDeps } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { loadMetricsInput } from "../metrics-input.js";

/**
 * Recomputes the weekly figures of the given weeks for every group and stores them (one row per
 * group and week, the whole figure set in `figures`; the scalar columns are for indexing and
 * are 0 where the figure is absent or suppressed: read `figures`, where absent is null).
 */
export async function recomputeRollups(
  payload: PayloadOf<Jobs, "rollups.recompute">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const input = await loadMetricsInput(deps.db, deps.config);
  const weeks = [...payload.weeks].sort();
  const from = weeks[0] ?? "";
  const to = weeks.at(-1) ?? "";
  const output = computeMetrics(input, { from, to, now: deps.now() });
  const wanted = new Set(weeks);
  const computedAt = deps.now();
  const rows: NewWeeklyRollup[] = output.groups.flatMap((group) =>
    group.weeks
      .filter((w) => wanted.has(w.week))
      .map((w) => ({
        groupKind: group.kind,
        groupName: group.name,
        week: w.week,
        rosterSize: w.rosterSize ?? 0,
        activeEngineers: w.activeEngineers ?? 0,
        mergedChanges: w.mergedChanges ?? 0,
        deployedChanges: w.deployedChanges ?? 0,
        qualifyingChanges: w.qualifyingChanges ?? 0,
        aiQualifyingChanges: w.aiQualifyingChanges ?? 0,
        nd: w.nd ?? 0,
        aind: w.aind ?? 0,
        adoption: w.adoption,
        deployments: w.deployments ?? 0,
        deployDays: w.deployDays ?? 0,
        suppressed: w.suppressed,
        figures: w as unknown as Record<string, unknown>,
        computedAt,
      })),
  );
  await upsertRollups(deps.db, rows);
  context.logger.info({ from, to, rows: rows.length }, "rollups recomputed");
}
