import { randomUUID } from "node:crypto";
import { createLogger } from "@yardstick/log";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { BullMqRunner, waitListKey } from "./bullmq-runner.js";
import { jobs } from "./catalog.js";

const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe("waitListKey: the list KEDA's Redis scaler reads", () => {
  const prefix = `yswait-${randomUUID().slice(0, 8)}`;
  const runner = new BullMqRunner({
    catalog: jobs,
    deps: null,
    logger: createLogger({ service: "test", level: "silent" }),
    redisUrl: REDIS_URL,
    prefix,
  });
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    await runner.obliterate();
    await runner.close(1_000);
    redis.disconnect();
  });

  it("is the Redis list whose length is the queue's waiting jobs", async () => {
    expect(waitListKey("yardstick", "ingest")).toBe("yardstick:ingest:wait");
    for (const repo of ["acme/a", "acme/b", "acme/c"])
      await runner.enqueue("sync.pulls", { repo, runId: "wait-list", since: null });
    expect(await redis.type(waitListKey(prefix, "ingest"))).toBe("list");
    expect(await redis.llen(waitListKey(prefix, "ingest"))).toBe(3);
    expect((await runner.depths()).find((d) => d.name === "ingest")?.waiting).toBe(3);
  });
});
