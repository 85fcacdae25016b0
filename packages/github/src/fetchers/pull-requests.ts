import type { Commit, PullRequest } from "@yardstick/core";
import type { GitHubClient } from "../client.js";
import { GitHubError, GitHubErrorCode } from "../errors.js";
import {
  accountTypeOf,
  mapPullRequest,
  mapPullRequestDetails,
  type PullRequestDetails,
  withDetails,
} from "../mappers.js";
import {
  MERGED_PULL_REQUESTS_FULL_QUERY,
  MERGED_PULL_REQUESTS_QUERY,
  mergedPullRequestsWithDetailsQuery,
  PIGGYBACK_DETAILS,
} from "../queries/merged-pull-requests.js";
import { PULL_REQUEST_COMMITS_QUERY } from "../queries/pull-request-commits.js";
import { PULL_REQUEST_DETAILS_BATCH, pullRequestDetailsQuery } from "../queries/pull-request-details.js";
import { PULL_REQUEST_FILES_QUERY } from "../queries/pull-request-files.js";
import type { RateLimit } from "../rate-limit.js";
import type {
  CommitConnection,
  CommitNode,
  FileConnection,
  FileNode,
  PageInfo,
  PullRequestDetailsNode,
  PullRequestNode,
} from "../shapes.js";
import { charge, fullName, newPageCost, type PageCost, type PageMeta, type RepoRef } from "./page.js";

export interface MergedPullRequestsOptions extends RepoRef {
  /** Only PRs merged into this branch; default: the repository's default branch (filtered client-side). */
  baseRef?: string;
  /** Incremental sync: stop at the first PR updated before this (the previous sync's maxUpdatedAt). */
  updatedSince?: Date | null;
  /** Resume a pass after this page cursor (the last page's endCursor). */
  after?: string | null;
  /**
   * Which PRs get their details (assignees, review requests, reviews, merge-commit parents):
   * - "bots" (default): only PRs opened by a Bot account (agents: whom to credit), by a batched
   *   follow-up query, 1 point per 25 such PRs; the bulk query costs 3 points a page;
   * - "all": every PR, in the bulk query itself (7 points a page);
   * - "none": nobody (3 points a page); `pullRequestDetails` fetches them later where needed.
   * Without details, `assignees`, `reviewRequests` and `reviewers` are empty and the merge method
   * is read from the merge commit's message.
   */
  details?: "bots" | "all" | "none";
}

export interface PullRequestCursor {
  /** Pass as `after` to continue this pass. */
  endCursor: string | null;
  /** The latest updatedAt seen in this pass so far: the next sync's `updatedSince` once the pass is done. */
  maxUpdatedAt: Date | null;
}

export interface PullRequestPage extends PageMeta {
  pullRequests: PullRequest[];
  /** The pages's commits (PR commits and merge commits), de-duplicated by sha. */
  commits: Commit[];
  cursor: PullRequestCursor;
  /** True on the last page of the pass (no more pages, or older than `updatedSince`). */
  done: boolean;
}

interface PullRequestsData {
  repository: {
    defaultBranchRef: { name: string } | null;
    pullRequests: { totalCount: number; pageInfo: PageInfo; nodes: PullRequestNode[] };
  } | null;
}

interface NestedData<K extends string, C> {
  repository: { pullRequest: ({ [key in K]: C } & Record<string, unknown>) | null } | null;
}

function notFound(ref: RepoRef): GitHubError {
  return new GitHubError(
    GitHubErrorCode.notFound,
    `Repository ${fullName(ref)} not found (or the token cannot see it)`,
    {
      retryable: false,
    },
  );
}

/** A page read from GitHub whose details (for Bot-opened PRs) may still be on their way. */
interface PendingPage {
  nodes: PullRequestNode[];
  botNumbers: number[];
  details: Map<number, PullRequestDetailsNode>;
  cost: PageCost;
  rateLimit: RateLimit | null;
  cursor: PullRequestCursor;
  done: boolean;
}

/**
 * Merged pull requests, newest update first, one yielded page per 100, each PR complete: when a
 * PR has more than 100 commits or files, follow-up queries page through them before the page is
 * yielded. PRs not merged into the tracked branch are dropped. A page is the unit a caller
 * stores in one transaction, advancing its cursor with it.
 *
 * With `details: "bots"`, the details of a page's Bot-opened PRs ride on the next page's query
 * (up to PIGGYBACK_DETAILS of them cost nothing there: GitHub rounds a query's cost to the
 * nearest point), so each page is yielded once the next one has been read; the last page's
 * details, and any beyond that number, take a details query of their own.
 */
