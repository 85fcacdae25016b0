import { addWeeks, weekBounds } from "@yardstick/core";
import type { DoraBand, IntegrityFlags, MetricsGroup, MetricsOutput, WeekFigures } from "@yardstick/metrics";
import { DEFINITIONS, type DefinitionKey } from "./definitions.js";
import {
  formatCost,
  formatCount,
  formatDelta,
  formatHours,
  formatInstant,
  formatNumber,
  formatPercent,
  formatPointChange,
  NA,
} from "./format.js";
import { groupLabel } from "./html.js";
import type { ReportCoverage } from "./options.js";
import { type TargetTracking, trackTargets, weekOf } from "./tracking.js";

/**
 * The weekly digest (issue 7): what a leader reads on Monday morning about the last complete
 * week. Built from the same metrics document as the report (so every number equals
 * `yardstick metrics --format json`), then rendered for each channel by digest-render.ts.
 * Counts and group figures only: never a person's name, never a ranking.
 */

export type FigureFormat = "number" | "percent" | "count" | "hours" | "cost";

/** One headline figure of the organisation, with the previous week's value and the change. */
export interface HeadlineFigure {
  key: DefinitionKey;
  label: string;
  value: number | null;
  previous: number | null;
  format: FigureFormat;
  /** The value as read ("0.85", "62%", "n/a"). */
  text: string;
  /** Week-over-week change ("+0.12", "+5 pp", "n/a"). */
  change: string;
}

/** A delivery guardrail that got worse, or where AI-assisted changes fare worse than the rest. */
export interface GuardrailRegression {
  group: string;
  figure: string;
  /** One sentence: "change failure rate 12% (previous week 4%, +8 pp)". */
  text: string;
}

export interface DigestFlag {
  key: Exclude<keyof IntegrityFlags, "named">;
  label: string;
  count: number | null;
  previous: number | null;
}

export interface Digest {
  title: string;
  week: string;
  previousWeek: string;
  timeZone: string;
  /** The week's first instant and the next week's first instant, in the organisation's time zone. */
  start: Date;
  end: Date;
  generatedAt: Date;
  org: { name: string; suppressed: boolean; provisional: boolean } | null;
  headline: HeadlineFigure[];
  adoption: {
    org: TargetTracking | null;
    /** Teams in the engine's order (by name), never sorted by a figure. */
    teams: TargetTracking[];
    /** The organisation and teams that crossed the target, or fell below it, this week. */
    crossed: TargetTracking[];
    fellBelow: TargetTracking[];
  };
  regressions: GuardrailRegression[];
  flags: DigestFlag[];
  warnings: string[];
  reportUrl: string | null;
}

export interface DigestOptions {
  week: string;
  generatedAt: Date;
  title?: string;
  coverage?: ReportCoverage;
  /** Where the full report can be opened (a link in every channel), if anywhere. */
  reportUrl?: string;
}

/**
 * When a guardrail counts as a regression (documented in docs/report.md). Week-to-week noise in
 * small groups is large, so each rule needs both a relative and an absolute move, and enough
 * events in both weeks for the rate or the median to mean something.
 */
export const REGRESSION_RULES = {
  /** Change failure rate (and its AI-assisted / other split): at least this many deployments a side. */
  minDeployments: 5,
  /** Revert rates and lead time: at least this many deployed changes; the AI/other revert gap: this many qualifying changes a side (half). */
  minChanges: 10,
  /** Recovery: at least this many failed deployments. */
  minFailures: 3,
  /** Change failure rate and revert rates: up by at least this many percentage points. */
  ratePoints: 0.05,
  /** AI-assisted vs other: the AI-assisted rate above the other by at least this many points. */
  aiGapPoints: 0.05,
  /** Lead time median: up by at least 25% and at least 4 hours. */
  leadTimeRatio: 1.25,
  leadTimeHours: 4,
  /** Recovery median: up by at least 25% and at least 1 hour. */
  recoveryRatio: 1.25,
  recoveryHours: 1,
  /** Hours after the week's end before the data counts as stale (the digest runs Monday morning). */
  staleSyncHours: 48,
} as const;

