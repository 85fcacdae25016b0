/**
 * Hand-written fixtures in GitHub's exact response shapes (GraphQL nodes as our queries select
 * them, REST items as documented), for the mapper tests. Shas are 40 hex digits as on GitHub.
 */
import type {
  CommitNode,
  DeploymentNode,
  HistoryCommitNode,
  PullRequestNode,
  RefNode,
  ReleaseNode,
  RestCommit,
  RestWorkflowRun,
} from "./shapes.js";

export const sha = (n: number): string => n.toString(16).padStart(40, "a");

export const copilotCommit: CommitNode = {
  oid: sha(1),
  message:
    "Initial plan\n\nCo-authored-by: octocat <583231+octocat@users.noreply.github.com>\nAgent-Logs-Url: https://github.com/acme/payments/sessions/5f1c",
  authoredDate: "2026-11-02T10:00:00Z",
  committedDate: "2026-11-02T10:00:05Z",
  additions: 0,
  deletions: 0,
  author: {
    name: "Copilot",
    email: "198982749+Copilot@users.noreply.github.com",
    date: "2026-11-02T10:00:00Z",
    user: null,
  },
  committer: { name: "GitHub", email: "noreply@github.com", date: "2026-11-02T10:00:05Z", user: null },
};

export const humanCommit: CommitNode = {
  oid: sha(2),
  message:
    "Fix rounding in invoices\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\nCo-authored-by: Mona <mona@example.com>",
  authoredDate: "2026-11-02T11:00:00Z",
  committedDate: "2026-11-02T11:00:00Z",
  additions: 12,
  deletions: 3,
  author: {
    name: "Octo Cat",
    email: "octocat@example.com",
    date: "2026-11-02T11:00:00Z",
    user: { login: "octocat", databaseId: 583231 },
  },
  committer: {
    name: "Octo Cat",
    email: "octocat@example.com",
    date: "2026-11-02T11:00:00Z",
    user: { login: "octocat", databaseId: 583231 },
  },
};

/** A squash-merged PR opened by the Copilot coding agent (a Bot), assigned to octocat. */
export const squashedPullRequest: PullRequestNode = {
  number: 42,
  title: "Fix rounding in invoices",
  body: "Fixes #41\n\n<!-- START COPILOT CODING AGENT SUFFIX -->",
  url: "https://github.com/acme/payments/pull/42",
  createdAt: "2026-11-02T09:59:00Z",
  updatedAt: "2026-11-03T08:00:00Z",
  mergedAt: "2026-11-03T07:59:00Z",
  headRefName: "copilot/fix-rounding",
  baseRefName: "main",
  additions: 12,
  deletions: 3,
  changedFiles: 2,
  author: { __typename: "Bot", login: "Copilot", databaseId: 198982749 },
  mergedBy: { __typename: "User", login: "octocat", databaseId: 583231 },
  mergeCommit: {
    oid: sha(3),
    message:
      "Fix rounding in invoices (#42)\n\n* Initial plan\n\n* Fix rounding in invoices\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n\n---------\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>\nCo-authored-by: octocat <583231+octocat@users.noreply.github.com>",
    authoredDate: "2026-11-03T07:59:00Z",
    committedDate: "2026-11-03T07:59:00Z",
    additions: 12,
    deletions: 3,
    author: {
      name: "Copilot",
      email: "198982749+Copilot@users.noreply.github.com",
      date: "2026-11-03T07:59:00Z",
      user: null,
    },
    committer: { name: "GitHub", email: "noreply@github.com", date: "2026-11-03T07:59:00Z", user: null },
    parents: { totalCount: 1, nodes: [{ oid: sha(100) }] },
  },
  labels: { nodes: [{ name: "bug" }] },
  assignees: { nodes: [{ login: "octocat" }] },
  reviewRequests: {
    nodes: [
      { requestedReviewer: { __typename: "User", login: "hubot" } },
      { requestedReviewer: { __typename: "Team", slug: "payments" } },
    ],
  },
  reviews: { nodes: [{ author: { login: "octocat" } }, { author: { login: "octocat" } }, { author: null }] },
  commits: {
    totalCount: 2,
    pageInfo: { hasNextPage: false, endCursor: "Mg" },
    nodes: [{ commit: copilotCommit }, { commit: humanCommit }],
  },
  files: {
    totalCount: 2,
    pageInfo: { hasNextPage: false, endCursor: "Mg" },
    nodes: [
      { path: "src/invoice.ts", additions: 10, deletions: 3, changeType: "MODIFIED" },
      { path: "src/invoice.test.ts", additions: 2, deletions: 0, changeType: "ADDED" },
    ],
  },
};

