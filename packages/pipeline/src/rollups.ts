import { createHash } from "node:crypto";
import { repositorySettings } from "@yardstick/config";
import {
  anyUsageImported,
  commitTime,
  type Database,
  earliestMergeAt,
  getSyncCursor,
  getSyncCursors,
  incidentIssueStamps,
  listDeployments,
  listOrgMemberships,
  listPeople,
  listTrackedRepos,
  rowsStoredSince,
  upsertSyncCursor,
} from "@yardstick/db";
import {
  type CommitGraph,
  DeploymentMethod,
  FIGURES_VERSION,
  type MetricsInput,
  restrictToWindow,
  type StoredChanges,
} from "@yardstick/metrics";
import type { RollupDeps } from "./deps.js";
import { loadCommitGraph, type MetricsLoadScope, membershipPeriods, metricsConfigOf } from "./metrics-input.js";
import { BRANCH_STREAM } from "./processors/sync-branch.js";

/**
 * Bookkeeping of the incremental weekly rollups, in sync_cursors (schemas: @yardstick/db sync-state):
 * - scope "weekly_rollups", stream "rollups": `watermark` is the database time up to which
 *   stored rows were rolled up (rows written later have a later `synced_at`/`updated_at`/
 *   `imported_at`), `fingerprint` that of what every figure depends on besides those rows
 *   (metrics configuration, repositories and their deployment settings, attribution rules,
 *   roster), `from`/`to`/`now` the weeks and the `now` of that rollup;
 * - scope <repo>, stream "rollups.head": the branch head the last rollup read (commits have no
 *   sync time: a moved head is how new branch history shows).
 */
export const ROLLUP_SCOPE = "weekly_rollups";
export const ROLLUP_STREAM = "rollups";
export const ROLLUP_HEAD_STREAM = "rollups.head";

export interface RollupCursor {
  watermark: Date;
  fingerprint: string;
  from: string;
  to: string;
  /** `deps.now()` of that rollup (provisional weeks, and which stored changes it could have seen). */
  now: Date;
}

/** The last stored rollup's cursor (null: none, a full recompute); a malformed one throws `SyncCursorError`. */
export async function readRollupCursor(db: Database): Promise<RollupCursor | null> {
  return (await getSyncCursor(db, ROLLUP_SCOPE, ROLLUP_STREAM))?.state ?? null;
}

export async function writeRollupCursor(
  db: Database,
  cursor: RollupCursor,
  heads: ReadonlyMap<string, string | null>,
): Promise<void> {
  const stored = await getSyncCursors(db, [...heads.keys()], ROLLUP_HEAD_STREAM);
  await db.transaction(async (tx) => {
    for (const [repo, head] of heads) {
      if (stored.has(repo) && (stored.get(repo)?.state.head ?? null) === head) continue; // unchanged: no write
      await upsertSyncCursor(tx, { scope: repo, stream: ROLLUP_HEAD_STREAM, state: { head } });
    }
    const { watermark, fingerprint, from, to, now } = cursor;
    await upsertSyncCursor(tx, {
      scope: ROLLUP_SCOPE,
      stream: ROLLUP_STREAM,
      state: { watermark, fingerprint, from, to, now },
      lastRunAt: new Date(),
    });
  });
}

/** Tracked repositories (not archived), sorted. */
export const trackedRepos = listTrackedRepos;

/** The database time up to which stored rows are visible (see `changeHorizon` in @yardstick/db). */
export { changeHorizon } from "@yardstick/db";

/**
 * What every figure depends on besides the rows with a change time: when it differs from the
 * last rollup's, the rollup is a full recompute.
 */
export async function rollupFingerprint(deps: RollupDeps): Promise<string> {
  const repos = await trackedRepos(deps.db);
  const people = await listPeople(deps.db);
  const hash = createHash("sha256");
  hash.update(
    JSON.stringify({
      // A new shape of the stored figures (fields added) recomputes every stored week once.
      figures: FIGURES_VERSION,
      metrics: metricsConfigOf(deps.config),
      rules: deps.rules.version,
      repos: repos.map((r) => ({ ...r, settings: repositorySettings(deps.config, r.name) })),
      people,
      // Who was on the roster when, and what incident issues say: rare changes that can move any
      // past week, so they take the full recompute.
      memberships: [...membershipPeriods(await listOrgMemberships(deps.db))],
      incidents: await incidentStamps(deps),
      // Whether any usage was imported decides whether every group-week's token flags are known.
      usageImported: await anyUsageImported(deps.db),
    }),
  );
  return hash.digest("hex");
}

/**
 * Each incident issue's identity and last update (what the metrics read from them changes with
 * these): three columns, not the titles and bodies, since every rollup run computes it.
 */
async function incidentStamps(deps: RollupDeps): Promise<string[]> {
  const label = deps.config.incidents.label;
  return label === undefined ? [] : incidentIssueStamps(deps.db, label);
}

/** Each tracked repository's branch head as synced now (null: no branch history yet). */
export function branchHeads(db: Database, repos: readonly string[]): Promise<Map<string, string | null>> {
  return headsOf(db, repos, BRANCH_STREAM);
}

