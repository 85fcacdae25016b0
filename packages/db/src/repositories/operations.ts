import { and, asc, eq, gte, inArray, isNotNull, lte, max, min, ne, notInArray, or, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { attributionVerdicts } from "../schema/attribution-verdicts.js";
import { changes } from "../schema/changes.js";
import { syncCursors } from "../schema/sync-cursors.js";
import { usageRecords } from "../schema/usage-records.js";
import { webhookDeliveries } from "../schema/webhook-deliveries.js";
import { weeklyRollups } from "../schema/weekly-rollups.js";
import { decodeSyncState, encodeSyncState, type SyncStateOf, type SyncStream } from "../sync-state.js";
import { upsertRows } from "../upsert.js";
import { normaliseIdentity } from "./people.js";

/** A stream's cursor in a scope (a repository full name, an org login, a request URL), its state decoded. */
export interface SyncCursor<S extends SyncStream = SyncStream> {
  scope: string;
  stream: S;
  state: SyncStateOf<S>;
  lastRunAt: Date | null;
  lastError: string | null;
}

/** A cursor to save: `state` replaces the stored one whole; `lastRunAt`/`lastError` only when given. */
export interface NewSyncCursor<S extends SyncStream = SyncStream> {
  scope: string;
  stream: S;
  state: SyncStateOf<S>;
  lastRunAt?: Date | null;
  lastError?: string | null;
}

function decoded<S extends SyncStream>(row: typeof syncCursors.$inferSelect, stream: S): SyncCursor<S> {
  return {
    scope: row.scope,
    stream,
    state: decodeSyncState(row.scope, stream, row.state),
    lastRunAt: row.lastRunAt,
    lastError: row.lastError,
  };
}

/**
 * Where sync of `stream` in `scope` left off, if anywhere. A stored state that does not match the
 * stream's schema throws `SyncCursorError` (scope, stream, field and the fix), never reads as null.
 */
export async function getSyncCursor<S extends SyncStream>(
  db: Database,
  scope: string,
  stream: S,
): Promise<SyncCursor<S> | null> {
  const [row] = await db
    .select()
    .from(syncCursors)
    .where(and(eq(syncCursors.scope, scope), eq(syncCursors.stream, stream)));
  return row === undefined ? null : decoded(row, stream);
}

/** One stream's cursors of many scopes in one query (scopes without one are absent); validated as `getSyncCursor`. */
export async function getSyncCursors<S extends SyncStream>(
  db: Database,
  scopes: readonly string[],
  stream: S,
): Promise<Map<string, SyncCursor<S>>> {
  const out = new Map<string, SyncCursor<S>>();
  for (let i = 0; i < scopes.length; i += 1000) {
    const rows = await db
      .select()
      .from(syncCursors)
      .where(and(inArray(syncCursors.scope, scopes.slice(i, i + 1000)), eq(syncCursors.stream, stream)));
    for (const row of rows) out.set(row.scope, decoded(row, stream));
  }
  return out;
}

/**
 * Saves a sync cursor: its state (validated against the stream's schema first) replaces the
 * stored one; `lastRunAt` and `lastError` are written when given and kept otherwise.
 */
export async function upsertSyncCursor<S extends SyncStream>(db: Database, cursor: NewSyncCursor<S>): Promise<void> {
  const { state, ...rest } = cursor;
  await upsertRows(db, syncCursors, [{ ...rest, state: encodeSyncState(cursor.scope, cursor.stream, state) }], {
    key: ["scope", "stream"],
  });
}

/** Forgets a stream's cursor in a scope: its next sync reads the stream again from its start. */
export async function deleteSyncCursor(db: Database, scope: string, stream: SyncStream): Promise<void> {
  await db.delete(syncCursors).where(and(eq(syncCursors.scope, scope), eq(syncCursors.stream, stream)));
}

/**
 * Forgets every sync cursor of a repository, so that its next sync reads it again from the
 * backfill start (a re-read: every write is an upsert): its streams' cursors (pull requests and a
 * pass under way, patch reads, branch history, deployments, incident issues of every label) and
 * the ETags of its REST requests (a 304 would answer the re-read with nothing). The rollups' own
 * state (`rollups.head`) is not a sync cursor and stays. Returns the forgotten cursors' streams.
 */
export async function forgetRepositorySyncCursors(db: Database, repo: string): Promise<string[]> {
  const [owner = "", name = ""] = repo.split("/");
  const route = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/`;
  const deleted = await db
    .delete(syncCursors)
    .where(
      or(
        and(eq(syncCursors.scope, repo), ne(syncCursors.stream, "rollups.head")),
        and(eq(syncCursors.stream, "etag"), sql`left(${syncCursors.scope}, ${route.length}) = ${route}`),
      ),
    )
    .returning({ stream: syncCursors.stream });
  return deleted.map((d) => d.stream).sort();
}

export interface WebhookDeliveryInput {
  deliveryId: string;
  event: string;
  action?: string | null;
  receivedAt: Date;
}

/** Records a webhook delivery; true when it is new, false for a redelivery already seen. */
export async function recordWebhookDelivery(db: Database, delivery: WebhookDeliveryInput): Promise<boolean> {
  const inserted = await db
    .insert(webhookDeliveries)
    .values({ ...delivery, action: delivery.action ?? null })
    .onConflictDoNothing({ target: webhookDeliveries.deliveryId })
    .returning({ deliveryId: webhookDeliveries.deliveryId });
  return inserted.length > 0;
}

/** Marks what became of a delivery: "processed", "ignored" or "failed" (with the error). */
export async function markWebhookDelivery(
  db: Database,
  deliveryId: string,
  outcome: { status: "processed" | "ignored" | "failed"; at: Date; error?: string },
): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: outcome.status, processedAt: outcome.at, error: outcome.error ?? null })
    .where(eq(webhookDeliveries.deliveryId, deliveryId));
}

export type NewUsageRecord = typeof usageRecords.$inferInsert;

/** Writes imported usage; re-importing the same report replaces its figures. */
export async function upsertUsage(db: Database, batch: readonly NewUsageRecord[]): Promise<number> {
  return upsertRows(
    db,
    usageRecords,
    batch.map((r) => ({ ...r, identityValue: normaliseIdentity(r.identityValue) })),
    { key: ["source", "identityKind", "identityValue", "day", "tool"] },
  );
}

export type WeeklyRollup = typeof weeklyRollups.$inferSelect;
export type NewWeeklyRollup = typeof weeklyRollups.$inferInsert;

/** Writes weekly rollups, replacing the figures of each (group, week). */
export async function upsertRollups(db: Database, batch: readonly NewWeeklyRollup[]): Promise<number> {
  return upsertRows(db, weeklyRollups, batch, { key: ["groupKind", "groupName", "week"] });
}

export interface RollupQuery {
  groupKind: "org" | "team" | "repo";
  /** Only these groups (default: all of the kind). */
  groupNames?: readonly string[];
  /** Inclusive ISO weeks, e.g. "2026-W40". */
  fromWeek: string;
  toWeek: string;
}

/** Rollups of a kind of group over a range of weeks, by group then week. */
export async function listRollups(db: Database, query: RollupQuery): Promise<WeeklyRollup[]> {
  const conditions = [
    eq(weeklyRollups.groupKind, query.groupKind),
    gte(weeklyRollups.week, query.fromWeek),
    lte(weeklyRollups.week, query.toWeek),
  ];
  if (query.groupNames !== undefined) {
    if (query.groupNames.length === 0) return [];
    conditions.push(inArray(weeklyRollups.groupName, [...query.groupNames]));
  }
  return db
    .select()
    .from(weeklyRollups)
    .where(and(...conditions))
    .orderBy(asc(weeklyRollups.groupName), asc(weeklyRollups.week));
}

/** Each repository's last pull-request sync (stream "pull_requests") and its last error, by repository. */
export async function listRepositorySync(
  db: Database,
): Promise<{ repo: string; lastSyncAt: Date | null; lastError: string | null }[]> {
  const rows = await db
    .select({ repo: syncCursors.scope, lastSyncAt: syncCursors.lastRunAt, lastError: syncCursors.lastError })
    .from(syncCursors)
    .where(eq(syncCursors.stream, "pull_requests"))
    .orderBy(asc(syncCursors.scope));
  return rows.map((r) => ({ ...r, lastError: r.lastError === "" ? null : r.lastError }));
}

/** A remembered webhook delivery's status ("processed" once handled), or null when it is not remembered. */
export async function webhookDeliveryStatus(db: Database, deliveryId: string): Promise<string | null> {
  const [row] = await db
    .select({ status: webhookDeliveries.status })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.deliveryId, deliveryId));
  return row?.status ?? null;
}

/** What the database knows of its own coverage: credited accounts, sync streams' last runs, rule versions, the first merge. */
export interface CoverageFacts {
  /** Each distinct credited login with the person it resolved to (null: unresolved). */
  credited: { login: string | null; personId: string | null }[];
  /** Every sync cursor's last run and error, but the streams excluded. */
  cursors: { lastRunAt: Date | null; lastError: string | null }[];
  ruleVersions: string[];
  firstMergedAt: Date | null;
}

export async function readCoverageFacts(
  db: Database,
  options: { excludeStreams: readonly string[] },
): Promise<CoverageFacts> {
  const credited = await db
    .selectDistinct({ login: changes.creditedLogin, personId: changes.creditedPersonId })
    .from(changes);
  const cursorQuery = db
    .select({ lastRunAt: syncCursors.lastRunAt, lastError: syncCursors.lastError })
    .from(syncCursors);
  const cursors =
    options.excludeStreams.length === 0
      ? await cursorQuery
      : await cursorQuery.where(notInArray(syncCursors.stream, [...options.excludeStreams]));
  const [first] = await db.select({ at: min(changes.mergedAt) }).from(changes);
  const versions = await db.selectDistinct({ v: attributionVerdicts.ruleVersion }).from(attributionVerdicts);
  return { credited, cursors, ruleVersions: versions.map((r) => r.v), firstMergedAt: first?.at ?? null };
}

/**
 * Imported usage credited to a person: every record, or those of days from `fromDay` and up to
 * `toDay` (YYYY-MM-DD, both included) when given; at most `limit`. Listed by day, then by key
 * (a total order): a read of consecutive day ranges lists the records a whole read lists, in the
 * same order (a bounded build reads usage range by range; its usage facts must equal a whole
 * build's, whose people and sums follow this order). A bounded range reads through
 * `usage_records_day_idx`.
 */
export async function listAttributedUsage(
  db: Database,
  query: AttributedUsageQuery = {},
): Promise<(typeof usageRecords.$inferSelect)[]> {
  return attributedUsageSelect(db, query);
}

export interface AttributedUsageQuery {
  fromDay?: string;
  toDay?: string;
  limit?: number;
}

/** `listAttributedUsage`'s statement (its plan can be explained). */
export function attributedUsageSelect(db: Database, query: AttributedUsageQuery = {}) {
  const where = and(
    isNotNull(usageRecords.personId),
    query.fromDay === undefined ? undefined : gte(usageRecords.day, query.fromDay),
    query.toDay === undefined ? undefined : lte(usageRecords.day, query.toDay),
  );
  const select = db
    .select()
    .from(usageRecords)
    .where(where)
    .orderBy(
      asc(usageRecords.day),
      asc(usageRecords.source),
      asc(usageRecords.identityKind),
      asc(usageRecords.identityValue),
      asc(usageRecords.tool),
    );
  return query.limit === undefined ? select : select.limit(query.limit);
}

/** The first and last day of imported usage credited to a person (null: none). */
export async function attributedUsageDays(db: Database): Promise<{ from: string; to: string } | null> {
  const [row] = await db
    .select({ from: min(usageRecords.day), to: max(usageRecords.day) })
    .from(usageRecords)
    .where(isNotNull(usageRecords.personId));
  return row?.from == null || row.to == null ? null : { from: row.from, to: row.to };
}

/**
 * Runs `fn` in one transaction that holds a transaction-level advisory lock on (`scope`, `key`)
 * (e.g. a job's name and its repository): jobs that rewrite the same rows from what they read
 * wait for each other, and whatever `fn` reads after the lock is what the previous holder
 * committed. Without it, two runs could interleave so that the one that read older data commits
 * last and overwrites the newer one (a lost update). The lock ends with the transaction.
 */
export async function withKeyedLock<T>(
  db: Database,
  scope: string,
  key: string,
  fn: (tx: Database) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${scope}), hashtext(${key}))`);
    return fn(tx);
  });
}
