import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase, readJournal } from "./migrate.js";
import { getSyncCursor, getSyncCursors } from "./repositories/operations.js";
import { createTestDatabase, migrationsBefore, TEST_BACKENDS, type TestDatabase } from "./testing.js";

const TYPED = "0009_17_typed_sync_cursors";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const FINGERPRINT = "ab".repeat(32);

/** Old rows: [scope, stream, updated_since, end_cursor, etag, last_run_at]. */
type OldRow = [string, string, string | null, string | null, string | null, string | null];

const KEPT: OldRow[] = [
  ["acme/api", "pull_requests", "2026-11-02T09:30:00.123Z", "seen:12,15", null, "2026-11-03T00:00:00Z"],
  ["acme/web", "pull_requests", "2026-11-02T09:30:00Z", null, null, null],
  // The old reader ignored what it could not read in the seen list, and a value without the prefix.
  ["acme/odd", "pull_requests", "2026-11-02T09:30:00Z", "seen:7,x,0,9", null, null],
  ["acme/gql", "pull_requests", "2026-11-02T09:30:00Z", "Y3Vyc29yOnYy", null, null],
  ["acme/api", "pull_requests.pass", "2026-11-02T09:30:00Z", "Y3Vyc29y", null, null],
  ["acme/web", "pull_requests.pass", "2026-11-02T09:30:00Z", null, null, null],
  ["acme/api", "pull_requests.diffs", "2026-11-01T08:00:00.5Z", null, null, null],
  ["acme/api", "branch", "2026-10-31T23:59:59Z", SHA, null, null],
  ["acme/api", "deployments", null, "releases:AbC_12", null, "2026-11-03T01:00:00Z"],
  ["acme/api", "incidents:incident", "2026-10-30T10:00:00Z", "issues:Zz9", null, null],
  ["acme/web", "incidents:incident", "2026-10-30T10:00:00Z", null, null, null],
  ["https://api.github.com/repos/acme/api/actions/runs?branch=main", "etag", null, null, 'W/"e1"', null],
  [
    "weekly_rollups",
    "rollups",
    "2026-11-03T02:00:00Z",
    '{"from":"2026-W20","to":"2026-W45","now":"2026-11-03T02:00:01.000Z"}',
    FINGERPRINT,
    null,
  ],
  ["acme/api", "rollups.head", null, SHA, null, null],
  ["acme/web", "rollups.head", null, null, null, null],
];

const DROPPED: OldRow[] = [
  ["acme/nomark", "pull_requests", null, "seen:1", null, "2026-11-03T00:00:00Z"],
  ["acme/api", "weird.stream", "2026-11-02T09:30:00Z", "x", null, null],
  ["acme/bad", "branch", "2026-10-31T23:59:59Z", "main", null, null],
  ["acme/bad", "deployments", null, null, null, "2026-11-03T01:00:00Z"],
  ["acme/bad", "rollups.head", null, "not-a-sha", null, null],
  ["https://api.github.com/x", "etag", null, null, "", null],
  ["weekly_rollups_bad_json", "rollups", "2026-11-03T02:00:00Z", "{not json", FINGERPRINT, null],
];

function literal(value: string | null): string {
  return value === null ? "null" : `'${value.replaceAll("'", "''")}'`;
}

