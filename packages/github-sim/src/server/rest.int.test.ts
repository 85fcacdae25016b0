import type { components } from "@octokit/openapi-types";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyWorld } from "../world/index.js";
import { type Simulator, startSimulator } from "./server.js";
import { syntheticWorld } from "./synthetic-world.js";

type Schemas = components["schemas"];

describe("REST over a 2,500-PR world", () => {
  let sim: Simulator;
  let octokit: Octokit;
  beforeAll(async () => {
    sim = await startSimulator({
      world: syntheticWorld({ pulls: 2500, commitsPerPull: 1, bigPulls: { 7: 300 } }),
      tokens: ["t-main", { token: "t-small", restLimit: 3 }],
    });
    octokit = new Octokit({ baseUrl: sim.url, auth: "t-main" });
  });
  afterAll(() => sim.close());

  it("paginates thousands of pull requests with Link headers, newest first", async () => {
    const first = await octokit.pulls.list({ owner: "big", repo: "mono", state: "closed", per_page: 100 });
    const base = `${sim.url}/repos/big/mono/pulls?state=closed&per_page=100`;
    expect(first.headers.link).toBe(`<${base}&page=2>; rel="next", <${base}&page=25>; rel="last"`);
    const pulls = await octokit.paginate(octokit.pulls.list, {
      owner: "big",
      repo: "mono",
      state: "closed",
      per_page: 100,
    });
    expect(pulls).toHaveLength(2500);
    expect(pulls[0]?.number).toBe(2500);
    expect(new Set(pulls.map((p) => p.number)).size).toBe(2500);
    const p: Schemas["pull-request-simple"] = pulls[0] as Schemas["pull-request-simple"];
    expect(p.merged_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(p.head.ref).toBe("feature/2500");
    expect(p.user?.login).toBe("dev20");
  });

  it("writes prev/next/last/first on middle pages, prev/first on the last", async () => {
    const mid = await octokit.pulls.list({
      owner: "big",
      repo: "mono",
      state: "all",
      sort: "updated",
      direction: "asc",
      per_page: 100,
      page: 3,
    });
    const base = `${sim.url}/repos/big/mono/pulls?state=all&sort=updated&direction=asc&per_page=100`;
    expect(mid.headers.link).toBe(
      `<${base}&page=2>; rel="prev", <${base}&page=4>; rel="next", <${base}&page=25>; rel="last", <${base}&page=1>; rel="first"`,
    );
    expect(mid.data[0]?.number).toBe(201);
    const last = await octokit.pulls.list({ owner: "big", repo: "mono", state: "all", per_page: 100, page: 25 });
    expect(last.headers.link).toContain('rel="prev"');
    expect(last.headers.link).not.toContain('rel="next"');
    // GitHub's default direction is desc for sort=created, asc for sort=updated.
    const updated = await octokit.pulls.list({
      owner: "big",
      repo: "mono",
      state: "closed",
      sort: "updated",
      per_page: 1,
    });
    expect(updated.data[0]?.number).toBe(1);
    const open = await octokit.pulls.list({ owner: "big", repo: "mono" });
    expect(open.data).toEqual([]);
  });

  it("caps pull commits at 250", async () => {
    const commits = await octokit.paginate(octokit.pulls.listCommits, {
      owner: "big",
      repo: "mono",
      pull_number: 7,
      per_page: 100,
    });
    expect(commits).toHaveLength(250);
    const full = await octokit.pulls.get({ owner: "big", repo: "mono", pull_number: 7 });
    expect(full.data.commits).toBe(300);
    const c: Schemas["commit"] = commits[0] as Schemas["commit"];
    expect(c.commit.message).toContain("Co-authored-by: Claude");
  });

  it("answers If-None-Match with an uncharged 304", async () => {
    const r1 = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: "big",
      repo: "mono",
      pull_number: 1,
    });
    const etag = r1.headers.etag as string;
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    const before = Number(r1.headers["x-ratelimit-remaining"]);
    const usage = { ...sim.accounting.of("t-main") };
    const err = await octokit
      .request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
        owner: "big",
        repo: "mono",
        pull_number: 1,
        headers: { "if-none-match": etag },
      })
      .catch((e: { status: number; response: { headers: Record<string, string> } }) => e);
    expect((err as { status: number }).status).toBe(304);
    expect(
      Number((err as { response: { headers: Record<string, string> } }).response.headers["x-ratelimit-remaining"]),
    ).toBe(before);
    expect(sim.accounting.of("t-main").notModified).toBe(usage.notModified + 1);
    expect(sim.accounting.of("t-main").restRequests).toBe(usage.restRequests);
  });

  it("lists the default branch's commits with since/until and gets one with files", async () => {
    const page = await octokit.repos.listCommits({ owner: "big", repo: "mono", per_page: 5 });
    expect(page.data[0]?.commit.message).toBe("Change 2500 (#2500)");
    expect(page.data[0]?.commit.committer?.name).toBe("GitHub");
    const since = await octokit.paginate(octokit.repos.listCommits, {
      owner: "big",
      repo: "mono",
      since: "2026-04-17T00:00:00Z",
      per_page: 100,
    });
    expect(since.length).toBeGreaterThan(0);
    expect(since.every((c) => (c.commit.committer?.date ?? "") >= "2026-04-17T00:00:00Z")).toBe(true);
    const one = await octokit.repos.getCommit({ owner: "big", repo: "mono", ref: page.data[0]?.sha ?? "" });
    expect(one.data.files?.[0]?.filename).toBe("src/m0.ts");
    expect(one.data.stats?.additions).toBe(5);
  });

  it("applies the primary limit per token: 403, remaining 0, reset, GitHub's message", async () => {
    const small = new Octokit({ baseUrl: sim.url, auth: "t-small" });
    for (let i = 0; i < 3; i++) await small.repos.get({ owner: "big", repo: "mono" });
    const err = (await small.repos.get({ owner: "big", repo: "mono" }).catch((e: unknown) => e)) as {
      status: number;
      message: string;
      response: { headers: Record<string, string>; data: { message: string; documentation_url: string } };
    };
    expect(err.status).toBe(403);
    expect(err.response.headers["x-ratelimit-remaining"]).toBe("0");
    expect(err.response.headers["x-ratelimit-limit"]).toBe("3");
    expect(err.response.headers["x-ratelimit-resource"]).toBe("core");
    expect(Number(err.response.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);
    expect(err.response.data.message).toMatch(/^API rate limit exceeded for user ID 2\./);
    expect(err.response.data.documentation_url).toBe(
      "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
    );
    expect(sim.accounting.of("t-small").rejected).toBe(1);
    sim.clock.advance(3_601_000);
    await expect(small.repos.get({ owner: "big", repo: "mono" })).resolves.toMatchObject({ status: 200 });
  });

  it("answers 401 for a bad or missing token, with Bearer accepted", async () => {
    const bad = (await new Octokit({ baseUrl: sim.url, auth: "nope" }).repos
      .get({ owner: "big", repo: "mono" })
      .catch((e: unknown) => e)) as { status: number; response: { data: unknown } };
    expect(bad.status).toBe(401);
    expect(bad.response.data).toEqual({
      message: "Bad credentials",
      documentation_url: "https://docs.github.com/rest",
      status: "401",
    });
    const none = await fetch(`${sim.url}/repos/big/mono`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { message: string }).message).toBe("Requires authentication");
    const bearer = await fetch(`${sim.url}/repos/big/mono`, { headers: { authorization: "Bearer t-main" } });
    expect(bearer.status).toBe(200);
  });

  it("answers 404 for what does not exist", async () => {
    for (const call of [
      octokit.repos.get({ owner: "big", repo: "nope" }),
      octokit.pulls.get({ owner: "big", repo: "mono", pull_number: 999_999 }),
      octokit.orgs.listMembers({ org: "nope" }),
      octokit.request("GET /nowhere"),
    ]) {
      const e = (await call.catch((x: unknown) => x)) as { status: number; response: { data: { message: string } } };
      expect(e.status).toBe(404);
      expect(e.response.data.message).toBe("Not Found");
    }
  });
});

