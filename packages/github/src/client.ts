import { createHash } from "node:crypto";
import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { type ThrottlingOptions, throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { type Logger, redactUrl } from "@yardstick/log";
import Bottleneck from "bottleneck";
import { GitHubError, GitHubErrorCode, graphqlError, isNetworkError, toGitHubError } from "./errors.js";
import { RateLimit } from "./rate-limit.js";

/** Octokit with the throttling and retry plugins (typed as plain Octokit outside: nothing else needs their members). */
const YardstickOctokit = Octokit.plugin(throttling, retry);

/** A personal access token, or a GitHub App installation (its token is minted and refreshed by @octokit/auth-app). */
export type GitHubAuth =
  | { type: "token"; token: string }
  | { type: "app"; appId: number | string; privateKey: string; installationId: number };

export interface ThrottleOptions {
  /**
   * On a primary rate limit, wait for the reset when it is at most this far away (ms); otherwise
   * fail at once with a retryable `github.rate_limited` carrying `retryAfterMs`, so a queue can
   * pause instead of a worker sleeping. Default 60 s.
   */
  maxWaitMs?: number;
  /** Retries after a rate limit (primary or secondary) that was waited out. Default 3. */
  rateLimitRetries?: number;
  /** Retries of 5xx, "Something went wrong" and lost connections, backing off 1, 4, 9... × retryBaseMs. Default 3. */
  retries?: number;
  /** Backoff unit for server errors and lost connections (ms): waits of 1, 4, 9... units. Default 1000; tests shrink it. */
  retryBaseMs?: number;
  /** Minimum gap between GraphQL (and write) requests of one token, ms. GitHub advises 1 s. Default 1000. */
  graphqlMinTimeMs?: number;
  /** Secondary-limit wait when GitHub sends no `retry-after` (s). Default 60. */
  fallbackSecondaryRetryAfterS?: number;
  /**
   * An ioredis client (the worker's): shares one token's budget across every process using the
   * same Redis. The throttling plugin's limiters (at most 10 requests of a token in flight, the
   * GraphQL gap) become Bottleneck clustered limiters, and a secondary limit or an exhausted
   * budget seen by one process pauses the token's requests in all of them until GitHub's
   * `retry-after` or reset. The caller owns the client; `GitHubClient.close()` releases the rest.
   */
  redis?: SharedRedis;
}

/** What the shared budget needs of an ioredis client (`new Redis(url)` satisfies it). */
export interface SharedRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: "PX", ms: number): Promise<unknown>;
  hset(key: string, field: string, value: string): Promise<unknown>;
  hgetall(key: string): Promise<Record<string, string>>;
  pexpire(key: string, ms: number): Promise<unknown>;
  duplicate(): unknown;
}

/** A credential's budget at GitHub for one resource, as last seen in a response's rate-limit headers. */
export interface RateBudget {
  /** "core" (REST), "graphql", ... */
  resource: string;
  remaining: number;
  limit: number | null;
  resetAt: string;
  /** When a response last said so. */
  seenAt: string;
}

/**
 * What every process using a credential last saw of its budgets: the status route reads it.
 * `credential` is a hash of the token or App installation (never the secret itself).
 */
export async function readRateBudget(
  redis: { hgetall(key: string): Promise<Record<string, string>> },
  auth: GitHubAuth,
): Promise<{ credential: string; resources: RateBudget[] }> {
  const credential = credentialId(auth);
  const stored = await redis.hgetall(budgetKey(credential));
  const resources: RateBudget[] = [];
  for (const [resource, text] of Object.entries(stored).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    try {
      const v = JSON.parse(text) as Omit<RateBudget, "resource">;
      resources.push({ resource, remaining: v.remaining, limit: v.limit, resetAt: v.resetAt, seenAt: v.seenAt });
    } catch {
      // Written by this code only; anything else is skipped rather than shown.
    }
  }
  return { credential, resources };
}

/** How long a budget seen is kept for the status route after the last response that showed it. */
const BUDGET_KEPT_MS = 24 * 3_600_000;

/**
 * Told of every request the client sends and of the GraphQL points each query cost (the
 * workers' Prometheus counters). `credential` is the hash the shared budget uses, never the secret.
 */
