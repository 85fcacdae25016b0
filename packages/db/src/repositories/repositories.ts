import { eq } from "drizzle-orm";
import type { Database } from "../client.js";
import { repositories } from "../schema/repositories.js";
import { upsertRows } from "../upsert.js";

export type RepositoryRow = typeof repositories.$inferSelect;
export type NewRepository = typeof repositories.$inferInsert;

/** Writes repositories with their settings (default/tracked branch, deployment method, archived). */
export async function upsertRepositories(db: Database, rows: readonly NewRepository[]): Promise<number> {
  return upsertRows(db, repositories, rows, { key: ["fullName"] });
}

/**
 * Makes sure a row exists for each repository name, leaving existing rows as they are. Writers of
 * per-repository data call this first so foreign keys hold without a separate repository sync.
 */
export async function ensureRepositories(db: Database, fullNames: Iterable<string>): Promise<void> {
  const names = [...new Set(fullNames)];
  if (names.length === 0) return;
  await db
    .insert(repositories)
    .values(names.map((fullName) => ({ fullName, owner: fullName.split("/")[0] ?? fullName })))
    .onConflictDoNothing({ target: repositories.fullName });
}

/** The stored default branch of a repository (null when it was never discovered). */
export async function defaultBranchOf(db: Database, fullName: string): Promise<string | null> {
  const [row] = await db
    .select({ defaultBranch: repositories.defaultBranch })
    .from(repositories)
    .where(eq(repositories.fullName, fullName));
  return row?.defaultBranch ?? null;
}

/** Every stored repository's name, archived flag and tracked branch. */
export async function listRepositoryTracking(
  db: Database,
): Promise<{ fullName: string; archived: boolean; trackedBranch: string | null }[]> {
  return db
    .select({
      fullName: repositories.fullName,
      archived: repositories.archived,
      trackedBranch: repositories.trackedBranch,
    })
    .from(repositories);
}