export async function* mergedPullRequests(
  client: GitHubClient,
  options: MergedPullRequestsOptions,
): AsyncGenerator<PullRequestPage> {
  const since = options.updatedSince?.getTime() ?? null;
  const details = options.details ?? "bots";
  let after = options.after ?? null;
  let maxUpdatedAt: number | null = null;
  let pending: PendingPage | null = null;
  for (;;) {
    const cost = newPageCost();
    const riding = pending === null ? [] : pending.botNumbers.slice(0, PIGGYBACK_DETAILS);
    const query =
      details === "all"
        ? MERGED_PULL_REQUESTS_FULL_QUERY
        : riding.length > 0
          ? mergedPullRequestsWithDetailsQuery(riding)
          : MERGED_PULL_REQUESTS_QUERY;
    const { data, rateLimit } = await client.graphql<PullRequestsData & DetailsData>(query, {
      owner: options.owner,
      name: options.repo,
      baseRef: options.baseRef ?? null,
      after,
    });
    charge(cost, rateLimit);
    const repository = data.repository;
    if (repository === null) throw notFound(options);
    if (pending !== null) {
      for (const number of riding) {
        const node = (repository as unknown as Record<string, PullRequestDetailsNode | null>)[`pr${number}`];
        if (node != null) pending.details.set(number, node);
      }
      yield await finishPage(client, options, pending);
      pending = null;
    }
    const base = options.baseRef ?? repository.defaultBranchRef?.name ?? null;
    const connection = repository.pullRequests;
    let reachedCursor = false;
    const wanted: PullRequestNode[] = [];
    for (const node of connection.nodes) {
      const updatedAt = Date.parse(node.updatedAt);
      if (since !== null && updatedAt < since) {
        reachedCursor = true;
        continue;
      }
      maxUpdatedAt = Math.max(maxUpdatedAt ?? updatedAt, updatedAt);
      if (node.mergedAt === null || (base !== null && node.baseRefName !== base)) continue;
      wanted.push(node);
    }
    const { hasNextPage, endCursor } = connection.pageInfo;
    const done = reachedCursor || !hasNextPage;
    const page: PendingPage = {
      nodes: wanted,
      botNumbers:
        details === "bots"
          ? wanted.filter((n) => accountTypeOf(n.author?.__typename, n.author?.login) === "Bot").map((n) => n.number)
          : [],
      details: new Map(),
      cost,
      rateLimit,
      cursor: { endCursor: endCursor ?? after, maxUpdatedAt: maxUpdatedAt === null ? null : new Date(maxUpdatedAt) },
      done,
    };
    if (done || page.botNumbers.length === 0) {
      yield await finishPage(client, options, page);
      if (done) return;
    } else {
      pending = page;
    }
    after = endCursor;
  }
}

/** Fetches what a page still lacks (details not carried by the next query, nested commits and files) and maps it. */
async function finishPage(client: GitHubClient, options: RepoRef, page: PendingPage): Promise<PullRequestPage> {
  const repoName = fullName(options);
  const { cost } = page;
  let latestRateLimit = page.rateLimit;
  const missing = page.botNumbers.filter((n) => !page.details.has(n));
  if (missing.length > 0) {
    const fetched = await fetchDetails(client, options, missing);
    for (const [number, d] of fetched.details) page.details.set(number, d);
    cost.graphqlCalls += fetched.calls;
    cost.graphqlPoints += fetched.points;
    latestRateLimit = fetched.rateLimit ?? latestRateLimit;
  }
  const pullRequests: PullRequest[] = [];
  const commits = new Map<string, Commit>();
  for (const bulkNode of page.nodes) {
    const extra = page.details.get(bulkNode.number);
    const node = extra === undefined ? bulkNode : withDetails(bulkNode, extra);
    const nested = await completeNested(client, options, node, cost);
    if (nested.rateLimit !== null) latestRateLimit = nested.rateLimit;
    const mapped = mapPullRequest(repoName, node, nested);
    pullRequests.push(mapped.pullRequest);
    for (const commit of mapped.commits) commits.set(commit.sha, commit);
  }
  client.logger.debug(
    { repo: repoName, pullRequests: pullRequests.length, points: cost.graphqlPoints, done: page.done },
    "fetched a page of merged pull requests",
  );
  return {
    pullRequests,
    commits: [...commits.values()],
    cursor: page.cursor,
    done: page.done,
    cost,
    rateLimit: latestRateLimit,
  };
}

