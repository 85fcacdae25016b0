import { medianIntervalOfSorted } from "@yardstick/metrics/stats";
import { describe, expect, it } from "vitest";
import type { WeekFigures } from "./api.js";
import {
  compareRates,
  enoughToTest,
  failureRates,
  guardrailRows,
  intervalsText,
  type leadTimeTestText,
  medianText,
  revertRates,
} from "./guardrails.js";

type Pair = [x: number, n: number];
type Interval = { low: number; high: number; coverage: number };

interface SideOptions {
  /** Failed deployments of deployments. */
  failed?: Pair;
  /** Reverted changes of changes deployed. */
  reverted?: Pair;
  leadTime?: [median: number | null, samples: number, interval?: Interval | null];
  recovery?: [median: number | null, samples: number, interval?: Interval | null];
  /** As a row stored before the counts were (rates only), or before the medians' intervals were. */
  stored?: "without counts" | "without intervals";
}

function side(o: SideOptions) {
  const [failed, deployments] = o.failed ?? [0, 0];
  const [reverted, changes] = o.reverted ?? [0, 0];
  const [lead, leadSamples, leadInterval = null] = o.leadTime ?? [null, 0];
  const [recovery, recoverySamples, recoveryInterval = null] = o.recovery ?? [null, 0];
  const rates = {
    deployments,
    changeFailureRate: deployments === 0 ? null : failed / deployments,
    leadTimeHours: { median: lead, p90: null },
    leadTimeParts: { firstCommitToOpen: null, openToMerge: null, mergeToDeploy: null },
    recoveryHoursMedian: recovery,
    revertRate: changes === 0 ? null : reverted / changes,
  };
  if (o.stored === "without counts") return rates;
  const counts = {
    ...rates,
    failedDeployments: failed,
    changes,
    revertedChanges: reverted,
    leadTimeSamples: leadSamples,
    recoverySamples,
  };
  if (o.stored === "without intervals") return counts;
  return { ...counts, leadTimeMedianInterval: leadInterval, recoveryMedianInterval: recoveryInterval };
}

/** A week whose only figures are the AI-assisted / other guardrails. */
function week(ai: SideOptions, other: SideOptions): WeekFigures {
  return { suppressed: false, guardrails: { ai: side(ai), other: side(other) } } as unknown as WeekFigures;
}

/** A week of change failure rates only: [failed, deployments] each side. */
const failures = (ai: Pair, other: Pair) => week({ failed: ai }, { failed: other });
/** A week of revert rates only: [reverted, changes] each side. */
const reverts = (ai: Pair, other: Pair) => week({ reverted: ai }, { reverted: other });

describe("the guardrail comparison (change failure rate, AI-assisted vs other)", () => {
  it("states each side's counts and 95% Wilson interval, and a large difference as beyond noise with its p", () => {
    const r = failureRates(failures([30, 100], [10, 100]));
    expect(r?.ai).toBe("30% (30 of 100; 95% CI 22%–40%)");
    expect(r?.other).toBe("10% (10 of 100; 95% CI 6%–17%)");
    expect(r?.test).toMatch(/^beyond noise \(p = 0\.000\)$/);
  });

  it("calls a difference of the same size on enough deployments within noise when the test says so", () => {
    expect(failureRates(failures([6, 30], [4, 30]))?.test).toMatch(/^within noise \(p = 0\.\d\d\)$/);
  });

  it("never calls a small-sample difference beyond noise, though the z formula's p is under 5%", () => {
    // 2 of 2 failed against 0 of 3: z = 2.24, p = 0.025 by the formula; meaningless at this size.
    const small = failureRates(failures([2, 2], [0, 3]));
    expect(small?.ai).toBe("100% (2 of 2; 95% CI 34%–100%)");
    expect(small?.test).toBe("too few to test (under 5 expected per cell)");
    expect(small?.test).not.toMatch(/beyond noise/);
    // 4 of 5 against 1 of 10: still too few failures expected on each side.
    expect(failureRates(failures([4, 5], [1, 10]))?.test).toMatch(/^too few to test/);
    expect(enoughToTest(2, 2, 0, 3)).toBe(false);
    expect(enoughToTest(30, 100, 10, 100)).toBe(true);
  });

  it("says n/a for a side without deployments, and does not test", () => {
    const r = failureRates(failures([0, 0], [3, 20]));
    expect(r?.ai).toBe("n/a");
    expect(r?.test).toMatch(/^too few to test/);
  });

  it("reads the failed count from the figures, and from rate × deployments in a row stored without it", () => {
    const stored = week({ failed: [3, 7], stored: "without counts" }, { failed: [1, 9], stored: "without counts" });
    expect(failureRates(stored)?.ai).toBe("43% (3 of 7; 95% CI 16%–75%)");
    expect(failureRates(stored)?.other).toBe("11% (1 of 9; 95% CI 2%–43%)");
  });
});

