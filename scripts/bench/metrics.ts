/**
 * Metrics engine: full recompute against the incremental update of one new day of data.
 *
 *   node --max-old-space-size=16000 --expose-gc --import tsx scripts/bench/metrics.ts \
 *     [--changes 1000000] [--engineers 5000] [--weeks 104] [--seed 1] [--runs 3]
 *
 * The world is `syntheticInput` (seeded; not the simulator). "Today" is its last day
 * (Friday 2026-11-20): the changes merged or deployed that day, its deployments and usage are
 * the new data.
 *
 * - full: `computeMetrics` over every week, org, team and repository groups (prepare + evaluate),
 *   what `rollups.recompute` does on its first run (later runs take the windowed path below).
 * - incremental: `affectedWeeks(newData, roster, config, latestWeek)` -> `restrictInput` (the
 *   13-week window and each environment's linking state) -> `prepareMetrics` of that ->
 *   `evaluateGroupWeeks` of just those pairs (including the "other" groups, which evaluate every
 *   group of their kind that week to know who folds). Loading from storage is in neither.
 *
 * Each is run `--runs` times (median reported); the incremental runs first, so the peak RSS
 * after them is theirs. The incremental figures are checked against the full report.
 */
import { execSync } from "node:child_process";
import {
  affectedWeeks,
  evaluateGroups,
  evaluateGroupWeeks,
  type MetricsInput,
  type NewData,
  type PrepareCache,
  prepareMetrics,
  restrictInput,
  rollupState,
  syntheticInput,
  updatePrepared,
  WeekClock,
} from "@yardstick/metrics";

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const changes = arg("changes", 1_000_000);
const engineers = arg("engineers", 5000);
const weeks = arg("weeks", 104);
const seed = arg("seed", 1);
const runs = arg("runs", 3);
const skipFull = args.includes("--skip-full");
const skipStateful = args.includes("--skip-stateful");

const gc = (globalThis as { gc?: () => void }).gc;
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
function newDataOf(from: Date) {
  const to = new Date(from.getTime() + 86_400_000);
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
  const day = from.toISOString().slice(0, 10);
  for (const u of input.usage) if (u.day === day) data.usage.push({ personId: u.personId, day: u.day });
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

// Stateful: the worker keeps the prepared facts and caches of its last run (here: as of
// Wednesday 00:00, caches of the last 13 weeks), then takes Wednesday, Thursday and Friday a day at a time.
const stateful: { total: number; cpu: number; affected: number; update: number; evaluate: number }[] = [];
let statefulResult: ReturnType<typeof evaluateGroupWeeks> = [];
let statefulPairs = 0;
if (!skipStateful) {
  const wednesday = new Date(dayStart.getTime() - 2 * 86_400_000);
  const before = asOf(wednesday);
  t0 = performance.now();
  // The worker prepares its state once, keeping the verdicts cache for its updates.
  const cache: PrepareCache = new WeakMap();
  const prep = prepareMetrics(before, cache);
  const state = rollupState(prep, undefined, cache);
  const recent: string[] = [];
  for (let i = 12; i >= 0; i--) recent.push(clock.shift(clock.weekOf(wednesday), -i));
  evaluateGroups(prep, recent, { from: recent[0] as string, to: latestWeek, now: wednesday }, state.ctx);
  log(
    `stateful: state as of ${wednesday.toISOString().slice(0, 10)} built in ${(performance.now() - t0).toFixed(0)} ms (not timed)`,
  );
  for (let d = 0; d < 3; d++) {
    const since = new Date(wednesday.getTime() + d * 86_400_000);
    const dayInput = d === 2 ? input : asOf(new Date(since.getTime() + 86_400_000));
    const data = d === 2 ? newData : newDataOf(since);
    gc?.();
    const c0 = cpuMs();
    t0 = performance.now();
    const pairs = affectedWeeks(data, dayInput.roster, dayInput.config, latestWeek);
    const t1 = performance.now();
    updatePrepared(state, dayInput, since);
    const t2 = performance.now();
    statefulResult = evaluateGroupWeeks(state.prep, pairs, { now }, state.ctx);
    const t3 = performance.now();
    stateful.push({ total: t3 - t0, cpu: cpuMs() - c0, affected: t1 - t0, update: t2 - t1, evaluate: t3 - t2 });
    statefulPairs = pairs.length;
    log(
      `stateful day ${since.toISOString().slice(0, 10)}: ${(t3 - t0).toFixed(0)} ms, CPU ${(stateful.at(-1)?.cpu ?? 0).toFixed(0)} ms (affected ${(t1 - t0).toFixed(0)}, updatePrepared ${(t2 - t1).toFixed(0)}, evaluate ${(t3 - t2).toFixed(0)}); ${data.changes.length} changes, ${pairs.length} pairs`,
    );
  }
}
const rssAfterStateful = peakMib();

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
  },
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
    afterFull: rssAfterFull,
  },
  uptime: execSync("uptime").toString().trim(),
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
if (windowedCheck.differ > 0 || statefulCheck.differ > 0) process.exitCode = 1;
