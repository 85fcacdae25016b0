import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./client.js";
import { createTestDatabase, type TestDatabase } from "./testing.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/**
 * Thrown inside a transaction to roll it back; made here, so its stack holds no callback (a
 * rejected transaction's error stays referenced by its connection until that runs another).
 */
const rollback = new Error("roll back");

const ignore = (error: unknown) => {
  if (error !== rollback) throw error;
};
const held = () => ({ rows: Array.from({ length: 1000 }, (_, i) => ({ i })) });

/** Each runs a transaction ending one way, with callbacks closing over a fresh object it returns a weak reference to. */
const endings: Record<string, (db: Database) => Promise<WeakRef<object>>> = {
  async commit(db) {
    const x = held();
    await db.transaction(async (tx) => {
      await tx.execute(sql`select ${x.rows.length}`);
    });
    return new WeakRef(x);
  },
  async "release a savepoint"(db) {
    const x = held();
    await db.transaction(async (tx) => {
      await tx.transaction(async (inner) => {
        await inner.execute(sql`select ${x.rows.length}`);
      });
    });
    return new WeakRef(x);
  },
  async "roll back to a savepoint"(db) {
    const x = held();
    await db.transaction(async (tx) => {
      await tx
        .transaction(async (inner) => {
          await inner.execute(sql`select ${x.rows.length}`);
          throw rollback;
        })
        .catch(ignore);
    });
    return new WeakRef(x);
  },
  async "roll back"(db) {
    const x = held();
    await db
      .transaction(async (tx) => {
        await tx.execute(sql`select ${x.rows.length}`);
        throw rollback;
      })
      .catch(ignore);
    return new WeakRef(x);
  },
};

describe("the PostgreSQL client", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("keeps nothing a transaction's callbacks closed over once it ended (postgres.js caches the first stack of each transaction statement)", async () => {
    const refs: [string, WeakRef<object>][] = [];
    for (const [ending, run] of Object.entries(endings)) refs.push([ending, await run(t.db)]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(refs.filter(([, ref]) => ref.deref() !== undefined).map(([ending]) => ending)).toEqual([]);
  });
});
