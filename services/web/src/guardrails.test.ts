import { describe, expect, it } from "vitest";
import type { WeekFigures } from "./api.js";
import { enoughToTest, failureRates } from "./guardrails.js";

/** A week whose only figures are the AI-assisted / other deployments and change failure rates. */
function week(ai: [failed: number, deployments: number], other: [failed: number, deployments: number]) {
  const side = ([failed, deployments]: [number, number]) => ({
    deployments,
    changeFailureRate: deployments === 0 ? null : failed / deployments,
    leadTimeHours: { median: null, p90: null },
    leadTimeParts: { firstCommitToOpen: null, openToMerge: null, mergeToDeploy: null },
    recoveryHoursMedian: null,
    revertRate: null,
  });
  return { guardrails: { ai: side(ai), other: side(other) } } as unknown as WeekFigures;
}

describe("the overview's guardrail comparison (change failure rate, AI-assisted vs other)", () => {
  it("states each side's counts and 95% Wilson interval, and a large difference as beyond noise with its p", () => {
    const r = failureRates(week([30, 100], [10, 100]));
    expect(r?.ai).toBe("30% (30 of 100; 95% CI 22%–40%)");
    expect(r?.other).toBe("10% (10 of 100; 95% CI 6%–17%)");
    expect(r?.test).toMatch(/^beyond noise \(p = 0\.000\)$/);
  });

  it("calls a difference of the same size on enough deployments within noise when the test says so", () => {
    expect(failureRates(week([6, 30], [4, 30]))?.test).toMatch(/^within noise \(p = 0\.\d\d\)$/);
  });

  it("never calls a small-sample difference beyond noise, though the z formula's p is under 5%", () => {
    // 2 of 2 failed against 0 of 3: z = 2.24, p = 0.025 by the formula; meaningless at this size.
    const small = failureRates(week([2, 2], [0, 3]));
    expect(small?.ai).toBe("100% (2 of 2; 95% CI 34%–100%)");
    expect(small?.test).toBe("too few to test (under 5 expected per cell)");
    expect(small?.test).not.toMatch(/beyond noise/);
    // 4 of 5 against 1 of 10: still too few failures expected on each side.
    expect(failureRates(week([4, 5], [1, 10]))?.test).toMatch(/^too few to test/);
    expect(enoughToTest(2, 2, 0, 3)).toBe(false);
    expect(enoughToTest(30, 100, 10, 100)).toBe(true);
  });

  it("says n/a for a side without deployments, and does not test", () => {
    const r = failureRates(week([0, 0], [3, 20]));
    expect(r?.ai).toBe("n/a");
    expect(r?.test).toMatch(/^too few to test/);
  });
});
