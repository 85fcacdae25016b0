/**
 * The read API's latency against a full recompute of the same answer, in one run.
 *
 *   node --max-old-space-size=16000 --expose-gc --import tsx scripts/bench/api.ts \
 *     [--changes 1000000] [--engineers 5000] [--weeks 104] [--seconds 10] [--connections 32] \
 *     [--database NAME]
 *
 * `--database NAME` keeps the rolled-up world in a database of that name (created beside the test
 * databases, never dropped): a later run of the same size measures it again without storing it
 * again (at 1,000,000 changes the store takes 5 minutes on a quiet machine, half an hour on a busy one).
 *
 * A synthetic organisation (the metrics package's generator: `--changes` changes, `--engineers`
 * people in teams of about 12, `--weeks` weeks) is rolled up in full as the rollup job does
 * (`fullRollupBatch`: figures and drill-down) into a fresh PostgreSQL database
 * (`createTestDatabase`, YARDSTICK_TEST_DATABASE_URL). Then, in the same process:
 *
 * - baseline: the same answers recomputed from the input (`computeMetrics`: prepare and evaluate),
 *   as every reader did before the read model: one group-week, and a year of every team;
 * - the API (`buildApi`, over loopback HTTP): first each route one request at a time (what one
 *   reader waits) from a server keeping no rendered answers (every request reads PostgreSQL): one
 *   group-week, a year of weekly figures of every team, one page of a group-week's changes; then
 *   the year of every team from a server as `serve` runs (the default: it prepares each rollup
 *   run's common answers when it sees the run, timed here, and keeps what it read); then each
 *   route under autocannon with `--connections` connections for `--seconds` seconds, the heaviest last (abandoned requests keep a server busy after autocannon
 *   stops, which must not be charged to another measurement).
 *
 * Prints one JSON object; progress goes to stderr.
 */
import { loadavg } from "node:os";
import { Writable } from "node:stream";
import { createApiToken, startApiServer } from "@yardstick/api";
import { Config } from "@yardstick/config";
import { addWeeks } from "@yardstick/core";
import { migrateDatabase, openDatabase, readRollupState, storeRollups, writeRollupState } from "@yardstick/db";
import { createTestDatabase, testAdminUrl, withDatabase } from "@yardstick/db/testing";
import { createLogger } from "@yardstick/log";
import { computeMetrics, prepareMetrics } from "@yardstick/metrics";
import { syntheticInput } from "@yardstick/metrics/testing";
import { fullRollupBatch, notesOf } from "@yardstick/pipeline";
import autocannon from "autocannon";
import postgres from "postgres";
import { numberOption, option } from "./options.js";

const changes = numberOption("changes", 100_000);
const engineers = numberOption("engineers", 1_000);
const weeks = numberOption("weeks", 52);
const seconds = numberOption("seconds", 10);
/** A database kept between runs (created when absent, never dropped): the rollup is stored once per world. */
const kept = option("database", "");
const connections = numberOption("connections", 32);

