import { generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createLogger } from "@yardstick/log";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubAuth, type ThrottleOptions } from "./client.js";
import { GitHubError } from "./errors.js";

/**
 * The client's retry, limit and auth behaviour over real HTTP, against a scripted loopback
 * server that answers exactly as GitHub documents (status, headers, bodies). The end-to-end
 * fetch tests run against the simulator (fetchers.int.test.ts).
 */

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}
type Script = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let baseUrl: string;
let script: Script[] = [];
let seen: Seen[] = [];
let logLines: string[] = [];

const TOKEN = "ghp_supersecrettoken1234567890";
const FAST: ThrottleOptions = { retryBaseMs: 5, graphqlMinTimeMs: 0, maxWaitMs: 5_000 };

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}
const ok: Script = (_req, res) =>
  json(res, 200, { ok: true }, { "x-ratelimit-remaining": "4999", "x-ratelimit-reset": "9999999999" });
const graphqlOk: Script = (_req, res) =>
  json(res, 200, {
    data: {
      viewer: { login: "octocat" },
      rateLimit: { cost: 1, remaining: 4990, resetAt: "2026-11-24T03:00:00Z", limit: 5000 },
    },
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body });
      const next = script.shift() ?? ((_q, r) => json(r, 500, { message: "unscripted request" }));
      next(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  script = [];
  seen = [];
  logLines = [];
});

function client(options: { auth?: GitHubAuth; throttle?: ThrottleOptions; base?: string } = {}) {
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  return createGitHubClient({
    baseUrl: options.base ?? baseUrl,
    auth: options.auth ?? { type: "token", token: TOKEN },
    logger: createLogger({ service: "test", level: "debug", destination }),
    throttle: { ...FAST, ...options.throttle },
  });
}

async function failure(promise: Promise<unknown>): Promise<GitHubError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GitHubError);
    return error as GitHubError;
  }
  throw new Error("expected the call to fail");
}

