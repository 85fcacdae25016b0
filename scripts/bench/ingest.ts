/**
 * Ingest benchmark: what a sync costs on GitHub, and how fast it fills PostgreSQL, each next to a
 * baseline measured in the same run on the same world.
 *
 *   pnpm exec tsx scripts/bench/ingest.ts [--prs 3000] [--seed 1] [--concurrency 8]
 *
 * The simulator runs in a child process (`pnpm sim --generate N`), so its CPU is not the ingest's;
 * its accounting (`GET /_sim/accounting`) counts GraphQL points and REST requests. The database is
 * a fresh PostgreSQL database from `createTestDatabase` (YARDSTICK_TEST_DATABASE_URL).
 *
 * 1. GitHub cost per 1,000 merged PRs: our sync (the inline runner: discovery, pull requests with
 *    commits, files and labels, branch history, deployments) as GraphQL points + REST requests,
 *    next to the per-PR REST approach of DevLake's collector, issued for real with @octokit/rest:
 *    list every repository's closed pulls, then each merged PR's commits, files and reviews.
 * 2. An unchanged re-sync: its cost per repository (requests GitHub charges, GraphQL and REST, and
 *    conditional requests answered 304, which it does not), and the pull-request stream alone in
 *    GraphQL points per 1,000 PRs, with labels, commits and files (what the sync reads) and with
 *    commits only (the same fetcher, `variant: "commits"`).
 *    The reviews `sync.reviews` reads for the self-merged flag (AI-assisted changes merged by their
 *    credited person) in points per 1,000 PRs, next to reading every PR's details in the bulk
 *    query (`details: "all"`).
 * 3. Throughput: merged PRs per second of the first sync end to end (GitHub over loopback HTTP,
 *    mapping, upserts, attribution, linking, rollups), next to a plain `COPY ... FROM STDIN` of the
 *    same rows (every table the sync wrote) into an empty database.
 * 4. Git on and off (issue 18): the simulator also serves the repositories over Git (`--git`: the
 *    API then reports the real git shas); the first sync runs again into another fresh database
 *    with `github.git.enabled` (patches from partial clones). Both: GraphQL points and REST
 *    requests per 1,000 merged PRs, Git requests, and the hours of one token's budget
 *    (5,000 points and 5,000 REST requests an hour) a 150,000-PR backfill needs; and every
 *    change's trivial verdict checked against the world's ground truth (`gitWorld` of the same
 *    world in this process: the same shas as the simulator's).
 *    `--skip-baselines` runs only the two first syncs.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Octokit } from "@octokit/rest";
import type { Config } from "@yardstick/config";
import type { Database } from "@yardstick/db";
import { createTestDatabase } from "@yardstick/db/testing";
import { createGitHubClient, mergedPullRequests } from "@yardstick/github";
import { generateWorld, gitWorld, presetOptions, type TokenUsage, World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import { prepareMetrics } from "@yardstick/metrics";
import {
  createPipelineDeps,
  loadMetricsInput,
  type ProgressEvent,
  REVIEWS_STREAM,
  runSyncInline,
} from "@yardstick/pipeline";
import postgres from "postgres";
import { configForWorld } from "../../services/cli/src/demo/world-config.js";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(
    [
      "Usage: pnpm exec tsx scripts/bench/ingest.ts [--prs 3000] [--seed 1] [--concurrency 8] [--skip-baselines]",
      "",
      "  --prs N            merged PRs of the generated world (the simulator's --generate N; default 3000)",
      "  --seed N           the world's seed (default 1)",
      "  --concurrency N    requests in flight of the per-PR REST baseline (default 8)",
      "  --skip-baselines   only the first sync with Git off and on (GraphQL points and REST requests",
      "                     per 1,000 merged PRs, per stream, hours of one token for 150,000 PRs,",
      "                     trivial verdicts against the ground truth)",
      "",
      "Writes one JSON document to standard output; progress and the load average to standard error.",
      "",
    ].join("\n"),
  );
  process.exit(0);
}
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(args[i + 1]);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer, e.g. --${name} ${fallback}`);
  return value;
};
const flag = (name: string) => args.includes(`--${name}`);
const PRS = arg("prs", 3000);
/** Only the sync with Git on and off (no re-sync, fetcher passes, per-PR REST or COPY baselines). */
const SKIP_BASELINES = flag("skip-baselines");
const SEED = arg("seed", 1);
const CONCURRENCY = arg("concurrency", 8);
const TOKEN = "bench-token";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const silent = createLogger({
  service: "bench",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function startSimulatorProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "packages/github-sim/src/cli.ts"),
      "--generate",
      String(PRS),
      "--seed",
      String(SEED),
      "--token",
      TOKEN,
      "--rest-limit",
      "100000000",
      "--graphql-limit",
      "100000000",
      "--git",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = out.split("\n")[0];
      if (out.includes("\n") && line !== undefined) resolveUrl((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`simulator exited (${code}) before listening`)));
  });
  return { url, child };
}

