/**
 * Metrics engine: full recompute against the incremental update of one new day of data, and of
 * smaller stateful batches (15 minutes, one merged-and-deployed change).
 *
 *   node --max-old-space-size=16000 --expose-gc --import tsx scripts/bench/metrics.ts \
 *     [--changes 1000000] [--engineers 5000] [--weeks 104] [--seed 1] [--runs 3] \
 *     [--skip-full] [--skip-stateful] [--batches day,15min,single] [--slices 8] [--settle 2000]
 *     [--profile DIR]
 *
 * The world is `syntheticInput` (seeded; not the simulator). "Today" is its last day
 * (Friday 2026-11-20): the changes merged or deployed that day, its deployments and usage are
 * the new data.
 *
 * - full: `computeMetrics` over every week, org, team and repository groups (prepare + evaluate),
 *   what `rollups.recompute` does on its first run.
 * - incremental (windowed): `affectedWeeks(newData, roster, config, latestWeek)` -> `restrictInput`
 *   (the 13-week window and each environment's linking state) -> `prepareMetrics` of that ->
 *   `evaluateGroupWeeks` of just those pairs (including the "other" groups, which evaluate every
 *   group of their kind that week to know who folds): a process that keeps nothing (the CLI).
 *   Loading from storage is in neither.
 * - stateful (`--batches`, default `day,15min,single`): what `rollups.recompute` does in the worker,
 *   which keeps its state between runs (`RollupMemory`): the kept state (`rollupState`, built
 *   untimed) brought up to date by `updatePrepared`, then `affectedWeeks` of the facts it changed
 *   -> `evaluateGroupWeeks` with the kept caches, for batches
 *   of new data: `day` (Wednesday, Thursday, Friday a day at a time), `15min` (the last `--slices`
 *   15-minute slices of Friday in order: the worker's default `--rollups-every 15`), `single` (one
 *   merged change and the deployment that ships it alone). Each batch kind starts from its own
 *   state. `updatePrepared` is given only the repositories with data from the batch's start on, from
 *   their linking state before the revert window, and the usage from the batch's week on when the
 *   batch brings usage (`reposWithDataSince`, `updateInputOf`; selected untimed, like the snapshot:
 *   what the worker reads with indexed queries).
 *
 * Each is run `--runs` times (median reported); the incremental runs first, so the peak RSS
 * after them is theirs. The incremental figures are checked against the full report; the
 * stateful batches whose snapshot is not the whole input, against the windowed path of their snapshot.
 */
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import {
  affectedWeeks,
  evaluateGroups,
  evaluateGroupWeeks,
  type MetricsInput,
  type NewData,
  type PrepareCache,
  prepareMetrics,
  reposWithDataSince,
  restrictInput,
  rollupState,
  updateInputOf,
  updatePrepared,
  WeekClock,
} from "@yardstick/metrics";
import { syntheticInput } from "@yardstick/metrics/testing";
import { numberOption } from "./options.js";

const args = process.argv.slice(2);
const arg = numberOption;
const changes = arg("changes", 1_000_000);
const engineers = arg("engineers", 5000);
const weeks = arg("weeks", 104);
const seed = arg("seed", 1);
const runs = arg("runs", 3);
const skipFull = args.includes("--skip-full");
const skipStateful = args.includes("--skip-stateful");
/** Stateful batches to measure: `day` (Wednesday to Friday, a day at a time), `15min` (the last `--slices` 15-minute slices of Friday), `single` (one merged change and the deployment shipping it). */
const batchesArg = args.indexOf("--batches");
const batches = (batchesArg === -1 ? "day,15min,single" : (args[batchesArg + 1] ?? "day")).split(",");
for (const b of batches) if (!["day", "15min", "single"].includes(b)) throw new Error(`--batches: unknown batch ${b}`);
const slices = arg("slices", 8);
/** Pause after each forced collection, ms (see `gc`). */
const settleMs = arg("settle", 2000);
/** `--profile DIR`: a V8 CPU profile of each stateful step's timed part, written to DIR/<step>.cpuprofile. */
const profileArg = args.indexOf("--profile");
const profileDir = profileArg === -1 ? null : (args[profileArg + 1] ?? ".");
const inspector = profileDir === null ? null : new Session();
inspector?.connect();
/** The in-process inspector answers synchronously: the callbacks run before `post` returns. */
const post = (method: string, params?: object) => {
  let result: unknown;
  inspector?.post(method, params ?? {}, (error, value) => {
    if (error) throw error;
    result = value;
  });
  return result;
};
if (inspector !== null) post("Profiler.enable");

