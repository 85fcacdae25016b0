import { RATE_LIMIT_FIELDS } from "../rate-limit.js";
import { ACTOR_FIELDS, COMMIT_FIELDS } from "./fragments.js";

/**
 * What every merged PR needs, with three per-PR connections only (labels, commits, files). GitHub
 * charges (sum over connections of the requests needed to fill them) / 100, rounded to the nearest
 * point: a page of P PRs costs round((1 + 3P) / 100), so 100 PRs cost 3 points (301 requests) but
 * 40 PRs cost 1 (121 requests) and leave room for the details of 7 PRs at no extra point (149
 * requests still round to 1). See PULL_REQUEST_PAGE_SIZE. The merge commit comes without its
 * parents (merge method then read from its message, see inferMergeMethod).
 */
export const PULL_REQUEST_FIELDS = `fragment PullRequestFields on PullRequest {
  id
  number
  title
  body
  url
  createdAt
  updatedAt
  mergedAt
  headRefName
  baseRefName
  additions
  deletions
  changedFiles
  author { ...ActorFields }
  mergedBy { ...ActorFields }
  mergeCommit { ...CommitFields }
  labels(first: 20) { nodes { name } }
  commits(first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { commit { ...CommitFields } }
  }
  files(first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { path additions deletions changeType }
  }
}`;

/**
 * The same without labels and files (one per-PR connection: commits), for consumers that need
 * commits only: round((1 + 100) / 100) = 1 point a page of 100 PRs.
 */
export const PULL_REQUEST_COMMIT_ONLY_FIELDS = PULL_REQUEST_FIELDS.replace(
  "fragment PullRequestFields on PullRequest",
  "fragment PullRequestCommitFields on PullRequest",
)
  .replace(/\n {2}labels\(first: 20\) \{ nodes \{ name \} \}/, "")
  .replace(/\n {2}files\(first: 100\) \{[^}]*\{[^}]*\}[^}]*\{[^}]*\}\n {2}\}/, "");

/**
 * The same without files (two per-PR connections: labels and commits), for a sync that reads the
 * per-file counts from the repository's clone (`github.git.enabled`): round((1 + 2P) / 100)
 * points a page, so PULL_REQUEST_NO_FILES_PAGE_SIZE PRs a point.
 */
export const PULL_REQUEST_NO_FILES_FIELDS = PULL_REQUEST_FIELDS.replace(
  "fragment PullRequestFields on PullRequest",
  "fragment PullRequestNoFilesFields on PullRequest",
).replace(/\n {2}files\(first: 100\) \{[^}]*\{[^}]*\}[^}]*\{[^}]*\}\n {2}\}/, "");

/**
 * The per-PR connections only some consumers need, one point per 100 PRs each: assignees and
 * review requests (whom to credit for an agent's PR), reviews (self-merged without review), the
 * merge commit's parents (merge method for certain).
 */
export const PULL_REQUEST_DETAIL_FIELDS = `fragment PullRequestDetails on PullRequest {
  number
  assignees(first: 10) { nodes { login } }
  reviewRequests(first: 10) {
    nodes {
      requestedReviewer {
        __typename
        ... on User { login }
        ... on Bot { login }
        ... on Mannequin { login }
        ... on Team { slug }
      }
    }
  }
  reviews(first: 20, states: [APPROVED, COMMENTED, CHANGES_REQUESTED]) { nodes { author { __typename login } } }
  mergeCommit { oid parents(first: 2) { totalCount nodes { oid } } }
}`;

/** PRs per page of the bulk query (labels, commits and files): the size GitHub's rounding makes cheapest. */
export const PULL_REQUEST_PAGE_SIZE = 40;
/**
 * PRs per page without files (labels and commits): 1 + 2 × 60 + 4 × 7 details = 149 requests,
 * still 1 point (GitHub rounds to the nearest point; 150 would be 2). A page of 60 carries the
 * details of 7 PRs, about the share of Bot-opened ones (12% in the simulator's worlds).
 */
