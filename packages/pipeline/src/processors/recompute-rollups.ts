import { type NewWeeklyRollup, upsertRollups, weeklyRollups } from "@yardstick/db";
import {
  computeMetrics,
  evaluateGroupWeeks,
  GroupContext,
  type GroupKind,
  type GroupWeek,
  groupSpecs,
  lookbackWeeksOf,
  OTHER_GROUP,
  type Prepared,
  prepareMetrics,
  restrictToWindow,
  rosterSizeOf,
  touchedGroupWeeks,
  WeekClock,
  type WeekFigures,
} from "@yardstick/metrics";
import { and, eq, gte, lte } from "drizzle-orm";
import type { Jobs } from "../catalog.js";
import { type PipelineDeps, syncWeeks } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { loadMetricsInput, metricsConfigOf } from "../metrics-input.js";
import {
  branchHeads,
  changeHorizon,
  loadScopeFor,
  type RollupCursor,
  readRollupCursor,
  rollupFingerprint,
  storedChangesSince,
  trackedRepos,
  writeRollupCursor,
} from "../rollups.js";

/**
 * Stores the weekly figures of the given weeks for every group (one row per group and week, the
 * whole figure set in `figures`; the scalar columns are for indexing and are 0 where the figure
 * is absent or suppressed: read `figures`, where absent is null).
 *
 * Incremental: the first rollup (or one after the configuration, the repositories, the rules or
 * the roster changed: see `rollupFingerprint`) recomputes every group and week. Later ones read
 * which stored rows changed since the last rollup (`storedChangesSince`), recompute only the
 * group-weeks those can touch (`touchedGroupWeeks`), plus every group of weeks not rolled up yet
 * and of weeks whose revert window closed since (no longer provisional), from the data those
 * group-weeks read (`loadScopeFor` + `restrictToWindow`), and upsert just those rows. The figures
 * equal a full recompute's. A run with nothing new writes nothing.
 */
export async function recomputeRollups(
  payload: PayloadOf<Jobs, "rollups.recompute">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const run = await rollupWeeks(deps, payload.weeks ?? syncWeeks(deps));
  context.logger.info(run, "rollups recomputed");
}

/** The job's work: stores the rollups of `weeks` (incrementally when it can) and says what it did. */
export async function rollupWeeks(deps: PipelineDeps, requested: readonly string[]): Promise<RollupRun> {
  const weeks = [...requested].sort();
  const from = weeks[0] ?? "";
  const to = weeks.at(-1) ?? "";
  const now = deps.now();
  // Read before anything else: rows stamped after this are the next rollup's.
  const watermark = await changeHorizon(deps.db);
  const repos = (await trackedRepos(deps.db)).map((r) => r.name);
  const heads = await branchHeads(deps.db, repos);
  const fingerprint = await rollupFingerprint(deps);
  const cursor = await readRollupCursor(deps.db);
  const next: RollupCursor = {
    watermark,
    fingerprint,
    from: cursor === null || from < cursor.from ? from : cursor.from,
    to: cursor === null || to > cursor.to ? to : cursor.to,
    now,
  };

  let run: RollupRun;
  if (cursor === null || cursor.fingerprint !== fingerprint || from < cursor.from) {
    run = await fullRollup(deps, weeks, now);
  } else {
    run = await incrementalRollup(deps, cursor, weeks, heads, now);
  }
  await writeRollupCursor(deps.db, next, heads);
  return { ...run, from, to };
}

export interface RollupRun {
  from?: string;
  to?: string;
  mode: "full" | "incremental";
  /** Group-weeks evaluated. */
  pairs: number;
  /** Rows written. */
  rows: number;
  /** Start of the data read (incremental), ISO. */
  windowStart: string | null;
  /** Repositories whose pull requests were read from the window on, not whole (incremental). */
  restrictedRepos?: number;
}

function rowOf(kind: GroupKind, name: string, w: WeekFigures, computedAt: Date): NewWeeklyRollup {
  return {
    groupKind: kind,
    groupName: name,
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
  };
}

async function fullRollup(deps: PipelineDeps, weeks: readonly string[], now: Date): Promise<RollupRun> {
  const input = await loadMetricsInput(deps.db, deps.config);
  const from = weeks[0] ?? "";
  const to = weeks.at(-1) ?? "";
  const output = computeMetrics(input, { from, to, now });
  const wanted = new Set(weeks);
  const computedAt = deps.now();
  const rows = output.groups.flatMap((group) =>
    group.weeks.filter((w) => wanted.has(w.week)).map((w) => rowOf(group.kind, group.name, w, computedAt)),
  );
  await upsertRollups(deps.db, rows);
  return { mode: "full", pairs: rows.length, rows: rows.length, windowStart: null };
}

