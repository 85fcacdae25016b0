import { AppError } from "@yardstick/core";

/**
 * Stable codes of GitHub failures. A job runner branches on `retryable` and `retryAfterMs`,
 * never on the message.
 */
export const GitHubErrorCode = {
  rateLimited: "github.rate_limited",
  secondaryRateLimit: "github.secondary_rate_limit",
  serverError: "github.server_error",
  network: "github.network",
  notFound: "github.not_found",
  unauthorized: "github.unauthorized",
  forbidden: "github.forbidden",
  notModified: "github.not_modified",
  invalidRequest: "github.invalid_request",
  graphql: "github.graphql",
  unexpectedResponse: "github.unexpected_response",
} as const;
export type GitHubErrorCode = (typeof GitHubErrorCode)[keyof typeof GitHubErrorCode];

export interface GitHubErrorOptions {
  retryable: boolean;
  status?: number | null;
  retryAfterMs?: number | null;
  /** "METHOD path" of the request, never with its headers. */
  request?: string | null;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/** A failure talking to GitHub, translated at the edge from Octokit's RequestError or a GraphQL error body. */
export class GitHubError extends AppError {
  override readonly code: GitHubErrorCode;
  readonly status: number | null;
  /** How long GitHub asked us to wait (retry-after, or until x-ratelimit-reset), when known. */
  readonly retryAfterMs: number | null;
  readonly request: string | null;

  constructor(code: GitHubErrorCode, message: string, options: GitHubErrorOptions) {
    super(code, message, {
      retryable: options.retryable,
      cause: options.cause,
      details: {
        ...options.details,
        status: options.status ?? null,
        retryAfterMs: options.retryAfterMs ?? null,
        request: options.request ?? null,
      },
    });
    this.code = code;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.request = options.request ?? null;
  }
}

export function isGitHubError(error: unknown): error is GitHubError {
  return error instanceof GitHubError;
}

type Headers = Record<string, string | number | undefined>;

/** The fields of Octokit's RequestError we read (duck-typed: it is not a dependency of ours). */
interface RequestErrorLike {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Headers; data?: unknown };
}

function isRequestErrorLike(error: unknown): error is RequestErrorLike {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { status?: unknown }).status === "number" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

function header(headers: Headers | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(value);
}

/**
 * How long to wait, from `retry-after` (seconds) or `x-ratelimit-reset` (epoch seconds) when
 * `x-ratelimit-remaining` is 0. `now` in epoch ms.
 */
