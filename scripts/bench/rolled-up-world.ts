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
import {
  type Database,
  migrateDatabase,
  openDatabase,
  readRollupState,
  storeRollups,
  writeRollupState,
} from "@yardstick/db";
import { createTestDatabase, testAdminUrl, withDatabase } from "@yardstick/db/testing";
import { type MetricsInput, prepareMetrics } from "@yardstick/metrics";
import { syntheticInput } from "@yardstick/metrics/testing";
import { fullRollupBatch, notesOf } from "@yardstick/pipeline";
import postgres from "postgres";

export const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

/** Milliseconds since `t0` (process.hrtime.bigint()). */
export const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export interface WorldSize {
  changes: number;
  engineers: number;
  weeks: number;
  /**
   * A database kept between runs (`--database NAME`: created beside the test databases when absent,
   * never dropped): a world of the same size rolled up there before is measured again as it is,
   * without storing it again (at 1,000,000 changes the store takes minutes on a quiet machine, half
   * an hour on a busy one). Absent: a fresh test database, dropped after the run.
   */
  database?: string;
}

export interface RolledUpWorld {
  /** The database; `drop()` drops a fresh one and only closes a kept one. */
  t: { db: Database; drop(): Promise<void> };
  /** The rolled-up weeks: at most the last 52 complete weeks. */
  first: string;
  last: string;
  /** A day in the middle of the first and last weeks (the API takes days). */
  firstDay: string;
  lastDay: string;
  /** The organisation's group name. */
  org: string;
  timeZone: string;
  size: Omit<WorldSize, "database"> & { groupWeeks: number; drillDownRows: number; storeMs: number };
}

/** A named PostgreSQL database beside the test databases, migrated, kept after the run. */
async function keptDatabase(name: string): Promise<RolledUpWorld["t"]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--database: expected a plain database name, got ${name}`);
  const admin = postgres(testAdminUrl(), { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
  if (exists === undefined) await admin.unsafe(`create database ${name}`);
  await admin.end();
  const handle = await openDatabase({ url: withDatabase(testAdminUrl(), name) });
  await migrateDatabase(handle);
  return { db: handle.db, drop: () => handle.close() };
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

  const t = size.database === undefined ? await createTestDatabase() : await keptDatabase(size.database);
  const fingerprint = `bench:${changes}:${engineers}:${weeks}:1`;
  const stored = await readRollupState(t.db);
  let rolledUp: { org: string; groupWeeks: number; drillDownRows: number; storeMs: number };
  if (stored?.fingerprint === fingerprint) {
    rolledUp = stored.notes.bench as typeof rolledUp;
    log(`rolled up before in ${size.database} (kept): ${rolledUp.groupWeeks} rows`);
  } else {
    log("rolling up (untimed)");
    const prep = prepareMetrics(input);
    const batch = fullRollupBatch(prep, allWeeks, now, now);
    const t0 = process.hrtime.bigint();
    await storeRollups(t.db, { ...batch, replaceWeeks: { from: first, to: last } });
    const storeMs = ms(t0);
    rolledUp = {
      org: batch.rows.find((r) => r.groupKind === "org")?.groupName ?? "org",
      groupWeeks: batch.rows.length,
      drillDownRows: batch.changes.length + batch.deployments.length,
      storeMs: Math.round(storeMs),
    };
    await writeRollupState(t.db, {
      fromWeek: first,
      toWeek: last,
      computedNow: now,
      watermark: now,
      fingerprint,
      lastMode: "full",
      lastRunAt: now,
      lastFullAt: now,
      // The notes' schema ignores `bench`: what a later run with the same database reads back.
      notes: { ...(notesOf(prep) as unknown as Record<string, unknown>), bench: rolledUp },
      notesAt: now,
    });
    log(
      `stored ${batch.rows.length} rows, ${batch.changes.length} drill-down changes, ${batch.deployments.length} deployments in ${(storeMs / 1000).toFixed(1)} s`,
    );
  }
  const day = (w: string) => new Date(clock.bounds(w).start.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
  return {
    t,
    first,
    last,
    firstDay: day(first),
    lastDay: day(last),
    org: rolledUp.org,
    timeZone: input.config.timeZone,
    size: {
      changes,
      engineers,
      weeks,
      groupWeeks: rolledUp.groupWeeks,
      drillDownRows: rolledUp.drillDownRows,
      storeMs: rolledUp.storeMs,
    },
    before,
  };
}
