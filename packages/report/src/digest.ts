import { addWeeks, weekBounds } from "@yardstick/core";
import type { IntegrityFlags, MetricsGroup, MetricsOutput, WeekFigures } from "@yardstick/metrics";
import { fisherExactGreater, mannWhitneyGreater, median, SIGNIFICANCE_LEVEL } from "@yardstick/metrics";
import { dashboardLinks } from "./dashboard-links.js";
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

/**
 * A delivery guardrail that got worse beyond chance, with the counts it was computed from: a rate
 * higher than the previous week's, or AI-assisted changes' higher than the others', by a
 * one-sided Fisher's exact test; AI-assisted changes' lead times longer than the others' by a
 * one-sided Mann-Whitney U test; each at `SIGNIFICANCE_LEVEL`.
 */
export interface GuardrailRegression {
  group: string;
  figure: string;
  /** One sentence with the counts and the test: "change failure rate 40% (8 of 20 deployments; previous week 5%, 1 of 20): p = 0.010". */
  text: string;
  /** The test's one-sided p-value. */
  pValue: number;
  test: "fisher" | "mann-whitney";
}

/**
 * What the digest reads beside the metrics document for one group's week: the lead time of each
 * change deployed in the week (the document has medians only) and the counts behind the revert
 * rates, AI-assisted and other (the document's guardrails carry these too, but figures stored
 * before them do not); the pipeline reads both from the read model's drill-down,
 * `rollup_changes`. Without them the digest tests only the change failure rates.
 */
export interface GroupWeekSamples {
  kind: MetricsGroup["kind"];
  name: string;
  /** Hours from first commit to production of each deployed change with a lead time. */
  leadTimeHours: { ai: number[]; other: number[] };
  /** Changes deployed in the week, and how many of them were reverted within the window. */
  changes: { ai: number; other: number };
  reverted: { ai: number; other: number };
}

/** What the digest compared, and how many of the comparisons passed the test. */
export interface RegressionSummary {
  /** Comparisons with counts on both sides (at least one trial each). */
  tested: number;
  /** Of those, significant at `SIGNIFICANCE_LEVEL` (the regressions). */
  significant: number;
  /** The regressions listed (at most `MAX_REGRESSIONS`, smallest p first). */
  shown: number;
  /** The tests and level, in words. */
  test: string;
  /** Whether the week's samples were given (lead times and revert rates compared too). */
  withSamples: boolean;
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
  regressionSummary: RegressionSummary;
  flags: DigestFlag[];
  warnings: string[];
  reportUrl: string | null;
  /** Absolute links to the dashboard's pages for this week (config `dashboardUrl`), or null. */
  dashboard: DigestDashboardLinks | null;
}

/** Where each part of the digest opens in the dashboard: absolute, with the week in the address. */
export interface DigestDashboardLinks {
  /** The organisation's week on the overview. */
  overview: string;
  /** Every team against its target (the week's adoption page). */
  adoption: string;
  /** Every team's guardrails, AI-assisted vs other, for the week. */
  guardrails: string;
  /** Data freshness and coverage. */
  status: string;
  /** Each team's week with its AI-assisted qualifying changes, by team name. */
  teams: Record<string, string>;
}

export interface DigestOptions {
  week: string;
  generatedAt: Date;
  title?: string;
  coverage?: ReportCoverage;
  /** Where the full report can be opened (a link in every channel), if anywhere. */
  reportUrl?: string;
  /**
   * The absolute address the report link is resolved against (config `digest.reportUrl`): a link
   * in email or Slack must be absolute. Without `reportUrl`, the link is this address itself.
   */
  baseUrl?: string;
  /** Per group, the week's lead-time samples and revert counts (see `GroupWeekSamples`). */
  samples?: readonly GroupWeekSamples[];
  /** The dashboard's absolute address (config `dashboardUrl`): the digest links to its pages. */
  dashboardUrl?: string;
}

/** At most this many regressions are listed; the rest are counted (a digest is read in a minute). */
export const MAX_REGRESSIONS = 5;

/** When the data counts as stale: hours after the week's end (the digest runs Monday morning). */
export const STALE_SYNC_HOURS = 48;

/**
 * Lead times are compared only with at least this many changes on each side: fewer is not a
 * basis for calling anything a regression, whatever the test says.
 */
export const MIN_LEAD_TIME_SAMPLE = 5;

