import { createIdentityResolver, type IdentityResolver } from "@yardstick/attribution";
import { type Config, repositorySettings } from "@yardstick/config";
import type { Deployment } from "@yardstick/core";
import {
  type Database,
  getSyncCursor,
  getVerdicts,
  listAllChanges,
  listAttributedUsage,
  listChangesMergedSince,
  listCommitParents,
  listDeployments,
  listIncidentIssues,
  listMergedPullRequests,
  listOrgMemberships,
  listPeople,
  listPullRequestDiffs,
  listRepositoryTracking,
  type OrgMembership,
} from "@yardstick/db";
import {
  type CommitGraph,
  compileGlobs,
  type DayRange,
  DeploymentMethod,
  detectDeployments,
  incidentsFromIssues,
  type MetricsChange,
  type MetricsConfig,
  type MetricsInput,
  MetricsInput as MetricsInputSchema,
  patchVerdict,
  type UsageRecord,
} from "@yardstick/metrics";
import { directPushMetricsChanges } from "./direct-pushes.js";
import { BRANCH_STREAM } from "./processors/sync-branch.js";

const EPOCH = new Date("1970-01-01T00:00:00Z");
const FAR_FUTURE = new Date("9999-01-01T00:00:00Z");

/**
 * The metrics package's configuration, read off the product configuration: its `thresholds` and
 * `adoption` sections are the metrics package's own schemas (declared once), taken as they are.
 */
export function metricsConfigOf(config: Config): MetricsConfig {
  const { backfillDays: _sync, ...thresholds } = config.thresholds;
  return {
    timeZone: config.timeZone,
    orgName: config.github.organizations[0]?.name ?? "org",
    thresholds,
    adoption: config.adoption,
    attribution: { threshold: config.attribution.threshold },
  };
}

/**
 * Who reviewed, as the metrics name people: a reviewer outside the roster (a former member, an
 * outside collaborator) is still someone else, kept under an id of its own (`login:<login>`), so
 * the change does not count as merged without review; Bots (by the attribution rules) are nobody.
 */
export function reviewerIdsOf(logins: readonly string[], resolver: IdentityResolver): string[] {
  const ids = logins.flatMap((login) =>
    resolver.isBot({ login }) ? [] : [resolver.resolve({ login }) ?? `login:${login.toLowerCase()}`],
  );
  return [...new Set(ids)];
}

/** The tracked branch's commit graph: every stored commit's parents, walked from the synced head. */
export async function loadCommitGraph(db: Database, repo: string): Promise<CommitGraph | undefined> {
  const head = (await getSyncCursor(db, repo, BRANCH_STREAM))?.state.head ?? null;
  if (head === null) return undefined;
  const rows = await listCommitParents(db, repo);
  const parents: Record<string, string[]> = {};
  for (const row of rows) parents[row.sha] = row.parents;
  return { head, parents };
}

/**
 * What a scoped load reads (the incremental rollups): pull requests merged from `mergedFrom` of
 * their repository on (repositories not listed: all of them), usage from `usageFrom` on (or one
 * record, so that the engine knows usage was imported). Deployments, commit graphs and the
 * roster are read whole; `restrictToWindow` then cuts them.
 */
export interface MetricsLoadScope {
  mergedFrom: ReadonlyMap<string, Date>;
  usageFrom: string;
  /** Commit graphs and deployments the caller already read (so they are read once). */
  commitGraphs?: Readonly<Record<string, CommitGraph>>;
  /** Only these repositories (the kept rollup state's update reads just the ones with new data). */
  repos?: ReadonlySet<string>;
  /** Read no usage (the kept state's update when none was imported since: its usage stays as it is). */
  noUsage?: boolean;
  deployments?: ReadonlyMap<string, readonly Deployment[]>;
}

/**
 * Everything the metrics engine needs, read from the database: changes (merged PRs with their
 * verdict and credited person), production deployments (and, for merge-is-deploy repositories,
 * the merges themselves), each repository's commit graph, the roster, imported usage, and the
 * incidents that issues with the configured label name.
 */
