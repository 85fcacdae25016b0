import { createHash, randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { generateWorld, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient, readRateBudget } from "./client.js";

/**
 * One token's rate budget shared by clients that do not share memory, only a Redis: each client
 * here has its own Redis connection and limiters, as two worker processes would. Real Redis, the
 * simulator over HTTP.
 */

const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const world = World.from(generateWorld({ seed: 3, engineers: 6, teams: 1, repositories: 1, weeks: 2 }));
const silent = createLogger({
  service: "shared-budget-test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const QUERY = "query { viewer { login } rateLimit { cost remaining resetAt limit } }";

// Fresh tokens per run: limiter and pause keys in the shared Redis derive from the token.
const tokenA = `ghp_shared_${randomBytes(6).toString("hex")}`;
const tokenB = `ghp_other_${randomBytes(6).toString("hex")}`;
let sim: Simulator;
const redisClients: Redis[] = [];
const clients: GitHubClient[] = [];

/** A client with its own Redis connection (and so its own Bottleneck limiters), like another process. */
function processClient(token: string, graphqlMinTimeMs: number): GitHubClient {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  redisClients.push(redis);
  const client = createGitHubClient({
    baseUrl: sim.url,
    auth: { type: "token", token },
    logger: silent,
    throttle: { graphqlMinTimeMs, retryBaseMs: 5, maxWaitMs: 10_000, redis },
  });
  clients.push(client);
  return client;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

beforeAll(async () => {
  sim = await startSimulator({ world, tokens: [tokenA, tokenB], rateLimits: { secondaryRetryAfter: 2 } });
});

afterAll(async () => {
  for (const c of clients) await c.close();
  for (const r of redisClients) await r.quit();
  await sim?.close();
});

describe("a token's budget shared through Redis by clients in different processes", () => {
  it("keeps one GraphQL gap across two clients of the same token, and separate gaps for different tokens", async () => {
    const gap = 250;
    const a = processClient(tokenA, gap);
    const b = processClient(tokenA, gap);
    await Promise.all([a.graphql(QUERY), b.graphql(QUERY)]); // limiters ready, connections warm
    const shared = await timed(() =>
      Promise.all([
        ...Array.from({ length: 4 }, () => a.graphql(QUERY)),
        ...Array.from({ length: 4 }, () => b.graphql(QUERY)),
      ]),
    );
    // 8 requests of one token with a 250 ms gap between any two: at least 7 gaps.
    expect(shared).toBeGreaterThanOrEqual(7 * gap * 0.9);

    const c = processClient(tokenB, gap);
    await c.graphql(QUERY);
    const separate = await timed(() =>
      Promise.all([
        ...Array.from({ length: 4 }, () => a.graphql(QUERY)),
        ...Array.from({ length: 4 }, () => c.graphql(QUERY)),
      ]),
    );
    // Two tokens, two budgets: each client's 4 requests need 3 gaps, side by side.
    expect(separate).toBeLessThan(shared * 0.75);
  }, 30_000);

  it("pauses the other client's requests while GitHub's secondary limit seen by one lasts", async () => {
    const a = processClient(tokenA, 0);
    const b = processClient(tokenA, 0);
    await Promise.all([a.graphql(QUERY), b.graphql(QUERY)]);
    const before = { ...sim.accounting.of(tokenA) };
    sim.faults.configure({ queue: ["secondary-limit"] });
    const started = performance.now();
    // A meets the secondary limit (retry-after: 2 s) and waits it out before retrying.
    const first = a.graphql(QUERY).then(() => performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // B, in "another process", sends nothing until the pause A saw has passed.
    const second = await b.graphql(QUERY).then(() => performance.now() - started);
    expect(await first).toBeGreaterThanOrEqual(1900);
    expect(second).toBeGreaterThanOrEqual(1900);
    const after = sim.accounting.of(tokenA);
    expect(after.faults - before.faults).toBe(1);
    expect(after.graphqlRequests - before.graphqlRequests).toBe(2);
  }, 30_000);

  it("carries on when Redis loses the limiters' keys (restarted empty, evicted)", async () => {
    const a = processClient(tokenA, 50);
    await a.graphql(QUERY);
    // The limiters of this token only (other tests may share the Redis): ids end with the token's hash.
    const hash = createHash("sha256").update(`token:${tokenA}`).digest("hex").slice(0, 16);
    const redis = redisClients.at(-1) as Redis;
    const keys = (await redis.keys("b_yardstick-github-*")).filter((k) => k.includes(hash));
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    const { data } = await a.graphql<{ viewer: { login: string } }>(QUERY);
    expect(data.viewer.login).toBeTruthy();
  }, 30_000);

  it("publishes the budget each response shows, per credential and resource, for any process's status route", async () => {
    const a = processClient(tokenB, 50);
    await a.graphql(QUERY);
    const repo = world.repos()[0];
    await a.octokit.request("GET /repos/{owner}/{repo}", { owner: repo?.org ?? "", repo: repo?.name ?? "" });
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    redisClients.push(redis);
    const seen = a.rateLimitState();
    let budget = await readRateBudget(redis, { type: "token", token: tokenB });
    for (let i = 0; i < 50 && budget.resources.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      budget = await readRateBudget(redis, { type: "token", token: tokenB });
    }
    // The credential is named by a hash, never by the token.
    expect(budget.credential).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(budget)).not.toContain(tokenB);
    expect(budget.resources.map((r) => r.resource)).toEqual(["core", "graphql"]);
    for (const r of budget.resources) {
      expect(r.remaining).toBe(seen.get(r.resource)?.remaining);
      expect(r.limit).toBeGreaterThan(r.remaining);
      expect(Date.parse(r.resetAt)).toBe(seen.get(r.resource)?.resetAtMs);
    }
    // Another credential's budget is its own.
    expect((await readRateBudget(redis, { type: "token", token: "ghp_never_used" })).resources).toEqual([]);
  }, 30_000);
});
