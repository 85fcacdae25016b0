import { bigint, boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * A repository. Natural key: its full name ("owner/name"). Every other table refers to a
 * repository by this name (with `on update cascade`, so a rename is one UPDATE), which keeps
 * writes idempotent without id lookups and rows readable without joins.
 */
export const repositories = pgTable(
  "repositories",
  {
    fullName: text().primaryKey(),
    owner: text().notNull(),
    githubId: bigint({ mode: "number" }),
    defaultBranch: text(),
    /** The branch whose merges are changes (METRICS.md "Change"); null means the default branch. */
    trackedBranch: text(),
    /** How production deployments are detected, e.g. "deployment:^prod(uction)?\\b" or "merge". */
    deploymentMethod: text(),
    archived: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("repositories_owner_idx").on(t.owner)],
);
