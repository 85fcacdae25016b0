import type { Verdict } from "@yardstick/core";
import { and, eq, inArray } from "drizzle-orm";
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

/** The stored verdicts of the given subjects, by subject key (subjects without one are absent). */
export async function getVerdicts(
  db: Database,
  subjectKind: VerdictSubjectKind,
  subjectKeys: readonly string[],
): Promise<Map<string, VerdictRecord>> {
  const found = new Map<string, VerdictRecord>();
  for (const part of chunk([...new Set(subjectKeys)], 30_000)) {
    const rows = await db
      .select()
      .from(attributionVerdicts)
      .where(and(eq(attributionVerdicts.subjectKind, subjectKind), inArray(attributionVerdicts.subjectKey, part)));
    for (const row of rows) {
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
