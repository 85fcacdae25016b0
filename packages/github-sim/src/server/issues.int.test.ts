import type { components } from "@octokit/openapi-types";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateWorld } from "../generator/generate.js";
import { presetOptions } from "../generator/presets.js";
import { World, type WorldIssue } from "../world/index.js";
import { validateGithubQuery } from "./graphql/handler.js";
import { type Simulator, startSimulator } from "./server.js";

type Issue = components["schemas"]["issue"];

/** The product's incident query (packages/github's INCIDENT_ISSUES_QUERY), with a page size to page by. */
const INCIDENT_ISSUES = `query IncidentIssues($owner: String!, $name: String!, $labels: [String!], $since: DateTime, $after: String, $first: Int!) {
  rateLimit { cost nodeCount }
  repository(owner: $owner, name: $name) {
    issues(first: $first, after: $after, labels: $labels, filterBy: { since: $since }, orderBy: { field: UPDATED_AT, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { number title body url state createdAt updatedAt closedAt author { login } labels(first: 10) { nodes { name } } }
    }
  }
}`;

interface IssueNode {
  number: number;
  title: string;
  body: string;
  url: string;
  state: "OPEN" | "CLOSED";
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  author: { login: string } | null;
  labels: { nodes: { name: string }[] };
}
interface IssuesPage {
  rateLimit: { cost: number; nodeCount: number };
  repository: {
    issues: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: IssueNode[] };
  };
}

// A small generated world: its repositories have incident issues, noise issues and pull requests.
const world = World.from(generateWorld(presetOptions("small", 7)));
const repos = world.repos().map((r) => `${r.org}/${r.name}`);
const FULL = repos.reduce((best, r) => (world.issueCount(r) > world.issueCount(best) ? r : best));
const [OWNER, NAME] = FULL.split("/") as [string, string];
const issues = [...world.issues(FULL)];
const pulls = [...world.pulls(FULL)];
const LABEL = world.header.incidentLabel as string;
const byUpdated = (a: WorldIssue, b: WorldIssue) =>
  a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.number - b.number;

