import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { Command } from "commander";

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

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Test helper: the real `yardstick` command in a child process, with its exit code and output.
 * From the repository root as the README runs it, or, with `cwd`, through the installed bin
 * script. `env` given: only those variables (plus PATH), so the developer's own cannot leak in;
 * absent: this process's environment.
 */
export function runCliProcess(
  args: readonly string[],
  options: { stdin?: string; cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const entry =
    options.cwd === undefined
      ? ["--import", "tsx", "services/cli/src/main.ts"]
      : [join(ROOT, "services/cli/bin/yardstick.mjs")];
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
