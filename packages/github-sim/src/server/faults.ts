import { z } from "zod";
import { unitHash } from "./random.js";

export const FaultKind = z.enum(["500", "502", "503", "reset", "slow", "graphql-error", "secondary-limit"]);
export type FaultKind = z.infer<typeof FaultKind>;

const share = z.number().min(0).max(1);

/**
 * Faults injected on demand. Rates are shares of requests in [0, 1]; which requests fail is
 * decided by a hash of (seed, request number), so a run with the same seed and the same request
 * order fails the same requests. `queue` forces the next requests' faults, one per request.
 */
export const FaultConfig = z.object({
  /** Share of requests answered 500, 502 or 503 (equally likely). */
  serverErrorRate: share.default(0),
  /** Share of requests whose connection is reset (socket destroyed, no answer). */
  resetRate: share.default(0),
  /** Share of requests delayed by `slowMs` before being answered normally. */
  slowRate: share.default(0),
  slowMs: z.number().int().nonnegative().default(2_000),
  /** Share of GraphQL requests answered 200 with "Something went wrong while executing your query". */
  graphqlErrorRate: share.default(0),
  /** Share of requests answered with a secondary rate limit (403 + retry-after). */
  secondaryLimitRate: share.default(0),
  /** Only requests whose path matches this regular expression are faulted (e.g. "^/graphql"). */
  pathPattern: z.string().nullable().default(null),
  /** Faults forced on the next requests, in order (each consumed by one request). */
  queue: z.array(FaultKind).default([]),
});
export type FaultConfig = z.infer<typeof FaultConfig>;
export type FaultConfigInput = z.input<typeof FaultConfig>;

export class FaultInjector {
  config: FaultConfig;
  #n = 0;
  #pattern: RegExp | null = null;

  constructor(
    private readonly seed: number,
    config: FaultConfigInput = {},
  ) {
    this.config = FaultConfig.parse(config);
    this.#compile();
  }

  configure(patch: FaultConfigInput): FaultConfig {
    this.config = FaultConfig.parse({ ...this.config, ...patch });
    this.#compile();
    return this.config;
  }

  clear(): void {
    this.config = FaultConfig.parse({});
    this.#compile();
  }

  #compile(): void {
    this.#pattern = this.config.pathPattern ? new RegExp(this.config.pathPattern) : null;
  }

  /** The fault (if any) for the next request on `path`; each call counts as one request. */
  next(path: string, isGraphql: boolean): FaultKind | null {
    if (this.#pattern && !this.#pattern.test(path)) return null;
    const queued = this.config.queue.shift();
    if (queued) return queued;
    const n = this.#n++;
    const c = this.config;
    let r = unitHash(this.seed, n, 1);
    if (r < c.resetRate) return "reset";
    r -= c.resetRate;
    if (r < c.serverErrorRate)
      return (["500", "502", "503"] as const)[Math.floor(unitHash(this.seed, n, 2) * 3)] ?? "500";
    r -= c.serverErrorRate;
    if (r < c.secondaryLimitRate) return "secondary-limit";
    r -= c.secondaryLimitRate;
    if (isGraphql && r < c.graphqlErrorRate) return "graphql-error";
    if (unitHash(this.seed, n, 3) < c.slowRate) return "slow";
    return null;
  }
}