/** The branch heads the last stored rollup read (sync_cursors, stream "rollups.head"). */
export function rolledUpHeads(db: Database, repos: readonly string[]): Promise<Map<string, string | null>> {
  return headsOf(db, repos, ROLLUP_HEAD_STREAM);
}

/** Each repository's head commit as `stream` recorded it (null: none), in one query. */
async function headsOf(
  db: Database,
  repos: readonly string[],
  stream: typeof BRANCH_STREAM | typeof ROLLUP_HEAD_STREAM,
): Promise<Map<string, string | null>> {
  const cursors = await getSyncCursors(db, repos, stream);
  return new Map(repos.map((repo) => [repo, cursors.get(repo)?.state.head ?? null]));
}

const EPOCH = new Date(0);

/**
 * The stored rows changed since the last rollup, as `touchedGroupWeeks` takes them: per
 * repository the earliest time of what changed (new or edited pull requests by merge time,
 * changes re-attributed by merge time, new deployments or statuses by creation time, a moved
 * branch head by the old head's commit time), changes that may have counted for someone else
 * before, and imported usage.
 */
export async function storedChangesSince(
  db: Database,
  cursor: Pick<RollupCursor, "watermark" | "now">,
  heads: ReadonlyMap<string, string | null>,
  /** The heads the compared rollup read (default: the last stored rollup's, in sync_cursors). */
  previousHeads?: ReadonlyMap<string, string | null>,
): Promise<Required<StoredChanges>> {
  const repos = new Map<string, Date>();
  const mark = (repo: string, at: Date) => {
    const current = repos.get(repo);
    if (current === undefined || at < current) repos.set(repo, at);
  };
  const stored = await rowsStoredSince(db, cursor.watermark);
  for (const row of stored.pullRequests) if (row.earliestMerge !== null) mark(row.repo, row.earliestMerge);
  // A change row updated since: a new change, or an existing one re-attributed. One merged before
  // the last rollup's `now` may have counted for another person then.
  const recredited: string[] = [];
  for (const row of stored.changes) {
    mark(row.repo, row.mergedAt);
    if (row.mergedAt < cursor.now) recredited.push(row.key);
  }
  for (const row of stored.deployments) if (row.earliestCreated !== null) mark(row.repo, row.earliestCreated);

  const beforeHeads = previousHeads ?? (await rolledUpHeads(db, [...heads.keys()]));
  for (const [repo, head] of heads) {
    const before = beforeHeads.get(repo) ?? null;
    if (head === before) continue;
    if (before === null) {
      mark(repo, EPOCH);
      continue;
    }
    mark(repo, (await commitTime(db, repo, before)) ?? EPOCH);
  }

  const usage = stored.usage;
  return { repos, recredited, usage };
}

/**
 * What to read for a window starting at `windowStart`: per repository, the pull requests from
 * the earliest one `restrictToWindow` keeps (merged in the window, or landing on the branch
 * above the environments' last deployments before it); repositories kept whole (merge-is-deploy,
 * no deployment before the window, ...) are left out of `mergedFrom`, so read whole.
 */
export async function loadScopeFor(
  deps: RollupDeps,
  repos: readonly string[],
  windowStart: Date,
  usageFrom: string,
): Promise<MetricsLoadScope> {
  const { db, config } = deps;
  const deployments: MetricsInput["deployments"] = [];
  const byRepo = new Map<string, MetricsInput["deployments"]>();
  const graphs: Record<string, CommitGraph> = {};
  const whole = new Set<string>();
  for (const repo of repos) {
    const method = DeploymentMethod.parse(repositorySettings(config, repo).deployment);
    if (method.method === "merge") {
      whole.add(repo); // its deployments are its merges: read them all
      continue;
    }
    const list = await listDeployments(db, { repo });
    byRepo.set(repo, list);
    deployments.push(...list);
    const graph = await loadCommitGraph(db, repo);
    if (graph !== undefined) graphs[repo] = graph;
  }
  const skeleton = restrictToWindow(
    {
      changes: [],
      deployments,
      commitGraphs: graphs,
      roster: [],
      usage: [],
      incidents: [],
      repos: [...repos],
      reposWithoutDeploymentSignal: [],
      config: metricsConfigOf(config),
    },
    windowStart,
    usageFrom,
  );
  for (const repo of skeleton.fullRepos) whole.add(repo);
  const mergedFrom = new Map<string, Date>();
  for (const repo of repos) {
    if (whole.has(repo)) continue;
    let from = windowStart;
    const graph = skeleton.input.commitGraphs[repo];
    if (graph !== undefined && deployments.some((d) => d.repo === repo)) {
      const chain: string[] = [];
      const seen = new Set<string>();
      for (
        let sha: string | undefined = graph.head;
        sha !== undefined && !seen.has(sha);
        sha = graph.parents[sha]?.[0]
      ) {
        seen.add(sha);
        chain.push(sha);
      }
      // Changes landing there (pull requests by merge commit, direct pushes by their commit).
      const at = await earliestMergeAt(db, repo, chain);
      if (at !== null && at < from) from = at;
    }
    mergedFrom.set(repo, from);
  }
  // Read once: the scoped load takes them from here.
  return { mergedFrom, usageFrom, commitGraphs: graphs, deployments: byRepo };
}
