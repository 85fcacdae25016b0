/**
 * A fleet of sync workers against one PostgreSQL (issue 18): the same world backfilled by 1, 2, 4
 * and 8 `yardstick worker` processes, each with its own token (its own rate budget in the
 * simulator, set far above what a run spends: GitHub's budget is not the bottleneck).
 *
 *   pnpm exec tsx scripts/bench/fleet.ts [--world FILE | --size large --seed 1] [--workers 1,2,4,8]
 *       [--minutes 3] [--latency-ms 0] [--concurrency 2] [--sim-url URL --sim-pid PID]
 *
 * Each configuration gets a fresh PostgreSQL database and its own Redis queue prefix, one sync of
 * the organisation enqueued (`discover.org`), and runs for `--minutes` from the first PR stored
 * (discovery, one job, comes before; its time is reported apart), or until the sync is done.
 * Reported per configuration: merged PRs stored, PRs per second and the scaling factor
 * against one worker, the database's size, and CPU per process group from /proc (cores used on
 * average: the workers, the simulator, this database's PostgreSQL backends, redis-server), which
 * shows where the bottleneck is. `--latency-ms` delays every API answer (the simulator's `slow`
 * fault on every request): 0 measures the CPU-bound regime, GitHub's real latency (hundreds of
 * milliseconds to seconds a GraphQL page) the latency-bound one. The simulator's tokens must
 * include bench-fleet-1 .. bench-fleet-N (started here when `--sim-url` is not given).
 *
 * The whole backfill (issue 18: every worker's RSS under 512 MiB and flat over a 1,000,000-PR
 * backfill):
 *
 *   ... fleet.ts --workers 8 --until-done --max-minutes 100 --interval 10 \
 *       --db-prefix backfill_rss --out docs/benchmarks/fleet-backfill
 *
 * `--until-done` runs one fleet (one count in `--workers`) until the sync is done (no job
 * pending), `--max-minutes` have passed since the sync was enqueued, or this process gets SIGINT
 * or SIGTERM; then it stops the workers cleanly and reports how far the backfill got. Every
 * `--interval` seconds (default 5) it samples each worker's RSS, the simulator's RSS, the
 * database's size, the merged PRs stored, the jobs pending and the load average; with `--out`
 * each sample is appended to `<out>.csv` as it is taken (a run cut short keeps its samples) and
 * `<out>.svg` plots every worker's RSS against the PRs stored. `--db-prefix` names the database
 * (`<prefix>_<pid>_<random>`; default the test databases' `yardstick_test`); it is dropped at
 * the end unless `--keep-db`.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createTestDatabase } from "@yardstick/db/testing";
import postgres from "postgres";
import { flag, numberOption, option } from "./options.js";
import { RSS_BOUND_MIB, rssPlotSvg } from "./rss-plot.js";
import {
  buildRelease,
  cpuOf,
  dropQueues,
  ensureWorld,
  existingSimulator,
  load,
  log,
  median,
  openProducer,
  pidsWhere,
  procSample,
  ROOT,
  setLatency,
  simUsage,
  startSimulator,
  startWorkers,
  writeWorldConfig,
} from "./worker-lib.js";

const SIZE = option("size", "large");
const SEED = numberOption("seed", 1);
const WORLD = resolve(option("world", `/tmp/yardstick-bench/${SIZE}-${SEED}.jsonl`));
const MINUTES = numberOption("minutes", 3);
const LATENCY_MS = numberOption("latency-ms", 0);
const CONCURRENCY = numberOption("concurrency", 2);
const UNTIL_DONE = flag("until-done");
const MAX_MINUTES = numberOption("max-minutes", 24 * 60);
const INTERVAL_S = numberOption("interval", 5);
const OUT = option("out", "") === "" ? null : resolve(ROOT, option("out", ""));
const DB_PREFIX = option("db-prefix", "") || undefined;
const KEEP_DB = flag("keep-db");
const FLEETS = option("workers", "1,2,4,8")
  .split(",")
  .map((n) => {
    const v = Number(n);
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`--workers: expected counts like 1,2,4,8, got ${JSON.stringify(n)}`);
    return v;
  });
if (UNTIL_DONE && FLEETS.length !== 1)
  throw new Error(`--until-done runs one fleet: give --workers one count (e.g. --workers 8), got ${FLEETS.join(",")}`);
if (INTERVAL_S < 1) throw new Error(`--interval: at least 1 second, got ${INTERVAL_S}`);
const tokenOf = (i: number) => `bench-fleet-${i + 1}`;

/** SIGINT / SIGTERM: the sampling loop ends at its next wake-up and the fleet is stopped cleanly. */
let stopRequested: string | null = null;
let wake: (() => void) | null = null;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    log(`${signal}: stopping the fleet cleanly`);
    stopRequested = signal;
    wake?.();
  });
