import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployments as deploymentsTable } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { generateWorld, presetOptions, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configInputForWorld } from "../demo/world-config.js";
import { runCliProcess } from "../test-cli.js";

const TOKEN = "sync-test-token";

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("yardstick sync fails well", () => {
  let simulator: Simulator;
  let dir: string;
  let config: string;
  let world: World;
  let database: TestDatabase;

  beforeAll(async () => {
    world = World.from(generateWorld(presetOptions("small", 5)));
    simulator = await startSimulator({ world, tokens: [TOKEN] });
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "yardstick-sync-"));
    config = join(dir, "yardstick.config.json");
    writeFileSync(config, JSON.stringify(configInputForWorld(world)));
  }, 120_000);
  afterAll(async () => {
    await simulator?.close();
    await database?.drop();
  });

  const env = (extra: Record<string, string>) => ({
    DATABASE_URL: "pglite:memory",
    YARDSTICK_CONFIG: config,
    YARDSTICK_GITHUB_MIN_TIME_MS: "0",
    ...extra,
  });

  it("exits 3 within seconds, in one line, when GitHub refuses the connection (it retried for 4 min 24 s, exit 1)", async () => {
    const port = await closedPort();
    const started = performance.now();
    const run = await runCliProcess(["sync"], {
      env: env({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: `http://127.0.0.1:${port}` }),
    });
    const seconds = (performance.now() - started) / 1000;
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr.trim().split("\n")).toEqual([
      `yardstick: cannot reach GitHub at http://127.0.0.1:${port} (connection refused): check GITHUB_API_URL or github.apiUrl, and the network`,
    ]);
    expect(run.stderr).not.toMatch(/500|UNKNOWN|at .*\.ts:\d+/);
    // Process start and an in-memory migration included; the retries it replaced took minutes.
    expect(seconds).toBeLessThan(60);
  }, 120_000);

  it("exits 3 in one line when GitHub rejects the token (401; it was exit 1)", async () => {
    const run = await runCliProcess(["sync"], {
      env: env({ GITHUB_TOKEN: "not-a-valid-token", GITHUB_API_URL: simulator.url }),
    });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^yardstick: GitHub at .* rejected the credentials \(401\): set GITHUB_TOKEN/);
  }, 120_000);

  it("refuses --since with REDIS_URL (the workers read their own backfill window) and a --since in the future", async () => {
    const withRedis = await runCliProcess(["sync", "--since", "2026-01-05"], {
      env: env({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: simulator.url, REDIS_URL: "redis://127.0.0.1:6379" }),
    });
    expect(withRedis.code, withRedis.stderr).toBe(2);
    expect(withRedis.stderr).toMatch(/--since.*thresholds\.backfillDays/s);
    const future = await runCliProcess(["sync", "--since", "2999-01-01"], {
      env: env({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: simulator.url }),
    });
    expect(future.code, future.stderr).toBe(2);
    expect(future.stderr).toMatch(/--since: "2999-01-01" is not in the past/);
  }, 120_000);

  it("honours --since in an organisation sync: no deployment before it is stored (it was ignored)", async () => {
    const start = Date.parse(world.header.start);
    const since = new Date(start + (Date.parse(world.header.now) - start) / 2);
    const run = await runCliProcess(["sync", "--since", since.toISOString()], {
      env: env({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: simulator.url, DATABASE_URL: database.url, LOG_LEVEL: "silent" }),
    });
    expect(run.code, run.stderr).toBe(0);
    const stored = await database.db.select({ createdAt: deploymentsTable.createdAt }).from(deploymentsTable);
    expect(stored.length).toBeGreaterThan(0);
    const first = Math.min(...stored.map((d) => d.createdAt.getTime()));
    expect(new Date(first).toISOString() >= since.toISOString()).toBe(true);
  }, 300_000);
});
