import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pullRequests } from "@yardstick/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CliProcess,
  enqueueAndFollow,
  inlineBaseline,
  obliteratePrefix,
  REDIS_URL,
  rowDifferences,
  snapshot,
  stable,
  startWorker,
  workerRun,
  workerSync,
} from "./harness.js";

const ctx = inlineBaseline(17);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The `field` of the worker's "shutting down" log line (pino JSON), e.g. how many jobs were running. */
function shutdownField(output: string, field: "active" | "graceSeconds"): number | undefined {
  const line = output.split("\n").find((l) => l.includes('"shutting down:'));
  if (line === undefined) return undefined;
  const value = (JSON.parse(line) as Record<string, unknown>)[field];
  return typeof value === "number" ? value : undefined;
}

describe("graceful shutdown: workers replaced during a sync lose and duplicate nothing", () => {
  // The grace period from the configuration file (worker.shutdownTimeoutSeconds), long enough for
  // any job of the small world on a loaded machine.
  let graceConfig: { path: string; remove(): void };
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), "yardstick-rolling-"));
    const path = join(dir, "yardstick.config.yaml");
    writeFileSync(path, JSON.stringify({ ...ctx.configFile.config, worker: { shutdownTimeoutSeconds: 120 } }));
    graceConfig = { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
  });
  afterAll(() => graceConfig?.remove());

  it("a rolling restart of two worker processes (SIGTERM, drain, exit 0, replacement) in the middle of the backfill", async () => {
    const {
      db,
      env: rollingEnv,
      workers,
      follow,
      stop,
    } = await workerSync(ctx, {
      processes: 2,
      configPath: graceConfig.path,
    });
    const stopped: { output: string; code: number | null; signal: string | null; pendingAtSignal: number }[] = [];
    let pending = 1;
    let roll: Promise<void> | undefined;
    // Some of GitHub's answers are slow, so jobs are running when the signals come.
    ctx.sim.faults.configure({ slowRate: 0.3, slowMs: 400 });
    try {
      const rollingRestart = async () => {
        for (const i of [0, 1]) {
          const old = workers[i] as CliProcess;
          const pendingAtSignal = pending;
          old.child.kill("SIGTERM");
          const exit = await old.exited;
          stopped.push({ output: old.output, ...exit, pendingAtSignal });
          const replacement = startWorker(rollingEnv);
          workers[i] = replacement;
          await replacement.waitFor("worker started");
        }
      };
      const run = await follow("rolling", {
        onPoll: async (n) => {
          pending = n;
          if (roll !== undefined) return;
          // As soon as the first pull requests are stored: the backfill is under way.
          if ((await db.db.select().from(pullRequests).limit(1)).length === 0) return;
          roll = rollingRestart();
        },
      });
      await roll;
      expect(stopped).toHaveLength(2);
      for (const s of stopped) {
        // Stopped gracefully: exit 0 (not killed), after saying so, with work still to do.
        expect({ code: s.code, signal: s.signal }, s.output.slice(-3000)).toEqual({ code: 0, signal: null });
        expect(s.output).toContain("every running job finished");
        expect(s.output).toContain('"worker stopped"');
        expect(shutdownField(s.output, "graceSeconds")).toBe(120);
        expect(s.pendingAtSignal, "signalled with nothing pending").toBeGreaterThan(0);
      }
      // At least one of them was in the middle of jobs when signalled, and let them finish.
      expect(stopped.map((s) => shutdownField(s.output, "active") ?? 0).some((n) => n > 0)).toBe(true);
      expect(run.failed).toEqual([]);
      expect(rowDifferences(stable(await snapshot(db.db)), ctx.baseline)).toEqual({});
    } finally {
      ctx.sim.faults.clear();
      await stop();
    }
  }, 300_000);

  it("a grace period too short: the worker exits 0 at once, and its cut-short jobs run again on the other worker", async () => {
    const { db, prefix, env } = await workerRun(ctx);
    const hasty = startWorker({ ...env, extra: { YARDSTICK_SHUTDOWN_TIMEOUT: "0" } });
    const other = startWorker(env);
    let signalled = false;
    let elapsedMs = 0;
    let exit: { code: number | null; signal: string | null } | undefined;
    try {
      await Promise.all([hasty.waitFor("worker started"), other.waitFor("worker started")]);
      const run = await enqueueAndFollow({
        redisUrl: REDIS_URL,
        prefix,
        db: db.db,
        config: ctx.configFile.config,
        simulatorUrl: ctx.sim.url,
        runId: "hasty",
        onPoll: async (n) => {
          if (signalled || n === 0) return;
          if ((await db.db.select().from(pullRequests).limit(1)).length === 0) return;
          signalled = true;
          // Every answer slow for a moment: the hasty worker is surely waiting on GitHub mid-job.
          ctx.sim.faults.configure({ slowRate: 1, slowMs: 15_000 });
          await sleep(1_000);
          const started = Date.now();
          hasty.child.kill("SIGTERM");
          exit = await hasty.exited;
          elapsedMs = Date.now() - started;
          ctx.sim.faults.clear();
        },
      });
      expect(signalled).toBe(true);
      expect(exit, hasty.output.slice(-3000)).toEqual({ code: 0, signal: null });
      expect(shutdownField(hasty.output, "graceSeconds")).toBe(0);
      expect(hasty.output).toContain("grace period over");
      // Closed without waiting for GitHub's slow answers (15 s each): within the 5 s backstop after closing.
      expect(elapsedMs).toBeLessThan(12_000);
      expect(run.failed).toEqual([]);
      expect(rowDifferences(stable(await snapshot(db.db)), ctx.baseline)).toEqual({});
    } finally {
      ctx.sim.faults.clear();
      await Promise.all([hasty.stop(), other.stop()]);
      await obliteratePrefix(REDIS_URL, prefix);
    }
  }, 300_000);
});
