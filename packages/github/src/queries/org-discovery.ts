import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

const REPOSITORY_NODE = "databaseId name nameWithOwner owner { login } isArchived defaultBranchRef { name }";

/**
 * An organisation's repositories, 100 a page (1 point), in name order. Discovery reads them apart
 * from the roster (ORG_MEMBERS_QUERY, TEAMS_QUERY), so that each page's repositories start syncing
 * while the roster is still being read.
 */
export const ORG_REPOSITORIES_QUERY = `query OrgRepositories($org: String!, $after: String) {
  ${RATE_LIMIT_FIELDS}
  organization(login: $org) {
    repositories(first: 100, after: $after, orderBy: { field: NAME, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ${REPOSITORY_NODE} }
    }
  }
}`;
