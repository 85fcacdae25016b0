import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * The dashboard (services/web, built to static files) at the API's own origin: hashed files under
 * `/assets/` are cached for a year (their names change with their content), `index.html` is
 * revalidated every time, and any other GET a browser makes for a page (not `/api/`, `/auth/`,
 * `/webhooks/`, `/healthz`, `/readyz`, `/metrics`) gets `index.html`: the app's router reads the address.
 */
export interface DashboardOptions {
  /** The built bundle: a directory with index.html and assets/. */
  root: string;
}

const NOT_PAGES = /^\/(api|auth|webhooks|healthz|readyz|metrics)(\/|$|\?)/;
const IMMUTABLE = "public, max-age=31536000, immutable";
// Scripts and styles only from this origin; recharts sets inline style attributes.
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export function dashboardBuilt(root: string): boolean {
  return existsSync(join(root, "index.html"));
}

function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header("cache-control", "no-cache")
    .header("content-security-policy", CSP)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "same-origin");
}

/** Whether a request that matched no route is a browser asking for a page of the app. */
export function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  if (NOT_PAGES.test(request.url)) return false;
  return (request.headers.accept ?? "").includes("text/html");
}

// biome-ignore lint/suspicious/noExplicitAny: any Fastify instance (its logger type varies).
export async function registerDashboard(app: FastifyInstance<any, any, any, any>, options: DashboardOptions) {
  if (!dashboardBuilt(options.root)) {
    app.get("/", { schema: { hide: true } }, async (_request, reply) =>
      reply
        .code(503)
        .type("text/plain; charset=utf-8")
        .send(
          `The dashboard is not built (no ${join(options.root, "index.html")}). Build it with \`pnpm --filter @yardstick/web build\` (scripts/test.sh and scripts/run.sh do), then restart. The API under /api/v1 works without it.\n`,
        ),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: options.root,
    prefix: "/",
    index: false,
    wildcard: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      if (/[/\\]assets[/\\]/.test(path)) res.header("cache-control", IMMUTABLE);
      else res.header("cache-control", "no-cache");
      res.header("x-content-type-options", "nosniff");
    },
  });
  app.get("/", { schema: { hide: true } }, async (_request, reply) => pageHeaders(reply).sendFile("index.html"));
}

/** The app's page for an address no route matched (the single-page app's fallback). */
export function sendDashboardPage(reply: FastifyReply): FastifyReply {
  return pageHeaders(reply).sendFile("index.html");
}