describe("the guardrail comparison (revert rate, AI-assisted vs other)", () => {
  it("states reverted of changes deployed with the interval, and tests them like the failure rate", () => {
    const r = revertRates(reverts([12, 40], [5, 60]));
    expect(r?.ai).toBe("30% (12 of 40; 95% CI 18%–45%)");
    expect(r?.other).toBe("8% (5 of 60; 95% CI 4%–18%)");
    // Expected reverted: 40 × 17/100 = 6.8 and 60 × 0.17 = 10.2, all cells >= 5: tested.
    expect(r?.test).toMatch(/^beyond noise \(p = 0\.00\d\)$/);
    expect(revertRates(reverts([3, 40], [5, 60]))?.test).toMatch(/^too few to test/);
    expect(revertRates(reverts([10, 50], [12, 60]))?.test).toMatch(/^within noise/);
  });

  it("a row stored before the counts were: the rate alone, said so, and not tested", () => {
    const r = revertRates(
      week({ reverted: [1, 4], stored: "without counts" }, { reverted: [0, 6], stored: "without counts" }),
    );
    expect(r?.ai).toBe("25% (counts not stored yet (the next rollup adds them))");
    expect(r?.test).toMatch(/^not tested: counts not stored yet/);
  });

  it("property: the stated x of n is the rate's, and the interval contains the rate", () => {
    for (let n = 1; n <= 40; n += 3) {
      for (let x = 0; x <= n; x += 2) {
        const text = compareRates({ rate: x / n, x, n }, { rate: null, x: 0, n: 0 }).ai;
        const m = /^(\d+)% \((\d+) of (\d+); 95% CI (\d+)%–(\d+)%\)$/.exec(text);
        expect(m, text).not.toBeNull();
        const [, rate, sx, sn, low, high] = (m as RegExpExecArray).map(Number) as number[];
        expect([sx, sn]).toEqual([x, n]);
        expect(rate).toBe(Math.round((x / n) * 100));
        expect(low).toBeLessThanOrEqual(rate as number);
        expect(high).toBeGreaterThanOrEqual(rate as number);
      }
    }
  });
});

