import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * People erased by `yardstick person forget` (docs/privacy.md): the pseudonymous key their rows
 * now carry, and SHA-256 hashes (never the values) of the identities they had, as
 * `<kind>:<normalised value>`, so forgetting them again finds the same key and a later sync that
 * brings an identity back can be recognised. Natural key: the pseudonym.
 */
export const forgottenPeople = pgTable("forgotten_people", {
  pseudonym: text().primaryKey(),
  identityHashes: text().array().notNull().default([]),
  forgottenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  lastAppliedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
