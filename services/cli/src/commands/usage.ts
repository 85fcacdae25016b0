import { formatUsageError, readUsageFile, storeUsage, UsageFormat } from "@yardstick/pipeline";
import { type Command, Option } from "commander";
import { ExitCode } from "../exit-codes.js";
import { openRuntime } from "../runtime.js";

interface ImportOptions {
  format?: UsageFormat;
  config?: string;
  databaseUrl?: string;
}

/**
 * `yardstick usage import FILE`: token and cost usage per person, day and tool into the database
 * (METRICS.md "Cost"). Good rows are written even when some are bad; exit 1 when any row was bad,
 * 2 when the file cannot be read at all.
 */
export function registerUsage(program: Command): void {
  const usage = program
    .command("usage")
    .description("Imported AI tool usage: tokens and cost per person, day and tool.");
  usage
    .command("import")
    .description(
      "Import a usage file (CSV, JSON, the GitHub Copilot usage metrics or the Claude Code usage report); re-importing replaces the same rows.",
    )
    .argument("<file>", "the usage file")
    .addOption(
      new Option("--format <format>", "the file's shape (default: detected from its content)").choices(
        UsageFormat.options,
      ),
    )
    .option("--config <file>", "configuration file (default: YARDSTICK_CONFIG or ./yardstick.config.yaml)")
    .option("--database-url <url>", "database (default: DATABASE_URL or pglite:.yardstick/data)")
    .addHelpText(
      "after",
      `
CSV: a header, then rows with login (or email, user_id), day (YYYY-MM-DD), tool, tokens_in,
tokens_out, cost_usd. JSON: an array of such objects (or NDJSON). Copilot: the user-level usage
metrics records (day, user_login, token_usage). Claude Code: the Admin API usage report
({"data": [{"date", "actor", "model_breakdown"}]}). Every shape is described in docs/metrics.md.`,
    )
    .action(async (file: string, options: ImportOptions) => {
      const read = await readUsageFile(file, options.format);
      if (!read.ok) {
        if (read.unreadable) {
          process.stderr.write(
            `yardstick: cannot read ${file} (${read.reason}); give a path to a CSV or JSON usage file\n`,
          );
        } else {
          for (const message of read.messages) {
            process.stderr.write(`yardstick: ${file} is not a readable ${read.format} file: ${message}\n`);
          }
        }
        process.exitCode = ExitCode.usage;
        return;
      }
      const { parsed } = read;
      for (const e of parsed.errors) process.stderr.write(`yardstick: ${file} ${formatUsageError(e)}\n`);
      for (const s of parsed.skipped) process.stderr.write(`yardstick: ${file} ${s.at} skipped: ${s.reason}\n`);

      const runtime = await openRuntime({ configPath: options.config, databaseUrl: options.databaseUrl });
      try {
        const records = await storeUsage(runtime.database.db, parsed.rows);
        const unmatched = [...new Set(records.filter((r) => r.personId === null).map((r) => r.identityValue))].sort();
        const matched = records.length - records.filter((r) => r.personId === null).length;
        process.stdout.write(
          `imported ${records.length} usage rows from ${file} (${parsed.format}): ${matched} matched to people` +
            (unmatched.length > 0 ? `, ${records.length - matched} not matched (${unmatched.join(", ")})` : "") +
            (parsed.errors.length > 0 ? `; ${parsed.errors.length} bad rows not imported` : "") +
            (parsed.skipped.length > 0 ? `; ${parsed.skipped.length} records skipped` : "") +
            "\n",
        );
        if (parsed.errors.length > 0) process.exitCode = ExitCode.failure;
      } finally {
        await runtime.close();
      }
    });
}
