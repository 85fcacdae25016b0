import { InputError, IsoWeek } from "@yardstick/core";
import {
  buildWeeklyDigest,
  type ChannelOutcome,
  configuredSenders,
  createRollupDeps,
  DigestDeliveryError,
  deliverDigest,
  lastCompleteWeek,
  type RenderedDigest,
} from "@yardstick/pipeline";
import { type Command, Option } from "commander";
import { ExitCode } from "../exit-codes.js";
import { openRuntime } from "../runtime.js";

export type DigestFormat = "md" | "text" | "html" | "slack";

interface DigestCommandOptions {
  week?: string;
  dryRun?: boolean;
  send?: boolean;
  format: DigestFormat;
  reportUrl?: string;
  config?: string;
  databaseUrl?: string;
}

/** The week option: an ISO week such as 2026-W47, else a clear error naming the option. */
export function parseWeekOption(value: string): string {
  const parsed = IsoWeek.safeParse(value);
  if (!parsed.success) {
    throw new InputError("input.option", "bad option", [
      { path: "--week", message: `not an ISO week: ${JSON.stringify(value)}`, example: "2026-W47" },
    ]);
  }
  return parsed.data;
}

export function renderedAs(rendered: RenderedDigest, format: DigestFormat): string {
  switch (format) {
    case "text":
      return rendered.text;
    case "html":
      return rendered.html;
    case "slack":
      return `${JSON.stringify(rendered.slack, null, 2)}\n`;
    default:
      return rendered.markdown;
  }
}

function outcomeLine(o: ChannelOutcome): string {
  switch (o.outcome) {
    case "sent":
      return `sent        ${o.channel} (${o.receipt})`;
    case "already-delivered":
      return `not resent  ${o.channel} (delivered before)`;
    case "busy":
      return `busy        ${o.channel} (another worker is sending it)`;
    default:
      return `FAILED      ${o.channel}: ${o.error}`;
  }
}

/**
 * `yardstick digest`: the weekly digest of one week (default: the last complete week in the
 * digest's time zone). --dry-run (the default) prints it; --send delivers it to the configured
 * channels, once per channel and week, as the worker's weekly job does.
 */
export function registerDigest(program: Command): void {
  program
    .command("digest")
    .description(
      "Build the weekly digest (headline figures with week-over-week change, adoption against target, guardrail regressions, flag counts, data warnings) and print it or send it.",
    )
    .option(
      "--week <YYYY-Www>",
      "the ISO week (default: the last complete week in digest.timeZone; the demo: its run's week)",
      parseWeekOption,
    )
    .option("--dry-run", "print the digest; send and record nothing (the default)")
    .option("--send", "deliver to digest.channels; a channel that already has this week is not sent again")
    .addOption(
      new Option(
        "--format <format>",
        "what --dry-run prints: md, text (the email body), html or slack (Block Kit JSON)",
      )
        .choices(["md", "text", "html", "slack"])
        .default("md"),
    )
    .option("--report-url <url>", "a link to the full report, added to every channel")
    .option("--config <file>", "configuration file (default: YARDSTICK_CONFIG or ./yardstick.config.yaml)")
    .option("--database-url <url>", "database (default: DATABASE_URL or pglite:.yardstick/data)")
    .addHelpText(
      "after",
      `
Examples:
  yardstick digest                          # print last week's digest (Markdown)
  yardstick digest --week 2026-W47 --format slack
  yardstick digest --week 2026-W47 --send   # deliver to digest.channels

The worker (\`yardstick worker\`) sends it on digest.schedule (default Monday 09:00 in
digest.timeZone). Deliveries are recorded per week and channel; exit 1 when a channel failed
(the others stay delivered and are not sent again).`,
    )
    .action(async (options: DigestCommandOptions) => {
      if (options.dryRun === true && options.send === true) {
        throw new InputError("input.option", "bad options", [
          { path: "--dry-run/--send", message: "choose one", example: "yardstick digest --week 2026-W47 --send" },
        ]);
      }
      const runtime = await openRuntime({
        configPath: options.config,
        databaseUrl: options.databaseUrl,
        readsDemo: true,
      });
      try {
        const now = new Date();
        // The demo's simulated history does not move on: its run's week, as its digest file has.
        const week = options.week ?? runtime.demo?.to ?? lastCompleteWeek(now, runtime.config.digest.timeZone);
        const { rendered } = await buildWeeklyDigest(
          createRollupDeps({ db: runtime.database.db, config: runtime.config, now: () => now }),
          {
            week,
            now,
            ...(options.reportUrl === undefined ? {} : { reportUrl: options.reportUrl }),
          },
        );
        if (options.send !== true) {
          process.stdout.write(renderedAs(rendered, options.format));
          return;
        }
        const senders = configuredSenders(runtime.config);
        if (senders.length === 0) {
          throw new InputError("config.invalid", "nowhere to send the digest", [
            {
              path: "digest.channels",
              message: "empty",
              // biome-ignore lint/suspicious/noTemplateCurlyInString: the example is a ${VAR} reference, as written in the file
              example: '[{ type: file, dir: ./digests }, { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }]',
            },
          ]);
        }
        let outcomes: readonly ChannelOutcome[];
        try {
          outcomes = await deliverDigest(runtime.database.db, rendered, senders, {
            now: () => new Date(),
            logger: runtime.logger,
          });
        } catch (error) {
          if (!(error instanceof DigestDeliveryError)) throw error;
          outcomes = error.outcomes;
          process.exitCode = ExitCode.failure;
        }
        process.stdout.write(`Digest ${week} (${rendered.subject}):\n${outcomes.map(outcomeLine).join("\n")}\n`);
      } finally {
        await runtime.close();
      }
    });
}
