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
 * A setting's description for the configuration file's error messages (the config package's
 * formatter reads it): `expects` completes "expected ...", `example` is a right value as it is
 * written in the file.
 */
export interface SettingInfo {
  expects: string;
  example?: string;
}

/** Attaches a {@link SettingInfo} to a schema (zod metadata; pure). */
function setting<T extends z.ZodType>(schema: T, info: SettingInfo): T {
  return schema.meta({ ...info }) as T;
}

/** A whole number from `min` (to `max`), with its default. */
const whole = (min: number, fallback: number, max?: number) => {
  let schema = z.number().int().min(min);
  if (max !== undefined) schema = schema.max(max);
  const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
  return setting(schema, { expects: `a whole number ${range}`, example: String(fallback) }).default(fallback);
};

/** A positive number (not necessarily whole), with its default. */
const positive = (fallback: number) =>
  setting(z.number().positive(), { expects: "a number above 0", example: String(fallback) }).default(fallback);

/** A share from 0 to 1; the configuration file may also write a percentage such as "80%". */
export const Share = setting(
  z.preprocess((value) => {
    if (typeof value !== "string") return value;
    const match = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
    return match?.[1] === undefined ? value : Number(match[1]) / 100;
  }, z.number().min(0).max(1)),
  { expects: 'a share from 0 to 1, or a percentage such as "80%"', example: "0.8" },
);

/**
 * The thresholds that shape the figures (METRICS.md). Declared once, here: the configuration
 * file's `thresholds` section is this shape plus the sync's own `backfillDays` (the config
 * package adds only what belongs to reading the file, such as glob syntax checks).
 */
export const MetricsThresholds = z.object({
  /** A change with at most this many changed lines (ignored files and whitespace not counted) is trivial. */
  trivialMaxLines: whole(0, 5),
  /** Globs of files that do not count towards a change's size (lock files, generated files). */
  trivialIgnore: z.array(z.string()).default([...DEFAULT_TRIVIAL_IGNORE]),
  /** Most qualifying changes one person can add to a week's normalised deployments. */
  weeklyCap: whole(1, 10),
  /** A change reverted within this many days of its merge does not qualify (and fails its deployment). */
  revertWindowDays: whole(1, 14),
  /** Smallest group (k) whose figures are shown; smaller groups fold into "other". */
  minGroupSize: whole(1, 5),
  /** Weeks ending with the current one in which a merged change makes an engineer active (also the rolling adoption window). */
  activeWindowWeeks: whole(1, 4, 52),
  /** How far back a repository's very first production deployment reaches for the changes it ships. */
  lookbackWeeks: whole(1, 4, 104),
  /** Volume spike flag: qualifying changes above this multiple of the person's trailing median (and above the cap). */
  spikeMultiplier: positive(3),
  /** Volume spike flag: weeks in the trailing baseline. */
  spikeBaselineWeeks: whole(1, 8, 104),
  /** Trivial-share flag: share of a person's merged changes in a week that are trivial. */
  trivialShare: Share.default(0.5),
  /** Revert-share flag: share of a person's merged changes in a week later reverted. */
  revertShare: Share.default(0.2),
  /** Both share flags need at least this many merged changes in the week. */
  shareFlagMinChanges: whole(1, 5),
  /** Self-merged flag: at least this many AI-assisted changes merged by their author unreviewed in the week. */
  selfMergeMinChanges: whole(1, 2),
  /** Token-heavy flag: tokens at or above this quantile of the group's person-weeks. */
  tokenHeavyQuantile: Share.default(0.9),
  /** Token-heavy flag: tokens per qualifying change above this multiple of the group median. */
  tokensPerChangeMultiple: positive(10),
  /** Weeks in the trailing window of the DORA deployment-frequency band. */
  doraWindowWeeks: whole(1, 12, 104),
});
export type MetricsThresholds = z.infer<typeof MetricsThresholds>;

/** A group key for per-group settings: "team:<slug>", "repo:<owner/name>" or "org:<name>". */
export const GroupKey = setting(
  z
    .string()
    .regex(/^(?:team:[A-Za-z0-9][A-Za-z0-9._-]*|repo:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+|org:[A-Za-z0-9][A-Za-z0-9-]*)$/, {
      message: 'expected a group such as "team:payments", "repo:acme/payments" or "org:acme"',
    }),
  { expects: 'a group such as "team:payments", "repo:acme/payments" or "org:acme"', example: '"team:payments"' },
);
export type GroupKey = z.infer<typeof GroupKey>;

/**
 * Which adoption value a target is judged on: the single week's (`week`, the target being "80%
 * weekly use") or the rolling one over `thresholds.activeWindowWeeks` (`rolling4w`: someone who
 * ships AI-assisted work every other week counts). Both values are always shown.
 */
export const AdoptionBasis = setting(z.enum(["week", "rolling4w"]), {
  expects: '"week" or "rolling4w"',
  example: "week",
});
export type AdoptionBasis = z.infer<typeof AdoptionBasis>;

/** Weekly AI adoption targets (declared once: the configuration file's `adoption` section). */
export const AdoptionSettings = z.object({
  /** Weekly AI adoption target of the organisation and its teams: share of active engineers shipping AI-assisted work (default 80%). */
  target: Share.default(0.8),
  /**
   * Targets for particular groups, e.g. { "team:payments": 0.6 }. A repository has no target
   * (a repository is not a team) unless it is given one here, e.g. { "repo:acme/api": 0.5 }.
   */
  perGroup: z.record(GroupKey, Share).default({}),
  /** What the target is judged on (default: the week's value). */
  basis: AdoptionBasis.default("week"),
  /** The basis for particular groups, e.g. { "team:mobile": "rolling4w" }. */
  basisPerGroup: z.record(GroupKey, AdoptionBasis).default({}),
});
export type AdoptionSettings = z.infer<typeof AdoptionSettings>;

/**
 * The figures' configuration (the `metrics` part of the product configuration). Every key has
 * a default; docs/metrics.md lists them. `thresholds` and `adoption` are the configuration
 * file's sections of the same names, declared here once.
 */
export const MetricsConfig = z.object({
  /** IANA time zone the ISO weeks (Monday 00:00) and deployment days are counted in. */
  timeZone: z.string().refine(isValidTimeZone, 'an IANA time zone such as "Europe/Berlin" or "UTC"').default("UTC"),
  /** Name of the organisation-wide group. */
  orgName: z.string().min(1).default("org"),
  thresholds: MetricsThresholds.prefault({}),
  adoption: AdoptionSettings.prefault({}),
  attribution: z
    .object({
      /** Lowest verdict confidence that makes a change AI-assisted. */
      threshold: Confidence.default("high"),
    })
    .prefault({}),
});
export type MetricsConfig = z.infer<typeof MetricsConfig>;

/**
 * The configured adoption target of a group: its `adoption.perGroup` entry, else `adoption.target`
 * for the organisation and teams; a repository has none unless `adoption.perGroup` gives it one.
 */
export function adoptionTargetFor(config: MetricsConfig, kind: string, name: string): number | null {
  return config.adoption.perGroup[`${kind}:${name}`] ?? (kind === "repo" ? null : config.adoption.target);
}

/** The basis a group's target is judged on: its `adoption.basisPerGroup` entry, else `adoption.basis`. */
export function adoptionBasisFor(config: MetricsConfig, kind: string, name: string): AdoptionBasis {
  return config.adoption.basisPerGroup[`${kind}:${name}`] ?? config.adoption.basis;
}
