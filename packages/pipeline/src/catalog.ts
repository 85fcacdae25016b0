import { IsoWeek, RepoFullName } from "@yardstick/core";
import { z } from "zod";
import { defineJob } from "./job-spec.js";

/**
 * The product's jobs, declared once: queue, payload schema, retry policy, deterministic id.
 * Payloads carry ids, never tokens or diffs. `runId` names one sync run (a scheduler tick, a CLI
 * invocation, a webhook delivery), so that a duplicate enqueue within a run is a no-op while the
 * next run still proceeds.
 */
const retry = { attempts: 8, backoff: { type: "exponential", delay: 5_000 } } as const;
const runId = z.string().min(1).max(100);

export const jobs = {
  /** A job scheduler's tick: starts a sync run named after the tick's time. */
  "sync.tick": defineJob({
    queue: "ingest",
    payload: z.object({ org: z.string().min(1) }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 5_000 } },
    jobId: (p) => `sync.tick-${p.org}`,
  }),
  /**
   * An organisation's repositories, a page at a time: each page's selected repositories are stored
   * and their sync.pulls enqueued before the next page is read. Enqueues discover.roster first.
   */
  "discover.org": defineJob({
    queue: "ingest",
    payload: z.object({ org: z.string().min(1), runId }),
    options: retry,
    jobId: (p) => `discover.org-${p.org}-${p.runId}`,
  }),
  /**
   * An organisation's roster (members; teams with their members), read while the repositories
   * sync and stored in one transaction with the run's roster mark (sync_cursors stream `roster`);
   * that run's attribute.changes waits for it.
   */
  "discover.roster": defineJob({
    queue: "ingest",
    payload: z.object({ org: z.string().min(1), runId }),
    options: retry,
    jobId: (p) => `discover.roster-${p.org}-${p.runId}`,
  }),
  /**
   * The configuration's usage exports (`usage.sources`), imported on each discovery run
   * (enqueued by discover.org, once a run) when the run's rosters are stored, so that their
   * identities resolve to people. Idempotent: the same files change nothing.
   */
  "usage.import": defineJob({
    queue: "ingest",
    payload: z.object({ runId }),
    options: retry,
    jobId: (p) => `usage.import-${p.runId}`,
  }),
  "sync.pulls": defineJob({
    queue: "ingest",
    payload: z.object({ repo: RepoFullName, runId, since: z.string().datetime().nullable() }),
    options: retry,
    jobId: (p) => `sync.pulls-${p.repo}-${p.runId}`,
  }),
  "sync.pull-request": defineJob({
    queue: "ingest",
    payload: z.object({ repo: RepoFullName, number: z.number().int().positive(), runId }),
    options: retry,
    jobId: (p) => `sync.pull-request-${p.repo}-${p.number}-${p.runId}`,
  }),
  /**
   * The patches of a repository's pull requests whose trivial verdict they can flip (whitespace,
   * formatting); enqueued by sync.pulls, enqueues attribute.changes.
   */
  "sync.pull-diffs": defineJob({
    queue: "ingest",
    payload: z.object({ repo: RepoFullName, runId }),
    options: retry,
    jobId: (p) => `sync.pull-diffs-${p.repo}-${p.runId}`,
  }),
  "sync.deployments": defineJob({
    queue: "ingest",
    payload: z.object({
      repo: RepoFullName,
      runId,
      /** The repository's deployment marker read before this job was enqueued; stored once the read is done. */
      marker: z.string().max(200).nullable().optional(),
    }),
    options: retry,
    jobId: (p) => `sync.deployments-${p.repo}-${p.runId}`,
  }),
  "sync.branch": defineJob({
    queue: "ingest",
    payload: z.object({
      repo: RepoFullName,
      runId,
      /** Whether to sync deployments afterwards (default true; false when their marker did not change). */
      deployments: z.boolean().optional(),
      /** Passed on to sync.deployments. */
      deploymentsMarker: z.string().max(200).nullable().optional(),
    }),
    options: retry,
    jobId: (p) => `sync.branch-${p.repo}-${p.runId}`,
  }),
  /** Issues carrying the incident label (config `incidents.label`) of one repository. */
  "sync.incidents": defineJob({
    queue: "ingest",
    payload: z.object({
      repo: RepoFullName,
      runId,
      /** The repository's issues marker read before this job was enqueued; stored once the pass is done. */
      marker: z.string().max(200).nullable().optional(),
    }),
    options: retry,
    jobId: (p) => `sync.incidents-${p.repo}-${p.runId}`,
  }),
  "attribute.changes": defineJob({
    queue: "attribution",
    payload: z.object({ repo: RepoFullName, runId }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 2_000 } },
    jobId: (p) => `attribute.changes-${p.repo}-${p.runId}`,
  }),
  /**
   * The reviews of a repository's AI-assisted changes merged by their credited person (the
   * "self-merged without review" flag), which the bulk pull-request query leaves out; enqueued by
   * attribute.changes, enqueues link.deployments.
   */
  "sync.reviews": defineJob({
    queue: "ingest",
    payload: z.object({ repo: RepoFullName, runId }),
    options: retry,
    jobId: (p) => `sync.reviews-${p.repo}-${p.runId}`,
  }),
  "link.deployments": defineJob({
    queue: "metrics",
    payload: z.object({ repo: RepoFullName, runId }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 2_000 } },
    jobId: (p) => `link.deployments-${p.repo}-${p.runId}`,
  }),
  /**
   * The weekly rollups of `weeks` (absent: the backfill window up to this week when the job runs,
   * as the worker's rollup scheduler enqueues it), incrementally where it can.
   */
  "rollups.recompute": defineJob({
    queue: "metrics",
    payload: z.object({ weeks: z.array(IsoWeek).min(1).optional(), runId }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 2_000 } },
    jobId: (p) => `rollups.recompute-${p.weeks?.[0] ?? "window"}-${p.weeks?.at(-1) ?? "now"}-${p.runId}`,
  }),
  /**
   * The weekly digest of `week` (null: the last complete week when the job runs, as the job
   * scheduler enqueues it) to every configured channel; each channel is recorded, so a retry
   * sends only the channels not yet delivered.
   */
  "digest.weekly": defineJob({
    queue: "digest",
    payload: z.object({ org: z.string().min(1), week: IsoWeek.nullable() }),
    options: { attempts: 6, backoff: { type: "exponential", delay: 30_000 } },
    jobId: (p) => `digest.weekly-${p.org}-${p.week ?? "last"}`,
  }),
  /**
   * Drops the raw text older than `privacy.textRetentionDays` (docs/privacy.md); the worker
   * schedules it daily when the key is set.
   */
  "privacy.enforce": defineJob({
    queue: "metrics",
    payload: z.object({ runId }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 5_000 } },
    jobId: (p) => `privacy.enforce-${p.runId}`,
  }),
};

export type Jobs = typeof jobs;
