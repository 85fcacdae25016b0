import { Config } from "@yardstick/config";
import type { Commit } from "@yardstick/core";
import { listCommitAuthorIdentities, upsertCommits, upsertPeople, upsertPullRequests } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineDeps } from "../deps.js";
import { processors } from "./index.js";
import { commit, databaseOnlyDeps, jobContext, pullRequest } from "./test-support.js";

const context = jobContext("identities");
const at = new Date("2026-11-02T10:00:00Z");
const github = { name: "GitHub", email: "noreply@github.com", login: null, userId: null, type: null };

/** Commit `n` of `repo` by `author`, committed through GitHub's web flow. */
const authored = (
  repo: string,
  n: number,
  author: Commit["author"],
  message: string,
  coAuthors: Commit["coAuthors"] = [],
) => commit(repo, n, { author, committer: github, message, coAuthors, authoredAt: at, committedAt: at });

/**
 * Attribution learns the roster's commit emails from the identities kept as commits are stored
 * (commit_author_identities, issue 18), not from a pass over every commit: an email GitHub linked
 * to a login in one repository credits that person for a co-author trailer in another.
 */
describe("attribute.changes: commit emails learned across repositories", () => {
  let database: TestDatabase;
  let deps: PipelineDeps;
  const A = "acme/api";
  const B = "acme/web";
  const alice = {
    name: "Alice Liddell",
    email: "alice@work.example",
    login: "alice",
    userId: 101,
    type: "User" as const,
  };
  const copilot = {
    name: "Copilot",
    email: "198982749+Copilot@users.noreply.github.com",
    login: "Copilot",
    userId: 198982749,
    type: "Bot" as const,
  };
  // In B, an agent's PR whose commit names its human as "Ally L <work email>": neither a login
  // nor a name the roster knows; only the email A's commit linked to alice.
  const agentCommit = authored(B, 2, copilot, "Add retries\n\nCo-authored-by: Ally L <alice@work.example>", [
    { name: "Ally L", email: "alice@work.example", login: null },
  ]);

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = Config.parse({ github: { organizations: [] }, repositories: [{ match: "acme/*" }] });
    deps = databaseOnlyDeps(database.db, config, () => at);
    await upsertPeople(database.db, [
      { id: "github:101", displayName: "A.", logins: ["alice"], userIds: [], emails: [], names: [], teams: [] },
    ]);
    await upsertPullRequests(database.db, [
      pullRequest(B, 7, {
        author: { login: "Copilot", userId: 198982749, type: "Bot" },
        createdAt: at,
        commitShas: [agentCommit.sha],
      }),
    ]);
    await upsertCommits(database.db, [agentCommit]);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const credited = async () =>
    database.handle.query<{ credited_person_id: string | null }>(
      `select credited_person_id from changes where key = '${B}#7'`,
    );
  async function digest(): Promise<string> {
    const [row] = await database.handle.query<{ d: string }>(
      `select md5(
        (select coalesce(string_agg((to_jsonb(c) - 'updated_at')::text, E'\\n' order by key), '') from changes c) ||
        (select coalesce(string_agg((to_jsonb(v) - 'computed_at')::text, E'\\n' order by subject_key), '') from attribution_verdicts v) ||
        (select coalesce(string_agg(to_jsonb(i)::text, E'\\n' order by login, email, name), '') from commit_author_identities i)) as d`,
    );
    return row?.d ?? "";
  }

  it("credits nobody while only B is stored: the email is unknown", async () => {
    await processors["attribute.changes"]({ repo: B, runId: "r0" }, context, deps);
    expect(await credited()).toEqual([{ credited_person_id: null }]);
  });

  it("credits alice in B's job once a commit of A linked her email, and a re-run changes nothing", async () => {
    await upsertCommits(database.db, [authored(A, 1, alice, "Fix the parser")]);
    // Kept once, whatever the number of commits or repositories that hold it; the bot's too.
    await upsertCommits(database.db, [authored(A, 3, alice, "Fix the lexer"), authored(B, 4, alice, "Docs")]);
    expect(await listCommitAuthorIdentities(database.db)).toEqual([
      { login: "Copilot", email: copilot.email, name: "Copilot" },
      { login: "alice", email: alice.email, name: alice.name },
    ]);
    expect(await listCommitAuthorIdentities(database.db, ["ALICE"])).toEqual([
      { login: "alice", email: alice.email, name: alice.name },
    ]);

    await processors["attribute.changes"]({ repo: B, runId: "r1" }, context, deps);
    expect(await credited()).toEqual([{ credited_person_id: "github:101" }]);
    const once = await digest();
    await processors["attribute.changes"]({ repo: B, runId: "r2" }, context, deps);
    await upsertCommits(database.db, [authored(A, 1, alice, "Fix the parser"), agentCommit]);
    await processors["attribute.changes"]({ repo: B, runId: "r3" }, context, deps);
    expect(await digest()).toBe(once);
  });

  it("holds what a DISTINCT over every commit holds (what attribution read before)", async () => {
    const distinct = await database.handle.query<{ login: string; email: string; name: string }>(
      `select distinct author_login as login, author_email as email, author_name as name from commits
       where author_login is not null order by 1, 2, 3`,
    );
    expect(await listCommitAuthorIdentities(database.db)).toEqual(distinct);
  });
});
