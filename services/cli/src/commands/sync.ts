import type { Config } from "@yardstick/config";
import { InputError, RepoFullName } from "@yardstick/core";
import { forgetRepositorySyncCursors } from "@yardstick/db";
import { type Command, Option } from "commander";
import { ExitCode } from "../exit-codes.js";
import { SyncProgress } from "../progress.js";
import { openRuntime, type Runtime } from "../runtime.js";
import { performSync } from "../sync-run.js";

function parseRepos(values: readonly string[], flag = "--repo"): string[] {
  const bad = values.filter((v) => !RepoFullName.safeParse(v).success);
  if (bad.length > 0) {
    throw new InputError(
      "input.sync",
      `bad ${flag}`,
      bad.map((v) => ({ path: flag, message: `not "owner/name": ${JSON.stringify(v)}`, example: "acme/payments" })),
    );
  }
  return [...values];
}

/**
 * `--full` names repositories this sync would read: of a configured organisation, or given with
 * `--repo` too. Anything else is refused (forgetting its cursors would not make it sync).
 */
function checkFullRepos(full: readonly string[], repos: readonly string[], config: Config): void {
  const orgs = config.github.organizations.map((o) => o.name.toLowerCase());
  const named = new Set(repos.map((r) => r.toLowerCase()));
  const bad = full.filter((r) => !named.has(r.toLowerCase()) && !orgs.includes((r.split("/")[0] ?? "").toLowerCase()));
  if (bad.length === 0) return;
  const configured =
    orgs.length === 0 ? "no organisation is configured" : `the configured organisations are ${orgs.join(", ")}`;
  throw new InputError(
    "input.sync",
    "bad --full",
    bad.map((r) => ({
      path: "--full",
      message: `${r} is not a configured repository (${configured}): add its organisation to github.organizations, or name it with --repo as well`,
      example: `yardstick sync --repo ${r} --full ${r}`,
    })),
  );
}

const DAY_MS = 86_400_000;
/** The longest backfill the configuration accepts (`thresholds.backfillDays`). */
const MAX_BACKFILL_DAYS = 3650;

function parseSince(value: string | undefined, now: Date): string | null {
  if (value === undefined) return null;
  const date = new Date(value);
  const bad = (message: string) =>
    new InputError("input.sync", "bad --since", [{ path: "--since", message, example: "2026-06-01" }]);
  if (Number.isNaN(date.getTime())) throw bad(`not a date: ${JSON.stringify(value)}`);
  if (date.getTime() >= now.getTime()) throw bad(`${JSON.stringify(value)} is not in the past`);
  if (now.getTime() - date.getTime() > MAX_BACKFILL_DAYS * DAY_MS) {
    throw bad(`${JSON.stringify(value)} is more than ${MAX_BACKFILL_DAYS} days ago`);
  }
  return date.toISOString();
}

/**
 * `--since` for this run: the backfill window every job reads (discovery's repositories and
 * `--repo` ones alike; pull requests, branch history, deployments, incidents, attribution and the
 * weeks rolled up) reaches back to it. Jobs run by `yardstick worker` read the workers' own
 * configuration, so with REDIS_URL the option is refused rather than silently ignored.
 */
function honourSince(runtime: Runtime, since: string | null, now: Date): Runtime {
  if (since === null) return runtime;
  if (runtime.env.REDIS_URL !== undefined) {
    throw new InputError("input.sync", "--since cannot reach the workers", [
      {
        path: "--since",
        message:
          "with REDIS_URL the sync runs in `yardstick worker` processes, which read their own configuration: set thresholds.backfillDays there instead, or run this sync without REDIS_URL",
        example: "thresholds: { backfillDays: 365 }",
      },
    ]);
  }
  const backfillDays = Math.ceil((now.getTime() - new Date(since).getTime()) / DAY_MS);
  return { ...runtime, config: { ...runtime.config, thresholds: { ...runtime.config.thresholds, backfillDays } } };
}

interface SyncOptions {
  repo?: string[];
  full?: string[];
  since?: string;
  queuePrefix: string;
  config?: string;
  databaseUrl?: string;
}

/** `yardstick sync`: pull merged PRs, commits and deployments from GitHub into the database. */
export function registerSync(program: Command): void {
  program
    .command("sync")
    .description(
      "Sync merged pull requests, commits and deployments from GitHub, then attribute, link and recompute the weekly figures.",
    )
    .option(
      "--repo <owner/name...>",
      "only these repositories (default: every repository of the configured organisations)",
    )
    .option(
      "--full <owner/name...>",
      "forget these repositories' sync cursors first, so this sync reads them again from the backfill start (others stay incremental)",
    )
    .option(
      "--since <date>",
      "how far back this sync reads what it has not read before, in every repository (default: thresholds.backfillDays ago); not with REDIS_URL",
    )
    .addOption(
      new Option("--queue-prefix <prefix>", "Redis key prefix of the queues (as given to `yardstick worker`)")
        .env("YARDSTICK_QUEUE_PREFIX")
        .default("yardstick"),
    )
    .option("--config <file>", "configuration file (default: YARDSTICK_CONFIG or ./yardstick.config.yaml)")
    .option("--database-url <url>", "database (default: DATABASE_URL or pglite:.yardstick/data)")
    .addHelpText(
      "after",
      `
Without REDIS_URL the whole sync runs in this process (the embedded default). With REDIS_URL it
is enqueued for \`yardstick worker\` processes, and this command follows it until it is done.
Syncs are incremental: a repeated sync reads only what changed. \`--full owner/name\` forgets
that repository's sync cursors, so it is read again from the backfill start (every write is an
upsert: what is stored does not change unless GitHub's data did).

Exit codes: 0 done, 1 some jobs failed, 2 bad options or configuration, 3 database, Redis or
GitHub unavailable.`,
    )
    .action(async (options: SyncOptions) => {
      const repos = parseRepos(options.repo ?? []);
      const full = parseRepos(options.full ?? [], "--full");
      const since = parseSince(options.since, new Date());
      const opened = await openRuntime({ configPath: options.config, databaseUrl: options.databaseUrl });
      const progress = new SyncProgress();
      try {
        const runtime = honourSince(opened, since, new Date());
        if (repos.length === 0 && runtime.config.github.organizations.length === 0) {
          throw new InputError("config.invalid", "nothing to sync", [
            {
              path: "github.organizations",
              message: "no organisation configured, and no --repo given",
              example: "organizations: [{ name: acme }]",
            },
          ]);
        }
        checkFullRepos(full, repos, runtime.config);
        for (const repo of full) {
          const forgotten = await forgetRepositorySyncCursors(runtime.database.db, repo);
          process.stdout.write(
            `${repo}: forgot ${forgotten.length} sync cursors (${forgotten.join(", ") || "none stored"}); reading it from the backfill start\n`,
          );
        }
        const failed = await performSync(runtime, { repos, since, queuePrefix: options.queuePrefix }, progress);
        progress.draw(true);
        const t = progress.totals;
        process.stdout.write(
          `synced ${t.repos} repositories, ${t.pullRequests} pull requests (${t.points} GraphQL points)\n`,
        );
        for (const f of failed) process.stdout.write(`failed: ${f.name} ${f.jobId}: ${f.reason}\n`);
        if (failed.length > 0) process.exitCode = ExitCode.failure;
      } finally {
        await opened.close();
      }
    });
}
