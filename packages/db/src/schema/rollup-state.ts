import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * What readers of the rollups are told about them (one row, id "weekly"): the weeks rolled up,
 * the `now` the figures were computed at (provisional weeks), the data watermark, the
 * configuration/rules fingerprint, how the last run went, and the report's notes (repositories
 * without a deployment signal, off-branch deployments, ...), which only a full recompute
 * computes: `notesAt` says when they were last computed (the read API shows their age).
 */
export const rollupState = pgTable("rollup_state", {
  id: text().primaryKey(),
  fromWeek: text().notNull(),
  toWeek: text().notNull(),
  computedNow: timestamp({ withTimezone: true }).notNull(),
  watermark: timestamp({ withTimezone: true }).notNull(),
  fingerprint: text().notNull(),
  /** "full", "incremental" or "kept". */
  lastMode: text().notNull(),
  lastRunAt: timestamp({ withTimezone: true }).notNull(),
  lastFullAt: timestamp({ withTimezone: true }).notNull(),
  notes: jsonb().$type<Record<string, unknown>>().notNull(),
  notesAt: timestamp({ withTimezone: true }).notNull(),
});
