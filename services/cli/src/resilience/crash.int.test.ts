import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pullRequests } from "@yardstick/db";
import { describe, expect, it } from "vitest";
import {
  type CliProcess,
  enqueueAndFollow,
  freePort,
  inlineBaseline,
  obliteratePrefix,
  REDIS_URL,
  rowDifferences,
  snapshot,
  stable,
  startWorker,
  workerRun,
  workerSync,
} from "./harness.js";

const ctx = inlineBaseline(13);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A redis-server of this test's own on a free loopback port (the shared one on 6379 serves other
 * test files at the same time, so it is never restarted). `persistent`: append-only file fsynced
 * on every write, as BullMQ's production guide asks; otherwise the CI's settings (keeps nothing).
 */
class OwnRedis {
  private process: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), "yardstick-redis-"));
  constructor(
    readonly port: number,
    readonly persistent: boolean,
  ) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const persistence = this.persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
    this.process = spawn(
      "redis-server",
      ["--bind", "127.0.0.1", "--port", String(this.port), "--save", "", ...persistence, "--dir", this.dir],
      { stdio: "ignore" },
    );
    for (let i = 0; ; i++) {
      const ping = spawnSync("redis-cli", ["-p", String(this.port), "ping"], { encoding: "utf8" });
      if (ping.stdout.trim() === "PONG") break;
      if (i > 100) throw new Error(`redis-server on ${this.port} did not answer: ${ping.stderr}`);
      await sleep(50);
    }
  }
  /** `redis-cli shutdown nosave`, then wait for the process to end. */
  async shutdown(): Promise<void> {
    const exited = new Promise((r) => this.process?.once("exit", r));
    spawn("redis-cli", ["-p", String(this.port), "shutdown", "nosave"], { stdio: "ignore" });
    await exited;
  }
  async close(): Promise<void> {
    if (this.process?.exitCode === null && this.process.signalCode === null) await this.shutdown();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe("ingest survives crashes: nothing lost, nothing duplicated", () => {
  it("two workers while 10% of GitHub's answers fail (5xx, connection resets, secondary limits, GraphQL errors)", async () => {
    const { db, follow, stop } = await workerSync(ctx, { processes: 2 });
    ctx.sim.accounting.reset();
    ctx.sim.faults.configure({
      serverErrorRate: 0.04,
      resetRate: 0.02,
      secondaryLimitRate: 0.02,
      graphqlErrorRate: 0.02,
    });
    try {
      const run = await follow("faulted");
      expect(run.failed).toEqual([]);
      expect(rowDifferences(stable(await snapshot(db.db)), ctx.baseline)).toEqual({});
      expect(ctx.sim.accounting.total().faults).toBeGreaterThan(0);
    } finally {
      ctx.sim.faults.clear();
      await stop();
    }
  }, 180_000);

  it("a worker killed with SIGKILL five times during the backfill, and restarted each time", async () => {
    const { db, prefix, env } = await workerRun(ctx);
    let worker: CliProcess = startWorker(env);
    let pending = 1;
    const kills: { afterMs: number; pending: number }[] = [];
    let done = false;
    try {
      await worker.waitFor("worker started");
      const killer = (async () => {
        for (let i = 0; i < 5 && !done; i++) {
          // A random moment in the new process's life: before, during or between jobs.
          const afterMs = 200 + Math.floor(Math.random() * 1_300);
          await sleep(afterMs);
          kills.push({ afterMs, pending });
          await worker.kill("SIGKILL");
          worker = startWorker(env);
          await worker.waitFor("worker started");
        }
      })();
      const run = await enqueueAndFollow({
        redisUrl: REDIS_URL,
        prefix,
        db: db.db,
        config: ctx.configFile.config,
        simulatorUrl: ctx.sim.url,
        runId: "killed",
        onPoll: (n) => {
          pending = n;
        },
      });
      done = true;
      await killer;
      expect(kills.length, JSON.stringify(kills)).toBe(5);
      for (const k of kills)
        expect(k.pending, `killed with nothing pending: ${JSON.stringify(kills)}`).toBeGreaterThan(0);
      expect(run.failed).toEqual([]);
      expect(rowDifferences(stable(await snapshot(db.db)), ctx.baseline)).toEqual({});
    } finally {
      done = true;
      await worker.stop();
      await obliteratePrefix(REDIS_URL, prefix);
    }
  }, 180_000);

  it("Redis restarted in the middle of the backfill (append-only file kept): the workers carry on", async () => {
    const redis = new OwnRedis(await freePort(), true);
    await redis.start();
    const { db, follow, stop } = await workerSync(ctx, { processes: 2, redisUrl: redis.url });
    let restarted = false;
    let storedAtRestart = Number.POSITIVE_INFINITY;
    try {
      const run = await follow("redis-restart", {
        onPoll: async (n) => {
          if (restarted || n === 0) return;
          // As soon as the first pull requests are stored (a fixed wait raced a fast sync).
          const stored = (await db.db.select().from(pullRequests)).length;
          if (stored === 0) return;
          restarted = true;
          storedAtRestart = stored;
          await redis.shutdown();
          await sleep(1_000);
          await redis.start();
        },
      });
      expect(restarted).toBe(true);
      // Redis went away while pull requests were still being fetched, not after.
      expect(storedAtRestart).toBeLessThan(ctx.baseline.prs.length);
      expect(run.failed).toEqual([]);
      expect(rowDifferences(stable(await snapshot(db.db)), ctx.baseline)).toEqual({});
    } finally {
      await stop();
      await redis.close();
    }
  }, 180_000);

  it("Redis restarted empty in the middle (no persistence): the next sync completes the data", async () => {
    const redis = new OwnRedis(await freePort(), false);
    await redis.start();
    const { db, follow, stop } = await workerSync(ctx, { processes: 2, redisUrl: redis.url });
    let restarted = false;
    let storedAtRestart = Number.POSITIVE_INFINITY;
    try {
      await follow("wiped", {
        onPoll: async (n) => {
          if (restarted || n === 0) return;
          // As soon as the first pull requests are stored (a fixed wait raced a fast sync).
          const stored = (await db.db.select().from(pullRequests)).length;
          if (stored === 0) return;
          restarted = true;
          storedAtRestart = stored;
          await redis.shutdown();
          await sleep(1_000);
          await redis.start();
        },
      });
      expect(restarted).toBe(true);
      // Redis went away while pull requests were still being fetched, not after.
      expect(storedAtRestart).toBeLessThan(ctx.baseline.prs.length);
      // The queued work went with Redis; the cursors in PostgreSQL did not. The next sync (the
      // periodic one, or `yardstick sync`) picks up where the pages stopped.
      const again = await follow("after-wipe");
      expect(again.failed).toEqual([]);
      expect(rowDifferences(stable(await snapshot(db.db)), ctx.baseline)).toEqual({});
    } finally {
      await stop();
      await redis.close();
    }
  }, 180_000);
});
