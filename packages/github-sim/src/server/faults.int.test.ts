import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tinyWorld } from "../world/index.js";
import { type Simulator, startSimulator } from "./server.js";

describe("faults and secondary limits", () => {
  let sim: Simulator;
  let octokit: Octokit;
  beforeAll(async () => {
    sim = await startSimulator({ world: tinyWorld(), tokens: ["f1", "f2"], seed: 3, rateLimits: { maxConcurrent: 4 } });
    octokit = new Octokit({ baseUrl: sim.url, auth: "f1" });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.faults.clear());

  it("answers injected 500/502/503 with GitHub's bodies, uncharged", async () => {
    sim.faults.configure({ queue: ["502", "503", "500"] });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const e = (await octokit.repos.get({ owner: "acme", repo: "api" }).catch((x: unknown) => x)) as {
        status: number;
      };
      statuses.push(e.status);
    }
    expect(statuses).toEqual([502, 503, 500]);
    expect(sim.accounting.of("f1").faults).toBe(3);
    expect(sim.accounting.of("f1").restRequests).toBe(0);
    await expect(octokit.repos.get({ owner: "acme", repo: "api" })).resolves.toMatchObject({ status: 200 });
  });

  it("resets connections", async () => {
    sim.faults.configure({ queue: ["reset"] });
    await expect(fetch(`${sim.url}/repos/acme/api`, { headers: { authorization: "token f1" } })).rejects.toThrow();
  });

  it("answers GraphQL with 'Something went wrong' on demand", async () => {
    sim.faults.configure({ queue: ["graphql-error"] });
    const res = await fetch(sim.graphqlUrl, {
      method: "POST",
      headers: { authorization: "token f1" },
      body: JSON.stringify({ query: "{ viewer { login } }" }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: null; errors: { message: string }[] };
    expect(body.data).toBeNull();
    expect(body.errors[0]?.message).toMatch(
      /^Something went wrong while executing your query\. Please include `[0-9A-F:]+` when reporting this issue\.$/,
    );
  });

  it("slows responses", async () => {
    sim.faults.configure({ slowRate: 1, slowMs: 150 });
    const t = Date.now();
    await octokit.repos.get({ owner: "acme", repo: "api" });
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });

  it("answers more concurrent requests than allowed with a secondary limit (403 + retry-after)", async () => {
    sim.faults.configure({ slowRate: 1, slowMs: 300 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${sim.url}/repos/acme/api`, { headers: { authorization: "token f2" } }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get("retry-after"),
          body: (await r.json()) as { message: string; documentation_url: string },
        })),
      ),
    );
    const limited = results.filter((r) => r.status === 403);
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    expect(limited).toHaveLength(4);
    expect(limited[0]?.retryAfter).toBe("60");
    expect(limited[0]?.body.message).toMatch(
      /^You have exceeded a secondary rate limit\. Please wait a few minutes before you try again\./,
    );
    expect(limited[0]?.body.documentation_url).toContain("#about-secondary-rate-limits");
    expect(sim.accounting.of("f2").rejected).toBe(4);
  });

  it("forces a secondary limit through the admin API", async () => {
    const set = await fetch(`${sim.url}/_sim/faults`, {
      method: "POST",
      body: JSON.stringify({ queue: ["secondary-limit"] }),
    });
    expect(set.status).toBe(200);
    const e = (await octokit.repos.get({ owner: "acme", repo: "api" }).catch((x: unknown) => x)) as {
      status: number;
      response: { headers: Record<string, string> };
    };
    expect(e.status).toBe(403);
    expect(e.response.headers["retry-after"]).toBe("60");
  });

  it("applies GitHub's secondary points-per-minute limit when configured", async () => {
    const s = await startSimulator({ world: tinyWorld(), rateLimits: { restPointsPerMinute: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await fetch(`${s.url}/repos/acme/api`, { headers: { authorization: "token m" } })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 403]);
      s.clock.advance(60_000);
      expect((await fetch(`${s.url}/repos/acme/api`, { headers: { authorization: "token m" } })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it("can answer an exhausted primary limit with 429 instead of 403", async () => {
    const s = await startSimulator({
      world: tinyWorld(),
      tokens: [{ token: "x", restLimit: 1 }],
      rateLimits: { primaryStatus: 429 },
    });
    try {
      const o = new Octokit({ baseUrl: s.url, auth: "x" });
      await o.repos.get({ owner: "acme", repo: "api" });
      const e = (await o.repos.get({ owner: "acme", repo: "api" }).catch((x: unknown) => x)) as { status: number };
      expect(e.status).toBe(429);
    } finally {
      await s.close();
    }
  });
});
