import type { GitHubObserver } from "@yardstick/github";
import type { Logger } from "@yardstick/log";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * Every Prometheus metric Yardstick exposes, defined here and nowhere else (docs/operations.md
 * lists them; infra/grafana and infra/prometheus use them, and a test checks that every name
 * they use is in this registry).
 *
 * Two kinds:
 * - **events counted by the process** that saw them (jobs, GitHub requests, rollups, webhook and
 *   digest deliveries): sum them over processes (`sum by (queue, job) (rate(...))`);
 * - **installation-wide state read at scrape time** (queue depths from Redis, sync lag from
 *   PostgreSQL, GitHub budgets from the Redis the workers share them through): every process that
 *   can read them reports the same values, so aggregate with `max`, not `sum`.
 *
 * The registry is this module's own (not prom-client's global one), one per process: the worker
 * serves it on its health listener, `serve` at `GET /metrics`.
 */
export const registry = new Registry();

const JOB_LABELS = ["queue", "job"] as const;

/** Durations of jobs: from tens of milliseconds (an unchanged repository) to a long first sync. */
const JOB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export const metrics = {
  jobsCompleted: new Counter({
    name: "yardstick_jobs_completed_total",
    help: "Jobs that completed, by queue and job name.",
    labelNames: JOB_LABELS,
    registers: [registry],
  }),
  jobsFailed: new Counter({
    name: "yardstick_jobs_failed_total",
    help: "Jobs that failed for good (attempts used up, or a failure retrying cannot fix), by queue and job name.",
    labelNames: JOB_LABELS,
    registers: [registry],
  }),
  jobsRetried: new Counter({
    name: "yardstick_jobs_retried_total",
    help: "Job attempts that failed and will be retried (after the job's backoff), by queue and job name.",
    labelNames: JOB_LABELS,
    registers: [registry],
  }),
  jobsRateLimited: new Counter({
    name: "yardstick_jobs_rate_limited_total",
    help: "Job attempts put back because GitHub asked to wait (the queue pauses; no attempt is used), by queue and job name.",
    labelNames: JOB_LABELS,
    registers: [registry],
  }),
  jobDuration: new Histogram({
    name: "yardstick_job_duration_seconds",
    help: "Time a job attempt ran, by queue, job name and outcome (completed, retried, failed, rate_limited, deferred).",
    labelNames: [...JOB_LABELS, "outcome"],
    buckets: JOB_BUCKETS,
    registers: [registry],
  }),
  queueJobs: new Gauge({
    name: "yardstick_queue_jobs",
    help: "Jobs in each queue by state (waiting, delayed, active, failed), read from Redis at scrape time. Delayed includes the schedulers' next runs.",
    labelNames: ["queue", "state"],
    registers: [registry],
  }),
  githubRateLimitRemaining: new Gauge({
    name: "yardstick_github_rate_limit_remaining",
    help: "Requests (REST) or points (GraphQL) left in the credential's budget, as the workers last saw it (read from Redis at scrape time).",
    labelNames: ["credential", "resource"],
    registers: [registry],
  }),
  githubRateLimitLimit: new Gauge({
    name: "yardstick_github_rate_limit_limit",
    help: "The credential's budget per window, as the workers last saw it.",
    labelNames: ["credential", "resource"],
    registers: [registry],
  }),
  githubRateLimitReset: new Gauge({
    name: "yardstick_github_rate_limit_reset_timestamp_seconds",
    help: "When the credential's budget resets (Unix time), as the workers last saw it.",
    labelNames: ["credential", "resource"],
    registers: [registry],
  }),
  githubRequests: new Counter({
    name: "yardstick_github_requests_total",
    help: "Requests sent to GitHub by this process, by credential (a hash), resource (core, graphql, ...) and HTTP status (`error`: no answer).",
    labelNames: ["credential", "resource", "status"],
    registers: [registry],
  }),
  githubGraphqlPoints: new Counter({
    name: "yardstick_github_graphql_points_total",
    help: "GraphQL rate-limit points spent by this process (each query's own rateLimit.cost), by credential.",
    labelNames: ["credential"],
    registers: [registry],
  }),
  syncLag: new Gauge({
    name: "yardstick_sync_lag_seconds",
    help: "Seconds since each repository's last complete pull-request sync, read from PostgreSQL at scrape time (a repository never synced is absent).",
    labelNames: ["repository"],
    registers: [registry],
  }),
  rollupDuration: new Histogram({
    name: "yardstick_rollup_duration_seconds",
    help: "Time a rollups.recompute run took, by mode (full, incremental, kept) and outcome (ok, error).",
    labelNames: ["mode", "outcome"],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  }),
  rollupRows: new Counter({
    name: "yardstick_rollup_rows_written_total",
    help: "Weekly rollup rows (group-weeks) written by rollups.recompute runs, by mode.",
    labelNames: ["mode"],
    registers: [registry],
  }),
  rollupLastSuccess: new Gauge({
    name: "yardstick_rollup_last_success_timestamp_seconds",
    help: "When this process last finished a rollups.recompute run (Unix time).",
    registers: [registry],
  }),
  webhookDeliveries: new Counter({
    name: "yardstick_webhook_deliveries_total",
    help: "GitHub webhook deliveries received, by event (handled events; others are `other`) and outcome (accepted, duplicate, ignored, out_of_scope, bad_signature, invalid, too_large, error).",
    labelNames: ["event", "outcome"],
    registers: [registry],
  }),
  digestDeliveries: new Counter({
    name: "yardstick_digest_deliveries_total",
    help: "Weekly digest deliveries, by channel type (file, slack, email) and outcome (sent, already_delivered, busy, failed).",
    labelNames: ["channel", "outcome"],
    registers: [registry],
  }),
  sourceUp: new Gauge({
    name: "yardstick_metrics_source_up",
    help: "Whether the last scrape could read a source of the state metrics (queues: Redis, sync: PostgreSQL, github_budget: Redis): 1 yes, 0 no (its metrics are then absent).",
    labelNames: ["source"],
    registers: [registry],
  }),
} as const;

