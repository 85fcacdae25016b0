import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import fastifyEtag from "@fastify/etag";
import fastifySwagger from "@fastify/swagger";
import type { Config } from "@yardstick/config";
import { AppError, InputError, isoWeekOf } from "@yardstick/core";
import type { Database, RollupStamp } from "@yardstick/db";
import type { Logger } from "@yardstick/log";
import { type FailedJob, metrics, type Readiness } from "@yardstick/pipeline";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { registerAdminRoutes } from "./admin-routes.js";
import { TokenCache, type Viewer } from "./auth.js";
import { type DashboardOptions, dashboardBuilt, registerDashboard, sendDashboardPage, wantsPage } from "./dashboard.js";
import { cookieOf, type OAuthSettings, registerDemoSignIn, registerOAuthRoutes, SESSION_COOKIE } from "./oauth.js";
import { registerReadRoutes } from "./read-routes.js";
import { ServerTiming } from "./server-timing.js";
import { isHandledEvent } from "./webhook-events.js";
import { handleWebhook, type WebhookCounters, type WebhookDeps, type WebhookOutcome } from "./webhooks.js";

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export interface QueueDepth {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface ReadApiDeps {
  db: Database;
  config: Config;
  /** Signing in with GitHub (browsers: a session cookie instead of a bearer token); absent: off. */
  oauth?: OAuthSettings;
  /** Queue depths for the status route (BullMQ); absent: jobs run inline. */
  queues?: () => Promise<QueueDepth[]>;
  /** The most recent jobs that failed for good, with their reasons (BullMQ); absent: jobs run inline. */
  failedJobs?: (limit: number) => Promise<FailedJob[]>;
  /** Links to pull requests: GitHub's web address (default from `config.github.apiUrl`). */
  githubWebUrl?: string;
  /** The webhooks' counts of ignored deliveries, for the status route. */
  webhookCounters?: WebhookCounters;
  /** The GitHub budgets the workers last saw, per credential (shared through Redis); absent: unknown. */
  rateBudget?: () => Promise<CredentialBudget[]>;
  /** Memory kept for rendered `/metrics` answers (bytes; default 256 MiB; 0 keeps none). */
  metricsCacheBytes?: number;
  /** How often to look for a new rollup run whose common `/metrics` answers to prepare (ms; default 10 s; 0: never). */
  metricsPrepareEveryMs?: number;
  /** Told when a rollup run's common `/metrics` answers are prepared (benchmarks, tests). */
  onMetricsPrepared?: (event: { stamp: RollupStamp; answers: number; ms: number }) => void;
  /**
   * The demo only (`yardstick run` on a simulated organisation, on loopback): `GET /auth/demo`
   * signs the local user in as an administrator, no GitHub needed.
   */
  demoSignIn?: boolean;
}

/** One credential's budgets at GitHub, named by a hash and a label (never the secret). */
export interface CredentialBudget {
  credential: string;
  /** How the configuration names it ("GITHUB_TOKENS#2 (acme)", "app 42 installation 7"). */
  label: string;
  resources: { resource: string; remaining: number; limit: number | null; resetAt: string; seenAt: string }[];
}

export interface ApiDeps {
  logger: Logger;
  /** Webhooks (POST /webhooks/github); absent: the route answers 404. */
  webhooks?: WebhookDeps;
  /** The read API (`/api/v1`); absent: not served. */
  read?: ReadApiDeps;
  /** `GET /readyz`: whether this process can serve (database, Redis, migrations); absent: always ready. */
  readiness?: () => Promise<Readiness>;
  /** The Prometheus exposition served at `GET /metrics` (`scrape` of @yardstick/pipeline); absent: not served. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** The dashboard's built bundle, served at `/`; absent: not served. */
  web?: DashboardOptions;
  /** Check every response against its schema (tests); default: serialise only. */
  checkResponses?: boolean;
  /** Slow clients: time allowed for a request's headers, and for the whole request (ms). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

declare module "fastify" {
  interface FastifyRequest {
    viewer: Viewer | null;
    /** The read API's requests: what their answer cost, by part (the `Server-Timing` header). */
    timing: ServerTiming | null;
  }
}

