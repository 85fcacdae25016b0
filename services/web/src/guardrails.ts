import { twoProportionTest, wilsonInterval } from "@yardstick/metrics/stats";
import type { WeekFigures } from "./api.js";
import { percent } from "./ui.js";

/**
 * The guardrail comparison the overview and the guardrails page state: each side's rate with the
 * counts behind it and a 95% Wilson interval, and whether the two differ beyond noise by a
 * two-sided two-proportion z-test at 5% (the test of @yardstick/metrics/stats, as in the report).
 */
/**
 * The z-test's normal approximation holds only with enough in every cell: at least this many
 * expected successes and failures on each side (under the pooled rate). Below it, a difference is
 * "too few to test", never "beyond noise": 2 of 2 failed against 0 of 3 gives p = 0.03 by the
 * formula, which means nothing at that size.
 */
export const MIN_EXPECTED = 5;

/** Whether two counts are large enough for the two-proportion z-test. */
export function enoughToTest(x1: number, n1: number, x2: number, n2: number): boolean {
  if (n1 <= 0 || n2 <= 0) return false;
  const pooled = (x1 + x2) / (n1 + n2);
  return Math.min(n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)) >= MIN_EXPECTED;
}

/** Change failure rate AI vs other with counts, intervals and a two-proportion test. */
export function failureRates(f: WeekFigures) {
  const g = f.guardrails;
  if (g === null) return null;
  const side = (rate: number | null, n: number | null) => {
    if (rate === null || n === null || n === 0) return { text: "n/a", x: null, n };
    const x = Math.round(rate * n);
    const ci = wilsonInterval(x, n);
    return {
      text: `${percent(rate)} (${x} of ${n}; 95% CI ${percent(ci?.low)}–${percent(ci?.high)})`,
      x,
      n,
    };
  };
  const ai = side(g.ai.changeFailureRate, g.ai.deployments);
  const other = side(g.other.changeFailureRate, g.other.deployments);
  const test =
    ai.x === null ||
    other.x === null ||
    ai.n === null ||
    other.n === null ||
    !enoughToTest(ai.x, ai.n, other.x, other.n)
      ? null
      : twoProportionTest(ai.x, ai.n, other.x, other.n);
  return {
    ai: ai.text,
    other: other.text,
    test:
      test === null
        ? `too few to test (under ${MIN_EXPECTED} expected per cell)`
        : test.significant
          ? `beyond noise (p = ${test.pValue.toFixed(3)})`
          : `within noise (p = ${test.pValue.toFixed(2)})`,
  };
}
