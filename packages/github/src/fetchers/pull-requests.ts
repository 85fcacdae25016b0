import { createHash } from "node:crypto";
import type { Commit, PullRequest } from "@yardstick/core";
import type { GitHubClient } from "../client.js";
import { GitHubError, GitHubErrorCode } from "../errors.js";
import {
  accountTypeOf,
  inferMergeMethod,
  mapPullRequest,
  mapPullRequestDetails,
  type PullRequestDetails,
  withDetails,
} from "../mappers.js";
import {
  MERGED_PULL_REQUESTS_FULL_QUERY,
  mergedPullRequestsWithDetailsQuery,
  type PullRequestVariant,
  piggybackDetailsOf,
} from "../queries/merged-pull-requests.js";
import { PULL_REQUEST_COMMITS_QUERY } from "../queries/pull-request-commits.js";
import { PULL_REQUEST_DETAILS_BATCH, pullRequestDetailsQuery } from "../queries/pull-request-details.js";
import {
  PULL_REQUEST_FILES_BATCH,
  PULL_REQUEST_FILES_QUERY,
  pullRequestFilesQuery,
} from "../queries/pull-request-files.js";
import { PULL_REQUEST_REVIEWS_BATCH, pullRequestReviewsQuery } from "../queries/pull-request-reviews.js";
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
   * PRs the previous pass stored as they were at its high-water mark (`updatedSince`): a PR still
   * updated exactly then is unchanged, so it is left out (no details query for it again). Others
   * updated at that same second are still read.
   */
  seenAtSince?: readonly number[];
  /**
   * Which PRs get their details (assignees, review requests, reviews, merge-commit parents):
   * - "bots" (default): only PRs opened by a Bot account (agents: whom to credit); they ride on
   *   later pages' queries (PIGGYBACK_DETAILS at no extra point), the rest by batched details
   *   queries, 1 point per 25 such PRs;
   * - "all": every PR, in the bulk query itself (7 points a page of 100);
   * - "none": nobody; `pullRequestDetails` fetches them later where needed.
   * Without details, `assignees`, `reviewRequests` and `reviewers` are empty and the merge method
   * is read from the merge commit's message.
   */
  details?: "bots" | "all" | "none";
  /**
   * "default": labels, commits and files (1 point per 40 PRs); "commits": commits only (1 point
   * per 100). With `filesFrom`, labels and commits (1 point per 60 PRs) and the files from there.
   */
  variant?: PullRequestVariant;
  /**
   * Reads the page's PRs' files somewhere else than GitHub (the repository's clone): the stream
   * then leaves `files` out of its query (variant "no-files", 60 PRs a point instead of 40). Files
   * it returns are taken only when their count and line totals equal the PR's `changedFiles`,
   * `additions` and `deletions` (what GitHub says of the same diff); the PRs it leaves out or
   * gets wrong are read from GitHub (100 PRs a point). Returning null means it can read nothing
   * (Git refused or failing): this page's PRs are read from GitHub and the pass goes on asking
   * for files in the bulk query, as without it.
   */
  filesFrom?: (changes: readonly FilesRequest[]) => Promise<Map<number, FileNode[]> | null>;
  /**
   * Select the repository's markers (default-branch head, newest deployments, releases and tags)
   * on the pass's first query, at no extra point; the first yielded page carries them.
   */
  markers?: boolean;
}

/** A merged PR whose files `filesFrom` is asked for: its change on the base branch. */
export interface FilesRequest {
  number: number;
  mergeCommitSha: string;
  mergeMethod: "merge" | "squash" | "rebase" | null;
  /** The PR's commits (a rebase merge replays each of them). */
  commitCount: number;
}

export interface PullRequestCursor {
  /** Pass as `after` to continue this pass. */
  endCursor: string | null;
  /** The latest updatedAt seen in this pass so far: the next sync's `updatedSince` once the pass is done. */
  maxUpdatedAt: Date | null;
  /** The PRs (merged into the branch or not) seen in this pass updated exactly at `maxUpdatedAt`: the next pass's `seenAtSince`. */
  atMaxUpdated: number[];
}

/**
 * What a repository's other streams look like now, read on the first page of a pull-request pass.
 * Each marker is an opaque digest: equal to the one stored after the stream's last full read means
 * the stream has nothing new (within the newest 10 items and their counts).
 */
