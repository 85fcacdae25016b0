import {
  getSyncCursor,
  listPullRequestsWithoutDiffsPages,
  storePullRequestDiffs,
  upsertSyncCursor,
} from "@yardstick/db";
import { type GitRepoMirror, GitUnavailable, type PullRequestPatches, pullRequestPatches } from "@yardstick/github";
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

/** Pull requests read from the database at once (PipelineDeps.pageSize overrides it). */
export const PULL_DIFFS_PAGE = 500;

/**
 * Reads the patches of a repository's pull requests where they can flip the trivial verdict
 * (metrics `isPatchCandidate`: above `trivialMaxLines` but within 4 times it, or named as
 * formatting with balanced additions and deletions), one REST request per 100 files, and stores
 * per file what they say (whitespace-free lines, formatting only). Looks only at pull requests
 * synced since its last run whose patches were never read, so an unchanged re-sync costs nothing,
 * in pages of PULL_DIFFS_PAGE by number (never the whole repository's list: issue 18), and reads
 * at most `MAX_READS_PER_RUN` over REST a run; a PR's result is written as soon as it is read, so
 * a retry goes on where it stopped. Then attributes the repository's changes (enqueued by
 * sync.pulls through this job, so that the rollups that follow see the patches).
 */
export async function syncPullDiffs(
  payload: PayloadOf<Jobs, "sync.pull-diffs">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  const mark = (await getSyncCursor(deps.db, repo, PULL_DIFFS_STREAM))?.state.mark ?? null;
  const isIgnored = compileGlobs(deps.config.thresholds.trivialIgnore);
  const maxLines = deps.config.thresholds.trivialMaxLines;
  const git = new PageMirror(deps, context, repo);
  let newest = mark;
  let considered = 0;
  let read = 0;
  let requests = 0;
  let overGit = 0;
  // Over the REST cap: the rest waits for the next run, which looks at the same window again
  // (the mark stays: the pages go by number, so rows not looked at may be older than those that
  // were; those read meanwhile are skipped, having their patches).
  let capped = false;
  for await (const page of listPullRequestsWithoutDiffsPages(deps.db, {
    repo,
    syncedAfter: mark === null ? null : new Date(mark.getTime() - OVERLAP_MS),
    pageSize: deps.pageSize ?? PULL_DIFFS_PAGE,
  })) {
    const candidates: typeof page = [];
    for (const pr of page) {
      // REST reads are capped a run (a backfill's candidates over several runs: attribution,
      // enqueued below, does not wait hours for the REST budget); Git reads are not.
      if (deps.git === null && read + candidates.length >= MAX_READS_PER_RUN) {
        capped = true;
        break;
      }
      considered += 1;
      if (newest === null || pr.syncedAt > newest) newest = pr.syncedAt;
      if (isPatchCandidate({ ...pr, formatOnly: false }, isIgnored, maxLines)) candidates.push(pr);
    }
    const fromGit = await git.patches(candidates);
    for (const pr of candidates) {
      let patches = fromGit.get(pr.number);
      if (patches === undefined) {
        if (read >= MAX_READS_PER_RUN) {
          capped = true;
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
    if (capped) break;
  }
  if (!capped && newest !== null && newest !== mark) {
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
    { repo, considered, read: read + overGit, overGit, restRequests: requests, capped },
    "pull request patches read",
  );
  await context.enqueue("attribute.changes", { repo, runId: payload.runId });
}

/**
 * The candidates' patches read from the repository's clone (`github.git.enabled`), a page of
 * candidates at a time: the clone is fetched (or cloned) once a run, at the first page with
 * candidates; then for each page the blobs of every candidate's diff are fetched in one request
 * and each merged PR's change (`mergeCommitSha` against its first parent, or before its rebased
 * commits) diffed locally. PRs it cannot read (not merged, history before a shallow clone's start,
 * Git refused or failing) are left out: the caller reads them over REST (once Git fails, every
 * later page of the run too).
 */
class PageMirror {
  #mirror: GitRepoMirror | null | undefined;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly context: JobContext<Jobs>,
    private readonly repo: string,
  ) {
    if (deps.git === null) this.#mirror = null;
  }

  async patches(
    candidates: readonly {
      number: number;
      mergeCommitSha: string | null;
      mergeMethod: string | null;
      commitMessages: readonly string[];
    }[],
  ): Promise<Map<number, PullRequestPatches>> {
    const out = new Map<number, PullRequestPatches>();
    if (this.#mirror === null || this.deps.git === null || candidates.length === 0) return out;
    try {
      this.#mirror ??= await this.deps.git.open(this.repo, gitCloneSince(this.deps));
      const mirror = this.#mirror;
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
      this.context.logger.warn({ repo: this.repo, reason: e.message }, "git unavailable: patches over REST");
      this.#mirror = null;
      out.clear();
    }
    return out;
  }
}
