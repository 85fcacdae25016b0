import type { Commit, Deployment } from "@yardstick/core";
import type { GitHubClient } from "../client.js";
import { GitHubError, GitHubErrorCode } from "../errors.js";
import { type GitHubRelease, type GitHubTag, mapDeployment, mapHistoryCommit, mapRelease, mapTag } from "../mappers.js";
import { BRANCH_HISTORY_QUERY } from "../queries/branch-history.js";
import { DEPLOYMENTS_QUERY } from "../queries/deployments.js";
import { RELEASES_QUERY } from "../queries/releases.js";
import { TAGS_QUERY } from "../queries/tags.js";
import type { DeploymentNode, HistoryCommitNode, PageInfo, RefNode, ReleaseNode } from "../shapes.js";
import { charge, fullName, newPageCost, type PageMeta, type RepoRef } from "./page.js";

function notFound(ref: RepoRef): GitHubError {
  return new GitHubError(
    GitHubErrorCode.notFound,
    `Repository ${fullName(ref)} not found (or the token cannot see it)`,
    {
      retryable: false,
    },
  );
}

interface RepoConnection<K extends string, N> {
  repository: ({ [key in K]: { pageInfo: PageInfo; nodes: N[] } } & Record<string, unknown>) | null;
}

export interface CursorPage extends PageMeta {
  /** Pass as `after` to resume; deployments are oldest first, so a stored endCursor picks up only new ones. */
  cursor: { endCursor: string | null };
  done: boolean;
}

export interface DeploymentsOptions extends RepoRef {
  /** Only these environments (GitHub matches names exactly); default all. */
  environments?: string[] | null;
  /** Resume an oldest-first pass after this cursor. */
  after?: string | null;
  /**
   * Newest first instead, stopping at the first deployment created before this. A deployment's
   * statuses keep changing after it is created (queued, in_progress, success), so an
   * incremental sync re-reads a window (say the last day) rather than resuming after a cursor.
   */
  createdSince?: Date | null;
}

export interface DeploymentPage extends CursorPage {
  deployments: Deployment[];
}

/** GitHub Deployments with their statuses, 100 a page (1 point each): oldest first, or newest first down to `createdSince`. */
export async function* deployments(client: GitHubClient, options: DeploymentsOptions): AsyncGenerator<DeploymentPage> {
  const since = options.createdSince?.getTime() ?? null;
  let after = options.after ?? null;
  for (;;) {
    const cost = newPageCost();
    const { data, rateLimit } = await client.graphql<RepoConnection<"deployments", DeploymentNode>>(DEPLOYMENTS_QUERY, {
      owner: options.owner,
      name: options.repo,
      environments: options.environments ?? null,
      after,
      direction: since === null ? "ASC" : "DESC",
    });
    charge(cost, rateLimit);
    if (data.repository === null) throw notFound(options);
    const connection = data.repository.deployments;
    const { hasNextPage, endCursor } = connection.pageInfo;
    const all = connection.nodes.map((node) => mapDeployment(fullName(options), node));
    const kept = since === null ? all : all.filter((d) => d.createdAt.getTime() >= since);
    const done = !hasNextPage || kept.length < all.length;
    yield { deployments: kept, cursor: { endCursor: endCursor ?? after }, done, cost, rateLimit };
    if (done) return;
    after = endCursor;
  }
}

export interface SinceOptions extends RepoRef {
  /** Stop at the first item older than this (items come newest first). */
  since?: Date | null;
  after?: string | null;
}

export interface ReleasePage extends CursorPage {
  releases: GitHubRelease[];
}

