-- #17: each sync stream keeps a typed state (jsonb; one zod schema per stream in
-- src/sync-state.ts) instead of the free-form updated_since / end_cursor / etag columns.
-- Every stored row is read as the code before this migration read it and written as its
-- stream's state. A row that code read as "no cursor" (or that does not parse) is dropped with a
-- WARNING naming it: a missing cursor only means the next sync reads that stream again (every
-- write is an upsert), or the next rollup recomputes in full.
ALTER TABLE "sync_cursors" ADD COLUMN "state" jsonb;--> statement-breakpoint
DO $$
DECLARE
  r record;
  st jsonb;
  why text;
  j jsonb;
  rolled_now timestamptz;
  seen jsonb;
  dropped integer := 0;
  iso constant text := 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';
  sha constant text := '^([0-9a-f]{40}|[0-9a-f]{64})$';
  week constant text := '^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$';
BEGIN
  FOR r IN SELECT scope, stream, updated_since, end_cursor, etag FROM sync_cursors ORDER BY scope, stream LOOP
    st := NULL;
    why := NULL;
    IF r.stream = 'pull_requests' THEN
      -- end_cursor "seen:12,15": the PRs stored at the mark (anything else was read as none).
      IF r.updated_since IS NULL THEN
        why := 'no high-water mark (updated_since is null)';
      ELSE
        seen := '[]'::jsonb;
        IF r.end_cursor LIKE 'seen:%' THEN
          SELECT coalesce(jsonb_agg(trim(x)::bigint ORDER BY o), '[]'::jsonb) INTO seen
          FROM unnest(string_to_array(substr(r.end_cursor, 6), ',')) WITH ORDINALITY AS u(x, o)
          WHERE CASE WHEN trim(x) ~ '^[0-9]{1,15}$' THEN trim(x)::bigint > 0 ELSE false END;
        END IF;
        st := jsonb_build_object(
          'highWaterMark', to_char(r.updated_since AT TIME ZONE 'UTC', iso),
          'seenAtMark', seen);
      END IF;
    ELSIF r.stream = 'pull_requests.pass' THEN
      st := jsonb_build_object(
        'resumeAfter', nullif(r.end_cursor, ''),
        'newest', to_char(r.updated_since AT TIME ZONE 'UTC', iso));
    ELSIF r.stream = 'pull_requests.diffs' THEN
      IF r.updated_since IS NULL THEN
        why := 'no mark (updated_since is null)';
      ELSE
        st := jsonb_build_object('mark', to_char(r.updated_since AT TIME ZONE 'UTC', iso));
      END IF;
    ELSIF r.stream = 'branch' THEN
      IF r.updated_since IS NULL THEN
        why := 'no newest commit date (updated_since is null)';
      ELSIF r.end_cursor IS NOT NULL AND r.end_cursor !~ sha THEN
        why := format('the head %L is not a commit sha', r.end_cursor);
      ELSE
        st := jsonb_build_object(
          'newestCommitAt', to_char(r.updated_since AT TIME ZONE 'UTC', iso),
          'head', r.end_cursor);
      END IF;
    ELSIF r.stream = 'deployments' THEN
      IF r.end_cursor IS NULL OR r.end_cursor !~ '^((deployments|releases|tags):.+|merge)$' THEN
        why := format('the marker %L is not a deployment marker', r.end_cursor);
      ELSE
        st := jsonb_build_object('marker', r.end_cursor);
      END IF;
    ELSIF r.stream LIKE 'incidents:%' THEN
      -- An end_cursor that is no issues marker was never equal to one: read as none.
      IF r.updated_since IS NULL THEN
        why := 'no newest issue update (updated_since is null)';
      ELSE
        st := jsonb_build_object(
          'newestUpdateAt', to_char(r.updated_since AT TIME ZONE 'UTC', iso),
          'issuesMarker', CASE WHEN r.end_cursor ~ '^issues:.+$' THEN r.end_cursor END);
      END IF;
    ELSIF r.stream = 'etag' THEN
      IF coalesce(r.etag, '') = '' THEN
        why := 'no ETag';
      ELSE
        st := jsonb_build_object('etag', r.etag);
      END IF;
    ELSIF r.stream = 'rollups' THEN
      BEGIN
        j := r.end_cursor::jsonb;
        rolled_now := (j->>'now')::timestamptz;
      EXCEPTION WHEN others THEN
        j := NULL;
      END;
      IF r.updated_since IS NULL OR r.etag IS NULL OR r.end_cursor IS NULL THEN
        why := 'no watermark, fingerprint or weeks';
      ELSIF r.etag !~ '^[0-9a-f]{64}$' THEN
        why := format('the fingerprint %L is not a SHA-256', r.etag);
      ELSIF j IS NULL OR jsonb_typeof(j) <> 'object' OR rolled_now IS NULL
        OR coalesce(j->>'from', '') !~ week OR coalesce(j->>'to', '') !~ week THEN
        why := format('the weeks %L are not {"from", "to", "now"}', r.end_cursor);
      ELSE
        st := jsonb_build_object(
          'watermark', to_char(r.updated_since AT TIME ZONE 'UTC', iso),
          'fingerprint', r.etag,
          'from', j->>'from',
          'to', j->>'to',
          'now', to_char(rolled_now AT TIME ZONE 'UTC', iso));
      END IF;
    ELSIF r.stream = 'rollups.head' THEN
      IF r.end_cursor IS NOT NULL AND r.end_cursor !~ sha THEN
        why := format('the head %L is not a commit sha', r.end_cursor);
      ELSE
        st := jsonb_build_object('head', r.end_cursor);
      END IF;
    ELSE
      why := 'not a stream Yardstick knows';
    END IF;

    IF st IS NULL THEN
      RAISE WARNING 'sync_cursors: dropped the cursor of scope %, stream %: %; the next sync reads that stream again',
        r.scope, r.stream, why;
      DELETE FROM sync_cursors WHERE scope = r.scope AND stream = r.stream;
      dropped := dropped + 1;
    ELSE
      UPDATE sync_cursors SET state = st WHERE scope = r.scope AND stream = r.stream;
    END IF;
  END LOOP;
  IF dropped > 0 THEN
    RAISE WARNING 'sync_cursors: dropped % unreadable cursor(s); their streams are read again by the next sync', dropped;
  END IF;
END $$;--> statement-breakpoint
ALTER TABLE "sync_cursors" ALTER COLUMN "state" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_cursors" DROP COLUMN "updated_since";--> statement-breakpoint
ALTER TABLE "sync_cursors" DROP COLUMN "end_cursor";--> statement-breakpoint
ALTER TABLE "sync_cursors" DROP COLUMN "etag";
