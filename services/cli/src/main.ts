import { isAppError } from "@yardstick/core";
import { toDatabaseError } from "@yardstick/db";
import { Command, CommanderError } from "commander";
import { registerAttribute } from "./commands/attribute.js";
import { registerConfig } from "./commands/config.js";
import { registerDigest } from "./commands/digest.js";
import { registerInit } from "./commands/init.js";
import { registerMetrics } from "./commands/metrics.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerPerson } from "./commands/person.js";
import { registerQuarantine } from "./commands/quarantine.js";
import { registerReport } from "./commands/report.js";
import { registerRun } from "./commands/run.js";
import { registerServe } from "./commands/serve.js";
import { registerSync } from "./commands/sync.js";
import { registerToken } from "./commands/token.js";
import { registerUsage } from "./commands/usage.js";
import { registerWorker } from "./commands/worker.js";
import { ExitCode } from "./exit-codes.js";

export function buildProgram(): Command {
  const program = new Command("yardstick")
    .description("Is AI actually helping us ship? Normalised deployments of AI-assisted changes per engineer-week.")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerRun(program);
  registerInit(program);
  registerConfig(program);
  registerMigrate(program);
  registerSync(program);
  registerWorker(program);
  registerServe(program);
  registerAttribute(program);
  registerMetrics(program);
  registerReport(program);
  registerDigest(program);
  registerUsage(program);
  registerToken(program);
  registerQuarantine(program);
  registerPerson(program);
  return program;
}

export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (thrown) {
    // A failed statement's error carries its values: shown as statement, table and SQLSTATE only.
    const error = toDatabaseError(thrown);
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (isAppError(error)) {
      process.stderr.write(`yardstick: ${error.message}\n`);
      if (error.code.startsWith("input.") || error.code.startsWith("config.")) return ExitCode.usage;
      if (error.code.startsWith("unavailable.")) return ExitCode.unavailable;
      return ExitCode.failure;
    }
    process.stderr.write(`yardstick: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.failure;
  }
}

const isEntryPoint = process.argv[1] !== undefined && /(main\.ts|yardstick(\.mjs)?)$/.test(process.argv[1]);
if (isEntryPoint) {
  process.exitCode = await run(process.argv.slice(2));
}
