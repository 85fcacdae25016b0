import { storableDeep, Team } from "@yardstick/core";
import { z } from "zod";
import type { GitHubClient } from "../client.js";
import { GitHubError, GitHubErrorCode } from "../errors.js";
import { ORG_REPOSITORIES_QUERY } from "../queries/org-discovery.js";
import { ORG_MEMBERS_QUERY } from "../queries/org-members.js";
import { TEAM_MEMBERS_QUERY, TEAMS_QUERY } from "../queries/teams.js";
import type { RateLimit } from "../rate-limit.js";
import type { PageInfo } from "../shapes.js";
import { charge, newPageCost, type PageCost, type PageMeta } from "./page.js";

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
export async function* orgMembers(
  client: GitHubClient,
  options: { org: string; after?: string | null },
): AsyncGenerator<OrgMemberPage> {
  let after: string | null = options.after ?? null;
  for (;;) {
    const cost = newPageCost();
    const result: {
      data: { organization: { membersWithRole: MemberConnection } | null };
      rateLimit: PageMeta["rateLimit"];
    } = await client.graphql(ORG_MEMBERS_QUERY, { org: options.org, after });
    charge(cost, result.rateLimit);
    const connection = result.data.organization?.membersWithRole;
    if (connection === undefined) throw orgNotFound(options.org);
    const members = connection.edges.map(memberOf);
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

// Roster text (logins, display names, team names) enters here: each mapper passes its node
// through `storableDeep`, as the mappers in ../mappers.ts do.
function teamMember(raw: MemberEdge): TeamMember {
  const edge = storableDeep(raw);
  return TeamMember.parse({ login: edge.node.login, userId: edge.node.databaseId, role: edge.role });
}

/**
 * Teams with their direct members, 100 teams a page (1 point), members beyond 100 fetched per
 * team. GraphQL is the cheaper way: REST needs one request per team for its members.
 */
export async function* teams(
  client: GitHubClient,
  options: { org: string; after?: string | null },
): AsyncGenerator<TeamPage> {
  let after: string | null = options.after ?? null;
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
      const completed = await completeTeam(client, options.org, node, cost);
      rateLimit = completed.rateLimit ?? rateLimit;
      page.push(completed.team);
    }
    const done = !connection.pageInfo.hasNextPage;
    yield { teams: page, done, cost, rateLimit };
    if (done) return;
    after = connection.pageInfo.endCursor;
  }
}

function memberOf(raw: MemberEdge): OrgMember {
  const edge = storableDeep(raw);
  return OrgMember.parse({
    login: edge.node.login,
    userId: edge.node.databaseId,
    name: edge.node.name ?? null,
    role: edge.role,
  });
}

/** A team node with all its direct members: beyond the first 100, one TEAM_MEMBERS_QUERY a page. */
async function completeTeam(
  client: GitHubClient,
  org: string,
  node: TeamNode,
  cost: PageCost,
): Promise<{ team: TeamWithMembers; rateLimit: RateLimit | null }> {
  let rateLimit: RateLimit | null = null;
  const members = node.members.edges.map(teamMember);
  let pageInfo = node.members.pageInfo;
  while (pageInfo.hasNextPage && pageInfo.endCursor !== null) {
    const more: {
      data: { organization: { team: { members: MemberConnection } | null } | null };
      rateLimit: PageMeta["rateLimit"];
    } = await client.graphql(TEAM_MEMBERS_QUERY, { org, slug: node.slug, after: pageInfo.endCursor });
    charge(cost, more.rateLimit);
    rateLimit = more.rateLimit ?? rateLimit;
    const next = more.data.organization?.team?.members;
    if (next === undefined) break;
    members.push(...next.edges.map(teamMember));
    pageInfo = next.pageInfo;
  }
  const team = Team.parse(
    storableDeep({ org, slug: node.slug, name: node.name, parentSlug: node.parentTeam?.slug ?? null }),
  );
  return { team: { team, members }, rateLimit };
}

