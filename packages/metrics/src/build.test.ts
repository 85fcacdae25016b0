import { describe, expect, it } from "vitest";
import { MemoryKeptFacts } from "./bounded.js";
import { type DayRange, type EvaluatedGroupWeek, evaluateStoredWeeks, KeptBuild, usageRanges } from "./build.js";
import { isoWeekOfDay } from "./clock.js";
import { evaluateGroups } from "./compute.js";
import type { MetricsInput, UsageRecord } from "./inputs.js";
import { type KeptFactRow, keptFactRows, keptMetaOf } from "./kept-facts.js";
import { prepareMetrics } from "./prepare.js";
import { rollupState } from "./restrict.js";
import { syntheticInput } from "./synthetic.js";

/**
 * A build in parts (build.ts, issue 18) gives what a whole build gives: the kept facts of every
 * repository batch, in their places, and every group-week's figures evaluated chunk by chunk from
 * those stored facts.
 */

const base = syntheticInput({ changes: 3000, engineers: 50, weeks: 30, seed: 5 }).input;
const now = new Date("2026-11-21T00:00:00Z");
const weeks: string[] = [];
{
  const clock = prepareMetrics({ ...base, changes: [], deployments: [] }).clock;
  for (let w = "2026-W17"; w <= "2026-W47"; w = clock.shift(w, 1)) weeks.push(w);
}

/**
 * The world with what crosses repositories, if anything would: a person merging in two
 * repositories, a revert in one repository naming a change of another by commit and by title
 * (reverts resolve within a repository), an incident naming a commit of one repository from
 * another.
 */
function world(): MetricsInput {
  const input = structuredClone(base);
  const [a, b] = [...input.repos].sort() as [string, string];
  const target = input.changes.find((c) => c.repo === a && c.personId !== null) as MetricsInput["changes"][number];
  const other = input.changes.find((c) => c.repo === b && c.personId !== null) as MetricsInput["changes"][number];
  other.title = `Revert "${target.title}"`;
  other.body = `This reverts commit ${target.landingShas[0]}.`;
  const deployment = input.deployments.find((d) => d.repo === a) as MetricsInput["deployments"][number];
  input.incidents = [
    {
      repo: b,
      deploymentId: null,
      sha: deployment.sha,
      openedAt: new Date(deployment.createdAt.getTime() + 86_400_000),
    },
    {
      repo: a,
      deploymentId: null,
      sha: deployment.sha,
      openedAt: new Date(deployment.createdAt.getTime() + 86_400_000),
    },
  ];
  return input;
}

/** `input` cut to `repos` (whole), without usage: what the worker loads for one batch. */
function batchOf(input: MetricsInput, repos: readonly string[]): MetricsInput {
  const only = new Set(repos);
  return {
    ...input,
    changes: input.changes.filter((c) => only.has(c.repo)),
    deployments: input.deployments.filter((d) => only.has(d.repo)),
    commitGraphs: Object.fromEntries(Object.entries(input.commitGraphs).filter(([repo]) => only.has(repo))),
    incidents: input.incidents.filter((i) => only.has(i.repo)),
    repos: input.repos.filter((r) => only.has(r)),
    reposWithoutDeploymentSignal: input.reposWithoutDeploymentSignal.filter((r) => only.has(r)),
    usage: [],
  };
}

function buildInParts(input: MetricsInput, perBatch: number): { build: KeptBuild; rows: KeptFactRow[] } {
  const build = new KeptBuild();
  const repos = [...input.repos].sort();
  const rows: KeptFactRow[] = [];
  for (let i = 0; i < repos.length; i += perBatch)
    rows.push(...build.addRepositories(batchOf(input, repos.slice(i, i + perBatch))));
  rows.push(...build.addUsage(input));
  return { build, rows };
}

const byKey = (rows: readonly KeptFactRow[]) =>
  new Map(rows.map((r) => [`${r.kind} ${r.key}`, JSON.stringify(r)] as const));

