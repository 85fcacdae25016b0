/**
 * A bounded worker's build (issue 18) against the whole build, in bounded memory or not: peak RSS,
 * time, and whether both store the same.
 *
 *   node --max-old-space-size=14000 --expose-gc --import tsx scripts/bench/bounded-build.ts \
 *     --changes 1000000 --engineers 5000 --weeks 104 [--batch-repos 25] [--chunk-weeks 8] [--usage-weeks 8] \
 *     [--skip-whole] [--skip-rollups] [--bounded-heap 1024] [--dir /tmp/bounded-build-bench-N] [--db-prefix bounded_build]
 *
 * The world is the metrics package's generator, handed over one repository at a time
 * (`onRepository`) and written to one file per repository (v8 serialisation), one per range of
 * `--usage-weeks` weeks of usage (`usageRanges`) and one for the roster and configuration: the
 * world's changes are never whole in memory while it is generated. Then,
 * each in a process of its own (so each one's peak RSS is its own), into a database of its own:
 *
 * - **bounded**: what a bounded worker's full rollup does (packages/pipeline `saveKeptInParts`,
 *   `storeBuiltRollups`): the usage files read a range at a time, then the files of
 *   `--batch-repos` repositories at a time read, prepared and
 *   their fact rows stored (`rollup_kept_facts`), then every group-week of every week evaluated
 *   `--chunk-weeks` weeks at a time from the stored facts and stored with its drill-down
 *   (`weekly_rollups`, `rollup_changes`, `rollup_deployments`), then the bounded state read back
 *   (`readKeptFactsFrom`, `restoreBoundedState`) as a restarted worker does;
 * - **whole**: what the full rollup did before (and an unbounded worker's still does): every file
 *   read into one input (what `loadMetricsInput` reads, usage whole), `prepareMetrics`, `fullRollupBatch` of every
 *   week and `storeRollups`, `keptFactRows` and `replaceKeptState`, then `evictColdFacts`.
 *
 * Then both databases' rollups, drill-down and kept facts are compared (count and a sum of row
 * hashes per table, without the times rows were computed at): they must be equal.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import {
  type Database,
  type DatabaseHandle,
  type KeptFactDbRow,
  openDatabase,
  readKeptFactsFrom,
  readKeptHeader,
  replaceKeptState,
  storeRollups,
} from "@yardstick/db";
import { createTestDatabase } from "@yardstick/db/testing";
import {
  type CommitGraph,
  type DayRange,
  evictColdFacts,
  GroupContext,
  hotFromWeek,
  keptFactRows,
  type MetricsChange,
  type MetricsInput,
  type PrepareCache,
  prepareMetrics,
  restoreBoundedState,
  rollupState,
  type UsageRecord,
  usageRanges,
  WeekClock,
} from "@yardstick/metrics";
import { syntheticInput } from "@yardstick/metrics/testing";
import { type BuildInput, fullRollupBatch, saveKeptInParts, storeBuiltRollups } from "@yardstick/pipeline";
import { flag, numberOption, option } from "./options.js";
import { log } from "./rolled-up-world.js";

const changes = numberOption("changes", 100_000);
const engineers = numberOption("engineers", 1_000);
const weeks = numberOption("weeks", 104);
const batchRepos = numberOption("batch-repos", 25);
const chunkWeeks = numberOption("chunk-weeks", 8);
const usageWeeks = numberOption("usage-weeks", 8);
const dbPrefix = option("db-prefix", "bounded_build");
const phase = option("phase", "");
const dir = option("dir", `/tmp/bounded-build-bench-${changes}`);
const dbUrl = option("db-url", "");
const boundedHeap = numberOption("bounded-heap", 0);
const gc = globalThis.gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const mib = (bytes: number) => Math.round(bytes / 1048576);
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
/** The process's peak resident set so far. */
const peakRss = () => mib(process.resourceUsage().maxRSS * 1024);
const since = (t: number) => Math.round(performance.now() - t);

