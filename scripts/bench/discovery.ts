/**
 * Discovery in front of a fleet (issue 18): from enqueueing one sync of the organisation
 * (`discover.org`, as `yardstick sync` does with REDIS_URL) to the first merged PR stored, to every
 * repository's sync enqueued (`discover.org` done) and to the roster stored (`discover.roster`
 * done; a checkout without that job reads the roster inside `discover.org`), for this checkout and
 * a baseline checkout (`--base-root`: a worktree of the commit to compare with, its release built
 * here), alternating, against the same simulator in one run.
 *
 *   pnpm exec tsx scripts/bench/discovery.ts --base-root /path/to/baseline/worktree
 *       [--workers 4] [--concurrency 2] [--latency-ms 1000] [--repeats 1] [--world FILE]
 *
 * The world is the `large` preset's organisation (600 repositories, 5,000 engineers, 150 teams)
 * with 8 weeks of history (about 30,000 merged PRs), so that it is generated and loaded in about a
 * minute: discovery reads the same organisation as on the large world. Each run gets a fresh
 * PostgreSQL database, its own Redis queue prefix and `--workers` real `yardstick worker` processes
 * (release build, each its own token), and ends once discovery and the roster are done and a PR is
 * stored (the rest of the sync is not measured). `--latency-ms` delays every API answer (the
 * simulator's `slow` fault), as GitHub's own latency does.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createTestDatabase } from "@yardstick/db/testing";
import { generateWorldFile } from "@yardstick/github-sim";
import { createGitHubRedis } from "@yardstick/pipeline";
import postgres from "postgres";
import { numberOption, option } from "./options.js";
import {
  buildRelease,
  dropQueues,
  load,
  log,
  openProducer,
  REDIS_URL,
  ROOT,
  setLatency,
  silent,
  simUsage,
  startSimulator,
  startWorkers,
  type WorkerChild,
  writeWorldConfig,
} from "./worker-lib.js";

const WORLD = resolve(option("world", "/tmp/yardstick-bench/discovery-600-5000-150.jsonl"));
const BASE_ROOT = option("base-root", "");
const WORKERS = numberOption("workers", 4);
const CONCURRENCY = numberOption("concurrency", 2);
const LATENCY_MS = numberOption("latency-ms", 1000);
const REPEATS = numberOption("repeats", 1);
const TIMEOUT_S = numberOption("timeout-s", 900);
const tokenOf = (i: number) => `bench-discovery-${i + 1}`;

interface Result {
  variant: string;
  /** Seconds from the enqueueing of `discover.org`. */
  firstPr: number | null;
  reposEnqueued: number | null;
  rosterStored: number | null;
  /** Merged PRs stored when the roster was stored. */
  prsAtRoster: number;
  /** GraphQL requests from the enqueueing to the roster stored (discovery's and the first syncs'). */
  graphqlRequests: number;
  loadAverage: string;
}

async function ensureWorld(): Promise<void> {
  if (existsSync(WORLD)) return;
  log(`generating the world into ${WORLD}`);
  mkdirSync(dirname(WORLD), { recursive: true });
  await generateWorldFile(
    { seed: 1, engineers: 5000, teams: 150, repositories: 600, weeks: 8, mergedPullRequests: 30_000 },
    WORLD,
  );
}

