import { z } from "zod";

/** What the report can say about coverage beyond the metrics document (the CLI reads it from the database). */
export const ReportCoverage = z.object({
  /** Accounts credited with changes that resolve to no person (their work counts in no person-based figure). */
  unresolvedAccounts: z.number().int().nonnegative().nullable().optional(),
  /** The most recent sync run of any stream; null when nothing was synced. */
  lastSyncAt: z.date().nullable().optional(),
  /** Sync streams whose last run ended in an error. */
  syncStreamsWithErrors: z.number().int().nonnegative().nullable().optional(),
  /** Attribution rule versions behind the verdicts. */
  ruleVersions: z.array(z.string()).optional(),
  /** When the earliest stored change was merged: where the data's history starts (the warm-up). */
  firstMergedAt: z.date().nullable().optional(),
});
export type ReportCoverage = z.infer<typeof ReportCoverage>;

export const ReportOptions = z.object({
  title: z.string().min(1),
  generatedAt: z.date(),
  coverage: ReportCoverage.optional(),
  /**
   * The dashboard's absolute address (config `dashboardUrl`): the report links the week, each
   * group's week, adoption, guardrails and status to their dashboard pages. Absent: no such links.
   */
  dashboardUrl: z.string().optional(),
});
export type ReportOptions = z.infer<typeof ReportOptions>;
