import { meetsConfidence } from "@yardstick/core";
import { isoWeekOfDay, WeekClock } from "./clock.js";
import type { MetricsConfig } from "./config.js";
import { compileGlobs } from "./glob.js";
import type { MetricsChange, MetricsInput, RosterPerson } from "./inputs.js";
import { type LinkedDeployment, linkRepository } from "./link.js";
import { revertStatuses } from "./reverts.js";
import { isTrivial } from "./trivial.js";

/**
 * Per-change and per-deployment facts: everything the weekly figures need, computed once.
 * The (group, week) evaluation in compute.ts only reads these through the indexes.
 */

const HOUR_MS = 3_600_000;

export interface ChangeFact {
  key: string;
  repo: string;
  person: string | null;
  ai: boolean;
  trivial: boolean;
  /** Reverted within the revert window (by any revert of it, even one later reverted). */
  reverted: boolean;
  /** Itself a revert of a change (by its own text: see reverts.ts); never qualifying. */
  revert: boolean;
  /** Deployed, not trivial, not reverted, not a revert. */
  qualifying: boolean;
  mergedAt: Date;
  mergedWeek: string;
  deployedAt: Date | null;
  deployedWeek: string | null;
  deploymentId: string | null;
  leadTimeHours: number | null;
  firstCommitToOpenHours: number | null;
  openToMergeHours: number | null;
  mergeToDeployHours: number | null;
  /** AI-assisted, merged by its own author, and nobody else reviewed it (its reviews were read). */
  selfMergedAiNoReview: boolean;
}

export type FailureReason = "status" | "rollback" | "revert" | "incident";

export interface DeploymentFact {
  id: string;
  repo: string;
  environment: string;
  liveAt: Date;
  week: string;
  day: string;
  kind: LinkedDeployment["kind"];
  failureReasons: FailureReason[];
  failed: boolean;
  /** Hours to the next successful, not failed deployment of the environment (failed ones only). */
  recoveryHours: number | null;
  /** Credited people of the changes it shipped. */
  shippedPeople: Set<string>;
  shipsAi: boolean;
  shipped: string[];
}

type WeekIndex<T> = Map<string, T[]>;

function push<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function pushNested<T>(map: Map<string, WeekIndex<T>>, outer: string, week: string, value: T): void {
  let inner = map.get(outer);
  if (inner === undefined) {
    inner = new Map();
    map.set(outer, inner);
  }
  push(inner, week, value);
}

export interface PersonUsage {
  tokens: number;
  cost: number | null;
}

export interface Prepared {
  config: MetricsConfig;
  clock: WeekClock;
  changes: ChangeFact[];
  deployments: DeploymentFact[];
  roster: RosterPerson[];
  teams: string[];
  repos: string[];
  reposWithoutSignal: Set<string>;
  hasUsage: boolean;
  index: {
    mergedByWeek: WeekIndex<ChangeFact>;
    deployedByWeek: WeekIndex<ChangeFact>;
    personMerged: Map<string, WeekIndex<ChangeFact>>;
    personDeployed: Map<string, WeekIndex<ChangeFact>>;
    repoMerged: Map<string, WeekIndex<ChangeFact>>;
    repoDeployed: Map<string, WeekIndex<ChangeFact>>;
    deploymentsByWeek: WeekIndex<DeploymentFact>;
    usageByWeek: Map<string, Map<string, PersonUsage>>;
  };
  notes: {
    offBranchDeployments: string[];
    changesNotOnBranch: string[];
    mergedNotDeployed: number;
  };
}

/**
 * The week indexes of facts, in the facts' order (usage empty): what `prepareMetrics` builds, and
 * what a kept state restored from storage builds again (`restoreRollupState`).
 */
export function factIndex(changes: readonly ChangeFact[], deployments: readonly DeploymentFact[]): Prepared["index"] {
  const index: Prepared["index"] = {
    mergedByWeek: new Map(),
    deployedByWeek: new Map(),
    personMerged: new Map(),
    personDeployed: new Map(),
    repoMerged: new Map(),
    repoDeployed: new Map(),
    deploymentsByWeek: new Map(),
    usageByWeek: new Map(),
  };
  for (const f of changes) {
    if (f.person === null) continue; // bots and unresolved accounts are never people
    push(index.mergedByWeek, f.mergedWeek, f);
    pushNested(index.personMerged, f.person, f.mergedWeek, f);
    pushNested(index.repoMerged, f.repo, f.mergedWeek, f);
    if (f.deployedWeek !== null) {
      push(index.deployedByWeek, f.deployedWeek, f);
      pushNested(index.personDeployed, f.person, f.deployedWeek, f);
      pushNested(index.repoDeployed, f.repo, f.deployedWeek, f);
    }
  }
  for (const d of deployments) push(index.deploymentsByWeek, d.week, d);
  return index;
}

