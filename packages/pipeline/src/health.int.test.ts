import { createServer } from "node:net";
import { Writable } from "node:stream";
import { openDatabase, readJournal } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { createLogger } from "@yardstick/log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubRedis } from "./github-redis.js";
import { checkReadiness, startHealthServer } from "./health.js";

const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const silent = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe("readiness: database reachable, migrations applied, Redis reachable (real PostgreSQL and Redis)", () => {
  let t: TestDatabase;
  let empty: TestDatabase;
  const redis = createGitHubRedis(REDIS_URL, silent);
  beforeAll(async () => {
    t = await createTestDatabase();
    empty = await createTestDatabase({ empty: true });
  });
  afterAll(async () => {
    redis.disconnect();
    await t?.drop();
    await empty?.drop();
  });

  it("is ready when all three answer", async () => {
    expect(await checkReadiness({ database: t.handle, pingRedis: () => redis.ping() })).toEqual({
      ready: true,
      checks: [
        { name: "database", ok: true },
        { name: "migrations", ok: true },
        { name: "redis", ok: true },
      ],
    });
    // Without Redis (the embedded setup), no Redis check.
    expect((await checkReadiness({ database: t.handle })).checks.map((c) => c.name)).toEqual([
      "database",
      "migrations",
    ]);
  });

  it("is not ready on a database whose migrations are pending, and names them", async () => {
    const r = await checkReadiness({ database: empty.handle });
    expect(r.ready).toBe(false);
    expect(r.checks[0]).toEqual({ name: "database", ok: true });
    expect(r.checks[1]?.ok).toBe(false);
    const tags = readJournal().map((m) => m.tag);
    expect(r.checks[1]?.detail).toBe(`pending: ${tags.join(", ")} (run yardstick migrate)`);
  });

  it("is not ready when the database is gone or Redis does not answer, within the time limit, naming no address", async () => {
    const gone = await openDatabase({ url: t.url });
    await gone.close();
    const unreachable = createGitHubRedis(`redis://127.0.0.1:${await closedPort()}`, silent);
    try {
      const started = Date.now();
      const r = await checkReadiness({ database: gone, pingRedis: () => unreachable.ping(), timeoutMs: 500 });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(r).toEqual({
        ready: false,
        checks: [
          { name: "database", ok: false, detail: "unreachable" },
          { name: "migrations", ok: false, detail: "database unreachable" },
          { name: "redis", ok: false, detail: "timed out" },
        ],
      });
      expect(JSON.stringify(r)).not.toMatch(/127\.0\.0\.1|postgres:|redis:/);
    } finally {
      unreachable.disconnect();
    }
  });

  it("the health listener answers /healthz, /readyz (200 or 503 with the checks) and nothing else, over HTTP", async () => {
    let ready = true;
    const health = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      logger: silent,
      readiness: async () =>
        ready
          ? checkReadiness({ database: t.handle, pingRedis: () => redis.ping() })
          : checkReadiness({ database: empty.handle }),
    });
    try {
      const get = async (path: string) => {
        const res = await fetch(`${health.url}${path}`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      expect(await get("/healthz")).toEqual({ status: 200, body: { ok: true } });
      const ok = await get("/readyz");
      expect(ok.status).toBe(200);
      expect(ok.body.ready).toBe(true);
      ready = false;
      const not = await get("/readyz");
      expect(not.status).toBe(503);
      expect(not.body.ready).toBe(false);
      expect((await get("/metrics")).status).toBe(404);
      expect((await fetch(`${health.url}/healthz`, { method: "POST" })).status).toBe(405);
    } finally {
      await health.close();
    }
  });
});
