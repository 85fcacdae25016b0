import type { MetricsOutput, WeekFigures } from "../output.js";
import type { OracleGroup, OracleWeek } from "./oracle.js";

/**
 * Comparing the engine's figures with the oracle's (./oracle.ts), figure by figure, group by
 * group, week by week: used by the generated worlds' check (./oracle.int.test.ts) and the
 * replayed real histories' (services/cli/src/demo/replay.int.test.ts).
 */

export const MERGED_FIELDS = [
  "mergedVariant.label",
  "mergedVariant.qualifyingChanges",
  "mergedVariant.aiQualifyingChanges",
  "mergedVariant.nd",
  "mergedVariant.aind",
  "mergedVariant.aiShare",
  "mergedVariant.adoption",
  "mergedVariant.adoption4w",
  "mergedVariant.peopleToTarget",
] as const;

export const FIELDS = [
  "suppressed",
  "rosterSize",
  "activeEngineers",
  "mergedChanges",
  "deployedChanges",
  "qualifyingChanges",
  "aiQualifyingChanges",
  "nd",
  "aind",
  "aiShare",
  "adoption",
  "adoption4w",
  "peopleToTarget",
  "deployments",
  "deployDays",
  "leadTimeHours.median",
  "leadTimeHours.p90",
  "changeFailureRate",
  "recoveryHoursMedian",
  "revertRate.ai",
  "revertRate.other",
  "costPerAiChange",
  "aiCost",
  "doraBand",
  "leadTimeParts.firstCommitToOpen",
  "leadTimeParts.openToMerge",
  "leadTimeParts.mergeToDeploy",
  ...(["ai", "other"] as const).flatMap(
    (split) =>
      [
        `guardrails.${split}.deployments`,
        `guardrails.${split}.leadTimeHours.median`,
        `guardrails.${split}.leadTimeHours.p90`,
        `guardrails.${split}.leadTimeParts.firstCommitToOpen`,
        `guardrails.${split}.leadTimeParts.openToMerge`,
        `guardrails.${split}.leadTimeParts.mergeToDeploy`,
        `guardrails.${split}.changeFailureRate`,
        `guardrails.${split}.recoveryHoursMedian`,
        `guardrails.${split}.revertRate`,
        `guardrails.${split}.failedDeployments`,
        `guardrails.${split}.changes`,
        `guardrails.${split}.revertedChanges`,
        `guardrails.${split}.leadTimeSamples`,
        `guardrails.${split}.recoverySamples`,
        `guardrails.${split}.leadTimeMedianInterval.low`,
        `guardrails.${split}.leadTimeMedianInterval.high`,
        `guardrails.${split}.recoveryMedianInterval.low`,
        `guardrails.${split}.recoveryMedianInterval.high`,
      ] as const,
  ),
  "flags.volumeSpike",
  "flags.trivialShare",
  "flags.selfMergedAi",
  "flags.highRevertShare",
  "flags.tokenHeavyNothingShipped",
  ...MERGED_FIELDS,
] as const;

export function pick(w: WeekFigures | OracleWeek, field: (typeof FIELDS)[number]): unknown {
  let v: unknown = w;
  for (const part of field.split(".")) v = v === null || v === undefined ? v : (v as Record<string, unknown>)[part];
  return v;
}

function same(x: unknown, y: unknown): boolean {
  if (typeof x === "number" && typeof y === "number") return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
  return x === y;
}

/** Every figure that differs, as readable lines (empty when the engine agrees with the oracle). */
export function differences(engine: MetricsOutput, oracle: OracleGroup[]): string[] {
  const out: string[] = [];
  const byName = new Map(oracle.map((g) => [`${g.kind}:${g.name}`, g] as const));
  const engineNames = new Set(engine.groups.map((g) => `${g.kind}:${g.name}`));
  for (const name of byName.keys()) if (!engineNames.has(name)) out.push(`${name}: missing from the engine`);
  for (const g of engine.groups) {
    const o = byName.get(`${g.kind}:${g.name}`);
    if (o === undefined) {
      out.push(`${g.kind}:${g.name}: not in the oracle`);
      continue;
    }
    g.weeks.forEach((w, i) => {
      const ow = o.weeks[i];
      if (ow === undefined || ow.week !== w.week) {
        out.push(`${g.kind}:${g.name} ${w.week}: week mismatch`);
        return;
      }
      for (const f of FIELDS) {
        const e = pick(w, f);
        const x = pick(ow, f);
        if (!same(e, x)) out.push(`${g.kind}:${g.name} ${w.week} ${f}: engine ${String(e)} oracle ${String(x)}`);
      }
    });
  }
  return out;
}
