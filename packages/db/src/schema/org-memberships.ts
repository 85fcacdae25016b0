import { index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { people } from "./people.js";

/**
 * When a person was a member of a configured organisation, as seen by successive discoveries
 * (GitHub keeps no membership dates). `joinedAt` is null for people already members when the
 * organisation was first discovered; `leftAt` is set by the first discovery that no longer
 * lists them, and cleared (with a new `joinedAt`) when they come back.
 */
export const orgMemberships = pgTable(
  "org_memberships",
  {
    org: text().notNull(),
    personId: text()
      .notNull()
      .references(() => people.id, { onDelete: "cascade", onUpdate: "cascade" }),
    joinedAt: timestamp({ withTimezone: true }),
    leftAt: timestamp({ withTimezone: true }),
    firstSeenAt: timestamp({ withTimezone: true }).notNull(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.org, t.personId] }), index("org_memberships_person_idx").on(t.personId)],
);
