/** Small order statistics. Inputs need not be sorted; empty input gives null. */

/**
 * The values in ascending order, as a Float64Array: its `sort` compares numbers natively, several
 * times faster than an array sort with a comparator (medians of a week's lead times are most of
 * an evaluation's time).
 */
export function sortedValues(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** The median of ascending values; the mean of the two middle values for an even count. */
export function medianOfSorted(sorted: ArrayLike<number>): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = n >>> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank quantile of ascending values: the value at rank ceil(q * n) (1-based). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.min(n, Math.max(1, Math.ceil(q * n - 1e-9)));
  return sorted[rank - 1] as number;
}

/** The median; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number | null {
  return values.length === 0 ? null : medianOfSorted(sortedValues(values));
}

/** Nearest-rank quantile: the value at rank ceil(q * n) (1-based) of the sorted values. */
export function quantile(values: readonly number[], q: number): number | null {
  return values.length === 0 ? null : quantileOfSorted(sortedValues(values), q);
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * The Wilson score interval (95%) of a proportion of `successes` in `n`: unlike the normal
 * approximation it stays inside [0, 1] and is usable for small samples. Null for n = 0.
 */
export function wilsonInterval(successes: number, n: number): { low: number; high: number } | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Whether two proportions differ beyond noise: the pooled two-proportion z-test, two-sided at the
 * 5% level. Null when either sample is empty or the pooled proportion is 0 or 1 (no variance to
 * test against).
 */
export function twoProportionTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { z: number; pValue: number; significant: boolean } | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  if (pooled <= 0 || pooled >= 1) return null;
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const pValue = 2 * (1 - normalCdf(Math.abs(z)));
  return { z, pValue, significant: pValue < 0.05 };
}

/** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** The level the digest's tests must pass before a difference is called a regression: p below this. */
export const SIGNIFICANCE_LEVEL = 0.05;

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials[i] = (logFactorials[i - 1] as number) + Math.log(i);
  return logFactorials[n] as number;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/**
 * Fisher's exact test, one-sided: the probability, with both groups' margins fixed, of seeing at
 * least `x1` events among the first group's `n1` trials when the rate is the same in both (the
 * hypergeometric tail). Small p: the first group's rate (x1 / n1) is higher than the second's
 * (x2 / n2) beyond chance. 1 when either group has no trials.
 */
export function fisherExactGreater(x1: number, n1: number, x2: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 1;
  const events = x1 + x2;
  const total = n1 + n2;
  const denominator = logChoose(total, events);
  let p = 0;
  for (let k = x1; k <= Math.min(n1, events); k++) {
    p += Math.exp(logChoose(n1, k) + logChoose(n2, events - k) - denominator);
  }
  return Math.min(1, p);
}

/** Up to this many values in both samples together, the Mann-Whitney p-value is exact. */
export const MANN_WHITNEY_EXACT_MAX = 50;

export interface MannWhitneyResult {
  n1: number;
  n2: number;
  /** U of the first sample: pairs (x, y) with x > y, plus half the tied pairs. */
  u: number;
  /** One-sided p-value: the first sample's values tend to be larger than the second's. */
  pValue: number;
  /** "exact": the permutation distribution of the rank sum (mid-ranks for ties); "normal": the approximation. */
  method: "exact" | "normal";
  /** The normal approximation's z (tie- and continuity-corrected); null when exact. */
  z: number | null;
}

/** Mid-ranks (1-based) of the values, ties sharing the mean of their ranks. */
function midRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(values.length).fill(0);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1] as number] === values[order[i] as number]) j++;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/**
 * The exact one-sided p-value of a rank sum: the share of the C(N, n1) ways to choose the first
 * sample's n1 ranks (of all N, mid-ranks as they are) whose sum is at least `r1`. Counted by
 * dynamic programming over doubled ranks (whole numbers even with ties): ways[k][s] is the number
 * of k-subsets of the ranks seen so far with doubled sum s.
 */
function exactRankSumTail(ranks: readonly number[], n1: number, r1: number): number {
  const doubled = ranks.map((r) => Math.round(r * 2));
  const maxSum = doubled.reduce((a, b) => a + b, 0);
  const ways: Float64Array[] = Array.from({ length: n1 + 1 }, () => new Float64Array(maxSum + 1));
  (ways[0] as Float64Array)[0] = 1;
  let seen = 0;
  for (const d of doubled) {
    seen += d;
    for (let k = n1; k >= 1; k--) {
      const into = ways[k] as Float64Array;
      const from = ways[k - 1] as Float64Array;
      for (let s = seen; s >= d; s--) into[s] = (into[s] as number) + (from[s - d] as number);
    }
  }
  const last = ways[n1] as Float64Array;
  const threshold = Math.round(r1 * 2);
  let tail = 0;
  let all = 0;
  for (let s = 0; s <= maxSum; s++) {
    all += last[s] as number;
    if (s >= threshold) tail += last[s] as number;
  }
  return all === 0 ? 1 : tail / all;
}

/**
 * The Mann-Whitney U test (Wilcoxon rank-sum), one-sided: do the first sample's values tend to
 * be larger than the second's? With at most `MANN_WHITNEY_EXACT_MAX` values in all, the p-value
 * is exact (the permutation distribution of the rank sum, ties at their mid-ranks); above, the
 * normal approximation with the tie correction of the variance and a continuity correction of
 * 0.5. `method` forces one (for tests against published values). Null when a sample is empty.
 */
