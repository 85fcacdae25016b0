import type { RateLimit } from "../rate-limit.js";

/** What one yielded page cost: GraphQL points and calls (follow-up queries included), REST requests. */
export interface PageCost {
  graphqlPoints: number;
  graphqlCalls: number;
  restRequests: number;
  /** REST answers that were 304 Not Modified (GitHub does not charge them). */
  notModified: number;
}

export function newPageCost(): PageCost {
  return { graphqlPoints: 0, graphqlCalls: 0, restRequests: 0, notModified: 0 };
}

/** Fields every yielded page has. `rateLimit` is the budget after the page's last GraphQL call. */
export interface PageMeta {
  cost: PageCost;
  rateLimit: RateLimit | null;
}

export function charge(cost: PageCost, rateLimit: RateLimit | null): void {
  cost.graphqlCalls += 1;
  cost.graphqlPoints += rateLimit?.cost ?? 0;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export function fullName(ref: RepoRef): string {
  return `${ref.owner}/${ref.repo}`;
}
