/**
 * What sync.pull-diffs adds to GitHub's bill: REST requests per 1,000 merged PRs for reading the
 * patches of the pull requests whose trivial verdict they can flip (metrics `isPatchCandidate`).
 *
 *   pnpm exec tsx scripts/bench/pull-diffs.ts [--size demo] [--seed 1]
 *
 * 1. A full sync of the generated world (the demo preset by default: what `yardstick run` syncs
 *    without credentials) into a fresh PostgreSQL database (`createTestDatabase`), against the
 *    simulator over HTTP, inline runner.
 * 2. The patches it read are forgotten (columns and stream cursor cleared) and sync.pull-diffs runs
 *    again alone for every repository: the simulator's accounting before and after is the job's
 *    own cost. A third pass shows an unchanged re-run costs nothing.
 * 3. What the patches changed: pull requests the metrics now count as trivial that their line
 *    counts did not, split into whitespace and formatting-only.
 */
import { Writable } from "node:stream";
import { createTestDatabase } from "@yardstick/db/testing";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, startSimulator, type TokenUsage, World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import { compileGlobs, isTrivial, prepareMetrics } from "@yardstick/metrics";
import {
  createPipelineDeps,
  type JobContext,
  type Jobs,
  loadMetricsInput,
  PULL_DIFFS_STREAM,
  processors,
  runSyncInline,
} from "@yardstick/pipeline";
import { configForWorld } from "../../services/cli/src/demo/world-config.js";
import { option } from "./options.js";

const size = option("size", "demo");
const seed = Number(option("seed", "1"));

const silent = createLogger({
  service: "bench",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const TOKEN = "bench-token";
const world = World.from(generateWorld(presetOptions(size, seed)), { truth: true });
const now = new Date(world.header.now);
const config = configForWorld(world);
const t = await createTestDatabase();
/** A simulator of its own for each phase: REST's budget (5,000 an hour) starts full. */
const simulate = async () => {
  const simulator = await startSimulator({ world, tokens: [TOKEN], seed: 3, now: () => now.getTime() });
  const github = createGitHubClient({
    baseUrl: simulator.url,
    auth: { type: "token", token: TOKEN },
    logger: silent,
    throttle: { graphqlMinTimeMs: 0, retryBaseMs: 5, retries: 8 },
  });
  return { simulator, deps: createPipelineDeps({ db: t.db, github, config, now: () => now }) };
};
let { simulator, deps } = await simulate();
const diff = (a: TokenUsage, b: TokenUsage) => ({
  rest: b.restRequests - a.restRequests,
  graphqlPoints: b.graphqlPoints - a.graphqlPoints,
});

try {
  const started = performance.now();
  const before = simulator.accounting.total();
  const summary = await runSyncInline(deps, silent, { runId: "bench-1" });
  if (summary.failed.length > 0) throw new Error(`sync failed: ${JSON.stringify(summary.failed)}`);
  const full = diff(before, simulator.accounting.total());
  const syncSeconds = (performance.now() - started) / 1000;

  const repos = (await t.handle.query<{ repo: string }>("select distinct repo from pull_requests order by repo")).map(
    (r) => r.repo,
  );
  const count = async (where: string) =>
    (await t.handle.query<{ n: number }>(`select count(*)::int as n from pull_requests ${where}`))[0]?.n ?? 0;
  const merged = await count("");
  const context = (repo: string): JobContext<Jobs> => ({
    jobId: `bench-${repo}`,
    attempt: 1,
    logger: silent,
    enqueue: async () => {},
  });
  const runJob = async (runId: string) => {
    const a = simulator.accounting.total();
    const t0 = performance.now();
    for (const repo of repos) await processors["sync.pull-diffs"]({ repo, runId }, context(repo), deps);
    return { ...diff(a, simulator.accounting.total()), seconds: (performance.now() - t0) / 1000 };
  };

  // The job alone, from nothing read, against a fresh simulator.
  await simulator.close();
  ({ simulator, deps } = await simulate());
  await t.handle.query("update pull_requests set diff_files = null, diff_files_complete = null, diff_read_at = null");
  await t.handle.query(`delete from sync_cursors where stream = '${PULL_DIFFS_STREAM}'`);
  const alone = await runJob("bench-2");
  const again = await runJob("bench-3");
  const read = await count("where diff_read_at is not null");

  // What the patches changed in the verdicts.
  const input = await loadMetricsInput(t.db, config);
  const isIgnored = compileGlobs(config.thresholds.trivialIgnore);
  const prepared = new Map(prepareMetrics(input).changes.map((c) => [c.key, c.trivial]));
  let flippedWhitespace = 0;
  let flippedFormat = 0;
  for (const c of input.changes) {
    const byCounts = isTrivial({ ...c, formatOnly: false, countableLines: undefined }, isIgnored, 5);
    if (byCounts || prepared.get(c.key) !== true) continue;
    if (c.formatOnly) flippedFormat += 1;
    else flippedWhitespace += 1;
  }
  const truthTrivial = [...world.truthChanges()].filter((c) => c.kind === "pull_request" && c.trivial).length;

  const per1000 = (n: number) => ((n * 1000) / merged).toFixed(1);
  console.log(
    JSON.stringify(
      {
        world: { size, seed, repositories: repos.length, mergedPullRequests: merged },
        fullSync: { ...full, seconds: Number(syncSeconds.toFixed(1)) },
        pullDiffsJob: {
          candidatesRead: read,
          restRequests: alone.rest,
          graphqlPoints: alone.graphqlPoints,
          restPer1000MergedPrs: Number(per1000(alone.rest)),
          shareOfFullSyncRest: full.rest === 0 ? null : Number((alone.rest / full.rest).toFixed(3)),
          seconds: Number(alone.seconds.toFixed(2)),
        },
        rerun: { restRequests: again.rest },
        verdicts: {
          trivialOnlyWithPatches: flippedWhitespace + flippedFormat,
          flippedWhitespace,
          flippedFormat,
          truthTrivial,
        },
      },
      null,
      2,
    ),
  );
} finally {
  await simulator.close();
  await t.drop();
}
