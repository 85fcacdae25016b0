import { WeekClock } from "./clock.js";
import { liveAtOf } from "./detect.js";
import type { GroupWeek } from "./incremental.js";
import type { CommitGraph, MetricsInput } from "./inputs.js";

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
  const start = windowStart.getTime();
  const firstUsageDay = clock.dayOf(clock.bounds(earliest).start);

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
    const live = list.map((d) => ({ d, id: `${d.source}:${d.externalId}`, liveAt: liveAtOf(d) }));
    const anchors = new Map<string, Anchor>();
    for (const { d, id, liveAt } of live) {
      if (liveAt === null || liveAt.getTime() >= start) continue;
      const x: Anchor = { d, id, liveAt };
      const current = anchors.get(d.environment);
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
  const changes = input.changes.filter((c) => {
    allRepos.add(c.repo);
    if (c.mergedAt.getTime() >= start || fullRepos.has(c.repo)) return true;
    const chain = chains.get(c.repo);
    if (chain === undefined) return false;
    for (const sha of c.landingShas) if (chain.has(sha)) return true;
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
