import { AppError, InputError } from "@yardstick/core";
import { type Logger, redactUrl } from "@yardstick/log";
import { DelayedError, type Job, Queue, QueueKeys, UnrecoverableError, Worker } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import {
  type Catalog,
  classifyFailure,
  isRetryable,
  JobDeferred,
  type JobName,
  type JobRunner,
  type PayloadOf,
  type Processors,
  parsePayload,
  retryAfterMs,
} from "./job-spec.js";
import { type JobOutcome, observeJob } from "./telemetry.js";

export interface BullMqRunnerOptions<C extends Catalog, D> {
  catalog: C;
  /** Absent for a producer (the API, the CLI enqueueing work): it adds jobs and never runs them. */
  processors?: Processors<C, D>;
  deps: D;
  logger: Logger;
  redisUrl: string;
  /** Key prefix in Redis; tests use one per file so they never see each other's jobs. */
  prefix?: string;
  /** Jobs processed at once per queue, per process. */
  concurrency?: Partial<Record<string, number>>;
  /** Stalled-job check interval (a worker that died mid-job has its job picked up again). */
  stalledIntervalMs?: number;
  /**
   * How long a job's lock lives without renewal (BullMQ `lockDuration`, default 30 s): a job of a
   * worker killed outright is stalled, and taken up again, only once its lock has expired.
   */
  lockDurationMs?: number;
}

/**
 * Redis connection settings from BullMQ's production guide: workers need
 * `maxRetriesPerRequest: null` (block and reconnect forever rather than fail a command), producers
 * fail fast with `enableOfflineQueue: false` so an enqueue against a dead Redis errors at once
 * instead of piling up in memory. Both reconnect with a capped backoff.
 */
function redisOptions(role: "producer" | "worker"): RedisOptions {
  return {
    maxRetriesPerRequest: role === "worker" ? null : 3,
    enableOfflineQueue: role === "worker",
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 10_000),
    lazyConnect: false,
  };
}

/** A lost or refused Redis connection (as opposed to a command Redis answered with an error). */
export function isRedisConnectionError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code !== undefined && ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTCONN"].includes(code))
      return true;
    if (
      /Connection is closed|Stream isn't writeable|enableOfflineQueue|max retries per request|connect ECONNREFUSED|LOADING/i.test(
        current.message,
      )
    )
      return true;
    current = current.cause;
  }
  return false;
}

