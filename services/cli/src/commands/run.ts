import { type Command, Option } from "commander";
import { runDemo } from "../demo/run-demo.js";
import { ExitCode } from "../exit-codes.js";

/** `yardstick run`: the main job. Today: the zero-setup first run against a simulated organisation. */
export function registerRun(program: Command): void {
  program
    .command("run")
    .description(
      "Run the main job: generate a simulated GitHub organisation, serve it from the built-in simulator, sync it through the real GitHub client into embedded PGlite, attribute, link deployments and compute the figures.",
    )
    .addOption(
      new Option(
        "--size <size>",
        "world size: small, demo (a few hundred engineers, a dozen teams, six months), large, or a PR count",
      ).default("demo"),
    )
    .addOption(
      new Option("--seed <n>", "world seed (same seed, same organisation)")
        .default("1")
        .argParser((v) => Number.parseInt(v, 10)),
    )
    .addOption(new Option("--out <dir>", "where the figures and summary are written").default("yardstick-reports"))
    .addOption(
      new Option("--data-dir <dir>", "the embedded database of this run (wiped first)").default(".yardstick/demo"),
    )
    .addOption(new Option("--no-progress", "no progress bar"))
    .addHelpText(
      "after",
      `
Needs nothing but Node: no PostgreSQL, Redis or GitHub token. Writes metrics.json (the
\`yardstick metrics\` document) and summary.md to --out, and prints the summary.

Exit codes: 0 done, 1 some jobs failed.`,
    )
    .action(async (options: { size: string; seed: number; out: string; dataDir: string; progress: boolean }) => {
      const started = Date.now();
      const result = await runDemo({
        size: options.size,
        seed: options.seed,
        outDir: options.out,
        dataDir: options.dataDir,
        progress: options.progress,
      });
      process.stdout.write(`\n${result.summary}\n`);
      process.stdout.write(
        `Figures: ${result.metricsFile}\nSummary: ${result.summaryFile}\n(${((Date.now() - started) / 1000).toFixed(1)} s; ${result.pullRequestsSynced} of ${result.pullRequestsInWorld} merged pull requests in the world synced; ${result.failedJobs} failed jobs)\n`,
      );
      if (result.failedJobs > 0) process.exitCode = ExitCode.failure;
    });
}
