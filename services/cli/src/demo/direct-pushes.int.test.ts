import { changes as changesTable } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import type { Simulator } from "@yardstick/github-sim";
import { loadMetricsInput } from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSync, simulate, smallWorld } from "../resilience/harness.js";
import { configForWorld } from "./world-config.js";

/**
 * Trunk-based repositories (`directPushes: true`): commits pushed straight to the tracked branch,
 * in no pull request, are changes of their own. Compared with the world's ground truth.
 */
describe("direct pushes ingested as changes", () => {
  const world = smallWorld(17);
  let sim: Simulator;
  let db: TestDatabase;

  beforeAll(async () => {
    sim = await simulate(world);
    db = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
    await sim?.close();
  });

  it("stores exactly the world's direct pushes, with their commit and push time, and keeps the PRs", async () => {
    const config = configForWorld(world, { directPushes: true });
    expect((await inlineSync(db.db, sim, config, "direct")).failed).toEqual([]);
    const truth = [...world.truthChanges()].filter((t) => t.kind === "direct_push");
    expect(truth.length, "the world has direct pushes").toBeGreaterThan(0);
    const all = await db.db.select().from(changesTable);
    const stored = all.filter((c) => c.kind === "direct_push");
    expect(stored.map((c) => c.key).sort()).toEqual(truth.map((t) => t.key).sort());
    for (const row of stored) {
      expect(row.sha).toBe(row.key.split("@")[1]);
      const commit = world.commit(row.repo, row.sha ?? "");
      expect(row.mergedAt.toISOString()).toBe(new Date(commit?.committer.date ?? 0).toISOString());
      expect(row.prNumber).toBeNull();
    }
    const prChanges = all.filter((c) => c.kind === "pull_request");
    expect(prChanges.length).toBe([...world.truthChanges()].filter((t) => t.kind === "pull_request").length);

    // The metrics engine sees them as changes that land themselves.
    const input = await loadMetricsInput(db.db, config);
    const pushed = input.changes.filter((c) => c.kind === "direct_push");
    expect(pushed.map((c) => c.key).sort()).toEqual(truth.map((t) => t.key).sort());
    for (const c of pushed) expect(c.landingShas).toEqual([c.key.split("@")[1]]);
  }, 300_000);
});
