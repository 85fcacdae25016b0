import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../client.js";
import { incidentIssues } from "../schema/incident-issues.js";
import { upsertRows } from "../upsert.js";

export type IncidentIssueRow = typeof incidentIssues.$inferSelect;
export type NewIncidentIssue = typeof incidentIssues.$inferInsert;

/** Writes incident issues; a resynced issue (edited, closed, relabelled) replaces its row. */
export async function upsertIncidentIssues(db: Database, batch: readonly NewIncidentIssue[]): Promise<number> {
  return upsertRows(db, incidentIssues, batch, { key: ["repo", "number"] });
}

/** Incident issues carrying `label`, optionally of some repositories only, by repository and number. */
export async function listIncidentIssues(
  db: Database,
  query: { label: string; repos?: readonly string[] },
): Promise<IncidentIssueRow[]> {
  const byLabel = eq(incidentIssues.label, query.label);
  return db
    .select()
    .from(incidentIssues)
    .where(query.repos === undefined ? byLabel : and(byLabel, inArray(incidentIssues.repo, [...query.repos])))
    .orderBy(asc(incidentIssues.repo), asc(incidentIssues.number));
}

/** Drops issues that no longer carry the incident label (or were deleted). */
export async function deleteIncidentIssues(db: Database, repo: string, numbers: readonly number[]): Promise<void> {
  if (numbers.length === 0) return;
  await db
    .delete(incidentIssues)
    .where(and(eq(incidentIssues.repo, repo), inArray(incidentIssues.number, [...numbers])));
}
