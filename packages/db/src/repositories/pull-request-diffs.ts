import { and, asc, eq, gt, inArray, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { type DiffFileStat, pullRequests } from "../schema/pull-requests.js";

/** A stored pull request whose patches were not read yet, with what the candidate rule reads. */
export interface PullRequestForDiffs {
  number: number;
  title: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  files: (typeof pullRequests.$inferSelect)["files"];
  filesComplete: boolean;
  commitMessages: string[];
  syncedAt: Date;
  /** The merge, squash or last rebased commit (null: not merged). */
  mergeCommitSha: string | null;
  mergeMethod: (typeof pullRequests.$inferSelect)["mergeMethod"];
}

/** What `listPullRequestsWithoutDiffsPages` reads of a pull request (its commit messages apart). */
const forDiffs = {
  number: pullRequests.number,
  title: pullRequests.title,
  additions: pullRequests.additions,
  deletions: pullRequests.deletions,
  changedFiles: pullRequests.changedFiles,
  files: pullRequests.files,
  filesComplete: pullRequests.filesComplete,
  syncedAt: pullRequests.syncedAt,
  mergeCommitSha: pullRequests.mergeCommitSha,
  mergeMethod: pullRequests.mergeMethod,
};

/** The pull requests without patches in the window: `syncedAfter` (exclusive, null: any) to `upTo` (inclusive, PostgreSQL's text). */
function withoutDiffs(repo: string, syncedAfter: Date | null, upTo?: string): SQL {
  return and(
    eq(pullRequests.repo, repo),
    isNull(pullRequests.diffReadAt),
    ...(syncedAfter === null ? [] : [gt(pullRequests.syncedAt, syncedAfter)]),
    ...(upTo === undefined ? [] : [sql`${pullRequests.syncedAt} <= ${upTo}::timestamptz`]),
  ) as SQL;
}

/**
 * The row's commit messages in commit order, read with the row: a subquery per pull request of
 * the page (two primary-key probes a commit, whatever the repository's size). Not a second
 * query with the page's numbers as a list: for a list of hundreds, PostgreSQL's estimate made
 * a scan of every commit link of the table cheaper than hundreds of index probes, and each page
 * re-scanned them all, comparing each row with every number (docs/benchmarks.md, issue 18).
 */
const commitMessagesOfRow = sql<string[]>`array(
  select c.message from pull_request_commits pc join commits c on c.repo = pc.repo and c.sha = pc.sha
  where pc.repo = "pull_requests"."repo" and pc.number = "pull_requests"."number" order by pc.position)`;

/**
 * A repository's pull requests whose patches were never read, synced after `syncedAfter` (all of
 * them when null), in pages of at most `pageSize` by PR number (keyset on the primary key: all
 * the pages together are one walk of the repository's rows, never all held; issue 18 replaced a
 * whole-list read), each with its commit messages in commit order. The window is fixed when the
 * walk starts: synced after `syncedAfter` and at or before the newest such row's `synced_at`
 * then, so a row a concurrent sync writes meanwhile (its `synced_at` moved past the bound) is
 * left for the next run. A row the caller marks read before its page is reached is skipped.
 */
export async function* listPullRequestsWithoutDiffsPages(
  db: Database,
  window: { repo: string; syncedAfter: Date | null; pageSize: number },
): AsyncGenerator<PullRequestForDiffs[]> {
  const [bound] = await db
    // As text: a Date would drop the microseconds, and with them the newest row.
    .select({ upTo: sql<string | null>`max(${pullRequests.syncedAt})::text` })
    .from(pullRequests)
    .where(withoutDiffs(window.repo, window.syncedAfter));
  const upTo = bound?.upTo ?? null;
  if (upTo === null) return;
  let after = 0;
  for (;;) {
    const rows = await db
      .select({ ...forDiffs, commitMessages: commitMessagesOfRow })
      .from(pullRequests)
      .where(and(withoutDiffs(window.repo, window.syncedAfter, upTo), gt(pullRequests.number, after)))
      .orderBy(asc(pullRequests.number))
      .limit(window.pageSize);
    const last = rows.at(-1);
    if (last === undefined) return;
    yield rows;
    if (rows.length < window.pageSize) return;
    after = last.number;
  }
}

/**
 * Stores what a pull request's patches say. `syncedAt` moves (database time, as upserts set it), so that the incremental
 * rollups see the row changed.
 */
export async function storePullRequestDiffs(
  db: Database,
  repo: string,
  number: number,
  diff: { files: readonly DiffFileStat[]; complete: boolean; readAt: Date },
): Promise<void> {
  await db
    .update(pullRequests)
    .set({
      diffFiles: [...diff.files],
      diffFilesComplete: diff.complete,
      diffReadAt: diff.readAt,
      syncedAt: sql`now()`,
    })
    .where(and(eq(pullRequests.repo, repo), eq(pullRequests.number, number)));
}

/** The stored patch stats of the given repositories' pull requests, by `<repo>#<number>`. */
export async function listPullRequestDiffs(
  db: Database,
  repos: readonly string[],
): Promise<Map<string, { files: DiffFileStat[]; complete: boolean }>> {
  const out = new Map<string, { files: DiffFileStat[]; complete: boolean }>();
  if (repos.length === 0) return out;
  const rows = await db
    .select({
      repo: pullRequests.repo,
      number: pullRequests.number,
      files: pullRequests.diffFiles,
      complete: pullRequests.diffFilesComplete,
    })
    .from(pullRequests)
    .where(and(inArray(pullRequests.repo, [...repos]), isNotNull(pullRequests.diffReadAt)));
  for (const r of rows) out.set(`${r.repo}#${r.number}`, { files: r.files ?? [], complete: r.complete ?? false });
  return out;
}