interface Base {
  /** Without usage: it is in the usage files, a range each. */
  input: MetricsInput;
  repos: string[];
  /** The first and last day of usage (null: none). */
  usageDays: DayRange | null;
  start: Date;
  end: Date;
}
interface RepoPart {
  changes: MetricsChange[];
  deployments: MetricsInput["deployments"];
  commitGraph: CommitGraph;
}

const fileOf = (repo: string) => join(dir, `repo-${encodeURIComponent(repo)}.v8`);
const readBase = () => deserialize(readFileSync(join(dir, "base.v8"))) as Base;
const usageFileOf = (range: DayRange) => join(dir, `usage-${range.from}-${range.to}.v8`);
/** The usage of `range` (one of `usageRanges(base.usageDays, usageWeeks)`), from its file. */
const readUsage = (range: DayRange) => deserialize(readFileSync(usageFileOf(range))) as UsageRecord[];

/**
 * Writes `usage` to one file per range of `usageWeeks` whole weeks, each range's records in the
 * order the generator lists them (the whole phase reads the ranges in order, so a week's records
 * come in the same order both ways). Returns the first and last day.
 */
function writeUsage(usage: readonly UsageRecord[]): DayRange | null {
  let span: DayRange | null = null;
  for (const u of usage) {
    if (span === null) span = { from: u.day, to: u.day };
    else if (u.day < span.from) span.from = u.day;
    else if (u.day > span.to) span.to = u.day;
  }
  const ranges = usageRanges(span, usageWeeks);
  const parts: UsageRecord[][] = ranges.map(() => []);
  for (const u of usage) {
    const i = ranges.findIndex((r) => u.day <= r.to);
    (parts[i] as UsageRecord[]).push(u);
  }
  for (const [i, range] of ranges.entries()) writeFileSync(usageFileOf(range), serialize(parts[i]));
  return span;
}

/** Generates the world one repository at a time into `dir`. */
function generate(): Record<string, number> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  let n = 0;
  const world = syntheticInput({
    changes,
    engineers,
    weeks,
    onRepository: (part) => {
      n += part.changes.length;
      const body: RepoPart = { changes: part.changes, deployments: part.deployments, commitGraph: part.commitGraph };
      writeFileSync(fileOf(part.repo), serialize(body));
    },
  });
  const usageDays = writeUsage(world.input.usage);
  const base: Base = {
    input: { ...world.input, usage: [] },
    repos: [...world.input.repos].sort(),
    usageDays,
    start: world.start,
    end: world.end,
  };
  writeFileSync(join(dir, "base.v8"), serialize(base));
  return {
    generateMs: since(t),
    changes: n,
    repos: base.repos.length,
    usageRecords: world.input.usage.length,
    usageRanges: usageRanges(usageDays, usageWeeks).length,
    generatePeakRssMib: peakRss(),
  };
}

/** The input of these repositories (whole, without usage), read from their files. */
function inputOf(base: Base, repos: readonly string[]): MetricsInput {
  const input: MetricsInput = {
    ...base.input,
    changes: [],
    deployments: [],
    commitGraphs: {},
    usage: [],
    repos: [...repos],
    reposWithoutDeploymentSignal: [],
  };
  for (const repo of repos) {
    const part = deserialize(readFileSync(fileOf(repo))) as RepoPart;
    for (const c of part.changes) input.changes.push(c);
    for (const d of part.deployments) input.deployments.push(d);
    input.commitGraphs[repo] = part.commitGraph;
  }
  return input;
}

function weeksOf(base: Base): string[] {
  const clock = new WeekClock(base.input.config.timeZone);
  const out: string[] = [];
  const last = clock.weekOf(new Date(base.end.getTime() - 1));
  for (let w = clock.weekOf(base.start); w <= last; w = clock.shift(w, 1)) out.push(w);
  return out;
}

const stampAt = (now: Date) => ({ fingerprint: "bench", watermark: now, computedNow: now, heads: {} });

