import type { AiTool, Confidence, Evidence, VerdictClass, VerdictSubtype } from "@yardstick/core";
import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The attribution verdict (core `Verdict`) of a commit or a change, with its evidence and the
 * rule version that produced it. Natural key (subject kind, subject key): one current verdict
 * per subject, overwritten when the rules change (`rule_version` says which rules wrote it, so
 * stale verdicts can be found and recomputed). Subject keys: `<repo>@<sha>` for commits, the
 * change key for changes.
 */
export const attributionVerdicts = pgTable(
  "attribution_verdicts",
  {
    subjectKind: text().$type<"commit" | "change">().notNull(),
    subjectKey: text().notNull(),
    repo: text().notNull(),
    class: text().$type<VerdictClass>().notNull(),
    tool: text().$type<AiTool>(),
    tools: text().array().$type<AiTool[]>().notNull().default([]),
    confidence: text().$type<Confidence>(),
    subtype: text().$type<VerdictSubtype>(),
    evidence: jsonb().$type<Evidence[]>().notNull().default([]),
    ruleVersion: text().notNull(),
    computedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.subjectKind, t.subjectKey] }),
    check("attribution_verdicts_subject_kind_check", sql`${t.subjectKind} in ('commit', 'change')`),
    check("attribution_verdicts_class_check", sql`${t.class} in ('ai', 'human', 'bot')`),
    check("attribution_verdicts_confidence_check", sql`${t.confidence} in ('high', 'medium', 'low')`),
    index("attribution_verdicts_repo_idx").on(t.repo, t.subjectKind),
    index("attribution_verdicts_rule_version_idx").on(t.ruleVersion),
  ],
);
