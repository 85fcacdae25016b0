import { RATE_LIMIT_FIELDS } from "../rate-limit.js";
import { TEAM_NODE } from "./teams.js";

const REPOSITORY_NODE = "databaseId name nameWithOwner owner { login } isArchived defaultBranchRef { name }";

/**
 * An organisation's repositories, members (with role) and teams with their direct members, in
 * one query: 1 + 1 + 1 + 100 requests = 1 point, so discovering an organisation of up to 100
 * repositories, members and teams costs one request. Longer lists continue with
 * ORG_REPOSITORIES_QUERY, ORG_MEMBERS_QUERY, TEAMS_QUERY and TEAM_MEMBERS_QUERY.
 */
export const ORG_DISCOVERY_QUERY = `query OrgDiscovery($org: String!) {
  ${RATE_LIMIT_FIELDS}
  organization(login: $org) {
    repositories(first: 100, orderBy: { field: NAME, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ${REPOSITORY_NODE} }
    }
    membersWithRole(first: 100) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { role node { login databaseId name } }
    }
    teams(first: 100) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ${TEAM_NODE} }
    }
  }
}`;

/** Further pages of an organisation's repositories, 100 a page (1 point). */
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
