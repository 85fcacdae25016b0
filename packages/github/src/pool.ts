import { Octokit } from "@octokit/rest";
import { type BudgetObservation, type CredentialCandidate, chooseCredential } from "@yardstick/core";
import type { Logger } from "@yardstick/log";
import {
  createGitHubClient,
  credentialId,
  DEFAULT_BASE_URL,
  type GitHubAuth,
  type GitHubClient,
  type GitHubObserver,
  type GraphQLResult,
  graphqlUrlFor,
  readRateBudget,
  type ThrottleOptions,
} from "./client.js";
import { GitHubError, GitHubErrorCode, isGitHubError } from "./errors.js";

/** One credential of several: its auth, a label for people (never the secret), the organisations it may read. */
export interface GitHubCredential {
  auth: GitHubAuth;
  /** How the status route and the logs name it ("GITHUB_TOKENS#2", "app 12 installation 34"). */
  label: string;
  /** Organisations (logins) it may read; null: any (a token). An App installation reads only its own. */
  orgs: readonly string[] | null;
}

export interface GitHubPoolOptions {
  baseUrl?: string;
  credentials: readonly GitHubCredential[];
  logger: Logger;
  userAgent?: string;
  /**
   * As for one client. `maxWaitMs` is the pool's: how long a request waits when every credential
   * that may serve it is dry (the earliest reset); a member never waits for its own reset while
   * another has budget. With `redis`, every member shares its budget and pauses across processes,
   * and the choice reads what the other processes saw of each credential.
   */
  throttle?: ThrottleOptions;
  now?: () => number;
  /** Counts each member's requests and points, by credential hash (metrics); absent: not counted. */
  observer?: GitHubObserver;
}

/** A member of the pool, as the status route and tests see it. */
export interface PoolMember {
  /** The credential's stable hash (`yardstick:github:budget:<id>` in Redis). */
  id: string;
  label: string;
  orgs: readonly string[] | null;
  client: GitHubClient;
}

export interface GitHubPool extends GitHubClient {
  readonly members: readonly PoolMember[];
}

