import { WORLD_FORMAT, WORLD_FORMAT_VERSION, type WorldCommit, type WorldRecord } from "./schema.js";
import { World } from "./world.js";

/** A fixed sha for the tiny world: `n` in hex, left-padded. */
export function tinySha(n: number): string {
  return n.toString(16).padStart(40, "0");
}

const REPO = "acme/api";
const GH = { name: "GitHub", email: "noreply@github.com", login: null };

function commit(
  n: number,
  parents: number[],
  message: string,
  author: { name: string; email: string; login: string | null },
  date: string,
  committer: { name: string; email: string; login: string | null } = author,
  lines: [number, number] = [10, 2],
): WorldCommit {
  return {
    type: "commit",
    repo: REPO,
    sha: tinySha(n),
    message,
    author: { ...author, date },
    committer: { ...committer, date },
    parents: parents.map(tinySha),
    additions: lines[0],
    deletions: lines[1],
  };
}

/**
 * A small hand-written world for server tests: org `acme` (team `platform`), one repository
 * `acme/api` deploying with GitHub Deployments to `production`, and four pull requests: #1
 * squash (Claude Code trailer), #2 merge commit, #3 rebase of a Copilot coding agent PR, #4 open.
 * Users: alice (admin), bob, carol (left), dependabot[bot], Copilot.
 */