/** GitHub's web address for an API address (api.github.com, or GHES `https://host/api/v3`). */
export function githubWebUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === "api.github.com") return "https://github.com";
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, "").replace(/\/$/, "")}`;
}

const PROBLEM_TYPE = "https://yardstick.dev/problems/";

/** Sends an RFC 9457 problem. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  slug: string,
  title: string,
  detail: string,
  errors?: { path: string; message: string; example?: string }[],
): FastifyReply {
  return reply
    .code(status)
    .type("application/problem+json")
    .send(
      JSON.stringify({
        type: `${PROBLEM_TYPE}${slug}`,
        title,
        status,
        detail,
        instance: reply.request.url,
        requestId: reply.request.id,
        ...(errors === undefined ? {} : { errors }),
      }),
    );
}

/**
 * The HTTP API: `GET /healthz` (alive), `GET /readyz` (database, Redis, migrations), `POST /webhooks/github`, and the read API under `/api/v1`
 * (bearer tokens; the OpenAPI document at `/api/v1/openapi.json` is open). Every figure comes
 * from the stored rollups; no request recomputes anything.
 */
// biome-ignore lint/suspicious/noExplicitAny: the instance carries our pino logger type.
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance<any, any, any, any>> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: "http" }),
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[A-Za-z0-9._-]{1,128}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 500 },
    // Slow clients are cut off in seconds: headers within `headersTimeoutMs`, the whole request
    // (a webhook's body included) within `requestTimeoutMs`, checked every second. An idle
    // keep-alive connection stays open 65 s, longer than the idle timeout of the load balancers
    // and proxies in front (60 s is the common default): with Node's own 5 s, the server closes a
    // connection the proxy (or any client reusing it after a pause) is about to send on, and
    // that request fails with a reset.
    serverFactory: (handler) => {
      const server = createServer(
        {
          headersTimeout: deps.headersTimeoutMs ?? 10_000,
          requestTimeout: deps.requestTimeoutMs ?? 30_000,
          connectionsCheckingInterval: 1_000,
        },
        handler,
      );
      server.keepAliveTimeout = 65_000;
      return server;
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Responses are typed by the schemas at compile time (the type provider) and documented by
  // them (OpenAPI); checking each one against its schema at run time too costs more than the read
  // (a year of every team's figures is megabytes at scale), so only when asked (tests).
  app.setSerializerCompiler(deps.checkResponses === true ? serializerCompiler : () => (data) => JSON.stringify(data));
  app.decorateRequest("viewer", null);
  app.decorateRequest("timing", null);
  app.addHook("onSend", async (request, reply, payload) => {
    reply.header("x-request-id", request.id);
    return payload;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendProblem(
        reply,
        400,
        "invalid-request",
        "Invalid request",
        `the request's ${error.validationContext ?? "input"} is not valid`,
        error.validation.map((v) => ({
          path: `${error.validationContext ?? ""}${v.instancePath.replaceAll("/", ".")}`.replace(/^\./, ""),
          message: v.message ?? "invalid",
        })),
      );
    }
    if (error instanceof InputError) {
      const status = error.code === "input.not_rolled_up" ? 404 : 400;
      return sendProblem(reply, status, error.code.replace(/^input\./, ""), error.message, error.message, [
        ...error.issues,
      ]);
    }
    if (error.statusCode === 413) {
      return sendProblem(reply, 413, "too-large", "Payload too large", error.message);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(reply, error.statusCode, "bad-request", "Bad request", error.message);
    }
    request.log.error({ err: error }, "request failed");
    const retryable = error instanceof AppError ? error.retryable : true;
    return sendProblem(
      reply,
      503,
      "unavailable",
      "Temporarily unavailable",
      retryable ? "try again later" : "the request failed; quote the request id when reporting it",
    );
  });
  const pages = deps.web !== undefined && dashboardBuilt(deps.web.root);
  app.setNotFoundHandler((request, reply) => {
    // A page of the dashboard's own router (a shared link, a reload): the app's index.html.
    if (pages && wantsPage(request)) return sendDashboardPage(reply);
    return sendProblem(reply, 404, "not-found", "Not found", `no route ${request.method} ${request.url.split("?")[0]}`);
  });
  if (deps.web !== undefined) await registerDashboard(app, deps.web);

  app.get("/healthz", { schema: { hide: true } }, async () => ({ ok: true }));
  // Prometheus (unauthenticated, like the probes; docs/operations.md): the read API's figures are
  // under /api/v1/metrics, so the two never meet.
  const exposition = deps.metrics;
  if (exposition !== undefined) {
    app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
      const { contentType, body } = await exposition();
      return reply.header("content-type", contentType).header("cache-control", "no-store").send(body);
    });
  }
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    const readiness = deps.readiness === undefined ? { ready: true, checks: [] } : await deps.readiness();
    return reply
      .code(readiness.ready ? 200 : 503)
      .header("cache-control", "no-store")
      .send(readiness);
  });

  // Webhooks: the raw body is needed for the signature. A missing or malformed signature header
  // is refused before the body is read; bodies over 25 MB are refused (413) while streaming.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: MAX_WEBHOOK_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    scope.addHook("onRequest", async (request, reply) => {
      if (deps.webhooks === undefined) return sendProblem(reply, 404, "not-found", "Not found", "webhooks are off");
      const signature = request.headers["x-hub-signature-256"];
      if (typeof signature !== "string" || !/^sha256=[0-9a-f]{64}$/.test(signature)) {
        return reply.code(401).send({ error: "bad or missing X-Hub-Signature-256: check the webhook secret" });
      }
    });
    // Every delivery is counted once it is answered: by what the handler made of it, or, for one
    // refused before it (signature header, size) or failed in it, by the status it got.
    const outcomes = new WeakMap<FastifyRequest, WebhookOutcome>();
    scope.addHook("onResponse", async (request, reply) => {
      if (deps.webhooks === undefined || request.method !== "POST") return;
      const given = request.headers["x-github-event"];
      const event = typeof given === "string" && isHandledEvent(given) ? given : "other";
      const status = reply.statusCode;
      const outcome =
        outcomes.get(request) ??
        (status === 401 ? "bad_signature" : status === 413 ? "too_large" : status >= 500 ? "error" : "invalid");
      metrics.webhookDeliveries.inc({ event, outcome });
    });
    scope.post("/webhooks/github", { schema: { hide: true } }, async (request, reply) => {
      const hooks = deps.webhooks as WebhookDeps;
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = await handleWebhook({ headers: request.headers, body }, hooks);
      outcomes.set(request, result.outcome);
      return reply.code(result.status).send(result.body);
    });
    scope.route({
      method: ["GET", "PUT", "PATCH", "DELETE"],
      url: "/webhooks/github",
      schema: { hide: true },
      handler: async (_request, reply) => reply.code(405).header("allow", "POST").send({ error: "use POST" }),
    });
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Yardstick API",
        version: "1.0.0",
        description:
          "Normalised deployments, AI adoption and DORA guardrails from the weekly rollups, with the changes and evidence behind every figure.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  const read = deps.read;
  if (read === undefined) return app;
  const tokens = new TokenCache();
  if (read.oauth !== undefined) {
    registerOAuthRoutes(app, { db: read.db, config: read.config, oauth: read.oauth }, sendProblem);
  }
  if (read.demoSignIn === true) registerDemoSignIn(app, { db: read.db });
  await app.register(async (api) => {
    await api.register(fastifyEtag);
    api.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
      request.timing = new ServerTiming();
      if (request.url.split("?")[0] === "/api/v1/openapi.json") return;
      const viewer = await request.timing.time("auth", () =>
        tokens.viewerOf(read.db, request.headers.authorization, cookieOf(request, SESSION_COOKIE)),
      );
      if (viewer === null) {
        reply.header("www-authenticate", 'Bearer realm="yardstick"');
        return sendProblem(
          reply,
          401,
          "unauthorized",
          "Unauthorized",
          "send a valid API token: Authorization: Bearer <token> (create one with `yardstick token create`)",
        );
      }
      request.viewer = viewer;
    });
    api.addHook("onSend", async (request, reply, payload) => {
      if (reply.getHeader("cache-control") === undefined) {
        reply.header("cache-control", request.viewer === null ? "public, max-age=300" : "private, max-age=60");
      }
      reply.header("vary", "Authorization, Cookie");
      if (request.timing !== null) reply.header("server-timing", request.timing.header());
      return payload;
    });
    api.get("/api/v1/openapi.json", { schema: { hide: true } }, async () => app.swagger());
    registerAdminRoutes(api, { db: read.db });
    registerReadRoutes(api, {
      db: read.db,
      config: read.config,
      queues: read.queues,
      failedJobs: read.failedJobs,
      webhookCounters: read.webhookCounters,
      rateBudget: read.rateBudget,
      ...(read.metricsCacheBytes === undefined ? {} : { metricsCacheBytes: read.metricsCacheBytes }),
      ...(read.metricsPrepareEveryMs === undefined ? {} : { metricsPrepareEveryMs: read.metricsPrepareEveryMs }),
      ...(read.onMetricsPrepared === undefined ? {} : { onMetricsPrepared: read.onMetricsPrepared }),
      githubWebUrl: read.githubWebUrl ?? githubWebUrl(read.config.github.apiUrl),
      weekOf: (day: string) => isoWeekOf(new Date(`${day}T12:00:00Z`), read.config.timeZone),
    });
  });
  return app;
}