/** How long what other processes published of the budgets is reused before it is read again (ms). */
const SHARED_READ_MS = 250;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The organisation or user a request is about: `owner`/`org` parameters, or a `/repos/OWNER/…`, `/orgs/ORG/…` path. */
export function accountOfRequest(params: Record<string, unknown>): string | null {
  for (const name of ["owner", "org", "login"]) {
    const value = params[name];
    if (typeof value === "string" && value !== "") return value;
  }
  const url = params.url;
  if (typeof url !== "string") return null;
  const path = url.replace(/^[A-Z]+\s+/, "");
  const match = /^(?:https?:\/\/[^/]+)?(?:\/api\/v3)?\/(?:repos|orgs|users)\/([^/?{}]+)/.exec(path);
  if (match?.[1] === undefined) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/**
 * Several credentials (tokens, App installations) used together as one `GitHubClient`. Each
 * request goes to the credential with the most budget left for its resource (GraphQL points and
 * REST requests are separate budgets) among those that may read its organisation (the pure
 * `chooseCredential`); when that credential turns out to be dry (a rate limit, a secondary limit,
 * a pause another process shared), the same request goes to the next one, so a sync goes on with
 * the others. Only when every credential that may serve it is dry does it wait for the earliest
 * reset, or, if that is further than `maxWaitMs`, fail with a retryable `github.rate_limited`
 * carrying `retryAfterMs` (a BullMQ worker then pauses the queue for that long).
 */
export function createGitHubPool(options: GitHubPoolOptions): GitHubPool {
  if (options.credentials.length === 0) throw new Error("createGitHubPool: no credentials");
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ component: "github-pool" });
  const t = options.throttle ?? {};
  const maxWaitMs = t.maxWaitMs ?? 60_000;
  const redis = t.redis;
  const members: PoolMember[] = [];
  const seenIds = new Set<string>();
  for (const credential of options.credentials) {
    const id = credentialId(credential.auth);
    if (seenIds.has(id)) throw new Error(`createGitHubPool: ${credential.label} is given twice`);
    seenIds.add(id);
    members.push({
      id,
      label: credential.label,
      orgs: credential.orgs,
      client: createGitHubClient({
        baseUrl,
        auth: credential.auth,
        logger: options.logger.child({ credential: id, label: credential.label }),
        ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
        // A member fails at once when its credential is dry; the pool decides (another credential, or a wait).
        throttle: { ...t, maxWaitMs: 0 },
        now,
        ...(options.observer === undefined ? {} : { observer: options.observer }),
      }),
    });
  }
  const byId = new Map(members.map((m) => [m.id, m]));
  const auths = options.credentials.map((c) => c.auth);

  /** Limits the pool met per member and resource: dry until then. */
  const hits = new Map<string, BudgetObservation>();
  let shared: { atMs: number; budgets: Map<string, Map<string, BudgetObservation>> } | null = null;

  /** What every process sharing the Redis last saw of each credential (best effort: none when Redis fails). */
  const sharedBudgets = async (): Promise<Map<string, Map<string, BudgetObservation>>> => {
    if (redis === undefined) return new Map();
    if (shared !== null && now() - shared.atMs < SHARED_READ_MS) return shared.budgets;
    const budgets = new Map<string, Map<string, BudgetObservation>>();
    try {
      const read = await Promise.all(auths.map((auth) => readRateBudget(redis, auth)));
      for (const { credential, resources } of read) {
        budgets.set(
          credential,
          new Map(resources.map((r) => [r.resource, { remaining: r.remaining, resetAtMs: Date.parse(r.resetAt) }])),
        );
      }
    } catch (err) {
      logger.warn({ err }, "GitHub pool: could not read the shared budgets");
    }
    shared = { atMs: now(), budgets };
    return budgets;
  };

  const candidates = async (resource: string): Promise<CredentialCandidate[]> => {
    const fromRedis = await sharedBudgets();
    return members.map((m) => {
      const observations: BudgetObservation[] = [];
      const local = m.client.rateLimitState().get(resource);
      if (local !== undefined) observations.push({ remaining: local.remaining, resetAtMs: local.resetAtMs });
      const seen = fromRedis.get(m.id)?.get(resource);
      if (seen !== undefined && Number.isFinite(seen.resetAtMs)) observations.push(seen);
      const hit = hits.get(`${m.id}\u0000${resource}`);
      if (hit !== undefined) observations.push(hit);
      return { id: m.id, orgs: m.orgs, observations };
    });
  };

  /** Runs `call` on the chosen member, moving on to another when the one chosen is dry. */
  const route = async <T>(resource: string, account: string | null, call: (client: GitHubClient) => Promise<T>) => {
    const limit = members.length * 3 + 3;
    for (let attempt = 0; ; attempt++) {
      const choice = chooseCredential(await candidates(resource), { account, nowMs: now() });
      if (choice.kind === "none") {
        throw new GitHubError(
          GitHubErrorCode.forbidden,
          `No configured GitHub credential may read ${JSON.stringify(account)}: give a token or an App installation for it (GITHUB_TOKENS, GITHUB_APP_INSTALLATION_ID)`,
          { retryable: false },
        );
      }
      if (attempt >= limit) {
        // Credentials keep refusing for moments only (secondary limits, skewed clocks): let the
        // runner retry the job a little later instead of spinning here.
        throw new GitHubError(
          GitHubErrorCode.rateLimited,
          `Every GitHub credential that may read ${account ?? "this"} refused ${resource} requests ${attempt} times in a row`,
          { retryable: true, retryAfterMs: 5_000 },
        );
      }
      if (choice.kind === "wait") {
        const until = choice.untilMs;
        const waitMs = Math.max(0, until - now());
        if (waitMs > maxWaitMs) {
          throw new GitHubError(
            GitHubErrorCode.rateLimited,
            `Every GitHub credential that may read ${account ?? "this"} is out of ${resource} budget until ${new Date(until).toISOString()}`,
            { retryable: true, retryAfterMs: waitMs },
          );
        }
        logger.warn({ resource, waitMs }, "GitHub pool: every credential is dry; waiting for the earliest reset");
        await sleep(waitMs);
        continue;
      }
      const member = byId.get(choice.id) as PoolMember;
      try {
        return await call(member.client);
      } catch (error) {
        const limited =
          isGitHubError(error) &&
          (error.code === GitHubErrorCode.rateLimited || error.code === GitHubErrorCode.secondaryRateLimit);
        if (!limited) throw error;
        const resetAtMs = now() + Math.max(1000, error.retryAfterMs ?? 60_000);
        hits.set(`${member.id}\u0000${resource}`, { remaining: 0, resetAtMs });
        logger.info(
          { credential: member.id, label: member.label, resource, until: new Date(resetAtMs).toISOString() },
          "GitHub pool: a credential ran dry; going on with the others",
        );
      }
    }
  };

  // The REST face: an Octokit whose every request is routed to a member's (its throttling, retries
  // and bookkeeping), so fetchers that call `client.octokit.request` need not know about the pool.
  const front = new Octokit({ baseUrl, userAgent: options.userAgent ?? "yardstick" });
  front.hook.wrap("request", async (_request, requestOptions) => {
    const { request: perRequest, ...rest } = requestOptions as Record<string, unknown> & {
      request?: Record<string, unknown>;
    };
    // The front's own hook must not travel: the member's defaults supply the member's.
    const { hook: _hook, ...ownRequest } = perRequest ?? {};
    const account = accountOfRequest(rest);
    const resource = /\/graphql$/.test(String(rest.url).split("?")[0] ?? "") ? "graphql" : "core";
    return route(resource, account, (client) =>
      // The endpoint options as Octokit merged them (method, url, headers, parameters): typed by route only.
      client.octokit.request({ ...rest, request: ownRequest } as never),
    );
  });

  return {
    members,
    octokit: front,
    baseUrl,
    graphqlUrl: graphqlUrlFor(baseUrl),
    logger,
    graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
      return route("graphql", accountOfRequest(variables), (client) => client.graphql<T>(query, variables));
    },
    rateLimitState() {
      // The budget left over all credentials, per resource, with the earliest reset.
      const total = new Map<string, { remaining: number; resetAtMs: number }>();
      for (const m of members) {
        for (const [resource, state] of m.client.rateLimitState()) {
          const sum = total.get(resource);
          total.set(
            resource,
            sum === undefined
              ? { ...state }
              : { remaining: sum.remaining + state.remaining, resetAtMs: Math.min(sum.resetAtMs, state.resetAtMs) },
          );
        }
      }
      return total;
    },
    async close() {
      for (const m of members) await m.client.close();
    },
  };
}
