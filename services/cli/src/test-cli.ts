import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { createLogger, type Logger } from "@yardstick/log";
import { Command } from "commander";

/** Test helper: a logger at `info` whose JSON lines are parsed into `lines` as they are written. */
export function capturingLogger<L>(lines: L[]): Logger {
  return createLogger({
    service: "test",
    level: "info",
    destination: new Writable({
      write: (chunk, _e, cb) => {
        for (const line of chunk.toString().split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as L);
        cb();
      },
    }),
  });
}

/**
 * Test helper: runs `yardstick <args>` in this process with the given commands registered and
 * returns what it wrote to standard output (errors propagate, as `main` would report them).
 */
export async function runCli(
  register: readonly ((program: Command) => void)[],
  args: readonly string[],
): Promise<string> {
  const program = new Command("yardstick").exitOverride();
  for (const r of register) r(program);
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync([...args], { from: "user" });
  } finally {
    process.stdout.write = write;
  }
  return out;
}

const ROOT = resolve(import.meta.dirname, "../../..");
/** tsx's loader by URL, so a child in another working directory finds it. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const MAIN = join(ROOT, "services/cli/src/main.ts");
/** The installed bin: runs the release build (services/cli/dist) with plain node. */
export const RELEASE_BIN = join(ROOT, "services/cli/bin/yardstick.mjs");

/**
 * How a test runs the real `yardstick` command in a child process: `node <cliEntry()> <args>`.
 * From its sources through tsx, as `pnpm yardstick` does; or, with `YARDSTICK_TEST_CLI=built`
 * (the vitest project `release`, which runs every test that starts the command a second time),
 * the release build through the installed bin with plain node, as the image runs it.
 */
export function cliEntry(): string[] {
  const mode = process.env.YARDSTICK_TEST_CLI ?? "sources";
  if (mode === "built") return [RELEASE_BIN];
  if (mode === "sources") return ["--import", TSX_LOADER, MAIN];
  throw new Error(`YARDSTICK_TEST_CLI=${mode}: expected "sources" (the default) or "built" (the release build)`);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Test helper: the real `yardstick` command in a child process (see `cliEntry`), with its exit
 * code and output, in the repository root or in `cwd`. `env`
 * given: only those variables (plus PATH), so the developer's own cannot leak in; absent: this
 * process's environment.
 */
export function runCliProcess(
  args: readonly string[],
  options: { stdin?: string; cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const entry = cliEntry();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: options.cwd ?? ROOT,
      ...(options.env === undefined ? {} : { env: { PATH: process.env.PATH ?? "", ...options.env } }),
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  });
}
