import type { Verdict } from "@yardstick/core";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { attributionVerdicts } from "../schema/attribution-verdicts.js";
import { chunk, upsertRows } from "../upsert.js";

export type VerdictSubjectKind = "commit" | "change";

export interface VerdictRecord {
  subjectKind: VerdictSubjectKind;
  /** `<repo>@<sha>` for a commit, the change key for a change. */
  subjectKey: string;
  repo: string;
  verdict: Verdict;
  computedAt: Date;
}

/** Writes verdicts, replacing the current verdict of each subject. */
export async function upsertVerdicts(db: Database, batch: readonly VerdictRecord[]): Promise<number> {
  return upsertRows(
    db,
    attributionVerdicts,
    batch.map(({ subjectKind, subjectKey, repo, verdict, computedAt }) => ({
      subjectKind,
      subjectKey,
      repo,
      class: verdict.class,
      tool: verdict.tool,
      tools: verdict.tools,
      confidence: verdict.confidence,
      subtype: verdict.subtype,
      evidence: verdict.evidence,
      ruleVersion: verdict.ruleVersion,
      computedAt,
    })),
    { key: ["subjectKind", "subjectKey"] },
  );
}

/**
 * The stored verdicts of the given subjects, by subject key (subjects without one are absent).
 * The keys are joined as one array (`unnest($2::text[])`) to the primary key: PostgreSQL plans a
 * probe of the key for each, where `subject_key in (...)` or `= any(...)` of 500 keys had its
 * custom plans scan every verdict (docs/benchmarks.md, "Reads by a list of keys"); a list that
 * is a large part of the table is still hash-joined to a scan, as it should be.
 */
export async function getVerdicts(
  db: Database,
  subjectKind: VerdictSubjectKind,
  subjectKeys: readonly string[],
): Promise<Map<string, VerdictRecord>> {
  const found = new Map<string, VerdictRecord>();
  for (const part of chunk([...new Set(subjectKeys)], 30_000)) {
    const rows = await db
      .select({ verdict: attributionVerdicts })
      .from(attributionVerdicts)
      .innerJoin(
        sql`unnest(${sql.param(part)}::text[]) as keys(key)`,
        and(eq(attributionVerdicts.subjectKind, subjectKind), eq(attributionVerdicts.subjectKey, sql`keys.key`)),
      );
    for (const { verdict: row } of rows) {
      found.set(row.subjectKey, {
        subjectKind: row.subjectKind,
        subjectKey: row.subjectKey,
        repo: row.repo,
        computedAt: row.computedAt,
        verdict: {
          class: row.class,
          tool: row.tool,
          tools: row.tools,
          confidence: row.confidence,
          subtype: row.subtype,
          evidence: row.evidence,
          ruleVersion: row.ruleVersion,
        },
      });
    }
  }
  return found;
}
