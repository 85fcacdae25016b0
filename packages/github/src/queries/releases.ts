import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

/** Releases newest first (an incremental sync stops at one created before its cursor). 1 point a page. */
export const RELEASES_QUERY = `query Releases($owner: String!, $name: String!, $after: String) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    releases(first: 100, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId
        name
        tagName
        isDraft
        isPrerelease
        createdAt
        publishedAt
        url
        author { login }
        tagCommit { oid }
      }
    }
  }
}`;
