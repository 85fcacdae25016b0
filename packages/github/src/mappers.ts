import {
  type AccountRef,
  type AccountType,
  type ChangedFile,
  Commit,
  coAuthorsFromMessage,
  Deployment,
  type DeploymentState,
  type GitActor,
  type MergeMethod,
  noreplyLogin,
  noreplyUserId,
  PullRequest,
  storableDeep,
  storableText,
} from "@yardstick/core";
import { z } from "zod";
import type {
  ActorNode,
  CommitNode,
  DeploymentNode,
  DeploymentStatusNode,
  FileNode,
  GitActorNode,
  HistoryCommitNode,
  MergeCommitNode,
  PullRequestDetailsNode,
  PullRequestNode,
  RefNode,
  ReleaseNode,
  RestCommit,
  RestWorkflowRun,
  TagTargetNode,
} from "./shapes.js";

// Every mapper is an edge where GitHub text enters: it passes its node through `storableDeep`
// (NUL and lone surrogates become U+FFFD, see core's text.ts and docs/security.md) before reading
// it, so nothing PostgreSQL cannot store reaches a repository function.

/** GitHub shows a deleted account as "ghost"; GraphQL gives a null actor. */
export const GHOST_LOGIN = "ghost";

/** Bot for `__typename: "Bot"` or a login ending in `[bot]` (apps acting as users); else GitHub's typename. */
export function accountTypeOf(
  typename: string | null | undefined,
  login: string | null | undefined,
): AccountType | null {
  if (typename === "Bot" || (login != null && /\[bot\]$/i.test(login))) return "Bot";
  if (typename === "User" || typename === "EnterpriseUserAccount") return "User";
  if (typename === "Organization" || typename === "Mannequin") return typename;
  return null;
}

export function mapActor(actor: ActorNode | null): AccountRef {
  if (actor === null) return { login: GHOST_LOGIN, userId: null, type: null };
  return { login: actor.login, userId: actor.databaseId ?? null, type: accountTypeOf(actor.__typename, actor.login) };
}

/**
 * A git identity and its linked account. GraphQL's `GitActor.user` is a User only, so bot
 * authors (dependabot, Copilot, Devin) arrive unlinked: their `<id>+<login>@users.noreply.github.com`
 * email still names the account, and we keep it.
 */
export function mapGitActor(actor: GitActorNode | null): GitActor {
  const name = actor?.name ?? "";
  const email = actor?.email ?? "";
  const login = actor?.user?.login ?? noreplyLogin(email);
  const userId = actor?.user?.databaseId ?? (actor?.user ? null : noreplyUserId(email));
  const type = login === null ? null : accountTypeOf(actor?.user ? "User" : null, login);
  return { name, email, login, userId, type };
}

function restActor(
  git: { name?: string; email?: string } | null,
  account: { login: string; id: number; type: string } | null,
): GitActor {
  const email = git?.email ?? "";
  const login = account?.login ?? noreplyLogin(email);
  return {
    name: git?.name ?? "",
    email,
    login,
    userId: account?.id ?? noreplyUserId(email),
    type: login === null ? null : accountTypeOf(account?.type ?? null, login),
  };
}

/**
 * A commit from GraphQL. `parents` are those given: the PR commits of the bulk query carry none
 * (fetching them is a per-commit connection: 100 points a page), so they are `[]` there, meaning
 * "not fetched"; merge commits and branch history carry their real parents.
 */
export function mapCommit(repo: string, raw: CommitNode, parents: readonly string[] = []): Commit {
  const node = storableDeep(raw);
  return Commit.parse({
    repo,
    sha: node.oid,
    message: node.message,
    author: mapGitActor(node.author),
    committer: mapGitActor(node.committer),
    authoredAt: node.authoredDate,
    committedAt: node.committedDate,
    parents,
    coAuthors: coAuthorsFromMessage(node.message),
    additions: node.additions ?? null,
    deletions: node.deletions ?? null,
  });
}

export function mapHistoryCommit(repo: string, node: HistoryCommitNode): Commit {
  return mapCommit(
    repo,
    node,
    node.parents.nodes.map((p) => p.oid),
  );
}

