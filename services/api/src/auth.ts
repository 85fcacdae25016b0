import { createHash, randomBytes, randomUUID } from "node:crypto";
import { InputError } from "@yardstick/core";
import { type ApiToken, type Database, findApiTokenByHash, getApiTokenByName, insertApiToken } from "@yardstick/db";
import { z } from "zod";

/**
 * API bearer tokens: `ys_` and 43 base64url characters (256 random bits). Only their SHA-256 is
 * stored; a token is shown once, when created. Roles:
 * - viewer: group figures of groups of at least k people; nobody named anywhere;
 * - lead: a viewer who also sees the authors of their own team's changes (a team reviews its own work);
 * - admin: everything, with the integrity flags' named lists.
 */
export const Role = z.enum(["viewer", "lead", "admin"]);
export type Role = z.infer<typeof Role>;

export interface Viewer {
  tokenId: string;
  name: string;
  role: Role;
  /** The team a lead leads. */
  team: string | null;
  /** The GitHub login the token is for (always, for a GitHub sign-in). */
  login: string | null;
}

const TOKEN_PREFIX = "ys_";
const TOKEN_PATTERN = /^ys_[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface CreatedToken {
  token: string;
  row: Omit<ApiToken, "hash">;
}

/** Creates and stores a token; the returned `token` is the only copy of it. */
export async function createApiToken(
  db: Database,
  options: { name: string; role: Role; team?: string; login?: string; now?: Date; expiresAt?: Date },
): Promise<CreatedToken> {
  const issues = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(options.name)) {
    issues.push({
      path: "--name",
      message: `${JSON.stringify(options.name)} is not a token name (letters, digits, . _ -; at most 64)`,
      example: "--name grafana",
    });
  }
  if (options.role === "lead" && (options.team === undefined || options.team === "")) {
    issues.push({
      path: "--team",
      message: "a lead token needs the team it leads",
      example: "--role lead --team payments",
    });
  }
  if (options.role !== "lead" && options.team !== undefined) {
    issues.push({ path: "--team", message: "only lead tokens have a team", example: "--role lead --team payments" });
  }
  if (issues.length === 0 && (await getApiTokenByName(db, options.name)) !== null) {
    issues.push({
      path: "--name",
      message: `a token named ${options.name} exists`,
      example: `yardstick token revoke ${options.name}`,
    });
  }
  if (issues.length > 0) throw new InputError("input.token", "cannot create the token", issues);
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const row = {
    id: randomUUID(),
    name: options.name,
    role: options.role,
    team: options.team ?? null,
    login: options.login ?? null,
    prefix: token.slice(0, 8),
    createdAt: options.now ?? new Date(),
    lastUsedAt: null,
    revokedAt: null,
    expiresAt: options.expiresAt ?? null,
  };
  await insertApiToken(db, { ...row, hash: hashToken(token) });
  return { token, row };
}

/** How long a token lookup is reused: a revoked token stops working within this time. */
export const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_SIZE = 1_000;

/** Token lookups of one API process (by hash; unknown tokens are not kept). */
export class TokenCache {
  private readonly entries = new Map<string, { viewer: Viewer; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The viewer a bearer token stands for, or null (missing, malformed, unknown or revoked). */
  async viewerOf(db: Database, authorization: string | undefined, session?: string): Promise<Viewer | null> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    const token = match?.[1] ?? session;
    if (token === undefined || !TOKEN_PATTERN.test(token)) return null;
    const hash = hashToken(token);
    const cached = this.entries.get(hash);
    if (cached !== undefined && cached.until > this.now()) return cached.viewer;
    const row = await findApiTokenByHash(db, hash);
    if (row === null) {
      this.entries.delete(hash);
      return null;
    }
    const viewer = { tokenId: row.id, name: row.name, role: row.role, team: row.team, login: row.login };
    if (this.entries.size >= TOKEN_CACHE_SIZE) this.entries.clear();
    this.entries.set(hash, { viewer, until: this.now() + TOKEN_CACHE_MS });
    return viewer;
  }
}
