import { createAppAuth } from "@octokit/auth-app";
import { AppError } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { GitHubError, graphqlError, retryAfterFromHeaders, toGitHubError } from "./errors.js";

const NOW = Date.parse("2026-11-24T02:00:00Z");

/** The shape of Octokit's RequestError (status, request, response). */
function requestError(status: number, message: string, headers: Record<string, string> = {}, data: unknown = {}) {
  return Object.assign(new Error(message), {
    name: "HttpError",
    status,
    request: { method: "GET", url: "https://api.github.com/repos/acme/payments/pulls?page=2", headers: {} },
    response: { status, url: "", headers, data },
  });
}

describe("toGitHubError", () => {
  it.each([
    [500, "Internal Server Error", {}, "github.server_error", true],
    [502, "Bad Gateway", {}, "github.server_error", true],
    [503, "Service Unavailable", {}, "github.server_error", true],
    [401, "Bad credentials", {}, "github.unauthorized", false],
    [404, "Not Found", {}, "github.not_found", false],
    [422, "Validation Failed", {}, "github.invalid_request", false],
    [403, "Resource not accessible by integration", {}, "github.forbidden", false],
    [304, "Not modified", {}, "github.not_modified", false],
    [429, "Too many requests", {}, "github.rate_limited", true],
  ] as const)("%i %s -> %s (retryable %s)", (status, message, headers, code, retryable) => {
    const error = toGitHubError(requestError(status, message, headers), NOW);
    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(error.request).toBe("GET /repos/acme/payments/pulls");
  });

  it("reads a primary limit's reset into retryAfterMs", () => {
    const reset = String(NOW / 1000 + 1800);
    const error = toGitHubError(
      requestError(403, "API rate limit exceeded for user ID 1.", {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": reset,
      }),
      NOW,
    );
    expect(error.code).toBe("github.rate_limited");
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(1_801_000);
  });

  it("reads a secondary limit's retry-after", () => {
    const error = toGitHubError(
      requestError(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", {
        "retry-after": "60",
      }),
      NOW,
    );
    expect(error.code).toBe("github.secondary_rate_limit");
    expect(error.retryAfterMs).toBe(60_000);
    expect(error.retryable).toBe(true);
  });

  it("defaults a secondary limit without retry-after to a minute", () => {
    const error = toGitHubError(requestError(403, "You have exceeded a secondary rate limit."), NOW);
    expect(error.retryAfterMs).toBe(60_000);
  });

  it("treats a lost connection as retryable", () => {
    const reset = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    });
    const error = toGitHubError(reset, NOW);
    expect(error.code).toBe("github.network");
    expect(error.retryable).toBe(true);
    // Octokit wraps fetch failures as a 500 without a response.
    const wrapped = Object.assign(new Error("other side closed"), {
      status: 500,
      request: { method: "POST", url: "http://127.0.0.1:1/graphql" },
    });
    expect(toGitHubError(wrapped, NOW)).toMatchObject({ code: "github.network", retryable: true, status: null });
  });

  it("translates the throttling plugin's GraphQL RATE_LIMITED error", () => {
    const error = Object.assign(new Error("GraphQL Rate Limit Exceeded"), {
      response: {
        headers: { "x-ratelimit-reset": String(NOW / 1000 + 60) },
        data: { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for user ID 1." }] },
      },
    });
    expect(toGitHubError(error, NOW)).toMatchObject({
      code: "github.rate_limited",
      retryable: true,
      retryAfterMs: 61_000,
    });
  });

  it("leaves a GitHubError as it is", () => {
    const original = new GitHubError("github.not_found", "gone", { retryable: false });
    expect(toGitHubError(original)).toBe(original);
  });

  it("names a malformed App private key as a final credentials failure that says what to set", async () => {
    const auth = createAppAuth({
      appId: 1,
      privateKey: "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----",
      installationId: 2,
    });
    const thrown = await auth({ type: "app" }).then(
      () => null,
      (e: unknown) => e,
    );
    const error = toGitHubError(thrown);
    expect(error).toMatchObject({ code: "github.unauthorized", retryable: false });
    expect(error.message).toContain("GITHUB_APP_PRIVATE_KEY");
  });

  it("marks anything else as an unexpected, final failure", () => {
    expect(toGitHubError(new Error("boom"))).toMatchObject({ code: "github.unexpected_response", retryable: false });
  });
});

describe("graphqlError", () => {
  it.each([
    [
      [{ message: "Something went wrong while executing your query. Please include `ABC` when reporting this issue." }],
      "github.graphql",
      true,
    ],
    [[{ type: "RATE_LIMITED", message: "API rate limit exceeded" }], "github.rate_limited", true],
    [
      [
        {
          type: "NOT_FOUND",
          message: "Could not resolve to a Repository with the name 'acme/nope'.",
          path: ["repository"],
        },
      ],
      "github.not_found",
      false,
    ],
    [
      [{ type: "MAX_NODE_LIMIT_EXCEEDED", message: "This query requests up to 1,000,000 possible nodes" }],
      "github.graphql",
      false,
    ],
  ] as const)("%j -> %s", (errors, code, retryable) => {
    const error = graphqlError(errors, { now: NOW });
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });
});

describe("retryAfterFromHeaders", () => {
  it.each([
    [{ "retry-after": "30" }, 30_000],
    [{ "retry-after": "Tue, 24 Nov 2026 02:00:10 GMT" }, 10_000],
    [{ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW / 1000 + 5) }, 6_000],
    [{ "x-ratelimit-remaining": "10", "x-ratelimit-reset": String(NOW / 1000 + 5) }, null],
    [{}, null],
  ])("%j -> %s", (headers, expected) => {
    expect(retryAfterFromHeaders(headers, NOW)).toBe(expected);
  });
});
