import { RATE_LIMIT_FIELDS } from "../rate-limit.js";
import { ACTOR_FIELDS, COMMIT_FIELDS } from "./fragments.js";

/**
 * Everything the metrics and attribution need about a merged pull request, 100 per page.
 * Ordered by UPDATED_AT descending, so an incremental sync stops at the first PR updated before
 * its cursor. `$baseRef` restricts to PRs merged into one branch (the tracked one).
 */
export const PULL_REQUEST_FIELDS = `fragment PullRequestFields on PullRequest {
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
  mergeCommit { ...CommitFields parents(first: 2) { totalCount nodes { oid } } }
  labels(first: 20) { nodes { name } }
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

export const MERGED_PULL_REQUESTS_QUERY = `query MergedPullRequests($owner: String!, $name: String!, $baseRef: String, $after: String) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
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
      nodes { ...PullRequestFields }
    }
  }
}
${PULL_REQUEST_FIELDS}
${ACTOR_FIELDS}
${COMMIT_FIELDS}`;
