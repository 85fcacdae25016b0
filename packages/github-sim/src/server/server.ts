import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GitRepos, type GitServeOptions, gitToken } from "../git/repos.js";
import type { GitWorld } from "../git/world.js";
import type { World } from "../world/index.js";
import { Accounting } from "./accounting.js";
import { handleAdmin } from "./admin.js";
import { type TokenInput, TokenRegistry, type TokenSpec } from "./auth.js";
import { SimClock } from "./clock.js";
import { type FaultConfigInput, FaultInjector, type FaultKind } from "./faults.js";
import { prepareGraphql, runGraphql } from "./graphql/handler.js";
import { etagMatches, githubTimestamp, readBody, sendJson, weakEtag } from "./http-util.js";
import { LiveChanges } from "./live.js";
import { type OAuthApp, OAuthFlow } from "./oauth.js";
import { linkHeader } from "./pagination.js";
import { requestId } from "./random.js";
import {
  defaultRateLimitOptions,
  RateLimiter,
  type RateLimitOptions,
  type RateResource,
  rateHeaders,
} from "./rate-limit.js";
import type { RenderContext } from "./rest/render.js";
import { renderUser } from "./rest/render.js";
import { notFound, routeRest } from "./rest/routes.js";
import { SimStore } from "./store.js";
import { type WebhookConfigInput, Webhooks } from "./webhooks.js";

export interface SimulatorOptions {
  world: World;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback by default; the simulator is never meant to face a network. */
  host?: string;
  /** Seeds faults and delivery ids (default 1). */
  seed?: number;
  faults?: FaultConfigInput;
  /** OAuth apps whose web flow the simulator plays (`/login/oauth/...`; see oauth.ts). */
  oauthApps?: OAuthApp[];
  /** Accepted tokens; when omitted, any token is accepted (and a missing one is refused). */
  tokens?: TokenInput[];
  rateLimits?: Partial<RateLimitOptions>;
  webhooks?: WebhookConfigInput[];
  /** The real clock (tests may pass a fake one). */
  now?: () => number;
  /** The web host used in `html_url`s (default https://github.com). */
  webUrl?: string;
  /**
   * Serve the repositories over Git's smart HTTP protocol (docs/simulator.md "Git"): `world` must
   * then be `git.world.world` (`gitWorld(world)`: the API reports the real git shas).
   */
  git?: GitServeOptions & { world: GitWorld };
}

export interface Simulator {
  /** Base URL of the REST API, e.g. http://127.0.0.1:41234 (pass as Octokit `baseUrl`). */
  url: string;
  graphqlUrl: string;
  port: number;
  world: World;
  store: SimStore;
  clock: SimClock;
  accounting: Accounting;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  tokens: TokenRegistry;
  webhooks: Webhooks;
  live: LiveChanges;
  /** The Git server (null unless `git` was given): refuse a repository, build one, force-push. */
  git: GitRepos | null;
  /** The world's current time: its header `now` moved forward by clock advances (epoch ms). */
  worldNow(): number;
  close(): Promise<void>;
}

const RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const seed = options.seed ?? 1;
  const clock = new SimClock(options.now);
  const store = new SimStore(options.world);
  const accounting = new Accounting();
  const faults = new FaultInjector(seed, options.faults);
  const rateLimiter = new RateLimiter(clock, { ...defaultRateLimitOptions, ...options.rateLimits });
  const tokens = new TokenRegistry(options.tokens);
  const oauth = new OAuthFlow(
    options.oauthApps ?? [],
    tokens,
    (login) => options.world.user(login)?.id,
    () => clock.now(),
  );
  for (const t of tokens.list()) {
    const limits: Partial<Record<RateResource, number>> = {};
    if (t.restLimit) limits.core = t.restLimit;
    if (t.graphqlLimit) limits.graphql = t.graphqlLimit;
    rateLimiter.setTokenLimits(t.token, limits);
  }
  const worldEpoch = Date.parse(options.world.header.now);
  const worldNow = () => worldEpoch + clock.offsetMs;
  const firstOrg = options.world.orgs()[0];
  const webhooks = new Webhooks(seed, { type: "organization", id: firstOrg?.id ?? 1 }, () => clock.now());
  for (const h of options.webhooks ?? []) webhooks.add(h);
  const ctx: RenderContext = { api: "", web: options.webUrl ?? "https://github.com", store };
  if (options.git && options.git.world.world !== options.world)
    throw new Error("startSimulator: with git, world must be the git world's (gitWorld(w).world)");
  const git = options.git ? new GitRepos(options.git.world, options.git) : null;
  const live = new LiveChanges({ ctx, webhooks, worldNow, git });
  let requestCounter = 0;

  const sim: Simulator = {
    url: "",
    graphqlUrl: "",
    port: 0,
    world: options.world,
    store,
    clock,
    accounting,
    faults,
    rateLimiter,
    tokens,
    webhooks,
    live,
    git,
    worldNow,
    close: async () => {},
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", sim.url);
    const rid = requestId(seed, requestCounter++);
    const base: Record<string, string> = {
      "x-github-request-id": rid,
      "x-github-media-type": "github.v3; format=json",
      "x-github-api-version-selected": "2022-11-28",
    };
    if (url.pathname.startsWith("/_sim/")) {
      await handleAdmin(sim, req, res, url);
      return;
    }
    if (url.pathname === "/login/oauth/authorize" && req.method === "GET") {
      const r = oauth.authorize(url);
      if (r.status === 302) {
        res.writeHead(302, { ...base, ...r.headers });
        res.end();
      } else sendJson(res, r.status, r.body, base);
      return;
    }
    if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
      const text = await readBody(req);
      const json = (req.headers["content-type"] ?? "").includes("json");
      const params = json
        ? new URLSearchParams(Object.entries(JSON.parse(text || "{}") as Record<string, string>))
        : new URLSearchParams(text);
      for (const [k, v] of url.searchParams) if (!params.has(k)) params.set(k, v);
      const result = oauth.exchange(params);
      if ((req.headers.accept ?? "").includes("json")) sendJson(res, 200, result, base);
      else {
        res.writeHead(200, { ...base, "content-type": "application/x-www-form-urlencoded; charset=utf-8" });
        res.end(new URLSearchParams(result).toString());
      }
      return;
    }
    if (git && /\/(?:info\/refs|git-upload-pack|git-receive-pack)$/.test(url.pathname)) {
      const t = gitToken(req.headers.authorization);
      const gitAuth = t === null ? null : tokens.authenticate(`token ${t}`);
      if (gitAuth?.ok) accounting.of(gitAuth.token).gitRequests++;
      else accounting.of("(none)").rejected++;
      if (await git.handle(req, res, url, gitAuth?.ok === true)) return;
    }
    const isGraphql = url.pathname === "/graphql" || url.pathname === "/api/graphql";
    const auth = tokens.authenticate(req.headers.authorization);
    if (!auth.ok) {
      accounting.of("(none)").rejected++;
      const body =
        isGraphql && auth.body.message === "Requires authentication"
          ? {
              message: "This endpoint requires you to be authenticated.",
              documentation_url:
                "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
            }
          : auth.body;
      sendJson(res, 401, body, base);
      return;
    }
    const token = auth.token;
    if (url.pathname === "/user" && req.method === "GET") {
      // The authenticated user (an OAuth user's token acts as that user of the world).
      const user = store.user(auth.spec.login);
      const body = user
        ? renderUser({ ...ctx, api: sim.url }, user)
        : { login: auth.spec.login, id: auth.spec.userId, type: "User", site_admin: false };
      sendJson(res, 200, body, base);
      return;
    }
    const usage = accounting.of(token);
    const resource: RateResource = isGraphql ? "graphql" : "core";
    const inFlight = rateLimiter.enter(token);
    let left = false;
    const leave = () => {
      if (!left) {
        left = true;
        rateLimiter.leave(token);
      }
    };
    res.on("close", leave);
    try {
      const limitMessage = (kind: "primary" | "secondary") =>
        kind === "primary"
          ? `API rate limit exceeded for user ID ${auth.spec.userId}. If you reach out to GitHub Support for help, please include the request ID ${rid} and timestamp ${githubTimestamp(clock.now())}.`
          : `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${rid} and timestamp ${githubTimestamp(clock.now())}.`;
      const secondary = () => {
        usage.rejected++;
        const w = rateLimiter.window(token, resource);
        sendJson(
          res,
          403,
          {
            message: limitMessage("secondary"),
            documentation_url: `${RATE_DOCS}#about-secondary-rate-limits`,
            status: "403",
          },
          { ...base, ...rateHeaders(w, resource), "retry-after": String(rateLimiter.options.secondaryRetryAfter) },
        );
      };
      if (inFlight > rateLimiter.options.maxConcurrent || !rateLimiter.takeMinutePoint(token, resource)) {
        secondary();
        return;
      }
      const fault: FaultKind | null = faults.next(url.pathname, isGraphql);
      if (fault === "reset") {
        usage.faults++;
        req.socket.destroy();
        return;
      }
      if (fault === "slow") await new Promise((r) => setTimeout(r, faults.config.slowMs));
      if (fault === "secondary-limit") {
        usage.faults++;
        secondary();
        return;
      }
      if (fault === "500" || fault === "502" || fault === "503") {
        usage.faults++;
        const status = Number(fault);
        const message = status === 503 ? "Service Unavailable" : status === 502 ? "Server Error" : "Server Error";
        sendJson(res, status, { message, documentation_url: "https://docs.github.com/rest", status: fault }, base);
        return;
      }
      const window = rateLimiter.window(token, resource);
      if (rateLimiter.remaining(window) <= 0) {
        usage.rejected++;
        if (isGraphql) {
          sendJson(
            res,
            200,
            {
              errors: [
                {
                  type: "RATE_LIMITED",
                  code: "graphql_rate_limit",
                  message: `API rate limit already exceeded for user ID ${auth.spec.userId}.`,
                },
              ],
            },
            { ...base, ...rateHeaders(window, resource) },
          );
          return;
        }
        sendJson(
          res,
          rateLimiter.options.primaryStatus,
          {
            message: limitMessage("primary"),
            documentation_url: RATE_DOCS,
            status: String(rateLimiter.options.primaryStatus),
          },
          { ...base, ...rateHeaders(window, resource) },
        );
        return;
      }
      if (isGraphql) {
        await answerGraphql(req, res, token, auth.spec, base, fault === "graphql-error", rid);
        return;
      }
      if (url.pathname === "/rate_limit") {
        const core = rateLimiter.window(token, "core");
        const gql = rateLimiter.window(token, "graphql");
        const view = (w: typeof core) => ({
          limit: w.limit,
          used: w.used,
          remaining: rateLimiter.remaining(w),
          reset: w.reset,
        });
        sendJson(
          res,
          200,
          { resources: { core: view(core), graphql: view(gql) }, rate: view(core) },
          { ...base, ...rateHeaders(core, "core") },
        );
        return;
      }
      answerRest(req, res, url, token, base);
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { message: "Server Error", detail: (e as Error).message }, base);
      else res.destroy();
    } finally {
      // `close` also fires for destroyed sockets; leave() is idempotent.
      if (res.writableEnded) leave();
    }
  };

  function answerRest(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    token: string,
    base: Record<string, string>,
  ) {
    const usage = accounting.of(token);
    // Content depends only on the URL and the world's version (bumped by live changes), so the
    // ETag is derived from them and a conditional request is answered before rendering.
    const etag = weakEtag(`${store.version}\u0000${url.pathname}${url.search}`);
    const cacheHeaders = {
      "cache-control": "private, max-age=60, s-maxage=60",
      vary: "Accept, Authorization, Cookie, X-GitHub-OTP",
    };
    if (etagMatches(req.headers["if-none-match"], etag)) {
      usage.notModified++;
      const w = rateLimiter.window(token, "core");
      res.writeHead(304, { ...base, ...cacheHeaders, etag, ...rateHeaders(w, "core") });
      res.end();
      return;
    }
    const result = routeRest({ method: req.method ?? "GET", url, ctx: { ...ctx, memo: new Map() } }) ?? notFound();
    const headers: Record<string, string> = { ...base, ...cacheHeaders };
    if (result.status === 200) headers.etag = etag;
    if (result.page) {
      const link = linkHeader(url, result.page.page, result.page.lastPage);
      if (link) headers.link = link;
    }
    const { window } = rateLimiter.tryCharge(token, "core", 1);
    usage.restRequests++;
    sendJson(
      res,
      result.status,
      JSON.stringify(result.body),
      { ...headers, ...rateHeaders(window, "core") },
      req.method === "HEAD",
    );
  }

  async function answerGraphql(
    req: IncomingMessage,
    res: ServerResponse,
    token: string,
    spec: TokenSpec,
    base: Record<string, string>,
    injectError: boolean,
    rid: string,
  ) {
    const usage = accounting.of(token);
    if (req.method !== "POST") {
      sendJson(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/graphql" }, base);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      sendJson(
        res,
        400,
        { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/graphql" },
        base,
      );
      return;
    }
    const prepared = prepareGraphql((body ?? {}) as Record<string, unknown>);
    usage.graphqlRequests++;
    if (prepared.kind === "answer") {
      const w = rateLimiter.window(token, "graphql");
      sendJson(res, prepared.status, prepared.body, { ...base, ...rateHeaders(w, "graphql") });
      return;
    }
    if (injectError) {
      usage.faults++;
      const w = rateLimiter.window(token, "graphql");
      sendJson(
        res,
        200,
        {
          data: null,
          errors: [
            {
              message: `Something went wrong while executing your query. Please include \`${rid}\` when reporting this issue.`,
            },
          ],
        },
        { ...base, ...rateHeaders(w, "graphql") },
      );
      return;
    }
    const cost = prepared.dryRun ? 0 : prepared.analysis.cost;
    const charged = rateLimiter.tryCharge(token, "graphql", cost);
    if (!charged.ok) {
      usage.rejected++;
      sendJson(
        res,
        200,
        {
          errors: [
            {
              type: "RATE_LIMITED",
              code: "graphql_rate_limit",
              message: `API rate limit exceeded for user ID ${spec.userId}.`,
            },
          ],
        },
        { ...base, ...rateHeaders(charged.window, "graphql") },
      );
      return;
    }
    usage.graphqlPoints += cost;
    const w = charged.window;
    const out = await runGraphql(prepared, {
      store,
      web: ctx.web,
      viewer: { login: spec.login, userId: spec.userId },
      rate: {
        cost: prepared.analysis.cost,
        limit: w.limit,
        remaining: rateLimiter.remaining(w),
        used: w.used,
        resetAt: new Date(w.reset * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        nodeCount: prepared.analysis.nodeCount,
      },
    });
    sendJson(res, 200, out, { ...base, ...rateHeaders(w, "graphql") });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: "Server Error", detail: (e as Error).message });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  sim.url = `http://${host}:${addr.port}`;
  sim.graphqlUrl = `${sim.url}/graphql`;
  sim.port = addr.port;
  ctx.api = sim.url;
  sim.close = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await git?.close();
  };
  return sim;
}
