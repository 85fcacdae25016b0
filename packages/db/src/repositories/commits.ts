import type { Commit } from "@yardstick/core";
import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { commitAuthorIdentities } from "../schema/commit-author-identities.js";
import { commitCoAuthors } from "../schema/commit-co-authors.js";
import { commits } from "../schema/commits.js";
import { chunk, keysIn, rowsPerStatement, upsertRows } from "../upsert.js";
import { ensureRepositories } from "./repositories.js";

export type CommitRow = typeof commits.$inferSelect;
/** A co-author as `rowToCommit` takes it (its trailer position and what the trailer says). */
type CoAuthorRow = Pick<typeof commitCoAuthors.$inferSelect, "position" | "name" | "email" | "login">;

/**
 * A commits query's column holding the co-authors of its row (`commits` in that query): a
 * subquery correlated to the row, which PostgreSQL runs as one probe of commit_co_authors' primary
 * key (repo, sha, position) per commit, under any plan and however many co-authors are stored,
 * in the commits' own query. A second query joining the co-authors to the same commits was
 * planned by the table's size: a hash of a scan of every co-author while the table is small
 * (docs/benchmarks.md, "Reads by a list of keys"). Read it with `coAuthorsFrom`.
 */
export function coAuthorsColumn() {
  // Written out, qualified: drizzle leaves a single-table query's columns unqualified, and an
  // unqualified "repo" in the subquery would be the co-author's own.
  return sql<unknown>`(select json_agg(json_build_object('position', ca.position, 'name', ca.name, 'email', ca.email, 'login', ca.login))
    from commit_co_authors ca where ca.repo = commits.repo and ca.sha = commits.sha)`;
}

/** The co-authors `coAuthorsColumn` read (json: parsed by postgres.js and PGlite, text otherwise). */
export function coAuthorsFrom(value: unknown): CoAuthorRow[] {
  if (value === null || value === undefined) return [];
  return (typeof value === "string" ? JSON.parse(value) : value) as CoAuthorRow[];
}

export function commitToRow(commit: Commit): typeof commits.$inferInsert {
  return {
    repo: commit.repo,
    sha: commit.sha,
    message: commit.message,
    authorName: commit.author.name,
    authorEmail: commit.author.email,
    authorLogin: commit.author.login,
    authorId: commit.author.userId,
    authorType: commit.author.type,
    committerName: commit.committer.name,
    committerEmail: commit.committer.email,
    committerLogin: commit.committer.login,
    committerId: commit.committer.userId,
    committerType: commit.committer.type,
    authoredAt: commit.authoredAt,
    committedAt: commit.committedAt,
    parents: commit.parents,
    additions: commit.additions,
    deletions: commit.deletions,
  };
}

export function rowToCommit(row: CommitRow, coAuthors: readonly CoAuthorRow[] = []): Commit {
  return {
    repo: row.repo,
    sha: row.sha,
    message: row.message,
    author: {
      name: row.authorName,
      email: row.authorEmail,
      login: row.authorLogin,
      userId: row.authorId,
      type: row.authorType,
    },
    committer: {
      name: row.committerName,
      email: row.committerEmail,
      login: row.committerLogin,
      userId: row.committerId,
      type: row.committerType,
    },
    authoredAt: row.authoredAt,
    committedAt: row.committedAt,
    parents: row.parents,
    coAuthors: [...coAuthors]
      .sort((a, b) => a.position - b.position)
      .map(({ name, email, login }) => ({ name, email, login })),
    additions: row.additions,
    deletions: row.deletions,
  };
}

/**
 * Writes commits and their co-authors, and the (login, email, name) of each author GitHub linked
 * to an account (commit_author_identities, kept for attribution). A commit's co-author set is
 * replaced by the one given, so it always matches the commit's message. One transaction.
 */
