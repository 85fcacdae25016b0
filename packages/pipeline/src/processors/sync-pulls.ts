import { repositorySettings } from "@yardstick/config";
import {
  defaultBranchOf,
  ensureRepositories,
  getSyncCursor,
  linkPullRequestCommits,
  upsertCommits,
  upsertPullRequests,
  upsertSyncCursor,
} from "@yardstick/db";
import {
  type FileNode,
  type FilesRequest,
  type GitRepoMirror,
  GitUnavailable,
  mergedPullRequests,
  RawNumstatParseError,
  type RepositoryMarkers,
} from "@yardstick/github";
import type { Jobs } from "../catalog.js";
import { backfillStart, gitCloneSince, type PipelineDeps, splitRepo, trackedBranchOf } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { storeEach } from "../quarantine.js";
import { BRANCH_STREAM } from "./sync-branch.js";
import { DEPLOYMENTS_STREAM } from "./sync-deployments.js";
import { incidentsStream } from "./sync-incidents.js";

/**
 * Completed passes: `highWaterMark` is where the next pass stops; `seenAtMark` lists the PRs
 * stored as they were at that mark, which the next pass skips (schema: @yardstick/db sync-state).
 */
export const PULLS_STREAM = "pull_requests";
/** The pass under way: `resumeAfter` to resume after a crash, `newest` = the pass's newest update. */
export const PULLS_PASS_STREAM = "pull_requests.pass";

/** At most this many PRs at the high-water mark are remembered (the rest are read again, harmlessly). */
const MAX_SEEN_AT_MARK = 50;

/**
 * A stored deployment marker older than this is read again even when GitHub's newest items look
 * the same: the marker covers the newest 10 deployments, releases or tags and their count, so a
 * status given late to an older deployment (without a webhook) is picked up within a day.
 */
export const MARKER_MAX_AGE_MS = 24 * 3_600_000;

/**
 * Incremental sync of a repository's merged pull requests with their commits and files, one
 * GitHub page per transaction. The pass cursor is written in the same transaction as the page's
 * data, so a crash repeats a page and never skips one; the high-water mark moves only when the
 * pass ends.
 *
 * The pass's first query also reads the repository's markers (default-branch head, newest
 * deployments, releases and tags) at no extra point; the branch and deployment syncs are enqueued
 * only when theirs differ from what their last read stored. So a repeated sync with nothing new
 * costs one request per repository.
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
  const updatedSince = done?.state.highWaterMark ?? backfillStart(deps, payload.since);
  const seenAtSince = done?.state.seenAtMark ?? [];
  const resumeAfter = pass?.state.resumeAfter ?? null;
  let passNewest = resumeAfter === null ? null : (pass?.state.newest ?? null);
  const baseRef = trackedBranchOf(deps.config, repo, await defaultBranchOf(deps.db, repo));
  let total = 0;
  let followed = false;

  for await (const page of mergedPullRequests(deps.github, {
    ...splitRepo(repo),
    ...(baseRef === undefined ? {} : { baseRef }),
    updatedSince,
    after: resumeAfter,
    seenAtSince,
    markers: true,
    ...(deps.git === null ? {} : { filesFrom: filesFromClone(deps, context, repo) }),
  })) {
    const newest = page.cursor.maxUpdatedAt;
    if (newest !== null && (passNewest === null || newest > passNewest)) passNewest = newest;
    // The PRs at the high-water mark are known when this run read the pass from its first page.
    const seenAtNewest =
      resumeAfter === null && newest !== null && passNewest?.getTime() === newest.getTime()
        ? page.cursor.atMaxUpdated
        : [];
    await deps.db.transaction(async (tx) => {
      // A PR with its commits is one record: stored together, or quarantined together.
      const commitsBySha = new Map(page.commits.map((c) => [c.sha, c]));
      await storeEach(
        tx,
        page.pullRequests,
        {
          kind: "pull_request",
          scopeOf: (pr) => pr.repo,
          keyOf: (pr) => String(pr.number),
          now: deps.now(),
          async store(db, prs) {
            await upsertPullRequests(db, prs);
            const shas = new Set(
              prs.flatMap((pr) => [...pr.commitShas, ...(pr.mergeCommitSha ? [pr.mergeCommitSha] : [])]),
            );
            await upsertCommits(
              db,
              [...shas].flatMap((sha) => commitsBySha.get(sha) ?? []),
            );
            await linkPullRequestCommits(
              db,
              prs.map((pr) => ({ repo: pr.repo, number: pr.number, commitShas: pr.commitShas })),
            );
          },
        },
        context.logger,
      );
      await upsertSyncCursor(tx, {
        scope: repo,
        stream: PULLS_PASS_STREAM,
        state: { resumeAfter: page.done ? null : page.cursor.endCursor, newest: passNewest },
        lastRunAt: deps.now(),
      });
      if (page.done) {
        await upsertSyncCursor(tx, {
          scope: repo,
          stream: PULLS_STREAM,
          state: {
            highWaterMark: passNewest ?? updatedSince,
            seenAtMark: passNewest === null ? seenAtSince : seenAtNewest.slice(0, MAX_SEEN_AT_MARK),
          },
          lastRunAt: deps.now(),
          lastError: null,
        });
      }
    });
    if (!followed && page.markers !== undefined) {
      followed = true;
      await enqueueChangedStreams(repo, page.markers, payload.runId, context, deps);
    }
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
  // The patches that can flip a trivial verdict first; sync.pull-diffs then enqueues attribute.changes.
  await context.enqueue("sync.pull-diffs", { repo, runId: payload.runId });
}

/**
 * With `github.git.enabled`, the pull-request stream leaves `files` out of its query (60 PRs a
 * point instead of 40) and reads each page's per-file counts from the repository's clone, opened
 * (cloned or fetched) on the first page that has PRs. A clone Git refuses or fails: null, and the
 * stream asks GitHub for the files as without Git. Output git's parser does not understand: that
 * page's files from GitHub.
 */
