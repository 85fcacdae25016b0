import { WeekClock } from "./clock.js";
import { GroupContext } from "./compute.js";
import { liveAtOf } from "./detect.js";
import type { GroupWeek, NewData } from "./incremental.js";
import type { CommitGraph, MetricsInput } from "./inputs.js";
import { pushNestedTo, pushTo } from "./multimap.js";
import {
  assignRecoveries,
  type ChangeFact,
  type DeploymentFact,
  deploymentsByEnvironment,
  environmentKey,
  type PrepareCache,
  type Prepared,
  prepareMetrics,
} from "./prepare.js";

/**
 * Incremental rollups without a full prepare. `evaluateGroupWeeks` needs prepared facts, and
 * preparing all the data costs as much as a full recompute. A (group, week) pair reads only the
 * weeks from w − max(doraWindowWeeks − 1, spikeBaselineWeeks, activeWindowWeeks − 1) to w (plus
 * what happens after w: reverts within the revert window, rollbacks, recoveries), so
 * `restrictInput` keeps only the data that decides those weeks' facts:
 *
 * - changes merged from the window start on, and deployments live from it on;
 * - per repository, the linking state at the window start: for each production environment the
 *   last deployment before the window (its "previous") and every earlier deployment whose commit
 *   is at or above it on the first-parent history (the highest commit shipped is among those),
 *   plus the changes landing between those commits and the head, which windowed deployments may ship;
 * - the commit graph cut to the first-parent chain from the head down to the lowest such commit;
 * - usage from the first pair's week on; the roster, incidents and configuration unchanged.
 *
 * Changes shipped by the kept pre-window deployments get a pre-window `deployedAt`, as they had
 * before (possibly from an earlier deployment), so no figure of the window changes. Repositories
 * where that argument does not hold are kept whole (`fullRepos`): no commit graph, no production
 * deployment before the window, an anchor commit not on the branch, or a deployment after the
 * earliest anchor whose commit is below the cut (a rollback below it, an off-branch deployment).
 */

export interface RestrictedInput {
  input: MetricsInput;
  /** Start of the data window (inclusive). */
  windowStart: Date;
  /** Repositories kept whole (see above). */
  fullRepos: string[];
}

/** Weeks before a pair's week that its figures read. */
export function lookbackWeeksOf(config: MetricsInput["config"]): number {
  const t = config.thresholds;
  return Math.max(t.doraWindowWeeks - 1, t.spikeBaselineWeeks, t.activeWindowWeeks - 1);
}

type Deployment = MetricsInput["deployments"][number];

/** An environment's last production deployment before the window. */
interface Anchor {
  d: Deployment;
  id: string;
  liveAt: Date;
}

