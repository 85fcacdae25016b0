import { MEDIAN_CI_MIN_SAMPLES, twoProportionTest, wilsonInterval } from "@yardstick/metrics/stats";
import { formatCount, formatHours } from "@yardstick/report/format";
import type { LeadTimeTest, WeekFigures } from "./api.js";
import { type DefinitionKey, percent } from "./ui.js";

/**
 * The guardrail comparison the overview and the guardrails page state (one model, one component:
 * `GuardrailComparison`): for the change failure rate and the revert rate, each side's rate with
 * the counts behind it ("x of n") and a 95% Wilson interval, and whether the two differ beyond
 * noise by a two-sided two-proportion z-test at 5% (the test of @yardstick/metrics/stats); for
 * lead time and recovery, each side's median with its distribution-free 95% interval (binomial
 * order statistics, computed by the metrics engine) and its sample size. Whether the lead times
 * differ beyond noise is the read API's two-sided Mann-Whitney U test of the two samples
 * (`…/lead-time-test`); recovery times have no such answer, so for them (and for lead time until
 * the test has loaded) the comparison says whether the two intervals overlap, labelled as not
 * being a test: intervals that overlap can still belong to medians that differ.
 */

/**
 * The z-test's normal approximation holds only with enough in every cell: at least this many
 * expected successes and failures on each side (under the pooled rate). Below it, a difference is
 * "too few to test", never "beyond noise": 2 of 2 failed against 0 of 3 gives p = 0.03 by the
 * formula, which means nothing at that size.
 */
export const MIN_EXPECTED = 5;

/** What the "difference" column states, shown on hover. */
export const TEST_DEFINITION = `Rates: whether AI-assisted and other differ beyond noise, by a two-sided two-proportion z-test at the 5% level, run only when every cell (successes and failures, each side, under the pooled rate) expects at least ${MIN_EXPECTED}; otherwise "too few to test". Each rate shows the counts behind it and its 95% Wilson interval. Medians (lead time, recovery): each shows its distribution-free 95% interval (binomial order statistics, at least ${MEDIAN_CI_MIN_SAMPLES} values). Lead time: whether the two samples differ beyond noise, by a two-sided Mann-Whitney U test at the 5% level (exact up to 50 values in all), with at least 5 changes a side. Recovery: whether the two intervals overlap, which is not a test: overlapping intervals do not show the medians are the same.`;

/** Whether two counts are large enough for the two-proportion z-test. */
export function enoughToTest(x1: number, n1: number, x2: number, n2: number): boolean {
  if (n1 <= 0 || n2 <= 0) return false;
  const pooled = (x1 + x2) / (n1 + n2);
  return Math.min(n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)) >= MIN_EXPECTED;
}

/** One side of a rate: the rate, and the counts behind it when known (x of n). */
export interface RateCounts {
  rate: number | null;
  x: number | null;
  n: number | null;
}

/** A rate compared AI-assisted vs other, as stated: each side's text and the test's verdict. */
export interface RateComparison {
  ai: string;
  other: string;
  test: string;
}

const NOT_STORED = "counts not stored yet (the next rollup adds them)";

/** "30% (30 of 100; 95% CI 22%–40%)"; "n/a" without a rate; the rate alone without its counts. */
function sideText(s: RateCounts): string {
  if (s.rate === null || s.n === 0) return "n/a";
  if (s.x === null || s.n === null) return `${percent(s.rate)} (${NOT_STORED})`;
  const ci = wilsonInterval(s.x, s.n);
  return `${percent(s.rate)} (${s.x} of ${s.n}; 95% CI ${percent(ci?.low)}–${percent(ci?.high)})`;
}

/** Each side's rate with its counts and interval, and the two-proportion test's verdict. */
export function compareRates(ai: RateCounts, other: RateCounts): RateComparison {
  const counted = (s: RateCounts): s is { rate: number; x: number; n: number } =>
    s.rate !== null && s.x !== null && s.n !== null && s.n > 0;
  const missing = (s: RateCounts) => s.rate !== null && (s.x === null || s.n === null);
  let test: string;
  if (missing(ai) || missing(other)) {
    test = `not tested: ${NOT_STORED}`;
  } else if (!counted(ai) || !counted(other) || !enoughToTest(ai.x, ai.n, other.x, other.n)) {
    test = `too few to test (under ${MIN_EXPECTED} expected per cell)`;
  } else {
    const t = twoProportionTest(ai.x, ai.n, other.x, other.n);
    test =
      t === null
        ? `too few to test (under ${MIN_EXPECTED} expected per cell)`
        : t.significant
          ? `beyond noise (p = ${t.pValue.toFixed(3)})`
          : `within noise (p = ${t.pValue.toFixed(2)})`;
  }
  return { ai: sideText(ai), other: sideText(other), test };
}

type Side = NonNullable<WeekFigures["guardrails"]>["ai"];

/**
 * The counts behind a side's change failure rate: failed deployments of its deployments. Figures
 * stored before the counts were (no `failedDeployments`) give rate × deployments, which is the
 * count the rate was computed from.
 */
export function failureCounts(side: Side): RateCounts {
  const n = side.deployments;
  const rate = side.changeFailureRate;
  const x = side.failedDeployments ?? (rate === null || n === null ? null : Math.round(rate * n));
  return { rate, x, n };
}

/** The counts behind a side's revert rate: reverted changes of its changes deployed in the week. */
export function revertCounts(side: Side): RateCounts {
  return { rate: side.revertRate, x: side.revertedChanges ?? null, n: side.changes ?? null };
}

