/**
 * The rollup worker's kept state (issue 18): how much heap it holds, bounded or not, what one
 * day's incremental update costs in both modes, what it costs to persist it in PostgreSQL and to
 * restore it in a restarted process, and how large it is on disk.
 *
 *   node --max-old-space-size=12000 --expose-gc --import tsx scripts/bench/kept-state.ts \
 *     --changes 1000000 --engineers 5000 --weeks 104 [--restore] [--back 2]
 *
 * The world is the metrics package's generator, ending at `end`. Measured, in order:
 * - **built**: `prepareMetrics` of the data as of `end` − `back` days (default 2) and `rollupState`, then the
 *   evaluation caches of the last 13 weeks (as the worker holds it after its runs); heap beyond
 *   the input, after a full GC;
 * - **save whole**: `replaceKeptState` of every fact row into a fresh database (what a process that
 *   built its state saves once), and the tables' size on disk;
 * - then the world's input is dropped (a worker's loaded input is garbage after its build), and
 *   every later heap figure is everything the state holds (measured from before the world was
 *   generated: the strings it shares with the input included);
 * - **update, unbounded**: one new day (from the build on) as the worker does it:
 *   `updatePrepared` of the repositories with new data, the touched rows saved
 *   (`updateKeptState`), the pairs the update touched evaluated; then the state's heap (caches
 *   included);
 * - **bounded**: `evictColdFacts` at `hotFromWeek` (packages/metrics bounded.ts) and its heap;
 * - **update, bounded**: the next day the same way with `updateBounded` (the weeks it loads:
 *   `pagedByUpdate`), the weeks the pairs read loaded from PostgreSQL (`pageInWeeks`:
 *   `pagedByPairs`) and dropped after; the heap again; the evaluation of its
 *   pairs also timed over fresh caches (untimed in the update: what a state without caches pays);
 * - the bounded state's evaluation caches (the hot weeks'): their heap, dropped at the end;
 * - **bounded restore**: with the world and the state gone, `checkKeptFacts`, `readKeptFactsFrom`
 *   and `restoreBoundedState` (a restarted bounded worker), and its heap (no evaluation caches yet);
 * - with `--heap-snapshot PATH`: a heap snapshot right after the eviction, the state reachable as
 *   `globalThis.keptState` (scripts/bench/heap-breakdown.ts reads it);
 * - with `--restore`: with the world and the state gone, `checkKeptFacts` (count and checksum),
 *   `readKeptFacts` and `restoreRollupState` (what a restarted worker does), and the restored
 *   state's heap, with 13 weeks of caches again; its figures of those weeks against the built
 *   state's (must be equal).
 */
import { createHash } from "node:crypto";
import { writeHeapSnapshot } from "node:v8";
import {
  checkKeptFacts,
  type KeptFactDbRow,
  readKeptFacts,
  readKeptFactsFrom,
  readKeptFactsOfWeeks,
  readKeptFactWeeks,
  readKeptHeader,
  replaceKeptState,
  updateKeptState,
} from "@yardstick/db";
import { createTestDatabase } from "@yardstick/db/testing";
import {
  affectedWeeks,
  evaluateGroups,
  evaluateGroupWeeks,
  evictColdFacts,
  GroupContext,
  hotFromWeek,
  type KeptFactRow,
  type KeptFactSource,
  type KeptMeta,
  keptFactRows,
  keptMetaOf,
  type MetricsConfig,
  type MetricsInput,
  pageInWeeks,
  prepareMetrics,
  type RollupState,
  type RosterPerson,
  reposWithDataSince,
  restoreBoundedState,
  restoreRollupState,
  rollupState,
  touchedFactRows,
  updateBounded,
  updateInputOf,
  updatePrepared,
  weeksReadBy,
} from "@yardstick/metrics";
import { syntheticInput } from "@yardstick/metrics/testing";
import { flag, numberOption, option } from "./options.js";
import { log } from "./rolled-up-world.js";

