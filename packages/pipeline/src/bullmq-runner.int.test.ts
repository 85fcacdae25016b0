import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { createLogger } from "@yardstick/log";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { BullMqRunner } from "./bullmq-runner.js";
import { type TestDeps, testCatalog, testProcessors } from "./test-catalog.js";

const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const silent = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

const runners: BullMqRunner<typeof testCatalog, TestDeps>[] = [];
afterEach(async () => {
  for (const r of runners.splice(0)) {
    await r.obliterate();
    await r.close(1_000);
  }
});

function runner(prefix = `ystest-${randomUUID()}`) {
  const deps: TestDeps = { recorded: [], attempts: new Map() };
  const r = new BullMqRunner({
    catalog: testCatalog,
    processors: testProcessors,
    deps,
    logger: silent,
    redisUrl: REDIS_URL,
    prefix,
  });
  runners.push(r);
  return { r, deps };
}

describe("BullMqRunner on real Redis", () => {
  it("runs the job graph across queues; duplicate job ids are no-ops", async () => {
    const { r, deps } = runner();
    await r.enqueue("test.fan-out", { count: 5 });
    await r.enqueue("test.fan-out", { count: 5 });
    r.start();
    await r.waitUntilIdle(20_000);
    expect(deps.recorded.sort()).toEqual(["item-0", "item-1", "item-2", "item-3", "item-4"]);
  });

  it("does not count a job scheduler's next run as pending work, and does count real work", async () => {
    const { r } = runner();
    // Once a year: the scheduler's next job waits, delayed, for months.
    await r.schedule("yearly", { pattern: "0 9 1 1 *", tz: "Europe/Berlin" }, "test.record", { key: "yearly" });
    expect((await r.scheduleOf("yearly", "test.record"))?.next?.getTime()).toBeGreaterThan(Date.now());
    expect(await r.pending()).toBe(0);
    await r.enqueue("test.record", { key: "now" });
    expect(await r.pending()).toBe(1);
    expect(await r.unschedule("yearly", "test.record")).toBe(true);
    expect(await r.scheduleOf("yearly", "test.record")).toBeNull();
    expect(await r.unschedule("yearly", "test.record")).toBe(false);
  });

  it("retries retryable errors and fails non-retryable ones after one attempt", async () => {
    const { r, deps } = runner();
    await r.enqueue("test.flaky", { key: "a", failures: 2 });
    await r.enqueue("test.broken", { key: "b" });
    r.start();
    await r.waitUntilIdle(20_000);
    expect(deps.recorded).toEqual(["a"]);
    expect(deps.attempts.get("a")).toBe(3);
    expect(deps.attempts.get("b")).toBe(1);
    const failed = await r.failed();
    expect(failed.map((f) => f.jobId)).toEqual(["broken-b"]);
  });

  it("pauses the queue when the source says wait, without burning the job's attempts", async () => {
    const { r, deps } = runner();
    await r.enqueue("test.rate-limited", { key: "x", waitMs: 300 });
    const started = Date.now();
    r.start();
    await r.waitUntilIdle(20_000);
    // attempts is 1: a burned attempt would have failed the job instead of running it again.
    expect(deps.recorded).toEqual(["x"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("delays a deferred job without using an attempt, and runs it once what it waits for is there", async () => {
    const { r, deps } = runner();
    await r.enqueue("test.deferred", { key: "d", after: "x", delayMs: 100 });
    r.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(deps.recorded).toEqual([]);
    await r.enqueue("test.record", { key: "x" });
    await r.waitUntilIdle(20_000);
    // attempts is 1: a deferral that used it up would have failed the job.
    expect(deps.recorded).toEqual(["x", "d"]);
    expect(deps.attempts.get("d")).toBeGreaterThanOrEqual(3);
    expect(await r.failed()).toEqual([]);
  });

  it("fails a job whose payload breaks its schema as unrecoverable (one attempt)", async () => {
    const prefix = `ystest-${randomUUID()}`;
    const { r, deps } = runner(prefix);
    // A producer from an older version (or a hand-made job) puts a bad payload on the queue.
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const raw = new Queue("test-b", { connection, prefix });
    await raw.add("test.broken", { key: 42 }, { jobId: "bad-payload", attempts: 5 });
    await raw.close();
    connection.disconnect();
    r.start();
    await r.waitUntilIdle(20_000);
    const failed = await r.failed();
    expect(failed).toHaveLength(1);
    expect(failed[0]?.attempts).toBe(1);
    expect(failed[0]?.reason).toMatch(/key/);
    expect(deps.attempts.size).toBe(0);
  });
});
