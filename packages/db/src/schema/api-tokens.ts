import { sql } from "drizzle-orm";
import { check, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * API bearer tokens. Only a SHA-256 hash of the token is stored (the token itself is printed
 * once, by `yardstick token create`); `prefix` is its first characters, to tell tokens apart in
 * listings. A GitHub login (OAuth) makes one too, a session that expires, kept in a cookie. Role: viewer (groups of at least k people, nobody named), lead (their `team`'s
 * changes with authors), admin (integrity flag named lists).
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text().primaryKey(),
    name: text().notNull().unique(),
    role: text().$type<"viewer" | "lead" | "admin">().notNull(),
    /** The team a lead leads (role lead only). */
    team: text(),
    /** The person (login) the token acts for, when known (GitHub login). */
    login: text(),
    prefix: text().notNull(),
    hash: text().notNull().unique(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    /** Sessions (GitHub login) expire; tokens made with `yardstick token create` do not (null). */
    expiresAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    check("api_tokens_role_check", sql`${t.role} in ('viewer', 'lead', 'admin')`),
    check("api_tokens_lead_team_check", sql`${t.role} <> 'lead' or ${t.team} is not null`),
  ],
);
