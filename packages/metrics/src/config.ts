import { Confidence, isValidTimeZone } from "@yardstick/core";
import { z } from "zod";

/**
 * Lock files, generated files and vendored code: their lines never make a change non-trivial.
 * The same list as the configuration's default (`thresholds.trivialIgnore`).
 */
export const DEFAULT_TRIVIAL_IGNORE: readonly string[] = [
  "**/package-lock.json",
  "**/npm-shrinkwrap.json",
  "**/pnpm-lock.yaml",
  "**/yarn.lock",
  "**/*.lock",
  "**/go.sum",
  "**/Cargo.lock",
  "**/poetry.lock",
  "**/composer.lock",
  "**/Gemfile.lock",
  "**/*.min.js",
  "**/*.min.css",
  "**/*.map",
  "**/dist/**",
  "**/vendor/**",
  "**/*.generated.*",
  "**/*.pb.go",
  "**/*_pb2.py",
  "**/__snapshots__/**",
];

export const DEFAULT_ENVIRONMENT_PATTERN = "^prod(uction)?\\b";

/**
 * The figures' configuration (the `metrics` part of the product configuration). Every key has
 * a default; docs/metrics.md lists them. Keys mirror the configuration file.
 */
export const MetricsConfig = z.object({
  /** IANA time zone the ISO weeks (Monday 00:00) and deployment days are counted in. */
  timeZone: z.string().refine(isValidTimeZone, 'an IANA time zone such as "Europe/Berlin" or "UTC"').default("UTC"),
  /** Name of the organisation-wide group. */
  orgName: z.string().min(1).default("org"),
  thresholds: z
    .object({
      /** A change with at most this many changed lines (ignored files excluded) is trivial. */
      trivialMaxLines: z.number().int().nonnegative().default(5),
      /** Globs of files whose lines do not count (lock files, generated files). */
      trivialIgnore: z.array(z.string()).default([...DEFAULT_TRIVIAL_IGNORE]),
      /** Most qualifying changes one person adds to ND in one week. */
      weeklyCap: z.number().int().positive().default(10),
      /** A change reverted within this many days of its merge does not qualify. */
      revertWindowDays: z.number().positive().default(14),
      /** k: groups with fewer people are suppressed and folded into "other". */
      minGroupSize: z.number().int().positive().default(5),
      /** Weeks ending with w in which a merged change makes an engineer active (also the rolling adoption window). */
      activeWindowWeeks: z.number().int().positive().default(4),
      /** A repository's first production deployment ships changes merged at most this many weeks before it. */
      lookbackWeeks: z.number().int().positive().default(4),
      /** Volume spike: q above this multiple of the trailing median (and above the cap). */
      spikeMultiplier: z.number().positive().default(3),
      /** Volume spike: weeks in the trailing baseline. */
      spikeBaselineWeeks: z.number().int().positive().default(8),
      /** Trivial-share flag: share of a person's merged changes in a week that are trivial. */
      trivialShare: z.number().min(0).max(1).default(0.5),
      /** Revert-share flag: share of a person's merged changes in a week later reverted. */
      revertShare: z.number().min(0).max(1).default(0.2),
      /** Both share flags need at least this many merged changes in the week. */
      shareFlagMinChanges: z.number().int().positive().default(5),
      /** Self-merged flag: at least this many AI-assisted changes merged by their author unreviewed in the week. */
      selfMergeMinChanges: z.number().int().positive().default(2),
      /** Token-heavy flag: tokens at or above this quantile of the group's person-weeks. */
      tokenHeavyQuantile: z.number().min(0).max(1).default(0.9),
      /** Token-heavy flag: tokens per qualifying change above this multiple of the group median. */
      tokensPerChangeMultiple: z.number().positive().default(10),
      /** Weeks in the trailing window of the DORA deployment-frequency band. */
      doraWindowWeeks: z.number().int().positive().default(12),
    })
    .prefault({}),
  adoption: z
    .object({
      /** Share of active engineers who should ship AI-assisted qualifying work each week. */
      target: z.number().min(0).max(1).default(0.8),
      /** Per-group targets, keyed by "team:<name>", "repo:<owner/name>", "org", or a bare name. */
      perGroup: z.record(z.string(), z.number().min(0).max(1)).default({}),
    })
    .prefault({}),
  attribution: z
    .object({
      /** Lowest verdict confidence that makes a change AI-assisted. */
      threshold: Confidence.default("high"),
    })
    .prefault({}),
});
export type MetricsConfig = z.infer<typeof MetricsConfig>;

/** The configured adoption target of a group. */
export function adoptionTargetFor(config: MetricsConfig, kind: string, name: string): number {
  const perGroup = config.adoption.perGroup;
  return (
    perGroup[`${kind}:${name}`] ??
    perGroup[name] ??
    (kind === "org" ? perGroup.org : undefined) ??
    config.adoption.target
  );
}
