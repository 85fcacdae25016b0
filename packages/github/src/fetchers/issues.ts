import { storableDeep } from "@yardstick/core";
import type { GitHubClient, GraphQLResult } from "../client.js";
import { GitHubError, GitHubErrorCode } from "../errors.js";
import { INCIDENT_ISSUES_QUERY } from "../queries/incident-issues.js";
import type { PageInfo } from "../shapes.js";
import { charge, fullName, newPageCost, type PageMeta, type RepoRef } from "./page.js";

/** An issue as the metrics need it: when it was opened and what it says. */
export interface GitHubIssue {
  repo: string;
  number: number;
  title: string;
  body: string;
  url: string;
  state: "open" | "closed";
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** Null for a deleted account ("ghost"). */
  author: string | null;
  /** Label names (the first 20). */
  labels: string[];
}

interface IssueNode {
  number: number;
  title: string;
  body: string | null;
  url: string;
  state: "OPEN" | "CLOSED";
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  author: { login: string } | null;
  labels: { nodes: { name: string }[] } | null;
}

interface IssuesConnection {
  pageInfo: PageInfo;
  nodes: IssueNode[];
}

interface IssuesData {
  repository: { issues: IssuesConnection } | null;
}

export function mapIssue(repo: string, raw: IssueNode): GitHubIssue {
  const node = storableDeep(raw);
  return {
    repo,
    number: node.number,
    title: node.title,
    body: node.body ?? "",
    url: node.url,
    state: node.state === "CLOSED" ? "closed" : "open",
    createdAt: new Date(node.createdAt),
    updatedAt: new Date(node.updatedAt),
    closedAt: node.closedAt === null ? null : new Date(node.closedAt),
    author: node.author?.login ?? null,
    labels: (node.labels?.nodes ?? []).map((l) => l.name),
  };
}

export interface IssuesOptions extends RepoRef {
  /** Only issues updated at or after this (the stream's high-water mark); null: all. */
  since?: Date | null;
}

export interface IssuePage extends PageMeta {
  issues: GitHubIssue[];
  /** The newest `updatedAt` of the pass so far: the high-water mark to store when it ends. */
  updatedSince: Date | null;
  done: boolean;
}

/** Issues with their labels, least recently updated first from `since`, 100 a page (1 point each). */
export async function* issuesUpdatedSince(client: GitHubClient, options: IssuesOptions): AsyncGenerator<IssuePage> {
  let after: string | null = null;
  let newest: Date | null = options.since ?? null;
  for (;;) {
    const cost = newPageCost();
    const variables: Record<string, unknown> = {
      owner: options.owner,
      name: options.repo,
      since: options.since?.toISOString() ?? null,
      after,
    };
    const { data, rateLimit }: GraphQLResult<IssuesData> = await client.graphql<IssuesData>(
      INCIDENT_ISSUES_QUERY,
      variables,
    );
    charge(cost, rateLimit);
    if (data.repository === null) {
      throw new GitHubError(
        GitHubErrorCode.notFound,
        `Repository ${fullName(options)} not found (or the token cannot see it)`,
        { retryable: false },
      );
    }
    const connection: IssuesConnection = data.repository.issues;
    const issues = connection.nodes.map((node) => mapIssue(fullName(options), node));
    for (const issue of issues) if (newest === null || issue.updatedAt > newest) newest = issue.updatedAt;
    const done = !connection.pageInfo.hasNextPage;
    yield { issues, updatedSince: newest, done, cost, rateLimit };
    if (done) return;
    after = connection.pageInfo.endCursor;
  }
}