export async function loadMetricsInput(db: Database, config: Config, scope?: MetricsLoadScope): Promise<MetricsInput> {
  const only = scope?.repos;
  const repos = (await metricsRepos(db)).filter((r) => only === undefined || only.has(r));
  const people = await listPeople(db);
  const membershipOf = membershipPeriods(await listOrgMemberships(db));
  const resolver = createIdentityResolver(people);
  const resolveLogin = (login: string | null | undefined) => (login ? resolver.resolve({ login }) : null);

  const merged =
    scope === undefined
      ? await listMergedPullRequests(db, { from: EPOCH, to: FAR_FUTURE, repos })
      : await listMergedInScope(db, repos, scope);
  const changeRows = new Map(
    (scope === undefined ? await listAllChanges(db) : await changeRowsInScope(db, repos, scope)).map(
      (row) => [row.key, row] as const,
    ),
  );
  const verdicts = await getVerdicts(db, "change", [...changeRows.keys()]);
  // What the patches say, for the PRs whose trivial verdict they can flip (sync.pull-diffs).
  const diffs = await listPullRequestDiffs(db, repos);
  const isIgnored = compileGlobs(config.thresholds.trivialIgnore);

  const changes: MetricsChange[] = [];
  for (const { pullRequest: pr, commits } of merged) {
    const key = `${pr.repo}#${pr.number}`;
    const row = changeRows.get(key);
    if (row === undefined || pr.mergeCommitSha === null) continue; // not attributed yet, or no landing commit
    const verdict = verdicts.get(key)?.verdict;
    const reviewerIds = reviewerIdsOf(pr.reviewers, resolver);
    const diff = diffs.get(key);
    const patch = diff === undefined ? undefined : patchVerdict(diff, pr, isIgnored);
    changes.push({
      key,
      repo: pr.repo,
      kind: "pull_request",
      number: pr.number,
      title: pr.title,
      body: pr.body,
      headRef: pr.headRef,
      commitMessages: commits.map((c) => c.message),
      personId: row.creditedPersonId,
      mergedById: resolveLogin(pr.mergedBy?.login),
      reviewerIds: [...new Set(reviewerIds)],
      reviewsKnown: pr.reviewsRead,
      aiAssisted: null,
      aiConfidence: verdict?.class === "ai" ? verdict.confidence : null,
      createdAt: pr.createdAt,
      firstCommitAt: row.firstCommitAt,
      mergedAt: pr.mergedAt,
      mergeMethod: pr.mergeMethod,
      landingShas: [pr.mergeCommitSha],
      commitShas: pr.commitShas,
      files: pr.files,
      filesComplete: pr.filesComplete,
      additions: pr.additions,
      deletions: pr.deletions,
      formatOnly: patch?.formatOnly ?? false,
      ...(patch === undefined ? {} : { countableLines: patch.countableLines }),
      labels: pr.labels,
    });
  }

  // Trunk-based repositories (directPushes): the pushes attribute.changes stored as changes.
  const repoSet = new Set(repos);
  const pushed = [...changeRows.values()].filter((row) => row.kind === "direct_push" && repoSet.has(row.repo));
  changes.push(...(await directPushMetricsChanges(db, pushed, verdicts)));

  const deployments: Deployment[] = [];
  const commitGraphs: Record<string, CommitGraph> = {};
  const withoutSignal: string[] = [];
  for (const repo of repos) {
    const graph = scope?.commitGraphs?.[repo] ?? (await loadCommitGraph(db, repo));
    if (graph !== undefined) commitGraphs[repo] = graph;
    const method = DeploymentMethod.parse(repositorySettings(config, repo).deployment);
    let repoDeployments: Deployment[];
    if (method.method === "merge") {
      const merges = changes
        .filter((c) => c.repo === repo)
        .map((c) => ({ sha: c.landingShas.at(-1) ?? "", mergedAt: c.mergedAt, key: c.key }));
      repoDeployments = detectDeployments([
        { repo, trackedBranch: "main", method, deployments: [], releases: [], tags: [], workflowRuns: [], merges },
      ]).deployments;
    } else {
      repoDeployments = [...(scope?.deployments?.get(repo) ?? (await listDeployments(db, { repo })))];
    }
    if (repoDeployments.length === 0) withoutSignal.push(repo);
    deployments.push(...repoDeployments);
  }

  // Incidents: what each incident-labelled issue names, against the production deployments above.
  const label = config.incidents.label;
  const incidents =
    label === undefined
      ? []
      : incidentsFromIssues(
          (await listIncidentIssues(db, { label, repos })).map((i) => ({
            repo: i.repo,
            number: i.number,
            title: i.title,
            body: i.body,
            createdAt: i.createdAt,
          })),
          deployments,
        );

  let usageRows =
    scope?.noUsage === true
      ? []
      : await listAttributedUsage(db, scope === undefined ? {} : { fromDay: scope.usageFrom });
  if (scope !== undefined && scope.noUsage !== true && usageRows.length === 0) {
    usageRows = await listAttributedUsage(db, { limit: 1 });
  }
  const usage = usageRows.map(usageRecordOf);

  return MetricsInputSchema.parse({
    changes,
    deployments,
    commitGraphs,
    roster: people.map((p) => ({ id: p.id, teams: p.teams, ...membershipOf.get(p.id) })),
    usage,
    incidents,
    repos,
    reposWithoutDeploymentSignal: withoutSignal,
    config: metricsConfigOf(config),
  });
}

