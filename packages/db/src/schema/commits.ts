import type { AccountType } from "@yardstick/core";
import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { repositories } from "./repositories.js";

/** A git commit (core `Commit`). Natural key (repo, sha). Co-authors are in commit_co_authors. */
export const commits = pgTable(
  "commits",
  {
    repo: text()
      .notNull()
      .references(() => repositories.fullName, { onUpdate: "cascade" }),
    sha: text().notNull(),
    message: text().notNull(),
    authorName: text().notNull(),
    authorEmail: text().notNull(),
    authorLogin: text(),
    authorId: bigint({ mode: "number" }),
    authorType: text().$type<AccountType>(),
    committerName: text().notNull(),
    committerEmail: text().notNull(),
    committerLogin: text(),
    committerId: bigint({ mode: "number" }),
    committerType: text().$type<AccountType>(),
    authoredAt: timestamp({ withTimezone: true }).notNull(),
    committedAt: timestamp({ withTimezone: true }).notNull(),
    parents: text().array().notNull().default([]),
    additions: integer(),
    deletions: integer(),
  },
  (t) => [primaryKey({ columns: [t.repo, t.sha] }), index("commits_repo_committed_at_idx").on(t.repo, t.committedAt)],
);
