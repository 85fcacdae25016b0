import { checkGitHubAccess } from "@yardstick/github";
import { BullMqRunner, createPipelineDeps, enqueueSync, jobs, runSyncInline, syncWeeks } from "@yardstick/pipeline";
import type { SyncProgress } from "./progress.js";
import { githubClientFor, type Runtime } from "./runtime.js";

export interface SyncRequestOptions {
  repos: string[];
  since: string | null;
  queuePrefix: string;
}

export interface FailedJob {
  name: string;
  jobId: string;
  reason: string;
}

/**
 * One sync run against the configured GitHub: inline in this process without REDIS_URL, or
 * enqueued for `yardstick worker` processes and followed until done with it. Then the weekly
 * rollups. Returns the jobs that failed for good.
 */
export async function performSync(
  runtime: Runtime,
  request: SyncRequestOptions,
  progress: SyncProgress,
): Promise<FailedJob[]> {
  const github = githubClientFor(runtime);
  // Unreachable, or the credentials rejected: exit 3 in one line now, not after minutes of retries.
  await checkGitHubAccess(github);
  const deps = createPipelineDeps({
    db: runtime.database.db,
    github,
    config: runtime.config,
    onProgress: progress.onProgress,
  });
  const runId = `cli-${new Date().toISOString().replaceAll(":", "")}`;
  let failed: FailedJob[];
  if (runtime.env.REDIS_URL === undefined) {
    const summary = await runSyncInline(deps, runtime.logger, { runId, repos: request.repos, since: request.since });
    failed = summary.failed.map((f) => ({ name: f.name, jobId: f.jobId, reason: f.error.message }));
  } else {
    const runner = new BullMqRunner({
      catalog: jobs,
      deps,
      logger: runtime.logger,
      redisUrl: runtime.env.REDIS_URL,
      prefix: request.queuePrefix,
    });
    try {
      // Exit 3 within seconds when Redis is unreachable, 2 when it refuses REDIS_URL's database.
      await runner.ready();
      await enqueueSync(runner, deps, { runId, repos: request.repos, since: request.since });
      process.stderr.write("enqueued; following the workers (start them with `yardstick worker`)\n");
      // Survives a Redis restart: waits for it, then goes on following (bullmq-runner `follow`).
      await runner.follow();
      await runner.enqueue("rollups.recompute", { weeks: syncWeeks(deps), runId });
      await runner.follow({ pollMs: 200 });
      failed = (await runner.failed()).filter((f) => f.jobId.includes(runId));
    } finally {
      await runner.close();
    }
  }
  return failed;
}
