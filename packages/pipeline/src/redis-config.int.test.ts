import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { AppError, InputError } from "@yardstick/core";
import { createLogger } from "@yardstick/log";
import { describe, expect, it } from "vitest";
import { BullMqRunner, redisDbIndex } from "./bullmq-runner.js";
import { testCatalog } from "./test-catalog.js";

const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const silent = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

function runner(redisUrl: string) {
  return new BullMqRunner({
    catalog: testCatalog,
    deps: null,
    logger: silent,
    redisUrl,
    prefix: `ystest-${randomUUID()}`,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

describe("Redis misconfiguration", () => {
  it.each([
    ["redis://h:6379", 0],
    ["redis://h:6379/3", 3],
    ["redis://h:6379?db=5", 5],
    ["redis://h:6379/x", -1],
  ])("%s names database %i", (url, db) => {
    expect(redisDbIndex(url)).toBe(db);
  });

  it("refuses a database index Redis refuses, instead of writing the jobs to database 0", async () => {
    const r = runner(`${REDIS_URL}/999`);
    const error = await failureOf(r.ready());
    await r.close(1_000);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe("config.redis_db");
    expect((error as InputError).message).toContain("REDIS_URL");
  });

  it("says Redis is unavailable within seconds when nothing answers", async () => {
    const r = runner("redis://127.0.0.1:9");
    const started = Date.now();
    const error = await failureOf(r.ready(2_000));
    await r.close(1_000);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("unavailable.redis");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("is ready on a reachable Redis and a valid database", async () => {
    const r = runner(`${REDIS_URL}/0`);
    await r.ready();
    await r.close(1_000);
  });
});
