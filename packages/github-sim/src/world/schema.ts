import { AiTool, Confidence, DeploymentState, MergeMethod, VerdictClass, VerdictSubtype } from "@yardstick/core";
import { z } from "zod";

/**
 * The world format, version 1: what the simulator serves and what the generator writes.
 *
 * A world file is JSON Lines: the first line is a `header` record, every other line is one
 * record with a `type` discriminator. Records refer to each other by natural keys (org login,
 * user login, `owner/name` repository, commit sha, pull-request number), never by position, so
 * a reader may index them in any order. Times are ISO 8601 UTC strings with a `Z`, to the second.
 * `truth-*` records are the generator's ground truth: the simulator never serves them.
 * Field-by-field documentation: docs/simulator.md.
 */

export const WORLD_FORMAT = "yardstick-world";
export const WORLD_FORMAT_VERSION = 1;

const Login = z.string().min(1).max(100);
const Time = z.iso.datetime({ message: 'an ISO 8601 UTC time, e.g. "2026-11-24T09:30:00Z"' });
const Day = z.iso.date({ message: 'a calendar day, e.g. "2026-11-24"' });
const Sha = z.string().regex(/^[0-9a-f]{40}$/, "a 40-hex-digit commit sha");
const RepoName = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'a repository as "owner/name"');
const Id = z.number().int().positive();
const Count = z.number().int().nonnegative();

/** First line of every world file. */
export const WorldHeader = z.object({
  type: z.literal("header"),
  format: z.literal(WORLD_FORMAT),
  version: z.literal(WORLD_FORMAT_VERSION),
  /** The generator's seed (0 for hand-written worlds). */
  seed: z.number().int().nonnegative(),
  /** Who wrote the file, e.g. "yardstick-github-sim generator 1". */
  generator: z.string(),
  /** The world's "now": nothing in it happens later. */
  now: Time,
  /** Start of the simulated window. */
  start: Time,
  /** Options and record counts, for information (engineers, teams, repositories, weeks, pullRequests, commits...). */
  sizes: z.record(z.string(), Count),
  /**
   * The issue label that marks an incident in this world (METRICS.md "a configured incident
   * (issue label) names it"), e.g. "incident". Absent in worlds without incidents.
   */
  incidentLabel: z.string().min(1).optional(),
});
export type WorldHeader = z.infer<typeof WorldHeader>;

export const WorldOrg = z.object({
  type: z.literal("org"),
  login: Login,
  id: Id,
  nodeId: z.string(),
  name: z.string(),
  createdAt: Time,
});
export type WorldOrg = z.infer<typeof WorldOrg>;

/** What a user is in reality (GitHub only knows `accountType`). */
export const UserKind = z.enum(["human", "bot", "ai-agent"]);
export type UserKind = z.infer<typeof UserKind>;

export const OrgMembership = z.object({
  org: Login,
  role: z.enum(["member", "admin"]),
  joinedAt: Time,
  /** When the person left the org (no longer listed as a member from then on), or null. */
  leftAt: Time.nullable(),
});
export type OrgMembership = z.infer<typeof OrgMembership>;

export const Interval = z.object({ from: Time, to: Time });
export type Interval = z.infer<typeof Interval>;

export const WorldUser = z.object({
  type: z.literal("user"),
  login: Login,
  /** GitHub's numeric user id (bots keep their real ids, e.g. dependabot[bot] 49699333). */
  id: Id,
  nodeId: z.string(),
  /** GitHub's `type`: Bot for apps and `[bot]` accounts, User otherwise (the Copilot agent is a Bot). */
  accountType: z.enum(["User", "Bot"]),
  kind: UserKind,
  /** Display name, or null when the profile has none. */
  name: z.string().nullable(),
  /** Commit emails this account uses; the first is the primary one. GitHub links commits by these. */
  emails: z.array(z.string()),
  createdAt: Time,
  memberships: z.array(OrgMembership),
  /** Periods of leave: the person ships nothing in them. */
  onLeave: z.array(Interval),
});
export type WorldUser = z.infer<typeof WorldUser>;