export const PULL_REQUEST_NO_FILES_PAGE_SIZE = 60;
/** PRs per page with commits only, and with every detail (MERGED_PULL_REQUESTS_FULL_QUERY). */
export const PULL_REQUEST_COMMITS_PAGE_SIZE = 100;
export const PULL_REQUEST_FULL_PAGE_SIZE = 100;

/**
 * What a repository's newest deployments, releases and tags and its default branch's head look
 * like, selected on the first page of a pull-request pass (4 requests: the query still rounds to
 * 1 point). A sync compares them with what it stored and skips the streams that did not change.
 */
export const REPOSITORY_MARKERS = `
    markerHead: defaultBranchRef { name target { oid } }
    markerDeployments: deployments(first: 10, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      nodes { databaseId environment commitOid latestStatus { state createdAt } }
    }
    markerReleases: releases(first: 10, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      nodes { databaseId tagName isDraft isPrerelease publishedAt tagCommit { oid } }
    }
    markerTags: refs(refPrefix: "refs/tags/", first: 10, orderBy: { field: TAG_COMMIT_DATE, direction: DESC }) {
      totalCount
      nodes { name target { oid } }
    }
    markerIssues: issues(first: 1, orderBy: { field: UPDATED_AT, direction: DESC }) {
      totalCount
      nodes { number updatedAt }
    }`;

const pullRequestsQuery = (
  name: string,
  spreads: string,
  fragments: string,
  extra = "",
  pageSize = PULL_REQUEST_PAGE_SIZE,
) => `query ${name}($owner: String!, $name: String!, $baseRef: String, $after: String) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {${extra}
    nameWithOwner
    defaultBranchRef { name }
    pullRequests(
      first: ${pageSize}
      after: $after
      states: [MERGED]
      baseRefName: $baseRef
      orderBy: { field: UPDATED_AT, direction: DESC }
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ${spreads} }
    }
  }
}
${fragments}`;

/**
 * Merged PRs, PULL_REQUEST_PAGE_SIZE a page, newest update first (an incremental sync stops at
 * the first PR updated before its cursor); `$baseRef` restricts to PRs merged into one branch.
 * 1 point a page.
 */
export const MERGED_PULL_REQUESTS_QUERY = pullRequestsQuery(
  "MergedPullRequests",
  "...PullRequestFields",
  `${PULL_REQUEST_FIELDS}\n${ACTOR_FIELDS}\n${COMMIT_FIELDS}`,
);

/**
 * The first page of a pass: MERGED_PULL_REQUESTS_QUERY plus the repository's markers (see
 * REPOSITORY_MARKERS), still 1 point. With nothing new, it is the whole re-sync of a repository.
 */
export const MERGED_PULL_REQUESTS_PROBE_QUERY = pullRequestsQuery(
  "MergedPullRequestsProbe",
  "...PullRequestFields",
  `${PULL_REQUEST_FIELDS}\n${ACTOR_FIELDS}\n${COMMIT_FIELDS}`,
  REPOSITORY_MARKERS,
);

/** Merged PRs with labels and commits, no files (read from the clone): 60 a page, 1 point. */
export const MERGED_PULL_REQUESTS_NO_FILES_QUERY = pullRequestsQuery(
  "MergedPullRequestsNoFiles",
  "...PullRequestNoFilesFields",
  `${PULL_REQUEST_NO_FILES_FIELDS}\n${ACTOR_FIELDS}\n${COMMIT_FIELDS}`,
  "",
  PULL_REQUEST_NO_FILES_PAGE_SIZE,
);

/** Merged PRs with their commits only (no labels, no files): 100 a page, 1 point. */
export const MERGED_PULL_REQUESTS_COMMITS_QUERY = pullRequestsQuery(
  "MergedPullRequestsCommits",
  "...PullRequestCommitFields",
  `${PULL_REQUEST_COMMIT_ONLY_FIELDS}\n${ACTOR_FIELDS}\n${COMMIT_FIELDS}`,
  "",
  PULL_REQUEST_COMMITS_PAGE_SIZE,
);

