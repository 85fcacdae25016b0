import type { GroupKind } from "@yardstick/metrics";
import { createRollupDeps, readMetrics } from "@yardstick/pipeline";
import { type Command, Option } from "commander";
import { metricsCsv, metricsTable } from "../metrics-output.js";
import { reportedWeeks, viewerIsAdmin } from "../options.js";
import { openRuntime } from "../runtime.js";

/** `yardstick metrics`: the weekly figures from the configured database (METRICS.md), as JSON, CSV or a table. */
export function registerMetrics(program: Command): void {
  program
    .command("metrics")
    .description(
      "Weekly figures (normalised deployments, AI adoption, DORA guardrails) by organisation, team and repository.",
    )
    .option(
      "--from <YYYY-MM-DD>",
      "first day; its ISO week (in the configured time zone) is the first reported (default: 25 weeks before --to; the demo: its run's first week)",
    )
    .option(
      "--to <YYYY-MM-DD>",
      "last day; its ISO week is the last reported (default: the last complete week; the demo: its run's last week)",
    )
    .addOption(new Option("--group <kind>", "only this kind of group").choices(["org", "team", "repo"]))
    .addOption(new Option("--format <format>", "output format").choices(["json", "csv", "table"]).default("json"))
    .option("--as <login>", "an admin (config `admins`): include the named integrity-flag lists")
    .option("--config <file>", "configuration file (default: YARDSTICK_CONFIG or ./yardstick.config.yaml)")
    .option("--database-url <url>", "database (default: DATABASE_URL or pglite:.yardstick/data)")
    .addHelpText(
      "after",
      `
JSON output: {"weeks": [...], "groups": [{"kind", "name", "weeks": [{"week", "nd", "aind", "adoption", ...}]}], "notes": {...}}
(every field is described in docs/metrics.md). Absent figures are null, never 0. Groups smaller
than thresholds.minGroupSize are suppressed and folded into "other". Nothing is ranked.`,
    )
    .action(
      async (options: {
        from?: string;
        to?: string;
        group?: GroupKind;
        format: string;
        as?: string;
        config?: string;
        databaseUrl?: string;
      }) => {
        const runtime = await openRuntime({
          configPath: options.config,
          databaseUrl: options.databaseUrl,
          readsDemo: true,
        });
        try {
          const now = new Date();
          const { from, to } = reportedWeeks(options, {
            timeZone: runtime.config.timeZone,
            now,
            demo: runtime.demo,
          });
          const admin = viewerIsAdmin(runtime.config.admins, options.as);
          // The stored rollups, brought up to date first (nothing is written when nothing changed).
          const deps = createRollupDeps({ db: runtime.database.db, config: runtime.config, now: () => now });
          const { output } = await readMetrics(deps, {
            from,
            to,
            viewerIsAdmin: admin,
            refresh: true,
            ...(options.group === undefined ? {} : { kinds: [options.group] }),
          });
          const text =
            options.format === "csv"
              ? metricsCsv(output)
              : options.format === "table"
                ? metricsTable(output)
                : `${JSON.stringify(output, null, 2)}\n`;
          process.stdout.write(text);
        } finally {
          await runtime.close();
        }
      },
    );
}
