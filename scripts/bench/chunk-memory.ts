/**
 * Where one chunk of a bounded build's evaluation (`evaluateStoredWeeks`, packages/metrics build.ts)
 * holds its memory: on the facts a `bounded-build.ts --phase bounded --skip-rollups` stored.
 *
 *   node --max-old-space-size=8000 --expose-gc --import tsx scripts/bench/bounded-build.ts --phase generate \
 *     --changes 200000 --engineers 2000 --weeks 21 --dir DIR
 *   createdb -T yardstick_template_<hash> NAME    # a database of the migrations' template
 *   node ... scripts/bench/bounded-build.ts --phase bounded --skip-rollups --dir DIR --db-url URL (same world flags)
 *   node --max-old-space-size=8000 --expose-gc --import tsx scripts/bench/chunk-memory.ts --dir DIR --db-url URL \
 *     [--chunk-weeks 8] [--detail 1] [--only N] [--literal-rows] [--heap-snapshot FILE] [--end-snapshot FILE] [--real]
 *
 * Steps each chunk as `evaluateStoredWeeks` does, measuring the heap (after a full GC) at each step:
 * the stored rows read (postgres.js's objects), the facts and indexes built from them, the
 * evaluation (its caches and its output), the evaluated group-weeks and their drill-down rows
 * (built as the pipeline's `rowsWithDetails` builds them, not written), and the heap left at the
 * next chunk's start (what crosses chunks). Chunk `--detail` (0-based) also splits the facts by
 * kind and the caches from the output, and `--heap-snapshot` writes a snapshot there with the
 * chunk's parts as `globalThis.chunk` (scripts/bench/heap-breakdown.ts --path chunk).
 * `--real`: instead, the pipeline's `storeBuiltRollups` itself (written, in its one transaction),
 * with the heap measured after each chunk's write (`--heap-snapshot` there: after write `--detail`; the
 * one after the last chunk is the late "other" weeks').
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize } from "node:v8";
import {
  type Database,
  openDatabase,
  planUpsert,
  readKeptFactsOfWeeks,
  readKeptHeader,
  rollupChanges,
} from "@yardstick/db";
import {
  evaluateGroups,
  explainGroupWeek,
  type KeptFactRow,
  type KeptMeta,
  type MetricsInput,
  pageInRows,
  pairSpecResolver,
  storedWeeksState,
  WeekClock,
  weeksReadBy,
} from "@yardstick/metrics";
import { storeBuiltRollups } from "@yardstick/pipeline";
import { flag, numberOption, option } from "./options.js";

const dir = option("dir", "");
const dbUrl = option("db-url", "");
const chunkWeeks = numberOption("chunk-weeks", 8);
const detail = numberOption("detail", 1);
const snapshot = option("heap-snapshot", "");
/** `--literal-rows`: drill-down rows built as object literals, not by spreading their key (see docs). */
const literal = flag("literal-rows");
/** `--only N`: step chunk N (0-based) alone. */
const only = numberOption("only", -1);
/** `--end-snapshot FILE`: a heap snapshot after the last chunk (what crosses chunks). */
const gc = globalThis.gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const peakRss = () => Math.round((process.resourceUsage().maxRSS * 1024) / 1048576);
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

const base = deserialize(readFileSync(join(dir, "base.v8"))) as { input: MetricsInput; start: Date; end: Date };
const config = base.input.config;
const roster = base.input.roster;

function weeksOf(): string[] {
  const clock = new WeekClock(config.timeZone);
  const out: string[] = [];
  const last = clock.weekOf(new Date(base.end.getTime() - 1));
  for (let w = clock.weekOf(base.start); w <= last; w = clock.shift(w, 1)) out.push(w);
  return out;
}

