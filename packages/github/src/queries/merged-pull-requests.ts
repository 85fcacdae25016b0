import { RATE_LIMIT_FIELDS } from "../rate-limit.js";
import { ACTOR_FIELDS, COMMIT_FIELDS } from "./fragments.js";

/**
 * What every merged PR needs, with three per-PR connections only (labels, commits, files):
 * 1 + 3 × 100 requests = 3 points a page of 100, i.e. 30 per 1,000 PRs, GitHub's floor for
 * commits + files + labels. The merge commit comes without its parents (merge method then read
 * from its message, see inferMergeMethod).
 */
export const PULL_REQUEST_FIELDS = `fragment PullRequestFields on PullRequest {
  id
  number
  title
  body
  url
  createdAt
  updatedAt
  mergedAt
  headRefName
  baseRefName
  additions
  deletions
  changedFiles
  author { ...ActorFields }
  mergedBy { ...ActorFields }
  mergeCommit { ...CommitFields }
  labels(first: 20) { nodes { name } }
  commits(first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { commit { ...CommitFields } }
  }
  files(first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { path additions deletions changeType }
  }
}`;

/**
 * The per-PR connections only some consumers need, one point per 100 PRs each: assignees and
 * review requests (whom to credit for an agent's PR), reviews (self-merged without review), the
 * merge commit's parents (merge method for certain).
 */
export const PULL_REQUEST_DETAIL_FIELDS = `fragment PullRequestDetails on PullRequest {
  number
  assignees(first: 10) { nodes { login } }
  reviewRequests(first: 10) {
    nodes {
      requestedReviewer {
        __typename
        ... on User { login }
        ... on Bot { login }
        ... on Mannequin { login }
        ... on Team { slug }
      }
    }
  }
  reviews(first: 20, states: [APPROVED, COMMENTED, CHANGES_REQUESTED]) { nodes { author { login } } }
  mergeCommit { oid parents(first: 2) { totalCount nodes { oid } } }
}`;

const pullRequestsQuery = (
  name: string,
  spreads: string,
  fragments: string,
  extra = "",
) => `query ${name}($owner: String!, $name: String!, $baseRef: String, $after: String) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {${extra}
    nameWithOwner
    defaultBranchRef { name }
    pullRequests(
      first: 100
      after: $after
      states: [MERGED]
      baseRefName: $baseRef
      orderBy: { field: UPDATED_AT, direction: DESC }
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ${spreads} }
    }
  }
}
${fragments}`;

/**
 * Merged PRs, 100 a page, newest update first (an incremental sync stops at the first PR
 * updated before its cursor); `$baseRef` restricts to PRs merged into one branch. 3 points a page.
 */
export const MERGED_PULL_REQUESTS_QUERY = pullRequestsQuery(
  "MergedPullRequests",
  "...PullRequestFields",
  `${PULL_REQUEST_FIELDS}\n${ACTOR_FIELDS}\n${COMMIT_FIELDS}`,
);

/** The same with every PR's details (assignees, review requests, reviews, merge parents): 7 points a page. */
export const MERGED_PULL_REQUESTS_FULL_QUERY = pullRequestsQuery(
  "MergedPullRequestsFull",
  "...PullRequestFields ...PullRequestDetails",
  `${PULL_REQUEST_FIELDS}\n${PULL_REQUEST_DETAIL_FIELDS}\n${ACTOR_FIELDS}\n${COMMIT_FIELDS}`,
);

/**
 * Details of up to this many PRs ride free on a bulk query: 301 + 4 × 12 = 349 requests still
 * round to 3 points under GitHub's formula.
 */
export const PIGGYBACK_DETAILS = 12;

/**
 * MERGED_PULL_REQUESTS_QUERY plus the details of chosen PRs (the previous page's Bot-opened
 * ones), as aliases `pr<N>`. Built per call from constant parts; validated in queries.test.ts.
 */
export function mergedPullRequestsWithDetailsQuery(numbers: readonly number[]): string {
  if (numbers.length === 0 || numbers.length > PIGGYBACK_DETAILS) {
    throw new RangeError(
      `mergedPullRequestsWithDetailsQuery: between 1 and ${PIGGYBACK_DETAILS} PR numbers, got ${numbers.length}`,
    );
  }
  const aliases = numbers
    .map((n) => {
      if (!Number.isInteger(n) || n <= 0)
        throw new RangeError(`mergedPullRequestsWithDetailsQuery: ${n} is not a PR number (e.g. 42)`);
      return `\n    pr${n}: pullRequest(number: ${n}) { ...PullRequestDetails }`;
    })
    .join("");
  return pullRequestsQuery(
    "MergedPullRequestsWithDetails",
    "...PullRequestFields",
    `${PULL_REQUEST_FIELDS}\n${PULL_REQUEST_DETAIL_FIELDS}\n${ACTOR_FIELDS}\n${COMMIT_FIELDS}`,
    aliases,
  );
}
