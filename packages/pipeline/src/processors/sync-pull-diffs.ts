import { getSyncCursor, listPullRequestsWithoutDiffs, storePullRequestDiffs, upsertSyncCursor } from "@yardstick/db";
import { GitUnavailable, type PullRequestPatches, pullRequestPatches } from "@yardstick/github";
import { compileGlobs, filePatchStat, isPatchCandidate } from "@yardstick/metrics";
import type { Jobs } from "../catalog.js";
import { gitCloneSince, type PipelineDeps, splitRepo } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";

/** `mark`: the newest `synced_at` among the pull requests the last run considered. */
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
  const mark = (await getSyncCursor(deps.db, repo, PULL_DIFFS_STREAM))?.state.mark ?? null;
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
  let overGit = 0;
  const candidates: typeof rows = [];
  for (const pr of rows) {
    // REST reads are capped a run (a backfill's candidates over several runs: attribution, enqueued
    // below, does not wait hours for the REST budget); Git reads are not. The rest are next run's
    // (the mark stops at the last row looked at).
    if (read >= MAX_READS_PER_RUN && deps.git === null) break;
    if (newest === null || pr.syncedAt > newest) newest = pr.syncedAt;
    if (!isPatchCandidate({ ...pr, formatOnly: false }, isIgnored, maxLines)) continue;
    candidates.push(pr);
    read += 1;
  }
  const fromGit = await gitPatches(deps, context, repo, candidates);
  read = 0;
  for (const pr of candidates) {
    let patches = fromGit.get(pr.number);
    if (patches === undefined) {
      if (read >= MAX_READS_PER_RUN) {
        // Over the REST cap: this PR and the ones after it wait for the next run.
        newest = new Date(pr.syncedAt.getTime() - 1);
        break;
      }
      patches = await pullRequestPatches(deps.github, {
        ...splitRepo(repo),
        number: pr.number,
        changedFiles: pr.changedFiles,
      });
      requests += patches.restRequests;
      read += 1;
    } else overGit += 1;
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
      state: { mark: newest },
      lastRunAt: deps.now(),
    });
  }
  if (read + overGit > 0) {
    deps.onProgress?.({
      kind: "page",
      repo,
      stream: PULL_DIFFS_STREAM,
      items: read + overGit,
      points: 0,
      remaining: null,
    });
  }
  context.logger.info(
    { repo, considered: rows.length, read: read + overGit, overGit, restRequests: requests },
    "pull request patches read",
  );
  await context.enqueue("attribute.changes", { repo, runId: payload.runId });
}

/**
 * The candidates' patches read from the repository's clone (`github.git.enabled`): fetched (or
 * cloned), the blobs of every candidate's diff fetched in one request, then each merged PR's
 * change (`mergeCommitSha` against its first parent, or before its rebased commits) diffed
 * locally. PRs it cannot read (not merged, history before a shallow clone's start, Git refused or
 * failing) are left out: the caller reads them over REST.
 */
async function gitPatches(
  deps: PipelineDeps,
  context: JobContext<Jobs>,
  repo: string,
  candidates: readonly {
    number: number;
    mergeCommitSha: string | null;
    mergeMethod: string | null;
    commitMessages: readonly string[];
  }[],
): Promise<Map<number, PullRequestPatches>> {
  const out = new Map<number, PullRequestPatches>();
  if (deps.git === null || candidates.length === 0) return out;
  try {
    const mirror = await deps.git.open(repo, gitCloneSince(deps));
    const ranges: { number: number; base: string; head: string; single: boolean }[] = [];
    const merged = candidates.filter((pr) => pr.mergeCommitSha !== null);
    const revs = merged.flatMap((pr) => {
      const change = {
        mergeCommitSha: pr.mergeCommitSha as string,
        mergeMethod: pr.mergeMethod as "merge" | "squash" | "rebase" | null,
        commitCount: pr.commitMessages.length,
      };
      return [mirror.base(change), change.mergeCommitSha];
    });
    const resolved = await mirror.resolve(revs);
    merged.forEach((pr, i) => {
      const base = resolved[2 * i];
      const head = resolved[2 * i + 1];
      // One commit against its first parent (squash, merge): read with the others in one process.
      const single = pr.mergeMethod !== "rebase" || pr.commitMessages.length <= 1;
      if (base && head) ranges.push({ number: pr.number, base, head, single });
    });
    if (ranges.length === 0) return out;
    await mirror.prefetch(ranges);
    const batch = await mirror.commitPatches(ranges.filter((r) => r.single).map((r) => r.head));
    for (const r of ranges) {
      const patches = r.single ? batch.get(r.head) : await mirror.patches(r.base, r.head);
      if (patches !== undefined) out.set(r.number, patches);
    }
  } catch (e) {
    if (!(e instanceof GitUnavailable)) throw e;
    context.logger.warn({ repo, reason: e.message }, "git unavailable: patches over REST");
    out.clear();
  }
  return out;
}