const pause = (ms: number) =>
  new Promise<void>((done) => {
    const timer = setTimeout(done, ms);
    wake = () => {
      clearTimeout(timer);
      done();
    };
  });

/** One sample of the whole fleet (`--interval`). */
interface FleetSample {
  /** Since the sync was enqueued. */
  seconds: number;
  mergedPrs: number;
  pendingJobs: number;
  databaseMiB: number;
  /** Each worker's RSS (null once it is gone). */
  workerRssMiB: (number | null)[];
  workersCpuSeconds: number;
  simulatorRssMiB: number | null;
  load1: number;
}

interface FleetResult {
  workers: number;
  /** From the sync's enqueueing to the first PR stored (discovery, first pages). */
  discoverySeconds: number;
  /** The measured window: from the first PR stored. */
  seconds: number;
  mergedPrs: number;
  prsPerSecond: number;
  scaling: number;
  databaseMiB: number;
  graphqlPoints: number;
  /** Average cores used over the run, per process group. */
  cores: { workers: number; simulator: number; postgres: number; redis: number };
  maxWorkerRssMiB: number;
  loadAverage: string;
  /** Why the run ended: the window, "sync done", "time budget", a signal, every worker gone. */
  finished: string;
  /** Jobs failed for good (BullMQ's failed set) when the run ended. */
  failedJobs: number;
  samples: FleetSample[];
}

const round1 = (v: number) => Math.round(v * 10) / 10;

function csvHeader(n: number): string {
  const workers = Array.from({ length: n }, (_, i) => `worker${i + 1}_rss_mib`);
  return `${["seconds", "merged_prs", "pending_jobs", "db_mib", ...workers, "workers_cpu_seconds", "simulator_rss_mib", "load1"].join(",")}\n`;
}

function csvRow(s: FleetSample): string {
  return `${[
    s.seconds,
    s.mergedPrs,
    s.pendingJobs,
    s.databaseMiB,
    ...s.workerRssMiB.map((r) => (r === null ? "" : r)),
    s.workersCpuSeconds,
    s.simulatorRssMiB ?? "",
    s.load1,
  ].join(",")}\n`;
}

