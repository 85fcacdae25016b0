import { IntList, PackedStore } from "./packed-store.js";
import {
  type TruthChange,
  type TruthDeployment,
  type TruthIssue,
  type TruthPerson,
  WORLD_FORMAT,
  WORLD_FORMAT_VERSION,
  type WorldBranch,
  type WorldCommit,
  type WorldDeployment,
  type WorldDeploymentStatus,
  type WorldHeader,
  type WorldIssue,
  type WorldOrg,
  type WorldPull,
  type WorldRecord,
  type WorldRelease,
  type WorldRepo,
  type WorldTag,
  type WorldTeam,
  type WorldUsage,
  type WorldUser,
  type WorldWorkflowRun,
} from "./schema.js";

/** A `Co-authored-by:` trailer, with the account its email resolves to (as GraphQL `Commit.authors` does). */
export interface CoAuthorRef {
  name: string;
  email: string;
  login: string | null;
}

interface RepoIndex {
  repo: WorldRepo;
  /** sha -> commit slot */
  commits: Map<string, number>;
  /** number -> pull slot (index 0 unused, -1 = none) */
  pulls: IntList;
  /** number -> issue slot (index 0 unused, -1 = none); issues and pulls share one number space */
  issues: IntList;
  branches: Map<string, string>;
  tags: WorldTag[];
  releases: WorldRelease[];
  deployments: number[];
  deploymentById: Map<number, number>;
  runs: number[];
  runById: Map<number, number>;
  /** Cached first-parent history of the default branch (commit slots, oldest first). */
  firstParent: Int32Array | null;
  firstParentPos: Map<number, number> | null;
  /** Cached `defaultBranchShas` (newest first). */
  firstParentShas: string[] | null;
}

const CO_AUTHOR = /^co-authored-by:\s*(.+?)\s*<([^>]+)>\s*$/gim;

/**
 * A world indexed in memory: the lookups the simulator's REST and GraphQL handlers need.
 * Small records (orgs, users, teams, repos, tags, releases, usage) are objects; commits, pull
 * requests, deployments, workflow runs and ground truth live as JSON bytes in off-heap
 * `PackedStore`s and are parsed on read, so a million-PR world fits on a 24 GiB machine.
 * Getters return fresh copies: mutate through `add`/`put*`, never through a returned object.
 */
export class World {
  header: WorldHeader;
  private orgsByLogin = new Map<string, WorldOrg>();
  private usersByLogin = new Map<string, WorldUser>();
  private usersById = new Map<number, WorldUser>();
  private loginByEmail = new Map<string, string>();
  private teamsByOrg = new Map<string, Map<string, WorldTeam>>();
  private reposByName = new Map<string, RepoIndex>();
  private commitStore = new PackedStore<WorldCommit>();
  private parent1 = new IntList(1024);
  private parent2 = new IntList(1024);
  private pullStore = new PackedStore<WorldPull>();
  private issueStore = new PackedStore<WorldIssue>();
  private deploymentStore = new PackedStore<WorldDeployment>();
  private runStore = new PackedStore<WorldWorkflowRun>();
  private usageRecords: WorldUsage[] = [];
  private truthChangeStore = new PackedStore<TruthChange>();
  private truthChangeByKey = new Map<string, number>();
  private truthDeploymentStore = new PackedStore<TruthDeployment>();
  private truthIssueStore = new PackedStore<TruthIssue>();
  private truthPersonByLogin = new Map<string, TruthPerson>();
  /** Drop ground truth on load (the server never needs it). */
  private keepTruth: boolean;

  constructor(header?: WorldHeader, options: { truth?: boolean } = {}) {
    this.header = header ?? {
      type: "header",
      format: WORLD_FORMAT,
      version: WORLD_FORMAT_VERSION,
      seed: 0,
      generator: "empty",
      now: "1970-01-01T00:00:00Z",
      start: "1970-01-01T00:00:00Z",
      sizes: {},
    };
    this.keepTruth = options.truth ?? true;
  }

  /** Builds a world from records (any order; the header, if present, replaces the default one). */
  static from(records: Iterable<WorldRecord>, options: { truth?: boolean } = {}): World {
    const world = new World(undefined, options);
    for (const r of records) world.add(r);
    return world;
  }

