/**
 * Building a repository's history from its plans: the commits of each pull request (authors,
 * messages, AI markers), the merge, squash or rebase that lands it on the default branch in
 * merge order, direct pushes, and the pull-request records with their reviews.
 */
import type { WorldCommit, WorldPull, WorldReview } from "../world/schema.js";
import { BOT_ACCOUNTS, type Ident } from "./forms.js";
import { identOf, messageOf, squashMessage } from "./messages.js";
import { type BotKind, type Context, DAY, GITHUB, HOUR, iso, type Person, type Plan, tipAt } from "./model.js";
import type { Prng } from "./prng.js";
import { FOLLOW_UPS } from "./vocabulary.js";

/** A squash-merged pull request's own head commit: a deployment from a branch may ship it. */
export interface OffBranchCandidate {
  sha: string;
  ref: string;
  /** Its base's position on the default branch. */
  basePos: number;
}

/** A repository's history. */
export interface History {
  /** Every commit: the root, the pull requests' own commits, and what landed on the default branch. */
  commits: WorldCommit[];
  /** The default branch, oldest first, and when each commit landed on it. */
  mainShas: string[];
  mainTimes: number[];
  /** Pull-request records, merged ones in merge order, then open and closed ones. */
  pulls: WorldPull[];
  /** The merged plans (pull requests and direct pushes) in merge order, with `sha`, `pos`, `key`, `mergedAt`. */
  changes: Plan[];
  offBranch: OffBranchCandidate[];
}

/**
 * Lands the plans on the default branch `branch` of `full` in merge order (draws from `rng`, the
 * repository's stream, after the planning's draws), and writes the open and closed pull requests.
 */
