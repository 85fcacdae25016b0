import { describe, expect, it } from "vitest";
import {
  fisherExactGreater,
  MEDIAN_CI_MIN_SAMPLES,
  mannWhitneyGreater,
  mannWhitneyTwoSided,
  medianIntervalOfSorted,
  medianRanks,
  normalCdf,
  twoProportionTest,
  wilsonInterval,
} from "./stats.js";

describe("wilsonInterval", () => {
  it("matches the published 95% Wilson interval and stays within [0, 1]", () => {
    // 8 of 10: Wilson 95% is [0.490, 0.943] (Newcombe 1998, table I method 3).
    const i = wilsonInterval(8, 10);
    expect(i?.low).toBeCloseTo(0.4902, 3);
    expect(i?.high).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(0, 5)?.low).toBe(0);
    expect(wilsonInterval(5, 5)?.high).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe("twoProportionTest", () => {
  it("calls a large difference significant and a small one noise", () => {
    // 30/100 vs 10/100: z = 3.54, p = 0.0004.
    const big = twoProportionTest(30, 100, 10, 100);
    expect(big?.z).toBeCloseTo(3.536, 2);
    expect(big?.significant).toBe(true);
    const small = twoProportionTest(11, 100, 10, 100);
    expect(small?.significant).toBe(false);
    expect(twoProportionTest(0, 10, 0, 10)).toBeNull();
    expect(twoProportionTest(1, 0, 1, 10)).toBeNull();
  });

  it("uses a normal distribution function accurate to the test's needs", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
  });
});

describe("fisherExactGreater", () => {
  it("equals the hypergeometric tail of published examples", () => {
    // Fisher's lady tasting tea (The Design of Experiments, 1935): 3 of 4 cups right, one-sided p = 17/70.
    expect(fisherExactGreater(3, 4, 1, 4)).toBeCloseTo(17 / 70, 12);
    // 8 failed of 20 against 1 of 20: C(20,8)C(20,1)+... over C(40,9).
    expect(fisherExactGreater(8, 20, 1, 20)).toBeCloseTo(2_687_360 / 273_438_880, 12);
    // 1 of 2 against 0 of 3: p = 2/5, never significant.
    expect(fisherExactGreater(1, 2, 0, 3)).toBeCloseTo(0.4, 12);
    expect(fisherExactGreater(1, 0, 0, 3)).toBe(1);
  });
});

describe("mannWhitneyGreater", () => {
  // scipy.stats.mannwhitneyu's documented example (males vs females, Conover): U = 17, exact
  // two-sided p = 0.1111 (so one-sided 7/126), asymptotic two-sided p = 0.11134688653314041.
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];

  it("gives the exact p-value without ties: 7 of the C(9,5) = 126 rank sets reach U = 17", () => {
    const r = mannWhitneyGreater(males, females);
    expect(r?.u).toBe(17);
    expect(r?.method).toBe("exact");
    expect(r?.pValue).toBeCloseTo(7 / 126, 12);
    expect(mannWhitneyGreater(females, males)?.u).toBe(3);
  });

  it("gives the normal approximation with continuity correction as scipy publishes it", () => {
    const r = mannWhitneyGreater(males, females, "normal");
    expect(r?.z).toBeCloseTo(1.5921683, 6);
    expect(r?.pValue).toBeCloseTo(0.11134688653314041 / 2, 6);
  });

  it("handles ties: mid-ranks in the exact count and the tie-corrected variance", () => {
    // x = 3 4 4 5 6, y = 1 2 3 4 4: mid-ranks give U = 20.5; by enumeration, 17 of the 252
    // ways to choose five of the ten ranks have a rank sum at least x's (computed by hand with
    // itertools.combinations). Normal: variance 25/12 (11 - 66/90), z = 1.6217, p = 0.05244.
    const x = [3, 4, 4, 5, 6];
    const y = [1, 2, 3, 4, 4];
    expect(mannWhitneyGreater(x, y)?.u).toBe(20.5);
    expect(mannWhitneyGreater(x, y)?.pValue).toBeCloseTo(17 / 252, 12);
    const normal = mannWhitneyGreater(x, y, "normal");
    expect(normal?.z).toBeCloseTo(1.6216874, 6);
    expect(normal?.pValue).toBeCloseTo(0.0524351, 6);
  });

  it("never reaches 5% with three values a side, however far apart (exact p = 1/20)", () => {
    // The approximation would say p = 0.023 here: small samples are counted exactly.
    expect(mannWhitneyGreater([10, 10, 10], [1, 1, 1])?.pValue).toBeCloseTo(1 / 20, 12);
    expect(mannWhitneyGreater([10, 10, 10], [1, 1, 1], "normal")?.pValue).toBeCloseTo(0.0234271, 6);
    expect(mannWhitneyGreater([500], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])?.pValue).toBeCloseTo(1 / 11, 12);
  });

  it("agrees with the normal approximation for larger samples and is null for an empty one", () => {
    const x = Array.from({ length: 30 }, (_, i) => i * 1.5 + 3);
    const y = Array.from({ length: 30 }, (_, i) => i * 1.4);
    const exact = mannWhitneyGreater(x, y, "exact");
    const normal = mannWhitneyGreater(x, y, "normal");
    expect(mannWhitneyGreater(x, y)?.method).toBe("normal");
    expect(Math.abs((exact?.pValue ?? 0) - (normal?.pValue ?? 1))).toBeLessThan(0.005);
    expect(mannWhitneyGreater([], [1])).toBeNull();
    expect(mannWhitneyGreater([1, 1], [1, 1])?.pValue).toBe(1);
  });
});

