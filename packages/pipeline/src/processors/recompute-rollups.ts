import { InputError, IsoWeek, weekRange } from "@yardstick/core";
import {
  type Database,
  holdKeptState,
  type NewWeeklyRollup,
  type RollupChangeRow,
  type RollupDeploymentRow,
  readRollupState,
  storedOtherKinds,
  storeRollups,
  storeRollupsInParts,
  writeRollupState,
} from "@yardstick/db";
import {
  affectedWeeks,
  evaluateGroups,
  evaluateGroupWeeks,
  evaluateStoredWeeks,
  evictColdFacts,
  explainGroupWeek,
  GroupContext,
  type GroupKind,
  type GroupSpec,
  type GroupWeek,
  groupSpecs,
  hotFromWeek,
  isoWeekOfDay,
  type KeptFactRow,
  type KeptMeta,
  lookbackWeeksOf,
  type MetricsConfig,
  type MetricsReportNotes,
  type NewData,
  OTHER_GROUP,
  type PrepareCache,
  type Prepared,
  pageInWeeks,
  pairSpecResolver,
  prepareMetrics,
  type RosterPerson,
  restrictToWindow,
  rollupState,
  rosterSizeOf,
  type StoredChanges,
  touchedFactRows,
  touchedGroupWeeks,
  updateBounded,
  updatePrepared,
  WeekClock,
  type WeekFigures,
  weeksReadBy,
} from "@yardstick/metrics";
import type { Jobs } from "../catalog.js";
import { type RollupDeps, syncWeeks } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { loadMetricsInput, metricsConfigOf } from "../metrics-input.js";
import {
  KeptStorageMoved,
  keptFactSource,
  keptFingerprint,
  lastSuccessWeekBefore,
  restoreKept,
  saveKeptInParts,
  saveKeptUpdate,
  saveKeptWhole,
  storedBuildInput,
  storedFactSource,
} from "../rollup-kept-store.js";
import type { KeptRollup, RollupMemory } from "../rollup-memory.js";
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
import { metrics } from "../telemetry.js";

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
  deps: RollupDeps,
): Promise<void> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let result: RollupRun;
  try {
    result = await rollupWeeks(deps, payload.weeks ?? syncWeeks(deps));
  } catch (error) {
    // The mode is known only once the run has chosen it; a failed run is counted under "unknown".
    metrics.rollupDuration.observe({ mode: "unknown", outcome: "error" }, seconds());
    throw error;
  }
  const { notes: _notes, ...run } = result;
  metrics.rollupDuration.observe({ mode: run.mode, outcome: "ok" }, seconds());
  metrics.rollupRows.inc({ mode: run.mode }, run.rows);
  metrics.rollupLastSuccess.set(Date.now() / 1000);
  context.logger.info(run, "rollups recomputed");
}

/**
 * The job's work: stores the rollups of `weeks` (incrementally when it can) and says what it did.
 * With `deps.rollupMemory` (the worker), one run at a time per process, keeping the prepared
 * state between runs (see `RollupMemory`).
 */
export async function rollupWeeks(deps: RollupDeps, requested: readonly string[]): Promise<RollupRun> {
  const bad = requested.length === 0 ? [""] : requested.filter((w) => !IsoWeek.safeParse(w).success);
  if (bad.length > 0) {
    throw new InputError("rollups.bad_weeks", "rollupWeeks", [
      { path: "weeks", message: `not ISO weeks: ${JSON.stringify(bad)}`, example: "2026-W02" },
    ]);
  }
  const memory = deps.rollupMemory;
  if (memory === undefined) return rollupWeeksWith(deps, requested, undefined);
  return memory.exclusive(async () => {
    try {
      return await rollupWeeksWith(deps, requested, memory);
    } catch (error) {
      memory.kept = null; // a run that failed half-way may have updated part of the state
      memory.generation = null; // (the stored state, if any, stays whole: the next run restores it)
      throw error;
    }
  });
}

