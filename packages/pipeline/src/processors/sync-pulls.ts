import {
  ensureRepositories,
  getSyncCursor,
  linkPullRequestCommits,
  upsertCommits,
  upsertPullRequests,
  upsertSyncCursor,
} from "@yardstick/db";
import { mergedPullRequests } from "@yardstick/github";
import type { Jobs } from "../catalog.js";
import { backfillStart, type PipelineDeps, splitRepo, trackedBranchOf } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { defaultBranchOf } from "./repo-info.js";

/** Completed passes: `updatedSince` is the high-water mark the next pass stops at. */
export const PULLS_STREAM = "pull_requests";
/** The pass under way: `endCursor` to resume after a crash, `updatedSince` = the pass's newest update. */
export const PULLS_PASS_STREAM = "pull_requests.pass";

/**
 * Incremental sync of a repository's merged pull requests with their commits and files, one
 * GitHub page per transaction. The pass cursor is written in the same transaction as the page's
 * data, so a crash repeats a page and never skips one; the high-water mark moves only when the
 * pass ends. A repeated sync with nothing new costs one request.
 */
export async function syncPulls(
  payload: PayloadOf<Jobs, "sync.pulls">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  await ensureRepositories(deps.db, [repo]);
  const done = await getSyncCursor(deps.db, repo, PULLS_STREAM);
  const pass = await getSyncCursor(deps.db, repo, PULLS_PASS_STREAM);
  const updatedSince = done?.updatedSince ?? backfillStart(deps, payload.since);
  const resumeAfter = pass?.endCursor ?? null;
  let passNewest = resumeAfter === null ? null : (pass?.updatedSince ?? null);
  const baseRef = trackedBranchOf(deps.config, repo, await defaultBranchOf(deps.db, repo));
  let total = 0;

  for await (const page of mergedPullRequests(deps.github, {
    ...splitRepo(repo),
    ...(baseRef === undefined ? {} : { baseRef }),
    updatedSince,
    after: resumeAfter,
  })) {
    const newest = page.cursor.maxUpdatedAt;
    if (newest !== null && (passNewest === null || newest > passNewest)) passNewest = newest;
    await deps.db.transaction(async (tx) => {
      await upsertPullRequests(tx, page.pullRequests);
      await upsertCommits(tx, page.commits);
      await linkPullRequestCommits(
        tx,
        page.pullRequests.map((pr) => ({ repo: pr.repo, number: pr.number, commitShas: pr.commitShas })),
      );
      await upsertSyncCursor(tx, {
        scope: repo,
        stream: PULLS_PASS_STREAM,
        endCursor: page.done ? null : page.cursor.endCursor,
        updatedSince: passNewest,
        lastRunAt: deps.now(),
      });
      if (page.done) {
        await upsertSyncCursor(tx, {
          scope: repo,
          stream: PULLS_STREAM,
          updatedSince: passNewest ?? updatedSince,
          lastRunAt: deps.now(),
          lastError: null,
        });
      }
    });
    total += page.pullRequests.length;
    context.logger.info(
      { repo, pullRequests: page.pullRequests.length, points: page.cost.graphqlPoints },
      "page synced",
    );
    deps.onProgress?.({
      kind: "page",
      repo,
      stream: PULLS_STREAM,
      items: page.pullRequests.length,
      points: page.cost.graphqlPoints,
      remaining: page.rateLimit?.remaining ?? null,
    });
  }
  deps.onProgress?.({ kind: "done", repo, stream: PULLS_STREAM });
  context.logger.info({ repo, pullRequests: total }, "pull requests synced");
  await context.enqueue("attribute.changes", { repo, runId: payload.runId });
}
