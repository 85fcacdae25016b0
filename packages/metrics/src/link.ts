import type { Deployment } from "@yardstick/core";
import { deploymentId, failedAtOf, liveAtOf } from "./detect.js";
import type { CommitGraph } from "./inputs.js";

/**
 * Linking deployments to changes (METRICS.md "Deployed change"). A successful production
 * deployment ships the commits after the previous successful production deployment of the same
 * repository and environment, up to its own commit. Commits are placed on the tracked branch's
 * first-parent history, so "after ... up to" is an interval of positions. Iterative throughout.
 */

export type LinkKind = "first" | "ships" | "redeploy" | "rollback" | "off-branch";

export interface LinkedDeployment {
  id: string;
  repo: string;
  environment: string;
  sha: string;
  liveAt: Date;
  /** Status ended in failure/error after going live. */
  failedAt: Date | null;
  kind: LinkKind;
  /** Position on the first-parent history (0 = oldest reachable commit); null off the branch. */
  position: number | null;
  /** Off the branch: the highest first-parent position among its ancestors (null: unknown). */
  basePosition: number | null;
  /** The previous successful production deployment of the same environment (on the branch). */
  previousId: string | null;
  /** The next deployment of the environment went to an ancestor commit. */
  rolledBackBy: string | null;
  /** Keys of the changes in (previous, own commit]: what this deployment shipped. */
  shipped: string[];
}

export type ChangeLinkStatus = "deployed" | "pending" | "not-on-branch" | "before-lookback";

export interface ChangeLink {
  key: string;
  deployedAt: Date | null;
  deploymentId: string | null;
  status: ChangeLinkStatus;
}

export interface LinkableChange {
  key: string;
  landingShas: readonly string[];
  mergedAt: Date;
}

export interface RepoLinks {
  deployments: LinkedDeployment[];
  changes: ChangeLink[];
  /** Deployment ids whose commit is not on the tracked branch (reported, not guessed). */
  offBranchDeployments: string[];
  /** Change keys none of whose landing commits are on the tracked branch. */
  changesNotOnBranch: string[];
}

/** Positions of the first-parent history from `head` back (iterative; stops at unknown parents). */
export function firstParentPositions(graph: CommitGraph | undefined): Map<string, number> {
  const chain: string[] = [];
  if (graph !== undefined) {
    const seen = new Set<string>();
    let sha: string | undefined = graph.head;
    while (sha !== undefined && !seen.has(sha)) {
      seen.add(sha);
      chain.push(sha);
      sha = graph.parents[sha]?.[0];
    }
  }
  const positions = new Map<string, number>();
  for (let i = 0; i < chain.length; i++) positions.set(chain[i] as string, chain.length - 1 - i);
  return positions;
}

/**
 * The highest first-parent position reachable from an off-branch commit through the graph's
 * parents (iterative; null when none is reachable or the commit is unknown).
 */
export function basePosition(graph: CommitGraph, positions: Map<string, number>, sha: string): number | null {
  let best: number | null = null;
  const seen = new Set<string>([sha]);
  const stack = [...(graph.parents[sha] ?? [])];
  while (stack.length > 0 && seen.size < 1_000_000) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    const p = positions.get(next);
    if (p !== undefined) {
      if (best === null || p > best) best = p;
      continue;
    }
    for (const parent of graph.parents[next] ?? []) stack.push(parent);
  }
  return best;
}

/** Resolves abbreviated shas (7+ hex) against the positions map. */
function positionOf(
  positions: Map<string, number>,
  sha: string,
  byPrefix: () => Map<string, string[]>,
): number | undefined {
  const exact = positions.get(sha);
  if (exact !== undefined || sha.length >= 40) return exact;
  const matches = (byPrefix().get(sha.slice(0, 7)) ?? []).filter((full) => full.startsWith(sha));
  // An ambiguous abbreviation is not guessed.
  return matches.length === 1 ? positions.get(matches[0] as string) : undefined;
}