export const REGRESSION_TEST = `one-sided tests at the ${Math.round(SIGNIFICANCE_LEVEL * 100)}% level: Fisher's exact test for rates, Mann-Whitney U for lead times (at least ${MIN_LEAD_TIME_SAMPLE} changes a side)`;

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

/** One comparison of two rates: the rate now (or the AI-assisted one) against the other. */
interface RateComparison {
  group: string;
  figure: string;
  unit: string;
  x1: number;
  n1: number;
  x2: number;
  n2: number;
  /** How the second side is named in the sentence ("previous week", "other changes"). */
  against: string;
}

function failuresOf(deployments: number | null | undefined, rate: number | null | undefined): number | null {
  return deployments == null || rate == null ? null : Math.round(deployments * rate);
}

/**
 * The rate comparisons of one group in `week` that have counts on both sides: the change failure
 * rate against the previous week's, and AI-assisted deployments' against the others' this week.
 * (Lead times are compared from the week's samples, `GroupWeekSamples`, when the digest is given
 * them, and so are revert rates: the document's guardrail counts, `changes` and `revertedChanges`,
 * are absent from figures stored before they were.)
 */
function rateComparisons(
  group: Pick<MetricsGroup, "kind" | "name">,
  w: WeekFigures | undefined,
  p: WeekFigures | undefined,
): RateComparison[] {
  if (w === undefined || w.suppressed) return [];
  const name = groupLabel(group);
  const out: RateComparison[] = [];
  const prev = p === undefined || p.suppressed ? undefined : p;
  const now = failuresOf(w.deployments, w.changeFailureRate);
  const before = failuresOf(prev?.deployments, prev?.changeFailureRate);
  if (now !== null && before !== null && (w.deployments ?? 0) > 0 && (prev?.deployments ?? 0) > 0) {
    out.push({
      group: name,
      figure: "change failure rate",
      unit: "deployments",
      x1: now,
      n1: w.deployments as number,
      x2: before,
      n2: prev?.deployments as number,
      against: "previous week",
    });
  }
  const ai = w.guardrails?.ai;
  const other = w.guardrails?.other;
  const aiFailed = failuresOf(ai?.deployments, ai?.changeFailureRate);
  const otherFailed = failuresOf(other?.deployments, other?.changeFailureRate);
  if (aiFailed !== null && otherFailed !== null && (ai?.deployments ?? 0) > 0 && (other?.deployments ?? 0) > 0) {
    out.push({
      group: name,
      figure: "change failure rate, AI-assisted vs other",
      unit: "deployments shipping AI-assisted changes",
      x1: aiFailed,
      n1: ai?.deployments as number,
      x2: otherFailed,
      n2: other?.deployments as number,
      against: "other deployments",
    });
  }
  return out;
}

/** The revert rates of AI-assisted and other changes in the week, with their counts (from the samples). */
function revertComparison(name: string, s: GroupWeekSamples | undefined): RateComparison[] {
  if (s === undefined || s.changes.ai <= 0 || s.changes.other <= 0) return [];
  return [
    {
      group: name,
      figure: "revert rate, AI-assisted vs other",
      unit: "AI-assisted changes reverted",
      x1: s.reverted.ai,
      n1: s.changes.ai,
      x2: s.reverted.other,
      n2: s.changes.other,
      against: "other changes",
    },
  ];
}

const pText = (pValue: number) => (pValue < 0.001 ? "p < 0.001" : `p = ${pValue.toFixed(3)}`);

function regressionOf(c: RateComparison): GuardrailRegression | null {
  if (c.x1 / c.n1 <= c.x2 / c.n2) return null;
  const pValue = fisherExactGreater(c.x1, c.n1, c.x2, c.n2);
  if (pValue >= SIGNIFICANCE_LEVEL) return null;
  return {
    group: c.group,
    figure: c.figure,
    text: `${c.figure} ${formatPercent(c.x1 / c.n1)} (${c.x1} of ${c.n1} ${c.unit}; ${c.against} ${formatPercent(c.x2 / c.n2)}, ${c.x2} of ${c.n2}): ${pText(pValue)}`,
    pValue,
    test: "fisher",
  };
}

/** AI-assisted lead times against the others': compared when each side has `MIN_LEAD_TIME_SAMPLE` changes. */
function leadTimeComparable(s: GroupWeekSamples | undefined): s is GroupWeekSamples {
  return (
    s !== undefined &&
    s.leadTimeHours.ai.length >= MIN_LEAD_TIME_SAMPLE &&
    s.leadTimeHours.other.length >= MIN_LEAD_TIME_SAMPLE
  );
}