async function bounded(db: Database): Promise<Record<string, number>> {
  const base = readBase();
  const now = base.end;
  // Usage is read a range at a time, each dropped after (as the worker reads it).
  const input: BuildInput = {
    base: base.input,
    repos: base.repos,
    load: async (repos) => inputOf(base, [...repos]),
    usageDays: async () => base.usageDays,
    usage: async (range) => readUsage(range),
  };
  const t1 = performance.now();
  const saved = await saveKeptInParts(db, input, stampAt(now), { batchRepos, usageWeeks, savedAt: () => now });
  const factsMs = since(t1);
  const factsPeakRssMib = peakRss();
  log(`facts stored in ${saved.batches} batches in ${factsMs} ms; peak RSS ${factsPeakRssMib} MiB`);
  const meta = saved.build.meta();
  const t2 = performance.now();
  // `--skip-rollups`: only the facts and the bounded state read back from them (what a restarted
  // worker holds), without evaluating every group-week (the longest phase by far).
  const stored = flag("skip-rollups")
    ? { rows: 0, chunks: 0 }
    : await storeBuiltRollups(
        db,
        { config: base.input.config, roster: base.input.roster, meta },
        saved.generation,
        weeksOf(base),
        { now, computedAt: now, chunkWeeks },
      );
  const rollupsMs = since(t2);
  const rollupsPeakRssMib = peakRss();
  log(
    `${stored.rows} group-weeks in ${stored.chunks} chunks stored in ${rollupsMs} ms; peak RSS ${rollupsPeakRssMib} MiB`,
  );
  // The restored state's heap: measured from just before its rows are read, everything the build
  // held being garbage by then.
  const before = heap();
  const t3 = performance.now();
  const hotFrom = hotFromWeek(base.input.config, now);
  let heldRows = 0;
  // The rows read are garbage once decoded (unless the state keeps them): not counted.
  const state = await (async () => {
    const held = await readKeptFactsFrom(db, hotFrom);
    heldRows = held.rows.length;
    return restoreBoundedState(base.input.config, base.input.roster, meta, held.rows as never, hotFrom, held.nextOrd);
  })();
  const restoreMs = since(t3);
  const stateMib = mib(heap() - before);
  log(`bounded state restored (${heldRows} rows) in ${restoreMs} ms: ${stateMib} MiB`);
  return {
    batches: saved.batches,
    factsMs,
    factsPeakRssMib,
    groupWeeks: stored.rows,
    chunks: stored.chunks,
    rollupsMs,
    rollupsPeakRssMib,
    restoreMs,
    heldRows,
    heldChanges: state.prep.changes.length,
    stateMib,
    peakRssMib: peakRss(),
  };
}

async function whole(db: Database): Promise<Record<string, number>> {
  const base = readBase();
  const now = base.end;
  const before = heap();
  const t0 = performance.now();
  const input = inputOf(base, base.repos);
  input.usage = usageRanges(base.usageDays, usageWeeks).flatMap(readUsage);
  const readMs = since(t0);
  const inputMib = mib(heap() - before);
  log(`whole input read in ${readMs} ms: ${inputMib} MiB`);
  const t1 = performance.now();
  const cache: PrepareCache = new WeakMap();
  const prep = prepareMetrics(input, cache);
  const prepareMs = since(t1);
  const weekList = weeksOf(base);
  const t2 = performance.now();
  const batch = fullRollupBatch(prep, weekList, now, now);
  const evaluateMs = since(t2);
  const t3 = performance.now();
  await storeRollups(db, { ...batch, replaceWeeks: { from: weekList[0] as string, to: weekList.at(-1) as string } });
  const storeMs = since(t3);
  const groupWeeks = batch.rows.length;
  log(`${groupWeeks} group-weeks evaluated in ${evaluateMs} ms, stored in ${storeMs} ms; peak RSS ${peakRss()} MiB`);
  const t4 = performance.now();
  const state = rollupState(prep, new GroupContext(prep), cache);
  const rows = keptFactRows(state);
  await replaceKeptState(
    db,
    {
      ...stampAt(now),
      meta: { repos: prep.repos, reposWithoutSignal: [...prep.reposWithoutSignal].sort(), hasUsage: prep.hasUsage },
    },
    rows as KeptFactDbRow[],
    now,
  );
  const saveMs = since(t4);
  log(`${rows.length} fact rows saved whole in ${saveMs} ms; peak RSS ${peakRss()} MiB`);
  evictColdFacts(state, hotFromWeek(input.config, now));
  return { readMs, inputMib, prepareMs, groupWeeks, evaluateMs, storeMs, saveMs, peakRssMib: peakRss() };
}

