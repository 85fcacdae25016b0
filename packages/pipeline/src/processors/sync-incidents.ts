import {
  deleteIncidentIssues,
  getSyncCursor,
  incidentsStream,
  upsertIncidentIssues,
  upsertSyncCursor,
} from "@yardstick/db";
import { issuesUpdatedSince } from "@yardstick/github";
import type { Jobs } from "../catalog.js";
import { backfillStart, type PipelineDeps, splitRepo } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { storeEach } from "../quarantine.js";

/**
 * The cursor stream of one incident label (`newestUpdateAt`: the newest issue update read;
 * `issuesMarker`: the repository's issues marker when the last pass ended). Keyed by the label, so
 * a changed `incidents.label` starts its own backfill instead of resuming the old label's.
 */
export { incidentsStream };

/**
 * Issues carrying the configured incident label (`incidents.label`; nothing to do without one).
 * Issues come least recently updated first from the stream's high-water mark, a page per
 * transaction with the mark written in it, so a crash repeats a page and skips none. Issues that
 * lost the label are deleted. The first pass reaches back over the backfill window plus the
 * first deployment's look-back, like the branch history.
 */
export async function syncIncidents(
  payload: PayloadOf<Jobs, "sync.incidents">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const label = deps.config.incidents.label;
  if (label === undefined) return;
  const repo = payload.repo;
  const wanted = label.toLowerCase();
  const stream = incidentsStream(label);
  const cursor = await getSyncCursor(deps.db, repo, stream);
  const lookbackMs = deps.config.thresholds.lookbackWeeks * 7 * 86_400_000;
  const since = cursor?.state.newestUpdateAt ?? new Date(backfillStart(deps, null).getTime() - lookbackMs);
  let kept = 0;
  let dropped = 0;
  for await (const page of issuesUpdatedSince(deps.github, { ...splitRepo(repo), since })) {
    const labelled = page.issues.filter((i) => i.labels.some((l) => l.toLowerCase() === wanted));
    const unlabelled = page.issues.filter((i) => !labelled.includes(i)).map((i) => i.number);
    const syncedAt = deps.now();
    await deps.db.transaction(async (tx) => {
      await storeEach(
        tx,
        labelled.map((i) => ({
          repo,
          number: i.number,
          label,
          title: i.title,
          body: i.body,
          url: i.url,
          state: i.state,
          authorLogin: i.author,
          createdAt: i.createdAt,
          updatedAt: i.updatedAt,
          closedAt: i.closedAt,
          syncedAt,
        })),
        {
          kind: "incident_issue",
          scopeOf: (issue) => issue.repo,
          keyOf: (issue) => String(issue.number),
          now: syncedAt,
          store: async (db, issues) => void (await upsertIncidentIssues(db, issues)),
        },
        context.logger,
      );
      await deleteIncidentIssues(tx, repo, unlabelled);
      await upsertSyncCursor(tx, {
        scope: repo,
        stream,
        state: {
          newestUpdateAt: page.updatedSince ?? since,
          // The marker moves only when a pass ends; until then the stored one is kept.
          issuesMarker: page.done && payload.marker != null ? payload.marker : (cursor?.state.issuesMarker ?? null),
        },
        lastRunAt: syncedAt,
      });
    });
    kept += labelled.length;
    dropped += unlabelled.length;
    deps.onProgress?.({
      kind: "page",
      repo,
      stream,
      items: page.issues.length,
      points: page.cost.graphqlPoints,
      remaining: page.rateLimit?.remaining ?? null,
    });
  }
  context.logger.info({ repo, label, incidents: kept, otherIssues: dropped }, "incident issues synced");
}
