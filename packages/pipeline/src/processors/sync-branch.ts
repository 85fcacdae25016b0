import { repositorySettings } from "@yardstick/config";
import type { Commit } from "@yardstick/core";
import {
  defaultBranchOf,
  ensureRepositories,
  getCommits,
  getSyncCursor,
  upsertCommits,
  upsertSyncCursor,
} from "@yardstick/db";
import { branchHistory, commitsByOid, type GitHistory, GitUnavailable } from "@yardstick/github";
import type { Jobs } from "../catalog.js";
import { backfillStart, gitCloneSince, type PipelineDeps, splitRepo } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { storeEach } from "../quarantine.js";

/** `newestCommitAt`: newest commit date read; `head`: the branch head sha (the commit graph's head). */
export const BRANCH_STREAM = "branch";

/** Commits of a Git-read history looked up in the database (and, if missing there, in GraphQL) per step. */
const GIT_HISTORY_CHUNK = 1_000;

/**
 * The tracked (default) branch's history with parents: the commit graph that linking walks. The
 * first sync reaches back over the backfill window plus the first deployment's look-back; later
 * syncs read only newer commits. Commits are upserted page by page (idempotent); the cursor moves
 * when the pass ends, so a crash repeats the pass and skips nothing.
 *
 * With `github.git.enabled` the history (shas, parents, dates) is read from the repository's
 * clone for no API budget; of its commits, those the pull-request stream stored take their
 * parents from it, and only the others (direct pushes, a rebase merge's replayed commits, history
 * before the backfill) are read from GraphQL for what Git lacks (the accounts GitHub linked to
 * the authors), 100 commits a point. Git refused or failing, or a shallow clone that does not
 * reach back far enough: the GraphQL history, as without Git.
 */
export async function syncBranch(
  payload: PayloadOf<Jobs, "sync.branch">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  await ensureRepositories(deps.db, [repo]);
  const cursor = await getSyncCursor(deps.db, repo, BRANCH_STREAM);
  const lookbackMs = deps.config.thresholds.lookbackWeeks * 7 * 86_400_000;
  const since = cursor?.state.newestCommitAt ?? new Date(backfillStart(deps, null).getTime() - lookbackMs);
  const read =
    (await historyFromGit(deps, context, repo, since)) ?? (await historyFromGraphql(deps, context, repo, since));
  const { head, newest, total } = read;
  await upsertSyncCursor(deps.db, {
    scope: repo,
    stream: BRANCH_STREAM,
    state: { newestCommitAt: newest ?? since, head: head ?? cursor?.state.head ?? null },
    lastRunAt: deps.now(),
  });
  context.logger.info({ repo, commits: total, head, overGit: read.overGit }, "branch history synced");
  // Trunk-based repositories: the new history may hold direct pushes, which attribution turns into changes.
  if (repositorySettings(deps.config, repo).directPushes && total > 0)
    await context.enqueue("attribute.changes", { repo, runId: `${payload.runId}.branch` });
  if (payload.deployments !== false)
    await context.enqueue("sync.deployments", {
      repo,
      runId: payload.runId,
      marker: payload.deploymentsMarker ?? null,
    });
}

interface HistoryRead {
  head: string | null;
  newest: Date | null;
  total: number;
  overGit: boolean;
}

async function storeCommits(
  deps: PipelineDeps,
  context: JobContext<Jobs>,
  commits: readonly Commit[],
  points: number,
  remaining: number | null,
  repo: string,
): Promise<void> {
  await storeEach(
    deps.db,
    commits,
    {
      kind: "commit",
      scopeOf: (c) => c.repo,
      keyOf: (c) => c.sha,
      now: deps.now(),
      store: async (db, batch) => void (await upsertCommits(db, batch)),
    },
    context.logger,
  );
  deps.onProgress?.({ kind: "page", repo, stream: BRANCH_STREAM, items: commits.length, points, remaining });
}

async function historyFromGraphql(
  deps: PipelineDeps,
  context: JobContext<Jobs>,
  repo: string,
  since: Date,
): Promise<HistoryRead> {
  let head: string | null = null;
  let newest: Date | null = null;
  let total = 0;
  for await (const page of branchHistory(deps.github, { ...splitRepo(repo), since })) {
    const first = page.commits[0];
    if (head === null && first !== undefined) {
      head = first.sha;
      newest = first.committedAt;
    }
    await storeCommits(deps, context, page.commits, page.cost.graphqlPoints, page.rateLimit?.remaining ?? null, repo);
    total += page.commits.length;
  }
  return { head, newest, total, overGit: false };
}

/**
 * The history from the clone: null when Git cannot give all of it (refused, failing, no default
 * branch known or in the clone, a shallow edge inside the window), so the caller reads GraphQL.
 */
async function historyFromGit(
  deps: PipelineDeps,
  context: JobContext<Jobs>,
  repo: string,
  since: Date,
): Promise<HistoryRead | null> {
  if (deps.git === null) return null;
  const branch = await defaultBranchOf(deps.db, repo);
  if (branch === null) return null;
  let history: GitHistory;
  try {
    const mirror = await deps.git.open(repo, gitCloneSince(deps));
    history = await mirror.history(branch, since);
  } catch (e) {
    if (!(e instanceof GitUnavailable)) throw e;
    context.logger.warn({ repo, reason: e.message }, "git unavailable: branch history over GraphQL");
    return null;
  }
  if (history.head === null || !history.complete) {
    context.logger.warn(
      { repo, branch, head: history.head, complete: history.complete },
      "the clone does not hold the branch's whole window: branch history over GraphQL",
    );
    return null;
  }
  const parents = new Map(history.commits.map((c) => [c.sha, c.parents]));
  const unknown: string[] = [];
  for (let i = 0; i < history.commits.length; i += GIT_HISTORY_CHUNK) {
    const shas = history.commits.slice(i, i + GIT_HISTORY_CHUNK).map((c) => c.sha);
    // Stored by the pull-request stream (PR commits, merge and squash commits): the graph's parents only.
    const stored = await getCommits(deps.db, repo, shas);
    const known = new Set(stored.map((c) => c.sha));
    await storeCommits(
      deps,
      context,
      stored.map((c) => ({ ...c, parents: [...(parents.get(c.sha) ?? c.parents)] })),
      0,
      null,
      repo,
    );
    unknown.push(...shas.filter((sha) => !known.has(sha)));
  }
  // The others, in full queries of 100 (1 point each) across the whole history.
  let lookedUp = 0;
  for await (const page of commitsByOid(deps.github, { ...splitRepo(repo), oids: unknown, parents })) {
    if (page.missing.length > 0)
      context.logger.warn({ repo, missing: page.missing.slice(0, 5) }, "commits of the clone GitHub does not find");
    lookedUp += page.commits.length;
    await storeCommits(deps, context, page.commits, page.cost.graphqlPoints, page.rateLimit?.remaining ?? null, repo);
  }
  const first = history.commits[0];
  context.logger.debug({ repo, commits: history.commits.length, lookedUp }, "branch history read from git");
  return {
    head: first?.sha ?? null,
    newest: first?.committedAt ?? null,
    total: history.commits.length,
    overGit: true,
  };
}
