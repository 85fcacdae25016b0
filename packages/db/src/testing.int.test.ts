import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./testing.js";

describe("createTestDatabase's prefix", () => {
  it("names a benchmark's database after its own prefix, migrated like any other", async () => {
    const t = await createTestDatabase({ prefix: "testing_prefix" });
    try {
      expect(t.name).toMatch(new RegExp(`^testing_prefix_${process.pid}_[0-9a-f]{8}$`));
      const sql = postgres(t.url, { max: 1, onnotice: () => {} });
      const [row] = await sql`select current_database() as name, to_regclass('pull_requests')::text as t`;
      await sql.end();
      expect(row).toEqual({ name: t.name, t: "pull_requests" });
    } finally {
      await t.drop();
    }
  });
});
