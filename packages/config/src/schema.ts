import { AttributionSettings } from "@yardstick/attribution";
import { isValidTimeZone, RepoFullName } from "@yardstick/core";
import {
  DEFAULT_ENVIRONMENT_PATTERN,
  DEFAULT_TRIVIAL_IGNORE,
  GroupKey,
  AdoptionSettings as MetricsAdoptionSettings,
  MetricsThresholds,
  Share,
} from "@yardstick/metrics";
import { z } from "zod";
import { cronError } from "./cron.js";
import { describe } from "./field-info.js";
import { globError, regexError, regexSafetyError } from "./patterns.js";

/**
 * The one schema of `yardstick.config.yaml` (or `.yml` / `.json`). Every section is strict
 * (unknown keys are errors) and every default is applied here, so consumers get a fully
 * resolved `Config`. Defaults and meanings follow ../../shared/METRICS.md; docs/configuration.md
 * restates each key.
 */

// ---------------------------------------------------------------------------------------------
// Building blocks

const wholeNumber = (min: number, example: string, max?: number) => {
  let schema = z.number().int().min(min);
  if (max !== undefined) schema = schema.max(max);
  const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
  return describe(schema, { expects: `a whole number ${range}`, example });
};

/** A glob pattern (see patterns.ts for the syntax). */
export const Glob = describe(
  z.string().superRefine((value, ctx) => {
    const problem = globError(value);
    if (problem !== undefined) {
      ctx.addIssue({ code: "custom", message: `not a valid glob pattern (${problem})` });
    }
  }),
  { expects: "a glob pattern", example: '"**/*.lock"' },
);

