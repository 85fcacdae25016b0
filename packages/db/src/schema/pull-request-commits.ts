import { foreignKey, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { pullRequests } from "./pull-requests.js";

/**
 * The commits of a pull request (its own, pre-squash commits), oldest first. Natural key
 * (repo, number, sha). No foreign key to commits: a PR's commit list may be synced before the
 * commits themselves. The set is replaced whenever its PR's links are written.
 */
export const pullRequestCommits = pgTable(
  "pull_request_commits",
  {
    repo: text().notNull(),
    number: integer().notNull(),
    sha: text().notNull(),
    position: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.repo, t.number, t.sha] }),
    foreignKey({
      name: "pull_request_commits_pull_request_fk",
      columns: [t.repo, t.number],
      foreignColumns: [pullRequests.repo, pullRequests.number],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    index("pull_request_commits_sha_idx").on(t.repo, t.sha),
  ],
);
