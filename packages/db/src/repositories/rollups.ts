import { and, asc, eq, getTableColumns, gt, gte, inArray, isNotNull, lte, min, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { attributionVerdicts } from "../schema/attribution-verdicts.js";
import { changes } from "../schema/changes.js";
import { commits } from "../schema/commits.js";
import { deployments } from "../schema/deployments.js";
import { incidentIssues } from "../schema/incident-issues.js";
import { pullRequests } from "../schema/pull-requests.js";
import { repositories } from "../schema/repositories.js";
import { rollupChanges, rollupDeployments } from "../schema/rollup-details.js";
import { rollupState } from "../schema/rollup-state.js";
import { usageRecords } from "../schema/usage-records.js";
import { weeklyRollups } from "../schema/weekly-rollups.js";
import { chunk, upsertRows, upsertRowsUnnest } from "../upsert.js";

/**
 * The read model's SQL: the weekly rollups, their drill-down (the changes and deployments behind
 * each group-week) and their state. The rollup job writes through `storeRollups`; every reader
 * (CLI, report, digest, API) reads through the list functions here.
 */

export type WeeklyRollupRow = typeof weeklyRollups.$inferSelect;
export type NewWeeklyRollupRow = typeof weeklyRollups.$inferInsert;
export type RollupChangeRow = typeof rollupChanges.$inferSelect;
export type RollupDeploymentRow = typeof rollupDeployments.$inferSelect;
export type RollupStateRow = typeof rollupState.$inferSelect;
export type GroupKindName = "org" | "team" | "repo";

export interface GroupWeekKey {
  groupKind: GroupKindName;
  groupName: string;
  week: string;
}

const STATE_ID = "weekly";

export interface StoreRollups {
  rows: readonly NewWeeklyRollupRow[];
  changes: readonly RollupChangeRow[];
  deployments: readonly RollupDeploymentRow[];
  /**
   * A full recompute of these weeks: every stored row and detail of them is replaced (groups no
   * longer configured disappear). Otherwise only the details of `rows`' group-weeks are replaced.
   */
  replaceWeeks?: { from: string; to: string };
}

/**
 * How `storeRollups` writes rows: "unnest" (default) sends one array per column per 20,000 rows
 * (`upsertRowsUnnest`); "values" is the multi-row VALUES upsert it replaced, kept for the
 * benchmark's baseline (scripts/bench/rollup-store.ts): minutes of client-side statement
 * building at a million drill-down rows.
 */
export type RollupWriteMethod = "unnest" | "values";

/**
 * Writes a rollup run's group-weeks and their drill-down in one transaction: a reader sees the
 * store before or after, never half of it. Idempotent: storing the same batch again leaves the
 * same rows. A full recompute (`replaceWeeks`) then analyses the three tables, so the planner's
 * statistics describe what was just written.
 */
export async function storeRollups(
  db: Database,
  batch: StoreRollups,
  options: { method?: RollupWriteMethod } = {},
): Promise<void> {
  await storeRollupsInParts(db, batch.replaceWeeks, async (write) => write(batch), options);
}

/** One part of a store in parts (`storeRollupsInParts`). */
export type RollupPart = Omit<StoreRollups, "replaceWeeks">;

/**
 * `storeRollups` of parts made one after the other (a full recompute evaluated a chunk of weeks at
 * a time, issue 18), all in one transaction: `make` calls `write` with each part, and gets the
 * transaction to read with (what it reads sees the store's own writes, and on PGlite's single
 * connection nothing else could run meanwhile). With `replaceWeeks`, every stored row and detail of
 * those weeks is deleted first (each part's weeks must lie within them) and the tables are
 * analysed after the commit; otherwise each part replaces the details of its group-weeks.
 */
export async function storeRollupsInParts<T>(
  db: Database,
  replaceWeeks: { from: string; to: string } | undefined,
  make: (write: (part: RollupPart) => Promise<void>, tx: Database) => Promise<T>,
  options: { method?: RollupWriteMethod } = {},
): Promise<T> {
  const upsert = options.method === "values" ? upsertRows : upsertRowsUnnest;
  const result = await db.transaction(async (tx) => {
    const t = tx as unknown as Database;
    if (replaceWeeks !== undefined) {
      const { from, to } = replaceWeeks;
      await tx.delete(weeklyRollups).where(and(gte(weeklyRollups.week, from), lte(weeklyRollups.week, to)));
      await tx.delete(rollupChanges).where(and(gte(rollupChanges.week, from), lte(rollupChanges.week, to)));
      await tx.delete(rollupDeployments).where(and(gte(rollupDeployments.week, from), lte(rollupDeployments.week, to)));
    }
    const write = async (part: RollupPart) => {
      if (replaceWeeks === undefined) {
        for (const rows of chunk(part.rows, 500)) {
          const pairs = rows.map((r) => sql`(${r.groupKind}, ${r.groupName}, ${r.week})`);
          const list = sql.join(pairs, sql`, `);
          await tx
            .delete(rollupChanges)
            .where(sql`(${rollupChanges.groupKind}, ${rollupChanges.groupName}, ${rollupChanges.week}) in (${list})`);
          await tx
            .delete(rollupDeployments)
            .where(
              sql`(${rollupDeployments.groupKind}, ${rollupDeployments.groupName}, ${rollupDeployments.week}) in (${list})`,
            );
        }
      }
      await upsert(t, weeklyRollups, part.rows, { key: ["groupKind", "groupName", "week"] });
      await upsert(t, rollupChanges, part.changes, { key: ["groupKind", "groupName", "week", "changeKey"] });
      await upsert(t, rollupDeployments, part.deployments, {
        key: ["groupKind", "groupName", "week", "deploymentId"],
      });
    };
    return make(write, t);
  });
  // A full recompute rewrites the read model's tables wholesale: at a million drill-down rows the
  // first reads after it (a change's evidence, a group-week's page) got parallel sequential scans
  // (31.6 ms against 0.9 ms) until autovacuum analysed them, which it had not 10 minutes later.
  // ANALYZE samples a bounded number of rows (300 x the statistics target), so it costs well under
  // a second whatever the tables' size, and it blocks neither readers nor writers.
  if (replaceWeeks !== undefined)
    await db.execute(sql`analyze ${weeklyRollups}, ${rollupChanges}, ${rollupDeployments}`);
  return result;
}

export interface RollupRowsQuery {
  fromWeek: string;
  toWeek: string;
  kinds?: readonly GroupKindName[];
  /** Only this group name (with one kind). */
  name?: string;
}

/** Stored group-weeks of a range of weeks, by kind, name and week. */
export async function listRollupRows(db: Database, query: RollupRowsQuery): Promise<WeeklyRollupRow[]> {
  const conditions: SQL[] = [gte(weeklyRollups.week, query.fromWeek), lte(weeklyRollups.week, query.toWeek)];
  if (query.kinds !== undefined) conditions.push(inArray(weeklyRollups.groupKind, [...query.kinds]));
  if (query.name !== undefined) conditions.push(eq(weeklyRollups.groupName, query.name));
  return db
    .select()
    .from(weeklyRollups)
    .where(and(...conditions))
    .orderBy(asc(weeklyRollups.groupKind), asc(weeklyRollups.groupName), asc(weeklyRollups.week));
}

/** One group's stored weeks of a range, their figures' JSON text joined in week order (the API's splice-not-parse read). */
export interface RollupSeriesText {
  groupKind: GroupKindName;
  groupName: string;
  /** The stored weeks of the range, in order. */
  weeks: string[];
  anySuppressed: boolean;
  /** The weeks' figures as JSON text, comma-joined in week order; named flag lists nulled unless `viewerIsAdmin`. */
  figures: string;
}

/**
 * Each group's stored weeks of a range with their figures as JSON text, aggregated by PostgreSQL
 * (`string_agg` in week order; the integrity flags' named lists set to null there for non-admins):
 * one row per group, so a reader splices a year of every group into a document without parsing
 * it (`metricsJsonFromRollups`), and hundreds of rows cross the wire instead of tens of thousands.
 */
export async function listRollupSeriesText(
  db: Database,
  query: RollupRowsQuery & { viewerIsAdmin: boolean },
): Promise<RollupSeriesText[]> {
  const conditions: SQL[] = [gte(weeklyRollups.week, query.fromWeek), lte(weeklyRollups.week, query.toWeek)];
  if (query.kinds !== undefined) conditions.push(inArray(weeklyRollups.groupKind, [...query.kinds]));
  if (query.name !== undefined) conditions.push(eq(weeklyRollups.groupName, query.name));
  const figures = query.viewerIsAdmin
    ? sql`${weeklyRollups.figures}::text`
    : sql`(case when coalesce(jsonb_typeof(${weeklyRollups.figures} #> '{flags,named}'), 'null') = 'null'
        then ${weeklyRollups.figures}
        else jsonb_set(${weeklyRollups.figures}, '{flags,named}', 'null'::jsonb) end)::text`;
  return db
    .select({
      groupKind: weeklyRollups.groupKind,
      groupName: weeklyRollups.groupName,
      weeks: sql<string[]>`array_agg(${weeklyRollups.week} order by ${weeklyRollups.week})`,
      anySuppressed: sql<boolean>`bool_or(${weeklyRollups.suppressed})`,
      figures: sql<string>`string_agg(${figures}, ',' order by ${weeklyRollups.week})`,
    })
    .from(weeklyRollups)
    .where(and(...conditions))
    .groupBy(weeklyRollups.groupKind, weeklyRollups.groupName);
}

/** The distinct groups with stored rollups, by kind and name. */
export async function listRollupGroups(db: Database): Promise<{ kind: GroupKindName; name: string }[]> {
  const rows = await db
    .selectDistinct({ kind: weeklyRollups.groupKind, name: weeklyRollups.groupName })
    .from(weeklyRollups)
    .orderBy(asc(weeklyRollups.groupKind), asc(weeklyRollups.groupName));
  return rows;
}

/** The rows of one group-week in a table keyed by (group kind, group name, week). */
function atGroupWeek(
  table: typeof weeklyRollups | typeof rollupChanges | typeof rollupDeployments,
  key: GroupWeekKey,
): SQL | undefined {
  return and(eq(table.groupKind, key.groupKind), eq(table.groupName, key.groupName), eq(table.week, key.week));
}

export async function getRollupRow(db: Database, key: GroupWeekKey): Promise<WeeklyRollupRow | null> {
  const [row] = await db.select().from(weeklyRollups).where(atGroupWeek(weeklyRollups, key));
  return row ?? null;
}

/** What a drill-down item joins from the change and its pull request. */
interface ChangeFields {
  prNumber: number | null;
  title: string | null;
  headRef: string | null;
  authorLogin: string | null;
  creditedLogin: string | null;
  creditReason: string | null;
  sha: string | null;
  linesChanged: number | null;
  revertedBy: string | null;
}

/** A drill-down item: the stored verdict on a change in a group-week, with the change's PR and attribution. */
export interface RollupChangeDetail extends RollupChangeRow, ChangeFields {
  verdict: {
    class: string;
    tool: string | null;
    tools: string[];
    confidence: string | null;
    evidence: unknown[];
    ruleVersion: string;
  } | null;
}

export interface ChangePageQuery extends GroupWeekKey {
  /** Keyset: items after this change key. */
  after?: string;
  limit: number;
  qualifying?: boolean;
  ai?: boolean;
}

const detailColumns = {
  prNumber: changes.prNumber,
  title: pullRequests.title,
  headRef: pullRequests.headRef,
  authorLogin: pullRequests.authorLogin,
  creditedLogin: changes.creditedLogin,
  creditReason: changes.creditReason,
  sha: changes.sha,
  linesChanged: changes.linesChanged,
  revertedBy: changes.revertedBy,
  verdictClass: attributionVerdicts.class,
  verdictTool: attributionVerdicts.tool,
  verdictTools: attributionVerdicts.tools,
  verdictConfidence: attributionVerdicts.confidence,
  verdictEvidence: attributionVerdicts.evidence,
  verdictRules: attributionVerdicts.ruleVersion,
};

type DetailRow = RollupChangeRow &
  ChangeFields & {
    verdictClass: string | null;
    verdictTool: string | null;
    verdictTools: string[] | null;
    verdictConfidence: string | null;
    verdictEvidence: unknown[] | null;
    verdictRules: string | null;
  };

function detailOf(r: DetailRow): RollupChangeDetail {
  const { verdictClass, verdictTool, verdictTools, verdictConfidence, verdictEvidence, verdictRules, ...rest } = r;
  return {
    ...rest,
    verdict:
      verdictClass === null
        ? null
        : {
            class: verdictClass,
            tool: verdictTool,
            tools: verdictTools ?? [],
            confidence: verdictConfidence,
            evidence: verdictEvidence ?? [],
            ruleVersion: verdictRules ?? "",
          },
  };
}

function detailQuery(db: Database) {
  return db
    .select({ ...rollupChangeColumns(), ...detailColumns })
    .from(rollupChanges)
    .leftJoin(changes, eq(changes.key, rollupChanges.changeKey))
    .leftJoin(pullRequests, and(eq(pullRequests.repo, changes.repo), eq(pullRequests.number, changes.prNumber)))
    .leftJoin(
      attributionVerdicts,
      and(eq(attributionVerdicts.subjectKind, "change"), eq(attributionVerdicts.subjectKey, rollupChanges.changeKey)),
    );
}

function rollupChangeColumns() {
  return {
    groupKind: rollupChanges.groupKind,
    groupName: rollupChanges.groupName,
    week: rollupChanges.week,
    changeKey: rollupChanges.changeKey,
    repo: rollupChanges.repo,
    personId: rollupChanges.personId,
    ai: rollupChanges.ai,
    qualifying: rollupChanges.qualifying,
    exclusions: rollupChanges.exclusions,
    counted: rollupChanges.counted,
    countedAi: rollupChanges.countedAi,
    mergedAt: rollupChanges.mergedAt,
    deployedAt: rollupChanges.deployedAt,
    deploymentId: rollupChanges.deploymentId,
    leadTimeHours: rollupChanges.leadTimeHours,
  };
}

/** One page of a group-week's changes, by change key (keyset pagination). */
export async function listGroupWeekChanges(db: Database, query: ChangePageQuery): Promise<RollupChangeDetail[]> {
  const conditions: SQL[] = [
    eq(rollupChanges.groupKind, query.groupKind),
    eq(rollupChanges.groupName, query.groupName),
    eq(rollupChanges.week, query.week),
  ];
  if (query.after !== undefined) conditions.push(gt(rollupChanges.changeKey, query.after));
  if (query.qualifying !== undefined) conditions.push(eq(rollupChanges.qualifying, query.qualifying));
  if (query.ai !== undefined) conditions.push(eq(rollupChanges.ai, query.ai));
  const rows = await detailQuery(db)
    .where(and(...conditions))
    .orderBy(asc(rollupChanges.changeKey))
    .limit(query.limit);
  return rows.map((r) => detailOf(r as DetailRow));
}

/**
 * A group-week's lead times (hours), AI-assisted and other: the samples of its guardrails'
 * lead-time medians (changes deployed in the week with a lead time), for a test of their
 * difference. One read of the group-week's drill-down rows (the primary key's prefix).
 */
export async function listGroupWeekLeadTimes(
  db: Database,
  key: GroupWeekKey,
): Promise<{ ai: number[]; other: number[] }> {
  const rows = await db
    .select({ ai: rollupChanges.ai, leadTimeHours: rollupChanges.leadTimeHours })
    .from(rollupChanges)
    .where(and(atGroupWeek(rollupChanges, key), isNotNull(rollupChanges.leadTimeHours)));
  const out: { ai: number[]; other: number[] } = { ai: [], other: [] };
  for (const r of rows) (r.ai ? out.ai : out.other).push(r.leadTimeHours as number);
  return out;
}

/** What a group-week's change list adds up to (`countGroupWeekChanges`), under the same filters as its pages. */
export interface GroupWeekChangeCounts {
  /** Changes matching the filters: the rows the list pages through. */
  listed: number;
  /** Of those, counted in ND (within the weekly cap). */
  counted: number;
  /** Of those, counted in AIND. */
  countedAi: number;
}

/**
 * How many of a group-week's changes match the filters and how many of them count in ND and in
 * AIND, without reading them: one aggregate over the drill-down rows of the group-week (the
 * primary key's prefix), no joins. The figures the list adds up to, before any page of it.
 */
export async function countGroupWeekChanges(
  db: Database,
  query: GroupWeekKey & { qualifying?: boolean; ai?: boolean },
): Promise<GroupWeekChangeCounts> {
  const conditions: SQL[] = [
    eq(rollupChanges.groupKind, query.groupKind),
    eq(rollupChanges.groupName, query.groupName),
    eq(rollupChanges.week, query.week),
  ];
  if (query.qualifying !== undefined) conditions.push(eq(rollupChanges.qualifying, query.qualifying));
  if (query.ai !== undefined) conditions.push(eq(rollupChanges.ai, query.ai));
  const [row] = await db
    .select({
      listed: sql<number>`count(*)::int`,
      counted: sql<number>`(count(*) filter (where ${rollupChanges.counted}))::int`,
      countedAi: sql<number>`(count(*) filter (where ${rollupChanges.countedAi}))::int`,
    })
    .from(rollupChanges)
    .where(and(...conditions));
  return {
    listed: Number(row?.listed ?? 0),
    counted: Number(row?.counted ?? 0),
    countedAi: Number(row?.countedAi ?? 0),
  };
}

/** Every stored verdict on one change (one per group-week it counts in), with its PR and attribution. */
export async function getChangeDetails(db: Database, changeKey: string): Promise<RollupChangeDetail[]> {
  const rows = await detailQuery(db)
    .where(eq(rollupChanges.changeKey, changeKey))
    .orderBy(asc(rollupChanges.groupKind), asc(rollupChanges.groupName), asc(rollupChanges.week));
  return rows.map((r) => detailOf(r as DetailRow));
}

/** What the digest's tests need of one change in a stored group-week (`listWeekChangeSamples`). */
export interface WeekChangeSample {
  groupKind: GroupKindName;
  groupName: string;
  ai: boolean;
  leadTimeHours: number | null;
  /** Reverted within the revert window ("reverted" among its exclusions). */
  reverted: boolean;
}

/**
 * The changes deployed in `week` for every stored group of `kinds` (the drill-down rows; none for
 * suppressed group-weeks), reduced to what the digest compares: AI-assisted or not, lead time,
 * reverted. Ordered by group, then change key, so the same data gives the same samples.
 */
export async function listWeekChangeSamples(
  db: Database,
  week: string,
  kinds: readonly GroupKindName[],
): Promise<WeekChangeSample[]> {
  if (kinds.length === 0) return [];
  const rows = await db
    .select({
      groupKind: rollupChanges.groupKind,
      groupName: rollupChanges.groupName,
      ai: rollupChanges.ai,
      leadTimeHours: rollupChanges.leadTimeHours,
      exclusions: rollupChanges.exclusions,
    })
    .from(rollupChanges)
    .where(and(eq(rollupChanges.week, week), inArray(rollupChanges.groupKind, [...kinds])))
    .orderBy(asc(rollupChanges.groupKind), asc(rollupChanges.groupName), asc(rollupChanges.changeKey));
  return rows.map((r) => ({
    groupKind: r.groupKind,
    groupName: r.groupName,
    ai: r.ai,
    leadTimeHours: r.leadTimeHours,
    reverted: r.exclusions.includes("reverted"),
  }));
}

/** A group-week's production deployments, by time. */
export async function listGroupWeekDeployments(db: Database, key: GroupWeekKey): Promise<RollupDeploymentRow[]> {
  return db
    .select()
    .from(rollupDeployments)
    .where(atGroupWeek(rollupDeployments, key))
    .orderBy(asc(rollupDeployments.liveAt), asc(rollupDeployments.deploymentId));
}

/** Every stored row of one deployment (one per group-week it counts in). */
export async function getDeploymentDetails(db: Database, deploymentId: string): Promise<RollupDeploymentRow[]> {
  return db
    .select()
    .from(rollupDeployments)
    .where(eq(rollupDeployments.deploymentId, deploymentId))
    .orderBy(asc(rollupDeployments.groupKind), asc(rollupDeployments.groupName));
}

export async function readRollupState(db: Database): Promise<RollupStateRow | null> {
  const [row] = await db.select().from(rollupState).where(eq(rollupState.id, STATE_ID));
  return row ?? null;
}

/** The rollup state without its notes: what names a rollup run (keys of kept answers), one small row. */
export type RollupStamp = Omit<RollupStateRow, "notes">;

export async function readRollupStamp(db: Database): Promise<RollupStamp | null> {
  const { notes: _notes, ...columns } = getTableColumns(rollupState);
  const [row] = await db.select(columns).from(rollupState).where(eq(rollupState.id, STATE_ID));
  return row ?? null;
}

export async function writeRollupState(db: Database, state: Omit<RollupStateRow, "id">): Promise<void> {
  await upsertRows(db, rollupState, [{ id: STATE_ID, ...state }], { key: ["id"] });
}

// --- What the incremental rollup reads to know what changed (packages/pipeline/src/rollups.ts) ---

/**
 * The database time before which every row that is not visible yet cannot have been stamped:
 * now, or the start of the oldest transaction still open elsewhere (its rows carry its start
 * time as `synced_at`/`updated_at` but become visible only when it commits). Milliseconds,
 * rounded down.
 */
export async function changeHorizon(db: Database): Promise<Date> {
  const epochMs = async (query: ReturnType<typeof sql>) => {
    // postgres.js returns the rows, PGlite a result holding them.
    const result = (await db.execute(query)) as unknown as
      | { t: string | number }[]
      | { rows: { t: string | number }[] };
    const rows = Array.isArray(result) ? result : result.rows;
    const t = Number(rows[0]?.t);
    if (!Number.isFinite(t)) throw new Error("no database time");
    return new Date(Math.floor(t));
  };
  try {
    return await epochMs(sql`select extract(epoch from least(now(), coalesce((
      select min(xact_start) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null
    ), now()))) * 1000 as t`);
  } catch {
    return epochMs(sql`select extract(epoch from now()) * 1000 as t`);
  }
}

/** Tracked repositories (not archived), sorted by name. */
export async function listTrackedRepos(db: Database): Promise<{ name: string; trackedBranch: string | null }[]> {
  const rows = await db
    .select({ name: repositories.fullName, archived: repositories.archived, trackedBranch: repositories.trackedBranch })
    .from(repositories);
  return rows
    .filter((r) => !r.archived)
    .map((r) => ({ name: r.name, trackedBranch: r.trackedBranch }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Whether any usage record was resolved to a person (decides whether token flags are known). */
export async function anyUsageImported(db: Database): Promise<boolean> {
  const rows = await db
    .select({ day: usageRecords.day })
    .from(usageRecords)
    .where(isNotNull(usageRecords.personId))
    .limit(1);
  return rows.length > 0;
}

/** Each incident issue's identity and last update (`repo#number@time`), for a label. */
export async function incidentIssueStamps(db: Database, label: string): Promise<string[]> {
  const rows = await db
    .select({ repo: incidentIssues.repo, number: incidentIssues.number, updatedAt: incidentIssues.updatedAt })
    .from(incidentIssues)
    .where(eq(incidentIssues.label, label))
    .orderBy(incidentIssues.repo, incidentIssues.number);
  return rows.map((i) => `${i.repo}#${i.number}@${i.updatedAt.toISOString()}`);
}

/** Rows stored after `since`: per repository the earliest merge of synced pull requests and the earliest new deployment, the changes written, and usage imported. */
export async function rowsStoredSince(
  db: Database,
  since: Date,
): Promise<{
  pullRequests: { repo: string; earliestMerge: Date | null }[];
  changes: { key: string; repo: string; mergedAt: Date }[];
  deployments: { repo: string; earliestCreated: Date | null }[];
  usage: { personId: string; day: string }[];
}> {
  const pullRequestRows = await db
    .select({ repo: pullRequests.repo, earliestMerge: min(pullRequests.mergedAt) })
    .from(pullRequests)
    .where(gt(pullRequests.syncedAt, since))
    .groupBy(pullRequests.repo);
  const changeRows = await db
    .select({ key: changes.key, repo: changes.repo, mergedAt: changes.mergedAt })
    .from(changes)
    .where(gt(changes.updatedAt, since));
  const deploymentRows = await db
    .select({ repo: deployments.repo, earliestCreated: min(deployments.createdAt) })
    .from(deployments)
    .where(gt(deployments.syncedAt, since))
    .groupBy(deployments.repo);
  const usage = await db
    .select({ personId: usageRecords.personId, day: usageRecords.day })
    .from(usageRecords)
    .where(and(gt(usageRecords.importedAt, since), isNotNull(usageRecords.personId)));
  return {
    pullRequests: pullRequestRows,
    changes: changeRows,
    deployments: deploymentRows,
    usage: usage.map((u) => ({ personId: u.personId as string, day: u.day })),
  };
}

/** When a commit of a repository was committed (null: not stored). */
export async function commitTime(db: Database, repo: string, sha: string): Promise<Date | null> {
  const [row] = await db
    .select({ at: commits.committedAt })
    .from(commits)
    .where(and(eq(commits.repo, repo), eq(commits.sha, sha)));
  return row?.at ?? null;
}

/**
 * The earliest merge of the changes landing on any of these commits of a repository (null: none).
 * The shas go as one array parameter (`sha = any($2::text[])`), not one parameter each: under
 * a generic plan (postgres.js prepares its statements; PostgreSQL may switch to one after five
 * runs), `sha in ($2..$5001)` is compared with every parameter in turn for each change the plan
 * walks, 13 s a chunk on 50,000 changes against 34 ms (docs/benchmarks.md, "Reads by a list of keys").
 */
export async function earliestMergeAt(db: Database, repo: string, shas: readonly string[]): Promise<Date | null> {
  let earliest: Date | null = null;
  for (const part of chunk(shas, 5_000)) {
    const [row] = await db
      .select({ at: min(changes.mergedAt) })
      .from(changes)
      .where(and(eq(changes.repo, repo), sql`${changes.sha} = any(${sql.param([...part])}::text[])`));
    if (row?.at != null && (earliest === null || row.at < earliest)) earliest = row.at;
  }
  return earliest;
}

/** The kinds whose "other" group has stored rows in the weeks. */
export async function storedOtherKinds(
  db: Database,
  from: string,
  to: string,
  other: string,
): Promise<Set<GroupKindName>> {
  const rows = await db
    .selectDistinct({ kind: weeklyRollups.groupKind })
    .from(weeklyRollups)
    .where(and(eq(weeklyRollups.groupName, other), gte(weeklyRollups.week, from), lte(weeklyRollups.week, to)));
  return new Set(rows.map((r) => r.kind));
}

/** One week's attribution coverage: of the changes behind the organisation's figures, how many carry any signal. */
export interface AttributionCoverageWeek {
  week: string;
  /** Changes behind the week's organisation figures (deployed in the week). */
  changes: number;
  /** Of those, with at least one evidence item (any AI signal, whatever its confidence). */
  withSignal: number;
  /** Of those, AI-assisted (a signal at or above the configured confidence). */
  aiAssisted: number;
  /** Of those, credited to no known person (an unresolved identity). */
  withoutPerson: number;
}

/**
 * Attribution coverage per week of the organisations' drill-down (`rollup_changes` of kind org,
 * `orgs` by name), weeks `fromWeek`..`toWeek`: one grouped range scan of the key's index over
 * those weeks' rows, joined to their verdicts.
 */
export async function attributionCoverageByWeek(
  db: Database,
  range: { orgs: readonly string[]; fromWeek: string; toWeek: string },
): Promise<AttributionCoverageWeek[]> {
  if (range.orgs.length === 0) return [];
  const rows = await db
    .select({
      week: rollupChanges.week,
      changes: sql<number>`count(*)::int`,
      withSignal: sql<number>`(count(*) filter (where jsonb_array_length(coalesce(${attributionVerdicts.evidence}, '[]'::jsonb)) > 0))::int`,
      aiAssisted: sql<number>`(count(*) filter (where ${rollupChanges.ai}))::int`,
      withoutPerson: sql<number>`(count(*) filter (where ${rollupChanges.personId} is null))::int`,
    })
    .from(rollupChanges)
    .leftJoin(
      attributionVerdicts,
      and(eq(attributionVerdicts.subjectKind, "change"), eq(attributionVerdicts.subjectKey, rollupChanges.changeKey)),
    )
    .where(
      and(
        eq(rollupChanges.groupKind, "org"),
        inArray(rollupChanges.groupName, [...range.orgs]),
        gte(rollupChanges.week, range.fromWeek),
        lte(rollupChanges.week, range.toWeek),
      ),
    )
    .groupBy(rollupChanges.week)
    .orderBy(asc(rollupChanges.week));
  return rows;
}
