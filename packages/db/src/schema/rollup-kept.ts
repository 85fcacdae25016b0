import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The rollup worker's kept state, persisted (issue 18): what `RollupMemory` holds (the prepared
 * facts of everything stored, as of a watermark), so a restarted worker resumes from it instead of
 * loading and preparing all data again. One header row (id "weekly") says under which
 * configuration fingerprint and facts format the facts were prepared, up to which data stamp
 * (watermark, `now`, branch heads) they are current, and how many rows with which checksum it
 * holds; a state whose fingerprint, format, count or checksum does not match is rebuilt.
 * `generation` grows with every save: a process saves only over the generation it loaded or last
 * saved (another process's newer state is never overwritten by an older update).
 */
export const rollupKept = pgTable("rollup_kept", {
  id: text().primaryKey(),
  /** `rollupFingerprint` plus the facts format version the facts were prepared under. */
  fingerprint: text().notNull(),
  generation: integer().notNull(),
  watermark: timestamp({ withTimezone: true }).notNull(),
  computedNow: timestamp({ withTimezone: true }).notNull(),
  /** Branch heads the state read, by repository (null: none). */
  heads: jsonb().$type<Record<string, string | null>>().notNull(),
  /** What the facts do not carry (repositories, those without a deployment signal, usage seen). */
  meta: jsonb().$type<Record<string, unknown>>().notNull(),
  factCount: integer().notNull(),
  /** Sum of the rows' hashes (`rollupKeptFactHash`), exact. */
  checksum: numeric().notNull(),
  savedAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * The kept state's facts, one row each: kind "change" (key: change key), "deployment" (key:
 * deployment id) or "usage" (key: week; the week's usage by person). `ord` is the fact's place in
 * the kept lists (restored in that order), `week` the week it is indexed under (merge week, live
 * week, usage week), for reading a window of weeks (a change's deployed week is indexed too). `data` is the fact in the metrics package's
 * compact form (`encodeKeptFacts`).
 */
export const rollupKeptFacts = pgTable(
  "rollup_kept_facts",
  {
    kind: text().$type<"change" | "deployment" | "usage">().notNull(),
    key: text().notNull(),
    ord: bigint({ mode: "number" }).notNull(),
    week: text().notNull(),
    data: jsonb().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.key] }),
    index("rollup_kept_facts_week_idx").on(t.kind, t.week),
    // A change's deployed week (position 10 of its `data`): a bounded kept state reads a week's
    // facts by merge week and by deployed week (`readKeptFactsOfWeeks`).
    index("rollup_kept_facts_deployed_week_idx").on(sql`(${t.data} ->> 10)`).where(sql`${t.kind} = 'change'`),
  ],
);