async function rollupWeeksWith(
  deps: RollupDeps,
  requested: readonly string[],
  memory: RollupMemory | undefined,
): Promise<RollupRun> {
  const asked = [...requested].sort();
  const askedFrom = asked[0] ?? "";
  const askedTo = asked.at(-1) ?? "";
  const now = deps.now();
  // Read before anything else: rows stamped after this are the next rollup's.
  const watermark = await changeHorizon(deps.db);
  const repos = (await trackedRepos(deps.db)).map((r) => r.name);
  const heads = await branchHeads(deps.db, repos);
  const fingerprint = await rollupFingerprint(deps);
  const cursor = await readRollupCursor(deps.db);
  // Every week the rollups cover is kept current, not just the weeks asked for (a reader asks
  // for a few; what changed since may touch others, and the watermark moves for all of them),
  // and the covered range stays whole (no gap between the weeks asked for and those rolled up).
  const from = cursor === null || askedFrom < cursor.from ? askedFrom : cursor.from;
  const to = cursor === null || askedTo > cursor.to ? askedTo : cursor.to;
  const weeks = cursor === null ? asked : weekRange(from, to);
  const next: RollupCursor = { watermark, fingerprint, from, to, now };

  let run: RollupRun;
  const keep = memory === undefined ? undefined : { memory, fingerprint, watermark, heads };
  const state = await readRollupState(deps.db);
  if (cursor === null || cursor.fingerprint !== fingerprint || askedFrom < cursor.from) {
    run = await fullRollup(deps, weeks, now, keep);
  } else if (keep !== undefined) {
    run = await keptRollup(deps, cursor, weeks, now, keep);
  } else {
    run = await incrementalRollup(deps, cursor, weeks, heads, now);
  }
  await writeRollupCursor(deps.db, next, heads);
  const ranAt = deps.now();
  await writeRollupState(deps.db, {
    fromWeek: next.from,
    toWeek: next.to,
    computedNow: now,
    watermark,
    fingerprint,
    lastMode: run.mode,
    lastRunAt: ranAt,
    lastFullAt: run.mode === "full" ? ranAt : (state?.lastFullAt ?? ranAt),
    notes: (run.notes ?? state?.notes ?? {}) as Record<string, unknown>,
    notesAt: run.notes !== undefined ? now : (state?.notesAt ?? now),
  });
  return { ...run, from, to };
}

export interface RollupRun {
  from?: string;
  to?: string;
  /** "kept": incremental from the process's kept state (`RollupMemory`). */
  mode: "full" | "incremental" | "kept";
  /** Group-weeks evaluated. */
  pairs: number;
  /** Rows written. */
  rows: number;
  /** Start of the data read (incremental), ISO. */
  windowStart: string | null;
  /** Repositories whose pull requests were read from the window on, not whole (incremental). */
  restrictedRepos?: number;
  /** Repositories read to bring the kept state up to date (kept). */
  updatedRepos?: number;
  /** Whether the kept state was built by this run (a full load and prepare, no full evaluation). */
  built?: boolean;
  /**
   * Whether the kept state was restored from storage by this run (a restarted process), and when
   * a stored state was there but not used, why ("fingerprint", "partial", "unreadable").
   */
  restored?: boolean;
  restoreRefused?: string;
  /**
   * A bounded build (issue 18): repository batches whose facts it stored, ranges of usage days it
   * read (those with usage or none), chunks of weeks it evaluated.
   */
  buildBatches?: number;
  buildUsageRanges?: number;
  buildChunks?: number;
  /** The report's notes, when this run prepared the whole input (a full recompute). */
  notes?: MetricsReportNotes;
}