async function runFleet(
  n: number,
  simUrl: string,
  simPid: number | null,
  configPath: string,
  orgs: readonly string[],
  work: string,
): Promise<Omit<FleetResult, "scaling">> {
  const database = await createTestDatabase(DB_PREFIX === undefined ? {} : { prefix: DB_PREFIX });
  log(`database ${database.name}`);
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const prefix = `yardstick-bench-fleet-${process.pid}-${n}`;
  const producer = await openProducer(prefix);
  const workers = startWorkers(
    n,
    { databaseUrl: database.url, simUrl, configPath, queuePrefix: prefix, concurrency: CONCURRENCY },
    tokenOf,
    (i) => join(work, `worker-${n}-${i}.log`),
  );
  const workerPids = workers.map((w) => w.pid);
  log(`workers ${workerPids.join(" ")} (concurrency ${CONCURRENCY}); logs in ${work}`);
  const pgPids = () => pidsWhere((cmd) => cmd.startsWith("postgres:") && cmd.includes(` ${database.name} `));
  const redisPids = pidsWhere((cmd) => cmd.startsWith("/usr/bin/redis-server") || cmd.startsWith("redis-server"));
  // Let the workers start (their start-up is not the sync's throughput).
  await new Promise((r) => setTimeout(r, 5_000));
  const usage0 = await simUsage(simUrl);
  const pgCpu = new Map<number, number>();
  const notePg = () => {
    for (const pid of pgPids()) {
      const s = cpuOf([pid]);
      if (s > 0) pgCpu.set(pid, s);
    }
  };
  notePg();
  const pgStart = new Map(pgCpu);
  const cpu0 = {
    workers: cpuOf(workerPids),
    simulator: simPid === null ? 0 : cpuOf([simPid]),
    redis: cpuOf(redisPids),
  };
  const started = Date.now();
  for (const org of orgs) await producer.enqueue("discover.org", { org, runId: `fleet-${n}` });
  if (OUT !== null) {
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(`${OUT}.csv`, csvHeader(n));
  }
  const samples: FleetSample[] = [];
  let maxRss = 0;
  let mergedPrs = 0;
  let finished = "window";
  // The window starts at the first sample with PRs stored: discovery (one job: the organisation's
  // repositories, members and teams) comes first and does not scale with workers.
  let window: { at: number; prs: number; cpu: typeof cpu0; pg: Map<number, number>; usage: typeof usage0 } | null =
    null;
  for (;;) {
    await pause(INTERVAL_S * 1000);
    notePg();
    const workerRssMiB = workerPids.map((pid) => {
      const rss = procSample(pid)?.rssMiB;
      return rss === undefined ? null : round1(rss);
    });
    for (const rss of workerRssMiB) if (rss !== null && rss > maxRss) maxRss = rss;
    const [row] = await sql<{ n: string; bytes: string }[]>`
      select (select count(*) from pull_requests) as n, pg_database_size(current_database()) as bytes`;
    mergedPrs = Number(row?.n ?? 0);
    const pendingJobs = await producer.pending();
    const simRss = simPid === null ? undefined : procSample(simPid)?.rssMiB;
    const sample: FleetSample = {
      seconds: Math.round((Date.now() - started) / 1000),
      mergedPrs,
      pendingJobs,
      databaseMiB: Math.round(Number(row?.bytes ?? 0) / 2 ** 20),
      workerRssMiB,
      workersCpuSeconds: round1(cpuOf(workerPids)),
      simulatorRssMiB: simRss === undefined ? null : Math.round(simRss),
      load1: Number(load().split(" ")[0]),
    };
    samples.push(sample);
    if (OUT !== null) appendFileSync(`${OUT}.csv`, csvRow(sample));
    if (window === null && mergedPrs > 0) {
      window = {
        at: Date.now(),
        prs: mergedPrs,
        cpu: { workers: cpuOf(workerPids), simulator: simPid === null ? 0 : cpuOf([simPid]), redis: cpuOf(redisPids) },
        pg: new Map(pgCpu),
        usage: await simUsage(simUrl),
      };
    }
    const elapsed = (Date.now() - started) / 1000;
    const inWindow = window === null ? 0 : (Date.now() - window.at) / 1000;
    log(
      `${n} workers: t=${Math.round(elapsed)}s prs=${mergedPrs} pending=${pendingJobs} db=${sample.databaseMiB}MiB rss=${workerRssMiB.map((r) => (r === null ? "-" : Math.round(r))).join("/")} sim=${sample.simulatorRssMiB} load=${load()}`,
    );
    if (stopRequested !== null) {
      finished = `stopped (${stopRequested})`;
      break;
    }
    if (workerRssMiB.every((r) => r === null)) {
      finished = "every worker exited";
      break;
    }
    if (UNTIL_DONE && elapsed >= MAX_MINUTES * 60) {
      finished = "time budget";
      break;
    }
    if (!UNTIL_DONE && inWindow >= MINUTES * 60) break;
    if (elapsed > 30 && pendingJobs === 0) {
      finished = "sync done";
      break;
    }
  }
  const w = window ?? { at: started, prs: 0, cpu: cpu0, pg: pgStart, usage: usage0 };
  const seconds = (Date.now() - w.at) / 1000;
  const cpu1 = {
    workers: cpuOf(workerPids),
    simulator: simPid === null ? 0 : cpuOf([simPid]),
    redis: cpuOf(redisPids),
  };
  let pgSeconds = 0;
  for (const [pid, end] of pgCpu) pgSeconds += end - (w.pg.get(pid) ?? 0);
  const usage1 = await simUsage(simUrl);
  await Promise.all(workers.map((w) => w.stop()));
  const failedJobs = (await producer.depths()).reduce((sum, q) => sum + q.failed, 0);
  await producer.close();
  await dropQueues(prefix);
  // After the workers stopped: what they stored, whatever was in flight when they were stopped.
  const [end] = await sql<{ n: string; bytes: string }[]>`
    select (select count(*) from pull_requests) as n, pg_database_size(current_database()) as bytes`;
  mergedPrs = Number(end?.n ?? mergedPrs);
  await sql.end();
  if (KEEP_DB) {
    await database.handle.close();
    log(`kept database ${database.name} (drop it when done)`);
  } else await database.drop();
  const cores = (s: number) => Math.round((s / seconds) * 100) / 100;
  return {
    workers: n,
    seconds: Math.round(seconds),
    discoverySeconds: Math.round((w.at - started) / 1000),
    mergedPrs,
    prsPerSecond: round1((mergedPrs - w.prs) / seconds),
    databaseMiB: Math.round(Number(end?.bytes ?? 0) / 2 ** 20),
    graphqlPoints: usage1.graphqlPoints - w.usage.graphqlPoints,
    cores: {
      workers: cores(cpu1.workers - cpu0.workers),
      simulator: cores(cpu1.simulator - cpu0.simulator),
      postgres: cores(pgSeconds),
      redis: cores(cpu1.redis - cpu0.redis),
    },
    maxWorkerRssMiB: Math.round(maxRss),
    loadAverage: load(),
    finished,
    failedJobs,
    samples,
  };
}

