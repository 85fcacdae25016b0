import { MetricsOutput, WeekFigures } from "@yardstick/metrics";
import { z } from "zod";

/**
 * The API's request and response shapes: zod schemas that validate requests, serialise
 * responses and generate the OpenAPI document (one declaration for all three).
 */

export const GroupKindParam = z.enum(["org", "team", "repo"]);
const Week = z.string().regex(/^\d{4}-W\d{2}$/, "an ISO week such as 2026-W47");
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a day such as 2026-11-23");

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), example: z.string().optional() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details (application/problem+json)" });

export const Freshness = z
  .object({
    from: Week,
    to: Week,
    lastRunAt: z.string(),
    computedAt: z.string(),
    watermark: z.string(),
    fingerprint: z.string(),
    lastMode: z.string(),
    lastFullAt: z.string(),
    notesAt: z.string(),
  })
  .meta({ id: "RollupFreshness", description: "When and from what the rollups behind the figures were computed" });

export const Me = z.object({
  name: z.string(),
  role: z.enum(["viewer", "lead", "admin"]),
  team: z.string().nullable(),
  login: z.string().nullable(),
});

export const GroupsResponse = z.object({
  groups: z.array(z.object({ kind: GroupKindParam, name: z.string(), href: z.string() })),
  freshness: Freshness,
});

export const MetricsQuery = z.object({
  from: Day.describe("first day; its ISO week (in the configured time zone) is the first reported"),
  to: Day.describe("last day; its ISO week is the last reported"),
  group: GroupKindParam.optional().describe("only this kind of group"),
  name: z.string().optional().describe("only the group with this name"),
});

export const GroupWeekParams = z.object({
  kind: GroupKindParam,
  name: z.string().min(1),
  week: Week,
});

export const GroupWeekResponse = z.object({
  kind: GroupKindParam,
  name: z.string(),
  week: Week,
  figures: WeekFigures,
  links: z.object({ changes: z.string().nullable(), deployments: z.string().nullable() }),
  freshness: Freshness,
});

export const Evidence = z.record(z.string(), z.unknown());

export const ChangeItem = z
  .object({
    id: z.string(),
    repo: z.string(),
    prNumber: z.number().int().nullable(),
    url: z.string().nullable(),
    title: z.string().nullable(),
    qualifying: z.boolean(),
    exclusions: z.array(z.string()),
    counted: z.boolean(),
    countedAi: z.boolean(),
    mergedAt: z.string(),
    deployedAt: z.string().nullable(),
    deploymentId: z.string().nullable(),
    leadTimeHours: z.number().nullable(),
    revertedBy: z.string().nullable(),
    ai: z.object({
      assisted: z.boolean(),
      class: z.string().nullable(),
      tool: z.string().nullable(),
      tools: z.array(z.string()),
      confidence: z.string().nullable(),
      ruleVersion: z.string().nullable(),
      evidence: z.array(Evidence),
    }),
    author: z
      .object({ personId: z.string().nullable(), login: z.string().nullable(), creditReason: z.string().nullable() })
      .nullable()
      .describe("the credited person: only for admins, and for a lead in their own team's group-weeks"),
  })
  .meta({ id: "Change" });

export const ChangesQuery = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  qualifying: z.enum(["true", "false"]).optional(),
  ai: z.enum(["true", "false"]).optional(),
});

export const ChangesPage = z.object({
  items: z.array(ChangeItem.extend({ groupKind: GroupKindParam, groupName: z.string(), week: Week })),
  next: z.string().nullable(),
});

export const ChangesSummaryQuery = ChangesQuery.pick({ qualifying: true, ai: true });

export const ChangesSummary = z
  .object({
    listed: z.number().int().describe("changes matching the filters: the rows the change list pages through"),
    counted: z.number().int().describe("of those, counted in ND (within the weekly cap)"),
    countedAi: z.number().int().describe("of those, counted in AIND"),
    activeEngineers: z
      .number()
      .int()
      .nullable()
      .describe("the group-week's active engineers: ND and AIND divide by it"),
    nd: z.number().nullable(),
    aind: z.number().nullable(),
  })
  .meta({ id: "ChangesSummary" });

export const DeploymentItem = z
  .object({
    id: z.string(),
    repo: z.string(),
    environment: z.string(),
    liveAt: z.string(),
    failed: z.boolean(),
    failureReasons: z.array(z.string()),
    recoveryHours: z.number().nullable(),
    shipsAi: z.boolean(),
    shipped: z.array(z.string()),
  })
  .meta({ id: "Deployment" });