describe("createGitHubClient over HTTP", () => {
  it("retries 5xx answers to the same result", async () => {
    script = [
      (_q, r) => json(r, 502, { message: "Bad Gateway" }),
      (_q, r) => json(r, 503, { message: "Unavailable" }),
      ok,
    ];
    const response = await client().octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "payments" });
    expect(response.data).toEqual({ ok: true });
    expect(seen).toHaveLength(3);
    expect(seen[0]?.authorization).toBe(`token ${TOKEN}`);
  });

  it("gives up after the retries with a retryable server_error", async () => {
    script = Array.from(
      { length: 4 },
      () => (_q: IncomingMessage, r: ServerResponse) => json(r, 500, { message: "Server Error" }),
    );
    const error = await failure(client().octokit.request("GET /orgs/acme"));
    expect(error).toMatchObject({ code: "github.server_error", retryable: true, status: 500 });
    expect(seen).toHaveLength(4);
  });

  it.each([
    [404, "Not Found", "github.not_found"],
    [401, "Bad credentials", "github.unauthorized"],
    [422, "Validation Failed", "github.invalid_request"],
  ])("does not retry a %i", async (status, message, code) => {
    script = [(_q, r) => json(r, status, { message })];
    const error = await failure(client().octokit.request("GET /orgs/acme"));
    expect(error).toMatchObject({ code, retryable: false, status });
    expect(seen).toHaveLength(1);
  });

  it("waits out a secondary limit's retry-after, then succeeds", async () => {
    script = [
      (_q, r) =>
        json(
          r,
          403,
          { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
          { "retry-after": "1" },
        ),
      ok,
    ];
    const started = Date.now();
    await client().octokit.request("GET /orgs/acme");
    expect(seen).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990); // retry-after is honoured as given
  });

  it("fails fast on a primary limit with a long reset, and then sends nothing until the reset", async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    script = [
      (_q, r) =>
        json(
          r,
          403,
          { message: "API rate limit exceeded for user ID 1." },
          {
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(reset),
            "x-ratelimit-resource": "core",
          },
        ),
    ];
    const c = client({ throttle: { retryBaseMs: 1000 } });
    const error = await failure(c.octokit.request("GET /orgs/acme"));
    expect(error).toMatchObject({ code: "github.rate_limited", retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(3_500_000);
    const second = await failure(c.octokit.request("GET /orgs/acme/teams"));
    expect(second.code).toBe("github.rate_limited");
    expect(seen).toHaveLength(1);
  });

  it("waits for a primary limit's reset when it is close", async () => {
    const reset = Math.floor(Date.now() / 1000) + 1;
    script = [
      (_q, r) =>
        json(
          r,
          429,
          { message: "API rate limit exceeded" },
          { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
        ),
      ok,
    ];
    await client().octokit.request("GET /orgs/acme");
    expect(seen).toHaveLength(2);
  });

  it("retries GraphQL 'Something went wrong' and reports the query's rateLimit", async () => {
    script = [
      (_q, r) =>
        json(r, 200, {
          data: null,
          errors: [
            {
              message:
                "Something went wrong while executing your query. Please include `7B2A` when reporting this issue.",
            },
          ],
        }),
      graphqlOk,
    ];
    const result = await client().graphql<{ viewer: { login: string } }>("query { viewer { login } }");
    expect(result.data.viewer.login).toBe("octocat");
    expect(result.rateLimit).toEqual({
      cost: 1,
      remaining: 4990,
      resetAt: new Date("2026-11-24T03:00:00Z"),
      limit: 5000,
    });
    expect(seen.map((s) => s.url)).toEqual(["/graphql", "/graphql"]);
    expect(JSON.parse(seen[0]?.body ?? "{}")).toMatchObject({ query: "query { viewer { login } }" });
  });

  it("turns GraphQL RATE_LIMITED with a far reset into rate_limited", async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    script = [
      (_q, r) =>
        json(
          r,
          200,
          { errors: [{ type: "RATE_LIMITED", message: "API rate limit already exceeded for user ID 1." }] },
          {
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(reset),
            "x-ratelimit-resource": "graphql",
          },
        ),
    ];
    const error = await failure(client({ throttle: { retryBaseMs: 1000 } }).graphql("query { viewer { login } }"));
    expect(error).toMatchObject({ code: "github.rate_limited", retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(3_500_000);
  });

  it("reports a GraphQL NOT_FOUND as final", async () => {
    script = [
      (_q, r) =>
        json(r, 200, {
          data: { repository: null },
          errors: [
            {
              type: "NOT_FOUND",
              path: ["repository"],
              message: "Could not resolve to a Repository with the name 'acme/nope'.",
            },
          ],
        }),
    ];
    const error = await failure(client().graphql('query { repository(owner: "acme", name: "nope") { id } }'));
    expect(error).toMatchObject({ code: "github.not_found", retryable: false });
    expect(seen).toHaveLength(1);
  });

  it("retries a connection reset", async () => {
    script = [(req) => req.socket.destroy(), ok];
    const response = await client().octokit.request("GET /orgs/acme");
    expect(response.data).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
  });

  it("sends GraphQL to /api/graphql on GitHub Enterprise Server", async () => {
    script = [graphqlOk];
    const c = client({ base: `${baseUrl}/api/v3` });
    expect(c.graphqlUrl).toBe(`${baseUrl}/api/graphql`);
    await c.graphql("query { viewer { login } }");
    expect(seen[0]?.url).toBe("/api/graphql");
  });

  it("never writes the token to its logs", async () => {
    script = [(_q, r) => json(r, 500, { message: "boom" }), ok];
    await client().octokit.request("GET /orgs/acme");
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join("\n")).not.toContain(TOKEN);
  });

  it("authenticates as a GitHub App installation: a JWT for the installation token, then that token", async () => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    script = [
      (_q, r) =>
        json(r, 201, {
          token: "ghs_installationtoken",
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          permissions: { contents: "read", pull_requests: "read" },
          repository_selection: "all",
        }),
      ok,
    ];
    const c = client({ auth: { type: "app", appId: 12345, privateKey, installationId: 777 } });
    await c.octokit.request("GET /orgs/acme");
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "POST /app/installations/777/access_tokens",
      "GET /orgs/acme",
    ]);
    expect(seen[0]?.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
    expect(seen[1]?.authorization).toBe("token ghs_installationtoken");
    expect(logLines.join("\n")).not.toContain("ghs_installationtoken");
  });
});
