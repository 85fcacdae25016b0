import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createLogger } from "@yardstick/log";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { BullMqRunner } from "./bullmq-runner.js";
import { type TestDeps, testCatalog, testProcessors } from "./test-catalog.js";

/**
 * A Redis of this test's own, on a spare loopback port (never the shared one on 6379, which other
 * tests use): stopped and started again while a follower waits on it.
 */
const PORT = 20_000 + Math.floor(Math.random() * 20_000);
const URL = `redis://127.0.0.1:${PORT}`;
const dir = mkdtempSync(join(tmpdir(), "yardstick-redis-restart-"));
let server: ChildProcess | null = null;

async function startRedis(): Promise<void> {
  server = spawn(
    "redis-server",
    ["--port", String(PORT), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 50; i++) {
    const probe = new Redis(URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("redis-server did not start");
}

async function stopRedis(): Promise<void> {
  const child = server;
  if (child === null) return;
  server = null;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const lines: string[] = [];
const logger = createLogger({
  service: "test",
  level: "warn",
  destination: new Writable({
    write: (chunk, _e, cb) => {
      lines.push(String(chunk));
      cb();
    },
  }),
});

afterAll(async () => {
  await stopRedis();
});

describe("a sync follower and a Redis restart", () => {
  it("waits for Redis to come back and follows the jobs to the end", async () => {
    await startRedis();
    const prefix = `ystest-${randomUUID()}`;
    const producer = new BullMqRunner({ catalog: testCatalog, deps: null, logger, redisUrl: URL, prefix });
    await producer.ready();
    await producer.enqueue("test.fan-out", { count: 3 });
    const following = producer.follow({ pollMs: 100, outageMs: 60_000 }).then(
      () => "done",
      (error: unknown) => error,
    );
    await new Promise((r) => setTimeout(r, 300));
    await stopRedis();
    await new Promise((r) => setTimeout(r, 1_500));
    await startRedis();
    // The jobs survived in the AOF; a worker now runs them while the follower watches.
    const deps: TestDeps = { recorded: [], attempts: new Map() };
    const worker = new BullMqRunner({
      catalog: testCatalog,
      processors: testProcessors,
      deps,
      logger,
      redisUrl: URL,
      prefix,
    });
    worker.start();
    const outcome = await following;
    await worker.close(2_000);
    await producer.close(2_000);
    expect(outcome).toBe("done");
    expect(deps.recorded.sort()).toEqual(["item-0", "item-1", "item-2"]);
    expect(lines.join("")).toContain("Redis unavailable; waiting for it to come back");
  }, 60_000);
});