/** What the state metrics are read from at scrape time; each source is optional (absent: not reported). */
export interface ScrapeSources {
  /** The queues' job counts (`BullMqRunner.depths`). */
  queues?: () => Promise<readonly { name: string; waiting: number; active: number; delayed: number; failed: number }[]>;
  /** Each repository's last complete pull-request sync (`listRepositorySync`). */
  syncs?: () => Promise<readonly { repo: string; lastSyncAt: Date | null }[]>;
  /** The GitHub budgets the workers share through Redis (`githubBudgetReader`). */
  budgets?: () => Promise<
    readonly {
      credential: string;
      resources: readonly { resource: string; remaining: number; limit: number | null; resetAt: string }[];
    }[]
  >;
  /** Clock for the sync lag (ms). Default Date.now. */
  now?: () => number;
  /** A source that fails is logged (once per scrape) and reported as `yardstick_metrics_source_up 0`. */
  logger?: Logger;
  /** Time limit of each source per scrape (default 2 s): a scrape answers even when a dependency hangs. */
  timeoutMs?: number;
}

let sources: ScrapeSources = {};
let defaultsOn = false;

/**
 * Sets what this process reads the state metrics from at scrape time, and turns on the Node.js
 * process metrics (`process_*`, `nodejs_*`: memory, CPU, event-loop lag), once per process.
 */
