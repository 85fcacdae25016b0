import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

/** Further pages of one PR's changed files, when it has more than the bulk query's 100. */
export const PULL_REQUEST_FILES_QUERY = `query PullRequestFiles($owner: String!, $name: String!, $number: Int!, $after: String) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      files(first: 100, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { path additions deletions changeType }
      }
    }
  }
}`;
