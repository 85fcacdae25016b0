import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import type { Simulator } from "@yardstick/github-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChildEnv,
  CliProcess,
  enqueueAndFollow,
  freePort,
  REDIS_URL as HARNESS_REDIS_URL,
  obliteratePrefix,
  simulate,
  smallWorld,
  uniquePrefix,
  WORKER_ARGS,
  writeConfigFile,
} from "../resilience/harness.js";
import { runCliProcess } from "../test-cli.js";

const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe("yardstick worker", () => {
  it("refuses to start on a Redis database index Redis refuses (exit 2 naming REDIS_URL), instead of running jobs in database 0", async () => {
    const run = await runCliProcess(["worker", "--no-digest", "--every", "0"], {
      env: {
        REDIS_URL: `${REDIS_URL}/999`,
        DATABASE_URL: "pglite:memory",
        GITHUB_TOKEN: "unused",
        GITHUB_API_URL: "http://127.0.0.1:9",
        LOG_LEVEL: "silent",
      },
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/REDIS_URL/);
    expect(run.stderr).toMatch(/999/);
  }, 60_000);
});

describe("health and readiness over HTTP: a worker processing a sync, and serve", () => {
  const world = smallWorld(5);
  let sim: Simulator;
  let db: TestDatabase;
  let configFile: Awaited<ReturnType<typeof writeConfigFile>>;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    sim = await simulate(world);
    db = await createTestDatabase();
    configFile = await writeConfigFile(world);
  });
  afterAll(async () => {
    await obliteratePrefix(HARNESS_REDIS_URL, prefix);
    configFile?.remove();
    await db?.drop();
    await sim?.close();
  });
  const env = (): ChildEnv => ({
    databaseUrl: db.url,
    redisUrl: HARNESS_REDIS_URL,
    simulatorUrl: sim.url,
    configPath: configFile.path,
    prefix,
  });
  const get = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, body: (await res.json()) as { ok?: boolean; ready?: boolean; checks?: unknown } };
  };
  const allReady = {
    ready: true,
    checks: [
      { name: "database", ok: true },
      { name: "migrations", ok: true },
      { name: "redis", ok: true },
    ],
  };

  it("yardstick worker --health-port: /healthz and /readyz answer 200 while it syncs, and stop with it", async () => {
    const port = await freePort();
    const worker = new CliProcess([...WORKER_ARGS, "--health-port", String(port), "--health-host", "127.0.0.1"], env());
    try {
      await worker.waitFor("worker started");
      const base = `http://127.0.0.1:${port}`;
      expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: { ok: true } });
      expect(await get(`${base}/readyz`)).toEqual({ status: 200, body: allReady });
      // Probed while the worker processes a whole sync of the world.
      const probes: number[] = [];
      const result = await enqueueAndFollow({
        redisUrl: HARNESS_REDIS_URL,
        prefix,
        db: db.db,
        config: configFile.config,
        simulatorUrl: sim.url,
        runId: "health",
        onPoll: async () => {
          if (probes.length < 20)
            probes.push((await get(`${base}/readyz`)).status, (await get(`${base}/healthz`)).status);
        },
      });
      expect(result.failed).toEqual([]);
      expect(probes.length).toBeGreaterThan(0);
      expect(probes.every((s) => s === 200)).toBe(true);
      await worker.stop();
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      await worker.stop();
    }
  }, 300_000);

  it("yardstick serve: /readyz answers 200 with the database, migrations and Redis checks", async () => {
    const port = await freePort();
    const serve = new CliProcess(["serve", "--port", String(port)], env());
    try {
      await serve.waitFor("listening on");
      expect(await get(`http://127.0.0.1:${port}/healthz`)).toEqual({ status: 200, body: { ok: true } });
      expect(await get(`http://127.0.0.1:${port}/readyz`)).toEqual({ status: 200, body: allReady });
    } finally {
      await serve.stop();
    }
  }, 120_000);
});