const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
const quiet = createLogger({
  service: "bench",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** A named PostgreSQL database beside the test databases, migrated, kept after the run. */
async function keptDatabase(name: string) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--database: expected a plain database name, got ${name}`);
  const admin = postgres(testAdminUrl(), { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
  if (exists === undefined) await admin.unsafe(`create database ${name}`);
  await admin.end();
  const handle = await openDatabase({ url: withDatabase(testAdminUrl(), name) });
  await migrateDatabase(handle);
  return { db: handle.db, drop: () => handle.close() };
}

/**
 * Generates the organisation, measures the baseline and rolls it up into a fresh database. Runs in
 * a function so that the world, its prepared facts and the rollup batch (gigabytes at 1,000,000
 * changes) are garbage once it returns: the API is then measured in a process holding what a
 * `yardstick serve` holds, not a heap of many gigabytes whose every major collection a large
 * answer's allocations would otherwise pay for.
 */
async function setUp() {
  log(`generating ${changes} changes, ${engineers} engineers, ${weeks} weeks`);
  const world = syntheticInput({ changes, engineers, weeks, seed: 1 });
  const input = world.input;
  const now = world.end;
  const clock = prepareMetrics({ ...input, changes: [], deployments: [] }).clock;
  const last = addWeeks(clock.weekOf(now), -1);
  const first = addWeeks(last, -(Math.min(weeks, 52) - 1));
  const year = { from: first, to: last };
  const allWeeks: string[] = [];
  for (let w = first; w <= last; w = addWeeks(w, 1)) allWeeks.push(w);

  // Baseline: what a reader paid before the read model, for the same answers.
  log("baseline: full recompute of one group-week");
  let t0 = process.hrtime.bigint();
  const one = computeMetrics(input, { from: last, to: last, now, kinds: ["org"] });
  const recomputeGroupWeekMs = ms(t0);
  log("baseline: full recompute of a year of every team");
  t0 = process.hrtime.bigint();
  computeMetrics(input, { ...year, now, kinds: ["team"] });
  const recomputeYearOfTeamsMs = ms(t0);

  const t = kept === "" ? await createTestDatabase() : await keptDatabase(kept);
  // The same world rolled up before into a kept database (`--database`): measured again as it is.
  const fingerprint = `bench:${changes}:${engineers}:${weeks}:1`;
  const stored = await readRollupState(t.db);
  let rolledUp = { groupWeeks: 0, drillDownRows: 0, storeMs: 0 };
  if (stored?.fingerprint === fingerprint) {
    log(`rolled up before in ${kept} (kept)`);
    rolledUp = stored.notes.benchSize as typeof rolledUp;
  } else {
    log("rolling up (untimed)");
    const prep = prepareMetrics(input);
    const batch = fullRollupBatch(prep, allWeeks, now, now);
    t0 = process.hrtime.bigint();
    await storeRollups(t.db, { ...batch, replaceWeeks: { from: first, to: last } });
    const storeMs = ms(t0);
    rolledUp = {
      groupWeeks: batch.rows.length,
      drillDownRows: batch.changes.length + batch.deployments.length,
      storeMs: Math.round(storeMs),
    };
    await writeRollupState(t.db, {
      fromWeek: first,
      toWeek: last,
      computedNow: now,
      watermark: now,
      fingerprint,
      lastMode: "full",
      lastRunAt: now,
      lastFullAt: now,
      notes: { ...(notesOf(prep) as unknown as Record<string, unknown>), benchSize: rolledUp },
      notesAt: now,
    });
    log(
      `stored ${batch.rows.length} rows, ${batch.changes.length} drill-down changes, ${batch.deployments.length} deployments in ${(storeMs / 1000).toFixed(1)} s`,
    );
  }
  // A day in the middle of a week (the API takes days).
  const day = (w: string) => new Date(clock.bounds(w).start.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
  return {
    t,
    first,
    last,
    firstDay: day(first),
    lastDay: day(last),
    org: one.groups[0]?.name ?? "org",
    timeZone: input.config.timeZone,
    size: {
      changes,
      engineers,
      weeks,
      ...rolledUp,
    },
    baseline: { recomputeGroupWeekMs, recomputeYearOfTeamsMs },
  };
}

const setup = await setUp();
const { t, last, org } = setup;
// Collect the set-up's heap now (node --expose-gc), so no request pays for it.
(globalThis as { gc?: () => void }).gc?.();
log(`heap after set-up: ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);

const config = Config.parse({ timeZone: setup.timeZone });
const { token } = await createApiToken(t.db, { name: "bench", role: "viewer" });
// Every answer read from PostgreSQL (no kept answers): what a reader would wait for if nothing
// were prepared. A second server is as `yardstick serve` runs (the default): it prepares the common
// answers of each rollup run as soon as it sees the run, and keeps what it read.
const api = await startApiServer({ logger: quiet, read: { db: t.db, config, metricsCacheBytes: 0 } });
let preparation: { answers: number; ms: number } | undefined;
const cachedApi = await startApiServer({
  logger: quiet,
  read: {
    db: t.db,
    config,
    onMetricsPrepared: (e) => {
      preparation = { answers: e.answers, ms: Math.round(e.ms) };
    },
  },
});
while (preparation === undefined) await new Promise((r) => setTimeout(r, 100));
log(`the rollup run's ${preparation.answers} common answers prepared in ${preparation.ms} ms`);

/** One route's latency one request at a time (what one reader waits), for `seconds` and at least 20 requests. */
async function oneAtATime(path: string, base: string) {
  const sequential: number[] = [];
  let bytes = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until || sequential.length < 20) {
    const t1 = process.hrtime.bigint();
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.arrayBuffer();
    sequential.push(ms(t1));
    bytes = body.byteLength;
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  }
  sequential.sort((a, b) => a - b);
  const q = (p: number) =>
    Number((sequential[Math.min(sequential.length - 1, Math.floor(p * sequential.length))] ?? 0).toFixed(1));
  log(`${base === api.url ? "" : "(kept answers) "}${path}: one at a time p50 ${q(0.5)} ms, p95 ${q(0.95)} ms`);
  return { path, bytes, oneAtATime: { requests: sequential.length, p50Ms: q(0.5), p95Ms: q(0.95), p99Ms: q(0.99) } };
}