describe("issues over HTTP", () => {
  let sim: Simulator;
  let octokit: Octokit;
  beforeAll(async () => {
    sim = await startSimulator({ world, tokens: ["i-main"] });
    octokit = new Octokit({ baseUrl: sim.url, auth: "i-main" });
  });
  afterAll(() => sim.close());

  it("has a repository with incidents, other issues and pull requests sharing one number space", () => {
    expect(issues.filter((i) => i.labels.includes(LABEL)).length).toBeGreaterThanOrEqual(2);
    expect(issues.some((i) => !i.labels.includes(LABEL))).toBe(true);
    const pullNumbers = new Set(pulls.map((p) => p.number));
    for (const i of issues) expect(pullNumbers.has(i.number)).toBe(false);
  });

  it("GraphQL: pages the incident-labelled issues least recently updated first, as the product asks", async () => {
    const want = issues.filter((i) => i.labels.includes(LABEL)).sort(byUpdated);
    const seen: IssueNode[] = [];
    let after: string | null = null;
    let last: IssuesPage | null = null;
    do {
      const page: IssuesPage = await octokit.graphql<IssuesPage>(INCIDENT_ISSUES, {
        owner: OWNER,
        name: NAME,
        labels: [LABEL],
        since: null,
        after,
        first: 2,
      });
      expect(page.repository.issues.totalCount).toBe(want.length);
      seen.push(...page.repository.issues.nodes);
      after = page.repository.issues.pageInfo.hasNextPage ? page.repository.issues.pageInfo.endCursor : null;
      last = page;
    } while (after);
    expect(seen.map((n) => n.number)).toEqual(want.map((i) => i.number));
    const first = want[0] as WorldIssue;
    expect(seen[0]).toEqual({
      number: first.number,
      title: first.title,
      body: first.body,
      url: `https://github.com/${FULL}/issues/${first.number}`,
      state: first.state === "open" ? "OPEN" : "CLOSED",
      createdAt: first.createdAt,
      updatedAt: first.updatedAt,
      closedAt: first.closedAt,
      author: { login: first.author },
      labels: { nodes: first.labels.map((name) => ({ name })) },
    });
    // Cost as GitHub counts it: 1 request for issues + 2 for labels under each issue -> 1 point.
    expect(last?.rateLimit).toEqual({ cost: 1, nodeCount: 2 + 2 * 10 });
  });

  it("GraphQL: filters by since, states and labels and orders by creation, update or comments", async () => {
    const sorted = [...issues].sort(byUpdated);
    const since = (sorted[Math.floor(sorted.length / 2)] as WorldIssue).updatedAt;
    const r = await octokit.graphql<{
      repository: {
        recent: { totalCount: number; nodes: { number: number; updatedAt: string }[] };
        open: { totalCount: number; nodes: { state: string }[] };
        newest: { nodes: { number: number }[] };
        talked: { nodes: { number: number; comments: { totalCount: number } }[] };
        bugs: { totalCount: number };
        one: { number: number; title: string } | null;
      };
    }>(
      `query($owner: String!, $name: String!, $since: DateTime, $one: Int!) { repository(owner: $owner, name: $name) {
        recent: issues(first: 100, filterBy: { since: $since }) { totalCount nodes { number updatedAt } }
        open: issues(first: 100, states: [OPEN]) { totalCount nodes { state } }
        newest: issues(last: 3, orderBy: { field: CREATED_AT, direction: ASC }) { nodes { number } }
        talked: issues(first: 100, orderBy: { field: COMMENTS, direction: DESC }) { nodes { number comments(first: 1) { totalCount } } }
        bugs: issues(first: 1, filterBy: { labels: ["bug", "question"] }) { totalCount }
        one: issue(number: $one) { number title }
      } }`,
      { owner: OWNER, name: NAME, since, one: (issues[0] as WorldIssue).number },
    );
    const repo = r.repository;
    expect(repo.recent.totalCount).toBe(issues.filter((i) => i.updatedAt >= since).length);
    expect(repo.recent.nodes.every((n) => n.updatedAt >= since)).toBe(true);
    expect(repo.open.totalCount).toBe(issues.filter((i) => i.state === "open").length);
    expect(repo.open.nodes.every((n) => n.state === "OPEN")).toBe(true);
    // Creation order is number order (issues are numbered as they are opened).
    expect(repo.newest.nodes.map((n) => n.number)).toEqual(issues.slice(-3).map((i) => i.number));
    const counts = repo.talked.nodes.map((n) => n.comments.totalCount);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(repo.bugs.totalCount).toBe(
      issues.filter((i) => i.labels.includes("bug") || i.labels.includes("question")).length,
    );
    expect(repo.one).toEqual({ number: (issues[0] as WorldIssue).number, title: (issues[0] as WorldIssue).title });
  });

  it("GraphQL: rejects an issues connection without first or last, and unknown Issue fields", () => {
    const missing = validateGithubQuery('{ repository(owner: "a", name: "b") { issues { totalCount } } }');
    expect(missing.errors[0]).toMatchObject({ type: "MISSING_PAGINATION_BOUNDARIES" });
    expect(String(missing.errors[0]?.message)).toContain("`issues` connection");
    expect(validateGithubQuery(INCIDENT_ISSUES, { owner: "a", name: "b", first: 100 })).toEqual({
      errors: [],
      cost: 1,
      nodeCount: 100 + 100 * 10,
    });
    expect(
      validateGithubQuery('{ repository(owner: "a", name: "b") { issues(first: 1) { nodes { mergedAt } } } }')
        .errors[0],
    ).toMatchObject({ message: "Field 'mergedAt' doesn't exist on type 'Issue'" });
  });

  it("REST: lists issues and pull requests (with pull_request), newest first, paginated with Link", async () => {
    const first = await octokit.issues.listForRepo({ owner: OWNER, repo: NAME, state: "all", per_page: 10 });
    const total = issues.length + pulls.length;
    const base = `${sim.url}/repos/${FULL}/issues?state=all&per_page=10`;
    const lastPage = Math.ceil(total / 10);
    expect(first.headers.link).toBe(`<${base}&page=2>; rel="next", <${base}&page=${lastPage}>; rel="last"`);
    const all = (await octokit.paginate(octokit.issues.listForRepo, {
      owner: OWNER,
      repo: NAME,
      state: "all",
      per_page: 100,
    })) as Issue[];
    expect(all).toHaveLength(total);
    const created = all.map((i) => i.created_at);
    expect(created).toEqual([...created].sort().reverse());
    const asPulls = all.filter((i) => i.pull_request !== undefined);
    expect(asPulls.map((i) => i.number).sort((a, b) => a - b)).toEqual(pulls.map((p) => p.number));
    const merged = pulls.find((p) => p.mergedAt !== null);
    expect(asPulls.find((i) => i.number === merged?.number)?.pull_request).toMatchObject({
      merged_at: merged?.mergedAt,
      url: `${sim.url}/repos/${FULL}/pulls/${merged?.number}`,
      html_url: `https://github.com/${FULL}/pull/${merged?.number}`,
    });
    const issue = issues[0] as WorldIssue;
    const got = all.find((i) => i.number === issue.number) as Issue;
    expect(got).toMatchObject({
      number: issue.number,
      title: issue.title,
      state: issue.state,
      user: { login: issue.author },
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      comments: issue.comments,
      html_url: `https://github.com/${FULL}/issues/${issue.number}`,
    });
    expect(got.pull_request).toBeUndefined();
    const one = await octokit.issues.get({ owner: OWNER, repo: NAME, issue_number: issue.number });
    expect(one.data).toEqual(got);
    const pr = await octokit.issues.get({ owner: OWNER, repo: NAME, issue_number: merged?.number ?? 0 });
    expect(pr.data.pull_request?.merged_at).toBe(merged?.mergedAt);
    await expect(
      octokit.issues.get({ owner: OWNER, repo: NAME, issue_number: world.lastNumber(FULL) + 1 }),
    ).rejects.toMatchObject({ status: 404 });
    expect(got.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(issue.labels);
  });

  it("REST: filters by state (default open), labels (all of them), since, and sorts by update ascending", async () => {
    const open = await octokit.paginate(octokit.issues.listForRepo, { owner: OWNER, repo: NAME, per_page: 100 });
    expect(open.every((i) => i.state === "open")).toBe(true);
    expect(open.length).toBe(
      issues.filter((i) => i.state === "open").length + pulls.filter((p) => p.state === "open").length,
    );
    const incidents = await octokit.paginate(octokit.issues.listForRepo, {
      owner: OWNER,
      repo: NAME,
      state: "all",
      labels: LABEL,
      sort: "updated",
      direction: "asc",
      per_page: 100,
    });
    const want = issues.filter((i) => i.labels.includes(LABEL)).sort(byUpdated);
    expect(incidents.map((i) => i.number)).toEqual(want.map((i) => i.number));
    const withTwo = issues.find((i) => i.labels.length > 1);
    if (withTwo) {
      const both = await octokit.issues.listForRepo({
        owner: OWNER,
        repo: NAME,
        state: "all",
        labels: withTwo.labels.join(","),
        per_page: 100,
      });
      expect(
        both.data.every((i) =>
          withTwo.labels.every((l) => i.labels.some((x) => typeof x !== "string" && x.name === l)),
        ),
      ).toBe(true);
      expect(both.data.map((i) => i.number)).toContain(withTwo.number);
    }
    const since = (want.at(-1) as WorldIssue).updatedAt;
    const recent = await octokit.issues.listForRepo({ owner: OWNER, repo: NAME, state: "all", labels: LABEL, since });
    expect(recent.data.map((i) => i.number)).toEqual([(want.at(-1) as WorldIssue).number]);
    await expect(
      octokit.request("GET /repos/{owner}/{repo}/issues", { owner: OWNER, repo: NAME, state: "nope" as "open" }),
    ).rejects.toMatchObject({ status: 422 });
  });
});
