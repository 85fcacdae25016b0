/**
 * The full rollup store (issue 18): a synthetic organisation (the metrics package's generator:
 * `--changes`, `--engineers`, `--weeks`) rolled up in full for its last 52 weeks as the rollup job
 * does (`fullRollupBatch`: figures and drill-down), then stored with `storeRollups` through each
 * write method into its own fresh PostgreSQL database, in the same run: "unnest" (one text array
 * per column per 20,000 rows, the default) and "values" (drizzle's multi-row VALUES upsert, the
 * old path). Each store is a full recompute's (`replaceWeeks`), then the same batch stored again
 * (what a retried job does: idempotent). The stored tables are compared row for row (an md5 of
 * each table's rows in key order).
 *
 *   node --max-old-space-size=16000 --expose-gc --import tsx scripts/bench/rollup-store.ts \
 *     --changes 1000000 --engineers 5000 --weeks 104 [--methods unnest,values]
 */
import { readFileSync } from "node:fs";
import { addWeeks } from "@yardstick/core";
import { type RollupWriteMethod, storeRollups } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { prepareMetrics } from "@yardstick/metrics";
import { syntheticInput } from "@yardstick/metrics/testing";
import { fullRollupBatch } from "@yardstick/pipeline";
import { numberOption, option } from "./options.js";
import { log, ms } from "./rolled-up-world.js";

const changes = numberOption("changes", 100_000);
const engineers = numberOption("engineers", 1_000);
const weeks = numberOption("weeks", 104);
const methods = option("methods", "unnest,values").split(",") as RollupWriteMethod[];
for (const m of methods) if (m !== "unnest" && m !== "values") throw new Error(`--methods: unnest or values, got ${m}`);

/** CPU seconds (user + system) each PostgreSQL backend serving the database has used, by pid (/proc: same machine). */
async function backendCpu(t: TestDatabase): Promise<Map<number, number>> {
  const rows = await t.handle.query<{ pid: number }>(
    "select pid from pg_stat_activity where datname = current_database()",
  );
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // another machine, or gone: not counted
    }
  }
  return out;
}

/** Server CPU seconds between two `backendCpu` readings (a backend new since counts whole). */
function serverCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

async function tableDigest(t: TestDatabase): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, key] of [
    ["weekly_rollups", "group_kind, group_name, week"],
    ["rollup_changes", "group_kind, group_name, week, change_key"],
    ["rollup_deployments", "group_kind, group_name, week, deployment_id"],
  ] as const) {
    // computed_at is the store's own time: the same batch object here, so it is compared too.
    const [row] = await t.handle.query<{ n: number; md5: string }>(
      `select count(*)::int as n, md5(string_agg(md5(to_jsonb(x)::text), '' order by ${key})) as md5 from ${table} x`,
    );
    out[table] = `${row?.n} rows, ${row?.md5}`;
  }
  return out;
}

async function main(): Promise<void> {
  log(`generating ${changes} changes, ${engineers} engineers, ${weeks} weeks`);
  const world = syntheticInput({ changes, engineers, weeks, seed: 1 });
  const now = world.end;
  const prep = prepareMetrics(world.input);
  const last = addWeeks(prep.clock.weekOf(now), -1);
  const first = addWeeks(last, -(Math.min(weeks, 52) - 1));
  const allWeeks: string[] = [];
  for (let w = first; w <= last; w = addWeeks(w, 1)) allWeeks.push(w);
  const batch = fullRollupBatch(prep, allWeeks, now, now);
  log(
    `batch: ${batch.rows.length} group-weeks, ${batch.changes.length} drill-down changes, ${batch.deployments.length} deployments`,
  );
  const results: Record<
    string,
    {
      storeMs: number;
      againMs: number;
      clientCpuS: number;
      serverCpuS: number;
      digest: Record<string, string>;
    }
  > = {};
  for (const method of methods) {
    const t = await createTestDatabase();
    try {
      globalThis.gc?.();
      const cpu0 = process.cpuUsage();
      const server0 = await backendCpu(t);
      const t0 = process.hrtime.bigint();
      await storeRollups(t.db, { ...batch, replaceWeeks: { from: first, to: last } }, { method });
      const storeMs = ms(t0);
      const cpu = process.cpuUsage(cpu0);
      const clientCpuS = (cpu.user + cpu.system) / 1e6;
      const serverCpuS = serverCpuBetween(server0, await backendCpu(t));
      log(
        `${method}: stored in ${(storeMs / 1000).toFixed(1)} s (client CPU ${clientCpuS.toFixed(1)} s, PostgreSQL CPU ${serverCpuS.toFixed(1)} s)`,
      );
      const t1 = process.hrtime.bigint();
      await storeRollups(t.db, { ...batch, replaceWeeks: { from: first, to: last } }, { method });
      const againMs = ms(t1);
      log(`${method}: stored again in ${(againMs / 1000).toFixed(1)} s`);
      results[method] = { storeMs, againMs, clientCpuS, serverCpuS, digest: await tableDigest(t) };
    } finally {
      await t.drop();
    }
  }
  const digests = Object.values(results).map((r) => JSON.stringify(r.digest));
  const same = digests.every((d) => d === digests[0]);
  const report = {
    changes,
    engineers,
    weeks,
    groupWeeks: batch.rows.length,
    drillDownRows: batch.changes.length + batch.deployments.length,
    results,
    sameRows: same,
    ratio:
      results.values !== undefined && results.unnest !== undefined
        ? results.values.storeMs / results.unnest.storeMs
        : null,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (!same) process.exitCode = 1;
}

await main();
