import { and, asc, eq, gte, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { changes } from "../schema/changes.js";
import { deploymentChanges } from "../schema/deployment-changes.js";
import { chunk, upsertRows } from "../upsert.js";
import { ensureRepositories } from "./repositories.js";

export type ChangeRow = typeof changes.$inferSelect;
export type NewChange = typeof changes.$inferInsert;
export type NewDeploymentChange = typeof deploymentChanges.$inferInsert;

/**
 * Writes changes with the facts derived for them (deployedAt, credit, trivial, revert). Rows may
 * be partial (the key, kind, repo and mergedAt, plus what a job computed): columns that no row of
 * the batch sets keep their stored values.
 */
export async function upsertChanges(db: Database, batch: readonly NewChange[]): Promise<number> {
  if (batch.length === 0) return 0;
  return db.transaction(async (tx) => {
    await ensureRepositories(
      tx,
      batch.map((c) => c.repo),
    );
    return upsertRows(tx, changes, batch, { key: ["key"] });
  });
}

/** Records which changes each deployment shipped (deployments and changes must be stored). */
export async function linkDeploymentChanges(db: Database, batch: readonly NewDeploymentChange[]): Promise<number> {
  return upsertRows(db, deploymentChanges, batch, { key: ["deploymentId", "changeKey"] });
}

export interface ChangeRange {
  /** Which time the range is on: `deployedAt` for the outcome metrics, `mergedAt` for the pipeline. */
  on: "deployedAt" | "mergedAt";
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  repos?: readonly string[];
}

/** Changes whose deployedAt (or mergedAt) is in [from, to), in time order. */
export async function listChanges(db: Database, range: ChangeRange): Promise<ChangeRow[]> {
  const column = range.on === "deployedAt" ? changes.deployedAt : changes.mergedAt;
  const conditions: SQL[] = [gte(column, range.from), lt(column, range.to)];
  if (range.repos !== undefined) {
    if (range.repos.length === 0) return [];
    conditions.push(inArray(changes.repo, [...range.repos]));
  }
  return db
    .select()
    .from(changes)
    .where(and(...conditions))
    .orderBy(asc(column), asc(changes.key));
}

/** Every stored change of a repository. */
export async function listRepositoryChanges(db: Database, repo: string): Promise<ChangeRow[]> {
  return db.select().from(changes).where(eq(changes.repo, repo));
}

/**
 * Sets each change's deployment and deployedAt (null: not deployed): one statement per 5,000
 * changes (one parameter, whatever the count), touching only the rows whose values differ,
 * so an unchanged relink writes nothing.
 */
export async function setChangeDeployments(
  db: Database,
  links: readonly { key: string; deployedAt: Date | null; deploymentId: number | null }[],
): Promise<void> {
  for (const part of chunk(links, 5_000)) {
    // One JSON parameter (postgres.js and PGlite alike): the rows as a set.
    const rows = JSON.stringify(
      part.map((l) => ({
        key: l.key,
        deployed_at: l.deployedAt?.toISOString() ?? null,
        deployment_id: l.deploymentId,
      })),
    );
    await db.execute(sql`update changes c set deployed_at = v.deployed_at, deployment_id = v.deployment_id
      from json_to_recordset(${rows}::json) as v(key text, deployed_at timestamptz, deployment_id bigint)
      where c.key = v.key
        and (c.deployed_at is distinct from v.deployed_at or c.deployment_id is distinct from v.deployment_id)`);
  }
}

/** Every stored change. */
export async function listAllChanges(db: Database): Promise<ChangeRow[]> {
  return db.select().from(changes);
}

/**
 * The changes an incremental load reads: of `repos` (absent: every repository), those merged from
 * `mergedFrom` on, and every change of the repositories in `whole`.
 */
export async function listChangesMergedSince(
  db: Database,
  query: { mergedFrom: Date; whole: readonly string[]; repos?: readonly string[] },
): Promise<ChangeRow[]> {
  const within =
    query.whole.length === 0
      ? gte(changes.mergedAt, query.mergedFrom)
      : or(inArray(changes.repo, [...query.whole]), gte(changes.mergedAt, query.mergedFrom));
  return db
    .select()
    .from(changes)
    .where(query.repos === undefined ? within : and(inArray(changes.repo, [...query.repos]), within));
}
