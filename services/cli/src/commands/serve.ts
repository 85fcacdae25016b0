import { databaseDeliveryStore, type EnqueueRequest, startApiServer } from "@yardstick/api";
import { InputError } from "@yardstick/core";
import { BullMqRunner, createPipelineDeps, InlineRunner, jobs, processors } from "@yardstick/pipeline";
import { type Command, Option } from "commander";
import { githubClientFor, openRuntime } from "../runtime.js";

interface ServeOptions {
  port: number;
  host: string;
  queuePrefix: string;
  config?: string;
  databaseUrl?: string;
}

/** `yardstick serve`: the HTTP API (GitHub webhooks, health) until SIGTERM. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "Serve the API: POST /webhooks/github (verified, validated, de-duplicated, enqueued) and GET /healthz.",
    )
    .addOption(new Option("--port <port>", "port").default(8080).argParser((v) => Number.parseInt(v, 10)))
    .addOption(new Option("--host <host>", "address to listen on").default("127.0.0.1"))
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
Needs GITHUB_WEBHOOK_SECRET. With REDIS_URL, webhook jobs go to the BullMQ workers; without it
they run in this process, one after another.`,
    )
    .action(async (options: ServeOptions) => {
      const runtime = await openRuntime({
        configPath: options.config,
        databaseUrl: options.databaseUrl,
        service: "api",
      });
      const secret = runtime.env.GITHUB_WEBHOOK_SECRET;
      if (secret === undefined) {
        await runtime.close();
        throw new InputError("input.serve", "yardstick serve needs the webhook secret", [
          {
            path: "GITHUB_WEBHOOK_SECRET",
            message: "not set: webhooks cannot be verified",
            example: "GITHUB_WEBHOOK_SECRET=<the secret set on the GitHub webhook>",
          },
        ]);
      }
      const deps = createPipelineDeps({
        db: runtime.database.db,
        github: githubClientFor(runtime),
        config: runtime.config,
      });
      let enqueue: (r: EnqueueRequest) => Promise<void>;
      let closeRunner: () => Promise<void>;
      if (runtime.env.REDIS_URL !== undefined) {
        const runner = new BullMqRunner({
          catalog: jobs,
          deps,
          logger: runtime.logger,
          redisUrl: runtime.env.REDIS_URL,
          prefix: options.queuePrefix,
        });
        enqueue = (r) => runner.enqueue(r.name, r.payload as never);
        closeRunner = () => runner.close();
      } else {
        const runner = new InlineRunner({ catalog: jobs, processors, deps, logger: runtime.logger });
        let draining: Promise<unknown> = Promise.resolve();
        enqueue = async (r) => {
          await runner.enqueue(r.name, r.payload as never);
          draining = draining.then(() => runner.drain());
        };
        closeRunner = () => draining.then(() => undefined);
      }
      const api = await startApiServer({
        logger: runtime.logger,
        port: options.port,
        host: options.host,
        webhooks: {
          secret,
          deliveries: databaseDeliveryStore(runtime.database.db),
          enqueue,
          logger: runtime.logger,
          now: () => new Date(),
          incidentLabel: runtime.config.incidents.label,
        },
      });
      process.stderr.write(`listening on ${api.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = async () => {
          await api.close();
          await closeRunner();
          await runtime.close();
          resolve();
        };
        process.once("SIGTERM", () => void stop());
        process.once("SIGINT", () => void stop());
      });
    });
}
