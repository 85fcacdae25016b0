/**
 * Shared pieces of the resilience tests (`*.int.test.ts` in this folder): a small generated world
 * served by the simulator over HTTP, `yardstick worker` / `yardstick serve` child processes against
 * real PostgreSQL and Redis, and snapshots of the ingested tables to compare runs with.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { type Config, loadConfig } from "@yardstick/config";
import {
  changes as changesTable,
  commitCoAuthors,
  commits as commitsTable,
  type Database,
  deployments as deploymentsTable,
  pullRequestCommits,
  pullRequests,
} from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { BullMqRunner, createPipelineDeps, enqueueSync, jobs, runSyncInline, syncWeeks } from "@yardstick/pipeline";
import { afterAll, beforeAll, expect } from "vitest";
import { silent, testGitHubClient } from "../demo/sync-world.js";
import { configForWorld } from "../demo/world-config.js";
import { cliEntry } from "../test-cli.js";

export const TOKEN = "resilience-token";
export const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export { silent };

/** The small preset world (6 repositories, 8 weeks), with its ground truth. */
export function smallWorld(seed: number): World {
  return World.from(generateWorld(presetOptions("small", seed)), { truth: true });
}

/** The simulator on loopback, with limits high enough for several full syncs of the world. */
export function simulate(world: World, options: { webhooks?: { url: string; secret: string }[] } = {}) {
  return startSimulator({
    world,
    tokens: [TOKEN],
    seed: 5,
    // Secondary limits (injected as faults) ask for a 1 s wait instead of GitHub's 60 s.
    rateLimits: { restLimit: 1_000_000, graphqlLimit: 1_000_000, secondaryRetryAfter: 1 },
    ...(options.webhooks === undefined ? {} : { webhooks: options.webhooks }),
  });
}

/**
 * A configuration file for child processes, holding the configuration the in-process runs use
 * (JSON is YAML). Checked by loading it back: the ingest-relevant sections must come out equal, or
 * children and the test would sync different windows.
 */
export async function writeConfigFile(world: World): Promise<{ config: Config; path: string; remove(): void }> {
  const config = configForWorld(world);
  const dir = mkdtempSync(join(tmpdir(), "yardstick-resilience-"));
  const path = join(dir, "yardstick.config.yaml");
  writeFileSync(path, JSON.stringify(config, null, 2));
  const loaded = (await loadConfig({ path, cwd: dir, env: {} })).config;
  for (const key of ["github", "repositories", "thresholds", "attribution", "timeZone"] as const) {
    if (!isDeepStrictEqual(loaded[key], config[key]))
      throw new Error(`the configuration file's "${key}" loads differently from the configuration it was written from`);
  }
  return { config, path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The embedded path's result for the world: what every other way of ingesting must match. */
export async function inlineSync(db: Database, sim: Simulator, config: Config, runId: string) {
  const deps = createPipelineDeps({ db, github: testGitHubClient(sim.url, TOKEN), config });
  return runSyncInline(deps, silent, { runId });
}

export async function snapshot(db: Database) {
  const prs = await db.select().from(pullRequests);
  const links = await db.select().from(pullRequestCommits);
  const commits = await db.select().from(commitsTable);
  const coAuthors = await db.select().from(commitCoAuthors);
  const deployments = await db.select().from(deploymentsTable);
  const changes = await db.select().from(changesTable);
  return { prs, links, commits, coAuthors, deployments, changes };
}

/** Table contents without the columns a run's timing decides (sorted rows, duplicates kept). */
export function stable(s: Awaited<ReturnType<typeof snapshot>>) {
  const strip = <T extends Record<string, unknown>>(rows: T[], drop: string[]) =>
    rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k))))).sort();
  return {
    prs: strip(s.prs, ["syncedAt", "updatedAt", "diffReadAt"]),
    links: strip(s.links, []),
    commits: strip(s.commits, ["syncedAt", "updatedAt"]),
    coAuthors: strip(s.coAuthors, []),
    deployments: strip(s.deployments, ["id", "syncedAt"]),
    changes: strip(s.changes, ["updatedAt", "deploymentId"]),
  };
}

/**
 * The rows each table has more (`extra`) or fewer (`missing`) of than the reference, per table,
 * only the tables that differ: `{}` when the two are equal as multisets. Tests assert it is `{}`,
 * so a failure prints the differing rows themselves, not two arrays of thousands of rows.
 */