/**
 * One route under `--connections` connections for `--seconds` (autocannon). Run after every
 * one-at-a-time measurement: requests autocannon gives up on keep the server busy after it stops,
 * which would otherwise be charged to the next measurement.
 */
async function concurrent(path: string, base: string) {
  const result = await autocannon({
    url: `${base}${path}`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
    timeout: 120,
  });
  log(`${path}: ${Math.round(result.requests.average)} req/s under ${connections}`);
  return {
    connections,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

log(`loading the API: one request at a time, then ${connections} connections, ${seconds} s a route`);
const groupWeekPath = `/api/v1/groups/org/${encodeURIComponent(org)}/weeks/${last}`;
const yearPath = `/api/v1/metrics?from=${setup.firstDay}&to=${setup.lastDay}&group=team`;
const changesPath = `/api/v1/groups/org/${encodeURIComponent(org)}/weeks/${last}/changes?limit=50`;
const groupWeek = await oneAtATime(groupWeekPath, api.url);
const yearOfTeams = await oneAtATime(yearPath, api.url);
const changesPage = await oneAtATime(changesPath, api.url);
const yearOfTeamsKept = await oneAtATime(yearPath, cachedApi.url);
Object.assign(groupWeek, { concurrent: await concurrent(groupWeekPath, api.url) });
Object.assign(changesPage, { concurrent: await concurrent(changesPath, api.url) });
Object.assign(yearOfTeamsKept, { concurrent: await concurrent(yearPath, cachedApi.url) });
// Last: the heaviest, whose abandoned requests would weigh on whatever came after it.
Object.assign(yearOfTeams, { concurrent: await concurrent(yearPath, api.url) });
await api.close();
await cachedApi.close();
await t.drop();

process.stdout.write(
  `${JSON.stringify(
    {
      size: setup.size,
      loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
      baseline: {
        recomputeGroupWeekMs: Math.round(setup.baseline.recomputeGroupWeekMs),
        recomputeYearOfTeamsMs: Math.round(setup.baseline.recomputeYearOfTeamsMs),
      },
      api: { connections, seconds, groupWeek, yearOfTeams, changesPage, yearOfTeamsKept, preparation },
      ratios: {
        groupWeekP95VsRecompute: Number((groupWeek.oneAtATime.p95Ms / setup.baseline.recomputeGroupWeekMs).toFixed(5)),
        yearOfTeamsP95VsRecompute: Number(
          (yearOfTeams.oneAtATime.p95Ms / setup.baseline.recomputeYearOfTeamsMs).toFixed(5),
        ),
      },
    },
    null,
    2,
  )}\n`,
);
