import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { InputError } from "@yardstick/core";
import { MetricsOutput } from "@yardstick/metrics";
import { createRollupDeps, readCoverage, readMetrics } from "@yardstick/pipeline";
import {
  type ReportCoverage,
  type ReportOptions,
  renderReportCsv,
  renderReportHtml,
  renderReportMarkdown,
} from "@yardstick/report";
import { type Command, Option } from "commander";
import { reportedWeeks, viewerIsAdmin } from "../options.js";
import { openRuntime } from "../runtime.js";

export type ReportFormat = "html" | "md" | "csv";

/** The format: --format, else the output file's extension (.md, .csv), else HTML. */
export function reportFormat(out: string, format: string | undefined): ReportFormat {
  if (format === "html" || format === "md" || format === "csv") return format;
  const ext = extname(out).toLowerCase();
  return ext === ".md" || ext === ".markdown" ? "md" : ext === ".csv" ? "csv" : "html";
}

export function renderReport(output: MetricsOutput, format: ReportFormat, options: ReportOptions): string {
  if (format === "csv") return renderReportCsv(output);
  if (format === "md") return renderReportMarkdown(output, options);
  return renderReportHtml(output, options);
}

/** Reads a document `yardstick metrics --format json` or `yardstick run` (metrics.json) wrote. */
export function readMetricsDocument(file: string): MetricsOutput {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InputError("input.report", "cannot read --input", [
      { path: "--input", message: `${file}: ${(error as Error).message}`, example: "yardstick-reports/metrics.json" },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError("input.report", "--input is not JSON", [
      { path: "--input", message: `${file}: ${(error as Error).message}`, example: "yardstick-reports/metrics.json" },
    ]);
  }
  const parsed = MetricsOutput.safeParse(json);
  if (!parsed.success) {
    throw new InputError(
      "input.report",
      "--input is not a metrics document",
      parsed.error.issues.slice(0, 10).map((i) => ({
        path: `--input ${i.path.join(".") || "(document)"}`,
        message: i.message,
        example: "the output of `yardstick metrics --format json`",
      })),
    );
  }
  return parsed.data;
}

/** The report's title when not given: the organisation's name. */
export function defaultReportTitle(output: MetricsOutput): string {
  const org = output.groups.find((g) => g.kind === "org");
  return `Yardstick: ${org?.name ?? "engineering"}, AI-assisted delivery`;
}

interface ReportCommandOptions {
  from?: string;
  to?: string;
  out: string;
  format?: string;
  input?: string;
  title?: string;
  as?: string;
  config?: string;
  databaseUrl?: string;
}

/**
 * `yardstick report`: the leadership report (self-contained HTML with SVG charts, or its Markdown
 * and CSV exports) from the configured database, computed exactly as `yardstick metrics` computes
 * (loadMetricsInput + computeMetrics), or from a metrics document given with --input.
 */
export function registerReport(program: Command): void {
  program
    .command("report")
    .description(
      "Write the leadership report: adoption against target, ND and AIND, AI share, DORA guardrails split AI-assisted / other, cost, integrity flag counts and coverage (HTML with charts, Markdown or CSV).",
    )
    .option(
      "--from <YYYY-MM-DD>",
      "first day; its ISO week (in the configured time zone) is the first reported (default: 25 weeks before --to; the demo: its run's first week)",
    )
    .option(
      "--to <YYYY-MM-DD>",
      "last day; its ISO week is the last reported (default: the last complete week; the demo: its run's last week)",
    )
    .option("--out <file>", "where to write the report", "report.html")
    .addOption(
      new Option("--format <format>", "html, md or csv (default: from --out's extension, else html)").choices([
        "html",
        "md",
        "csv",
      ]),
    )
    .option("--input <metrics.json>", "render a document `yardstick metrics --format json` or `yardstick run` wrote")
    .option("--title <text>", "the report's title")
    .option("--as <login>", "an admin (config `admins`): include the named integrity-flag lists")
    .option("--config <file>", "configuration file (default: YARDSTICK_CONFIG or ./yardstick.config.yaml)")
    .option("--database-url <url>", "database (default: DATABASE_URL or pglite:.yardstick/data)")
    .addHelpText(
      "after",
      `
Examples:
  yardstick report                          # the last 26 complete weeks, to report.html
  yardstick report --from 2026-06-01 --to 2026-11-23 --out report.html
  yardstick report --from 2026-06-01 --to 2026-11-23 --out report.md
  yardstick report --input yardstick-reports/metrics.json --out report.html

The figures are those of \`yardstick metrics --format json\` for the same range; the report leads
with the last complete week. Every figure is defined in docs/metrics.md; the report is described
in docs/report.md. Groups below k are suppressed; nothing is ranked; nobody is named.`,
    )
    .action(async (options: ReportCommandOptions) => {
      const format = reportFormat(options.out, options.format);
      const generatedAt = new Date();
      let output: MetricsOutput;
      let coverage: ReportCoverage | undefined;
      let demoTitle: string | undefined;
      let dashboardUrl: string | undefined;
      if (options.input !== undefined) {
        if (options.from !== undefined || options.to !== undefined) {
          throw new InputError("input.report", "bad options", [
            {
              path: "--from/--to",
              message: "not with --input (the document already has its weeks)",
              example: "yardstick report --input metrics.json --out report.html",
            },
          ]);
        }
        output = readMetricsDocument(options.input);
      } else {
        const runtime = await openRuntime({
          configPath: options.config,
          databaseUrl: options.databaseUrl,
          readsDemo: true,
        });
        try {
          const { from, to } = reportedWeeks(options, {
            timeZone: runtime.config.timeZone,
            now: generatedAt,
            demo: runtime.demo,
          });
          demoTitle = runtime.demo?.title;
          const admin = viewerIsAdmin(runtime.config.admins, options.as);
          ({ output } = await readMetrics(
            createRollupDeps({ db: runtime.database.db, config: runtime.config, now: () => generatedAt }),
            { from, to, viewerIsAdmin: admin, refresh: true },
          ));
          coverage = await readCoverage(runtime.database.db);
          dashboardUrl = runtime.config.dashboardUrl;
        } finally {
          await runtime.close();
        }
      }
      const title = options.title ?? demoTitle ?? defaultReportTitle(output);
      const text = renderReport(output, format, {
        title,
        generatedAt,
        ...(coverage === undefined ? {} : { coverage }),
        ...(dashboardUrl === undefined ? {} : { dashboardUrl }),
      });
      const file = resolve(options.out);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      process.stdout.write(`Report (${format}): ${file}\n`);
    });
}