export function rowDifferences(
  got: ReturnType<typeof stable>,
  reference: ReturnType<typeof stable>,
): Record<string, { extra: string[]; missing: string[] }> {
  const out: Record<string, { extra: string[]; missing: string[] }> = {};
  for (const table of Object.keys(reference) as (keyof typeof reference)[]) {
    const counts = new Map<string, number>();
    for (const row of got[table]) counts.set(row, (counts.get(row) ?? 0) + 1);
    for (const row of reference[table]) counts.set(row, (counts.get(row) ?? 0) - 1);
    const extra: string[] = [];
    const missing: string[] = [];
    for (const [row, n] of counts) {
      for (let i = 0; i < n; i++) extra.push(row);
      for (let i = 0; i > n; i--) missing.push(row);
    }
    if (extra.length + missing.length > 0) out[table] = { extra: extra.sort(), missing: missing.sort() };
  }
  return out;
}

/** The world's merged pull requests, as `owner/name#number`. */
export function worldMergedPulls(world: World): string[] {
  const keys: string[] = [];
  for (const repo of world.repos()) {
    const fullName = `${repo.org}/${repo.name}`;
    for (const n of world.pullNumbers(fullName)) if (world.pull(fullName, n)?.mergedAt) keys.push(`${fullName}#${n}`);
  }
  return keys.sort();
}