/** Every group of these weeks, as the full report lists them (and each kind's "other"). */
function allGroupWeeks(prep: Prepared, weeks: readonly string[]): GroupWeek[] {
  const out: GroupWeek[] = [];
  for (const kind of ["org", "team", "repo"] as const) {
    const names = groupSpecs(prep, kind).map((s) => s.name);
    if (kind !== "org") names.push(OTHER_GROUP);
    for (const name of names) for (const week of weeks) out.push({ kind, name, week });
  }
  return out;
}

const MAX_WIDENINGS = 4;

async function incrementalRollup(
  deps: PipelineDeps,
  cursor: RollupCursor,
  weeks: readonly string[],
  heads: ReadonlyMap<string, string | null>,
  now: Date,
): Promise<RollupRun> {
  const config = metricsConfigOf(deps.config);
  const clock = new WeekClock(config.timeZone);
  const from = weeks[0] ?? "";
  const to = weeks.at(-1) ?? "";
  const changed = await storedChangesSince(deps.db, cursor, heads);
  // Weeks never rolled up, and weeks whose revert window closed since the last rollup: every group.
  const revertMs = config.thresholds.revertWindowDays * 86_400_000;
  const wholeWeeks = weeks.filter((w) => {
    if (w > cursor.to || w < cursor.from) return true;
    const final = clock.bounds(w).end.getTime() + revertMs;
    return final > cursor.now.getTime() && final <= now.getTime();
  });
  if (changed.repos.size === 0 && changed.usage.length === 0 && changed.recredited.length === 0) {
    if (wholeWeeks.length === 0) return { mode: "incremental", pairs: 0, rows: 0, windowStart: null };
  }

  // The first week to evaluate: guessed from the earliest change, widened until the pairs fit.
  let first = wholeWeeks[0] ?? to;
  const earliest = (at: Date) => {
    const w = clock.shift(clock.weekOf(new Date(at.getTime() - revertMs)), -1);
    if (w < first) first = w;
  };
  for (const at of changed.repos.values()) earliest(at);
  for (const u of changed.usage) earliest(new Date(`${u.day}T00:00:00Z`));
  if (first < from) first = from;

  const repos = [...heads.keys()];
  for (let attempt = 0; ; attempt++) {
    const windowStart = clock.bounds(clock.shift(first, -lookbackWeeksOf(config))).start;
    const usageFrom = clock.dayOf(clock.bounds(first).start);
    const scope = await loadScopeFor(deps, repos, windowStart, usageFrom);
    const input = await loadMetricsInput(deps.db, deps.config, scope);
    const prep = prepareMetrics(restrictToWindow(input, windowStart, usageFrom).input);
    const byKey = new Map<string, GroupWeek>();
    for (const p of [...touchedGroupWeeks(prep, changed, to), ...allGroupWeeks(prep, wholeWeeks)]) {
      if (p.week >= from && p.week <= to) byKey.set(`${p.kind}\u0000${p.name}\u0000${p.week}`, p);
    }
    const pairs = [...byKey.values()];
    let lowest = to;
    for (const p of pairs) if (p.week < lowest) lowest = p.week;
    if (pairs.length > 0 && lowest < first && attempt < MAX_WIDENINGS) {
      first = lowest; // a pair reads data before the window: read more
      continue;
    }
    if (pairs.length > 0 && lowest < first) return fullRollup(deps, weeks, now);
    const ctx = new GroupContext(prep);
    const results = evaluateGroupWeeks(prep, pairs, { now }, ctx);
    const computedAt = deps.now();
    const stored = await storedOtherKinds(deps, from, to);
    const folds = new Set<GroupKind>();
    const k = config.thresholds.minGroupSize;
    for (const p of pairs) {
      if (p.name !== OTHER_GROUP || p.kind === "org" || folds.has(p.kind)) continue;
      if (groupSpecs(prep, p.kind).some((spec) => rosterSizeOf(ctx, spec, p.week) < k)) folds.add(p.kind);
    }
    // The full report lists a kind's "other" for every week once any week folds a group into it:
    // a first fold needs the other weeks too, which this window cannot evaluate.
    for (const kind of folds) if (!stored.has(kind)) return fullRollup(deps, weeks, now);
    const rows = results
      .filter((r) => r.name !== OTHER_GROUP || stored.has(r.kind))
      .map((r) => rowOf(r.kind, r.name, r.figures, computedAt));
    await upsertRollups(deps.db, rows);
    return {
      mode: "incremental",
      pairs: results.length,
      rows: rows.length,
      windowStart: windowStart.toISOString(),
      restrictedRepos: scope.mergedFrom.size,
    };
  }
}

/** The kinds whose "other" group has stored rows in the weeks. */
async function storedOtherKinds(deps: PipelineDeps, from: string, to: string): Promise<Set<GroupKind>> {
  const rows = await deps.db
    .selectDistinct({ kind: weeklyRollups.groupKind })
    .from(weeklyRollups)
    .where(and(eq(weeklyRollups.groupName, OTHER_GROUP), gte(weeklyRollups.week, from), lte(weeklyRollups.week, to)));
  return new Set(rows.map((r) => r.kind));
}