export function mapRestCommit(repo: string, raw: RestCommit): Commit {
  const commit = storableDeep(raw);
  return Commit.parse({
    repo,
    sha: commit.sha,
    message: commit.commit.message,
    author: restActor(commit.commit.author, commit.author),
    committer: restActor(commit.commit.committer, commit.committer),
    authoredAt: commit.commit.author?.date,
    committedAt: commit.commit.committer?.date,
    parents: commit.parents.map((p) => p.sha),
    coAuthors: coAuthorsFromMessage(commit.commit.message),
    additions: commit.stats?.additions ?? null,
    deletions: commit.stats?.deletions ?? null,
  });
}

const FILE_STATUS: Record<FileNode["changeType"], ChangedFile["status"]> = {
  ADDED: "added",
  CHANGED: "changed",
  COPIED: "copied",
  DELETED: "removed",
  MODIFIED: "modified",
  RENAMED: "renamed",
};

export function mapFile(node: FileNode): ChangedFile {
  return {
    path: storableText(node.path),
    additions: node.additions,
    deletions: node.deletions,
    status: FILE_STATUS[node.changeType],
  };
}

/**
 * How a PR was merged, inferred from its merge commit (GitHub's GraphQL has no field for it):
 * - two parents or more: a merge commit → "merge";
 * - one parent, and the subject is the PR title followed by `(#N)` (GitHub's default squash
 *   subject), or any subject ending in `(#N)` (an edited title) → "squash";
 * - otherwise (one parent, no `(#N)`; the last rebased commit, or a fast-forward) → "rebase".
 * When the parents were not fetched (the lean bulk query), GitHub's default merge-commit subject
 * `Merge pull request #N from ...` stands in for "two parents"; a merge commit whose message was
 * rewritten then reads as a squash or rebase (the PR details query settles it).
 * Null when the PR has no merge commit. A squash whose message was rewritten without `(#N)` reads
 * as a rebase: the default-branch history then shows one commit for the PR either way.
 */
export function inferMergeMethod(
  pr: { number: number; title: string },
  mergeCommit: MergeCommitNode | null,
): MergeMethod | null {
  if (mergeCommit === null) return null;
  const subject = (mergeCommit.message.split("\n", 1)[0] ?? "").trim();
  if (mergeCommit.parents !== undefined) {
    if (mergeCommit.parents.totalCount >= 2) return "merge";
  } else if (subject.startsWith(`Merge pull request #${pr.number} `)) {
    return "merge";
  }
  const marker = `(#${pr.number})`;
  if (subject.startsWith(pr.title.trim()) && subject.includes(marker)) return "squash";
  if (subject.endsWith(marker)) return "squash";
  return "rebase";
}

export interface MappedPullRequest {
  pullRequest: PullRequest;
  /** The PR's own commits (parents not fetched), then its merge commit (with parents), de-duplicated. */
  commits: Commit[];
}

/**
 * A merged PR node with its complete commit and file lists (the fetcher has followed nested
 * pagination and passes them in). Validated by core's zod schemas.
 */
/** Review requests name accounts (teams are left out: credit goes to people); reviewers are de-duplicated accounts other than Bots. */
function creditLists(node: Pick<PullRequestNode, "assignees" | "reviewRequests" | "reviews">): {
  assignees: string[];
  reviewRequests: string[];
  reviewers: string[];
} {
  const reviewers = new Set<string>();
  // A Bot's review (an AI code-review tool) is nobody's review: the self-merged flag asks for a person's.
  for (const review of node.reviews?.nodes ?? []) {
    if (review.author && review.author.__typename !== "Bot") reviewers.add(review.author.login);
  }
  const reviewRequests: string[] = [];
  for (const request of node.reviewRequests?.nodes ?? []) {
    const login = request.requestedReviewer?.login;
    if (login !== undefined) reviewRequests.push(login);
  }
  return { assignees: (node.assignees?.nodes ?? []).map((a) => a.login), reviewRequests, reviewers: [...reviewers] };
}

export interface PullRequestDetails {
  number: number;
  assignees: string[];
  reviewRequests: string[];
  reviewers: string[];
  /** The merge commit's parents (two for a merge commit), or null without a merge commit. */
  mergeCommitParents: string[] | null;
}