export function serveTelemetry(options: ScrapeSources): void {
  sources = options;
  if (!defaultsOn) {
    collectDefaultMetrics({ register: registry });
    defaultsOn = true;
  }
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads one source for a scrape; a failure leaves its gauges empty and marks the source down. */
async function readSource<T>(name: string, read: (() => Promise<T>) | undefined, apply: (value: T) => void) {
  if (read === undefined) return;
  try {
    const value = await within(sources.timeoutMs ?? 2_000, read());
    apply(value);
    metrics.sourceUp.set({ source: name }, 1);
  } catch (err) {
    sources.logger?.warn({ err, source: name }, "metrics: could not read a source at scrape time");
    metrics.sourceUp.set({ source: name }, 0);
  }
}

/** Refreshes the state gauges from their sources; run before each exposition. */
async function collectState(): Promise<void> {
  metrics.queueJobs.reset();
  metrics.syncLag.reset();
  metrics.githubRateLimitRemaining.reset();
  metrics.githubRateLimitLimit.reset();
  metrics.githubRateLimitReset.reset();
  const now = (sources.now ?? Date.now)();
  await Promise.all([
    readSource("queues", sources.queues, (depths) => {
      for (const d of depths) {
        for (const state of ["waiting", "delayed", "active", "failed"] as const)
          metrics.queueJobs.set({ queue: d.name, state }, d[state]);
      }
    }),
    readSource("sync", sources.syncs, (repos) => {
      for (const r of repos) {
        if (r.lastSyncAt !== null)
          metrics.syncLag.set({ repository: r.repo }, Math.max(0, (now - r.lastSyncAt.getTime()) / 1000));
      }
    }),
    readSource("github_budget", sources.budgets, (credentials) => {
      for (const c of credentials) {
        for (const r of c.resources) {
          const labels = { credential: c.credential, resource: r.resource };
          metrics.githubRateLimitRemaining.set(labels, r.remaining);
          if (r.limit !== null) metrics.githubRateLimitLimit.set(labels, r.limit);
          const reset = Date.parse(r.resetAt);
          if (Number.isFinite(reset)) metrics.githubRateLimitReset.set(labels, reset / 1000);
        }
      }
    }),
  ]);
}

let scraping: Promise<{ contentType: string; body: string }> | null = null;

/**
 * The exposition: the state read now, then every metric in Prometheus's text format. Scrapes that
 * arrive while one is being made share it (the state gauges are reset and refilled per scrape).
 */
export function scrape(): Promise<{ contentType: string; body: string }> {
  scraping ??= (async () => {
    try {
      await collectState();
      return { contentType: registry.contentType, body: await registry.metrics() };
    } finally {
      scraping = null;
    }
  })();
  return scraping;
}

/** Counts GitHub requests and GraphQL points (the client's observer). */
export const githubObserver: GitHubObserver = {
  request: ({ credential, resource, status }) =>
    metrics.githubRequests.inc({ credential, resource, status: status === null ? "error" : String(status) }),
  graphqlPoints: ({ credential, cost }) => metrics.githubGraphqlPoints.inc({ credential }, cost),
};

/** How a job attempt ended, as the runner saw it. */
export type JobOutcome = "completed" | "retried" | "failed" | "rate_limited" | "deferred";

export function observeJob(queue: string, job: string, outcome: JobOutcome, seconds: number): void {
  const labels = { queue, job };
  metrics.jobDuration.observe({ ...labels, outcome }, seconds);
  if (outcome === "completed") metrics.jobsCompleted.inc(labels);
  else if (outcome === "failed") metrics.jobsFailed.inc(labels);
  else if (outcome === "retried") metrics.jobsRetried.inc(labels);
  else if (outcome === "rate_limited") metrics.jobsRateLimited.inc(labels);
  // "deferred" (put back until what the job reads is written): the duration histogram only.
}

/** Names of every metric in the registry, as a scrape shows them (histograms with their series). */
export function metricNames(): string[] {
  const names: string[] = [];
  for (const m of registry.getMetricsAsArray()) {
    const name = (m as unknown as { name: string }).name;
    names.push(name);
    if (m instanceof Histogram) names.push(`${name}_bucket`, `${name}_sum`, `${name}_count`);
  }
  return names.sort();
}
