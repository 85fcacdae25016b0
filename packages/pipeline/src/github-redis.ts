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
