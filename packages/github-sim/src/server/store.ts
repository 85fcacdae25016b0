import type {
  World,
  WorldCommit,
  WorldDeployment,
  WorldFile,
  WorldIssue,
  WorldPull,
  WorldRelease,
  WorldRepo,
  WorldUser,
  WorldWorkflowRun,
} from "../world/index.js";

/**
 * The server's view of a `World` (../world): the lookups REST and GraphQL handlers need, in
 * shapes close to GitHub's (dates as epoch ms), plus the sorted indexes GitHub's list endpoints
 * imply (pulls by update time, newest-first deployments). Records are read from the World on
 * demand (it keeps commits and PRs as packed bytes), so a million-PR world is served without
 * copying it. Live changes go through `World.add` and then `touch`, which drops cached indexes.
 */

export interface SimUser {
  id: number;
  login: string;
  type: "User" | "Bot" | "Organization";
  name: string | null;
  email: string | null;
}

export interface SimTeam {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  parentSlug: string | null;
  privacy: "closed" | "secret";
  /** Member logins with their team role. */
  members: { login: string; role: "member" | "maintainer" }[];
}

export interface SimOrg {
  id: number;
  login: string;
  name: string | null;
  /** Member logins with their organisation role. */
  members: { login: string; role: "admin" | "member" }[];
  teams: SimTeam[];
}

export interface SimGitActor {
  name: string;
  email: string;
  /** Epoch ms. */
  date: number;
  /** The GitHub account the email resolves to, if any. */
  login: string | null;
}

export interface SimFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  additions: number;
  deletions: number;
  previousFilename?: string;
  /** The world's ground truth of the patch (see world/patch.ts). */
  reindented?: number;
  blankAdded?: number;
  blankRemoved?: number;
  format?: boolean;
}

export interface SimCommit {
  sha: string;
  message: string;
  author: SimGitActor;
  committer: SimGitActor;
  parents: string[];
  additions: number;
  deletions: number;
  files: SimFile[];
}

export interface SimPull {
  id: number;
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  draft: boolean;
  author: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  labels: string[];
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  mergedAt: number | null;
  mergedBy: string | null;
  mergeMethod: "merge" | "squash" | "rebase" | null;
  mergeCommitSha: string | null;
  additions: number;
  deletions: number;
  files: SimFile[];
  assignees: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
  /** The PR's own (pre-squash) commits, oldest first. */
  commits: string[];
  reviews: SimReview[];
}

export interface SimIssue {
  id: number;
  number: number;
  title: string;
  body: string;
  author: string;
  labels: string[];
  state: "open" | "closed";
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  comments: number;
}

export function simIssue(i: WorldIssue): SimIssue {
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    body: i.body,
    author: i.author,
    labels: i.labels,
    state: i.state,
    createdAt: ms(i.createdAt),
    updatedAt: ms(i.updatedAt),
    closedAt: i.closedAt === null ? null : ms(i.closedAt),
    comments: i.comments ?? 0,
  };
}

/** One row of a repository's issue list (issues, and pull requests where GitHub lists them too). */
export interface IssueRow {
  number: number;
  pull: boolean;
  created: number;
  updated: number;
  open: boolean;
  labels: string[];
  comments: number;
}

export interface IssueListOptions {
  /** List pull requests too (REST `GET /issues` does; GraphQL `Repository.issues` does not). */
  pulls: boolean;
  state: "open" | "closed" | "all";
  /** Label names; `labelsMatch` "all" (REST) or "any" (GraphQL). Empty: no filter. */
  labels: string[];
  labelsMatch: "all" | "any";
  /** Only rows updated at or after this (epoch ms). */
  since: number | null;
  sort: "created" | "updated" | "comments";
  direction: "asc" | "desc";
}

export interface SimReview {
  id: number;
  user: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";
  submittedAt: number;
  body: string;
}

export interface SimDeploymentStatus {
  id: number;
  state: "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";
  description: string;
  creator: string;
  createdAt: number;
  environmentUrl: string;
  logUrl: string;
}

export interface SimDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  creator: string;
  createdAt: number;
  statuses: SimDeploymentStatus[];
}

export interface SimRelease {
  id: number;
  tagName: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  targetCommitish: string;
  author: string;
  createdAt: number;
  publishedAt: number | null;
}

export interface SimTag {
  name: string;
  sha: string;
  /** Annotated tags are Tag objects with a tagger date; lightweight ones point at the commit. */
  annotated: boolean;
  taggedAt: string;
}