const forceGc = (globalThis as { gc?: () => void }).gc;
/**
 * A full collection, then a pause for V8's background threads to finish sweeping it: without the
 * pause, the timed code that follows pays the sweeping of a multi-GiB heap (a single change's
 * update measured 0.3 s instead of 0.1 s). The rollup worker runs every 15 minutes and is idle
 * in between, so its runs start from a settled heap too.
 */
const gc =
  forceGc === undefined
    ? undefined
    : () => {
        forceGc();
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, settleMs);
      };
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const peakMib = () => Math.round(process.resourceUsage().maxRSS / 1024);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
/** CPU time of this process (user + system, all its threads: GC included), ms: steadier than wall time on a shared machine. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

log(`uptime: ${execSync("uptime").toString().trim()}`);
let t0 = performance.now();
const world = syntheticInput({ changes, engineers, weeks, seed });
const input = world.input;
const generateMs = performance.now() - t0;
gc?.();
log(
  `generated ${input.changes.length} changes, ${input.deployments.length} deployments, ${input.usage.length} usage records, ` +
    `${input.roster.length} people, ${input.repos.length} repos in ${(generateMs / 1000).toFixed(1)} s; heap ${mib(process.memoryUsage().heapUsed)} MiB, peak RSS ${peakMib()} MiB`,
);
const rssAfterGenerate = peakMib();

const clock = new WeekClock(input.config.timeZone);
const now = world.end;
const dayStart = new Date(world.end.getTime() - 86_400_000); // Friday 00:00 (the end is Saturday 00:00)
const firstWeek = clock.weekOf(world.start);
const latestWeek = clock.weekOf(dayStart);

// A day's new data, as ingest would hand it to the rollup job.
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const byLiveAt = [...input.deployments].sort(
  (a, b) => (a.statuses[0]?.createdAt.getTime() ?? 0) - (b.statuses[0]?.createdAt.getTime() ?? 0),
);
/** The data that arrived in [from, to) (a day by default). */
function newDataOf(from: Date, to = new Date(from.getTime() + 86_400_000)) {
  const within = (d: Date | null | undefined) => d != null && d >= from && d < to;
  const data = {
    changes: [] as Mutable<NonNullable<NewData["changes"]>>,
    deployments: [] as Mutable<NonNullable<NewData["deployments"]>>,
    usage: [] as Mutable<NonNullable<NewData["usage"]>>,
  };
  const peopleOf = new Map<string, string[]>(); // repo + live time -> people shipped
  for (const c of input.changes) {
    const deployedAt = world.deployedAt.get(c.key) ?? null;
    if (within(c.mergedAt) || within(deployedAt)) {
      data.changes.push({ repo: c.repo, personId: c.personId, mergedAt: c.mergedAt, deployedAt });
      if (within(deployedAt) && c.personId !== null) {
        const key = `${c.repo} ${deployedAt?.getTime()}`;
        const list = peopleOf.get(key) ?? [];
        list.push(c.personId);
        peopleOf.set(key, list);
      }
    }
  }
  const previousOf = new Map<string, Date>(); // previous deployment of each repository and environment
  for (const d of byLiveAt) {
    const liveAt = d.statuses[0]?.createdAt;
    if (liveAt === undefined || liveAt >= to) continue;
    const env = `${d.repo} ${d.environment}`;
    if (within(liveAt)) {
      data.deployments.push({ repo: d.repo, liveAt, people: peopleOf.get(`${d.repo} ${liveAt.getTime()}`) ?? [] });
      const previous = previousOf.get(env);
      if (previous !== undefined && !within(previous)) data.deployments.push({ repo: d.repo, liveAt: previous });
    }
    previousOf.set(env, liveAt);
  }
  // A day's usage arrives when the day ends (`asOf` keeps the days before its date).
  const firstDay = from.toISOString().slice(0, 10);
  const endDay = to.toISOString().slice(0, 10);
  for (const u of input.usage)
    if (u.day >= firstDay && u.day < endDay) data.usage.push({ personId: u.personId, day: u.day });
  return data;
}
/** The input as the database held it at `at`. */
function asOf(at: Date): MetricsInput {
  const day = at.toISOString().slice(0, 10);
  return {
    ...input,
    changes: input.changes.filter((c) => c.mergedAt < at),
    deployments: input.deployments
      .filter((d) => d.createdAt < at)
      .map((d) => ({ ...d, statuses: d.statuses.filter((x) => x.createdAt < at) })),
    usage: input.usage.filter((u) => u.day < day),
  };
}
const newData = newDataOf(dayStart);
log(
  `new day ${dayStart.toISOString().slice(0, 10)}: ${newData.changes.length} changes merged or deployed, ${newData.deployments.length} deployments (with previous ones), ${newData.usage.length} usage records`,
);

