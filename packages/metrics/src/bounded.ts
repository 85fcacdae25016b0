import { WeekClock } from "./clock.js";
import type { MetricsConfig } from "./config.js";
import type { GroupWeek } from "./incremental.js";
import type { MetricsInput, RosterPerson } from "./inputs.js";
import {
  changeOf,
  deploymentOf,
  interner,
  type KeptFactRow,
  type KeptMeta,
  restoreRollupState,
  usageOf,
} from "./kept-facts.js";
import { pushNestedTo, pushTo } from "./multimap.js";
import type { ChangeFact, DeploymentFact } from "./prepare.js";
import { applyUpdate, lookbackWeeksOf, type PreparedUpdate, planUpdate, type RollupState } from "./restrict.js";

/**
 * A bounded kept state (issue 18). The rollup worker's kept state (`RollupState`) held the facts of
 * every change ever; a bounded one holds only what an incremental update can touch and leaves the
 * rest in storage (`rollup_kept_facts`), read back by week when a run needs it:
 *
 * - held: every week from `hotFrom` on (`hotFromWeek`: the lookback window of the pairs a run
 *   evaluates, from the weeks whose revert window is still open), i.e. the changes merged or
 *   deployed in them, the deployments live in them and their usage; and each environment's
 *   deployments back to its last success before `hotFrom` (the recoveries a new deployment can
 *   move start there);
 * - before an update (`updateBounded`), the weeks of the stored facts the update prepares again
 *   but the state does not hold and the update may change (an old change a new deployment ships,
 *   an environment's last deployment before the update's window that it rolls back, a late change:
 *   `planUpdate`) are loaded (`pageInWeeks`), whole;
 * - before pairs are evaluated, the weeks they read (`weeksReadBy`) are loaded the same way;
 * - after the run, `evictColdFacts` drops every week before `hotFrom` again.
 *
 * A loaded week is whole (every fact of it in storage or in memory, memory's first), so the
 * engine's indexes and caches of it are what the unbounded state has. One thing a bounded state
 * cannot do is move a recovery before an environment's held tail (a rollback of that tail, a
 * deployment stored late before it): `boundedUpdateUnsafe` says so and the caller rebuilds.
 * The storage side is an interface (`KeptFactSource`): PostgreSQL in the worker, a map in tests.
 */

/** Where a bounded state reads the facts it does not hold. */
export interface KeptFactSource {
  /** The weeks (`KeptFactRow.week`) of the stored facts with these keys; unknown keys are left out. */
  weeksOf(keys: { changes: readonly string[]; deployments: readonly string[] }): Promise<string[]>;
  /**
   * The stored facts of these weeks: changes merged or deployed in them, deployments live in them,
   * their usage.
   */
  factsOfWeeks(weeks: readonly string[]): Promise<KeptFactRow[]>;
}

const DAY_MS = 86_400_000;

/**
 * The first week a bounded state holds at `now`: the lookback of the pairs whose figures can still
 * change (their revert window is open), and one week more.
 */
export function hotFromWeek(config: MetricsConfig, now: Date): string {
  const clock = new WeekClock(config.timeZone);
  const edge = new Date(now.getTime() - config.thresholds.revertWindowDays * DAY_MS);
  return clock.shift(clock.weekOf(edge), -(lookbackWeeksOf(config) + 1));
}

/** Whether the state holds every fact of the week. */
export function holdsWeek(state: RollupState, week: string): boolean {
  const bound = state.bound;
  return bound === undefined || week >= bound.hotFrom || bound.paged.has(week);
}

/** The weeks `pairs` read (each pair's week and its lookback). */
export function weeksReadBy(pairs: readonly Pick<GroupWeek, "week">[], config: MetricsConfig): string[] {
  const clock = new WeekClock(config.timeZone);
  const lookback = lookbackWeeksOf(config);
  const weeks = new Set<string>();
  for (const week of new Set(pairs.map((p) => p.week))) {
    for (let i = 0; i <= lookback; i++) weeks.add(clock.shift(week, -i));
  }
  return [...weeks].sort();
}

