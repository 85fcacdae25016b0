import { jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Where incremental sync left off, per scope (a repository full name, an org login, a request
 * URL for ETags, `weekly_rollups` for the rollups) and stream ("pull_requests", "branch",
 * "deployments", "incidents:<label>", ...). `state` is the stream's own typed state, whose
 * schema `src/sync-state.ts` declares per stream; read and written only through
 * `getSyncCursor`/`upsertSyncCursor`, which validate it.
 */
export const syncCursors = pgTable(
  "sync_cursors",
  {
    scope: text().notNull(),
    stream: text().notNull(),
    /** The stream's state (schema per stream: `SYNC_STREAM_SCHEMAS`). */
    state: jsonb().$type<unknown>().notNull(),
    lastRunAt: timestamp({ withTimezone: true }),
    lastError: text(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.stream] })],
);
