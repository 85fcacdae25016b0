import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

/**
 * The default branch's history, newest first, 100 commits a page with their parents (the one
 * place parents are fetched: 100 commits × `parents` = 1 point, 2 points a page in all).
 */
export const BRANCH_HISTORY_QUERY = `query BranchHistory($owner: String!, $name: String!, $since: GitTimestamp, $after: String) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    defaultBranchRef {
      name
      target {
        ... on Commit {
          history(first: 100, since: $since, after: $after) {
            pageInfo { hasNextPage endCursor }
            nodes {
              oid
              message
              authoredDate
              committedDate
              additions
              deletions
              parents(first: 2) { nodes { oid } }
              author { name email date user { login databaseId } }
              committer { name email date user { login databaseId } }
            }
          }
        }
      }
    }
  }
}`;