describe.each(TEST_BACKENDS)("migration 0009 (typed sync cursors) on %s", (backend) => {
  const databases: TestDatabase[] = [];
  const folders: string[] = [];
  afterAll(async () => {
    for (const d of databases) await d.drop();
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  it("converts the free-form rows of a database at 0008 into typed states, and drops with a warning what it cannot read", async () => {
    const t = await createTestDatabase({ backend, empty: true });
    databases.push(t);
    const before = migrationsBefore(TYPED);
    folders.push(before);
    const old = await migrateDatabase(t.handle, before);
    expect(old.applied.at(-1)).toBe("0008_17_forgotten_people");

    const rows = [...KEPT, ...DROPPED].map(
      (r) => `(${r.map((v, i) => (i === 2 || i === 5 ? `${literal(v)}::timestamptz` : literal(v))).join(", ")})`,
    );
    await t.handle.query(
      `insert into sync_cursors (scope, stream, updated_since, end_cursor, etag, last_run_at) values ${rows.join(", ")}`,
    );

    const typed = await migrateDatabase(t.handle);
    // 0009 and whatever came after it.
    const tags = readJournal().map((m) => m.tag);
    expect(typed.applied).toEqual(tags.slice(tags.indexOf(TYPED)));
    // Each dropped row is named, with why, then the count.
    expect(typed.warnings).toHaveLength(DROPPED.length + 1);
    for (const [scope, stream] of DROPPED) {
      expect(typed.warnings.some((w) => w.includes(`scope ${scope}, stream ${stream}:`))).toBe(true);
    }
    expect(typed.warnings).toContain(
      "sync_cursors: dropped the cursor of scope acme/bad, stream branch: the head 'main' is not a commit sha; the next sync reads that stream again",
    );
    expect(typed.warnings.at(-1)).toBe(
      `sync_cursors: dropped ${DROPPED.length} unreadable cursor(s); their streams are read again by the next sync`,
    );

    const stored = await t.handle.query<{ scope: string; stream: string }>(
      "select scope, stream from sync_cursors order by scope, stream",
    );
    expect(stored.map((r) => `${r.scope} ${r.stream}`)).toEqual(
      KEPT.map(([scope, stream]) => `${scope} ${stream}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );

    // Every kept row reads through its stream's schema, as the old code read it.
    const db = t.db;
    expect(await getSyncCursor(db, "acme/api", "pull_requests")).toEqual({
      scope: "acme/api",
      stream: "pull_requests",
      state: { highWaterMark: new Date("2026-11-02T09:30:00.123Z"), seenAtMark: [12, 15] },
      lastRunAt: new Date("2026-11-03T00:00:00Z"),
      lastError: null,
    });
    const pulls = await getSyncCursors(db, ["acme/web", "acme/odd", "acme/gql"], "pull_requests");
    expect(pulls.get("acme/web")?.state.seenAtMark).toEqual([]);
    expect(pulls.get("acme/odd")?.state.seenAtMark).toEqual([7, 9]);
    expect(pulls.get("acme/gql")?.state.seenAtMark).toEqual([]);
    expect((await getSyncCursor(db, "acme/api", "pull_requests.pass"))?.state).toEqual({
      resumeAfter: "Y3Vyc29y",
      newest: new Date("2026-11-02T09:30:00Z"),
    });
    expect((await getSyncCursor(db, "acme/web", "pull_requests.pass"))?.state.resumeAfter).toBeNull();
    expect((await getSyncCursor(db, "acme/api", "pull_requests.diffs"))?.state).toEqual({
      mark: new Date("2026-11-01T08:00:00.500Z"),
    });
    expect((await getSyncCursor(db, "acme/api", "branch"))?.state).toEqual({
      newestCommitAt: new Date("2026-10-31T23:59:59Z"),
      head: SHA,
    });
    expect(await getSyncCursor(db, "acme/api", "deployments")).toMatchObject({
      state: { marker: "releases:AbC_12" },
      lastRunAt: new Date("2026-11-03T01:00:00Z"),
    });
    expect((await getSyncCursor(db, "acme/api", "incidents:incident"))?.state).toEqual({
      newestUpdateAt: new Date("2026-10-30T10:00:00Z"),
      issuesMarker: "issues:Zz9",
    });
    expect((await getSyncCursor(db, "acme/web", "incidents:incident"))?.state.issuesMarker).toBeNull();
    expect(
      (await getSyncCursor(db, "https://api.github.com/repos/acme/api/actions/runs?branch=main", "etag"))?.state,
    ).toEqual({ etag: 'W/"e1"' });
    expect((await getSyncCursor(db, "weekly_rollups", "rollups"))?.state).toEqual({
      watermark: new Date("2026-11-03T02:00:00Z"),
      fingerprint: FINGERPRINT,
      from: "2026-W20",
      to: "2026-W45",
      now: new Date("2026-11-03T02:00:01Z"),
    });
    const heads = await getSyncCursors(db, ["acme/api", "acme/web"], "rollups.head");
    expect(heads.get("acme/api")?.state.head).toBe(SHA);
    expect(heads.get("acme/web")?.state.head).toBeNull();

    // The old columns are gone; state is required.
    const columns = await t.handle.query<{ column_name: string; is_nullable: string }>(
      "select column_name, is_nullable from information_schema.columns where table_name = 'sync_cursors' order by column_name",
    );
    expect(columns).toEqual([
      { column_name: "last_error", is_nullable: "YES" },
      { column_name: "last_run_at", is_nullable: "YES" },
      { column_name: "scope", is_nullable: "NO" },
      { column_name: "state", is_nullable: "NO" },
      { column_name: "stream", is_nullable: "NO" },
    ]);
  });
});