/**
 * A whole backfill's memory: per worker max, median and the medians of the first and second
 * halves of the samples after the first minute (warm-up); is the RSS flat while PRs pile up?
 */
export function backfillSummary(samples: readonly FleetSample[], workers: number) {
  const warm = samples.filter((s) => s.seconds >= 60);
  const half = Math.floor(warm.length / 2);
  const of = (list: readonly FleetSample[], i: number) =>
    list.map((s) => s.workerRssMiB[i]).filter((r): r is number => r !== null && r !== undefined);
  const perWorker = Array.from({ length: workers }, (_, i) => ({
    worker: i + 1,
    maxRssMiB: Math.max(0, ...of(samples, i)),
    medianRssMiB: round1(median(of(samples, i))),
    firstHalfMedianMiB: round1(median(of(warm.slice(0, half), i))),
    secondHalfMedianMiB: round1(median(of(warm.slice(half), i))),
  }));
  const sims = samples.map((s) => s.simulatorRssMiB).filter((r): r is number => r !== null);
  const loads = samples.map((s) => s.load1);
  const last = samples.at(-1);
  const firstPr = samples.find((s) => s.mergedPrs > 0);
  return {
    perWorker,
    allWorkers: {
      maxRssMiB: Math.max(0, ...perWorker.map((w) => w.maxRssMiB)),
      medianRssMiB: round1(median(samples.flatMap((s) => s.workerRssMiB.filter((r): r is number => r !== null)))),
      firstHalfMedianMiB: round1(
        median(warm.slice(0, half).flatMap((s) => s.workerRssMiB.filter((r): r is number => r !== null))),
      ),
      secondHalfMedianMiB: round1(
        median(warm.slice(half).flatMap((s) => s.workerRssMiB.filter((r): r is number => r !== null))),
      ),
    },
    simulatorRssMiB: { max: Math.max(0, ...sims), median: Math.round(median(sims)) },
    load1: { min: Math.min(...loads), median: round1(median(loads)), max: Math.max(...loads) },
    minutes: round1((last?.seconds ?? 0) / 60),
    firstPrAtSeconds: firstPr?.seconds ?? null,
    /** Over the whole run, discovery included. */
    prsPerSecond: last === undefined || last.seconds === 0 ? 0 : round1(last.mergedPrs / last.seconds),
  };
}

function plotFleet(r: Omit<FleetResult, "scaling">, repos: number): string {
  return rssPlotSvg({
    title: `${r.workers} yardstick workers' RSS, backfill of ${repos} repositories (${r.mergedPrs.toLocaleString("en")} merged PRs stored, max ${r.maxWorkerRssMiB} MiB)`,
    series: Array.from({ length: r.workers }, (_, i) => ({
      label: `worker ${i + 1}`,
      points: r.samples.flatMap((s) => {
        const rss = s.workerRssMiB[i];
        return rss === null || rss === undefined ? [] : [{ seconds: s.seconds, rssMiB: rss }];
      }),
    })),
    prs: r.samples,
  });
}