function compareLive(a: { liveAt: Date; id: string }, b: { liveAt: Date; id: string }): number {
  return a.liveAt.getTime() - b.liveAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The part of `input` that decides the figures of `pairs`: `evaluateGroupWeeks(prepareMetrics(r.input), pairs)`
 * equals the full evaluation for those pairs.
 */
export function restrictInput(input: MetricsInput, pairs: readonly GroupWeek[]): RestrictedInput {
  const clock = new WeekClock(input.config.timeZone);
  let earliest: string | null = null;
  for (const p of pairs) if (earliest === null || p.week < earliest) earliest = p.week;
  if (earliest === null) {
    return { input: { ...input, changes: [], deployments: [], usage: [] }, windowStart: new Date(0), fullRepos: [] };
  }
  const windowStart = clock.bounds(clock.shift(earliest, -lookbackWeeksOf(input.config))).start;
  return restrictToWindow(input, windowStart, clock.dayOf(clock.bounds(earliest).start));
}

/**
 * The data that decides every fact from `windowStart` on (see above): changes and deployments
 * from it on with each repository's linking state at it, usage from `firstUsageDay` on.
 */
export function restrictToWindow(input: MetricsInput, windowStart: Date, firstUsageDay: string): RestrictedInput {
  const start = windowStart.getTime();

  const deploymentsByRepo = new Map<string, Deployment[]>();
  for (const d of input.deployments) {
    const list = deploymentsByRepo.get(d.repo);
    if (list === undefined) deploymentsByRepo.set(d.repo, [d]);
    else list.push(d);
  }

  const fullRepos = new Set<string>();
  /** Per restricted repository: the first-parent commits from the head down to the cut. */
  const chains = new Map<string, Set<string>>();
  const graphs: Record<string, CommitGraph> = {};
  const deployments: Deployment[] = [];
  for (const [repo, list] of deploymentsByRepo) {
    const graph = input.commitGraphs[repo];
    const live = list.map((d) => ({ d, liveAt: liveAtOf(d) }));
    const anchors = new Map<string, Anchor>();
    for (const { d, liveAt } of live) {
      if (liveAt === null || liveAt.getTime() >= start) continue;
      const current = anchors.get(d.environment);
      const t = liveAt.getTime();
      if (current !== undefined && t < current.liveAt.getTime()) continue;
      const x: Anchor = { d, id: `${d.source}:${d.externalId}`, liveAt };
      if (current === undefined || compareLive(x, current) > 0) anchors.set(d.environment, x);
    }
    const cut = graph === undefined || anchors.size === 0 ? null : cutChain(graph, anchors);
    if (cut === null || graph === undefined) {
      fullRepos.add(repo);
      deployments.push(...list);
      if (graph !== undefined) graphs[repo] = graph;
      continue;
    }
    let earliestAnchor = Number.POSITIVE_INFINITY;
    for (const a of anchors.values()) earliestAnchor = Math.min(earliestAnchor, a.liveAt.getTime());
    const kept: Deployment[] = [];
    let whole = false;
    for (const x of live) {
      if (x.liveAt === null) {
        // Never live: ignored by linking, kept only as a deployment signal.
        if (x.d.createdAt.getTime() >= start) kept.push(x.d);
        continue;
      }
      const onChain = cut.chain.has(x.d.sha);
      if (x.liveAt.getTime() >= earliestAnchor && !onChain) {
        whole = true;
        break;
      }
      if (onChain || x.liveAt.getTime() >= start) kept.push(x.d);
    }
    if (whole) {
      fullRepos.add(repo);
      deployments.push(...list);
      graphs[repo] = graph;
      continue;
    }
    deployments.push(...kept);
    graphs[repo] = cut.graph;
    chains.set(repo, cut.chain);
  }

  const allRepos = new Set<string>([...input.repos, ...deploymentsByRepo.keys()]);
  let lastRepo: string | null = null;
  let chain: Set<string> | undefined;
  let whole = false;
  const changes = input.changes.filter((c) => {
    if (c.repo !== lastRepo) {
      allRepos.add(c.repo);
      lastRepo = c.repo;
      chain = chains.get(c.repo);
      whole = fullRepos.has(c.repo);
    }
    if (whole || c.mergedAt.getTime() >= start) return true;
    if (chain === undefined) return false;
    const shas = c.landingShas;
    for (let i = 0; i < shas.length; i++) if (chain.has(shas[i] as string)) return true;
    return false;
  });
  for (const [repo, graph] of Object.entries(input.commitGraphs)) {
    if (!(repo in graphs) && !deploymentsByRepo.has(repo)) graphs[repo] = graph;
  }

  const usage = input.usage.filter((u) => u.day >= firstUsageDay);
  // Whether any usage was imported decides if token flags are known: keep one record outside the window.
  if (usage.length === 0 && input.usage.length > 0) usage.push(input.usage[0] as (typeof usage)[number]);

  // Every repository stays listed (groups and "other" folding see the same repositories).
  const repos = [...allRepos];
  return {
    input: { ...input, changes, deployments, commitGraphs: graphs, usage, repos },
    windowStart,
    fullRepos: [...fullRepos].sort(),
  };
}

/**
 * Walks the first-parent chain from the head until every anchor's commit is seen; returns the
 * commits walked and a graph of just that chain (null when an anchor is not on the chain).
 */
function cutChain(
  graph: CommitGraph,
  anchors: ReadonlyMap<string, { d: { sha: string } }>,
): { chain: Set<string>; graph: CommitGraph } | null {
  const wanted = new Set<string>();
  for (const a of anchors.values()) wanted.add(a.d.sha);
  const chain = new Set<string>();
  const parents: Record<string, string[]> = {};
  let sha: string | undefined = graph.head;
  while (sha !== undefined && !chain.has(sha)) {
    chain.add(sha);
    wanted.delete(sha);
    if (wanted.size === 0) break;
    const ps: string[] | undefined = graph.parents[sha];
    if (ps !== undefined) parents[sha] = ps;
    sha = ps?.[0];
  }
  if (wanted.size > 0) return null;
  return { chain, graph: { head: graph.head, parents } };
}

/**
 * What the rollup worker keeps between updates: the prepared facts of everything seen so far,
 * looked up by key, and the evaluation caches. Built once after a full recompute.
 */
export interface RollupState {
  prep: Prepared;
  ctx: GroupContext;
  cache: PrepareCache;
  changeByKey: Map<string, ChangeFact>;
  deploymentById: Map<string, DeploymentFact>;
  /** Each environment's deployments (`<repo> <environment>`), by live time once an update touched it. */
  byEnv: Map<string, DeploymentFact[]>;
  /**
   * Set when the state holds only the facts an update can touch (`evictColdFacts`, bounded.ts);
   * the others are in storage. Absent: every fact is held.
   */
  bound?: KeptBound;
}

/** What a bounded kept state knows of the facts it does not hold (see bounded.ts). */
export interface KeptBound {
  /** Weeks from this one on are held whole. */
  hotFrom: string;
  /** Older weeks loaded for this run (`pageInWeeks`), held whole until the next `evictColdFacts`. */
  paged: Set<string>;
  /** The place (`ord`) the next new change and deployment take in storage. */
  nextChange: number;
  nextDeployment: number;
  /**
   * Environments whose older deployments were left out: the first one held (the last success
   * before `hotFrom`). Recoveries before it are stored and only a change to it or before it can
   * move them (`boundedUpdateUnsafe`).
   */
  tails: Map<string, DeploymentFact>;
}

/** `cache`: the one `prep` was prepared with, if any (so the first update reuses its verdicts). */
export function rollupState(
  prep: Prepared,
  ctx: GroupContext = new GroupContext(prep),
  cache: PrepareCache = new WeakMap(),
): RollupState {
  return {
    prep,
    ctx,
    cache,
    changeByKey: new Map(prep.changes.map((f) => [f.key, f])),
    deploymentById: new Map(prep.deployments.map((d) => [d.id, d])),
    byEnv: deploymentsByEnvironment(prep.deployments),
  };
}

/** Whether a kept fact already has a freshly prepared fact's values (dates, arrays and sets by content). */
function sameFields(kept: object, fresh: object): boolean {
  const a = kept as Record<string, unknown>;
  const b = fresh as Record<string, unknown>;
  for (const key in b) if (!sameValue(a[key], b[key])) return false;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a instanceof Set && b instanceof Set) {
    if (a.size !== b.size) return false;
    for (const x of a) if (!b.has(x)) return false;
    return true;
  }
  return false;
}

