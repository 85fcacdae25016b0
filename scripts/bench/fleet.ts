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
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTestDatabase } from "@yardstick/db/testing";
import postgres from "postgres";
import { numberOption, option } from "./options.js";
import {
  buildRelease,
  cpuOf,
  dropQueues,
  ensureWorld,
  existingSimulator,
  load,
  log,
  openProducer,
  pidsWhere,
  procSample,
  setLatency,
  simUsage,
  startSimulator,
  startWorker,
  type WorkerChild,
  writeWorldConfig,
} from "./worker-lib.js";

const SIZE = option("size", "large");
const SEED = numberOption("seed", 1);
const WORLD = resolve(option("world", `/tmp/yardstick-bench/${SIZE}-${SEED}.jsonl`));
const MINUTES = numberOption("minutes", 3);
const LATENCY_MS = numberOption("latency-ms", 0);
const CONCURRENCY = numberOption("concurrency", 2);
const FLEETS = option("workers", "1,2,4,8")
  .split(",")
  .map((n) => {
    const v = Number(n);
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`--workers: expected counts like 1,2,4,8, got ${JSON.stringify(n)}`);
    return v;
  });
const tokenOf = (i: number) => `bench-fleet-${i + 1}`;

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
}

async function runFleet(
  n: number,
  simUrl: string,
  simPid: number | null,
  configPath: string,
  orgs: readonly string[],
  work: string,
): Promise<Omit<FleetResult, "scaling">> {
  const database = await createTestDatabase();
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const prefix = `yardstick-bench-fleet-${process.pid}-${n}`;
  const producer = await openProducer(prefix);
  const workers: WorkerChild[] = [];
  for (let i = 0; i < n; i++)
    workers.push(
      startWorker({
        databaseUrl: database.url,
        simUrl,
        token: tokenOf(i),
        configPath,
        queuePrefix: prefix,
        concurrency: CONCURRENCY,
        logPath: join(work, `worker-${n}-${i}.log`),
      }),
    );
  const workerPids = workers.map((w) => w.pid);
  const pgPids = () => pidsWhere((cmd) => cmd.startsWith("postgres:") && cmd.includes(` ${database.name} `));
  const redisPids = pidsWhere((cmd) => cmd.startsWith("/usr/bin/redis-server") || cmd.startsWith("redis-server"));
  // Let the workers start (their start-up is not the sync's throughput).
  await new Promise((r) => setTimeout(r, 5_000));
  const usage0 = await simUsage(simUrl);
  const seenPg = new Set<number>();
  const pgCpu = new Map<number, number>();
  const notePg = () => {
    for (const pid of pgPids()) {
      seenPg.add(pid);
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
  let maxRss = 0;
  let mergedPrs = 0;
  // The window starts at the first sample with PRs stored: discovery (one job: the organisation's
  // repositories, members and teams) comes first and does not scale with workers.
  let window: { at: number; prs: number; cpu: typeof cpu0; pg: Map<number, number>; usage: typeof usage0 } | null =
    null;
  for (;;) {
    await new Promise((r) => setTimeout(r, 5_000));
    notePg();
    for (const pid of workerPids) {
      const rss = procSample(pid)?.rssMiB ?? 0;
      if (rss > maxRss) maxRss = rss;
    }
    const [row] = await sql<{ n: string }[]>`select count(*) as n from pull_requests`;
    mergedPrs = Number(row?.n ?? 0);
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
    log(`${n} workers: t=${Math.round(elapsed)}s window=${Math.round(inWindow)}s prs=${mergedPrs} load=${load()}`);
    if (inWindow >= MINUTES * 60) break;
    if (elapsed > 30 && (await producer.pending()) === 0) break;
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
  await producer.close();
  await dropQueues(prefix);
  const [size] = await sql<{ bytes: string }[]>`select pg_database_size(current_database()) as bytes`;
  await sql.end();
  await database.drop();
  const cores = (s: number) => Math.round((s / seconds) * 100) / 100;
  return {
    workers: n,
    seconds: Math.round(seconds),
    discoverySeconds: Math.round((w.at - started) / 1000),
    mergedPrs,
    prsPerSecond: Math.round(((mergedPrs - w.prs) / seconds) * 10) / 10,
    databaseMiB: Math.round(Number(size?.bytes ?? 0) / 2 ** 20),
    graphqlPoints: usage1.graphqlPoints - w.usage.graphqlPoints,
    cores: {
      workers: cores(cpu1.workers - cpu0.workers),
      simulator: cores(cpu1.simulator - cpu0.simulator),
      postgres: cores(pgSeconds),
      redis: cores(cpu1.redis - cpu0.redis),
    },
    maxWorkerRssMiB: Math.round(maxRss),
    loadAverage: load(),
  };
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
      const r = await runFleet(n, sim.url, sim.pid, configPath, orgs, work);
      const base = results.find((x) => x.workers === 1)?.prsPerSecond ?? r.prsPerSecond / n;
      results.push({ ...r, scaling: Math.round((r.prsPerSecond / base) * 100) / 100 });
      log(JSON.stringify(results.at(-1)));
    }
  } finally {
    await setLatency(sim.url, 0);
    await sim.close();
  }
  rmSync(work, { recursive: true, force: true });
  const table = [
    "| workers | PRs stored | PRs/s | scaling vs 1 | DB size | cores: workers | simulator | PostgreSQL | Redis | max worker RSS | load average |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...results.map(
      (r) =>
        `| ${r.workers} | ${r.mergedPrs.toLocaleString("en")} | ${r.prsPerSecond} | ${r.scaling} | ${r.databaseMiB} MiB | ${r.cores.workers} | ${r.cores.simulator} | ${r.cores.postgres} | ${r.cores.redis} | ${r.maxWorkerRssMiB} MiB | ${r.loadAverage} |`,
    ),
  ].join("\n");
  process.stdout.write(
    `${JSON.stringify({ world: WORLD, repositories: repos, minutes: MINUTES, latencyMs: LATENCY_MS, concurrency: CONCURRENCY, cpus: cpus().length, results }, null, 2)}\n\n${table}\n`,
  );
}

await main();
