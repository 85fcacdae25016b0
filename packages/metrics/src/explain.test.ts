import { describe, expect, it } from "vitest";
import { computeMetrics, evaluateGroups, GroupContext, OTHER_GROUP } from "./compute.js";
import { explainGroupWeek } from "./explain.js";
import { pairSpecResolver } from "./incremental.js";
import { prepareMetrics } from "./prepare.js";
import {
  figuresFor,
  metricsFromRollups,
  metricsJsonFromRollups,
  type RollupSeries,
  type StoredGroupWeek,
} from "./read-model.js";
import { median } from "./stats.js";
import { syntheticInput } from "./synthetic.js";

const now = new Date("2026-11-21T00:00:00Z");
const options = { from: "2026-W30", to: "2026-W47", now };
// 4,000 changes over 30 weeks: reverts, trivial changes, failures, rollbacks, other environments.
const world = syntheticInput({ changes: 4000, engineers: 60, weeks: 30, seed: 5 });
// A high k, so some teams and repositories fold into "other".
const input = {
  ...world.input,
  config: { ...world.input.config, thresholds: { ...world.input.config.thresholds, minGroupSize: 7 } },
};
const prep = prepareMetrics(input);
const ctx = new GroupContext(prep);
const weeks: string[] = [];
for (let w = options.from; w <= options.to; w = prep.clock.shift(w, 1)) weeks.push(w);
const groups = evaluateGroups(prep, weeks, { ...options, viewerIsAdmin: true }, ctx);
const resolve = pairSpecResolver(prep, ctx);

describe("explainGroupWeek: the drill-down adds up to the figures", () => {
  it("for every shown group-week of the world, 'other' included", () => {
    const checked = { pairs: 0, changes: 0, other: 0 };
    for (const g of groups) {
      for (const f of g.weeks) {
        if (f.suppressed) continue;
        const { spec } = resolve({ kind: g.kind, name: g.name, week: f.week });
        const { changes, deployments } = explainGroupWeek(ctx, spec, f.week);
        checked.pairs += 1;
        checked.changes += changes.length;
        if (g.name === OTHER_GROUP) checked.other += 1;
        const a = f.activeEngineers ?? 0;
        expect(changes.length, `${g.kind} ${g.name} ${f.week} deployed`).toBe(f.deployedChanges);
        expect(changes.filter((c) => c.qualifying).length).toBe(f.qualifyingChanges);
        expect(changes.filter((c) => c.qualifying && c.ai).length).toBe(f.aiQualifyingChanges);
        if (a > 0) {
          expect(changes.filter((c) => c.counted).length / a).toBeCloseTo(f.nd ?? Number.NaN, 12);
          expect(changes.filter((c) => c.countedAi).length / a).toBeCloseTo(f.aind ?? Number.NaN, 12);
        }
        for (const c of changes) {
          expect(c.qualifying).toBe(c.exclusions.length === 0);
          if (c.counted || c.countedAi) expect(c.qualifying).toBe(true);
        }
        if (f.deployments !== null) {
          expect(deployments.length).toBe(f.deployments);
          const cfr = deployments.length === 0 ? null : deployments.filter((d) => d.failed).length / deployments.length;
          expect(cfr).toBe(f.changeFailureRate);
          const recoveries = deployments
            .filter((d) => d.failed && d.recoveryHours !== null)
            .map((d) => d.recoveryHours as number);
          expect(median(recoveries)).toBe(f.recoveryHoursMedian);
        }
      }
    }

    expect(checked.pairs).toBeGreaterThan(200);
    expect(checked.changes).toBeGreaterThan(3000);
    expect(checked.other).toBeGreaterThan(0);
  });

  it("counts min(q, weeklyCap) of each person's qualifying changes, earliest deployments first", () => {
    const cap = prep.config.thresholds.weeklyCap;
    const org = groups.find((g) => g.kind === "org");
    let overCap = 0;
    for (const f of org?.weeks ?? []) {
      const { spec } = resolve({ kind: "org", name: org?.name ?? "", week: f.week });
      const byPerson = new Map<string, { q: number; counted: number; lastCounted: number; firstUncounted: number }>();
      for (const c of explainGroupWeek(ctx, spec, f.week).changes) {
        if (!c.qualifying) continue;
        const p = byPerson.get(c.person as string) ?? { q: 0, counted: 0, lastCounted: 0, firstUncounted: Infinity };
        const at = c.deployedAt?.getTime() ?? 0;
        p.q += 1;
        if (c.counted) {
          p.counted += 1;
          p.lastCounted = Math.max(p.lastCounted, at);
        } else p.firstUncounted = Math.min(p.firstUncounted, at);
        byPerson.set(c.person as string, p);
      }
      for (const p of byPerson.values()) {
        expect(p.counted).toBe(Math.min(p.q, cap));
        expect(p.lastCounted).toBeLessThanOrEqual(p.firstUncounted);
        if (p.q > cap) overCap += 1;
      }
    }
    expect(overCap, "person-weeks over the cap in the world").toBeGreaterThan(0);
  });
});