export function buildHistory(
  ctx: Context,
  rng: Prng,
  r: number,
  full: string,
  branch: string,
  plans: Plan[],
  contributors: Person[],
): History {
  const commits: WorldCommit[] = [];
  const mainShas: string[] = [];
  const mainTimes: number[] = [];
  const posOf = new Map<string, number>();
  const newSha = () => rng.hex(40);
  const owner = contributors[0];
  const rootTime = ctx.start - (30 + r) * DAY;
  const root: WorldCommit = {
    type: "commit",
    repo: full,
    sha: newSha(),
    message: "Initial commit",
    author: {
      name: owner?.name ?? "Admin",
      email: owner?.email ?? "admin@example.com",
      date: iso(rootTime),
      login: owner?.login ?? null,
    },
    committer: {
      name: owner?.name ?? "Admin",
      email: owner?.email ?? "admin@example.com",
      date: iso(rootTime),
      login: owner?.login ?? null,
    },
    parents: [],
    additions: 120,
    deletions: 0,
  };
  commits.push(root);
  const pushMain = (c: WorldCommit, t: number) => {
    commits.push(c);
    posOf.set(c.sha, mainShas.length);
    mainShas.push(c.sha);
    mainTimes.push(t);
  };
  posOf.set(root.sha, 0);
  mainShas.push(root.sha);
  mainTimes.push(rootTime);
  const pulls: WorldPull[] = [];
  const changes: Plan[] = [];
  const offBranch: OffBranchCandidate[] = [];

  const botIdent = (b: BotKind): Ident => ({
    name: BOT_ACCOUNTS[b].login,
    email: BOT_ACCOUNTS[b].email,
    login: BOT_ACCOUNTS[b].login,
  });
  const mergingOrder = plans
    .filter((p) => p.mergeAt !== null)
    .sort((a, b) => (a.mergeAt as number) - (b.mergeAt as number) || a.number - b.number);
  const rest = plans.filter((p) => p.mergeAt === null && p.kind === "pr");

  const prCommits = (plan: Plan, basePos: number, until: number): WorldCommit[] => {
    const spec = plan.spec;
    const human = plan.author;
    const out: WorldCommit[] = [];
    const k = plan.commitCount;
    const t0 = plan.createdAt - (rng.chance(0.5) ? rng.int(0, 20 * HOUR) : 0);
    const t1 = Math.max(t0 + k, until - 120);
    const adds = plan.files.reduce((s, f) => s + f.additions, 0);
    const dels = plan.files.reduce((s, f) => s + f.deletions, 0);
    let parent = mainShas[basePos] as string;
    for (let i = 0; i < k; i++) {
      const t = t0 + Math.floor(((t1 - t0) * i) / k);
      let author: Ident;
      if (plan.bot) author = botIdent(plan.bot);
      else if (spec.commitAuthor) author = spec.commitAuthor;
      else author = identOf(human as Person, rng);
      let committer: Ident = spec.commitCommitter ?? author;
      if (spec.hardNegative === "aider-committer") committer = { ...author, name: `${author.name} (aider)` };
      const initialPlan = spec.initialPlan && i === 0;
      let subject = initialPlan
        ? "Initial plan"
        : i === 0
          ? plan.title
          : k > 50
            ? `${rng.pick(FOLLOW_UPS)} (${i + 1}/${k})`
            : rng.pick(FOLLOW_UPS);
      if (spec.subjectPrefix) subject = `${spec.subjectPrefix}${subject}`;
      if (plan.revertOf && i === 0) subject = plan.title;
      // `git revert` (and GitHub's revert button) write the reverted commit; hand-written reverts
      // and the agent's do not.
      const gitRevert = plan.revertForm === "button" || plan.revertForm === "squash";
      const body = gitRevert && i === 0 ? `This reverts commit ${(plan.revertOf as Plan).sha}.` : "";
      const trailers = [...(spec.trailers ?? []), ...(i === k - 1 ? (spec.lastTrailers ?? []) : [])];
      if (spec.hardNegative === "replit-deployment") trailers.push("Replit-Commit-Author: Deployment");
      const c: WorldCommit = {
        type: "commit",
        repo: full,
        sha: newSha(),
        message: messageOf(subject, body, spec.footer, trailers),
        author: { ...author, date: iso(t) },
        committer: { ...committer, date: iso(t) },
        parents: [parent],
        additions: initialPlan ? 0 : Math.round(adds / k),
        deletions: initialPlan ? 0 : Math.round(dels / k),
      };
      parent = c.sha;
      out.push(c);
    }
    return out;
  };

  const prAuthorLogin = (plan: Plan): string =>
    plan.bot ? BOT_ACCOUNTS[plan.bot].login : (plan.spec.prAuthor?.login ?? (plan.author as Person).login);

  const pullRecord = (
    plan: Plan,
    own: WorldCommit[],
    baseSha: string,
    result: WorldCommit[],
    mergedBy: string | null,
  ): WorldPull => {
    const endAt = plan.mergeAt ?? plan.closeAt;
    const human = plan.author;
    const reviews: WorldReview[] = [];
    const reviewer = plan.reviewer;
    if (reviewer && endAt !== null && plan.approveAt !== null) {
      reviews.push({
        id: ctx.ids.review++,
        user: reviewer.login,
        state: "APPROVED",
        submittedAt: iso(Math.min(plan.approveAt, endAt)),
        body: "",
      });
    } else if (reviewer && endAt !== null && rng.chance(0.92)) {
      if (rng.chance(0.15)) {
        reviews.push({
          id: ctx.ids.review++,
          user: reviewer.login,
          state: "COMMENTED",
          submittedAt: iso(plan.createdAt + Math.floor((endAt - plan.createdAt) / 3)),
          body: "A couple of questions inline.",
        });
      }
      reviews.push({
        id: ctx.ids.review++,
        user: reviewer.login,
        state: "APPROVED",
        submittedAt: iso(endAt - 60),
        body: "",
      });
    }
    const assignHuman = plan.spec.assignHuman && human ? [human.login] : [];
    const additions = plan.files.reduce((s, f) => s + f.additions, 0);
    const deletions = plan.files.reduce((s, f) => s + f.deletions, 0);
    const id = ctx.ids.pull++;
    return {
      type: "pull",
      repo: full,
      number: plan.number,
      id,
      nodeId: `PR_kwDO${id.toString(36)}`,
      title: plan.title,
      body: plan.body,
      author: prAuthorLogin(plan),
      state: endAt === null ? "open" : "closed",
      draft: endAt === null && rng.chance(0.2),
      headRef: plan.headRef,
      headSha: (own.at(-1) as WorldCommit).sha,
      baseRef: branch,
      baseSha,
      labels: plan.labels,
      createdAt: iso(plan.createdAt),
      updatedAt: iso(endAt ?? Math.min(ctx.now, plan.createdAt + DAY)),
      closedAt: endAt === null ? null : iso(endAt),
      mergedAt: plan.mergeAt === null ? null : iso(plan.mergeAt),
      mergedBy,
      mergeMethod: plan.mergeAt === null ? null : plan.mergeMethod,
      assignees: assignHuman,
      requestedReviewers: [...assignHuman, ...(endAt === null && reviewer ? [reviewer.login] : [])],
      requestedTeams: [],
      reviews,
      commits: own.map((c) => c.sha),
      mergeCommitSha: result.length > 0 ? (result.at(-1) as WorldCommit).sha : null,
      resultCommits: result.map((c) => c.sha),
      additions,
      deletions,
      changedFiles: plan.files.length,
      files: plan.files,
    };
  };

  for (const plan of mergingOrder) {
    const t = plan.mergeAt as number;
    const tipPos = mainShas.length - 1;
    const tip = mainShas[tipPos] as string;
    if (plan.kind === "push") {
      const [c] = prCommits(plan, tipPos, t);
      const commit = c as WorldCommit;
      commit.author.date = iso(t);
      commit.committer.date = iso(t);
      pushMain(commit, t);
      plan.sha = commit.sha;
      plan.pos = posOf.get(commit.sha) as number;
      plan.key = `${full}@${commit.sha}`;
      plan.mergedAt = t;
      changes.push(plan);
      continue;
    }
    const basePos = tipAt(mainTimes, plan.createdAt);
    const own = prCommits(plan, basePos, t);
    for (const c of own) commits.push(c);
    const human = plan.author ?? plan.reviewer ?? contributors[0] ?? null;
    const merger =
      plan.bot || plan.spec.prAuthor
        ? (human as Person | null)
        : plan.reviewer && rng.chance(0.35)
          ? plan.reviewer
          : plan.author;
    const mergerIdent: Ident = merger ? { name: merger.name, email: merger.noreply, login: merger.login } : GITHUB;
    const result: WorldCommit[] = [];
    if (plan.mergeMethod === "squash") {
      const authorIdent: Ident = plan.bot
        ? botIdent(plan.bot)
        : plan.spec.prAuthor
          ? {
              name: plan.spec.prAuthor.name ?? plan.spec.prAuthor.login,
              email: plan.spec.prAuthor.email,
              login: plan.spec.prAuthor.login,
            }
          : {
              name: (plan.author as Person).name,
              email: (plan.author as Person).noreply,
              login: (plan.author as Person).login,
            };
      result.push({
        type: "commit",
        repo: full,
        sha: newSha(),
        message: squashMessage(plan.title, plan.number, own, authorIdent.email),
        author: { ...authorIdent, date: iso(t) },
        committer: { ...GITHUB, date: iso(t) },
        parents: [tip],
        additions: own.reduce((s, c) => s + c.additions, 0),
        deletions: own.reduce((s, c) => s + c.deletions, 0),
      });
    } else if (plan.mergeMethod === "merge") {
      result.push({
        type: "commit",
        repo: full,
        sha: newSha(),
        message: `Merge pull request #${plan.number} from ${ctx.org}/${plan.headRef}\n\n${plan.title}`,
        author: { ...mergerIdent, date: iso(t) },
        committer: { ...GITHUB, date: iso(t) },
        parents: [tip, (own.at(-1) as WorldCommit).sha],
        additions: own.reduce((s, c) => s + c.additions, 0),
        deletions: own.reduce((s, c) => s + c.deletions, 0),
      });
    } else {
      let parent = tip;
      for (const c of own) {
        const rc: WorldCommit = { ...c, sha: newSha(), parents: [parent], committer: { ...GITHUB, date: iso(t) } };
        result.push(rc);
        parent = rc.sha;
      }
    }
    for (const c of result) pushMain(c, t);
    const last = result.at(-1) as WorldCommit;
    plan.sha = last.sha;
    plan.pos = posOf.get(last.sha) as number;
    plan.key = `${full}#${plan.number}`;
    plan.mergedAt = t;
    changes.push(plan);
    if (plan.mergeMethod === "squash" && own.length < 50)
      offBranch.push({ sha: (own.at(-1) as WorldCommit).sha, ref: plan.headRef, basePos });
    pulls.push(pullRecord(plan, own, mainShas[basePos] as string, result, merger?.login ?? null));
  }
  for (const plan of rest) {
    const basePos = tipAt(mainTimes, plan.createdAt);
    const own = prCommits(plan, basePos, plan.closeAt ?? Math.min(ctx.now, plan.createdAt + 2 * DAY));
    for (const c of own) commits.push(c);
    pulls.push(pullRecord(plan, own, mainShas[basePos] as string, [], null));
  }
  return { commits, mainShas, mainTimes, pulls, changes, offBranch };
}