export interface GitHubObserver {
  /** A request answered (`status`, 304 included) or not (`status` null: no answer). */
  request(event: { credential: string; resource: string; status: number | null }): void;
  graphqlPoints(event: { credential: string; cost: number }): void;
}

export interface GitHubClientOptions {
  /** REST base URL: https://api.github.com, https://ghes.example.com/api/v3, or the simulator's URL. */
  baseUrl?: string;
  auth: GitHubAuth;
  logger: Logger;
  userAgent?: string;
  throttle?: ThrottleOptions;
  /** Clock for rate-limit bookkeeping (ms). Default Date.now. */
  now?: () => number;
  /** Counts requests and points (metrics); absent: not counted. */
  observer?: GitHubObserver;
}

export interface GraphQLResult<T> {
  data: T;
  /** The query's own `rateLimit` block (every query of ours selects it), or null. */
  rateLimit: RateLimit | null;
}

export interface GitHubClient {
  readonly octokit: Octokit;
  readonly baseUrl: string;
  readonly graphqlUrl: string;
  readonly logger: Logger;
  /** Runs a query; GraphQL errors become a GitHubError (RATE_LIMITED and "Something went wrong" retryable). */
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  /** The last rate-limit headers seen, per resource ("core", "graphql", ...). */
  rateLimitState(): ReadonlyMap<string, { remaining: number; resetAtMs: number }>;
  /** Releases the shared-budget connection (its Redis subscriber), if any. */
  close(): Promise<void>;
}

export const DEFAULT_BASE_URL = "https://api.github.com";

/** The GraphQL endpoint of a REST base URL: `<base>/graphql`, or `/api/graphql` for GHES's `/api/v3`. */
export function graphqlUrlFor(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  if (/\/api\/v3$/.test(trimmed)) return trimmed.replace(/\/api\/v3$/, "/api/graphql");
  return `${trimmed}/graphql`;
}

