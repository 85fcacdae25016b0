import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

/**
 * Issues with their labels, least recently updated first from `since` (GitHub's
 * `filterBy.since`: updated at or after), so an incremental pass resumes at its high-water mark.
 * Not filtered by label: an issue whose incident label was removed must be seen to be dropped.
 * 100 a page with one nested connection (labels): 101 requests, 1 point a page.
 */
export const INCIDENT_ISSUES_QUERY = `query IncidentIssues($owner: String!, $name: String!, $since: DateTime, $after: String) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $after, filterBy: { since: $since }, orderBy: { field: UPDATED_AT, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        title
        body
        url
        state
        createdAt
        updatedAt
        closedAt
        author { login }
        labels(first: 20) { nodes { name } }
      }
    }
  }
}`;