// Incremental first (its peak RSS is then its own), then full.
const incremental: {
  total: number;
  cpu: number;
  affected: number;
  restrict: number;
  prepare: number;
  evaluate: number;
}[] = [];
let pairsCount = 0;
let restrictedChanges = 0;
let restrictedDeployments = 0;
let fullRepos = 0;
let result: ReturnType<typeof evaluateGroupWeeks> = [];
for (let r = 0; r < runs; r++) {
  gc?.();
  const c0 = cpuMs();
  t0 = performance.now();
  const pairs = affectedWeeks(newData, input.roster, input.config, latestWeek);
  const t1 = performance.now();
  const restricted = restrictInput(input, pairs);
  const t2 = performance.now();
  const prep = prepareMetrics(restricted.input);
  const t3 = performance.now();
  result = evaluateGroupWeeks(prep, pairs, { now });
  const t4 = performance.now();
  incremental.push({
    total: t4 - t0,
    cpu: cpuMs() - c0,
    affected: t1 - t0,
    restrict: t2 - t1,
    prepare: t3 - t2,
    evaluate: t4 - t3,
  });
  pairsCount = pairs.length;
  restrictedChanges = restricted.input.changes.length;
  restrictedDeployments = restricted.input.deployments.length;
  fullRepos = restricted.fullRepos.length;
  log(
    `incremental run ${r + 1}: ${(t4 - t0).toFixed(0)} ms, CPU ${(incremental.at(-1)?.cpu ?? 0).toFixed(0)} ms (affected ${(t1 - t0).toFixed(0)}, restrict ${(t2 - t1).toFixed(0)}, prepare ${(t3 - t2).toFixed(0)}, evaluate ${(t4 - t3).toFixed(0)}); ${pairs.length} pairs; restricted to ${restricted.input.changes.length} changes, ${restricted.input.deployments.length} deployments, ${restricted.fullRepos.length} repos kept whole`,
  );
}
const rssAfterIncremental = peakMib();