export function uniquePrefix(): string {
  return `ysres-${randomUUID().slice(0, 8)}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ChildEnv {
  databaseUrl: string;
  redisUrl?: string;
  simulatorUrl: string;
  configPath: string;
  prefix?: string;
  extra?: Record<string, string>;
}

/** A `yardstick` child process (from its sources or the release build: `cliEntry`), its output kept for failures. */
export class CliProcess {
  readonly child: ChildProcess;
  output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], env: ChildEnv) {
    this.child = spawn(process.execPath, [...cliEntry(), ...args], {
      cwd: CLI_DIR,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        DATABASE_URL: env.databaseUrl,
        GITHUB_API_URL: env.simulatorUrl,
        GITHUB_TOKEN: TOKEN,
        YARDSTICK_CONFIG: env.configPath,
        YARDSTICK_GITHUB_MIN_TIME_MS: "0",
        LOG_LEVEL: "info",
        ...(env.redisUrl === undefined ? {} : { REDIS_URL: env.redisUrl }),
        ...(env.prefix === undefined ? {} : { YARDSTICK_QUEUE_PREFIX: env.prefix }),
        ...env.extra,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString("utf8");
      if (this.output.length > 400_000) this.output = this.output.slice(-200_000);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  /** Resolves once the output contains `text` (e.g. "worker started"). */
  async waitFor(text: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`process exited before "${text}":\n${this.output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`no "${text}" after ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(signal: NodeJS.Signals): Promise<unknown> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it has not exited within `ms`. */
  async stop(ms = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), ms);
    await this.exited;
    clearTimeout(timer);
  }
}

// A 2 s lock: a killed worker's job is taken up again within about 2 s, while a busy event loop on a
// loaded 2-core CI machine still renews its locks (every second) in time.
export const WORKER_ARGS = [
  "worker",
  "--every",
  "0",
  "--rollups-every",
  "0",
  "--stalled-interval",
  "2000",
  "--concurrency",
  "2",
];

export function startWorker(env: ChildEnv): CliProcess {
  return new CliProcess(WORKER_ARGS, env);
}

/**
 * The producer side of `yardstick sync` with REDIS_URL: enqueue the sync, follow it until no job is
 * pending, then the rollups. Polling tolerates Redis being away for a moment (it is restarted in a test).
 * The queues stay: remove them with `obliteratePrefix` once the workers have stopped.
 */
export async function enqueueAndFollow(options: {
  redisUrl: string;
  prefix: string;
  db: Database;
  config: Config;
  simulatorUrl: string;
  runId: string;
  timeoutMs?: number;
  onPoll?: (pending: number) => Promise<void> | void;
}) {
  const github = createGitHubClient({
    baseUrl: options.simulatorUrl,
    auth: { type: "token", token: TOKEN },
    logger: silent,
  });
  const deps = createPipelineDeps({ db: options.db, github, config: options.config });
  const runner = new BullMqRunner({
    catalog: jobs,
    deps,
    logger: silent,
    redisUrl: options.redisUrl,
    prefix: options.prefix,
  });
  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  const pending = async () => {
    for (;;) {
      try {
        return await runner.pending();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const idle = async () => {
    let n = await pending();
    while (n > 0) {
      if (Date.now() > deadline) throw new Error(`still ${n} jobs pending`);
      await options.onPoll?.(n);
      await new Promise((r) => setTimeout(r, 200));
      n = await pending();
    }
  };
  try {
    await enqueueSync(runner, deps, { runId: options.runId });
    await idle();
    await runner.enqueue("rollups.recompute", { weeks: syncWeeks(deps), runId: options.runId });
    await idle();
    return { failed: await runner.failed() };
  } finally {
    await runner.close(1_000);
  }
}

/** Removes a test's queues from Redis. */
export async function obliteratePrefix(redisUrl: string, prefix: string): Promise<void> {
  const runner = new BullMqRunner({ catalog: jobs, deps: null, logger: silent, redisUrl, prefix });
  try {
    await runner.obliterate();
  } finally {
    await runner.close(1_000);
  }
}

/** What every resilience file starts from: its world, config file, simulator and the inline sync's tables. */
export interface InlineBaseline {
  world: World;
  configFile: Awaited<ReturnType<typeof writeConfigFile>>;
  sim: Simulator;
  baseline: ReturnType<typeof stable>;
  /** Test databases to drop after the file (the baseline's first). */
  databases: TestDatabase[];
}

/**
 * Registers the file's beforeAll/afterAll: a small world of `seed`, its config file and simulator,
 * and the inline sync's tables as the baseline every other way of ingesting must match.
 */
export function inlineBaseline(seed: number): InlineBaseline {
  const ctx = { world: smallWorld(seed), databases: [] as TestDatabase[] } as InlineBaseline;
  beforeAll(async () => {
    ctx.configFile = await writeConfigFile(ctx.world);
    ctx.sim = await simulate(ctx.world);
    const db = await createTestDatabase();
    ctx.databases.push(db);
    const summary = await inlineSync(db.db, ctx.sim, ctx.configFile.config, "inline");
    expect(summary.failed).toEqual([]);
    ctx.baseline = stable(await snapshot(db.db));
  }, 120_000);
  afterAll(async () => {
    for (const db of ctx.databases) await db.drop();
    await ctx.sim?.close();
    ctx.configFile?.remove();
  });
  return ctx;
}

/**
 * A fresh test database (dropped with the file's) for one way of ingesting, and the environment
 * its worker processes run with: the file's simulator and config file, a queue prefix of its own.
 */
export async function workerRun(ctx: InlineBaseline, redisUrl: string = REDIS_URL) {
  const db = await createTestDatabase();
  ctx.databases.push(db);
  const prefix = uniquePrefix();
  const env: ChildEnv = {
    databaseUrl: db.url,
    redisUrl,
    simulatorUrl: ctx.sim.url,
    configPath: ctx.configFile.path,
    prefix,
  };
  return { db, prefix, env };
}

/**
 * One way of ingesting with `yardstick worker` processes, as the resilience files set it up: a
 * fresh database and queue prefix (`workerRun`), `processes` workers started and ready, `follow`
 * to enqueue a sync of the file's world and follow it (`enqueueAndFollow`), and `stop` to stop the
 * workers in `workers` (tests may replace them there) and, on the shared Redis, remove the queues.
 * Call `stop` in a `finally`.
 */
export async function workerSync(
  ctx: InlineBaseline,
  options: { processes?: number; redisUrl?: string; configPath?: string } = {},
) {
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const { db, prefix, env: runEnv } = await workerRun(ctx, redisUrl);
  const env: ChildEnv = options.configPath === undefined ? runEnv : { ...runEnv, configPath: options.configPath };
  const workers: CliProcess[] = Array.from({ length: options.processes ?? 1 }, () => startWorker(env));
  const stop = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    // A Redis of the test's own is closed by the test, queues and all.
    if (redisUrl === REDIS_URL) await obliteratePrefix(redisUrl, prefix);
  };
  try {
    await Promise.all(workers.map((w) => w.waitFor("worker started")));
  } catch (error) {
    await stop();
    throw error;
  }
  const follow = (runId: string, more: { onPoll?: (pending: number) => Promise<void> | void } = {}) =>
    enqueueAndFollow({
      redisUrl,
      prefix,
      db: db.db,
      config: ctx.configFile.config,
      simulatorUrl: ctx.sim.url,
      runId,
      ...more,
    });
  return { db, prefix, env, workers, follow, stop };
}
