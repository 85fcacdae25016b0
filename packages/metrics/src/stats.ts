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
