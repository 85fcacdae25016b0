import { describe, expect, it } from "vitest";
import { computeMetrics } from "./compute.js";
import type { MetricsInput } from "./inputs.js";
import type { MetricsOutput } from "./output.js";
import { prepareMetrics } from "./prepare.js";
import { syntheticInput } from "./synthetic.js";
import { touchedGroupWeeks } from "./touched.js";

const now = new Date("2026-11-21T00:00:00Z");
const options = { from: "2026-W17", to: "2026-W47", now };
const world = syntheticInput({ changes: 4000, engineers: 60, weeks: 30, seed: 3 });
const input = world.input;

function figuresByPair(out: MetricsOutput): Map<string, string> {
  const map = new Map<string, string>();
  for (const g of out.groups) for (const w of g.weeks) map.set(`${g.kind} ${g.name} ${w.week}`, JSON.stringify(w));
  return map;
}

/** The pairs whose stored figures a full recompute would change (including groups that appear or vanish). */
function differing(before: MetricsInput, after: MetricsInput): string[] {
  const a = figuresByPair(computeMetrics(before, options));
  const b = figuresByPair(computeMetrics(after, options));
  const out: string[] = [];
  for (const [key, value] of b) if (a.get(key) !== value) out.push(key);
  for (const key of a.keys()) if (!b.has(key)) out.push(key);
  return out;
}

const liveAt = (d: MetricsInput["deployments"][number]) =>
  d.statuses.find((s) => s.state === "success")?.createdAt ?? null;

/** What storage held at `at`: rows dated before it (statuses too). */
function asOf(at: Date): MetricsInput {
  return {
    ...input,
    changes: input.changes.filter((c) => c.mergedAt < at),
    deployments: input.deployments
      .filter((d) => d.createdAt < at)
      .map((d) => ({ ...d, statuses: d.statuses.filter((s) => s.createdAt < at) })),
    usage: input.usage.filter((u) => u.day < at.toISOString().slice(0, 10)),
  };
}

/** Per repository, the earliest date of what is in `after` and not (or not the same) in `before`. */
function changedRepos(before: MetricsInput, after: MetricsInput): Map<string, Date> {
  const repos = new Map<string, Date>();
  const mark = (repo: string, at: Date) => {
    const current = repos.get(repo);
    if (current === undefined || at < current) repos.set(repo, at);
  };
  const keys = new Set(before.changes.map((c) => c.key));
  for (const c of after.changes) if (!keys.has(c.key)) mark(c.repo, c.mergedAt);
  const statuses = new Map(before.deployments.map((d) => [`${d.source}:${d.externalId}`, d.statuses.length]));
  for (const d of after.deployments) {
    const n = statuses.get(`${d.source}:${d.externalId}`);
    if (n === undefined) mark(d.repo, d.createdAt);
    else if (n !== d.statuses.length) {
      for (const s of d.statuses.slice(n)) mark(d.repo, s.createdAt);
    }
  }
  return repos;
}

function check(before: MetricsInput, after: MetricsInput, usage: { personId: string; day: string }[] = []) {
  const diff = differing(before, after);
  const pairs = touchedGroupWeeks(prepareMetrics(after), { repos: changedRepos(before, after), usage }, "2026-W47");
  const listed = new Set(pairs.map((p) => `${p.kind} ${p.name} ${p.week}`));
  expect(diff.filter((key) => !listed.has(key))).toEqual([]);
  return { diff, pairs };
}

describe("touchedGroupWeeks", () => {
  const allPairs = figuresByPair(computeMetrics(input, options)).size;

  it("lists every pair a new day of data changes, and few others", () => {
    const day = new Date("2026-11-20T00:00:00Z");
    const after = asOf(new Date("2026-11-21T00:00:00Z"));
    const before = asOf(day);
    const usage = input.usage.filter((u) => u.day === "2026-11-20").map((u) => ({ personId: u.personId, day: u.day }));
    const { diff, pairs } = check(before, after, usage);
    expect(diff.length).toBeGreaterThan(10);
    // The revert window reaches two weeks back, the previous deployment of a new one a little
    // further; nothing older is recomputed.
    expect(pairs.filter((p) => p.week < "2026-W44")).toEqual([]);
    expect(pairs.length).toBeLessThan(allPairs * 0.15);
  });

  it("day by day over a week with rollbacks and failures", () => {
    for (let d = 9; d <= 15; d++) {
      const from = new Date(Date.UTC(2026, 9, d));
      const to = new Date(Date.UTC(2026, 9, d + 1));
      check(asOf(from), asOf(to));
    }
  });

  it("a pull request stored late, merged five weeks ago", () => {
    const late = input.changes.find((c) => c.mergedAt >= new Date("2026-10-14T00:00:00Z") && c.personId !== null);
    expect(late).toBeDefined();
    const before = { ...input, changes: input.changes.filter((c) => c !== late) };
    const { pairs } = check(before, input);
    expect(pairs.length).toBeLessThan(allPairs * 0.2);
  });

  it("a deployment stored late, between two stored ones (it ships what the next one shipped before)", () => {
    const repo = input.repos.find((r) => input.deployments.filter((d) => d.repo === r).length > 20) as string;
    const mid = input.deployments
      .filter((d) => d.repo === repo && liveAt(d) !== null && d.createdAt > new Date("2026-09-01T00:00:00Z"))
      .at(0);
    expect(mid).toBeDefined();
    const before = { ...input, deployments: input.deployments.filter((d) => d !== mid) };
    check(before, input);
  });

  it("a re-attributed change: the teams of the person it counted for before are listed", () => {
    const target = input.changes.find(
      (c) => c.mergedAt >= new Date("2026-10-01T00:00:00Z") && c.personId !== null && world.deployedAt.has(c.key),
    ) as MetricsInput["changes"][number];
    const other = input.roster.find(
      (p) => p.id !== target.personId && p.teams.length > 0 && p.teams[0]?.team !== undefined,
    ) as MetricsInput["roster"][number];
    const before = { ...input, changes: input.changes.map((c) => (c === target ? { ...c, personId: other.id } : c)) };
    const diff = differing(before, input);
    const pairs = touchedGroupWeeks(prepareMetrics(input), { repos: new Map(), recredited: [target.key] }, "2026-W47");
    const listed = new Set(pairs.map((p) => `${p.kind} ${p.name} ${p.week}`));
    expect(diff.length).toBeGreaterThan(0);
    expect(diff.filter((key) => !listed.has(key))).toEqual([]);
  });
});
