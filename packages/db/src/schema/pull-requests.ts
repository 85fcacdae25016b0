import type { AccountType, ChangedFile, MergeMethod } from "@yardstick/core";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { repositories } from "./repositories.js";

/**
 * A merged pull request as GitHub reported it (core `PullRequest`). Natural key (repo, number).
 * Its commits are in pull_request_commits; what the metrics derive from it is in changes.
 */
export const pullRequests = pgTable(
  "pull_requests",
  {
    repo: text()
      .notNull()
      .references(() => repositories.fullName, { onUpdate: "cascade" }),
    number: integer().notNull(),
    title: text().notNull(),
    body: text().notNull().default(""),
    authorLogin: text().notNull(),
    authorId: bigint({ mode: "number" }),
    authorType: text().$type<AccountType>(),
    headRef: text().notNull(),
    baseRef: text().notNull(),
    labels: text().array().notNull().default([]),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    mergedAt: timestamp({ withTimezone: true }).notNull(),
    mergedByLogin: text(),
    mergedById: bigint({ mode: "number" }),
    mergedByType: text().$type<AccountType>(),
    mergeMethod: text().$type<MergeMethod>(),
    mergeCommitSha: text(),
    additions: integer().notNull(),
    deletions: integer().notNull(),
    changedFiles: integer().notNull(),
    /** Per-file line counts; a prefix of the PR's files when `filesComplete` is false. */
    files: jsonb().$type<ChangedFile[]>().notNull().default([]),
    filesComplete: boolean().notNull().default(true),
    assignees: text().array().notNull().default([]),
    reviewRequests: text().array().notNull().default([]),
    reviewers: text().array().notNull().default([]),
    syncedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.repo, t.number] }),
    index("pull_requests_repo_merged_at_idx").on(t.repo, t.mergedAt),
    index("pull_requests_merged_at_idx").on(t.mergedAt),
    index("pull_requests_merge_commit_idx").on(t.repo, t.mergeCommitSha),
  ],
);
