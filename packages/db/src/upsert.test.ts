import { drizzle } from "drizzle-orm/postgres-js";
import { describe, expect, it } from "vitest";
import * as schema from "./schema/index.js";
import { chunk, columnName, keysIn, MAX_BIND_PARAMETERS, planUpsert, rowsPerStatement } from "./upsert.js";

describe("rowsPerStatement", () => {
  it.each([
    [1, 65_533],
    [18, 3_640],
    [26, 2_520],
    [65_533, 1],
    [70_000, 1],
  ])("%i columns -> %i rows", (columns, rows) => {
    expect(rowsPerStatement(columns)).toBe(rows);
    if (columns <= MAX_BIND_PARAMETERS) expect(rows * columns).toBeLessThanOrEqual(MAX_BIND_PARAMETERS);
  });
  it("rejects a zero column count", () => {
    expect(() => rowsPerStatement(0)).toThrow(RangeError);
  });
});

describe("chunk", () => {
  it("splits into consecutive chunks", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });
});

describe("columnName", () => {
  it("uses snake_case for keys without an explicit name", () => {
    expect(columnName(schema.pullRequests.mergeCommitSha)).toBe("merge_commit_sha");
    expect(columnName(schema.commits.sha)).toBe("sha");
  });
});

describe("planUpsert", () => {
  const db = drizzle.mock({ schema, casing: "snake_case" });

  it("refreshes every non-key column except createdAt, and only when the data changed", () => {
    const plan = planUpsert(schema.repositories, { key: ["fullName"] });
    const insert = db.insert(schema.repositories).values({ fullName: "acme/api", owner: "acme" });
    const query = insert.onConflictDoUpdate(plan.conflict as Parameters<typeof insert.onConflictDoUpdate>[0]).toSQL();
    expect(query.sql).toContain('on conflict ("full_name") do update set');
    expect(query.sql).toContain('"default_branch" = excluded."default_branch"');
    expect(query.sql).toContain('"updated_at" = excluded."updated_at"');
    expect(query.sql).not.toContain('"created_at" = excluded');
    // updated_at is refreshed but not compared: an identical row is left alone.
    expect(query.sql).toMatch(/where \(.*"repositories"\."archived".*\) is distinct from \(.*excluded\."archived".*\)/);
    expect(query.sql).not.toMatch(/is distinct from \([^)]*excluded\."updated_at"/);
  });

  it("never refreshes an identity column", () => {
    const plan = planUpsert(schema.deployments, { key: ["repo", "source", "externalId"] });
    expect(Object.keys(plan.conflict.set)).not.toContain("id");
    expect(plan.rowsPerStatement).toBe(Math.floor(MAX_BIND_PARAMETERS / 10));
  });

  it("does nothing on conflict when every column is the key", () => {
    expect(planUpsert(schema.teamMemberships, { key: ["org", "teamSlug", "personId"], update: [] }).doNothing).toBe(
      true,
    );
  });

  it("keeps the last of in-batch duplicates, in key order", () => {
    const plan = planUpsert(schema.syncCursors, { key: ["scope", "stream"] });
    const rows = plan.dedupe([
      { scope: "acme/api", stream: "pulls", state: "a" },
      { scope: "acme/api", stream: "deployments", state: "b" },
      { scope: "acme/api", stream: "pulls", state: "c" },
    ]);
    expect(rows.map((r) => [r.stream, r.state])).toEqual([
      ["deployments", "b"],
      ["pulls", "c"],
    ]);
  });
});

describe("keysIn", () => {
  const db = drizzle.mock({ schema, casing: "snake_case" });

  it("binds one array per key column however many keys", () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => ["acme/api", i + 1]);
    const query = db
      .select()
      .from(schema.pullRequests)
      .where(keysIn([schema.pullRequests.repo, schema.pullRequests.number], keys))
      .toSQL();
    expect(query.sql).toContain(
      '("pull_requests"."repo", "pull_requests"."number") in (select * from unnest($1::text[], $2::integer[]))',
    );
    expect(query.params).toHaveLength(2);
    expect(query.params[1]).toHaveLength(50_000);
  });
});