function usageRecordOf(u: Awaited<ReturnType<typeof listAttributedUsage>>[number]): UsageRecord {
  return {
    personId: u.personId ?? "",
    day: u.day,
    tool: u.tool,
    tokensIn: u.tokensIn,
    tokensOut: u.tokensOut,
    cost: u.costUsd,
  };
}

/**
 * The usage records of `range`'s days (both included), as `loadMetricsInput` lists them, for a
 * build that reads usage a range at a time (an index-bounded read: `usage_records_day_idx`).
 */
export async function loadUsageRange(db: Database, range: DayRange): Promise<UsageRecord[]> {
  return (await listAttributedUsage(db, { fromDay: range.from, toDay: range.to })).map(usageRecordOf);
}

/** The repositories the metrics cover (tracked, not archived), in order. */
export async function metricsRepos(db: Database): Promise<string[]> {
  return (await listRepositoryTracking(db))
    .filter((r) => !r.archived)
    .map((r) => r.fullName)
    .sort();
}

/**
 * Each person's roster period from the recorded org memberships: open-ended if any membership is
 * open; otherwise ending at the last departure. Joined at the earliest join (null: a member since
 * before the first discovery). People with no recorded membership (a roster file) are unbounded.
 */
export function membershipPeriods(
  rows: readonly OrgMembership[],
): Map<string, { joinedAt: Date | null; leftAt: Date | null }> {
  const out = new Map<string, { joinedAt: Date | null; leftAt: Date | null }>();
  for (const row of rows) {
    const seen = out.get(row.personId);
    if (seen === undefined) {
      out.set(row.personId, { joinedAt: row.joinedAt, leftAt: row.leftAt });
      continue;
    }
    seen.joinedAt =
      seen.joinedAt === null || row.joinedAt === null
        ? null
        : new Date(Math.min(row.joinedAt.getTime(), seen.joinedAt.getTime()));
    seen.leftAt =
      seen.leftAt === null || row.leftAt === null
        ? null
        : new Date(Math.max(row.leftAt.getTime(), seen.leftAt.getTime()));
  }
  return out;
}

/** Merged pull requests of a scoped load: each repository's from its own `mergedFrom` (oldest first). */
async function listMergedInScope(db: Database, repos: readonly string[], scope: MetricsLoadScope) {
  const whole = repos.filter((r) => !scope.mergedFrom.has(r));
  let from = FAR_FUTURE;
  for (const r of repos) {
    const at = scope.mergedFrom.get(r);
    if (at !== undefined && at < from) from = at;
  }
  const cut = repos.filter((r) => scope.mergedFrom.has(r));
  const rows = [
    ...(await listMergedPullRequests(db, { from: EPOCH, to: FAR_FUTURE, repos: whole })),
    ...(await listMergedPullRequests(db, { from, to: FAR_FUTURE, repos: cut })).filter(
      (m) => m.pullRequest.mergedAt >= (scope.mergedFrom.get(m.pullRequest.repo) as Date),
    ),
  ];
  // The full load's order: merged time, repository, number.
  return rows.sort(
    (a, b) =>
      a.pullRequest.mergedAt.getTime() - b.pullRequest.mergedAt.getTime() ||
      (a.pullRequest.repo < b.pullRequest.repo ? -1 : a.pullRequest.repo > b.pullRequest.repo ? 1 : 0) ||
      a.pullRequest.number - b.pullRequest.number,
  );
}

async function changeRowsInScope(db: Database, repos: readonly string[], scope: MetricsLoadScope) {
  const whole = repos.filter((r) => !scope.mergedFrom.has(r));
  let from = FAR_FUTURE;
  for (const at of scope.mergedFrom.values()) if (at < from) from = at;
  return listChangesMergedSince(db, {
    mergedFrom: from,
    whole,
    ...(scope.repos === undefined ? {} : { repos }),
  });
}