/** Heap held by the last kept state built (beyond its input), MiB. */
let stateHeapMib = 0;
/** A kept rollup state as of `at`, as the worker holds it after its last run (built untimed): caches of the last 13 weeks. */
function buildState(at: Date, snapshot: MetricsInput) {
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const b0 = performance.now();
  const cache: PrepareCache = new WeakMap();
  const prep = prepareMetrics(snapshot, cache);
  const state = rollupState(prep, undefined, cache);
  const recent: string[] = [];
  for (let i = 12; i >= 0; i--) recent.push(clock.shift(clock.weekOf(at), -i));
  evaluateGroups(prep, recent, { from: recent[0] as string, to: latestWeek, now: at }, state.ctx);
  const builtMs = performance.now() - b0;
  gc?.();
  stateHeapMib = mib(process.memoryUsage().heapUsed - heapBefore);
  log(
    `stateful: state as of ${at.toISOString()} built in ${builtMs.toFixed(0)} ms (not timed); it holds ${stateHeapMib} MiB of heap (facts, indexes, caches of 13 weeks)`,
  );
  return state;
}
type StatefulRun = {
  total: number;
  cpu: number;
  affected: number;
  update: number;
  evaluate: number;
  changes: number;
  deployments: number;
  usage: number;
  pairs: number;
  /** Repositories with data from `since` on, and their changes: what `updatePrepared` is given. */
  repos: number;
  updateChanges: number;
};
type Step = { label: string; since: Date; snapshot: MetricsInput; data: NewData; reference: boolean };
type BatchCheck = { same: number; differ: number };
/** Applies `steps` in order to `state` (each timed: updatePrepared, affectedWeeks, evaluateGroupWeeks). */
function applySteps(state: ReturnType<typeof rollupState>, steps: Step[]) {
  const runs: StatefulRun[] = [];
  const reference: BatchCheck = { same: 0, differ: 0 };
  let last: ReturnType<typeof evaluateGroupWeeks> = [];
  for (const step of steps) {
    // Untimed, like the snapshot's load: the rows of the repositories with data from `since` on
    // and, if the batch brings usage, the usage from its week on (the worker's indexed queries).
    const repos = reposWithDataSince(step.snapshot, step.since);
    const update = updateInputOf(step.snapshot, step.since, repos, { usage: (step.data.usage?.length ?? 0) > 0 });
    gc?.();
    const c0 = cpuMs();
    if (inspector !== null) post("Profiler.start");
    const s0 = performance.now();
    const { changed } = updatePrepared(state, update, step.since);
    const s1 = performance.now();
    // As `rollups.recompute` with a kept state: the pairs the changed facts can touch.
    const pairs = affectedWeeks(changed, step.snapshot.roster, step.snapshot.config, latestWeek);
    const s2 = performance.now();
    last = evaluateGroupWeeks(state.prep, pairs, { now }, state.ctx);
    const s3 = performance.now();
    if (inspector !== null) {
      const { profile } = post("Profiler.stop") as { profile: unknown };
      writeFileSync(`${profileDir}/${step.label.replace(/[^A-Za-z0-9-]+/g, "_")}.cpuprofile`, JSON.stringify(profile));
    }
    const run = {
      total: s3 - s0,
      cpu: cpuMs() - c0,
      update: s1 - s0,
      affected: s2 - s1,
      evaluate: s3 - s2,
      changes: step.data.changes?.length ?? 0,
      deployments: step.data.deployments?.length ?? 0,
      usage: step.data.usage?.length ?? 0,
      pairs: pairs.length,
      repos: repos.size,
      updateChanges: update.changes.length,
    };
    runs.push(run);
    let note = "";
    if (step.reference) {
      // Untimed: the same pairs from the windowed path (restrictInput, prepare, evaluate) of the same snapshot.
      const expected = evaluateGroupWeeks(prepareMetrics(restrictInput(step.snapshot, pairs).input), pairs, { now });
      let same = 0;
      last.forEach((r, i) => {
        if (JSON.stringify(r.figures) === JSON.stringify(expected[i]?.figures)) same += 1;
      });
      reference.same += same;
      reference.differ += last.length - same;
      note = `; ${same}/${last.length} pairs equal to the windowed path of the snapshot`;
    }
    log(
      `stateful ${step.label}: ${run.total.toFixed(0)} ms, CPU ${run.cpu.toFixed(0)} ms (updatePrepared ${run.update.toFixed(0)}, affected ${run.affected.toFixed(0)}, evaluate ${run.evaluate.toFixed(0)}); ${run.changes} changes, ${run.deployments} deployments, ${run.usage} usage records, ${run.pairs} pairs; updatePrepared given ${run.repos} repositories (${run.updateChanges} changes)${note}`,
    );
  }
  return { runs, reference, last };
}

// Stateful, one day: the worker keeps the prepared facts and caches of its last run (here: as of
// Wednesday 00:00, caches of the last 13 weeks), then takes Wednesday, Thursday and Friday a day at a time.
let stateful: StatefulRun[] = [];
let statefulResult: ReturnType<typeof evaluateGroupWeeks> = [];
let statefulPairs = 0;
if (!skipStateful && batches.includes("day")) {
  const wednesday = new Date(dayStart.getTime() - 2 * 86_400_000);
  const steps: Step[] = [];
  for (let d = 0; d < 3; d++) {
    const since = new Date(wednesday.getTime() + d * 86_400_000);
    steps.push({
      label: `day ${since.toISOString().slice(0, 10)}`,
      since,
      snapshot: d === 2 ? input : asOf(new Date(since.getTime() + 86_400_000)),
      data: d === 2 ? newData : newDataOf(since),
      reference: false,
    });
  }
  const out = applySteps(buildState(wednesday, asOf(wednesday)), steps);
  stateful = out.runs;
  statefulResult = out.last;
  statefulPairs = out.runs.at(-1)?.pairs ?? 0;
}
const rssAfterStateful = peakMib();

