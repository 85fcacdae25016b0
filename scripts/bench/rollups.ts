/**
 * Rollups in storage: the `rollups.recompute` job end to end on PostgreSQL (reads, compute,
 * upserts), a full recompute against the incremental runs that follow new data, in both of the
 * job's incremental modes.
 *
 *   pnpm exec tsx scripts/bench/rollups.ts [--size demo] [--seed 1] [--runs 3] [--steps 5] [--batch 1]
 *
 * The world is the simulator's (`--size`: small, demo, large or a number of merged PRs), served
 * in-process over loopback HTTP; the database is a fresh PostgreSQL database from
 * `createTestDatabase` (YARDSTICK_TEST_DATABASE_URL). After a first sync (untimed):
 *
 * 1. full: the rollup with its cursor deleted (so a full recompute: load everything, prepare,
 *    evaluate every group and week, upsert every row), `--runs` times.
 * 2. windowed: `--steps` times, `--batch` pull requests merged and deployed live (in different
 *    repositories), synced (untimed), then the rollup timed as a process keeping nothing runs it
 *    (`yardstick sync`, `--no-keep-rollups`).
 * 3. kept: a worker's `RollupMemory`: its first run is a full recompute that keeps the state
 *    (timed apart), then `--steps` times the same as 2 with the kept state.
 *
 * Then every stored row is checked against a full recompute of the stored data (exit 1 if any
 * differs). Prints one JSON object; progress goes to stderr.
 */
import { loadavg } from "node:os";
import { Writable } from "node:stream";
import { isDeepStrictEqual } from "node:util";
import { deleteSyncCursor, weeklyRollups } from "@yardstick/db";
import { createTestDatabase } from "@yardstick/db/testing";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, startSimulator, World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import { computeMetrics } from "@yardstick/metrics";
import {
  createPipelineDeps,
  enqueueSync,
  InlineRunner,
  jobs,
  loadMetricsInput,
  type PipelineDeps,
  processors,
  RollupMemory,
  type RollupRun,
  rollupWeeks,
  syncWeeks,
} from "@yardstick/pipeline";
import { configForWorld } from "../../services/cli/src/demo/world-config.js";
import { option } from "./options.js";

const size = option("size", "demo");
const seed = Number(option("seed", "1"));
const runs = Number(option("runs", "3"));
const steps = Number(option("steps", "5"));
const batch = Number(option("batch", "1"));
const TOKEN = "bench-token";

