import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** A team, from GitHub teams or a mapping file. Natural key (org, slug). */
export const teams = pgTable(
  "teams",
  {
    org: text().notNull(),
    slug: text().notNull(),
    name: text().notNull(),
    parentSlug: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.org, t.slug] })],
);
