import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Config } from "@yardstick/config";
import { type Database, resolveIdentities, revokeApiTokenByHash } from "@yardstick/db";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createApiToken, hashToken, type Role } from "./auth.js";

/**
 * Signing in with GitHub (the OAuth web flow of a GitHub OAuth app) for people using the API
 * from a browser (the dashboard): `GET /auth/github/login` sends the browser to GitHub's sign-in
 * page, `GET /auth/github/callback` exchanges the code for a user token, reads who signed in
 * (`GET /user`), and opens a session: an API token that expires, kept in an HttpOnly cookie. Only
 * people Yardstick knows (an identity of a synced organisation's member) may sign in; the role is
 * admin for the configuration's `admins`, else viewer. The GitHub user token is used once and not
 * kept.
 */
export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  /** GitHub's web address (sign-in page, token exchange): https://github.com, or the GHES host. */
  webUrl: string;
  /** GitHub's API address (`/user`). */
  apiUrl: string;
  /** Where this API is reached from browsers (for the callback address); default from the request. */
  publicUrl?: string;
  /** How long a session lasts (default 8 hours). */
  sessionHours?: number;
}

export const SESSION_COOKIE = "ys_session";
const STATE_COOKIE = "ys_oauth_state";

/** A cookie's value from the request's Cookie header. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

function publicUrlOf(settings: OAuthSettings, request: FastifyRequest): string {
  return (settings.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, "");
}

/** A same-site path to go to after signing in (never another origin). */
function safeReturnTo(value: unknown): string {
  return typeof value === "string" && /^\/(?!\/)[A-Za-z0-9/_.?=&%-]*$/.test(value) ? value : "/api/v1/me";
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function registerOAuthRoutes(
  // biome-ignore lint/suspicious/noExplicitAny: any Fastify instance (its logger type varies).
  app: FastifyInstance<any, any, any, any>,
  deps: { db: Database; config: Config; oauth: OAuthSettings },
  problem: (reply: FastifyReply, status: number, slug: string, title: string, detail: string) => FastifyReply,
): void {
  const { oauth } = deps;
  app.get("/auth/github/login", { schema: { hide: true } }, async (request, reply) => {
    const secure = publicUrlOf(oauth, request).startsWith("https:");
    const state = randomBytes(16).toString("base64url");
    const returnTo = safeReturnTo((request.query as Record<string, unknown>).returnTo);
    const url = new URL("/login/oauth/authorize", oauth.webUrl);
    url.searchParams.set("client_id", oauth.clientId);
    url.searchParams.set("redirect_uri", `${publicUrlOf(oauth, request)}/auth/github/callback`);
    url.searchParams.set("scope", "read:user");
    url.searchParams.set("state", state);
    reply.header("set-cookie", cookie(STATE_COOKIE, `${state}.${returnTo}`, 600, secure));
    return reply.redirect(url.toString(), 302);
  });

  // Its URL carries GitHub's one-time code: kept out of the request log (warn level for this route).
  app.get("/auth/github/callback", { schema: { hide: true }, logLevel: "warn" }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const saved = cookieOf(request, STATE_COOKIE) ?? "";
    const dot = saved.indexOf(".");
    const [state, returnTo] = dot < 0 ? ["", "/api/v1/me"] : [saved.slice(0, dot), safeReturnTo(saved.slice(dot + 1))];
    if (typeof q.state !== "string" || state === "" || !equal(q.state, state)) {
      return problem(
        reply,
        400,
        "oauth-state",
        "Sign-in expired",
        "the sign-in state does not match: start again at /auth/github/login",
      );
    }
    if (typeof q.code !== "string" || q.code === "") {
      return problem(
        reply,
        400,
        "oauth-code",
        "Sign-in refused",
        "GitHub sent no code: the sign-in was refused or cancelled",
      );
    }
    const exchange = await fetch(new URL("/login/oauth/access_token", oauth.webUrl), {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify({
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
        code: q.code,
        redirect_uri: `${publicUrlOf(oauth, request)}/auth/github/callback`,
      }),
    });
    const token = (await exchange.json().catch(() => ({}))) as { access_token?: string; error?: string };
    if (token.access_token === undefined) {
      request.log.warn({ error: token.error ?? `HTTP ${exchange.status}` }, "GitHub refused the OAuth code exchange");
      return problem(
        reply,
        502,
        "oauth-exchange",
        "Sign-in failed",
        `GitHub refused the code (${token.error ?? exchange.status}): start again`,
      );
    }
    const me = await fetch(`${oauth.apiUrl.replace(/\/$/, "")}/user`, {
      headers: { authorization: `Bearer ${token.access_token}`, accept: "application/vnd.github+json" },
    });
    const user = (await me.json().catch(() => ({}))) as { login?: string; id?: number };
    if (!me.ok || typeof user.login !== "string") {
      return problem(reply, 502, "oauth-user", "Sign-in failed", "GitHub did not say who signed in: start again");
    }
    const known = await resolveIdentities(deps.db, [{ kind: "login", value: user.login }]);
    if (known.size === 0) {
      request.log.warn({ login: user.login }, "sign-in refused: not a member of a synced organisation");
      return problem(
        reply,
        403,
        "not-a-member",
        "Not a member",
        `${user.login} is not a member of an organisation Yardstick reads`,
      );
    }
    const role: Role = deps.config.admins.some((a) => a.toLowerCase() === user.login?.toLowerCase())
      ? "admin"
      : "viewer";
    const hours = oauth.sessionHours ?? 8;
    const session = await createApiToken(deps.db, {
      name: `gh.${user.login}.${randomBytes(4).toString("hex")}`,
      role,
      login: user.login,
      expiresAt: new Date(Date.now() + hours * 3_600_000),
    });
    const secure = publicUrlOf(oauth, request).startsWith("https:");
    reply.header("set-cookie", [
      cookie(SESSION_COOKIE, session.token, hours * 3600, secure),
      cookie(STATE_COOKIE, "", 0, secure),
    ]);
    request.log.info({ login: user.login, role }, "signed in with GitHub");
    return reply.redirect(returnTo, 302);
  });

  app.post("/auth/logout", { schema: { hide: true } }, async (request, reply) => {
    const token = cookieOf(request, SESSION_COOKIE);
    if (token !== undefined) await revokeApiTokenByHash(deps.db, hashToken(token), new Date());
    const secure = publicUrlOf(oauth, request).startsWith("https:");
    reply.header("set-cookie", cookie(SESSION_COOKIE, "", 0, secure));
    return reply.code(204).send();
  });
}

/** The name every demo session's token starts with (the dashboard shows a "demo" banner for it). */
export const DEMO_SESSION_PREFIX = "demo.";

/**
 * The demo's sign-in (`yardstick run` on a simulated organisation only): `GET /auth/demo` opens
 * an administrator's session for whoever opens it and goes to the dashboard. Never configured by
 * `yardstick serve`.
 */
export function registerDemoSignIn(
  // biome-ignore lint/suspicious/noExplicitAny: any Fastify instance (its logger type varies).
  app: FastifyInstance<any, any, any, any>,
  deps: { db: Database; sessionHours?: number },
): void {
  app.get("/auth/demo", { schema: { hide: true } }, async (_request, reply) => {
    const hours = deps.sessionHours ?? 8;
    const session = await createApiToken(deps.db, {
      name: `${DEMO_SESSION_PREFIX}${randomBytes(4).toString("hex")}`,
      role: "admin",
      expiresAt: new Date(Date.now() + hours * 3_600_000),
    });
    reply.header("set-cookie", cookie(SESSION_COOKIE, session.token, hours * 3600, false));
    return reply.redirect("/", 302);
  });
}
