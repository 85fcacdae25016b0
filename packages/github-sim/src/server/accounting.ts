/** What each token cost the simulator: read by tests and benchmarks, resettable. */
export interface TokenUsage {
  /** REST requests answered (and charged), 2xx-4xx other than those below. */
  restRequests: number;
  /** GraphQL requests executed. */
  graphqlRequests: number;
  /** GraphQL points charged (sum of each query's `rateLimit.cost`). */
  graphqlPoints: number;
  /** Conditional requests answered 304 (never charged). */
  notModified: number;
  /** Requests refused: 401, primary or secondary limit (403/429), GraphQL RATE_LIMITED. */
  rejected: number;
  /** Answers replaced by an injected fault (5xx, reset, GraphQL error). */
  faults: number;
  /** Git smart-HTTP requests (clone, fetch): not charged to any API budget, as on GitHub. */
  gitRequests: number;
}

export function emptyUsage(): TokenUsage {
  return {
    restRequests: 0,
    graphqlRequests: 0,
    graphqlPoints: 0,
    notModified: 0,
    rejected: 0,
    faults: 0,
    gitRequests: 0,
  };
}

export class Accounting {
  readonly #byToken = new Map<string, TokenUsage>();

  of(token: string): TokenUsage {
    let u = this.#byToken.get(token);
    if (!u) {
      u = emptyUsage();
      this.#byToken.set(token, u);
    }
    return u;
  }

  /** A copy of every token's usage (tokens are keys; `(none)` for requests without one). */
  snapshot(): Record<string, TokenUsage> {
    const out: Record<string, TokenUsage> = {};
    for (const [k, v] of this.#byToken) out[k] = { ...v };
    return out;
  }

  total(): TokenUsage {
    const t = emptyUsage();
    for (const u of this.#byToken.values()) {
      for (const k of Object.keys(t) as (keyof TokenUsage)[]) t[k] += u[k];
    }
    return t;
  }

  reset(): void {
    this.#byToken.clear();
  }
}