export const DeploymentsResponse = z.object({ items: z.array(DeploymentItem) });

export const GroupWeekRef = z.object({ kind: GroupKindParam, name: z.string(), week: Week, href: z.string() });

export const ChangeResponse = ChangeItem.extend({ groupWeeks: z.array(GroupWeekRef) });

export const DeploymentResponse = DeploymentItem.extend({
  groupWeeks: z.array(GroupWeekRef),
  changes: z.array(z.object({ id: z.string(), href: z.string() })),
});

export const AdoptionQuery = z.object({
  group: GroupKindParam.default("team"),
  name: z.string().optional(),
  from: Day.optional(),
  to: Day.optional(),
});

export const Projection = z.union([
  z.object({ status: z.literal("reached"), week: Week }),
  z.object({ status: z.literal("projected"), week: Week, weeksAway: z.number().int(), slopePerWeek: z.number() }),
  z.object({ status: z.literal("not-at-this-trend"), slopePerWeek: z.number().nullable() }),
  z.object({ status: z.literal("unknown"), reason: z.string() }),
]);

export const AdoptionResponse = z.object({
  weeks: z.array(Week),
  groups: z.array(
    z.object({
      kind: GroupKindParam,
      name: z.string(),
      target: z.number().nullable(),
      /** What the target is judged on (config `adoption.basis`): the week's adoption or the 4-week one. */
      basis: z.enum(["week", "rolling4w"]),
      current: z.object({
        week: Week,
        adoption: z.number().nullable(),
        adoption4w: z.number().nullable(),
        peopleToTarget: z.number().nullable(),
        atTarget: z.boolean().nullable(),
        suppressed: z.boolean(),
      }),
      trend: z.enum(["up", "down", "flat"]).nullable(),
      projection: Projection,
      series: z.array(
        z.object({
          week: Week,
          adoption: z.number().nullable(),
          adoption4w: z.number().nullable(),
          target: z.number().nullable(),
          peopleToTarget: z.number().nullable(),
          suppressed: z.boolean(),
        }),
      ),
    }),
  ),
  freshness: Freshness,
});

export const StatusResponse = z.object({
  rollups: Freshness.nullable(),
  provisionalWeeks: z.array(Week),
  repositories: z.array(
    z.object({
      repo: z.string(),
      lastSyncAt: z.string().nullable(),
      lastError: z.string().nullable(),
    }),
  ),
  coverage: z.object({
    unresolvedAccounts: z.number().int(),
    lastSyncAt: z.string().nullable(),
    syncStreamsWithErrors: z.number().int(),
    ruleVersions: z.array(z.string()),
  }),
  queues: z
    .array(
      z.object({
        name: z.string(),
        waiting: z.number().int(),
        active: z.number().int(),
        delayed: z.number().int(),
        failed: z.number().int(),
      }),
    )
    .nullable()
    .describe("BullMQ queue depths (null when jobs run inline, without Redis)"),
  failedJobs: z
    .array(
      z.object({
        queue: z.string(),
        name: z.string().describe('the job, e.g. "sync.repository"'),
        jobId: z.string(),
        reason: z
          .string()
          .nullable()
          .describe("why it failed, for administrators (null for other roles: a reason may quote a login)"),
        attempts: z.number().int(),
        failedAt: z.string().nullable(),
      }),
    )
    .nullable()
    .describe("the newest jobs (at most 20) that failed for good, newest first (null when jobs run inline)"),
  attribution: z
    .object({
      weeks: z.array(
        z.object({
          week: Week,
          changes: z.number().int().describe("changes behind the organisation's figures that week"),
          withSignal: z.number().int().describe("of those, with any AI signal (at least one evidence item)"),
          aiAssisted: z
            .number()
            .int()
            .describe("of those, AI-assisted (a signal at or above the confidence threshold)"),
          withoutPerson: z.number().int().describe("of those, credited to no known person (an unknown identity)"),
          signalShare: z.number().nullable().describe("withSignal / changes (null: no changes)"),
        }),
      ),
    })
    .describe("attribution coverage over the rollups' last 4 weeks, organisation-wide"),
  rateBudget: z
    .array(
      z.object({
        credential: z.string().describe("a hash naming the token or App installation (never the secret)"),
        label: z
          .string()
          .describe(
            'how the configuration names the credential: "GITHUB_TOKEN", "GITHUB_TOKENS#2 (acme)", "app 42 installation 7 (acme)"',
          ),
        resources: z.array(
          z.object({
            resource: z.string().describe('"core" (REST), "graphql", ...'),
            remaining: z.number().int(),
            limit: z.number().int().nullable(),
            resetAt: z.string(),
            seenAt: z.string().describe("when a response to a worker last showed this budget"),
          }),
        ),
      }),
    )
    .nullable()
    .describe(
      "GitHub's rate budgets as the workers last saw them, per credential (null: no Redis, so no budget is shared)",
    ),
  rosters: z
    .array(
      z.object({
        org: z.string(),
        status: z.enum(["pending", "done", "failed"]).describe("the last discovery run's roster read"),
        since: z.string().describe("when that run started"),
        leftOut: z
          .number()
          .int()
          .describe("logins of teams.file or roster.file that are not members of the organisation, left out"),
        leftOutLogins: z
          .array(z.string())
          .nullable()
          .describe("those logins, for administrators (null for other roles)"),
      }),
    )
    .describe("each configured organisation's roster as its last discovery read it (absent: never discovered)"),
  quarantinedRecords: z
    .number()
    .int()
    .describe("records a sync could not store (listed with their reasons by `yardstick quarantine`)"),
  webhooksOutOfScope: z
    .number()
    .int()
    .nullable()
    .describe(
      "webhook deliveries of repositories outside the configured scope since this process started (null: webhooks off)",
    ),
});