/** A merge-commit PR by a human (two parents). */
export const mergedWithMergeCommit: PullRequestNode = {
  ...squashedPullRequest,
  number: 43,
  title: "Add refunds",
  body: "",
  author: { __typename: "User", login: "mona", databaseId: 2 },
  headRefName: "feature/refunds",
  mergeCommit: {
    ...humanCommit,
    oid: sha(4),
    message: "Merge pull request #43 from acme/feature/refunds\n\nAdd refunds",
    parents: { totalCount: 2, nodes: [{ oid: sha(100) }, { oid: sha(2) }] },
  },
  commits: { totalCount: 1, pageInfo: { hasNextPage: false, endCursor: "MQ" }, nodes: [{ commit: humanCommit }] },
};

/** A rebase-merged PR: one parent, subject is the last commit's own. */
export const rebasedPullRequest: PullRequestNode = {
  ...mergedWithMergeCommit,
  number: 44,
  title: "Tidy logs",
  mergeCommit: {
    ...humanCommit,
    oid: sha(5),
    message: "Tidy log lines\n",
    parents: { totalCount: 1, nodes: [{ oid: sha(6) }] },
  },
};

/** Dependabot: null author fields are possible on GitHub; here a Bot with no databaseId given and no files selected. */
export const dependabotPullRequest: PullRequestNode = {
  ...mergedWithMergeCommit,
  number: 45,
  title: "Bump zod from 4.1.0 to 4.2.0",
  author: { __typename: "Bot", login: "dependabot[bot]", databaseId: 49699333 },
  mergedBy: null,
  mergeCommit: null,
  labels: null,
  reviews: null,
  reviewRequests: null,
  files: null,
  changedFiles: 1,
};

export const deploymentNode: DeploymentNode = {
  databaseId: 9001,
  environment: "production",
  commitOid: sha(3),
  ref: { name: "main" },
  task: "deploy",
  description: "Deploy 2026-11-03",
  createdAt: "2026-11-03T09:00:00Z",
  updatedAt: "2026-11-03T09:06:00Z",
  creator: { login: "github-actions[bot]" },
  latestStatus: { state: "SUCCESS", createdAt: "2026-11-03T09:06:00Z", description: "Deployed" },
  // GitHub lists statuses newest first.
  statuses: {
    totalCount: 3,
    nodes: [
      { state: "SUCCESS", createdAt: "2026-11-03T09:06:00Z", description: "Deployed" },
      { state: "IN_PROGRESS", createdAt: "2026-11-03T09:01:00Z", description: null },
      { state: "QUEUED", createdAt: "2026-11-03T09:00:10Z", description: "" },
    ],
  },
};

export const releaseNode: ReleaseNode = {
  databaseId: 123456,
  name: "v1.4.0",
  tagName: "v1.4.0",
  isDraft: false,
  isPrerelease: false,
  createdAt: "2026-11-03T10:00:00Z",
  publishedAt: "2026-11-03T10:05:00Z",
  url: "https://github.com/acme/payments/releases/tag/v1.4.0",
  author: { login: "octocat" },
  tagCommit: { oid: sha(3) },
};

export const lightweightTag: RefNode = {
  name: "deploy-2026-11-03",
  target: { __typename: "Commit", oid: sha(3), committedDate: "2026-11-03T07:59:00Z" },
};

export const annotatedTag: RefNode = {
  name: "v1.4.0",
  target: {
    __typename: "Tag",
    oid: sha(7),
    tagger: { date: "2026-11-03T10:00:00Z" },
    target: { __typename: "Commit", oid: sha(3), committedDate: "2026-11-03T07:59:00Z" },
  },
};

export const historyCommit: HistoryCommitNode = {
  ...humanCommit,
  oid: sha(4),
  message: "Merge pull request #43 from acme/feature/refunds\n\nAdd refunds",
  parents: { nodes: [{ oid: sha(100) }, { oid: sha(2) }] },
};

/** REST `GET /repos/acme/payments/actions/runs` item, trimmed to documented fields. */
export const workflowRun: RestWorkflowRun = {
  id: 30433642,
  name: "Deploy",
  path: ".github/workflows/deploy.yml",
  head_branch: "main",
  head_sha: sha(3),
  event: "push",
  status: "completed",
  conclusion: "success",
  workflow_id: 159038,
  run_number: 562,
  run_attempt: 1,
  created_at: "2026-11-03T08:00:00Z",
  updated_at: "2026-11-03T08:07:00Z",
  run_started_at: "2026-11-03T08:00:02Z",
  actor: { login: "octocat", type: "User" },
  triggering_actor: { login: "octocat" },
  html_url: "https://github.com/acme/payments/actions/runs/30433642",
};

export const restCommit: RestCommit = {
  sha: sha(8),
  commit: {
    message: "Bump zod\n\nSigned-off-by: dependabot[bot] <support@github.com>",
    author: {
      name: "dependabot[bot]",
      email: "49699333+dependabot[bot]@users.noreply.github.com",
      date: "2026-11-01T00:00:00Z",
    },
    committer: { name: "GitHub", email: "noreply@github.com", date: "2026-11-01T00:00:01Z" },
  },
  author: { login: "dependabot[bot]", id: 49699333, type: "Bot" },
  committer: { login: "web-flow", id: 19864447, type: "User" },
  parents: [{ sha: sha(9) }],
};
