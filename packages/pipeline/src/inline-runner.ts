import { AppError } from "@yardstick/core";
import type { Logger } from "@yardstick/log";
import {
  backoffDelay,
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

export interface InlineRunnerOptions<C extends Catalog, D> {
  catalog: C;
  processors: Processors<C, D>;
  deps: D;
  logger: Logger;
  /** Longest wait between attempts; inline runs are interactive, so long backoffs are clipped. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onJobDone?: (event: { name: string; jobId: string; ok: boolean }) => void;
}

export interface InlineRunSummary {
  completed: number;
  failed: { name: string; jobId: string; error: Error }[];
}

/** A job told to wait more often than this fails (the source keeps refusing). */
const MAX_RATE_LIMIT_WAITS = 20;

/** A job deferred more often than this fails (what it waits for never comes). */
const MAX_DEFERRALS = 1_000;

interface QueuedJob {
  name: string;
  jobId: string;
  payload: unknown;
  /** Set when the job was put back (`JobDeferred`): how often, for how long, and how many attempts had run then. */
  deferred?: { times: number; delayMs: number; ranBefore: number };
}

/**
 * Runs the job graph in this process with no Redis: the embedded default. Same catalog, same
 * processors, same deterministic ids (a job id seen in this run is not run again), same retry
 * policy (attempts with backoff; invalid payloads and non-retryable errors fail at once).
 */
export class InlineRunner<C extends Catalog, D> implements JobRunner<C> {
  private readonly queue: QueuedJob[] = [];
  private readonly seen = new Set<string>();
  private readonly options: InlineRunnerOptions<C, D>;

  constructor(options: InlineRunnerOptions<C, D>) {
    this.options = options;
  }

  async enqueue<N extends JobName<C>>(name: N, payload: PayloadOf<C, N>): Promise<void> {
    const parsed = parsePayload(this.options.catalog, name, payload);
    const spec = this.options.catalog[name];
    if (spec === undefined) return;
    const jobId = spec.jobId(parsed);
    if (this.seen.has(jobId)) return;
    this.seen.add(jobId);
    this.queue.push({ name, jobId, payload: parsed });
  }

  /** Runs queued jobs (and those they enqueue) until none is left. */
  async drain(): Promise<InlineRunSummary> {
    const summary: InlineRunSummary = { completed: 0, failed: [] };
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    // Attempts run (deferrals not counted): a deferred job whose mark is still this saw nothing run since.
    let ran = 0;
    jobs: for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) {
      const spec = this.options.catalog[job.name];
      const processor = this.options.processors[job.name as JobName<C>];
      if (spec === undefined || processor === undefined) continue;
      if (job.deferred !== undefined && job.deferred.ranBefore === ran) {
        // Put back and nothing ran since: run another job first if one is not waiting, else wait.
        if (this.queue.some((other) => other.deferred?.ranBefore !== ran)) {
          this.queue.push(job);
          continue;
        }
        await sleep(Math.min(job.deferred.delayMs, this.options.maxDelayMs ?? 60_000));
      }
      let rateLimitWaits = 0;
      for (let attempt = 1; ; attempt++) {
        const logger = this.options.logger.child({ queue: spec.queue, job: job.name, jobId: job.jobId, attempt });
        const started = performance.now();
        const observe = (outcome: JobOutcome) =>
          observeJob(spec.queue, job.name, outcome, (performance.now() - started) / 1000);
        try {
          await processor(
            job.payload as never,
            { jobId: job.jobId, attempt, logger, enqueue: (n, p) => this.enqueue(n, p) },
            this.options.deps,
          );
          ran += 1;
          observe("completed");
          summary.completed += 1;
          this.options.onJobDone?.({ name: job.name, jobId: job.jobId, ok: true });
          break;
        } catch (thrown) {
          const times = (job.deferred?.times ?? 0) + 1;
          if (thrown instanceof JobDeferred && times <= MAX_DEFERRALS) {
            // What the job reads is not written yet: to the back of the queue, no attempt used.
            observe("deferred");
            logger.debug({ delayMs: thrown.delayMs, reason: thrown.message }, "job deferred");
            this.queue.push({ ...job, deferred: { times, delayMs: thrown.delayMs, ranBefore: ran } });
            continue jobs;
          }
          ran += 1;
          // Classified at the edge: database failures without values, bad data final (job-spec.ts).
          const error = classifyFailure(thrown);
          const err = error instanceof Error ? error : new Error(String(error));
          const wait = retryAfterMs(error);
          if (wait !== null && isRetryable(error) && rateLimitWaits < MAX_RATE_LIMIT_WAITS) {
            // The source said wait: like BullMQ's rate limit, this does not use up an attempt.
            observe("rate_limited");
            rateLimitWaits += 1;
            attempt -= 1;
            logger.warn({ waitMs: wait }, "rate limited; waiting");
            await sleep(Math.min(wait, this.options.maxDelayMs ?? 3_600_000));
            continue;
          }
          if (!isRetryable(error) || attempt >= spec.options.attempts) {
            observe("failed");
            logger.error(
              { err, code: error instanceof AppError ? error.code : null, retryable: isRetryable(error) },
              isRetryable(error)
                ? "job failed after its last attempt"
                : "job failed for good: retrying cannot fix this",
            );
            summary.failed.push({ name: job.name, jobId: job.jobId, error: err });
            this.options.onJobDone?.({ name: job.name, jobId: job.jobId, ok: false });
            break;
          }
          observe("retried");
          const delay = Math.min(backoffDelay(spec, attempt), this.options.maxDelayMs ?? 60_000);
          logger.warn({ err, delayMs: delay }, "job failed, retrying");
          await sleep(delay);
        }
      }
    }
    return summary;
  }
}
