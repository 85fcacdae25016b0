/**
 * Which of several GitHub credentials (tokens, App installations) a request should spend. Pure:
 * the caller gathers what it knows of each credential's budgets (its own responses, what other
 * workers published, the limits it hit) and the clock, and acts on the answer.
 *
 * A budget only goes down within its window (GitHub's GraphQL points and REST requests are
 * separate budgets, each with its own hourly window), so of several observations of one window
 * the lowest `remaining` is the best estimate, and an observation whose window has reset says
 * nothing any more. A credential never seen is assumed to have budget: trying it is how its
 * budget becomes known.
 */

/** One sight of a credential's budget for one resource: a response's rate-limit figures, or a limit hit. */
export interface BudgetObservation {
  remaining: number;
  /** When the window resets (epoch ms): after it, this observation no longer applies. */
  resetAtMs: number;
}

export interface CredentialCandidate {
  /** A stable id (a hash of the secret, never the secret). */
  id: string;
  /** The organisations (logins) this credential may read; null: any. An App installation reads only its own. */
  orgs: readonly string[] | null;
  /** What is known of its budget for the resource being chosen for ("graphql", "core"). */
  observations: readonly BudgetObservation[];
}

export type CredentialChoice =
  /** Spend this credential; `remaining` is its estimated budget (Infinity when unknown). */
  | { kind: "use"; id: string; remaining: number }
  /** Every credential that may read the account is dry: the earliest moment one of them resets. */
  | { kind: "wait"; untilMs: number; id: string }
  /** No configured credential may read the account. */
  | { kind: "none" };

/** The estimated budget left of one credential at `nowMs`: the lowest remaining of the windows not reset; Infinity when unknown. */
export function estimatedRemaining(observations: readonly BudgetObservation[], nowMs: number): number {
  let remaining = Number.POSITIVE_INFINITY;
  for (const o of observations) {
    if (o.resetAtMs > nowMs && o.remaining < remaining) remaining = o.remaining;
  }
  return remaining;
}

/** Until when a credential is dry (at most `reserve` left): the latest reset of the observations that say so; null when not dry. */
export function dryUntil(observations: readonly BudgetObservation[], nowMs: number, reserve = 0): number | null {
  let until: number | null = null;
  for (const o of observations) {
    if (o.resetAtMs > nowMs && o.remaining <= reserve && (until === null || o.resetAtMs > until)) until = o.resetAtMs;
  }
  return until;
}

/** Whether a credential may read `account` (an organisation or user login; null: a request about no account). */
export function mayRead(candidate: Pick<CredentialCandidate, "orgs">, account: string | null): boolean {
  if (candidate.orgs === null || account === null) return true;
  const wanted = account.toLowerCase();
  return candidate.orgs.some((org) => org.toLowerCase() === wanted);
}

/**
 * Chooses the credential to spend on a request about `account`: among those that may read it and
 * are not dry, the one with the most budget left (an unknown budget counts as the most, so every
 * credential gets tried; ties go to the earlier in the list), which spreads the work over all of
 * them instead of running one dry first. When all are dry, the earliest reset among them.
 */
export function chooseCredential(
  candidates: readonly CredentialCandidate[],
  request: { account: string | null; nowMs: number; reserve?: number },
): CredentialChoice {
  const reserve = request.reserve ?? 0;
  let best: { id: string; remaining: number } | null = null;
  let earliest: { id: string; untilMs: number } | null = null;
  let eligible = 0;
  for (const candidate of candidates) {
    if (!mayRead(candidate, request.account)) continue;
    eligible += 1;
    const until = dryUntil(candidate.observations, request.nowMs, reserve);
    if (until !== null) {
      if (earliest === null || until < earliest.untilMs) earliest = { id: candidate.id, untilMs: until };
      continue;
    }
    const remaining = estimatedRemaining(candidate.observations, request.nowMs);
    if (best === null || remaining > best.remaining) best = { id: candidate.id, remaining };
  }
  if (best !== null) return { kind: "use", id: best.id, remaining: best.remaining };
  if (eligible === 0 || earliest === null) return { kind: "none" };
  return { kind: "wait", untilMs: earliest.untilMs, id: earliest.id };
}
