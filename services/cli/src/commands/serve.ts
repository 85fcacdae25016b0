import {
  type CredentialBudget,
  databaseDeliveryStore,
  type EnqueueRequest,
  githubWebUrl,
  newWebhookCounters,
  type OAuthSettings,
  type QueueDepth,
  startApiServer,
  type WebhookCounters,
  type WebhookDeps,
} from "@yardstick/api";
import { githubApiUrl, isRepositorySelected } from "@yardstick/config";
import { listRepositorySync } from "@yardstick/db";
import type { GitHubCredential } from "@yardstick/github";
import {
  BullMqRunner,
  checkReadiness,
  createPipelineDeps,
  type FailedJob,
  githubBudgetReader,
  githubObserver,
  InlineRunner,
  jobs,
  processors,
  scrape,
  serveTelemetry,
} from "@yardstick/pipeline";
import { type Command, Option } from "commander";
import { githubClientFor, githubCredentialsFor, openRuntime, type Runtime } from "../runtime.js";
import { dashboardLine, WEB_DIST } from "../web-bundle.js";

interface ServeOptions {
  port: number;
  host: string;
  queuePrefix: string;
  config?: string;
  databaseUrl?: string;
}

function webhookDeps(
  runtime: Runtime,
  secret: string,
  enqueue: (r: EnqueueRequest) => Promise<void>,
  counters: WebhookCounters,
): WebhookDeps {
  return {
    secret,
    // An organisation webhook delivers every repository's events: only the configured ones sync.
    inScope: (repo) => isRepositorySelected(runtime.config, repo),
    counters,
    deliveries: databaseDeliveryStore(runtime.database.db),
    enqueue,
    logger: runtime.logger,
    now: () => new Date(),
    incidentLabel: runtime.config.incidents.label,
  };
}

/** Signing in with GitHub, when an OAuth app is configured (GITHUB_OAUTH_CLIENT_ID and _SECRET). */
function oauthOf(runtime: Runtime): OAuthSettings | undefined {
  const { GITHUB_OAUTH_CLIENT_ID: clientId, GITHUB_OAUTH_CLIENT_SECRET: clientSecret } = runtime.env;
  if (clientId === undefined || clientSecret === undefined) return undefined;
  const apiUrl = githubApiUrl(runtime.env, runtime.config.github.apiUrl);
  return {
    clientId,
    clientSecret,
    apiUrl,
    webUrl: githubWebUrl(apiUrl),
    ...(runtime.env.YARDSTICK_PUBLIC_URL === undefined ? {} : { publicUrl: runtime.env.YARDSTICK_PUBLIC_URL }),
  };
}