const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
const quiet = createLogger({
  service: "bench",
  level: "warn",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const world = World.from(generateWorld(presetOptions(size, seed)), { truth: true });
const now = new Date(world.header.now);
const config = configForWorld(world);
const sim = await startSimulator({ world, tokens: [TOKEN], seed, now: () => now.getTime() });
const t = await createTestDatabase();
let clock = now;
const github = createGitHubClient({
  baseUrl: sim.url,
  auth: { type: "token", token: TOKEN },
  logger: quiet,
  throttle: { graphqlMinTimeMs: 0, retryBaseMs: 5, retries: 8 },
});
const depsWith = (memory?: RollupMemory): PipelineDeps =>
  createPipelineDeps({
    db: t.db,
    github,
    config,
    now: () => clock,
    ...(memory === undefined ? {} : { rollupMemory: memory }),
  });

/** A sync without its rollup (the rollup is what is timed). */
async function syncOnly(runId: string) {
  const deps = depsWith();
  const runner = new InlineRunner({ catalog: jobs, processors, deps, logger: quiet, maxDelayMs: 60_000 });
  await enqueueSync(runner, deps, { runId });
  const summary = await runner.drain();
  if (summary.failed.length > 0) throw new Error(`sync ${runId} failed: ${JSON.stringify(summary.failed)}`);
}

function mergedCount(): number {
  let n = 0;
  for (const r of world.repos()) for (const p of world.pulls(`${r.org}/${r.name}`)) if (p.mergedAt) n += 1;
  return n;
}

/** Clears the rollup cursor: the next rollup is a full recompute. */
async function forgetRollups() {
  await deleteSyncCursor(t.db, "weekly_rollups", "rollups");
}

async function timedRollup(deps: PipelineDeps): Promise<RollupRun & { ms: number }> {
  const t0 = performance.now();
  const run = await rollupWeeks(deps, syncWeeks(deps));
  return { ...run, ms: performance.now() - t0 };
}

const deployRepos = world.repos().filter((r) => r.deployMethod.kind === "deployments");
let liveCount = 0;
/** `batch` pull requests merged and deployed now, each in the next repository deploying with GitHub deployments. */
async function liveBatch() {
  for (let i = 0; i < batch; i++) {
    const repo = deployRepos[liveCount % deployRepos.length];
    if (repo === undefined) throw new Error("the world has no repository deploying with GitHub deployments");
    const fullName = `${repo.org}/${repo.name}`;
    const members = world.orgMembers(repo.org);
    const author = members[liveCount % members.length]?.login ?? "";
    liveCount += 1;
    const title = `Live change ${liveCount}`;
    const pull = await sim.live.addMergedPull({
      repo: fullName,
      author,
      title,
      commits: [{ message: title, author }],
      files: [{ path: `src/live-${liveCount}.ts`, additions: 30, deletions: 2 }],
    });
    await sim.live.addDeployment({
      repo: fullName,
      ref: pull.mergeCommitSha ?? undefined,
      environment: "production",
      state: "success",
    });
  }
}

log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
const t0 = performance.now();
await syncOnly("first");
log(`first sync (no rollup) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const minute = 60_000;
const full: (RollupRun & { ms: number })[] = [];
for (let r = 0; r < runs; r++) {
  await forgetRollups();
  clock = new Date(clock.getTime() + minute);
  const run = await timedRollup(depsWith());
  if (run.mode !== "full") throw new Error(`expected a full recompute, got ${run.mode}`);
  full.push(run);
  log(`full run ${r + 1}: ${run.ms.toFixed(0)} ms, ${run.rows} rows`);
}

async function incrementalSteps(label: string, deps: () => PipelineDeps) {
  const out: (RollupRun & { ms: number })[] = [];
  for (let s = 0; s < steps; s++) {
    await liveBatch();
    clock = new Date(clock.getTime() + minute);
    await syncOnly(`${label}-${s}`);
    clock = new Date(clock.getTime() + minute);
    const run = await timedRollup(deps());
    out.push(run);
    log(`${label} step ${s + 1}: ${run.ms.toFixed(0)} ms, mode ${run.mode}, ${run.pairs} pairs, ${run.rows} rows`);
  }
  return out;
}

const windowed = await incrementalSteps("windowed", () => depsWith());

const memory = new RollupMemory();
await forgetRollups();
clock = new Date(clock.getTime() + minute);
const keptFull = await timedRollup(depsWith(memory));
log(`kept: first (full, keeping the state) ${keptFull.ms.toFixed(0)} ms`);
const kept = await incrementalSteps("kept", () => depsWith(memory));

// Every stored row of the sync window against a full recompute of the stored data.
const weeks = syncWeeks(depsWith());
const output = computeMetrics(await loadMetricsInput(t.db, config), {
  from: weeks[0] as string,
  to: weeks.at(-1) as string,
  now: clock,
});
const stored = new Map(
  (await t.db.select().from(weeklyRollups)).map((r) => [`${r.groupKind} ${r.groupName} ${r.week}`, r.figures]),
);
let same = 0;
let differ = 0;
for (const g of output.groups) {
  for (const w of g.weeks) {
    const key = `${g.kind} ${g.name} ${w.week}`;
    if (isDeepStrictEqual(stored.get(key), JSON.parse(JSON.stringify(w)))) same += 1;
    else differ += 1;
  }
}
log(`check: ${same} rows equal to a full recompute, ${differ} differ`);

const fullMs = median(full.map((r) => r.ms));
const summary = (list: (RollupRun & { ms: number })[]) => ({
  medianMs: Math.round(median(list.map((r) => r.ms))),
  runsMs: list.map((r) => Math.round(r.ms)),
  modes: [...new Set(list.map((r) => r.mode))],
  pairs: list.map((r) => r.pairs),
  rows: list.map((r) => r.rows),
  ratio: Math.round((median(list.map((r) => r.ms)) / fullMs) * 10_000) / 10_000,
});
console.log(
  JSON.stringify(
    {
      world: {
        size,
        seed,
        sizes: world.header.sizes,
        mergedPullRequests: mergedCount(),
      },
      batch,
      full: { medianMs: Math.round(fullMs), runsMs: full.map((r) => Math.round(r.ms)), rows: full[0]?.rows },
      keptFirstMs: Math.round(keptFull.ms),
      windowed: summary(windowed),
      kept: summary(kept),
      check: { same, differ },
      loadAverage: loadavg(),
    },
    null,
    2,
  ),
);
await sim.close();
await t.drop();
if (differ > 0) process.exit(1);
process.exit(0);
