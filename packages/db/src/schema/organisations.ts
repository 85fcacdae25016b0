import { bigint, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** A GitHub organisation Yardstick syncs. Natural key: its login. */
export const organisations = pgTable("organisations", {
  login: text().primaryKey(),
  githubId: bigint({ mode: "number" }),
  name: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