describe("the guardrail comparison's rows", () => {
  it("every figure once, in order; rates with counts and a verdict, medians with their intervals and sample sizes", () => {
    const rows = guardrailRows(
      week(
        {
          failed: [1, 4],
          reverted: [2, 10],
          leadTime: [12.5, 10, { low: 4, high: 20.25, coverage: 0.978515625 }],
          recovery: [3, 1, null],
        },
        {
          failed: [0, 6],
          reverted: [1, 20],
          leadTime: [30, 20, { low: 22, high: 41, coverage: 0.9586105346679688 }],
          recovery: [null, 0, null],
        },
      ),
    );
    expect(rows?.map((r) => r.key)).toEqual(["deployments", "changeFailureRate", "revertRate", "leadTime", "recovery"]);
    const by = new Map(rows?.map((r) => [r.key, r]));
    expect(by.get("deployments")).toMatchObject({ ai: "4", other: "6", test: null });
    expect(by.get("changeFailureRate")?.ai).toBe("25% (1 of 4; 95% CI 5%–70%)");
    expect(by.get("changeFailureRate")?.test).toMatch(/^too few to test/);
    expect(by.get("revertRate")?.other).toBe("5% (1 of 20; 95% CI 1%–24%)");
    expect(by.get("leadTime")).toMatchObject({
      ai: "12.5 h (95% CI 4.0–20.3 h, n = 10)",
      other: "30.0 h (95% CI 22.0–41.0 h, n = 20)",
      test: "intervals do not overlap (not a test)",
    });
    expect(by.get("recovery")).toMatchObject({
      ai: "3.0 h (n = 1; too few for a 95% CI, which needs 6)",
      other: "n/a",
      test: null,
    });
    // Every row names the definition shown on hover.
    for (const r of rows ?? []) expect(r.def.length).toBeGreaterThan(0);
  });

  it("states the engine's interval of real samples: 84 lead times, ranks 33 and 52", () => {
    // 84 lead times 0.5 h apart from 0.5 h: the median is the mean of the 42nd and 43rd (21.25 h);
    // the interval's ranks for n = 84 are 33 and 52 (stats.test.ts), so 16.5 h to 26.0 h.
    const sorted = Array.from({ length: 84 }, (_, i) => (i + 1) / 2);
    const interval = medianIntervalOfSorted(sorted);
    expect(interval).toMatchObject({ low: 16.5, high: 26 });
    expect(medianText(21.25, 84, interval)).toBe("21.3 h (95% CI 16.5–26.0 h, n = 84)");
    expect(medianText(18.2, 84, { low: 12.1, high: 25, coverage: 0.96 })).toBe("18.2 h (95% CI 12.1–25.0 h, n = 84)");
  });

  it("states the API's lead-time test in place of the overlap once it has answered", () => {
    const f = week(
      { leadTime: [12.5, 10, { low: 4, high: 20.25, coverage: 0.98 }] },
      { leadTime: [30, 20, { low: 22, high: 41, coverage: 0.96 }] },
    );
    const at = { kind: "org" as const, name: "acme", week: "2026-W47", ai: 10, other: 20, minimum: 5 };
    const lead = (t: Parameters<typeof leadTimeTestText>[0]) => guardrailRows(f, t)?.find((r) => r.key === "leadTime");
    expect(lead({ ...at, test: { u: 40, pValue: 0.0123, method: "exact", significant: true } })?.test).toBe(
      "beyond noise (Mann-Whitney, p = 0.012)",
    );
    expect(lead({ ...at, test: { u: 90, pValue: 0.4321, method: "exact", significant: false } })?.test).toBe(
      "within noise (Mann-Whitney, p = 0.43)",
    );
    expect(lead({ ...at, ai: 3, test: null })?.test).toBe("too few to test (under 5 changes a side)");
    // Recovery keeps the intervals' overlap: the API has no test of recovery times.
    expect(guardrailRows(f, { ...at, test: null })?.find((r) => r.key === "recovery")?.test).toBeNull();
  });

  it("says whether the intervals overlap, never that the medians differ beyond noise", () => {
    const a = { low: 10, high: 20, coverage: 0.96 };
    expect(intervalsText(a, { low: 20, high: 30, coverage: 0.96 }, [15, 25])).toBe("intervals overlap (not a test)");
    expect(intervalsText(a, { low: 21, high: 30, coverage: 0.96 }, [15, 25])).toBe(
      "intervals do not overlap (not a test)",
    );
    expect(intervalsText(a, null, [15, 25])).toBe("no interval to compare (under 6 values)");
    expect(intervalsText(a, undefined, [15, 25])).toBe("not compared: intervals not stored yet");
    expect(intervalsText(a, a, [15, null])).toBeNull();
  });

  it("a row stored before the intervals were (figures version 2): the median and n, said so", () => {
    const rows = guardrailRows(
      week({ leadTime: [12.5, 10], stored: "without intervals" }, { leadTime: [30, 20], stored: "without intervals" }),
    );
    const lead = rows?.find((r) => r.key === "leadTime");
    expect(lead).toMatchObject({
      ai: "12.5 h (n = 10; interval not stored yet)",
      test: "not compared: intervals not stored yet",
    });
  });

  it("no split (suppressed, or nothing deployed): no rows", () => {
    expect(guardrailRows({ suppressed: true, guardrails: null } as unknown as WeekFigures)).toBeNull();
  });

  it("a median stored without its sample size says so", () => {
    expect(medianText(4, undefined, undefined)).toBe("4.0 h (sample size not stored yet)");
    expect(medianText(null, 0, null)).toBe("n/a");
  });
});
