import type { Commit, PullRequest } from "@yardstick/core";
import { and, asc, eq, gt, gte, inArray, isNotNull, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { attributionVerdicts } from "../schema/attribution-verdicts.js";
import { changes } from "../schema/changes.js";
import { commits } from "../schema/commits.js";
import { pullRequestCommits } from "../schema/pull-request-commits.js";
import { pullRequests } from "../schema/pull-requests.js";
import { chunk, keysIn, upsertRows } from "../upsert.js";
import { coAuthorsColumn, coAuthorsFrom, groupBy, rowToCommit } from "./commits.js";
import { ensureRepositories } from "./repositories.js";

export type PullRequestRow = typeof pullRequests.$inferSelect;

export function pullRequestToRow(pr: PullRequest): typeof pullRequests.$inferInsert {
  return {
    repo: pr.repo,
    number: pr.number,
    title: pr.title,
    body: pr.body,
    authorLogin: pr.author.login,
    authorId: pr.author.userId,
    authorType: pr.author.type,
    headRef: pr.headRef,
    baseRef: pr.baseRef,
    labels: pr.labels,
    createdAt: pr.createdAt,
    mergedAt: pr.mergedAt,
    mergedByLogin: pr.mergedBy?.login ?? null,
    mergedById: pr.mergedBy?.userId ?? null,
    mergedByType: pr.mergedBy?.type ?? null,
    mergeMethod: pr.mergeMethod,
    mergeCommitSha: pr.mergeCommitSha,
    additions: pr.additions,
    deletions: pr.deletions,
    changedFiles: pr.changedFiles,
    files: pr.files,
    filesComplete: pr.filesComplete,
    assignees: pr.assignees,
    reviewRequests: pr.reviewRequests,
    reviewers: pr.reviewers,
    // A re-read without the reviews forgets that they were read (they may have changed).
    reviewsRead: pr.reviewsRead,
  };
}

export function rowToPullRequest(row: PullRequestRow, commitShas: readonly string[] = []): PullRequest {
  return {
    repo: row.repo,
    number: row.number,
    title: row.title,
    body: row.body,
    author: { login: row.authorLogin, userId: row.authorId, type: row.authorType },
    headRef: row.headRef,
    baseRef: row.baseRef,
    labels: row.labels,
    createdAt: row.createdAt,
    mergedAt: row.mergedAt,
    mergedBy:
      row.mergedByLogin === null ? null : { login: row.mergedByLogin, userId: row.mergedById, type: row.mergedByType },
    mergeMethod: row.mergeMethod,
    mergeCommitSha: row.mergeCommitSha,
    additions: row.additions,
    deletions: row.deletions,
    changedFiles: row.changedFiles,
    files: row.files,
    filesComplete: row.filesComplete,
    assignees: row.assignees,
    reviewRequests: row.reviewRequests,
    reviewers: row.reviewers,
    reviewsRead: row.reviewsRead,
    commitShas: [...commitShas],
  };
}

/**
 * Writes pull requests. For each PR whose `commitShas` is non-empty its commit links are
 * replaced too (an empty list means "not fetched", not "no commits", so links are kept).
 */
export async function upsertPullRequests(db: Database, batch: readonly PullRequest[]): Promise<number> {
  if (batch.length === 0) return 0;
  return db.transaction(async (tx) => {
    await ensureRepositories(
      tx,
      batch.map((pr) => pr.repo),
    );
    const written = await upsertRows(tx, pullRequests, batch.map(pullRequestToRow), { key: ["repo", "number"] });
    await linkPullRequestCommits(
      tx,
      batch
        .filter((pr) => pr.commitShas.length > 0)
        .map(({ repo, number, commitShas }) => ({ repo, number, commitShas })),
    );
    return written;
  });
}

export interface PullRequestCommitLinks {
  repo: string;
  number: number;
  /** The PR's commits, oldest first; their order is kept as `position`. */
  commitShas: readonly string[];
}

/** Replaces the commit list of each given pull request (which must already be stored). */
export async function linkPullRequestCommits(db: Database, links: readonly PullRequestCommitLinks[]): Promise<void> {
  if (links.length === 0) return;
  await db.transaction(async (tx) => {
    for (const part of chunk(links, 30_000)) {
      await tx.delete(pullRequestCommits).where(
        keysIn(
          [pullRequestCommits.repo, pullRequestCommits.number],
          part.map((l) => [l.repo, l.number]),
        ),
      );
    }
    const rows = links.flatMap(({ repo, number, commitShas }) =>
      [...new Set(commitShas)].map((sha, position) => ({ repo, number, sha, position })),
    );
    await upsertRows(tx, pullRequestCommits, rows, { key: ["repo", "number", "sha"] });
  });
}

export interface MergedPullRequest {
  pullRequest: PullRequest;
  /** The stored commits of the PR, in PR order (commits not yet synced are missing). */
  commits: Commit[];
}

export interface MergedRange {
  /** Inclusive start of `merged_at`. */
  from: Date;
  /** Exclusive end of `merged_at`. */
  to: Date;
  /** Only these repositories (default: all). */
  repos?: readonly string[];
}

/** Pull requests merged in [from, to), oldest first, each with its commits and their co-authors. */
export async function listMergedPullRequests(db: Database, range: MergedRange): Promise<MergedPullRequest[]> {
  const conditions: SQL[] = [gte(pullRequests.mergedAt, range.from), lt(pullRequests.mergedAt, range.to)];
  if (range.repos !== undefined) {
    if (range.repos.length === 0) return [];
    conditions.push(inArray(pullRequests.repo, [...range.repos]));
  }
  const inRange = and(...conditions) as SQL;
  const prRows = await db
    .select()
    .from(pullRequests)
    .where(inRange)
    .orderBy(asc(pullRequests.mergedAt), asc(pullRequests.repo), asc(pullRequests.number));
  return withCommits(db, prRows, inRange);
}

/** One page of `listMergedPullRequestsPages`: the pull requests and the number to continue after. */
export interface MergedPullRequestPage {
  items: MergedPullRequest[];
  /** The highest PR number of the page (pass as `afterNumber` for the next page). */
  lastNumber: number;
}

/**
 * A repository's pull requests merged in [from, to), in pages of at most `pageSize` by PR number,
 * each with its commits and their co-authors: what `listMergedPullRequests` returns for one
 * repository, without holding the whole repository in memory (a caller handles a page, then asks
 * for the next). Each page is 3 queries on the primary keys' order: the page's commit links are
 * read by their key's range (the page's numbers), not found by joining every link of the
 * repository to the page (a hash join PostgreSQL's custom plans chose, scanning all of them each
 * page: docs/benchmarks.md, "Reads by a list of keys"), and each commit's co-authors by a probe
 * of their primary key (`coAuthorsColumn`).
 */
export async function* listMergedPullRequestsPages(
  db: Database,
  range: { repo: string; from: Date; to: Date; pageSize: number },
): AsyncGenerator<MergedPullRequestPage> {
  let after = 0;
  for (;;) {
    const inRange = and(
      eq(pullRequests.repo, range.repo),
      gte(pullRequests.mergedAt, range.from),
      lt(pullRequests.mergedAt, range.to),
      gt(pullRequests.number, after),
    ) as SQL;
    const prRows = await db
      .select()
      .from(pullRequests)
      .where(inRange)
      .orderBy(asc(pullRequests.number))
      .limit(range.pageSize);
    const last = prRows.at(-1);
    if (last === undefined) return;
    const links = and(
      eq(pullRequestCommits.repo, range.repo),
      gt(pullRequestCommits.number, after),
      lte(pullRequestCommits.number, last.number),
    ) as SQL;
    const items = await withCommits(db, prRows, and(inRange, lte(pullRequests.number, last.number)) as SQL, links);
    yield { items, lastNumber: last.number };
    if (prRows.length < range.pageSize) return;
    after = last.number;
  }
}

/**
 * The given pull-request rows (those `inRange` selects) with their commits and co-authors, in the
 * rows' order. `linksIn`, when given, is a condition on pull_request_commits that every link of
 * those rows meets (a page's key range): it only narrows what is read, never the result.
 */
async function withCommits(
  db: Database,
  prRows: readonly PullRequestRow[],
  pullRequestsIn: SQL,
  linksIn?: SQL,
): Promise<MergedPullRequest[]> {
  if (prRows.length === 0) return [];
  const inRange = linksIn === undefined ? pullRequestsIn : (and(pullRequestsIn, linksIn) as SQL);
  const linkJoin = and(
    eq(pullRequestCommits.repo, pullRequests.repo),
    eq(pullRequestCommits.number, pullRequests.number),
  );
  const commitJoin = and(eq(commits.repo, pullRequestCommits.repo), eq(commits.sha, pullRequestCommits.sha));

  const links = await db
    .select({ link: pullRequestCommits })
    .from(pullRequestCommits)
    .innerJoin(pullRequests, linkJoin)
    .where(inRange)
    .orderBy(asc(pullRequestCommits.position));
  const commitRows = await db
    .selectDistinctOn([commits.repo, commits.sha], { commit: commits, coAuthors: coAuthorsColumn() })
    .from(pullRequestCommits)
    .innerJoin(pullRequests, linkJoin)
    .innerJoin(commits, commitJoin)
    .where(inRange);

  const commitKey = (repo: string, sha: string) => `${repo}@${sha}`;
  const commitsByKey = new Map(
    commitRows.map(({ commit, coAuthors }) => [
      commitKey(commit.repo, commit.sha),
      rowToCommit(commit, coAuthorsFrom(coAuthors)),
    ]),
  );
  const linksByPr = groupBy(
    links.map((l) => l.link),
    (l) => `${l.repo}#${l.number}`,
  );
  return prRows.map((row) => {
    const prLinks = linksByPr.get(`${row.repo}#${row.number}`) ?? [];
    return {
      pullRequest: rowToPullRequest(
        row,
        prLinks.map((l) => l.sha),
      ),
      commits: prLinks.flatMap((l) => {
        const commit = commitsByKey.get(commitKey(l.repo, l.sha));
        return commit === undefined ? [] : [commit];
      }),
    };
  });
}

/** An AI-assisted merged PR whose reviews were not read, with whom it credits and who merged it. */
export interface UnreviewedAiPullRequest {
  number: number;
  creditedPersonId: string;
  mergedByLogin: string;
}

/**
 * A repository's attributed, AI-assisted (any confidence) pull requests with a credited person and
 * a merger whose reviews were not read: the candidates of `sync.reviews`, which reads the reviews
 * of those merged by the credited person themselves. The whole list (tests, benchmarks); the job
 * reads it in pages (`listUnreviewedAiPullRequestsPages`).
 */
export async function listUnreviewedAiPullRequests(db: Database, repo: string): Promise<UnreviewedAiPullRequest[]> {
  return unreviewedAiPullRequests(db, repo, 0, null);
}

/**
 * `listUnreviewedAiPullRequests` in pages of at most `pageSize` by PR number (keyset on the
 * pull_requests primary key), so a repository's candidates are never all held. A page read
 * after the caller stored reviews of earlier numbers is unaffected: it starts after them.
 */
export async function* listUnreviewedAiPullRequestsPages(
  db: Database,
  repo: string,
  pageSize: number,
): AsyncGenerator<UnreviewedAiPullRequest[]> {
  let after = 0;
  for (;;) {
    const page = await unreviewedAiPullRequests(db, repo, after, pageSize);
    const last = page.at(-1);
    if (last !== undefined) yield page;
    if (last === undefined || page.length < pageSize) return;
    after = last.number;
  }
}

async function unreviewedAiPullRequests(
  db: Database,
  repo: string,
  afterNumber: number,
  limit: number | null,
): Promise<UnreviewedAiPullRequest[]> {
  const query = db
    .select({
      number: pullRequests.number,
      creditedPersonId: changes.creditedPersonId,
      mergedByLogin: pullRequests.mergedByLogin,
    })
    .from(changes)
    .innerJoin(
      pullRequests,
      and(
        eq(pullRequests.repo, changes.repo),
        eq(pullRequests.number, changes.prNumber),
        // A PR's change key (core changeKey), so that each PR of the page finds its change by the
        // primary key: the page is a walk of pull_requests' key, not a scan of every change.
        sql`${changes.key} = ${pullRequests.repo} || '#' || ${pullRequests.number}`,
      ),
    )
    .innerJoin(
      attributionVerdicts,
      and(eq(attributionVerdicts.subjectKind, "change"), eq(attributionVerdicts.subjectKey, changes.key)),
    )
    .where(
      and(
        eq(changes.repo, repo),
        eq(pullRequests.repo, repo),
        gt(pullRequests.number, afterNumber),
        eq(changes.kind, "pull_request"),
        isNotNull(changes.creditedPersonId),
        isNotNull(pullRequests.mergedByLogin),
        eq(pullRequests.reviewsRead, false),
        eq(attributionVerdicts.class, "ai"),
      ),
    )
    .orderBy(asc(pullRequests.number));
  const rows = limit === null ? await query : await query.limit(limit);
  // The nulls are filtered out above; this tells the type.
  return rows.flatMap((r) =>
    r.creditedPersonId === null || r.mergedByLogin === null
      ? []
      : [{ number: r.number, creditedPersonId: r.creditedPersonId, mergedByLogin: r.mergedByLogin }],
  );
}

/**
 * Stores the reviewers read for pull requests of one repository, marked as read.
 * `synced_at` moves (database time, as upserts set it), so that the incremental rollups see them.
 */
export async function storePullRequestReviews(
  db: Database,
  repo: string,
  reviews: readonly { number: number; reviewers: readonly string[] }[],
): Promise<void> {
  if (reviews.length === 0) return;
  await db.transaction(async (tx) => {
    for (const r of reviews) {
      await tx
        .update(pullRequests)
        .set({ reviewers: [...r.reviewers], reviewsRead: true, syncedAt: sql`now()` })
        .where(and(eq(pullRequests.repo, repo), eq(pullRequests.number, r.number)));
    }
  });
}
