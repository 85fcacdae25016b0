import { describe, expect, it } from "vitest";
import {
  evictColdFacts,
  holdsWeek,
  hotFromWeek,
  MemoryKeptFacts,
  pageInWeeks,
  updateBounded,
  weeksReadBy,
} from "./bounded.js";
import { computeMetrics, evaluateGroups } from "./compute.js";
import { affectedWeeks, evaluateGroupWeeks, type GroupWeek } from "./incremental.js";
import type { MetricsInput } from "./inputs.js";
import { type KeptFactRow, keptFactRows, touchedFactRows } from "./kept-facts.js";
import type { MetricsOutput } from "./output.js";
import { prepareMetrics } from "./prepare.js";
import { type RollupState, reposWithDataSince, rollupState, updateInputOf } from "./restrict.js";
import { syntheticInput } from "./synthetic.js";

/**
 * A bounded kept state (bounded.ts) gives the figures of a full recompute while it holds only the
 * weeks an update can touch: the rows it does not hold are in a `MemoryKeptFacts` (what
 * rollup_kept_facts holds, written as the worker writes it), read back by week when needed.
 */

const world = syntheticInput({ changes: 3000, engineers: 50, weeks: 30, seed: 5 });
const from = "2026-W17";
const to = "2026-W47";

const asOf = (input: MetricsInput, at: Date): MetricsInput => {
  const day = at.toISOString().slice(0, 10);
  return {
    ...input,
    changes: input.changes.filter((c) => c.mergedAt < at),
    deployments: input.deployments
      .map((d) => ({ ...d, statuses: d.statuses.filter((x) => x.createdAt < at) }))
      .filter((d) => d.createdAt < at),
    usage: input.usage.filter((u) => u.day < day),
  };
};

function figuresByPair(out: MetricsOutput): Map<string, string> {
  const map = new Map<string, string>();
  for (const g of out.groups) for (const w of g.weeks) map.set(`${g.kind} ${g.name} ${w.week}`, JSON.stringify(w));
  return map;
}

const throughJson = (rows: readonly KeptFactRow[]): KeptFactRow[] => JSON.parse(JSON.stringify(rows));

/** A state built from `input` at `now`, saved whole into a store, its caches filled, then bounded. */
function boundedState(input: MetricsInput, now: Date): { state: RollupState; store: MemoryKeptFacts; all: number } {
  const prep = prepareMetrics(input);
  const state = rollupState(prep);
  const recent: string[] = [];
  for (let i = 3; i >= 0; i--) recent.push(prep.clock.shift(prep.clock.weekOf(now), -i));
  evaluateGroups(prep, recent, { from: recent[0] as string, to: recent.at(-1) as string, now }, state.ctx);
  const store = new MemoryKeptFacts();
  store.write(throughJson(keptFactRows(state)));
  const all = prep.changes.length;
  evictColdFacts(state, hotFromWeek(input.config, now));
  return { state, store, all };
}

/**
 * Evaluates `pairs` on the bounded state (loading the weeks they read, as the worker does) and
 * checks each against the full recompute of `input`; then bounds the state again.
 */
async function expectPairsEqualFull(
  state: RollupState,
  store: MemoryKeptFacts,
  input: MetricsInput,
  now: Date,
  pairs: readonly GroupWeek[],
): Promise<number> {
  const full = figuresByPair(computeMetrics(input, { from, to, now, viewerIsAdmin: true }));
  const listed = pairs.filter((p) => full.has(`${p.kind} ${p.name} ${p.week}`) && p.week >= from && p.week <= to);
  await pageInWeeks(state, weeksReadBy(listed, input.config), store);
  for (const r of evaluateGroupWeeks(state.prep, listed, { now, viewerIsAdmin: true }, state.ctx)) {
    const key = `${r.kind} ${r.name} ${r.week}`;
    expect(`${key} ${JSON.stringify(r.figures)}`).toBe(`${key} ${full.get(key)}`);
  }
  evictColdFacts(state, hotFromWeek(input.config, now));
  return listed.length;
}

/** Every group the full report lists in `weeks`. */
function allPairs(input: MetricsInput, now: Date, weeks: readonly string[]): GroupWeek[] {
  const full = figuresByPair(computeMetrics(input, { from, to, now }));
  const pairs: GroupWeek[] = [];
  for (const key of full.keys()) {
    const [kind, name, week] = key.split(" ") as [GroupWeek["kind"], string, string];
    if (weeks.includes(week)) pairs.push({ kind, name, week });
  }
  return pairs;
}

/** One update of the bounded state with `after` (everything since `since` is new), saved into the store. */
async function update(state: RollupState, store: MemoryKeptFacts, after: MetricsInput, since: Date, repos?: string[]) {
  const selected = updateInputOf(after, since, new Set(repos ?? reposWithDataSince(after, since)));
  const result = await updateBounded(state, selected, since, store);
  store.write(throughJson(touchedFactRows(state, result.touched)));
  return result;
}

