import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { Config } from "@yardstick/config";
import { addWeeks, isoWeekOf, weekBounds } from "@yardstick/core";
import { type Database, migrateDatabase, openDatabase } from "@yardstick/db";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, startSimulator, World } from "@yardstick/github-sim";
import { createLogger, type Logger } from "@yardstick/log";
import type { MetricsOutput } from "@yardstick/metrics";
import { buildWeeklyDigest, createPipelineDeps, readCoverage, readMetrics, runSyncInline } from "@yardstick/pipeline";
import { renderReportHtml } from "@yardstick/report";
import { writeDemoMarker } from "../demo-data.js";
import { SyncProgress } from "../progress.js";
import { summarise, writeRunOutputs } from "../run-outputs.js";
import { configInputForWorld } from "./world-config.js";

export interface DemoOptions {
  size: string;
  seed: number;
  outDir: string;
  /** Where the embedded database lives; wiped first so every run starts from nothing. */
  dataDir: string;
  logger?: Logger;
  progress?: boolean;
  /**
   * Called when the figures are written, with the demo's database and configuration still open
   * (serving the dashboard until interrupted); they close when it returns.
   */
  whileOpen?: (open: { db: Database; config: Config; result: DemoResult }) => Promise<void>;
  /** The run's clock (default: the real time); the simulated history ends at its week's start. */
  now?: Date;
}

export interface DemoResult {
  outDir: string;
  metricsFile: string;
  summaryFile: string;
  reportFile: string;
  /** The last complete week's digest (Markdown; the HTML beside it). */
  digestFile: string;
  output: MetricsOutput;
  summary: string;
  pullRequestsInWorld: number;
  pullRequestsSynced: number;
  graphqlPoints: number;
  restRequests: number;
  failedJobs: number;
}

const DEMO_TOKEN = "yardstick-demo-token";

/**
 * The zero-setup first run: generates a simulated GitHub organisation, serves it from the
 * simulator on loopback, and runs the real pipeline against it (GitHub client, inline runner,
 * embedded PGlite), then computes the figures and writes them out.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const logger = options.logger ?? createLogger({ service: "demo", level: "warn" });
  // One clock: the run happens now, and the simulated history ends where the last complete week
  // ends (this week's Monday 00:00 UTC), so the run's figures, and plain `yardstick metrics`,
  // `report` and `digest` afterwards, lead with the same week; ages are measured from now.
  const now = options.now ?? new Date();
  const worldEnd = weekBounds(isoWeekOf(now, "UTC"), "UTC").start;
  const world = World.from(generateWorld(presetOptions(options.size, options.seed, worldEnd.toISOString())), {
    truth: true,
  });
  const simulator = await startSimulator({
    world,
    tokens: [{ token: DEMO_TOKEN }],
    seed: options.seed,
    now: () => Math.max(Date.now(), now.getTime()),
  });
  rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });
  const database = await openDatabase({ url: `pglite:${options.dataDir}` });
  try {
    await migrateDatabase(database);
    const configInput = configInputForWorld(world);
    const config = Config.parse(configInput);
    // The simulator is on loopback: no need for GitHub's advised 1 s between GraphQL requests.
    const github = createGitHubClient({
      baseUrl: simulator.url,
      auth: { type: "token", token: DEMO_TOKEN },
      logger,
      throttle: { graphqlMinTimeMs: 0 },
    });
    const progress = new SyncProgress(process.stderr, options.progress === false);
    const deps = createPipelineDeps({
      db: database.db,
      github,
      config,
      now: () => now,
      onProgress: progress.onProgress,
    });
    const run = await runSyncInline(deps, logger, { runId: `demo-${options.seed}` });
    progress.draw(true);

    const to = addWeeks(isoWeekOf(now, config.timeZone), -1);
    const from = addWeeks(to, -(Math.min(world.header.sizes?.weeks ?? 26, 26) - 1));
    const { output } = await readMetrics(deps, { from, to, refresh: true });

    let pullRequestsInWorld = 0;
    for (const repo of world.repos()) {
      const fullName = `${repo.org}/${repo.name}`;
      for (const n of world.pullNumbers(fullName)) if (world.pull(fullName, n)?.mergedAt) pullRequestsInWorld += 1;
    }
    const usage = simulator.accounting.total();
    const summary = summarise(output, {
      repos: world.repos().length,
      pullRequests: progress.totals.pullRequests,
      points: usage.graphqlPoints,
      rest: usage.restRequests,
    });
    const coverage = await readCoverage(database.db);
    // Generated now, after the sync: the last sync is a moment before it, never after.
    const generatedAt = new Date(Math.max(Date.now(), now.getTime()));
    const title = `Yardstick: ${world.orgs()[0]?.login ?? "organisation"} (simulated data ending ${worldEnd.toISOString().slice(0, 10)})`;
    const reportHtml = renderReportHtml(output, { title, generatedAt, coverage });
    // The digest as `yardstick digest` builds it (the same document span and samples), the report
    // beside it: a relative link opens it from the folder.
    const { rendered: digest } = await buildWeeklyDigest(deps, {
      week: to,
      now: generatedAt,
      reportUrl: "report.html",
    });
    // Plain `yardstick metrics`, `report` and `digest` in this directory read this database with
    // this configuration and these weeks (see ../demo-data.ts).
    writeDemoMarker(options.dataDir, { config: configInput, from, to, title, ranAt: now.toISOString() });
    const { metricsFile, summaryFile, reportFile, digestFile } = writeRunOutputs(
      options.outDir,
      output,
      summary,
      reportHtml,
      digest,
    );
    const result: DemoResult = {
      outDir: resolve(options.outDir),
      metricsFile,
      summaryFile,
      reportFile,
      digestFile,
      output,
      summary,
      pullRequestsInWorld,
      pullRequestsSynced: progress.totals.pullRequests,
      graphqlPoints: usage.graphqlPoints,
      restRequests: usage.restRequests,
      failedJobs: run.failed.length,
    };
    if (options.whileOpen !== undefined) await options.whileOpen({ db: database.db, config, result });
    return result;
  } finally {
    await database.close();
    await simulator.close();
  }
}
