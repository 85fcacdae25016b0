/**
 * What the worker benchmarks (worker-memory.ts, fleet.ts) share: a generated world file, the
 * simulator serving it in a child process, the configuration a team would write for it, real
 * `yardstick worker` processes (the release build, run with plain node, as production runs it),
 * a sync enqueued for them, and samples of each process's RSS and CPU read from /proc.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { World, type WorldRecord } from "@yardstick/github-sim";
import { createLogger, type Logger } from "@yardstick/log";
import { BullMqRunner, createGitHubRedis, jobs, type PipelineDeps } from "@yardstick/pipeline";
import { configInputForWorld } from "../../services/cli/src/demo/world-config.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export const silent: Logger = createLogger({
  service: "bench",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
}

/** The world file at `path`, generated (`size`, `seed`) when it does not exist yet. */
export function ensureWorld(path: string, size: string, seed: number): void {
  if (existsSync(path)) return;
  log(`generating world ${size} (seed ${seed}) into ${path}`);
  mkdirSync(dirname(path), { recursive: true });
  execFileSync(
    process.execPath,
    ["--import", "tsx", join(ROOT, "packages/github-sim/src/generator/main.ts"), size, String(seed), path],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] },
  );
}

/**
 * The configuration file for the world's organisation (`configInputForWorld`: every repository's
 * deployment method, the incident label, a backfill over the whole history), written as JSON.
 * Reads only the records before the first repository's history (header, org, users, teams,
 * repositories), so a multi-GB world is not loaded.
 */
export async function writeWorldConfig(worldPath: string, out: string): Promise<{ repos: number; orgs: string[] }> {
  const head = new Set(["header", "org", "user", "team", "repo"]);
  const records: WorldRecord[] = [];
  const lines = createInterface({ input: createReadStream(worldPath), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line === "") continue;
    const record = JSON.parse(line) as WorldRecord;
    if (!head.has(record.type)) break;
    records.push(record);
  }
  lines.close();
  const world = World.from(records, { truth: false });
  writeFileSync(out, JSON.stringify(configInputForWorld(world), null, 1));
  return { repos: world.repos().length, orgs: world.orgs().map((o) => o.login) };
}

export interface SimulatorChild {
  url: string;
  child: ChildProcess | null;
  pid: number | null;
  close(): Promise<void>;
}

/**
 * The simulator in a child process serving `worldPath`, accepting `tokens` (each its own rate
 * budget, set far above what a run spends so that GitHub's budget is not the bottleneck).
 */