export interface SimWorkflowRun {
  id: number;
  name: string;
  workflowId: number;
  path: string;
  headBranch: string;
  headSha: string;
  event: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "cancelled" | "skipped" | "timed_out" | "action_required" | "neutral" | null;
  runNumber: number;
  runAttempt: number;
  actor: string;
  createdAt: number;
  updatedAt: number;
}

export interface SimRepo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  description: string | null;
  defaultBranch: string;
  createdAt: number;
  pushedAt: number;
}

const ms = (t: string): number => Date.parse(t);

function file(f: WorldFile): SimFile {
  return {
    filename: f.path,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    ...(f.previousPath ? { previousFilename: f.previousPath } : {}),
    ...(f.reindented === undefined ? {} : { reindented: f.reindented }),
    ...(f.blankAdded === undefined ? {} : { blankAdded: f.blankAdded }),
    ...(f.blankRemoved === undefined ? {} : { blankRemoved: f.blankRemoved }),
    ...(f.format === undefined ? {} : { format: f.format }),
  };
}

export function simCommit(c: WorldCommit): SimCommit {
  return {
    sha: c.sha,
    message: c.message,
    author: { name: c.author.name, email: c.author.email, date: ms(c.author.date), login: c.author.login },
    committer: {
      name: c.committer.name,
      email: c.committer.email,
      date: ms(c.committer.date),
      login: c.committer.login,
    },
    parents: c.parents,
    additions: c.additions,
    deletions: c.deletions,
    files: (c.files ?? []).map(file),
  };
}

export function simPull(r: WorldPull): SimPull {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    body: r.body,
    state: r.state,
    draft: r.draft,
    author: r.author,
    headRef: r.headRef,
    headSha: r.headSha,
    baseRef: r.baseRef,
    baseSha: r.baseSha,
    labels: r.labels,
    createdAt: ms(r.createdAt),
    updatedAt: ms(r.updatedAt),
    closedAt: r.closedAt === null ? null : ms(r.closedAt),
    mergedAt: r.mergedAt === null ? null : ms(r.mergedAt),
    mergedBy: r.mergedBy,
    mergeMethod: r.mergeMethod,
    mergeCommitSha: r.mergeCommitSha,
    additions: r.additions,
    deletions: r.deletions,
    files: r.files.map(file),
    assignees: r.assignees,
    requestedReviewers: r.requestedReviewers,
    requestedTeams: r.requestedTeams,
    commits: r.commits,
    reviews: r.reviews.map((v) => ({
      id: v.id,
      user: v.user,
      state: v.state,
      submittedAt: ms(v.submittedAt),
      body: v.body,
    })),
  };
}

export function simDeployment(d: WorldDeployment): SimDeployment {
  return {
    id: d.id,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    environment: d.environment,
    description: d.description,
    creator: d.creator,
    createdAt: ms(d.createdAt),
    statuses: d.statuses.map((x) => ({
      id: x.id,
      state: x.state,
      description: x.description,
      creator: x.creator,
      createdAt: ms(x.createdAt),
      environmentUrl: "",
      logUrl: "",
    })),
  };
}

export function simRelease(r: WorldRelease): SimRelease {
  return {
    id: r.id,
    tagName: r.tagName,
    name: r.name,
    body: r.body,
    draft: r.draft,
    prerelease: r.prerelease,
    targetCommitish: r.targetSha,
    author: r.author,
    createdAt: ms(r.createdAt),
    publishedAt: r.publishedAt === null ? null : ms(r.publishedAt),
  };
}

export function simRun(w: WorldWorkflowRun): SimWorkflowRun {
  return {
    id: w.id,
    name: w.name,
    workflowId: w.workflowId,
    path: w.path,
    headBranch: w.headBranch,
    headSha: w.headSha,
    event: w.event,
    status: w.status,
    conclusion: w.conclusion,
    runNumber: w.runNumber,
    runAttempt: 1,
    actor: w.actor,
    createdAt: ms(w.createdAt),
    updatedAt: ms(w.updatedAt),
  };
}

function simUser(u: WorldUser): SimUser {
  return { id: u.id, login: u.login, type: u.accountType, name: u.name, email: u.emails[0] ?? null };
}

function simRepo(r: WorldRepo): SimRepo {
  return {
    id: r.id,
    owner: r.org,
    name: r.name,
    fullName: `${r.org}/${r.name}`,
    private: r.visibility !== "public",
    description: r.description,
    defaultBranch: r.defaultBranch,
    createdAt: ms(r.createdAt),
    pushedAt: ms(r.createdAt),
  };
}