export interface RepositoryMarkers {
  defaultBranch: string | null;
  /** The default branch's head commit; null for an empty repository. */
  head: string | null;
  /** The newest 10 deployments (id, environment, commit, latest status) and the count. */
  deployments: string;
  /** The newest 10 releases (id, tag, draft/prerelease, published, commit) and the count. */
  releases: string;
  /** The 10 tags on the newest commits (name, commit) and the count. */
  tags: string;
  /** The most recently updated issue and the count of issues (incident issues are among them). */
  issues: string;
}

export interface PullRequestPage extends PageMeta {
  pullRequests: PullRequest[];
  /** The pages's commits (PR commits and merge commits), de-duplicated by sha. */
  commits: Commit[];
  cursor: PullRequestCursor;
  /** True on the last page of the pass (no more pages, or older than `updatedSince`). */
  done: boolean;
  /** On the first page of a pass asked with `markers: true`. */
  markers?: RepositoryMarkers;
}

interface MarkerData {
  markerHead: { name: string; target: { oid: string } | null } | null;
  markerDeployments: { totalCount: number; nodes: unknown[] };
  markerReleases: { totalCount: number; nodes: unknown[] };
  markerTags: { totalCount: number; nodes: unknown[] };
  markerIssues: { totalCount: number; nodes: unknown[] };
}

interface PullRequestsData {
  repository:
    | ({
        defaultBranchRef: { name: string } | null;
        pullRequests: { totalCount: number; pageInfo: PageInfo; nodes: PullRequestNode[] };
      } & Partial<MarkerData>)
    | null;
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

function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("base64url").slice(0, 22);
}

function markersOf(data: MarkerData): RepositoryMarkers {
  return {
    defaultBranch: data.markerHead?.name ?? null,
    head: data.markerHead?.target?.oid ?? null,
    deployments: digest(data.markerDeployments),
    releases: digest(data.markerReleases),
    tags: digest(data.markerTags),
    issues: digest(data.markerIssues),
  };
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
  markers?: RepositoryMarkers;
  /** Read without files (variant "no-files"): `filesFrom` gives them. */
  withoutFiles: boolean;
}

/** Pages held for their Bot PRs' details at most; beyond, the oldest takes a details query of its own. */
const MAX_HELD_PAGES = 4;

/**
 * Merged pull requests, newest update first, one yielded page per bulk query, each PR complete:
 * when a PR has more than 100 commits or files, follow-up queries page through them before the
 * page is yielded. PRs not merged into the tracked branch are dropped. A page is the unit a
 * caller stores in one transaction, advancing its cursor with it; pages are yielded in order.
 *
 * With `details: "bots"`, the details of Bot-opened PRs ride on the next queries (up to
 * PIGGYBACK_DETAILS a query cost nothing there: GitHub rounds a query's cost to the nearest
 * point), so a page is held until its Bot PRs' details have arrived; at the end of the pass (or
 * when MAX_HELD_PAGES are waiting) the rest take batched details queries.
 */
