import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyWorld } from "../world/index.js";
import { type Simulator, startSimulator } from "./server.js";
import { syntheticWorld } from "./synthetic-world.js";

const PULLS = `query($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: MERGED, orderBy: { field: UPDATED_AT, direction: ASC }, first: 100, after: $cursor) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number title body headRefName baseRefName mergedAt createdAt updatedAt additions deletions changedFiles
        author { login __typename ... on User { databaseId } }
        mergedBy { login }
        mergeCommit { oid }
        labels(first: 20) { nodes { name } }
        files(first: 100) { nodes { path additions deletions } }
        assignees(first: 10) { nodes { login } }
        reviewRequests(first: 10) { nodes { requestedReviewer { ... on User { login } } } }
        commits(first: 100) {
          totalCount
          nodes { commit { oid message authoredDate committedDate parents(first: 2) { nodes { oid } }
            author { name email user { login } } committer { name email user { login } }
            authors(first: 10) { nodes { name email user { login } } } } }
        }
      }
    }
  }
  rateLimit { cost remaining resetAt limit used nodeCount }
}`;

interface PullsPage {
  repository: {
    pullRequests: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: {
        number: number;
        author: { login: string; __typename: string; databaseId?: number };
        commits: { totalCount: number; nodes: { commit: { oid: string; authors: { nodes: { email: string }[] } } }[] };
      }[];
    };
  };
  rateLimit: { cost: number; remaining: number; resetAt: string; limit: number; used: number; nodeCount: number };
}