const BAND_ORDER: Record<DoraBand, number> = { daily: 3, weekly: 2, monthly: 1, fewer: 0 };

const FLAG_LABELS: Record<DigestFlag["key"], string> = {
  volumeSpike: "Volume spike",
  trivialShare: "Trivial share",
  selfMergedAi: "Self-merged AI-assisted without review",
  highRevertShare: "High revert share",
  tokenHeavyNothingShipped: "Token-heavy, nothing shipped",
};

export function formatFigure(value: number | null, format: FigureFormat): string {
  switch (format) {
    case "percent":
      return formatPercent(value);
    case "count":
      return formatCount(value);
    case "hours":
      return formatHours(value);
    case "cost":
      return formatCost(value);
    default:
      return formatNumber(value);
  }
}

function changeOf(value: number | null, previous: number | null, format: FigureFormat): string {
  if (format === "percent") return formatPointChange(value, previous);
  if (format === "hours") {
    if (value === null || previous === null) return NA;
    const d = Math.round((value - previous) * 10) / 10;
    return d === 0 ? "±0 h" : `${d > 0 ? "+" : "−"}${Math.abs(d).toFixed(1)} h`;
  }
  return formatDelta(value, previous);
}

const HEADLINE: readonly { key: DefinitionKey; format: FigureFormat; read: (w: WeekFigures) => number | null }[] = [
  { key: "nd", format: "number", read: (w) => w.nd },
  { key: "aind", format: "number", read: (w) => w.aind },
  { key: "aiShare", format: "percent", read: (w) => w.aiShare },
  { key: "adoption", format: "percent", read: (w) => w.adoption },
  { key: "adoption4w", format: "percent", read: (w) => w.adoption4w },
  { key: "activeEngineers", format: "count", read: (w) => w.activeEngineers },
  { key: "qualifyingChanges", format: "count", read: (w) => w.qualifyingChanges },
  { key: "aiQualifyingChanges", format: "count", read: (w) => w.aiQualifyingChanges },
  { key: "deployments", format: "count", read: (w) => w.deployments },
  { key: "leadTimeMedian", format: "hours", read: (w) => w.leadTimeHours.median },
  { key: "changeFailureRate", format: "percent", read: (w) => w.changeFailureRate },
  { key: "costPerAiChange", format: "cost", read: (w) => w.costPerAiChange },
];

function headlineOf(w: WeekFigures | undefined, p: WeekFigures | undefined): HeadlineFigure[] {
  if (w === undefined || w.suppressed) return [];
  return HEADLINE.map(({ key, format, read }) => {
    const value = read(w);
    const previous = p === undefined || p.suppressed ? null : read(p);
    return {
      key,
      label: DEFINITIONS[key].label,
      value,
      previous,
      format,
      text: formatFigure(value, format),
      change: changeOf(value, previous, format),
    };
  });
}

