import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/**
 * The weekly figures of a group (org, team or repository) for one ISO week. Natural key
 * (group kind, group name, week).
 *
 * The headline figures are typed columns, so dashboards and trend queries can select, filter
 * and chart them across weeks without parsing JSON. Everything else the metrics package
 * computes (lead-time parts and percentiles, change failure rate, recovery time, AI/other
 * splits, integrity flag counts) is kept whole in `figures`, whose shape the metrics package
 * owns: it can grow without a migration here.
 */
export const weeklyRollups = pgTable(
  "weekly_rollups",
  {
    groupKind: text().$type<"org" | "team" | "repo">().notNull(),
    groupName: text().notNull(),
    /** ISO week, e.g. "2026-W48", in the organisation's time zone. */
    week: text().notNull(),
    rosterSize: integer().notNull(),
    activeEngineers: integer().notNull(),
    mergedChanges: integer().notNull(),
    deployedChanges: integer().notNull(),
    qualifyingChanges: integer().notNull(),
    aiQualifyingChanges: integer().notNull(),
    nd: doublePrecision().notNull(),
    aind: doublePrecision().notNull(),
    /** Share of active engineers with an AI-assisted qualifying change; null when none are active. */
    adoption: doublePrecision(),
    deployments: integer().notNull(),
    deployDays: integer().notNull(),
    /** True when the group is below the minimum size k and its figures must not be shown. */
    suppressed: boolean().notNull().default(false),
    figures: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    computedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.groupKind, t.groupName, t.week] }),
    check("weekly_rollups_group_kind_check", sql`${t.groupKind} in ('org', 'team', 'repo')`),
    check("weekly_rollups_week_check", sql`${t.week} ~ '^[0-9]{4}-W[0-9]{2}$'`),
  ],
);