async function runOnce(
  variant: string,
  root: string,
  simUrl: string,
  configPath: string,
  org: string,
  work: string,
  n: number,
): Promise<Result> {
  const database = await createTestDatabase();
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const prefix = `yardstick-bench-discovery-${process.pid}-${n}`;
  const producer = await openProducer(prefix);
  // A job's hash in Redis (BullMQ's `<prefix>:<queue>:<id>`): its finishedOn once it completed.
  const redis = createGitHubRedis(REDIS_URL, silent);
  const job = async (id: string) => {
    const fields = await redis.hgetall(`${prefix}:ingest:${id}`);
    if (Object.keys(fields).length === 0) return undefined;
    return { finishedOn: fields.finishedOn === undefined ? undefined : Number(fields.finishedOn) };
  };
  const workers: WorkerChild[] = [];
  try {
    workers.push(
      ...startWorkers(
        WORKERS,
        { databaseUrl: database.url, simUrl, configPath, queuePrefix: prefix, concurrency: CONCURRENCY, root },
        tokenOf,
        (i) => join(work, `${variant}-${n}-worker-${i}.log`),
      ),
    );
    // Every worker's ingest queue connected (BullMQ names its connection `<prefix>:<queue, base64>`):
    // their start-up is not discovery's.
    const ingestClient = `name=${prefix}:${Buffer.from("ingest").toString("base64")} `;
    const ready = Date.now() + 300_000;
    for (;;) {
      const clients = String(await redis.call("CLIENT", "LIST")).split("\n");
      if (clients.filter((c) => c.includes(ingestClient)).length >= WORKERS) break;
      if (Date.now() > ready) throw new Error(`${variant}: the workers did not connect within 300 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const runId = `discovery-${n}`;
    const usage0 = await simUsage(simUrl);
    const started = Date.now();
    await producer.enqueue("discover.org", { org, runId });
    const since = (at: number | undefined) => (at === undefined ? null : Math.round((at - started) / 100) / 10);
    const result: Result = {
      variant,
      firstPr: null,
      reposEnqueued: null,
      rosterStored: null,
      prsAtRoster: 0,
      graphqlRequests: 0,
      loadAverage: load(),
    };
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const [row] = await sql<{ n: string }[]>`select count(*) as n from pull_requests`;
      const prs = Number(row?.n ?? 0);
      if (result.firstPr === null && prs > 0) result.firstPr = since(Date.now());
      const discovery = await job(`discover.org-${org}-${runId}`);
      if (result.reposEnqueued === null && discovery?.finishedOn !== undefined)
        result.reposEnqueued = since(discovery.finishedOn);
      if (result.rosterStored === null && result.reposEnqueued !== null) {
        const roster = await job(`discover.roster-${org}-${runId}`);
        // Without the roster job (the baseline), discovery read and stored the roster itself.
        if (roster === undefined) result.rosterStored = result.reposEnqueued;
        else if (roster.finishedOn !== undefined) result.rosterStored = since(roster.finishedOn);
        if (result.rosterStored !== null) {
          result.prsAtRoster = prs;
          result.graphqlRequests = (await simUsage(simUrl)).graphqlRequests - usage0.graphqlRequests;
        }
      }
      if (result.firstPr !== null && result.rosterStored !== null) break;
      if (Date.now() - started > TIMEOUT_S * 1000) {
        log(`${variant}: timed out after ${TIMEOUT_S} s`);
        break;
      }
    }
    result.loadAverage = load();
    return result;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    redis.disconnect();
    await producer.close();
    await dropQueues(prefix);
    await sql.end();
    await database.drop();
  }
}

async function main(): Promise<void> {
  if (BASE_ROOT === "")
    throw new Error("--base-root: the baseline checkout (a worktree of the commit to compare with)");
  await ensureWorld();
  const work = mkdtempSync(join(tmpdir(), "yardstick-discovery-"));
  const configPath = join(work, "yardstick.config.json");
  const { repos, orgs } = await writeWorldConfig(WORLD, configPath);
  const org = orgs[0];
  if (org === undefined) throw new Error(`${WORLD}: no organisation`);
  const variants = [
    { name: "baseline", root: resolve(BASE_ROOT) },
    { name: "this checkout", root: ROOT },
  ];
  for (const v of variants) buildRelease(v.root);
  const sim = await startSimulator(
    WORLD,
    Array.from({ length: WORKERS }, (_, i) => tokenOf(i)),
  );
  log(`simulator at ${sim.url} (${repos} repositories); latency ${LATENCY_MS} ms; ${WORKERS} workers`);
  await setLatency(sim.url, LATENCY_MS);
  const results: Result[] = [];
  try {
    let n = 0;
    for (let r = 0; r < REPEATS; r++) {
      for (const v of variants) {
        const result = await runOnce(v.name, v.root, sim.url, configPath, org, work, n++);
        results.push(result);
        log(JSON.stringify(result));
      }
    }
  } finally {
    await setLatency(sim.url, 0).catch(() => {});
    await sim.close();
  }
  rmSync(work, { recursive: true, force: true });
  const s = (v: number | null) => (v === null ? "—" : `${v} s`);
  const table = [
    "| checkout | first PR stored | every repository's sync enqueued | roster stored | PRs stored by then | GraphQL requests by then | load average (1, 5, 15 min) at the end |",
    "|---|---:|---:|---:|---:|---:|---|",
    ...results.map(
      (r) =>
        `| ${r.variant} | ${s(r.firstPr)} | ${s(r.reposEnqueued)} | ${s(r.rosterStored)} | ${r.prsAtRoster.toLocaleString("en")} | ${r.graphqlRequests} | ${r.loadAverage} |`,
    ),
  ].join("\n");
  process.stdout.write(
    `${JSON.stringify({ world: WORLD, repositories: repos, workers: WORKERS, concurrency: CONCURRENCY, latencyMs: LATENCY_MS, results }, null, 2)}\n\n${table}\n`,
  );
}

await main();
