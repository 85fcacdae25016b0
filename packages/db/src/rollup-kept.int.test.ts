import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addKeptBuildRows,
  beginKeptBuild,
  checkKeptFacts,
  finishKeptBuild,
  holdKeptState,
  type KeptFactDbRow,
  type KeptStamp,
  readKeptFacts,
  readKeptFactsFrom,
  readKeptFactsOfWeeks,
  readKeptFactWeeks,
  readKeptHeader,
  readKeptLastSuccessWeeks,
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
  it("builds in parts: the state being built is no process's, a build overtaken writes nothing, the finished one is whole", async () => {
    const before = (await readKeptHeader(t.db))?.generation ?? 0;
    const g = await beginKeptBuild(t.db, stamp("f"), at);
    expect(g).toBe(before + 1);
    // Emptied and marked: no fingerprint a process has, nothing to restore.
    expect(await readKeptFacts(t.db)).toEqual([]);
    expect((await readKeptHeader(t.db))?.fingerprint).toBe("building f");
    // An update over the earlier generation finds another.
    expect(await updateKeptState(t.db, before, stamp("f"), [], at)).toBeNull();
    expect(await addKeptBuildRows(t.db, g, [row("change", "acme/api#1", 0, ["a"])])).toBe(true);
    expect(
      await addKeptBuildRows(t.db, g, [row("change", "acme/api#2", 1, ["b"]), row("deployment", "d1", 0, [])]),
    ).toBe(true);
    const done = await finishKeptBuild(t.db, g, stamp("f"), at);
    expect(done).toBe(g + 1);
    const header = await readKeptHeader(t.db);
    expect(header).toMatchObject({ generation: g + 1, fingerprint: "f", factCount: 3 });
    expect(await checkKeptFacts(t.db, header as NonNullable<typeof header>)).toBeNull();
    // The same rows saved whole give the same count and checksum.
    const whole = await readKeptFacts(t.db);
    await replaceKeptState(t.db, stamp("f"), whole, at);
    expect(await readKeptHeader(t.db)).toMatchObject({ factCount: 3, checksum: header?.checksum });

    // Another build begun meanwhile (or a save whole) overtakes this one: it writes nothing more.
    const first = await beginKeptBuild(t.db, stamp("f"), at);
    const second = await beginKeptBuild(t.db, stamp("f"), at);
    expect(await addKeptBuildRows(t.db, first, [row("change", "acme/api#9", 0, [])])).toBe(false);
    expect(await finishKeptBuild(t.db, first, stamp("f"), at)).toBeNull();
    expect(await readKeptFacts(t.db)).toEqual([]);
    const finished = await finishKeptBuild(t.db, second, stamp("f"), at);
    expect(finished).toBe(second + 1);
    // Finished, it is no build any more: rows for it are refused.
    expect(await addKeptBuildRows(t.db, second, [row("change", "acme/api#9", 0, [])])).toBe(false);
    // Held within a transaction when it is that generation.
    expect(await t.db.transaction(async (tx) => holdKeptState(tx as never, finished as number))).toBe(true);
    expect(await t.db.transaction(async (tx) => holdKeptState(tx as never, second))).toBe(false);
  });
  it("reads a bounded state's facts back by key and by week (merge week, deployed week, live week, usage week)", async () => {
    const change = (key: string, ord: number, merged: string, deployed: string | null): KeptFactDbRow => ({
      kind: "change",
      key,
      ord,
      week: merged,
      // The positional form: the deployed week at position 10.
      data: [
        "acme/api",
        "p",
        false,
        false,
        false,
        false,
        true,
        0,
        merged,
        null,
        deployed,
        null,
        1,
        null,
        null,
        null,
        false,
      ],
    });
    const deployment = (key: string, ord: number, week: string, env: string, failed: boolean): KeptFactDbRow => ({
      kind: "deployment",
      key,
      ord,
      week,
      data: [
        "acme/api",
        env,
        0,
        week,
        "2026-01-01",
        "deployment",
        failed ? ["status"] : [],
        failed,
        null,
        [],
        false,
        [],
      ],
    });
    await replaceKeptState(
      t.db,
      stamp("weeks"),
      [
        change("acme/api#10", 0, "2026-W10", "2026-W12"),
        change("acme/api#11", 1, "2026-W12", null),
        change("acme/api#12", 2, "2026-W20", "2026-W20"),
        deployment("d1", 0, "2026-W08", "production", false),
        deployment("d2", 1, "2026-W09", "production", true),
        deployment("d3", 2, "2026-W12", "production", false),
        deployment("d4", 3, "2026-W09", "staging", true),
        { kind: "usage", key: "2026-W12", ord: 0, week: "2026-W12", data: [["p", 3, null]] },
      ],
      at,
    );
    const keys = (rows: readonly { kind: string; key: string }[]) => rows.map((r) => `${r.kind} ${r.key}`).sort();
    expect(keys(await readKeptFactsOfWeeks(t.db, ["2026-W12"]))).toEqual([
      "change acme/api#10", // deployed in it
      "change acme/api#11", // merged in it
      "deployment d3",
      "usage 2026-W12",
    ]);
    expect(await readKeptFactsOfWeeks(t.db, [])).toEqual([]);
    expect(
      (
        await readKeptFactWeeks(t.db, [
          ["change", "acme/api#12"],
          ["deployment", "d2"],
          ["change", "acme/api#99"],
        ])
      )
        .map((r) => `${r.key} ${r.week}`)
        .sort(),
    ).toEqual(["acme/api#12 2026-W20", "d2 2026-W09"]);
    // Per environment: its last success before the week, or its first deployment when none succeeded.
    expect((await readKeptLastSuccessWeeks(t.db, ["acme/api"], "2026-W12")).sort()).toEqual(["2026-W08", "2026-W09"]);
    expect(await readKeptLastSuccessWeeks(t.db, ["acme/other"], "2026-W12")).toEqual([]);
    // A bounded restore from week 12: its weeks, each environment back to its last success (or
    // whole when none succeeded), and the next place of each kind.
    const from12 = await readKeptFactsFrom(t.db, "2026-W12");
    expect(keys(from12.rows)).toEqual([
      "change acme/api#10",
      "change acme/api#11",
      "change acme/api#12",
      "deployment d1",
      "deployment d2",
      "deployment d3",
      "deployment d4",
      "usage 2026-W12",
    ]);
    expect(from12.nextOrd).toEqual({ change: 3, deployment: 4 });
    const from13 = await readKeptFactsFrom(t.db, "2026-W13");
    expect(keys(from13.rows)).toEqual(["change acme/api#12", "deployment d3", "deployment d4"]);
  });
});
