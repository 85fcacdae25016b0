import { type Database, readCoverageFacts } from "@yardstick/db";
import type { ReportCoverage } from "@yardstick/report";
import { ROLLUP_HEAD_STREAM, ROLLUP_STREAM } from "./rollups.js";

/** What the database can tell the report and the digest about coverage: unresolved accounts, sync freshness, rule versions. */
export async function readCoverage(db: Database): Promise<ReportCoverage> {
  // GitHub's streams only: the rollup's own cursors are written by every reading command that
  // brings the figures up to date (at its own time, after a report's), and are no sync.
  const facts = await readCoverageFacts(db, { excludeStreams: [ROLLUP_STREAM, ROLLUP_HEAD_STREAM] });
  const unresolved = new Set(facts.credited.filter((c) => c.personId === null && c.login !== null).map((c) => c.login));
  const runs = facts.cursors.map((c) => c.lastRunAt?.getTime() ?? null).filter((t): t is number => t !== null);
  return {
    unresolvedAccounts: unresolved.size,
    lastSyncAt: runs.length === 0 ? null : new Date(Math.max(...runs)),
    syncStreamsWithErrors: facts.cursors.filter((c) => c.lastError !== null && c.lastError !== "").length,
    ruleVersions: [...facts.ruleVersions].sort(),
    firstMergedAt: facts.firstMergedAt,
  };
}