/**
 * Without a commit graph, the branch is taken to be the changes' landing commits in merge order
 * (returned as first-parent positions).
 */
function positionsFromMergeOrder(changes: readonly MetricsChange[]): Map<string, number> {
  const ordered = [...changes].sort((a, b) => a.mergedAt.getTime() - b.mergedAt.getTime());
  const positions = new Map<string, number>();
  for (const c of ordered) for (const sha of c.landingShas) if (!positions.has(sha)) positions.set(sha, positions.size);
  return positions;
}

const hours = (ms: number) => ms / HOUR_MS;

/**
 * New work that stayed: not trivial, not reverted within the window, and not itself a revert
 * (METRICS.md "Qualifying change"). Qualifying is this and deployed; the "merged" variant counts
 * this of merged changes.
 */
export function lasting(f: Pick<ChangeFact, "trivial" | "reverted" | "revert">): boolean {
  return !f.trivial && !f.reverted && !f.revert;
}

/** Each environment's deployments (key `<repo> <environment>`), in the given order. */
export function deploymentsByEnvironment(deployments: readonly DeploymentFact[]): Map<string, DeploymentFact[]> {
  const byEnv = new Map<string, DeploymentFact[]>();
  for (const d of deployments) push(byEnv, environmentKey(d), d);
  return byEnv;
}

export function environmentKey(d: Pick<DeploymentFact, "repo" | "environment">): string {
  return `${d.repo} ${d.environment}`;
}

/**
 * Sorts one environment's deployments by live time and sets each one's recovery: hours from a
 * failed deployment to the next successful one that did not fail (null if none yet, or not
 * failed). Returns the deployments whose recovery changed.
 */
export function assignRecoveries(list: DeploymentFact[]): DeploymentFact[] {
  list.sort((a, b) => a.liveAt.getTime() - b.liveAt.getTime());
  const changed: DeploymentFact[] = [];
  let nextOk: DeploymentFact | null = null;
  for (let i = list.length - 1; i >= 0; i--) {
    const d = list[i] as DeploymentFact;
    const recovery = d.failed && nextOk !== null ? hours(nextOk.liveAt.getTime() - d.liveAt.getTime()) : null;
    if (d.recoveryHours !== recovery) {
      d.recoveryHours = recovery;
      changed.push(d);
    }
    if (!d.failed) nextOk = d;
  }
  return changed;
}

/**
 * What `prepareMetrics` may reuse between calls with the same configuration: the AI and trivial
 * verdicts of change objects it has seen (input objects are not mutated, so the same object
 * gives the same verdicts). The incremental rollups keep one (see `rollupState`).
 */
export type PrepareCache = WeakMap<MetricsChange, { ai: boolean; trivial: boolean }>;