  /**
   * Indexes one record. Adding a record with an existing key replaces it (live changes).
   * `raw`, when given, must be the record's JSON (a loader passes the file's line to skip re-serialising).
   */
  add(r: WorldRecord, raw?: string): void {
    switch (r.type) {
      case "header":
        this.header = r;
        return;
      case "org":
        this.orgsByLogin.set(r.login, r);
        return;
      case "user":
        this.usersByLogin.set(r.login, r);
        this.usersById.set(r.id, r);
        for (const e of r.emails) this.loginByEmail.set(e.toLowerCase(), r.login);
        return;
      case "team": {
        let teams = this.teamsByOrg.get(r.org);
        if (!teams) {
          teams = new Map();
          this.teamsByOrg.set(r.org, teams);
        }
        teams.set(r.slug, r);
        return;
      }
      case "repo": {
        const name = `${r.org}/${r.name}`;
        const existing = this.reposByName.get(name);
        if (existing) existing.repo = r;
        else
          this.reposByName.set(name, {
            repo: r,
            commits: new Map(),
            pulls: new IntList(64),
            issues: new IntList(16),
            branches: new Map(),
            tags: [],
            releases: [],
            deployments: [],
            deploymentById: new Map(),
            runs: [],
            runById: new Map(),
            firstParent: null,
            firstParentPos: null,
            firstParentShas: null,
          });
        return;
      }
      case "commit":
        this.addCommit(r, raw);
        return;
      case "branch": {
        const repo = this.repoIndex(r.repo);
        repo.branches.set(r.name, r.sha);
        if (r.name === repo.repo.defaultBranch) {
          repo.firstParent = null;
          repo.firstParentShas = null;
        }
        return;
      }
      case "pull": {
        const repo = this.repoIndex(r.repo);
        if (repo.issues.get(r.number) >= 0)
          throw new Error(`world: ${r.repo}#${r.number} is an issue; a pull request cannot reuse its number`);
        const slot = repo.pulls.get(r.number);
        if (slot >= 0) this.pullStore.set(slot, r, raw);
        else repo.pulls.set(r.number, this.pullStore.push(r, raw));
        return;
      }
      case "issue": {
        const repo = this.repoIndex(r.repo);
        if (repo.pulls.get(r.number) >= 0)
          throw new Error(`world: ${r.repo}#${r.number} is a pull request; an issue cannot reuse its number`);
        const slot = repo.issues.get(r.number);
        if (slot >= 0) this.issueStore.set(slot, r, raw);
        else repo.issues.set(r.number, this.issueStore.push(r, raw));
        return;
      }
      case "tag": {
        const repo = this.repoIndex(r.repo);
        const i = repo.tags.findIndex((t) => t.name === r.name);
        if (i >= 0) repo.tags[i] = r;
        else repo.tags.push(r);
        return;
      }
      case "release": {
        const repo = this.repoIndex(r.repo);
        const i = repo.releases.findIndex((x) => x.id === r.id);
        if (i >= 0) repo.releases[i] = r;
        else repo.releases.push(r);
        return;
      }
      case "deployment": {
        const repo = this.repoIndex(r.repo);
        const slot = repo.deploymentById.get(r.id);
        if (slot !== undefined) this.deploymentStore.set(slot, r, raw);
        else {
          const s = this.deploymentStore.push(r, raw);
          repo.deployments.push(s);
          repo.deploymentById.set(r.id, s);
        }
        return;
      }
      case "workflow-run": {
        const repo = this.repoIndex(r.repo);
        const slot = repo.runById.get(r.id);
        if (slot !== undefined) this.runStore.set(slot, r, raw);
        else {
          const s = this.runStore.push(r, raw);
          repo.runs.push(s);
          repo.runById.set(r.id, s);
        }
        return;
      }
      case "usage":
        this.usageRecords.push(r);
        return;
      case "truth-change":
        if (!this.keepTruth) return;
        this.truthChangeByKey.set(r.key, this.truthChangeStore.push(r, raw));
        return;
      case "truth-deployment":
        if (this.keepTruth) this.truthDeploymentStore.push(r, raw);
        return;
      case "truth-issue":
        if (this.keepTruth) this.truthIssueStore.push(r, raw);
        return;
      case "truth-person":
        if (this.keepTruth) this.truthPersonByLogin.set(r.login, r);
        return;
    }
  }