/** Sorted pull-request index of one repository (parallel arrays, one entry per PR). */
export interface PullIndex {
  numbers: Int32Array;
  created: Float64Array;
  updated: Float64Array;
  /** 0 open, 1 closed unmerged, 2 merged */
  state: Uint8Array;
  baseRef: string[];
  headRef: string[];
}

export class SimStore {
  #pullIndex = new Map<string, PullIndex>();
  #issueRows = new Map<string, IssueRow[]>();
  #views = new Map<string, Int32Array>();
  #histories = new Map<string, { shas: string[]; dates: Float64Array; authors: string[] }>();
  #nextId = 0;
  #orgs = new Map<string, SimOrg | null>();

  constructor(readonly world: World) {}

  /** A fresh numeric id above any the world used (for live changes). */
  nextId(): number {
    if (this.#nextId === 0) this.#nextId = 900_000_000;
    return this.#nextId++;
  }

  /** The time live changes are stamped with by default: the world's now, moved by the clock. */
  user(login: string): SimUser | undefined {
    const u = this.world.user(login) ?? this.#userCaseInsensitive(login);
    return u ? simUser(u) : undefined;
  }

  #lowerLogins: Map<string, string> | null = null;

  #userCaseInsensitive(login: string): WorldUser | undefined {
    if (!this.#lowerLogins) {
      this.#lowerLogins = new Map(this.world.users().map((u) => [u.login.toLowerCase(), u.login]));
    }
    const exact = this.#lowerLogins.get(login.toLowerCase());
    return exact === undefined ? undefined : this.world.user(exact);
  }

  /** The account for a login, inventing a stable one for logins the world did not declare. */
  userOrGhost(login: string): SimUser {
    return (
      this.user(login) ?? { id: 10_000, login, type: login.endsWith("[bot]") ? "Bot" : "User", name: null, email: null }
    );
  }

  userByEmail(email: string): SimUser | undefined {
    const u = this.world.userByEmail(email);
    return u ? simUser(u) : undefined;
  }

