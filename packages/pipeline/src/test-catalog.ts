import { AppError } from "@yardstick/core";
import { z } from "zod";
import { type Catalog, defineJob, JobDeferred, type Processors } from "./job-spec.js";

/** A small catalog for the runners' own tests: a fan-out, a flaky job, a rate-limited job, a hard failure, a job that waits for another. */
export const testCatalog = {
  "test.fan-out": defineJob({
    queue: "test-a",
    payload: z.object({ count: z.number().int().min(0) }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 10 } },
    jobId: (p) => `fan-out-${p.count}`,
  }),
  "test.record": defineJob({
    queue: "test-b",
    payload: z.object({ key: z.string() }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 10 } },
    jobId: (p) => `record-${p.key}`,
  }),
  "test.flaky": defineJob({
    queue: "test-b",
    payload: z.object({ key: z.string(), failures: z.number().int() }),
    options: { attempts: 4, backoff: { type: "fixed", delay: 10 } },
    jobId: (p) => `flaky-${p.key}`,
  }),
  "test.rate-limited": defineJob({
    queue: "test-c",
    payload: z.object({ key: z.string(), waitMs: z.number().int() }),
    options: { attempts: 1, backoff: { type: "fixed", delay: 10 } },
    jobId: (p) => `rate-limited-${p.key}`,
  }),
  "test.broken": defineJob({
    queue: "test-b",
    payload: z.object({ key: z.string() }),
    options: { attempts: 5, backoff: { type: "fixed", delay: 10 } },
    jobId: (p) => `broken-${p.key}`,
  }),
  /** Deferred until `after` is recorded (one attempt: a deferral must not use it up). */
  "test.deferred": defineJob({
    queue: "test-b",
    payload: z.object({ key: z.string(), after: z.string(), delayMs: z.number().int() }),
    options: { attempts: 1, backoff: { type: "fixed", delay: 10 } },
    jobId: (p) => `deferred-${p.key}`,
  }),
} satisfies Catalog;

export interface TestDeps {
  recorded: string[];
  attempts: Map<string, number>;
}

function bump(deps: TestDeps, key: string): number {
  const n = (deps.attempts.get(key) ?? 0) + 1;
  deps.attempts.set(key, n);
  return n;
}

export const testProcessors: Processors<typeof testCatalog, TestDeps> = {
  "test.fan-out": async (payload, context) => {
    for (let i = 0; i < payload.count; i++) await context.enqueue("test.record", { key: `item-${i}` });
    // Enqueued twice: the deterministic id makes the second a no-op.
    for (let i = 0; i < payload.count; i++) await context.enqueue("test.record", { key: `item-${i}` });
  },
  "test.record": async (payload, _context, deps) => {
    deps.recorded.push(payload.key);
  },
  "test.flaky": async (payload, _context, deps) => {
    if (bump(deps, payload.key) <= payload.failures) throw new AppError("test.flaky", "transient", { retryable: true });
    deps.recorded.push(payload.key);
  },
  "test.rate-limited": async (payload, _context, deps) => {
    if (bump(deps, payload.key) === 1) {
      throw new AppError("github.rate_limited", "wait", { retryable: true, details: { retryAfterMs: payload.waitMs } });
    }
    deps.recorded.push(payload.key);
  },
  "test.broken": async (payload, _context, deps) => {
    bump(deps, payload.key);
    throw new AppError("github.not_found", "gone", { retryable: false });
  },
  "test.deferred": async (payload, _context, deps) => {
    bump(deps, payload.key);
    if (!deps.recorded.includes(payload.after)) throw new JobDeferred(`waiting for ${payload.after}`, payload.delayMs);
    deps.recorded.push(payload.key);
  },
};
