import type { MetricsOutput } from "@yardstick/metrics";

type Row = Record<string, string | number | boolean | null>;

const fmt = (v: number | null, digits = 2): string =>
  v === null ? "–" : Number.isInteger(v) ? String(v) : v.toFixed(digits);
const pct = (v: number | null): string => (v === null ? "–" : `${Math.round(v * 100)}%`);

/** One flat row per group and week (the scalar figures of the JSON document). */
export function metricsRows(output: MetricsOutput): Row[] {
  return output.groups.flatMap((g) =>
    g.weeks.map((w) => ({
      kind: g.kind,
      name: g.name,
      week: w.week,
      suppressed: w.suppressed,
      rosterSize: w.rosterSize,
      activeEngineers: w.activeEngineers,
      mergedChanges: w.mergedChanges,
      deployedChanges: w.deployedChanges,
      qualifyingChanges: w.qualifyingChanges,
      aiQualifyingChanges: w.aiQualifyingChanges,
      nd: w.nd,
      aind: w.aind,
      aiShare: w.aiShare,
      adoption: w.adoption,
      adoption4w: w.adoption4w,
      adoptionTarget: w.adoptionTarget,
      peopleToTarget: w.peopleToTarget,
      deployments: w.deployments,
      deployDays: w.deployDays,
      leadTimeHoursMedian: w.leadTimeHours.median,
      leadTimeHoursP90: w.leadTimeHours.p90,
      changeFailureRate: w.changeFailureRate,
      recoveryHoursMedian: w.recoveryHoursMedian,
      revertRateAi: w.revertRate.ai,
      revertRateOther: w.revertRate.other,
      costPerAiChange: w.costPerAiChange,
    })),
  );
}

/** CSV (RFC 4180 quoting); absent figures are empty cells, never 0. */
export function metricsCsv(output: MetricsOutput): string {
  const rows = metricsRows(output);
  const first = rows[0];
  if (first === undefined) return "";
  const columns = Object.keys(first);
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n")}\n`;
}

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
