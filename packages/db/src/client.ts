import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { AppError, InputError } from "@yardstick/core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;

/**
 * A drizzle database on our schema, whichever backend is underneath. Both drivers' databases
 * (and their transactions) extend drizzle's `PgDatabase`, so repository code is written once
 * against this type.
 */
export type Database = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

/** The embedded default: a PGlite data directory under the working directory. */
export const DEFAULT_DATABASE_URL = "pglite:.yardstick/data";

interface HandleBase {
  db: Database;
  /** The URL it was opened with, with any password masked (safe to log). */
  displayUrl: string;
  /** Runs raw SQL on the underlying client and returns its rows (for migrations and tests). */
  query<Row extends Record<string, unknown>>(text: string): Promise<Row[]>;
  close(): Promise<void>;
}

export interface PostgresHandle extends HandleBase {
  backend: "postgres";
  client: postgres.Sql;
}

export interface PgliteHandle extends HandleBase {
  backend: "pglite";
  client: PGlite;
  /** The data directory, or null when in memory. */
  dataDir: string | null;
}

export type DatabaseHandle = PostgresHandle | PgliteHandle;

export interface OpenDatabaseOptions {
  /** `postgres://...` / `postgresql://...`, `pglite:<dir>` or `pglite:memory`. */
  url: string;
  /** PostgreSQL pool size (default 10, at least 2: migrations hold a lock on one connection). */
  maxConnections?: number;
  /** Seconds to wait for a PostgreSQL connection (default 10). */
  connectTimeoutSeconds?: number;
}

export type ParsedDatabaseUrl = { backend: "postgres"; url: string } | { backend: "pglite"; dataDir: string | null };

/** Reads a database URL; throws an InputError naming what is wrong and what would be right. */
export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    const problem = postgresUrlProblem(trimmed);
    if (problem !== null) {
      throw new InputError("input.database_url", "Cannot use this database URL", [
        {
          path: "DATABASE_URL",
          message: problem,
          example: "postgres://user:p%40ss@127.0.0.1:5432/yardstick (special characters percent-encoded: @ is %40)",
        },
      ]);
    }
    return { backend: "postgres", url: trimmed };
  }
  if (trimmed.startsWith("pglite:")) {
    const rest = trimmed.slice("pglite:".length).replace(/^\/\//, "");
    if (rest === "memory" || rest === ":memory:") return { backend: "pglite", dataDir: null };
    if (rest === "") return { backend: "pglite", dataDir: resolve(".yardstick/data") };
    return { backend: "pglite", dataDir: resolve(rest) };
  }
  throw new InputError("input.database_url", "Cannot use this database URL", [
    {
      path: "DATABASE_URL",
      message: `${JSON.stringify(maskUrl(trimmed))} is neither a PostgreSQL URL nor a PGlite location`,
      example: `postgres://user:password@127.0.0.1:5432/yardstick, ${DEFAULT_DATABASE_URL} or pglite:memory`,
    },
  ]);
}

/**
 * What postgres.js would trip over in a PostgreSQL URL (it decodes each part and throws a raw
 * URIError), or null. Never quotes the user name or password.
 */
function postgresUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a valid URL (the value is not shown: it may hold a password)";
  }
  const parts: [string, string][] = [
    ["user name", parsed.username],
    ["password", parsed.password],
    ["host", parsed.hostname],
    ["database name", parsed.pathname],
  ];
  for (const [name, value] of parts) {
    try {
      decodeURIComponent(value);
    } catch {
      return `has a malformed percent-escape in its ${name}: write a literal % as %25 and other special characters as %XX`;
    }
  }
  return null;
}

/** The URL with its password replaced by `***`. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]+):[^@/]*@/i, "$1:***@");
}

/** A server notice (postgres.js and PGlite both give `severity` and `message`). */
export interface DatabaseNotice {
  severity?: string;
  message?: string;
}
type NoticeListener = (notice: DatabaseNotice) => void;

/** The notice listeners of each PostgreSQL client this module opened (notices are otherwise dropped). */
const noticeListeners = new WeakMap<postgres.Sql, Set<NoticeListener>>();

/** Hears the server notices of a PostgreSQL handle's connections until the returned function is called. */
export function listenToNotices(client: postgres.Sql, listener: NoticeListener): () => void {
  const listeners = noticeListeners.get(client);
  listeners?.add(listener);
  return () => void listeners?.delete(listener);
}

/** Thrown inside the priming transactions to roll them back. */
class PrimingRollback extends Error {}

let transactionOriginsPrimed = false;

/**
 * postgres.js keeps, for the life of the process, one `Error` per call site of its own
 * transaction statements (`savepoint`, `rollback to`, `rollback`, `commit`), made the first time
 * each runs (`cachedError`, for the origin shown in a query error). Until its stack is read, such
 * an `Error` holds the functions on the stack that made it, and through postgres.js's transaction
 * scope the callback of that first transaction (drizzle's wrapper, then ours) with everything it
 * closes over: the first kept-state save's million rows stayed in the rollup worker's heap
 * (630 MiB at 1,000,000 changes, found with a heap snapshot; issue 18). So each of those
 * statements runs once here first, in transactions that hold nothing, before any caller's.
 */