export function prepareMetrics(input: MetricsInput, cache?: PrepareCache): Prepared {
  const config = input.config;
  const clock = new WeekClock(config.timeZone);
  const isIgnored = compileGlobs(config.thresholds.trivialIgnore);
  const reverts = revertStatuses(input.changes, config.thresholds.revertWindowDays);

  const changesByRepo = new Map<string, MetricsChange[]>();
  for (const c of input.changes) push(changesByRepo, c.repo, c);
  const deploymentsByRepo = new Map<string, MetricsInput["deployments"]>();
  for (const d of input.deployments) push(deploymentsByRepo, d.repo, d);
  const repos = [...new Set([...input.repos, ...changesByRepo.keys(), ...deploymentsByRepo.keys()])].sort();
  const reposWithoutSignal = new Set(input.reposWithoutDeploymentSignal);
  for (const repo of repos) if (!deploymentsByRepo.has(repo)) reposWithoutSignal.add(repo);

  const changes: ChangeFact[] = [];
  const factByKey = new Map<string, ChangeFact>();
  const linked: LinkedDeployment[] = [];
  const offBranchDeployments: string[] = [];
  const changesNotOnBranch: string[] = [];
  let mergedNotDeployed = 0;
  for (const repo of repos) {
    const repoChanges = changesByRepo.get(repo) ?? [];
    const graph = input.commitGraphs[repo] ?? positionsFromMergeOrder(repoChanges);
    const links = linkRepository(
      graph,
      deploymentsByRepo.get(repo) ?? [],
      repoChanges,
      config.thresholds.lookbackWeeks * 7,
    );
    linked.push(...links.deployments);
    offBranchDeployments.push(...links.offBranchDeployments);
    changesNotOnBranch.push(...links.changesNotOnBranch);
    const linkByKey = new Map(links.changes.map((l) => [l.key, l]));
    for (const c of repoChanges) {
      const link = linkByKey.get(c.key);
      const deployedAt = link?.deployedAt ?? null;
      if (deployedAt === null && !reposWithoutSignal.has(repo)) mergedNotDeployed += 1;
      let verdicts = cache?.get(c);
      if (verdicts === undefined) {
        verdicts = {
          ai: c.aiAssisted ?? meetsConfidence(c.aiConfidence, config.attribution.threshold),
          trivial: isTrivial(c, isIgnored, config.thresholds.trivialMaxLines),
        };
        cache?.set(c, verdicts);
      }
      const { ai, trivial } = verdicts;
      const status = reverts.get(c.key);
      const reverted = status?.reverted ?? false;
      const revert = status?.isRevert ?? false;
      const start = c.firstCommitAt ?? c.createdAt ?? c.mergedAt;
      const fact: ChangeFact = {
        key: c.key,
        repo,
        person: c.personId,
        ai,
        trivial,
        reverted,
        revert,
        qualifying: deployedAt !== null && lasting({ trivial, reverted, revert }),
        mergedAt: c.mergedAt,
        mergedWeek: clock.weekOf(c.mergedAt),
        deployedAt,
        deployedWeek: deployedAt === null ? null : clock.weekOf(deployedAt),
        deploymentId: link?.deploymentId ?? null,
        leadTimeHours: deployedAt === null ? null : hours(deployedAt.getTime() - start.getTime()),
        firstCommitToOpenHours:
          c.firstCommitAt !== null && c.createdAt !== null
            ? hours(c.createdAt.getTime() - c.firstCommitAt.getTime())
            : null,
        openToMergeHours: c.createdAt === null ? null : hours(c.mergedAt.getTime() - c.createdAt.getTime()),
        mergeToDeployHours: deployedAt === null ? null : hours(deployedAt.getTime() - c.mergedAt.getTime()),
        selfMergedAiNoReview:
          ai &&
          c.personId !== null &&
          c.mergedById === c.personId &&
          c.reviewsKnown &&
          c.reviewerIds.every((reviewer) => reviewer === c.personId),
      };
      changes.push(fact);
      factByKey.set(c.key, fact);
    }
  }

  // Incidents name deployments by id, or by commit (the latest deployment of it live before the incident).
  const incidentIds = new Set<string>();
  for (const incident of input.incidents) {
    if (incident.deploymentId !== null) {
      incidentIds.add(incident.deploymentId);
      continue;
    }
    const sha = incident.sha;
    if (sha === null) continue;
    let best: LinkedDeployment | null = null;
    for (const d of linked) {
      if (d.repo === incident.repo && d.sha.startsWith(sha) && d.liveAt <= incident.openedAt) {
        if (best === null || d.liveAt > best.liveAt) best = d;
      }
    }
    if (best !== null) incidentIds.add(best.id);
  }

  const deployments: DeploymentFact[] = linked.map((d) => {
    const failureReasons: FailureReason[] = [];
    if (d.failedAt !== null) failureReasons.push("status");
    if (d.rolledBackBy !== null) failureReasons.push("rollback");
    const shippedFacts = d.shipped.map((k) => factByKey.get(k)).filter((f): f is ChangeFact => f !== undefined);
    if (shippedFacts.some((f) => f.reverted)) failureReasons.push("revert");
    if (incidentIds.has(d.id)) failureReasons.push("incident");
    const shippedPeople = new Set<string>();
    for (const f of shippedFacts) if (f.person !== null) shippedPeople.add(f.person);
    return {
      id: d.id,
      repo: d.repo,
      environment: d.environment,
      liveAt: d.liveAt,
      week: clock.weekOf(d.liveAt),
      day: clock.dayOf(d.liveAt),
      kind: d.kind,
      failureReasons,
      failed: failureReasons.length > 0,
      recoveryHours: null,
      shippedPeople,
      shipsAi: shippedFacts.some((f) => f.ai),
      shipped: d.shipped,
    };
  });

  // Recovery: from a failed deployment to the next successful one of the environment that did not fail.
  for (const list of deploymentsByEnvironment(deployments).values()) assignRecoveries(list);

  const index = factIndex(changes, deployments);
  for (const u of input.usage) {
    const week = isoWeekOfDay(u.day);
    let people = index.usageByWeek.get(week);
    if (people === undefined) {
      people = new Map();
      index.usageByWeek.set(week, people);
    }
    const current = people.get(u.personId) ?? { tokens: 0, cost: null };
    current.tokens += u.tokensIn + u.tokensOut;
    if (u.cost !== null) current.cost = (current.cost ?? 0) + u.cost;
    people.set(u.personId, current);
  }

  const teams = [...new Set(input.roster.flatMap((p) => p.teams.map((t) => t.team)))].sort();
  return {
    config,
    clock,
    changes,
    deployments,
    roster: input.roster,
    teams,
    repos,
    reposWithoutSignal,
    hasUsage: input.usage.length > 0,
    index,
    notes: { offBranchDeployments, changesNotOnBranch, mergedNotDeployed },
  };
}