/** A details query's answer for one PR, as the lists core's PullRequest carries. */
export function mapPullRequestDetails(raw: PullRequestDetailsNode): PullRequestDetails {
  const node = storableDeep(raw);
  return {
    number: node.number,
    ...creditLists(node),
    mergeCommitParents: node.mergeCommit === null ? null : node.mergeCommit.parents.nodes.map((p) => p.oid),
  };
}

/** Copies a details query's answer onto a bulk PR node (assignees, review requests, reviews, merge parents). */
export function withDetails(node: PullRequestNode, details: PullRequestDetailsNode): PullRequestNode {
  const mergeCommit =
    node.mergeCommit !== null && details.mergeCommit !== null && details.mergeCommit.oid === node.mergeCommit.oid
      ? { ...node.mergeCommit, parents: details.mergeCommit.parents }
      : node.mergeCommit;
  return {
    ...node,
    assignees: details.assignees,
    reviewRequests: details.reviewRequests,
    reviews: details.reviews,
    mergeCommit,
  };
}

export function mapPullRequest(
  repo: string,
  raw: PullRequestNode,
  complete: { commits?: readonly CommitNode[]; files?: readonly FileNode[] } = {},
): MappedPullRequest {
  const node = storableDeep(raw);
  if (node.mergedAt === null) {
    throw new Error(`mapPullRequest: ${repo}#${node.number} is not merged (mergedAt is null)`);
  }
  const commitNodes = storableDeep(complete.commits) ?? node.commits.nodes.map((n) => n.commit);
  const fileNodes = storableDeep(complete.files) ?? node.files?.nodes ?? [];
  const { reviewers, reviewRequests } = creditLists(node);
  const pullRequest = PullRequest.parse({
    repo,
    number: node.number,
    title: node.title,
    body: node.body ?? "",
    author: mapActor(node.author),
    headRef: node.headRefName,
    baseRef: node.baseRefName,
    labels: (node.labels?.nodes ?? []).map((l) => l.name),
    createdAt: node.createdAt,
    mergedAt: node.mergedAt,
    mergedBy: node.mergedBy === null ? null : mapActor(node.mergedBy),
    mergeMethod: inferMergeMethod(node, node.mergeCommit),
    mergeCommitSha: node.mergeCommit?.oid ?? null,
    additions: node.additions,
    deletions: node.deletions,
    changedFiles: node.changedFiles,
    files: fileNodes.map(mapFile),
    filesComplete: fileNodes.length >= (node.files?.totalCount ?? node.changedFiles),
    assignees: (node.assignees?.nodes ?? []).map((a) => a.login),
    reviewRequests,
    reviewers,
    reviewsRead: node.reviews != null,
    commitShas: commitNodes.map((c) => c.oid),
  });
  const commits = new Map<string, Commit>();
  for (const c of commitNodes) commits.set(c.oid, mapCommit(repo, c));
  if (node.mergeCommit !== null) {
    const merge = node.mergeCommit;
    commits.set(
      merge.oid,
      mapCommit(
        repo,
        merge,
        (merge.parents?.nodes ?? []).map((p) => p.oid),
      ),
    );
  }
  return { pullRequest, commits: [...commits.values()] };
}

const DEPLOYMENT_STATES: Record<string, DeploymentState> = {
  ERROR: "error",
  FAILURE: "failure",
  INACTIVE: "inactive",
  IN_PROGRESS: "in_progress",
  QUEUED: "queued",
  PENDING: "pending",
  // WAITING (a protection rule holds it) is not in the core enum: it is pending for our purposes.
  WAITING: "pending",
  SUCCESS: "success",
};

function mapStatus(node: DeploymentStatusNode) {
  return {
    state: DEPLOYMENT_STATES[node.state.toUpperCase()] ?? "pending",
    createdAt: node.createdAt,
    description: node.description ?? "",
  };
}