export function tinyWorldRecords(): WorldRecord[] {
  const alice = { name: "Alice Archer", email: "alice@acme.test", login: "alice" };
  const bob = { name: "Bob Baker", email: "bob@acme.test", login: "bob" };
  const copilot = { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot" };
  const member = (joinedAt: string, leftAt: string | null = null, role: "member" | "admin" = "member") => [
    { org: "acme", role, joinedAt, leftAt },
  ];
  const claude = "Co-Authored-By: Claude <noreply@anthropic.com>";
  return [
    {
      type: "header",
      format: WORLD_FORMAT,
      version: WORLD_FORMAT_VERSION,
      seed: 0,
      generator: "tinyWorld",
      now: "2026-03-02T00:00:00Z",
      start: "2026-02-02T00:00:00Z",
      sizes: { engineers: 3, teams: 1, repositories: 1, pullRequests: 4 },
    },
    { type: "org", login: "acme", id: 9000, nodeId: "O_acme", name: "Acme", createdAt: "2020-01-01T00:00:00Z" },
    {
      type: "user",
      login: "alice",
      id: 1001,
      nodeId: "U_1001",
      accountType: "User",
      kind: "human",
      name: "Alice Archer",
      emails: ["alice@acme.test", "1001+alice@users.noreply.github.com"],
      createdAt: "2019-01-01T00:00:00Z",
      memberships: member("2020-01-01T00:00:00Z", null, "admin"),
      onLeave: [],
    },
    {
      type: "user",
      login: "bob",
      id: 1002,
      nodeId: "U_1002",
      accountType: "User",
      kind: "human",
      name: "Bob Baker",
      emails: ["bob@acme.test"],
      createdAt: "2019-01-01T00:00:00Z",
      memberships: member("2020-01-01T00:00:00Z"),
      onLeave: [{ from: "2026-02-16T00:00:00Z", to: "2026-02-23T00:00:00Z" }],
    },
    {
      type: "user",
      login: "carol",
      id: 1003,
      nodeId: "U_1003",
      accountType: "User",
      kind: "human",
      name: "Carol Chen",
      emails: ["carol@acme.test"],
      createdAt: "2019-01-01T00:00:00Z",
      memberships: member("2020-01-01T00:00:00Z", "2026-02-20T00:00:00Z"),
      onLeave: [],
    },
    {
      type: "user",
      login: "dependabot[bot]",
      id: 49699333,
      nodeId: "MDM6Qm90NDk2OTkzMzM=",
      accountType: "Bot",
      kind: "bot",
      name: null,
      emails: ["49699333+dependabot[bot]@users.noreply.github.com"],
      createdAt: "2019-04-16T00:00:00Z",
      memberships: [],
      onLeave: [],
    },
    {
      type: "user",
      login: "Copilot",
      id: 198982749,
      nodeId: "BOT_kgDOC9w8XQ",
      accountType: "Bot",
      kind: "ai-agent",
      name: "Copilot",
      emails: ["198982749+Copilot@users.noreply.github.com"],
      createdAt: "2025-01-01T00:00:00Z",
      memberships: [],
      onLeave: [],
    },
    {
      type: "team",
      org: "acme",
      id: 7001,
      nodeId: "T_7001",
      slug: "platform",
      name: "Platform",
      description: "Platform team",
      privacy: "closed",
      parent: null,
      members: ["alice", "bob"],
      maintainers: ["alice"],
      formerMembers: ["carol"],
    },
    {
      type: "repo",
      org: "acme",
      name: "api",
      id: 5001,
      nodeId: "R_5001",
      description: "The API",
      defaultBranch: "main",
      visibility: "private",
      createdAt: "2020-01-01T00:00:00Z",
      ownerTeam: "platform",
      deployMethod: { kind: "deployments", environment: "production" },
      trunkBased: false,
    },
    commit(1, [], "Initial commit", alice, "2026-02-02T09:00:00Z"),
    // PR #1 (squash): two branch commits, one squash commit on main.
    commit(2, [1], `Add health endpoint\n\n${claude}`, alice, "2026-02-03T10:00:00Z"),
    commit(3, [2], "Fix typo", alice, "2026-02-03T11:00:00Z", alice, [1, 1]),
    commit(
      4,
      [1],
      `Add health endpoint (#1)\n\n* Add health endpoint\n\n${claude}\n\n* Fix typo\n\n---------\n\nCo-authored-by: Claude <noreply@anthropic.com>`,
      alice,
      "2026-02-04T09:00:00Z",
      GH,
      [11, 3],
    ),
    // PR #2 (merge commit): one branch commit, merge commit on main.
    commit(5, [4], "Add rate limiter", bob, "2026-02-05T10:00:00Z"),
    commit(
      6,
      [4, 5],
      "Merge pull request #2 from acme/bob/rate-limiter\n\nAdd rate limiter",
      bob,
      "2026-02-06T09:00:00Z",
      GH,
    ),
    // PR #3 (rebase): Copilot agent PR with two commits, rebased onto main.
    commit(
      7,
      [6],
      "Initial plan\n\nCo-authored-by: alice <1001+alice@users.noreply.github.com>",
      copilot,
      "2026-02-09T10:00:00Z",
      copilot,
      [0, 0],
    ),
    commit(
      8,
      [7],
      "Add request logging\n\nCo-authored-by: alice <1001+alice@users.noreply.github.com>\nAgent-Logs-Url: https://github.com/acme/api/sessions/0b9e6c1e-4a6f-4d55-9d0c-1c0d3c1f2a11",
      copilot,
      "2026-02-09T11:00:00Z",
    ),
    commit(
      9,
      [6],
      "Initial plan\n\nCo-authored-by: alice <1001+alice@users.noreply.github.com>",
      copilot,
      "2026-02-10T09:00:00Z",
      GH,
      [0, 0],
    ),
    commit(
      10,
      [9],
      "Add request logging\n\nCo-authored-by: alice <1001+alice@users.noreply.github.com>\nAgent-Logs-Url: https://github.com/acme/api/sessions/0b9e6c1e-4a6f-4d55-9d0c-1c0d3c1f2a11",
      copilot,
      "2026-02-10T09:00:00Z",
      GH,
    ),
    // PR #4 (open): one commit off main.
    commit(
      11,
      [10],
      "Bump lodash from 4.17.20 to 4.17.21",
      {
        ...bob,
        name: "dependabot[bot]",
        email: "49699333+dependabot[bot]@users.noreply.github.com",
        login: "dependabot[bot]",
      },
      "2026-02-12T09:00:00Z",
      undefined,
      [3, 3],
    ),
    { type: "branch", repo: REPO, name: "main", sha: tinySha(10) },
    pull(
      1,
      "Add health endpoint",
      "alice",
      "alice/health",
      [2, 3],
      "squash",
      [4],
      "2026-02-03T09:30:00Z",
      "2026-02-04T09:00:00Z",
      {
        body: "Adds /health.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)",
        reviews: [{ id: 1, user: "bob", state: "APPROVED", submittedAt: "2026-02-04T08:00:00Z", body: "" }],
      },
    ),
    pull(
      2,
      "Add rate limiter",
      "bob",
      "bob/rate-limiter",
      [5],
      "merge",
      [6],
      "2026-02-05T09:30:00Z",
      "2026-02-06T09:00:00Z",
      {
        labels: ["enhancement"],
      },
    ),
    pull(
      3,
      "Add request logging",
      "Copilot",
      "copilot/add-request-logging",
      [7, 8],
      "rebase",
      [9, 10],
      "2026-02-09T09:55:00Z",
      "2026-02-10T09:00:00Z",
      {
        body: "Adds request logging.\n\n<!-- START COPILOT CODING AGENT SUFFIX -->\n\nCreated from [a request by @alice](https://github.com/acme/api/issues/9)",
        assignees: ["alice"],
        requestedReviewers: ["alice"],
        mergedBy: "alice",
      },
    ),
    pull(
      4,
      "Bump lodash from 4.17.20 to 4.17.21",
      "dependabot[bot]",
      "dependabot/npm_and_yarn/lodash-4.17.21",
      [11],
      null,
      [],
      "2026-02-12T09:00:00Z",
      null,
      {
        labels: ["dependencies"],
        files: [{ path: "package-lock.json", additions: 3, deletions: 3, status: "modified" }],
      },
    ),
    { type: "tag", repo: REPO, name: "v1.0.0", sha: tinySha(6), taggedAt: "2026-02-06T12:00:00Z", annotated: false },
    {
      type: "release",
      repo: REPO,
      id: 3001,
      tagName: "v1.0.0",
      name: "v1.0.0",
      body: "First release",
      draft: false,
      prerelease: false,
      createdAt: "2026-02-06T12:00:00Z",
      publishedAt: "2026-02-06T12:00:00Z",
      targetSha: tinySha(6),
      author: "alice",
    },
    deployment(4001, 6, "2026-02-06T13:00:00Z", ["success"]),
    deployment(4002, 10, "2026-02-10T13:00:00Z", ["success", "failure"]),
    deployment(4003, 6, "2026-02-10T15:00:00Z", ["success"]),
    {
      type: "workflow-run",
      repo: REPO,
      id: 6001,
      workflowId: 601,
      name: "CI",
      path: ".github/workflows/ci.yml",
      runNumber: 1,
      headSha: tinySha(10),
      headBranch: "main",
      event: "push",
      status: "completed",
      conclusion: "success",
      actor: "alice",
      createdAt: "2026-02-10T09:01:00Z",
      updatedAt: "2026-02-10T09:09:00Z",
    },
    {
      type: "usage",
      login: "alice",
      day: "2026-02-03",
      tool: "claude-code",
      tokensIn: 120000,
      tokensOut: 8000,
      costUsd: 0.48,
    },
  ];
}

function pull(
  number: number,
  title: string,
  author: string,
  headRef: string,
  commits: number[],
  mergeMethod: "merge" | "squash" | "rebase" | null,
  result: number[],
  createdAt: string,
  mergedAt: string | null,
  extra: Partial<Extract<WorldRecord, { type: "pull" }>> = {},
): WorldRecord {
  const files = extra.files ?? [
    { path: `src/${headRef.split("/").at(-1)}.ts`, additions: 10, deletions: 2, status: "modified" as const },
  ];
  return {
    type: "pull",
    repo: REPO,
    number,
    id: 2000 + number,
    nodeId: `PR_${2000 + number}`,
    title,
    body: "",
    author,
    state: mergedAt ? "closed" : "open",
    draft: false,
    headRef,
    headSha: tinySha(commits.at(-1) ?? 1),
    baseRef: "main",
    baseSha: tinySha(number === 4 ? 10 : number === 1 ? 1 : number === 2 ? 4 : 6),
    labels: [],
    createdAt,
    updatedAt: mergedAt ?? createdAt,
    closedAt: mergedAt,
    mergedAt,
    mergedBy: mergedAt ? author : null,
    mergeMethod,
    assignees: [],
    requestedReviewers: [],
    requestedTeams: [],
    reviews: [],
    commits: commits.map(tinySha),
    mergeCommitSha: result.length > 0 ? tinySha(result.at(-1) ?? 0) : null,
    resultCommits: result.map(tinySha),
    additions: files.reduce((s, f) => s + f.additions, 0),
    deletions: files.reduce((s, f) => s + f.deletions, 0),
    changedFiles: files.length,
    files,
    ...extra,
  };
}

function deployment(id: number, sha: number, createdAt: string, states: ("success" | "failure")[]): WorldRecord {
  const t = Date.parse(createdAt);
  const statuses = states.map((state, i) => ({
    id: id * 10 + i,
    state,
    createdAt: new Date(t + (i + 1) * 600_000).toISOString().replace(".000Z", "Z"),
    description: state === "success" ? "Deployed" : "Health checks failed",
    creator: "github-actions[bot]",
  }));
  return {
    type: "deployment",
    repo: REPO,
    id,
    nodeId: `DE_${id}`,
    sha: tinySha(sha),
    ref: "main",
    task: "deploy",
    environment: "production",
    description: "",
    creator: "alice",
    createdAt,
    updatedAt: statuses.at(-1)?.createdAt ?? createdAt,
    productionEnvironment: true,
    transientEnvironment: false,
    statuses,
  };
}

/** The tiny world, indexed. */
export function tinyWorld(): World {
  return World.from(tinyWorldRecords());
}
