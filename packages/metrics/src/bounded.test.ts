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
import { deploymentId, liveAtOf } from "./detect.js";
import { affectedWeeks, evaluateGroupWeeks, type GroupWeek } from "./incremental.js";
import type { CommitGraph, MetricsInput } from "./inputs.js";
import { type KeptFactRow, keptFactRows, touchedFactRows } from "./kept-facts.js";
import type { MetricsOutput } from "./output.js";
import { prepareMetrics } from "./prepare.js";
import { type RollupState, reposWithDataSince, restrictToWindow, rollupState, updateInputOf } from "./restrict.js";
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

/**
 * Deployments live before an update's window (`since` − the revert window) can change only by a
 * new rollback, and only an environment's last one can be newly rolled back (restrict.ts,
 * `planUpdate`): an update loads the stored weeks of no other. These count the weeks it loads
 * (`paged`) in repositories `restrictToWindow` keeps whole, where every deployment is prepared again.
 */
describe("a bounded update loads no old week for deployments before its window", () => {
  const DAY = 86_400_000;
  const start = new Date("2026-11-19T00:00:00Z");
  const until = new Date(start.getTime() + DAY);
  const revertMs = world.input.config.thresholds.revertWindowDays * DAY;
  type Deployment = MetricsInput["deployments"][number];
  const idOf = deploymentId;
  const liveOf = (d: Deployment) => liveAtOf(d) as Date;
  const deploymentsOf = (input: MetricsInput, repo: string, environment = "production") =>
    input.deployments
      .filter((d) => d.repo === repo && d.environment === environment)
      .sort((a, b) => liveOf(a).getTime() - liveOf(b).getTime());

  /** A repository that deploys on the day after `start`, and more than ten times before August. */
  const active = (() => {
    const repo = world.input.repos.find(
      (r) =>
        deploymentsOf(world.input, r).some((d) => d.createdAt >= start && d.createdAt < until) &&
        deploymentsOf(world.input, r).filter((d) => d.createdAt < new Date("2026-08-01T00:00:00Z")).length > 10,
    );
    if (repo === undefined) throw new Error("the world has no repository deploying on that day");
    return repo;
  })();

  const withoutGraph = (input: MetricsInput, repo: string): MetricsInput => {
    const commitGraphs = { ...input.commitGraphs };
    delete commitGraphs[repo];
    return { ...input, commitGraphs };
  };

  /** The stored weeks of `repo`'s deployments before the window that the state does not hold (what was loaded before). */
  async function unheldWeeksBefore(
    state: RollupState,
    store: MemoryKeptFacts,
    input: MetricsInput,
    since: Date,
    repo: string,
  ) {
    const windowStart = since.getTime() - revertMs;
    const ids = input.deployments
      .filter((d) => d.repo === repo && liveOf(d).getTime() < windowStart && !state.deploymentById.has(idOf(d)))
      .map(idOf);
    return store.weeksOf({ changes: [], deployments: ids });
  }

  /** Whether the update's window keeps `repo` whole. */
  const keptWhole = (input: MetricsInput, since: Date, repo: string) =>
    restrictToWindow(input, new Date(since.getTime() - revertMs), "2026-01-01").fullRepos.includes(repo);

  /** `input` as of `start`, and `repo`'s data of the next day. */
  const withNewDay = (input: MetricsInput, repo: string): MetricsInput => {
    const before = asOf(input, start);
    const day = asOf(input, until);
    return {
      ...before,
      changes: [...before.changes.filter((c) => c.repo !== repo), ...day.changes.filter((c) => c.repo === repo)],
      deployments: [
        ...before.deployments.filter((d) => d.repo !== repo),
        ...day.deployments.filter((d) => d.repo === repo),
      ],
    };
  };

  async function newDay(input: MetricsInput, repo: string) {
    const { state, store } = boundedState(asOf(input, start), start);
    const after = withNewDay(input, repo);
    expect(keptWhole(after, start, repo)).toBe(true);
    const before = await unheldWeeksBefore(state, store, after, start, repo);
    const result = await update(state, store, after, start, [repo]);
    expect(result.unsafe).toBe(false);
    const pairs = affectedWeeks(result.changed, state.prep.roster, after.config, to);
    expect(pairs.length).toBeGreaterThan(0);
    await expectPairsEqualFull(state, store, after, until, pairs);
    await expectPairsEqualFull(state, store, after, until, allPairs(after, until, ["2026-W20", "2026-W47"]));
    return { before, paged: result.paged };
  }

  it("no commit graph: a new day loads no old week (it loaded every week of the repository's old deployments)", async () => {
    const { before, paged } = await newDay(withoutGraph(world.input, active), active);
    expect(before.length).toBeGreaterThan(10);
    expect(paged).toEqual([]);
  });

  it("an anchor off the branch: a new day loads no old week", async () => {
    // The environment's last deployment before the window went to a commit off the branch (a
    // hotfix branched from its commit).
    const windowStart = new Date(start.getTime() - revertMs);
    const anchor = deploymentsOf(world.input, active)
      .filter((d) => liveOf(d) < windowStart)
      .at(-1) as Deployment;
    const graph = world.input.commitGraphs[active] as CommitGraph;
    const hotfix = "0ff0ff0ff0ff0ff0ff0ff0ff0ff0ff0ff0ff0ff0";
    const input: MetricsInput = {
      ...world.input,
      deployments: world.input.deployments.map((d) => (d === anchor ? { ...d, sha: hotfix } : d)),
      commitGraphs: {
        ...world.input.commitGraphs,
        [active]: { head: graph.head, parents: { ...graph.parents, [hotfix]: [anchor.sha] } },
      },
    };
    const { before, paged } = await newDay(input, active);
    expect(before.length).toBeGreaterThan(10);
    expect(paged).toEqual([]);
  });

  it("a rollback of an environment's latest deployment (held) loads no old week and equals a full recompute", async () => {
    const input = withoutGraph(asOf(world.input, start), active);
    const { state, store } = boundedState(input, start);
    const list = deploymentsOf(input, active);
    const latest = list.at(-1) as Deployment;
    const earlier = list.findLast((d) => d.sha !== latest.sha) as Deployment;
    const at = new Date(start.getTime() + 3_600_000);
    const rollback: Deployment = {
      ...latest,
      externalId: "d-rollback-latest",
      sha: earlier.sha,
      createdAt: at,
      statuses: [{ state: "success", createdAt: new Date(at.getTime() + 60_000), description: "" }],
    };
    const after = { ...input, deployments: [...input.deployments, rollback] };
    const later = new Date(at.getTime() + 3_600_000);
    expect(keptWhole(after, at, active)).toBe(true);
    expect(state.deploymentById.has(idOf(latest))).toBe(true);
    const before = await unheldWeeksBefore(state, store, after, at, active);
    const result = await update(state, store, after, at, [active]);
    expect(result.unsafe).toBe(false);
    expect(state.deploymentById.get(idOf(latest))?.failureReasons).toContain("rollback");
    expect(before.length).toBeGreaterThan(10);
    expect(result.paged).toEqual([]);
    const pairs = affectedWeeks(result.changed, state.prep.roster, after.config, to);
    await expectPairsEqualFull(state, store, after, later, pairs);
    await expectPairsEqualFull(state, store, after, later, allPairs(after, later, ["2026-W47"]));
  });

  /** `world` as of now with `repo`'s deployments stopped at `stop`. */
  const stoppedAt = (stop: Date) => {
    const now = new Date("2026-11-20T00:00:00Z");
    const everything = asOf(world.input, now);
    const repo = everything.repos.find(
      (r) => deploymentsOf(everything, r).filter((d) => d.createdAt < stop).length > 5,
    );
    if (repo === undefined) throw new Error("the world has no repository with deployments");
    const input = {
      ...everything,
      deployments: everything.deployments.filter((d) => d.repo !== repo || d.createdAt < stop),
    };
    return { now, repo, input };
  };

  it("a rollback of an environment's last deployment before the window, not held, loads its week alone and rebuilds", async () => {
    // The environment stopped deploying in week 20 with a deployment off the branch after its last
    // one on it (D): the state holds from that off-branch one (its last success), not D.
    const { now, repo, input: stopped } = stoppedAt(new Date("2026-05-14T00:00:00Z"));
    const list = deploymentsOf(stopped, repo);
    const last = list.at(-1) as Deployment;
    const earlier = list.findLast((d) => d.sha !== last.sha) as Deployment;
    const graph = stopped.commitGraphs[repo] as CommitGraph;
    const hotfix = "0ff0ff0ff0ff0ff0ff0ff0ff0ff0ff0ff0ff0ff1";
    const offAt = new Date(liveOf(last).getTime() + DAY);
    const off: Deployment = {
      ...last,
      externalId: "d-off-branch",
      sha: hotfix,
      createdAt: offAt,
      statuses: [{ state: "success", createdAt: offAt, description: "" }],
    };
    const before = {
      ...stopped,
      deployments: [...stopped.deployments, off],
      commitGraphs: {
        ...stopped.commitGraphs,
        [repo]: { head: graph.head, parents: { ...graph.parents, [hotfix]: [last.sha] } },
      },
    };
    const { state, store } = boundedState(before, now);
    expect(state.deploymentById.has(idOf(off))).toBe(true);
    expect(state.deploymentById.has(idOf(last))).toBe(false);
    // Now a deployment of an earlier commit rolls D back.
    const at = new Date(now.getTime() + 3_600_000);
    const rollback: Deployment = {
      ...last,
      externalId: "d-rollback-old",
      sha: earlier.sha,
      createdAt: at,
      statuses: [{ state: "success", createdAt: new Date(at.getTime() + 60_000), description: "" }],
    };
    const after = { ...before, deployments: [...before.deployments, rollback] };
    expect(keptWhole(after, at, repo)).toBe(true);
    const result = await update(state, store, after, at, [repo]);
    expect(result.paged).toEqual([state.prep.clock.weekOf(liveOf(last))]);
    expect(state.deploymentById.get(idOf(last))?.failureReasons).toContain("rollback");
    // Its recovery, before the held tail, moved: the caller rebuilds, and the rebuilt state is right.
    expect(result.unsafe).toBe(true);
    const later = new Date(at.getTime() + 3_600_000);
    const rebuilt = boundedState(after, later);
    await expectPairsEqualFull(
      rebuilt.state,
      rebuilt.store,
      after,
      later,
      allPairs(after, later, [state.prep.clock.weekOf(liveOf(last)), "2026-W47"]),
    );
  });

  it("a deployment stored late before the hot weeks loads only the weeks of the changes it ships, and equals a full recompute", async () => {
    // A repository kept whole (no commit graph) stopped deploying in week 20; a deployment of
    // week 32 (before the state's hot weeks) is stored only now, shipping everything merged since.
    const { now, repo, input: stopped } = stoppedAt(new Date("2026-05-14T00:00:00Z"));
    const before = withoutGraph(stopped, repo);
    const { state, store } = boundedState(before, now);
    const hotFrom = hotFromWeek(before.config, now);
    const liveAt = new Date("2026-08-05T12:00:00Z");
    const clock = state.prep.clock;
    expect(clock.weekOf(liveAt) < hotFrom).toBe(true);
    const tip = before.changes.filter((c) => c.repo === repo && c.mergedAt < liveAt).at(-1);
    if (tip === undefined) throw new Error(`no change of ${repo} before the late deployment`);
    const last = deploymentsOf(before, repo).at(-1) as Deployment;
    const late: Deployment = {
      ...last,
      externalId: "d-stored-late",
      sha: tip.landingShas.at(-1) as string,
      createdAt: new Date(liveAt.getTime() - 300_000),
      statuses: [{ state: "success", createdAt: liveAt, description: "" }],
    };
    const after = { ...before, deployments: [...before.deployments, late] };
    // The worker updates from the earliest new row: the late deployment's creation.
    const since = late.createdAt;
    expect(keptWhole(after, since, repo)).toBe(true);
    const unheld = await unheldWeeksBefore(state, store, after, since, repo);
    const result = await update(state, store, after, since, [repo]);
    expect(result.unsafe).toBe(false); // after the environment's held tail: no recovery before it moves
    // The weeks loaded are those of the changes it ships (merged from week 20 on), none of the
    // old deployments' weeks.
    const shipped = after.changes.filter(
      (c) => c.repo === repo && c.mergedAt > liveOf(last) && c.mergedAt <= tip.mergedAt,
    );
    const shippedWeeks = [...new Set(shipped.map((c) => clock.weekOf(c.mergedAt)))].filter((w) => w < hotFrom).sort();
    expect(unheld.some((w) => w < shippedWeeks[0]!)).toBe(true);
    expect(result.paged).toEqual(shippedWeeks);
    const pairs = affectedWeeks(result.changed, state.prep.roster, after.config, to);
    expect(pairs.some((p) => p.week === clock.weekOf(liveAt))).toBe(true);
    const later = new Date(now.getTime() + 3_600_000);
    await expectPairsEqualFull(state, store, after, later, pairs);
    await expectPairsEqualFull(state, store, after, later, allPairs(after, later, ["2026-W32", "2026-W47"]));
  });
});
