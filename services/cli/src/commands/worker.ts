import { InputError } from "@yardstick/core";
import { BullMqRunner, createPipelineDeps, jobs, processors } from "@yardstick/pipeline";
import { type Command, Option } from "commander";
import { githubClientFor, openRuntime } from "../runtime.js";

/** `yardstick worker`: runs the pipeline's processors on BullMQ until SIGTERM. */
export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description(
      "Run BullMQ workers for the ingest, attribution and metrics queues (any number of processes, on any number of machines).",
    )
    .addOption(
      new Option("--concurrency <n>", "ingest jobs at once in this process")
        .default("2")
        .argParser((v) => Number.parseInt(v, 10)),
    )
    .addOption(
      new Option("--every <minutes>", "periodic sync of every configured organisation")
        .default("60")
        .argParser((v) => Number.parseInt(v, 10)),
    )
    .addOption(
      new Option("--shutdown-timeout <seconds>", "on SIGTERM, how long running jobs may finish")
        .default("30")
        .argParser((v) => Number.parseInt(v, 10)),
    )
    .option("--config <file>", "configuration file (default: YARDSTICK_CONFIG or ./yardstick.config.yaml)")
    .option("--database-url <url>", "database (default: DATABASE_URL)")
    .addHelpText(
      "after",
      `
Needs REDIS_URL (Redis with maxmemory-policy noeviction) and a shared DATABASE_URL (PostgreSQL).
On SIGTERM or SIGINT, running jobs finish within --shutdown-timeout; a job cut short is taken
up again by another worker (stalled-job recovery).`,
    )
    .action(
      async (options: {
        concurrency: number;
        every: number;
        shutdownTimeout: number;
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
        const deps = createPipelineDeps({
          db: runtime.database.db,
          github: githubClientFor(runtime),
          config: runtime.config,
        });
        const runner = new BullMqRunner({
          catalog: jobs,
          processors,
          deps,
          logger: runtime.logger,
          redisUrl,
          concurrency: { ingest: options.concurrency, attribution: 1, metrics: 1 },
        });
        for (const org of runtime.config.github.organizations) {
          await runner.schedule(`sync-${org.name}`, { every: options.every * 60_000 }, "sync.tick", { org: org.name });
        }
        runner.start();
        runtime.logger.info({ queues: ["ingest", "attribution", "metrics"] }, "worker started");
        await new Promise<void>((resolve) => {
          const stop = async (signal: string) => {
            runtime.logger.info({ signal }, "shutting down");
            await runner.close(options.shutdownTimeout * 1_000);
            await runtime.close();
            resolve();
          };
          process.once("SIGTERM", () => void stop("SIGTERM"));
          process.once("SIGINT", () => void stop("SIGINT"));
        });
      },
    );
}
