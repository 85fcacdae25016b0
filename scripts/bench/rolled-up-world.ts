/**
 * The benchmarks' rolled-up synthetic organisation (shared by scripts/bench/api.ts and
 * scripts/bench/dashboard.ts): the metrics package's generator (`changes` changes, `engineers`
 * people in teams of about 12, `weeks` weeks) rolled up in full as the rollup job does
 * (`fullRollupBatch`: figures and drill-down) into a fresh PostgreSQL database
 * (`createTestDatabase`, YARDSTICK_TEST_DATABASE_URL), with the rollup state a run leaves.
 *
 * Runs in a function so that the world, its prepared facts and the rollup batch (gigabytes at
 * 1,000,000 changes) are garbage once it returns: what is measured afterwards runs in a process
 * holding what a `yardstick serve` holds (call `gc()` with node --expose-gc before measuring).
 */
import { addWeeks } from "@yardstick/core";
import { storeRollups, writeRollupState } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { type MetricsInput, prepareMetrics } from "@yardstick/metrics";
import { syntheticInput } from "@yardstick/metrics/testing";
import { fullRollupBatch, notesOf } from "@yardstick/pipeline";

export const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

/** Milliseconds since `t0` (process.hrtime.bigint()). */
export const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export interface WorldSize {
  changes: number;
  engineers: number;
  weeks: number;
}

export interface RolledUpWorld {
  t: TestDatabase;
  /** The rolled-up weeks: at most the last 52 complete weeks. */
  first: string;
  last: string;
  /** A day in the middle of the first and last weeks (the API takes days). */
  firstDay: string;
  lastDay: string;
  /** The organisation's group name. */
  org: string;
  timeZone: string;
  size: WorldSize & { groupWeeks: number; drillDownRows: number };
}

/**
 * Generates the organisation and rolls it up. `beforeRollup` sees the generated input first (the
 * API benchmark measures its recompute baseline there, on the same input) and its result is
 * returned beside the world.
 */
export async function rolledUpWorld<B = undefined>(
  size: WorldSize,
  beforeRollup?: (input: MetricsInput, ctx: { now: Date; first: string; last: string }) => B,
): Promise<RolledUpWorld & { before: B }> {
  const { changes, engineers, weeks } = size;
  log(`generating ${changes} changes, ${engineers} engineers, ${weeks} weeks`);
  const world = syntheticInput({ changes, engineers, weeks, seed: 1 });
  const input = world.input;
  const now = world.end;
  const clock = prepareMetrics({ ...input, changes: [], deployments: [] }).clock;
  const last = addWeeks(clock.weekOf(now), -1);
  const first = addWeeks(last, -(Math.min(weeks, 52) - 1));
  const allWeeks: string[] = [];
  for (let w = first; w <= last; w = addWeeks(w, 1)) allWeeks.push(w);
  const before = beforeRollup?.(input, { now, first, last }) as B;

  log("rolling up (untimed)");
  const t = await createTestDatabase();
  const prep = prepareMetrics(input);
  const batch = fullRollupBatch(prep, allWeeks, now, now);
  const t0 = process.hrtime.bigint();
  await storeRollups(t.db, { ...batch, replaceWeeks: { from: first, to: last } });
  const storeMs = ms(t0);
  const org = batch.rows.find((r) => r.groupKind === "org")?.groupName;
  await writeRollupState(t.db, {
    fromWeek: first,
    toWeek: last,
    computedNow: now,
    watermark: now,
    fingerprint: "bench",
    lastMode: "full",
    lastRunAt: now,
    lastFullAt: now,
    notes: notesOf(prep) as unknown as Record<string, unknown>,
    notesAt: now,
  });
  log(
    `stored ${batch.rows.length} rows, ${batch.changes.length} drill-down changes, ${batch.deployments.length} deployments in ${(storeMs / 1000).toFixed(1)} s`,
  );
  const day = (w: string) => new Date(clock.bounds(w).start.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
  return {
    t,
    first,
    last,
    firstDay: day(first),
    lastDay: day(last),
    org: org ?? "org",
    timeZone: input.config.timeZone,
    size: {
      changes,
      engineers,
      weeks,
      groupWeeks: batch.rows.length,
      drillDownRows: batch.changes.length + batch.deployments.length,
    },
    before,
  };
}
