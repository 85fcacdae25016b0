import { index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Issues carrying the configured incident label (`incidents.label`), as GitHub reported them.
 * What each one names (commit shas, release or tag names) is read from the title and body when
 * the metrics are computed (metrics `incidentsFromIssue`), so a better reading needs no resync.
 */
export const incidentIssues = pgTable(
  "incident_issues",
  {
    repo: text().notNull(),
    number: integer().notNull(),
    /** The label it was synced for. */
    label: text().notNull(),
    title: text().notNull(),
    body: text().notNull(),
    url: text().notNull(),
    state: text().$type<"open" | "closed">().notNull(),
    authorLogin: text(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
    closedAt: timestamp({ withTimezone: true }),
    syncedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.repo, t.number] }), index("incident_issues_created_at_idx").on(t.createdAt)],
);