// Stateful, 15 minutes: the state as of Friday 24:00 - slices x 15 min, then the last `--slices`
// 15-minute slices of Friday in order (what `yardstick worker --rollups-every 15` takes). The
// last slice ends the day: its snapshot is the whole input, checked against the full report;
// every slice is also checked against the windowed path of its snapshot.
let quarter: ReturnType<typeof applySteps> | null = null;
if (!skipStateful && batches.includes("15min")) {
  const quarterMs = 15 * 60_000;
  const from = new Date(world.end.getTime() - slices * quarterMs);
  const steps: Step[] = [];
  for (let i = 0; i < slices; i++) {
    const since = new Date(from.getTime() + i * quarterMs);
    const to = new Date(since.getTime() + quarterMs);
    steps.push({
      label: `15 min from ${since.toISOString().slice(11, 16)}`,
      since,
      snapshot: to >= world.end ? input : asOf(to),
      data: newDataOf(since, to),
      reference: true,
    });
  }
  quarter = applySteps(buildState(from, asOf(from)), steps);
}
const rssAfterQuarter = peakMib();

// Stateful, one change: the last `--runs` changes merged on Friday that a production deployment
// ships alone (its environment's previous deployment live before the merge, the only environment
// of its repository), each applied as one batch to its own state as of its merge. The snapshot is
// the data as of the merge plus the change and that deployment; checked against the windowed path of it.
let single = null as ReturnType<typeof applySteps> | null;
const singleOf: { key: string; repo: string; mergedAt: string; liveAt: string }[] = [];
if (!skipStateful && batches.includes("single")) {
  const shippedBy = new Map<string, MetricsInput["changes"][number][]>(); // repo + live time -> changes
  for (const c of input.changes) {
    const at = world.deployedAt.get(c.key);
    if (at === undefined) continue;
    const key = `${c.repo} ${at.getTime()}`;
    const list = shippedBy.get(key) ?? [];
    list.push(c);
    shippedBy.set(key, list);
  }
  const envsOf = new Map<string, Set<string>>();
  for (const d of input.deployments) envsOf.set(d.repo, (envsOf.get(d.repo) ?? new Set()).add(d.environment));
  const previousOf = new Map<string, (typeof input.deployments)[number]>();
  const picks: {
    change: MetricsInput["changes"][number];
    deployment: (typeof input.deployments)[number];
    previous: (typeof input.deployments)[number] | undefined;
  }[] = [];
  for (const d of byLiveAt) {
    const liveAt = d.statuses[0]?.createdAt;
    if (liveAt === undefined) continue;
    const previous = previousOf.get(d.repo);
    previousOf.set(d.repo, d);
    if (liveAt < dayStart || envsOf.get(d.repo)?.size !== 1 || d.statuses.length !== 1) continue;
    const shipped = shippedBy.get(`${d.repo} ${liveAt.getTime()}`) ?? [];
    const change = shipped[0];
    if (shipped.length !== 1 || change === undefined || change.mergedAt < dayStart || change.personId === null)
      continue;
    const settled = previous?.statuses.every((x) => x.createdAt < change.mergedAt) ?? false;
    if (!settled || (previous?.createdAt ?? world.end) >= change.mergedAt || d.createdAt < change.mergedAt) continue;
    picks.push({ change, deployment: d, previous });
  }
  picks.sort((a, b) => b.change.mergedAt.getTime() - a.change.mergedAt.getTime());
  if (picks.length === 0) log("single: no change on Friday is shipped alone by a deployment");
  for (const { change, deployment, previous } of picks.slice(0, runs).reverse()) {
    const at = change.mergedAt;
    const liveAt = deployment.statuses[0]?.createdAt as Date;
    const base = asOf(at);
    const snapshot: MetricsInput = {
      ...base,
      changes: input.changes.filter((c) => c.mergedAt < at || c === change),
      deployments: [...base.deployments.filter((d) => d.createdAt < at), deployment],
    };
    const data: NewData = {
      changes: [{ repo: change.repo, personId: change.personId, mergedAt: at, deployedAt: liveAt }],
      deployments: [
        { repo: deployment.repo, liveAt, people: [change.personId as string] },
        ...(previous?.statuses[0] ? [{ repo: deployment.repo, liveAt: previous.statuses[0].createdAt }] : []),
      ],
    };
    singleOf.push({ key: change.key, repo: change.repo, mergedAt: at.toISOString(), liveAt: liveAt.toISOString() });
    const out = applySteps(buildState(at, base), [
      { label: `single ${change.key}`, since: at, snapshot, data, reference: true },
    ]);
    single = {
      runs: [...(single?.runs ?? []), ...out.runs],
      reference: {
        same: (single?.reference.same ?? 0) + out.reference.same,
        differ: (single?.reference.differ ?? 0) + out.reference.differ,
      },
      last: out.last,
    };
  }
}
const rssAfterBatches = peakMib();