function remove<T>(list: T[] | undefined, value: T): void {
  if (list === undefined) return;
  const i = list.lastIndexOf(value);
  if (i >= 0) list.splice(i, 1);
}

/**
 * Brings `state` up to date with `input` (everything `state` was prepared from, plus data that
 * arrived from `since` on), without preparing all of it again. Data arriving at `since` can
 * change only: changes merged from `since` − `revertWindowDays` on (a revert of them), changes
 * still undeployed (a deployment ships them), deployments from then on, and the previous
 * deployment of each environment (rolled back, recovered). So the facts from
 * S = since − `revertWindowDays` on are prepared again from `restrictToWindow(input, S)`, copied
 * into the kept facts (same objects, so the indexes stay valid; a change newly deployed joins the
 * deployed indexes) where they differ, and the evaluation caches of the weeks whose facts
 * changed are dropped. Recoveries are recomputed over every kept deployment of each environment
 * that changed (a success ends a run of failures however long). Returns the weeks whose facts
 * changed and the facts themselves, before and after. Not maintained: `prep.notes` (the report's
 * notes come from a full recompute).
 *
 * `input` need not be the whole input: facts of a repository change only through its own rows
 * (linking, reverts, rollbacks, recoveries and incidents are per repository), so it may hold just
 * the repositories with data from `since` on (`reposWithDataSince`) and the usage from `since`'s
 * week on (`updateInputOf`); the others keep their facts. Then the update costs what those
 * repositories hold, not the whole input.
 */
