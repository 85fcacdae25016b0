import {
  type Config,
  configuredAccounts,
  type Env,
  githubApiUrl,
  loadConfig,
  parseEnv,
  resolveGitHubCredentials,
} from "@yardstick/config";
import { InputError } from "@yardstick/core";
import { type DatabaseHandle, DEFAULT_DATABASE_URL, migrateDatabase, openDatabase } from "@yardstick/db";
import {
  createGitHubClient,
  createGitHubPool,
  type GitHubAuth,
  type GitHubClient,
  type GitHubCredential,
  type GitHubObserver,
  type ThrottleOptions,
} from "@yardstick/github";
import { createLogger, type Logger } from "@yardstick/log";
import { type DemoMarker, findDemo } from "./demo-data.js";

type EnvSource = Readonly<Record<string, string | undefined>>;

/** What a command that does real work needs: configuration, environment, logger, database, GitHub. */
export interface Runtime {
  config: Config;
  configPath: string | null;
  env: Env;
  logger: Logger;
  database: DatabaseHandle;
  /**
   * Set when the command reads the zero-setup demo's figures (`readsDemo` and nothing else
   * configured): what the demo ran with, so defaults (weeks, title) follow the run's own.
   */
  demo: DemoMarker | null;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  configPath?: string | undefined;
  databaseUrl?: string | undefined;
  env?: EnvSource;
  cwd?: string;
  service?: string;
  /** Override the configuration (the demo builds one for its simulated organisation). */
  config?: Config;
  /**
   * A reading command (`metrics`, `report`, `digest`): with no configuration file, no
   * YARDSTICK_CONFIG, no --database-url and no DATABASE_URL, it reads the demo `yardstick run`
   * left in `.yardstick/demo` (its database and configuration), saying so on standard error.
   */
  readsDemo?: boolean;
}

/** Loads config and env (exit 2 on mistakes), opens and migrates the database (exit 3 when unreachable). */
export async function openRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const source = options.env ?? process.env;
  const env = parseEnv(source);
  const loaded =
    options.config === undefined
      ? await loadConfig({ path: options.configPath, cwd: options.cwd ?? process.cwd(), env: source })
      : { config: options.config, path: null };
  // Interactive commands keep standard error for the progress bar and problems unless LOG_LEVEL
  // says otherwise; long-running services (worker, api) log at the environment's level (info).
  const service = options.service ?? "cli";
  const level = service === "cli" && source.LOG_LEVEL === undefined ? "warn" : env.LOG_LEVEL;
  const logger = createLogger({ service, level });
  const explicitDatabase = options.databaseUrl ?? env.DATABASE_URL;
  const demo =
    options.readsDemo === true && options.config === undefined && loaded.path === null && explicitDatabase === undefined
      ? findDemo(options.cwd ?? process.cwd())
      : null;
  if (demo !== null) {
    process.stderr.write(
      `No configuration file and no DATABASE_URL: reading the demo's simulated organisation (${demo.dataDir}, figures of ${demo.marker.from} to ${demo.marker.to} computed ${demo.marker.ranAt}). Run \`yardstick init\` to measure your own.\n`,
    );
  }
  const database = await openDatabase({
    url: demo !== null ? `pglite:${demo.dataDir}` : (explicitDatabase ?? DEFAULT_DATABASE_URL),
  });
  const migrated = await migrateDatabase(database);
  for (const warning of migrated.warnings) logger.warn({ applied: migrated.applied }, warning);
  return {
    config: demo?.config ?? loaded.config,
    configPath: loaded.path,
    env,
    logger,
    database,
    demo: demo?.marker ?? null,
    close: () => database.close(),
  };
}

/**
 * Throttle settings from the environment. `YARDSTICK_GITHUB_MIN_TIME_MS`: the minimum gap between
 * GraphQL requests of one token (default 1000, as GitHub advises); tests against the simulator set 0.
 */
export function githubThrottleFromEnv(source: EnvSource = process.env): ThrottleOptions {
  const raw = source.YARDSTICK_GITHUB_MIN_TIME_MS;
  if (raw === undefined || raw === "") return {};
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
    throw new InputError("config.env-invalid", "bad YARDSTICK_GITHUB_MIN_TIME_MS", [
      {
        path: "YARDSTICK_GITHUB_MIN_TIME_MS",
        message: `not a whole number of milliseconds: ${JSON.stringify(raw)}`,
        example: "YARDSTICK_GITHUB_MIN_TIME_MS=1000",
      },
    ]);
  }
  return { graphqlMinTimeMs: value };
}

/**
 * The configured GitHub credentials (tokens, App installations), as the client takes them, each
 * with its label and the organisations it may read; every configured organisation must be
 * readable by one of them. Throws when none is set.
 */
export function githubCredentialsFor(runtime: Pick<Runtime, "config" | "env">, demoToken?: string): GitHubCredential[] {
  const apiUrl = githubApiUrl(runtime.env, runtime.config.github.apiUrl);
  const specs = resolveGitHubCredentials(runtime.env, {
    apiUrl,
    organizations: configuredAccounts(runtime.config.github),
    ...(demoToken === undefined ? {} : { demoToken }),
  });
  return specs.map(({ auth, label, orgs }) => ({
    auth:
      auth.kind === "token"
        ? { type: "token", token: auth.token }
        : { type: "app", appId: auth.appId, privateKey: auth.privateKey, installationId: auth.installationId },
    label,
    orgs,
  }));
}

/** The first configured GitHub credential (token or App installation), as the client takes it. Throws when none is set. */
export function githubAuthFor(runtime: Pick<Runtime, "config" | "env">, demoToken?: string): GitHubAuth {
  return (githubCredentialsFor(runtime, demoToken)[0] as GitHubCredential).auth;
}

/**
 * A GitHub client for the configured API (GitHub, GHES or the simulator) with the environment's
 * credentials: one credential's client, or, with several, a pool that spreads the requests over
 * them and goes on with the others when one runs dry (`createGitHubPool`).
 */
export function githubClientFor(
  runtime: Pick<Runtime, "config" | "env" | "logger">,
  demoToken?: string,
  options: { redis?: ThrottleOptions["redis"]; throttle?: ThrottleOptions; observer?: GitHubObserver } = {},
): GitHubClient {
  const apiUrl = githubApiUrl(runtime.env, runtime.config.github.apiUrl);
  const credentials = githubCredentialsFor(runtime, demoToken);
  // With Redis (the worker), every process shares each credential's budget and pauses.
  const throttle = {
    ...githubThrottleFromEnv(),
    ...options.throttle,
    ...(options.redis === undefined ? {} : { redis: options.redis }),
  };
  const logger = runtime.logger.child({ component: "github" });
  const observer = options.observer === undefined ? {} : { observer: options.observer };
  if (credentials.length === 1) {
    const auth = (credentials[0] as GitHubCredential).auth;
    return createGitHubClient({ baseUrl: apiUrl, auth, logger, throttle, ...observer });
  }
  return createGitHubPool({ baseUrl: apiUrl, credentials, logger, throttle, ...observer });
}
