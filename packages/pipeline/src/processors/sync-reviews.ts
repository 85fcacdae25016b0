import { createIdentityResolver } from "@yardstick/attribution";
import { listPeople, listUnreviewedAiPullRequestsPages, storePullRequestReviews } from "@yardstick/db";
import { PULL_REQUEST_REVIEWS_BATCH, pullRequestReviewers } from "@yardstick/github";
import type { Jobs } from "../catalog.js";
import { type PipelineDeps, splitRepo } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";

/** The progress events' stream name (GraphQL points spent on reviews). */
export const REVIEWS_STREAM = "pull_requests.reviews";

/** Candidates read from the database at once (PipelineDeps.pageSize overrides it). */
export const REVIEWS_PAGE = 2_000;

/**
 * Reads the reviews of the pull requests the "self-merged without review" flag needs them for:
 * AI-assisted (at any confidence, so a lower configured threshold needs no new read), credited to
 * a person who also merged them, and whose reviews were not read yet (the bulk pull-request query
 * leaves reviews out; a Bot-opened PR's details bring them). Batched reviews-only queries, 100 PRs
 * a point (a details query's assignees, review requests and merge parents are not needed here: 25
 * PRs a point), each batch stored as soon as it is read, so a retry goes on where it stopped and a re-run
 * with nothing new reads nothing. A PR re-read by sync.pulls forgets its reviews and is read again
 * here. The candidates are read in pages of REVIEWS_PAGE by number, never the whole repository's.
 * Then links the repository's deployments.
 */
export async function syncReviews(
  payload: PayloadOf<Jobs, "sync.reviews">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  let points = 0;
  let read = 0;
  let candidates = 0;
  let selfMerged = 0;
  const readBatch = async (batch: number[]) => {
    const { reviewers, cost, rateLimit } = await pullRequestReviewers(deps.github, {
      ...splitRepo(repo),
      numbers: batch,
    });
    points += cost.graphqlPoints;
    // A PR GitHub no longer finds stays unread (its reviews are unknown, not absent).
    const reviews = batch.flatMap((number) => {
      const r = reviewers.get(number);
      return r === undefined ? [] : [{ number, reviewers: r }];
    });
    await storePullRequestReviews(deps.db, repo, reviews);
    read += reviews.length;
    deps.onProgress?.({
      kind: "page",
      repo,
      stream: REVIEWS_STREAM,
      items: reviews.length,
      points: cost.graphqlPoints,
      remaining: rateLimit?.remaining ?? null,
    });
  };
  // The candidates in pages by number; the wanted ones wait for a full batch, so the batches (and
  // the points) are those of reading the whole list at once.
  let resolver: ReturnType<typeof createIdentityResolver> | null = null;
  const wanted: number[] = [];
  for await (const page of listUnreviewedAiPullRequestsPages(deps.db, repo, deps.pageSize ?? REVIEWS_PAGE)) {
    candidates += page.length;
    // Who merged it, resolved as the metrics resolve it (loadMetricsInput).
    resolver ??= createIdentityResolver(await listPeople(deps.db));
    for (const c of page) {
      if (resolver.resolve({ login: c.mergedByLogin }) !== c.creditedPersonId) continue;
      wanted.push(c.number);
      selfMerged++;
    }
    while (wanted.length >= PULL_REQUEST_REVIEWS_BATCH) await readBatch(wanted.splice(0, PULL_REQUEST_REVIEWS_BATCH));
  }
  if (wanted.length > 0) await readBatch(wanted.splice(0));
  context.logger.info({ repo, unreadAi: candidates, selfMerged, read, points }, "pull request reviews read");
  await context.enqueue("link.deployments", { repo, runId: payload.runId });
}
