import { createHash } from "node:crypto";
import { z } from "zod";
import type { GitRepos } from "../git/repos.js";
import type {
  WorldCommit,
  WorldDeployment,
  WorldIssue,
  WorldPull,
  WorldRelease,
  WorldWorkflowRun,
} from "../world/index.js";
import {
  type RenderContext,
  renderDeployment,
  renderDeploymentStatus,
  renderIssue,
  renderLogin,
  renderPull,
  renderRelease,
  renderRepository,
  renderWorkflowRun,
} from "./rest/render.js";
import { type SimRepo, simDeployment, simIssue, simPull, simRelease, simRun } from "./store.js";
import type { Webhooks } from "./webhooks.js";

/**
 * Live changes: what happens on github.com while an ingest runs. Each change is written to the
 * World (so REST and GraphQL serve it at once) and emits its webhook events. Inputs are zod
 * schemas so the admin HTTP API and the JS API validate the same way.
 */

const RepoRef = z.string().regex(/^[^/]+\/[^/]+$/, 'a repository "owner/name", e.g. "acme/api"');
const When = z.iso.datetime().optional();

export const NewCommit = z.object({
  message: z.string().min(1),
  /** Login of the GitHub account the commit is linked to (null: an unlinked identity). */
  author: z.string().nullable().default(null),
  authorName: z.string().optional(),
  authorEmail: z.string().optional(),
  additions: z.number().int().nonnegative().default(10),
  deletions: z.number().int().nonnegative().default(2),
});
export type NewCommit = z.input<typeof NewCommit>;

export const NewMergedPull = z.object({
  repo: RepoRef,
  author: z.string(),
  title: z.string().min(1),
  body: z.string().default(""),
  headRef: z.string().optional(),
  labels: z.array(z.string()).default([]),
  mergeMethod: z.enum(["merge", "squash", "rebase"]).default("squash"),
  mergedBy: z.string().optional(),
  /** The PR's own commits, oldest first (default: one commit with the title as message). */
  commits: z.array(NewCommit).optional(),
  files: z
    .array(
      z.object({
        path: z.string(),
        additions: z.number().int().nonnegative(),
        deletions: z.number().int().nonnegative(),
      }),
    )
    .default([{ path: "src/index.ts", additions: 10, deletions: 2 }]),
  createdAt: When,
  mergedAt: When,
});
export type NewMergedPull = z.input<typeof NewMergedPull>;

export const NewDeployment = z.object({
  repo: RepoRef,
  /** Deployed sha or ref (default: the default branch's head). */
  ref: z.string().optional(),
  environment: z.string().default("production"),
  task: z.string().default("deploy"),
  description: z.string().default(""),
  creator: z.string().default("github-actions[bot]"),
  /** Optional first status, added right away. */
  state: z.enum(["error", "failure", "inactive", "in_progress", "queued", "pending", "success"]).optional(),
  createdAt: When,
});
export type NewDeployment = z.input<typeof NewDeployment>;

export const NewDeploymentStatus = z.object({
  repo: RepoRef,
  deploymentId: z.number().int().positive(),
  state: z.enum(["error", "failure", "inactive", "in_progress", "queued", "pending", "success"]),
  description: z.string().default(""),
  creator: z.string().default("github-actions[bot]"),
  createdAt: When,
});
export type NewDeploymentStatus = z.input<typeof NewDeploymentStatus>;

export const NewRelease = z.object({
  repo: RepoRef,
  tagName: z.string().min(1),
  name: z.string().optional(),
  body: z.string().default(""),
  /** Tagged sha or ref (default: the default branch's head). */
  ref: z.string().optional(),
  author: z.string(),
  prerelease: z.boolean().default(false),
  createdAt: When,
});
export type NewRelease = z.input<typeof NewRelease>;

export const NewWorkflowRun = z.object({
  repo: RepoRef,
  name: z.string().default("Deploy"),
  path: z.string().default(".github/workflows/deploy.yml"),
  ref: z.string().optional(),
  event: z.string().default("push"),
  conclusion: z
    .enum(["success", "failure", "cancelled", "skipped", "timed_out", "action_required", "neutral"])
    .default("success"),
  actor: z.string().default("github-actions[bot]"),
  createdAt: When,
});
export type NewWorkflowRun = z.input<typeof NewWorkflowRun>;