export function mannWhitneyGreater(
  x: readonly number[],
  y: readonly number[],
  method: "auto" | "exact" | "normal" = "auto",
): MannWhitneyResult | null {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return null;
  const all = [...x, ...y];
  const n = n1 + n2;
  const ranks = midRanks(all);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i] as number;
  const u = r1 - (n1 * (n1 + 1)) / 2;
  if (method === "exact" || (method === "auto" && n <= MANN_WHITNEY_EXACT_MAX)) {
    return { n1, n2, u, pValue: Math.min(1, exactRankSumTail(ranks, n1, r1)), method: "exact", z: null };
  }
  const counts = new Map<number, number>();
  for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
  let ties = 0;
  for (const t of counts.values()) ties += t ** 3 - t;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (variance <= 0) return { n1, n2, u, pValue: 1, method: "normal", z: null };
  const z = (u - (n1 * n2) / 2 - 0.5) / Math.sqrt(variance);
  return { n1, n2, u, pValue: Math.min(1, 1 - normalCdf(z)), method: "normal", z };
}

/**
 * The Mann-Whitney U test two-sided: do the two samples' values differ in either direction? The
 * p-value is twice the smaller of the two one-sided ones (`mannWhitneyGreater` each way, exact or
 * normal as it chooses), at most 1. `u` is the first sample's. Null when a sample is empty.
 */
export function mannWhitneyTwoSided(
  x: readonly number[],
  y: readonly number[],
  method: "auto" | "exact" | "normal" = "auto",
): MannWhitneyResult | null {
  const greater = mannWhitneyGreater(x, y, method);
  const less = mannWhitneyGreater(y, x, method);
  if (greater === null || less === null) return null;
  return { ...greater, pValue: Math.min(1, 2 * Math.min(greater.pValue, less.pValue)) };
}

/** Below this many values no order-statistic interval of the median reaches 95% (n = 5: 93.75%). */
export const MEDIAN_CI_MIN_SAMPLES = 6;

/** Up to this many values the median interval's ranks and coverage are exact binomial sums. */
export const MEDIAN_CI_EXACT_MAX = 1000;

/** The ranks of a median's order-statistic interval and the coverage they give. */
export interface MedianRanks {
  /** 1-based ranks j < k of the sorted values: the interval is [x(j), x(k)]. */
  lowRank: number;
  highRank: number;
  /** P(j <= B < k) for B ~ Binomial(n, 1/2): the interval's confidence, at least 0.95. */
  coverage: number;
  /** "exact": binomial sums; "normal": the normal approximation with a continuity correction. */
  method: "exact" | "normal";
}

/**
 * The distribution-free 95% confidence interval of a median, as ranks: of n values, the number B
 * below the true median is Binomial(n, 1/2) whatever the distribution (continuous), so the
 * interval [x(j), x(k)] between the j-th and k-th smallest values covers the median with
 * probability P(j <= B < k). The ranks are symmetric (k = n + 1 - j) with j the largest whose
 * coverage is still at least 95%, i.e. P(B <= j - 1) <= 2.5%. Up to `MEDIAN_CI_EXACT_MAX` values
 * the tail is summed exactly; above, j = floor(n/2 + 1/2 - 1.96 sqrt(n)/2), the normal
 * approximation N(n/2, n/4) with a continuity correction, and the coverage is the approximation's.
 * Null below `MEDIAN_CI_MIN_SAMPLES` values: no pair of ranks reaches 95% (n = 5: x(1) to x(5)
 * covers 93.75%). `method` forces one (for tests).
 */
export function medianRanks(n: number, method: "auto" | "exact" | "normal" = "auto"): MedianRanks | null {
  if (!Number.isInteger(n) || n < MEDIAN_CI_MIN_SAMPLES) return null;
  const alpha = 0.025;
  if (method === "normal" || (method === "auto" && n > MEDIAN_CI_EXACT_MAX)) {
    const sd = Math.sqrt(n) / 2;
    const j = Math.max(1, Math.floor(n / 2 + 0.5 - Z95 * sd));
    const tail = normalCdf((j - 0.5 - n / 2) / sd);
    return { lowRank: j, highRank: n + 1 - j, coverage: 1 - 2 * tail, method: "normal" };
  }
  // P(B <= i) summed term by term in logs (2^-n underflows past n = 1074).
  const logHalfN = n * Math.log(0.5);
  let tail = 0;
  let j = 0;
  for (let i = 0; i <= n >>> 1; i++) {
    const next = tail + Math.exp(logChoose(n, i) + logHalfN);
    if (next > alpha) break;
    tail = next;
    j = i + 1;
  }
  if (j === 0) return null;
  return { lowRank: j, highRank: n + 1 - j, coverage: 1 - 2 * tail, method: "exact" };
}

/**
 * The distribution-free 95% interval of the median of ascending values (`medianRanks`): the values
 * at the two ranks, in the values' unit, with the coverage the ranks give. Null below
 * `MEDIAN_CI_MIN_SAMPLES` values.
 */
export function medianIntervalOfSorted(
  sorted: ArrayLike<number>,
): { low: number; high: number; coverage: number } | null {
  const r = medianRanks(sorted.length);
  if (r === null) return null;
  return { low: sorted[r.lowRank - 1] as number, high: sorted[r.highRank - 1] as number, coverage: r.coverage };
}