/**
 * What the store's aggregate gives for a range: per group, its stored weeks of the range, whether
 * any is suppressed, and their figures' text joined in week order (as `string_agg ... order by week`).
 */
function seriesOf(range: readonly string[], rows: readonly StoredGroupWeek<string>[]): RollupSeries<string>[] {
  const wanted = new Set(range);
  const groups = new Map<string, StoredGroupWeek<string>[]>();
  for (const r of rows) {
    if (!wanted.has(r.week)) continue;
    const key = `${r.kind}:${r.name}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((list) => {
    const sorted = [...list].sort((a, b) => (a.week < b.week ? -1 : 1));
    const first = sorted[0] as StoredGroupWeek<string>;
    return {
      kind: first.kind,
      name: first.name,
      weeks: sorted.map((r) => r.week),
      anySuppressed: sorted.some((r) => r.suppressed),
      payload: sorted.map((r) => r.figures).join(","),
    };
  });
}

describe("metricsFromRollups: the stored group-weeks read back as the engine's document", () => {
  const rows: StoredGroupWeek[] = groups.flatMap((g) =>
    g.weeks.map((figures) => ({
      kind: g.kind,
      name: g.name,
      week: figures.week,
      suppressed: figures.suppressed,
      figures,
    })),
  );
  // Stored in any order, and with weeks beyond the range asked for.
  const shuffled = [...rows].reverse();
  const notes = computeMetrics(input, options).notes;

  it("equals computeMetrics for the whole range, named flag lists only for admins", () => {
    expect(metricsFromRollups(weeks, shuffled, notes)).toEqual(computeMetrics(input, options));
    expect(metricsFromRollups(weeks, shuffled, notes, { viewerIsAdmin: true })).toEqual(
      computeMetrics(input, { ...options, viewerIsAdmin: true }),
    );
  });

  it("equals computeMetrics for a sub-range and for one kind (whether 'other' is listed depends on the range)", () => {
    for (const [from, to] of [
      ["2026-W40", "2026-W41"],
      ["2026-W47", "2026-W47"],
      ["2026-W31", "2026-W44"],
    ] as const) {
      const sub = weeks.filter((w) => w >= from && w <= to);
      for (const kinds of [undefined, ["team"] as const, ["repo", "org"] as const]) {
        const expected = computeMetrics(input, { from, to, now, ...(kinds === undefined ? {} : { kinds }) });
        expect(metricsFromRollups(sub, shuffled, notes, kinds === undefined ? {} : { kinds })).toEqual({
          ...expected,
          notes,
        });
      }
    }
  });

  it("as JSON text spliced from the stored figures' text: the same document, for every range, kind, name and role", () => {
    for (const admin of [false, true]) {
      // What the store hands a reader: each week's figures as JSON text, named lists only for admins.
      const text = shuffled.map((r) => ({ ...r, figures: JSON.stringify(figuresFor(r.figures, admin)) }));
      for (const [from, to] of [
        ["2026-W40", "2026-W41"],
        ["2026-W31", "2026-W47"],
      ] as const) {
        const sub = weeks.filter((w) => w >= from && w <= to);
        for (const kinds of [undefined, ["team"] as const, ["repo", "org"] as const]) {
          const opts = { ...(kinds === undefined ? {} : { kinds }), viewerIsAdmin: admin };
          const json = metricsJsonFromRollups(sub, seriesOf(sub, text), notes, kinds === undefined ? {} : { kinds });
          expect(JSON.parse(json)).toEqual(metricsFromRollups(sub, shuffled, notes, opts));
        }
        const team = groups.find((g) => g.kind === "team")?.name as string;
        const one = JSON.parse(
          metricsJsonFromRollups(sub, seriesOf(sub, text), notes, { kinds: ["team"], name: team }),
        );
        expect(one.groups.map((g: { name: string }) => g.name)).toEqual([team]);
        expect(one.groups[0]).toEqual(
          metricsFromRollups(sub, shuffled, notes, { kinds: ["team"], viewerIsAdmin: admin }).groups.find(
            (g) => g.name === team,
          ),
        );
      }
    }
  });

  it("refuses a range in which a listed group lacks a week (the rollups do not cover it)", () => {
    const missing = rows.filter((r) => !(r.kind === "team" && r.week === "2026-W40"));
    expect(() => metricsFromRollups(["2026-W40", "2026-W41"], missing, notes)).toThrow(/lack team/);
  });
});