export const NewIssue = z.object({
  repo: RepoRef,
  author: z.string(),
  title: z.string().min(1),
  body: z.string().default(""),
  labels: z.array(z.string()).default([]),
  createdAt: When,
});
export type NewIssue = z.input<typeof NewIssue>;

export interface LiveDeps {
  ctx: RenderContext;
  webhooks: Webhooks;
  /** The world's current time (its `now` moved by the simulator clock), epoch ms. */
  worldNow: () => number;
  /** The Git server: live commits are then real git commits (their shas the real ones). */
  git?: GitRepos | null;
}

export const ForcePush = z.object({
  repo: RepoRef,
  /** Default: the repository's default branch. */
  branch: z.string().optional(),
  /** The commit the branch is set to (any commit of the repository, e.g. an ancestor of its head). */
  sha: z.string().regex(/^[0-9a-f]{40}$/),
});
export type ForcePush = z.input<typeof ForcePush>;

type LiveFile = { path: string; additions: number; deletions: number };

const isoSec = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export class LiveChanges {
  #counter = 0;

  constructor(private readonly deps: LiveDeps) {}

  #repo(full: string): SimRepo {
    const [owner = "", name = ""] = full.split("/");
    const r = this.deps.ctx.store.repo(owner, name);
    if (!r) throw new Error(`live change: repo "${full}" does not exist in the world (e.g. "acme/api")`);
    return r;
  }

  #sha(seed: string): string {
    return createHash("sha1")
      .update(`${seed}\u0000${this.#counter++}`)
      .digest("hex");
  }

  #identity(login: string | null, name?: string, email?: string) {
    const u = login ? this.deps.ctx.store.user(login) : undefined;
    return {
      name: name ?? u?.name ?? login ?? "Unknown",
      email: email ?? u?.email ?? (login ? `${u?.id ?? 0}+${login}@users.noreply.github.com` : "unknown@example.com"),
      login: u ? u.login : null,
    };
  }

  #common(repo: SimRepo, sender: string) {
    const { ctx } = this.deps;
    const org = ctx.store.org(repo.owner);
    return {
      repository: renderRepository(ctx, repo),
      ...(org
        ? {
            organization: {
              login: org.login,
              id: org.id,
              node_id: Buffer.from(`012:Organization${org.id}`).toString("base64"),
            },
          }
        : {}),
      sender: renderLogin(ctx, sender),
    };
  }

  async #setHead(repo: SimRepo, sha: string, branch = repo.defaultBranch): Promise<void> {
    this.deps.ctx.store.world.add({ type: "branch", repo: repo.fullName, name: branch, sha });
    await this.deps.git?.setRef(repo.fullName, `refs/heads/${branch}`, sha);
  }

  /**
   * With Git served, makes `commits` (listed parents first, with made-up shas) real git commits
   * and rewrites their shas and parents in place; returns made-up sha -> real sha.
   */
  async #materialize(
    repo: SimRepo,
    commits: WorldCommit[],
    files: Map<WorldCommit, LiveFile[]>,
  ): Promise<(s: string) => string> {
    const git = this.deps.git;
    if (!git) return (s) => s;
    const index = new Map(commits.map((c, i) => [c.sha, i]));
    const shas = await git.addCommits(
      repo.fullName,
      commits.map((c) => ({
        parents: c.parents.map((p) => index.get(p) ?? p),
        author: c.author,
        committer: c.committer,
        message: c.message,
        files: files.get(c) ?? [],
      })),
    );
    const map = new Map(commits.map((c, i) => [c.sha, shas[i] as string]));
    const remap = (s: string) => map.get(s) ?? s;
    for (const c of commits) {
      c.sha = remap(c.sha);
      c.parents = c.parents.map(remap);
    }
    return remap;
  }

  /** Moves a branch to any commit: a force-push when it is not a descendant of the old head. */
  async forcePush(input: ForcePush): Promise<{ repo: string; branch: string; before: string | null; sha: string }> {
    const o = ForcePush.parse(input);
    const repo = this.#repo(o.repo);
    const world = this.deps.ctx.store.world;
    if (!world.hasCommit(repo.fullName, o.sha)) throw new Error(`force-push: ${o.sha} is not a commit of ${o.repo}`);
    const branch = o.branch ?? repo.defaultBranch;
    const before = world.branchHead(repo.fullName, branch) ?? null;
    await this.#setHead(repo, o.sha, branch);
    this.deps.ctx.store.touch(repo);
    return { repo: repo.fullName, branch, before, sha: o.sha };
  }

  /** Adds a merged pull request with its commits and the default-branch commit(s) it produced. */
  async addMergedPull(input: NewMergedPull): Promise<WorldPull> {
    const o = NewMergedPull.parse(input);
    const { ctx } = this.deps;
    const world = ctx.store.world;
    const repo = this.#repo(o.repo);
    const base = ctx.store.branchHead(repo);
    if (!base) throw new Error(`live change: ${repo.fullName} has no commits on ${repo.defaultBranch}`);
    const mergedAtMs = o.mergedAt ? Date.parse(o.mergedAt) : this.deps.worldNow();
    const createdAtMs = o.createdAt ? Date.parse(o.createdAt) : mergedAtMs - 3_600_000;
    const number = world.lastNumber(repo.fullName) + 1;
    const headRef = o.headRef ?? `feature/live-${number}`;
    const author = this.#identity(o.author);
    const mergedBy = o.mergedBy ?? o.author;
    const specs = (o.commits ?? [{ message: o.title }]).map((c) => NewCommit.parse(c));
    const prCommits: WorldCommit[] = [];
    let parent = base;
    specs.forEach((c, i) => {
      const id = this.#identity(c.author ?? o.author, c.authorName, c.authorEmail);
      const date = isoSec(createdAtMs + i * 60_000);
      const commit: WorldCommit = {
        type: "commit",
        repo: repo.fullName,
        sha: this.#sha(`${repo.fullName}:${c.message}`),
        message: c.message,
        author: { ...id, date },
        committer: { ...id, date },
        parents: [parent],
        additions: c.additions,
        deletions: c.deletions,
      };
      prCommits.push(commit);
      parent = commit.sha;
    });
    const mergedIso = isoSec(mergedAtMs);
    const gh = { name: "GitHub", email: "noreply@github.com", login: null, date: mergedIso };
    const additions = o.files.reduce((s, f) => s + f.additions, 0);
    const deletions = o.files.reduce((s, f) => s + f.deletions, 0);
    const result: WorldCommit[] = [];
    if (o.mergeMethod === "squash") {
      const bullets = prCommits.length > 1 ? `\n\n${prCommits.map((c) => `* ${c.message}`).join("\n\n")}` : "";
      const coAuthors = [
        ...new Set(prCommits.flatMap((c) => [...c.message.matchAll(/^co-authored-by:.*$/gim)].map((m) => m[0]))),
      ];
      const trailer = coAuthors.length > 0 ? `\n\n---------\n\n${coAuthors.join("\n")}` : "";
      result.push({
        type: "commit",
        repo: repo.fullName,
        sha: this.#sha(`${repo.fullName}:squash:${number}`),
        message: `${o.title} (#${number})${bullets}${trailer}`,
        author: { ...author, date: mergedIso },
        committer: gh,
        parents: [base],
        additions,
        deletions,
        files: o.files.map((f) => ({ ...f, status: "modified" as const })),
      });
    } else if (o.mergeMethod === "merge") {
      result.push({
        type: "commit",
        repo: repo.fullName,
        sha: this.#sha(`${repo.fullName}:merge:${number}`),
        message: `Merge pull request #${number} from ${repo.owner}/${headRef}\n\n${o.title}`,
        author: { ...this.#identity(mergedBy), date: mergedIso },
        committer: gh,
        parents: [base, parent],
        additions,
        deletions,
      });
    } else {
      let p = base;
      for (const c of prCommits) {
        const copy: WorldCommit = {
          ...c,
          sha: this.#sha(`${repo.fullName}:rebase:${c.sha}`),
          parents: [p],
          committer: gh,
        };
        result.push(copy);
        p = copy.sha;
      }
    }
    const liveFiles = o.files.map((f) => ({ path: f.path, additions: f.additions, deletions: f.deletions }));
    const filesOf = new Map<WorldCommit, LiveFile[]>();
    const headCommit = prCommits.at(-1);
    if (headCommit) filesOf.set(headCommit, liveFiles);
    const lastResult = result.at(-1);
    if (lastResult) filesOf.set(lastResult, liveFiles);
    const remap = await this.#materialize(repo, [...prCommits, ...result], filesOf);
    parent = remap(parent);
    for (const c of [...prCommits, ...result]) world.add(c);
    const mergeSha = result.at(-1)?.sha ?? base;
    await this.#setHead(repo, mergeSha);
    const pull: WorldPull = {
      type: "pull",
      repo: repo.fullName,
      number,
      id: ctx.store.nextId(),
      nodeId: Buffer.from(`011:PullRequest${number}`).toString("base64"),
      title: o.title,
      body: o.body,
      author: o.author,
      state: "closed",
      draft: false,
      headRef,
      headSha: parent,
      baseRef: repo.defaultBranch,
      baseSha: base,
      labels: o.labels,
      createdAt: isoSec(createdAtMs),
      updatedAt: mergedIso,
      closedAt: mergedIso,
      mergedAt: mergedIso,
      mergedBy,
      mergeMethod: o.mergeMethod,
      assignees: [],
      requestedReviewers: [],
      requestedTeams: [],
      reviews: [],
      commits: prCommits.map((c) => c.sha),
      mergeCommitSha: mergeSha,
      resultCommits: result.map((c) => c.sha),
      additions,
      deletions,
      changedFiles: o.files.length,
      files: o.files.map((f) => ({ ...f, status: "modified" as const })),
    };
    world.add(pull);
    ctx.store.touch(repo);
    const common = this.#common(repo, mergedBy);
    await this.deps.webhooks.emit("pull_request", {
      action: "closed",
      number,
      pull_request: renderPull(ctx, repo, simPull(pull)),
      ...common,
    });
    await this.#emitPush(repo, base, result, mergedBy);
    return pull;
  }

  async #emitPush(repo: SimRepo, before: string, commits: WorldCommit[], pusher: string): Promise<void> {
    const { ctx } = this.deps;
    const after = commits.at(-1)?.sha ?? before;
    const url = (sha: string) => `${ctx.web}/${repo.fullName}/commit/${sha}`;
    const shape = (c: WorldCommit) => ({
      id: c.sha,
      tree_id: createHash("sha1").update(`tree:${c.sha}`).digest("hex"),
      distinct: true,
      message: c.message,
      timestamp: c.committer.date.replace("Z", "+00:00"),
      url: url(c.sha),
      author: { name: c.author.name, email: c.author.email, ...(c.author.login ? { username: c.author.login } : {}) },
      committer: {
        name: c.committer.name,
        email: c.committer.email,
        ...(c.committer.login ? { username: c.committer.login } : {}),
      },
      added: [],
      removed: [],
      modified: (c.files ?? []).map((f) => f.path),
    });
    const p = this.#identity(pusher);
    await this.deps.webhooks.emit("push", {
      ref: `refs/heads/${repo.defaultBranch}`,
      before,
      after,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${ctx.web}/${repo.fullName}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
      commits: commits.map(shape),
      head_commit: commits.length > 0 ? shape(commits.at(-1) as WorldCommit) : null,
      pusher: { name: p.login ?? p.name, email: p.email },
      ...this.#common(repo, pusher),
    });
  }

  /** Commits pushed straight to the default branch (trunk-based work). */
  async pushCommits(input: { repo: string; pusher: string; commits: NewCommit[] }): Promise<WorldCommit[]> {
    const repo = this.#repo(input.repo);
    const base = this.deps.ctx.store.branchHead(repo);
    if (!base) throw new Error(`live change: ${repo.fullName} has no commits on ${repo.defaultBranch}`);
    let parent = base;
    const now = this.deps.worldNow();
    const out = input.commits.map((raw, i) => {
      const c = NewCommit.parse(raw);
      const id = this.#identity(c.author ?? input.pusher, c.authorName, c.authorEmail);
      const date = isoSec(now + i * 1000);
      const commit: WorldCommit = {
        type: "commit",
        repo: repo.fullName,
        sha: this.#sha(`${repo.fullName}:${c.message}`),
        message: c.message,
        author: { ...id, date },
        committer: { ...id, date },
        parents: [parent],
        additions: c.additions,
        deletions: c.deletions,
      };
      parent = commit.sha;
      return commit;
    });
    await this.#materialize(
      repo,
      out,
      new Map(out.map((c) => [c, [{ path: "src/index.ts", additions: c.additions, deletions: c.deletions }]])),
    );
    parent = out.at(-1)?.sha ?? base;
    for (const c of out) this.deps.ctx.store.world.add(c);
    await this.#setHead(repo, parent);
    this.deps.ctx.store.touch(repo);
    await this.#emitPush(repo, base, out, input.pusher);
    return out;
  }

  async addDeployment(input: NewDeployment): Promise<WorldDeployment> {
    const o = NewDeployment.parse(input);
    const { ctx } = this.deps;
    const repo = this.#repo(o.repo);
    const ref = o.ref ?? repo.defaultBranch;
    const sha = ctx.store.resolveRef(repo, ref);
    if (!sha) throw new Error(`live change: ref "${ref}" not found in ${repo.fullName} (a branch, tag or sha)`);
    const at = isoSec(o.createdAt ? Date.parse(o.createdAt) : this.deps.worldNow());
    const id = ctx.store.nextId();
    const d: WorldDeployment = {
      type: "deployment",
      repo: repo.fullName,
      id,
      nodeId: Buffer.from(`010:Deployment${id}`).toString("base64"),
      sha,
      ref,
      task: o.task,
      environment: o.environment,
      description: o.description,
      creator: o.creator,
      createdAt: at,
      updatedAt: at,
      productionEnvironment: o.environment === "production",
      transientEnvironment: false,
      statuses: [],
    };
    ctx.store.world.add(d);
    ctx.store.touch(repo);
    await this.deps.webhooks.emit("deployment", {
      action: "created",
      deployment: renderDeployment(ctx, repo, simDeployment(d)),
      ...this.#common(repo, o.creator),
    });
    if (o.state) {
      return this.addDeploymentStatus({
        repo: o.repo,
        deploymentId: id,
        state: o.state,
        creator: o.creator,
        createdAt: at,
      });
    }
    return d;
  }

  async addDeploymentStatus(input: NewDeploymentStatus): Promise<WorldDeployment> {
    const o = NewDeploymentStatus.parse(input);
    const { ctx } = this.deps;
    const repo = this.#repo(o.repo);
    const at = isoSec(o.createdAt ? Date.parse(o.createdAt) : this.deps.worldNow());
    const status = {
      id: ctx.store.nextId(),
      state: o.state,
      createdAt: at,
      description: o.description,
      creator: o.creator,
    };
    const d = ctx.store.world.addDeploymentStatus(repo.fullName, o.deploymentId, status);
    ctx.store.touch(repo);
    const sd = simDeployment(d);
    const ss = sd.statuses.at(-1);
    if (ss) {
      await this.deps.webhooks.emit("deployment_status", {
        action: "created",
        deployment_status: renderDeploymentStatus(ctx, repo, sd, ss),
        deployment: renderDeployment(ctx, repo, sd),
        ...this.#common(repo, o.creator),
      });
    }
    return d;
  }

  async addRelease(input: NewRelease): Promise<WorldRelease> {
    const o = NewRelease.parse(input);
    const { ctx } = this.deps;
    const repo = this.#repo(o.repo);
    const ref = o.ref ?? repo.defaultBranch;
    const sha = ctx.store.resolveRef(repo, ref);
    if (!sha) throw new Error(`live change: ref "${ref}" not found in ${repo.fullName} (a branch, tag or sha)`);
    const at = isoSec(o.createdAt ? Date.parse(o.createdAt) : this.deps.worldNow());
    ctx.store.world.add({ type: "tag", repo: repo.fullName, name: o.tagName, sha, taggedAt: at, annotated: false });
    const rel: WorldRelease = {
      type: "release",
      repo: repo.fullName,
      id: ctx.store.nextId(),
      tagName: o.tagName,
      name: o.name ?? o.tagName,
      body: o.body,
      draft: false,
      prerelease: o.prerelease,
      createdAt: at,
      publishedAt: at,
      targetSha: sha,
      author: o.author,
    };
    ctx.store.world.add(rel);
    ctx.store.touch(repo);
    await this.deps.webhooks.emit("release", {
      action: "published",
      release: renderRelease(ctx, repo, simRelease(rel)),
      ...this.#common(repo, o.author),
    });
    return rel;
  }

  async addWorkflowRun(input: NewWorkflowRun): Promise<WorldWorkflowRun> {
    const o = NewWorkflowRun.parse(input);
    const { ctx } = this.deps;
    const repo = this.#repo(o.repo);
    const ref = o.ref ?? repo.defaultBranch;
    const sha = ctx.store.resolveRef(repo, ref);
    if (!sha) throw new Error(`live change: ref "${ref}" not found in ${repo.fullName} (a branch, tag or sha)`);
    const at = isoSec(o.createdAt ? Date.parse(o.createdAt) : this.deps.worldNow());
    const previous = ctx.store.world.workflowRuns(repo.fullName).filter((w) => w.path === o.path);
    const run: WorldWorkflowRun = {
      type: "workflow-run",
      repo: repo.fullName,
      id: ctx.store.nextId(),
      workflowId: previous[0]?.workflowId ?? ctx.store.nextId(),
      name: o.name,
      path: o.path,
      runNumber: previous.length + 1,
      headSha: sha,
      headBranch: ref === sha ? repo.defaultBranch : ref,
      event: o.event,
      status: "completed",
      conclusion: o.conclusion,
      actor: o.actor,
      createdAt: at,
      updatedAt: at,
    };
    ctx.store.world.add(run);
    ctx.store.touch(repo);
    const rendered = renderWorkflowRun(ctx, repo, simRun(run));
    await this.deps.webhooks.emit("workflow_run", {
      action: "completed",
      workflow_run: rendered,
      workflow: {
        id: run.workflowId,
        node_id: Buffer.from(`010:Workflow${run.workflowId}`).toString("base64"),
        name: run.name,
        path: run.path,
        state: "active",
        url: rendered.workflow_url,
        html_url: `${ctx.web}/${repo.fullName}/blob/${repo.defaultBranch}/${run.path}`,
        badge_url: `${ctx.web}/${repo.fullName}/workflows/${encodeURIComponent(run.name)}/badge.svg`,
      },
      ...this.#common(repo, o.actor),
    });
    return run;
  }
  /**
   * Opens an issue (numbered after every issue and pull request of the repository) and emits
   * `issues` `opened`, then one `labeled` per label, as GitHub does for labels set at creation.
   */
  async addIssue(input: NewIssue): Promise<WorldIssue> {
    const o = NewIssue.parse(input);
    const { ctx } = this.deps;
    const world = ctx.store.world;
    const repo = this.#repo(o.repo);
    const at = isoSec(o.createdAt ? Date.parse(o.createdAt) : this.deps.worldNow());
    const id = ctx.store.nextId();
    const issue: WorldIssue = {
      type: "issue",
      repo: repo.fullName,
      number: world.lastNumber(repo.fullName) + 1,
      id,
      nodeId: `I_kwDO${id.toString(36)}`,
      title: o.title,
      body: o.body,
      author: o.author,
      labels: o.labels,
      state: "open",
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      comments: 0,
    };
    world.add(issue);
    ctx.store.touch(repo);
    const rendered = renderIssue(ctx, repo, simIssue(issue));
    await this.deps.webhooks.emit("issues", { action: "opened", issue: rendered, ...this.#common(repo, o.author) });
    for (const name of o.labels) {
      const label = rendered.labels.find((l) => typeof l !== "string" && l.name === name);
      await this.deps.webhooks.emit("issues", {
        action: "labeled",
        issue: rendered,
        label,
        ...this.#common(repo, o.author),
      });
    }
    return issue;
  }
}
