import { describe, expect, it } from "vitest";
import { normalCdf, twoProportionTest, wilsonInterval } from "./stats.js";

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
