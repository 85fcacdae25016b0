import type { Config } from "@yardstick/config";
import { InputError } from "@yardstick/core";
import { listRepositorySync } from "@yardstick/db";
import {
  BullMqRunner,
  checkReadiness,
  createGitHubRedis,
  createPipelineDeps,
  digestOrgOf,
  githubBudgetReader,
  githubObserver,
  jobs,
  processors,
  RollupMemory,
  scrape,
  serveTelemetry,
  startHealthServer,
} from "@yardstick/pipeline";
import { type Command, InvalidArgumentError, Option } from "commander";
import { githubClientFor, githubCredentialsFor, openRuntime } from "../runtime.js";

/** A whole number ≥ `min` (commander applies parsers to given values only, so defaults are numbers too). */
function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min)
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}, e.g. ${min + 1}`);
    return n;
  };
}

/** The daily `privacy.enforce` scheduler (one per installation: every worker upserts the same). */
export const PRIVACY_SCHEDULER_ID = "privacy";

/** One digest scheduler per installation: every worker declares the same one (an upsert). */
export function digestSchedulerId(config: Config): string {
  return `digest-${digestOrgOf(config)}`;
}

/** `yardstick worker`: runs the pipeline's processors on BullMQ until SIGTERM. */
export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description(
      "Run BullMQ workers for the ingest, attribution and metrics queues (any number of processes, on any number of machines).",
    )
    .addOption(
      new Option("--concurrency <n>", "ingest jobs at once in this process").default(2).argParser(wholeNumber(1)),
    )
    .addOption(
      new Option("--every <minutes>", "periodic sync of every configured organisation (0: no periodic sync)")
        .default(60)
        .argParser(wholeNumber(0)),
    )
    .addOption(
      new Option(
        "--rollups-every <minutes>",
        "recompute the weekly rollups this often (incremental: only what changed since the last run; 0: never)",
      )
        .default(15)
        .argParser(wholeNumber(0)),
    )
    .addOption(
      new Option(
        "--shutdown-timeout <seconds>",
        "on SIGTERM or SIGINT, how long running jobs may take to finish (default: worker.shutdownTimeoutSeconds in the configuration, 30)",
      )
        .env("YARDSTICK_SHUTDOWN_TIMEOUT")
        .argParser(wholeNumber(0)),
    )
    .addOption(
      new Option(
        "--stalled-interval <ms>",
        "a job whose worker died is taken up again after at most twice this (BullMQ lockDuration and stalledInterval)",
      )
        .default(30000)
        .argParser(wholeNumber(1)),
    )
    .addOption(
      new Option("--queue-prefix <prefix>", "Redis key prefix of the queues (one per installation sharing a Redis)")
        .env("YARDSTICK_QUEUE_PREFIX")
        .default("yardstick"),
    )
    .option(
      "--no-keep-rollups",
      "do not keep the rollup state in memory between rollup runs (each run then reads and prepares a 13-week window of every repository; saves the memory of the prepared facts: about 750 MiB per million changes)",
    )
    .option(
      "--no-digest",
      "this process does not declare the weekly digest's schedule (to stop the digest for all workers: digest.channels: [])",
    )
    .addOption(
      new Option(
        "--health-port <port>",
        "serve GET /healthz (alive), GET /readyz (database, Redis, migrations) and GET /metrics (Prometheus) on this port (default: none)",
      )
        .env("YARDSTICK_HEALTH_PORT")
        .argParser(wholeNumber(1)),
    )
    .addOption(
      new Option("--health-host <host>", "address of the health listener (0.0.0.0: reachable by probes from outside)")
        .env("YARDSTICK_HEALTH_HOST")
        .default("0.0.0.0"),
    )
    .option("--config <file>", "configuration file (default: YARDSTICK_CONFIG or ./yardstick.config.yaml)")
    .option("--database-url <url>", "database (default: DATABASE_URL)")
    .addHelpText(
      "after",
      `
