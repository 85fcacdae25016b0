import { integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Records from GitHub that could not be stored even after their text was made storable (a value
 * too large for an index, a number out of range, a check it fails), with the reason. The rest of
 * their page is stored and the sync goes on; a later sync that stores the record removes its row.
 * `sizes` gives each field's length (never its value), so an operator can see what was odd.
 */
export const quarantinedRecords = pgTable(
  "quarantined_records",
  {
    /** What the record is: pull_request, person, team, incident_issue, commit. */
    kind: text().notNull(),
    /** Where it came from: `owner/name` for repository records, the organisation for roster records. */
    scope: text().notNull(),
    /** Its natural key within the scope: a PR number, a person id, a team slug, a sha. */
    recordKey: text().notNull(),
    /** The database's SQLSTATE, when the database refused it. */
    code: text(),
    /** Why it was refused, without any of the record's values. */
    reason: text().notNull(),
    sizes: jsonb().$type<Record<string, number>>().notNull(),
    attempts: integer().notNull().default(1),
    firstSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.scope, t.recordKey] })],
);