/** A repository of an organisation, as discovery needs it. */
export const OrgRepository = z.object({
  fullName: z.string(),
  owner: z.string(),
  githubId: z.number().int().nullable(),
  defaultBranch: z.string().nullable(),
  archived: z.boolean(),
});
export type OrgRepository = z.infer<typeof OrgRepository>;

interface RepositoryNode {
  databaseId: number | null;
  name: string;
  nameWithOwner: string;
  owner: { login: string };
  isArchived: boolean;
  defaultBranchRef: { name: string } | null;
}

interface RepositoryConnection {
  totalCount: number;
  pageInfo: PageInfo;
  nodes: RepositoryNode[];
}

function repositoryOf(raw: RepositoryNode): OrgRepository {
  const node = storableDeep(raw);
  return OrgRepository.parse({
    fullName: node.nameWithOwner,
    owner: node.owner.login,
    githubId: node.databaseId,
    defaultBranch: node.defaultBranchRef?.name ?? null,
    archived: node.isArchived,
  });
}

export interface OrgRepositoryPage extends PageMeta {
  repositories: OrgRepository[];
  done: boolean;
}

/**
 * An organisation's repositories, 100 a page (1 point each), in name order: each page is yielded
 * as it arrives, so discovery can start a page's repositories' syncs before the next is read.
 */
export async function* orgRepositories(
  client: GitHubClient,
  options: { org: string; after?: string | null },
): AsyncGenerator<OrgRepositoryPage> {
  let after: string | null = options.after ?? null;
  for (;;) {
    const cost = newPageCost();
    const result: {
      data: { organization: { repositories: RepositoryConnection } | null };
      rateLimit: PageMeta["rateLimit"];
    } = await client.graphql(ORG_REPOSITORIES_QUERY, { org: options.org, after });
    charge(cost, result.rateLimit);
    const connection = result.data.organization?.repositories;
    if (connection === undefined) throw orgNotFound(options.org);
    const done = !connection.pageInfo.hasNextPage || connection.pageInfo.endCursor === null;
    yield { repositories: connection.nodes.map(repositoryOf), done, cost, rateLimit: result.rateLimit };
    if (done) return;
    after = connection.pageInfo.endCursor;
  }
}

export interface OrgRoster extends PageMeta {
  members: OrgMember[];
  teams: TeamWithMembers[];
}

/**
 * An organisation's whole roster: its members (100 a page) and its teams with their direct
 * members (100 teams a page, longer teams continued per team). The two paged reads are
 * independent and run at the same time, so the roster takes as long as the longer of them.
 * `teams: false` reads the members only (teams come from elsewhere, e.g. a mapping file).
 */
export async function orgRoster(client: GitHubClient, options: { org: string; teams?: boolean }): Promise<OrgRoster> {
  const cost = newPageCost();
  let rateLimit: RateLimit | null = null;
  const add = (page: PageMeta) => {
    cost.graphqlCalls += page.cost.graphqlCalls;
    cost.graphqlPoints += page.cost.graphqlPoints;
    rateLimit = page.rateLimit ?? rateLimit;
  };
  // When one read fails, the other stops after its page in flight (its result would be thrown away).
  let failed = false;
  const stopOnFailure = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  const readMembers = async () => {
    const members: OrgMember[] = [];
    for await (const page of orgMembers(client, options)) {
      if (failed) break;
      members.push(...page.members);
      add(page);
    }
    return members;
  };
  const readTeams = async () => {
    const all: TeamWithMembers[] = [];
    if (options.teams === false) return all;
    for await (const page of teams(client, { org: options.org })) {
      if (failed) break;
      all.push(...page.teams);
      add(page);
    }
    return all;
  };
  const [members, teamList] = await Promise.all([stopOnFailure(readMembers), stopOnFailure(readTeams)]);
  return { members, teams: teamList, cost, rateLimit };
}