describe("REST over the tiny world", () => {
  let sim: Simulator;
  let octokit: Octokit;
  beforeAll(async () => {
    sim = await startSimulator({ world: tinyWorld() });
    octokit = new Octokit({ baseUrl: sim.url, auth: "anything" });
  });
  afterAll(() => sim.close());

  it("serves members, teams, team members and repositories", async () => {
    const members = await octokit.orgs.listMembers({ org: "acme" });
    expect(members.data.map((m) => m.login)).not.toContain("carol");
    expect(members.data.map((m) => m.login)).toContain("alice");
    const teams = await octokit.teams.list({ org: "acme" });
    const team: Schemas["team"] = teams.data[0] as Schemas["team"];
    expect(team.slug).toBe("platform");
    const tm = await octokit.teams.listMembersInOrg({ org: "acme", team_slug: "platform" });
    expect(tm.data.length).toBeGreaterThan(0);
    const repos = await octokit.repos.listForOrg({ org: "acme" });
    const repo: Schemas["minimal-repository"] = repos.data[0] as Schemas["minimal-repository"];
    expect(repo.full_name).toBe("acme/api");
    expect((await octokit.repos.get({ owner: "acme", repo: "api" })).data.default_branch).toBe("main");
  });

  it("serves deployments with statuses, releases, tags, workflow runs, compare and rate_limit", async () => {
    const deployments = await octokit.repos.listDeployments({ owner: "acme", repo: "api", environment: "production" });
    const d: Schemas["deployment"] = deployments.data[0] as Schemas["deployment"];
    expect(d.id).toBe(4003);
    const statuses = await octokit.repos.listDeploymentStatuses({ owner: "acme", repo: "api", deployment_id: 4002 });
    const s: Schemas["deployment-status"] = statuses.data[0] as Schemas["deployment-status"];
    expect(statuses.data.map((x) => x.state)).toEqual(["failure", "success"]);
    expect(s.environment).toBe("production");
    const releases = await octokit.repos.listReleases({ owner: "acme", repo: "api" });
    const r: Schemas["release"] = releases.data[0] as Schemas["release"];
    expect(r.tag_name).toBe("v1.0.0");
    const tags = await octokit.repos.listTags({ owner: "acme", repo: "api" });
    const t: Schemas["tag"] = tags.data[0] as Schemas["tag"];
    expect(t.commit.sha).toMatch(/^[0-9a-f]{40}$/);
    const runs = await octokit.actions.listWorkflowRunsForRepo({ owner: "acme", repo: "api" });
    const run: Schemas["workflow-run"] = runs.data.workflow_runs[0] as Schemas["workflow-run"];
    expect(runs.data.total_count).toBe(1);
    expect(run.conclusion).toBeTruthy();
    const cmp = await octokit.repos.compareCommitsWithBasehead({
      owner: "acme",
      repo: "api",
      basehead: `${d.sha}...main`,
    });
    const comparison: Schemas["commit-comparison"] = cmp.data;
    expect(["ahead", "identical"]).toContain(comparison.status);
    expect(comparison.total_commits).toBe(comparison.commits.length);
    const withReview = [];
    for (const n of [1, 2, 3]) {
      const reviews = await octokit.pulls.listReviews({ owner: "acme", repo: "api", pull_number: n });
      if (reviews.data.length > 0) withReview.push(reviews.data[0] as Schemas["pull-request-review"]);
    }
    expect(withReview[0]).toMatchObject({ state: "APPROVED", user: { login: "bob" } });
    const rl = await octokit.rateLimit.get();
    expect(rl.data.resources.core.limit).toBe(5000);
    expect(rl.data.resources.graphql?.limit).toBe(5000);
  });
});
