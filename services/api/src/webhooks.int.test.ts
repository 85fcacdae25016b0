import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { type DatabaseHandle, migrateDatabase, openDatabase, webhookDeliveries } from "@yardstick/db";
import { createLogger } from "@yardstick/log";
import { BullMqRunner, jobs } from "@yardstick/pipeline";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseDeliveryStore } from "./delivery-store.js";
import { startApiServer } from "./server.js";
import { signWebhook } from "./signature.js";

const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = "it's a secret to everybody";
const silent = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

let handle: DatabaseHandle;
let api: Awaited<ReturnType<typeof startApiServer>>;
let runner: BullMqRunner<typeof jobs, null>;
const prefix = `ystest-${randomUUID()}`;

beforeAll(async () => {
  handle = await openDatabase({ url: "pglite:memory" });
  await migrateDatabase(handle);
  // The producer side only: no workers, so enqueued jobs stay put for the test to read.
  runner = new BullMqRunner({
    catalog: jobs,
    processors: {} as never,
    deps: null,
    logger: silent,
    redisUrl: REDIS_URL,
    prefix,
  });
  api = await startApiServer({
    logger: silent,
    webhooks: {
      secret: SECRET,
      deliveries: databaseDeliveryStore(handle.db),
      enqueue: (r) => runner.enqueue(r.name, r.payload as never),
      logger: silent,
      now: () => new Date(),
      incidentLabel: "Incident",
    },
  });
});

afterAll(async () => {
  await api?.close();
  await runner?.obliterate();
  await runner?.close(1_000);
  await handle?.close();
});

const merged = {
  action: "closed",
  number: 42,
  pull_request: { number: 42, merged: true, merged_at: "2026-11-20T10:00:00Z", base: { ref: "main" } },
  repository: { full_name: "acme/payments", id: 1 },
  sender: { login: "ana" },
};

async function deliver(event: string, payload: unknown, options: { id?: string; signature?: string | null } = {}) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": options.id ?? randomUUID(),
    "user-agent": "GitHub-Hookshot/test",
  };
  const signature = options.signature === undefined ? signWebhook(SECRET, body) : options.signature;
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  const res = await fetch(`${api.url}/webhooks/github`, { method: "POST", headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function ingestJobs(): Promise<string[]> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("ingest", { connection, prefix });
  const waiting = await queue.getWaiting();
  await queue.close();
  connection.disconnect();
  return waiting.map((j) => `${j.name} ${JSON.stringify(j.data)}`).sort();
}

describe("POST /webhooks/github", () => {
  it("accepts a merged pull request with 202 and enqueues a targeted sync of that PR", async () => {
    const id = randomUUID();
    const res = await deliver("pull_request", merged, { id });
    expect(res).toEqual({ status: 202, body: { enqueued: ["sync.pull-request"] } });
    expect(await ingestJobs()).toContain(
      `sync.pull-request {"repo":"acme/payments","number":42,"runId":"webhook-${id}"}`,
    );
  });

  it("changes nothing on a redelivery or replay of the same delivery id", async () => {
    const id = randomUUID();
    await deliver(
      "deployment_status",
      {
        action: "created",
        deployment_status: { state: "success" },
        deployment: { id: 7, sha: "abc" },
        repository: { full_name: "acme/web" },
      },
      { id },
    );
    const before = await ingestJobs();
    const again = await deliver(
      "deployment_status",
      {
        action: "created",
        deployment_status: { state: "success" },
        deployment: { id: 7, sha: "abc" },
        repository: { full_name: "acme/web" },
      },
      { id },
    );
    expect(again).toEqual({ status: 200, body: { duplicate: true } });
    expect(await ingestJobs()).toEqual(before);
    const rows = await handle.db.select().from(webhookDeliveries);
    expect(rows.filter((r) => r.deliveryId === id)).toHaveLength(1);
  });

  it("resyncs a repository's incident issues for an issue that carries or lost the incident label, and only then", async () => {
    const issue = (labels: string[], extra: Record<string, unknown> = {}) => ({
      action: "opened",
      issue: { number: 77, title: "Checkout 500s after 1a2b3c4d", labels: labels.map((name) => ({ name })) },
      repository: { full_name: "acme/shop" },
      ...extra,
    });
    const id = randomUUID();
    expect(await deliver("issues", issue(["incident"]), { id })).toEqual({
      status: 202,
      body: { enqueued: ["sync.incidents"] },
    });
    expect(await ingestJobs()).toContain(`sync.incidents {"repo":"acme/shop","runId":"webhook-${id}"}`);
    const unlabeled = await deliver("issues", issue([], { action: "unlabeled", label: { name: "incident" } }));
    expect(unlabeled.body).toEqual({ enqueued: ["sync.incidents"] });
    expect(await deliver("issues", issue(["bug"]))).toEqual({ status: 202, body: { enqueued: [] } });
  });

  it("refuses a forged or unsigned delivery with 401 and enqueues nothing", async () => {
    const before = await ingestJobs();
    const forged = await deliver(
      "pull_request",
      { ...merged, number: 666 },
      { signature: signWebhook("wrong secret", "{}") },
    );
    const unsigned = await deliver("pull_request", { ...merged, number: 667 }, { signature: null });
    expect(forged.status).toBe(401);
    expect(unsigned.status).toBe(401);
    expect(await ingestJobs()).toEqual(before);
  });

  it("refuses a malformed payload with 400 naming the field", async () => {
    const res = await deliver("pull_request", { action: "closed", repository: { full_name: "acme/payments" } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/number/);
    const notJson = await fetch(`${api.url}/webhooks/github`, {
      method: "POST",
      headers: {
        "x-github-event": "push",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": signWebhook(SECRET, "{oops"),
      },
      body: "{oops",
    });
    expect(notJson.status).toBe(400);
  });

  it("acknowledges events it does not act on without enqueueing", async () => {
    const closedUnmerged = await deliver("pull_request", {
      ...merged,
      number: 43,
      pull_request: { merged: false, merged_at: null },
    });
    expect(closedUnmerged).toEqual({ status: 202, body: { enqueued: [] } });
    const star = await deliver("star", { action: "created" });
    expect(star).toEqual({ status: 202, body: { ignored: "star" } });
  });
});
