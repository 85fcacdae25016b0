/**
 * Databases for integration tests (`*.int.test.ts`), real ones, never mocks.
 *
 *   const t = await createTestDatabase();            // PostgreSQL (default)
 *   const t = await createTestDatabase({ backend: "pglite" }); // in-memory PGlite
 *   ... t.db (drizzle, migrated), t.url (for a child process), t.handle ...
 *   await t.drop();                                    // in afterAll
 *
 * PostgreSQL: the admin connection is `YARDSTICK_TEST_DATABASE_URL` (default
 * postgres://postgres@127.0.0.1:5432/test; `pnpm services` starts a server). The committed
 * migrations are applied once to a template database named after their hash
 * (`yardstick_template_<hash>`); every call then clones it with `CREATE DATABASE ... TEMPLATE`,
 * which takes tens of milliseconds, so each test file gets its own empty, migrated database and
 * files can run in parallel. The template is built under an advisory lock (parallel test files
 * wait for the first to build it), under a temporary name renamed into place when complete, so
 * a run killed half-way never leaves a half-migrated template. Changing a migration changes
 * the hash, so a new template is built; old ones can be dropped at will.
 *
 * `drop()` closes the connections and drops the database (`WITH (FORCE)`); databases of test
 * processes that died before dropping theirs are dropped by the next call. Use one database
 * per test file (in beforeAll), and keep tests in a file independent of each other's rows.
 */
import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError } from "@yardstick/core";
import postgres from "postgres";
import { type Database, type DatabaseHandle, openDatabase } from "./client.js";
import { MIGRATIONS_FOLDER, migrateDatabase } from "./migrate.js";

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

/** The backends the storage layer supports, for table-driven tests over both. */
export const TEST_BACKENDS = ["postgres", "pglite"] as const;
export type TestBackend = (typeof TEST_BACKENDS)[number];

/** Serialises template builds across processes (any constant distinct from the migration lock). */
const TEMPLATE_LOCK_KEY = 0x7973746d706cn;

export interface TestDatabase {
  backend: TestBackend;
  /** Connect to it from elsewhere (a child process); `pglite:memory` is private to this process. */
  url: string;
  /** The database's own name (PostgreSQL) or "memory". */
  name: string;
  handle: DatabaseHandle;
  db: Database;
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  backend?: TestBackend;
  /** Skip migrations: an empty database (to test migrating itself). */
  empty?: boolean;
  /**
   * The database name's start (PostgreSQL; default `yardstick_test`): a benchmark sharing the
   * server names its own. Only `yardstick_test` databases of dead processes are dropped as orphans.
   */
  prefix?: string;
}

/** The admin URL integration tests use (reads the environment: test code only). */
export function testAdminUrl(): string {
  return process.env.YARDSTICK_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
}

/** A short hash of the committed migrations (SQL and journal): the template's identity. */
export function migrationsHash(folder = MIGRATIONS_FOLDER): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(folder)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    hash.update(file).update(readFileSync(`${folder}/${file}`));
  }
  hash.update(readFileSync(`${folder}/meta/_journal.json`));
  return hash.digest("hex").slice(0, 12);
}

/** Creates a fresh database for a test file; see the comment at the top of this file. */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const backend = options.backend ?? "postgres";
  if (backend === "pglite") {
    const handle = await openDatabase({ url: "pglite:memory" });
    if (options.empty !== true) await migrateDatabase(handle);
    return { backend, url: "pglite:memory", name: "memory", handle, db: handle.db, drop: () => handle.close() };
  }

  const adminUrl = testAdminUrl();
  const name = `${options.prefix ?? "yardstick_test"}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin`select pg_advisory_lock(${TEMPLATE_LOCK_KEY.toString()}::bigint)`;
  } catch (error) {
    await admin.end({ timeout: 0 }).catch(() => {});
    throw new AppError(
      "unavailable.test_database",
      `cannot reach the test PostgreSQL at ${adminUrl} (set YARDSTICK_TEST_DATABASE_URL, or run \`pnpm services\`): ${
        error instanceof Error ? error.message : String(error)
      }`,
      { retryable: true, cause: error },
    );
  }
  try {
    await dropOrphans(admin, adminUrl);
    if (options.empty === true) {
      await admin.unsafe(`create database ${name}`);
    } else {
      const template = await ensureTemplate(admin, adminUrl);
      await admin.unsafe(`create database ${name} template ${template}`);
    }
  } finally {
    await admin`select pg_advisory_unlock(${TEMPLATE_LOCK_KEY.toString()}::bigint)`.catch(() => {});
  }
  const url = withDatabase(adminUrl, name);
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ url, maxConnections: 4 });
  } catch (error) {
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end({ timeout: 0 }).catch(() => {});
    throw error;
  }
  let dropped = false;
  return {
    backend,
    url,
    name,
    handle,
    db: handle.db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await handle.close();
      try {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}

/** Builds the template for the current migrations unless it exists; caller holds the lock. */
async function ensureTemplate(admin: postgres.Sql, adminUrl: string): Promise<string> {
  const template = `yardstick_template_${migrationsHash()}`;
  const [existing] = await admin`select 1 from pg_database where datname = ${template}`;
  if (existing !== undefined) return template;
  const building = `${template}_building`;
  await admin.unsafe(`drop database if exists ${building} with (force)`);
  await admin.unsafe(`create database ${building}`);
  const handle = await openDatabase({ url: withDatabase(adminUrl, building), maxConnections: 2 });
  try {
    await migrateDatabase(handle);
  } finally {
    await handle.close();
  }
  await admin.unsafe(`alter database ${building} rename to ${template}`);
  return template;
}

/**
 * Drops test databases left by test processes that died before `drop()` (their names carry the
 * creating pid). Only for a server on loopback, where those pids are this machine's.
 */
async function dropOrphans(admin: postgres.Sql, adminUrl: string): Promise<void> {
  if (!["127.0.0.1", "localhost", "[::1]"].includes(new URL(adminUrl).hostname)) return;
  const rows = await admin<{ datname: string }[]>`
    select datname from pg_database where datname like 'yardstick\_test\_%'`;
  for (const { datname } of rows) {
    const pid = Number(/^yardstick_test_(\d+)_/.exec(datname)?.[1]);
    if (Number.isInteger(pid) && !isAlive(pid)) {
      await admin.unsafe(`drop database if exists ${datname} with (force)`);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A copy of the committed migrations without `tag` and those after it, in a temporary folder (the
 * caller removes it): `migrateDatabase(handle, folder)` then gives the schema as it was before
 * `tag`, for a test of what `tag` does to rows stored before it.
 */
export function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), "yardstick-migrations-before-"));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { idx: number; tag: string }[] };
  const index = journal.entries.findIndex((e) => e.tag === tag);
  if (index <= 0) throw new Error(`no migration before ${tag} in ${MIGRATIONS_FOLDER}`);
  for (const e of journal.entries.slice(index)) rmSync(join(dir, `${e.tag}.sql`));
  journal.entries = journal.entries.slice(0, index);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}