async function stepped(db: Database, meta: KeptMeta): Promise<void> {
  const weeks = weeksOf();
  const now = base.end;
  let previousEnd = heap();
  log(`start: heap ${mib(previousEnd)} MiB`);
  for (let i = 0, n = 0; i < weeks.length; i += chunkWeeks, n++) {
    if (only >= 0 && n !== only) continue;
    const chunk = weeks.slice(i, i + chunkWeeks);
    const h0 = heap();
    const out: Record<string, number | string> = { chunk: n, weeks: `${chunk[0]}..${chunk.at(-1)}` };
    out.crossChunkMib = mib(h0 - previousEnd);
    const read = weeksReadBy(
      chunk.map((week) => ({ week })),
      config,
    );
    out.weeksRead = read.length;
    const t0 = performance.now();
    let rows: KeptFactRow[] | null = (await readKeptFactsOfWeeks(db, read)) as KeptFactRow[];
    out.readMs = Math.round(performance.now() - t0);
    const byKind = { change: 0, deployment: 0, usage: 0 };
    for (const r of rows) byKind[r.kind as keyof typeof byKind] += 1;
    Object.assign(out, { rowsChange: byKind.change, rowsDeployment: byKind.deployment, rowsUsage: byKind.usage });
    const h1 = heap();
    out.rowsMib = mib(h1 - h0);
    const kinds: Record<string, number> = {};
    if (n === detail) {
      // The facts of one kind at a time, each into a state of its own (indexes included).
      for (const kind of ["change", "deployment", "usage"] as const) {
        const only = rows.filter((r) => r.kind === kind);
        const hb = heap();
        let s: ReturnType<typeof storedWeeksState> | null = storedWeeksState(config, roster, meta);
        pageInRows(s, read, only);
        kinds[kind] = mib(heap() - hb);
        s = null;
      }
    }
    let state: ReturnType<typeof storedWeeksState> | null = storedWeeksState(config, roster, meta);
    const t1 = performance.now();
    pageInRows(state, read, rows);
    out.pageInMs = Math.round(performance.now() - t1);
    const h2a = heap();
    out.rowsAndFactsMib = mib(h2a - h0);
    rows = null;
    const h2 = heap();
    out.factsMib = mib(h2 - h0);
    for (const [k, v] of Object.entries(kinds)) out[`facts_${k}Mib`] = v;
    out.changes = state.prep.changes.length;
    out.deployments = state.prep.deployments.length;
    out.usageWeeks = state.prep.index.usageByWeek.size;
    // Changes only the spike baseline reads (merged and deployed before the active window of the
    // chunk's first week): a look-back of counts would do for them.
    const clock = new WeekClock(config.timeZone);
    const near = clock.shift(chunk[0] as string, -(config.thresholds.activeWindowWeeks - 1));
    out.changesBaselineOnly = state.prep.changes.filter(
      (f) => f.mergedWeek < near && (f.deployedWeek === null || f.deployedWeek < near),
    ).length;
    out.deploymentsBeforeNear = state.prep.deployments.filter((d) => d.week < near).length;
    let { prep, ctx } = state;
    const t2 = performance.now();
    let groups: ReturnType<typeof evaluateGroups> | null = evaluateGroups(
      prep,
      chunk,
      { from: chunk[0] as string, to: chunk.at(-1) as string, now, viewerIsAdmin: true },
      ctx,
    );
    out.evaluateMs = Math.round(performance.now() - t2);
    out.groups = groups.length;
    const h3 = heap();
    out.evaluationMib = mib(h3 - h2);
    let resolve: ReturnType<typeof pairSpecResolver> | null = pairSpecResolver(prep, ctx);
    let evaluated: { kind: string; name: string; week: string; spec: unknown; figures: unknown }[] | null = [];
    for (const group of groups) {
      for (const figures of group.weeks) {
        const pair = { kind: group.kind, name: group.name, week: figures.week };
        evaluated.push({ ...pair, spec: (resolve as ReturnType<typeof pairSpecResolver>)(pair).spec, figures });
      }
    }
    resolve = null;
    out.groupWeeks = evaluated.length;
    const h4 = heap();
    out.evaluatedMib = mib(h4 - h3);
    // The drill-down rows as `rowsWithDetails` (packages/pipeline recompute-rollups.ts) builds them.
    const t3 = performance.now();
    let details: { changes: object[]; deployments: object[] } | null = { changes: [], deployments: [] };
    for (const e of evaluated) {
      const figures = e.figures as { suppressed: boolean };
      if (figures.suppressed) continue;
      const key = { groupKind: e.kind, groupName: e.name, week: e.week };
      const { groupKind, groupName, week } = key;
      const explained = explainGroupWeek(ctx, e.spec as never, e.week);
      for (const c of explained.changes) {
        if (literal) {
          details.changes.push({
            groupKind,
            groupName,
            week,
            changeKey: c.key,
            repo: c.repo,
            personId: c.person,
            ai: c.ai,
            qualifying: c.qualifying,
            exclusions: c.exclusions,
            counted: c.counted,
            countedAi: c.countedAi,
            mergedAt: c.mergedAt,
            deployedAt: c.deployedAt,
            deploymentId: c.deploymentId,
            leadTimeHours: c.leadTimeHours,
          });
          continue;
        }
        details.changes.push({
          ...key,
          changeKey: c.key,
          repo: c.repo,
          personId: c.person,
          ai: c.ai,
          qualifying: c.qualifying,
          exclusions: c.exclusions,
          counted: c.counted,
          countedAi: c.countedAi,
          mergedAt: c.mergedAt,
          deployedAt: c.deployedAt,
          deploymentId: c.deploymentId,
          leadTimeHours: c.leadTimeHours,
        });
      }
      for (const d of explained.deployments) {
        if (literal) {
          details.deployments.push({
            groupKind,
            groupName,
            week,
            deploymentId: d.id,
            repo: d.repo,
            environment: d.environment,
            liveAt: d.liveAt,
            failed: d.failed,
            failureReasons: d.failureReasons,
            recoveryHours: d.recoveryHours,
            shipsAi: d.shipsAi,
            shipped: d.shipped,
          });
          continue;
        }
        details.deployments.push({
          ...key,
          deploymentId: d.id,
          repo: d.repo,
          environment: d.environment,
          liveAt: d.liveAt,
          failed: d.failed,
          failureReasons: d.failureReasons,
          recoveryHours: d.recoveryHours,
          shipsAi: d.shipsAi,
          shipped: d.shipped,
        });
      }
    }
    out.explainMs = Math.round(performance.now() - t3);
    out.detailChanges = details.changes.length;
    out.detailDeployments = details.deployments.length;
    const h5 = heap();
    out.detailsMib = mib(h5 - h4);
    out.peakHeldMib = mib(h5 - h0);
    {
      // What the write adds while it runs: `upsertRowsUnnest` dedupes and sorts each table's rows
      // by key first (packages/db upsert.ts), all of the part at once.
      const plan = planUpsert(rollupChanges, { key: ["groupKind", "groupName", "week", "changeKey"] });
      const t = performance.now();
      const unique = plan.dedupe(details.changes as never);
      out.dedupeMs = Math.round(performance.now() - t);
      out.dedupeMib = mib(heap() - h5);
      out.dedupeRows = unique.length;
    }
    if (n === detail && snapshot !== "") {
      const { writeHeapSnapshot } = await import("node:v8");
      (globalThis as { chunk?: unknown }).chunk = { state, groups, evaluated, details };
      const t = performance.now();
      writeHeapSnapshot(snapshot);
      log(`heap snapshot ${snapshot} in ${Math.round(performance.now() - t)} ms`);
      delete (globalThis as { chunk?: unknown }).chunk;
    }
    details = null;
    evaluated = null;
    groups = null;
    const h6 = heap();
    out.cachesMib = mib(h6 - h2); // what the evaluation left in the context (its output dropped)
    out.outputMib = mib(h3 - h6); // the evaluated groups' figures
    out.peakRssMib = peakRss();
    out.heapAtStartMib = mib(h0);
    out.heapWithStateMib = mib(h6);
    state = null;
    prep = null as never;
    ctx = null as never;
    previousEnd = heap();
    out.heapAfterDropMib = mib(previousEnd);
    log(JSON.stringify(out));
  }
  // `state` was per chunk: what is left now is what crosses chunks (pending "other" weeks aside).
  log(`end: heap ${mib(heap())} MiB, peak RSS ${peakRss()} MiB`);
  const endSnapshot = option("end-snapshot", "");
  if (endSnapshot !== "") {
    (await import("node:v8")).writeHeapSnapshot(endSnapshot);
    log(`after the snapshot: heapUsed ${mib(process.memoryUsage().heapUsed)} MiB, after a GC ${mib(heap())} MiB`);
  }
}