async function usage(simUrl: string): Promise<TokenUsage> {
  const res = await fetch(`${simUrl}/_sim/accounting`);
  return ((await res.json()) as { total: TokenUsage }).total;
}

async function resetUsage(simUrl: string): Promise<void> {
  await fetch(`${simUrl}/_sim/accounting/reset`, { method: "POST" });
}

/** Runs `tasks` with at most `n` at once. */
async function pool<T>(items: readonly T[], n: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await task(item);
      }
    }),
  );
}

/** DevLake-style REST collection: list the closed pulls, then commits, files and reviews of each merged one. */
async function perPrRest(simUrl: string, repos: readonly string[]): Promise<{ merged: number }> {
  const octokit = new Octokit({ baseUrl: simUrl, auth: TOKEN, userAgent: "yardstick-bench" });
  const merged: { owner: string; repo: string; number: number }[] = [];
  await pool(repos, CONCURRENCY, async (fullName) => {
    const [owner = "", repo = ""] = fullName.split("/");
    for await (const page of octokit.paginate.iterator(octokit.rest.pulls.list, {
      owner,
      repo,
      state: "closed",
      per_page: 100,
    })) {
      for (const pr of page.data) if (pr.merged_at !== null) merged.push({ owner, repo, number: pr.number });
    }
  });
  await pool(merged, CONCURRENCY, async (pr) => {
    const params = { owner: pr.owner, repo: pr.repo, pull_number: pr.number, per_page: 100 };
    await octokit.paginate(octokit.rest.pulls.listCommits, params);
    await octokit.paginate(octokit.rest.pulls.listFiles, params);
    await octokit.paginate(octokit.rest.pulls.listReviews, params);
  });
  return { merged: merged.length };
}

async function copyBaseline(fromUrl: string, toUrl: string): Promise<{ rows: number; ms: number; tables: number }> {
  const from = postgres(fromUrl, { max: 1, onnotice: () => {} });
  const to = postgres(toUrl, { max: 1, onnotice: () => {} });
  try {
    const tables = (
      await from<{ table_name: string }[]>`
        select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`
    ).map((t) => t.table_name);
    // The rows as COPY text, read before the clock starts.
    const dumps: { table: string; data: Buffer; rows: number }[] = [];
    for (const table of tables) {
      // Read with psql: a postgres.js COPY TO readable sometimes never ends (seen with 3.4.9).
      const dump = spawnSync("psql", [fromUrl, "-X", "-q", "-c", `copy "${table}" to stdout`], {
        maxBuffer: 2 ** 31,
      });
      if (dump.status !== 0) throw new Error(`psql copy ${table}: ${dump.stderr.toString()}`);
      const data = dump.stdout;
      let n = 0;
      for (const byte of data) if (byte === 10) n++;
      if (n > 0) dumps.push({ table, data, rows: n });
    }
    const started = performance.now();
    await to.begin(async (tx) => {
      // A plain COPY: no foreign-key triggers (the rows are known to be consistent).
      await tx`set local session_replication_role = replica`;
      for (const dump of dumps) {
        const writable = await tx`copy ${tx(dump.table)} from stdin`.writable();
        await new Promise<void>((done, fail) => {
          writable.once("error", fail);
          writable.once("finish", () => done());
          writable.end(dump.data);
        });
      }
    });
    const ms = performance.now() - started;
    return { rows: dumps.reduce((a, d) => a + d.rows, 0), ms, tables: dumps.length };
  } finally {
    await from.end({ timeout: 1 });
    await to.end({ timeout: 1 });
  }
}

/**
 * The engine's trivial verdict of every stored change against the world's ground truth (the
 * truth of the world as the simulator serves it: the same shas).
 */
