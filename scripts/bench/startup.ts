/**
 * Start-up time of the `yardstick` command: from the sources through tsx (`pnpm yardstick`, the
 * development path) against the release build run with plain node (`services/cli/bin`).
 *
 *   node --import tsx scripts/bench/startup.ts [--runs 7] [--worker]
 *
 * Builds the release first (services/cli/build.mjs). Measures, per variant, the wall time from
 * spawning the process:
 * - `yardstick --help` and `yardstick worker --help` until the process exits;
 * - with --worker, `yardstick worker` until its first log line ("worker started"): needs REDIS_URL
 *   (default redis://127.0.0.1:6379) and a PostgreSQL DATABASE_URL (default the test database);
 *   it uses the queue prefix `yardstick-bench-startup`, no periodic sync, rollups or digest, and is
 *   killed once it has logged.
 *
 * Prints one JSON object (median and min milliseconds per command and variant); progress on stderr.
 */
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "7" }, worker: { type: "boolean", default: false } },
});
const runs = Number.parseInt(values.runs, 10);
const root = resolve(import.meta.dirname, "../..");
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

const variants = {
  tsx: ["--import", tsxLoader, join(root, "services/cli/src/main.ts")],
  built: [join(root, "services/cli/bin/yardstick.mjs")],
} as const;

const workerEnv = {
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  GITHUB_TOKEN: "ghp_startup_benchmark_not_used",
};
const workerArgs = ["worker", "--every", "0", "--rollups-every", "0", "--no-digest"];
workerArgs.push("--queue-prefix", "yardstick-bench-startup");

/** Milliseconds from spawn to exit, or (untilLog) to the first line on standard error, then killed. */
function once(argv: readonly string[], untilLog: boolean): Promise<number> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", ...(untilLog ? workerEnv : {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let logged: number | undefined;
    // Logs go to standard error (pino, fd 2): the first complete line there is the worker's first log line.
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (untilLog && logged === undefined && stderr.includes("\n")) {
        logged = performance.now() - started;
        // Killed outright: its graceful drain is not what is measured, and would take seconds a run.
        child.kill("SIGKILL");
      }
    });
    child.stdout.resume();
    child.on("error", fail);
    child.on("close", (code) => {
      if (untilLog && logged !== undefined) {
        if (!stderr.includes("worker started")) return fail(new Error(`worker did not start: ${stderr}`));
        return done(logged);
      }
      if (code !== 0) return fail(new Error(`${argv.join(" ")} exited ${code}: ${stderr}`));
      done(performance.now() - started);
    });
  });
}

const commands: { name: string; args: readonly string[]; untilLog: boolean }[] = [
  { name: "--help", args: ["--help"], untilLog: false },
  { name: "worker --help", args: ["worker", "--help"], untilLog: false },
];
if (values.worker) commands.push({ name: "worker (first log line)", args: workerArgs, untilLog: true });

const buildStarted = performance.now();
execFileSync(process.execPath, [join(root, "services/cli/build.mjs")], { stdio: "pipe" });
const buildMs = Math.round(performance.now() - buildStarted);

const results: Record<string, Record<string, { medianMs: number; minMs: number }>> = {};
for (const command of commands) {
  results[command.name] = {};
  for (const [variant, argv] of Object.entries(variants)) {
    await once([...argv, ...command.args], command.untilLog); // warm the file cache
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await once([...argv, ...command.args], command.untilLog));
    times.sort((a, b) => a - b);
    const entry = { medianMs: Math.round(times[Math.floor(times.length / 2)] ?? 0), minMs: Math.round(times[0] ?? 0) };
    const byVariant = results[command.name] ?? {};
    byVariant[variant] = entry;
    results[command.name] = byVariant;
    process.stderr.write(`${command.name} [${variant}]: median ${entry.medianMs} ms, min ${entry.minMs} ms\n`);
  }
}

process.stdout.write(
  `${JSON.stringify({ node: process.version, cpus: cpus().length, loadavg: loadavg().map((l) => Number(l.toFixed(2))), runs, buildMs, results }, null, 2)}\n`,
);