async function real(db: Database, meta: KeptMeta, generation: number): Promise<void> {
  const weeks = weeksOf();
  let n = 0;
  log(`start: heap ${mib(heap())} MiB`);
  const t = performance.now();
  const stored = await storeBuiltRollups(db, { config, roster, meta }, generation, weeks, {
    now: base.end,
    computedAt: base.end,
    chunkWeeks,
    between: async () => {
      if (snapshot !== "" && n === detail) {
        (await import("node:v8")).writeHeapSnapshot(snapshot);
        log(
          `heap snapshot ${snapshot} after chunk ${n}'s write; heapUsed after it ${mib(process.memoryUsage().heapUsed)} MiB`,
        );
      }
      log(
        `after chunk ${n++}'s write: heap ${mib(heap())} MiB (the chunk's state still referenced), peak RSS ${peakRss()} MiB, ${Math.round(performance.now() - t)} ms`,
      );
    },
  });
  log(
    `stored ${stored.rows} group-weeks in ${stored.chunks} chunks; heap after ${mib(heap())} MiB, peak RSS ${peakRss()} MiB`,
  );
}

const handle = await openDatabase({ url: dbUrl });
try {
  const header = await readKeptHeader(handle.db);
  if (header === null)
    throw new Error("no stored kept state: run bounded-build.ts --phase bounded --skip-rollups first");
  const meta = header.meta as unknown as KeptMeta;
  if (flag("real")) await real(handle.db, meta, header.generation);
  else await stepped(handle.db, meta);
} finally {
  await handle.close();
}