/** Releases newest first (1 point a page), stopping at `since`. */
export async function* releases(client: GitHubClient, options: SinceOptions): AsyncGenerator<ReleasePage> {
  const since = options.since?.getTime() ?? null;
  let after = options.after ?? null;
  for (;;) {
    const cost = newPageCost();
    const { data, rateLimit } = await client.graphql<RepoConnection<"releases", ReleaseNode>>(RELEASES_QUERY, {
      owner: options.owner,
      name: options.repo,
      after,
    });
    charge(cost, rateLimit);
    if (data.repository === null) throw notFound(options);
    const connection = data.repository.releases;
    const all = connection.nodes.map((node) => mapRelease(fullName(options), node));
    const kept = since === null ? all : all.filter((r) => r.createdAt.getTime() >= since);
    const done = !connection.pageInfo.hasNextPage || kept.length < all.length;
    yield {
      releases: kept,
      cursor: { endCursor: connection.pageInfo.endCursor ?? after },
      done,
      cost,
      rateLimit,
    };
    if (done) return;
    after = connection.pageInfo.endCursor;
  }
}

export interface TagPage extends CursorPage {
  tags: GitHubTag[];
}

/** Tags peeled to their commits (annotated and lightweight), newest tagged commit first; `since` filters by tag date. */
export async function* tags(client: GitHubClient, options: SinceOptions): AsyncGenerator<TagPage> {
  const since = options.since?.getTime() ?? null;
  let after = options.after ?? null;
  for (;;) {
    const cost = newPageCost();
    const { data, rateLimit } = await client.graphql<RepoConnection<"refs", RefNode>>(TAGS_QUERY, {
      owner: options.owner,
      name: options.repo,
      after,
    });
    charge(cost, rateLimit);
    if (data.repository === null) throw notFound(options);
    const connection = data.repository.refs;
    const all = connection.nodes.flatMap((node) => mapTag(fullName(options), node) ?? []);
    const kept = since === null ? all : all.filter((t) => t.taggedAt === null || t.taggedAt.getTime() >= since);
    // No early stop: tags come by their commit's date, and an old commit tagged today (a
    // rollback) lies far down the list. Repositories have few tags; all of them cost little.
    const done = !connection.pageInfo.hasNextPage;
    yield {
      tags: kept,
      cursor: { endCursor: connection.pageInfo.endCursor ?? after },
      done,
      cost,
      rateLimit,
    };
    if (done) return;
    after = connection.pageInfo.endCursor;
  }
}

interface HistoryData {
  repository: {
    defaultBranchRef: {
      name: string;
      target: { history?: { pageInfo: PageInfo; nodes: HistoryCommitNode[] } } | null;
    } | null;
  } | null;
}

export interface HistoryPage extends CursorPage {
  branch: string | null;
  /** Newest first, with their parents. */
  commits: Commit[];
}

/** The default branch's commits since a time, newest first, 100 a page (2 points: the parents connection). */
export async function* branchHistory(
  client: GitHubClient,
  options: RepoRef & { since?: Date | null; after?: string | null },
): AsyncGenerator<HistoryPage> {
  let after = options.after ?? null;
  for (;;) {
    const cost = newPageCost();
    const { data, rateLimit } = await client.graphql<HistoryData>(BRANCH_HISTORY_QUERY, {
      owner: options.owner,
      name: options.repo,
      since: options.since?.toISOString() ?? null,
      after,
    });
    charge(cost, rateLimit);
    if (data.repository === null) throw notFound(options);
    const ref = data.repository.defaultBranchRef;
    const history = ref?.target?.history;
    if (ref === null || history === undefined) {
      // An empty repository has no default branch yet.
      yield { branch: ref?.name ?? null, commits: [], cursor: { endCursor: after }, done: true, cost, rateLimit };
      return;
    }
    yield {
      branch: ref.name,
      commits: history.nodes.map((node) => mapHistoryCommit(fullName(options), node)),
      cursor: { endCursor: history.pageInfo.endCursor ?? after },
      done: !history.pageInfo.hasNextPage,
      cost,
      rateLimit,
    };
    if (!history.pageInfo.hasNextPage) return;
    after = history.pageInfo.endCursor;
  }
}
