import { parseEnv } from "@yardstick/config";
import { AppError, addWeeks, InputError, isoWeekOf } from "@yardstick/core";
import { createRollupDeps, readCoverage, readMetrics, renderDigest } from "@yardstick/pipeline";
import { buildDigest, renderReportHtml } from "@yardstick/report";
import { type Command, Option } from "commander";
import type { DemoResult } from "../demo/run-demo.js";
import { serveDemoDashboard } from "../demo/serve-demo.js";
import { ExitCode } from "../exit-codes.js";
import { SyncProgress } from "../progress.js";
import { summarise, writeRunOutputs } from "../run-outputs.js";
import { openRuntime } from "../runtime.js";
import { performSync } from "../sync-run.js";

/**
 * The demo module, loaded on demand. A production install (the release image) leaves out the
 * simulator's GitHub schema package: then the demo cannot run, and says where it can.
 */
async function loadDemo(): Promise<typeof import("../demo/run-demo.js")> {
  try {
    return await import("../demo/run-demo.js");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND") {
      throw new AppError(
        "unavailable.demo",
        "the zero-setup demo needs the GitHub simulator, which this installation leaves out (production dependencies only). Set GITHUB_TOKEN (or the GitHub App variables) to run against GitHub, or use the demo image (docker build --target demo) or a development checkout (`pnpm install`).",
        { cause: error },
      );
    }
    throw error;
  }
}

interface RunOptions {
  demo?: boolean;
  size: string;
  seed: number;
  out: string;
  dataDir: string;
  weeks: number;
  progress: boolean;
  config?: string;
  databaseUrl?: string;
  queuePrefix: string;
  serve?: boolean;
  port: number;
}

/**
 * `yardstick run`: the main job. With GitHub credentials (GITHUB_TOKEN or a GitHub App) it syncs
 * the configured organisations and computes the figures; without them (or with --demo) it runs
 * the zero-setup first run against a simulated organisation.
 */