export const WorldTeam = z.object({
  type: z.literal("team"),
  org: Login,
  id: Id,
  nodeId: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  privacy: z.enum(["closed", "secret"]),
  /** Slug of the parent team, or null. */
  parent: z.string().nullable(),
  /** Logins of direct members at the world's `now` (maintainers included), as GitHub lists them. */
  members: z.array(Login),
  maintainers: z.array(Login),
  /** People who were members during the window but have left the org (GitHub no longer lists them). */
  formerMembers: z.array(Login).optional(),
});
export type WorldTeam = z.infer<typeof WorldTeam>;

/** How production deployments can be seen for a repository (METRICS.md "Production deployment"). */
export const DeployMethod = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("deployments"), environment: z.string() }),
  z.object({ kind: z.literal("releases") }),
  z.object({ kind: z.literal("tags"), pattern: z.string() }),
  z.object({ kind: z.literal("workflow"), name: z.string(), path: z.string() }),
  z.object({ kind: z.literal("merge") }),
]);
export type DeployMethod = z.infer<typeof DeployMethod>;

export const WorldRepo = z.object({
  type: z.literal("repo"),
  org: Login,
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  id: Id,
  nodeId: z.string(),
  description: z.string(),
  defaultBranch: z.string(),
  visibility: z.enum(["public", "private", "internal"]),
  createdAt: Time,
  /** Slug of the owning team, or null. */
  ownerTeam: z.string().nullable(),
  /** The deployment method the generator used for this repository. */
  deployMethod: DeployMethod,
  /** Trunk-based: some changes are commits pushed straight to the default branch, with no PR. */
  trunkBased: z.boolean(),
});
export type WorldRepo = z.infer<typeof WorldRepo>;

export const GitIdentity = z.object({
  name: z.string(),
  email: z.string(),
  date: Time,
  /** The GitHub account linked to this identity (GitHub links by email), or null. */
  login: Login.nullable(),
});
export type GitIdentity = z.infer<typeof GitIdentity>;

export const FileStatus = z.enum(["added", "removed", "modified", "renamed"]);
export type FileStatus = z.infer<typeof FileStatus>;

export const WorldFile = z.object({
  path: z.string(),
  additions: Count,
  deletions: Count,
  status: FileStatus,
  /** For renames: the old path. */
  previousPath: z.string().optional(),
  /**
   * Ground truth of the patch (absent: all code). Removed/added line pairs that differ only in
   * indentation, and blank lines added or removed, among `additions`/`deletions`.
   */
  reindented: Count.optional(),
  blankAdded: Count.optional(),
  blankRemoved: Count.optional(),
  /** The file only reformats (re-indentation, re-wrapping, quote style, trailing commas, blank lines). */
  format: z.boolean().optional(),
});
export type WorldFile = z.infer<typeof WorldFile>;

/**
 * A git commit. Co-authors are not stored twice: they are the message's `Co-authored-by:`
 * lines (see `coAuthorsOf` in ./index.ts, which resolves their emails to accounts).
 */
export const WorldCommit = z.object({
  type: z.literal("commit"),
  repo: RepoName,
  sha: Sha,
  /** Full message: subject, body, trailers. */
  message: z.string(),
  author: GitIdentity,
  committer: GitIdentity,
  /** Parent shas, first parent first (merge commits have two). */
  parents: z.array(Sha),
  additions: Count,
  deletions: Count,
  /** Changed files, when known (the generator leaves them to the pull request). */
  files: z.array(WorldFile).optional(),
});
export type WorldCommit = z.infer<typeof WorldCommit>;

/** A branch head. Every repository has one for its default branch. */
export const WorldBranch = z.object({
  type: z.literal("branch"),
  repo: RepoName,
  name: z.string(),
  sha: Sha,
});
export type WorldBranch = z.infer<typeof WorldBranch>;

