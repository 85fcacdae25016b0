import {
  addKeptBuildRows,
  attributedUsageDays,
  beginKeptBuild,
  checkKeptFacts,
  type Database,
  finishKeptBuild,
  type KeptFactDbRow,
  type KeptStamp,
  readKeptFacts,
  readKeptFactsFrom,
  readKeptFactsOfWeeks,
  readKeptFactWeeks,
  readKeptHeader,
  readKeptLastSuccessWeeks,
  replaceKeptState,
  updateKeptState,
} from "@yardstick/db";
import {
  type DayRange,
  hotFromWeek,
  KEPT_FACTS_VERSION,
  KeptBuild,
  type KeptFactRow,
  type KeptFactSource,
  type KeptMeta,
  keptFactRows,
  keptMetaOf,
  type MetricsInput,
  restoreBoundedState,
  restoreRollupState,
  type UsageRecord,
  usageRanges,
} from "@yardstick/metrics";
import type { RollupDeps } from "./deps.js";
import { loadMetricsInput, loadUsageRange, metricsConfigOf, metricsRepos } from "./metrics-input.js";
import type { KeptRollup, RollupMemory } from "./rollup-memory.js";

/**
 * The worker's kept rollup state in PostgreSQL (issue 18): saved whole when a process builds it,
 * then just the facts each run changed (one transaction each, over the generation it last saved),
 * and restored by a restarted process when the stored fingerprint (the rollup fingerprint and the
 * facts' format) equals the current one and the rows match the header's count and checksum.
 * Otherwise the process builds its state from all data, as before, and saves it.
 */

/** The stored state's fingerprint: the rollup fingerprint under the facts' format. */
export function keptFingerprint(fingerprint: string): string {
  return `${fingerprint}:${KEPT_FACTS_VERSION}`;
}

function stampOf(kept: KeptRollup): KeptStamp {
  return {
    fingerprint: keptFingerprint(kept.fingerprint),
    watermark: kept.watermark,
    computedNow: kept.now,
    heads: Object.fromEntries(kept.heads),
    meta: keptMetaOf(kept.state.prep) as unknown as Record<string, unknown>,
  };
}

const dbRows = (rows: readonly KeptFactRow[]): KeptFactDbRow[] => rows as KeptFactDbRow[];

/** Saves the whole kept state (a process built it from all data). */
export async function saveKeptWhole(deps: RollupDeps, memory: RollupMemory, kept: KeptRollup): Promise<void> {
  if (!memory.persist) return;
  memory.generation = await replaceKeptState(deps.db, stampOf(kept), dbRows(keptFactRows(kept.state)), deps.now());
  memory.savedWatermark = kept.watermark;
}

/**
 * Saves what a run changed (`rows`) and the state's new stamp over the generation last saved. When
 * another process saved since (or this one never saved), nothing is written and this process
 * stops saving until it builds or restores again: the stored state stays the other's, whole.
 */
export async function saveKeptUpdate(
  deps: RollupDeps,
  memory: RollupMemory,
  kept: KeptRollup,
  rows: readonly KeptFactRow[],
): Promise<void> {
  if (!memory.persist || memory.generation === null) return;
  memory.generation = await updateKeptState(deps.db, memory.generation, stampOf(kept), dbRows(rows), deps.now());
  if (memory.generation !== null) memory.savedWatermark = kept.watermark;
}

/**
 * What a build in parts reads (issue 18; packages/metrics build.ts): in the worker, PostgreSQL a
 * batch of repositories at a time (`storedBuildInput`); in a benchmark, a generator.
 */
export interface BuildInput {
  /** The roster and the configuration: no repository's rows, no usage. */
  base: MetricsInput;
  /** The repositories, in order. */
  repos: readonly string[];
  /** These repositories' rows, whole, without usage. */
  load(repos: ReadonlySet<string>): Promise<MetricsInput>;
  /** The first and last day of usage (null: none imported). */
  usageDays(): Promise<DayRange | null>;
  /**
   * The usage records of `range`'s days (both included), in the order a whole read lists them
   * (`listAttributedUsage`): read a range at a time (`usageRanges`), each dropped after.
   */
  usage(range: DayRange): Promise<UsageRecord[]>;
}

