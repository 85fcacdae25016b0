import {
  type ActorKind,
  type AttributionContext,
  actorKeys,
  attributeChangeDetailed,
  type ChangeAttribution,
  type CommitLike,
  classifyActor,
  coAuthorTrailers,
  isHumanCoAuthor,
  type PullRequestLike,
} from "./engine.js";

/**
 * How the credited person was chosen (METRICS.md "Credited person"):
 * - `pr-author` / `commit-author`: the human author.
 * - `agent-co-author`: an agent opened the PR (or wrote the commit); a human `Co-authored-by:`
 *   on its commits is the person who started it.
 * - `agent-committer`: an agent wrote a commit (its identity is the author) that a person
 *   committed (ghostty's `Claude Opus 4.7 <noreply@anthropic.com>` authored, the maintainer
 *   committing): that person ran the agent.
 * - `assignee`, `review-requester`, `merger`: the fallbacks, in that order.
 * - `none`: automation's work (nobody to credit) or no human found.
 */
export type CreditMethod =
  | "pr-author"
  | "commit-author"
  | "agent-co-author"
  | "agent-committer"
  | "assignee"
  | "review-requester"
  | "merger"
  | "none";

export interface CreditedIdentity {
  login: string | null;
  name: string | null;
  email: string | null;
}

export interface Credit {
  identity: CreditedIdentity | null;
  method: CreditMethod;
  /** One sentence a reader can check. */
  reason: string;
}

/** What crediting needs of a PR beyond attribution (core `PullRequest` fits). */
export interface CreditPullRequest extends PullRequestLike {
  assignees?: readonly string[];
  reviewRequests?: readonly string[];
  mergedBy?: { login: string; type?: string | null } | null;
}

const AIDER_SUFFIX = /[ \t]+\(aider\)$/i;

function isBot(kind: ActorKind): boolean {
  return kind === "bot" || kind === "dual-bot" || kind === "unknown-bot";
}

function personLogin(ctx: AttributionContext, login: string, type?: string | null): boolean {
  return classifyActor(ctx.rules, "pr.author", actorKeys("", "", login), type) === "human";
}

/**
 * The credited person of a change. Pass the `ChangeAttribution` when you already have it (it
 * carries each commit's author kind and human co-authors), else it is computed.
 */
export function creditChange(
  pr: CreditPullRequest,
  commits: readonly CommitLike[],
  mergedCommit: CommitLike | null | undefined,
  ctx: AttributionContext,
  attribution: ChangeAttribution = attributeChangeDetailed(pr, commits, mergedCommit, ctx),
): Credit {
  const prKind = attribution.pr.authorKind;
  const login = pr.author.login;
  if (prKind === "human") {
    return { identity: { login, name: null, email: null }, method: "pr-author", reason: `${login} opened the PR` };
  }
  const agentOpened = prKind === "agent" || (isBot(prKind) && attribution.verdict.class === "ai");
  if (!agentOpened) {
    return { identity: null, method: "none", reason: `opened by automation (${login}): nobody to credit` };
  }
  for (const scan of attribution.commits) {
    if (scan.authorKind === "human") continue;
    const co = scan.humanCoAuthors[0];
    if (co !== undefined) {
      return {
        identity: { login: co.login ?? actorKeys(co.name, co.email).login, name: co.name, email: co.email },
        method: "agent-co-author",
        reason: `${login} opened the PR; ${co.name} <${co.email}> is a co-author of its commit ${scan.sha}`,
      };
    }
  }
  for (const assignee of pr.assignees ?? []) {
    if (personLogin(ctx, assignee)) {
      return {
        identity: { login: assignee, name: null, email: null },
        method: "assignee",
        reason: `${login} opened the PR; ${assignee} is its assignee`,
      };
    }
  }
  for (const requested of pr.reviewRequests ?? []) {
    if (personLogin(ctx, requested)) {
      return {
        identity: { login: requested, name: null, email: null },
        method: "review-requester",
        reason: `${login} opened the PR; ${requested} was asked to review it`,
      };
    }
  }
  if (pr.mergedBy && personLogin(ctx, pr.mergedBy.login, pr.mergedBy.type)) {
    return {
      identity: { login: pr.mergedBy.login, name: null, email: null },
      method: "merger",
      reason: `${login} opened the PR; ${pr.mergedBy.login} merged it`,
    };
  }
  return { identity: null, method: "none", reason: `${login} opened the PR and no human was found to credit` };
}

/** The credited person of a commit pushed straight to the tracked branch. */
export function creditCommit(commit: CommitLike, ctx: AttributionContext): Credit {
  const keys = actorKeys(commit.author.name, commit.author.email, commit.author.login);
  const kind = classifyActor(ctx.rules, "commit.author", keys, commit.author.type);
  if (kind === "human") {
    const name = commit.author.name.replace(AIDER_SUFFIX, "");
    return {
      identity: { login: commit.author.login ?? keys.login, name, email: commit.author.email },
      method: "commit-author",
      reason:
        name === commit.author.name
          ? `${name} <${commit.author.email}> authored the commit`
          : `aider wrote the commit for ${name} <${commit.author.email}>`,
    };
  }
  if (kind === "bot") return { identity: null, method: "none", reason: "authored by automation: nobody to credit" };
  for (const co of coAuthorTrailers(commit.message, commit.coAuthors)) {
    const coKeys = actorKeys(co.name, co.email, co.login);
    if (isHumanCoAuthor(ctx.rules, coKeys)) {
      return {
        identity: { login: co.login ?? coKeys.login, name: co.name, email: co.email },
        method: "agent-co-author",
        reason: `${commit.author.name} wrote the commit; ${co.name} <${co.email}> is its human co-author`,
      };
    }
  }
  const committer = commit.committer;
  if (committer && committer.email.toLowerCase() !== "noreply@github.com") {
    const cKeys = actorKeys(committer.name, committer.email, committer.login);
    if (classifyActor(ctx.rules, "commit.author", cKeys, committer.type) === "human") {
      return {
        identity: { login: committer.login ?? cKeys.login, name: committer.name, email: committer.email },
        method: "agent-committer",
        reason: `${commit.author.name} wrote the commit; ${committer.name} <${committer.email}> committed it`,
      };
    }
  }
  return { identity: null, method: "none", reason: `${commit.author.name} wrote the commit and names no human` };
}
