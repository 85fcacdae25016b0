import { WeekClock } from "./clock.js";
import { GroupContext } from "./compute.js";
import type { MetricsConfig } from "./config.js";
import type { RosterPerson } from "./inputs.js";
import type { LinkKind } from "./link.js";
import {
  type ChangeFact,
  type DeploymentFact,
  type FailureReason,
  factIndex,
  type PersonUsage,
  type Prepared,
} from "./prepare.js";
import { type KeptTouched, type RollupState, rollupState } from "./restrict.js";

/**
 * The rollup worker's kept state in storage (issue 18): the prepared facts as rows, so a restarted
 * worker restores its state (`restoreRollupState`) instead of loading and preparing every stored
 * row again. Pure: the rows are written and read by @yardstick/db (`rollup_kept_facts`).
 *
 * Each row is one change fact (key: change key), one deployment fact (key: its id) or one week's
 * usage (key: the week), in a compact positional form (`data`: a JSON array), with its place in
 * the kept lists (`ord`) and the week it is indexed under. What the facts do not carry is in
 * `KeptMeta`. The evaluation caches are not kept: they fill again as runs need them.
 */

/** The facts' format: part of the stored state's fingerprint, so another format is rebuilt, not misread. */
export const KEPT_FACTS_VERSION = "kept-facts-1";

export type KeptFactKind = "change" | "deployment" | "usage";

export interface KeptFactRow {
  kind: KeptFactKind;
  key: string;
  /** The fact's place in `prep.changes`/`prep.deployments` (-1: an existing fact changed in place). */
  ord: number;
  week: string;
  data: unknown;
}

/** What a kept state holds beyond its facts. */
export interface KeptMeta {
  repos: string[];
  reposWithoutSignal: string[];
  hasUsage: boolean;
}

/** A stored kept state that cannot be read back: rebuild it. */
export class KeptFactsError extends Error {
  override name = "KeptFactsError";
}

export function keptMetaOf(prep: Prepared): KeptMeta {
  return { repos: [...prep.repos], reposWithoutSignal: [...prep.reposWithoutSignal].sort(), hasUsage: prep.hasUsage };
}

function changeRow(f: ChangeFact, ord: number): KeptFactRow {
  return {
    kind: "change",
    key: f.key,
    ord,
    week: f.mergedWeek,
    data: [
      f.repo,
      f.person,
      f.ai,
      f.trivial,
      f.reverted,
      f.revert,
      f.qualifying,
      f.mergedAt.getTime(),
      f.mergedWeek,
      f.deployedAt === null ? null : f.deployedAt.getTime(),
      f.deployedWeek,
      f.deploymentId,
      f.leadTimeHours,
      f.firstCommitToOpenHours,
      f.openToMergeHours,
      f.mergeToDeployHours,
      f.selfMergedAiNoReview,
    ],
  };
}

function deploymentRow(d: DeploymentFact, ord: number): KeptFactRow {
  return {
    kind: "deployment",
    key: d.id,
    ord,
    week: d.week,
    data: [
      d.repo,
      d.environment,
      d.liveAt.getTime(),
      d.week,
      d.day,
      d.kind,
      d.failureReasons,
      d.failed,
      d.recoveryHours,
      [...d.shippedPeople],
      d.shipsAi,
      d.shipped,
    ],
  };
}

function usageRow(week: string, people: ReadonlyMap<string, PersonUsage>): KeptFactRow {
  return {
    kind: "usage",
    key: week,
    ord: 0,
    week,
    data: [...people].map(([person, u]) => [person, u.tokens, u.cost]),
  };
}

/** Every fact of a kept state as rows (what a state built from all data stores). */
export function keptFactRows(state: RollupState): KeptFactRow[] {
  return factRowsOf(state.prep);
}

/**
 * Every fact of `prep` as rows, its changes and deployments placed from `from` on: a state built
 * in parts (build.ts) prepares a batch of repositories at a time, its facts following the earlier
 * batches' as they follow them in a whole prepare.
 */
export function factRowsOf(prep: Prepared, from = { change: 0, deployment: 0 }): KeptFactRow[] {
  const rows: KeptFactRow[] = [];
  for (const [i, f] of prep.changes.entries()) rows.push(changeRow(f, from.change + i));
  for (const [i, d] of prep.deployments.entries()) rows.push(deploymentRow(d, from.deployment + i));
  for (const [week, people] of prep.index.usageByWeek) rows.push(usageRow(week, people));
  return rows;
}