function byLive(a: DeploymentFact, b: DeploymentFact): number {
  return a.liveAt.getTime() - b.liveAt.getTime();
}

/**
 * Drops the facts of the weeks before `hotFrom` (and of weeks loaded since the last call), except
 * each environment's deployments back to its last success before it; makes the state bounded.
 * Returns how many facts it holds.
 */
export function evictColdFacts(state: RollupState, hotFrom: string): { changes: number; deployments: number } {
  const { prep } = state;
  if (state.bound === undefined) {
    state.bound = {
      hotFrom,
      paged: new Set(),
      nextChange: prep.changes.length,
      nextDeployment: prep.deployments.length,
      tails: new Map(),
    };
  }
  const bound = state.bound;
  bound.hotFrom = hotFrom;
  bound.paged.clear();

  const keptDeployments = new Set<DeploymentFact>();
  for (const [env, list] of state.byEnv) {
    list.sort(byLive); // stable: the order `assignRecoveries` sorts them in
    let from = -1;
    for (let i = 0; i < list.length; i++) {
      const d = list[i] as DeploymentFact;
      if (d.week >= hotFrom) break;
      if (!d.failed) from = i;
    }
    // No success before `hotFrom`: every earlier (failed) deployment stays, its recovery is open.
    if (from <= 0) from = 0;
    const kept = from === 0 ? list : list.slice(from);
    if (from > 0 || bound.tails.has(env)) bound.tails.set(env, kept[0] as DeploymentFact);
    if (kept.length === 0) state.byEnv.delete(env);
    else if (kept !== list) state.byEnv.set(env, kept);
    for (const d of kept) keptDeployments.add(d);
  }
  const holds = (f: ChangeFact) => f.mergedWeek >= hotFrom || (f.deployedWeek !== null && f.deployedWeek >= hotFrom);
  const changes: ChangeFact[] = [];
  for (const f of prep.changes) if (holds(f)) changes.push(f);
  prep.changes = changes;
  const deployments: DeploymentFact[] = [];
  for (const d of prep.deployments) if (d.week >= hotFrom || keptDeployments.has(d)) deployments.push(d);
  prep.deployments = deployments;

  state.changeByKey = new Map(changes.map((f) => [f.key, f]));
  state.deploymentById = new Map(deployments.map((d) => [d.id, d]));
  // The verdicts of input objects a run loaded (each run loads its own: none are seen again).
  state.cache = new WeakMap();
  const idx = prep.index;
  const cold = (week: string) => week < hotFrom;
  const dropWeeks = <T>(map: Map<string, T>) => {
    for (const week of map.keys()) if (cold(week)) map.delete(week);
  };
  dropWeeks(idx.mergedByWeek);
  dropWeeks(idx.deployedByWeek);
  dropWeeks(idx.deploymentsByWeek);
  dropWeeks(idx.usageByWeek);
  for (const nested of [idx.personMerged, idx.personDeployed, idx.repoMerged, idx.repoDeployed]) {
    for (const [outer, weeks] of nested) {
      dropWeeks(weeks);
      if (weeks.size === 0) nested.delete(outer);
    }
  }
  state.ctx.forgetWeeksWhere(cold);
  return { changes: changes.length, deployments: deployments.length };
}

/**
 * Makes the state hold `weeks` whole from their stored facts (`rows`: at least every stored fact
 * of those weeks, see `KeptFactSource.factsOfWeeks`): the facts it does not hold are added (a held
 * fact is newer than its stored row), and those weeks' index lists are built again from every
 * held fact of them. Loaded deployments do not join `byEnv`: recoveries are only moved within the
 * held tails (see `boundedUpdateUnsafe`).
 */