describe("a bounded kept state", () => {
  it("holds only the recent weeks, and six-hourly updates over two days equal a full recompute", async () => {
    const start = new Date("2026-11-19T00:00:00Z");
    const { state, store, all } = boundedState(asOf(world.input, start), start);
    const hotFrom = hotFromWeek(world.input.config, start);
    expect(hotFrom > from).toBe(true);
    expect(state.prep.changes.length).toBeLessThan(all * 0.7);
    expect(state.prep.changes.every((f) => f.mergedWeek >= hotFrom || (f.deployedWeek ?? "") >= hotFrom)).toBe(true);
    expect(holdsWeek(state, from)).toBe(false);
    for (let i = 0; i < 8; i++) {
      const since = new Date(start.getTime() + i * 6 * 3_600_000);
      const until = new Date(since.getTime() + 6 * 3_600_000);
      const after = asOf(world.input, until);
      const result = await update(state, store, after, since);
      expect(result.unsafe).toBe(false);
      const pairs = affectedWeeks(result.changed, state.prep.roster, after.config, to);
      await expectPairsEqualFull(state, store, after, until, pairs);
      expect(holdsWeek(state, from)).toBe(false);
    }
    // And every group of the last weeks and of old weeks (loaded from the store, then dropped).
    const end = new Date(start.getTime() + 48 * 3_600_000);
    const after = asOf(world.input, end);
    const n = await expectPairsEqualFull(
      state,
      store,
      after,
      end,
      allPairs(after, end, ["2026-W20", "2026-W46", "2026-W47"]),
    );
    expect(n).toBeGreaterThan(30);
    expect(state.prep.changes.length).toBeLessThan(all * 0.7);
  });

  it("after eviction every map and cache of the state holds only the hot weeks' entries, also after an old week was loaded and read", async () => {
    const now = new Date("2026-11-20T00:00:00Z");
    const input = asOf(world.input, now);
    const { state, store } = boundedState(input, now);
    const hotFrom = hotFromWeek(input.config, now);
    const expectOnlyHotWeeks = () => {
      const { prep } = state;
      const idx = prep.index;
      const weeks = [
        ...idx.mergedByWeek.keys(),
        ...idx.deployedByWeek.keys(),
        ...idx.deploymentsByWeek.keys(),
        ...idx.usageByWeek.keys(),
        ...[idx.personMerged, idx.personDeployed, idx.repoMerged, idx.repoDeployed].flatMap((nested) =>
          [...nested.values()].flatMap((inner) => [...inner.keys()]),
        ),
        ...state.ctx.cachedWeeks(),
      ];
      expect(weeks.filter((w) => w < hotFrom)).toEqual([]);
      for (const nested of [idx.personMerged, idx.personDeployed, idx.repoMerged, idx.repoDeployed]) {
        for (const inner of nested.values()) expect(inner.size).toBeGreaterThan(0);
      }
      // Each fact held once, in its list and its lookup map, and only those of the hot weeks (and
      // each environment's deployments back to its last success before them, in `byEnv`).
      expect(state.changeByKey.size).toBe(prep.changes.length);
      expect(prep.changes.every((f) => state.changeByKey.get(f.key) === f)).toBe(true);
      expect(prep.changes.filter((f) => f.mergedWeek < hotFrom && (f.deployedWeek ?? "") < hotFrom)).toEqual([]);
      expect(state.deploymentById.size).toBe(prep.deployments.length);
      expect(prep.deployments.every((d) => state.deploymentById.get(d.id) === d)).toBe(true);
      const tails = new Set([...state.byEnv.values()].flat());
      expect(prep.deployments.filter((d) => d.week < hotFrom && !tails.has(d))).toEqual([]);
      expect([...tails].every((d) => state.deploymentById.get(d.id) === d)).toBe(true);
      expect(state.bound?.paged.size).toBe(0);
    };
    expectOnlyHotWeeks();
    expect(state.ctx.cachedWeeks().size).toBeGreaterThan(0); // the hot weeks' caches are kept

    // An old week loaded and evaluated fills the indexes and caches of old weeks; evicted again.
    const old = allPairs(input, now, ["2026-W22"]);
    await pageInWeeks(state, weeksReadBy(old, input.config), store);
    evaluateGroupWeeks(state.prep, old, { now }, state.ctx);
    expect([...state.ctx.cachedWeeks()].some((w) => w < hotFrom)).toBe(true);
    expect(state.prep.index.mergedByWeek.has("2026-W22")).toBe(true);
    evictColdFacts(state, hotFrom);
    expectOnlyHotWeeks();
  });

  it("a change stored late in an old week: the old weeks are read from storage and equal a full recompute", async () => {
    const now = new Date("2026-11-20T00:00:00Z");
    const everything = asOf(world.input, now);
    // A change merged in week 21 that a deployment shipped: stored only now.
    const late = everything.changes.find(
      (c) => c.mergedAt.toISOString().startsWith("2026-05-2") && c.personId !== null,
    );
    if (late === undefined) throw new Error("the world has no change merged in late May");
    const before = { ...everything, changes: everything.changes.filter((c) => c !== late) };
    const { state, store } = boundedState(before, now);
    expect(state.changeByKey.has(late.key)).toBe(false);
    const result = await update(state, store, everything, late.mergedAt, [late.repo]);
    expect(result.unsafe).toBe(false);
    expect(result.paged.length).toBeGreaterThan(0);
    expect([...result.weeks].some((w) => w < hotFromWeek(world.input.config, now))).toBe(true);
    const pairs = affectedWeeks(result.changed, state.prep.roster, everything.config, to);
    expect(pairs.some((p) => p.week < "2026-W25")).toBe(true);
    await expectPairsEqualFull(state, store, everything, now, pairs);
    expect(state.changeByKey.has(late.key)).toBe(false); // dropped again: its week is old
    // Stored: a restarted or later run reads it back.
    await expectPairsEqualFull(state, store, everything, now, allPairs(everything, now, ["2026-W22"]));
  });

  it("a revert of an old change equals a full recompute", async () => {
    const now = new Date("2026-11-20T00:00:00Z");
    const before = asOf(world.input, now);
    const { state, store } = boundedState(before, now);
    const target = before.changes.find((c) => c.mergedAt.toISOString().startsWith("2026-06-0") && c.personId !== null);
    if (target === undefined) throw new Error("the world has no change merged in early June");
    const at = new Date(now.getTime() + 3_600_000);
    const revert = {
      ...target,
      key: `${target.repo}#revert-old`,
      title: `Revert "${target.title}"`,
      body: `This reverts commit ${target.landingShas[0]}.`,
      mergedAt: at,
      createdAt: new Date(at.getTime() - 600_000),
      firstCommitAt: new Date(at.getTime() - 900_000),
      landingShas: ["f00dfeed"],
    };
    const after = { ...before, changes: [...before.changes, revert] };
    const later = new Date(at.getTime() + 3_600_000);
    const result = await update(state, store, after, at, [target.repo]);
    expect(result.unsafe).toBe(false);
    const pairs = affectedWeeks(result.changed, state.prep.roster, after.config, to);
    await expectPairsEqualFull(state, store, after, later, pairs);
    await expectPairsEqualFull(state, store, after, later, allPairs(after, later, ["2026-W23", "2026-W47"]));
  });

  it("a deployment that ships changes merged months ago equals a full recompute", async () => {
    // Links reach 30 weeks back here, so a deployment can ship a change merged in week 20.
    const config = { ...world.input.config, thresholds: { ...world.input.config.thresholds, lookbackWeeks: 30 } };
    const now = new Date("2026-11-20T00:00:00Z");
    const everything = { ...asOf(world.input, now), config };
    const repo = everything.repos.find((r) => everything.deployments.filter((d) => d.repo === r).length > 20);
    if (repo === undefined) throw new Error("the world has no repository with deployments");
    // The repository stopped deploying in week 20; a deployment of its head now ships everything since.
    const stop = new Date("2026-05-14T00:00:00Z");
    const stopped = everything.deployments.filter((d) => d.repo !== repo || d.createdAt < stop);
    const before = { ...everything, deployments: stopped };
    const { state, store } = boundedState(before, now);
    const graph = everything.commitGraphs[repo];
    if (graph === undefined) throw new Error(`no commit graph for ${repo}`);
    const at = new Date(now.getTime() + 3_600_000);
    const deployment = {
      repo,
      source: "deployment" as const,
      externalId: "d-ships-old",
      environment: "production",
      sha: graph.head,
      ref: "main",
      createdAt: at,
      creatorLogin: null,
      statuses: [{ state: "success" as const, createdAt: new Date(at.getTime() + 60_000), description: "" }],
    };
    const after = { ...before, deployments: [...stopped, deployment] };
    const later = new Date(at.getTime() + 3_600_000);
    const result = await update(state, store, after, at, [repo]);
    expect(result.unsafe).toBe(false);
    expect(result.paged.some((w) => w < "2026-W25")).toBe(true);
    const pairs = affectedWeeks(result.changed, state.prep.roster, after.config, to);
    await expectPairsEqualFull(state, store, after, later, pairs);
    await expectPairsEqualFull(state, store, after, later, allPairs(after, later, ["2026-W21", "2026-W47"]));
  });
});
