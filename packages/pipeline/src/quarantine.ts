import { type Database, type StoreOrQuarantineOptions, storeOrQuarantine } from "@yardstick/db";
import type { Logger } from "@yardstick/log";

/**
 * `storeOrQuarantine` with one warning per quarantined record: kind, scope, key, SQLSTATE,
 * reason and field sizes, never a value (docs/security.md). Returns the records stored.
 */
export async function storeEach<T>(
  db: Database,
  items: readonly T[],
  options: StoreOrQuarantineOptions<T>,
  logger: Logger,
): Promise<T[]> {
  const result = await storeOrQuarantine(db, items, options);
  for (const entry of result.quarantined) {
    logger.warn(
      {
        kind: entry.kind,
        scope: entry.scope,
        key: entry.recordKey,
        code: entry.code,
        reason: entry.reason,
        sizes: entry.sizes,
      },
      "record quarantined: the database refused it; the rest of its page is stored",
    );
  }
  return result.stored;
}
