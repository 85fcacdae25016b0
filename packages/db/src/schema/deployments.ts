import type { DeploymentSource } from "@yardstick/core";
import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { repositories } from "./repositories.js";

/**
 * A production deployment candidate (core `Deployment`), from whichever source the repository
 * is configured with. Natural key (repo, source, external id); `id` exists so that statuses
 * and change links stay narrow.
 */
export const deployments = pgTable(
  "deployments",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    repo: text()
      .notNull()
      .references(() => repositories.fullName, { onUpdate: "cascade" }),
    source: text().$type<DeploymentSource>().notNull(),
    /** Deployment id, release id, tag name, workflow run id or merge sha, by source. */
    externalId: text().notNull(),
    environment: text().notNull(),
    sha: text().notNull(),
    ref: text(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    creatorLogin: text(),
    syncedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("deployments_natural_key").on(t.repo, t.source, t.externalId),
    check("deployments_source_check", sql`${t.source} in ('deployment', 'release', 'tag', 'workflow', 'merge')`),
    index("deployments_repo_environment_created_at_idx").on(t.repo, t.environment, t.createdAt),
    index("deployments_repo_sha_idx").on(t.repo, t.sha),
  ],
);
