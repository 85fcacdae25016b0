import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { WORLD_FORMAT, WORLD_FORMAT_VERSION, WorldHeader, WorldRecord } from "./schema.js";
import { World } from "./world.js";

export interface LoadOptions {
  /** Validate every record with zod (default true; false trusts the file and loads ~3x faster). */
  validate?: boolean;
  /** Keep ground-truth records (default true; the server can drop them). */
  truth?: boolean;
}

/** Parses one line of a world file, naming the line and the field when it is wrong. */
export function parseWorldLine(line: string, lineNumber: number, validate = true): WorldRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new Error(`world file line ${lineNumber}: not JSON (${(e as Error).message})`);
  }
  if (!validate) return value as WorldRecord;
  const parsed = WorldRecord.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") || "(record)";
    throw new Error(
      `world file line ${lineNumber}: field "${path}": ${issue?.message ?? "invalid"} (e.g. a {"type":"user",...} record as in docs/simulator.md)`,
    );
  }
  return parsed.data;
}

function checkHeader(record: WorldRecord, lineNumber: number): void {
  if (lineNumber !== 1) return;
  const header = WorldHeader.safeParse(record);
  if (!header.success) {
    throw new Error(
      `world file line 1: must be a header {"type":"header","format":"${WORLD_FORMAT}","version":${WORLD_FORMAT_VERSION},...}`,
    );
  }
}

/** Reads a world file record by record, streaming (never the whole file as one string). */
export async function* readWorldRecords(path: string, options: LoadOptions = {}): AsyncGenerator<WorldRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === "") continue;
    const record = parseWorldLine(line, n, options.validate ?? true);
    checkHeader(record, n);
    yield record;
  }
  if (n === 0) throw new Error(`world file ${path} is empty: expected a header line`);
}

/** Loads a JSON Lines world file into an in-memory `World`, streaming. */
export async function loadWorld(path: string, options: LoadOptions = {}): Promise<World> {
  const world = new World(undefined, { truth: options.truth ?? true });
  const validate = options.validate ?? true;
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === "") continue;
    const record = parseWorldLine(line, n, validate);
    checkHeader(record, n);
    // Unvalidated lines are stored as they are; validated ones in the schema's normal form.
    world.add(record, validate ? undefined : line);
  }
  if (n === 0) throw new Error(`world file ${path} is empty: expected a header line`);
  return world;
}

/** Writes records as JSON Lines, honouring back-pressure. Returns the number of records. */
export async function writeWorld(
  records: Iterable<WorldRecord> | AsyncIterable<WorldRecord>,
  path: string,
): Promise<number> {
  const out = createWriteStream(path, { encoding: "utf8" });
  let n = 0;
  let buffer = "";
  try {
    for await (const r of records) {
      buffer += `${JSON.stringify(r)}\n`;
      n += 1;
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await once(out, "drain");
        buffer = "";
      }
    }
    out.end(buffer);
    await once(out, "finish");
  } catch (e) {
    out.destroy();
    throw e;
  }
  return n;
}

/** Serialises records to a JSON Lines string (small worlds and tests only). */
export function worldToJsonl(records: Iterable<WorldRecord>): string {
  let s = "";
  for (const r of records) s += `${JSON.stringify(r)}\n`;
  return s;
}