export function updatePrepared(state: RollupState, input: MetricsInput, since: Date): PreparedUpdate {
  return applyUpdate(state, planUpdate(state, input, since));
}

/**
 * The first half of `updatePrepared`: the facts of the window prepared again, and which of them a
 * bounded kept state (`evictColdFacts`) does not hold and `applyUpdate` may change: the stored
 * facts to load (`pageInWeeks`) before it compares them with the kept ones (see `missing`).
 * Changes nothing.
 */
export function planUpdate(state: RollupState, input: MetricsInput, since: Date): PlannedUpdate {
  const clock = state.prep.clock;
  const windowStart = new Date(since.getTime() - input.config.thresholds.revertWindowDays * 86_400_000);
  const firstWeek = clock.weekOf(windowStart);
  const small = prepareMetrics(
    restrictToWindow(input, windowStart, clock.dayOf(clock.bounds(firstWeek).start)).input,
    state.cache,
  );
  const start = windowStart.getTime();
  const missing: PlannedUpdate["missing"] = { changes: [], deployments: [] };
  for (const f of small.changes) {
    const fresh = f.mergedAt.getTime() >= start || (f.deployedAt !== null && f.deployedAt.getTime() >= start);
    if (fresh && !state.changeByKey.has(f.key)) missing.changes.push(f);
  }
  const rollable = lastBeforeWindow(small.deployments, start);
  for (const d of small.deployments) {
    if (state.deploymentById.has(d.id)) continue;
    // Before the window only a new rollback changes a kept deployment (`applyUpdate`), and only
    // an environment's last deployment before it can be newly rolled back (see `lastBeforeWindow`).
    if (d.liveAt.getTime() < start && !(d.failureReasons.includes("rollback") && rollable.has(d))) continue;
    missing.deployments.push(d);
  }
  return { small, since, windowStart, missing };
}

/**
 * Each environment's last deployment on the branch live before `start`: the only deployment
 * before the window that data from `since` on can roll back. A deployment is rolled back by the
 * next deployment on the branch of its environment (link.ts, `planDeploymentLinks`; in live
 * order, ties by id; merges, which follow the branch instead, are never rolled back), and that
 * next one of any earlier deployment is itself before the window: it was stored, and prepared
 * (with the rollback it makes) by the update whose window held it. This holds while `since` is
 * no later than the earliest new data of each repository updated (a deployment stored late is
 * then in the window), as `updatePrepared` requires.
 */
function lastBeforeWindow(deployments: readonly DeploymentFact[], start: number): Set<DeploymentFact> {
  const last = new Map<string, DeploymentFact>();
  for (const d of deployments) {
    if (d.kind === "off-branch" || d.liveAt.getTime() >= start) continue;
    const key = environmentKey(d);
    const current = last.get(key);
    if (current === undefined || compareLive(d, current) > 0) last.set(key, d);
  }
  return new Set(last.values());
}

/** What `planUpdate` prepared for `applyUpdate`. */
export interface PlannedUpdate {
  small: Prepared;
  since: Date;
  windowStart: Date;
  /**
   * Prepared facts the kept state does not hold and the update may change: new ones, or stored
   * ones a bounded state left out. Deployments live before the window are left out (the
   * repository's linking state, all of its deployments for one `restrictToWindow` keeps whole),
   * except an environment's last one when the update rolls it back.
   */
  missing: { changes: ChangeFact[]; deployments: DeploymentFact[] };
}

