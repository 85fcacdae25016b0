import { AppError, InputError } from "@yardstick/core";
import { toDatabaseError } from "@yardstick/db";
import type { Logger } from "@yardstick/log";
import type { z } from "zod";

/** A job declared once: its queue, payload schema, retry policy and deterministic id. */
export interface JobSpec<P extends z.ZodType = z.ZodType> {
  queue: string;
  payload: P;
  options: {
    attempts: number;
    backoff: { type: "exponential" | "fixed"; delay: number };
  };
  /** Deterministic job id, so that enqueueing the same work twice is a no-op. */
  jobId: (payload: z.infer<P>) => string;
}

// biome-ignore lint/suspicious/noExplicitAny: entries differ in payload type; defineJob checks each one against its own schema.
export type Catalog = Record<string, JobSpec<any>>;

/** Declares one catalog entry, typing `jobId` by the entry's own payload schema. */
export function defineJob<P extends z.ZodType>(spec: JobSpec<P>): JobSpec<P> {
  return spec;
}
export type JobName<C extends Catalog> = keyof C & string;
export type PayloadOf<C extends Catalog, N extends JobName<C>> = z.infer<C[N]["payload"]>;

/** What a processor may do besides its own work: enqueue what follows, log with context. */
export interface JobContext<C extends Catalog> {
  jobId: string;
  attempt: number;
  logger: Logger;
  enqueue<N extends JobName<C>>(name: N, payload: PayloadOf<C, N>): Promise<void>;
}

/** One processor per job name; a catalog entry without a processor does not compile. */
export type Processors<C extends Catalog, D> = {
  [N in JobName<C>]: (payload: PayloadOf<C, N>, context: JobContext<C>, deps: D) => Promise<void>;
};

/** Both runners: the inline one (one process, no Redis) and BullMQ workers. */
export interface JobRunner<C extends Catalog> {
  enqueue<N extends JobName<C>>(name: N, payload: PayloadOf<C, N>): Promise<void>;
}

/**
 * Thrown by a processor whose job cannot run yet because what it reads is still being written by
 * another job (attribution waiting for its run's roster): the runner puts the job back to run
 * again after `delayMs`, without using an attempt (BullMQ: `moveToDelayed` + `DelayedError`; the
 * inline runner: to the back of its queue). The processor bounds how long it keeps deferring.
 */
export class JobDeferred extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = "JobDeferred";
  }
}

/** Validates a payload against its schema; a failure is bad input that retrying cannot fix. */
export function parsePayload<C extends Catalog, N extends JobName<C>>(
  catalog: C,
  name: N,
  payload: unknown,
): PayloadOf<C, N> {
  const spec = catalog[name];
  if (spec === undefined) {
    throw new InputError("input.job_unknown", `unknown job "${name}"`, [
      { path: "name", message: `not in the job catalog (known: ${Object.keys(catalog).join(", ")})` },
    ]);
  }
  const result = spec.payload.safeParse(payload);
  if (!result.success) {
    throw new InputError(
      "input.job_payload",
      `invalid payload for job "${name}"`,
      result.error.issues.map((issue: z.core.$ZodIssue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  return result.data as PayloadOf<C, N>;
}

/** Whether trying again can help: AppErrors say so; unknown errors (bugs, lost connections) get retries. */
export function isRetryable(error: unknown): boolean {
  const classified = classifyFailure(error);
  return classified instanceof AppError ? classified.retryable : true;
}

/**
 * A job's failure as the runners report and decide on it, classified at the edge:
 * - a database failure becomes a DatabaseError, which names the statement, table and SQLSTATE but
 *   no value, and is final when the data itself was refused (bad data, not a bad moment);
 * - data that fails its schema (a ZodError: a stored row or a GitHub answer we cannot read) is
 *   final: the same data fails the same way on every attempt;
 * - AppErrors (a GitHub 401, a malformed App private key: GitHubError) keep their own `retryable`;
 * - anything else (a bug, a lost connection) is left as it is, and retried.
 */
export function classifyFailure(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (isZodError(error)) {
    const issues = error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`);
    return new AppError("data.invalid", `Data failed its schema (retrying cannot fix it): ${issues.join("; ")}`, {
      retryable: false,
      details: { issues: issues.length, paths: error.issues.slice(0, 5).map((issue) => issue.path.join(".")) },
    });
  }
  return toDatabaseError(error);
}

/** A zod validation failure (duck-typed: each package may resolve its own zod copy). */
function isZodError(error: unknown): error is z.ZodError {
  return error instanceof Error && error.name === "ZodError" && Array.isArray((error as { issues?: unknown }).issues);
}

/** The one line a final failure is logged with: its code and message, never the failed statement's values. */
export function failureSummary(error: unknown): { code: string | null; retryable: boolean; message: string } {
  const classified = classifyFailure(error);
  return {
    code: classified instanceof AppError ? classified.code : null,
    retryable: isRetryable(classified),
    message: classified instanceof Error ? classified.message : String(classified),
  };
}

/** How long the source asked us to wait (e.g. GitHub's retry-after or rate-limit reset), if it did. */
export function retryAfterMs(error: unknown): number | null {
  if (!(error instanceof AppError)) return null;
  const value = error.details.retryAfterMs;
  return typeof value === "number" && value > 0 ? value : null;
}

/** Backoff before attempt `attempt + 1` with full jitter in [delay/2, delay]. */
export function backoffDelay(spec: JobSpec, attempt: number, random: () => number = Math.random): number {
  const base =
    spec.options.backoff.type === "fixed"
      ? spec.options.backoff.delay
      : spec.options.backoff.delay * 2 ** (attempt - 1);
  return Math.round(base / 2 + (random() * base) / 2);
}
