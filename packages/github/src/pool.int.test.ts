import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { generateWorld, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { credentialId, readRateBudget } from "./client.js";
import { GitHubErrorCode } from "./errors.js";
import { accountOfRequest, createGitHubPool, type GitHubPool } from "./pool.js";
import { checkGitHubAccess } from "./probe.js";

/**
 * Several credentials used together, against the simulator over HTTP (each token with its own
 * budget there) and, where they share budgets, real Redis.
 */

const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const world = World.from(generateWorld({ seed: 5, engineers: 6, teams: 1, repositories: 2, weeks: 2 }));
const org = world.orgs()[0]?.login ?? "";
const repo = world.repos()[0] ?? { org, name: "" };
const silent = createLogger({
  service: "pool-test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const QUERY = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { name } rateLimit { cost remaining resetAt limit } }`;
const fresh = (name: string) => `ghp_${name}_${randomBytes(6).toString("hex")}`;

let sim: Simulator;
const pools: GitHubPool[] = [];
const redisClients: Redis[] = [];
beforeAll(async () => {
  // Tokens are added per test with limits of their own (sim.tokens.add / setTokenLimits).
  sim = await startSimulator({ world, tokens: [] });
});
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
  // Closing a pool also drops the Redis connection it was given (Bottleneck disconnects it).
  for (const r of redisClients.splice(0)) await r.quit().catch(() => undefined);
});
afterAll(async () => {
  await sim?.close();
});

function token(name: string, limits: { graphqlLimit?: number; restLimit?: number } = {}): string {
  const value = fresh(name);
  sim.tokens.add({ token: value });
  sim.rateLimiter.setTokenLimits(value, {
    ...(limits.graphqlLimit === undefined ? {} : { graphql: limits.graphqlLimit }),
    ...(limits.restLimit === undefined ? {} : { core: limits.restLimit }),
  });
  return value;
}

function pool(tokens: { token: string; orgs?: string[] }[], options: { redis?: boolean; maxWaitMs?: number } = {}) {
  let redis: Redis | undefined;
  if (options.redis === true) {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    redisClients.push(redis);
  }
  const p = createGitHubPool({
    baseUrl: sim.url,
    credentials: tokens.map((t, i) => ({
      auth: { type: "token", token: t.token },
      label: `GITHUB_TOKENS#${i + 1}`,
      orgs: t.orgs ?? null,
    })),
    logger: silent,
    throttle: {
      graphqlMinTimeMs: 0,
      retryBaseMs: 5,
      ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
      ...(redis === undefined ? {} : { redis }),
    },
  });
  pools.push(p);
  return p;
}

const query = (p: GitHubPool) => p.graphql(QUERY, { owner: repo.org, name: repo.name });
const rest = (p: GitHubPool) => p.octokit.request("GET /repos/{owner}/{repo}", { owner: repo.org, repo: repo.name });

describe("accountOfRequest", () => {
  it.each([
    [{ owner: "acme", repo: "x" }, "acme"],
    [{ org: "globex" }, "globex"],
    [{ url: "/repos/acme/api/actions/runs?page=2" }, "acme"],
    [{ url: "GET /orgs/acme%2Dx/teams" }, "acme-x"],
    [{ url: "https://ghe.example.com/api/v3/repos/acme/api" }, "acme"],
    [{ url: "/rate_limit" }, null],
    [{}, null],
  ])("%j is about %s", (params, want) => {
    expect(accountOfRequest(params)).toBe(want);
  });
});

describe("several credentials used together", () => {
  it("spreads requests over the credentials, each spending its own budget", async () => {
    const a = token("spread_a");
    const b = token("spread_b");
    const p = pool([{ token: a }, { token: b }]);
    for (let i = 0; i < 10; i++) await query(p);
    for (let i = 0; i < 6; i++) await rest(p);
    const usedA = sim.accounting.of(a);
    const usedB = sim.accounting.of(b);
    expect(usedA.graphqlRequests + usedB.graphqlRequests).toBe(10);
    expect(Math.abs(usedA.graphqlRequests - usedB.graphqlRequests)).toBeLessThanOrEqual(1);
    expect(Math.abs(usedA.restRequests - usedB.restRequests)).toBeLessThanOrEqual(1);
    expect(p.members.map((m) => m.id)).toEqual([
      credentialId({ type: "token", token: a }),
      credentialId({ type: "token", token: b }),
    ]);
  });

  it("goes on with the other credential when one runs dry, per resource, and nothing fails", async () => {
    const a = token("dry_a");
    const b = token("dry_b");
    const p = pool([{ token: a }, { token: b }], { maxWaitMs: 0 });
    for (let i = 0; i < 4; i++) await query(p);
    for (let i = 0; i < 4; i++) await rest(p);
    expect(sim.accounting.of(a).graphqlRequests).toBe(2);
    expect(sim.accounting.of(a).restRequests).toBe(2);
    // Something else spends A's whole GraphQL budget (another tool using the token): the pool
    // learns it from one refused request and sends the rest to B; A's REST budget is still used.
    sim.rateLimiter.exhaust(a, "graphql");
    for (let i = 0; i < 10; i++) await query(p);
    for (let i = 0; i < 6; i++) await rest(p);
    expect(sim.accounting.of(a).rejected).toBe(1);
    expect(sim.accounting.of(a).graphqlRequests).toBe(2);
    expect(sim.accounting.of(b).graphqlRequests).toBe(2 + 10);
    expect(sim.accounting.of(a).restRequests + sim.accounting.of(b).restRequests).toBe(10);
    expect(sim.accounting.of(a).restRequests).toBeGreaterThanOrEqual(4);
  });

  it("waits for the earliest reset only when every credential is dry, and says how long", async () => {
    const a = token("all_a", { graphqlLimit: 1 });
    const b = token("all_b", { graphqlLimit: 1 });
    const p = pool([{ token: a }, { token: b }], { maxWaitMs: 0 });
    await query(p);
    await query(p);
    const error = await query(p).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: GitHubErrorCode.rateLimited, retryable: true });
    const resets = [a, b].map((t) => sim.rateLimiter.window(t, "graphql").reset * 1000);
    const retryAfterMs = (error as { retryAfterMs: number }).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    // The earliest of the two resets (give or take the second GitHub asks to add, and the clock).
    expect(Date.now() + retryAfterMs).toBeLessThanOrEqual(Math.min(...resets) + 5_000);
  });

  it("when every credential meets a short limit, waits for the earliest end and then succeeds", async () => {
    const a = token("short_a");
    const b = token("short_b");
    const p = pool([{ token: a }, { token: b }], { maxWaitMs: 10_000 });
    await query(p);
    await query(p);
    const retryAfter = sim.rateLimiter.options.secondaryRetryAfter;
    sim.rateLimiter.options.secondaryRetryAfter = 1;
    sim.faults.configure({ queue: ["secondary-limit", "secondary-limit"] });
    try {
      const started = performance.now();
      const { data } = await query(p);
      expect(data).toMatchObject({ repository: { name: repo.name } });
      expect(performance.now() - started).toBeGreaterThanOrEqual(900);
      expect(sim.accounting.of(a).faults + sim.accounting.of(b).faults).toBe(2);
      expect(sim.accounting.of(a).faults).toBe(1);
    } finally {
      sim.rateLimiter.options.secondaryRetryAfter = retryAfter;
      sim.faults.configure({});
    }
  });

  it("sends an organisation's requests only to credentials that may read it", async () => {
    const other = token("org_other");
    const own = token("org_own");
    const p = pool([
      { token: other, orgs: ["someone-else"] },
      { token: own, orgs: [org] },
    ]);
    for (let i = 0; i < 4; i++) await query(p);
    expect(sim.accounting.of(other).graphqlRequests).toBe(0);
    expect(sim.accounting.of(own).graphqlRequests).toBe(4);
    const none = pool([{ token: other, orgs: ["someone-else"] }]);
    await expect(query(none)).rejects.toMatchObject({ code: GitHubErrorCode.forbidden, retryable: false });
  });

  it("shares what each credential has left through Redis: a second process passes over the one the first ran dry", async () => {
    const a = token("redis_a", { graphqlLimit: 2 });
    const b = token("redis_b");
    // One process spends A's two points: its last response says none are left.
    const first = pool([{ token: a }], { redis: true, maxWaitMs: 0 });
    for (let i = 0; i < 2; i++) await query(first);
    const reader = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    redisClients.push(reader);
    let seen = await readRateBudget(reader, { type: "token", token: a });
    for (let i = 0; i < 50 && seen.resources.find((r) => r.resource === "graphql")?.remaining !== 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      seen = await readRateBudget(reader, { type: "token", token: a });
    }
    expect(seen.resources.find((r) => r.resource === "graphql")?.remaining).toBe(0);
    const rejectedBefore = sim.accounting.of(a).rejected;
    // Another process with both credentials, knowing nothing locally, sends nothing to A.
    const second = pool([{ token: a }, { token: b }], { redis: true, maxWaitMs: 0 });
    for (let i = 0; i < 3; i++) await query(second);
    expect(sim.accounting.of(a).rejected).toBe(rejectedBefore);
    expect(sim.accounting.of(a).graphqlRequests).toBe(2);
    expect(sim.accounting.of(b).graphqlRequests).toBe(3);
  });

  it("checks every credential before a sync, naming a rejected one by its label, never its token", async () => {
    const good = token("probe_good");
    await expect(checkGitHubAccess(pool([{ token: good }, { token: fresh("probe_unknown") }]))).rejects.toMatchObject({
      code: "unavailable.github_credentials",
      message: expect.stringMatching(/rejected the credential GITHUB_TOKENS#2 \(401\)/),
    });
    await expect(checkGitHubAccess(pool([{ token: good }, { token: token("probe_other") }]))).resolves.toBeUndefined();
  });
});
