import { once } from "node:events";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable, Writable } from "node:stream";
import { type AttributionContext, compileRules, processLine } from "@yardstick/attribution";
import { loadConfig } from "@yardstick/config";
import { InputError } from "@yardstick/core";
import type { Command } from "commander";
import { ExitCode } from "../exit-codes.js";

/** Flush the output buffer once it reaches this size: few large writes, bounded memory (about one input chunk's output). */
const FLUSH_AT = 64 * 1024;

export interface AttributeStreamResult {
  lines: number;
  errors: number;
}

/**
 * JSON Lines in, one JSON line out per non-blank input line (blank lines are skipped, but still
 * counted for line numbers). Streamed: the input is read chunk by chunk (async iteration pauses
 * the source while we work) and the output is written in batches of at least 64 KiB, waiting
 * for `drain` when the destination is slow. A malformed line yields `{"line", "error", "field"}` and the
 * rest is still processed.
 */
export async function attributeStream(
  input: Readable,
  output: Writable,
  ctx: AttributionContext = { rules: compileRules() },
): Promise<AttributeStreamResult> {
  let closed = false;
  let failure: Error | null = null;
  const onError = (error: NodeJS.ErrnoException) => {
    // The reader went away (`| head`): stop quietly; any other write error is reported.
    closed = true;
    if (error.code !== "EPIPE") failure = error;
  };
  output.on("error", onError);
  let buffer = "";
  let pending = "";
  let lineNumber = 0;
  let lines = 0;
  let errors = 0;

  const flush = async () => {
    if (buffer === "" || closed) return;
    const ok = output.write(buffer);
    buffer = "";
    if (!ok) await Promise.race([once(output, "drain"), once(output, "close")]);
  };
  // Synchronous per line (an async call per line costs a promise each); the output is flushed,
  // honouring backpressure, once per input chunk when enough has accumulated.
  const handle = (raw: string) => {
    lineNumber++;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") return;
    lines++;
    const result = processLine(text, lineNumber, ctx);
    if (!result.ok) errors++;
    buffer += `${result.output}\n`;
  };

  input.setEncoding("utf8");
  for await (const chunk of input as AsyncIterable<string>) {
    if (closed) break;
    let newline = chunk.indexOf("\n");
    if (newline === -1) {
      pending += chunk;
      continue;
    }
    handle(pending + chunk.slice(0, newline));
    pending = "";
    let start = newline + 1;
    for (newline = chunk.indexOf("\n", start); newline !== -1; newline = chunk.indexOf("\n", start)) {
      handle(chunk.slice(start, newline));
      start = newline + 1;
    }
    pending = chunk.slice(start);
    if (buffer.length >= FLUSH_AT) await flush();
  }
  if (pending !== "" && !closed) handle(pending);
  await flush();
  output.off("error", onError);
  if (failure !== null) throw failure;
  return { lines, errors };
}

async function openInput(file: string | undefined): Promise<Readable> {
  if (file === undefined || file === "-") return process.stdin;
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) {
    throw new InputError("input.file_not_found", "cannot read the attribute input", [
      { path: "--input", message: `no such file: ${file}`, example: "--input commits.jsonl" },
    ]);
  }
  return createReadStream(file, { highWaterMark: 256 * 1024 });
}

export function registerAttribute(program: Command): void {
  program
    .command("attribute")
    .summary("Attribute JSON Lines commits (standard input by default) and write one verdict per line.")
    .description(
      "Attribute commits read as JSON Lines (one commit per line) and write one verdict per line.\n" +
        'Input: {"id","message","authorName","authorEmail","committerName"?,"committerEmail"?,"authorLogin"?,\n' +
        '        "pr"?: {"authorLogin","authorType"?,"headRef"?,"labels"?,"title"?,"body"?}}\n' +
        'Output: {"id","class","tool","tools","confidence","evidence"}, or {"line","error","field"} for a malformed line.\n' +
        "Exit code: 0 when every line was valid, 1 when any line was malformed (all lines are still processed).",
    )
    .option("--input <file>", "JSON Lines file to read (default: standard input)")
    .option("--config <file>", "configuration file (default: YARDSTICK_CONFIG or ./yardstick.config.yaml)")
    .action(async (options: { input?: string; config?: string }) => {
      // The configuration's own rules, disabled rules and automation accounts apply, as in a sync.
      const { config } = await loadConfig({ path: options.config, cwd: process.cwd(), env: process.env });
      const input = await openInput(options.input);
      const result = await attributeStream(input, process.stdout, { rules: compileRules(config.attribution) });
      if (result.errors > 0) {
        process.stderr.write(`yardstick attribute: ${result.errors} of ${result.lines} lines were malformed\n`);
      }
      process.exitCode = result.errors > 0 ? ExitCode.failure : ExitCode.ok;
    });
}