/** The same with every PR's details (assignees, review requests, reviews, merge parents): 7 points a page of 100. */
export const MERGED_PULL_REQUESTS_FULL_QUERY = pullRequestsQuery(
  "MergedPullRequestsFull",
  "...PullRequestFields ...PullRequestDetails",
  `${PULL_REQUEST_FIELDS}\n${PULL_REQUEST_DETAIL_FIELDS}\n${ACTOR_FIELDS}\n${COMMIT_FIELDS}`,
  "",
  PULL_REQUEST_FULL_PAGE_SIZE,
);

/**
 * Details of up to this many PRs ride free on a bulk query: 1 + 3 × 40 + 4 × 7 = 149 requests
 * still round to 1 point under GitHub's formula.
 */
export const PIGGYBACK_DETAILS = 7;

/** Details that ride free on a commits-only page: 1 + 100 + 4 × 12 = 149 requests, 1 point. */
export const PIGGYBACK_DETAILS_COMMITS = 12;

/** Details that ride free on a page without files: 1 + 2 × 60 + 4 × 7 = 149 requests, 1 point. */
export const PIGGYBACK_DETAILS_NO_FILES = 7;

/**
 * Which bulk pull-request query: labels, commits and files (the default), labels and commits
 * ("no-files": the files come from the clone), or commits only.
 */
export type PullRequestVariant = "default" | "no-files" | "commits";

/** How many PRs' details ride free on a page of this variant. */
export function piggybackDetailsOf(variant: PullRequestVariant): number {
  if (variant === "commits") return PIGGYBACK_DETAILS_COMMITS;
  return variant === "no-files" ? PIGGYBACK_DETAILS_NO_FILES : PIGGYBACK_DETAILS;
}

const VARIANTS: Record<PullRequestVariant, { fields: string; spread: string; name: string; pageSize: number }> = {
  default: {
    fields: PULL_REQUEST_FIELDS,
    spread: "...PullRequestFields",
    name: "",
    pageSize: PULL_REQUEST_PAGE_SIZE,
  },
  "no-files": {
    fields: PULL_REQUEST_NO_FILES_FIELDS,
    spread: "...PullRequestNoFilesFields",
    name: "NoFiles",
    pageSize: PULL_REQUEST_NO_FILES_PAGE_SIZE,
  },
  commits: {
    fields: PULL_REQUEST_COMMIT_ONLY_FIELDS,
    spread: "...PullRequestCommitFields",
    name: "Commits",
    pageSize: PULL_REQUEST_COMMITS_PAGE_SIZE,
  },
};

/**
 * A bulk pull-request query: the variant's fields, the repository markers when `probe` (first
 * page of a pass), and the details of chosen PRs (Bot-opened ones of earlier pages) as aliases
 * `pr<N>`. Built per call from constant parts; queries.test.ts validates and prices each form.
 */
export function mergedPullRequestsWithDetailsQuery(
  numbers: readonly number[],
  options: { variant?: PullRequestVariant; probe?: boolean } = {},
): string {
  const variant = options.variant ?? "default";
  const max = piggybackDetailsOf(variant);
  if (numbers.length > max) {
    throw new RangeError(`mergedPullRequestsWithDetailsQuery: at most ${max} PR numbers, got ${numbers.length}`);
  }
  const aliases = numbers
    .map((n) => {
      if (!Number.isInteger(n) || n <= 0)
        throw new RangeError(`mergedPullRequestsWithDetailsQuery: ${n} is not a PR number (e.g. 42)`);
      return `\n    pr${n}: pullRequest(number: ${n}) { ...PullRequestDetails }`;
    })
    .join("");
  const v = VARIANTS[variant];
  const details = numbers.length > 0 ? `\n${PULL_REQUEST_DETAIL_FIELDS}` : "";
  const name = `MergedPullRequests${v.name}${options.probe ? "Probe" : ""}${numbers.length > 0 ? "WithDetails" : ""}`;
  return pullRequestsQuery(
    name,
    v.spread,
    `${v.fields}${details}\n${ACTOR_FIELDS}\n${COMMIT_FIELDS}`,
    `${options.probe ? REPOSITORY_MARKERS : ""}${aliases}`,
    v.pageSize,
  );
}
