import { desc, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { describeDatabaseFailure, isDataError } from "../errors.js";
import { quarantinedRecords } from "../schema/quarantined-records.js";
import { keysIn } from "../upsert.js";

export type QuarantinedRecord = typeof quarantinedRecords.$inferSelect;

export interface QuarantineEntry {
  kind: string;
  scope: string;
  recordKey: string;
  code: string | null;
  reason: string;
  sizes: Record<string, number>;
}

/**
 * The length of each field of a record (strings and arrays: their length; nested objects: their
 * fields, dotted), never a value: what a log line or the quarantine may say about a record.
 */
export function sizesOf(record: unknown, prefix = "", into: Record<string, number> = {}): Record<string, number> {
  if (record === null || typeof record !== "object" || record instanceof Date) return into;
  for (const [key, value] of Object.entries(record)) {
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (typeof value === "string" || Array.isArray(value)) into[name] = value.length;
    else if (value !== null && typeof value === "object" && !(value instanceof Date) && prefix.split(".").length < 3)
      sizesOf(value, name, into);
  }
  return into;
}

/** Records (or refreshes) quarantine entries: `attempts` counts the syncs that met them. */
export async function quarantineRecords(db: Database, entries: readonly QuarantineEntry[], now: Date): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insert(quarantinedRecords)
    .values(entries.map((e) => ({ ...e, firstSeenAt: now, lastSeenAt: now })))
    .onConflictDoUpdate({
      target: [quarantinedRecords.kind, quarantinedRecords.scope, quarantinedRecords.recordKey],
      set: {
        code: sql`excluded.code`,
        reason: sql`excluded.reason`,
        sizes: sql`excluded.sizes`,
        lastSeenAt: sql`excluded.last_seen_at`,
        attempts: sql`${quarantinedRecords.attempts} + 1`,
      },
    });
}

/** Removes the entries of records that have now been stored. */
export async function releaseQuarantined(
  db: Database,
  kind: string,
  records: readonly { scope: string; recordKey: string }[],
): Promise<void> {
  if (records.length === 0) return;
  await db.delete(quarantinedRecords).where(
    keysIn(
      [quarantinedRecords.kind, quarantinedRecords.scope, quarantinedRecords.recordKey],
      records.map((r) => [kind, r.scope, r.recordKey]),
    ),
  );
}

/** Quarantined records, the most recently met first. */
export async function listQuarantined(db: Database, options: { limit?: number } = {}): Promise<QuarantinedRecord[]> {
  return db
    .select()
    .from(quarantinedRecords)
    .orderBy(desc(quarantinedRecords.lastSeenAt), quarantinedRecords.kind, quarantinedRecords.scope)
    .limit(options.limit ?? 1000);
}

/** How many records are quarantined (for a status line). */
export async function countQuarantined(db: Database): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(quarantinedRecords);
  return row?.n ?? 0;
}

export interface StoreOrQuarantineOptions<T> {
  kind: string;
  scopeOf(item: T): string;
  keyOf(item: T): string;
  /** Writes items; called once with all of them, and once per item when the batch is refused. */
  store(tx: Database, items: readonly T[]): Promise<void>;
  now: Date;
}

export interface StoreOrQuarantineResult<T> {
  stored: T[];
  quarantined: QuarantineEntry[];
}

/**
 * Stores a batch of records from GitHub; if the database refuses the data itself (SQLSTATE class
 * 22, 23 or 54: see errors.ts), stores them one at a time and quarantines each one it refuses,
 * with the reason and the record's field sizes, so one record cannot stop the rest of its page.
 * Each attempt is its own savepoint inside `db`'s transaction. Other failures (a lost
 * connection) are thrown as they are, for the job to retry. Records stored release any
 * quarantine entry they had.
 */
export async function storeOrQuarantine<T>(
  db: Database,
  items: readonly T[],
  options: StoreOrQuarantineOptions<T>,
): Promise<StoreOrQuarantineResult<T>> {
  if (items.length === 0) return { stored: [], quarantined: [] };
  const release = (stored: readonly T[]) =>
    releaseQuarantined(
      db,
      options.kind,
      stored.map((item) => ({ scope: options.scopeOf(item), recordKey: options.keyOf(item) })),
    );
  try {
    await db.transaction((tx) => options.store(tx, items));
    await release(items);
    return { stored: [...items], quarantined: [] };
  } catch (error) {
    if (!isDataError(error)) throw error;
  }
  const stored: T[] = [];
  const quarantined: QuarantineEntry[] = [];
  for (const item of items) {
    try {
      await db.transaction((tx) => options.store(tx, [item]));
      stored.push(item);
    } catch (error) {
      if (!isDataError(error)) throw error;
      const failure = describeDatabaseFailure(error);
      quarantined.push({
        kind: options.kind,
        scope: options.scopeOf(item),
        recordKey: options.keyOf(item),
        code: failure.sqlState,
        reason: [failure.reason, failure.constraint === null ? null : `constraint ${failure.constraint}`]
          .filter((part) => part !== null)
          .join(", "),
        sizes: sizesOf(item),
      });
    }
  }
  await release(stored);
  await quarantineRecords(db, quarantined, options.now);
  return { stored, quarantined };
}