/** The guardrail regressions of one group in `week` against the week before. */
export function guardrailRegressions(
  group: Pick<MetricsGroup, "kind" | "name">,
  w: WeekFigures | undefined,
  p: WeekFigures | undefined,
): GuardrailRegression[] {
  if (w === undefined || w.suppressed) return [];
  const name = groupLabel(group);
  const out: GuardrailRegression[] = [];
  const prev = p === undefined || p.suppressed ? undefined : p;
  const R = REGRESSION_RULES;
  const atLeast = (value: number | null | undefined, min: number) => value != null && value >= min;
  const failures = (x: WeekFigures | undefined) =>
    x?.deployments == null || x.changeFailureRate === null ? null : Math.round(x.deployments * x.changeFailureRate);
  const bothDeploy = atLeast(w.deployments, R.minDeployments) && atLeast(prev?.deployments, R.minDeployments);
  const bothChange = atLeast(w.deployedChanges, R.minChanges) && atLeast(prev?.deployedChanges, R.minChanges);
  const rateUp = (figure: string, now: number | null, before: number | null, enough: boolean) => {
    if (!enough || now === null || before === null || now - before < R.ratePoints - 1e-9) return;
    out.push({
      group: name,
      figure,
      text: `${figure} ${formatPercent(now)} (previous week ${formatPercent(before)}, ${formatPointChange(now, before)})`,
    });
  };
  const hoursUp = (
    figure: string,
    now: number | null,
    before: number | null,
    ratio: number,
    hours: number,
    enough: boolean,
  ) => {
    if (!enough || now === null || before === null || now < before * ratio || now - before < hours) return;
    out.push({
      group: name,
      figure,
      text: `${figure} ${formatHours(now)} (previous week ${formatHours(before)})`,
    });
  };
  rateUp("change failure rate", w.changeFailureRate, prev?.changeFailureRate ?? null, bothDeploy);
  rateUp("revert rate of AI-assisted changes", w.revertRate.ai, prev?.revertRate.ai ?? null, bothChange);
  rateUp("revert rate of other changes", w.revertRate.other, prev?.revertRate.other ?? null, bothChange);
  hoursUp(
    "lead time, median",
    w.leadTimeHours.median,
    prev?.leadTimeHours.median ?? null,
    R.leadTimeRatio,
    R.leadTimeHours,
    bothChange,
  );
  hoursUp(
    "recovery, median",
    w.recoveryHoursMedian,
    prev?.recoveryHoursMedian ?? null,
    R.recoveryRatio,
    R.recoveryHours,
    atLeast(failures(w), R.minFailures) && atLeast(failures(prev), R.minFailures),
  );
  if (w.doraBand !== null && prev?.doraBand != null && BAND_ORDER[w.doraBand] < BAND_ORDER[prev.doraBand]) {
    out.push({
      group: name,
      figure: "DORA band",
      text: `deployment frequency band fell from ${prev.doraBand} to ${w.doraBand}`,
    });
  }
  const gap = (figure: string, ai: number | null, other: number | null, enough: boolean) => {
    if (!enough || ai === null || other === null || ai - other < R.aiGapPoints - 1e-9) return;
    out.push({
      group: name,
      figure,
      text: `${figure}: AI-assisted ${formatPercent(ai)} against ${formatPercent(other)} for other changes`,
    });
  };
  const half = R.minChanges / 2;
  const aiChanges = w.aiQualifyingChanges;
  const otherChanges = w.qualifyingChanges === null || aiChanges === null ? null : w.qualifyingChanges - aiChanges;
  gap(
    "revert rate, AI-assisted vs other",
    w.revertRate.ai,
    w.revertRate.other,
    atLeast(aiChanges, half) && atLeast(otherChanges, half),
  );
  if (w.guardrails !== null) {
    gap(
      "change failure rate, AI-assisted vs other",
      w.guardrails.ai.changeFailureRate,
      w.guardrails.other.changeFailureRate,
      atLeast(w.guardrails.ai.deployments, R.minDeployments) &&
        atLeast(w.guardrails.other.deployments, R.minDeployments),
    );
  }
  return out;
}

