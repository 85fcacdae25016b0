export {
  createGitHubClient,
  credentialId,
  DEFAULT_BASE_URL,
  type GitHubAuth,
  type GitHubClient,
  type GitHubClientOptions,
  type GitHubObserver,
  type GraphQLResult,
  graphqlUrlFor,
  type RateBudget,
  readRateBudget,
  type SharedRedis,
  type ThrottleOptions,
} from "./client.js";
export {
  GitHubError,
  GitHubErrorCode,
  graphqlError,
  isGitHubError,
  isNetworkError,
  retryAfterFromHeaders,
  toGitHubError,
} from "./errors.js";
export { type CommitsPage, commitsByOid } from "./fetchers/commits.js";
export { type Comparison, compareCommits } from "./fetchers/compare.js";
export {
  branchHistory,
  type CursorPage,
  type DeploymentPage,
  type DeploymentsOptions,
  deployments,
  type HistoryPage,
  type ReleasePage,
  releases,
  type SinceOptions,
  type TagPage,
  tags,
} from "./fetchers/deployments.js";
export { type EtagCache, memoryEtagCache } from "./fetchers/etag-cache.js";
export {
  type GitHubIssue,
  type IssuePage,
  type IssuesOptions,
  issuesUpdatedSince,
  mapIssue,
} from "./fetchers/issues.js";
export type { PageCost, PageMeta, RepoRef } from "./fetchers/page.js";
export {
  type PullRequestPatches,
  type PullRequestPatchFile,
  pullRequestPatches,
} from "./fetchers/pull-request-patches.js";
export {
  type FilesRequest,
  type MergedPullRequestsOptions,
  mergedPullRequests,
  type PullRequestCursor,
  type PullRequestPage,
  pullRequestDetails,
  pullRequestReviewers,
  type RepositoryMarkers,
} from "./fetchers/pull-requests.js";
export {
  OrgMember,
  type OrgMemberPage,
  OrgRepository,
  type OrgRepositoryPage,
  type OrgRoster,
  orgMembers,
  orgRepositories,
  orgRoster,
  TeamMember,
  type TeamPage,
  TeamWithMembers,
  teams,
} from "./fetchers/roster.js";
export { type WorkflowRunPage, type WorkflowRunsOptions, workflowRuns } from "./fetchers/workflow-runs.js";
export {
  type GitHistory,
  type GitHistoryCommit,
  GitMirror,
  type GitMirrorOptions,
  GitRepoMirror,
  GitUnavailable,
  gitUrlFor,
  type MergedChange,
  parseGitDiff,
} from "./git/mirror.js";
export {
  type GitChangeType,
  type GitCommitStats,
  type GitFileStat,
  parseRawNumstat,
  RAW_NUMSTAT_FORMAT,
  RawNumstatParseError,
} from "./git/numstat.js";
export {
  accountTypeOf,
  GHOST_LOGIN,
  GitHubRelease,
  GitHubTag,
  GitHubWorkflowRun,
  inferMergeMethod,
  type MappedPullRequest,
  mapActor,
  mapCommit,
  mapDeployment,
  mapFile,
  mapGitActor,
  mapHistoryCommit,
  mapPullRequest,
  mapPullRequestDetails,
  mapRelease,
  mapRestCommit,
  mapTag,
  mapWorkflowRun,
  type PullRequestDetails,
  withDetails,
} from "./mappers.js";
export {
  accountOfRequest,
  createGitHubPool,
  type GitHubCredential,
  type GitHubPool,
  type GitHubPoolOptions,
  type PoolMember,
} from "./pool.js";
export { checkGitHubAccess } from "./probe.js";
export { queryCost } from "./queries/cost.js";
export * from "./queries/index.js";
export { PULL_REQUEST_DETAILS_BATCH } from "./queries/pull-request-details.js";
export { addGraphqlCost, type CostTally, emptyTally, RATE_LIMIT_FIELDS, RateLimit } from "./rate-limit.js";
export type * from "./shapes.js";