/** Change failure rate AI vs other with counts, intervals and a two-proportion test. */
export function failureRates(f: WeekFigures): RateComparison | null {
  const g = f.guardrails;
  return g === null ? null : compareRates(failureCounts(g.ai), failureCounts(g.other));
}

/** Revert rate AI vs other with counts, intervals and a two-proportion test. */
export function revertRates(f: WeekFigures): RateComparison | null {
  const g = f.guardrails;
  return g === null ? null : compareRates(revertCounts(g.ai), revertCounts(g.other));
}

/** A median's 95% interval as stored: absent in rows written before figures version 3, null when too few. */
export type StoredInterval = Side["leadTimeMedianInterval"];

/**
 * "18.2 h (95% CI 12.1–25.0 h, n = 84)"; "3.0 h (n = 4; too few for a 95% CI)" below six values;
 * n/a without a median; what is missing from a row stored before the interval or the sample size.
 */
export function medianText(median: number | null, n: number | undefined, interval: StoredInterval): string {
  if (median === null) return "n/a";
  if (n === undefined) return `${formatHours(median)} (sample size not stored yet)`;
  if (interval === undefined) return `${formatHours(median)} (n = ${n}; interval not stored yet)`;
  if (interval === null) {
    return `${formatHours(median)} (n = ${n}; too few for a 95% CI, which needs ${MEDIAN_CI_MIN_SAMPLES})`;
  }
  return `${formatHours(median)} (95% CI ${interval.low.toFixed(1)}–${formatHours(interval.high)}, n = ${n})`;
}

/**
 * Whether two medians' 95% intervals overlap, labelled as not being a test; null when a side has
 * no median (nothing to compare).
 */
export function intervalsText(
  ai: StoredInterval,
  other: StoredInterval,
  medians: [number | null, number | null],
): string | null {
  if (medians[0] === null || medians[1] === null) return null;
  if (ai === undefined || other === undefined) return "not compared: intervals not stored yet";
  if (ai === null || other === null) return `no interval to compare (under ${MEDIAN_CI_MIN_SAMPLES} values)`;
  const overlap = ai.low <= other.high && other.low <= ai.high;
  return `intervals ${overlap ? "overlap" : "do not overlap"} (not a test)`;
}

/** The lead-time test's verdict: "beyond noise (Mann-Whitney, p = 0.012)", "within noise (…)" or too few. */
export function leadTimeTestText(t: LeadTimeTest): string {
  if (t.test === null) return `too few to test (under ${t.minimum} changes a side)`;
  return t.test.significant
    ? `beyond noise (Mann-Whitney, p = ${t.test.pValue.toFixed(3)})`
    : `within noise (Mann-Whitney, p = ${t.test.pValue.toFixed(2)})`;
}

/** One row of the comparison: a figure, each side as stated, and the test's verdict (or, for medians, the intervals' overlap). */
export interface GuardrailRow {
  key: "deployments" | "changeFailureRate" | "revertRate" | "leadTime" | "recovery";
  label: string;
  /** What "x of n" counts, for the rates. */
  counts: string | null;
  def: DefinitionKey;
  ai: string;
  other: string;
  test: string | null;
}

/**
 * The rows of a group-week's guardrail comparison, in the order shown; null without a split.
 * `leadTest`: the read API's lead-time test when it has answered (else the intervals' overlap).
 */
export function guardrailRows(f: WeekFigures, leadTest?: LeadTimeTest): GuardrailRow[] | null {
  const g = f.guardrails;
  const cfr = failureRates(f);
  const reverts = revertRates(f);
  if (g === null || cfr === null || reverts === null) return null;
  return [
    {
      key: "deployments",
      label: "Deployments",
      counts: null,
      def: "deployments",
      ai: formatCount(g.ai.deployments),
      other: formatCount(g.other.deployments),
      test: null,
    },
    {
      key: "changeFailureRate",
      label: "Change failure rate",
      counts: "failed of deployments",
      def: "changeFailureRate",
      ...cfr,
    },
    {
      key: "revertRate",
      label: "Revert rate",
      counts: "reverted of changes deployed",
      def: "revertRate",
      ...reverts,
    },
    {
      key: "leadTime",
      label: "Lead time, median",
      counts: null,
      def: "leadTimeMedian",
      ai: medianText(g.ai.leadTimeHours.median, g.ai.leadTimeSamples, g.ai.leadTimeMedianInterval),
      other: medianText(g.other.leadTimeHours.median, g.other.leadTimeSamples, g.other.leadTimeMedianInterval),
      test:
        leadTest === undefined
          ? intervalsText(g.ai.leadTimeMedianInterval, g.other.leadTimeMedianInterval, [
              g.ai.leadTimeHours.median,
              g.other.leadTimeHours.median,
            ])
          : leadTimeTestText(leadTest),
    },
    {
      key: "recovery",
      label: "Recovery, median",
      counts: null,
      def: "recovery",
      ai: medianText(g.ai.recoveryHoursMedian, g.ai.recoverySamples, g.ai.recoveryMedianInterval),
      other: medianText(g.other.recoveryHoursMedian, g.other.recoverySamples, g.other.recoveryMedianInterval),
      test: intervalsText(g.ai.recoveryMedianInterval, g.other.recoveryMedianInterval, [
        g.ai.recoveryHoursMedian,
        g.other.recoveryHoursMedian,
      ]),
    },
  ];
}
