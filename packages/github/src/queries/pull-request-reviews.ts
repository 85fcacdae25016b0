import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

/**
 * PRs per reviews query. Each PR's `reviews` is the query's one connection per PR (its `author`
 * is no connection), so 100 PRs make 100 requests: 1 point under GitHub's formula (round(100 /
 * 100)), a quarter of the details query's price per PR (4 connections each: 25 PRs a point).
 */
export const PULL_REQUEST_REVIEWS_BATCH = 100;

/**
 * The reviews (who approved, commented or asked for changes) of chosen PRs of one repository, all
 * that the "self-merged without review" flag reads (`sync.reviews`), one aliased
 * `pullRequest(number:)` per PR. `reviews(first: 20)`: its own `first` does not change the cost
 * (nothing is nested under it); 20 reviews find a person's among them as the details query does.
 */
export function pullRequestReviewsQuery(numbers: readonly number[]): string {
  if (numbers.length === 0 || numbers.length > PULL_REQUEST_REVIEWS_BATCH) {
    throw new RangeError(
      `pullRequestReviewsQuery: between 1 and ${PULL_REQUEST_REVIEWS_BATCH} PR numbers, got ${numbers.length}`,
    );
  }
  const aliases = numbers
    .map((n) => {
      if (!Number.isInteger(n) || n <= 0)
        throw new RangeError(`pullRequestReviewsQuery: ${n} is not a PR number (e.g. 42)`);
      return `pr${n}: pullRequest(number: ${n}) { ...PullRequestReviews }`;
    })
    .join("\n    ");
  return `query PullRequestReviews($owner: String!, $name: String!) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    ${aliases}
  }
}
fragment PullRequestReviews on PullRequest {
  number
  reviews(first: 20, states: [APPROVED, COMMENTED, CHANGES_REQUESTED]) { nodes { author { __typename login } } }
}`;
}
