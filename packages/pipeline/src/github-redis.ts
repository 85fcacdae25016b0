import { type GitHubAuth, type RateBudget, readRateBudget } from "@yardstick/github";

/** One credential's budgets as the workers last saw them, named by hash and label (never the secret). */
export interface LabelledRateBudget {
  credential: string;
  label: string;
  resources: RateBudget[];
}

import type { Logger } from "@yardstick/log";
import { Redis } from "ioredis";

/**
 * The Redis connection through which worker processes share a GitHub token's rate budget
 * (`ThrottleOptions.redis`: Bottleneck clustered limiters and shared pauses). Like BullMQ's
 * worker connections, it reconnects forever and holds commands while Redis is away, so a Redis
 * restart delays GitHub requests instead of failing them.
 */
export function createGitHubRedis(redisUrl: string, logger: Logger): Redis {
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 10_000),
  });
  redis.on("error", (err) => logger.warn({ err }, "redis (GitHub budget) connection error"));
  return redis;
}

/**
 * What the status route shows of the GitHub budgets: what the workers last saw of each
 * configured credential (its hash and label, never the secret), read from the Redis they share. A reader, not a sharer: a command fails
 * within two seconds when Redis is away (the route then says the budget is unknown) instead of
 * being held.
 */
export function githubBudgetReader(
  redisUrl: string,
  credentials: readonly { auth: GitHubAuth; label: string }[],
  logger: Logger,
): { read: () => Promise<LabelledRateBudget[]>; close: () => void } {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 2000 });
  redis.on("error", (err) => logger.warn({ err }, "redis (GitHub budget reader) connection error"));
  return {
    read: async () =>
      Promise.all(
        credentials.map(async ({ auth, label }) => {
          const { credential, resources } = await readRateBudget(redis, auth);
          return { credential, label, resources };
        }),
      ),
    close: () => redis.disconnect(),
  };
}