export const ReviewState = z.enum(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"]);
export type ReviewState = z.infer<typeof ReviewState>;

export const WorldReview = z.object({
  id: Id,
  user: Login,
  state: ReviewState,
  submittedAt: Time,
  body: z.string(),
});
export type WorldReview = z.infer<typeof WorldReview>;

export const WorldPull = z.object({
  type: z.literal("pull"),
  repo: RepoName,
  number: z.number().int().positive(),
  id: Id,
  nodeId: z.string(),
  title: z.string(),
  body: z.string(),
  /** Login of the account that opened the PR (an agent account for agent PRs). */
  author: Login,
  state: z.enum(["open", "closed"]),
  draft: z.boolean(),
  headRef: z.string(),
  headSha: Sha,
  baseRef: z.string(),
  /** The base branch commit the PR branched from. */
  baseSha: Sha,
  labels: z.array(z.string()),
  createdAt: Time,
  updatedAt: Time,
  closedAt: Time.nullable(),
  mergedAt: Time.nullable(),
  mergedBy: Login.nullable(),
  mergeMethod: MergeMethod.nullable(),
  assignees: z.array(Login),
  requestedReviewers: z.array(Login),
  requestedTeams: z.array(z.string()),
  reviews: z.array(WorldReview),
  /** The PR's own commits, oldest first; they stay listed after a squash or rebase merge. */
  commits: z.array(Sha),
  /** GitHub's merge_commit_sha: the merge commit, the squash commit, or the last rebased commit. */
  mergeCommitSha: Sha.nullable(),
  /** The default-branch commits the merge produced, oldest first (one, except for rebase merges). */
  resultCommits: z.array(Sha),
  additions: Count,
  deletions: Count,
  changedFiles: Count,
  files: z.array(WorldFile),
});
export type WorldPull = z.infer<typeof WorldPull>;

/**
 * An issue. GitHub numbers issues and pull requests of a repository from one sequence, so an
 * issue's number is never a pull request's number in the same repository.
 */
export const WorldIssue = z.object({
  type: z.literal("issue"),
  repo: RepoName,
  number: z.number().int().positive(),
  id: Id,
  nodeId: z.string(),
  title: z.string(),
  body: z.string(),
  /** Login of the account that opened it. */
  author: Login,
  /** Label names. */
  labels: z.array(z.string()),
  state: z.enum(["open", "closed"]),
  createdAt: Time,
  updatedAt: Time,
  /** Null while open. */
  closedAt: Time.nullable(),
  /** Number of comments (GitHub's `comments`; the world stores no comment bodies). */
  comments: Count.default(0),
});
export type WorldIssue = z.infer<typeof WorldIssue>;

export const WorldTag = z.object({
  type: z.literal("tag"),
  repo: RepoName,
  name: z.string(),
  sha: Sha,
  /** Annotated tags carry a tagger date; for lightweight tags this is the commit's date. */
  taggedAt: Time,
  annotated: z.boolean(),
});
export type WorldTag = z.infer<typeof WorldTag>;

export const WorldRelease = z.object({
  type: z.literal("release"),
  repo: RepoName,
  id: Id,
  tagName: z.string(),
  name: z.string(),
  body: z.string(),
  draft: z.boolean(),
  prerelease: z.boolean(),
  createdAt: Time,
  /** Null for drafts. */
  publishedAt: Time.nullable(),
  targetSha: Sha,
  author: Login,
});
export type WorldRelease = z.infer<typeof WorldRelease>;

export const WorldDeploymentStatus = z.object({
  id: Id,
  state: DeploymentState,
  createdAt: Time,
  description: z.string(),
  creator: Login,
});
export type WorldDeploymentStatus = z.infer<typeof WorldDeploymentStatus>;

export const WorldDeployment = z.object({
  type: z.literal("deployment"),
  repo: RepoName,
  id: Id,
  nodeId: z.string(),
  sha: Sha,
  /** The ref that was deployed (a branch, tag or sha). */
  ref: z.string(),
  task: z.string(),
  environment: z.string(),
  description: z.string(),
  creator: Login,
  createdAt: Time,
  updatedAt: Time,
  productionEnvironment: z.boolean(),
  transientEnvironment: z.boolean(),
  /** Oldest first; the last one is the current state. */
  statuses: z.array(WorldDeploymentStatus),
});
export type WorldDeployment = z.infer<typeof WorldDeployment>;

export const WorkflowConclusion = z.enum([
  "success",
  "failure",
  "cancelled",
  "skipped",
  "timed_out",
  "action_required",
  "neutral",
]);
export type WorkflowConclusion = z.infer<typeof WorkflowConclusion>;

export const WorldWorkflowRun = z.object({
  type: z.literal("workflow-run"),
  repo: RepoName,
  id: Id,
  workflowId: Id,
  /** Workflow name, e.g. "Deploy". */
  name: z.string(),
  /** Workflow file, e.g. ".github/workflows/deploy.yml". */
  path: z.string(),
  runNumber: z.number().int().positive(),
  headSha: Sha,
  headBranch: z.string(),
  event: z.string(),
  status: z.enum(["queued", "in_progress", "completed"]),
  conclusion: WorkflowConclusion.nullable(),
  actor: Login,
  createdAt: Time,
  updatedAt: Time,
});
export type WorldWorkflowRun = z.infer<typeof WorldWorkflowRun>;

/** Imported token usage, one record per person, day and tool. */
export const WorldUsage = z.object({
  type: z.literal("usage"),
  login: Login,
  day: Day,
  tool: AiTool,
  tokensIn: Count,
  tokensOut: Count,
  costUsd: z.number().nonnegative(),
});
export type WorldUsage = z.infer<typeof WorldUsage>;

// ---------------------------------------------------------------------------------------------
// Ground truth. Never served; an oracle computes every METRICS.md figure from these.

export const TruthChange = z.object({
  type: z.literal("truth-change"),
  repo: RepoName,
  /** `changeKey`: `<repo>#<number>` for a PR, `<repo>@<sha>` for a direct push. */
  key: z.string(),
  kind: z.enum(["pull_request", "direct_push"]),
  number: z.number().int().positive().nullable(),
  /** The last default-branch commit of the change (what a deployment must contain). */
  sha: Sha,
  mergedAt: Time,
  class: VerdictClass,
  /** The tools really used, principal first; empty for human and bot work. */
  tools: z.array(AiTool),
  subtype: VerdictSubtype.nullable(),
  /** The form the work took, e.g. "claude-code.trailer", "copilot.agent", "human", "bot.dependabot". */
  form: z.string(),
  /** False when the change is AI-assisted but carries no marker anyone could see. */
  observable: z.boolean(),
  /**
   * The strongest confidence shared/ATTRIBUTION.md gives the markers this change carries (null
   * when it carries none): at the default threshold (high) a classifier should find exactly the
   * AI changes with "high".
   */
  markerConfidence: Confidence.nullable(),
  /** For human work built to fool a classifier: "prose-mention", "named-claude", "aider-committer"... */
  hardNegative: z.string().nullable(),
  /** The human credited (METRICS.md "Credited person"), null for bots. */
  credited: Login.nullable(),
  /** Lines changed, all files. */
  lines: Count,
  /**
   * Of `lines`, those outside lock/generated files that change only whitespace (re-indented pairs,
   * blank lines) or only reformat (`formatOnly` files): METRICS.md's trivial rule does not count them.
   */
  whitespaceLines: Count.default(0),
  /** Every file outside lock/generated files only reformats (METRICS.md "only ... formatting"). */
  formatOnly: z.boolean().default(false),
  trivial: z.boolean(),
  /** The change merely reverts another (its key). */
  revertOf: z.string().nullable(),
  /** Key of the change that reverted this one, and whether it merged within 14 days of this merge. */
  revertedBy: z.string().nullable(),
  revertedWithin14Days: z.boolean(),
  /** Part of a gamer's gaming work (a burst of trivial AI-assisted PRs, a spike, a revert round trip, ...). */
  gaming: z.boolean(),
  /** The production deployment that first shipped it (`truth-deployment.externalId`), or null. */
  deployment: z.string().nullable(),
  deployedAt: Time.nullable(),
});
export type TruthChange = z.infer<typeof TruthChange>;

export const TruthDeployment = z.object({
  type: z.literal("truth-deployment"),
  repo: RepoName,
  source: z.enum(["deployment", "release", "tag", "workflow", "merge"]),
  /** Deployment id, release id, tag name, workflow run id or merge sha, as a string. */
  externalId: z.string(),
  environment: z.string(),
  sha: Sha,
  /** True when the metrics must count it as a production deployment (went live). */
  production: z.boolean(),
  /** When it went live (first success status, release published, tag date, run completed, merge), or null. */
  at: Time.nullable(),
  /** Its sha is not on the default branch (deployed from a branch). */
  offBranch: z.boolean(),
  /** A status of failure/error came after it went live. */
  failedAfterLive: z.boolean(),
  /** The next production deployment of the same environment is at an ancestor commit. */
  rolledBack: z.boolean(),
  /** It is itself a redeploy of an earlier commit. */
  rollback: z.boolean(),
  /** Keys of the changes it shipped first. */
  changes: z.array(z.string()),
  /** It shipped a change reverted within 14 days of merge. */
  shippedRevertedChange: z.boolean(),
  /**
   * An issue carrying the world's incident label names this deployment (by a prefix of its
   * sha), opened after it went live and before the repository's next production deployment did.
   */
  incident: z.boolean().default(false),
  /** Failed by METRICS.md's change-failure rule: failedAfterLive, rolledBack, shippedRevertedChange or incident. */
  failed: z.boolean(),
});
export type TruthDeployment = z.infer<typeof TruthDeployment>;

/** What an issue really is, for scoring incident detection. */
export const TruthIssue = z.object({
  type: z.literal("truth-issue"),
  repo: RepoName,
  number: z.number().int().positive(),
  /**
   * The production deployment (`truth-deployment.externalId`) this issue reports as an incident,
   * or null when it counts as none.
   */
  incidentOf: z.string().nullable(),
  /**
   * Why an issue that could look like an incident does not count, or null: "other-label" (not
   * labelled as an incident), "no-sha" (names no commit), "unknown-sha" (names a commit no
   * production deployment has), "before-live" (opened before the deployment it names went live).
   */
  noise: z.enum(["other-label", "no-sha", "unknown-sha", "before-live"]).nullable(),
  /** The sha prefixes the issue names (7 to 40 hex digits), in order of appearance. */
  shas: z.array(z.string()),
});
export type TruthIssue = z.infer<typeof TruthIssue>;

/** The gaming strategies the generator can give a person (see `GamerStrategy` in the generator). */
export const GAMER_STRATEGIES = [
  "burst",
  "spike",
  "revert-churn",
  "agent-revert-churn",
  "splitting",
  "self-merge",
  "token-heavy",
  "rubber-stamp",
] as const;

export const TruthPerson = z.object({
  type: z.literal("truth-person"),
  login: Login,
  /** AI tools this person really uses. */
  tools: z.array(AiTool),
  /** Gaming strategy (generator's `GamerStrategy`): bursts of trivial AI PRs, heavy tokens that ship nothing, ... */
  gaming: z.enum(GAMER_STRATEGIES).nullable(),
  /** A real person whose name looks like an AI tool's (Claude, Devin...). */
  aiLikeName: z.boolean(),
});
export type TruthPerson = z.infer<typeof TruthPerson>;

export const WorldRecord = z.discriminatedUnion("type", [
  WorldHeader,
  WorldOrg,
  WorldUser,
  WorldTeam,
  WorldRepo,
  WorldCommit,
  WorldBranch,
  WorldPull,
  WorldIssue,
  WorldTag,
  WorldRelease,
  WorldDeployment,
  WorldWorkflowRun,
  WorldUsage,
  TruthChange,
  TruthDeployment,
  TruthIssue,
  TruthPerson,
]);
export type WorldRecord = z.infer<typeof WorldRecord>;
export type WorldRecordType = WorldRecord["type"];
