import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "./migrate.js";
import { listCommitAuthorIdentities } from "./repositories/commits.js";
import { createTestDatabase, migrationsBefore, TEST_BACKENDS, type TestDatabase } from "./testing.js";

const IDENTITIES = "0012_18_commit_identities";

describe.each(TEST_BACKENDS)("migration 0012 (commit author identities) on %s", (backend) => {
  const databases: TestDatabase[] = [];
  const folders: string[] = [];
  afterAll(async () => {
    for (const d of databases) await d.drop();
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  it("fills the table from the commits stored before it: each linked (login, email, name) once", async () => {
    const t = await createTestDatabase({ backend, empty: true });
    databases.push(t);
    const before = migrationsBefore(IDENTITIES);
    folders.push(before);
    await migrateDatabase(t.handle, before);
    await t.handle.query(
      "insert into repositories (full_name, owner) values ('acme/api', 'acme'), ('acme/web', 'acme')",
    );
    // Linked twice (two repositories), linked under another name, not linked (no login), and a
    // name longer than an index entry may be.
    const long = "N".repeat(10_000);
    await t.handle.query(`insert into commits (repo, sha, message, author_name, author_email, author_login, committer_name, committer_email, authored_at, committed_at)
      values ('acme/api', 'a1', 'm', 'Alice', 'alice@work.example', 'alice', 'GitHub', 'noreply@github.com', now(), now()),
             ('acme/web', 'b1', 'm', 'Alice', 'alice@work.example', 'alice', 'GitHub', 'noreply@github.com', now(), now()),
             ('acme/web', 'b2', 'm', 'Alice L.', 'alice@work.example', 'alice', 'GitHub', 'noreply@github.com', now(), now()),
             ('acme/web', 'b3', 'm', 'Nobody', 'nobody@example.com', null, 'GitHub', 'noreply@github.com', now(), now()),
             ('acme/web', 'b4', 'm', '${long}', 'bob@example.com', 'bob', 'GitHub', 'noreply@github.com', now(), now())`);

    const result = await migrateDatabase(t.handle);
    expect(result.applied).toContain(IDENTITIES);
    expect(await listCommitAuthorIdentities(t.db)).toEqual([
      { login: "alice", email: "alice@work.example", name: "Alice" },
      { login: "alice", email: "alice@work.example", name: "Alice L." },
      { login: "bob", email: "bob@example.com", name: long },
    ]);
  });
});
