import type { SimClock } from "./clock.js";

/** The rate-limit resources this simulator enforces (GitHub has more; the ingest uses these). */
export type RateResource = "core" | "graphql";

export interface RateWindow {
  limit: number;
  used: number;
  /** Epoch seconds at which the window resets. */
  reset: number;
}

export interface RateLimitOptions {
  /** Requests per hour per token on REST (GitHub: 5,000 for a user token). */
  restLimit: number;
  /** Points per hour per token on GraphQL (GitHub: 5,000). */
  graphqlLimit: number;
  /** Concurrent requests per token above which the secondary limit answers (GitHub: 100). */
  maxConcurrent: number;
  /** Status for an exhausted primary limit: GitHub answers 403, sometimes 429. */
  primaryStatus: 403 | 429;
  /** `retry-after` seconds sent with a secondary-limit answer. */
  secondaryRetryAfter: number;
  /**
   * Secondary limit on points per minute per token (GitHub: 900 for REST, where a GET costs 1,
   * and 2,000 for GraphQL, where a query costs 1). Off (Infinity) by default so that fast test
   * suites and benchmarks are not throttled; set GitHub's values to exercise back-off.
   */
  restPointsPerMinute: number;
  graphqlPointsPerMinute: number;
}

export const defaultRateLimitOptions: RateLimitOptions = {
  restLimit: 5_000,
  graphqlLimit: 5_000,
  maxConcurrent: 100,
  primaryStatus: 403,
  secondaryRetryAfter: 60,
  restPointsPerMinute: Number.POSITIVE_INFINITY,
  graphqlPointsPerMinute: Number.POSITIVE_INFINITY,
};

/** GitHub's documented secondary points-per-minute limits, for `rateLimits: { ...githubPointsPerMinute }`. */
export const githubPointsPerMinute = { restPointsPerMinute: 900, graphqlPointsPerMinute: 2_000 } as const;

const HOUR_MS = 3_600_000;

/**
 * Primary limits per token and resource over a fixed one-hour window that starts at the token's
 * first request (as GitHub's does), plus a per-token concurrency gauge for the secondary limit.
 */
export class RateLimiter {
  readonly #windows = new Map<string, RateWindow>();
  readonly #inFlight = new Map<string, number>();
  readonly #overrides = new Map<string, Partial<Record<RateResource, number>>>();
  readonly #minute = new Map<string, { minute: number; points: number }>();

  constructor(
    private readonly clock: SimClock,
    public options: RateLimitOptions,
  ) {}

  setTokenLimits(token: string, limits: Partial<Record<RateResource, number>>): void {
    this.#overrides.set(token, limits);
  }

  limitOf(token: string, resource: RateResource): number {
    const o = this.#overrides.get(token)?.[resource];
    if (o !== undefined) return o;
    return resource === "core" ? this.options.restLimit : this.options.graphqlLimit;
  }

  /** The current window (created or rolled over as needed). */
  window(token: string, resource: RateResource): RateWindow {
    const key = `${resource}\u0000${token}`;
    const nowMs = this.clock.now();
    let w = this.#windows.get(key);
    if (!w || w.reset * 1000 <= nowMs) {
      w = { limit: this.limitOf(token, resource), used: 0, reset: Math.ceil((nowMs + HOUR_MS) / 1000) };
      this.#windows.set(key, w);
    }
    return w;
  }

  remaining(w: RateWindow): number {
    return Math.max(0, w.limit - w.used);
  }

  /** Charges `cost` if the window allows it; false (and nothing charged) when it does not. */
  tryCharge(token: string, resource: RateResource, cost: number): { ok: boolean; window: RateWindow } {
    const w = this.window(token, resource);
    if (w.used + cost > w.limit) return { ok: false, window: w };
    w.used += cost;
    return { ok: true, window: w };
  }

  /** Exhausts a token's window (tests of limit handling without 5,000 requests). */
  exhaust(token: string, resource: RateResource): void {
    const w = this.window(token, resource);
    w.used = w.limit;
  }

  /**
   * Counts one point against the token's per-minute secondary limit for `resource`; false when
   * the minute's budget is spent (the request must be answered with a secondary limit).
   */
  takeMinutePoint(token: string, resource: RateResource): boolean {
    const budget = resource === "core" ? this.options.restPointsPerMinute : this.options.graphqlPointsPerMinute;
    if (!Number.isFinite(budget)) return true;
    const key = `${resource}\u0000${token}`;
    const minute = Math.floor(this.clock.now() / 60_000);
    let m = this.#minute.get(key);
    if (!m || m.minute !== minute) {
      m = { minute, points: 0 };
      this.#minute.set(key, m);
    }
    if (m.points >= budget) return false;
    m.points += 1;
    return true;
  }

  enter(token: string): number {
    const n = (this.#inFlight.get(token) ?? 0) + 1;
    this.#inFlight.set(token, n);
    return n;
  }

  leave(token: string): void {
    const n = (this.#inFlight.get(token) ?? 1) - 1;
    if (n <= 0) this.#inFlight.delete(token);
    else this.#inFlight.set(token, n);
  }

  reset(): void {
    this.#windows.clear();
    this.#minute.clear();
  }
}

export function rateHeaders(w: RateWindow, resource: RateResource): Record<string, string> {
  return {
    "x-ratelimit-limit": String(w.limit),
    "x-ratelimit-remaining": String(Math.max(0, w.limit - w.used)),
    "x-ratelimit-reset": String(w.reset),
    "x-ratelimit-used": String(w.used),
    "x-ratelimit-resource": resource,
  };
}
