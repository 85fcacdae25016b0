import { describe, expect, it } from "vitest";
import { computeMetrics, evaluateGroups } from "./compute.js";
import { evaluateGroupWeeks, type GroupWeek } from "./incremental.js";
import type { MetricsInput } from "./inputs.js";
import {
  type KeptFactRow,
  KeptFactsError,
  keptFactRows,
  keptMetaOf,
  restoreRollupState,
  touchedFactRows,
} from "./kept-facts.js";
import type { MetricsOutput } from "./output.js";
import { prepareMetrics } from "./prepare.js";
import { type RollupState, reposWithDataSince, rollupState, updateInputOf, updatePrepared } from "./restrict.js";
import { syntheticInput } from "./synthetic.js";

const now = new Date("2026-11-21T00:00:00Z");
const options = { from: "2026-W17", to: "2026-W47", now };
const world = syntheticInput({ changes: 3000, engineers: 50, weeks: 30, seed: 5 });

const asOf = (at: Date): MetricsInput => {
  const day = at.toISOString().slice(0, 10);
  return {
    ...world.input,
    changes: world.input.changes.filter((c) => c.mergedAt < at),
    deployments: world.input.deployments
      .map((d) => ({ ...d, statuses: d.statuses.filter((x) => x.createdAt < at) }))
      .filter((d) => d.createdAt < at),
    usage: world.input.usage.filter((u) => u.day < day),
  };
};

function figuresByPair(out: MetricsOutput): Map<string, string> {
  const map = new Map<string, string>();
  for (const g of out.groups) for (const w of g.weeks) map.set(`${g.kind} ${g.name} ${w.week}`, JSON.stringify(w));
  return map;
}

/** Every pair of `weeks` of every group the full report lists, evaluated on `state`, as `figuresByPair` keys. */
function evaluated(state: RollupState, full: Map<string, string>, weeks: readonly string[]): Map<string, string> {
  const pairs: GroupWeek[] = [];
  for (const key of full.keys()) {
    const [kind, name, week] = key.split(" ") as [GroupWeek["kind"], string, string];
    if (weeks.includes(week)) pairs.push({ kind, name, week });
  }
  const out = new Map<string, string>();
  for (const r of evaluateGroupWeeks(state.prep, pairs, { now }, state.ctx)) {
    out.set(`${r.kind} ${r.name} ${r.week}`, JSON.stringify(r.figures));
  }
  return out;
}

/** What jsonb gives back: the rows through JSON text. */
const throughJson = (rows: readonly KeptFactRow[]): KeptFactRow[] => JSON.parse(JSON.stringify(rows));

/** A stored table of rows by (kind, key): an upsert keeps a stored row's `ord` (as rollup_kept_facts does). */
function upsertInto(table: Map<string, KeptFactRow>, rows: readonly KeptFactRow[]): void {
  for (const row of throughJson(rows)) {
    const key = `${row.kind} ${row.key}`;
    const stored = table.get(key);
    table.set(key, stored === undefined ? row : { ...row, ord: stored.ord });
  }
}

describe("kept facts", () => {
  const weeks = ["2026-W44", "2026-W45", "2026-W46", "2026-W47"];

  it("a state restored from its rows evaluates every group-week as the full recompute does", () => {
    const input = world.input;
    const prep = prepareMetrics(input);
    const rows = throughJson(keptFactRows(rollupState(prep)));
    expect(rows.filter((r) => r.kind === "change")).toHaveLength(prep.changes.length);
    expect(rows.filter((r) => r.kind === "deployment")).toHaveLength(prep.deployments.length);
    expect(rows.some((r) => r.kind === "usage")).toBe(true);
    const restored = restoreRollupState(input.config, input.roster, keptMetaOf(prep), [...rows].reverse());
    const full = figuresByPair(computeMetrics(input, options));
    const got = evaluated(restored, full, weeks);
    expect(got.size).toBeGreaterThan(40);
    for (const [key, figures] of got) expect(`${key} ${figures}`).toBe(`${key} ${full.get(key)}`);
    // The facts themselves, field for field.
    expect(restored.prep.changes).toEqual(prep.changes);
    expect(restored.prep.deployments).toEqual(prep.deployments);
    expect(restored.prep.index.usageByWeek).toEqual(prep.index.usageByWeek);
  });

  it("the rows an update touched, stored over the earlier rows, restore the updated state", () => {
    const thursday = new Date("2026-11-19T00:00:00Z");
    const prep = prepareMetrics(asOf(thursday));
    const state = rollupState(prep);
    evaluateGroups(prep, weeks, { ...options, now: thursday }, state.ctx);
    const table = new Map<string, KeptFactRow>();
    upsertInto(table, keptFactRows(state));
    let touchedRows = 0;
    for (let i = 0; i < 8; i++) {
      const since = new Date(thursday.getTime() + i * 6 * 3_600_000);
      const until = new Date(since.getTime() + 6 * 3_600_000);
      const input = asOf(until);
      const update = updateInputOf(input, since, reposWithDataSince(input, since), {
        usage: until.getUTCHours() === 0,
      });
      const { touched } = updatePrepared(state, update, since);
      const rows = touchedFactRows(state, touched);
      touchedRows += rows.length;
      upsertInto(table, rows);
      // After each batch: the stored rows restore what the worker holds, and both equal a full recompute.
      const restored = restoreRollupState(input.config, input.roster, keptMetaOf(state.prep), table.values());
      expect(restored.prep.changes.map((f) => f.key)).toEqual(state.prep.changes.map((f) => f.key));
      expect(restored.prep.changes).toEqual(state.prep.changes);
      expect(restored.prep.deployments).toEqual(state.prep.deployments);
      const full = figuresByPair(computeMetrics(input, options));
      const got = evaluated(restored, full, ["2026-W46", "2026-W47"]);
      for (const [key, figures] of got) expect(`${key} ${figures}`).toBe(`${key} ${full.get(key)}`);
    }
    expect(touchedRows).toBeGreaterThan(0);
    expect(touchedRows).toBeLessThan(table.size); // an update writes what changed, not everything
  });

  it("refuses a row it cannot read", () => {
    const input = world.input;
    const prep = prepareMetrics(input);
    const rows = throughJson(keptFactRows(rollupState(prep)));
    const meta = keptMetaOf(prep);
    const broken = (at: number, data: unknown) => rows.map((r, i) => (i === at ? { ...r, data } : r));
    const dataOf = (i: number) => rows[i]?.data as unknown[];
    const change = rows.findIndex((r) => r.kind === "change");
    const deployment = rows.findIndex((r) => r.kind === "deployment");
    const usage = rows.findIndex((r) => r.kind === "usage");
    const restore = (list: KeptFactRow[]) => () => restoreRollupState(input.config, input.roster, meta, list);
    expect(restore(broken(change, dataOf(change).slice(1)))).toThrow(KeptFactsError);
    expect(restore(broken(change, null))).toThrow(KeptFactsError);
    expect(
      restore(broken(deployment, [...dataOf(deployment).slice(0, 2), "x", ...dataOf(deployment).slice(3)])),
    ).toThrow(KeptFactsError);
    expect(restore(broken(usage, [["p", "many", null]]))).toThrow(KeptFactsError);
    expect(restore([...rows, { kind: "other" as "usage", key: "x", ord: 0, week: "2026-W01", data: [] }])).toThrow(
      KeptFactsError,
    );
  });
});