const full: { total: number; cpu: number; prepare: number; evaluate: number }[] = [];
const reportWeeks: string[] = [];
for (let w = firstWeek; w <= latestWeek; w = clock.shift(w, 1)) reportWeeks.push(w);
let groups: ReturnType<typeof evaluateGroups> = [];
for (let r = 0; r < (skipFull ? 0 : runs); r++) {
  groups = [];
  gc?.();
  // What computeMetrics does (prepare, then every group and week), timed in its two parts.
  const c0 = cpuMs();
  t0 = performance.now();
  const prep = prepareMetrics(input);
  const t1 = performance.now();
  groups = evaluateGroups(prep, reportWeeks, { from: firstWeek, to: latestWeek, now });
  const t2 = performance.now();
  full.push({ total: t2 - t0, cpu: cpuMs() - c0, prepare: t1 - t0, evaluate: t2 - t1 });
  log(
    `full run ${r + 1}: ${(t2 - t0).toFixed(0)} ms, CPU ${(full.at(-1)?.cpu ?? 0).toFixed(0)} ms (prepare ${(t1 - t0).toFixed(0)}, evaluate ${(t2 - t1).toFixed(0)})`,
  );
}
const rssAfterFull = peakMib();

// Check: the incremental figures equal the full report's.
const fullMap = new Map<string, string>();
for (const g of groups) {
  for (const w of g.weeks) fullMap.set(`${g.kind} ${g.name} ${w.week}`, JSON.stringify(w));
}
function check(results: ReturnType<typeof evaluateGroupWeeks>) {
  const out = { same: 0, differ: 0, absentFromFull: 0 };
  for (const r of results) {
    const expected = fullMap.get(`${r.kind} ${r.name} ${r.week}`);
    if (expected === undefined) out.absentFromFull += 1;
    else if (expected === JSON.stringify(r.figures)) out.same += 1;
    else out.differ += 1;
  }
  return out;
}
const windowedCheck = check(result);
const statefulCheck = check(statefulResult);