function warningsOf(
  output: MetricsOutput,
  org: WeekFigures | undefined,
  teams: TargetTracking[],
  end: Date,
  options: DigestOptions,
): string[] {
  const out: string[] = [];
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (org === undefined) out.push(`No figures for ${options.week}: the week is outside the synced data.`);
  else if (org.suppressed) out.push("The organisation has fewer than k people this week: its figures are suppressed.");
  if (org?.provisional === true) {
    out.push(
      "Figures are provisional: changes merged this week can still be reverted within the revert window, which lowers them.",
    );
  }
  const suppressedTeams = teams.filter((t) => t.suppressed).length;
  if (suppressedTeams > 0) {
    out.push(
      `${plural(suppressedTeams, "team has", "teams have")} fewer than k people: ${suppressedTeams === 1 ? "its" : "their"} people count in "other".`,
    );
  }
  const n = output.notes;
  if (n.reposWithoutDeploymentSignal.length > 0) {
    out.push(
      `${plural(n.reposWithoutDeploymentSignal.length, "repository has", "repositories have")} no deployment signal (their figures use the merged variant): configure a deployment method.`,
    );
  }
  if (n.offBranchDeployments.length > 0) {
    out.push(
      `${plural(n.offBranchDeployments.length, "production deployment", "production deployments")} shipped a commit not on the tracked branch (not linked).`,
    );
  }
  if (n.changesNotOnBranch.length > 0) {
    out.push(
      `${plural(n.changesNotOnBranch.length, "merged change has", "merged changes have")} commits not on the tracked branch's synced history.`,
    );
  }
  const c = options.coverage;
  if (c?.unresolvedAccounts != null && c.unresolvedAccounts > 0) {
    out.push(
      `${plural(c.unresolvedAccounts, "account is", "accounts are")} credited with changes but resolve to no person: add them to the roster or identity map.`,
    );
  }
  if (c !== undefined && c.lastSyncAt === null) out.push("Nothing has been synced from GitHub yet.");
  else if (
    c?.lastSyncAt != null &&
    c.lastSyncAt.getTime() < end.getTime() &&
    options.generatedAt.getTime() - c.lastSyncAt.getTime() > REGRESSION_RULES.staleSyncHours * 3_600_000
  ) {
    out.push(`The last sync ran ${formatInstant(c.lastSyncAt)}, before the week ended: the week may be incomplete.`);
  }
  if (c?.syncStreamsWithErrors != null && c.syncStreamsWithErrors > 0) {
    out.push(`${plural(c.syncStreamsWithErrors, "sync stream", "sync streams")} ended in an error on its last run.`);
  }
  return out;
}

/**
 * The digest of `options.week` from a metrics document that holds that week (and, for the
 * week-over-week changes, the week before). Pure: the same document and options give the same
 * digest.
 */
export function buildDigest(output: MetricsOutput, options: DigestOptions): Digest {
  const week = options.week;
  const previousWeek = addWeeks(week, -1);
  const timeZone = output.notes.timeZone;
  const { start, end } = weekBounds(week, timeZone);
  const orgGroup = output.groups.find((g) => g.kind === "org");
  const ow = orgGroup === undefined ? undefined : weekOf(orgGroup, week);
  const op = orgGroup === undefined ? undefined : weekOf(orgGroup, previousWeek);
  const tracking = trackTargets(output, week);
  const orgTracking = tracking.find((t) => t.kind === "org") ?? null;
  const teams = tracking.filter((t) => t.kind === "team");
  const visible = [orgTracking, ...teams].filter((t): t is TargetTracking => t !== null && !t.suppressed);
  const regressionGroups = output.groups.filter((g) => g.kind === "org" || g.kind === "team");
  const regressions = regressionGroups.flatMap((g) =>
    guardrailRegressions(g, weekOf(g, week), weekOf(g, previousWeek)),
  );
  const flagKeys = Object.keys(FLAG_LABELS) as DigestFlag["key"][];
  const flags: DigestFlag[] =
    ow === undefined || ow.suppressed
      ? []
      : flagKeys.map((key) => ({
          key,
          label: FLAG_LABELS[key],
          count: ow.flags[key],
          previous: op === undefined || op.suppressed ? null : op.flags[key],
        }));
  const orgName = orgGroup?.name ?? "organisation";
  return {
    title: options.title ?? `Yardstick weekly digest: ${orgName}, ${week}`,
    week,
    previousWeek,
    timeZone,
    start,
    end,
    generatedAt: options.generatedAt,
    org:
      orgGroup === undefined
        ? null
        : { name: orgGroup.name, suppressed: ow?.suppressed ?? true, provisional: ow?.provisional ?? false },
    headline: headlineOf(ow, op),
    adoption: {
      org: orgTracking,
      teams,
      crossed: visible.filter((t) => t.crossing === "crossed"),
      fellBelow: visible.filter((t) => t.crossing === "fell-below"),
    },
    regressions,
    flags,
    warnings: warningsOf(output, ow, teams, end, options),
    reportUrl: options.reportUrl ?? null,
  };
}