/** What `updatePrepared` did to a kept state. */
export interface PreparedUpdate {
  /** Weeks whose facts changed. */
  weeks: Set<string>;
  /**
   * The facts that changed, before and after (a change's old and new person and deployedAt, a
   * deployment's old and new week and people), and the people whose usage weeks were replaced:
   * `affectedWeeks` of this lists every (group, week) whose figures the update can change.
   */
  changed: Required<Pick<NewData, "changes" | "deployments" | "usage">>;
  /**
   * The kept facts this update wrote, for persisting them (`keptFactRows`): change keys and
   * deployment ids, each with its place in `prep.changes`/`prep.deployments` when it is new (null:
   * an existing fact changed in place), and the usage weeks replaced.
   */
  touched: KeptTouched;
  /**
   * Per environment (`<repo> <environment>`), the earliest live time of a deployment that is new
   * or whose live time or failure changed: the recoveries of deployments before it cannot move.
   */
  recoveryFrom: Map<string, number>;
}

/** The second half of `updatePrepared`: writes the planned facts into the kept state. */
export function applyUpdate(state: RollupState, plan: PlannedUpdate): PreparedUpdate {
  const { prep } = state;
  const clock = prep.clock;
  const { small, since, windowStart } = plan;
  const start = windowStart.getTime();
  // A bounded state holds part of its facts: new ones take the next place after every stored one.
  const nextChangeOrd = () => (state.bound === undefined ? prep.changes.length : state.bound.nextChange++);
  const nextDeploymentOrd = () => (state.bound === undefined ? prep.deployments.length : state.bound.nextDeployment++);
  const weeks = new Set<string>();
  /**
   * Weeks whose index lists changed (a fact joined or left them): only their evaluation caches
   * are dropped. The caches hold lists of the fact objects, which are updated in place, so a
   * week whose facts changed only in their fields (a revert mark, a failure) keeps them.
   */
  const structural = new Set<string>();
  const idx = prep.index;
  const changed: Required<Pick<NewData, "changes" | "deployments" | "usage">> = {
    changes: [],
    deployments: [],
    usage: [],
  };
  const changeData = changed.changes as Mutable<NewData["changes"]>;
  const deploymentData = changed.deployments as Mutable<NewData["deployments"]>;
  const noteChange = (f: ChangeFact) =>
    changeData.push({ repo: f.repo, personId: f.person, mergedAt: f.mergedAt, deployedAt: f.deployedAt });
  const dirtyEnvs = new Set<string>();
  const touched: KeptTouched = { changes: new Map(), deployments: new Map(), usageWeeks: new Set() };
  const touchDeployment = (d: DeploymentFact) => {
    if (!touched.deployments.has(d.id)) touched.deployments.set(d.id, null);
  };
  const recoveryFrom = new Map<string, number>();
  /** A deployment that is new, or whose live time or failure changed: recoveries before it may move. */
  const moved = (d: DeploymentFact) => {
    const key = environmentKey(d);
    const at = d.liveAt.getTime();
    if (at < (recoveryFrom.get(key) ?? Number.POSITIVE_INFINITY)) recoveryFrom.set(key, at);
  };
  const noteDeployment = (d: DeploymentFact) =>
    deploymentData.push({ repo: d.repo, liveAt: d.liveAt, people: [...d.shippedPeople] });

  for (const f of small.changes) {
    const fresh = f.mergedAt.getTime() >= start || (f.deployedAt !== null && f.deployedAt.getTime() >= start);
    if (!fresh) continue; // linking state before the window: its facts may be partial
    const old = state.changeByKey.get(f.key);
    const same = old !== undefined && sameFields(old, f);
    if (!same) {
      weeks.add(f.mergedWeek);
      if (f.deployedWeek !== null) weeks.add(f.deployedWeek);
      if (old !== undefined) noteChange(old); // as it was (noted before it is overwritten below)
      noteChange(f);
    }
    if (old === undefined) {
      touched.changes.set(f.key, nextChangeOrd());
      prep.changes.push(f);
      state.changeByKey.set(f.key, f);
      structural.add(f.mergedWeek);
      if (f.deployedWeek !== null) structural.add(f.deployedWeek);
      if (f.person === null) continue;
      pushTo(idx.mergedByWeek, f.mergedWeek, f);
      pushNestedTo(idx.personMerged, f.person, f.mergedWeek, f);
      pushNestedTo(idx.repoMerged, f.repo, f.mergedWeek, f);
      if (f.deployedWeek !== null) {
        pushTo(idx.deployedByWeek, f.deployedWeek, f);
        pushNestedTo(idx.personDeployed, f.person, f.deployedWeek, f);
        pushNestedTo(idx.repoDeployed, f.repo, f.deployedWeek, f);
      }
      continue;
    }
    if (same) continue;
    if (!touched.changes.has(old.key)) touched.changes.set(old.key, null);
    const before = old.deployedWeek;
    if (old.person !== f.person) {
      structural.add(old.mergedWeek);
      if (before !== null) structural.add(before);
    }
    Object.assign(old, f);
    if (old.person === null || before === old.deployedWeek) continue;
    structural.add(old.mergedWeek);
    if (old.deployedWeek !== null) structural.add(old.deployedWeek);
    if (before !== null) {
      structural.add(before);
      weeks.add(before);
      remove(idx.deployedByWeek.get(before), old);
      remove(idx.personDeployed.get(old.person)?.get(before), old);
      remove(idx.repoDeployed.get(old.repo)?.get(before), old);
    }
    if (old.deployedWeek !== null) {
      pushTo(idx.deployedByWeek, old.deployedWeek, old);
      pushNestedTo(idx.personDeployed, old.person, old.deployedWeek, old);
      pushNestedTo(idx.repoDeployed, old.repo, old.deployedWeek, old);
    }
  }

  for (const d of small.deployments) {
    const old = state.deploymentById.get(d.id);
    if (d.liveAt.getTime() < start) {
      // An environment's last deployment before the window: a rollback or a recovery may be new.
      if (old === undefined) continue;
      // (Recoveries: below, over the whole environment.)
      if (d.failureReasons.includes("rollback") && !old.failureReasons.includes("rollback")) {
        old.failureReasons.push("rollback");
        if (!old.failed) moved(old);
        old.failed = true;
        touchDeployment(old);
        weeks.add(old.week);
        noteDeployment(old);
        dirtyEnvs.add(environmentKey(old));
      }
      continue;
    }
    if (old !== undefined && sameFields(old, d)) continue;
    weeks.add(d.week);
    dirtyEnvs.add(environmentKey(d));
    if (old !== undefined) noteDeployment(old);
    noteDeployment(d);
    if (old === undefined || old.failed !== d.failed || old.liveAt.getTime() !== d.liveAt.getTime()) {
      if (old !== undefined) moved(old);
      moved(d);
    }
    if (old === undefined) {
      touched.deployments.set(d.id, nextDeploymentOrd());
      prep.deployments.push(d);
      state.deploymentById.set(d.id, d);
      pushTo(idx.deploymentsByWeek, d.week, d);
      pushTo(state.byEnv, environmentKey(d), d);
      structural.add(d.week);
    } else {
      if (old.week !== d.week || old.day !== d.day || !sameValue(old.shippedPeople, d.shippedPeople)) {
        structural.add(old.week);
        structural.add(d.week);
      }
      Object.assign(old, d);
      touchDeployment(old);
    }
  }

  // Recovery, in each environment whose deployments changed, over all its kept deployments: a new
  // success ends every failure run before it, however far back it started.
  for (const key of dirtyEnvs) {
    const list = state.byEnv.get(key);
    if (list === undefined) continue;
    for (const d of assignRecoveries(list)) {
      touchDeployment(d);
      weeks.add(d.week);
      noteDeployment(d);
    }
  }

  // Usage: only days from `since` on are new; their weeks are taken whole.
  const usageFrom = clock.weekOf(since);
  const usageData = changed.usage as Mutable<NewData["usage"]>;
  for (const [week, people] of small.index.usageByWeek) {
    if (week >= usageFrom) {
      const day = clock.dayOf(clock.bounds(week).start);
      const before = idx.usageByWeek.get(week);
      let differs = false;
      for (const personId of new Set([...people.keys(), ...(before?.keys() ?? [])])) {
        const a = before?.get(personId);
        const b = people.get(personId);
        if (a?.tokens === b?.tokens && a?.cost === b?.cost) continue;
        usageData.push({ personId, day });
        differs = true;
      }
      idx.usageByWeek.set(week, people);
      touched.usageWeeks.add(week);
      if (differs) weeks.add(week);
    }
  }
  prep.hasUsage ||= small.hasUsage;
  for (const repo of small.repos) {
    if (!prep.repos.includes(repo)) prep.repos = [...prep.repos, repo].sort();
  }
  for (const d of small.deployments) prep.reposWithoutSignal.delete(d.repo);
  state.ctx.forgetWeeks(structural);
  return { weeks, changed, touched, recoveryFrom };
}

