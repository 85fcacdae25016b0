import type { DeploymentState } from "@yardstick/core";
import { bigint, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { deployments } from "./deployments.js";

/** A status of a deployment. Natural key (deployment, created at, state): statuses are events. */
export const deploymentStatuses = pgTable(
  "deployment_statuses",
  {
    deploymentId: bigint({ mode: "number" })
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    state: text().$type<DeploymentState>().notNull(),
    description: text().notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.deploymentId, t.createdAt, t.state] })],
);