const TokenItem = z.object({
  name: z.string(),
  kind: z.enum(["token", "session"]).describe("an API token, or a browser's sign-in session"),
  role: z.enum(["viewer", "lead", "admin"]),
  team: z.string().nullable().describe("the team a lead leads"),
  login: z.string().nullable().describe("the GitHub login it is for, if any"),
  prefix: z.string().describe("the token's first 8 characters, to recognise it (never the rest)"),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});

export const TokenList = z.object({ items: z.array(TokenItem).describe("by name; revoked ones included") });

export const CreateTokenBody = z.strictObject({
  name: z.string().describe("letters, digits, . _ - (at most 64)"),
  role: z.enum(["viewer", "lead", "admin"]),
  team: z.string().optional().describe("required for a lead: the team they lead"),
  login: z.string().optional().describe("the GitHub login of the person it is for"),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const CreatedTokenResponse = z.object({
  token: z.string().describe("the token's value: in this response only, never shown again"),
  item: TokenItem,
});

export const TokenNameParams = z.object({ name: z.string().min(1).max(200) });

/** The most person ids one `/admin/people` request resolves (a 5,000-engineer roster twice over). */
export const MAX_PEOPLE_LOOKUP = 10_000;

export const PeopleLookupBody = z.strictObject({
  ids: z
    .array(
      z
        .string()
        .min(1)
        .max(200)
        // PostgreSQL text cannot hold a NUL: refused here with the field named, not a 500 from the query.
        .regex(/^[^\p{Cc}]*$/u, "a person id has no control characters (NUL, newline, ...)"),
    )
    .max(MAX_PEOPLE_LOOKUP)
    .describe("person ids, as the integrity flags' named lists give them (e.g. github:12345)"),
});

export const PeopleResponse = z.object({
  items: z
    .array(
      z.object({
        id: z.string(),
        inRoster: z.boolean().describe("false: no roster entry has this id (any more)"),
        login: z.string().nullable().describe("the person's current GitHub login (null when not in the roster)"),
        displayName: z.string().nullable().describe("the roster's name for them, when it has one besides the login"),
      }),
    )
    .describe("one per id asked (duplicates once), in the order asked"),
});

export { MetricsOutput };

export const LeadTimeTest = z
  .object({
    kind: GroupKindParam,
    name: z.string(),
    week: Week,
    ai: z.number().int().describe("AI-assisted changes deployed in the week with a lead time: the first sample"),
    other: z.number().int().describe("other changes deployed in the week with a lead time: the second sample"),
    minimum: z.number().int().describe("changes a side needs before the samples are tested"),
    test: z
      .object({
        u: z
          .number()
          .describe(
            "Mann-Whitney U of the AI-assisted sample (pairs with the AI-assisted lead time longer, ties half)",
          ),
        pValue: z.number().describe("two-sided: twice the smaller one-sided p-value, at most 1"),
        method: z.enum(["exact", "normal"]),
        significant: z.boolean().describe("pValue below 0.05"),
      })
      .nullable()
      .describe("null when a side has fewer than `minimum` changes"),
  })
  .describe(
    "Whether the group-week's AI-assisted and other lead times differ beyond noise: the two-sided Mann-Whitney U test of the two samples (exact up to 50 values in all, else the normal approximation with tie and continuity corrections)",
  );