function filesFromClone(
  deps: PipelineDeps,
  context: JobContext<Jobs>,
  repo: string,
): (requests: readonly FilesRequest[]) => Promise<Map<number, FileNode[]> | null> {
  let mirror: Promise<GitRepoMirror> | null = null;
  let unavailable = false;
  return async (requests) => {
    if (deps.git === null || unavailable) return null;
    try {
      mirror ??= deps.git.open(repo, gitCloneSince(deps));
      return await (await mirror).pullRequestFiles(requests);
    } catch (e) {
      if (e instanceof RawNumstatParseError) {
        context.logger.warn(
          { repo, reason: e.message },
          "git file counts not understood: this page's files from GitHub",
        );
        return new Map();
      }
      if (!(e instanceof GitUnavailable)) throw e;
      unavailable = true;
      context.logger.warn({ repo, reason: e.message }, "git unavailable: pull request files from GitHub");
      return null;
    }
  };
}

/** The marker of the stream a deployment method reads; null when it must always be read (workflow runs: conditional REST). */
export function deploymentMarkerOf(method: string, markers: RepositoryMarkers): string | null {
  switch (method) {
    case "deployments":
      return `deployments:${markers.deployments}`;
    case "releases":
      return `releases:${markers.releases}`;
    case "tags":
      return `tags:${markers.tags}`;
    case "merge":
      return "merge"; // read nothing from GitHub: derived from the merges
    default:
      return null;
  }
}

/** Enqueues the branch-history and deployment syncs whose markers moved since their last read. */
async function enqueueChangedStreams(
  repo: string,
  markers: RepositoryMarkers,
  runId: string,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const method = repositorySettings(deps.config, repo).deployment.method;
  const marker = deploymentMarkerOf(method, markers);
  const storedDeployments = await getSyncCursor(deps.db, repo, DEPLOYMENTS_STREAM);
  const fresh =
    storedDeployments?.lastRunAt != null &&
    deps.now().getTime() - storedDeployments.lastRunAt.getTime() < MARKER_MAX_AGE_MS;
  const deploymentsChanged = marker === null || !fresh || storedDeployments?.state.marker !== marker;
  const storedHead = (await getSyncCursor(deps.db, repo, BRANCH_STREAM))?.state.head ?? null;
  const branchChanged = markers.head !== null && markers.head !== storedHead;
  // Incident issues (only with `incidents.label`): read when the repository's issues moved.
  const issuesMarker = `issues:${markers.issues}`;
  const label = deps.config.incidents.label;
  const incidentsChanged =
    label !== undefined &&
    (await getSyncCursor(deps.db, repo, incidentsStream(label)))?.state.issuesMarker !== issuesMarker;
  context.logger.debug({ repo, branchChanged, deploymentsChanged, incidentsChanged }, "repository markers read");
  if (incidentsChanged) await context.enqueue("sync.incidents", { repo, runId, marker: issuesMarker });
  if (branchChanged) {
    await context.enqueue("sync.branch", {
      repo,
      runId,
      deployments: deploymentsChanged,
      deploymentsMarker: marker,
    });
  } else if (deploymentsChanged) {
    await context.enqueue("sync.deployments", { repo, runId, marker });
  }
}
