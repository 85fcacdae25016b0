import type { Deployment } from "@yardstick/core";
import { MetricsConfig } from "./config.js";
import type { CommitGraph, MetricsChange, MetricsInput, RosterPerson, UsageRecord } from "./inputs.js";

/**
 * A deterministic synthetic engine input for tests and benchmarks (not the simulator: no GitHub
 * shapes, straight to `MetricsInput`). Teams of 3 to 60, repositories owned by teams, one linear
 * first-parent history per repository where each change lands one commit (or two, rebased),
 * deployments batching several merges with failures and rollbacks, about 35% AI-assisted changes,
 * a few reverts, bots, usage records per person and day.
 */

export interface SyntheticOptions {
  changes: number;
  engineers: number;
  weeks: number;
  seed?: number;
  /** End of the generated period (exclusive); default Saturday 2026-11-21 00:00 UTC. */
  end?: Date;
  /**
   * Hands each repository's changes, deployments and commit graph over as it is generated, instead
   * of collecting them (the same world, never whole in memory: a benchmark of a build by
   * repository batch); the returned input then holds the roster, usage and repositories only, and
   * `deployedAt` is empty.
   */
  onRepository?: (part: {
    repo: string;
    changes: MetricsChange[];
    deployments: Deployment[];
    commitGraph: CommitGraph;
  }) => void;
}