export function registerRun(program: Command): void {
  program
    .command("run")
    .description(
      "Run the main job: sync GitHub, attribute, link deployments and compute the weekly figures. Without GitHub credentials: the zero-setup first run against a simulated organisation (built-in simulator, embedded PGlite).",
    )
    .option("--demo", "run against a simulated organisation even when GitHub credentials are set")
    .addOption(
      new Option(
        "--size <size>",
        "demo world size: small, demo (a few hundred engineers, a dozen teams, six months), large, or a PR count",
      ).default("demo"),
    )
    .addOption(
      new Option("--seed <n>", "demo world seed (same seed, same organisation)")
        .default(1)
        .argParser((v) => Number.parseInt(v, 10)),
    )
    .addOption(new Option("--out <dir>", "where the figures and summary are written").default("yardstick-reports"))
    .addOption(new Option("--data-dir <dir>", "the demo's embedded database (wiped first)").default(".yardstick/demo"))
    .addOption(
      new Option("--weeks <n>", "weeks reported, ending with the last complete one")
        .default(26)
        .argParser((v) => Number.parseInt(v, 10)),
    )
    .addOption(new Option("--no-progress", "no progress bar"))
    .option(
      "--serve",
      "demo: keep serving the dashboard when done, until interrupted (default when stdout is a terminal)",
    )
    .option("--no-serve", "demo: end when the figures are written, serving nothing")
    .addOption(
      new Option("--port <port>", "demo: the dashboard's port (0: any free one)")
        .default(8080)
        .argParser((v) => Number.parseInt(v, 10)),
    )
    .option("--config <file>", "configuration file (default: YARDSTICK_CONFIG or ./yardstick.config.yaml)")
    .option("--database-url <url>", "database (default: DATABASE_URL or pglite:.yardstick/data)")
    .addOption(
      new Option("--queue-prefix <prefix>", "Redis key prefix of the queues (as given to `yardstick worker`)")
        .env("YARDSTICK_QUEUE_PREFIX")
        .default("yardstick"),
    )
    .addHelpText(
      "after",
      `
With GITHUB_TOKEN or GITHUB_TOKENS (or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY[_PATH], GITHUB_APP_INSTALLATION_ID) and
a configuration file (\`yardstick init\` writes one): syncs the configured organisations into
DATABASE_URL (embedded PGlite by default; PostgreSQL with a postgres:// URL), through BullMQ
workers when REDIS_URL is set, then computes the figures. Otherwise, or with --demo: needs
nothing but Node (no PostgreSQL, Redis or GitHub token).

Demo: when done it serves the dashboard at http://127.0.0.1:8080/ (signed in as an
administrator of the simulated organisation) until interrupted, when stdout is a terminal or
with --serve; --no-serve (or output to a pipe or file) ends after writing the files.

Writes report.html, the last complete week's digest (digest-<week>.md and .html), metrics.json
(the \`yardstick metrics\` document) and summary.md to --out, and prints the
summary. Exit codes: 0 done, 1 some jobs failed, 2 bad options or configuration, 3 a
dependency unavailable.`,
    )
    .action(async (options: RunOptions) => {
      const started = Date.now();
      const env = parseEnv(process.env);
      const hasCredentials =
        env.GITHUB_TOKEN !== undefined || env.GITHUB_TOKENS !== undefined || env.GITHUB_APP_ID !== undefined;
      if (options.demo === true || !hasCredentials) {
        // Serving is the default at a terminal; piped or scripted (CI, scripts/run.sh), the run ends.
        const serve = options.serve ?? process.stdout.isTTY === true;
        const printResult = (result: DemoResult) => {
          process.stdout.write(`\n${result.summary}\n`);
          process.stdout.write(
            `Report: ${result.reportFile}\nDigest: ${result.digestFile}\nFigures: ${result.metricsFile}\nSummary: ${result.summaryFile}\n(${((Date.now() - started) / 1000).toFixed(1)} s; simulated organisation; ${result.pullRequestsSynced} of ${result.pullRequestsInWorld} merged pull requests in the world synced; ${result.failedJobs} failed jobs)\n`,
          );
        };
        // Loaded on demand: the simulator is the demo's alone (a chunk of its own in the release build).
        const { runDemo } = await loadDemo();
        const result = await runDemo({
          size: options.size,
          seed: options.seed,
          outDir: options.out,
          dataDir: options.dataDir,
          progress: options.progress,
          ...(serve
            ? {
                whileOpen: async ({ db, config, result }) => {
                  printResult(result);
                  await serveDemoDashboard({ db, config, port: options.port });
                },
              }
            : {}),
        });
        if (!serve) {
          printResult(result);
          process.stdout.write(
            "Dashboard: not served (--no-serve, or not a terminal). Run `yardstick run --serve` to browse these figures.\n",
          );
        }
        if (result.failedJobs > 0) process.exitCode = ExitCode.failure;
        return;
      }

      const runtime = await openRuntime({ configPath: options.config, databaseUrl: options.databaseUrl });
      try {
        const { config } = runtime;
        if (config.github.organizations.length === 0 && config.github.repositories.length === 0) {
          throw new InputError("config.invalid", "nothing to run against", [
            {
              path: "github.organizations",
              message: `no organisation or repository configured (${runtime.configPath ?? "no configuration file found"})`,
              example: "organizations: [{ name: acme }]   (or run `yardstick init`)",
            },
          ]);
        }
        const progress = new SyncProgress(process.stderr, !options.progress);
        const repos = config.github.organizations.length === 0 ? [...config.github.repositories] : [];
        const failed = await performSync(runtime, { repos, since: null, queuePrefix: options.queuePrefix }, progress);
        progress.draw(true);

        const now = new Date();
        const to = addWeeks(isoWeekOf(now, config.timeZone), -1);
        const from = addWeeks(to, -(Math.max(options.weeks, 1) - 1));
        const { output } = await readMetrics(createRollupDeps({ db: runtime.database.db, config, now: () => now }), {
          from,
          to,
          refresh: true,
        });
        const t = progress.totals;
        const summary = summarise(output, { repos: t.repos, pullRequests: t.pullRequests, points: t.points });
        const coverage = await readCoverage(runtime.database.db);
        const reportHtml = renderReportHtml(output, {
          title: `Yardstick: ${config.github.organizations.map((o) => o.name).join(", ") || "repositories"}`,
          generatedAt: now,
          coverage,
        });
        const digest = renderDigest(
          // The report sits next to the digest: a relative link opens it from the folder.
          buildDigest(output, { week: to, generatedAt: now, coverage, reportUrl: "report.html" }),
        );
        const files = writeRunOutputs(options.out, output, summary, reportHtml, digest);
        process.stdout.write(`\n${summary}\n`);
        process.stdout.write(
          `Report: ${files.reportFile}\nDigest: ${files.digestFile}\nFigures: ${files.metricsFile}\nSummary: ${files.summaryFile}\n(${((Date.now() - started) / 1000).toFixed(1)} s; ${failed.length} failed jobs)\n`,
        );
        for (const f of failed) process.stdout.write(`failed: ${f.name} ${f.jobId}: ${f.reason}\n`);
        if (failed.length > 0) process.exitCode = ExitCode.failure;
      } finally {
        await runtime.close();
      }
    });
}
