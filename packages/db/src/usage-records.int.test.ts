import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attributedUsageDays,
  attributedUsageSelect,
  listAttributedUsage,
  upsertPeople,
  upsertUsage,
} from "./repositories/index.js";
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from "./testing.js";

/**
 * Attributed usage read whole or a range of days at a time (a bounded build reads it range by
 * range, issue 18): consecutive ranges list what the whole read lists, in the same order, and a
 * range is read through the day index.
 */

const person = (id: string) => ({
  id,
  displayName: id,
  logins: [id],
  userIds: [],
  emails: [],
  names: [],
  teams: [],
});

const usage = (login: string, day: string, tool: string, personId: string | null) => ({
  source: "claude-code-usage",
  identityKind: "login" as const,
  identityValue: login,
  personId,
  day,
  tool,
  tokensIn: 10,
  tokensOut: 1,
  costUsd: 0.5,
});

describe.each(TEST_BACKENDS)("attributed usage on %s", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ backend });
    await upsertPeople(t.db, [person("p1"), person("p2")]);
  });
  afterAll(async () => {
    await t.drop();
  });

  it("none: no days, no records", async () => {
    expect(await attributedUsageDays(t.db)).toBeNull();
    expect(await listAttributedUsage(t.db, { fromDay: "1970-01-01", toDay: "9999-12-31" })).toEqual([]);
  });

  it("ranges of days list the whole read's records, in its order (by day, then key), unattributed ones never", async () => {
    // Written out of order; one record credited to no one (after the last attributed day).
    await upsertUsage(t.db, [
      usage("p2", "2026-11-16", "copilot", "p2"),
      usage("p1", "2026-11-16", "copilot", "p1"),
      usage("p1", "2026-11-15", "claude-code", "p1"),
      usage("p2", "2026-11-15", "claude-code", "p2"),
      usage("p1", "2026-11-15", "copilot", "p1"),
      usage("p1", "2026-11-09", "copilot", "p1"),
      usage("p1", "2027-01-03", "copilot", "p1"),
      usage("nobody", "2027-02-01", "copilot", null),
    ]);
    expect(await attributedUsageDays(t.db)).toEqual({ from: "2026-11-09", to: "2027-01-03" });
    const whole = await listAttributedUsage(t.db);
    const key = (r: (typeof whole)[number]) => `${r.day} ${r.identityValue} ${r.tool}`;
    expect(whole.map(key)).toEqual([
      "2026-11-09 p1 copilot",
      "2026-11-15 p1 claude-code",
      "2026-11-15 p1 copilot",
      "2026-11-15 p2 claude-code",
      "2026-11-16 p1 copilot",
      "2026-11-16 p2 copilot",
      "2027-01-03 p1 copilot",
    ]);
    const ranges = [
      { from: "2026-11-09", to: "2026-11-15" },
      { from: "2026-11-16", to: "2026-11-22" },
      { from: "2026-11-23", to: "2026-12-27" },
      { from: "2026-12-28", to: "2027-01-03" },
    ];
    const parts = [];
    for (const range of ranges) parts.push(await listAttributedUsage(t.db, { fromDay: range.from, toDay: range.to }));
    expect(parts.map((p) => p.length)).toEqual([4, 2, 0, 1]);
    expect(parts.flat()).toEqual(whole);
    expect(await listAttributedUsage(t.db, { fromDay: "2026-11-16" })).toEqual(whole.slice(4));
    expect(await listAttributedUsage(t.db, { limit: 1 })).toEqual(whole.slice(0, 1));
  });

  it.runIf(backend === "postgres")(
    "a range of days is read through the day index, not a scan of the table",
    async () => {
      // Three years of usage of 40 people a day: a range of 8 weeks is a small part of it.
      await t.handle.query(
        `insert into usage_records (source, identity_kind, identity_value, person_id, day, tool)
       select 'csv', 'login', 'l' || p, case when p % 2 = 0 then 'p1' else 'p2' end, d::date, 'copilot'
       from generate_series(1, 40) p, generate_series('2023-01-02'::date, '2025-12-28'::date, '1 day') d`,
      );
      await t.handle.query("analyze usage_records");
      const statement = attributedUsageSelect(t.db, { fromDay: "2024-03-04", toDay: "2024-04-28" }).toSQL();
      const text = statement.sql.replace(/\$(\d+)/g, (_, i) => `'${String(statement.params[Number(i) - 1])}'`);
      const plan = (await t.handle.query<{ "QUERY PLAN": string }>(`explain ${text}`)).map((r) => r["QUERY PLAN"]);
      expect(plan.join("\n")).toContain("usage_records_day_idx");
      expect(plan.join("\n")).not.toContain("Seq Scan");
      expect(await listAttributedUsage(t.db, { fromDay: "2024-03-04", toDay: "2024-04-28" })).toHaveLength(40 * 56);
    },
  );
});
