import { and, asc, eq, gt, isNull, or } from "drizzle-orm";
import type { Database } from "../client.js";
import { apiTokens } from "../schema/api-tokens.js";

export type ApiToken = typeof apiTokens.$inferSelect;
export type NewApiToken = typeof apiTokens.$inferInsert;

/** Stores a new token (its hash); fails on a name already taken. */
export async function insertApiToken(db: Database, token: NewApiToken): Promise<void> {
  await db.insert(apiTokens).values(token);
}

/** The live (not revoked, not expired) token with this hash, if any. */
export async function findApiTokenByHash(db: Database, hash: string, now = new Date()): Promise<ApiToken | null> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.hash, hash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    );
  return row ?? null;
}

export async function getApiTokenByName(db: Database, name: string): Promise<ApiToken | null> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.name, name));
  return row ?? null;
}

/** Every token, revoked ones included, by name (hashes included: callers must not print them). */
export async function listApiTokens(db: Database): Promise<ApiToken[]> {
  return db.select().from(apiTokens).orderBy(asc(apiTokens.name));
}

/** Revokes a token by name; false when no live token has that name. */
export async function revokeApiToken(db: Database, name: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.name, name), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** Records a token's use (at most once a minute per token is enough for "last used"). */
export async function touchApiToken(db: Database, id: string, at: Date): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id));
}

/** Revokes the token with this hash (a session ending); false when none was live. */
export async function revokeApiTokenByHash(db: Database, hash: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.hash, hash), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}