describe("a kept state built in parts", () => {
  const input = world();
  const prep = prepareMetrics(input);

  it("the world has what could cross repositories", () => {
    const repos = new Map<string, Set<string>>();
    for (const c of input.changes)
      if (c.personId !== null) repos.set(c.personId, (repos.get(c.personId) ?? new Set()).add(c.repo));
    expect([...repos.values()].some((r) => r.size > 1)).toBe(true);
    expect(prep.changes.some((f) => f.revert)).toBe(true);
    expect(prep.deployments.some((d) => d.failureReasons.includes("incident"))).toBe(true);
  });

  it.each([1, 3, 1000])(
    "batches of %i repositories give every fact row of the whole prepare, in its place",
    (perBatch) => {
      const { build, rows } = buildInParts(input, perBatch);
      const whole = keptFactRows(rollupState(prep));
      expect(rows.length).toBe(whole.length);
      expect(byKey(rows)).toEqual(byKey(whole));
      expect(build.meta()).toEqual(keptMetaOf(prep));
      expect(build.reportNotes(prep.config.timeZone)).toEqual({
        timeZone: prep.config.timeZone,
        reposWithoutDeploymentSignal: [...prep.reposWithoutSignal].sort(),
        ...prep.notes,
      });
    },
  );

  it("the generator handing each repository over as it goes gives the same world, never collected whole", () => {
    const parts: MetricsInput["changes"][] = [];
    const deployments: MetricsInput["deployments"] = [];
    const graphs: MetricsInput["commitGraphs"] = {};
    const streamed = syntheticInput({
      changes: 3000,
      engineers: 50,
      weeks: 30,
      seed: 5,
      onRepository: (part) => {
        parts.push(part.changes);
        deployments.push(...part.deployments);
        graphs[part.repo] = part.commitGraph;
      },
    });
    expect(streamed.input.changes).toEqual([]);
    expect(streamed.input.deployments).toEqual([]);
    expect({ ...streamed.input, changes: parts.flat(), deployments, commitGraphs: graphs }).toEqual(base);
  });

  it("refuses batches out of repository order, and a batch with usage", () => {
    const repos = [...input.repos].sort();
    const build = new KeptBuild();
    build.addRepositories(batchOf(input, repos.slice(1, 2)));
    expect(() => build.addRepositories(batchOf(input, repos.slice(0, 1)))).toThrow(/repository order/);
    expect(() => build.addRepositories({ ...batchOf(input, repos.slice(2, 3)), usage: input.usage })).toThrow(
      /noUsage/,
    );
  });

  /** Every group-week evaluated from the stored rows, chunk by chunk. */
  async function stored(
    of: MetricsInput,
    rows: readonly KeptFactRow[],
    meta: ReturnType<KeptBuild["meta"]>,
    chunkWeeks: number,
    wanted = weeks,
  ) {
    const store = new MemoryKeptFacts();
    store.write(JSON.parse(JSON.stringify(rows)));
    const out = new Map<string, string>();
    let emitted = 0;
    const chunks = await evaluateStoredWeeks(
      { config: of.config, roster: of.roster, meta },
      wanted,
      { now, viewerIsAdmin: true, chunkWeeks },
      store,
      async (_ctx, evaluated: EvaluatedGroupWeek[]) => {
        emitted += 1;
        for (const e of evaluated) {
          const key = `${e.kind} ${e.name} ${e.week}`;
          expect(out.has(key), key).toBe(false);
          out.set(key, JSON.stringify(e.figures));
        }
      },
    );
    return { out, chunks, emitted };
  }

  function whole(of: MetricsInput, wanted = weeks): Map<string, string> {
    // The range of the weeks asked for, as the worker's full rollup evaluates it.
    const range = weeks.filter((w) => w >= (wanted[0] as string) && w <= (wanted.at(-1) as string));
    const groups = evaluateGroups(prepareMetrics(of), range, {
      from: range[0] as string,
      to: range.at(-1) as string,
      now,
      viewerIsAdmin: true,
    });
    const out = new Map<string, string>();
    for (const g of groups)
      for (const w of g.weeks) if (wanted.includes(w.week)) out.set(`${g.kind} ${g.name} ${w.week}`, JSON.stringify(w));
    return out;
  }

  it.each([1, 4, 100])(
    "every group-week evaluated from the stored facts in chunks of %i weeks equals the whole evaluation",
    async (chunkWeeks) => {
      const { build, rows } = buildInParts(input, 3);
      const { out, chunks } = await stored(input, rows, build.meta(), chunkWeeks);
      expect(chunks).toBe(Math.ceil(weeks.length / chunkWeeks));
      const expected = whole(input);
      expect([...out.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, figures] of expected) expect(`${key} ${out.get(key)}`).toBe(`${key} ${figures}`);
    },
  );

  it('a kind that folds a group into "other" only in late weeks lists "other" in every week, as the whole evaluation does', async () => {
    // Groups of at least 3 people; one team shrinks to one person in the last weeks.
    const late = structuredClone(input);
    late.config = { ...late.config, thresholds: { ...late.config.thresholds, minGroupSize: 3 } };
    const sizes = new Map<string, string[]>();
    for (const p of late.roster) for (const m of p.teams) sizes.set(m.team, [...(sizes.get(m.team) ?? []), p.id]);
    const [team, members] = [...sizes].find(([, ids]) => ids.length >= 4) as [string, string[]];
    for (const p of late.roster) {
      if (members.slice(1).includes(p.id))
        p.teams = p.teams.map((m) => (m.team === team ? { ...m, to: new Date("2026-10-26T00:00:00Z") } : m));
    }
    const expected = whole(late);
    const otherWeeks = [...expected.keys()].filter((k) => k.startsWith("team other "));
    expect(otherWeeks.length).toBe(weeks.length);
    // Not folded in the first weeks (the "other" rows kept until the end say so), folded later.
    expect(JSON.parse(expected.get(`team other ${weeks[0]}`) as string).suppressed).toBe(true);
    expect(JSON.parse(expected.get(`team ${team} ${weeks.at(-1)}`) as string).suppressed).toBe(true);
    const { build, rows } = buildInParts(late, 5);
    const { out, emitted, chunks } = await stored(late, rows, build.meta(), 4);
    expect(emitted).toBe(chunks + 1);
    expect([...out.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, figures] of expected) expect(`${key} ${out.get(key)}`).toBe(`${key} ${figures}`);
  });

  it("only the weeks asked for are emitted, folds decided over their whole range", async () => {
    const wanted = [weeks[2], weeks[9], weeks[20]] as string[];
    const { build, rows } = buildInParts(input, 3);
    const { out } = await stored(input, rows, build.meta(), 4, wanted);
    const expected = whole(input, wanted);
    expect([...out.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, figures] of expected) expect(`${key} ${out.get(key)}`).toBe(`${key} ${figures}`);
  });
});