interface DetailsData {
  repository: Record<string, PullRequestDetailsNode | null> | null;
}

async function fetchDetails(
  client: GitHubClient,
  ref: RepoRef,
  numbers: readonly number[],
): Promise<{
  details: Map<number, PullRequestDetailsNode>;
  calls: number;
  points: number;
  rateLimit: RateLimit | null;
}> {
  const details = new Map<number, PullRequestDetailsNode>();
  let calls = 0;
  let points = 0;
  let rateLimit: RateLimit | null = null;
  const unique = [...new Set(numbers)];
  for (let i = 0; i < unique.length; i += PULL_REQUEST_DETAILS_BATCH) {
    const batch = unique.slice(i, i + PULL_REQUEST_DETAILS_BATCH);
    const result = await client.graphql<DetailsData>(pullRequestDetailsQuery(batch), {
      owner: ref.owner,
      name: ref.repo,
    });
    calls += 1;
    points += result.rateLimit?.cost ?? 0;
    rateLimit = result.rateLimit ?? rateLimit;
    if (result.data.repository === null) throw notFound(ref);
    for (const number of batch) {
      const node = result.data.repository[`pr${number}`];
      if (node != null) details.set(number, node);
    }
  }
  return { details, calls, points, rateLimit };
}

/**
 * Assignees, review requests, reviews and merge-commit parents of chosen PRs (25 per query,
 * 1 point each), for callers that fetched PRs without them and need them for a few: the credit
 * of an agent's PR, the "self-merged without review" flag.
 */
export async function pullRequestDetails(
  client: GitHubClient,
  options: RepoRef & { numbers: readonly number[] },
): Promise<{ details: Map<number, PullRequestDetails>; cost: PageCost; rateLimit: RateLimit | null }> {
  const cost = newPageCost();
  if (options.numbers.length === 0) return { details: new Map(), cost, rateLimit: null };
  const fetched = await fetchDetails(client, options, options.numbers);
  cost.graphqlCalls = fetched.calls;
  cost.graphqlPoints = fetched.points;
  const details = new Map<number, PullRequestDetails>();
  for (const [number, node] of fetched.details) details.set(number, mapPullRequestDetails(node));
  return { details, cost, rateLimit: fetched.rateLimit };
}

async function completeNested(
  client: GitHubClient,
  ref: RepoRef,
  node: PullRequestNode,
  cost: PageCost,
): Promise<{ commits: CommitNode[]; files: FileNode[]; rateLimit: RateLimit | null }> {
  let rateLimit: RateLimit | null = null;
  const commits = node.commits.nodes.map((n) => n.commit);
  let commitPage: PageInfo = node.commits.pageInfo;
  while (commitPage.hasNextPage && commitPage.endCursor !== null) {
    const result = await client.graphql<NestedData<"commits", CommitConnection>>(PULL_REQUEST_COMMITS_QUERY, {
      owner: ref.owner,
      name: ref.repo,
      number: node.number,
      after: commitPage.endCursor,
    });
    charge(cost, result.rateLimit);
    rateLimit = result.rateLimit ?? rateLimit;
    const connection = result.data.repository?.pullRequest?.commits;
    if (connection === undefined) break;
    commits.push(...connection.nodes.map((n) => n.commit));
    commitPage = connection.pageInfo;
  }
  const files = [...(node.files?.nodes ?? [])];
  let filePage: PageInfo | undefined = node.files?.pageInfo;
  while (filePage?.hasNextPage && filePage.endCursor !== null) {
    const result = await client.graphql<NestedData<"files", FileConnection>>(PULL_REQUEST_FILES_QUERY, {
      owner: ref.owner,
      name: ref.repo,
      number: node.number,
      after: filePage.endCursor,
    });
    charge(cost, result.rateLimit);
    rateLimit = result.rateLimit ?? rateLimit;
    const connection = result.data.repository?.pullRequest?.files;
    if (connection === undefined) break;
    files.push(...(connection.nodes ?? []));
    filePage = connection.pageInfo;
  }
  return { commits, files, rateLimit };
}