  private addCommit(c: WorldCommit, raw?: string): void {
    const repo = this.repoIndex(c.repo);
    const existing = repo.commits.get(c.sha);
    if (existing !== undefined) {
      this.commitStore.set(existing, c, raw);
      return;
    }
    const slot = this.commitStore.push(c, raw);
    repo.commits.set(c.sha, slot);
    // -2: parent not indexed yet, resolved by sha on demand.
    this.parent1.set(slot, c.parents[0] === undefined ? -1 : (repo.commits.get(c.parents[0]) ?? -2));
    this.parent2.set(slot, c.parents[1] === undefined ? -1 : (repo.commits.get(c.parents[1]) ?? -2));
  }

  private repoIndex(fullName: string): RepoIndex {
    const repo = this.reposByName.get(fullName);
    if (!repo) throw new Error(`world: repository "${fullName}" is not defined (add its repo record first)`);
    return repo;
  }

  // -- organisations, users, teams --------------------------------------------------------

  orgs(): WorldOrg[] {
    return [...this.orgsByLogin.values()];
  }
  org(login: string): WorldOrg | undefined {
    return this.orgsByLogin.get(login);
  }
  users(): WorldUser[] {
    return [...this.usersByLogin.values()];
  }
  user(login: string): WorldUser | undefined {
    return this.usersByLogin.get(login);
  }
  userById(id: number): WorldUser | undefined {
    return this.usersById.get(id);
  }
  /** The account a commit email belongs to (case-insensitive), as GitHub links commits. */
  userByEmail(email: string): WorldUser | undefined {
    const login = this.loginByEmail.get(email.toLowerCase());
    return login === undefined ? undefined : this.usersByLogin.get(login);
  }
  /** Members of `org` at time `at` (default: the world's now), ordered by user id like GitHub. */
  orgMembers(org: string, at: string = this.header.now): WorldUser[] {
    const out: WorldUser[] = [];
    for (const u of this.usersByLogin.values()) {
      if (u.memberships.some((m) => m.org === org && m.joinedAt <= at && (m.leftAt === null || m.leftAt > at))) {
        out.push(u);
      }
    }
    return out.sort((a, b) => a.id - b.id);
  }
  teams(org: string): WorldTeam[] {
    return [...(this.teamsByOrg.get(org)?.values() ?? [])].sort((a, b) => a.id - b.id);
  }
  team(org: string, slug: string): WorldTeam | undefined {
    return this.teamsByOrg.get(org)?.get(slug);
  }
  teamMembers(org: string, slug: string): WorldUser[] {
    const team = this.team(org, slug);
    if (!team) return [];
    return team.members
      .map((l) => this.usersByLogin.get(l))
      .filter((u): u is WorldUser => u !== undefined)
      .sort((a, b) => a.id - b.id);
  }

  // -- repositories ----------------------------------------------------------------------

  repos(org?: string): WorldRepo[] {
    const out: WorldRepo[] = [];
    for (const r of this.reposByName.values()) if (org === undefined || r.repo.org === org) out.push(r.repo);
    return out.sort((a, b) => a.id - b.id);
  }
  repo(fullName: string): WorldRepo | undefined {
    return this.reposByName.get(fullName)?.repo;
  }
  branches(fullName: string): WorldBranch[] {
    const repo = this.reposByName.get(fullName);
    if (!repo) return [];
    return [...repo.branches].map(([name, sha]) => ({ type: "branch", repo: fullName, name, sha }));
  }
  /** Head sha of a branch (default: the default branch). */
  branchHead(fullName: string, branch?: string): string | undefined {
    const repo = this.reposByName.get(fullName);
    if (!repo) return undefined;
    return repo.branches.get(branch ?? repo.repo.defaultBranch);
  }

  // -- commits ---------------------------------------------------------------------------

