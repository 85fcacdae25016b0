import { z } from "zod";

/**
 * The product's domain, as zod schemas. A schema and its type share a name. Dates are `Date`
 * objects in memory; `z.coerce.date()` accepts the ISO strings of JSON input.
 * See ../shared/METRICS.md for what each entity means.
 */

export const RepoFullName = z
  .string()
  .max(140, "at most 140 characters (GitHub: owner up to 39, name up to 100)")
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'a repository as "owner/name", e.g. "acme/payments"')
  // "." and ".." would name another path once put in a GitHub API URL.
  .refine((name) => !name.split("/").some((part) => /^\.+$/.test(part)), 'an owner or name other than "." or ".."');
export type RepoFullName = z.infer<typeof RepoFullName>;

export const Sha = z.string().regex(/^[0-9a-f]{7,64}$/, "a git object id (hex)");
export type Sha = z.infer<typeof Sha>;

/** GitHub account types. Bots are never people. */
export const AccountType = z.enum(["User", "Bot", "Organization", "Mannequin"]);
export type AccountType = z.infer<typeof AccountType>;

/** A git identity (author or committer) and the GitHub account GitHub linked to it, if any. */
export const GitActor = z.object({
  name: z.string(),
  email: z.string(),
  login: z.string().nullable().default(null),
  userId: z.number().int().nullable().default(null),
  type: AccountType.nullable().default(null),
});
export type GitActor = z.infer<typeof GitActor>;

/** A `Co-authored-by:` trailer (and the account GitHub resolved it to, where known). */
export const CoAuthor = z.object({
  name: z.string(),
  email: z.string(),
  login: z.string().nullable().default(null),
});
export type CoAuthor = z.infer<typeof CoAuthor>;

export const Commit = z.object({
  repo: RepoFullName,
  sha: Sha,
  message: z.string(),
  author: GitActor,
  committer: GitActor,
  authoredAt: z.coerce.date(),
  committedAt: z.coerce.date(),
  parents: z.array(Sha),
  coAuthors: z.array(CoAuthor).default([]),
  additions: z.number().int().nonnegative().nullable().default(null),
  deletions: z.number().int().nonnegative().nullable().default(null),
});
export type Commit = z.infer<typeof Commit>;

export const MergeMethod = z.enum(["merge", "squash", "rebase"]);
export type MergeMethod = z.infer<typeof MergeMethod>;

