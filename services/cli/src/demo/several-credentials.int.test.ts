import { randomBytes, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { createApiToken, startApiServer } from "@yardstick/api";
import { type Config, parseEnv } from "@yardstick/config";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { credentialId, type GitHubClient, type GitHubPool } from "@yardstick/github";
import { generateWorld, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import {
  BullMqRunner,
  createGitHubRedis,
  createPipelineDeps,
  enqueueSync,
  githubBudgetReader,
  jobs,
  processors,
} from "@yardstick/pipeline";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshot, worldMergedPulls } from "../resilience/harness.js";
import { githubClientFor, githubCredentialsFor } from "../runtime.js";
import { configForWorld } from "./world-config.js";

/**
 * Two credentials sharing the work of one sync: two BullMQ workers (each its own GitHub clients
 * and Redis connection, as two processes would have) against the simulator over HTTP, where each
 * token has its own budget. Mid-sync one token runs dry (something else spends its budget); the
 * sync completes on the other, with every merged pull request stored, and the status route shows
 * both budgets by hash and label, never a token.
 */

const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const silent = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const world = World.from(generateWorld({ seed: 11, engineers: 12, teams: 2, repositories: 4, weeks: 5 }), {
  truth: true,
});
const now = new Date(world.header.now);
const config: Config = configForWorld(world);
// Fresh tokens per run: the budget, pause and limiter keys in the shared Redis derive from them.
const tokenA = `ghp_first_${randomBytes(6).toString("hex")}`;
const tokenB = `ghp_second_${randomBytes(6).toString("hex")}`;

describe("a sync shared by two credentials, one running dry mid-sync", () => {
  let t: TestDatabase;
  let sim: Simulator;
  const redisClients: Redis[] = [];
  const clients: GitHubClient[] = [];
  const runners: BullMqRunner<typeof jobs, ReturnType<typeof createPipelineDeps>>[] = [];
  let failed: { name: string; jobId: string; reason: string }[] = [];
  let dryAt = { graphql: 0, rest: 0 };
  /** What the simulator had left of A's GraphQL budget just before something spent it all. */
  let graphqlLeftBeforeDry = -1;
  const env = parseEnv({ GITHUB_TOKENS: `${tokenA}, ${tokenB}` });

  beforeAll(async () => {
    t = await createTestDatabase();
    // The real clock: rate-limit resets lie an hour ahead, as at GitHub.
    sim = await startSimulator({ world, tokens: [tokenA, tokenB], seed: 2 });
    const runtime = {
      config,
      env: parseEnv({ GITHUB_TOKENS: `${tokenA}, ${tokenB}`, GITHUB_API_URL: sim.url }),
      logger: silent,
    };
    const prefix = `ystest-${randomUUID()}`;
    // Two workers: each its own Redis connection for the shared budgets, its own pool of clients.
    for (let i = 0; i < 2; i++) {
      const redis = createGitHubRedis(REDIS_URL, silent);
      redisClients.push(redis);
      const github = githubClientFor(runtime, undefined, {
        redis,
        throttle: { graphqlMinTimeMs: 0, retryBaseMs: 5 },
      });
      clients.push(github);
      const deps = createPipelineDeps({ db: t.db, github, config, now: () => now });
      const runner = new BullMqRunner({
        catalog: jobs,
        processors,
        deps,
        logger: silent,
        redisUrl: REDIS_URL,
        prefix,
        concurrency: { ingest: 2, attribution: 1, metrics: 1, digest: 1 },
      });
      runners.push(runner);
    }
    const first = runners[0] as (typeof runners)[number];
    await enqueueSync(first, createPipelineDeps({ db: t.db, github: clients[0] as GitHubClient, config }), {
      runId: "two-credentials",
    });
    // Once the sync is well under way, something else spends the first token's whole budget.
    const total = () => sim.accounting.total();
    const watcher = setInterval(() => {
      const used = total();
      if (used.graphqlRequests + used.restRequests >= 20 && dryAt.graphql === 0) {
        graphqlLeftBeforeDry = sim.rateLimiter.remaining(sim.rateLimiter.window(tokenA, "graphql"));
        sim.rateLimiter.exhaust(tokenA, "graphql");
        sim.rateLimiter.exhaust(tokenA, "core");
        dryAt = { graphql: sim.accounting.of(tokenA).graphqlRequests, rest: sim.accounting.of(tokenA).restRequests };
      }
    }, 5);
    try {
      for (const r of runners) r.start();
      await first.waitUntilIdle(300_000);
    } finally {
      clearInterval(watcher);
    }
    failed = await first.failed();
  }, 400_000);

  afterAll(async () => {
    for (const r of runners) {
      await r.obliterate().catch(() => undefined);
      await r.close(1_000);
    }
    for (const c of clients) await c.close();
    for (const r of redisClients) r.disconnect();
    await sim?.close();
    await t?.drop();
  });

  it("uses both credentials as a pool, named by hash and label", () => {
    expect(githubCredentialsFor({ config, env }).map((c) => c.label)).toEqual(["GITHUB_TOKENS#1", "GITHUB_TOKENS#2"]);
    const pool = clients[0] as GitHubPool;
    expect(pool.members.map((m) => m.id)).toEqual([
      credentialId({ type: "token", token: tokenA }),
      credentialId({ type: "token", token: tokenB }),
    ]);
  });

  it("completes with the other credential when one runs dry, nothing lost", async () => {
    expect(dryAt.graphql + dryAt.rest).toBeGreaterThan(0);
    expect(failed).toEqual([]);
    const a = sim.accounting.of(tokenA);
    const b = sim.accounting.of(tokenB);
    // Both shared the work before A ran dry; after, A served nothing (at most one refusal per
    // resource and worker before the pool knew), and B did the rest.
    expect(a.graphqlRequests).toBeGreaterThan(0);
    expect(a.graphqlRequests).toBe(dryAt.graphql);
    expect(a.restRequests).toBe(dryAt.rest);
    expect(a.rejected).toBeGreaterThan(0);
    expect(a.rejected).toBeLessThanOrEqual(4);
    expect(b.graphqlRequests).toBeGreaterThan(a.graphqlRequests);
    expect(sim.rateLimiter.remaining(sim.rateLimiter.window(tokenA, "graphql"))).toBe(0);
    // Every merged pull request of the world is stored, with its commits.
    const stored = await snapshot(t.db);
    const keys = stored.prs.map((p) => `${p.repo}#${p.number}`).sort();
    expect(keys).toEqual(worldMergedPulls(world).sort());
    const linked = new Set(stored.links.map((l) => `${l.repo}#${l.number}`));
    for (const key of keys) expect(linked.has(key), key).toBe(true);
  });

  it("shows both budgets in the status route, by hash and label, never a token", async () => {
    const reader = githubBudgetReader(REDIS_URL, githubCredentialsFor({ config, env }), silent);
    const api = await startApiServer({
      logger: silent,
      read: { db: t.db, config, rateBudget: reader.read },
      checkResponses: true,
    });
    try {
      const { token } = await createApiToken(t.db, { name: "viewer", role: "viewer" });
      const res = await fetch(`${api.url}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(tokenA);
      expect(text).not.toContain(tokenB);
      const budgets = JSON.parse(text).rateBudget as {
        credential: string;
        label: string;
        resources: { resource: string; remaining: number; limit: number }[];
      }[];
      expect(budgets.map((b) => [b.credential, b.label])).toEqual([
        [credentialId({ type: "token", token: tokenA }), "GITHUB_TOKENS#1"],
        [credentialId({ type: "token", token: tokenB }), "GITHUB_TOKENS#2"],
      ]);
      const graphql = (i: number) => budgets[i]?.resources.find((r) => r.resource === "graphql");
      // The budget a worker last saw. It is 0 when a worker's GraphQL request met A's spent budget;
      // whether one did depends on timing (after a REST refusal, the pool may have sent every
      // GraphQL request to B), and then the last seen is a value from before A was spent: never
      // less than what A had left then, never the full budget.
      const seenA = graphql(0)?.remaining ?? -1;
      expect(graphqlLeftBeforeDry).toBeGreaterThan(0);
      expect(
        seenA === 0 || (seenA >= graphqlLeftBeforeDry && seenA < 5_000),
        `A's GraphQL budget shown: ${seenA}`,
      ).toBe(true);
      expect(graphql(1)?.remaining).toBe(sim.rateLimiter.remaining(sim.rateLimiter.window(tokenB, "graphql")));
      expect(graphql(1)?.limit).toBe(5_000);
    } finally {
      await api.close();
      reader.close();
    }
  });
});
