/**
 * A sync worker's memory during a large backfill (issue 18: under 512 MiB, flat over time).
 *
 *   pnpm exec tsx scripts/bench/worker-memory.ts [--world /tmp/yardstick-bench/large-1.jsonl]
 *       [--size large] [--seed 1] [--minutes 15] [--interval 10] [--concurrency 2]
 *       [--sim-url URL --sim-pid PID --token T] [--latency-ms 0] [--out docs/benchmarks/worker-memory]
 *
 * Serves the generated world (generated first when the file does not exist: `--size large` is
 * 1,000,000+ merged PRs) with the simulator in a child process (or reuses a running one given by
 * `--sim-url`, which must accept `--token`), builds the release, starts one real `yardstick
 * worker` process (plain node, the release build; no periodic sync, rollups or digest) on a fresh
 * PostgreSQL database and its own Redis queue prefix, enqueues one sync of the organisation
 * (`discover.org`, what `yardstick sync` enqueues) and samples every `--interval` seconds the
 * worker's VmRSS (/proc/<pid>/status), its CPU seconds and the merged PRs stored so far, until
 * the sync is done or `--minutes` have passed. Writes `<out>.csv` and `<out>.svg` (RSS and PRs
 * over time, the 512 MiB bound drawn) and prints a JSON summary (max and median RSS, PRs synced,
 * load average).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createTestDatabase } from "@yardstick/db/testing";
import postgres from "postgres";
import { flag, numberOption, option } from "./options.js";
import { RSS_BOUND_MIB, rssPlotSvg } from "./rss-plot.js";
import {
  buildRelease,
  dropQueues,
  ensureWorld,
  existingSimulator,
  load,
  log,
  median,
  openProducer,
  procSample,
  ROOT,
  setLatency,
  simUsage,
  startSimulator,
  startWorker,
  writeWorldConfig,
} from "./worker-lib.js";

const SIZE = option("size", "large");
const SEED = numberOption("seed", 1);
const WORLD = resolve(option("world", `/tmp/yardstick-bench/${SIZE}-${SEED}.jsonl`));
const MINUTES = numberOption("minutes", 15);
const INTERVAL_S = numberOption("interval", 10);
const CONCURRENCY = numberOption("concurrency", 2);
const LATENCY_MS = numberOption("latency-ms", 0);
const TOKEN = option("token", "bench-worker-memory");
const OUT = resolve(ROOT, option("out", "docs/benchmarks/worker-memory"));

interface Sample {
  seconds: number;
  rssMiB: number;
  cpuSeconds: number;
  mergedPrs: number;
  load1: number;
}

async function main(): Promise<void> {
  ensureWorld(WORLD, SIZE, SEED);
  const work = mkdtempSync(join(tmpdir(), "yardstick-worker-memory-"));
  const configPath = join(work, "yardstick.config.json");
  const { repos, orgs } = await writeWorldConfig(WORLD, configPath);
  buildRelease();
  const simUrlGiven = option("sim-url", "");
  const sim =
    simUrlGiven === ""
      ? await startSimulator(WORLD, [TOKEN])
      : existingSimulator(simUrlGiven, numberOption("sim-pid", 0) || null);
  log(`simulator at ${sim.url} (${repos} repositories)`);
  await setLatency(sim.url, LATENCY_MS);
  const before = await simUsage(sim.url);
  const database = await createTestDatabase();
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const prefix = `yardstick-bench-mem-${process.pid}`;
  const producer = await openProducer(prefix);
  const worker = startWorker({
    databaseUrl: database.url,
    simUrl: sim.url,
    token: TOKEN,
    configPath,
    queuePrefix: prefix,
    concurrency: CONCURRENCY,
    logPath: join(work, "worker.log"),
  });
  const samples: Sample[] = [];
  const started = Date.now();
  let finished = "time budget";
  try {
    for (const org of orgs) await producer.enqueue("discover.org", { org, runId: "bench" });
    log(`worker ${worker.pid} started; sync enqueued; sampling every ${INTERVAL_S} s for up to ${MINUTES} min`);
    for (;;) {
      await new Promise((r) => setTimeout(r, INTERVAL_S * 1000));
      const proc = procSample(worker.pid);
      if (proc === null) {
        finished = "worker exited";
        break;
      }
      const [row] = await sql<{ n: string }[]>`select count(*) as n from pull_requests`;
      const sample: Sample = {
        seconds: Math.round((Date.now() - started) / 1000),
        rssMiB: Math.round(proc.rssMiB * 10) / 10,
        cpuSeconds: Math.round(proc.cpuSeconds * 10) / 10,
        mergedPrs: Number(row?.n ?? 0),
        load1: Number(load().split(" ")[0]),
      };
      samples.push(sample);
      log(
        `t=${sample.seconds}s rss=${sample.rssMiB} MiB cpu=${sample.cpuSeconds}s prs=${sample.mergedPrs} load=${load()}`,
      );
      if (Date.now() - started >= MINUTES * 60_000) break;
      if ((await producer.pending()) === 0 && sample.seconds > 30) {
        finished = "sync done";
        break;
      }
    }
  } finally {
    await worker.stop();
    await producer.close();
    await dropQueues(prefix);
  }
  const after = await simUsage(sim.url);
  const [size] = await sql<{ bytes: string }[]>`select pg_database_size(current_database()) as bytes`;
  await sql.end();
  await database.drop();
  if (!flag("keep-sim")) await sim.close();
  const rss = samples.map((s) => s.rssMiB);
  const last = samples.at(-1);
  // Flat: the second half's median against the first half's (after the first minute's warm-up).
  const warm = samples.filter((s) => s.seconds >= 60);
  const half = Math.floor(warm.length / 2);
  const summary = {
    world: WORLD,
    repositories: repos,
    finished,
    minutes: Math.round(((last?.seconds ?? 0) / 60) * 10) / 10,
    concurrency: CONCURRENCY,
    latencyMs: LATENCY_MS,
    samples: samples.length,
    maxRssMiB: Math.max(0, ...rss),
    medianRssMiB: median(rss),
    firstHalfMedianMiB: median(warm.slice(0, half).map((s) => s.rssMiB)),
    secondHalfMedianMiB: median(warm.slice(half).map((s) => s.rssMiB)),
    boundMiB: RSS_BOUND_MIB,
    mergedPrsStored: last?.mergedPrs ?? 0,
    prsPerSecond: last === undefined ? 0 : Math.round((last.mergedPrs / last.seconds) * 10) / 10,
    workerCpuSeconds: last?.cpuSeconds ?? 0,
    graphqlPoints: after.graphqlPoints - before.graphqlPoints,
    restRequests: after.restRequests - before.restRequests,
    databaseMiB: Math.round(Number(size?.bytes ?? 0) / 2 ** 20),
    loadAverage: load(),
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(
    `${OUT}.csv`,
    `seconds,rss_mib,cpu_seconds,merged_prs,load1\n${samples.map((s) => `${s.seconds},${s.rssMiB},${s.cpuSeconds},${s.mergedPrs},${s.load1}`).join("\n")}\n`,
  );
  writeFileSync(
    `${OUT}.svg`,
    rssPlotSvg({
      title: `yardstick worker RSS, backfill of ${repos} repositories (max ${summary.maxRssMiB} MiB)`,
      series: [{ label: "worker", points: samples }],
      prs: samples,
    }),
  );
  if (finished === "worker exited") log(`the worker exited early: its log is ${join(work, "worker.log")}`);
  else rmSync(work, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

await main();
