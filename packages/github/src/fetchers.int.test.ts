import { type Commit, coAuthorsFromMessage, type PullRequest } from "@yardstick/core";
import { generateWorld, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "./client.js";
import { GitHubError } from "./errors.js";
import {
  branchHistory,
  compareCommits,
  deployments,
  memoryEtagCache,
  mergedPullRequests,
  orgMembers,
  orgRepositories,
  orgRoster,
  pullRequestDetails,
  releases,
  tags,
  teams,
  workflowRuns,
} from "./index.js";
import type { FileNode } from "./shapes.js";

/**
 * The fetchers against the GitHub simulator over real HTTP, on a generated world. Every
 * expectation is read from the world itself, never from our own earlier output.
 */

const world = World.from(generateWorld({ seed: 11, engineers: 14, teams: 2, repositories: 4, weeks: 8 }));
const TOKEN = "ghp_simtoken";
let sim: Simulator;

function client(token = TOKEN): GitHubClient {
  return createGitHubClient({
    baseUrl: sim.url,
    auth: { type: "token", token },
    logger: createLogger({ service: "github-int-test", level: "silent" }),
    throttle: { graphqlMinTimeMs: 0, retryBaseMs: 2, maxWaitMs: 10_000 },
  });
}

interface Fetched {
  pullRequests: PullRequest[];
  commits: Map<string, Commit>;
  points: number;
  calls: number;
}

async function fetchRepo(
  c: GitHubClient,
  owner: string,
  repo: string,
  options: { updatedSince?: Date; details?: "bots" | "all" | "none" } = {},
): Promise<Fetched> {
  const result: Fetched = { pullRequests: [], commits: new Map(), points: 0, calls: 0 };
  const pages = mergedPullRequests(c, {
    owner,
    repo,
    updatedSince: options.updatedSince ?? null,
    ...(options.details === undefined ? {} : { details: options.details }),
  });
  for await (const page of pages) {
    result.pullRequests.push(...page.pullRequests);
    for (const commit of page.commits) result.commits.set(commit.sha, commit);
    result.points += page.cost.graphqlPoints;
    result.calls += page.cost.graphqlCalls;
  }
  return result;
}

function mergedInWorld(fullName: string) {
  const repo = world.repo(fullName);
  return world
    .pullNumbers(fullName)
    .flatMap((n) => world.pull(fullName, n) ?? [])
    .filter((p) => p.mergedAt !== null && p.baseRef === repo?.defaultBranch);
}

const fetched = new Map<string, Fetched>();

beforeAll(async () => {
  sim = await startSimulator({
    world,
    tokens: [TOKEN, "ghp_faulty", "ghp_etag", { token: "ghp_small", graphqlLimit: 10 }, "ghp_exhausted"],
    // GitHub says 60 s; the client honours retry-after as given, so the test world says 1 s.
    rateLimits: { secondaryRetryAfter: 1 },
  });
  const c = client();
  for (const repo of world.repos()) fetched.set(`${repo.org}/${repo.name}`, await fetchRepo(c, repo.org, repo.name));
});
afterAll(async () => {
  await sim?.close();
});

describe("mergedPullRequests against the simulator", () => {
  it("fetches exactly the world's merged PRs into each default branch", () => {
    let total = 0;
    for (const repo of world.repos()) {
      const name = `${repo.org}/${repo.name}`;
      const expected = mergedInWorld(name)
        .map((p) => p.number)
        .sort((a, b) => a - b);
      const got = (fetched.get(name)?.pullRequests ?? []).map((p) => p.number).sort((a, b) => a - b);
      expect(got, name).toEqual(expected);
      total += got.length;
    }
    expect(total).toBeGreaterThan(100);
  });

  it("maps each PR's fields as the world has them", () => {
    for (const repo of world.repos()) {
      const name = `${repo.org}/${repo.name}`;
      for (const pr of fetched.get(name)?.pullRequests ?? []) {
        const truth = world.pull(name, pr.number);
        if (truth === undefined) throw new Error(`${name}#${pr.number} is not in the world`);
        const author = world.user(truth.author);
        expect(pr).toMatchObject({
          title: truth.title,
          body: truth.body,
          headRef: truth.headRef,
          baseRef: truth.baseRef,
          labels: truth.labels,
          mergeCommitSha: truth.mergeCommitSha,
          mergeMethod: truth.mergeMethod,
          additions: truth.additions,
          deletions: truth.deletions,
          changedFiles: truth.changedFiles,
          filesComplete: true,
        });
        // Details (assignees...) come with the default "bots" mode for PRs opened by a Bot only.
        expect(pr.assignees).toEqual(author?.accountType === "Bot" ? truth.assignees : []);
        expect(pr.author.login).toBe(truth.author);
        expect(pr.author.type).toBe(author?.accountType ?? null);
        expect(pr.mergedBy?.login ?? null).toBe(truth.mergedBy);
        expect(pr.mergedAt.toISOString().replace(".000", "")).toBe(truth.mergedAt);
        expect(pr.files.map((f) => f.path)).toEqual(truth.files.map((f) => f.path));
        // GitHub lists at most 250 commits of a PR.
        expect(pr.commitShas).toEqual(truth.commits.slice(0, 250));
      }
    }
  });

  it("maps commits with the world's messages, identities and co-authors", () => {
    let checked = 0;
    for (const repo of world.repos()) {
      const name = `${repo.org}/${repo.name}`;
      const result = fetched.get(name);
      for (const pr of result?.pullRequests ?? []) {
        for (const sha of [...pr.commitShas, ...(pr.mergeCommitSha ? [pr.mergeCommitSha] : [])]) {
          const truth = world.commit(name, sha);
          const commit = result?.commits.get(sha);
          expect(commit, `${name}@${sha}`).toBeDefined();
          if (truth === undefined || commit === undefined) continue;
          expect(commit.message).toBe(truth.message);
          expect(commit.author.email).toBe(truth.author.email);
          expect(commit.author.name).toBe(truth.author.name);
          expect(commit.committer.email).toBe(truth.committer.email);
          if (truth.author.login !== null) expect(commit.author.login).toBe(truth.author.login);
          // The world lists every trailer; core keeps one per email, as squash messages do.
          expect(commit.coAuthors.map((a) => a.email.toLowerCase())).toEqual([
            ...new Set(world.coAuthorsOf(truth.message).map((a) => a.email.toLowerCase())),
          ]);
          expect(commit.coAuthors).toEqual(coAuthorsFromMessage(truth.message));
          // Merge-commit parents come with the details (Bot-opened PRs in the default mode).
          if (sha === pr.mergeCommitSha) expect(commit.parents).toEqual(pr.author.type === "Bot" ? truth.parents : []);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it("fetches every PR's details with details: all, to the same PRs otherwise", async () => {
    const repo = world.repos()[0];
    if (repo === undefined) throw new Error("world without repositories");
    const name = `${repo.org}/${repo.name}`;
    const full = await fetchRepo(client(), repo.org, repo.name, { details: "all" });
    const lean = fetched.get(name)?.pullRequests ?? [];
    expect(full.pullRequests.map((p) => p.number)).toEqual(lean.map((p) => p.number));
    for (const pr of full.pullRequests) {
      const truth = world.pull(name, pr.number);
      expect(pr.assignees).toEqual(truth?.assignees);
      expect(pr.reviewRequests).toEqual(truth?.requestedReviewers);
      expect(pr.mergeMethod).toBe(truth?.mergeMethod);
      if (pr.mergeCommitSha !== null) {
        expect(full.commits.get(pr.mergeCommitSha)?.parents).toEqual(world.commit(name, pr.mergeCommitSha)?.parents);
      }
      // Reviews are read with the details: for every PR here, for Bot-opened ones only by default.
      expect(pr.reviewsRead).toBe(true);
      const { assignees: _a, reviewRequests: _r, reviewers: _v, reviewsRead: _rr, ...rest } = pr;
      const same = lean.find((p) => p.number === pr.number);
      if (same === undefined) throw new Error(`${name}#${pr.number} missing from the default fetch`);
      expect(same.reviewsRead).toBe(same.author.type === "Bot");
      const { assignees: _a2, reviewRequests: _r2, reviewers: _v2, reviewsRead: _rr2, ...leanRest } = same;
      expect(rest).toEqual(leanRest);
    }
  });

  it("fetches chosen PRs' details in batches, as the world has them", async () => {
    const repo = world.repos()[0];
    if (repo === undefined) throw new Error("world without repositories");
    const name = `${repo.org}/${repo.name}`;
    const numbers = mergedInWorld(name)
      .slice(0, 30)
      .map((p) => p.number);
    const { details, cost } = await pullRequestDetails(client(), { owner: repo.org, repo: repo.name, numbers });
    expect(cost.graphqlCalls).toBe(2);
    expect([...details.keys()].sort((a, b) => a - b)).toEqual([...numbers].sort((a, b) => a - b));
    for (const [number, d] of details) {
      const truth = world.pull(name, number);
      expect(d.assignees).toEqual(truth?.assignees);
      expect(d.reviewRequests).toEqual(truth?.requestedReviewers);
      expect(d.mergeCommitParents).toEqual(
        truth?.mergeCommitSha ? world.commit(name, truth.mergeCommitSha)?.parents : null,
      );
    }
  });

  it("follows nested pagination for PRs with more than 100 commits", () => {
    const big: { name: string; pr: PullRequest; worldCount: number }[] = [];
    for (const repo of world.repos()) {
      const name = `${repo.org}/${repo.name}`;
      for (const pr of fetched.get(name)?.pullRequests ?? []) {
        const count = world.pull(name, pr.number)?.commits.length ?? 0;
        if (count > 100) big.push({ name, pr, worldCount: count });
      }
    }
    expect(big.length).toBeGreaterThan(0);
    for (const { pr, worldCount } of big) expect(pr.commitShas).toHaveLength(Math.min(250, worldCount));
  });

  it("reports GraphQL cost per page, matching the simulator's accounting", async () => {
    const repo = world.repos()[0];
    if (repo === undefined) throw new Error("world without repositories");
    const before = sim.accounting.of(TOKEN).graphqlPoints;
    const again = await fetchRepo(client(), repo.org, repo.name);
    expect(again.points).toBe(sim.accounting.of(TOKEN).graphqlPoints - before);
    expect(again.points).toBeGreaterThan(0);
  });

  it("re-syncs an unchanged repository with one query", async () => {
    const repo = world.repos()[1];
    if (repo === undefined) throw new Error("world without repositories");
    const name = `${repo.org}/${repo.name}`;
    const pullRequests = fetched.get(name)?.pullRequests ?? [];
    // The cursor a completed pass leaves: the latest updatedAt seen.
    const cursor = new Date(
      Math.max(...world.pullNumbers(name).map((n) => Date.parse(world.pull(name, n)?.updatedAt ?? ""))),
    );
    const again = await fetchRepo(client(), repo.org, repo.name, { updatedSince: new Date(cursor.getTime() + 1000) });
    expect(again.calls).toBe(1);
    expect(again.pullRequests).toEqual([]);
    expect(pullRequests.length).toBeGreaterThan(0);
  });

  it("skips the PRs the last pass stored at its high-water mark, and reads the markers on the first page", async () => {
    const repo = world.repos()[1];
    if (repo === undefined) throw new Error("world without repositories");
    const name = `${repo.org}/${repo.name}`;
    const pages = [];
    for await (const page of mergedPullRequests(client(), { owner: repo.org, repo: repo.name, markers: true })) {
      pages.push(page);
    }
    const last = pages.at(-1);
    const mark = last?.cursor.maxUpdatedAt ?? null;
    expect(mark).not.toBeNull();
    const atMark = world
      .pullNumbers(name)
      .filter((n) => Date.parse(world.pull(name, n)?.updatedAt ?? "") === mark?.getTime());
    expect(last?.cursor.atMaxUpdated.sort()).toEqual(atMark.sort());
    // Markers only on the first page: the branch head as the world has it, and stable digests.
    expect(pages[0]?.markers?.head).toBe(world.branchHead(name));
    expect(pages.slice(1).every((p) => p.markers === undefined)).toBe(true);

    const before = sim.accounting.of(TOKEN).graphqlRequests;
    const again = [];
    for await (const page of mergedPullRequests(client(), {
      owner: repo.org,
      repo: repo.name,
      updatedSince: mark,
      seenAtSince: last?.cursor.atMaxUpdated ?? [],
      markers: true,
    })) {
      again.push(page);
    }
    expect(sim.accounting.of(TOKEN).graphqlRequests - before).toBe(1);
    expect(again).toHaveLength(1);
    expect(again[0]?.pullRequests).toEqual([]);
    expect(again[0]?.cost.graphqlPoints).toBe(1);
    expect(again[0]?.markers).toEqual(pages[0]?.markers);
    // The cursor keeps the PRs at the mark, so the pass after next skips them too.
    expect(again[0]?.cursor.atMaxUpdated.sort()).toEqual(atMark.sort());
  });

  it("fetches the same PRs and commits with commits only, at 1 point a page of 100", async () => {
    for (const repo of world.repos()) {
      const name = `${repo.org}/${repo.name}`;
      const full = fetched.get(name);
      const lean = { prs: [] as PullRequest[], points: 0, pages: 0 };
      for await (const page of mergedPullRequests(client(), { owner: repo.org, repo: repo.name, variant: "commits" })) {
        lean.prs.push(...page.pullRequests);
        lean.points += page.cost.graphqlPoints;
        lean.pages += 1;
      }
      expect(lean.prs.map((p) => [p.number, p.commitShas, p.assignees])).toEqual(
        full?.pullRequests.map((p) => [p.number, p.commitShas, p.assignees]),
      );
      expect(lean.prs.every((p) => p.labels.length === 0 && p.files.length === 0)).toBe(true);
      // Follow-up pages of PRs with more than 100 commits, and details of Bot PRs 25 a query.
      const nested = (full?.pullRequests ?? []).reduce(
        (n, p) => n + Math.max(0, Math.ceil(p.commitShas.length / 100) - 1),
        0,
      );
      const bots = (full?.pullRequests ?? []).filter((p) => p.author.type === "Bot").length;
      expect(lean.points).toBeLessThanOrEqual(lean.pages + nested + Math.ceil(bots / 25));
    }
  });

  it("takes files from `filesFrom` where its totals agree with GitHub's, the rest from GitHub: the same PRs, fewer points", async () => {
    for (const repo of world.repos()) {
      const name = `${repo.org}/${repo.name}`;
      const full = fetched.get(name)?.pullRequests ?? [];
      const byNumber = new Map(full.map((p) => [p.number, p]));
      const asked: number[] = [];
      let calls = 0;
      const got = { prs: [] as PullRequest[], points: 0 };
      for await (const page of mergedPullRequests(client(), {
        owner: repo.org,
        repo: repo.name,
        // A stand-in for the clone: the right files for most PRs, none for every 5th, counts
        // off by one for every 7th (not taken: GitHub's are read).
        filesFrom: async (requests) => {
          calls += 1;
          const out = new Map<number, FileNode[]>();
          for (const r of requests) {
            asked.push(r.number);
            const pr = byNumber.get(r.number);
            if (pr === undefined || r.number % 5 === 0) continue;
            const files = pr.files.map((f) => ({
              path: f.path,
              additions: f.additions + (r.number % 7 === 0 ? 1 : 0),
              deletions: f.deletions,
              changeType:
                f.status === "removed" ? ("DELETED" as const) : (f.status.toUpperCase() as FileNode["changeType"]),
            }));
            out.set(r.number, files);
          }
          return out;
        },
      })) {
        got.prs.push(...page.pullRequests);
        got.points += page.cost.graphqlPoints;
      }
      expect(got.prs, name).toEqual(full);
      expect(asked.sort((a, b) => a - b)).toEqual(full.map((p) => p.number).sort((a, b) => a - b));
      expect(calls).toBeGreaterThan(0);
    }
  });

  it("asks GitHub for the files when `filesFrom` can read none, and for the rest of the pass in the bulk query", async () => {
    const repo = world.repos()[0];
    if (!repo) throw new Error("no repo");
    const name = `${repo.org}/${repo.name}`;
    let calls = 0;
    const prs: PullRequest[] = [];
    for await (const page of mergedPullRequests(client(), {
      owner: repo.org,
      repo: repo.name,
      filesFrom: async () => {
        calls += 1;
        return null;
      },
    })) {
      prs.push(...page.pullRequests);
    }
    expect(prs).toEqual(fetched.get(name)?.pullRequests);
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(5); // the pages read without files before the switch (held ones included)
  });

  it("gets the same result with 5xx, resets, GraphQL errors and secondary limits injected", async () => {
    sim.faults.configure({ serverErrorRate: 0.08, resetRate: 0.03, graphqlErrorRate: 0.05, secondaryLimitRate: 0.03 });
    try {
      const faulty = client("ghp_faulty");
      for (const repo of world.repos()) {
        const name = `${repo.org}/${repo.name}`;
        const again = await fetchRepo(faulty, repo.org, repo.name);
        expect(again.pullRequests, name).toEqual(fetched.get(name)?.pullRequests);
        expect([...again.commits.keys()].sort()).toEqual([...(fetched.get(name)?.commits.keys() ?? [])].sort());
      }
      expect(sim.accounting.of("ghp_faulty").faults + sim.accounting.of("ghp_faulty").rejected).toBeGreaterThan(0);
    } finally {
      sim.faults.clear();
    }
  });
});

describe("primary rate limits against the simulator", () => {
  it("stops at a GraphQL limit with a retryable error carrying the wait, and sends nothing more", async () => {
    const c = client("ghp_small");
    const repo = world.repos().find((r) => mergedInWorld(`${r.org}/${r.name}`).length > 400) ?? world.repos()[0];
    if (repo === undefined) throw new Error("world without repositories");
    let pages = 0;
    let error: unknown;
    try {
      for (const r of world.repos()) {
        for await (const _page of mergedPullRequests(c, { owner: r.org, repo: r.name })) pages++;
      }
    } catch (e) {
      error = e;
    }
    expect(pages).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(GitHubError);
    const limited = error as GitHubError;
    expect(limited).toMatchObject({ code: "github.rate_limited", retryable: true });
    // The window resets an hour after the token's first request.
    expect(limited.retryAfterMs).toBeGreaterThan(3_000_000);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(3_602_000);
    const rejected = sim.accounting.of("ghp_small").rejected;
    expect(rejected).toBeLessThanOrEqual(1);
    const again = await mergedPullRequests(c, { owner: repo.org, repo: repo.name })
      .next()
      .catch((e: unknown) => e);
    expect(again).toMatchObject({ code: "github.rate_limited", retryable: true });
    expect(sim.accounting.of("ghp_small").rejected).toBe(rejected);
  });

  it("answers an exhausted REST budget with rate_limited and the reset, without retrying", async () => {
    sim.rateLimiter.exhaust("ghp_exhausted", "core");
    const repo = world.repos()[0];
    if (repo === undefined) throw new Error("world without repositories");
    const c = client("ghp_exhausted");
    const error = await workflowRuns(c, { owner: repo.org, repo: repo.name, etags: memoryEtagCache() })
      .next()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "github.rate_limited", retryable: true });
    expect((error as GitHubError).retryAfterMs).toBeGreaterThan(3_000_000);
    expect(sim.accounting.of("ghp_exhausted").rejected).toBe(1);
  });
});

describe("deployments, releases, tags, history, workflow runs and roster against the simulator", () => {
  it("fetches every deployment with its statuses", async () => {
    for (const repo of world.repos()) {
      const name = `${repo.org}/${repo.name}`;
      const got = [];
      for await (const page of deployments(client(), { owner: repo.org, repo: repo.name }))
        got.push(...page.deployments);
      const truth = world.deployments(name);
      expect(got.map((d) => d.externalId).sort(), name).toEqual(truth.map((d) => String(d.id)).sort());
      for (const d of got) {
        const t = truth.find((x) => String(x.id) === d.externalId);
        expect(d.sha).toBe(t?.sha);
        expect(d.environment).toBe(t?.environment);
        const expectedStates = (t?.statuses ?? []).slice(-10).map((s) => s.state);
        expect(d.statuses.map((s) => s.state).slice(-expectedStates.length)).toEqual(expectedStates);
      }
    }
  });

  it("re-reads a recent window of deployments newest first", async () => {
    const repo = world.repos().find((r) => world.deployments(`${r.org}/${r.name}`).length > 5);
    if (repo === undefined) return; // no repository deploys through GitHub Deployments in this world
    const name = `${repo.org}/${repo.name}`;
    const truth = world.deployments(name);
    const since = new Date(truth[Math.floor(truth.length / 2)]?.createdAt ?? 0);
    const got = [];
    for await (const page of deployments(client(), { owner: repo.org, repo: repo.name, createdSince: since })) {
      got.push(...page.deployments);
    }
    expect(got.map((d) => d.externalId).sort()).toEqual(
      truth
        .filter((d) => Date.parse(d.createdAt) >= since.getTime())
        .map((d) => String(d.id))
        .sort(),
    );
  });

  it("compares two commits of the default branch as GitHub does", async () => {
    const repo = world.repos()[0];
    if (repo === undefined) throw new Error("world without repositories");
    const name = `${repo.org}/${repo.name}`;
    const line = world.defaultBranchShas(name);
    const head = line[0];
    const base = line[Math.min(40, line.length - 1)];
    if (head === undefined || base === undefined) throw new Error("empty default branch");
    const comparison = await compareCommits(client(), { owner: repo.org, repo: repo.name, base, head });
    const truth = world.compare(name, base, head);
    expect(comparison.status).toBe("ahead");
    expect(comparison.commits.map((c) => c.sha)).toEqual(truth?.commits.map((c) => c.sha));
    expect(comparison.totalCommits).toBe(truth?.commits.length);
    expect(comparison.commits.length).toBeGreaterThan(10);
  });

  it("fetches releases and tags, peeled to their commits", async () => {
    for (const repo of world.repos()) {
      const name = `${repo.org}/${repo.name}`;
      const gotReleases = [];
      for await (const page of releases(client(), { owner: repo.org, repo: repo.name }))
        gotReleases.push(...page.releases);
      expect(gotReleases.map((r) => r.id).sort(), name).toEqual(
        world
          .releases(name)
          .map((r) => r.id)
          .sort(),
      );
      const gotTags = [];
      for await (const page of tags(client(), { owner: repo.org, repo: repo.name })) gotTags.push(...page.tags);
      const truthTags = world.tags(name);
      // Names and peeled commits only: the simulator answers annotated tags with their commit,
      // not a Tag object (github.com does; mapTag handles both, see mappers.test.ts).
      expect(gotTags.map((t) => `${t.name}@${t.sha}`).sort(), name).toEqual(
        truthTags.map((t) => `${t.name}@${t.sha}`).sort(),
      );
    }
  });

  it("walks the default branch history with parents", async () => {
    const repo = world.repos()[0];
    if (repo === undefined) throw new Error("world without repositories");
    const name = `${repo.org}/${repo.name}`;
    const got: Commit[] = [];
    for await (const page of branchHistory(client(), { owner: repo.org, repo: repo.name })) got.push(...page.commits);
    // GitHub's history is every commit reachable from the branch head, merged-in branches too.
    expect(got.map((c) => c.sha).sort()).toEqual([...world.history(name)].map((c) => c.sha).sort());
    for (const commit of got.slice(0, 50)) expect(commit.parents).toEqual(world.commit(name, commit.sha)?.parents);
  });

  it("fetches completed workflow runs, and re-syncs an unchanged list with one uncharged 304", async () => {
    const repo = world.repos().find((r) => world.workflowRunCount(`${r.org}/${r.name}`) > 0);
    if (repo === undefined) return; // the generator gave no repository a workflow: nothing to check
    const name = `${repo.org}/${repo.name}`;
    const etags = memoryEtagCache();
    const c = client("ghp_etag");
    const got = [];
    for await (const page of workflowRuns(c, { owner: repo.org, repo: repo.name, etags })) got.push(...page.runs);
    const completed = world.workflowRuns(name).filter((r) => r.status === "completed");
    expect(got.map((r) => r.id).sort()).toEqual(completed.map((r) => r.id).sort());
    const branch = repo.defaultBranch;
    const onBranch = [];
    for await (const page of workflowRuns(c, {
      owner: repo.org,
      repo: repo.name,
      etags: memoryEtagCache(),
      branch,
      event: "push",
      perPage: 20,
    })) {
      onBranch.push(...page.runs);
    }
    expect(onBranch.map((r) => r.id).sort()).toEqual(
      completed
        .filter((r) => r.headBranch === branch && r.event === "push")
        .map((r) => r.id)
        .sort(),
    );
    const before = { ...sim.accounting.of("ghp_etag") };
    const pages = [];
    for await (const page of workflowRuns(c, { owner: repo.org, repo: repo.name, etags })) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.notModified).toBe(true);
    const after = sim.accounting.of("ghp_etag");
    expect(after.notModified - before.notModified).toBe(1);
    expect(after.restRequests - before.restRequests).toBe(0);
  });

  it("fetches org members and teams with their members", async () => {
    const org = world.orgs()[0]?.login ?? "acme";
    const members = [];
    for await (const page of orgMembers(client(), { org })) members.push(...page.members);
    expect(members.map((m) => m.login).sort()).toEqual(
      world
        .orgMembers(org)
        .map((u) => u.login)
        .sort(),
    );
    const got = [];
    for await (const page of teams(client(), { org })) got.push(...page.teams);
    expect(got.map((t) => t.team.slug).sort()).toEqual(
      world
        .teams(org)
        .map((t) => t.slug)
        .sort(),
    );
    for (const t of got) {
      expect(t.members.map((m) => m.login).sort()).toEqual(
        world
          .teamMembers(org, t.team.slug)
          .map((u) => u.login)
          .sort(),
      );
    }
  });
});

describe("orgRepositories and orgRoster against the simulator", () => {
  it("reads the repositories a page at a time, and members and teams with their members", async () => {
    const org = world.orgs()[0]?.login ?? "acme";
    const before = sim.accounting.of(TOKEN).graphqlRequests;
    const pages = [];
    for await (const page of orgRepositories(client(), { org })) pages.push(page);
    expect(pages.at(-1)?.done).toBe(true);
    expect(pages.reduce((sum, p) => sum + p.cost.graphqlPoints, 0)).toBe(pages.length);
    const repositories = pages.flatMap((p) => p.repositories);
    expect(repositories.map((r) => r.fullName).sort()).toEqual(
      world
        .repos()
        .filter((r) => r.org === org)
        .map((r) => `${r.org}/${r.name}`)
        .sort(),
    );
    for (const r of repositories) expect(r.defaultBranch).toBe(world.repo(r.fullName)?.defaultBranch);

    const roster = await orgRoster(client(), { org });
    // Repositories, members and teams: one page each on this world.
    expect(sim.accounting.of(TOKEN).graphqlRequests - before).toBe(pages.length + 2);
    expect(roster.cost.graphqlCalls).toBe(2);
    expect(roster.members.map((m) => m.login).sort()).toEqual(
      world
        .orgMembers(org)
        .map((u) => u.login)
        .sort(),
    );
    expect(roster.teams.map((t) => t.team.slug).sort()).toEqual(
      world
        .teams(org)
        .map((t) => t.slug)
        .sort(),
    );
    for (const t of roster.teams) {
      expect(t.members.map((m) => m.login).sort()).toEqual(
        world
          .teamMembers(org, t.team.slug)
          .map((u) => u.login)
          .sort(),
      );
    }
  });
});

describe("incremental sync against the simulator", () => {
  it("picks up a PR merged after the last pass, and only what changed since", async () => {
    const repo = world.repos()[0];
    if (repo === undefined) throw new Error("world without repositories");
    const name = `${repo.org}/${repo.name}`;
    let cursor: Date | null = null;
    for await (const page of mergedPullRequests(client(), { owner: repo.org, repo: repo.name })) {
      cursor = page.cursor.maxUpdatedAt;
    }
    expect(cursor).not.toBeNull();
    const author = world.orgMembers(repo.org).find((u) => u.accountType === "User");
    if (author === undefined) throw new Error("org without human members");
    const added = await sim.live.addMergedPull({
      repo: name,
      author: author.login,
      title: "Cache exchange rates",
      commits: [
        { message: "Cache exchange rates\n\nCo-authored-by: Cursor <cursoragent@cursor.com>", author: author.login },
      ],
      // More than 100 files: the files connection continues in a follow-up query.
      files: Array.from({ length: 150 }, (_, i) => ({ path: `src/rates/r${i}.ts`, additions: 3, deletions: 1 })),
    });
    const pages = [];
    for await (const page of mergedPullRequests(client(), { owner: repo.org, repo: repo.name, updatedSince: cursor })) {
      pages.push(page);
    }
    const got = pages.flatMap((p) => p.pullRequests);
    expect(pages).toHaveLength(1);
    expect(got.map((p) => p.number)).toContain(added.number);
    for (const pr of got) {
      expect(Date.parse(world.pull(name, pr.number)?.updatedAt ?? "")).toBeGreaterThanOrEqual(cursor?.getTime() ?? 0);
    }
    const fetchedPr = got.find((p) => p.number === added.number);
    expect(fetchedPr?.files.map((f) => f.path)).toEqual(added.files.map((f) => f.path));
    expect(fetchedPr?.files).toHaveLength(150);
    expect(fetchedPr?.filesComplete).toBe(true);
    const commits = pages.flatMap((p) => p.commits);
    const fresh = commits.find((c) => c.sha === added.commits[0]);
    expect(fresh?.coAuthors).toEqual([{ name: "Cursor", email: "cursoragent@cursor.com", login: null }]);
    expect(pages[0]?.cursor.maxUpdatedAt?.getTime()).toBe(Date.parse(added.updatedAt));
  });
});
