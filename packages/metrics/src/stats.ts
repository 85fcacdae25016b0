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