/** The stored data, read a batch of repositories (or a range of usage days) at a time. */
export async function storedBuildInput(deps: RollupDeps): Promise<BuildInput> {
  const none = { mergedFrom: new Map(), repos: new Set<string>() };
  return {
    base: await loadMetricsInput(deps.db, deps.config, { ...none, usageFrom: "9999-12-31", noUsage: true }),
    repos: await metricsRepos(deps.db),
    load: (repos) =>
      loadMetricsInput(deps.db, deps.config, { mergedFrom: new Map(), usageFrom: "9999-12-31", repos, noUsage: true }),
    usageDays: () => attributedUsageDays(deps.db),
    usage: (range) => loadUsageRange(deps.db, range),
  };
}

/**
 * Builds the stored kept state in parts, never holding the whole input nor its facts (issue 18):
 * `beginKeptBuild`, then the usage weeks `usageWeeks` weeks at a time (`usageRanges`), then each
 * batch of `batchRepos` repositories loaded, prepared, its fact rows written and dropped
 * (`KeptBuild`), then `finishKeptBuild` with `stamp` and the build's meta. Returns the generation
 * saved, the build (meta, report notes), and how many batches and usage ranges it read; throws
 * `KeptStorageMoved` when another process began a build or saved meanwhile (this one gives way).
 */
export async function saveKeptInParts(
  db: Database,
  input: BuildInput,
  stamp: Omit<KeptStamp, "meta">,
  options: { batchRepos: number; usageWeeks: number; savedAt: () => Date; between?: () => Promise<void> },
): Promise<{ generation: number; build: KeptBuild; batches: number; usageRanges: number }> {
  const generation = await beginKeptBuild(db, { ...stamp, meta: {} }, options.savedAt());
  const build = new KeptBuild();
  const write = async (rows: readonly KeptFactRow[]) => {
    if (!(await addKeptBuildRows(db, generation, dbRows(rows)))) throw new KeptStorageMoved(OVERTAKEN);
  };
  // Usage a range of `usageWeeks` whole weeks at a time (it grows with people × days of history).
  const ranges = usageRanges(await input.usageDays(), options.usageWeeks);
  for (const range of ranges) {
    const usage = await input.usage(range);
    if (usage.length > 0) await write(build.addUsage({ ...input.base, usage }));
    await options.between?.();
  }
  const size = Math.max(1, Math.floor(options.batchRepos));
  let batches = 0;
  for (let i = 0; i < input.repos.length; i += size) {
    await write(build.addRepositories(await input.load(new Set(input.repos.slice(i, i + size)))));
    batches += 1;
    await options.between?.();
  }
  const meta = build.meta() as unknown as Record<string, unknown>;
  const saved = await finishKeptBuild(db, generation, { ...stamp, meta }, options.savedAt());
  if (saved === null) throw new KeptStorageMoved(OVERTAKEN);
  return { generation: saved, build, batches, usageRanges: ranges.length };
}

export type KeptRestore =
  | { kept: KeptRollup; generation: number; facts: number }
  | { kept: null; reason: "none" | "fingerprint" | "partial" | "unreadable"; detail?: string };