export interface SyntheticWorld {
  input: MetricsInput;
  /** When each deployed change went live (first production environment), by key. */
  deployedAt: Map<string, Date>;
  start: Date;
  end: Date;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex8(x: number): string {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** A unique 40-hex sha for a counter (hashed, so abbreviations do not collide in bulk). */
function shaOf(n: number, salt: number): string {
  return hex8(n) + hex8(n ^ salt) + hex8(n + 0x9e3779b9) + hex8(n * 31 + salt) + n.toString(16).padStart(8, "0");
}

export function syntheticInput(options: SyntheticOptions): SyntheticWorld {
  const rand = mulberry32(options.seed ?? 1);
  const salt = Math.floor(rand() * 2 ** 31);
  const end = options.end ?? new Date("2026-11-21T00:00:00Z");
  const start = new Date(end.getTime() - options.weeks * 7 * DAY);
  const span = end.getTime() - start.getTime();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

  // Teams of 3 to 60 (mostly small), people in order; 5% also in a second team.
  const teamMembers: number[][] = [];
  for (let next = 0; next < options.engineers; ) {
    const size = Math.min(options.engineers - next, 3 + Math.floor(57 * rand() ** 2.5));
    teamMembers.push(Array.from({ length: size }, (_, i) => next + i));
    next += size;
  }
  const teamOf = new Array<number[]>(options.engineers);
  teamMembers.forEach((members, t) => {
    for (const p of members) teamOf[p] = [t];
  });
  for (let p = 0; p < options.engineers; p++) {
    if (rand() < 0.05 && teamMembers.length > 1) {
      const other = Math.floor(rand() * teamMembers.length);
      if (!teamOf[p]?.includes(other)) {
        teamOf[p]?.push(other);
        teamMembers[other]?.push(p);
      }
    }
  }
  const roster: RosterPerson[] = [];
  const tenure: { from: number; to: number }[] = [];
  const weight: number[] = [];
  const aiPropensity: number[] = [];
  for (let p = 0; p < options.engineers; p++) {
    const joins = rand() < 0.1 ? start.getTime() + rand() * span * 0.9 : null;
    const leaves =
      rand() < 0.05 ? Math.max(joins ?? start.getTime(), start.getTime() + rand() * span) + 30 * DAY : null;
    roster.push({
      id: `p${p}`,
      teams: (teamOf[p] ?? []).map((t) => ({ team: `team-${t}`, from: null, to: null })),
      joinedAt: joins === null ? null : new Date(joins),
      leftAt: leaves === null || leaves >= end.getTime() ? null : new Date(leaves),
    });
    tenure.push({ from: joins ?? start.getTime(), to: Math.min(leaves ?? end.getTime(), end.getTime()) });
    weight.push(Math.exp(1.2 * (rand() + rand() + rand() - 1.5)));
    aiPropensity.push(0.7 * rand());
  }
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weight) {
    total += w;
    cumulative.push(total);
  }
  const pickPerson = () => {
    const x = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  // Repositories: about one per 8 engineers, each owned by a team (round-robin).
  const repoCount = Math.max(3, Math.round(options.engineers / 8));
  const repoNames = Array.from({ length: repoCount }, (_, r) => `acme/repo-${r}`);
  const teamRepos: number[][] = teamMembers.map(() => []);
  for (let r = 0; r < repoCount; r++) teamRepos[r % teamMembers.length]?.push(r);
  teamRepos.forEach((list, t) => {
    if (list.length === 0) list.push(t % repoCount);
  });

  // Draw changes: who, when (weekdays mostly), where.
  interface Draft {
    person: number | null;
    at: number;
  }
  const byRepo: Draft[][] = repoNames.map(() => []);
  for (let i = 0; i < options.changes; i++) {
    const bot = rand() < 0.06;
    const person = bot ? null : pickPerson();
    const t =
      person === null ? { from: start.getTime(), to: end.getTime() } : (tenure[person] as (typeof tenure)[number]);
    let at = t.from + rand() * Math.max(HOUR, t.to - t.from);
    const weekday = new Date(at).getUTCDay();
    if ((weekday === 0 || weekday === 6) && rand() < 0.85) at -= (weekday === 0 ? 2 : 1) * DAY;
    if (at < start.getTime()) at += 3 * DAY;
    const home = person === null ? [] : (teamRepos[(teamOf[person] as number[])[0] as number] as number[]);
    const repo = home.length > 0 && rand() < 0.85 ? pick(home) : Math.floor(rand() * repoCount);
    byRepo[repo]?.push({ person, at });
  }

  const changes: MetricsChange[] = [];
  const deployments: Deployment[] = [];
  const commitGraphs: Record<string, CommitGraph> = {};
  const deployedAt = new Map<string, Date>();
  let shaCounter = 0;
  let deploymentCounter = 0;
  const lockFile = { path: "pnpm-lock.yaml", additions: 120, deletions: 80, status: "modified" as const };
  byRepo.forEach((drafts, r) => {
    const repo = repoNames[r] as string;
    drafts.sort((a, b) => a.at - b.at);
    const parents: Record<string, string[]> = {};
    let head = shaOf(shaCounter++, salt);

    const repoChanges: MetricsChange[] = [];
    let lastNonRevert: MetricsChange | null = null;
    drafts.forEach((d, n) => {
      const number = n + 1;
      const mergedAt = new Date(d.at);
      const methodRoll = rand();
      const mergeMethod = methodRoll < 0.7 ? "squash" : methodRoll < 0.9 ? "merge" : "rebase";
      const landingShas: string[] = [];
      const commitShas: string[] = [];
      if (mergeMethod === "merge") {
        const prHead = shaOf(shaCounter++, salt);
        const merge = shaOf(shaCounter++, salt);
        parents[merge] = [head, prHead];
        commitShas.push(prHead);
        landingShas.push(merge);
        head = merge;
      } else {
        const count = mergeMethod === "rebase" ? 2 : 1;
        for (let c = 0; c < count; c++) {
          const sha = shaOf(shaCounter++, salt);
          parents[sha] = [head];
          landingShas.push(sha);
          head = sha;
        }
        commitShas.push(...landingShas);
      }
      const person = d.person === null ? null : `p${d.person}`;
      const teammates = d.person === null ? [] : (teamMembers[(teamOf[d.person] as number[])[0] as number] ?? []);
      const reviewer = teammates.length > 1 && rand() < 0.85 ? `p${pick(teammates)}` : null;
      const sizeRoll = rand();
      const files =
        sizeRoll < 0.08
          ? [{ path: `src/f${number % 50}.ts`, additions: 2, deletions: 1, status: "modified" as const }]
          : sizeRoll < 0.11
            ? [lockFile]
            : Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, k) => ({
                path: `src/m${k}/f${number % 97}.ts`,
                additions: 5 + Math.floor(rand() * 200),
                deletions: Math.floor(rand() * 60),
                status: "modified" as const,
              }));
      const openHours = 1 + 48 * rand() ** 2;
      const createdAt = new Date(d.at - openHours * HOUR);
      const revertOf = lastNonRevert !== null && rand() < 0.008 && d.at - lastNonRevert.mergedAt.getTime() < 10 * DAY;
      const target = revertOf ? lastNonRevert : null;
      const change: MetricsChange = {
        key: `${repo}#${number}`,
        repo,
        kind: "pull_request",
        number,
        title: target === null ? `change ${number}` : `Revert "${target.title}"`,
        body: target === null ? "" : `This reverts commit ${target.landingShas[0]}.`,
        headRef: `feature-${number}`,
        commitMessages: [],
        personId: person,
        mergedById: person === null ? null : rand() < 0.1 ? person : reviewer,
        reviewerIds: reviewer === null || reviewer === person ? [] : [reviewer],
        reviewsKnown: true,
        aiAssisted: d.person === null ? false : rand() < (aiPropensity[d.person] as number),
        aiConfidence: null,
        createdAt,
        firstCommitAt: new Date(createdAt.getTime() - 24 * rand() * HOUR),
        mergedAt,
        mergeMethod,
        landingShas,
        commitShas,
        files,
        filesComplete: true,
        additions: files.reduce((a, f) => a + f.additions, 0),
        deletions: files.reduce((a, f) => a + f.deletions, 0),
        formatOnly: false,
        labels: [],
      };
      if (target === null) lastNonRevert = change;
      repoChanges.push(change);
    });
    const firstDeployment = deployments.length;
    deployRepository(repo, r, repoChanges);
    if (options.onRepository === undefined) {
      commitGraphs[repo] = { head, parents };
      changes.push(...repoChanges);
    } else {
      options.onRepository({
        repo,
        changes: repoChanges,
        deployments: deployments.splice(firstDeployment),
        commitGraph: { head, parents },
      });
    }
  });