/** A GraphQL deployment with its statuses, oldest status first (`latestStatus` merged in when beyond the first 10). */
export function mapDeployment(repo: string, raw: DeploymentNode): Deployment {
  const node = storableDeep(raw);
  const statuses = (node.statuses?.nodes ?? []).map(mapStatus);
  if (node.latestStatus !== null) {
    const latest = mapStatus(node.latestStatus);
    if (!statuses.some((s) => s.createdAt === latest.createdAt && s.state === latest.state)) statuses.push(latest);
  }
  statuses.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  return Deployment.parse({
    repo,
    source: "deployment",
    externalId: String(node.databaseId ?? `${node.commitOid}:${node.createdAt}`),
    environment: node.environment ?? "",
    sha: node.commitOid,
    ref: node.ref?.name ?? null,
    createdAt: node.createdAt,
    creatorLogin: node.creator?.login ?? null,
    statuses,
  });
}

/** A release as GitHub has it (the metrics package decides whether it is a production deployment). */
export const GitHubRelease = z.object({
  repo: z.string(),
  id: z.number().int(),
  tagName: z.string(),
  name: z.string(),
  draft: z.boolean(),
  prerelease: z.boolean(),
  createdAt: z.coerce.date(),
  publishedAt: z.coerce.date().nullable(),
  /** The commit the tag points at; null for a draft whose tag does not exist yet. */
  sha: z.string().nullable(),
  authorLogin: z.string().nullable(),
  url: z.string(),
});
export type GitHubRelease = z.infer<typeof GitHubRelease>;

export function mapRelease(repo: string, raw: ReleaseNode): GitHubRelease {
  const node = storableDeep(raw);
  return GitHubRelease.parse({
    repo,
    id: node.databaseId ?? 0,
    tagName: node.tagName,
    name: node.name ?? node.tagName,
    draft: node.isDraft,
    prerelease: node.isPrerelease,
    createdAt: node.createdAt,
    publishedAt: node.publishedAt,
    sha: node.tagCommit?.oid ?? null,
    authorLogin: node.author?.login ?? null,
    url: node.url,
  });
}

export const GitHubTag = z.object({
  repo: z.string(),
  name: z.string(),
  /** The commit the tag finally points at (annotated tags are peeled). */
  sha: z.string(),
  annotated: z.boolean(),
  /** The tagger's date for annotated tags, else the commit's committed date, else null. */
  taggedAt: z.coerce.date().nullable(),
});
export type GitHubTag = z.infer<typeof GitHubTag>;

/** A tag ref, peeled to its commit: lightweight (target is a Commit) or annotated (target is a Tag). Null when it points at no commit (a tagged tree or blob). */
export function mapTag(repo: string, raw: RefNode): GitHubTag | null {
  const node = storableDeep(raw);
  let target: TagTargetNode | null | undefined = node.target;
  let annotated = false;
  let taggerDate: string | null = null;
  for (let depth = 0; depth < 3 && target?.__typename === "Tag"; depth++) {
    annotated = true;
    taggerDate ??= target.tagger?.date ?? null;
    target = target.target;
  }
  if (target?.__typename !== "Commit") return null;
  return GitHubTag.parse({
    repo,
    name: node.name,
    sha: target.oid,
    annotated,
    taggedAt: taggerDate ?? target.committedDate ?? null,
  });
}

export const GitHubWorkflowRun = z.object({
  repo: z.string(),
  id: z.number().int(),
  workflowId: z.number().int(),
  name: z.string(),
  path: z.string(),
  headBranch: z.string().nullable(),
  headSha: z.string(),
  event: z.string(),
  status: z.string().nullable(),
  conclusion: z.string().nullable(),
  runNumber: z.number().int(),
  runAttempt: z.number().int(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
  actorLogin: z.string().nullable(),
  url: z.string(),
});
export type GitHubWorkflowRun = z.infer<typeof GitHubWorkflowRun>;

export function mapWorkflowRun(repo: string, raw: RestWorkflowRun): GitHubWorkflowRun {
  const run = storableDeep(raw);
  return GitHubWorkflowRun.parse({
    repo,
    id: run.id,
    workflowId: run.workflow_id,
    name: run.name ?? run.path,
    path: run.path,
    headBranch: run.head_branch,
    headSha: run.head_sha,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    runNumber: run.run_number,
    runAttempt: run.run_attempt ?? 1,
    createdAt: run.created_at,
    updatedAt: run.updated_at,
    actorLogin: run.actor?.login ?? null,
    url: run.html_url,
  });
}
