import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkKeptFacts,
  type KeptFactDbRow,
  type KeptStamp,
  readKeptFacts,
  readKeptHeader,
  replaceKeptState,
  updateKeptState,
} from "./repositories/rollup-kept.js";
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from "./testing.js";

const at = new Date("2026-11-20T00:00:00Z");
const stamp = (fingerprint: string, watermark = at): KeptStamp => ({
  fingerprint,
  watermark,
  computedNow: watermark,
  heads: { "acme/api": "abc" },
  meta: { repos: ["acme/api"], reposWithoutSignal: [], hasUsage: false },
});
const row = (kind: KeptFactDbRow["kind"], key: string, ord: number, data: unknown): KeptFactDbRow => ({
  kind,
  key,
  ord,
  week: "2026-W47",
  data,
});

describe.each(TEST_BACKENDS)("the rollup worker's stored kept state on %s", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ backend });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("saves whole, then updates over its generation only, with a count and checksum that catch a changed or missing row", async () => {
    const rows = [row("change", "acme/api#1", 0, ["a", 1]), row("change", "acme/api#2", 1, ["b", 2.5])];
    const g1 = await replaceKeptState(t.db, stamp("f"), [...rows, row("usage", "2026-W47", 0, [["p", 3, null]])], at);
    let header = await readKeptHeader(t.db);
    expect(header).toMatchObject({ generation: g1, factCount: 3, fingerprint: "f" });
    expect(await checkKeptFacts(t.db, header as NonNullable<typeof header>)).toBeNull();

    // An update: one changed fact (keeps its stored ord), one new.
    const later = new Date(at.getTime() + 60_000);
    const g2 = await updateKeptState(
      t.db,
      g1,
      stamp("f", later),
      [row("change", "acme/api#2", -1, ["b", 3]), row("deployment", "d1", 0, ["x"])],
      later,
    );
    expect(g2).toBe(g1 + 1);
    header = await readKeptHeader(t.db);
    expect(header).toMatchObject({ generation: g2, factCount: 4, watermark: later });
    expect(await checkKeptFacts(t.db, header as NonNullable<typeof header>)).toBeNull();
    const stored = new Map((await readKeptFacts(t.db)).map((r) => [`${r.kind} ${r.key}`, r]));
    expect(stored.get("change acme/api#2")).toMatchObject({ ord: 1, data: ["b", 3] });

    // A stale generation or another fingerprint writes nothing.
    expect(await updateKeptState(t.db, g1, stamp("f"), [row("change", "acme/api#3", 2, [])], later)).toBeNull();
    expect(await updateKeptState(t.db, g2 as number, stamp("g"), [], later)).toBeNull();
    expect((await readKeptHeader(t.db))?.generation).toBe(g2);

    // Corrupt or missing rows are caught.
    await t.handle.query(`update rollup_kept_facts set data = '["b", 4]' where key = 'acme/api#2'`);
    expect(await checkKeptFacts(t.db, header as NonNullable<typeof header>)).toMatch(/checksum/);
    await t.handle.query(`delete from rollup_kept_facts where key = 'd1'`);
    expect(await checkKeptFacts(t.db, header as NonNullable<typeof header>)).toMatch(
      /3 fact rows stored, the header says 4/,
    );

    // Saved whole again: whole and consistent.
    const g3 = await replaceKeptState(t.db, stamp("h"), rows, at);
    header = await readKeptHeader(t.db);
    expect(header).toMatchObject({ generation: g3, factCount: 2, fingerprint: "h" });
    expect(g3).toBeGreaterThan(g2 as number);
    expect(await checkKeptFacts(t.db, header as NonNullable<typeof header>)).toBeNull();
  });
});