/** Which rate-limit bucket a request draws from (GraphQL and REST are separate budgets). */
function resourceOf(url: string): string {
  return /\/graphql$/.test(new URL(url, "http://github.test").pathname) ? "graphql" : "core";
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A credential's stable id: a hash of the token or of the App installation, never the secret (`credential` in the status route). */
export function credentialId(auth: GitHubAuth): string {
  const raw = auth.type === "token" ? `token:${auth.token}` : `app:${auth.appId}:${auth.installationId}`;
  return createHash("sha256").update(raw).digest("hex").slice(0, 16);
}

/** The throttling plugin's limiter groups, keyed inside by token (see the plugin's defaults). */
interface LimiterGroups {
  global: Bottleneck.Group;
  auth: Bottleneck.Group;
  search: Bottleneck.Group;
  write: Bottleneck.Group;
  notifications: Bottleneck.Group;
}

function newGroups(minTime: number, connection: Bottleneck.IORedisConnection | undefined): LimiterGroups {
  const common = { timeout: 120_000, ...(connection === undefined ? {} : { connection }) };
  return {
    global: new Bottleneck.Group({ id: "yardstick-github-global", maxConcurrent: 10, ...common }),
    auth: new Bottleneck.Group({ id: "yardstick-github-auth", maxConcurrent: 1, ...common }),
    search: new Bottleneck.Group({ id: "yardstick-github-search", maxConcurrent: 1, minTime: 2000, ...common }),
    // GraphQL and writes: serialised with a minimum gap.
    write: new Bottleneck.Group({ id: `yardstick-github-write-${minTime}`, maxConcurrent: 1, minTime, ...common }),
    notifications: new Bottleneck.Group({
      id: "yardstick-github-notifications",
      maxConcurrent: 1,
      minTime: 3000,
      ...common,
    }),
  };
}

const localGroups = new Map<number, LimiterGroups>();

/** One process-wide set of groups per GraphQL gap, so clients of one token in a process share it. */
function processGroups(minTime: number): LimiterGroups {
  let groups = localGroups.get(minTime);
  if (groups === undefined) {
    groups = newGroups(minTime, undefined);
    localGroups.set(minTime, groups);
  }
  return groups;
}

/**
 * Bottleneck re-creates a clustered limiter's Redis keys when its scripts answer
 * `SETTINGS_KEY_NOT_FOUND` (Redis restarted empty, keys evicted) and re-registers a client on
 * `UNKNOWN_CLIENT`, but it compares the error message exactly, and Redis 7 prefixes script errors
 * ("ERR SETTINGS_KEY_NOT_FOUND script: ..."): every request would then fail for good. This passes
 * Bottleneck the bare code it expects (2.19.5's `__scriptArgs__`, covered by a test).
 */
function recoveringConnection(connection: Bottleneck.IORedisConnection): Bottleneck.IORedisConnection {
  const internal = connection as unknown as {
    __scriptArgs__: (
      name: string,
      id: string,
      args: unknown[],
      cb: (err: Error | null, r: unknown) => void,
    ) => unknown[];
  };
  const original = internal.__scriptArgs__.bind(connection);
  internal.__scriptArgs__ = (name, id, args, cb) =>
    original(name, id, args, (err, replies) => {
      const code = err === null ? null : /\b(SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT)\b/.exec(err.message)?.[1];
      if (err !== null && code != null) err.message = code;
      cb(err, replies);
    });
  return connection;
}

/** The Redis key holding until when (epoch ms) a token's requests wait, in every process. */
function pauseKey(id: string): string {
  return `yardstick:github:pause:${id}`;
}

function budgetKey(id: string): string {
  return `yardstick:github:budget:${id}`;
}

/**
 * The one way the product talks to GitHub. Built on @octokit/rest with:
 * - @octokit/plugin-throttling: a per-token queue (GraphQL serialised with a minimum gap), waits
 *   out `retry-after` (secondary limits) and `x-ratelimit-reset` (primary limits) when short;
 * - @octokit/plugin-retry: 5xx, lost connections and GraphQL "Something went wrong" retried with
 *   backoff; 4xx other than rate limits are final;
 * - a guard of ours: once a token is known to be exhausted, no request leaves until its reset;
 *   if the reset is further than `maxWaitMs`, the call fails with a retryable `github.rate_limited`
 *   carrying `retryAfterMs` (a BullMQ worker pauses the queue for that long). Every failure is a
 *   GitHubError.
 * The token never reaches a log line: requests are logged as method, path, status and duration.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const graphqlUrl = graphqlUrlFor(baseUrl);
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ component: "github", baseUrl: redactUrl(baseUrl) });
  const t = options.throttle ?? {};
  const maxWaitMs = t.maxWaitMs ?? 60_000;
  const rateLimitRetries = t.rateLimitRetries ?? 3;
  const retries = t.retries ?? 3;
  const retryBaseMs = t.retryBaseMs ?? 1000;
  const id = credentialId(options.auth);
  const limits = new Map<string, { remaining: number; resetAtMs: number }>();
  const observer = options.observer;
  /** An observer's failure never fails a request. */
  const observe = (event: Parameters<GitHubObserver["request"]>[0]) => {
    try {
      observer?.request(event);
    } catch (err) {
      logger.debug({ err }, "GitHub request observer failed");
    }
  };

  const redis = t.redis;
  const connection =
    redis === undefined ? undefined : recoveringConnection(new Bottleneck.IORedisConnection({ client: redis }));
  connection?.on("error", (err: unknown) => logger.warn({ err }, "GitHub shared budget: Redis error"));
  const groups =
    connection === undefined
      ? processGroups(t.graphqlMinTimeMs ?? 1000)
      : newGroups(t.graphqlMinTimeMs ?? 1000, connection);
  /** Tells every process sharing the Redis to hold this token's requests until `untilMs`. */
  const sharePause = (untilMs: number) => {
    if (redis === undefined) return;
    const ms = Math.max(1, Math.ceil(untilMs - now()));
    redis.set(pauseKey(id), String(untilMs), "PX", ms).catch((err: unknown) => {
      logger.warn({ err }, "GitHub shared budget: could not share a pause");
    });
  };

  const onLimit =
    (kind: "primary" | "secondary") =>
    (retryAfterS: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const waitMs = retryAfterS * 1000;
      sharePause(now() + waitMs);
      const wait = waitMs <= maxWaitMs && retryCount < rateLimitRetries;
      logger.warn(
        { kind, method: request.method, url: request.url, retryAfterS, retryCount, willWait: wait },
        wait ? "GitHub rate limit: waiting before retrying" : "GitHub rate limit: giving up for now",
      );
      return wait;
    };

  const authOptions =
    options.auth.type === "token"
      ? { auth: options.auth.token }
      : {
          authStrategy: createAppAuth,
          auth: {
            appId: options.auth.appId,
            privateKey: options.auth.privateKey,
            installationId: options.auth.installationId,
          },
        };

  const octokit = new YardstickOctokit({
    ...authOptions,
    baseUrl,
    userAgent: options.userAgent ?? "yardstick",
    log: {
      debug: (message: string) => logger.debug(message),
      info: (message: string) => logger.info(message),
      warn: (message: string) => logger.warn(message),
      // Octokit logs a failed request as "POST /graphql - 500 with id UNKNOWN" even when no
      // answer came (a refused connection); the wrapper below says what failed and the caller
      // decides how loud it is.
      error: (message: string) => logger.debug(message),
    },
    throttle: {
      id,
      // GitHub's retry-after and reset are honoured as given, in real seconds.
      retryAfterBaseValue: 1000,
      fallbackSecondaryRateRetryAfter: t.fallbackSecondaryRetryAfterS ?? 60,
      // Our own groups (per Redis connection when shared): the plugin's would be created once per
      // process from the first client's settings.
      ...groups,
      // Clustered jobs expire (60 s) so a process that dies mid-request never holds the limiter.
      ...(connection === undefined ? {} : { clustering: true }),
      onRateLimit: onLimit("primary"),
      onSecondaryRateLimit: onLimit("secondary"),
    } as ThrottlingOptions,
    retry: {
      retries,
      retryAfterBaseValue: retryBaseMs,
      // 429 is a rate limit: the throttling plugin decides whether to wait, never blind retries.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
  });

  const record = (url: string, headers: Record<string, string | number | undefined> | undefined) => {
    const remaining = headers?.["x-ratelimit-remaining"];
    const reset = headers?.["x-ratelimit-reset"];
    if (remaining === undefined || reset === undefined) return;
    const resource = String(headers?.["x-ratelimit-resource"] ?? resourceOf(url));
    limits.set(resource, { remaining: Number(remaining), resetAtMs: Number(reset) * 1000 });
    if (Number(remaining) <= 0 && Number(reset) * 1000 > now()) sharePause(Number(reset) * 1000 + 1000);
    shareBudget(resource, Number(remaining), headers?.["x-ratelimit-limit"], Number(reset) * 1000);
  };

  /** Publishes the budget seen (for the status route of any process sharing the Redis); best effort. */
  const shareBudget = (resource: string, remaining: number, limit: string | number | undefined, resetAtMs: number) => {
    if (redis === undefined || !Number.isFinite(remaining) || !Number.isFinite(resetAtMs)) return;
    const seen = JSON.stringify({
      remaining,
      limit: limit === undefined || !Number.isFinite(Number(limit)) ? null : Number(limit),
      resetAt: new Date(resetAtMs).toISOString(),
      seenAt: new Date(now()).toISOString(),
    });
    const key = budgetKey(id);
    redis
      .hset(key, resource, seen)
      .then(() => redis.pexpire(key, BUDGET_KEPT_MS))
      .catch((err: unknown) => logger.warn({ err }, "GitHub shared budget: could not publish the budget seen"));
  };

  /** Waits out a pause another process (or this one) shared for this token; too long a wait fails retryable. */
  const sharedPause = async (method: string, path: string) => {
    if (redis === undefined) return;
    let until: number;
    try {
      until = Number((await redis.get(pauseKey(id))) ?? 0);
    } catch (err) {
      logger.warn({ err }, "GitHub shared budget: could not read the pause");
      return;
    }
    const waitMs = until - now();
    if (!(waitMs > 0)) return;
    if (waitMs > maxWaitMs) {
      throw new GitHubError(
        GitHubErrorCode.rateLimited,
        `GitHub asked this token to wait until ${new Date(until).toISOString()} (seen by another process): not sending ${method} ${path}`,
        { retryable: true, retryAfterMs: waitMs, request: `${method} ${path}` },
      );
    }
    logger.warn({ waitMs, method, path }, "GitHub rate limit seen by another process: waiting");
    await sleep(waitMs);
  };

  // Outermost wrapper: the exhausted-token guard, network retries the plugins miss (a body cut
  // mid-read), bookkeeping, logging, and translation of every failure into a GitHubError.
  octokit.hook.wrap("request", async (request, requestOptions) => {
    const url = String(requestOptions.url);
    const resource = resourceOf(url);
    const method = String(requestOptions.method);
    const path = new URL(url, baseUrl).pathname;
    await sharedPause(method, path);
    for (let attempt = 0; ; attempt++) {
      const limit = limits.get(resource);
      if (limit !== undefined && limit.remaining <= 0 && limit.resetAtMs > now()) {
        const waitMs = limit.resetAtMs - now() + 1000;
        if (waitMs > maxWaitMs) {
          throw new GitHubError(
            GitHubErrorCode.rateLimited,
            `GitHub ${resource} rate limit exhausted until ${new Date(limit.resetAtMs).toISOString()}: not sending ${method} ${path}`,
            { retryable: true, retryAfterMs: waitMs, request: `${method} ${path}` },
          );
        }
        logger.warn({ resource, waitMs, method, path }, "GitHub rate limit exhausted: waiting for the reset");
        await sleep(waitMs);
        limits.delete(resource);
      }
      const started = performance.now();
      try {
        const response = await request(requestOptions);
        observe({ credential: id, resource, status: response.status });
        record(url, response.headers);
        logger.debug(
          { method, path, status: response.status, ms: Math.round(performance.now() - started) },
          "github request",
        );
        return response;
      } catch (error) {
        const headers = (error as { response?: { headers?: Record<string, string | number | undefined> } }).response
          ?.headers;
        const status = (error as { status?: unknown }).status;
        observe({ credential: id, resource, status: typeof status === "number" && status > 0 ? status : null });
        record(url, headers);
        const translated = toGitHubError(error, now());
        const rawNetwork = isNetworkError(error) && (error as { status?: unknown }).status === undefined;
        if (rawNetwork && attempt < retries) {
          const backoff = (attempt + 1) ** 2 * retryBaseMs;
          logger.warn({ method, path, attempt, backoff }, "GitHub connection lost: retrying");
          await sleep(backoff);
          continue;
        }
        if (translated.code !== GitHubErrorCode.notModified) {
          logger.debug(
            {
              method,
              path,
              code: translated.code,
              status: translated.status,
              ms: Math.round(performance.now() - started),
            },
            "github request failed",
          );
        }
        throw translated;
      }
    }
  });

  return {
    octokit,
    baseUrl,
    graphqlUrl,
    logger,
    rateLimitState: () => limits,
    async close() {
      if (connection === undefined) return;
      for (const group of Object.values(groups)) await group.disconnect(false);
      await connection.disconnect(false);
    },
    async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
      const response = await octokit.request({ method: "POST", url: graphqlUrl, query, variables });
      const body = response.data as { data?: unknown; errors?: unknown };
      const headers = response.headers as Record<string, string | number | undefined>;
      if (Array.isArray(body.errors) && body.errors.length > 0) {
        throw graphqlError(body.errors, { headers, now: now(), request: `POST ${new URL(graphqlUrl).pathname}` });
      }
      if (typeof body.data !== "object" || body.data === null) {
        throw new GitHubError(GitHubErrorCode.unexpectedResponse, "GitHub GraphQL answered without data", {
          retryable: true,
          status: response.status,
        });
      }
      const rawLimit = (body.data as { rateLimit?: unknown }).rateLimit;
      const parsed = rawLimit === undefined ? null : RateLimit.safeParse(rawLimit);
      const rateLimit = parsed?.success ? parsed.data : null;
      if (rateLimit !== null) {
        limits.set("graphql", { remaining: rateLimit.remaining, resetAtMs: rateLimit.resetAt.getTime() });
        try {
          observer?.graphqlPoints({ credential: id, cost: rateLimit.cost });
        } catch (err) {
          logger.debug({ err }, "GitHub points observer failed");
        }
      }
      return { data: body.data as T, rateLimit };
    },
  };
}