export async function upsertCommits(db: Database, batch: readonly Commit[]): Promise<number> {
  if (batch.length === 0) return 0;
  return db.transaction(async (tx) => {
    await ensureRepositories(
      tx,
      batch.map((c) => c.repo),
    );
    // A commit's parents never change, and an empty list means "not fetched" (GitHub's bulk PR
    // query leaves them out for cost): an empty list leaves stored parents alone. One statement
    // in key order, so concurrent writers of overlapping commits wait instead of deadlocking.
    const written = await upsertRows(tx, commits, batch.map(commitToRow), {
      key: ["repo", "sha"],
      keepWhenEmpty: ["parents"],
    });
    // Two parameters per key in the delete, six columns per co-author in the insert.
    for (const part of chunk(batch, 30_000)) {
      await tx.delete(commitCoAuthors).where(
        keysIn(
          [commitCoAuthors.repo, commitCoAuthors.sha],
          part.map((c) => [c.repo, c.sha]),
        ),
      );
    }
    const coAuthorRows = batch.flatMap((c) =>
      c.coAuthors.map((a, position) => ({ repo: c.repo, sha: c.sha, position, ...a })),
    );
    await upsertRows(tx, commitCoAuthors, coAuthorRows, { key: ["repo", "sha", "position"] });
    await storeAuthorIdentities(tx, batch);
    return written;
  });
}

/** The commits of a repository with the given shas (those that are stored), with co-authors. */
export async function getCommits(db: Database, repo: string, shas: readonly string[]): Promise<Commit[]> {
  const found: Commit[] = [];
  for (const part of chunk([...new Set(shas)], 30_000)) {
    const keys = part.map((sha) => [repo, sha]);
    const rows = await db
      .select({ commit: commits, coAuthors: coAuthorsColumn() })
      .from(commits)
      .where(keysIn([commits.repo, commits.sha], keys))
      .orderBy(asc(commits.committedAt));
    found.push(...rows.map((row) => rowToCommit(row.commit, coAuthorsFrom(row.coAuthors))));
  }
  return found;
}

export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/**
 * The linked authors' identities of `batch` not stored yet (an identity is never updated: a
 * triple seen again is nothing to write), in key order so that concurrent writers of the same
 * new identity wait for each other instead of deadlocking.
 */
async function storeAuthorIdentities(db: Database, batch: readonly Commit[]): Promise<void> {
  const distinct = new Map<string, { login: string; email: string; name: string }>();
  for (const c of batch) {
    const { login, email, name } = c.author;
    if (login !== null) distinct.set(JSON.stringify([login, email, name]), { login, email, name });
  }
  const rows = [...distinct.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  for (const part of chunk(rows, rowsPerStatement(3))) {
    await db.insert(commitAuthorIdentities).values(part).onConflictDoNothing();
  }
}

/** An identity GitHub linked a stored commit's author to an account with. */
export interface CommitAuthorIdentity {
  login: string;
  email: string;
  name: string;
}

/**
 * Each distinct (login, email, name) GitHub linked a stored commit's author to an account with,
 * in any repository (commit_author_identities: as many rows as identities, however many commits),
 * of the given logins (case-insensitive) when given, in key order.
 */
export async function listCommitAuthorIdentities(
  db: Database,
  logins?: readonly string[],
): Promise<CommitAuthorIdentity[]> {
  if (logins !== undefined && logins.length === 0) return [];
  return db
    .select({
      login: commitAuthorIdentities.login,
      email: commitAuthorIdentities.email,
      name: commitAuthorIdentities.name,
    })
    .from(commitAuthorIdentities)
    .where(
      logins === undefined
        ? undefined
        : sql`lower(${commitAuthorIdentities.login}) = any(${sql.param([...new Set(logins.map((l) => l.toLowerCase()))])}::text[])`,
    )
    .orderBy(asc(commitAuthorIdentities.login), asc(commitAuthorIdentities.email), asc(commitAuthorIdentities.name));
}

/** A repository's stored commits committed at or after `since`: sha and commit time. */
export async function listCommitTimes(
  db: Database,
  repo: string,
  since: Date,
): Promise<{ sha: string; committedAt: Date }[]> {
  return db
    .select({ sha: commits.sha, committedAt: commits.committedAt })
    .from(commits)
    .where(and(eq(commits.repo, repo), gte(commits.committedAt, since)));
}

/** A repository's stored commits with their parents (its commit graph's edges). */
export async function listCommitParents(db: Database, repo: string): Promise<{ sha: string; parents: string[] }[]> {
  return db.select({ sha: commits.sha, parents: commits.parents }).from(commits).where(eq(commits.repo, repo));
}
