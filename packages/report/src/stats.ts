/**
 * The statistical tests the digest states before it calls anything a regression (docs/report.md,
 * "Guardrail regressions"). Pure and exact: small counts are the usual case for one team's week.
 */

/** The level a regression must pass: p below this. */
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
