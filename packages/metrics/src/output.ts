import { z } from "zod";

/**
 * The output of `computeMetrics` and of `yardstick metrics --format json` (issue 6). Absent
 * figures are null, never 0. The names in the issue stay; the extra fields are documented in
 * docs/metrics.md.
 */

/**
 * The version of the figures' shape. Stored rollups keep the figures of the version that wrote
 * them; the rollup's fingerprint includes this, so a new version recomputes every stored week in
 * the first run after an upgrade. 2: guardrail counts and sample sizes. 3: the guardrails' 95%
 * intervals of the lead-time and recovery medians.
 */
export const FIGURES_VERSION = 3;

const Figure = z.number().nullable();
const Count = z.number().int().nonnegative().nullable();

export const GroupKind = z.enum(["org", "team", "repo"]);
export type GroupKind = z.infer<typeof GroupKind>;

export const Distribution = z.object({ median: Figure, p90: Figure });
export type Distribution = z.infer<typeof Distribution>;

export const AiOtherRate = z.object({ ai: Figure, other: Figure });
export type AiOtherRate = z.infer<typeof AiOtherRate>;

export const DoraBand = z.enum(["daily", "weekly", "monthly", "fewer"]);
export type DoraBand = z.infer<typeof DoraBand>;

export const NamedFlags = z.object({
  volumeSpike: z.array(z.string()),
  trivialShare: z.array(z.string()),
  selfMergedAi: z.array(z.string()),
  highRevertShare: z.array(z.string()),
  tokenHeavyNothingShipped: z.array(z.string()),
});
export type NamedFlags = z.infer<typeof NamedFlags>;

/** Integrity flags: counts of person-weeks; `named` (person ids, by id) only for admins. */
export const IntegrityFlags = z.object({
  volumeSpike: Count,
  trivialShare: Count,
  selfMergedAi: Count,
  highRevertShare: Count,
  /** Null where usage is not imported or not attributable (repository groups). */
  tokenHeavyNothingShipped: Count,
  named: NamedFlags.nullable(),
});
export type IntegrityFlags = z.infer<typeof IntegrityFlags>;

export const LeadTimeParts = z.object({
  firstCommitToOpen: Figure,
  openToMerge: Figure,
  mergeToDeploy: Figure,
});
export type LeadTimeParts = z.infer<typeof LeadTimeParts>;

/**
 * A sample size or a count behind a rate. Optional where it was added after figures were first
 * stored: a rollup row written before lacks it (readers show the rate without its counts) until
 * the next full rollup, which `FIGURES_VERSION` forces.
 */
const Size = z.number().int().nonnegative().optional();

/**
 * The distribution-free 95% confidence interval of a median (`medianRanks` in stats.ts: the
 * sorted sample's values at the binomial order-statistic ranks), in the median's unit, with the
 * coverage those ranks give (at least 0.95). Null when the sample is too small for a 95% interval
 * (fewer than 6 values); absent in rows stored before figures version 3.
 */
export const MedianInterval = z.object({ low: z.number(), high: z.number(), coverage: z.number() });
export type MedianInterval = z.infer<typeof MedianInterval>;

/**
 * Delivery guardrails split into AI-assisted and other changes. The two sides partition the
 * group-week: every deployment ships AI-assisted changes or not, every change is AI-assisted or
 * not, so each count of the whole is the sum of the sides'.
 */
export const GuardrailSplit = z.object({
  deployments: Count,
  leadTimeHours: Distribution,
  leadTimeParts: LeadTimeParts,
  changeFailureRate: Figure,
  recoveryHoursMedian: Figure,
  revertRate: Figure,
  // Extra fields: the counts behind the rates and the sample sizes behind the medians.
  /** Of `deployments`, how many failed: `changeFailureRate` = failedDeployments / deployments. */
  failedDeployments: Size,
  /** Changes deployed in the week on this side: `revertRate`'s denominator. */
  changes: Size,
  /** Of `changes`, how many were reverted within the window: `revertRate` = revertedChanges / changes. */
  revertedChanges: Size,
  /** Of `changes`, how many have a lead time: the sample of `leadTimeHours`. */
  leadTimeSamples: Size,
  /** Failed deployments followed by a recovery: the sample of `recoveryHoursMedian`. */
  recoverySamples: Size,
  /** 95% interval of `leadTimeHours.median` from its `leadTimeSamples` values; null below 6. */
  leadTimeMedianInterval: MedianInterval.nullable().optional(),
  /** 95% interval of `recoveryHoursMedian` from its `recoverySamples` values; null below 6. */
  recoveryMedianInterval: MedianInterval.nullable().optional(),
});
export type GuardrailSplit = z.infer<typeof GuardrailSplit>;

/** The "merged" variant, for repositories with no deployment signal: merged stands in for deployed. */
export const MergedVariant = z.object({
  label: z.literal("merged (no deployment signal)"),
  qualifyingChanges: Count,
  aiQualifyingChanges: Count,
  nd: Figure,
  aind: Figure,
  aiShare: Figure,
  adoption: Figure,
  adoption4w: Figure,
  peopleToTarget: Count,
});
export type MergedVariant = z.infer<typeof MergedVariant>;

export const WeekFigures = z.object({
  week: z.string(),
  rosterSize: Count,
  activeEngineers: Count,
  mergedChanges: Count,
  deployedChanges: Count,
  qualifyingChanges: Count,
  aiQualifyingChanges: Count,
  nd: Figure,
  aind: Figure,
  aiShare: Figure,
  adoption: Figure,
  adoption4w: Figure,
  adoptionTarget: Figure,
  /** What the target is judged on: the week's adoption or the rolling (4-week) one (config `adoption.basis`). */
  adoptionBasis: z.enum(["week", "rolling4w"]).default("week"),
  peopleToTarget: Count,
  deployments: Count,
  deployDays: Count,
  leadTimeHours: Distribution,
  changeFailureRate: Figure,
  recoveryHoursMedian: Figure,
  revertRate: AiOtherRate,
  costPerAiChange: Figure,
  flags: IntegrityFlags,
  suppressed: z.boolean(),
  // Extra fields.
  /** DORA deployment-frequency band over the trailing `thresholds.doraWindowWeeks` weeks. */
  doraBand: DoraBand.nullable(),
  leadTimeParts: LeadTimeParts,
  guardrails: z.object({ ai: GuardrailSplit, other: GuardrailSplit }).nullable(),
  /** Total imported AI tool cost of the group's people in the week. */
  aiCost: Figure,
  /** The revert window has not closed for changes merged in this week: figures may still drop. */
  provisional: z.boolean(),
  mergedVariant: MergedVariant.nullable(),
});
export type WeekFigures = z.infer<typeof WeekFigures>;

export const MetricsGroup = z.object({
  kind: GroupKind,
  name: z.string(),
  weeks: z.array(WeekFigures),
});
export type MetricsGroup = z.infer<typeof MetricsGroup>;

export const MetricsReportNotes = z.object({
  timeZone: z.string(),
  reposWithoutDeploymentSignal: z.array(z.string()),
  offBranchDeployments: z.array(z.string()),
  changesNotOnBranch: z.array(z.string()),
  /** Merged changes not yet in any production deployment ("merged, not yet deployed"). */
  mergedNotDeployed: z.number().int().nonnegative(),
});
export type MetricsReportNotes = z.infer<typeof MetricsReportNotes>;

export const MetricsOutput = z.object({
  weeks: z.array(z.string()),
  groups: z.array(MetricsGroup),
  notes: MetricsReportNotes,
});
export type MetricsOutput = z.infer<typeof MetricsOutput>;