  function deployRepository(repo: string, r: number, repoChanges: MetricsChange[]): void {
    // Deployments: 4% of repositories (and always the third) have no deployment signal; others
    // batch 1..8 merges; 5% (and always the second) deploy to two production environments.
    if (rand() < 0.04 || r === 2 || repoChanges.length === 0) return;
    const environments = rand() < 0.05 || r === 1 ? ["production", "production-eu"] : ["production"];
    let i = 0;
    let lastLive = 0;
    let previousSha: string | null = null;
    while (i < repoChanges.length) {
      const batch = 1 + Math.floor(rand() * 8);
      const last = Math.min(repoChanges.length, i + batch) - 1;
      const tip = repoChanges[last] as MetricsChange;
      const live = Math.max(lastLive + 60_000, tip.mergedAt.getTime() + (0.5 + 8 * rand()) * HOUR);
      if (live >= end.getTime()) break;
      const sha = tip.landingShas.at(-1) as string;
      const fails = rand() < 0.06;
      environments.forEach((environment, e) => {
        const at = live + e * HOUR;
        deployments.push({
          repo,
          source: "deployment",
          externalId: `d${deploymentCounter++}`,
          environment,
          sha,
          ref: "main",
          createdAt: new Date(at - 5 * 60_000),
          creatorLogin: null,
          statuses: fails
            ? [
                { state: "success", createdAt: new Date(at), description: "" },
                { state: "failure", createdAt: new Date(at + 10 * 60_000), description: "" },
              ]
            : [{ state: "success", createdAt: new Date(at), description: "" }],
        });
      });
      if (options.onRepository === undefined) {
        for (let k = i; k <= last; k++) deployedAt.set((repoChanges[k] as MetricsChange).key, new Date(live));
      }
      lastLive = live + environments.length * HOUR;
      if (fails && previousSha !== null && rand() < 0.4) {
        // Roll back to the previous deployment's commit half an hour later.
        const at = lastLive + 30 * 60_000;
        if (at < end.getTime()) {
          deployments.push({
            repo,
            source: "deployment",
            externalId: `d${deploymentCounter++}`,
            environment: "production",
            sha: previousSha,
            ref: "main",
            createdAt: new Date(at - 5 * 60_000),
            creatorLogin: null,
            statuses: [{ state: "success", createdAt: new Date(at), description: "" }],
          });
          lastLive = at;
        }
      }
      previousSha = sha;
      i = last + 1;
    }
  }

  // Usage: people with some AI propensity, about half of their working days.
  const usage: UsageRecord[] = [];
  const usageShare = Math.min(1, options.changes / (options.engineers * options.weeks * 2));
  for (let p = 0; p < options.engineers; p++) {
    if ((aiPropensity[p] as number) < 0.15) continue;
    const t = tenure[p] as (typeof tenure)[number];
    for (let day = Math.ceil(t.from / DAY) * DAY; day < t.to; day += DAY) {
      const weekday = new Date(day).getUTCDay();
      if (weekday === 0 || weekday === 6 || rand() >= 0.5 * usageShare) continue;
      const tokensIn = Math.floor(200_000 * rand() ** 2);
      usage.push({
        personId: `p${p}`,
        day: new Date(day).toISOString().slice(0, 10),
        tool: rand() < 0.5 ? "claude-code" : "copilot",
        tokensIn,
        tokensOut: Math.floor(tokensIn / 8),
        cost: Math.round(tokensIn * 0.00003 * 100) / 100,
      });
    }
  }

  const input: MetricsInput = {
    changes,
    deployments,
    commitGraphs,
    roster,
    usage,
    incidents: [],
    repos: repoNames,
    reposWithoutDeploymentSignal: [],
    config: MetricsConfig.parse({}),
  };
  return { input, deployedAt, start, end };
}