function compareDeployments(a: { liveAt: Date; id: string }, b: { liveAt: Date; id: string }): number {
  return a.liveAt.getTime() - b.liveAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * With merge-is-deploy, a deployment is a merge onto the tracked branch: the merges on the branch
 * follow their first-parent positions whatever their timestamps say (a merge commit's clock can
 * be earlier than its parent's: clock skew, rebases), so a merge is never a rollback. `linked`
 * (in live-time order) is reordered in place: the merges on the branch by position, the rest (off
 * the branch, other sources) keep their time order and are interleaved by live time.
 */
function inHistoryOrder(linked: LinkedDeployment[], merges: ReadonlySet<string>): void {
  const onBranch = linked
    .filter((d) => d.position !== null && merges.has(d.id))
    .sort((a, b) => (a.position as number) - (b.position as number) || compareDeployments(a, b));
  const rest = linked.filter((d) => !(d.position !== null && merges.has(d.id)));
  let i = 0;
  let j = 0;
  for (let k = 0; k < linked.length; k++) {
    const a = onBranch[i];
    const b = rest[j];
    if (a !== undefined && (b === undefined || compareDeployments(a, b) <= 0)) {
      linked[k] = a;
      i++;
    } else {
      linked[k] = b as LinkedDeployment;
      j++;
    }
  }
}

/** First index in the ascending array `xs` whose value is > `x`. */
function upperBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One interval of first-parent positions (from, to] a deployment ships, in the order linking applies them. */
export interface ShipEvent {
  /** The deployment (an element of `LinkPlan.deployments`). */
  deployment: LinkedDeployment;
  from: number;
  to: number;
  /** Changes merged more than the lookback before the deployment went live are not its (the first deployment's backlog). */
  lookback: boolean;
}

/** What linking decides from the deployments alone: their kinds and the intervals each ships. */
export interface LinkPlan {
  /** In linking order (live time; merges on the branch by position). */
  deployments: LinkedDeployment[];
  events: ShipEvent[];
  offBranchDeployments: string[];
  lookbackMs: number;
}

/**
 * The deployments' side of linking: each successful production deployment placed by
 * `positionOf` (its first-parent position, null off the branch) and, off the branch, by
 * `basePositionOf` (the highest branch position among its ancestors); their kinds, and the
 * position intervals they ship. Which changes those are is `applyLinkPlan`'s (all changes at once,
 * by position) or `linkChangeAt`'s (one change at a time: a caller streaming the changes).
 */
export function planDeploymentLinks(
  deployments: readonly Deployment[],
  positionOf: (sha: string) => number | null,
  basePositionOf: (sha: string) => number | null,
  lookbackDays: number,
): LinkPlan {
  const linked: LinkedDeployment[] = [];
  for (const d of deployments) {
    const liveAt = liveAtOf(d);
    if (liveAt === null) continue;
    const position = positionOf(d.sha);
    linked.push({
      id: deploymentId(d),
      repo: d.repo,
      environment: d.environment,
      sha: d.sha,
      liveAt,
      failedAt: failedAtOf(d),
      kind: position === null ? "off-branch" : "ships",
      position,
      basePosition: null,
      previousId: null,
      rolledBackBy: null,
      shipped: [],
    });
  }
  linked.sort(compareDeployments);
  const merges = new Set(deployments.flatMap((d) => (d.source === "merge" ? [deploymentId(d)] : [])));
  if (merges.size > 0) inHistoryOrder(linked, merges);

  const events: ShipEvent[] = [];
  const previousByEnv = new Map<string, LinkedDeployment>();
  const shippedUpTo = new Map<string, number>(); // environment -> highest position shipped
  const offBranchDeployments: string[] = [];
  for (const d of linked) {
    if (d.position === null) {
      offBranchDeployments.push(d.id);
      // A branch deployed to production still contains the tracked-branch commits it descends
      // from, when the graph holds its commits: those are known, not guessed.
      const base = basePositionOf(d.sha);
      d.basePosition = base;
      if (base !== null) events.push({ deployment: d, from: -1, to: base, lookback: events.length === 0 });
      continue;
    }
    const previous = previousByEnv.get(d.environment);
    previousByEnv.set(d.environment, d);
    const highest = shippedUpTo.get(d.environment) ?? -1;
    if (previous === undefined) {
      d.kind = "first";
    } else {
      d.previousId = previous.id;
      const prevPos = previous.position as number;
      if (d.position === prevPos) {
        d.kind = "redeploy";
        continue;
      }
      if (d.position < prevPos) {
        d.kind = "rollback";
        previous.rolledBackBy = d.id;
        continue;
      }
    }
    // After a rollback, a forward deployment ships only what is new since the highest commit shipped.
    if (d.position > highest) {
      events.push({ deployment: d, from: highest, to: d.position, lookback: d.kind === "first" });
      shippedUpTo.set(d.environment, d.position);
    }
  }
  return { deployments: linked, events, offBranchDeployments, lookbackMs: lookbackDays * 86_400_000 };
}

/** A change's link after the events that ship it, in order (the rule `linkRepository` applies). */
function applyEvents(
  link: ChangeLink,
  mergedAt: Date,
  events: Iterable<ShipEvent>,
  lookbackMs: number,
  shipped: (d: LinkedDeployment) => void,
): void {
  for (const { deployment: d, lookback } of events) {
    if (lookback && mergedAt.getTime() < d.liveAt.getTime() - lookbackMs) {
      if (link.status === "pending") link.status = "before-lookback";
      continue;
    }
    if (d.kind === "off-branch" && link.deployedAt !== null) continue;
    shipped(d);
    if (link.deployedAt === null) {
      link.deployedAt = d.liveAt;
      link.deploymentId = d.id;
      link.status = "deployed";
    }
  }
}

/** A plan indexed for `linkChangeAt`: each environment's on-branch intervals (disjoint, ascending), and the off-branch ones. */
export interface LinkIndex {
  plan: LinkPlan;
  byEnvironment: { order: number; event: ShipEvent }[][];
  offBranch: { order: number; event: ShipEvent }[];
}

export function indexLinkPlan(plan: LinkPlan): LinkIndex {
  const envs = new Map<string, { order: number; event: ShipEvent }[]>();
  const offBranch: { order: number; event: ShipEvent }[] = [];
  plan.events.forEach((event, order) => {
    if (event.deployment.position === null) {
      offBranch.push({ order, event });
      return;
    }
    const env = event.deployment.environment;
    const list = envs.get(env);
    if (list === undefined) envs.set(env, [{ order, event }]);
    else list.push({ order, event });
  });
  return { plan, byEnvironment: [...envs.values()], offBranch };
}

/**
 * One change's link under an indexed plan, given the first-parent position of its landing commit
 * (null: not on the branch), and the deployments that ship it: exactly what `linkRepository`
 * gives that change, without the repository's other changes (a change's link depends only on the
 * intervals around its own position), so that a caller can stream the changes.
 */
export function linkChangeAt(
  index: LinkIndex,
  change: { key: string; mergedAt: Date },
  position: number | null,
): { link: ChangeLink; shippedBy: LinkedDeployment[] } {
  const link: ChangeLink = { key: change.key, deployedAt: null, deploymentId: null, status: "pending" };
  const shippedBy: LinkedDeployment[] = [];
  if (position === null) {
    link.status = "not-on-branch";
    return { link, shippedBy };
  }
  const covering: { order: number; event: ShipEvent }[] = [];
  for (const list of index.byEnvironment) {
    // The first interval ending at or after the position; it covers it when it starts before.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as { event: ShipEvent }).event.to < position) lo = mid + 1;
      else hi = mid;
    }
    const found = list[lo];
    if (found !== undefined && found.event.from < position) covering.push(found);
  }
  for (const e of index.offBranch) if (e.event.to >= position) covering.push(e);
  covering.sort((a, b) => a.order - b.order);
  applyEvents(
    link,
    change.mergedAt,
    covering.map((c) => c.event),
    index.plan.lookbackMs,
    (d) => shippedBy.push(d),
  );
  return { link, shippedBy };
}

/**
 * Links one repository's successful production deployments to its changes. Deployments
 * without a `success` status are ignored (they never went live). `graph` is the tracked
 * branch's commit graph, or already computed first-parent positions.
 */
export function linkRepository(
  graph: CommitGraph | Map<string, number> | undefined,
  deployments: readonly Deployment[],
  changes: readonly LinkableChange[],
  lookbackDays: number,
): RepoLinks {
  const positions = graph instanceof Map ? graph : firstParentPositions(graph);
  let prefixes: Map<string, string[]> | null = null;
  const byPrefix = () => {
    if (prefixes === null) {
      const built = new Map<string, string[]>();
      for (const sha of positions.keys()) {
        const key = sha.slice(0, 7);
        const list = built.get(key);
        if (list === undefined) built.set(key, [sha]);
        else list.push(sha);
      }
      prefixes = built;
    }
    return prefixes;
  };

  // Changes placed on the branch, sorted by the position of their last landing commit.
  const changesNotOnBranch: string[] = [];
  const placed: { change: LinkableChange; position: number }[] = [];
  for (const change of changes) {
    let best = -1;
    for (const sha of change.landingShas) {
      const p = positionOf(positions, sha, byPrefix);
      if (p !== undefined && p > best) best = p;
    }
    if (best < 0) changesNotOnBranch.push(change.key);
    else placed.push({ change, position: best });
  }
  placed.sort((a, b) => a.position - b.position);
  const placedPositions = placed.map((p) => p.position);

  const plan = planDeploymentLinks(
    deployments,
    (sha) => positionOf(positions, sha, byPrefix) ?? null,
    (sha) => (graph instanceof Map || graph === undefined ? null : basePosition(graph, positions, sha)),
    lookbackDays,
  );

  const links = new Map<string, ChangeLink>();
  for (const change of changes) {
    links.set(change.key, { key: change.key, deployedAt: null, deploymentId: null, status: "pending" });
  }
  for (const key of changesNotOnBranch) {
    const link = links.get(key);
    if (link !== undefined) link.status = "not-on-branch";
  }
  for (const event of plan.events) {
    const start = upperBound(placedPositions, event.from);
    const end = upperBound(placedPositions, event.to);
    for (let i = start; i < end; i++) {
      const { change } = placed[i] as (typeof placed)[number];
      applyEvents(links.get(change.key) as ChangeLink, change.mergedAt, [event], plan.lookbackMs, (d) =>
        d.shipped.push(change.key),
      );
    }
  }
  return {
    deployments: plan.deployments,
    changes: [...links.values()],
    offBranchDeployments: plan.offBranchDeployments,
    changesNotOnBranch,
  };
}
