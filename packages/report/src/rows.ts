import { displayText } from "@yardstick/core";
import type { MetricsOutput } from "@yardstick/metrics";
import { stringify } from "csv-stringify/sync";

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/**
 * One flat row per group and week: the scalar figures of the JSON document. `yardstick metrics
 * --format csv` prints exactly these columns (do not reorder: scripts read them).
 */
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

/**
 * The report's rows: every column of `metricsRows`, then the extra figures the report shows
 * (DORA band, the AI-assisted / other guardrail split, cost, integrity flag counts, the labelled
 * merged variant). Never per person: flag columns are counts, the admin-only named lists are left out.
 */
export function reportRows(output: MetricsOutput): Row[] {
  const base = metricsRows(output);
  let i = 0;
  return output.groups.flatMap((g) =>
    g.weeks.map((w) => {
      const row = base[i] ?? {};
      i += 1;
      const ai = w.guardrails?.ai ?? null;
      const other = w.guardrails?.other ?? null;
      const mv = w.mergedVariant;
      return {
        ...row,
        provisional: w.provisional,
        doraBand: w.doraBand,
        leadTimeFirstCommitToOpenHours: w.leadTimeParts.firstCommitToOpen,
        leadTimeOpenToMergeHours: w.leadTimeParts.openToMerge,
        leadTimeMergeToDeployHours: w.leadTimeParts.mergeToDeploy,
        aiDeployments: ai?.deployments ?? null,
        otherDeployments: other?.deployments ?? null,
        aiLeadTimeHoursMedian: ai?.leadTimeHours.median ?? null,
        otherLeadTimeHoursMedian: other?.leadTimeHours.median ?? null,
        aiLeadTimeHoursP90: ai?.leadTimeHours.p90 ?? null,
        otherLeadTimeHoursP90: other?.leadTimeHours.p90 ?? null,
        aiChangeFailureRate: ai?.changeFailureRate ?? null,
        otherChangeFailureRate: other?.changeFailureRate ?? null,
        aiRecoveryHoursMedian: ai?.recoveryHoursMedian ?? null,
        otherRecoveryHoursMedian: other?.recoveryHoursMedian ?? null,
        aiCost: w.aiCost,
        flagsVolumeSpike: w.flags.volumeSpike,
        flagsTrivialShare: w.flags.trivialShare,
        flagsSelfMergedAi: w.flags.selfMergedAi,
        flagsHighRevertShare: w.flags.highRevertShare,
        flagsTokenHeavyNothingShipped: w.flags.tokenHeavyNothingShipped,
        mergedVariantNd: mv?.nd ?? null,
        mergedVariantAind: mv?.aind ?? null,
        mergedVariantAiShare: mv?.aiShare ?? null,
        mergedVariantAdoption: mv?.adoption ?? null,
        mergedVariantAdoption4w: mv?.adoption4w ?? null,
        mergedVariantPeopleToTarget: mv?.peopleToTarget ?? null,
      };
    }),
  );
}

/**
 * A text cell as a spreadsheet must show it, never run it (OWASP "CSV Injection"): text that
 * starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula, so it
 * gets a leading `'`. Group names come from GitHub team names that anyone in the organisation
 * may choose. Numbers are figures, not text, and are written as they are (a negative number stays
 * a number).
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** CSV (RFC 4180 quoting through csv-stringify; bidi overrides neutralised, formulas too); absent figures are empty cells, never 0. "" for no rows. */
export function toCsv(rows: readonly Row[]): string {
  const first = rows[0];
  if (first === undefined) return "";
  const columns = Object.keys(first);
  const cell = (v: Cell | undefined): string => {
    if (v === null || v === undefined) return "";
    return typeof v === "string" ? neutraliseFormula(displayText(v)) : String(v);
  };
  return stringify([columns, ...rows.map((r) => columns.map((c) => cell(r[c])))], { record_delimiter: "unix" });
}

/** The CSV `yardstick metrics --format csv` prints. */
export function metricsCsv(output: MetricsOutput): string {
  return toCsv(metricsRows(output));
}

/** The report's CSV export: one row per group and week, the metrics columns then the report's extras. */
export function renderReportCsv(output: MetricsOutput): string {
  return toCsv(reportRows(output));
}