export function retryAfterFromHeaders(headers: Headers | undefined, now: number): number | null {
  const retryAfter = header(headers, "retry-after");
  if (retryAfter !== undefined && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = header(headers, "x-ratelimit-reset");
  if (header(headers, "x-ratelimit-remaining") === "0" && reset !== undefined && Number.isFinite(Number(reset))) {
    // One second after the reset, as GitHub's documentation advises.
    return Math.max(0, Number(reset) * 1000 - now + 1000);
  }
  return null;
}

function requestLabel(error: RequestErrorLike): string | null {
  const method = error.request?.method;
  const url = error.request?.url;
  if (method === undefined || url === undefined) return null;
  try {
    return `${method} ${new URL(url).pathname}`;
  } catch {
    return `${method} ${url}`;
  }
}

interface GraphQLErrorLike {
  type?: string;
  message?: string;
  path?: readonly (string | number)[];
}

function graphqlErrorsOf(data: unknown): GraphQLErrorLike[] {
  if (typeof data !== "object" || data === null) return [];
  const errors = (data as { errors?: unknown }).errors;
  return Array.isArray(errors) ? (errors as GraphQLErrorLike[]) : [];
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** True for a lost connection or timeout (undici's "fetch failed"/"terminated", ECONNRESET...). */
export function isNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if (name === "AbortError" || name === "TimeoutError") return true;
    if (typeof message === "string" && /^(fetch failed|terminated|other side closed|socket hang up)$/i.test(message))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A private key the App's JWT cannot be signed with: Node's crypto (OpenSSL) refuses it
 * (`ERR_OSSL_*`, "DECODER routines"), or the key is not PEM at all. No retry can fix it.
 */
function isKeyError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "string" && code.startsWith("ERR_OSSL")) return true;
  return typeof message === "string" && /private key|DECODER routines|PEM|asn1/i.test(message);
}

/** Errors of a GraphQL body (HTTP 200) as a GitHubError: RATE_LIMITED and "Something went wrong" are retryable. */
export function graphqlError(
  errors: readonly GraphQLErrorLike[],
  options: { headers?: Headers; now?: number; request?: string } = {},
): GitHubError {
  const now = options.now ?? Date.now();
  const first = errors[0] ?? {};
  const message = errors.map((e) => e.message ?? e.type ?? "unknown error").join("; ");
  const details = { errors: errors.map((e) => ({ type: e.type ?? null, message: e.message ?? null, path: e.path })) };
  if (errors.some((e) => e.type === "RATE_LIMITED")) {
    return new GitHubError(GitHubErrorCode.rateLimited, `GitHub GraphQL rate limit exceeded: ${message}`, {
      retryable: true,
      status: 200,
      retryAfterMs: retryAfterFromHeaders({ ...options.headers, "x-ratelimit-remaining": "0" }, now),
      request: options.request ?? null,
      details,
    });
  }
  const transient = errors.some(
    (e) => /something went wrong/i.test(e.message ?? "") || e.type === "SERVICE_UNAVAILABLE" || e.type === "TIMEOUT",
  );
  if (!transient && errors.every((e) => e.type === "NOT_FOUND")) {
    return new GitHubError(GitHubErrorCode.notFound, `GitHub GraphQL: ${message}`, {
      retryable: false,
      status: 200,
      request: options.request ?? null,
      details,
    });
  }
  return new GitHubError(
    GitHubErrorCode.graphql,
    `GitHub GraphQL error${first.type ? ` (${first.type})` : ""}: ${message}`,
    {
      retryable: transient,
      status: 200,
      request: options.request ?? null,
      details,
    },
  );
}

/**
 * Translates whatever Octokit threw into a GitHubError. 5xx, 429, rate limits, lost connections
 * and GraphQL "Something went wrong"/RATE_LIMITED are retryable; other 4xx are final.
 */
export function toGitHubError(error: unknown, now: number = Date.now()): GitHubError {
  if (error instanceof GitHubError) return error;
  // The throttling plugin throws a plain Error (no status) for a GraphQL RATE_LIMITED body.
  const response = (error as { response?: { headers?: Headers; data?: unknown } } | null)?.response;
  const limited = graphqlErrorsOf(response?.data);
  if (limited.some((e) => e.type === "RATE_LIMITED")) {
    return graphqlError(limited, { ...(response?.headers === undefined ? {} : { headers: response.headers }), now });
  }
  if (!isRequestErrorLike(error)) {
    const message = error instanceof Error ? error.message : String(error);
    if (isKeyError(error)) {
      return new GitHubError(
        GitHubErrorCode.unauthorized,
        `The GitHub App private key cannot be used to sign a token (${message}): set GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_PATH) to the PEM key downloaded from the App's settings`,
        { retryable: false, cause: error },
      );
    }
    if (isNetworkError(error)) {
      return new GitHubError(GitHubErrorCode.network, `Connection to GitHub failed: ${message}`, {
        retryable: true,
        cause: error,
      });
    }
    return new GitHubError(GitHubErrorCode.unexpectedResponse, `Unexpected failure talking to GitHub: ${message}`, {
      retryable: false,
      cause: error,
    });
  }
  const status = error.status;
  const headers = error.response?.headers;
  const request = requestLabel(error);
  const retryAfterMs = retryAfterFromHeaders(headers, now);
  const base = { status, request, cause: error, retryAfterMs };
  if (status === 304) {
    return new GitHubError(GitHubErrorCode.notModified, "Not modified", { ...base, retryable: false });
  }
  if (status === 403 || status === 429) {
    if (
      /secondary rate limit/i.test(error.message) ||
      (status === 403 && header(headers, "retry-after") !== undefined)
    ) {
      return new GitHubError(GitHubErrorCode.secondaryRateLimit, `GitHub secondary rate limit: ${error.message}`, {
        ...base,
        retryable: true,
        retryAfterMs: retryAfterMs ?? 60_000,
      });
    }
    if (header(headers, "x-ratelimit-remaining") === "0" || status === 429) {
      return new GitHubError(GitHubErrorCode.rateLimited, `GitHub rate limit exceeded: ${error.message}`, {
        ...base,
        retryable: true,
      });
    }
    return new GitHubError(GitHubErrorCode.forbidden, `GitHub refused the request (403): ${error.message}`, {
      ...base,
      retryable: false,
    });
  }
  if (status === 401) {
    return new GitHubError(
      GitHubErrorCode.unauthorized,
      `GitHub rejected the credentials (401): check the token or the App installation (${error.message})`,
      { ...base, retryable: false },
    );
  }
  if (status === 404) {
    return new GitHubError(GitHubErrorCode.notFound, `Not found on GitHub (404)${request ? `: ${request}` : ""}`, {
      ...base,
      retryable: false,
    });
  }
  if (status >= 500 || status === 408) {
    if (
      /something went wrong|fetch failed|terminated|ECONNRESET|socket/i.test(error.message) ||
      isNetworkError(error)
    ) {
      const network = !error.response;
      return new GitHubError(
        network ? GitHubErrorCode.network : GitHubErrorCode.serverError,
        network ? `Connection to GitHub failed: ${error.message}` : `GitHub server error (${status}): ${error.message}`,
        { ...base, status: network ? null : status, retryable: true },
      );
    }
    return new GitHubError(GitHubErrorCode.serverError, `GitHub server error (${status}): ${error.message}`, {
      ...base,
      retryable: true,
    });
  }
  return new GitHubError(GitHubErrorCode.invalidRequest, `GitHub rejected the request (${status}): ${error.message}`, {
    ...base,
    retryable: false,
  });
}