  #orgLogin(login: string): string | undefined {
    if (this.world.org(login)) return login;
    const l = login.toLowerCase();
    return this.world.orgs().find((o) => o.login.toLowerCase() === l)?.login;
  }

  /** Organisations are cached: membership does not change while the server runs (see `touchOrgs`). */
  org(login: string): SimOrg | undefined {
    const cached = this.#orgs.get(login);
    if (cached !== undefined) return cached ?? undefined;
    const built = this.#buildOrg(login);
    this.#orgs.set(login, built ?? null);
    return built;
  }

  touchOrgs(): void {
    this.#orgs.clear();
  }

  #buildOrg(login: string): SimOrg | undefined {
    const key = this.#orgLogin(login);
    const o = key ? this.world.org(key) : undefined;
    if (!o) return undefined;
    const admins = new Set(
      this.world
        .users()
        .filter((u) => u.memberships.some((m) => m.org === o.login && m.role === "admin"))
        .map((u) => u.login),
    );
    return {
      id: o.id,
      login: o.login,
      name: o.name,
      members: this.world
        .orgMembers(o.login)
        .map((u) => ({ login: u.login, role: admins.has(u.login) ? ("admin" as const) : ("member" as const) })),
      teams: this.world.teams(o.login).map((t) => {
        const maint = new Set(t.maintainers);
        return {
          id: t.id,
          slug: t.slug,
          name: t.name,
          description: t.description,
          parentSlug: t.parent,
          privacy: t.privacy,
          members: t.members.map((login) => ({
            login,
            role: maint.has(login) ? ("maintainer" as const) : ("member" as const),
          })),
        };
      }),
    };
  }

  repo(owner: string, name: string): SimRepo | undefined {
    const exact = this.world.repo(`${owner}/${name}`);
    if (exact) return simRepo(exact);
    const full = `${owner}/${name}`.toLowerCase();
    const r = this.world.repos().find((x) => `${x.org}/${x.name}`.toLowerCase() === full);
    return r ? simRepo(r) : undefined;
  }

  reposOf(owner: string): SimRepo[] {
    const key = this.#orgLogin(owner) ?? owner;
    return this.world.repos(key).map(simRepo);
  }

  commit(repo: SimRepo, sha: string): SimCommit | undefined {
    const c = this.world.commit(repo.fullName, sha);
    return c ? simCommit(c) : undefined;
  }

  hasCommit(repo: SimRepo, sha: string): boolean {
    return this.world.hasCommit(repo.fullName, sha);
  }

  resolveRef(repo: SimRepo, ref: string): string | undefined {
    return this.world.resolveRef(repo.fullName, ref);
  }

  branchHead(repo: SimRepo, branch?: string): string | undefined {
    return this.world.branchHead(repo.fullName, branch);
  }

  /**
   * Commits reachable from `sha`, newest first by committer date (GitHub's listing order), as
   * a lazy iterator; stop when a page is full.
   */
  *history(repo: SimRepo, sha: string): Generator<SimCommit> {
    for (const c of this.world.history(repo.fullName, sha)) yield simCommit(c);
  }

  /** Shas reachable from `sha` in listing order with their committer dates, cached (deep pages, cursors, filters). */
  historyIndex(repo: SimRepo, sha: string): { shas: string[]; dates: Float64Array; authors: string[] } {
    const key = `${repo.fullName}@${sha}`;
    let v = this.#histories.get(key);
    if (!v) {
      const shas: string[] = [];
      const dates: number[] = [];
      const authors: string[] = [];
      for (const c of this.world.history(repo.fullName, sha)) {
        shas.push(c.sha);
        dates.push(ms(c.committer.date));
        authors.push(`${c.author.login ?? ""}\u0000${c.author.email}`);
      }
      v = { shas, dates: Float64Array.from(dates), authors };
      if (this.#histories.size > 256) this.#histories.clear();
      this.#histories.set(key, v);
    }
    return v;
  }

  compare(repo: SimRepo, base: string, head: string) {
    return this.world.compare(repo.fullName, base, head);
  }

  pull(repo: SimRepo, number: number): SimPull | undefined {
    const p = this.world.pull(repo.fullName, number);
    return p ? simPull(p) : undefined;
  }

  pullIndex(repo: SimRepo): PullIndex {
    let idx = this.#pullIndex.get(repo.fullName);
    if (idx) return idx;
    const numbers = this.world.pullNumbers(repo.fullName);
    const n = numbers.length;
    idx = {
      numbers: new Int32Array(n),
      created: new Float64Array(n),
      updated: new Float64Array(n),
      state: new Uint8Array(n),
      baseRef: new Array<string>(n),
      headRef: new Array<string>(n),
    };
    let i = 0;
    for (const p of this.world.pulls(repo.fullName)) {
      idx.numbers[i] = p.number;
      idx.created[i] = ms(p.createdAt);
      idx.updated[i] = ms(p.updatedAt);
      idx.state[i] = p.state === "open" ? 0 : p.mergedAt === null ? 1 : 2;
      idx.baseRef[i] = p.baseRef;
      idx.headRef[i] = p.headRef;
      i++;
    }
    this.#pullIndex.set(repo.fullName, idx);
    return idx;
  }

  /**
   * Pull-request numbers in a list order: `sort` created|updated, `direction`, filtered by
   * state (open|closed|all|merged) and optionally base/head ref. Cached until `touch`.
   */
  pullNumbers(
    repo: SimRepo,
    o: {
      sort: "created" | "updated";
      direction: "asc" | "desc";
      state: string;
      base?: string | null;
      head?: string | null;
    },
  ): Int32Array {
    const key = `${repo.fullName}|${o.sort}|${o.direction}|${o.state}|${o.base ?? ""}|${o.head ?? ""}`;
    let v = this.#views.get(key);
    if (v) return v;
    const idx = this.pullIndex(repo);
    const order: number[] = [];
    for (let i = 0; i < idx.numbers.length; i++) {
      const st = idx.state[i];
      const ok =
        o.state === "all" ||
        (o.state === "open" && st === 0) ||
        (o.state === "closed" && st !== 0) ||
        (o.state === "merged" && st === 2) ||
        (o.state === "closed-unmerged" && st === 1);
      if (!ok) continue;
      if (o.base && idx.baseRef[i] !== o.base) continue;
      if (o.head && idx.headRef[i] !== o.head) continue;
      order.push(i);
    }
    const k = o.sort === "updated" ? idx.updated : idx.created;
    order.sort(
      (a, b) => (k[a] as number) - (k[b] as number) || (idx.numbers[a] as number) - (idx.numbers[b] as number),
    );
    if (o.direction === "desc") order.reverse();
    v = Int32Array.from(order, (i) => idx.numbers[i] as number);
    if (this.#views.size > 256) this.#views.clear();
    this.#views.set(key, v);
    return v;
  }

  issue(repo: SimRepo, number: number): SimIssue | undefined {
    const i = this.world.issue(repo.fullName, number);
    return i ? simIssue(i) : undefined;
  }

  /** Every issue and pull request of a repository as list rows (cached until `touch`). */
  issueRows(repo: SimRepo): IssueRow[] {
    let rows = this.#issueRows.get(repo.fullName);
    if (rows) return rows;
    rows = [];
    for (const i of this.world.issues(repo.fullName)) {
      rows.push({
        number: i.number,
        pull: false,
        created: ms(i.createdAt),
        updated: ms(i.updatedAt),
        open: i.state === "open",
        labels: i.labels,
        comments: i.comments ?? 0,
      });
    }
    for (const p of this.world.pulls(repo.fullName)) {
      rows.push({
        number: p.number,
        pull: true,
        created: ms(p.createdAt),
        updated: ms(p.updatedAt),
        open: p.state === "open",
        labels: p.labels,
        comments: 0,
      });
    }
    this.#issueRows.set(repo.fullName, rows);
    return rows;
  }

  /** Issue (and optionally pull-request) numbers in list order, filtered as GitHub's issue lists filter. */
  issueList(repo: SimRepo, o: IssueListOptions): IssueRow[] {
    const want = new Set(o.labels);
    const out = this.issueRows(repo).filter(
      (row) =>
        (o.pulls || !row.pull) &&
        (o.state === "all" || row.open === (o.state === "open")) &&
        (o.since === null || row.updated >= o.since) &&
        (want.size === 0 ||
          (o.labelsMatch === "all"
            ? [...want].every((l) => row.labels.includes(l))
            : row.labels.some((l) => want.has(l)))),
    );
    const key = (row: IssueRow) =>
      o.sort === "updated" ? row.updated : o.sort === "comments" ? row.comments : row.created;
    out.sort((a, b) => key(a) - key(b) || a.number - b.number);
    if (o.direction === "desc") out.reverse();
    return out;
  }

  /** Deployments newest first (GitHub's order), optionally filtered. */
  deployments(
    repo: SimRepo,
    f: { environment?: string | null; sha?: string | null; ref?: string | null; task?: string | null } = {},
  ): SimDeployment[] {
    const all = this.world.deployments(repo.fullName).reverse();
    return all
      .filter(
        (d) =>
          (f.environment == null || d.environment === f.environment) &&
          (f.sha == null || d.sha === f.sha) &&
          (f.ref == null || d.ref === f.ref) &&
          (f.task == null || d.task === f.task),
      )
      .map(simDeployment);
  }

  deploymentCount(repo: SimRepo): number {
    return this.world.deploymentCount(repo.fullName);
  }

  /** The i-th deployment newest first, without materialising the list. */
  deploymentNewest(repo: SimRepo, i: number): SimDeployment | undefined {
    const n = this.world.deploymentCount(repo.fullName);
    const d = this.world.deploymentAt(repo.fullName, n - 1 - i);
    return d ? simDeployment(d) : undefined;
  }

  deployment(repo: SimRepo, id: number): SimDeployment | undefined {
    const d = this.world.deployment(repo.fullName, id);
    return d ? simDeployment(d) : undefined;
  }

  /** Releases newest first. */
  releases(repo: SimRepo): SimRelease[] {
    return this.world
      .releases(repo.fullName)
      .map(simRelease)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  }

  /** Tags as GitHub lists them (name descending). */
  tags(repo: SimRepo): SimTag[] {
    return this.world
      .tags(repo.fullName)
      .map((t) => ({ name: t.name, sha: t.sha, annotated: t.annotated, taggedAt: t.taggedAt }))
      .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  }

  /** Workflow runs newest first. */
  workflowRuns(repo: SimRepo): SimWorkflowRun[] {
    return this.world
      .workflowRuns(repo.fullName)
      .map(simRun)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  }

  /** Bumped by every live change: REST ETags are derived from it and the request URL. */
  version = 0;

  /** Drops cached indexes of a repository after a live change. */
  touch(repo: SimRepo | string): void {
    this.version++;
    const full = typeof repo === "string" ? repo : repo.fullName;
    this.#pullIndex.delete(full);
    this.#issueRows.delete(full);
    for (const k of [...this.#views.keys()]) if (k.startsWith(`${full}|`)) this.#views.delete(k);
    for (const k of [...this.#histories.keys()]) if (k.startsWith(`${full}@`)) this.#histories.delete(k);
  }
}