describe("GraphQL over a 1,200-PR world", () => {
  let sim: Simulator;
  let octokit: Octokit;
  beforeAll(async () => {
    sim = await startSimulator({
      world: syntheticWorld({ pulls: 1200, commitsPerPull: 2, bigPulls: { 3: 260 } }),
      tokens: ["g-main", { token: "g-small", graphqlLimit: 3 }],
    });
    octokit = new Octokit({ baseUrl: sim.url, auth: "g-main" });
  });
  afterAll(() => sim.close());

  it("pages merged PRs with commits and co-authors by cursor, charging GitHub's cost", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let last: PullsPage["rateLimit"] | null = null;
    do {
      const page: PullsPage = await octokit.graphql<PullsPage>(PULLS, { owner: "big", name: "mono", cursor });
      const conn = page.repository.pullRequests;
      expect(conn.totalCount).toBe(1200);
      seen.push(...conn.nodes.map((n) => n.number));
      cursor = conn.pageInfo.endCursor;
      pages++;
      last = page.rateLimit;
      if (!conn.pageInfo.hasNextPage) break;
    } while (cursor);
    expect(pages).toBe(12);
    expect(seen).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    // requests: 1 (pullRequests) + 100 x 5 (labels, files, assignees, reviewRequests, commits)
    // + 100 x 100 x 2 (parents, authors under each commit) = 20,501 -> 205 points a page
    expect(last?.cost).toBe(Math.max(1, Math.round((1 + 100 * 5 + 100 * 100 * 2) / 100)));
    expect(last?.used).toBe((last?.cost ?? 0) * 12);
    expect(sim.accounting.of("g-main").graphqlPoints).toBe((last?.cost ?? 0) * 12);
    expect(last?.resetAt).toMatch(/Z$/);
  });

  it("lists the git author then Co-authored-by trailers in Commit.authors, and caps PR commits at 250", async () => {
    const page = await octokit.graphql<PullsPage>(PULLS, { owner: "big", name: "mono", cursor: null });
    const pr3 = page.repository.pullRequests.nodes.find((n) => n.number === 3);
    expect(pr3?.author).toEqual({ login: "dev3", __typename: "User", databaseId: 100_002 });
    const authors = pr3?.commits.nodes[0]?.commit.authors.nodes.map((a) => a.email);
    expect(authors).toEqual(["dev3@big.test", "noreply@anthropic.com"]);
    expect(pr3?.commits.totalCount).toBe(250);
  });

  it("serves default-branch history with since, deployments and org membership", async () => {
    const r = await octokit.graphql<{
      repository: {
        defaultBranchRef: {
          target: { history: { totalCount: number; nodes: { oid: string; committedDate: string }[] } };
        };
        deployments: {
          totalCount: number;
          nodes: { databaseId: number; environment: string; commitOid: string; latestStatus: { state: string } }[];
        };
      };
      organization: {
        membersWithRole: { totalCount: number };
        teams: { nodes: { slug: string; members: { totalCount: number } }[] };
      };
    }>(`{
      repository(owner: "big", name: "mono") {
        defaultBranchRef { target { ... on Commit { history(first: 100, since: "2026-02-23T00:00:00Z") { totalCount nodes { oid committedDate } } } } }
        deployments(environments: ["production"], first: 5, orderBy: { field: CREATED_AT, direction: DESC }) {
          totalCount nodes { databaseId environment commitOid ref { name } latestStatus { state } statuses(first: 5) { nodes { state } } }
        }
      }
      organization(login: "big") { membersWithRole(first: 100) { totalCount } teams(first: 10) { nodes { slug members(first: 100) { totalCount } } } }
    }`);
    const history = r.repository.defaultBranchRef.target.history;
    expect(history.totalCount).toBeGreaterThan(0);
    expect(history.nodes.every((c) => c.committedDate >= "2026-02-23T00:00:00Z")).toBe(true);
    expect(r.repository.deployments.totalCount).toBe(120);
    expect(r.repository.deployments.nodes[0]).toMatchObject({
      environment: "production",
      ref: { name: "main" },
      latestStatus: { state: "SUCCESS" },
    });
    expect(r.organization.membersWithRole.totalCount).toBe(20);
    expect(r.organization.teams.nodes[0]).toEqual({ slug: "core", members: { totalCount: 20 } });
  });

  it("rejects what github.com rejects, with GitHub's messages and HTTP 200", async () => {
    const post = async (query: string) => {
      const res = await fetch(sim.graphqlUrl, {
        method: "POST",
        headers: { authorization: "bearer g-main", "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        data?: unknown;
        errors: { type?: string; message: string; extensions?: unknown }[];
      };
    };
    const missing = await post(
      '{ repository(owner: "big", name: "mono") { pullRequests(states: MERGED) { totalCount } } }',
    );
    expect(missing.errors[0]).toMatchObject({
      type: "MISSING_PAGINATION_BOUNDARIES",
      message: "You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.",
    });
    const tooMany = await post(
      '{ repository(owner: "big", name: "mono") { pullRequests(first: 101) { totalCount } } }',
    );
    expect(tooMany.errors[0]?.message).toBe(
      "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.",
    );
    const unknown = await post('{ repository(owner: "big", name: "mono") { flavour } }');
    expect(unknown.errors[0]).toMatchObject({
      message: "Field 'flavour' doesn't exist on type 'Repository'",
      extensions: { code: "undefinedField", typeName: "Repository", fieldName: "flavour" },
    });
    const nodes = await post(`{ organization(login: "big") { repositories(first: 100) { nodes {
      pullRequests(first: 100) { nodes { commits(first: 100) { nodes { commit { oid } } } } } } } } }`);
    expect(nodes.errors[0]?.type).toBe("MAX_NODE_LIMIT_EXCEEDED");
    const missingRepo = await post('{ repository(owner: "big", name: "nope") { name } }');
    expect(missingRepo.errors[0]).toMatchObject({
      type: "NOT_FOUND",
      message: "Could not resolve to a Repository with the name 'big/nope'.",
    });
    const anonymous = await fetch(sim.graphqlUrl, {
      method: "POST",
      body: JSON.stringify({ query: "{ viewer { login } }" }),
    });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { message: string }).message).toBe(
      "This endpoint requires you to be authenticated.",
    );
    // octokit.graphql surfaces them as GraphqlResponseError
    await expect(octokit.graphql('{ repository(owner: "big", name: "mono") { flavour } }')).rejects.toThrow(/flavour/);
  });

  it("answers an exhausted GraphQL limit with HTTP 200 and a RATE_LIMITED error", async () => {
    const small = new Octokit({ baseUrl: sim.url, auth: "g-small" });
    for (let i = 0; i < 3; i++) await small.graphql("{ viewer { login } }");
    const res = await fetch(sim.graphqlUrl, {
      method: "POST",
      headers: { authorization: "token g-small", "content-type": "application/json" },
      body: JSON.stringify({ query: "{ viewer { login } }" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(res.headers.get("x-ratelimit-resource")).toBe("graphql");
    const body = (await res.json()) as { errors: { type: string; message: string }[] };
    expect(body.errors[0]?.type).toBe("RATE_LIMITED");
    expect(body.errors[0]?.message).toMatch(/^API rate limit (already )?exceeded for user ID 2\.$/);
    expect(sim.accounting.of("g-small")).toMatchObject({ graphqlPoints: 3, rejected: 1 });
  });
});

describe("GraphQL over the tiny world", () => {
  it("serves tags, releases, merge commits and agent authors", async () => {
    const sim = await startSimulator({ world: tinyWorld() });
    try {
      const octokit = new Octokit({ baseUrl: sim.url, auth: "x" });
      const r = await octokit.graphql<{
        repository: {
          refs: { nodes: { name: string; target: { oid: string } }[] };
          releases: { nodes: { tagName: string; publishedAt: string }[] };
          pullRequest: { author: { __typename: string; login: string }; mergeCommit: { oid: string } };
          pullRequests: { nodes: { reviews: { nodes: { author: { login: string }; state: string }[] } }[] };
        };
      }>(`{ repository(owner: "acme", name: "api") {
        refs(refPrefix: "refs/tags/", first: 10) { nodes { name target { oid } } }
        releases(first: 10) { nodes { tagName publishedAt } }
        pullRequest(number: 3) { author { __typename login } mergeCommit { oid } }
        pullRequests(first: 10) { nodes { reviews(first: 20, states: [APPROVED, COMMENTED]) { nodes { author { login } state } } } }
      } }`);
      expect(r.repository.refs.nodes[0]?.name).toBe("v1.0.0");
      expect(r.repository.releases.nodes[0]?.tagName).toBe("v1.0.0");
      expect(r.repository.pullRequest.author).toEqual({ __typename: "Bot", login: "Copilot" });
      expect(r.repository.pullRequest.mergeCommit.oid).toMatch(/^[0-9a-f]{40}$/);
      const reviews = r.repository.pullRequests.nodes.flatMap((n) => n.reviews.nodes);
      expect(reviews).toContainEqual({ author: { login: "bob" }, state: "APPROVED" });
    } finally {
      await sim.close();
    }
  });
});

describe("GraphQL ids above 32 bits", () => {
  it("resolves databaseId to null and fullDatabaseId to the id, as GitHub's BigInt field does", async () => {
    const { tinyWorldRecords, World } = await import("../world/index.js");
    const records = tinyWorldRecords().map((r) =>
      r.type === "pull" && r.number === 1 ? { ...r, id: 3_000_000_001 } : r,
    );
    const sim = await startSimulator({ world: World.from(records) });
    try {
      const octokit = new Octokit({ baseUrl: sim.url, auth: "x" });
      const r = await octokit.graphql<{
        repository: { pullRequest: { databaseId: number | null; fullDatabaseId: string } };
      }>('{ repository(owner: "acme", name: "api") { pullRequest(number: 1) { databaseId fullDatabaseId } } }');
      expect(r.repository.pullRequest).toEqual({ databaseId: null, fullDatabaseId: "3000000001" });
    } finally {
      await sim.close();
    }
  });
});