async function main(): Promise<void> {
  ensureWorld(WORLD, SIZE, SEED);
  const work = mkdtempSync(join(tmpdir(), "yardstick-fleet-"));
  const configPath = join(work, "yardstick.config.json");
  const { repos, orgs } = await writeWorldConfig(WORLD, configPath);
  buildRelease();
  const maxWorkers = Math.max(...FLEETS);
  const simUrlGiven = option("sim-url", "");
  const sim =
    simUrlGiven === ""
      ? await startSimulator(
          WORLD,
          Array.from({ length: maxWorkers }, (_, i) => tokenOf(i)),
        )
      : existingSimulator(simUrlGiven, numberOption("sim-pid", 0) || null);
  log(`simulator at ${sim.url} (${repos} repositories); latency ${LATENCY_MS} ms`);
  await setLatency(sim.url, LATENCY_MS);
  const results: FleetResult[] = [];
  try {
    for (const n of FLEETS) {
      if (stopRequested !== null) break;
      const r = await runFleet(n, sim.url, sim.pid, configPath, orgs, work);
      const base = results.find((x) => x.workers === 1)?.prsPerSecond ?? r.prsPerSecond / n;
      results.push({ ...r, scaling: Math.round((r.prsPerSecond / base) * 100) / 100 });
      const { samples: _, ...shown } = r;
      log(JSON.stringify(shown));
    }
  } finally {
    await setLatency(sim.url, 0).catch(() => {});
    await sim.close();
  }
  const options = {
    world: WORLD,
    repositories: repos,
    latencyMs: LATENCY_MS,
    concurrency: CONCURRENCY,
    cpus: cpus().length,
  };
  const r = results[0];
  if (UNTIL_DONE && r !== undefined) {
    const summary = backfillSummary(r.samples, r.workers);
    if (OUT !== null) writeFileSync(`${OUT}.svg`, plotFleet(r, repos));
    const { samples: _, scaling: __, ...shown } = r;
    const table = [
      "| worker | max RSS | median RSS | median, first half | median, second half |",
      "|---:|---:|---:|---:|---:|",
      ...summary.perWorker.map(
        (w) =>
          `| ${w.worker} | ${w.maxRssMiB} MiB | ${w.medianRssMiB} MiB | ${w.firstHalfMedianMiB} MiB | ${w.secondHalfMedianMiB} MiB |`,
      ),
      `| all | ${summary.allWorkers.maxRssMiB} MiB | ${summary.allWorkers.medianRssMiB} MiB | ${summary.allWorkers.firstHalfMedianMiB} MiB | ${summary.allWorkers.secondHalfMedianMiB} MiB |`,
    ].join("\n");
    process.stdout.write(
      `${JSON.stringify({ ...options, maxMinutes: MAX_MINUTES, intervalSeconds: INTERVAL_S, boundMiB: RSS_BOUND_MIB, ...shown, summary }, null, 2)}\n\n${table}\n`,
    );
  } else {
    const table = [
      "| workers | PRs stored | PRs/s | scaling vs 1 | DB size | cores: workers | simulator | PostgreSQL | Redis | max worker RSS | load average |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
      ...results.map(
        (r) =>
          `| ${r.workers} | ${r.mergedPrs.toLocaleString("en")} | ${r.prsPerSecond} | ${r.scaling} | ${r.databaseMiB} MiB | ${r.cores.workers} | ${r.cores.simulator} | ${r.cores.postgres} | ${r.cores.redis} | ${r.maxWorkerRssMiB} MiB | ${r.loadAverage} |`,
      ),
    ].join("\n");
    const shown = results.map(({ samples: _, ...rest }) => rest);
    process.stdout.write(`${JSON.stringify({ ...options, minutes: MINUTES, results: shown }, null, 2)}\n\n${table}\n`);
  }
  const exited = results.some((x) => x.finished === "every worker exited");
  if (exited) log(`workers exited early: their logs are in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

await main();