Needs REDIS_URL (Redis with maxmemory-policy noeviction) and a shared DATABASE_URL (PostgreSQL).
Schedules the weekly digest (digest.schedule, default Monday 09:00 in digest.timeZone) to the
configured digest.channels; each week goes once per channel, a failed channel is retried alone.
On SIGTERM or SIGINT the worker takes no new job, lets the running ones finish within the
grace period (--shutdown-timeout, YARDSTICK_SHUTDOWN_TIMEOUT or worker.shutdownTimeoutSeconds;
a second signal ends it at once), closes its Redis and database connections and exits 0. A job
still running then is taken up again by another worker once its lock expires (stalled-job
recovery, within about twice --stalled-interval). With --health-port, GET /healthz answers 200
while the process runs and GET /readyz 200 when the database and Redis answer and every migration
is applied, else 503 with the failing checks (JSON); GET /metrics is the Prometheus exposition
(docs/operations.md lists the metrics).`,
    )
    .action(
      async (options: {
        concurrency: number;
        every: number;
        rollupsEvery: number;
        shutdownTimeout?: number;
        stalledInterval: number;
        queuePrefix: string;
        digest: boolean;
        keepRollups: boolean;
        healthPort?: number;
        healthHost: string;
        config?: string;
        databaseUrl?: string;
      }) => {
        const runtime = await openRuntime({
          configPath: options.config,
          databaseUrl: options.databaseUrl,
          service: "worker",
        });
        const redisUrl = runtime.env.REDIS_URL;
        if (redisUrl === undefined) {
          await runtime.close();
          throw new InputError("input.worker", "yardstick worker needs Redis", [
            {
              path: "REDIS_URL",
              message: "not set (without Redis, `yardstick sync` runs everything in one process)",
              example: "REDIS_URL=redis://127.0.0.1:6379",
            },
          ]);
        }
        // Workers share each GitHub token's rate budget (and GitHub's pauses) through Redis.
        const githubRedis = createGitHubRedis(redisUrl, runtime.logger);
        const github = githubClientFor(runtime, undefined, { redis: githubRedis, observer: githubObserver });
        const deps = createPipelineDeps({
          db: runtime.database.db,
          github,
          config: runtime.config,
          ...(options.keepRollups ? { rollupMemory: new RollupMemory() } : {}),
        });
        const runner = new BullMqRunner({
          catalog: jobs,
          processors,
          deps,
          logger: runtime.logger,
          redisUrl,
          prefix: options.queuePrefix,
          stalledIntervalMs: options.stalledInterval,
          lockDurationMs: options.stalledInterval,
          concurrency: { ingest: options.concurrency, attribution: 1, metrics: 1, digest: 1 },
        });
        // A database index Redis refuses is a configuration error (exit 2), not jobs silently run in
        // database 0; a Redis still starting gets a minute (a worker often starts beside it).
        try {
          await runner.ready(60_000);
        } catch (error) {
          await runner.close(1_000).catch(() => {});
          await github.close();
          githubRedis.disconnect();
          await runtime.close();
          throw error;
        }
        const digest = runtime.config.digest;
        const declareSchedules = async () => {
          for (const org of options.every > 0 ? runtime.config.github.organizations : []) {
            await runner.schedule(`sync-${org.name}`, { every: options.every * 60_000 }, "sync.tick", {
              org: org.name,
            });
          }
          // Periodic and webhook-driven syncs end without a rollup of their own: this catches them up
          // (incrementally; nothing changed, nothing written).
          if (options.rollupsEvery > 0) {
            await runner.schedule("rollups", { every: options.rollupsEvery * 60_000 }, "rollups.recompute", {
              runId: "scheduled",
            });
          }
          // Raw text past privacy.textRetentionDays is dropped once a day (docs/privacy.md).
          if (runtime.config.privacy.textRetentionDays !== undefined) {
            await runner.schedule(PRIVACY_SCHEDULER_ID, { every: 24 * 3_600_000 }, "privacy.enforce", {
              runId: "scheduled",
            });
          } else {
            await runner.unschedule(PRIVACY_SCHEDULER_ID, "privacy.enforce");
          }
          // The weekly digest of the last complete week, on the configured cron in the org's zone.
          // `digest.channels: []` turns it off for every worker: the schedule is removed.
          if (options.digest && digest.channels.length > 0) {
            await runner.schedule(
              digestSchedulerId(runtime.config),
              { pattern: digest.schedule, tz: digest.timeZone },
              "digest.weekly",
              { org: digestOrgOf(runtime.config), week: null },
            );
          } else if (digest.channels.length === 0) {
            await runner.unschedule(digestSchedulerId(runtime.config), "digest.weekly");
          }
        };
        await declareSchedules();
        // A Redis restarted without its data loses the schedules with the queues: declare them again
        // every minute (an upsert with the same interval keeps the next run where it was).
        const redeclare = setInterval(
          () =>
            void declareSchedules().catch((err: unknown) =>
              runtime.logger.warn({ err }, "could not declare the periodic sync"),
            ),
          60_000,
        );
        runner.start();
        // Probes: alive while the process runs; ready while the database, Redis and the schema are.
        // Prometheus: this process's counters, and the installation's state read at scrape time.
        const budgets =
          options.healthPort === undefined
            ? undefined
            : githubBudgetReader(redisUrl, githubCredentialsFor(runtime), runtime.logger);
        const health =
          options.healthPort === undefined
            ? undefined
            : await startHealthServer({
                port: options.healthPort,
                host: options.healthHost,
                logger: runtime.logger,
                readiness: () => checkReadiness({ database: runtime.database, pingRedis: () => runner.ping() }),
                metrics: scrape,
              });
        if (budgets !== undefined) {
          serveTelemetry({
            queues: () => runner.depths(),
            syncs: () => listRepositorySync(runtime.database.db),
            budgets: budgets.read,
            logger: runtime.logger,
          });
        }
        if (health !== undefined) runtime.logger.info({ url: health.url }, "health listener started");
        runtime.logger.info(
          {
            queues: ["ingest", "attribution", "metrics", "digest"],
            digest: options.digest ? { schedule: digest.schedule, timeZone: digest.timeZone } : "off",
          },
          "worker started",
        );
        const graceSeconds = options.shutdownTimeout ?? runtime.config.worker.shutdownTimeoutSeconds;
        await new Promise<void>((resolve, reject) => {
          // A second signal during the grace period ends it at once (an operator's Ctrl-C twice).
          const cutShort = new AbortController();
          let stopping = false;
          const stop = async (signal: string) => {
            runtime.logger.info(
              { signal, graceSeconds, active: runner.active },
              "shutting down: taking no new jobs, running ones may finish",
            );
            clearInterval(redeclare);
            const { left } = await runner.close(graceSeconds * 1_000, cutShort.signal);
            if (left === 0) runtime.logger.info("every running job finished");
            else
              runtime.logger.warn(
                { left, graceSeconds },
                "grace period over: the unfinished jobs run again on another worker once their locks expire (stalled-job recovery)",
              );
            await health?.close();
            budgets?.close();
            await github.close();
            githubRedis.disconnect();
            await runtime.close();
            runtime.logger.info("worker stopped");
            // A job cut short may still hold a socket or timer open; it must not keep the process.
            setTimeout(() => process.exit(process.exitCode ?? 0), 5_000).unref();
          };
          const onSignal = (signal: NodeJS.Signals) => {
            if (stopping) {
              runtime.logger.warn({ signal }, "second signal: the grace period ends now");
              cutShort.abort();
              return;
            }
            stopping = true;
            void stop(signal).then(resolve, reject);
          };
          process.on("SIGTERM", onSignal);
          process.on("SIGINT", onSignal);
        });
      },
    );
}
