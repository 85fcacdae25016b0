import { ChangedFile, ChangeKind, Confidence, Deployment, MergeMethod, RepoFullName, Sha } from "@yardstick/core";
import { z } from "zod";
import { MetricsConfig } from "./config.js";

/**
 * The engine's input: plain data the DB/ingest layer builds. Dates accept ISO strings.
 */

/** A change (merged PR or direct push) as the engine needs it. */
export const MetricsChange = z.object({
  /** `<repo>#<number>` or `<repo>@<sha>` (core `changeKey`). */
  key: z.string().min(1),
  repo: RepoFullName,
  kind: ChangeKind.default("pull_request"),
  number: z.number().int().positive().nullable().default(null),
  title: z.string().default(""),
  /** PR body (or the commit message of a direct push): searched for "This reverts commit <sha>". */
  body: z.string().default(""),
  headRef: z.string().nullable().default(null),
  /** Messages of the change's commits: searched for "This reverts commit <sha>". */
  commitMessages: z.array(z.string()).default([]),
  /** The credited person (METRICS.md "Credited person"); null for bots and unresolved accounts. */
  personId: z.string().nullable(),
  /** The person who merged it, when resolved. */
  mergedById: z.string().nullable().default(null),
  /** People (other than bots) who submitted a review; accounts outside the roster under ids of their own. */
  reviewerIds: z.array(z.string()).default([]),
  /**
   * Whether the reviews were read (`reviewerIds` then says who reviewed); false: unknown, and the
   * change never counts as merged without review.
   */
  reviewsKnown: z.boolean().default(true),
  /** AI-assisted as already decided by the caller; when null, `aiConfidence` and the threshold decide. */
  aiAssisted: z.boolean().nullable().default(null),
  /** The verdict's confidence (null: no AI signal). */
  aiConfidence: Confidence.nullable().default(null),
  /** PR creation (null for direct pushes). */
  createdAt: z.coerce.date().nullable().default(null),
  /** Earliest authored time of the change's commits (null when commits are missing). */
  firstCommitAt: z.coerce.date().nullable().default(null),
  mergedAt: z.coerce.date(),
  mergeMethod: MergeMethod.nullable().default(null),
  /**
   * The commits the change put on the tracked branch: the merge commit (merge), the squash
   * commit (squash), the rebased commits (rebase), the commit itself (direct push).
   */
  landingShas: z.array(Sha).min(1, "at least the merge (or squash) commit"),
  /** The PR's own commits (pre-squash), to resolve "This reverts commit <sha>". */
  commitShas: z.array(Sha).default([]),
  files: z.array(ChangedFile).default([]),
  /** False when `files` is a prefix of the PR's files. */
  filesComplete: z.boolean().default(true),
  additions: z.number().int().nonnegative().default(0),
  deletions: z.number().int().nonnegative().default(0),
  /** Set by the caller when the change only reformats (whitespace, formatter output): see `patchVerdict`. */
  formatOnly: z.boolean().default(false),
  /**
   * Changed lines outside ignored files not counting whitespace-only changes, when the caller read
   * the PR's patches (`patchVerdict`); absent: additions + deletions outside ignored files.
   */
  countableLines: z.number().int().nonnegative().optional(),
  labels: z.array(z.string()).default([]),
});
export type MetricsChange = z.infer<typeof MetricsChange>;

/** A tracked branch's commit graph: its head and each commit's parents (first parent first). */
export const CommitGraph = z.object({
  head: Sha,
  parents: z.record(z.string(), z.array(Sha)),
});
export type CommitGraph = z.infer<typeof CommitGraph>;

export const TeamMembership = z.object({
  team: z.string().min(1),
  /** Membership bounds (null: open). `from` inclusive, `to` exclusive. */
  from: z.coerce.date().nullable().default(null),
  to: z.coerce.date().nullable().default(null),
});
export type TeamMembership = z.infer<typeof TeamMembership>;

export const RosterPerson = z.object({
  id: z.string().min(1),
  /** Teams as names (always a member) or memberships with dates. */
  teams: z
    .array(z.union([z.string().transform((team) => ({ team, from: null, to: null })), TeamMembership]))
    .default([]),
  joinedAt: z.coerce.date().nullable().default(null),
  leftAt: z.coerce.date().nullable().default(null),
});
export type RosterPerson = z.infer<typeof RosterPerson>;

/** Token and cost usage of one person, day and tool. */
export const UsageRecord = z.object({
  personId: z.string().min(1),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar day such as "2026-01-05"'),
  tool: z.string().min(1),
  tokensIn: z.number().nonnegative().default(0),
  tokensOut: z.number().nonnegative().default(0),
  cost: z.number().nonnegative().nullable().default(null),
});
export type UsageRecord = z.infer<typeof UsageRecord>;

/** An incident (issue with a configured label) that names a deployment by id or by commit. */
export const Incident = z.object({
  repo: RepoFullName,
  deploymentId: z.string().nullable().default(null),
  sha: Sha.nullable().default(null),
  openedAt: z.coerce.date(),
});
export type Incident = z.infer<typeof Incident>;

export const MetricsInput = z.object({
  changes: z.array(MetricsChange).default([]),
  /** Production deployments (see `detectDeployments`), with their statuses. */
  deployments: z.array(Deployment).default([]),
  /** Per repository: its tracked branch's commit graph. */
  commitGraphs: z.record(z.string(), CommitGraph).default({}),
  roster: z.array(RosterPerson).default([]),
  usage: z.array(UsageRecord).default([]),
  incidents: z.array(Incident).default([]),
  /** Repositories the report covers; defaults to those seen in changes and deployments. */
  repos: z.array(RepoFullName).default([]),
  /** Repositories with no deployment signal (from `detectDeployments`): they get the "merged" variant. */
  reposWithoutDeploymentSignal: z.array(RepoFullName).default([]),
  config: MetricsConfig.prefault({}),
});
export type MetricsInput = z.infer<typeof MetricsInput>;
/** What callers may pass before parsing (dates as strings, defaults omitted). */
export type MetricsInputData = z.input<typeof MetricsInput>;