export function pageInRows(state: RollupState, weeks: readonly string[], rows: Iterable<KeptFactRow>): void {
  const bound = state.bound;
  if (bound === undefined || weeks.length === 0) return;
  const { prep } = state;
  const wanted = new Set(weeks);
  const intern = interner();
  for (const row of rows) {
    if (row.kind === "change") {
      if (state.changeByKey.has(row.key)) continue;
      const f = changeOf(row, intern);
      prep.changes.push(f);
      state.changeByKey.set(f.key, f);
    } else if (row.kind === "deployment") {
      if (state.deploymentById.has(row.key)) continue;
      const d = deploymentOf(row, intern);
      prep.deployments.push(d);
      state.deploymentById.set(d.id, d);
    } else if (row.kind === "usage") {
      if (wanted.has(row.key) && !prep.index.usageByWeek.has(row.key))
        prep.index.usageByWeek.set(row.key, usageOf(row));
    }
  }
  const idx = prep.index;
  for (const week of wanted) {
    idx.mergedByWeek.delete(week);
    idx.deployedByWeek.delete(week);
    idx.deploymentsByWeek.delete(week);
    for (const nested of [idx.personMerged, idx.personDeployed, idx.repoMerged, idx.repoDeployed]) {
      for (const inner of nested.values()) inner.delete(week);
    }
  }
  for (const f of prep.changes) {
    if (f.person === null) continue; // as `factIndex`: never people
    if (wanted.has(f.mergedWeek)) {
      pushTo(idx.mergedByWeek, f.mergedWeek, f);
      pushNestedTo(idx.personMerged, f.person, f.mergedWeek, f);
      pushNestedTo(idx.repoMerged, f.repo, f.mergedWeek, f);
    }
    if (f.deployedWeek !== null && wanted.has(f.deployedWeek)) {
      pushTo(idx.deployedByWeek, f.deployedWeek, f);
      pushNestedTo(idx.personDeployed, f.person, f.deployedWeek, f);
      pushNestedTo(idx.repoDeployed, f.repo, f.deployedWeek, f);
    }
  }
  for (const d of prep.deployments) if (wanted.has(d.week)) pushTo(idx.deploymentsByWeek, d.week, d);
  for (const week of wanted) bound.paged.add(week);
  state.ctx.forgetWeeks(wanted);
}

/** Loads the weeks of `weeks` the state does not hold from `source` (see `pageInRows`); returns them. */
export async function pageInWeeks(
  state: RollupState,
  weeks: Iterable<string>,
  source: KeptFactSource,
): Promise<string[]> {
  const needed = [...new Set(weeks)].filter((w) => !holdsWeek(state, w)).sort();
  if (needed.length === 0) return needed;
  pageInRows(state, needed, await source.factsOfWeeks(needed));
  return needed;
}

/**
 * Whether an update of a bounded state added a deployment at or before an environment's held tail
 * (its first held deployment, a success when it was evicted), changed the live time or failure of
 * one, or made the tail fail: then the recoveries of deployments the state does not hold may move,
 * and the state must be rebuilt. (A deployment before the tail that changed otherwise, e.g. what
 * it shipped, moves no recovery.)
 */
export function boundedUpdateUnsafe(state: RollupState, update: Pick<PreparedUpdate, "recoveryFrom">): boolean {
  const bound = state.bound;
  if (bound === undefined) return false;
  for (const [env, from] of update.recoveryFrom) {
    const tail = bound.tails.get(env);
    if (tail === undefined) continue;
    if (tail.failed || from <= tail.liveAt.getTime()) return true;
  }
  return false;
}

/**
 * `updatePrepared` for a bounded state: the stored facts the update prepares again but the state
 * does not hold are loaded first (their weeks, whole). `unsafe`: see `boundedUpdateUnsafe`.
 * The state stays bounded by `evictColdFacts` (after the run's pairs are evaluated).
 */
