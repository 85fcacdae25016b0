import { type Person, storableText } from "@yardstick/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseError, describeDatabaseFailure, isDataError, toDatabaseError } from "./errors.js";
import { makeCommit, makePullRequest } from "./fixtures/world.js";
import {
  linkPullRequestCommits,
  listIncidentIssues,
  listMergedPullRequests,
  listPeople,
  listQuarantined,
  storeOrQuarantine,
  upsertCommits,
  upsertIncidentIssues,
  upsertPeople,
  upsertPullRequests,
  upsertTeams,
} from "./repositories/index.js";
import { teams } from "./schema/teams.js";
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from "./testing.js";

const NOW = new Date("2026-12-01T00:00:00Z");

/** Arbitrary UTF-16 (NULs, lone surrogates, controls, bidi overrides), as GitHub may hand it over. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 120 }),
  fc.string({
    unit: fc.constantFrom("\u0000", "\uD83D", "\uDE00", "\u202E", "=", "<", "\n", "A", "İ", "Σ", "ß", " "),
    maxLength: 40,
  }),
);

/** Text that does not compress: a btree index cannot hold it (PostgreSQL's limit is about 2.7 kB). */
function incompressible(length: number): string {
  let seed = 7;
  let out = "";
  while (out.length < length) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    out += String.fromCharCode(0x4e00 + (seed % 0x5000));
  }
  return out;
}

function person(id: string, name: string): Person {
  return { id, displayName: name, logins: [id], userIds: [], emails: [], names: [name], teams: [] };
}

describe.each(TEST_BACKENDS)("hostile text on %s", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ backend });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("refuses a NUL as a data error whose description carries no value", async () => {
    const secret = "private body \u0000 with a token ghp_abc";
    const pr = makePullRequest("acme/nul", 1, [], { body: secret });
    const error = await upsertPullRequests(t.db, [pr]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isDataError(error)).toBe(true);
    const translated = toDatabaseError(error);
    expect(translated).toBeInstanceOf(DatabaseError);
    const text = `${(translated as Error).message} ${JSON.stringify((translated as DatabaseError).details)}`;
    expect(text).not.toContain("private body");
    expect(text).toContain('insert into "pull_requests"');
    expect(describeDatabaseFailure(error).sqlState).toMatch(/^22/);
  });

  it("stores or quarantines every record of arbitrary text made storable at the edge, and reads it back as stored", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(anyText, anyText, anyText, anyText, async (title, body, label, name) => {
        n += 1;
        const repo = `acme/p${n}`;
        const commit = makeCommit(repo, n, {
          message: storableText(body),
          author: { ...makeCommit(repo, n).author, name: storableText(name) },
        });
        const pr = makePullRequest(repo, n, [commit.sha], {
          title: storableText(title),
          body: storableText(body),
          labels: [storableText(label)],
          mergeCommitSha: null,
        });
        const prs = await storeOrQuarantine(t.db, [pr], {
          kind: "pull_request",
          scopeOf: (p) => p.repo,
          keyOf: (p) => String(p.number),
          now: NOW,
          async store(tx, items) {
            await upsertPullRequests(tx, items);
            await upsertCommits(tx, [commit]);
            await linkPullRequestCommits(tx, [{ repo, number: n, commitShas: [commit.sha] }]);
          },
        });
        const id = `login:p${n}`;
        const people = await storeOrQuarantine(t.db, [person(id, storableText(name))], {
          kind: "person",
          scopeOf: () => "acme",
          keyOf: (p) => p.id,
          now: NOW,
          store: async (tx, items) => void (await upsertPeople(tx, items)),
        });
        await upsertTeams(t.db, [{ org: "acme", slug: `t${n}`, name: storableText(name), parentSlug: null }]);
        await upsertIncidentIssues(t.db, [
          {
            repo,
            number: n,
            label: "incident",
            title: storableText(title),
            body: storableText(body),
            url: "https://github.com/acme/x/issues/1",
            state: "open",
            authorLogin: storableText(name),
            createdAt: NOW,
            updatedAt: NOW,
            closedAt: null,
            syncedAt: NOW,
          },
        ]);
        // Stored or quarantined, never lost; stored means read back exactly.
        expect(prs.stored.length + prs.quarantined.length).toBe(1);
        expect(people.stored.length + people.quarantined.length).toBe(1);
        if (prs.stored.length === 1) {
          const [back] = await listMergedPullRequests(t.db, {
            from: new Date(0),
            to: new Date("2100-01-01"),
            repos: [repo],
          });
          expect(back?.pullRequest.title).toBe(storableText(title));
          expect(back?.pullRequest.body).toBe(storableText(body));
          expect(back?.pullRequest.labels).toEqual([storableText(label)]);
          expect(back?.commits[0]?.message).toBe(storableText(body));
        }
        if (people.stored.length === 1) {
          const [back] = await listPeople(t.db, [id]);
          expect(back?.displayName).toBe(storableText(name));
        }
        const [issue] = await listIncidentIssues(t.db, { label: "incident", repos: [repo] });
        expect(issue?.title).toBe(storableText(title));
        const storedTeams = await t.db.select().from(teams);
        expect(storedTeams.find((team) => team.slug === `t${n}`)?.name).toBe(storableText(name));
      }),
      { numRuns: 40 },
    );
  });

  it("quarantines the one record the database refuses, with its reason and sizes, and stores the rest of the batch", async () => {
    const huge = incompressible(1_000_000);
    const batch = [person("login:q1", "Ann"), person("login:q2", huge), person("login:q3", "Bo")];
    const result = await storeOrQuarantine(t.db, batch, {
      kind: "person",
      scopeOf: () => "acme",
      keyOf: (p) => p.id,
      now: NOW,
      store: async (tx, items) => void (await upsertPeople(tx, items)),
    });
    expect(result.stored.map((p) => p.id)).toEqual(["login:q1", "login:q3"]);
    expect((await listPeople(t.db, ["login:q1", "login:q2", "login:q3"])).map((p) => p.id)).toEqual([
      "login:q1",
      "login:q3",
    ]);
    const quarantined = (await listQuarantined(t.db)).filter((q) => q.recordKey === "login:q2");
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ kind: "person", scope: "acme", code: "54000" });
    expect(quarantined[0]?.sizes.displayName).toBe(1_000_000);
    expect(JSON.stringify(quarantined[0])).not.toContain(huge.slice(0, 20));

    // The name fixed upstream: the next sync stores the person and releases the entry.
    await storeOrQuarantine(t.db, [person("login:q2", "Cy")], {
      kind: "person",
      scopeOf: () => "acme",
      keyOf: (p) => p.id,
      now: NOW,
      store: async (tx, items) => void (await upsertPeople(tx, items)),
    });
    expect((await listQuarantined(t.db)).filter((q) => q.recordKey === "login:q2")).toEqual([]);
  });
});
