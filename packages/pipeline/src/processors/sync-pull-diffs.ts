import { getSyncCursor, listPullRequestsWithoutDiffs, storePullRequestDiffs, upsertSyncCursor } from "@yardstick/db";
import { pullRequestPatches } from "@yardstick/github";
import { compileGlobs, filePatchStat, isPatchCandidate } from "@yardstick/metrics";
import type { Jobs } from "../catalog.js";
import { type PipelineDeps, splitRepo } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";

/** `updatedSince`: the newest `synced_at` among the pull requests the last run considered. */
export const PULL_DIFFS_STREAM = "pull_requests.diffs";

/** At most this many pull requests' patches are read per repository and run. */
export const MAX_READS_PER_RUN = 250;

/** Rows synced this long before the stream's mark are looked at again (a page committed late). */
const OVERLAP_MS = 10 * 60_000;

/**
 * Reads the patches of a repository's pull requests where they can flip the trivial verdict
 * (metrics `isPatchCandidate`: above `trivialMaxLines` but within 4 times it, or named as
 * formatting with balanced additions and deletions), one REST request per 100 files, and stores
 * per file what they say (whitespace-free lines, formatting only). Looks only at pull requests
 * synced since its last run whose patches were never read, so an unchanged re-sync costs nothing,
 * and reads at most `MAX_READS_PER_RUN` a run;
 * a PR's result is written as soon as it is read, so a retry goes on where it stopped. Then
 * attributes the repository's changes (enqueued by sync.pulls through this job, so that the
 * rollups that follow see the patches).
 */
export async function syncPullDiffs(
  payload: PayloadOf<Jobs, "sync.pull-diffs">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  const mark = (await getSyncCursor(deps.db, repo, PULL_DIFFS_STREAM))?.updatedSince ?? null;
  const rows = await listPullRequestsWithoutDiffs(
    deps.db,
    repo,
    mark === null ? null : new Date(mark.getTime() - OVERLAP_MS),
  );
  const isIgnored = compileGlobs(deps.config.thresholds.trivialIgnore);
  const maxLines = deps.config.thresholds.trivialMaxLines;
  let newest = mark;
  let read = 0;
  let requests = 0;
  for (const pr of rows) {
    // A backfill's candidates over several runs: attribution (enqueued below) does not wait hours
    // for the REST budget. The rest are next run's (the mark stops at the last row looked at).
    if (read >= MAX_READS_PER_RUN) break;
    if (newest === null || pr.syncedAt > newest) newest = pr.syncedAt;
    if (!isPatchCandidate({ ...pr, formatOnly: false }, isIgnored, maxLines)) continue;
    const patches = await pullRequestPatches(deps.github, {
      ...splitRepo(repo),
      number: pr.number,
      changedFiles: pr.changedFiles,
    });
    requests += patches.restRequests;
    read += 1;
    await storePullRequestDiffs(deps.db, repo, pr.number, {
      files: patches.files.map(filePatchStat),
      complete: patches.complete,
      readAt: deps.now(),
    });
  }
  if (newest !== null && newest !== mark) {
    await upsertSyncCursor(deps.db, {
      scope: repo,
      stream: PULL_DIFFS_STREAM,
      updatedSince: newest,
      lastRunAt: deps.now(),
    });
  }
  if (read > 0) {
    deps.onProgress?.({ kind: "page", repo, stream: PULL_DIFFS_STREAM, items: read, points: 0, remaining: null });
  }
  context.logger.info({ repo, considered: rows.length, read, restRequests: requests }, "pull request patches read");
  await context.enqueue("attribute.changes", { repo, runId: payload.runId });
}