describe("mannWhitneyTwoSided", () => {
  it("gives scipy's documented two-sided p-values (exact 0.1111 = 14/126, asymptotic 0.111347)", () => {
    const males = [19, 22, 16, 29, 24];
    const females = [20, 11, 17, 12];
    expect(mannWhitneyTwoSided(males, females)?.pValue).toBeCloseTo(14 / 126, 12);
    expect(mannWhitneyTwoSided(females, males)?.pValue).toBeCloseTo(14 / 126, 12);
    expect(mannWhitneyTwoSided(males, females, "normal")?.pValue).toBeCloseTo(0.11134688653314041, 6);
    expect(mannWhitneyTwoSided(males, females)?.u).toBe(17);
    expect(mannWhitneyTwoSided([1, 2, 3], [1, 2, 3])?.pValue).toBe(1);
    expect(mannWhitneyTwoSided([], [1])).toBeNull();
  });
});

describe("medianRanks: the binomial order-statistic 95% interval of a median", () => {
  // Expected values from an independent exact computation with rational arithmetic (Python's
  // math.comb and fractions.Fraction): for each n, the largest j with P(B <= j - 1) <= 1/40 for
  // B ~ Binomial(n, 1/2), k = n + 1 - j, coverage = P(j <= B < k). Its output:
  //   5 None; 6 (1, 6, 0.96875); 7 (1, 7, 0.984375); 8 (1, 8, 0.9921875); 9 (2, 8, 0.9609375)
  //   10 (2, 9, 0.978515625); 11 (2, 10, 0.98828125); 12 (3, 10, 0.96142578125)
  //   20 (6, 15, 0.9586105346679688); 30 (10, 21, 0.9572260547429323); 50 (18, 33, 0.9671608624357315)
  //   84 (33, 52, 0.9624704663655869); 100 (40, 61, 0.9647997997822951); 200 (86, 115, 0.9599628083866005)
  //   1000 (469, 532, 0.9537088026395019); 5000 (2431, 2570, 0.9506841418958282)
  // (The same script's ranks for every n from 6 to 1000 agreed with medianRanks(n, "exact").)
  const table: [n: number, j: number, k: number, coverage: number][] = [
    [6, 1, 6, 0.96875],
    [7, 1, 7, 0.984375],
    [8, 1, 8, 0.9921875],
    [9, 2, 8, 0.9609375],
    [10, 2, 9, 0.978515625],
    [11, 2, 10, 0.98828125],
    [12, 3, 10, 0.96142578125],
    [20, 6, 15, 0.9586105346679688],
    [30, 10, 21, 0.9572260547429323],
    [50, 18, 33, 0.9671608624357315],
    [84, 33, 52, 0.9624704663655869],
    [100, 40, 61, 0.9647997997822951],
    [200, 86, 115, 0.9599628083866005],
    [1000, 469, 532, 0.9537088026395019],
  ];
  it.each(table)("n = %i: ranks %i and %i, coverage %f (exact)", (n, j, k, coverage) => {
    const r = medianRanks(n);
    expect(r).toMatchObject({ lowRank: j, highRank: k, method: "exact" });
    expect(r?.coverage).toBeCloseTo(coverage, 10);
  });

  it("has no 95% interval below six values (n = 5 reaches only 93.75%)", () => {
    expect(MEDIAN_CI_MIN_SAMPLES).toBe(6);
    for (const n of [0, 1, 2, 3, 4, 5]) expect(medianRanks(n)).toBeNull();
    expect(medianRanks(5, "exact")).toBeNull();
  });

  it("uses the normal approximation above 1,000 values: at n = 5000 the exact ranks, coverage within 0.001", () => {
    const r = medianRanks(5000);
    expect(r).toMatchObject({ lowRank: 2431, highRank: 2570, method: "normal" });
    expect(r?.coverage).toBeCloseTo(0.9506841418958282, 3);
  });

  it("errs wide where the approximation and the exact ranks differ (never below 95%)", () => {
    for (let n = MEDIAN_CI_MIN_SAMPLES; n <= 1000; n++) {
      const exact = medianRanks(n, "exact");
      const normal = medianRanks(n, "normal");
      expect(exact?.coverage).toBeGreaterThanOrEqual(0.95);
      expect(exact?.lowRank).toBeGreaterThanOrEqual(normal?.lowRank ?? Number.POSITIVE_INFINITY);
      expect((exact?.lowRank ?? 0) - (normal?.lowRank ?? 0)).toBeLessThanOrEqual(1);
    }
  });
});

describe("medianIntervalOfSorted", () => {
  it("reads the values at the ranks: 1..10 gives [2, 9]; 1..20 gives [6, 15]", () => {
    const ten = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    expect(medianIntervalOfSorted(ten)).toEqual({ low: 2, high: 9, coverage: 0.978515625 });
    const twenty = Array.from({ length: 20 }, (_, i) => (i + 1) * 1.5);
    expect(medianIntervalOfSorted(twenty)).toMatchObject({ low: 9, high: 22.5 });
    expect(medianIntervalOfSorted([1, 2, 3, 4, 5])).toBeNull();
    expect(medianIntervalOfSorted([])).toBeNull();
  });
});