/** The rows of the facts an update wrote (`updatePrepared`'s `touched`), as they are now. */
export function touchedFactRows(state: RollupState, touched: KeptTouched): KeptFactRow[] {
  const rows: KeptFactRow[] = [];
  for (const [key, ord] of touched.changes) {
    const f = state.changeByKey.get(key);
    if (f !== undefined) rows.push(changeRow(f, ord ?? -1));
  }
  for (const [id, ord] of touched.deployments) {
    const d = state.deploymentById.get(id);
    if (d !== undefined) rows.push(deploymentRow(d, ord ?? -1));
  }
  for (const week of touched.usageWeeks) {
    const people = state.prep.index.usageByWeek.get(week);
    if (people !== undefined) rows.push(usageRow(week, people));
  }
  return rows;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const orNull =
  <T>(check: (v: unknown) => v is T) =>
  (v: unknown): v is T | null =>
    v === null || check(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function fields(row: KeptFactRow, checks: readonly ((v: unknown) => boolean)[]): unknown[] {
  const data = row.data;
  if (!Array.isArray(data) || data.length !== checks.length || !checks.every((check, i) => check(data[i]))) {
    throw new KeptFactsError(`kept ${row.kind} ${row.key}: not a ${KEPT_FACTS_VERSION} fact`);
  }
  return data;
}

const CHANGE_FIELDS = [
  isString,
  orNull(isString),
  isBool,
  isBool,
  isBool,
  isBool,
  isBool,
  isNumber,
  isString,
  orNull(isNumber),
  orNull(isString),
  orNull(isString),
  orNull(isNumber),
  orNull(isNumber),
  orNull(isNumber),
  orNull(isNumber),
  isBool,
];

/**
 * One copy of each repeated string (repositories, people, weeks, days, environments): decoded rows
 * carry a copy per row, where facts prepared from an input share the input's.
 */
export type Intern = <T extends string | null>(value: T) => T;

export function interner(): Intern {
  const seen = new Map<string, string>();
  return <T extends string | null>(value: T): T => {
    if (value === null) return value;
    const kept = seen.get(value);
    if (kept !== undefined) return kept as T;
    seen.set(value, value);
    return value;
  };
}

export function changeOf(row: KeptFactRow, intern: Intern): ChangeFact {
  const d = fields(row, CHANGE_FIELDS);
  return {
    key: row.key,
    repo: intern(d[0] as string),
    person: intern(d[1] as string | null),
    ai: d[2] as boolean,
    trivial: d[3] as boolean,
    reverted: d[4] as boolean,
    revert: d[5] as boolean,
    qualifying: d[6] as boolean,
    mergedAt: new Date(d[7] as number),
    mergedWeek: intern(d[8] as string),
    deployedAt: d[9] === null ? null : new Date(d[9] as number),
    deployedWeek: intern(d[10] as string | null),
    deploymentId: d[11] as string | null,
    leadTimeHours: d[12] as number | null,
    firstCommitToOpenHours: d[13] as number | null,
    openToMergeHours: d[14] as number | null,
    mergeToDeployHours: d[15] as number | null,
    selfMergedAiNoReview: d[16] as boolean,
  };
}

const DEPLOYMENT_FIELDS = [
  isString,
  isString,
  isNumber,
  isString,
  isString,
  isString,
  isStringList,
  isBool,
  orNull(isNumber),
  isStringList,
  isBool,
  isStringList,
];

export function deploymentOf(row: KeptFactRow, intern: Intern): DeploymentFact {
  const d = fields(row, DEPLOYMENT_FIELDS);
  return {
    id: row.key,
    repo: intern(d[0] as string),
    environment: intern(d[1] as string),
    liveAt: new Date(d[2] as number),
    week: intern(d[3] as string),
    day: intern(d[4] as string),
    kind: intern(d[5] as string) as LinkKind,
    failureReasons: d[6] as FailureReason[],
    failed: d[7] as boolean,
    recoveryHours: d[8] as number | null,
    shippedPeople: new Set((d[9] as string[]).map(intern)),
    shipsAi: d[10] as boolean,
    shipped: d[11] as string[],
  };
}

export function usageOf(row: KeptFactRow): Map<string, PersonUsage> {
  const data = row.data;
  const entry = (e: unknown): e is [string, number, number | null] =>
    Array.isArray(e) && e.length === 3 && isString(e[0]) && isNumber(e[1]) && (e[2] === null || isNumber(e[2]));
  if (!Array.isArray(data) || !data.every(entry)) {
    throw new KeptFactsError(`kept usage ${row.key}: not a ${KEPT_FACTS_VERSION} usage week`);
  }
  return new Map(data.map(([person, tokens, cost]) => [person, { tokens, cost }]));
}

/**
 * A kept state from its stored rows: the facts in their kept order, indexed as `prepareMetrics`
 * indexes them, with fresh evaluation caches. `config` and `roster` are the current ones (the
 * stored state's fingerprint covers both). Throws `KeptFactsError` on a row it cannot read.
 */
export function restoreRollupState(
  config: MetricsConfig,
  roster: RosterPerson[],
  meta: KeptMeta,
  rows: Iterable<KeptFactRow>,
): RollupState {
  const changes: { ord: number; fact: ChangeFact }[] = [];
  const deployments: { ord: number; fact: DeploymentFact }[] = [];
  const usageByWeek = new Map<string, Map<string, PersonUsage>>();
  const intern = interner();
  for (const row of rows) {
    if (row.kind === "change") changes.push({ ord: row.ord, fact: changeOf(row, intern) });
    else if (row.kind === "deployment") deployments.push({ ord: row.ord, fact: deploymentOf(row, intern) });
    else if (row.kind === "usage") usageByWeek.set(row.key, usageOf(row));
    else throw new KeptFactsError(`kept fact of unknown kind ${JSON.stringify(row.kind)}`);
  }
  const byOrd = (a: { ord: number }, b: { ord: number }) => a.ord - b.ord;
  const changeFacts = changes.sort(byOrd).map((c) => c.fact);
  const deploymentFacts = deployments.sort(byOrd).map((d) => d.fact);
  const index = factIndex(changeFacts, deploymentFacts);
  index.usageByWeek = new Map([...usageByWeek].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const prep: Prepared = {
    config,
    clock: new WeekClock(config.timeZone),
    changes: changeFacts,
    deployments: deploymentFacts,
    roster,
    teams: [...new Set(roster.flatMap((p) => p.teams.map((t) => t.team)))].sort(),
    repos: [...meta.repos],
    reposWithoutSignal: new Set(meta.reposWithoutSignal),
    hasUsage: meta.hasUsage,
    index,
    notes: { offBranchDeployments: [], changesNotOnBranch: [], mergedNotDeployed: 0 },
  };
  return rollupState(prep, new GroupContext(prep));
}
