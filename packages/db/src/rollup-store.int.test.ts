import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "./client.js";
import {
  type NewWeeklyRollupRow,
  type RollupChangeRow,
  type RollupDeploymentRow,
  type RollupWriteMethod,
  storeRollups,
} from "./repositories/rollups.js";
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from "./testing.js";

/** Every row of the read model's tables, whole, in a stable order. */
async function snapshot(handle: DatabaseHandle): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of ["weekly_rollups", "rollup_changes", "rollup_deployments"]) {
    const rows = await handle.query<{ r: string }>(`select to_jsonb(t)::text as r from ${table} t order by 1`);
    out[table] = rows.map((row) => row.r);
  }
  return out;
}

const computedAt = new Date("2026-11-20T12:00:00.123Z");

/** A batch with the values that are easy to get wrong through text arrays. */
function batch(weeks: readonly string[], tag: string) {
  const rows: NewWeeklyRollupRow[] = [];
  const changes: RollupChangeRow[] = [];
  const deployments: RollupDeploymentRow[] = [];
  for (const week of weeks) {
    for (const [groupKind, groupName] of [
      ["org", "acme"],
      ["team", 'we "quote", \\ back\\slash, {braces}, commas'],
      ["repo", "acme/api"],
    ] as const) {
      rows.push({
        groupKind,
        groupName,
        week,
        rosterSize: 12,
        activeEngineers: 7,
        mergedChanges: 30,
        deployedChanges: 28,
        qualifyingChanges: 25,
        aiQualifyingChanges: 9,
        nd: 1 / 3,
        aind: 0.1 + 0.2,
        adoption: groupKind === "repo" ? null : 5e-324,
        deployments: 4,
        deployDays: 3,
        suppressed: false,
        figures: { week, tag, nested: { list: [1, "two", null], text: "tab\there, newline\n, NULL" } },
        computedAt,
      });
      for (let i = 0; i < 5; i++) {
        changes.push({
          groupKind,
          groupName,
          week,
          changeKey: `acme/api#${i}`,
          repo: "acme/api",
          personId: i === 0 ? null : `p${i}`,
          ai: i % 2 === 0,
          qualifying: i !== 3,
          exclusions: i === 3 ? ["trivial", tag] : [],
          counted: i < 2,
          countedAi: i === 0,
          mergedAt: new Date(Date.UTC(2026, 10, 2, 10, i, 0, 7)),
          deployedAt: i === 4 ? null : new Date(Date.UTC(2026, 10, 3, 10, i)),
          deploymentId: i === 4 ? null : "d1",
          leadTimeHours: i === 4 ? null : 1234.5678901234,
        });
      }
      deployments.push({
        groupKind,
        groupName,
        week,
        deploymentId: "d1",
        repo: "acme/api",
        environment: "production",
        liveAt: new Date(Date.UTC(2026, 10, 3, 10)),
        failed: true,
        failureReasons: ["rollback"],
        recoveryHours: 0.25,
        shipsAi: true,
        shipped: ["acme/api#0", "acme/api#1"],
      });
    }
  }
  return { rows, changes, deployments };
}

describe.each(TEST_BACKENDS)("storeRollups on %s", (backend) => {
  const dbs: Record<RollupWriteMethod, TestDatabase | undefined> = { unnest: undefined, values: undefined };
  beforeAll(async () => {
    dbs.unnest = await createTestDatabase({ backend });
    dbs.values = await createTestDatabase({ backend });
  });
  afterAll(async () => {
    await dbs.unnest?.drop();
    await dbs.values?.drop();
  });
  const db = (method: RollupWriteMethod) => dbs[method] as TestDatabase;

  it("stores the same rows through unnest arrays as through VALUES, idempotently", async () => {
    const weeks = ["2026-W44", "2026-W45", "2026-W46"];
    for (const method of ["unnest", "values"] as const) {
      // A full store, the same again (idempotent), then a partial one replacing one group-week's details.
      await storeRollups(
        db(method).db,
        { ...batch(weeks, "a"), replaceWeeks: { from: weeks[0] as string, to: "2026-W46" } },
        { method },
      );
      await storeRollups(
        db(method).db,
        { ...batch(weeks, "a"), replaceWeeks: { from: weeks[0] as string, to: "2026-W46" } },
        { method },
      );
      const partial = batch(["2026-W45"], "b");
      await storeRollups(
        db(method).db,
        { rows: partial.rows.slice(0, 1), changes: partial.changes.slice(0, 2), deployments: [] },
        { method },
      );
    }
    const unnest = await snapshot(db("unnest").handle);
    expect(unnest.weekly_rollups).toHaveLength(9);
    expect(unnest.rollup_changes).toHaveLength(9 * 5 - 3);
    expect(unnest.rollup_deployments).toHaveLength(8);
    expect(unnest).toEqual(await snapshot(db("values").handle));
    const [row] = await db("unnest").handle.query<{ nd: number; aind: number; adoption: number | null; name: string }>(
      `select nd, aind, adoption, group_name as name from weekly_rollups where group_kind = 'team' and week = '2026-W44'`,
    );
    expect(row).toEqual({
      nd: 1 / 3,
      aind: 0.1 + 0.2,
      adoption: 5e-324,
      name: 'we "quote", \\ back\\slash, {braces}, commas',
    });
  });

  it("writes a batch in one transaction: a failing row keeps none of it", async () => {
    const t = db("unnest");
    const big = batch(
      Array.from({ length: 40 }, (_, i) => `2025-W${String(i + 10).padStart(2, "0")}`),
      "big",
    );
    // A row that breaks a constraint at the end: nothing of the batch is kept.
    const bad = { ...big, rows: [...big.rows, { ...(big.rows[0] as NewWeeklyRollupRow), week: "not-a-week" }] };
    await expect(storeRollups(t.db, bad)).rejects.toThrow();
    const [count] = await t.handle.query<{ n: number }>(
      `select count(*)::int as n from rollup_changes where week like '2025-%'`,
    );
    expect(count?.n).toBe(0);
    await storeRollups(t.db, big);
    const [after] = await t.handle.query<{ n: number }>(
      `select count(*)::int as n from rollup_changes where week like '2025-%'`,
    );
    expect(after?.n).toBe(40 * 3 * 5);
  });
  it("analyses the read model's tables after a full recompute, so the first reads are planned on statistics", async () => {
    const t = await createTestDatabase({ backend });
    try {
      const tuples = async () =>
        Object.fromEntries(
          (
            await t.handle.query<{ t: string; n: number }>(
              `select relname as t, reltuples::float8 as n from pg_class
                where relname in ('weekly_rollups', 'rollup_changes', 'rollup_deployments') and relkind = 'r'`,
            )
          ).map((r) => [r.t, Number(r.n)]),
        );
      // Never analysed: PostgreSQL says -1 (unknown) for a table that has not been.
      expect(Object.values(await tuples()).every((n) => n < 0)).toBe(true);
      const weeks = ["2026-W44", "2026-W45"];
      // A partial store analyses nothing (autovacuum's job for small batches).
      const partial = batch(["2026-W44"], "p");
      await storeRollups(t.db, { rows: partial.rows, changes: partial.changes, deployments: partial.deployments });
      expect(Object.values(await tuples()).every((n) => n < 0)).toBe(true);
      await storeRollups(t.db, { ...batch(weeks, "a"), replaceWeeks: { from: "2026-W44", to: "2026-W45" } });
      expect(await tuples()).toEqual({ weekly_rollups: 6, rollup_changes: 30, rollup_deployments: 6 });
    } finally {
      await t.drop();
    }
  });
});
