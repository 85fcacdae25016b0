import { AppError, IsoWeek, RepoFullName } from "@yardstick/core";
import { z } from "zod";

/**
 * What each sync stream keeps in `sync_cursors.state` (jsonb), one zod schema per stream: the
 * only place a cursor's shape is declared. Writes are encoded through the schema (a bad value is
 * refused before it is stored) and reads are decoded through it: a stored cursor that does not
 * match is a `SyncCursorError` naming the scope, the stream, the field and the fix, never a
 * silent null. Times are ISO strings in the database (as `Date#toISOString` writes them) and
 * `Date`s in code.
 */

/** A time: an ISO string with `Z` in storage, a `Date` in code. */
const time = z.codec(z.iso.datetime(), z.date(), {
  decode: (iso) => new Date(iso),
  encode: (date) => date.toISOString(),
});

/** A commit id (SHA-1, or SHA-256 for repositories in that object format). */
const sha = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, "not a commit sha (40 or 64 lowercase hex digits)");

/** A GitHub pull request or issue number. */
const number = z.number().int().positive();

export const SYNC_STREAM_SCHEMAS = {
  /** Completed pull-request passes (scope: repository): the high-water mark the next pass stops at and the PRs stored as they were at it, which it skips. */
  pull_requests: z.object({ highWaterMark: time, seenAtMark: z.array(number) }),
  /** The pull-request pass under way (scope: repository): the page cursor to resume after (null: no pass under way) and the pass's newest update so far. */
  "pull_requests.pass": z.object({ resumeAfter: z.string().min(1).nullable(), newest: time.nullable() }),
  /** Patch reads (scope: repository): the newest `synced_at` among the pull requests the last run looked at. */
  "pull_requests.diffs": z.object({ mark: time }),
  /** Branch history (scope: repository): the newest commit date read and the branch head (the commit graph's head). */
  branch: z.object({ newestCommitAt: time, head: sha.nullable() }),
  /** Deployments (scope: repository): the deployment marker read before the last complete read. */
  deployments: z.object({
    marker: z.string().regex(/^(?:(?:deployments|releases|tags):.+|merge)$/, "not a deployment marker"),
  }),
  /** Incident issues of one label (stream `incidents:<label>`, scope: repository): the newest issue update read and the issues marker when the last pass ended. */
  incidents: z.object({
    newestUpdateAt: time,
    issuesMarker: z
      .string()
      .regex(/^issues:.+$/, "not an issues marker")
      .nullable(),
  }),
  /** A REST response's ETag (scope: the request URL), so that a 304 survives restarts. */
  etag: z.object({ etag: z.string().min(1) }),
  /** The incremental weekly rollups (scope `weekly_rollups`): watermark, fingerprint, the weeks covered and the `now` of that rollup. */
  rollups: z.object({
    watermark: time,
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/, "not a SHA-256 fingerprint"),
    from: IsoWeek,
    to: IsoWeek,
    now: time,
  }),
  /**
   * The roster of an organisation's latest discovery run (scope: the organisation's login,
   * lowercase): `pending` from the run's start (`since`) until `discover.roster` has stored the
   * whole roster (`done`, in the same transaction) or failed for good (`failed`). That run's
   * attribution waits while it is pending.
   */
  roster: z.object({
    runId: z.string().min(1).max(100),
    status: z.enum(["pending", "done", "failed"]),
    since: time,
    /**
     * Logins of `teams.file` or `roster.file` that are not members of the organisation, left out
     * by the run's roster read (set when `done`; absent: none, or no data file).
     */
    leftOut: z.array(z.string()).optional(),
  }),
  /** The branch head the last rollup read (scope: repository; null: no branch history then). */
  "rollups.head": z.object({ head: sha.nullable() }),
} as const;

type Schemas = typeof SYNC_STREAM_SCHEMAS;
/** Each stream's schema by its kind (`incidents` covers every `incidents:<label>`). */
export type SyncStreamKind = keyof Schemas;

/** A stream name as stored in `sync_cursors.stream`. */
export type SyncStream = Exclude<SyncStreamKind, "incidents"> | `incidents:${string}`;

/** The decoded state of a stream. */
export type SyncStateOf<S extends SyncStream> = S extends `incidents:${string}`
  ? z.output<Schemas["incidents"]>
  : z.output<Schemas[S & SyncStreamKind]>;

/** The cursor stream of one incident label: keyed by the label, so a changed label backfills afresh. */
export function incidentsStream(label: string): `incidents:${string}` {
  return `incidents:${label.toLowerCase()}`;
}

/** The schema kind of a stream name, or null for a stream Yardstick does not know. */
export function syncStreamKind(stream: string): SyncStreamKind | null {
  if (stream.startsWith("incidents:")) return "incidents";
  return stream !== "incidents" && Object.hasOwn(SYNC_STREAM_SCHEMAS, stream) ? (stream as SyncStreamKind) : null;
}

function schemaOf(stream: string): z.ZodType | null {
  const kind = syncStreamKind(stream);
  return kind === null ? null : SYNC_STREAM_SCHEMAS[kind];
}

/** A stored cursor that does not match its stream's schema (or a state refused before it is written). */
export class SyncCursorError extends AppError {
  constructor(
    readonly scope: string,
    readonly stream: string,
    readonly field: string,
    problem: string,
    stored: boolean,
  ) {
    const what = `${RepoFullName.safeParse(scope).success ? "repository" : "scope"} ${scope}, stream "${stream}"`;
    const fix = stored
      ? ` Delete it and the next sync reads that stream again from its start (a re-read: every write is an upsert): delete from sync_cursors where scope = ${quote(scope)} and stream = ${quote(stream)};`
      : "";
    super(
      "data.sync_cursor",
      `${stored ? "The stored sync cursor" : "A sync cursor to store"} of ${what}, is malformed: field "${field}": ${problem}.${fix}`,
      { retryable: false, details: { scope, stream, field } },
    );
  }
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function fail(scope: string, stream: string, error: z.ZodError, stored: boolean): SyncCursorError {
  const issue = error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? "(state)" : issue.path.map(String).join(".");
  return new SyncCursorError(scope, stream, field, issue?.message ?? "invalid", stored);
}

/** Decodes a stored state; throws `SyncCursorError` naming scope, stream and field when it does not match. */
export function decodeSyncState<S extends SyncStream>(scope: string, stream: S, stored: unknown): SyncStateOf<S> {
  const schema = schemaOf(stream);
  if (schema === null) throw new SyncCursorError(scope, stream, "stream", "not a stream Yardstick knows", true);
  const parsed = z.safeDecode(schema, stored);
  if (!parsed.success) throw fail(scope, stream, parsed.error, true);
  return parsed.data as SyncStateOf<S>;
}

/** Encodes a state for storage (JSON: times as ISO strings); throws `SyncCursorError` when it does not match its schema. */
export function encodeSyncState<S extends SyncStream>(scope: string, stream: S, state: SyncStateOf<S>): unknown {
  const schema = schemaOf(stream);
  if (schema === null) throw new SyncCursorError(scope, stream, "stream", "not a stream Yardstick knows", false);
  const encoded = z.safeEncode(schema, state);
  if (!encoded.success) throw fail(scope, stream, encoded.error, false);
  return encoded.data;
}
