import type { Commit, PullRequest } from "@yardstick/core";
import { and, asc, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import type { Database } from "../client.js";
import { commitCoAuthors } from "../schema/commit-co-authors.js";
import { commits } from "../schema/commits.js";
import { pullRequestCommits } from "../schema/pull-request-commits.js";
import { pullRequests } from "../schema/pull-requests.js";
import { chunk, keysIn, upsertRows } from "../upsert.js";
import { groupBy, rowToCommit } from "./commits.js";
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
  const inRange = and(...conditions);
  const linkJoin = and(
    eq(pullRequestCommits.repo, pullRequests.repo),
    eq(pullRequestCommits.number, pullRequests.number),
  );
  const commitJoin = and(eq(commits.repo, pullRequestCommits.repo), eq(commits.sha, pullRequestCommits.sha));

  const prRows = await db
    .select()
    .from(pullRequests)
    .where(inRange)
    .orderBy(asc(pullRequests.mergedAt), asc(pullRequests.repo), asc(pullRequests.number));
  const links = await db
    .select({ link: pullRequestCommits })
    .from(pullRequestCommits)
    .innerJoin(pullRequests, linkJoin)
    .where(inRange)
    .orderBy(asc(pullRequestCommits.position));
  const commitRows = await db
    .selectDistinctOn([commits.repo, commits.sha], { commit: commits })
    .from(pullRequestCommits)
    .innerJoin(pullRequests, linkJoin)
    .innerJoin(commits, commitJoin)
    .where(inRange);
  const coAuthorRows = await db
    .selectDistinct({ coAuthor: commitCoAuthors })
    .from(pullRequestCommits)
    .innerJoin(pullRequests, linkJoin)
    .innerJoin(
      commitCoAuthors,
      and(eq(commitCoAuthors.repo, pullRequestCommits.repo), eq(commitCoAuthors.sha, pullRequestCommits.sha)),
    )
    .where(inRange);

  const commitKey = (repo: string, sha: string) => `${repo}@${sha}`;
  const coAuthorsByCommit = groupBy(
    coAuthorRows.map((r) => r.coAuthor),
    (a) => commitKey(a.repo, a.sha),
  );
  const commitsByKey = new Map(
    commitRows.map(({ commit }) => [
      commitKey(commit.repo, commit.sha),
      rowToCommit(commit, coAuthorsByCommit.get(commitKey(commit.repo, commit.sha))),
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