/** Count and hash sum of each stored table's rows, without the times they were computed at. */
async function digest(handle: DatabaseHandle): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ["weekly_rollups", "rollup_changes", "rollup_deployments", "rollup_kept_facts"]) {
    const [row] = await handle.query<{ d: string }>(
      `select count(*)::text || ' ' || coalesce(sum(('x' || substr(md5((to_jsonb(r) - 'computed_at')::text), 1, 15))::bit(60)::bigint::numeric), 0)::text as d from ${table} r`,
    );
    out[table] = row?.d ?? "";
  }
  const header = await readKeptHeader(handle.db);
  out.header = `${header?.factCount} ${header?.checksum}`;
  return out;
}

/** Runs this script's `phase` in a process of its own; its last stdout line is its JSON result. */
function child(name: string, url = ""): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    // `--bounded-heap MiB`: the bounded build's heap limit (the last --max-old-space-size wins), to
    // show it fits; V8 otherwise lets garbage grow towards the limit, and RSS with it.
    const limit = name === "bounded" && boundedHeap > 0 ? [`--max-old-space-size=${boundedHeap}`] : [];
    const args = [...process.execArgv, ...limit, process.argv[1] as string, ...process.argv.slice(2), "--phase", name];
    if (url !== "") args.push("--db-url", url);
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (chunk) => {
      out += chunk;
    });
    proc.on("exit", (code) => {
      if (code !== 0) reject(new Error(`the ${name} phase exited with ${code}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1) as string));
    });
  });
}

async function main(): Promise<void> {
  if (phase === "generate") {
    process.stdout.write(`${JSON.stringify(generate())}\n`);
    return;
  }
  if (phase === "bounded" || phase === "whole") {
    const handle = await openDatabase({ url: dbUrl });
    try {
      const result = phase === "bounded" ? await bounded(handle.db) : await whole(handle.db);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
      await handle.close();
    }
    return;
  }
  const machine = {
    cpus: cpus().length,
    totalMib: mib(totalmem()),
    freeMib: mib(freemem()),
    loadStart: loadavg()
      .map((x) => x.toFixed(1))
      .join(" "),
  };
  log(`generating ${changes} changes, ${engineers} engineers, ${weeks} weeks into ${dir}`);
  const generated = await child("generate");
  log(`generated in ${generated.generateMs} ms (${readdirSync(dir).length} files)`);
  const a = await createTestDatabase({ prefix: dbPrefix });
  const b = await createTestDatabase({ prefix: dbPrefix });
  try {
    log("bounded build");
    const boundedRun = await child("bounded", a.url);
    if (!flag("skip-whole")) log("whole build");
    const wholeRun = flag("skip-whole") ? null : await child("whole", b.url);
    const digests = wholeRun === null ? null : { bounded: await digest(a.handle), whole: await digest(b.handle) };
    const equal = digests === null ? null : JSON.stringify(digests.bounded) === JSON.stringify(digests.whole);
    const report = {
      changes,
      engineers,
      weeks,
      batchRepos,
      chunkWeeks,
      usageWeeks,
      machine: {
        ...machine,
        loadEnd: loadavg()
          .map((x) => x.toFixed(1))
          .join(" "),
      },
      generated,
      bounded: boundedRun,
      whole: wholeRun,
      digests,
      equal,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (equal === false) process.exitCode = 1;
  } finally {
    await a.drop();
    await b.drop();
    if (!flag("keep-files")) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
