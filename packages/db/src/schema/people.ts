import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** A human (METRICS.md "Person"), resolved across identities (see person-identities.ts). */
export const people = pgTable("people", {
  id: text().primaryKey(),
  displayName: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