/** What `updatePrepared` wrote into a kept state (see its `touched`). */
export interface KeptTouched {
  changes: Map<string, number | null>;
  deployments: Map<string, number | null>;
  usageWeeks: Set<string>;
}

type Mutable<T> = T extends readonly (infer U)[] ? U[] : never;

/**
 * The repositories with data from `since` on: a change merged, a deployment created or given a
 * status, an incident opened. The rollup worker knows them from what it stored; this finds them
 * in a whole input (tests, benchmarks) by their dates only: a row changed in place (a change
 * attributed to someone else, an incident imported late, one naming another repository's
 * deployment) is not seen here, and its repository must be added by the caller.
 */
export function reposWithDataSince(input: MetricsInput, since: Date): Set<string> {
  const t = since.getTime();
  const repos = new Set<string>();
  for (const c of input.changes) if (c.mergedAt.getTime() >= t) repos.add(c.repo);
  for (const d of input.deployments) {
    if (d.createdAt.getTime() >= t || d.statuses.some((x) => x.createdAt.getTime() >= t)) repos.add(d.repo);
  }
  for (const i of input.incidents) if (i.openedAt.getTime() >= t) repos.add(i.repo);
  return repos;
}

/**
 * What `updatePrepared(state, _, since)` needs of `input` when only `repos` got data from `since`
 * on: their changes, deployments and commit graphs from their linking state before the revert
 * window on (`restrictToWindow` at `since` − `revertWindowDays`), the usage from `since`'s week on,
 * the rest (roster, incidents, configuration) as is. It is what the rollup worker loads with
 * indexed queries (`loadScopeFor`, then a scoped `loadMetricsInput`); this selects it from a
 * whole input (tests, benchmarks).
 */
export function updateInputOf(
  input: MetricsInput,
  since: Date,
  repos: ReadonlySet<string>,
  /** `usage: false`: no usage was imported since (the worker then reads none; the kept weeks stay). */
  options: { usage?: boolean } = {},
): MetricsInput {
  const clock = new WeekClock(input.config.timeZone);
  const usageFrom = clock.dayOf(clock.bounds(clock.weekOf(since)).start);
  const commitGraphs: Record<string, CommitGraph> = {};
  for (const repo of repos) {
    const graph = input.commitGraphs[repo];
    if (graph !== undefined) commitGraphs[repo] = graph;
  }
  const selected: MetricsInput = {
    ...input,
    changes: input.changes.filter((c) => repos.has(c.repo)),
    deployments: input.deployments.filter((d) => repos.has(d.repo)),
    commitGraphs,
    usage: options.usage === false ? [] : input.usage.filter((u) => u.day >= usageFrom),
    repos: input.repos.filter((r) => repos.has(r)),
  };
  const windowStart = new Date(since.getTime() - input.config.thresholds.revertWindowDays * 86_400_000);
  const restricted = restrictToWindow(selected, windowStart, usageFrom).input;
  return { ...restricted, usage: selected.usage, repos: selected.repos };
}