/** The database index a Redis URL names (`redis://host:6379/3` or `?db=3`), 0 when none. */
export function redisDbIndex(url: string): number {
  try {
    const parsed = new URL(url);
    const raw = parsed.searchParams.get("db") ?? parsed.pathname.replace(/^\//, "");
    if (raw === "") return 0;
    const n = Number(raw);
    return Number.isInteger(n) && n >= 0 ? n : -1;
  } catch {
    return 0;
  }
}

/**
 * The Redis list holding a queue's waiting jobs (`<prefix>:<queue>:wait`): what an autoscaler
 * reads (KEDA's Redis list scaler in infra/k8s). Prioritised jobs wait in a sorted set instead; the
 * catalog gives none a priority.
 */
export function waitListKey(prefix: string, queue: string): string {
  return new QueueKeys(prefix).toKey(queue, "wait");
}

/** Stalls (worker killed or lock lapsed mid-job) after which a job fails for good. */
const MAX_STALLED_COUNT = 10;

const REMOVE_ON_COMPLETE = { age: 24 * 3600, count: 10_000 };
const REMOVE_ON_FAIL = { age: 14 * 24 * 3600, count: 50_000 };

/** Runs the catalog's processors on BullMQ: any number of processes sharing Redis and the database. */
/** A job that failed for good (its retries spent), as the status route lists it. */
export interface FailedJob {
  queue: string;
  name: string;
  jobId: string;
  reason: string;
  attempts: number;
  failedAt: string | null;
}

export class BullMqRunner<C extends Catalog, D> implements JobRunner<C> {
  private readonly options: BullMqRunnerOptions<C, D>;
  private readonly producer: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly workerConnections: Redis[] = [];
  private running = 0;
  readonly prefix: string;

  constructor(options: BullMqRunnerOptions<C, D>) {
    this.options = options;
    this.prefix = options.prefix ?? "yardstick";
    this.producer = new Redis(options.redisUrl, redisOptions("producer"));
    this.producer.on("error", (err) => options.logger.warn({ err }, "redis (producer) connection error"));
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, { connection: this.producer, prefix: this.prefix });
      queue.on("error", (err) => this.options.logger.warn({ err, queue: name }, "queue error"));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Adds a job; a job with the same deterministic id that is still stored is left alone (a no-op). */
  async enqueue<N extends JobName<C>>(name: N, payload: PayloadOf<C, N>): Promise<void> {
    const parsed = parsePayload(this.options.catalog, name, payload);
    const spec = this.options.catalog[name];
    if (spec === undefined) return;
    await this.queue(spec.queue).add(name, parsed, {
      jobId: spec.jobId(parsed),
      attempts: spec.options.attempts,
      backoff: { type: spec.options.backoff.type, delay: spec.options.backoff.delay, jitter: 0.5 },
      removeOnComplete: REMOVE_ON_COMPLETE,
      removeOnFail: REMOVE_ON_FAIL,
    });
  }

  /**
   * A job scheduler (BullMQ's upsertJobScheduler): adds `name` every `repeat.every` ms or on the
   * cron `repeat.pattern` (in `repeat.tz`). Upserting again with the same id replaces it, so every
   * worker process may declare the same schedule at start.
   */
  async schedule<N extends JobName<C>>(
    schedulerId: string,
    repeat: { every: number } | { pattern: string; tz?: string },
    name: N,
    payload: PayloadOf<C, N>,
  ): Promise<void> {
    const parsed = parsePayload(this.options.catalog, name, payload);
    const spec = this.options.catalog[name];
    if (spec === undefined) return;
    await this.queue(spec.queue).upsertJobScheduler(schedulerId, repeat, {
      name,
      data: parsed,
      opts: {
        attempts: spec.options.attempts,
        backoff: { type: spec.options.backoff.type, delay: spec.options.backoff.delay, jitter: 0.5 },
        removeOnComplete: REMOVE_ON_COMPLETE,
        removeOnFail: REMOVE_ON_FAIL,
      },
    });
  }

  /** Removes a job scheduler of job `name` (and its next run), if declared; true when there was one. */
  async unschedule<N extends JobName<C>>(schedulerId: string, name: N): Promise<boolean> {
    const spec = this.options.catalog[name];
    if (spec === undefined) return false;
    return this.queue(spec.queue).removeJobScheduler(schedulerId);
  }

  /** A declared job scheduler of job `name` (its cron or interval, zone and next run), if any. */
  async scheduleOf<N extends JobName<C>>(
    schedulerId: string,
    name: N,
  ): Promise<{ pattern: string | null; tz: string | null; every: number | null; next: Date | null } | null> {
    const spec = this.options.catalog[name];
    if (spec === undefined) return null;
    const scheduler = await this.queue(spec.queue).getJobScheduler(schedulerId);
    if (scheduler === undefined || scheduler === null) return null;
    return {
      pattern: scheduler.pattern ?? null,
      tz: scheduler.tz ?? null,
      every: scheduler.every === undefined || scheduler.every === null ? null : Number(scheduler.every),
      next: scheduler.next === undefined ? null : new Date(Number(scheduler.next)),
    };
  }

  /**
   * Waits until Redis answers, at most `timeoutMs`, and checks that it accepts the database index
   * REDIS_URL names. An unreachable Redis is `unavailable.redis` (the CLI exits 3 within seconds
   * instead of retrying forever); a database index Redis refuses is a configuration error (exit
   * 2): ioredis only logs that refusal and goes on in database 0, where another installation's
   * workers with the default prefix would run our jobs.
   */
  async ready(timeoutMs = 5_000): Promise<void> {
    const redis = this.producer;
    const shown = redactUrl(this.options.redisUrl);
    if (redis.status !== "ready") {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          redis.off("ready", onReady);
          reject(
            new AppError(
              "unavailable.redis",
              `Redis at ${shown} did not answer within ${Math.round(timeoutMs / 1000)} s: check REDIS_URL and that Redis is running`,
              { retryable: true },
            ),
          );
        }, timeoutMs);
        const onReady = () => {
          clearTimeout(timer);
          resolve();
        };
        redis.once("ready", onReady);
      });
    }
    const db = redisDbIndex(this.options.redisUrl);
    try {
      await redis.select(db);
    } catch (error) {
      throw new InputError("config.redis_db", "Redis refuses the database REDIS_URL names", [
        {
          path: "REDIS_URL",
          message: `database ${db} is refused by Redis (${error instanceof Error ? error.message : String(error)}); Redis has databases 0 to (databases - 1), 16 by default`,
          example: "REDIS_URL=redis://127.0.0.1:6379/0",
        },
      ]);
    }
  }

  /**
   * Resolves when Redis answers a PING on the producer connection (readiness probes); a connection
   * still being made (a process just started) gets up to `timeoutMs` before the PING.
   */
  async ping(timeoutMs = 2_000): Promise<void> {
    const redis = this.producer;
    if (redis.status !== "ready") {
      await new Promise<void>((resolve, reject) => {
        const onReady = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          redis.off("ready", onReady);
          reject(new Error(`redis not connected (${redis.status})`));
        }, timeoutMs);
        redis.once("ready", onReady);
      });
    }
    await redis.ping();
  }

  /** Starts one worker per queue of the catalog in this process. */
  start(): void {
    if (this.options.processors === undefined) throw new Error("a producer-only runner has no processors to start");
    const queueNames = new Set(Object.values(this.options.catalog).map((spec) => spec.queue));
    for (const queueName of queueNames) {
      const connection = new Redis(this.options.redisUrl, redisOptions("worker"));
      connection.on("error", (err) =>
        this.options.logger.warn({ err, queue: queueName }, "redis (worker) connection error"),
      );
      this.workerConnections.push(connection);
      const worker: Worker = new Worker(queueName, (job: Job, token?: string) => this.process(worker, job, token), {
        connection,
        prefix: this.prefix,
        concurrency: this.options.concurrency?.[queueName] ?? 1,
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        lockDuration: this.options.lockDurationMs ?? 30_000,
        // Every processor is idempotent, so a job whose worker died (or whose lock lapsed under
        // load) is always safe to run again; fail it only when it keeps killing its workers.
        maxStalledCount: MAX_STALLED_COUNT,
        autorun: true,
      });
      worker.on("error", (err) => this.options.logger.warn({ err, queue: queueName }, "worker error"));
      worker.on("failed", (job, err) =>
        this.options.logger.error(
          { err, queue: queueName, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade },
          err.name === "UnrecoverableError" ? "job failed for good: retrying cannot fix this" : "job failed",
        ),
      );
      this.workers.push(worker);
    }
  }

  private async process(worker: Worker, job: Job, token: string | undefined): Promise<void> {
    const logger = this.options.logger.child({
      queue: job.queueName,
      job: job.name,
      jobId: job.id,
      attempt: job.attemptsMade + 1,
    });
    let payload: unknown;
    try {
      payload = parsePayload(this.options.catalog, job.name as JobName<C>, job.data);
    } catch (error) {
      // Retrying cannot fix a payload that fails its schema: fail it once, for good.
      observeJob(job.queueName, job.name, "failed", 0);
      throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    }
    const processor = this.options.processors?.[job.name as JobName<C>];
    if (processor === undefined) throw new UnrecoverableError(`no processor for job "${job.name}"`);
    const started = performance.now();
    const observe = (outcome: JobOutcome) =>
      observeJob(job.queueName, job.name, outcome, (performance.now() - started) / 1000);
    this.running++;
    try {
      await processor(
        payload as never,
        { jobId: job.id ?? "", attempt: job.attemptsMade + 1, logger, enqueue: (n, p) => this.enqueue(n, p) },
        this.options.deps,
      );
      observe("completed");
    } catch (thrown) {
      if (thrown instanceof JobDeferred) {
        // What the job reads is not written yet: back to the delayed set, no attempt used.
        observe("deferred");
        logger.debug({ delayMs: thrown.delayMs, reason: thrown.message }, "job deferred");
        await job.moveToDelayed(Date.now() + thrown.delayMs, token);
        throw new DelayedError();
      }
      // Classified at the edge: database failures without values, bad data final (job-spec.ts).
      const error = classifyFailure(thrown);
      const wait = retryAfterMs(error);
      if (wait !== null && isRetryable(error)) {
        // GitHub said wait: pause this queue's work instead of burning attempts.
        observe("rate_limited");
        logger.warn({ waitMs: wait }, "rate limited; pausing the queue");
        await worker.rateLimit(wait);
        throw Worker.RateLimitError();
      }
      if (!isRetryable(error)) {
        observe("failed");
        // One line (the "failed" handler's) says it: final, with the code in the message.
        const code = error instanceof AppError ? `${error.code}: ` : "";
        throw new UnrecoverableError(`${code}${error instanceof Error ? error.message : String(error)}`);
      }
      // BullMQ retries it while attempts remain (attemptsMade counts the failed ones before this).
      observe(job.attemptsMade + 1 < (job.opts.attempts ?? 1) ? "retried" : "failed");
      throw error;
    } finally {
      this.running--;
    }
  }

  /**
   * Waiting, active and delayed jobs across the catalog's queues: the work in hand. A job
   * scheduler's next run (the periodic sync, the weekly digest) waits as a delayed job with a
   * `repeat:` id until its time; it is not work in hand, or a caller following a sync would wait
   * for next Monday.
   */
  async pending(): Promise<number> {
    const queueNames = new Set(Object.values(this.options.catalog).map((spec) => spec.queue));
    let total = 0;
    for (const name of queueNames) {
      const queue = this.queue(name);
      const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children");
      total += Object.values(counts).reduce((a, b) => a + b, 0);
      if ((counts.delayed ?? 0) > 0) {
        const delayed = await queue.getDelayed(0, -1);
        total -= delayed.filter((job) => job.id?.startsWith("repeat:") === true).length;
      }
    }
    return total;
  }

  /** Each of the catalog's queues' job counts, by queue name (the API's status route). */
  async depths(): Promise<{ name: string; waiting: number; active: number; delayed: number; failed: number }[]> {
    const queueNames = [...new Set(Object.values(this.options.catalog).map((spec) => spec.queue))].sort();
    const out = [];
    for (const name of queueNames) {
      const c = await this.queue(name).getJobCounts("waiting", "active", "delayed", "failed", "prioritized");
      out.push({
        name,
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
      });
    }
    return out;
  }

  /**
   * The most recent jobs that failed for good, newest first, at most `limit` over every queue of
   * the catalog: what the status page lists (BullMQ keeps failed jobs until removed).
   */
  async recentFailures(limit = 20): Promise<FailedJob[]> {
    const queueNames = [...new Set(Object.values(this.options.catalog).map((spec) => spec.queue))].sort();
    const out: FailedJob[] = [];
    for (const name of queueNames) {
      for (const job of await this.queue(name).getFailed(0, limit - 1)) {
        out.push({
          queue: name,
          name: job.name,
          jobId: job.id ?? "",
          reason: job.failedReason ?? "",
          attempts: job.attemptsMade,
          failedAt: job.finishedOn === undefined ? null : new Date(job.finishedOn).toISOString(),
        });
      }
    }
    return out.sort((a, b) => (b.failedAt ?? "").localeCompare(a.failedAt ?? "")).slice(0, limit);
  }

  /** Resolves when no job is pending (polling), or rejects after `timeoutMs`. */
  /**
   * Follows the work in hand until none is left, polling every `pollMs`. A Redis that goes away
   * (restarted, failed over) is waited for: one warning, then following resumes where it was,
   * since the jobs are Redis's and survive with its AOF; only an outage longer than `outageMs` is
   * `unavailable.redis`. (It used to end the follower with a raw stack.)
   */
  async follow(
    options: { pollMs?: number; outageMs?: number; onWait?: (pending: number) => void } = {},
  ): Promise<void> {
    const pollMs = options.pollMs ?? 1_000;
    const outageMs = options.outageMs ?? 300_000;
    let downSince: number | null = null;
    for (;;) {
      let pending: number;
      try {
        pending = await this.pending();
        if (downSince !== null)
          this.options.logger.warn({ downMs: Date.now() - downSince }, "Redis is back; following resumes");
        downSince = null;
      } catch (error) {
        if (!isRedisConnectionError(error)) throw error;
        if (downSince === null) {
          downSince = Date.now();
          this.options.logger.warn({ err: error }, "Redis unavailable; waiting for it to come back");
        } else if (Date.now() - downSince > outageMs) {
          throw new AppError(
            "unavailable.redis",
            `Redis at ${redactUrl(this.options.redisUrl)} has not answered for ${Math.round(outageMs / 1000)} s: the jobs stay queued; follow again with \`yardstick sync\` when it is back`,
            { retryable: true, cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        continue;
      }
      if (pending === 0) return;
      options.onWait?.(pending);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async waitUntilIdle(timeoutMs = 600_000, pollMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.pending()) > 0) {
      if (Date.now() > deadline) throw new Error(`jobs still pending after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Jobs that failed for good, with their reasons. */
  async failed(): Promise<{ name: string; jobId: string; reason: string; attempts: number }[]> {
    const result: { name: string; jobId: string; reason: string; attempts: number }[] = [];
    for (const queue of this.queues.values()) {
      for (const job of await queue.getFailed()) {
        result.push({ name: job.name, jobId: job.id ?? "", reason: job.failedReason, attempts: job.attemptsMade });
      }
    }
    return result;
  }

  /** Jobs this process's workers are running right now. */
  get active(): number {
    return this.running;
  }

  /**
   * Graceful shutdown. The workers stop taking jobs at once (BullMQ `pause`: the blocking fetch is
   * interrupted), the jobs they are running get up to `timeoutMs` to finish (or less, if
   * `cutShort` aborts first), then everything is closed. A job still running then is left as it
   * is: its lock is no longer renewed, so once it expires (`lockDurationMs`) the stalled-job check
   * of another worker (every `stalledIntervalMs`) puts it back in its queue and it runs again
   * there (every processor is idempotent). Resolves with how many jobs were left that way.
   *
   * (BullMQ's `close()` alone cannot be bounded: once a graceful close has begun, `close(true)`
   * returns the same pending promise, so the old "close, then force after the timeout" never forced.)
   */
  async close(timeoutMs = 30_000, cutShort?: AbortSignal): Promise<{ left: number }> {
    const drained = Promise.all(this.workers.map((w) => w.pause(false))).then(() => "drained" as const);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<"expired">((resolve) => {
      timer = setTimeout(() => resolve("expired"), timeoutMs);
      if (cutShort?.aborted) resolve("expired");
      cutShort?.addEventListener("abort", () => resolve("expired"), { once: true });
    });
    const outcome = this.workers.length === 0 ? "drained" : await Promise.race([drained, expired]);
    clearTimeout(timer);
    const left = outcome === "drained" ? 0 : this.running;
    // Forced when jobs are left: their locks stop being renewed and nothing waits for them.
    await Promise.all(this.workers.map((w) => w.close(left > 0)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const connection of [...this.workerConnections, this.producer]) connection.disconnect();
    return { left };
  }

  /** Removes every queue of this prefix from Redis (tests). */
  async obliterate(): Promise<void> {
    const queueNames = new Set(Object.values(this.options.catalog).map((spec) => spec.queue));
    for (const name of queueNames) await this.queue(name).obliterate({ force: true });
  }
}