async function trivialCheck(
  db: Database,
  config: Config,
  truth: World,
): Promise<{ compared: number; differ: number; examples: string[] }> {
  const prepared = prepareMetrics(await loadMetricsInput(db, config));
  const examples: string[] = [];
  let compared = 0;
  let differ = 0;
  for (const c of prepared.changes) {
    const t = truth.truthChange(c.key);
    if (t === undefined) continue;
    compared += 1;
    if (t.trivial !== c.trivial) {
      differ += 1;
      if (examples.length < 5) examples.push(`${c.key}: engine ${c.trivial}, truth ${t.trivial} (${t.lines} lines)`);
    }
  }
  return { compared, differ, examples };
}

async function main(): Promise<void> {
  log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} on ${cpus().length} cores`,
  );
  log(`generating the world (--generate ${PRS} --seed ${SEED}) here and in the simulator process`);
  // With the real git shas, as the simulator (`--git`) serves them.
  const world = gitWorld(World.from(generateWorld(presetOptions(String(PRS), SEED)))).world;
  const repos = world.repos().map((r) => `${r.org}/${r.name}`);
  const worldMerged = repos.reduce(
    (n, r) => n + world.pullNumbers(r).filter((k) => world.pull(r, k)?.mergedAt).length,
    0,
  );
  // Every PR of the world is in the window (the generated world spans 52 weeks).
  const config = configForWorld(world, { thresholds: { backfillDays: 400 } });
  const sim = await startSimulatorProcess();
  const dbs = [await createTestDatabase(), await createTestDatabase(), await createTestDatabase()];
  const [target, copyTarget, gitTarget] = dbs as [(typeof dbs)[0], (typeof dbs)[0], (typeof dbs)[0]];
  const gitCache = mkdtempSync(join(tmpdir(), "yardstick-bench-git-"));
  try {
    const github = createGitHubClient({
      baseUrl: sim.url,
      auth: { type: "token", token: TOKEN },
      logger: silent,
      throttle: { graphqlMinTimeMs: 0 },
    });
    const pullPoints = { first: 0, again: 0 };
    // sync.reviews: the reviews of AI-assisted changes merged by their credited person (issue 19).
    const reviews = { first: { points: 0, prs: 0 }, again: { points: 0, prs: 0 } };
    let phase: "first" | "again" = "first";
    // GraphQL points of each stream of the first syncs (Git off, Git on), where the jobs report them.
    const streams: Record<string, number> = {};
    const gitStreams: Record<string, number> = {};
    const onProgress = (e: ProgressEvent) => {
      if (e.kind === "page" && phase === "first") streams[e.stream] = (streams[e.stream] ?? 0) + e.points;
      if (e.kind === "page" && e.stream === "pull_requests") pullPoints[phase] += e.points;
      if (e.kind === "page" && e.stream === REVIEWS_STREAM) {
        reviews[phase].points += e.points;
        reviews[phase].prs += e.items;
      }
    };
    const deps = createPipelineDeps({ db: target.db, github, config, onProgress });

    log(`first sync of ${repos.length} repositories, ${worldMerged} merged PRs`);
    await resetUsage(sim.url);
    const t0 = performance.now();
    const first = await runSyncInline(deps, silent, { runId: "bench-1" });
    const syncMs = performance.now() - t0;
    const firstUsage = await usage(sim.url);
    if (first.failed.length > 0) throw new Error(`first sync: ${first.failed.length} jobs failed`);
    const [{ stored = 0 } = {}] = await target.handle.query<{ stored: number }>(
      "select count(*)::int as stored from pull_requests",
    );

    const offTrivial = await trivialCheck(target.db, config, world);

    log("first sync again, into another database, with github.git.enabled");
    const gitConfig = { ...config, github: { ...config.github, git: { enabled: true, cacheDir: gitCache } } };
    const gitDeps = createPipelineDeps({
      db: gitTarget.db,
      github,
      config: gitConfig,
      onProgress: (e) => {
        if (e.kind === "page") gitStreams[e.stream] = (gitStreams[e.stream] ?? 0) + e.points;
      },
    });
    await resetUsage(sim.url);
    const tg = performance.now();
    const gitFirst = await runSyncInline(gitDeps, silent, { runId: "bench-git-1" });
    const gitSyncMs = performance.now() - tg;
    const gitUsage = await usage(sim.url);
    if (gitFirst.failed.length > 0) throw new Error(`git sync: ${gitFirst.failed.length} jobs failed`);
    const [{ stored: gitStored = 0 } = {}] = await gitTarget.handle.query<{ stored: number }>(
      "select count(*)::int as stored from pull_requests",
    );
    const onTrivial = await trivialCheck(gitTarget.db, gitConfig, world);
    const perThousand = (n: number, prs: number) => Math.round((n / prs) * 10_000) / 10;
    const hours = (per1000: number) => Math.round(((per1000 * 150) / 5000) * 100) / 100;
    const budget = (u: TokenUsage, prs: number, ms: number, trivial: Awaited<ReturnType<typeof trivialCheck>>) => {
      const points = perThousand(u.graphqlPoints, prs);
      const restRequests = perThousand(u.restRequests, prs);
      return {
        graphqlPoints: u.graphqlPoints,
        restRequests: u.restRequests,
        gitRequests: u.gitRequests,
        graphqlPointsPer1000: points,
        restRequestsPer1000: restRequests,
        restRequestsPerRepository: Math.round((u.restRequests / repos.length) * 10) / 10,
        // One token: 5,000 GraphQL points and 5,000 REST requests an hour, separate budgets.
        hoursFor150k: {
          graphql: hours(points),
          rest: hours(restRequests),
          binding: Math.max(hours(points), hours(restRequests)),
        },
        syncSeconds: Math.round(ms / 100) / 10,
        trivial,
      };
    };
    const gitComparison = {
      offPointsByStreamPer1000: Object.fromEntries(
        Object.entries(streams).map(([k, v]) => [k, perThousand(v, stored)]),
      ),
      onPointsByStreamPer1000: Object.fromEntries(
        Object.entries(gitStreams).map(([k, v]) => [k, perThousand(v, gitStored)]),
      ),
      storedPRs: { off: stored, on: gitStored },
      off: budget(firstUsage, stored, syncMs, offTrivial),
      on: budget(gitUsage, gitStored, gitSyncMs, onTrivial),
    };
    if (SKIP_BASELINES) {
      process.stdout.write(
        `${JSON.stringify(
          {
            world: { prs: PRS, seed: SEED, repositories: repos.length, mergedPRs: worldMerged, storedPRs: stored },
            git: gitComparison,
            load: loadavg().map((l) => Math.round(l * 100) / 100),
            cores: cpus().length,
          },
          null,
          2,
        )}\n`,
      );
      return;
    }

    log("unchanged re-sync");
    phase = "again";
    await resetUsage(sim.url);
    const again = await runSyncInline(deps, silent, { runId: "bench-2" });
    const againUsage = await usage(sim.url);
    if (again.failed.length > 0) throw new Error(`re-sync: ${again.failed.length} jobs failed`);

    log("pull-request stream with commits only (without, then with the Bot PRs' details)");
    const commitsOnly = { points: 0, prs: 0, withBotDetails: 0 };
    for (const details of ["none", "bots"] as const) {
      await resetUsage(sim.url);
      let points = 0;
      for (const fullName of repos) {
        const [owner = "", repo = ""] = fullName.split("/");
        const baseRef = world.repo(fullName)?.defaultBranch;
        for await (const page of mergedPullRequests(github, {
          owner,
          repo,
          ...(baseRef === undefined ? {} : { baseRef }),
          variant: "commits",
          details,
        })) {
          points += page.cost.graphqlPoints;
          if (details === "none") commitsOnly.prs += page.pullRequests.length;
        }
      }
      const charged = (await usage(sim.url)).graphqlPoints;
      if (charged !== points) throw new Error(`commits-only pass: ${points} points counted, ${charged} charged`);
      if (details === "none") commitsOnly.points = points;
      else commitsOnly.withBotDetails = points;
    }

    // The alternative to sync.reviews: every PR's details (reviews among them) in the bulk query.
    log("pull-request stream with every PR's details (details: all)");
    await resetUsage(sim.url);
    let allDetailsPoints = 0;
    for (const fullName of repos) {
      const [owner = "", repo = ""] = fullName.split("/");
      const baseRef = world.repo(fullName)?.defaultBranch;
      for await (const page of mergedPullRequests(github, {
        owner,
        repo,
        ...(baseRef === undefined ? {} : { baseRef }),
        details: "all",
      }))
        allDetailsPoints += page.cost.graphqlPoints;
    }
    if ((await usage(sim.url)).graphqlPoints !== allDetailsPoints) throw new Error("details: all: points mismatch");

    log(`per-PR REST collection (${CONCURRENCY} requests in flight)`);
    await resetUsage(sim.url);
    const t1 = performance.now();
    const rest = await perPrRest(sim.url, repos);
    const restMs = performance.now() - t1;
    const restUsage = await usage(sim.url);

    log("COPY of the same rows into an empty database");
    const copy = await copyBaseline(target.url, copyTarget.url);

    const per1000 = (n: number) => (n / stored) * 1000;
    const ours = firstUsage.graphqlPoints + firstUsage.restRequests;
    const theirs = restUsage.restRequests;
    const result = {
      world: { prs: PRS, seed: SEED, repositories: repos.length, mergedPRs: worldMerged, storedPRs: stored },
      cost: {
        ours: {
          graphqlPoints: firstUsage.graphqlPoints,
          graphqlRequests: firstUsage.graphqlRequests,
          restRequests: firstUsage.restRequests,
          per1000: Math.round(per1000(ours) * 10) / 10,
          pullRequestPointsPer1000: Math.round(per1000(pullPoints.first) * 10) / 10,
          // Reviews read by sync.reviews, and the stream plus them: what the self-merged flag costs.
          reviewsRead: reviews.first.prs,
          reviewsPoints: reviews.first.points,
          reviewsPointsPer1000: Math.round(per1000(reviews.first.points) * 10) / 10,
          pullRequestAndReviewsPointsPer1000: Math.round(per1000(pullPoints.first + reviews.first.points) * 10) / 10,
          // The alternative: every PR's details in the bulk query (labels, commits, files too).
          pullRequestAllDetailsPointsPer1000: Math.round(per1000(allDetailsPoints) * 10) / 10,
          pullRequestCommitsOnlyPointsPer1000: Math.round((commitsOnly.points / commitsOnly.prs) * 10_000) / 10,
          pullRequestCommitsAndBotDetailsPointsPer1000:
            Math.round((commitsOnly.withBotDetails / commitsOnly.prs) * 10_000) / 10,
        },
        perPrRest: {
          mergedSeen: rest.merged,
          restRequests: theirs,
          per1000: Math.round(per1000(theirs)),
          requestsPerPr: Math.round((theirs / rest.merged) * 100) / 100,
          seconds: Math.round(restMs / 100) / 10,
        },
        ratio: Math.round((theirs / ours) * 10) / 10,
      },
      resync: {
        graphqlRequests: againUsage.graphqlRequests,
        organisations: config.github.organizations.length,
        // Requests GitHub charges (GraphQL and REST; 304s are free), per repository.
        requestsPerRepository:
          Math.round(((againUsage.graphqlRequests + againUsage.restRequests) / repos.length) * 100) / 100,
        // Every HTTP request, 304s included.
        httpRequestsPerRepository:
          Math.round(
            ((againUsage.graphqlRequests + againUsage.restRequests + againUsage.notModified) / repos.length) * 100,
          ) / 100,
        graphqlPoints: againUsage.graphqlPoints,
        restRequests: againUsage.restRequests,
        notModified: againUsage.notModified,
        pullRequestPoints: pullPoints.again,
        reviewsPoints: reviews.again.points,
        perRepository: Math.round(((againUsage.graphqlPoints + againUsage.restRequests) / repos.length) * 100) / 100,
        pullRequestPointsPerRepository: Math.round((pullPoints.again / repos.length) * 100) / 100,
      },
      throughput: {
        syncSeconds: Math.round(syncMs / 100) / 10,
        prsPerSecond: Math.round(stored / (syncMs / 1000)),
        copy: { tables: copy.tables, rows: copy.rows, ms: Math.round(copy.ms) },
        copyPrsPerSecond: Math.round(stored / (copy.ms / 1000)),
        ratio: Math.round((syncMs / copy.ms) * 10) / 10,
      },
      git: gitComparison,
      load: loadavg().map((l) => Math.round(l * 100) / 100),
      cores: cpus().length,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    sim.child.kill("SIGTERM");
    for (const db of dbs) await db.drop();
    rmSync(gitCache, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