export const ChangedFile = z.object({
  path: z.string(),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  status: z.enum(["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]).default("modified"),
});
export type ChangedFile = z.infer<typeof ChangedFile>;

export const AccountRef = z.object({
  login: z.string(),
  userId: z.number().int().nullable().default(null),
  type: AccountType.nullable().default(null),
});
export type AccountRef = z.infer<typeof AccountRef>;

/** A merged pull request: the unit of change (METRICS.md "Change"). */
export const PullRequest = z.object({
  repo: RepoFullName,
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().default(""),
  author: AccountRef,
  headRef: z.string(),
  baseRef: z.string(),
  labels: z.array(z.string()).default([]),
  createdAt: z.coerce.date(),
  mergedAt: z.coerce.date(),
  mergedBy: AccountRef.nullable().default(null),
  mergeMethod: MergeMethod.nullable().default(null),
  mergeCommitSha: Sha.nullable().default(null),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  changedFiles: z.number().int().nonnegative(),
  files: z.array(ChangedFile).default([]),
  /** False when the PR has more files than were fetched (then `files` is a prefix). */
  filesComplete: z.boolean().default(true),
  assignees: z.array(z.string()).default([]),
  reviewRequests: z.array(z.string()).default([]),
  /** Logins (not Bots) that submitted an approving, commenting or changes-requesting review. */
  reviewers: z.array(z.string()).default([]),
  /**
   * Whether the reviews were read: the bulk pull-request query leaves them out (they are read for
   * Bot-opened PRs, and by `sync.reviews` for the changes the self-merged flag needs them for), so
   * false means `reviewers` says nothing, not "nobody reviewed".
   */
  reviewsRead: z.boolean().default(false),
  /** The PR's own (pre-squash) commits, oldest first. */
  commitShas: z.array(Sha).default([]),
});
export type PullRequest = z.infer<typeof PullRequest>;

/**
 * A change: a merged PR, or (for trunk-based repos, when configured) a commit pushed straight
 * to the tracked branch. `key` is `<repo>#<number>` or `<repo>@<sha>`.
 */
export const ChangeKind = z.enum(["pull_request", "direct_push"]);
export type ChangeKind = z.infer<typeof ChangeKind>;

export function changeKey(repo: string, ref: number | string): string {
  return typeof ref === "number" ? `${repo}#${ref}` : `${repo}@${ref}`;
}

export const DeploymentState = z.enum(["error", "failure", "inactive", "in_progress", "queued", "pending", "success"]);
export type DeploymentState = z.infer<typeof DeploymentState>;

export const DeploymentStatus = z.object({
  state: DeploymentState,
  createdAt: z.coerce.date(),
  description: z.string().default(""),
});
export type DeploymentStatus = z.infer<typeof DeploymentStatus>;

/** Where a production deployment was detected from (METRICS.md "Production deployment"). */
export const DeploymentSource = z.enum(["deployment", "release", "tag", "workflow", "merge"]);
export type DeploymentSource = z.infer<typeof DeploymentSource>;

export const Deployment = z.object({
  repo: RepoFullName,
  source: DeploymentSource,
  /** Source-specific id: deployment id, release id, tag name, workflow run id, merge sha. */
  externalId: z.string(),
  environment: z.string(),
  sha: Sha,
  ref: z.string().nullable().default(null),
  createdAt: z.coerce.date(),
  creatorLogin: z.string().nullable().default(null),
  statuses: z.array(DeploymentStatus).default([]),
});
export type Deployment = z.infer<typeof Deployment>;

/** A human, resolved across identities (METRICS.md "Person"). */
export const Person = z.object({
  id: z.string(),
  displayName: z.string(),
  logins: z.array(z.string()).default([]),
  userIds: z.array(z.number().int()).default([]),
  emails: z.array(z.string()).default([]),
  names: z.array(z.string()).default([]),
  teams: z.array(z.string()).default([]),
});
export type Person = z.infer<typeof Person>;

export const IdentityKind = z.enum(["login", "user_id", "email", "name"]);
export type IdentityKind = z.infer<typeof IdentityKind>;

export const Team = z.object({
  org: z.string(),
  slug: z.string(),
  name: z.string(),
  parentSlug: z.string().nullable().default(null),
});
export type Team = z.infer<typeof Team>;

/** Attribution (see ../shared/ATTRIBUTION.md). Tool names are lowercase kebab-case. */
export const AiTool = z.enum([
  "claude-code",
  "copilot",
  "cursor",
  "codex",
  "aider",
  "devin",
  "jules",
  "gemini",
  "amazon-q",
  "openhands",
  "amp",
  "factory",
  "sweep",
  "replit",
  "opencode",
  "other-ai",
]);
export type AiTool = z.infer<typeof AiTool>;

export const Confidence = z.enum(["high", "medium", "low"]);
export type Confidence = z.infer<typeof Confidence>;

const CONFIDENCE_RANK: Record<Confidence, number> = { low: 1, medium: 2, high: 3 };

/** True when `confidence` is at or above `threshold`. */
export function meetsConfidence(confidence: Confidence | null, threshold: Confidence): boolean {
  return confidence !== null && CONFIDENCE_RANK[confidence] >= CONFIDENCE_RANK[threshold];
}

export function maxConfidence(a: Confidence | null, b: Confidence | null): Confidence | null {
  if (a === null) return b;
  if (b === null) return a;
  return CONFIDENCE_RANK[a] >= CONFIDENCE_RANK[b] ? a : b;
}

export const VerdictClass = z.enum(["ai", "human", "bot"]);
export type VerdictClass = z.infer<typeof VerdictClass>;

/** Where a signal was seen: a commit field, or a pull-request field. */
export const EvidenceLocation = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("commit"), sha: z.string(), field: z.string() }),
  z.object({ kind: z.literal("pr"), field: z.string() }),
]);
export type EvidenceLocation = z.infer<typeof EvidenceLocation>;

export const Evidence = z.object({
  /** Rule id, e.g. "claude-code.co-author". */
  signal: z.string(),
  tool: AiTool.nullable(),
  confidence: Confidence,
  location: EvidenceLocation,
  /** The exact text the rule matched. */
  matched: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

export const VerdictSubtype = z.enum(["agent", "assisted", "ai-suggested"]);
export type VerdictSubtype = z.infer<typeof VerdictSubtype>;

export const Verdict = z.object({
  class: VerdictClass,
  /** The principal tool (the one with the strongest evidence), or null. */
  tool: AiTool.nullable(),
  tools: z.array(AiTool),
  confidence: Confidence.nullable(),
  subtype: VerdictSubtype.nullable().default(null),
  evidence: z.array(Evidence),
  ruleVersion: z.string(),
});
export type Verdict = z.infer<typeof Verdict>;