/** Usage as the database lists it (`listAttributedUsage`): by day, then key. */
function listed(usage: readonly UsageRecord[]): UsageRecord[] {
  const key = (u: UsageRecord) => `${u.day} ${u.personId} ${u.tool}`;
  return [...usage].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * What `saveKeptInParts` does with usage: the ranges of `weeks` weeks over the first and last day,
 * each range's records (in the listed order) added on their own, none for an empty range.
 */
function usageInParts(input: MetricsInput, weeks: number) {
  const usage = listed(input.usage);
  const days = usage.map((u) => u.day).sort();
  const span = days.length === 0 ? null : { from: days[0] as string, to: days.at(-1) as string };
  const build = new KeptBuild();
  const rows: KeptFactRow[] = [];
  const ranges = usageRanges(span, weeks);
  let empty = 0;
  for (const range of ranges) {
    const part = usage.filter((u) => u.day >= range.from && u.day <= range.to);
    if (part.length === 0) empty += 1;
    else rows.push(...build.addUsage({ ...input, usage: part }));
  }
  return { build, rows, ranges, empty };
}

/** The whole prepare's usage rows (of the listed order) and meta. */
function wholeUsage(input: MetricsInput) {
  const prep = prepareMetrics({ ...batchOf(input, []), usage: listed(input.usage) });
  return { rows: keptFactRows(rollupState(prep)), meta: keptMetaOf(prep) };
}

const record = (personId: string, day: string, tokensIn: number, cost: number | null = 0.1): UsageRecord => ({
  personId,
  day,
  tool: "claude-code",
  tokensIn,
  tokensOut: 10,
  cost,
});

describe("usage built a range of whole weeks at a time", () => {
  it("ranges are whole ISO weeks, Monday to Sunday, in order, covering the first and last day", () => {
    expect(usageRanges(null, 8)).toEqual([]);
    expect(usageRanges({ from: "2026-11-18", to: "2026-11-18" }, 8)).toEqual([
      { from: "2026-11-16", to: "2027-01-10" },
    ]);
    // 2026-W53 spans the new year (Monday 2026-12-28 to Sunday 2027-01-03).
    expect(usageRanges({ from: "2026-12-27", to: "2027-01-04" }, 1)).toEqual([
      { from: "2026-12-21", to: "2026-12-27" },
      { from: "2026-12-28", to: "2027-01-03" },
      { from: "2027-01-04", to: "2027-01-10" },
    ]);
    const ranges = usageRanges({ from: "2024-02-29", to: "2026-11-20" }, 3);
    for (const [i, range] of ranges.entries()) {
      expect(new Date(`${range.from}T00:00:00Z`).getUTCDay()).toBe(1);
      expect(new Date(`${range.to}T00:00:00Z`).getUTCDay()).toBe(0);
      expect(isoWeekOfDay(range.to)).not.toBe(isoWeekOfDay(ranges[i + 1]?.from ?? "1970-01-01"));
      expect((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000).toBe(20);
      if (i > 0) expect(Date.parse(range.from) - Date.parse((ranges[i - 1] as DayRange).to)).toBe(86_400_000);
    }
    const [first, last] = [ranges[0] as DayRange, ranges.at(-1) as DayRange];
    expect(first.from <= "2024-02-29" && "2024-02-29" <= first.to).toBe(true);
    expect(last.from <= "2026-11-20" && "2026-11-20" <= last.to).toBe(true);
  });

  it.each([1, 3, 8, 1000])("ranges of %i weeks give the whole prepare's usage rows and meta", (weeks) => {
    const { build, rows, ranges } = usageInParts(base, weeks);
    const whole = wholeUsage(base);
    expect(base.usage.length).toBeGreaterThan(1000);
    expect(rows.length).toBe(whole.rows.length);
    // One row a week: no week is split over two ranges.
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    expect(byKey(rows)).toEqual(byKey(whole.rows));
    expect(build.meta()).toEqual(whole.meta);
    if (weeks === 1) expect(ranges.length).toBeGreaterThan(20);
  });

  it("usage across range boundaries (a Sunday, the Monday after, a new year), ranges with none, and usage in one range only", () => {
    const usage = [
      // The weeks 2026-W46 and 2026-W47 meet between Sunday 2026-11-15 and Monday 2026-11-16.
      record("p1", "2026-11-15", 100, 0.1),
      record("p2", "2026-11-15", 7, null),
      record("p1", "2026-11-16", 200, 0.2),
      record("p1", "2026-11-09", 300, 0.3),
      // 2026-W53: Thursday 2026-12-31 and Sunday 2027-01-03; then months without usage.
      record("p2", "2026-12-31", 400, 0.4),
      record("p2", "2027-01-03", 500, 0.05),
      record("p1", "2027-06-01", 600, null),
    ];
    const input = { ...batchOf(base, []), usage };
    for (const weeks of [1, 2, 5]) {
      const { build, rows, empty } = usageInParts(input, weeks);
      const whole = wholeUsage(input);
      expect(byKey(rows)).toEqual(byKey(whole.rows));
      expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
      expect(rows.map((r) => r.key).sort()).toEqual(["2026-W46", "2026-W47", "2026-W53", "2027-W22"]);
      expect(empty).toBeGreaterThan(0);
      expect(build.meta().hasUsage).toBe(true);
    }
    // Monday 2026-11-09 and Sunday 2026-11-15 in one week, summed in the listed order.
    const w46 = usageInParts(input, 1).rows.find((r) => r.key === "2026-W46");
    expect(w46?.data).toEqual([
      ["p1", 420, 0.3 + 0.1],
      ["p2", 17, null],
    ]);

    // Usage in one range only: that range's weeks, and usage known.
    const one = { ...input, usage: usage.slice(0, 2) };
    const only = usageInParts(one, 8);
    expect(only.ranges.length).toBe(1);
    expect(byKey(only.rows)).toEqual(byKey(wholeUsage(one).rows));
    expect(only.build.meta().hasUsage).toBe(true);

    // No usage: no range, no row, and none known.
    const none = usageInParts({ ...input, usage: [] }, 8);
    expect(none.ranges).toEqual([]);
    expect(none.rows).toEqual([]);
    expect(none.build.meta()).toEqual(wholeUsage({ ...input, usage: [] }).meta);
    expect(none.build.meta().hasUsage).toBe(false);
  });
});