const changes = numberOption("changes", 100_000);
const engineers = numberOption("engineers", 1_000);
const weeks = numberOption("weeks", 104);
const restore = flag("restore");
/** Where to write a heap snapshot of the process right after the eviction (the state as `globalThis.keptState`). */
const heapSnapshot = option("heap-snapshot", "");
/** Days before the world's end the state is built at (the two days measured follow it). */
const back = numberOption("back", 2);
const DAY_MS = 86_400_000;
const gc = globalThis.gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const mib = (bytes: number) => Math.round(bytes / 1048576);
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** The figures of the last 13 weeks of every group (fills the caches a worker holds), hashed. */
function evaluateRecent(state: RollupState, at: Date): string {
  const clock = state.prep.clock;
  const recent: string[] = [];
  for (let i = 12; i >= 0; i--) recent.push(clock.shift(clock.weekOf(at), -i));
  const groups = evaluateGroups(
    state.prep,
    recent,
    { from: recent[0] as string, to: recent.at(-1) as string, now: at },
    state.ctx,
  );
  return createHash("sha256").update(JSON.stringify(groups)).digest("hex");
}

/** The world's data as it was stored at `at`. */
function asOf(input: MetricsInput, at: Date): MetricsInput {
  const day = at.toISOString().slice(0, 10);
  return {
    ...input,
    changes: input.changes.filter((c) => c.mergedAt < at),
    deployments: input.deployments
      .map((d) => ({ ...d, statuses: d.statuses.filter((x) => x.createdAt < at) }))
      .filter((d) => d.createdAt < at),
    usage: input.usage.filter((u) => u.day < day),
  };
}

/**
 * One new day (`since` to `since` + 1 day) as the worker rolls it up from its kept state: the
 * update (bounded: loading the stored weeks it needs), the touched rows saved over `generation`,
 * the pairs it touched evaluated (bounded: their weeks loaded first, all dropped after).
 */
interface Day {
  since: Date;
  until: Date;
  /** What the worker loads for the day (`updateInputOf`: the repositories with new data). */
  selected: MetricsInput;
}

function dayOf(input: MetricsInput, since: Date): Day {
  const until = new Date(since.getTime() + DAY_MS);
  const now = asOf(input, until);
  return { since, until, selected: updateInputOf(now, since, reposWithDataSince(now, since), { usage: true }) };
}

async function oneDay(
  state: RollupState,
  { since, until, selected }: Day,
  db: Parameters<typeof updateKeptState>[0],
  generation: number,
  source: KeptFactSource | null,
): Promise<{
  ms: number;
  pairs: number;
  paged: number;
  pagedByUpdate: number;
  touched: number;
  generation: number;
  evaluateMs: number;
  evaluateWithoutCachesMs?: number;
}> {
  const input = selected;
  const t0 = performance.now();
  let paged = 0;
  let pagedByUpdate = 0;
  let update: ReturnType<typeof updatePrepared>;
  if (source === null) update = updatePrepared(state, selected, since);
  else {
    const bounded = await updateBounded(state, selected, since, source);
    if (bounded.unsafe) throw new Error("the bounded update needs a rebuild");
    pagedByUpdate = bounded.paged.length;
    paged += pagedByUpdate;
    update = bounded;
  }
  const rows = touchedFactRows(state, update.touched);
  const next = await updateKeptState(
    db,
    generation,
    {
      fingerprint: "bench",
      watermark: until,
      computedNow: until,
      heads: {},
      meta: keptMetaOf(state.prep) as unknown as Record<string, unknown>,
    },
    rows as KeptFactDbRow[],
    until,
  );
  if (next === null) throw new Error("the stored state moved");
  const clock = state.prep.clock;
  const pairs = affectedWeeks(update.changed, state.prep.roster, input.config, clock.weekOf(until));
  if (source !== null) paged += (await pageInWeeks(state, weeksReadBy(pairs, input.config), source)).length;
  // What the evaluation would cost a state without evaluation caches (one restored, or one whose
  // caches were dropped at eviction): the same pairs over fresh caches, not timed in `ms`.
  let evaluateWithoutCachesMs: number | undefined;
  if (source !== null) {
    const te = performance.now();
    evaluateGroupWeeks(state.prep, pairs, { now: until, viewerIsAdmin: true }, new GroupContext(state.prep));
    evaluateWithoutCachesMs = Math.round(performance.now() - te);
  }
  const t1 = performance.now();
  evaluateGroupWeeks(state.prep, pairs, { now: until, viewerIsAdmin: true }, state.ctx);
  const evaluateMs = Math.round(performance.now() - t1);
  if (source !== null) evictColdFacts(state, hotFromWeek(input.config, until));
  const ms = Math.round(performance.now() - t0) - (evaluateWithoutCachesMs ?? 0);
  return {
    ms,
    pairs: pairs.length,
    paged,
    pagedByUpdate,
    touched: rows.length,
    generation: next,
    evaluateMs,
    ...(evaluateWithoutCachesMs === undefined ? {} : { evaluateWithoutCachesMs }),
  };
}