/** A regular expression (JavaScript syntax, Unicode mode), compiled once here to check it. */
const regex = (flags: string, example: string) =>
  describe(
    z
      .string()
      .min(1)
      .superRefine((value, ctx) => {
        const problem = regexError(value, flags);
        if (problem !== undefined) {
          ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${problem}` });
          return;
        }
        const unsafe = regexSafetyError(value, flags);
        if (unsafe !== undefined) ctx.addIssue({ code: "custom", message: `an unsafe regular expression: ${unsafe}` });
      }),
    { expects: "a regular expression", example },
  );

/** A GitHub user or organisation login. */
export const Login = describe(z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/), {
  expects: "a GitHub login (letters, digits and hyphens)",
  example: '"octocat"',
});

/** A GitHub team slug. */
export const TeamSlug = describe(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/), {
  expects: 'a GitHub team slug such as "payments"',
  example: '"payments"',
});

const BranchName = describe(
  z
    .string()
    .min(1)
    .regex(/^[^\s~^:?*[\\]+$/),
  { expects: 'a branch name, or "default" for the repository\'s default branch', example: "main" },
);

/** An IANA time zone name the runtime knows. */
export const TimeZone = describe(
  z.string().refine(isValidTimeZone, {
    error: 'not a time zone this system knows (IANA names such as "Europe/Berlin" or "UTC")',
  }),
  { expects: "an IANA time zone name", example: "Europe/Berlin" },
);

/** An http(s) URL (`example`: a right value for this key, shown in errors). */
const httpUrl = (example: string) =>
  describe(
    z.string().refine(
      (value) => {
        try {
          const url = new URL(value);
          return url.protocol === "https:" || url.protocol === "http:";
        } catch {
          return false;
        }
      },
      { error: "expected an http(s) URL" },
    ),
    { expects: "an http(s) URL", example },
  );
const HttpUrl = httpUrl("https://github.example.com/api/v3");

/** A share between 0 and 1; a percentage string such as "80%" is accepted and normalised. */
/** A share from 0 to 1 or a percentage: the metrics package declares it (one place). */
export { Share };

const Email = describe(z.string().regex(/^(?:[^<>]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/), {
  expects: 'an email address such as "digest@acme.com" or "Yardstick <digest@acme.com>"',
  example: '"digest@acme.com"',
});

// ---------------------------------------------------------------------------------------------
// GitHub

/** Which repositories of an organisation to read. Patterns match the repository name (no owner), case-insensitively. */
export const RepositorySelection = z.strictObject({
  /** Repositories to include (default: all). */
  include: z.array(Glob).default(["*"]),
  /** Repositories to leave out, even when included. */
  exclude: z.array(Glob).default([]),
});
export type RepositorySelection = z.infer<typeof RepositorySelection>;

export const GitHubOrganization = describe(
  z.preprocess(
    (value) => (typeof value === "string" ? { name: value } : value),
    z.strictObject({
      /** The organisation's login, e.g. "acme". */
      name: Login,
      /** Repository include/exclude patterns. */
      repositories: RepositorySelection.prefault({}),
    }),
  ),
  { expects: 'an organisation: { name: "acme" } or just "acme"', example: "{ name: acme }" },
);
export type GitHubOrganization = z.infer<typeof GitHubOrganization>;

export const GitHubSettings = z.strictObject({
  /** Organisations to read. */
  organizations: z.array(GitHubOrganization).default([]),
  /** Extra repositories to read by full name ("owner/name"), e.g. from outside the organisations above. */
  repositories: z
    .array(describe(RepoFullName, { expects: 'a repository "owner/name"', example: '"acme/payments"' }))
    .default([]),
  /**
   * REST API base URL: GitHub Enterprise Server ("https://HOST/api/v3") or the simulator.
   * The environment's GITHUB_API_URL overrides it.
   */
  apiUrl: HttpUrl.default("https://api.github.com"),
  /**
   * Read pull requests' patches over Git instead of the REST API (docs/configuration.md): a bare,
   * partial clone per repository in `cacheDir`, with the same credentials. A repository that
   * cannot be cloned falls back to REST.
   */
  git: z
    .strictObject({
      /** Clone and fetch the repositories (true), or read patches over REST only (false). */
      enabled: z.boolean().default(false),
      /** Directory of the clones (one bare repository per owner/name; about the size of the history without file contents). */
      cacheDir: z.string().min(1).default(".yardstick/git"),
      /** Git host URL (default: from apiUrl: https://github.com, or the GitHub Enterprise Server host). */
      url: HttpUrl.optional(),
    })
    .prefault({}),
});
export type GitHubSettings = z.infer<typeof GitHubSettings>;

// ---------------------------------------------------------------------------------------------
// Deployments

/** Default production environment pattern (METRICS.md), matched case-insensitively; the metrics package owns it. */
export { DEFAULT_ENVIRONMENT_PATTERN };

export const DeploymentDetection = describe(
  z.preprocess(
    // `deployment: releases` is short for `deployment: { method: releases }`.
    (value) => (typeof value === "string" ? { method: value } : value),
    z.discriminatedUnion("method", [
      z.strictObject({
        /** GitHub Deployments with a `success` status, in an environment matching `environment`. */
        method: z.literal("deployments"),
        /** Regular expression for production environment names, case-insensitive. */
        environment: regex("iu", "'^prod(uction)?\\b'").default(DEFAULT_ENVIRONMENT_PATTERN),
      }),
      z.strictObject({
        /** Published, non-draft, non-prerelease GitHub Releases. */
        method: z.literal("releases"),
      }),
      z.strictObject({
        /** Tags whose name matches `pattern`. */
        method: z.literal("tags"),
        /** Regular expression for release tag names, case-sensitive, e.g. "^v\\d+\\.\\d+\\.\\d+$". */
        pattern: regex("u", "'^v\\d+\\.\\d+\\.\\d+$'"),
      }),
      z.strictObject({
        /** Successful runs of a deploy workflow. */
        method: z.literal("workflow"),
        /** The workflow's name or file, e.g. "Deploy" or "deploy.yml". */
        workflow: describe(z.string().min(1), { expects: "a workflow name or file", example: "deploy.yml" }),
        /** Branch the runs must be on (default: the tracked branch). */
        branch: BranchName.optional(),
      }),
      z.strictObject({
        /** Merging is deploying: continuously deployed repositories. */
        method: z.literal("merge"),
      }),
    ]),
  ),
  {
    expects: 'a deployment method: { method: "deployments" | "releases" | "tags" | "workflow" | "merge" }',
    example: "{ method: releases }",
  },
);
export type DeploymentDetection = z.infer<typeof DeploymentDetection>;

/** Settings for the repositories whose full name matches `match`; later entries win. */
export const RepositoryOverride = z.strictObject({
  /** Glob on the full name "owner/name", case-insensitive, e.g. "acme/pay*". */
  match: describe(
    z.string().superRefine((value, ctx) => {
      const problem = globError(value) ?? (value.includes("/") ? undefined : 'it has no "/" between owner and name');
      if (problem !== undefined) {
        ctx.addIssue({ code: "custom", message: `not a valid "owner/name" glob (${problem})` });
      }
    }),
    { expects: 'a glob on "owner/name"', example: '"acme/pay*"' },
  ),
  /** Branch whose changes count ("default": the repository's default branch). */
  trackedBranch: BranchName.optional(),
  /** Whether commits pushed straight to the tracked branch (no pull request) count as changes. */
  directPushes: z.boolean().optional(),
  /** How production deployments are detected for these repositories. */
  deployment: DeploymentDetection.optional(),
});
export type RepositoryOverride = z.infer<typeof RepositoryOverride>;

// ---------------------------------------------------------------------------------------------
// Teams, roster, adoption

const FilePath = describe(z.string().min(1), { expects: "a file path", example: "./teams.yaml" });

export const TeamsSettings = z
  .strictObject({
    /** "github": the organisations' GitHub teams; "file": a mapping file (team slug -> logins). */
    source: z.enum(["github", "file"]).default("github"),
    /** The mapping file (YAML or JSON), relative to the configuration file. Required with source "file". */
    file: FilePath.optional(),
    /** Only these team slugs (default: every team). */
    include: z.array(TeamSlug).optional(),
  })
  .superRefine((teams, ctx) => {
    if (teams.source === "file" && teams.file === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["file"],
        message: 'is required when source is "file"',
      });
    }
  });
export type TeamsSettings = z.infer<typeof TeamsSettings>;

export const RosterSettings = z
  .strictObject({
    /** "org": members of the organisations; "teams": members of the teams; "file": a list of logins. */
    source: z.enum(["org", "teams", "file"]).default("org"),
    /** The roster file (YAML or JSON list of logins), relative to the configuration file. Required with source "file". */
    file: describe(z.string().min(1), { expects: "a file path", example: "./roster.yaml" }).optional(),
  })
  .superRefine((roster, ctx) => {
    if (roster.source === "file" && roster.file === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["file"],
        message: 'is required when source is "file"',
      });
    }
  });
export type RosterSettings = z.infer<typeof RosterSettings>;

/**
 * Group keys and the adoption section are declared once, in the metrics package (they shape the
 * figures); the configuration file reads them as they are.
 */
export const AdoptionSettings = z.strictObject(MetricsAdoptionSettings.shape);
export type AdoptionSettings = z.infer<typeof AdoptionSettings>;
export { GroupKey };

// ---------------------------------------------------------------------------------------------
// Thresholds

/** Files that never make a change non-trivial: the metrics package owns the list (one place). */
export { DEFAULT_TRIVIAL_IGNORE };

/**
 * The `thresholds` section: the metrics package's thresholds (declared there once: they shape the
 * figures), with the glob syntax checked as the file is read, plus how far back the first sync
 * reads.
 */
export const Thresholds = z.strictObject({
  ...MetricsThresholds.shape,
  /** Globs of files that do not count towards a change's size (lock files, generated files). */
  trivialIgnore: z.array(Glob).default([...DEFAULT_TRIVIAL_IGNORE]),
  /** How far back the first sync reads. */
  backfillDays: wholeNumber(1, "180", 3650).default(180),
});
export type Thresholds = z.infer<typeof Thresholds>;

// ---------------------------------------------------------------------------------------------
// Digest

/** A five-field cron expression (minute hour day-of-month month day-of-week). */
export const CronExpression = describe(
  z.string().superRefine((value, ctx) => {
    const problem = cronError(value);
    if (problem !== undefined) {
      ctx.addIssue({ code: "custom", message: `not a valid cron expression (${problem})` });
    }
  }),
  { expects: "a five-field cron expression", example: '"0 9 * * 1"' },
);

export const DigestChannel = describe(
  z.discriminatedUnion("type", [
    z.strictObject({
      /** Markdown and HTML files in a directory. */
      type: z.literal("file"),
      /** Directory, relative to the configuration file. */
      dir: FilePath.default("yardstick-reports/digests"),
    }),
    z.strictObject({
      /** A Slack incoming webhook (Block Kit message). */
      type: z.literal("slack"),
      /** The webhook URL; a secret: write "${SLACK_WEBHOOK_URL}". */
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the example is a ${VAR} reference, as written in the file
      webhookUrl: describe(HttpUrl.clone(), { expects: "an http(s) URL", example: '"${SLACK_WEBHOOK_URL}"' }),
    }),
    z.strictObject({
      /** Email over SMTP (plain text and HTML). */
      type: z.literal("email"),
      /** The SMTP server. */
      smtp: z.strictObject({
        /** Host name of the SMTP server. */
        host: describe(z.string().min(1), { expects: "a host name", example: "smtp.acme.com" }),
        /** Port: 587 (submission, STARTTLS) by default, 465 with `secure: true`. */
        port: wholeNumber(1, "587", 65_535).default(587),
        /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
        secure: z.boolean().default(false),
        /** User name, when the server wants authentication. */
        user: z.string().min(1).optional(),
        /** A secret: write "${SMTP_PASSWORD}". */
        password: z.string().min(1).optional(),
      }),
      /** Sender address. */
      from: Email,
      /** Recipients (at least one). */
      to: describe(z.array(Email).min(1), {
        expects: "a list of at least one email address",
        example: '["leads@acme.com"]',
      }),
    }),
  ]),
  { expects: 'a channel: { type: "file" | "slack" | "email", ... }', example: "{ type: file, dir: ./digests }" },
);
export type DigestChannel = z.infer<typeof DigestChannel>;

export const DigestSettings = z.strictObject({
  /** When the weekly digest is built and sent (cron, in `timeZone`); default Monday 09:00. */
  schedule: CronExpression.default("0 9 * * 1"),
  /** Time zone of the schedule (default: the top-level `timeZone`). */
  timeZone: TimeZone.optional(),
  /** Where the digest goes. */
  channels: z.array(DigestChannel).default([{ type: "file", dir: "yardstick-reports/digests" }]),
  /**
   * The full report or dashboard as an absolute http(s) URL, linked from every digest (a relative
   * link does not work in email or Slack); a relative `--report-url` is resolved against it.
   */
  reportUrl: HttpUrl.optional(),
});
export type DigestSettings = z.infer<typeof DigestSettings>;

// ---------------------------------------------------------------------------------------------
// Usage import

export const UsageSource = z.strictObject({
  /** A usage export (CSV or JSON), relative to the configuration file. */
  path: FilePath,
  /** The export's shape; "auto" recognises the Copilot and Claude Code usage reports. */
  format: z.enum(["auto", "copilot", "claude-code", "csv", "json"]).default("auto"),
});
export type UsageSource = z.infer<typeof UsageSource>;

// ---------------------------------------------------------------------------------------------
// The whole file

export const Config = z
  .strictObject({
    /** Version of this file's format. */
    version: describe(z.literal(1), { expects: "1", example: "1" }).default(1),
    /** Which organisations and repositories to read, and where the GitHub API is. */
    github: GitHubSettings.prefault({}),
    /** Branch whose merged changes count; "default" means each repository's default branch. */
    trackedBranch: BranchName.default("default"),
    /** Whether commits pushed straight to the tracked branch count as changes (trunk-based teams). */
    directPushes: z.boolean().default(false),
    /** How production deployments are detected (per repository overrides in `repositories`). */
    deployment: DeploymentDetection.prefault({ method: "deployments" }),
    /** Per-repository overrides of trackedBranch, directPushes and deployment; later entries win. */
    repositories: z.array(RepositoryOverride).default([]),
    /** Where teams come from. */
    teams: TeamsSettings.prefault({}),
    /** Who the reports are about. */
    roster: RosterSettings.prefault({}),
    /** The organisation's time zone: weeks start Monday 00:00 here. */
    timeZone: TimeZone.default("UTC"),
    /** Weekly AI adoption targets. */
    adoption: AdoptionSettings.prefault({}),
    /** The metric thresholds (METRICS.md). */
    thresholds: Thresholds.prefault({}),
    /** AI attribution: confidence threshold, extra rules, automation accounts. */
    attribution: AttributionSettings.prefault({}).superRefine((settings, ctx) => {
      // User rules run on every commit message and PR body: a pattern that backtracks
      // catastrophically is refused here (attribution itself is pure and cannot run the checker).
      settings.rules.forEach((rule, index) => {
        if (rule.pattern === undefined) return;
        const unsafe = regexSafetyError(rule.pattern, "imu");
        if (unsafe !== undefined)
          ctx.addIssue({
            code: "custom",
            path: ["rules", index, "pattern"],
            message: `an unsafe regular expression: ${unsafe}`,
          });
      });
    }),
    /** Incidents that mark a deployment as failed. */
    incidents: z
      .strictObject({
        /** Issues carrying this label and naming a deployment mark it failed. */
        label: z.string().min(1).optional(),
      })
      .prefault({}),
    /** The weekly digest. */
    digest: DigestSettings.prefault({}),
    /** Logins who may see named integrity-flag lists (everyone else sees counts). */
    admins: z.array(Login).default([]),
    /**
     * Where people open the dashboard (`yardstick serve`), as an absolute http(s) URL: the digest
     * and the report link each figure to its dashboard page under it. Absent: no such links.
     */
    dashboardUrl: httpUrl("https://yardstick.acme.com/").optional(),
    /** `yardstick worker`'s life cycle. */
    worker: z
      .strictObject({
        /**
         * On SIGTERM or SIGINT, how long running jobs may take to finish before the worker closes
         * anyway (what is left is run again elsewhere by BullMQ's stalled-job recovery).
         * `--shutdown-timeout` and YARDSTICK_SHUTDOWN_TIMEOUT override it.
         */
        shutdownTimeoutSeconds: wholeNumber(0, "30", 86_400).default(30),
      })
      .prefault({}),
    /** Personal data: how long raw text is kept. */
    privacy: z
      .strictObject({
        /**
         * Pull-request bodies and commit messages older than this many days (by merge or commit
         * time) have their text dropped by `yardstick privacy enforce` (lines mentioning a revert
         * stay: the metrics read reverts from them); their verdicts and evidence stay. At least
         * `thresholds.backfillDays`: attribution reads the text of the window again on every
         * sync. Unset: text is kept.
         */
        textRetentionDays: wholeNumber(1, "365", 36_500).optional(),
      })
      .prefault({}),
    /** Imported AI usage (tokens, cost). */
    usage: z
      .strictObject({
        /** Usage exports to import. */
        sources: z.array(UsageSource).default([]),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const days = config.privacy.textRetentionDays;
    if (days !== undefined && days < config.thresholds.backfillDays)
      ctx.addIssue({
        code: "custom",
        path: ["privacy", "textRetentionDays"],
        message: `${days} days is shorter than thresholds.backfillDays (${config.thresholds.backfillDays}): attribution reads the text of every pull request in that window again on each sync, so dropping it sooner would change verdicts`,
      });
  })
  .transform((config) => ({
    ...config,
    digest: { ...config.digest, timeZone: config.digest.timeZone ?? config.timeZone },
  }));
/** The fully resolved configuration (every default applied). */
export type Config = z.infer<typeof Config>;
/** What the file may say (everything optional). */
export type ConfigInput = z.input<typeof Config>;

/** File names looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = ["yardstick.config.yaml", "yardstick.config.yml", "yardstick.config.json"] as const;
