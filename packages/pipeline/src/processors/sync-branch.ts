import { repositorySettings } from "@yardstick/config";
import { ensureRepositories, getSyncCursor, upsertCommits, upsertSyncCursor } from "@yardstick/db";
import { branchHistory } from "@yardstick/github";
import type { Jobs } from "../catalog.js";
import { backfillStart, type PipelineDeps, splitRepo } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { storeEach } from "../quarantine.js";

/** `newestCommitAt`: newest commit date read; `head`: the branch head sha (the commit graph's head). */
export const BRANCH_STREAM = "branch";

/**
 * The tracked (default) branch's history with parents: the commit graph that linking walks. The
 * first sync reaches back over the backfill window plus the first deployment's look-back; later
 * syncs read only newer commits. Commits are upserted page by page (idempotent); the cursor moves
 * when the pass ends, so a crash repeats the pass and skips nothing.
 */
export async function syncBranch(
  payload: PayloadOf<Jobs, "sync.branch">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  await ensureRepositories(deps.db, [repo]);
  const cursor = await getSyncCursor(deps.db, repo, BRANCH_STREAM);
  const lookbackMs = deps.config.thresholds.lookbackWeeks * 7 * 86_400_000;
  const since = cursor?.state.newestCommitAt ?? new Date(backfillStart(deps, null).getTime() - lookbackMs);
  let head: string | null = null;
  let newest: Date | null = null;
  let total = 0;
  for await (const page of branchHistory(deps.github, { ...splitRepo(repo), since })) {
    const first = page.commits[0];
    if (head === null && first !== undefined) {
      head = first.sha;
      newest = first.committedAt;
    }
    await storeEach(
      deps.db,
      page.commits,
      {
        kind: "commit",
        scopeOf: (c) => c.repo,
        keyOf: (c) => c.sha,
        now: deps.now(),
        store: async (db, commits) => void (await upsertCommits(db, commits)),
      },
      context.logger,
    );
    total += page.commits.length;
    deps.onProgress?.({
      kind: "page",
      repo,
      stream: BRANCH_STREAM,
      items: page.commits.length,
      points: page.cost.graphqlPoints,
      remaining: page.rateLimit?.remaining ?? null,
    });
  }
  await upsertSyncCursor(deps.db, {
    scope: repo,
    stream: BRANCH_STREAM,
    state: { newestCommitAt: newest ?? since, head: head ?? cursor?.state.head ?? null },
    lastRunAt: deps.now(),
  });
  context.logger.info({ repo, commits: total, head }, "branch history synced");
  // Trunk-based repositories: the new history may hold direct pushes, which attribution turns into changes.
  if (repositorySettings(deps.config, repo).directPushes && total > 0)
    await context.enqueue("attribute.changes", { repo, runId: `${payload.runId}.branch` });
  if (payload.deployments !== false)
    await context.enqueue("sync.deployments", {
      repo,
      runId: payload.runId,
      marker: payload.deploymentsMarker ?? null,
    });
}