async function main(): Promise<void> {
  const report: Record<string, unknown> = { changes, engineers, weeks, back };
  const t = await createTestDatabase();
  try {
    let config: MetricsConfig;
    let roster: RosterPerson[];
    let at: Date;
    let builtDigest: string;
    let rows: KeptFactDbRow[] | null;
    {
      log(`generating ${changes} changes, ${engineers} engineers, ${weeks} weeks`);
      const hBase = heap();
      let world: ReturnType<typeof syntheticInput> | null = syntheticInput({ changes, engineers, weeks, seed: 1 });
      at = new Date(world.end.getTime() - back * DAY_MS);
      config = world.input.config;
      roster = world.input.roster;
      const h0 = heap();
      const t0 = performance.now();
      const state = rollupState(prepareMetrics(asOf(world.input, at)));
      builtDigest = evaluateRecent(state, at);
      report.buildMs = Math.round(performance.now() - t0);
      report.builtStateMib = mib(heap() - h0);
      report.facts = { changes: state.prep.changes.length, deployments: state.prep.deployments.length };
      log(`built in ${report.buildMs} ms; the state holds ${report.builtStateMib} MiB of heap beyond its input`);
      const meta: KeptMeta = keptMetaOf(state.prep);
      const t1 = performance.now();
      rows = keptFactRows(state) as KeptFactDbRow[];
      report.encodeMs = Math.round(performance.now() - t1);
      const t2 = performance.now();
      let generation = await replaceKeptState(
        t.db,
        {
          fingerprint: "bench",
          watermark: at,
          computedNow: at,
          heads: {},
          meta: meta as unknown as Record<string, unknown>,
        },
        rows,
        at,
      );
      report.saveWholeMs = Math.round(performance.now() - t2);
      report.factRows = rows.length;
      log(`saved ${rows.length} fact rows in ${report.saveWholeMs} ms`);
      rows = null;

      const day2From = new Date(at.getTime() + DAY_MS);
      const days: Day[] = [dayOf(world.input, at), dayOf(world.input, day2From)];
      // The world's input is garbage from here (as a worker's loaded input is after its build):
      // the state's heap is measured from before the world was generated, so it counts everything
      // the state holds (the strings it shares with the input included), like the restored figure.
      world = null;
      report.unboundedBeforeUpdateMib = mib(heap() - hBase);
      const day1 = await oneDay(state, days[0] as Day, t.db, generation, null);
      generation = day1.generation;
      report.updateUnbounded = day1;
      report.unboundedStateMib = mib(heap() - hBase);
      log(`one day, unbounded: ${JSON.stringify(day1)}; the state holds ${report.unboundedStateMib} MiB`);
      const t6 = performance.now();
      const held = evictColdFacts(state, hotFromWeek(config, day2From));
      report.evictMs = Math.round(performance.now() - t6);
      report.hotFrom = state.bound?.hotFrom;
      report.held = held;
      report.boundedStateMib = mib(heap() - hBase);
      log(`bounded from ${report.hotFrom}: holds ${JSON.stringify(held)}, ${report.boundedStateMib} MiB`);
      if (heapSnapshot !== "") {
        (globalThis as { keptState?: RollupState }).keptState = state;
        log(`heap snapshot: ${writeHeapSnapshot(heapSnapshot)}`);
        delete (globalThis as { keptState?: RollupState }).keptState;
      }
      const source: KeptFactSource = {
        async weeksOf(keys) {
          const found = await readKeptFactWeeks(t.db, [
            ...keys.changes.map((key) => ["change", key] as const),
            ...keys.deployments.map((key) => ["deployment", key] as const),
          ]);
          return [...new Set(found.map((r) => r.week))];
        },
        async factsOfWeeks(list) {
          return (await readKeptFactsOfWeeks(t.db, list)) as KeptFactRow[];
        },
      };
      const day2 = await oneDay(state, days[1] as Day, t.db, generation, source);
      report.updateBounded = day2;
      report.boundedAfterUpdateMib = mib(heap() - hBase);
      report.heldAfterUpdate = { changes: state.prep.changes.length, deployments: state.prep.deployments.length };
      log(`one day, bounded: ${JSON.stringify(day2)}; the state holds ${report.boundedAfterUpdateMib} MiB`);
      days.length = 0;
      report.boundedWithoutDayInputsMib = mib(heap() - hBase);
      // An old week read back whole (what a late fact's pairs need), then dropped.
      const clock = state.prep.clock;
      const old = clock.shift(clock.weekOf(at), -52);
      const t7 = performance.now();
      await pageInWeeks(state, [old], source);
      report.pageOneOldWeekMs = Math.round(performance.now() - t7);
      evictColdFacts(state, hotFromWeek(config, new Date(day2From.getTime() + DAY_MS)));
      log(`one old week (${old}) read back in ${report.pageOneOldWeekMs} ms`);
      // The evaluation caches of the hot weeks: what dropping them at eviction would save.
      const withCaches = heap();
      state.ctx = new GroupContext(state.prep);
      report.boundedCachesMib = mib(withCaches - heap());
      report.boundedWithoutCachesMib = mib(heap() - hBase);
      log(`the hot weeks' evaluation caches: ${report.boundedCachesMib} MiB`);
    }
    const [size] = await t.handle.query<{ bytes: string }>(
      "select (pg_total_relation_size('rollup_kept_facts') + pg_total_relation_size('rollup_kept'))::text as bytes",
    );
    report.storedMib = mib(Number(size?.bytes));
    {
      // A restarted bounded worker: check, then read and decode only what it holds.
      const hb = heap();
      const tb = performance.now();
      const header = await readKeptHeader(t.db);
      if (header === null) throw new Error("no stored state");
      const problem = await checkKeptFacts(t.db, header);
      if (problem !== null) throw new Error(problem);
      const hotFrom = hotFromWeek(config, header.computedNow);
      const part = await readKeptFactsFrom(t.db, hotFrom);
      report.boundedRestoreReadMs = Math.round(performance.now() - tb);
      report.boundedRestoreRows = part.rows.length;
      const tc = performance.now();
      const restoredBounded = restoreBoundedState(
        config,
        roster,
        header.meta as unknown as KeptMeta,
        part.rows as KeptFactRow[],
        hotFrom,
        part.nextOrd,
      );
      part.rows.length = 0;
      report.boundedRestoreMs = Math.round(performance.now() - tc);
      report.boundedRestoredMib = mib(heap() - hb);
      report.boundedRestoredHeld = {
        changes: restoredBounded.prep.changes.length,
        deployments: restoredBounded.prep.deployments.length,
      };
      log(
        `bounded restore: check and read ${report.boundedRestoreReadMs} ms (${part.nextOrd.change} changes stored), decode and bound ${report.boundedRestoreMs} ms; holds ${report.boundedRestoredMib} MiB`,
      );
      if (restoredBounded.prep.changes.length === 0) log("empty");
    }
    if (!restore) {
      report.peakRssMib = mib(process.resourceUsage().maxRSS * 1024);
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    // The world, its input and the built state are garbage now: what a restarted worker starts from.
    const h1 = heap();
    const t3 = performance.now();
    const header = await readKeptHeader(t.db);
    if (header === null) throw new Error("no stored state");
    const problem = await checkKeptFacts(t.db, header);
    if (problem !== null) throw new Error(problem);
    report.checkMs = Math.round(performance.now() - t3);
    const t4 = performance.now();
    const stored = await readKeptFacts(t.db);
    report.readMs = Math.round(performance.now() - t4);
    const t5 = performance.now();
    const restored = restoreRollupState(config, roster, header.meta as unknown as KeptMeta, stored);
    report.restoreMs = Math.round(performance.now() - t5);
    stored.length = 0;
    const restoredDigest = evaluateRecent(restored, at);
    report.restoredStateMib = mib(heap() - h1);
    report.sameFigures = restoredDigest === builtDigest;
    log(
      `restored: check ${report.checkMs} ms, read ${report.readMs} ms, restore ${report.restoreMs} ms; it holds ${report.restoredStateMib} MiB; same figures: ${report.sameFigures}`,
    );
    report.peakRssMib = mib(process.resourceUsage().maxRSS * 1024);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (!report.sameFigures) process.exitCode = 1;
    // Keep the restored state alive until measured.
    if (restored.prep.changes.length === 0) log("empty");
  } finally {
    await t.drop();
  }
}

await main();
