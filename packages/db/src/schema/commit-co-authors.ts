import { foreignKey, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { commits } from "./commits.js";

/**
 * A `Co-authored-by:` trailer of a commit, in trailer order. Natural key (repo, sha, position).
 * The set is replaced whenever its commit is written, so it always matches the message.
 */
export const commitCoAuthors = pgTable(
  "commit_co_authors",
  {
    repo: text().notNull(),
    sha: text().notNull(),
    position: integer().notNull(),
    name: text().notNull(),
    email: text().notNull(),
    login: text(),
  },
  (t) => [
    primaryKey({ columns: [t.repo, t.sha, t.position] }),
    foreignKey({
      name: "commit_co_authors_commit_fk",
      columns: [t.repo, t.sha],
      foreignColumns: [commits.repo, commits.sha],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
  ],
);
