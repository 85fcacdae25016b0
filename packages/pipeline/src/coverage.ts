import { attributionVerdicts, changes, type Database, syncCursors } from "@yardstick/db";
import type { ReportCoverage } from "@yardstick/report";
import { min, notInArray } from "drizzle-orm";
import { ROLLUP_HEAD_STREAM, ROLLUP_STREAM } from "./rollups.js";

/** What the database can tell the report and the digest about coverage: unresolved accounts, sync freshness, rule versions. */
export async function readCoverage(db: Database): Promise<ReportCoverage> {
  const credited = await db
    .selectDistinct({ login: changes.creditedLogin, personId: changes.creditedPersonId })
    .from(changes);
  const unresolved = new Set(credited.filter((c) => c.personId === null && c.login !== null).map((c) => c.login));
  const cursors = await db
    .select({ lastRunAt: syncCursors.lastRunAt, lastError: syncCursors.lastError })
    .from(syncCursors)
    // GitHub's streams only: the rollup's own cursors are written by every reading command that
    // brings the figures up to date (at its own time, after a report's), and are no sync.
    .where(notInArray(syncCursors.stream, [ROLLUP_STREAM, ROLLUP_HEAD_STREAM]));
  const runs = cursors.map((c) => c.lastRunAt?.getTime() ?? null).filter((t): t is number => t !== null);
  const [first] = await db.select({ at: min(changes.mergedAt) }).from(changes);
  const versions = await db.selectDistinct({ v: attributionVerdicts.ruleVersion }).from(attributionVerdicts);
  return {
    unresolvedAccounts: unresolved.size,
    lastSyncAt: runs.length === 0 ? null : new Date(Math.max(...runs)),
    syncStreamsWithErrors: cursors.filter((c) => c.lastError !== null && c.lastError !== "").length,
    ruleVersions: versions.map((r) => r.v).sort(),
    firstMergedAt: first?.at ?? null,
  };
}
