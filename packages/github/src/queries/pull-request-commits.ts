import { RATE_LIMIT_FIELDS } from "../rate-limit.js";
import { COMMIT_FIELDS } from "./fragments.js";

/** Further pages of one PR's commits, when it has more than the bulk query's 100. */
export const PULL_REQUEST_COMMITS_QUERY = `query PullRequestCommits($owner: String!, $name: String!, $number: Int!, $after: String) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      commits(first: 100, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { commit { ...CommitFields } }
      }
    }
  }
}
${COMMIT_FIELDS}`;
