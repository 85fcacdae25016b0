import { Team } from "@yardstick/core";
import { z } from "zod";
import type { GitHubClient } from "../client.js";
import { GitHubError, GitHubErrorCode } from "../errors.js";
import { ORG_MEMBERS_QUERY } from "../queries/org-members.js";
import { TEAM_MEMBERS_QUERY, TEAMS_QUERY } from "../queries/teams.js";
import type { PageInfo } from "../shapes.js";
import { charge, newPageCost, type PageMeta } from "./page.js";

export const OrgMember = z.object({
  login: z.string(),
  userId: z.number().int().nullable(),
  name: z.string().nullable(),
  role: z.enum(["ADMIN", "MEMBER"]),
});
export type OrgMember = z.infer<typeof OrgMember>;

export const TeamMember = z.object({
  login: z.string(),
  userId: z.number().int().nullable(),
  role: z.enum(["MAINTAINER", "MEMBER"]),
});
export type TeamMember = z.infer<typeof TeamMember>;

export const TeamWithMembers = z.object({ team: Team, members: z.array(TeamMember) });
export type TeamWithMembers = z.infer<typeof TeamWithMembers>;

interface MemberEdge {
  role: string;
  node: { login: string; databaseId: number | null; name?: string | null };
}
interface MemberConnection {
  totalCount: number;
  pageInfo: PageInfo;
  edges: MemberEdge[];
}

function orgNotFound(org: string): GitHubError {
  return new GitHubError(GitHubErrorCode.notFound, `Organisation ${org} not found (or the token cannot see it)`, {
    retryable: false,
  });
}

export interface OrgMemberPage extends PageMeta {
  members: OrgMember[];
  done: boolean;
}

/** Organisation members with roles, 100 a page (1 point each). */
export async function* orgMembers(client: GitHubClient, options: { org: string }): AsyncGenerator<OrgMemberPage> {
  let after: string | null = null;
  for (;;) {
    const cost = newPageCost();
    const result: {
      data: { organization: { membersWithRole: MemberConnection } | null };
      rateLimit: PageMeta["rateLimit"];
    } = await client.graphql(ORG_MEMBERS_QUERY, { org: options.org, after });
    charge(cost, result.rateLimit);
    const connection = result.data.organization?.membersWithRole;
    if (connection === undefined) throw orgNotFound(options.org);
    const members = connection.edges.map((edge) =>
      OrgMember.parse({
        login: edge.node.login,
        userId: edge.node.databaseId,
        name: edge.node.name ?? null,
        role: edge.role,
      }),
    );
    const done = !connection.pageInfo.hasNextPage;
    yield { members, done, cost, rateLimit: result.rateLimit };
    if (done) return;
    after = connection.pageInfo.endCursor;
  }
}

interface TeamNode {
  databaseId: number | null;
  slug: string;
  name: string;
  description: string | null;
  privacy: string;
  parentTeam: { slug: string } | null;
  members: MemberConnection;
}

export interface TeamPage extends PageMeta {
  teams: TeamWithMembers[];
  done: boolean;
}

function teamMember(edge: MemberEdge): TeamMember {
  return TeamMember.parse({ login: edge.node.login, userId: edge.node.databaseId, role: edge.role });
}

/**
 * Teams with their direct members, 100 teams a page (1 point), members beyond 100 fetched per
 * team. GraphQL is the cheaper way: REST needs one request per team for its members.
 */
export async function* teams(client: GitHubClient, options: { org: string }): AsyncGenerator<TeamPage> {
  let after: string | null = null;
  for (;;) {
    const cost = newPageCost();
    const result: {
      data: { organization: { teams: { pageInfo: PageInfo; nodes: TeamNode[] } } | null };
      rateLimit: PageMeta["rateLimit"];
    } = await client.graphql(TEAMS_QUERY, { org: options.org, after });
    charge(cost, result.rateLimit);
    let rateLimit = result.rateLimit;
    const connection = result.data.organization?.teams;
    if (connection === undefined) throw orgNotFound(options.org);
    const page: TeamWithMembers[] = [];
    for (const node of connection.nodes) {
      const members = node.members.edges.map(teamMember);
      let pageInfo = node.members.pageInfo;
      while (pageInfo.hasNextPage && pageInfo.endCursor !== null) {
        const more: {
          data: { organization: { team: { members: MemberConnection } | null } | null };
          rateLimit: PageMeta["rateLimit"];
        } = await client.graphql(TEAM_MEMBERS_QUERY, { org: options.org, slug: node.slug, after: pageInfo.endCursor });
        charge(cost, more.rateLimit);
        rateLimit = more.rateLimit ?? rateLimit;
        const next = more.data.organization?.team?.members;
        if (next === undefined) break;
        members.push(...next.edges.map(teamMember));
        pageInfo = next.pageInfo;
      }
      page.push({
        team: Team.parse({
          org: options.org,
          slug: node.slug,
          name: node.name,
          parentSlug: node.parentTeam?.slug ?? null,
        }),
        members,
      });
    }
    const done = !connection.pageInfo.hasNextPage;
    yield { teams: page, done, cost, rateLimit };
    if (done) return;
    after = connection.pageInfo.endCursor;
  }
}
