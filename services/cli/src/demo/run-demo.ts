import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "@yardstick/config";
import { addWeeks, isoWeekOf, weekBounds } from "@yardstick/core";
import { type Database, migrateDatabase, openDatabase } from "@yardstick/db";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, startSimulator, World } from "@yardstick/github-sim";
import { createLogger, type Logger } from "@yardstick/log";
import type { MetricsOutput } from "@yardstick/metrics";
import {
  createPipelineDeps,
  type RenderedDigest,
  readCoverage,
  readMetrics,
  renderDigest,
  runSyncInline,
} from "@yardstick/pipeline";
import { buildDigest, renderReportHtml } from "@yardstick/report";
import { SyncProgress } from "../progress.js";
import { configForWorld } from "./world-config.js";

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
    const config = configForWorld(world);
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
    const reportHtml = renderReportHtml(output, {
      title: `Yardstick: ${world.orgs()[0]?.login ?? "organisation"} (simulated data ending ${worldEnd.toISOString().slice(0, 10)})`,
      generatedAt,
      coverage,
    });
    const digest = renderDigest(
      // The report sits next to the digest: a relative link opens it from the folder.
      buildDigest(output, { week: to, generatedAt, coverage, reportUrl: "report.html" }),
    );
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

/**
 * Writes the run's figures (`metrics.json`, the `yardstick metrics` document), its summary, the
 * report and the last complete week's digest (`digest-<week>.md` and `.html`).
 */
export function writeRunOutputs(
  outDir: string,
  output: MetricsOutput,
  summary: string,
  reportHtml: string,
  digest: RenderedDigest,
): { metricsFile: string; summaryFile: string; reportFile: string; digestFile: string } {
  mkdirSync(outDir, { recursive: true });
  const metricsFile = resolve(join(outDir, "metrics.json"));
  const summaryFile = resolve(join(outDir, "summary.md"));
  writeFileSync(metricsFile, `${JSON.stringify(output, null, 2)}\n`);
  const reportFile = resolve(join(outDir, "report.html"));
  writeFileSync(summaryFile, summary);
  writeFileSync(reportFile, reportHtml);
  const digestFile = resolve(join(outDir, `digest-${digest.week}.md`));
  writeFileSync(digestFile, digest.markdown);
  writeFileSync(digestFile.replace(/\.md$/, ".html"), digest.html);
  return { metricsFile, summaryFile, reportFile, digestFile };
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : `${Math.round(v * 100)}%`);
const num = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : v.toFixed(2));

/** A short Markdown summary: the organisation's last complete week and its adoption trend. */
export function summarise(
  output: MetricsOutput,
  sync: { repos: number; pullRequests: number; points: number; rest?: number },
): string {
  const org = output.groups.find((g) => g.kind === "org");
  const last = org?.weeks.at(-1);
  const teams = output.groups.filter((g) => g.kind === "team");
  const teamsAtTarget = teams.filter((t) => {
    const w = t.weeks.at(-1);
    return (
      w !== undefined &&
      !w.suppressed &&
      w.adoption !== null &&
      w.adoptionTarget !== null &&
      w.adoption >= w.adoptionTarget
    );
  }).length;
  const lines = [
    `# Yardstick: ${org?.name ?? "organisation"}, week ${last?.week ?? "n/a"}`,
    "",
    `Synced ${sync.repos} repositories and ${sync.pullRequests} merged pull requests (GitHub cost: ${sync.points} GraphQL points${sync.rest === undefined ? "" : `, ${sync.rest} REST requests`}).`,
    "",
    "| figure | value |",
    "| --- | --- |",
    `| active engineers | ${last?.activeEngineers ?? "n/a"} |`,
    `| normalised deployments (per engineer) | ${num(last?.nd)} |`,
    `| AI normalised deployments | ${num(last?.aind)} |`,
    `| AI share | ${pct(last?.aiShare)} |`,
    `| weekly AI adoption (target ${pct(last?.adoptionTarget)}) | ${pct(last?.adoption)} (4-week ${pct(last?.adoption4w)}) |`,
    `| people still needed to reach the target | ${last?.peopleToTarget ?? "n/a"} |`,
    `| production deployments | ${last?.deployments ?? "n/a"} |`,
    `| lead time, median hours | ${num(last?.leadTimeHours.median)} |`,
    `| change failure rate | ${pct(last?.changeFailureRate)} |`,
    "",
    `Teams at or above their adoption target this week: ${teamsAtTarget} of ${teams.length}.`,
    `Repositories without a deployment signal: ${output.notes.reposWithoutDeploymentSignal.length}. Merged, not yet deployed: ${output.notes.mergedNotDeployed}.`,
    "",
  ];
  return lines.join("\n");
}
