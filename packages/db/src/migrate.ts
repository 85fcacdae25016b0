import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PGlite, QueryOptions, Transaction } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePgliteDb } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgresDb } from "drizzle-orm/postgres-js/migrator";
import {
  type DatabaseHandle,
  type DatabaseNotice,
  listenToNotices,
  type PgliteHandle,
  type PostgresHandle,
} from "./client.js";

/** The committed drizzle-kit migrations of this package. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../migrations", import.meta.url));

/**
 * The advisory lock key all Yardstick migrators take (an arbitrary constant: "yardstck" read as
 * ASCII fits a signed 64-bit integer). drizzle's migrator reads the last applied migration
 * before it opens its transaction, so two processes migrating at once both apply everything
 * and the second fails (drizzle-orm issue 874); holding this lock serialises them, and the
 * second one then finds nothing to do.
 */
export const MIGRATION_LOCK_KEY = 0x79617264737463n;

export interface MigrationEntry {
  tag: string;
  /** The journal's timestamp: drizzle applies entries newer than the newest applied one. */
  when: number;
}

export interface MigrationResult {
  /** Tags of the migrations this run applied, oldest first; empty when the schema was current. */
  applied: string[];
  /** Every migration in the folder. */
  known: MigrationEntry[];
  /**
   * The WARNINGs the applied migrations raised, in order: what a migration could not carry over
   * (0009 names each sync cursor it dropped). Callers show or log them.
   */
  warnings: string[];
}

/** The migrations drizzle-kit journaled in `folder`, oldest first. */
export function readJournal(folder = MIGRATIONS_FOLDER): MigrationEntry[] {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries.map(({ tag, when }) => ({ tag, when })).sort((a, b) => a.when - b.when);
}

/**
 * Applies pending migrations. On PostgreSQL it holds `pg_advisory_lock` on a reserved
 * connection for the whole run (released in `finally`, and by PostgreSQL if the process dies);
 * PGlite is a single in-process connection and needs no lock. Running it again changes nothing.
 */
export async function migrateDatabase(handle: DatabaseHandle, folder = MIGRATIONS_FOLDER): Promise<MigrationResult> {
  return handle.backend === "postgres" ? migratePostgres(handle, folder) : migratePglite(handle, folder);
}

async function migratePostgres(handle: PostgresHandle, folder: string): Promise<MigrationResult> {
  const lock = await handle.client.reserve();
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    const before = await lastAppliedMillis(handle);
    const warnings: string[] = [];
    const stop = listenToNotices(handle.client, (n) => {
      if (n.severity === "WARNING" && n.message !== undefined) warnings.push(n.message);
    });
    try {
      // A drizzle instance without our schema: the migrator needs only the session.
      await migratePostgresDb(drizzlePostgres({ client: handle.client }), { migrationsFolder: folder });
    } finally {
      stop();
    }
    return result(folder, before, warnings);
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`.catch(() => {});
    lock.release();
  }
}

async function migratePglite(handle: PgliteHandle, folder: string): Promise<MigrationResult> {
  const before = await lastAppliedMillis(handle);
  const warnings: string[] = [];
  const client = hearingNotices(handle.client, (n) => {
    if (n.severity === "WARNING" && n.message !== undefined) warnings.push(n.message);
  });
  await migratePgliteDb(drizzlePglite({ client }), { migrationsFolder: folder });
  return result(folder, before, warnings);
}

type PgliteQueries = Pick<PGlite, "query">;

/**
 * The PGlite client as drizzle's migrator uses it (`query`, `transaction` giving a transaction
 * with `query`), with every query's notices handed to `listener`: PGlite reports them only to a
 * query's own `onNotice`.
 */
function hearingNotices(client: PGlite, listener: (notice: DatabaseNotice) => void): PGlite {
  const withNotices = <T extends PgliteQueries>(target: T): T =>
    new Proxy(target, {
      get(t, key, receiver) {
        if (key === "query")
          return (text: string, params?: unknown[], options?: QueryOptions) =>
            t.query(text, params, { ...options, onNotice: listener });
        if (key === "transaction")
          return (callback: (tx: Transaction) => Promise<unknown>) =>
            (t as unknown as PGlite).transaction((tx) => callback(withNotices(tx)));
        const value = Reflect.get(t, key, receiver);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  return withNotices(client);
}

function result(folder: string, before: number | null, warnings: string[] = []): MigrationResult {
  const known = readJournal(folder);
  return {
    known,
    applied: known.filter((m) => before === null || m.when > before).map((m) => m.tag),
    warnings,
  };
}

/**
 * The migrations of `folder` not applied to the database yet (tags, oldest first): empty when the
 * schema is current (readiness probes: a process must not serve on a schema older than its code).
 */
export async function pendingMigrations(handle: DatabaseHandle, folder = MIGRATIONS_FOLDER): Promise<string[]> {
  const last = await lastAppliedMillis(handle);
  return readJournal(folder)
    .filter((m) => last === null || m.when > last)
    .map((m) => m.tag);
}

/** The timestamp of the newest applied migration, or null when none has been applied. */
async function lastAppliedMillis(handle: DatabaseHandle): Promise<number | null> {
  const [exists] = await handle.query<{ found: boolean }>(
    "select to_regclass('drizzle.__drizzle_migrations') is not null as found",
  );
  if (exists?.found !== true) return null;
  const [row] = await handle.query<{ last: string | number | null }>(
    "select max(created_at) as last from drizzle.__drizzle_migrations",
  );
  return row?.last === null || row?.last === undefined ? null : Number(row.last);
}
