import { z } from "zod";

/** GraphQL's `rateLimit { cost remaining resetAt limit }`, which every query of ours selects. */
export const RateLimit = z.object({
  cost: z.number().int().nonnegative(),
  remaining: z.number().int(),
  resetAt: z.coerce.date(),
  limit: z.number().int().nonnegative().optional(),
});
export type RateLimit = z.infer<typeof RateLimit>;

/** The GraphQL selection every query includes, so each page reports what it cost. */
export const RATE_LIMIT_FIELDS = "rateLimit { cost remaining resetAt limit }";

/** What a sequence of calls cost: GraphQL points and REST requests, with the latest budget seen. */
export interface CostTally {
  graphqlPoints: number;
  graphqlCalls: number;
  restRequests: number;
  latest: RateLimit | null;
}

export function emptyTally(): CostTally {
  return { graphqlPoints: 0, graphqlCalls: 0, restRequests: 0, latest: null };
}

export function addGraphqlCost(tally: CostTally, rateLimit: RateLimit | null): void {
  tally.graphqlCalls += 1;
  if (rateLimit === null) return;
  tally.graphqlPoints += rateLimit.cost;
  tally.latest = rateLimit;
}