export async function updateBounded(
  state: RollupState,
  input: MetricsInput,
  since: Date,
  source: KeptFactSource,
): Promise<PreparedUpdate & { paged: string[]; unsafe: boolean }> {
  const plan = planUpdate(state, input, since);
  let paged: string[] = [];
  // A fact of a held week that the state does not hold is new (held weeks are whole): only those
  // of other weeks may be stored (a change is stored under its merge week, a deployment its live week).
  const keys = {
    changes: plan.missing.changes.filter((f) => !holdsWeek(state, f.mergedWeek)).map((f) => f.key),
    deployments: plan.missing.deployments.filter((d) => !holdsWeek(state, d.week)).map((d) => d.id),
  };
  if (keys.changes.length > 0 || keys.deployments.length > 0) {
    paged = await pageInWeeks(state, await source.weeksOf(keys), source);
  }
  const update = applyUpdate(state, plan);
  return { ...update, paged, unsafe: boundedUpdateUnsafe(state, update) };
}

/**
 * A `KeptFactSource` over rows held in memory (tests, benchmarks): what `rollup_kept_facts` holds,
 * written the way the worker writes it (`write`: a whole state's rows, then each update's).
 */
export class MemoryKeptFacts implements KeptFactSource {
  private readonly rows = new Map<string, KeptFactRow>();

  /** Upserts rows; a row with `ord` -1 keeps the stored `ord` (an existing fact changed in place). */
  write(rows: Iterable<KeptFactRow>): void {
    for (const row of rows) {
      const key = `${row.kind} ${row.key}`;
      const stored = this.rows.get(key);
      this.rows.set(key, row.ord === -1 && stored !== undefined ? { ...row, ord: stored.ord } : row);
    }
  }

  get size(): number {
    return this.rows.size;
  }

  async weeksOf(keys: { changes: readonly string[]; deployments: readonly string[] }): Promise<string[]> {
    const weeks = new Set<string>();
    for (const key of keys.changes) {
      const row = this.rows.get(`change ${key}`);
      if (row !== undefined) weeks.add(row.week);
    }
    for (const key of keys.deployments) {
      const row = this.rows.get(`deployment ${key}`);
      if (row !== undefined) weeks.add(row.week);
    }
    return [...weeks];
  }

  async factsOfWeeks(weeks: readonly string[]): Promise<KeptFactRow[]> {
    const wanted = new Set(weeks);
    const out: KeptFactRow[] = [];
    for (const row of this.rows.values()) {
      const deployedWeek =
        row.kind === "change" ? ((row.data as unknown[])[KEPT_CHANGE_DEPLOYED_WEEK] as string | null) : null;
      if (wanted.has(row.week) || (deployedWeek !== null && wanted.has(deployedWeek))) out.push(row);
    }
    return out;
  }
}

/** Where a change row's `data` holds its deployed week (the storage indexes it: `factsOfWeeks`). */
export const KEPT_CHANGE_DEPLOYED_WEEK = 10;

/**
 * A bounded kept state restored from part of its stored rows: those `readKeptFactsFrom` reads for
 * `hotFrom` (the held weeks and each environment's deployments back to its last success before
 * them), with the next `ord` of each kind; then bounded at `hotFrom` as `evictColdFacts` leaves it.
 */
export function restoreBoundedState(
  config: MetricsConfig,
  roster: RosterPerson[],
  meta: KeptMeta,
  rows: Iterable<KeptFactRow>,
  hotFrom: string,
  nextOrd: { change: number; deployment: number },
): RollupState {
  const state = restoreRollupState(config, roster, meta, rows);
  state.bound = {
    hotFrom,
    paged: new Set(),
    nextChange: nextOrd.change,
    nextDeployment: nextOrd.deployment,
    tails: new Map(),
  };
  // Every environment with deployments before `hotFrom` was cut at its last success: mark its tail.
  for (const [env, list] of state.byEnv) {
    if (list.some((d) => d.week < hotFrom)) state.bound.tails.set(env, list[0] as DeploymentFact);
  }
  evictColdFacts(state, hotFrom);
  return state;
}
