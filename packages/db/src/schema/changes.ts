import type { ChangeKind } from "@yardstick/core";
import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { deployments } from "./deployments.js";
import { people } from "./people.js";
import { repositories } from "./repositories.js";

/**
 * A change (METRICS.md "Change") and the facts the metrics derive for it: when it was first
 * deployed to production, who is credited, whether it is trivial or was reverted. Natural key:
 * the change key, `<repo>#<number>` or `<repo>@<sha>` (core `changeKey`). The raw GitHub facts
 * stay in pull_requests and commits; this table is what the weekly queries scan.
 */
export const changes = pgTable(
  "changes",
  {
    key: text().primaryKey(),
    kind: text().$type<ChangeKind>().notNull(),
    repo: text()
      .notNull()
      .references(() => repositories.fullName, { onUpdate: "cascade" }),
    /** The pull request number, for kind pull_request. */
    prNumber: integer(),
    /** The commit on the tracked branch: the merge (or squash/rebase result) or the pushed commit. */
    sha: text(),
    mergedAt: timestamp({ withTimezone: true }).notNull(),
    /** The earliest authored time of the change's commits (lead time starts here). */
    firstCommitAt: timestamp({ withTimezone: true }),
    /** The first successful production deployment that contains the change. */
    deployedAt: timestamp({ withTimezone: true }),
    deploymentId: bigint({ mode: "number" }).references(() => deployments.id, { onDelete: "set null" }),
    /** METRICS.md "Credited person": the human author, or who started the agent. */
    creditedPersonId: text().references(() => people.id, { onDelete: "set null", onUpdate: "cascade" }),
    creditedLogin: text(),
    /** Why that person is credited: "author", "co-author", "assignee", "review-request", "merger". */
    creditReason: text(),
    linesChanged: integer(),
    trivial: boolean(),
    /** When a revert of this change merged, and the key of the reverting change. */
    revertedAt: timestamp({ withTimezone: true }),
    revertedBy: text(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("changes_kind_check", sql`${t.kind} in ('pull_request', 'direct_push')`),
    index("changes_repo_merged_at_idx").on(t.repo, t.mergedAt),
    index("changes_repo_deployed_at_idx").on(t.repo, t.deployedAt),
    index("changes_deployed_at_idx").on(t.deployedAt),
    index("changes_credited_person_deployed_at_idx").on(t.creditedPersonId, t.deployedAt),
    index("changes_repo_sha_idx").on(t.repo, t.sha),
  ],
);
