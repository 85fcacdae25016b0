import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Where incremental sync left off, per scope (a repository full name, or an org login for
 * org-wide streams) and stream ("pull_requests", "deployments", "teams", ...).
 */
export const syncCursors = pgTable(
  "sync_cursors",
  {
    scope: text().notNull(),
    stream: text().notNull(),
    /** High-water mark of the source's `updated_at`: the next run asks for items since then. */
    updatedSince: timestamp({ withTimezone: true }),
    /** GraphQL `endCursor` of the last page read. */
    endCursor: text(),
    /** The ETag of the last response, for conditional requests. */
    etag: text(),
    lastRunAt: timestamp({ withTimezone: true }),
    lastError: text(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.stream] })],
);
