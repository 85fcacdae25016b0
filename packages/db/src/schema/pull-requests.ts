import type { AccountType, ChangedFile, MergeMethod } from "@yardstick/core";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { repositories } from "./repositories.js";

/** One file of a PR's patches, as stored in `pull_requests.diff_files` (metrics `FilePatchStat`). */
export interface DiffFileStat {
  path: string;
  additions: number;
  deletions: number;
  /** Changed lines not counting whitespace-only changes; null when GitHub gave no patch. */
  lines: number | null;
  /** The file's removed and added text are the same but for formatting. */
  formatOnly: boolean;
}

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
    /**
     * Whether `reviewers` was read (false: it says nothing): the bulk pull-request query leaves
     * reviews out; they come with a Bot-opened PR's details, or from `sync.reviews` for the changes
     * the "self-merged without review" flag needs them for. Cleared whenever a re-read of the PR
     * comes without them.
     */
    reviewsRead: boolean().notNull().default(false),
    /**
     * What the PR's patches say, per file (REST pulls/{n}/files), read only for PRs whose trivial
     * verdict they can flip (docs/metrics.md "Trivial"); null: not read. Each file: its changed lines
     * not counting whitespace-only changes (`lines`, null without a patch: binary or too large) and
     * whether it only reformats.
     */
    diffFiles: jsonb().$type<DiffFileStat[]>(),
    /** False when the patches listed fewer files than the PR has (null: not read). */
    diffFilesComplete: boolean(),
    /** When the patches were read (null: not read). */
    diffReadAt: timestamp({ withTimezone: true }),
    syncedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.repo, t.number] }),
    index("pull_requests_repo_merged_at_idx").on(t.repo, t.mergedAt),
    index("pull_requests_merged_at_idx").on(t.mergedAt),
    index("pull_requests_merge_commit_idx").on(t.repo, t.mergeCommitSha),
  ],
);
