/**
 * The read API's latency against a full recompute of the same answer, in one run.
 *
 *   node --max-old-space-size=16000 --expose-gc --import tsx scripts/bench/api.ts \
 *     [--changes 1000000] [--engineers 5000] [--weeks 104] [--seconds 10] [--connections 32] \
 *     [--database NAME]
 *
 * A synthetic organisation (the metrics package's generator: `--changes` changes, `--engineers`
 * people in teams of about 12, `--weeks` weeks) is rolled up in full as the rollup job does into
 * a fresh PostgreSQL database (scripts/bench/rolled-up-world.ts, shared with the dashboard's
 * benchmark). Then, in the same process:
 *
 * - baseline: the same answers recomputed from the input (`computeMetrics`: prepare and evaluate),
 *   as every reader did before the read model: one group-week, and a year of every team;
 * - the API (`buildApi`, over loopback HTTP): first each route one request at a time (what one
 *   reader waits) from a server keeping no rendered answers (every request reads PostgreSQL): one
 *   group-week, a year of weekly figures of every team, one page of a group-week's changes; then
 *   the year of every team from a server as `serve` runs (the default: it prepares each rollup
 *   run's common answers when it sees the run, timed here, and keeps what it read); then each route under autocannon with `--connections` connections for
 *   `--seconds` seconds, the heaviest last (abandoned requests keep a server busy after autocannon
 *   stops, which must not be charged to another measurement).
 *
 * Prints one JSON object; progress goes to stderr.
 */
import { request } from "node:http";
import { loadavg } from "node:os";
import { Writable } from "node:stream";
import { createApiToken, startApiServer } from "@yardstick/api";
import { Config } from "@yardstick/config";
import { createLogger } from "@yardstick/log";
import { computeMetrics } from "@yardstick/metrics";
import autocannon from "autocannon";
import { numberOption, option } from "./options.js";
import { log, ms, rolledUpWorld } from "./rolled-up-world.js";

const changes = numberOption("changes", 100_000);
const engineers = numberOption("engineers", 1_000);
const weeks = numberOption("weeks", 52);
const seconds = numberOption("seconds", 10);
const connections = numberOption("connections", 32);
const database = option("database", "");

const quiet = createLogger({
  service: "bench",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

/** Generates and rolls up the organisation, measuring the baseline on its input first (scripts/bench/rolled-up-world.ts). */
async function setUp() {
  const size = { changes, engineers, weeks, ...(database === "" ? {} : { database }) };
  const world = await rolledUpWorld(size, (input, { now, first, last }) => {
    // Baseline: what a reader paid before the read model, for the same answers.
    log("baseline: full recompute of one group-week");
    let t0 = process.hrtime.bigint();
    computeMetrics(input, { from: last, to: last, now, kinds: ["org"] });
    const recomputeGroupWeekMs = ms(t0);
    log("baseline: full recompute of a year of every team");
    t0 = process.hrtime.bigint();
    computeMetrics(input, { from: first, to: last, now, kinds: ["team"] });
    return { recomputeGroupWeekMs, recomputeYearOfTeamsMs: ms(t0) };
  });
  return { ...world, baseline: world.before };
}

const setup = await setUp();
const { t, last, org } = setup;
// Collect the set-up's heap now (node --expose-gc), so no request pays for it.
(globalThis as { gc?: () => void }).gc?.();
log(`heap after set-up: ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);

const config = Config.parse({ timeZone: setup.timeZone });
const { token } = await createApiToken(t.db, { name: `bench-${process.pid}-${Date.now()}`, role: "viewer" });
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

/**
 * One GET, the body counted and dropped, with node:http. Not `fetch`: the client runs in the
 * server's process, and undici's fetch took about 110 ms to read a 20 MB body from another process
 * and up to 2 s from this one under load (its stream work holds the event loop the server needs),
 * where node:http takes 20 to 30 ms and curl 16 to 21 ms for the same kept answer.
 */
function httpGet(url: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** One route's latency one request at a time (what one reader waits), for `seconds` and at least 20 requests. */
async function oneAtATime(path: string, base: string) {
  const sequential: number[] = [];
  let bytes = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until || sequential.length < 20) {
    const t1 = process.hrtime.bigint();
    const res = await httpGet(`${base}${path}`);
    sequential.push(ms(t1));
    bytes = res.bytes;
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
