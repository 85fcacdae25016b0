/**
 * The rollup worker's kept state (issue 18): how much heap it holds, what it costs to persist it
 * in PostgreSQL and to restore it in a restarted process, and how large it is on disk.
 *
 *   node --max-old-space-size=16000 --expose-gc --import tsx scripts/bench/kept-state.ts \
 *     --changes 1000000 --engineers 5000 --weeks 104
 *
 * The world is the metrics package's generator. Measured, in order:
 * - **built**: `prepareMetrics` of all data and `rollupState`, then the evaluation caches of the
 *   last 13 weeks (as the worker holds it after its runs); heap beyond the input, after a full GC;
 * - **save whole**: `replaceKeptState` of every fact row into a fresh database (what a process that
 *   built its state saves once), and the tables' size on disk;
 * - **restore**: with the world and the built state gone, `checkKeptFacts` (count and checksum),
 *   `readKeptFacts` and `restoreRollupState` (what a restarted worker does instead of loading and
 *   preparing every stored row), and the restored state's heap, with 13 weeks of caches again;
 * - the restored state's figures of the last 4 weeks against the built state's (must be equal).
 */
import { createHash } from "node:crypto";
import { checkKeptFacts, type KeptFactDbRow, readKeptFacts, readKeptHeader, replaceKeptState } from "@yardstick/db";
import { createTestDatabase } from "@yardstick/db/testing";
import {
  evaluateGroups,
  type KeptMeta,
  keptFactRows,
  keptMetaOf,
  type MetricsConfig,
  prepareMetrics,
  type RollupState,
  type RosterPerson,
  restoreRollupState,
  rollupState,
} from "@yardstick/metrics";
import { syntheticInput } from "@yardstick/metrics/testing";
import { numberOption } from "./options.js";
import { log } from "./rolled-up-world.js";

const changes = numberOption("changes", 100_000);
const engineers = numberOption("engineers", 1_000);
const weeks = numberOption("weeks", 104);
const gc = globalThis.gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const mib = (bytes: number) => Math.round(bytes / 1048576);
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** The figures of the last 13 weeks of every group (fills the caches a worker holds), hashed. */
function evaluateRecent(state: RollupState, at: Date): string {
  const clock = state.prep.clock;
  const recent: string[] = [];
  for (let i = 12; i >= 0; i--) recent.push(clock.shift(clock.weekOf(at), -i));
  const groups = evaluateGroups(
    state.prep,
    recent,
    { from: recent[0] as string, to: recent.at(-1) as string, now: at },
    state.ctx,
  );
  return createHash("sha256").update(JSON.stringify(groups)).digest("hex");
}

async function main(): Promise<void> {
  const report: Record<string, unknown> = { changes, engineers, weeks };
  const t = await createTestDatabase();
  try {
    let config: MetricsConfig;
    let roster: RosterPerson[];
    let at: Date;
    let builtDigest: string;
    let rows: KeptFactDbRow[] | null;
    {
      log(`generating ${changes} changes, ${engineers} engineers, ${weeks} weeks`);
      const world = syntheticInput({ changes, engineers, weeks, seed: 1 });
      at = world.end;
      config = world.input.config;
      roster = world.input.roster;
      const h0 = heap();
      const t0 = performance.now();
      const state = rollupState(prepareMetrics(world.input));
      builtDigest = evaluateRecent(state, at);
      report.buildMs = Math.round(performance.now() - t0);
      report.builtStateMib = mib(heap() - h0);
      report.facts = { changes: state.prep.changes.length, deployments: state.prep.deployments.length };
      log(`built in ${report.buildMs} ms; the state holds ${report.builtStateMib} MiB of heap beyond its input`);
      const meta: KeptMeta = keptMetaOf(state.prep);
      const t1 = performance.now();
      rows = keptFactRows(state) as KeptFactDbRow[];
      report.encodeMs = Math.round(performance.now() - t1);
      const t2 = performance.now();
      await replaceKeptState(
        t.db,
        {
          fingerprint: "bench",
          watermark: at,
          computedNow: at,
          heads: {},
          meta: meta as unknown as Record<string, unknown>,
        },
        rows,
        at,
      );
      report.saveWholeMs = Math.round(performance.now() - t2);
      report.factRows = rows.length;
      log(`saved ${rows.length} fact rows in ${report.saveWholeMs} ms`);
      rows = null;
    }
    const [size] = await t.handle.query<{ bytes: string }>(
      "select (pg_total_relation_size('rollup_kept_facts') + pg_total_relation_size('rollup_kept'))::text as bytes",
    );
    report.storedMib = mib(Number(size?.bytes));
    // The world, its input and the built state are garbage now: what a restarted worker starts from.
    const h1 = heap();
    const t3 = performance.now();
    const header = await readKeptHeader(t.db);
    if (header === null) throw new Error("no stored state");
    const problem = await checkKeptFacts(t.db, header);
    if (problem !== null) throw new Error(problem);
    report.checkMs = Math.round(performance.now() - t3);
    const t4 = performance.now();
    const stored = await readKeptFacts(t.db);
    report.readMs = Math.round(performance.now() - t4);
    const t5 = performance.now();
    const restored = restoreRollupState(config, roster, header.meta as unknown as KeptMeta, stored);
    report.restoreMs = Math.round(performance.now() - t5);
    stored.length = 0;
    const restoredDigest = evaluateRecent(restored, at);
    report.restoredStateMib = mib(heap() - h1);
    report.sameFigures = restoredDigest === builtDigest;
    log(
      `restored: check ${report.checkMs} ms, read ${report.readMs} ms, restore ${report.restoreMs} ms; it holds ${report.restoredStateMib} MiB; same figures: ${report.sameFigures}`,
    );
    report.peakRssMib = mib(process.resourceUsage().maxRSS * 1024);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (!report.sameFigures) process.exitCode = 1;
    // Keep the restored state alive until measured.
    if (restored.prep.changes.length === 0) log("empty");
  } finally {
    await t.drop();
  }
}

await main();
