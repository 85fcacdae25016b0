import { createHash } from "node:crypto";
import { WORLD_FORMAT, WORLD_FORMAT_VERSION, World, type WorldCommit, type WorldRecord } from "../world/index.js";

export interface SyntheticWorldOptions {
  /** Merged pull requests in the one repository (default 1,000). */
  pulls?: number;
  /** Commits per pull request (default 2). */
  commitsPerPull?: number;
  /** Pull request numbers that get this many commits instead (e.g. { 7: 300 } for the 250 cap). */
  bigPulls?: Record<number, number>;
  /** A deployment (with a success status) after every `deployEvery` merges (default 10). */
  deployEvery?: number;
  /** Organisation members (default 20). */
  members?: number;
}

const sha = (s: string) => createHash("sha1").update(s).digest("hex");
const T0 = Date.UTC(2026, 0, 5);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * A large, regular world for load and pagination tests: org `big`, repository `big/mono`,
 * `pulls` squash-merged PRs (one every hour, authors round-robin), each with its own commits,
 * a deployment to production every `deployEvery` merges. Cheap to build: 10,000 PRs in ~1 s.
 */
export function syntheticWorldRecords(o: SyntheticWorldOptions = {}): WorldRecord[] {
  const pulls = o.pulls ?? 1000;
  const per = o.commitsPerPull ?? 2;
  const members = o.members ?? 20;
  const deployEvery = o.deployEvery ?? 10;
  const repo = "big/mono";
  const out: WorldRecord[] = [
    {
      type: "header",
      format: WORLD_FORMAT,
      version: WORLD_FORMAT_VERSION,
      seed: 0,
      generator: "syntheticWorld",
      now: at(pulls * 60 + 60),
      start: at(0),
      sizes: { pullRequests: pulls },
    },
    { type: "org", login: "big", id: 90_000, nodeId: "O_big", name: "Big", createdAt: "2020-01-01T00:00:00Z" },
  ];
  const logins = Array.from({ length: members }, (_, i) => `dev${i + 1}`);
  logins.forEach((login, i) => {
    out.push({
      type: "user",
      login,
      id: 100_000 + i,
      nodeId: `U_${login}`,
      accountType: "User",
      kind: "human",
      name: `Dev ${i + 1}`,
      emails: [`${login}@big.test`],
      createdAt: "2020-01-01T00:00:00Z",
      memberships: [{ org: "big", role: i === 0 ? "admin" : "member", joinedAt: "2020-01-01T00:00:00Z", leftAt: null }],
      onLeave: [],
    });
  });
  out.push({
    type: "team",
    org: "big",
    id: 70_000,
    nodeId: "T_core",
    slug: "core",
    name: "Core",
    description: "Everyone",
    privacy: "closed",
    parent: null,
    members: logins,
    maintainers: logins.slice(0, 1),
  });
  out.push({
    type: "repo",
    org: "big",
    name: "mono",
    id: 50_000,
    nodeId: "R_mono",
    description: "The monorepo",
    defaultBranch: "main",
    visibility: "private",
    createdAt: "2020-01-01T00:00:00Z",
    ownerTeam: "core",
    deployMethod: { kind: "deployments", environment: "production" },
    trunkBased: false,
  });
  const root: WorldCommit = {
    type: "commit",
    repo,
    sha: sha("root"),
    message: "Initial commit",
    author: { name: "Dev 1", email: "dev1@big.test", date: at(0), login: "dev1" },
    committer: { name: "Dev 1", email: "dev1@big.test", date: at(0), login: "dev1" },
    parents: [],
    additions: 1,
    deletions: 0,
  };
  out.push(root);
  let head = root.sha;
  let deploymentId = 400_000;
  for (let n = 1; n <= pulls; n++) {
    const login = logins[(n - 1) % logins.length] ?? "dev1";
    const ident = { name: `Dev ${((n - 1) % logins.length) + 1}`, email: `${login}@big.test`, login };
    const count = o.bigPulls?.[n] ?? per;
    const created = n * 60 - 50;
    const own: string[] = [];
    let parent = head;
    for (let k = 0; k < count; k++) {
      const s = sha(`pr${n}c${k}`);
      const date = at(created + (k * 40) / count);
      out.push({
        type: "commit",
        repo,
        sha: s,
        message: k === 0 ? `Change ${n}\n\nCo-authored-by: Claude <noreply@anthropic.com>` : `Follow-up ${k} for ${n}`,
        author: { ...ident, date },
        committer: { ...ident, date },
        parents: [parent],
        additions: 5,
        deletions: 1,
      });
      own.push(s);
      parent = s;
    }
    const merged = at(n * 60);
    const squash = sha(`squash${n}`);
    out.push({
      type: "commit",
      repo,
      sha: squash,
      message: `Change ${n} (#${n})`,
      author: { ...ident, date: merged },
      committer: { name: "GitHub", email: "noreply@github.com", login: null, date: merged },
      parents: [head],
      additions: 5 * count,
      deletions: count,
      files: [{ path: `src/m${n % 50}.ts`, additions: 5 * count, deletions: count, status: "modified" }],
    });
    out.push({
      type: "pull",
      repo,
      number: n,
      id: 2_000_000 + n,
      nodeId: `PR_${n}`,
      title: `Change ${n}`,
      body: `Body of change ${n}`,
      author: login,
      state: "closed",
      draft: false,
      headRef: `feature/${n}`,
      headSha: parent,
      baseRef: "main",
      baseSha: head,
      labels: n % 3 === 0 ? ["ai"] : [],
      createdAt: at(created),
      updatedAt: at(n * 60 + 1),
      closedAt: merged,
      mergedAt: merged,
      mergedBy: login,
      mergeMethod: "squash",
      assignees: [login],
      requestedReviewers: [],
      requestedTeams: [],
      reviews: [],
      commits: own,
      mergeCommitSha: squash,
      resultCommits: [squash],
      additions: 5 * count,
      deletions: count,
      changedFiles: 1,
      files: [{ path: `src/m${n % 50}.ts`, additions: 5 * count, deletions: count, status: "modified" }],
    });
    head = squash;
    if (n % deployEvery === 0) {
      const id = deploymentId++;
      out.push({
        type: "deployment",
        repo,
        id,
        nodeId: `D_${id}`,
        sha: head,
        ref: "main",
        task: "deploy",
        environment: "production",
        description: "",
        creator: "dev1",
        createdAt: at(n * 60 + 5),
        updatedAt: at(n * 60 + 10),
        productionEnvironment: true,
        transientEnvironment: false,
        statuses: [
          { id: id + 500_000, state: "success", createdAt: at(n * 60 + 10), description: "", creator: "dev1" },
        ],
      });
    }
  }
  out.push({ type: "branch", repo, name: "main", sha: head });
  return out;
}

export function syntheticWorld(o: SyntheticWorldOptions = {}): World {
  return World.from(syntheticWorldRecords(o), { truth: false });
}
