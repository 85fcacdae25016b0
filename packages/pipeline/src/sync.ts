import type { Logger } from "@yardstick/log";
import { type Jobs, jobs } from "./catalog.js";
import { type PipelineDeps, syncWeeks } from "./deps.js";
import { InlineRunner, type InlineRunSummary } from "./inline-runner.js";
import type { JobRunner } from "./job-spec.js";
import { processors } from "./processors/index.js";

export interface SyncRequest {
  /** Names one run: job ids derive from it, so re-enqueueing within the run is a no-op. */
  runId: string;
  /** Sync these repositories only; otherwise every configured organisation is discovered. */
  repos?: readonly string[];
  /** ISO date-time where a first sync starts (default: the backfill window). */
  since?: string | null;
}

/** Enqueues a sync: discovery of every configured organisation, or the given repositories. */
export async function enqueueSync(runner: JobRunner<Jobs>, deps: PipelineDeps, request: SyncRequest): Promise<number> {
  const since = request.since ?? null;
  if (request.repos !== undefined && request.repos.length > 0) {
    // sync.pulls enqueues the branch and deployment syncs whose markers moved.
    for (const repo of request.repos) await runner.enqueue("sync.pulls", { repo, runId: request.runId, since });
    return request.repos.length;
  }
  for (const org of deps.config.github.organizations)
    await runner.enqueue("discover.org", { org: org.name, runId: request.runId });
  return deps.config.github.organizations.length;
}

/**
 * The embedded path: runs a whole sync in this process with no Redis (discover, pull requests,
 * branch history, deployments, attribution, linking), then recomputes the weekly rollups.
 */
export async function runSyncInline(
  deps: PipelineDeps,
  logger: Logger,
  request: SyncRequest,
): Promise<InlineRunSummary> {
  const runner = new InlineRunner({ catalog: jobs, processors, deps, logger, maxDelayMs: 60_000 });
  await enqueueSync(runner, deps, request);
  const summary = await runner.drain();
  await runner.enqueue("rollups.recompute", { weeks: syncWeeks(deps), runId: request.runId });
  const rollups = await runner.drain();
  return { completed: summary.completed + rollups.completed, failed: [...summary.failed, ...rollups.failed] };
}
