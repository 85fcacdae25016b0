import type { Deployment } from "@yardstick/core";
import { and, asc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { deploymentStatuses } from "../schema/deployment-statuses.js";
import { deployments } from "../schema/deployments.js";
import { chunk, keysIn, planUpsert, upsertRows } from "../upsert.js";
import { groupBy } from "./commits.js";
import { ensureRepositories } from "./repositories.js";

export type DeploymentRow = typeof deployments.$inferSelect;

/** A stored deployment: the core type plus its row id (for statuses and change links). */
export interface StoredDeployment extends Deployment {
  id: number;
}

const naturalKey = (d: { repo: string; source: string; externalId: string }) =>
  JSON.stringify([d.repo, d.source, d.externalId]);

/**
 * Writes deployments and their statuses (statuses are events: new ones are added, known ones
 * refreshed, none removed). Returns the row id of each deployment by its natural key.
 */
export async function upsertDeployments(db: Database, batch: readonly Deployment[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (batch.length === 0) return ids;
  await db.transaction(async (tx) => {
    await ensureRepositories(
      tx,
      batch.map((d) => d.repo),
    );
    const plan = planUpsert(deployments, { key: ["repo", "source", "externalId"] });
    const rows = plan.dedupe(
      batch.map(({ statuses: _statuses, ...d }) => ({
        repo: d.repo,
        source: d.source,
        externalId: d.externalId,
        environment: d.environment,
        sha: d.sha,
        ref: d.ref,
        createdAt: d.createdAt,
        creatorLogin: d.creatorLogin,
      })),
    );
    for (const part of chunk(rows, plan.rowsPerStatement)) {
      const insert = tx.insert(deployments).values(part);
      await insert.onConflictDoUpdate(plan.conflict as Parameters<typeof insert.onConflictDoUpdate>[0]);
    }
    // Unchanged rows are skipped by the upsert's guard and so not returned by it: read the ids,
    // by the natural key as one array a column (`keysIn`): `external_id in ($2..$2001)` was
    // compared with every parameter in turn for each row under a generic plan (docs/benchmarks.md,
    // "Reads by a list of keys").
    for (const part of chunk(rows, 10_000)) {
      const found = await tx
        .select({
          id: deployments.id,
          repo: deployments.repo,
          source: deployments.source,
          externalId: deployments.externalId,
        })
        .from(deployments)
        .where(
          keysIn(
            [deployments.repo, deployments.source, deployments.externalId],
            part.map((d) => [d.repo, d.source, d.externalId]),
          ),
        );
      for (const row of found) ids.set(naturalKey(row), row.id);
    }
    const statusRows = batch.flatMap((d) => {
      const deploymentId = ids.get(naturalKey(d));
      if (deploymentId === undefined) throw new Error(`deployment ${naturalKey(d)} was not written`);
      return d.statuses.map((s) => ({ deploymentId, ...s }));
    });
    // A new status changes what the deployment means (live, failed): its `syncedAt` says so too,
    // so that whoever reads "deployments changed since" (the weekly rollups) sees it.
    const known = new Set<string>();
    const statusKey = (s: { deploymentId: number; createdAt: Date; state: string }) =>
      `${s.deploymentId} ${s.createdAt.getTime()} ${s.state}`;
    for (const part of chunk([...new Set(statusRows.map((s) => s.deploymentId))], 10_000)) {
      const rows = await tx
        .select({
          deploymentId: deploymentStatuses.deploymentId,
          createdAt: deploymentStatuses.createdAt,
          state: deploymentStatuses.state,
        })
        .from(deploymentStatuses)
        .where(inArray(deploymentStatuses.deploymentId, part));
      for (const row of rows) known.add(statusKey(row));
    }
    const withNewStatus = [...new Set(statusRows.filter((s) => !known.has(statusKey(s))).map((s) => s.deploymentId))];
    await upsertRows(tx, deploymentStatuses, statusRows, { key: ["deploymentId", "createdAt", "state"] });
    for (const part of chunk(withNewStatus, 10_000)) {
      await tx.update(deployments).set({ syncedAt: sql`now()` }).where(inArray(deployments.id, part));
    }
  });
  return ids;
}

/** The key `upsertDeployments` returns ids under. */
export function deploymentKey(d: { repo: string; source: string; externalId: string }): string {
  return naturalKey(d);
}

export interface DeploymentQuery {
  repo: string;
  /** Only this environment (exact name; default: all). */
  environment?: string;
  /** Inclusive start of `created_at`. */
  from?: Date;
  /** Exclusive end of `created_at`. */
  to?: Date;
}

/** Deployments of a repository, oldest first (ties by id), each with its statuses oldest first. */
export async function listDeployments(db: Database, query: DeploymentQuery): Promise<StoredDeployment[]> {
  const conditions: SQL[] = [eq(deployments.repo, query.repo)];
  if (query.environment !== undefined) conditions.push(eq(deployments.environment, query.environment));
  if (query.from !== undefined) conditions.push(gte(deployments.createdAt, query.from));
  if (query.to !== undefined) conditions.push(lt(deployments.createdAt, query.to));
  const where = and(...conditions);
  const rows = await db
    .select()
    .from(deployments)
    .where(where)
    .orderBy(asc(deployments.createdAt), asc(deployments.id));
  const statuses = await db
    .select({ status: deploymentStatuses })
    .from(deploymentStatuses)
    .innerJoin(deployments, eq(deployments.id, deploymentStatuses.deploymentId))
    .where(where)
    .orderBy(asc(deploymentStatuses.createdAt));
  const byDeployment = groupBy(
    statuses.map((s) => s.status),
    (s) => String(s.deploymentId),
  );
  return rows.map((row) => ({
    id: row.id,
    repo: row.repo,
    source: row.source,
    externalId: row.externalId,
    environment: row.environment,
    sha: row.sha,
    ref: row.ref,
    createdAt: row.createdAt,
    creatorLogin: row.creatorLogin,
    statuses: (byDeployment.get(String(row.id)) ?? []).map(({ state, createdAt, description }) => ({
      state,
      createdAt,
      description,
    })),
  }));
}
