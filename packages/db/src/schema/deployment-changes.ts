import { bigint, index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { changes } from "./changes.js";
import { deployments } from "./deployments.js";

/**
 * Which changes a deployment shipped (METRICS.md "Deployed change"): the commits after the
 * previous successful production deployment of the same repository and environment, up to its
 * own. Natural key (deployment, change). The change's own `deployed_at` is the earliest of these.
 */
export const deploymentChanges = pgTable(
  "deployment_changes",
  {
    deploymentId: bigint({ mode: "number" })
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    changeKey: text()
      .notNull()
      .references(() => changes.key, { onDelete: "cascade", onUpdate: "cascade" }),
    deployedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deploymentId, t.changeKey] }),
    index("deployment_changes_change_idx").on(t.changeKey),
  ],
);
