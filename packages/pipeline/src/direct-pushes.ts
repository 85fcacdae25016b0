import type { MergeMethod } from "@yardstick/core";
import { type changes as changesTable, type Database, getCommits, type VerdictRecord } from "@yardstick/db";
import type { MetricsChange } from "@yardstick/metrics";

/** A merged pull request as direct-push detection needs it. */
export interface LandedPullRequest {
  mergeCommitSha: string | null;
  mergeMethod: MergeMethod | null;
  /** The PR's own commits (before any squash or rebase). */
  commitShas: readonly string[];
}

/**
 * The commits pushed straight to the tracked branch: its first-parent chain from `head`, newest
 * first, down to the first commit before `since`, without the commits pull requests landed (a
 * PR's merge or squash commit, the rebased copies of its commits just before its landing commit,
 * and its own commits when they were fast-forwarded) and the repository's root commit. Pure: the
 * caller loads the graph.
 */
export function directPushShas(options: {
  head: string;
  parents: Readonly<Record<string, readonly string[]>>;
  committedAt: ReadonlyMap<string, Date>;
  since: Date;
  pullRequests: readonly LandedPullRequest[];
}): string[] {
  const landing = new Map<string, LandedPullRequest>();
  const prCommits = new Set<string>();
  for (const pr of options.pullRequests) {
    if (pr.mergeCommitSha !== null) landing.set(pr.mergeCommitSha, pr);
    for (const sha of pr.commitShas) prCommits.add(sha);
  }
  const found: string[] = [];
  const seen = new Set<string>();
  let rebasedLeft = 0;
  for (let sha: string | undefined = options.head; sha !== undefined && !seen.has(sha); ) {
    seen.add(sha);
    const at = options.committedAt.get(sha);
    if (at === undefined || at < options.since) break; // not stored, or before the window
    const pr = landing.get(sha);
    if (pr !== undefined) {
      // A rebase merge puts copies of the PR's commits on the branch, its landing commit last.
      rebasedLeft = pr.mergeMethod === "rebase" ? Math.max(0, pr.commitShas.length - 1) : 0;
    } else if (rebasedLeft > 0) {
      rebasedLeft -= 1;
    } else if (!prCommits.has(sha) && (options.parents[sha]?.length ?? 0) > 0) {
      found.push(sha); // a root commit creates the repository: not a change
    }
    sha = options.parents[sha]?.[0];
  }
  return found;
}

/**
 * The metrics engine's view of stored direct-push changes (`changes.kind = 'direct_push'`, written
 * by attribute.changes for repositories with `directPushes`): the pushed commit is the change, its
 * message its title and body, and it lands itself. Its files are not fetched (filesComplete false).
 */
export async function directPushMetricsChanges(
  db: Database,
  rows: readonly (typeof changesTable.$inferSelect)[],
  verdicts: ReadonlyMap<string, VerdictRecord>,
): Promise<MetricsChange[]> {
  const byRepo = new Map<string, (typeof changesTable.$inferSelect)[]>();
  for (const row of rows) {
    if (row.kind !== "direct_push" || row.sha === null) continue;
    byRepo.set(row.repo, [...(byRepo.get(row.repo) ?? []), row]);
  }
  const out: MetricsChange[] = [];
  for (const [repo, unordered] of [...byRepo].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // In merge order (then key), whatever order the rows were read in: the facts' order (their
    // place in the kept state) is then the same for a whole load and one repository batch's.
    const repoRows = unordered.sort(
      (a, b) => a.mergedAt.getTime() - b.mergedAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    const commits = new Map(
      (
        await getCommits(
          db,
          repo,
          repoRows.map((r) => r.sha ?? ""),
        )
      ).map((c) => [c.sha, c]),
    );
    for (const row of repoRows) {
      const commit = commits.get(row.sha ?? "");
      if (commit === undefined) continue;
      const verdict = verdicts.get(row.key)?.verdict;
      out.push({
        key: row.key,
        repo,
        kind: "direct_push",
        number: null,
        title: commit.message.split("\n")[0] ?? "",
        body: commit.message,
        headRef: null,
        commitMessages: [commit.message],
        personId: row.creditedPersonId,
        mergedById: null,
        reviewerIds: [],
        reviewsKnown: true,
        aiAssisted: null,
        aiConfidence: verdict?.class === "ai" ? verdict.confidence : null,
        createdAt: null,
        firstCommitAt: row.firstCommitAt,
        mergedAt: row.mergedAt,
        mergeMethod: null,
        landingShas: [commit.sha],
        commitShas: [commit.sha],
        files: [],
        filesComplete: false,
        additions: commit.additions ?? 0,
        deletions: commit.deletions ?? 0,
        formatOnly: false,
        labels: [],
      });
    }
  }
  return out;
}