/** What a process keeping its rollup state passes along: the state goes to `memory.kept`. */
interface Keep {
  memory: RollupMemory;
  fingerprint: string;
  watermark: Date;
  heads: ReadonlyMap<string, string | null>;
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

/** What a rollup run writes for evaluated group-weeks: the rows and their drill-down. */
interface Evaluated {
  kind: GroupKind;
  name: string;
  week: string;
  spec: GroupSpec;
  figures: WeekFigures;
}

/**
 * The rows of evaluated group-weeks with their drill-down (`explainGroupWeek`): the changes and
 * deployments each figure is made of; none for suppressed group-weeks (nobody may see those).
 */
function rowsWithDetails(
  ctx: GroupContext,
  evaluated: readonly Evaluated[],
  computedAt: Date,
): { rows: NewWeeklyRollup[]; changes: RollupChangeRow[]; deployments: RollupDeploymentRow[] } {
  const rows: NewWeeklyRollup[] = [];
  const changes: RollupChangeRow[] = [];
  const deployments: RollupDeploymentRow[] = [];
  for (const e of evaluated) {
    rows.push(rowOf(e.kind, e.name, e.figures, computedAt));
    if (e.figures.suppressed) continue;
    const key = { groupKind: e.kind, groupName: e.name, week: e.week };
    const explained = explainGroupWeek(ctx, e.spec, e.week);
    for (const c of explained.changes) {
      changes.push({
        ...key,
        changeKey: c.key,
        repo: c.repo,
        personId: c.person,
        ai: c.ai,
        qualifying: c.qualifying,
        exclusions: c.exclusions,
        counted: c.counted,
        countedAi: c.countedAi,
        mergedAt: c.mergedAt,
        deployedAt: c.deployedAt,
        deploymentId: c.deploymentId,
        leadTimeHours: c.leadTimeHours,
      });
    }
    for (const d of explained.deployments) {
      deployments.push({
        ...key,
        deploymentId: d.id,
        repo: d.repo,
        environment: d.environment,
        liveAt: d.liveAt,
        failed: d.failed,
        failureReasons: d.failureReasons,
        recoveryHours: d.recoveryHours,
        shipsAi: d.shipsAi,
        shipped: d.shipped,
      });
    }
  }
  return { rows, changes, deployments };
}

/** The report's notes of a prepared full input (only a full recompute has them all). */
export function notesOf(prep: Prepared): MetricsReportNotes {
  return {
    timeZone: prep.config.timeZone,
    reposWithoutDeploymentSignal: [...prep.reposWithoutSignal].sort(),
    offBranchDeployments: prep.notes.offBranchDeployments,
    changesNotOnBranch: prep.notes.changesNotOnBranch,
    mergedNotDeployed: prep.notes.mergedNotDeployed,
  };
}

/**
 * What a full recompute stores for `weeks` (sorted): every group-week's row, named flag lists
 * included, and the drill-down of those that are not suppressed.
 */
export function fullRollupBatch(
  prep: Prepared,
  weeks: readonly string[],
  now: Date,
  computedAt: Date,
): { rows: NewWeeklyRollup[]; changes: RollupChangeRow[]; deployments: RollupDeploymentRow[] } {
  const from = weeks[0] ?? "";
  const to = weeks.at(-1) ?? "";
  const ctx = new GroupContext(prep);
  // Named flag lists are stored (readers see them only as admins: `metricsFromRollups`).
  const groups = evaluateGroups(prep, weekRange(from, to), { from, to, now, viewerIsAdmin: true }, ctx);
  const wanted = new Set(weeks);
  const resolve = pairSpecResolver(prep, ctx);
  const evaluated: Evaluated[] = groups.flatMap((group) =>
    group.weeks
      .filter((w) => wanted.has(w.week))
      .map((w) => {
        const pair = { kind: group.kind, name: group.name, week: w.week };
        return { ...pair, spec: resolve(pair).spec, figures: w };
      }),
  );
  return rowsWithDetails(ctx, evaluated, computedAt);
}

async function fullRollup(deps: RollupDeps, weeks: readonly string[], now: Date, keep?: Keep): Promise<RollupRun> {
  if (keep?.memory.bounded === true) return boundedFullRollup(deps, weeks, now, keep);
  const input = await loadMetricsInput(deps.db, deps.config);
  const from = weeks[0] ?? "";
  const to = weeks.at(-1) ?? "";
  const cache: PrepareCache = new WeakMap();
  const prep = prepareMetrics(input, keep === undefined ? undefined : cache);
  await yieldToEventLoop();
  const batch = fullRollupBatch(prep, weeks, now, deps.now());
  await storeRollups(deps.db, {
    ...batch,
    ...(weeks.length === weekRange(from, to).length ? { replaceWeeks: { from, to } } : {}),
  });
  if (keep !== undefined) {
    const kept = keepState(keep, prep, cache, now);
    await saveKeptWhole(deps, keep.memory, kept);
    boundKept(keep.memory, kept, now);
  }
  return { mode: "full", pairs: batch.rows.length, rows: batch.rows.length, windowStart: null, notes: notesOf(prep) };
}

/**
 * A bounded process's full recompute, in bounded memory (issue 18; packages/metrics build.ts):
 * the kept state's facts built and stored a batch of repositories at a time (`buildKeptInParts`),
 * then every group-week evaluated a chunk of weeks at a time from those stored facts and stored,
 * all chunks in one transaction (a reader sees the old rollups or the new, never a mix), then the
 * bounded state restored from storage as a restarted process restores it. Figures, drill-down
 * and stored facts equal the whole build's.
 */
async function boundedFullRollup(
  deps: RollupDeps,
  weeks: readonly string[],
  now: Date,
  keep: Keep,
): Promise<RollupRun> {
  const built = await buildKeptInParts(deps, keep, now);
  const { rows, chunks } = await storeBuiltRollups(
    deps.db,
    { config: built.base.config, roster: built.base.roster, meta: built.build.meta() },
    built.generation,
    weeks,
    { now, computedAt: deps.now(), chunkWeeks: keep.memory.buildChunkWeeks, between: yieldToEventLoop },
  );
  await restoreBuilt(deps, keep);
  return {
    mode: "full",
    pairs: rows,
    rows,
    windowStart: null,
    buildBatches: built.batches,
    buildUsageRanges: built.usageRanges,
    buildChunks: chunks,
    notes: built.build.reportNotes(built.base.config.timeZone),
  };
}

/**
 * Phase 2 of a bounded build: every group-week of `weeks` evaluated from the facts the build of
 * `generation` stored, `chunkWeeks` weeks at a time, and stored with its drill-down, all in one
 * transaction (a reader sees the old rollups or the new, never a mix) that also holds the stored
 * state (no other process's build or save begins until it ends). Throws `KeptStorageMoved` when
 * the stored state is not that generation any more.
 */
export async function storeBuiltRollups(
  db: Database,
  base: { config: MetricsConfig; roster: RosterPerson[]; meta: KeptMeta },
  generation: number,
  weeks: readonly string[],
  options: { now: Date; computedAt: Date; chunkWeeks: number; between?: () => Promise<void> },
): Promise<{ rows: number; chunks: number }> {
  const from = weeks[0] ?? "";
  const to = weeks.at(-1) ?? "";
  const whole = weeks.length === weekRange(from, to).length;
  let rows = 0;
  const chunks = await storeRollupsInParts(db, whole ? { from, to } : undefined, async (write, tx) => {
    if (!(await holdKeptState(tx, generation))) {
      throw new KeptStorageMoved("the kept state moved on before its figures were read");
    }
    return evaluateStoredWeeks(
      base,
      weeks,
      { now: options.now, viewerIsAdmin: true, chunkWeeks: options.chunkWeeks },
      storedFactSource(tx),
      async (ctx, evaluated) => {
        const batch = rowsWithDetails(ctx, evaluated, options.computedAt);
        rows += batch.rows.length;
        await write(batch);
        await options.between?.();
      },
    );
  });
  return { rows, chunks };
}

/** Phase 1 of a bounded build: the kept state's facts stored in parts, as of this run's stamp. */
async function buildKeptInParts(deps: RollupDeps, keep: Keep, now: Date) {
  const input = await storedBuildInput(deps);
  const saved = await saveKeptInParts(
    deps.db,
    input,
    {
      fingerprint: keptFingerprint(keep.fingerprint),
      watermark: keep.watermark,
      computedNow: now,
      heads: Object.fromEntries(keep.heads),
    },
    {
      batchRepos: keep.memory.buildBatchRepos,
      usageWeeks: keep.memory.buildUsageWeeks,
      savedAt: () => deps.now(),
      between: yieldToEventLoop,
    },
  );
  keep.memory.kept = null;
  keep.memory.generation = saved.generation;
  keep.memory.savedWatermark = keep.watermark;
  return { ...saved, base: input.base };
}

/**
 * The bounded state of a build in parts, restored from what it stored (only the hot weeks are
 * read), as the process's kept state; none when another process saved or began a build since
 * (the next run restores or rebuilds).
 */
async function restoreBuilt(deps: RollupDeps, keep: Keep): Promise<KeptRollup | null> {
  const restored = await restoreKept(deps, keep.memory, keep.fingerprint);
  if (restored.kept === null || restored.generation !== keep.memory.generation) {
    keep.memory.kept = null;
    keep.memory.generation = null;
    keep.memory.savedWatermark = null;
    return null;
  }
  keep.memory.kept = restored.kept;
  boundKept(keep.memory, restored.kept, restored.kept.now);
  return restored.kept;
}

/**
 * Lets the event loop run between two long synchronous steps (a large organisation's prepare and
 * evaluation take tens of seconds each): BullMQ renews the job's lock from the event loop, and a
 * lock left to expire makes another worker take the job up as stalled.
 */
function yieldToEventLoop(): Promise<void> {
  // A timer, not setImmediate: timers that fell due meanwhile (the lock renewal) run first.
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Keeps `prep` as the process's rollup state (fresh evaluation caches: they fill as runs need them). */
function keepState(keep: Keep, prep: Prepared, cache: PrepareCache, now: Date): KeptRollup {
  const kept: KeptRollup = {
    state: rollupState(prep, new GroupContext(prep), cache),
    fingerprint: keep.fingerprint,
    watermark: keep.watermark,
    now,
    heads: keep.heads,
  };
  keep.memory.kept = kept;
  return kept;
}

/**
 * A bounded process (`RollupMemory.bounded`) drops the facts no update can touch once they are
 * stored (issue 18; packages/metrics bounded.ts): the weeks before `hotFromWeek(now)`, but each
 * environment's deployments back to its last success. Nothing when the stored state is not this
 * process's (it could not read them back).
 */
function boundKept(memory: RollupMemory, kept: KeptRollup, now: Date): void {
  if (!memory.bounded || memory.generation === null) return;
  evictColdFacts(kept.state, hotFromWeek(kept.state.prep.config, now));
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
  deps: RollupDeps,
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
  const revertMs = config.thresholds.revertWindowDays * 86_400_000;
  const wholeWeeks = weeksToRollWhole(cursor, weeks, now, clock, revertMs);
  if (isEmpty(changed) && wholeWeeks.length === 0) {
    return { mode: "incremental", pairs: 0, rows: 0, windowStart: null };
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
    const pairs = pairsOf(prep, [changed], wholeWeeks, from, to);
    let lowest = to;
    for (const p of pairs) if (p.week < lowest) lowest = p.week;
    if (pairs.length > 0 && lowest < first && attempt < MAX_WIDENINGS) {
      first = lowest; // a pair reads data before the window: read more
      continue;
    }
    if (pairs.length > 0 && lowest < first) return fullRollup(deps, weeks, now);
    const stored = await storeGroupWeeks(deps, prep, new GroupContext(prep), pairs, from, to, now);
    if (stored === null) return fullRollup(deps, weeks, now);
    return {
      mode: "incremental",
      ...stored,
      windowStart: windowStart.toISOString(),
      restrictedRepos: scope.mergedFrom.size,
    };
  }
}

/** Weeks never rolled up, and weeks whose revert window closed since the last rollup: every group of them. */
function weeksToRollWhole(
  cursor: RollupCursor,
  weeks: readonly string[],
  now: Date,
  clock: WeekClock,
  revertMs: number,
): string[] {
  return weeks.filter((w) => {
    if (w > cursor.to || w < cursor.from) return true;
    const final = clock.bounds(w).end.getTime() + revertMs;
    return final > cursor.now.getTime() && final <= now.getTime();
  });
}

function isEmpty(changed: Required<StoredChanges>): boolean {
  return changed.repos.size === 0 && changed.usage.length === 0 && changed.recredited.length === 0;
}

/**
 * Evaluates `pairs` (in weeks `from`..`to`) and upserts their rows. Null when a kind folds a
 * group into "other" for the first time: the full report then lists that "other" for every week,
 * which needs the full recompute.
 */
async function storeGroupWeeks(
  deps: RollupDeps,
  prep: Prepared,
  ctx: GroupContext,
  pairs: readonly GroupWeek[],
  from: string,
  to: string,
  now: Date,
): Promise<{ pairs: number; rows: number } | null> {
  const results = evaluateGroupWeeks(prep, pairs, { now, viewerIsAdmin: true }, ctx);
  const stored = await storedOtherKinds(deps.db, from, to, OTHER_GROUP);
  const folds = new Set<GroupKind>();
  const k = prep.config.thresholds.minGroupSize;
  for (const p of pairs) {
    if (p.name !== OTHER_GROUP || p.kind === "org" || folds.has(p.kind)) continue;
    if (groupSpecs(prep, p.kind).some((spec) => rosterSizeOf(ctx, spec, p.week) < k)) folds.add(p.kind);
  }
  for (const kind of folds) if (!stored.has(kind)) return null;
  const batch = rowsWithDetails(
    ctx,
    results.filter((r) => r.name !== OTHER_GROUP || stored.has(r.kind)),
    deps.now(),
  );
  await storeRollups(deps.db, batch);
  return { pairs: results.length, rows: batch.rows.length };
}

/** The pairs `changed` touches, those of `wholeWeeks` and `more`, within `from`..`to`, without repeats. */
function pairsOf(
  prep: Prepared,
  changed: readonly Required<StoredChanges>[],
  wholeWeeks: readonly string[],
  from: string,
  to: string,
  more: readonly GroupWeek[] = [],
): GroupWeek[] {
  const byKey = new Map<string, GroupWeek>();
  const all = [...changed.flatMap((c) => touchedGroupWeeks(prep, c, to)), ...allGroupWeeks(prep, wholeWeeks), ...more];
  for (const p of all) if (p.week >= from && p.week <= to) byKey.set(`${p.kind}\u0000${p.name}\u0000${p.week}`, p);
  return [...byKey.values()];
}

/**
 * The incremental rollup of a process that keeps its state (`RollupMemory`). Without a kept
 * state (the process's first run), it builds one: a full load and prepare, then only the pairs
 * new data touched are evaluated. With one, it reads which rows were stored since the state's
 * watermark, loads just those repositories (from their linking state before the revert window of
 * the earliest new data: `loadScopeFor`), brings the facts up to date (`updatePrepared`) and
 * evaluates the touched pairs with the kept caches. The pairs are those touched since the state's
 * watermark and since the stored rollup's (another process may have rolled up in between and
 * written rows from older data), plus every group of weeks `weeksToRollWhole` lists.
 */
async function keptRollup(
  deps: RollupDeps,
  cursor: RollupCursor,
  weeks: readonly string[],
  now: Date,
  keep: Keep,
): Promise<RollupRun> {
  try {
    return await keptRollupOf(deps, cursor, weeks, now, keep);
  } catch (error) {
    if (!(error instanceof KeptStorageMoved)) throw error;
    // A bounded state needed facts it does not hold, and the stored state is not one it can read
    // them from (another configuration's, or older than what it dropped): drop it (the next run
    // restores the stored one or rebuilds) and roll this run up windowed.
    keep.memory.kept = null;
    keep.memory.generation = null;
    keep.memory.savedWatermark = null;
    return incrementalRollup(deps, cursor, weeks, keep.heads, now);
  }
}

async function keptRollupOf(
  deps: RollupDeps,
  cursor: RollupCursor,
  weeks: readonly string[],
  now: Date,
  keep: Keep,
): Promise<RollupRun> {
  const config = metricsConfigOf(deps.config);
  const clock = new WeekClock(config.timeZone);
  const from = weeks[0] ?? "";
  const to = weeks.at(-1) ?? "";
  const revertMs = config.thresholds.revertWindowDays * 86_400_000;
  const wholeWeeks = weeksToRollWhole(cursor, weeks, now, clock, revertMs);
  const sinceCursor = await storedChangesSince(deps.db, cursor, keep.heads);
  let kept = keep.memory.kept;
  if (kept !== null && kept.fingerprint !== keep.fingerprint) kept = null;
  let restored: { restored: true } | { restoreRefused: string } | Record<string, never> = {};
  if (kept === null && keep.memory.persist) {
    // A restarted process: resume from the stored state when it is this configuration's and whole.
    const stored = await restoreKept(deps, keep.memory, keep.fingerprint);
    if (stored.kept !== null) {
      kept = stored.kept;
      keep.memory.kept = kept;
      keep.memory.generation = stored.generation;
      keep.memory.savedWatermark = kept.watermark;
      boundKept(keep.memory, kept, kept.now);
      restored = { restored: true };
      await yieldToEventLoop();
    } else if (stored.reason !== "none") {
      restored = { restoreRefused: stored.reason };
    }
  }

  /** Set when this run built the state (a bounded build's, in parts). */
  let built:
    | { built: true; buildBatches: number; buildUsageRanges: number; notes: MetricsReportNotes }
    | Record<string, never> = {};
  if (kept === null) {
    if (isEmpty(sinceCursor) && wholeWeeks.length === 0) {
      return { mode: "kept", pairs: 0, rows: 0, windowStart: null, ...restored };
    }
  }
  if (kept === null && keep.memory.bounded) {
    // Built in parts and restored bounded from storage (issue 18); then brought up to date and its
    // pairs evaluated as a restored state's, below.
    const parts = await buildKeptInParts(deps, keep, now);
    kept = await restoreBuilt(deps, keep);
    if (kept === null) throw new KeptStorageMoved("the kept state moved on before it was restored");
    built = {
      built: true,
      buildBatches: parts.batches,
      buildUsageRanges: parts.usageRanges,
      notes: parts.build.reportNotes(parts.base.config.timeZone),
    };
    await yieldToEventLoop();
  }
  if (kept === null) {
    const cache: PrepareCache = new WeakMap();
    const prep = prepareMetrics(await loadMetricsInput(deps.db, deps.config), cache);
    await yieldToEventLoop();
    const state = keepState(keep, prep, cache, now);
    await saveKeptWhole(deps, keep.memory, state);
    const stored = await storeGroupWeeks(
      deps,
      prep,
      state.state.ctx,
      pairsOf(prep, [sinceCursor], wholeWeeks, from, to),
      from,
      to,
      now,
    );
    if (stored === null) return fullRollup(deps, weeks, now, keep);
    boundKept(keep.memory, state, now);
    return {
      mode: "kept",
      ...stored,
      ...restored,
      windowStart: null,
      built: true,
      updatedRepos: prep.repos.length,
      notes: notesOf(prep),
    };
  }

  const source = keptFactSource(deps, keep.memory, keep.fingerprint);
  const sinceKept =
    kept.watermark.getTime() === cursor.watermark.getTime() && kept.now.getTime() === cursor.now.getTime()
      ? sinceCursor
      : await storedChangesSince(deps.db, kept, keep.heads, kept.heads);
  if (isEmpty(sinceKept) && isEmpty(sinceCursor) && wholeWeeks.length === 0) {
    Object.assign(kept, { watermark: keep.watermark, now, heads: keep.heads });
    await saveKeptUpdate(deps, keep.memory, kept, []);
    boundKept(keep.memory, kept, now);
    return { mode: "kept", pairs: 0, rows: 0, windowStart: null, updatedRepos: 0, ...restored, ...built };
  }

  // Bring the kept facts up to date with what was stored since its watermark.
  let since: Date | null = null;
  const earlier = (at: Date) => {
    if (since === null || at < since) since = at;
  };
  for (const at of sinceKept.repos.values()) earlier(at);
  // Usage is counted in the ISO week of its calendar day: from the start of that week.
  for (const u of sinceKept.usage) earlier(clock.bounds(isoWeekOfDay(u.day)).start);
  let windowStart: Date | null = null;
  const repos = new Set(sinceKept.repos.keys());
  let facts: NewData = {};
  let touchedRows: KeptFactRow[] = [];
  if (since !== null) {
    const at: Date = since;
    windowStart = new Date(at.getTime() - revertMs);
    const usageFrom = clock.dayOf(clock.bounds(clock.weekOf(at)).start);
    const scope = await loadScopeFor(deps, [...repos], windowStart, usageFrom);
    // Usage only when some was imported since (the kept usage weeks stay as they are otherwise).
    const noUsage = sinceKept.usage.length === 0;
    const input = await loadMetricsInput(deps.db, deps.config, { ...scope, repos, noUsage });
    let update: ReturnType<typeof updatePrepared>;
    if (kept.state.bound === undefined) {
      update = updatePrepared(kept.state, input, at);
    } else {
      // A bounded state first loads the stored weeks of the facts the update prepares again.
      const bounded = await updateBounded(kept.state, input, at, source);
      // A recovery before an environment's held tail moved: rebuild (rare: a rollback of a
      // deployment older than the revert window and the pairs' lookback, a deployment stored late).
      if (bounded.unsafe) return fullRollup(deps, weeks, now, keep);
      update = bounded;
    }
    facts = update.changed;
    touchedRows = touchedFactRows(kept.state, update.touched);
  }
  Object.assign(kept, { watermark: keep.watermark, now, heads: keep.heads });
  await saveKeptUpdate(deps, keep.memory, kept, touchedRows);

  const { prep, ctx } = kept.state;
  if (kept.state.bound !== undefined && sinceKept !== sinceCursor) {
    // `touchedGroupWeeks` reads the changed repositories' facts from their earliest change (less
    // the revert window) on, and each of their environments back to its last success before that.
    let earliest: Date | null = null;
    for (const c of [sinceKept, sinceCursor]) {
      for (const t of c.repos.values()) if (earliest === null || t < earliest) earliest = t;
    }
    if (earliest !== null) {
      const fromWeek = clock.weekOf(new Date((earliest as Date).getTime() - revertMs));
      const changedRepos = [...new Set([...sinceKept.repos.keys(), ...sinceCursor.repos.keys()])];
      const success = await lastSuccessWeekBefore(deps, changedRepos, fromWeek);
      const first = success !== null && success < fromWeek ? success : fromWeek;
      const span: string[] = [];
      for (let w = first; w < kept.state.bound.hotFrom; w = clock.shift(w, 1)) span.push(w);
      await pageInWeeks(kept.state, span, source);
    }
    const recredited = [...sinceKept.recredited, ...sinceCursor.recredited];
    if (recredited.length > 0) {
      await pageInWeeks(kept.state, await source.weeksOf({ changes: recredited, deployments: [] }), source);
    }
  }
  // The stored rows are this state's evaluation as of its last run: the facts that changed since
  // say exactly which pairs can differ. Rows another process wrote since (from other data) are
  // not known that way: then every pair the stored changes since either rollup can touch.
  const pairs =
    sinceKept === sinceCursor
      ? pairsOf(prep, [], wholeWeeks, from, to, affectedWeeks(facts, prep.roster, config, to))
      : pairsOf(prep, [sinceKept, sinceCursor], wholeWeeks, from, to);
  // A bounded state loads the older weeks the pairs read (a late fact, an old week's revert
  // window closing), and drops them after.
  if (kept.state.bound !== undefined) await pageInWeeks(kept.state, weeksReadBy(pairs, config), source);
  const stored = await storeGroupWeeks(deps, prep, ctx, pairs, from, to, now);
  if (stored === null) return fullRollup(deps, weeks, now, keep);
  boundKept(keep.memory, kept, now);
  return {
    mode: "kept",
    ...stored,
    ...restored,
    ...built,
    windowStart: windowStart === null ? null : (windowStart as Date).toISOString(),
    updatedRepos: repos.size,
  };
}