export async function* mergedPullRequests(
  client: GitHubClient,
  options: MergedPullRequestsOptions,
): AsyncGenerator<PullRequestPage> {
  const since = options.updatedSince?.getTime() ?? null;
  const details = options.details ?? "bots";
  // With `filesFrom`, no files in the query until it says it can read none.
  const mode = { variant: options.filesFrom ? ("no-files" as const) : (options.variant ?? "default") };
  let after = options.after ?? null;
  let maxUpdatedAt: number | null = null;
  let atMax: number[] = [];
  const seen = new Set(options.seenAtSince ?? []);
  let first = true;
  const held: PendingPage[] = [];
  const waiting = () => held.flatMap((p) => p.botNumbers.filter((n) => !p.details.has(n)));
  for (;;) {
    const cost = newPageCost();
    const probe = first && options.markers === true;
    const variant = mode.variant;
    const riding = waiting().slice(0, piggybackDetailsOf(variant));
    const query =
      details === "all"
        ? MERGED_PULL_REQUESTS_FULL_QUERY
        : mergedPullRequestsWithDetailsQuery(riding, { variant, probe });
    const { data, rateLimit } = await client.graphql<PullRequestsData & DetailsData>(query, {
      owner: options.owner,
      name: options.repo,
      baseRef: options.baseRef ?? null,
      after,
    });
    charge(cost, rateLimit);
    const repository = data.repository;
    if (repository === null) throw notFound(options);
    for (const number of riding) {
      const node = (repository as unknown as Record<string, PullRequestDetailsNode | null>)[`pr${number}`];
      const page = held.find((p) => p.botNumbers.includes(number));
      // A PR GitHub no longer finds keeps its bulk fields (an empty details node is never stored).
      if (page !== undefined) page.details.set(number, node ?? emptyDetails(number));
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
      if (maxUpdatedAt === null || updatedAt > maxUpdatedAt) {
        maxUpdatedAt = updatedAt;
        atMax = [];
      }
      if (updatedAt === maxUpdatedAt) atMax.push(node.number);
      if (updatedAt === since && seen.has(node.number)) continue;
      if (node.mergedAt === null || (base !== null && node.baseRefName !== base)) continue;
      wanted.push(node);
    }
    const { hasNextPage, endCursor } = connection.pageInfo;
    const done = reachedCursor || !hasNextPage;
    held.push({
      nodes: wanted,
      botNumbers:
        details === "bots"
          ? wanted.filter((n) => accountTypeOf(n.author?.__typename, n.author?.login) === "Bot").map((n) => n.number)
          : [],
      details: new Map(),
      cost,
      rateLimit,
      cursor: {
        endCursor: endCursor ?? after,
        maxUpdatedAt: maxUpdatedAt === null ? null : new Date(maxUpdatedAt),
        atMaxUpdated: [...atMax],
      },
      done,
      ...(probe && repository.markerDeployments !== undefined ? { markers: markersOf(repository as MarkerData) } : {}),
      withoutFiles: details !== "all" && variant === "no-files",
    });
    first = false;
    // Yield, in order, every page whose details are all in; at the end of the pass, or with too
    // many pages waiting, the oldest page fetches what it still lacks.
    while (held.length > 0) {
      const oldest = held[0] as PendingPage;
      const lacking = oldest.botNumbers.filter((n) => !oldest.details.has(n));
      if (lacking.length > 0 && !done && held.length <= MAX_HELD_PAGES) break;
      if (lacking.length > 0) {
        // Batched details queries (25 PRs a point), filled with what later held pages lack too.
        const all = waiting();
        const size = Math.ceil(lacking.length / PULL_REQUEST_DETAILS_BATCH) * PULL_REQUEST_DETAILS_BATCH;
        const fetched = await fetchDetails(client, options, done ? all : all.slice(0, size));
        oldest.cost.graphqlCalls += fetched.calls;
        oldest.cost.graphqlPoints += fetched.points;
        oldest.rateLimit = fetched.rateLimit ?? oldest.rateLimit;
        for (const page of held) {
          for (const n of page.botNumbers) {
            if (page.details.has(n)) continue;
            const node = fetched.details.get(n);
            if (node !== undefined) page.details.set(n, node);
            else if (fetched.asked.has(n)) page.details.set(n, emptyDetails(n));
          }
        }
      }
      held.shift();
      yield await finishPage(client, options, oldest, mode);
    }
    if (done) return;
    after = endCursor;
  }
}

function emptyDetails(number: number): PullRequestDetailsNode {
  return { number, assignees: { nodes: [] }, reviewRequests: null, reviews: null, mergeCommit: null };
}

/**
 * Fetches what a page still lacks (details not carried by the next query, nested commits and
 * files; for a page read without files, the files from `filesFrom` or GitHub) and maps it.
 */
async function finishPage(
  client: GitHubClient,
  options: MergedPullRequestsOptions,
  page: PendingPage,
  mode: { variant: PullRequestVariant },
): Promise<PullRequestPage> {
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
  const completed: { node: PullRequestNode; nested: { commits: CommitNode[]; files: FileNode[] } }[] = [];
  for (const bulkNode of page.nodes) {
    const extra = page.details.get(bulkNode.number);
    const node = extra === undefined ? bulkNode : withDetails(bulkNode, extra);
    const nested = await completeNested(client, options, node, cost);
    if (nested.rateLimit !== null) latestRateLimit = nested.rateLimit;
    completed.push({ node, nested });
  }
  if (page.withoutFiles && completed.length > 0) {
    const files = await filesOf(client, options, completed, cost, mode);
    if (files.rateLimit !== null) latestRateLimit = files.rateLimit;
    for (const c of completed) c.nested.files = files.files.get(c.node.number) ?? [];
  }
  for (const { node, nested } of completed) {
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
    ...(page.markers === undefined ? {} : { markers: page.markers }),
  };
}

/**
 * The files of a page read without them: from `filesFrom` where its counts agree with GitHub's
 * totals for the PR, the rest from GitHub (PULL_REQUEST_FILES_BATCH PRs a query, further pages of
 * a PR's files as the bulk query's). When `filesFrom` can read nothing, later pages ask for files
 * in the bulk query again (`mode.variant`).
 */
