import type { MetricsOutput } from "@yardstick/metrics";

const fmt = (v: number | null, digits = 2): string =>
  v === null ? "–" : Number.isInteger(v) ? String(v) : v.toFixed(digits);
const pct = (v: number | null): string => (v === null ? "–" : `${Math.round(v * 100)}%`);

// The row flattening and CSV live in @yardstick/report (the report's CSV export extends them).
export { metricsCsv, metricsRows } from "@yardstick/report";

/** A fixed-width table for terminals: groups in the order the engine gives (never ranked). */
export function metricsTable(output: MetricsOutput): string {
  const header = [
    "group",
    "week",
    "active",
    "qualifying",
    "ai",
    "ND",
    "AIND",
    "AI share",
    "adoption",
    "4w",
    "target",
    "deploys",
    "CFR",
  ];
  const lines = [header];
  for (const g of output.groups) {
    for (const w of g.weeks) {
      lines.push(
        w.suppressed
          ? [
              `${g.kind}:${g.name}`,
              w.week,
              "–",
              "–",
              "–",
              "–",
              "–",
              "–",
              "–",
              "–",
              "–",
              "–",
              "–",
              "suppressed (fewer than k people)",
            ]
          : [
              `${g.kind}:${g.name}`,
              w.week,
              fmt(w.activeEngineers),
              fmt(w.qualifyingChanges),
              fmt(w.aiQualifyingChanges),
              fmt(w.nd),
              fmt(w.aind),
              pct(w.aiShare),
              pct(w.adoption),
              pct(w.adoption4w),
              pct(w.adoptionTarget),
              fmt(w.deployments),
              pct(w.changeFailureRate),
              "",
            ],
      );
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length)));
  return `${lines
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}
