import { createIdentityResolver } from "@yardstick/attribution";
import { listPeople, listUnreviewedAiPullRequests, storePullRequestReviews } from "@yardstick/db";
import { PULL_REQUEST_REVIEWS_BATCH, pullRequestReviewers } from "@yardstick/github";
import type { Jobs } from "../catalog.js";
import { type PipelineDeps, splitRepo } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";

/** The progress events' stream name (GraphQL points spent on reviews). */
export const REVIEWS_STREAM = "pull_requests.reviews";

/**
 * Reads the reviews of the pull requests the "self-merged without review" flag needs them for:
 * AI-assisted (at any confidence, so a lower configured threshold needs no new read), credited to
 * a person who also merged them, and whose reviews were not read yet (the bulk pull-request query
 * leaves reviews out; a Bot-opened PR's details bring them). Batched reviews-only queries, 100 PRs
 * a point (a details query's assignees, review requests and merge parents are not needed here: 25
 * PRs a point), each batch stored as soon as it is read, so a retry goes on where it stopped and a re-run
 * with nothing new reads nothing. A PR re-read by sync.pulls forgets its reviews and is read again
 * here. Then links the repository's deployments.
 */
export async function syncReviews(
  payload: PayloadOf<Jobs, "sync.reviews">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  const candidates = await listUnreviewedAiPullRequests(deps.db, repo);
  let wanted: number[] = [];
  if (candidates.length > 0) {
    // Who merged it, resolved as the metrics resolve it (loadMetricsInput).
    const resolver = createIdentityResolver(await listPeople(deps.db));
    wanted = candidates
      .filter((c) => resolver.resolve({ login: c.mergedByLogin }) === c.creditedPersonId)
      .map((c) => c.number);
  }
  let points = 0;
  let read = 0;
  for (let i = 0; i < wanted.length; i += PULL_REQUEST_REVIEWS_BATCH) {
    const batch = wanted.slice(i, i + PULL_REQUEST_REVIEWS_BATCH);
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
  }
  context.logger.info(
    { repo, unreadAi: candidates.length, selfMerged: wanted.length, read, points },
    "pull request reviews read",
  );
  await context.enqueue("link.deployments", { repo, runId: payload.runId });
}