async function primeTransactionOrigins(client: postgres.Sql): Promise<void> {
  if (transactionOriginsPrimed) return;
  const rollback = new PrimingRollback("roll back");
  const rolledBack = (error: unknown) => {
    if (error !== rollback) throw error;
  };
  await client.begin(async (sql) => {
    await sql.savepoint(async () => {}); // savepoint
    await sql
      .savepoint(async () => {
        throw rollback; // rollback to
      })
      .catch(rolledBack);
  }); // commit
  await client
    .begin(async () => {
      throw rollback; // rollback
    })
    .catch(rolledBack);
  transactionOriginsPrimed = true;
}

/**
 * Opens the database at `url` and checks it answers. PostgreSQL goes through postgres.js with a
 * pool; PGlite runs in-process on a data directory (created if missing) or in memory.
 * A database that cannot be reached is an AppError `unavailable.database` (retryable).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const parsed = parseDatabaseUrl(options.url);
  const displayUrl = maskUrl(options.url.trim());
  if (parsed.backend === "postgres") {
    const listeners = new Set<NoticeListener>();
    const client = postgres(parsed.url, {
      max: Math.max(2, options.maxConnections ?? 10),
      connect_timeout: options.connectTimeoutSeconds ?? 10,
      idle_timeout: 60,
      onnotice: (notice) => {
        for (const listener of listeners) listener(notice);
      },
    });
    noticeListeners.set(client, listeners);
    const db = drizzlePostgres({ client, schema, casing: "snake_case" });
    const handle: PostgresHandle = {
      backend: "postgres",
      db,
      client,
      displayUrl,
      query: async <Row extends Record<string, unknown>>(text: string) => [...(await client.unsafe<Row[]>(text))],
      close: () => client.end({ timeout: 5 }),
    };
    try {
      await client`select 1`;
      await primeTransactionOrigins(client);
    } catch (error) {
      await client.end({ timeout: 0 }).catch(() => {});
      throw unavailable(displayUrl, error);
    }
    return handle;
  }
  const { dataDir } = parsed;
  let client: PGlite;
  let unlock = () => {};
  try {
    if (dataDir !== null) {
      ensureDataDir(dataDir);
      unlock = lockDataDir(dataDir);
    }
    client = await PGlite.create(dataDir ?? undefined);
  } catch (error) {
    unlock();
    throw error instanceof AppError ? error : unavailable(displayUrl, error);
  }
  const db = drizzlePglite({ client, schema, casing: "snake_case" });
  return {
    backend: "pglite",
    db,
    client,
    dataDir,
    displayUrl,
    query: async <Row extends Record<string, unknown>>(text: string) => (await client.query<Row>(text)).rows,
    close: async () => {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}

/**
 * Creates the PGlite data directory, one level at a time, or fails at once with a clear error.
 * (Node's recursive `mkdirSync` never returns for some unusable locations, such as a path under
 * /proc: `pglite:/proc/x` used to hang.)
 */
function ensureDataDir(dataDir: string): void {
  const missing: string[] = [];
  let dir = dataDir;
  for (; !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  const refuse = (why: string) =>
    new InputError("input.database_url", "Cannot use this PGlite location", [
      { path: "DATABASE_URL", message: `pglite:${dataDir} ${why}`, example: "DATABASE_URL=pglite:.yardstick/data" },
    ]);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw refuse(`is not usable: ${dir} is a file, not a directory`);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      throw refuse(`cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)} at ${level})`);
    }
  }
  try {
    accessSync(dataDir, constants.W_OK);
  } catch {
    throw refuse("is not writable by this process");
  }
}

/**
 * A PGlite data directory is one embedded PostgreSQL: two processes writing it would corrupt
 * it. A lock file holding the owner's pid keeps a second process out (a lock left by a process
 * that died is taken over). Returns the function that releases it.
 */
function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, "yardstick.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx" });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(path, "utf8").trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new AppError(
          "unavailable.database_in_use",
          `the PGlite database in ${dataDir} is in use by process ${owner}${owner === process.pid ? " (this one)" : ""}; ` +
            "an embedded database serves one process: stop that process, or use PostgreSQL (DATABASE_URL=postgres://...) to run several",
          { retryable: true },
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new AppError("unavailable.database_in_use", `cannot lock the PGlite database in ${dataDir}`, {
    retryable: true,
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function unavailable(displayUrl: string, error: unknown): AppError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError("unavailable.database", `cannot reach the database at ${displayUrl}: ${reason}`, {
    retryable: true,
    cause: error,
  });
}
