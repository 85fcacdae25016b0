import { describe, expect, it } from "vitest";
import { barChart, lineChart, niceStep } from "./svg-chart.js";

const weeks = ["2026-W01", "2026-W02", "2026-W03", "2026-W04", "2026-W05"];
const pct = (v: number) => `${Math.round(v * 100)}%`;

describe("niceStep", () => {
  it.each([
    [1, 0.25],
    [4, 1],
    [7.3, 2],
    [10, 2.5],
    [18, 5],
    [0, 1],
  ])("max %s -> step %s", (max, step) => {
    expect(niceStep(max)).toBe(step);
  });
});

describe("lineChart", () => {
  const chart = lineChart({
    title: "adoption <of> team",
    categories: weeks,
    series: [
      { label: "adoption", values: [0.2, 0.4, null, 0.5, 0.6], color: "#123456" },
      { label: "target", values: [0.8, 0.8, 0.8, 0.8, 0.8], color: "#999999", dashed: true, points: false },
    ],
    formatY: pct,
    yMax: 1,
    shaded: [false, false, true, false, false],
    shadeLabel: "suppressed",
  });

  it("breaks the line at null values and shades suppressed weeks", () => {
    const polylines = chart.match(/<polyline [^>]*stroke="#123456"/g) ?? [];
    expect(polylines).toHaveLength(2);
    expect(chart.match(/<circle /g)).toHaveLength(4);
    expect(chart.match(/<rect class="shade" x=/g)).toHaveLength(2); // the band and the legend swatch
    expect(chart).toContain('stroke-dasharray="5 3"');
  });

  it("has axes, ticks, labels, a legend and an accessible, escaped title", () => {
    expect(chart).toContain('aria-label="adoption &lt;of&gt; team"');
    for (const tick of ["0%", "25%", "50%", "75%", "100%"]) expect(chart).toContain(`>${tick}</text>`);
    expect(chart).toContain(">2026-W01</text>");
    expect(chart).toContain(">W05</text>");
    expect(chart).toContain(">adoption</text>");
    expect(chart).toContain(">suppressed</text>");
    expect(chart).toContain("<title>2026-W02 · adoption: 40%</title>");
    expect(chart).not.toContain("NaN");
  });

  it("is deterministic", () => {
    const again = lineChart({
      title: "adoption <of> team",
      categories: weeks,
      series: [
        { label: "adoption", values: [0.2, 0.4, null, 0.5, 0.6], color: "#123456" },
        { label: "target", values: [0.8, 0.8, 0.8, 0.8, 0.8], color: "#999999", dashed: true, points: false },
      ],
      formatY: pct,
      yMax: 1,
      shaded: [false, false, true, false, false],
      shadeLabel: "suppressed",
    });
    expect(again).toBe(chart);
  });

  it("draws an empty frame when every value is absent", () => {
    const empty = lineChart({
      title: "t",
      categories: weeks,
      series: [{ label: "x", values: [null, null, null, null, null], color: "#000" }],
      formatY: String,
    });
    expect(empty).not.toContain("<polyline");
    expect(empty).not.toContain("NaN");
  });

  it("wraps a long legend onto a second row", () => {
    const wide = lineChart({
      title: "t",
      categories: weeks,
      series: [
        { label: "a rather long series label", values: [1, 2, 3, 4, 5], color: "#000" },
        { label: "another rather long series label", values: [1, 2, 3, 4, 5], color: "#111" },
      ],
      formatY: String,
    });
    expect(wide).toContain("translate(48,24)");
    expect(wide).toContain('height="214"');
  });
});

describe("barChart", () => {
  it("draws one bar per present value, none for null", () => {
    const chart = barChart({
      title: "deployments",
      categories: weeks,
      series: [
        { label: "AI", values: [1, 2, null, 4, 5], color: "#f00" },
        { label: "other", values: [5, 4, 3, 2, 1], color: "#00f" },
      ],
      formatY: String,
    });
    expect(chart.match(/<rect class="bar"/g)).toHaveLength(9);
    expect(chart).not.toContain("NaN");
  });
});