  commit(fullName: string, sha: string): WorldCommit | undefined {
    const slot = this.reposByName.get(fullName)?.commits.get(sha);
    return slot === undefined ? undefined : this.commitStore.get(slot);
  }
  hasCommit(fullName: string, sha: string): boolean {
    return this.reposByName.get(fullName)?.commits.has(sha) ?? false;
  }
  /** Resolves a full or abbreviated (7+ hex) sha, or a branch/tag name, to a full sha. */
  resolveRef(fullName: string, ref: string): string | undefined {
    const repo = this.reposByName.get(fullName);
    if (!repo) return undefined;
    const branch = repo.branches.get(ref.replace(/^refs\/heads\//, ""));
    if (branch) return branch;
    const tag = repo.tags.find((t) => t.name === ref.replace(/^refs\/tags\//, ""));
    if (tag) return tag.sha;
    if (repo.commits.has(ref)) return ref;
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      for (const sha of repo.commits.keys()) if (sha.startsWith(ref)) return sha;
    }
    return undefined;
  }
  commitCount(fullName: string): number {
    return this.reposByName.get(fullName)?.commits.size ?? 0;
  }
  /** Co-authors from a message's `Co-authored-by:` lines (anywhere in it), emails resolved to accounts. */
  coAuthorsOf(message: string): CoAuthorRef[] {
    const out: CoAuthorRef[] = [];
    for (const m of message.matchAll(CO_AUTHOR)) {
      const name = m[1] ?? "";
      const email = m[2] ?? "";
      out.push({ name, email, login: this.userByEmail(email)?.login ?? noreplyLogin(email) });
    }
    return out;
  }

  private parentSlots(repo: RepoIndex, slot: number): number[] {
    const p1 = this.parent1.get(slot);
    const p2 = this.parent2.get(slot);
    if (p1 === -1) return [];
    if (p1 >= 0 && (p2 === -1 || p2 >= 0)) {
      const c = p2 === -1 ? [p1] : [p1, p2];
      if (p2 === -1 || this.commitStore.get(slot).parents.length <= 2) return c;
    }
    // Unresolved or octopus: read the record.
    const parents = this.commitStore.get(slot).parents.map((s) => repo.commits.get(s) ?? -1);
    if (parents[0] !== undefined) this.parent1.set(slot, parents[0]);
    if (parents[1] !== undefined) this.parent2.set(slot, parents[1]);
    return parents.filter((p) => p >= 0);
  }

  private firstParentOf(repo: RepoIndex): { slots: Int32Array; pos: Map<number, number> } {
    if (repo.firstParent && repo.firstParentPos) return { slots: repo.firstParent, pos: repo.firstParentPos };
    const head = repo.branches.get(repo.repo.defaultBranch);
    const chain: number[] = [];
    let slot = head === undefined ? undefined : repo.commits.get(head);
    while (slot !== undefined && slot >= 0) {
      chain.push(slot);
      slot = this.parentSlots(repo, slot)[0];
    }
    chain.reverse();
    const slots = Int32Array.from(chain);
    const pos = new Map<number, number>();
    for (let i = 0; i < slots.length; i++) pos.set(slots[i] as number, i);
    repo.firstParent = slots;
    repo.firstParentPos = pos;
    return { slots, pos };
  }

  /** The default branch's first-parent history, newest first, as shas (cached; cheap to page). */
  defaultBranchShas(fullName: string): string[] {
    const repo = this.reposByName.get(fullName);
    if (!repo) return [];
    if (repo.firstParentShas && repo.firstParent) return [...repo.firstParentShas];
    const { slots } = this.firstParentOf(repo);
    const wanted = new Set<number>(slots);
    const shaBySlot = new Map<number, string>();
    for (const [sha, slot] of repo.commits) if (wanted.has(slot)) shaBySlot.set(slot, sha);
    const out: string[] = [];
    for (let i = slots.length - 1; i >= 0; i--) out.push(shaBySlot.get(slots[i] ?? -1) ?? "");
    repo.firstParentShas = out;
    return [...out];
  }

  /**
   * Commits reachable from `sha` (all parents), newest first by committer date then sha, like
   * `GET /repos/{o}/{r}/commits?sha=`. Lazily walks; stop iterating when a page is full.
   */
  /** Every commit of a repository, in the order they were added (parents usually first). */
  *commits(fullName: string): Generator<WorldCommit> {
    const repo = this.reposByName.get(fullName);
    if (!repo) return;
    const slots = [...repo.commits.values()].sort((a, b) => a - b);
    for (const s of slots) yield this.commitStore.get(s);
  }

  *history(fullName: string, sha?: string): Generator<WorldCommit> {
    const repo = this.reposByName.get(fullName);
    if (!repo) return;
    const start = repo.commits.get(sha ?? repo.branches.get(repo.repo.defaultBranch) ?? "");
    if (start === undefined) return;
    // A max-heap on committer date would be exact; the first-parent walk with merged-in branch
    // commits interleaved by date is what GitHub's default order gives for these graphs.
    const seen = new Set<number>([start]);
    const frontier: { slot: number; commit: WorldCommit }[] = [{ slot: start, commit: this.commitStore.get(start) }];
    while (frontier.length > 0) {
      let best = 0;
      for (let i = 1; i < frontier.length; i++) {
        const a = frontier[i] as (typeof frontier)[number];
        const b = frontier[best] as (typeof frontier)[number];
        if (a.commit.committer.date > b.commit.committer.date) best = i;
      }
      const [next] = frontier.splice(best, 1);
      if (!next) return;
      yield next.commit;
      for (const p of this.parentSlots(repo, next.slot)) {
        if (seen.has(p)) continue;
        seen.add(p);
        frontier.push({ slot: p, commit: this.commitStore.get(p) });
      }
    }
  }

  /** True when `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
  isAncestor(fullName: string, ancestor: string, descendant: string): boolean {
    const repo = this.reposByName.get(fullName);
    if (!repo) return false;
    const a = repo.commits.get(ancestor);
    const d = repo.commits.get(descendant);
    if (a === undefined || d === undefined) return false;
    if (a === d) return true;
    const { pos } = this.firstParentOf(repo);
    const pa = pos.get(a);
    const pd = pos.get(d);
    if (pa !== undefined && pd !== undefined) return pa <= pd;
    const seen = new Set<number>([d]);
    const stack = [d];
    while (stack.length > 0) {
      const s = stack.pop() as number;
      for (const p of this.parentSlots(repo, s)) {
        if (p === a) return true;
        if (seen.has(p)) continue;
        // Below the ancestor on the first-parent line nothing can reach it.
        if (pa !== undefined) {
          const pp = pos.get(p);
          if (pp !== undefined && pp < pa) continue;
        }
        seen.add(p);
        stack.push(p);
      }
    }
    return false;
  }

  /**
   * `compare base...head`: commits reachable from head and not from base, oldest first (as
   * GitHub lists them), plus the merge base. Undefined when either sha is unknown.
   */
  compare(
    fullName: string,
    base: string,
    head: string,
  ): { commits: WorldCommit[]; mergeBase: string | null } | undefined {
    const repo = this.reposByName.get(fullName);
    if (!repo) return undefined;
    const b = repo.commits.get(base);
    const h = repo.commits.get(head);
    if (b === undefined || h === undefined) return undefined;
    const fromBase = this.reachableSlots(repo, b);
    const out: number[] = [];
    const seen = new Set<number>([h]);
    const stack = [h];
    while (stack.length > 0) {
      const s = stack.pop() as number;
      if (fromBase.has(s)) continue;
      out.push(s);
      for (const p of this.parentSlots(repo, s)) {
        if (!seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
      }
    }
    // Children come before parents in `out`: reversed, equal dates keep parents first.
    const commits = out.reverse().map((s) => this.commitStore.get(s));
    commits.sort((x, y) => (x.committer.date < y.committer.date ? -1 : x.committer.date > y.committer.date ? 1 : 0));
    // Merge base: the newest commit reachable from both.
    let mergeBase: string | null = null;
    for (const c of this.history(fullName, head)) {
      const slot = repo.commits.get(c.sha);
      if (slot !== undefined && fromBase.has(slot)) {
        mergeBase = c.sha;
        break;
      }
    }
    return { commits, mergeBase };
  }

  private reachableSlots(repo: RepoIndex, from: number): Set<number> {
    const seen = new Set<number>([from]);
    const stack = [from];
    while (stack.length > 0) {
      const s = stack.pop() as number;
      for (const p of this.parentSlots(repo, s)) {
        if (!seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
      }
    }
    return seen;
  }

  // -- pull requests ---------------------------------------------------------------------

  /** Pull-request numbers of a repository, ascending. */
  pullNumbers(fullName: string): number[] {
    const repo = this.reposByName.get(fullName);
    if (!repo) return [];
    const out: number[] = [];
    for (let n = 1; n < repo.pulls.length; n++) if (repo.pulls.get(n) >= 0) out.push(n);
    return out;
  }
  pullCount(fullName: string): number {
    return this.pullNumbers(fullName).length;
  }
  pull(fullName: string, number: number): WorldPull | undefined {
    const slot = this.reposByName.get(fullName)?.pulls.get(number) ?? -1;
    return slot >= 0 ? this.pullStore.get(slot) : undefined;
  }
  /** Pull requests in number order (ascending); pass `descending` for newest first. */
  *pulls(fullName: string, options: { descending?: boolean } = {}): Generator<WorldPull> {
    const numbers = this.pullNumbers(fullName);
    if (options.descending) numbers.reverse();
    for (const n of numbers) {
      const p = this.pull(fullName, n);
      if (p) yield p;
    }
  }
  /** The PR's own commits, oldest first (the server applies GitHub's 250 cap). */
  pullCommits(fullName: string, number: number): WorldCommit[] {
    const p = this.pull(fullName, number);
    if (!p) return [];
    return p.commits.map((sha) => this.commit(fullName, sha)).filter((c): c is WorldCommit => c !== undefined);
  }

  // -- issues ----------------------------------------------------------------------------

  /** Issue numbers of a repository, ascending (pull requests excluded: see `pullNumbers`). */
  issueNumbers(fullName: string): number[] {
    const repo = this.reposByName.get(fullName);
    if (!repo) return [];
    const out: number[] = [];
    for (let n = 1; n < repo.issues.length; n++) if (repo.issues.get(n) >= 0) out.push(n);
    return out;
  }
  issueCount(fullName: string): number {
    return this.issueNumbers(fullName).length;
  }
  issue(fullName: string, number: number): WorldIssue | undefined {
    const slot = this.reposByName.get(fullName)?.issues.get(number) ?? -1;
    return slot >= 0 ? this.issueStore.get(slot) : undefined;
  }
  /** Issues in number order (ascending); pass `descending` for newest first. */
  *issues(fullName: string, options: { descending?: boolean } = {}): Generator<WorldIssue> {
    const numbers = this.issueNumbers(fullName);
    if (options.descending) numbers.reverse();
    for (const n of numbers) {
      const i = this.issue(fullName, n);
      if (i) yield i;
    }
  }
  /** The highest number an issue or pull request of the repository uses (0 when none). */
  lastNumber(fullName: string): number {
    const repo = this.reposByName.get(fullName);
    if (!repo) return 0;
    for (let n = Math.max(repo.pulls.length, repo.issues.length) - 1; n >= 1; n--) {
      if (repo.pulls.get(n) >= 0 || repo.issues.get(n) >= 0) return n;
    }
    return 0;
  }

  // -- tags, releases, deployments, workflow runs -----------------------------------------

  tags(fullName: string): WorldTag[] {
    return [...(this.reposByName.get(fullName)?.tags ?? [])];
  }
  releases(fullName: string): WorldRelease[] {
    return [...(this.reposByName.get(fullName)?.releases ?? [])];
  }
  /** Deployments, oldest first (GitHub lists newest first: reverse when serving). */
  deployments(fullName: string): WorldDeployment[] {
    const repo = this.reposByName.get(fullName);
    return repo ? repo.deployments.map((s) => this.deploymentStore.get(s)) : [];
  }
  deploymentCount(fullName: string): number {
    return this.reposByName.get(fullName)?.deployments.length ?? 0;
  }
  /** The i-th deployment (oldest first), for paging without materialising the list. */
  deploymentAt(fullName: string, index: number): WorldDeployment | undefined {
    const slot = this.reposByName.get(fullName)?.deployments[index];
    return slot === undefined ? undefined : this.deploymentStore.get(slot);
  }
  deployment(fullName: string, id: number): WorldDeployment | undefined {
    const slot = this.reposByName.get(fullName)?.deploymentById.get(id);
    return slot === undefined ? undefined : this.deploymentStore.get(slot);
  }
  /** Appends a status to a deployment (live changes). */
  addDeploymentStatus(fullName: string, id: number, status: WorldDeploymentStatus): WorldDeployment {
    const d = this.deployment(fullName, id);
    if (!d) throw new Error(`world: no deployment ${id} in ${fullName}`);
    d.statuses.push(status);
    d.updatedAt = status.createdAt;
    this.add(d);
    return d;
  }
  /** Workflow runs, oldest first. */
  workflowRuns(fullName: string): WorldWorkflowRun[] {
    const repo = this.reposByName.get(fullName);
    return repo ? repo.runs.map((s) => this.runStore.get(s)) : [];
  }
  workflowRunCount(fullName: string): number {
    return this.reposByName.get(fullName)?.runs.length ?? 0;
  }
  workflowRun(fullName: string, id: number): WorldWorkflowRun | undefined {
    const slot = this.reposByName.get(fullName)?.runById.get(id);
    return slot === undefined ? undefined : this.runStore.get(slot);
  }
  workflowRunAt(fullName: string, index: number): WorldWorkflowRun | undefined {
    const slot = this.reposByName.get(fullName)?.runs[index];
    return slot === undefined ? undefined : this.runStore.get(slot);
  }

  usage(): readonly WorldUsage[] {
    return this.usageRecords;
  }

  // -- ground truth ----------------------------------------------------------------------

  truthChange(key: string): TruthChange | undefined {
    const slot = this.truthChangeByKey.get(key);
    return slot === undefined ? undefined : this.truthChangeStore.get(slot);
  }
  *truthChanges(): Generator<TruthChange> {
    for (let i = 0; i < this.truthChangeStore.size; i++) yield this.truthChangeStore.get(i);
  }
  *truthDeployments(): Generator<TruthDeployment> {
    for (let i = 0; i < this.truthDeploymentStore.size; i++) yield this.truthDeploymentStore.get(i);
  }
  *truthIssues(): Generator<TruthIssue> {
    for (let i = 0; i < this.truthIssueStore.size; i++) yield this.truthIssueStore.get(i);
  }
  truthPeople(): TruthPerson[] {
    return [...this.truthPersonByLogin.values()];
  }

  /** Every record, in a loadable order (header first, parents before children). */
  *records(): Generator<WorldRecord> {
    yield this.header;
    yield* this.orgsByLogin.values();
    yield* this.usersByLogin.values();
    for (const teams of this.teamsByOrg.values()) yield* teams.values();
    for (const repo of this.reposByName.values()) yield repo.repo;
    for (const [name, repo] of this.reposByName) {
      const slots = [...repo.commits.values()].sort((a, b) => a - b);
      for (const s of slots) yield this.commitStore.get(s);
      yield* this.branches(name);
      yield* this.pulls(name);
      yield* this.issues(name);
      yield* repo.tags;
      yield* repo.releases;
      yield* this.deployments(name);
      yield* this.workflowRuns(name);
    }
    yield* this.usageRecords;
    yield* this.truthPersonByLogin.values();
    yield* this.truthChanges();
    yield* this.truthDeployments();
    yield* this.truthIssues();
  }

  /** Approximate memory held by packed stores, in bytes. */
  packedBytes(): number {
    return (
      this.commitStore.bytes +
      this.pullStore.bytes +
      this.issueStore.bytes +
      this.deploymentStore.bytes +
      this.runStore.bytes +
      this.truthChangeStore.bytes +
      this.truthDeploymentStore.bytes +
      this.truthIssueStore.bytes
    );
  }
}

/** `ID+login@users.noreply.github.com` and `login@users.noreply.github.com` name their account. */
function noreplyLogin(email: string): string | null {
  const m = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/i.exec(email);
  return m?.[1] ?? null;
}
