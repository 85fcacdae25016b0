import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signWebhook } from "@yardstick/api";
import type { Config } from "@yardstick/config";
import { listRepositorySync } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import type { Simulator } from "@yardstick/github-sim";
import { BullMqRunner, digestOrgOf, jobs } from "@yardstick/pipeline";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configForWorld } from "../demo/world-config.js";
import {
  type ChildEnv,
  CliProcess,
  enqueueAndFollow,
  freePort,
  obliteratePrefix,
  REDIS_URL,
  silent,
  simulate,
  smallWorld,
  TOKEN,
  uniquePrefix,
  WORKER_ARGS,
} from "../resilience/harness.js";

/** One sample of Prometheus's text exposition. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, "$1");
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels` (undefined: no such sample). */
function sampled(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return hits.length === 0 ? undefined : hits.reduce((a, s) => a + s.value, 0);
}

async function scrapeAt(url: string): Promise<Sample[]> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

/** The credential label of the harness's token: the shared budget's hash, never the token. */
const CREDENTIAL = createHash("sha256").update(`token:${TOKEN}`).digest("hex").slice(0, 16);

describe("Prometheus metrics over HTTP: a worker processing a sync, and serve", () => {
  const world = smallWorld(7);
  let sim: Simulator;
  let db: TestDatabase;
  let config: Config;
  let dir: string;
  let configPath: string;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    sim = await simulate(world);
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "yardstick-prometheus-"));
    config = configForWorld(world, { digest: { channels: [{ type: "file", dir: join(dir, "digests") }] } });
    configPath = join(dir, "yardstick.config.yaml");
    writeFileSync(configPath, JSON.stringify(config, null, 2));
  });
  afterAll(async () => {
    await obliteratePrefix(REDIS_URL, prefix);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    await db?.drop();
    await sim?.close();
  });
  const env = (extra: Record<string, string> = {}): ChildEnv => ({
    databaseUrl: db.url,
    redisUrl: REDIS_URL,
    simulatorUrl: sim.url,
    configPath,
    prefix,
    extra,
  });

  it("the worker's /metrics: jobs, queue depths, GitHub requests, points and budget, sync lag, rollups and the digest move with real work", async () => {
    const port = await freePort();
    // One job at a time: the faulted first GraphQL request below is then discovery's (its
    // repositories), not shared with the roster's two requests that run beside it otherwise.
    const args = WORKER_ARGS.map((arg, i) => (WORKER_ARGS[i - 1] === "--concurrency" ? "1" : arg));
    const worker = new CliProcess([...args, "--health-port", String(port), "--health-host", "127.0.0.1"], env());
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    try {
      await worker.waitFor("worker started");
      const before = await scrapeAt(metricsUrl);
      // Nothing done yet: no job counted; the queues are read from Redis already (all four, empty
      // but for the digest's scheduled next run).
      expect(sampled(before, "yardstick_jobs_completed_total")).toBeUndefined();
      expect(sampled(before, "yardstick_github_requests_total")).toBeUndefined();
      for (const queue of ["ingest", "attribution", "metrics", "digest"])
        expect(sampled(before, "yardstick_queue_jobs", { queue, state: "waiting" }), queue).toBe(0);
      expect(sampled(before, "yardstick_metrics_source_up", { source: "queues" })).toBe(1);
      expect(sampled(before, "yardstick_metrics_source_up", { source: "sync" })).toBe(1);
      expect(sampled(before, "yardstick_sync_lag_seconds")).toBeUndefined();
      expect(sampled(before, "process_resident_memory_bytes")).toBeGreaterThan(0);

      // The first GraphQL request answers 500 four times: the client's own retries (three) give up,
      // the job fails once and BullMQ retries it.
      sim.faults.configure({ queue: ["500", "500", "500", "500"], pathPattern: "^/graphql" });
      // Queue depth is seen moving while the sync runs.
      let sawWork = false;
      const result = await enqueueAndFollow({
        redisUrl: REDIS_URL,
        prefix,
        db: db.db,
        config,
        simulatorUrl: sim.url,
        runId: "prometheus",
        onPoll: async () => {
          if (sawWork) return;
          const during = await scrapeAt(metricsUrl);
          const inHand = ["waiting", "active", "delayed"].reduce(
            (n, state) => n + (sampled(during, "yardstick_queue_jobs", { queue: "ingest", state }) ?? 0),
            0,
          );
          if (inHand > 0) sawWork = true;
        },
      });
      expect(result.failed).toEqual([]);
      expect(sawWork).toBe(true);

      // A job whose payload fails its schema fails for good, once.
      const ingest = new Queue("ingest", { connection: { url: REDIS_URL }, prefix });
      await ingest.add("sync.pulls", { not: "a payload" }, { jobId: "prometheus-bad-payload", attempts: 3 });
      await ingest.close();
      // And the weekly digest goes to its file channel.
      const producer = new BullMqRunner({ catalog: jobs, deps: null, logger: silent, redisUrl: REDIS_URL, prefix });
      try {
        await producer.enqueue("digest.weekly", { org: digestOrgOf(config), week: null });
        await producer.waitUntilIdle(120_000, 200);
      } finally {
        await producer.close(1_000);
      }
      let after = await scrapeAt(metricsUrl);
      for (let i = 0; i < 50 && sampled(after, "yardstick_jobs_failed_total") === undefined; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await scrapeAt(metricsUrl);
      }

      // Jobs, per queue and job name: at least once each (a job whose 2-second lock lapsed on a loaded
      // machine runs again, and every run that returns is counted).
      const synced = (await listRepositorySync(db.db)).map((r) => r.repo).sort();
      const repos = synced.length;
      expect(repos).toBeGreaterThan(1);
      expect(
        sampled(after, "yardstick_jobs_completed_total", { queue: "ingest", job: "discover.org" }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sampled(after, "yardstick_jobs_completed_total", { queue: "ingest", job: "sync.pulls" }),
      ).toBeGreaterThanOrEqual(repos);
      // One run asked for by the test.
      const rollupRuns = sampled(after, "yardstick_jobs_completed_total", {
        queue: "metrics",
        job: "rollups.recompute",
      });
      expect(rollupRuns).toBeGreaterThanOrEqual(1);
      expect(
        sampled(after, "yardstick_jobs_completed_total", { queue: "digest", job: "digest.weekly" }),
      ).toBeGreaterThanOrEqual(1);
      expect(sampled(after, "yardstick_jobs_retried_total")).toBe(1);
      expect(sampled(after, "yardstick_jobs_failed_total", { queue: "ingest", job: "sync.pulls" })).toBe(1);
      expect(
        sampled(after, "yardstick_job_duration_seconds_count", {
          queue: "ingest",
          job: "sync.pulls",
          outcome: "completed",
        }),
      ).toBeGreaterThanOrEqual(repos);
      expect(sampled(after, "yardstick_job_duration_seconds_sum", { job: "sync.pulls" })).toBeGreaterThan(0);
      // Queue depths after the work: nothing waiting or active, the bad job failed.
      expect(sampled(after, "yardstick_queue_jobs", { queue: "ingest", state: "waiting" })).toBe(0);
      expect(sampled(after, "yardstick_queue_jobs", { queue: "ingest", state: "active" })).toBe(0);
      expect(sampled(after, "yardstick_queue_jobs", { queue: "ingest", state: "failed" })).toBe(1);

      // GitHub: requests by status (the faulted one is a 200 with errors), points, the budget.
      const requests = sampled(after, "yardstick_github_requests_total", { credential: CREDENTIAL });
      expect(requests).toBeGreaterThan(repos);
      expect(sampled(after, "yardstick_github_requests_total", { resource: "graphql", status: "200" })).toBeGreaterThan(
        0,
      );
      expect(sampled(after, "yardstick_github_graphql_points_total", { credential: CREDENTIAL })).toBeGreaterThan(0);
      // The faulted call, as the client saw it after its own retries: one 500.
      expect(sampled(after, "yardstick_github_requests_total", { resource: "graphql", status: "500" })).toBe(1);
      expect(
        sampled(after, "yardstick_github_rate_limit_remaining", { credential: CREDENTIAL, resource: "graphql" }),
      ).toBeGreaterThan(0);
      expect(
        sampled(after, "yardstick_github_rate_limit_reset_timestamp_seconds", { credential: CREDENTIAL }),
      ).toBeGreaterThan(Date.now() / 1000 - 60);
      expect(sampled(after, "yardstick_metrics_source_up", { source: "github_budget" })).toBe(1);
      // The token itself never appears.
      expect(JSON.stringify(after)).not.toContain(TOKEN);

      // Sync lag: every repository synced just now.
      const lags = after.filter((s) => s.name === "yardstick_sync_lag_seconds");
      expect(lags.map((s) => s.labels.repository).sort()).toEqual(synced);
      for (const lag of lags) expect(lag.value).toBeLessThan(600);

      // Rollups: every run timed; the first is a full one, and it wrote rows.
      expect(sampled(after, "yardstick_rollup_duration_seconds_count", { outcome: "ok" })).toBe(rollupRuns);
      expect(
        sampled(after, "yardstick_rollup_duration_seconds_count", { mode: "full", outcome: "ok" }),
      ).toBeGreaterThanOrEqual(1);
      expect(sampled(after, "yardstick_rollup_rows_written_total", { mode: "full" })).toBeGreaterThan(0);
      expect(sampled(after, "yardstick_rollup_last_success_timestamp_seconds")).toBeGreaterThan(
        Date.now() / 1000 - 600,
      );

      // The digest: one file delivery.
      expect(sampled(after, "yardstick_digest_deliveries_total", { channel: "file", outcome: "sent" })).toBe(1);

      // Anything else on the health listener is still a 404; /metrics is not cached.
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    } finally {
      sim.faults.clear();
      await worker.stop();
    }
  }, 300_000);

  it("serve's GET /metrics: webhook deliveries by outcome, and the state read at scrape time; the read API's /api/v1/metrics is untouched", async () => {
    const port = await freePort();
    const secret = "prometheus-secret";
    const serve = new CliProcess(["serve", "--port", String(port)], env({ GITHUB_WEBHOOK_SECRET: secret }));
    const base = `http://127.0.0.1:${port}`;
    try {
      await serve.waitFor("listening on");
      const deliver = (body: string, signature: string, id: string, event = "ping") =>
        fetch(`${base}/webhooks/github`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": event,
            "x-github-delivery": id,
            "x-hub-signature-256": signature,
          },
          body,
        });
      const ping = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
      const id = crypto.randomUUID();
      expect((await deliver(ping, signWebhook(secret, ping), id)).status).toBe(202);
      expect((await deliver(ping, signWebhook(secret, ping), id)).status).toBe(200); // the same delivery again
      expect((await deliver(ping, `sha256=${"0".repeat(64)}`, crypto.randomUUID())).status).toBe(401);
      expect((await deliver("{}", signWebhook(secret, "{}"), crypto.randomUUID(), "made_up_event")).status).toBe(202);

      const samples = await scrapeAt(`${base}/metrics`);
      expect(sampled(samples, "yardstick_webhook_deliveries_total", { event: "ping", outcome: "accepted" })).toBe(1);
      expect(sampled(samples, "yardstick_webhook_deliveries_total", { event: "ping", outcome: "duplicate" })).toBe(1);
      expect(sampled(samples, "yardstick_webhook_deliveries_total", { event: "ping", outcome: "bad_signature" })).toBe(
        1,
      );
      // An event name from the request is never a label value of its own.
      expect(sampled(samples, "yardstick_webhook_deliveries_total", { event: "other", outcome: "ignored" })).toBe(1);
      expect(samples.some((s) => s.labels.event === "made_up_event")).toBe(false);
      // The installation's state: queues (Redis) and sync lag (PostgreSQL, synced by the test above).
      expect(sampled(samples, "yardstick_queue_jobs", { queue: "ingest", state: "waiting" })).toBe(0);
      expect(samples.filter((s) => s.name === "yardstick_sync_lag_seconds").length).toBe(
        (await listRepositorySync(db.db)).length,
      );
      // The read API's own metrics route still needs its token.
      expect((await fetch(`${base}/api/v1/metrics`)).status).toBe(401);
    } finally {
      await serve.stop();
    }
  }, 180_000);
});
