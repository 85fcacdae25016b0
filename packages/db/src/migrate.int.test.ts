import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { afterAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "./client.js";
import { migrateDatabase, readJournal } from "./migrate.js";
import * as schema from "./schema/index.js";
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from "./testing.js";

const run = promisify(execFile);
const ALL_TAGS = readJournal().map((m) => m.tag);
/** Every table the drizzle schema declares (the migrations must create each one). */
const TABLES = Object.values(schema).filter((value) => is(value, PgTable)).length;

/** Everything that defines the schema, as text: tables, columns, constraints and indexes. */
async function schemaOf(handle: DatabaseHandle): Promise<string> {
  const columns = await handle.query(
    `select table_name, column_name, data_type, is_nullable, column_default
       from information_schema.columns where table_schema = 'public' order by table_name, column_name`,
  );
  const constraints = await handle.query(
    `select conrelid::regclass::text as t, conname, pg_get_constraintdef(oid) as def
       from pg_constraint where connamespace = 'public'::regnamespace order by t, conname`,
  );
  const indexes = await handle.query(
    "select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by tablename, indexname",
  );
  return JSON.stringify({ columns, constraints, indexes });
}

async function tableCount(handle: DatabaseHandle): Promise<number> {
  const [row] = await handle.query<{ n: number | string }>(
    "select count(*) as n from information_schema.tables where table_schema = 'public'",
  );
  return Number(row?.n);
}

describe.each(TEST_BACKENDS)("migrations on %s", (backend) => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const d of databases) await d.drop();
  });

  it("apply to an empty database, then again with no change", async () => {
    const t = await createTestDatabase({ backend, empty: true });
    databases.push(t);
    expect(await tableCount(t.handle)).toBe(0);

    const first = await migrateDatabase(t.handle);
    expect(first.applied).toEqual(ALL_TAGS);
    expect(await tableCount(t.handle)).toBe(TABLES);
    const schema = await schemaOf(t.handle);

    const second = await migrateDatabase(t.handle);
    expect(second.applied).toEqual([]);
    expect(await schemaOf(t.handle)).toBe(schema);
    const journal = await t.handle.query("select hash from drizzle.__drizzle_migrations");
    expect(journal).toHaveLength(ALL_TAGS.length);
  });
});

describe("migrations on a PGlite data directory", () => {
  it("persist across reopening, and reapplying changes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "yardstick-pglite-"));
    try {
      const url = `pglite:${join(dir, "data")}`;
      const first = await openDatabase({ url });
      expect((await migrateDatabase(first)).applied).toEqual(ALL_TAGS);
      // One process at a time: a second opener is told who holds it.
      await expect(openDatabase({ url })).rejects.toMatchObject({
        code: "unavailable.database_in_use",
        message: expect.stringContaining(`in use by process ${process.pid}`),
      });
      await first.close();
      const again = await openDatabase({ url });
      expect((await migrateDatabase(again)).applied).toEqual([]);
      expect(await tableCount(again)).toBe(TABLES);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("concurrent migrations on PostgreSQL", () => {
  let t: TestDatabase | undefined;
  afterAll(async () => {
    await t?.drop();
  });

  it("two processes migrating the same fresh database both succeed and leave one schema", async () => {
    t = await createTestDatabase({ backend: "postgres", empty: true });
    const child = fileURLToPath(new URL("./fixtures/migrate-child.ts", import.meta.url));
    const [a, b] = await Promise.all([
      run(process.execPath, ["--import", "tsx", child, t.url]),
      run(process.execPath, ["--import", "tsx", child, t.url]),
    ]);
    const applied = [JSON.parse(a.stdout) as string[], JSON.parse(b.stdout) as string[]];
    // One of them applied everything; the other waited on the lock and found nothing to do.
    expect(applied.sort((x, y) => y.length - x.length)).toEqual([ALL_TAGS, []]);
    expect(await tableCount(t.handle)).toBe(TABLES);
    expect(await t.handle.query("select hash from drizzle.__drizzle_migrations")).toHaveLength(ALL_TAGS.length);

    const reference = await createTestDatabase({ backend: "postgres" });
    try {
      expect(await schemaOf(t.handle)).toBe(await schemaOf(reference.handle));
    } finally {
      await reference.drop();
    }
  });
});
