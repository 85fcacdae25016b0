import { boolean, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The drill-down behind a stored group-week (`weekly_rollups`): the changes that deployed in the
 * week for the group's people, with the engine's verdict on each (qualifying or why not, counted
 * within the weekly cap), written by the rollup in the same run as the figures they add up to.
 * Natural key (group kind, group name, week, change key). Suppressed group-weeks have none.
 */
export const rollupChanges = pgTable(
  "rollup_changes",
  {
    groupKind: text().$type<"org" | "team" | "repo">().notNull(),
    groupName: text().notNull(),
    week: text().notNull(),
    changeKey: text().notNull(),
    repo: text().notNull(),
    /** The credited person's id (shown only where the reader's role allows). */
    personId: text(),
    ai: boolean().notNull(),
    qualifying: boolean().notNull(),
    /** Why it does not qualify: "trivial", "reverted" (within the window), "revert" (itself one). Empty when qualifying. */
    exclusions: jsonb().$type<string[]>().notNull(),
    /** Counted in ND: one of the first `weeklyCap` qualifying changes of its person in the week. */
    counted: boolean().notNull(),
    /** Counted in AIND: one of the first `weeklyCap` AI-assisted qualifying changes of its person. */
    countedAi: boolean().notNull(),
    mergedAt: timestamp({ withTimezone: true }).notNull(),
    deployedAt: timestamp({ withTimezone: true }),
    deploymentId: text(),
    leadTimeHours: doublePrecision(),
  },
  (t) => [
    primaryKey({ columns: [t.groupKind, t.groupName, t.week, t.changeKey] }),
    index("rollup_changes_change_key_idx").on(t.changeKey),
  ],
);

/**
 * The production deployments behind a stored group-week (deployment frequency, change failure
 * rate, recovery time), with the engine's facts on each. Natural key (group kind, group name,
 * week, deployment id).
 */
export const rollupDeployments = pgTable(
  "rollup_deployments",
  {
    groupKind: text().$type<"org" | "team" | "repo">().notNull(),
    groupName: text().notNull(),
    week: text().notNull(),
    deploymentId: text().notNull(),
    repo: text().notNull(),
    environment: text().notNull(),
    liveAt: timestamp({ withTimezone: true }).notNull(),
    failed: boolean().notNull(),
    /** "status", "rollback", "revert", "incident". */
    failureReasons: jsonb().$type<string[]>().notNull(),
    recoveryHours: doublePrecision(),
    shipsAi: boolean().notNull(),
    /** Keys of the changes it shipped. */
    shipped: jsonb().$type<string[]>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.groupKind, t.groupName, t.week, t.deploymentId] }),
    index("rollup_deployments_deployment_id_idx").on(t.deploymentId),
  ],
);
