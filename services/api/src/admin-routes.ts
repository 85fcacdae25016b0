import { InputError } from "@yardstick/core";
import { type Database, listApiTokens, revokeApiToken, rosterNames } from "@yardstick/db";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { sendProblem } from "./app.js";
import { createApiToken, type Viewer } from "./auth.js";
import { DEMO_SESSION_PREFIX } from "./oauth.js";
import {
  CreatedTokenResponse,
  CreateTokenBody,
  PeopleLookupBody,
  PeopleResponse,
  Problem,
  TokenList,
  TokenNameParams,
} from "./schemas.js";

/**
 * The routes of administrators only (the dashboard's admin page). Token management, the same as
 * `yardstick token`: list (never a token's value or hash), create (the value is in the one
 * response that creates it, and nowhere else, ever), revoke. And the roster's names of person ids
 * (the integrity flags' named lists carry ids). Every other role gets 403. Answers are never cached.
 *
 * Browsers send the session cookie with these requests; it is SameSite=Lax, so another site
 * cannot make a signed-in browser create or revoke (cross-site POST and DELETE carry no cookie),
 * and a request whose Origin is not this server's is refused as well.
 */
const BASE = "/api/v1/admin/tokens";
const PEOPLE = "/api/v1/admin/people";
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

/** Sign-in sessions are tokens too (named `gh.<login>.…`, or the demo's): listed as such. */
function kindOf(name: string): "token" | "session" {
  return name.startsWith("gh.") || name.startsWith(DEMO_SESSION_PREFIX) ? "session" : "token";
}

function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

/** 403 unless an administrator; 403 too for a browser request from another origin. */
function refused(request: FastifyRequest, reply: FastifyReply): FastifyReply | null {
  const viewer = request.viewer as Viewer;
  if (viewer.role !== "admin") {
    return sendProblem(reply, 403, "forbidden", "Forbidden", "administrators only");
  }
  const origin = request.headers.origin;
  if (request.method !== "GET" && origin !== undefined && origin !== "null") {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (host !== request.headers.host) {
      return sendProblem(reply, 403, "forbidden", "Forbidden", "a request from another origin is refused here");
    }
  }
  reply.header("cache-control", "no-store");
  return null;
}

// biome-ignore lint/suspicious/noExplicitAny: any Fastify instance (its logger type varies).
export function registerAdminRoutes(app: FastifyInstance<any, any, any, any>, deps: { db: Database }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    BASE,
    {
      schema: {
        summary: "API tokens and sign-in sessions, by name (administrators only; never a token's value)",
        response: { 200: TokenList, ...errors },
      },
    },
    async (request, reply) => {
      if (refused(request, reply) !== null) return reply;
      const rows = await listApiTokens(deps.db);
      return {
        items: rows.map((r) => ({
          name: r.name,
          kind: kindOf(r.name),
          role: r.role,
          team: r.team,
          login: r.login,
          prefix: r.prefix,
          createdAt: r.createdAt.toISOString(),
          lastUsedAt: iso(r.lastUsedAt),
          revokedAt: iso(r.revokedAt),
          expiresAt: iso(r.expiresAt),
        })),
      };
    },
  );

  api.post(
    BASE,
    {
      schema: {
        summary: "Create an API token (administrators only): its value is in this response only, never again",
        body: CreateTokenBody,
        response: { 201: CreatedTokenResponse, ...errors },
      },
    },
    async (request, reply) => {
      if (refused(request, reply) !== null) return reply;
      const body = request.body;
      const now = new Date();
      let created: Awaited<ReturnType<typeof createApiToken>>;
      try {
        created = await createApiToken(deps.db, {
          name: body.name,
          role: body.role,
          now,
          ...(body.team === undefined || body.team === "" ? {} : { team: body.team }),
          ...(body.login === undefined || body.login === "" ? {} : { login: body.login }),
          ...(body.expiresInDays === undefined
            ? {}
            : { expiresAt: new Date(now.getTime() + body.expiresInDays * 86_400_000) }),
        });
      } catch (error) {
        // The command line's option names (`--name`) read as the body's fields here.
        if (error instanceof InputError) {
          throw new InputError(
            error.code,
            "cannot create the token",
            error.issues.map((i) => ({ ...i, path: i.path.replace(/^--/, "") })),
          );
        }
        throw error;
      }
      const r = created.row;
      request.log.info({ token: r.name, role: r.role, by: request.viewer?.name }, "API token created");
      return reply.code(201).send({
        token: created.token,
        item: {
          name: r.name,
          kind: kindOf(r.name),
          role: r.role,
          team: r.team,
          login: r.login,
          prefix: r.prefix,
          createdAt: r.createdAt.toISOString(),
          lastUsedAt: null,
          revokedAt: null,
          expiresAt: iso(r.expiresAt),
        },
      });
    },
  );

  api.delete(
    `${BASE}/:name`,
    {
      schema: {
        summary: "Revoke a token or end a sign-in session by name (administrators only)",
        params: TokenNameParams,
        response: { 204: z.null().describe("revoked"), ...errors },
      },
    },
    async (request, reply) => {
      if (refused(request, reply) !== null) return reply;
      if (!(await revokeApiToken(deps.db, request.params.name, new Date()))) {
        return sendProblem(reply, 404, "not-found", "Not found", `no live token named ${request.params.name}`);
      }
      request.log.info({ token: request.params.name, by: request.viewer?.name }, "API token revoked");
      return reply.code(204).send(null);
    },
  );

  api.post(
    PEOPLE,
    {
      schema: {
        summary:
          "The roster's names of person ids: each one's current GitHub login and display name (administrators only; a POST because a week's flagged people can be too many ids for an address)",
        body: PeopleLookupBody,
        response: { 200: PeopleResponse, ...errors },
      },
    },
    async (request, reply) => {
      if (refused(request, reply) !== null) return reply;
      const ids = [...new Set(request.body.ids)];
      // One query for the whole answer, however many people it names.
      const names = await rosterNames(deps.db, ids);
      return {
        items: ids.map((id) => {
          const name = names.get(id);
          return name === undefined
            ? { id, inRoster: false, login: null, displayName: null }
            : { id, inRoster: true, ...name };
        }),
      };
    },
  );
}