async function filesOf(
  client: GitHubClient,
  options: MergedPullRequestsOptions,
  completed: readonly { node: PullRequestNode; nested: { commits: CommitNode[] } }[],
  cost: PageCost,
  mode: { variant: PullRequestVariant },
): Promise<{ files: Map<number, FileNode[]>; rateLimit: RateLimit | null }> {
  const files = new Map<number, FileNode[]>();
  const requests: FilesRequest[] = [];
  for (const { node, nested } of completed) {
    if (node.mergeCommit === null) continue;
    requests.push({
      number: node.number,
      mergeCommitSha: node.mergeCommit.oid,
      mergeMethod: inferMergeMethod(node, node.mergeCommit),
      commitCount: nested.commits.length,
    });
  }
  const local: Map<number, FileNode[]> | null =
    requests.length > 0 && options.filesFrom ? await options.filesFrom(requests) : new Map();
  if (local === null) mode.variant = options.variant ?? "default";
  for (const { node } of completed) {
    const got = local?.get(node.number);
    if (got === undefined) continue;
    const additions = got.reduce((n, f) => n + f.additions, 0);
    const deletions = got.reduce((n, f) => n + f.deletions, 0);
    if (got.length === node.changedFiles && additions === node.additions && deletions === node.deletions) {
      files.set(node.number, got);
    }
  }
  const missing = completed.map((c) => c.node).filter((n) => !files.has(n.number));
  if (missing.length === 0) return { files, rateLimit: null };
  client.logger.debug(
    { repo: fullName(options), numbers: missing.map((n) => n.number).slice(0, 20), count: missing.length },
    "pull request files from GitHub: not read from the clone",
  );
  let rateLimit: RateLimit | null = null;
  for (let i = 0; i < missing.length; i += PULL_REQUEST_FILES_BATCH) {
    const batch = missing.slice(i, i + PULL_REQUEST_FILES_BATCH);
    const result = await client.graphql<{
      repository: Record<string, { number: number; files: FileConnection | null } | null> | null;
    }>(pullRequestFilesQuery(batch.map((n) => n.number)), { owner: options.owner, name: options.repo });
    charge(cost, result.rateLimit);
    rateLimit = result.rateLimit ?? rateLimit;
    if (result.data.repository === null) throw notFound(options);
    for (const node of batch) {
      const connection = result.data.repository[`pr${node.number}`]?.files ?? null;
      // Further pages of a PR of more than 100 files, as for the bulk query's.
      const nested = await completeNested(client, options, { ...node, commits: emptyCommits, files: connection }, cost);
      rateLimit = nested.rateLimit ?? rateLimit;
      files.set(node.number, nested.files);
    }
  }
  return { files, rateLimit };
}

const emptyCommits: CommitConnection = { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };

interface DetailsData {
  repository: Record<string, PullRequestDetailsNode | null> | null;
}

async function fetchDetails(
  client: GitHubClient,
  ref: RepoRef,
  numbers: readonly number[],
): Promise<{
  details: Map<number, PullRequestDetailsNode>;
  asked: Set<number>;
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
  return { details, asked: new Set(unique), calls, points, rateLimit };
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

/**
 * The reviewers (people, not Bots) of chosen PRs, 100 PRs a query and a point
 * (PULL_REQUEST_REVIEWS_BATCH): what the "self-merged without review" flag reads. A PR GitHub no
 * longer finds is left out of the map.
 */
export async function pullRequestReviewers(
  client: GitHubClient,
  options: RepoRef & { numbers: readonly number[] },
): Promise<{ reviewers: Map<number, string[]>; cost: PageCost; rateLimit: RateLimit | null }> {
  const cost = newPageCost();
  const reviewers = new Map<number, string[]>();
  let rateLimit: RateLimit | null = null;
  const unique = [...new Set(options.numbers)];
  for (let i = 0; i < unique.length; i += PULL_REQUEST_REVIEWS_BATCH) {
    const batch = unique.slice(i, i + PULL_REQUEST_REVIEWS_BATCH);
    const result = await client.graphql<{
      repository: Record<string, Pick<PullRequestDetailsNode, "number" | "reviews"> | null> | null;
    }>(pullRequestReviewsQuery(batch), { owner: options.owner, name: options.repo });
    charge(cost, result.rateLimit);
    rateLimit = result.rateLimit ?? rateLimit;
    if (result.data.repository === null) throw notFound(options);
    for (const number of batch) {
      const node = result.data.repository[`pr${number}`];
      if (node == null) continue;
      reviewers.set(number, mapPullRequestDetails({ ...emptyDetails(number), reviews: node.reviews }).reviewers);
    }
  }
  return { reviewers, cost, rateLimit };
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