/**
 * AI-assisted changes' lead times longer than the others' in the week, beyond chance: a
 * one-sided Mann-Whitney U test at `SIGNIFICANCE_LEVEL`, stated with both medians and counts.
 */
export function leadTimeRegression(name: string, s: GroupWeekSamples): GuardrailRegression | null {
  const { ai, other } = s.leadTimeHours;
  const test = mannWhitneyGreater(ai, other);
  if (test === null || test.pValue >= SIGNIFICANCE_LEVEL) return null;
  const figure = "lead time, AI-assisted vs other";
  return {
    group: name,
    figure,
    text: `${figure}: median ${formatHours(median(ai))} (${ai.length} AI-assisted changes) against ${formatHours(median(other))} (${other.length} other changes), Mann-Whitney U = ${test.u}${test.method === "exact" ? " (exact)" : ""}: ${pText(test.pValue)}`,
    pValue: test.pValue,
    test: "mann-whitney",
  };
}

/**
 * The guardrail regressions of one group in `week` against the week before: each comparison with
 * counts on both sides passes a one-sided Fisher's exact test at `SIGNIFICANCE_LEVEL` before it is
 * called one (1 failed deployment of 2 is not). Returns them and how many comparisons were made.
 */
export function guardrailRegressions(
  group: Pick<MetricsGroup, "kind" | "name">,
  w: WeekFigures | undefined,
  p: WeekFigures | undefined,
  samples?: GroupWeekSamples,
): { regressions: GuardrailRegression[]; tested: number } {
  const visible = w !== undefined && !w.suppressed;
  const name = groupLabel(group);
  const comparisons = [...rateComparisons(group, w, p), ...(visible ? revertComparison(name, samples) : [])];
  const regressions = comparisons.flatMap((c) => regressionOf(c) ?? []);
  let tested = comparisons.length;
  if (visible && leadTimeComparable(samples)) {
    tested += 1;
    const lead = leadTimeRegression(name, samples);
    if (lead !== null) regressions.push(lead);
  }
  return { regressions, tested };
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
    options.generatedAt.getTime() - c.lastSyncAt.getTime() > STALE_SYNC_HOURS * 3_600_000
  ) {
    out.push(`The last sync ran ${formatInstant(c.lastSyncAt)}, before the week ended: the week may be incomplete.`);
  }
  if (c?.syncStreamsWithErrors != null && c.syncStreamsWithErrors > 0) {
    out.push(`${plural(c.syncStreamsWithErrors, "sync stream", "sync streams")} ended in an error on its last run.`);
  }
  return out;
}

/** The report link: resolved against `baseUrl` when one is configured (email and Slack need absolute links). */
function absoluteLink(reportUrl: string | undefined, baseUrl: string | undefined): string | null {
  if (baseUrl === undefined) return reportUrl ?? null;
  return new URL(reportUrl ?? "", baseUrl).toString();
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
  const samplesOf = (g: MetricsGroup) => options.samples?.find((s) => s.kind === g.kind && s.name === g.name);
  const compared = regressionGroups.map((g) =>
    guardrailRegressions(g, weekOf(g, week), weekOf(g, previousWeek), samplesOf(g)),
  );
  const significant = compared.flatMap((c) => c.regressions).sort((a, b) => a.pValue - b.pValue);
  const regressions = significant.slice(0, MAX_REGRESSIONS);
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
    regressionSummary: {
      tested: compared.reduce((n, c) => n + c.tested, 0),
      significant: significant.length,
      shown: regressions.length,
      test: REGRESSION_TEST,
      withSamples: options.samples !== undefined,
    },
    flags,
    warnings: warningsOf(output, ow, teams, end, options),
    reportUrl: absoluteLink(options.reportUrl, options.baseUrl),
    dashboard: options.dashboardUrl === undefined ? null : dashboardOf(options.dashboardUrl, week, teams),
  };
}

function dashboardOf(url: string, week: string, teams: readonly TargetTracking[]): DigestDashboardLinks {
  const links = dashboardLinks(url);
  return {
    overview: links.overview(week),
    adoption: links.adoption("team", week),
    guardrails: links.guardrails("team", week),
    status: links.status(),
    // Suppressed teams too: their page says they are suppressed, and why.
    teams: Object.fromEntries(
      teams.map((t) => [t.name, links.groupWeek("team", t.name, week, { qualifying: true, ai: true })]),
    ),
  };
}
