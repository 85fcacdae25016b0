import { sql } from "drizzle-orm";
import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Each distinct (login, email, name) GitHub linked a stored commit's author to an account with,
 * in any repository: what attribution learns people's commit emails and names from (issue 18:
 * read per job instead of a DISTINCT over every commit). Written with the commits
 * (`upsertCommits`, same transaction, never updated: a new triple is a new row); forgetting a
 * person rewrites theirs. Its size grows with the identities, not with the commits. Unique on the
 * triple (email and name hashed: an index entry has a size limit a commit's text does not).
 */
export const commitAuthorIdentities = pgTable(
  "commit_author_identities",
  {
    login: text().notNull(),
    email: text().notNull(),
    name: text().notNull(),
  },
  (t) => [uniqueIndex("commit_author_identities_key").on(t.login, sql`md5(${t.email})`, sql`md5(${t.name})`)],
);