export async function startSimulator(worldPath: string, tokens: readonly string[]): Promise<SimulatorChild> {
  const args = ["--import", "tsx", join(ROOT, "packages/github-sim/src/cli.ts"), "--world", worldPath];
  for (const t of tokens) args.push("--token", t);
  args.push("--rest-limit", "100000000", "--graphql-limit", "100000000");
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = out.split("\n")[0];
      if (out.includes("\n") && line !== undefined) resolveUrl((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`simulator exited (${code}) before listening`)));
  });
  return {
    url,
    child,
    pid: child.pid ?? null,
    close: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

/** A simulator already running (`--sim-url`, `--sim-pid`): reused, not stopped. */
export function existingSimulator(url: string, pid: number | null): SimulatorChild {
  return { url: url.replace(/\/+$/, ""), child: null, pid, close: async () => {} };
}

/** Every API answer delayed by `ms` (0: none): the simulator's `slow` fault on all requests. */
export async function setLatency(simUrl: string, ms: number): Promise<void> {
  const res = await fetch(`${simUrl}/_sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ slowRate: ms > 0 ? 1 : 0, slowMs: ms, pathPattern: "^/(graphql|repos|orgs|user)" }),
  });
  if (!res.ok) throw new Error(`POST /_sim/faults: ${res.status} ${await res.text()}`);
}

export interface SimUsage {
  graphqlRequests: number;
  graphqlPoints: number;
  restRequests: number;
}

export async function simUsage(simUrl: string): Promise<SimUsage> {
  const res = await fetch(`${simUrl}/_sim/accounting`);
  return ((await res.json()) as { total: SimUsage }).total;
}

/**
 * Builds the release (services/cli/build.mjs) once: the workers run what production runs. `root`:
 * another checkout of the repository (a baseline commit's worktree), this one by default.
 */
export function buildRelease(root: string = ROOT): void {
  log(`building the release (${join(root, "services/cli/build.mjs")})`);
  execFileSync(process.execPath, [join(root, "services/cli/build.mjs")], { cwd: root, stdio: "pipe" });
}

export interface WorkerChild {
  pid: number;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  databaseUrl: string;
  simUrl: string;
  token: string;
  configPath: string;
  queuePrefix: string;
  concurrency: number;
  /** Where the worker's log (standard error) goes. */
  logPath: string;
  /** `--max-old-space-size` in MiB (none: Node's default). */
  maxOldSpaceMiB?: number;
  /** The checkout whose release build runs (`buildRelease(root)`); this one by default. */
  root?: string;
}

/**
 * `yardstick worker` from the release build: no periodic sync, no rollups, no digest (the sync
 * path alone; the rollup worker's kept state is measured by scripts/bench/rollups.ts).
 */
export function startWorker(options: WorkerOptions): WorkerChild {
  const node = options.maxOldSpaceMiB === undefined ? [] : [`--max-old-space-size=${options.maxOldSpaceMiB}`];
  const child = spawn(
    process.execPath,
    [
      ...node,
      join(options.root ?? ROOT, "services/cli/bin/yardstick.mjs"),
      "worker",
      "--every",
      "0",
      "--rollups-every",
      "0",
      "--no-digest",
      "--concurrency",
      String(options.concurrency),
      "--queue-prefix",
      options.queuePrefix,
      "--shutdown-timeout",
      "5",
    ],
    {
      cwd: options.root ?? ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: options.databaseUrl,
        REDIS_URL,
        GITHUB_TOKEN: options.token,
        GITHUB_API_URL: options.simUrl,
        YARDSTICK_CONFIG: options.configPath,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const logChunks: Buffer[] = [];
  child.stderr?.on("data", (c: Buffer) => {
    logChunks.push(c);
    if (logChunks.length > 2000) logChunks.splice(0, 1000);
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  void exited.then(() => writeFileSync(options.logPath, Buffer.concat(logChunks)));
  if (child.pid === undefined) throw new Error("worker did not start");
  return {
    pid: child.pid,
    child,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A producer on the benchmark's queues (it runs no job): enqueues one sync run of every
 * configured organisation (`discover.org`, as `yardstick sync` does with REDIS_URL), then tells
 * how many jobs are still pending.
 */
export async function openProducer(queuePrefix: string): Promise<BullMqRunner<typeof jobs, PipelineDeps>> {
  const producer = new BullMqRunner({
    catalog: jobs,
    deps: {} as PipelineDeps,
    logger: silent,
    redisUrl: REDIS_URL,
    prefix: queuePrefix,
  });
  await producer.ready();
  return producer;
}

/** Removes every Redis key under the benchmark's own queue prefix (never anything else). */
export async function dropQueues(queuePrefix: string): Promise<void> {
  const redis = createGitHubRedis(REDIS_URL, silent);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${queuePrefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on Linux). */
const TICKS = 100;

/** A process's resident set (VmRSS, MiB) and CPU seconds so far (user + system), or null once it is gone. */
export function procSample(pid: number): { rssMiB: number; cpuSeconds: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at state: utime is the 12th after it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS;
    return { rssMiB: rss ? Number(rss[1]) / 1024 : 0, cpuSeconds: cpu };
  } catch {
    return null;
  }
}

/** Pids of processes whose command line matches `test` (read from /proc). */
export function pidsWhere(test: (cmdline: string) => boolean): number[] {
  const out: number[] = [];
  for (const entry of readdirSafe("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (test(cmd)) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** CPU seconds so far of a set of processes (those gone are left out). */
export function cpuOf(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) sum += procSample(pid)?.cpuSeconds ?? 0;
  return sum;
}

/** The median of numbers (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * A fleet of `n` workers sharing everything but their token (each its own budget in the simulator)
 * and their log file: worker `i` takes `tokenOf(i)` and logs to `logPathOf(i)`.
 */
export function startWorkers(
  n: number,
  shared: Omit<WorkerOptions, "token" | "logPath">,
  tokenOf: (i: number) => string,
  logPathOf: (i: number) => string,
): WorkerChild[] {
  return Array.from({ length: n }, (_, i) => startWorker({ ...shared, token: tokenOf(i), logPath: logPathOf(i) }));
}
