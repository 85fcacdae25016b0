import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

/** A team and its first 100 direct members (the discovery query and TEAMS_QUERY select the same). */
export const TEAM_NODE = `databaseId
        slug
        name
        description
        privacy
        parentTeam { slug }
        members(first: 100, membership: IMMEDIATE) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { role node { login databaseId } }
        }`;

/**
 * Teams with their direct members, 100 teams a page: 1 + 100 requests = 1 point, where REST
 * needs one request per team for its members. Teams with more than 100 members continue with
 * TEAM_MEMBERS_QUERY.
 */
export const TEAMS_QUERY = `query Teams($org: String!, $after: String) {
  ${RATE_LIMIT_FIELDS}
  organization(login: $org) {
    teams(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ${TEAM_NODE} }
    }
  }
}`;

export const TEAM_MEMBERS_QUERY = `query TeamMembers($org: String!, $slug: String!, $after: String) {
  ${RATE_LIMIT_FIELDS}
  organization(login: $org) {
    team(slug: $slug) {
      members(first: 100, after: $after, membership: IMMEDIATE) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { role node { login databaseId } }
      }
    }
  }
}`;
