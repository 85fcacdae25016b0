import { isoWeekOf } from "@yardstick/core";
import type { GroupKind } from "@yardstick/metrics";
import { createRollupDeps, readMetrics } from "@yardstick/pipeline";
import { type Command, Option } from "commander";
import { metricsCsv, metricsTable } from "../metrics-output.js";
import { parseDayOption, viewerIsAdmin } from "../options.js";
import { openRuntime } from "../runtime.js";

/** `yardstick metrics`: the weekly figures from the configured database (METRICS.md), as JSON, CSV or a table. */
export function registerMetrics(program: Command): void {
  program
    .command("metrics")
    .description(
      "Weekly figures (normalised deployments, AI adoption, DORA guardrails) by organisation, team and repository.",
    )
    .requiredOption(
      "--from <YYYY-MM-DD>",
      "first day; its ISO week (in the configured time zone) is the first reported",
    )
    .requiredOption("--to <YYYY-MM-DD>", "last day; its ISO week is the last reported")
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
        from: string;
        to: string;
        group?: GroupKind;
        format: string;
        as?: string;
        config?: string;
        databaseUrl?: string;
      }) => {
        const from = parseDayOption(options.from, "--from");
        const to = parseDayOption(options.to, "--to");
        const runtime = await openRuntime({ configPath: options.config, databaseUrl: options.databaseUrl });
        try {
          const tz = runtime.config.timeZone;
          const admin = viewerIsAdmin(runtime.config.admins, options.as);
          // The stored rollups, brought up to date first (nothing is written when nothing changed).
          const { output } = await readMetrics(createRollupDeps({ db: runtime.database.db, config: runtime.config }), {
            from: isoWeekOf(from, tz),
            to: isoWeekOf(to, tz),
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