const groupWeeks = groups.length * reportWeeks.length;
const inc = median(incremental.map((x) => x.total));
const fullMs = median(full.map((x) => x.total));
const summary = {
  world: {
    changes: input.changes.length,
    engineers,
    weeks,
    teams: new Set(input.roster.flatMap((p) => p.teams.map((t) => t.team))).size,
    repos: input.repos.length,
    deployments: input.deployments.length,
    usage: input.usage.length,
    generateSeconds: Math.round(generateMs / 100) / 10,
  },
  full: {
    medianMs: Math.round(fullMs),
    runsMs: full.map((x) => Math.round(x.total)),
    cpuMedianMs: full.length === 0 ? null : Math.round(median(full.map((x) => x.cpu))),
    cpuRunsMs: full.map((x) => Math.round(x.cpu)),
    prepareMedianMs: Math.round(median(full.map((x) => x.prepare))),
    evaluateMedianMs: Math.round(median(full.map((x) => x.evaluate))),
    groups: groups.length,
    groupWeeks,
  },
  incremental: {
    medianMs: Math.round(inc),
    runsMs: incremental.map((x) => Math.round(x.total)),
    cpuMedianMs: Math.round(median(incremental.map((x) => x.cpu))),
    cpuRunsMs: incremental.map((x) => Math.round(x.cpu)),
    parts: {
      affectedMs: Math.round(median(incremental.map((x) => x.affected))),
      restrictMs: Math.round(median(incremental.map((x) => x.restrict))),
      prepareMs: Math.round(median(incremental.map((x) => x.prepare))),
      evaluateMs: Math.round(median(incremental.map((x) => x.evaluate))),
    },
    newChanges: newData.changes.length,
    newDeployments: newData.deployments.length,
    pairs: pairsCount,
    restrictedChanges,
    restrictedDeployments,
    fullRepos,
    check: windowedCheck,
  },
  stateful: {
    medianMs: stateful.length === 0 ? null : Math.round(median(stateful.map((x) => x.total))),
    runsMs: stateful.map((x) => Math.round(x.total)),
    cpuMedianMs: stateful.length === 0 ? null : Math.round(median(stateful.map((x) => x.cpu))),
    cpuRunsMs: stateful.map((x) => Math.round(x.cpu)),
    parts:
      stateful.length === 0
        ? null
        : {
            affectedMs: Math.round(median(stateful.map((x) => x.affected))),
            updatePreparedMs: Math.round(median(stateful.map((x) => x.update))),
            evaluateMs: Math.round(median(stateful.map((x) => x.evaluate))),
          },
    pairs: statefulPairs,
    check: statefulCheck,
    /** Heap the last kept state held beyond its input (facts, indexes, 13 weeks of caches). */
    stateHeapMib,
  },
  batches: Object.fromEntries(
    (
      [
        ["15min", quarter],
        ["single", single],
      ] as [string, typeof quarter][]
    )
      .flatMap(([name, b]) => (b === null ? [] : [[name, b] as const]))
      .map(([name, b]) => {
        const wall = median(b.runs.map((x) => x.total));
        const cpu = median(b.runs.map((x) => x.cpu));
        return [
          name,
          {
            medianMs: Math.round(wall),
            runsMs: b.runs.map((x) => Math.round(x.total)),
            cpuMedianMs: Math.round(cpu),
            cpuRunsMs: b.runs.map((x) => Math.round(x.cpu)),
            parts: {
              affectedMs: Math.round(median(b.runs.map((x) => x.affected))),
              updatePreparedMs: Math.round(median(b.runs.map((x) => x.update))),
              evaluateMs: Math.round(median(b.runs.map((x) => x.evaluate))),
            },
            changes: b.runs.map((x) => x.changes),
            deployments: b.runs.map((x) => x.deployments),
            usage: b.runs.map((x) => x.usage),
            pairs: b.runs.map((x) => x.pairs),
            ...(name === "single" ? { changesApplied: singleOf } : {}),
            checkWindowed: b.reference,
            // The last 15-minute slice ends the day: its snapshot is the whole input.
            checkFull: name === "15min" ? check(b.last) : null,
            ratio: full.length === 0 ? null : Math.round((wall / fullMs) * 10_000) / 10_000,
            cpuRatio: full.length === 0 ? null : Math.round((cpu / median(full.map((x) => x.cpu))) * 10_000) / 10_000,
          },
        ];
      }),
  ),
  ratio: Math.round((inc / fullMs) * 10_000) / 10_000,
  statefulRatio:
    stateful.length === 0 ? null : Math.round((median(stateful.map((x) => x.total)) / fullMs) * 10_000) / 10_000,
  /** The same ratios in CPU time (steadier when other jobs share the cores). */
  cpuRatio:
    full.length === 0
      ? null
      : Math.round((median(incremental.map((x) => x.cpu)) / median(full.map((x) => x.cpu))) * 10_000) / 10_000,
  statefulCpuRatio:
    full.length === 0 || stateful.length === 0
      ? null
      : Math.round((median(stateful.map((x) => x.cpu)) / median(full.map((x) => x.cpu))) * 10_000) / 10_000,
  peakRssMiB: {
    afterGenerate: rssAfterGenerate,
    afterIncremental: rssAfterIncremental,
    afterStateful: rssAfterStateful,
    afterQuarter: rssAfterQuarter,
    afterBatches: rssAfterBatches,
    afterFull: rssAfterFull,
  },
  uptime: execSync("uptime").toString().trim(),
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
const batchDiffers = [quarter, single].some(
  (b) => b !== null && (b.reference.differ > 0 || (b === quarter && check(b.last).differ > 0)),
);
if (windowedCheck.differ > 0 || statefulCheck.differ > 0 || batchDiffers) process.exitCode = 1;
