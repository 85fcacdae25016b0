import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

/**
 * Deployments with their latest 10 statuses and `latestStatus` (the current state even when
 * there are more than 10). Oldest first by default (new ones append, so `after` resumes a
 * backfill); `$direction: DESC` lists newest first for a sync that re-reads a recent window,
 * where statuses still change. Cost: 1 point a page.
 */
export const DEPLOYMENTS_QUERY = `query Deployments($owner: String!, $name: String!, $environments: [String!], $after: String, $direction: OrderDirection = ASC) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    deployments(first: 100, after: $after, environments: $environments, orderBy: { field: CREATED_AT, direction: $direction }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId
        environment
        commitOid
        ref { name }
        task
        description
        createdAt
        updatedAt
        creator { login }
        latestStatus { state createdAt description }
        statuses(first: 10) { totalCount nodes { state createdAt description } }
      }
    }
  }
}`;
