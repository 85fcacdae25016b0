import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

/** Organisation members with their role. 1 point per 100 members (REST would cost the same in requests). */
export const ORG_MEMBERS_QUERY = `query OrgMembers($org: String!, $after: String) {
  ${RATE_LIMIT_FIELDS}
  organization(login: $org) {
    membersWithRole(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { role node { login databaseId name } }
    }
  }
}`;