/** `yardstick serve`: the HTTP API (read API, GitHub webhooks, health) until SIGTERM. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "Serve the dashboard at / and the API: the read API under /api/v1 (bearer tokens; OpenAPI at /api/v1/openapi.json), POST /webhooks/github (verified, validated, de-duplicated, enqueued), GET /healthz (alive), GET /readyz (database, Redis when REDIS_URL is set, migrations) and GET /metrics (Prometheus).",
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
Webhooks need GITHUB_WEBHOOK_SECRET (without it the route is off). With REDIS_URL, webhook jobs go
to the BullMQ workers; without it they run in this process, one after another. The read API needs
a token: \`yardstick token create --role viewer --name NAME\`.`,
    )
    .action(async (options: ServeOptions) => {
      const runtime = await openRuntime({
        configPath: options.config,
        databaseUrl: options.databaseUrl,
        service: "api",
      });
      const secret = runtime.env.GITHUB_WEBHOOK_SECRET;
      let webhooks: WebhookDeps | undefined;
      let closeRunner: () => Promise<void> = async () => {};
      let queues: (() => Promise<QueueDepth[]>) | undefined;
      let failedJobs: ((limit: number) => Promise<FailedJob[]>) | undefined;
      let pingRedis: (() => Promise<unknown>) | undefined;
      const counters = newWebhookCounters();
      if (runtime.env.REDIS_URL !== undefined) {
        // The queues' depths for the status route, and the producer for webhook jobs.
        const runner = new BullMqRunner({
          catalog: jobs,
          deps:
            secret === undefined
              ? null
              : createPipelineDeps({
                  db: runtime.database.db,
                  github: githubClientFor(runtime, undefined, { observer: githubObserver }),
                  config: runtime.config,
                }),
          logger: runtime.logger,
          redisUrl: runtime.env.REDIS_URL,
          prefix: options.queuePrefix,
        });
        closeRunner = async () => {
          await runner.close();
        };
        queues = () => runner.depths();
        failedJobs = (limit) => runner.recentFailures(limit);
        pingRedis = () => runner.ping();
        if (secret !== undefined) {
          webhooks = webhookDeps(runtime, secret, (r) => runner.enqueue(r.name, r.payload as never), counters);
        }
      } else if (secret !== undefined) {
        const deps = createPipelineDeps({
          db: runtime.database.db,
          github: githubClientFor(runtime, undefined, { observer: githubObserver }),
          config: runtime.config,
        });
        const runner = new InlineRunner({ catalog: jobs, processors, deps, logger: runtime.logger });
        let draining: Promise<unknown> = Promise.resolve();
        webhooks = webhookDeps(
          runtime,
          secret,
          async (r) => {
            await runner.enqueue(r.name, r.payload as never);
            draining = draining.then(() => runner.drain());
          },
          counters,
        );
        closeRunner = () => draining.then(() => undefined);
      }
      // The GitHub budgets the workers last saw (shared through Redis), for the status route.
      let rateBudget: (() => Promise<CredentialBudget[]>) | undefined;
      let closeBudget = () => {};
      const credentials = configuredCredentials(runtime);
      if (runtime.env.REDIS_URL !== undefined && credentials.length > 0) {
        const reader = githubBudgetReader(runtime.env.REDIS_URL, credentials, runtime.logger);
        rateBudget = reader.read;
        closeBudget = reader.close;
      }
      // Prometheus at GET /metrics: this process's counters (webhooks; inline jobs without Redis) and
      // the installation's state read at scrape time (queues and budgets with Redis, sync lag).
      serveTelemetry({
        ...(queues === undefined ? {} : { queues }),
        ...(rateBudget === undefined ? {} : { budgets: rateBudget }),
        syncs: () => listRepositorySync(runtime.database.db),
        logger: runtime.logger,
      });
      if (webhooks === undefined) {
        runtime.logger.warn(
          "GITHUB_WEBHOOK_SECRET is not set: POST /webhooks/github is off (set it to receive webhooks)",
        );
      }
      const api = await startApiServer({
        logger: runtime.logger,
        port: options.port,
        host: options.host,
        read: {
          db: runtime.database.db,
          config: runtime.config,
          ...(queues === undefined ? {} : { queues }),
          ...(failedJobs === undefined ? {} : { failedJobs }),
          ...(rateBudget === undefined ? {} : { rateBudget }),
          ...(webhooks === undefined ? {} : { webhookCounters: counters }),
          ...(oauthOf(runtime) === undefined ? {} : { oauth: oauthOf(runtime) }),
        },
        ...(webhooks === undefined ? {} : { webhooks }),
        metrics: scrape,
        readiness: () =>
          checkReadiness({ database: runtime.database, ...(pingRedis === undefined ? {} : { pingRedis }) }),
        web: { root: WEB_DIST },
      });
      process.stderr.write(`listening on ${api.url}\n${dashboardLine(api.url)}\n`);
      await new Promise<void>((resolve) => {
        const stop = async () => {
          await api.close();
          await closeRunner();
          closeBudget();
          await runtime.close();
          resolve();
        };
        process.once("SIGTERM", () => void stop());
        process.once("SIGINT", () => void stop());
      });
    });
}

/** The configured GitHub credentials, or none when none is set (the status then shows no budget). */
function configuredCredentials(runtime: Runtime): GitHubCredential[] {
  try {
    return githubCredentialsFor(runtime);
  } catch {
    return [];
  }
}
