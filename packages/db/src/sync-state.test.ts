import { describe, expect, it } from "vitest";
import {
  decodeSyncState,
  encodeSyncState,
  incidentsStream,
  SYNC_STREAM_SCHEMAS,
  SyncCursorError,
  type SyncStream,
  syncStreamKind,
} from "./sync-state.js";

const at = new Date("2026-11-02T09:30:00.123Z");
const iso = at.toISOString();
const SHA = "a".repeat(40);
const REPO = "acme/api";

/** Each stream: a state as code holds it, and as it is stored. */
const CASES: [SyncStream, unknown, unknown][] = [
  ["pull_requests", { highWaterMark: at, seenAtMark: [12, 15] }, { highWaterMark: iso, seenAtMark: [12, 15] }],
  ["pull_requests.pass", { resumeAfter: "Y3Vyc29y", newest: at }, { resumeAfter: "Y3Vyc29y", newest: iso }],
  ["pull_requests.pass", { resumeAfter: null, newest: null }, { resumeAfter: null, newest: null }],
  ["pull_requests.diffs", { mark: at }, { mark: iso }],
  ["branch", { newestCommitAt: at, head: SHA }, { newestCommitAt: iso, head: SHA }],
  ["branch", { newestCommitAt: at, head: null }, { newestCommitAt: iso, head: null }],
  ["deployments", { marker: "releases:AbC_12" }, { marker: "releases:AbC_12" }],
  ["deployments", { marker: "merge" }, { marker: "merge" }],
  [
    "incidents:incident",
    { newestUpdateAt: at, issuesMarker: "issues:xyz" },
    { newestUpdateAt: iso, issuesMarker: "issues:xyz" },
  ],
  ["etag", { etag: 'W/"abc"' }, { etag: 'W/"abc"' }],
  [
    "rollups",
    { watermark: at, fingerprint: "f".repeat(64), from: "2026-W20", to: "2026-W45", now: at },
    { watermark: iso, fingerprint: "f".repeat(64), from: "2026-W20", to: "2026-W45", now: iso },
  ],
  ["rollups.head", { head: "b".repeat(64) }, { head: "b".repeat(64) }],
  ["roster", { runId: "tick-1", status: "pending", since: at }, { runId: "tick-1", status: "pending", since: iso }],
];

describe("sync stream states", () => {
  it.each(CASES)("%s: encodes to JSON and decodes back", (stream, state, stored) => {
    const encoded = encodeSyncState(REPO, stream, state as never);
    expect(encoded).toEqual(stored);
    expect(JSON.parse(JSON.stringify(encoded))).toEqual(stored);
    expect(decodeSyncState(REPO, stream, stored)).toEqual(state);
  });

  it("covers every stream kind", () => {
    const kinds = new Set(CASES.map(([stream]) => syncStreamKind(stream)));
    expect([...kinds].sort()).toEqual(Object.keys(SYNC_STREAM_SCHEMAS).sort());
  });

  it("maps stream names to kinds; each incident label is a stream of its own", () => {
    expect(incidentsStream("Incident")).toBe("incidents:incident");
    expect(syncStreamKind("incidents:sev1")).toBe("incidents");
    expect(syncStreamKind("incidents")).toBeNull();
    expect(syncStreamKind("teams")).toBeNull();
    expect(syncStreamKind("toString")).toBeNull();
  });

  /** A malformed stored state per stream, and the field the error must name. */
  const MALFORMED: [SyncStream, unknown, string][] = [
    ["pull_requests", { highWaterMark: "yesterday", seenAtMark: [] }, "highWaterMark"],
    ["pull_requests", { highWaterMark: iso, seenAtMark: [12, "15"] }, "seenAtMark.1"],
    ["pull_requests", { highWaterMark: iso }, "seenAtMark"],
    ["pull_requests.pass", { resumeAfter: "", newest: null }, "resumeAfter"],
    ["pull_requests.diffs", { mark: 5 }, "mark"],
    ["branch", { newestCommitAt: iso, head: "main" }, "head"],
    ["deployments", { marker: "deployments" }, "marker"],
    ["incidents:incident", { newestUpdateAt: iso, issuesMarker: "seen:1" }, "issuesMarker"],
    ["etag", { etag: "" }, "etag"],
    ["rollups", { watermark: iso, fingerprint: "f".repeat(64), from: "2026-20", to: "2026-W45", now: iso }, "from"],
    ["rollups.head", { head: 7 }, "head"],
    ["roster", { runId: "tick-1", status: "half", since: iso }, "status"],
    ["branch", "seen:12", "(state)"],
    ["etag", null, "(state)"],
  ];

  it.each(MALFORMED)("%s: a malformed stored state is an error naming the field (%j)", (stream, stored, field) => {
    let error: unknown;
    try {
      decodeSyncState(REPO, stream, stored);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SyncCursorError);
    const e = error as SyncCursorError;
    expect(e).toMatchObject({ code: "data.sync_cursor", retryable: false, scope: REPO, stream, field });
    expect(e.message).toContain(`repository ${REPO}, stream "${stream}"`);
    expect(e.message).toContain(`field "${field}"`);
    expect(e.message).toContain(`delete from sync_cursors where scope = '${REPO}' and stream = '${stream}';`);
  });

  it("names a scope that is not a repository as a scope, quoting it for the fix", () => {
    expect(() => decodeSyncState("https://x/y?o'k", "etag", {})).toThrow(
      /scope https:\/\/x\/y\?o'k, stream "etag".*scope = 'https:\/\/x\/y\?o''k'/,
    );
  });

  it("refuses an unknown stream, and a state that does not match before it is written", () => {
    expect(() => decodeSyncState(REPO, "teams" as SyncStream, {})).toThrow(/field "stream": not a stream/);
    expect(() => encodeSyncState(REPO, "branch", { newestCommitAt: at, head: "HEAD" })).toThrow(
      /A sync cursor to store of repository acme\/api, stream "branch", is malformed: field "head"/,
    );
    expect(() => encodeSyncState(REPO, "pull_requests.diffs", { mark: new Date(Number.NaN) })).toThrow(SyncCursorError);
  });
});