/** The stored kept state, when it was prepared under `fingerprint` and its rows are whole. */
export async function restoreKept(deps: RollupDeps, memory: RollupMemory, fingerprint: string): Promise<KeptRestore> {
  const header = await readKeptHeader(deps.db);
  if (header === null) return { kept: null, reason: "none" };
  if (header.fingerprint !== keptFingerprint(fingerprint)) return { kept: null, reason: "fingerprint" };
  const problem = await checkKeptFacts(deps.db, header);
  if (problem !== null) return { kept: null, reason: "partial", detail: problem };
  // A bounded process reads only the facts it will hold (issue 18): the weeks from `hotFromWeek`
  // of the stored stamp on, and each environment's deployments back to its last success.
  const hotFrom = memory.bounded ? hotFromWeek(metricsConfigOf(deps.config), header.computedNow) : null;
  const bounded = hotFrom === null ? null : await readKeptFactsFrom(deps.db, hotFrom);
  const rows = bounded === null ? await readKeptFacts(deps.db) : bounded.rows;
  // Only the roster and the configuration (both covered by the fingerprint): no repository's rows.
  const base = await loadMetricsInput(deps.db, deps.config, {
    mergedFrom: new Map(),
    usageFrom: "9999-12-31",
    repos: new Set(),
    noUsage: true,
  });
  try {
    const meta = header.meta as unknown as KeptMeta;
    const state =
      hotFrom === null || bounded === null
        ? restoreRollupState(base.config, base.roster, meta, rows)
        : restoreBoundedState(base.config, base.roster, meta, rows, hotFrom, bounded.nextOrd);
    const kept: KeptRollup = {
      state,
      fingerprint,
      watermark: header.watermark,
      now: header.computedNow,
      heads: new Map(Object.entries(header.heads)),
    };
    return { kept, generation: header.generation, facts: rows.length };
  } catch (error) {
    return { kept: null, reason: "unreadable", detail: error instanceof Error ? error.message : String(error) };
  }
}

const OVERTAKEN = "another process began building or saved the kept state during this build";

/** The stored state moved on (another process saved over it): a bounded state cannot read from it. */
export class KeptStorageMoved extends Error {
  override name = "KeptStorageMoved";
}

/**
 * Where a bounded kept state reads the facts it does not hold: `rollup_kept_facts`, as long as the
 * stored state is the generation this process last saved or restored, or another process's under
 * the same fingerprint at least as current (its facts of the weeks this one dropped are those
 * this one saved or newer: an update then brings any it changes up to date, as for held facts);
 * else `KeptStorageMoved`.
 */
export function keptFactSource(deps: RollupDeps, memory: RollupMemory, fingerprint: string): KeptFactSource {
  return storedFactSource(deps.db, async () => {
    const header = await readKeptHeader(deps.db);
    const readable =
      header !== null &&
      header.fingerprint === keptFingerprint(fingerprint) &&
      (header.generation === memory.generation ||
        (memory.savedWatermark !== null && header.watermark.getTime() >= memory.savedWatermark.getTime()));
    if (!readable) throw new KeptStorageMoved();
  });
}

/** `rollup_kept_facts` through `db`, after `check` (which throws when they may not be read). */
export function storedFactSource(db: Database, check: () => Promise<void> = async () => {}): KeptFactSource {
  return {
    async weeksOf(keys) {
      await check();
      const rows = await readKeptFactWeeks(db, [
        ...keys.changes.map((key) => ["change", key] as const),
        ...keys.deployments.map((key) => ["deployment", key] as const),
      ]);
      return [...new Set(rows.map((r) => r.week))];
    },
    async factsOfWeeks(weeks) {
      await check();
      return (await readKeptFactsOfWeeks(db, weeks)) as KeptFactRow[];
    },
  };
}

/**
 * The earliest week, over the environments of `repos`, of each one's last stored successful
 * deployment before `week` (null: none stored). A bounded state loads from there to see what
 * `touchedGroupWeeks` reads of those environments.
 */
export async function lastSuccessWeekBefore(
  deps: RollupDeps,
  repos: readonly string[],
  week: string,
): Promise<string | null> {
  const weeks = await readKeptLastSuccessWeeks(deps.db, repos, week);
  let earliest: string | null = null;
  for (const w of weeks) if (earliest === null || w < earliest) earliest = w;
  return earliest;
}
