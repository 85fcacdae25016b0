import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { type Database, normaliseIdentity, resolveIdentities, upsertUsage } from "@yardstick/db";
import { parseUsage, type UsageFormat, type UsageParseResult } from "./usage-import.js";

/**
 * Reading a usage file and storing its rows: the one code path of `yardstick usage import FILE`
 * and of a sync run's `usage.sources` (the `usage.import` job).
 */

/** A usage file read: its rows (and row errors), or why it could not be read at all. */
export type UsageFileRead =
  | { ok: true; parsed: UsageParseResult }
  | { ok: false; unreadable: true; reason: string }
  | { ok: false; unreadable: false; format: UsageFormat; messages: string[] };

/** Reads and parses a usage file (`format` absent: detected from its content and name). */
export async function readUsageFile(path: string, format?: UsageFormat): Promise<UsageFileRead> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error && "code" in error ? String(error.code) : String(error);
    return { ok: false, unreadable: true, reason };
  }
  const parsed = parseUsage(text, { ...(format === undefined ? {} : { format }), fileName: basename(path) });
  const fileLevel = parsed.errors.filter((e) => e.at === "file");
  if (fileLevel.length > 0) {
    return { ok: false, unreadable: false, format: parsed.format, messages: fileLevel.map((e) => e.message) };
  }
  return { ok: true, parsed };
}

/**
 * Resolves parsed usage rows to people and writes them. Re-importing replaces the same rows
 * (keyed by source, identity, day and tool), and the same values change nothing.
 */
export async function storeUsage(db: Database, rows: UsageParseResult["rows"]) {
  const people = await resolveIdentities(
    db,
    rows.map((r) => ({ kind: r.identityKind, value: r.identityValue })),
  );
  const records = rows.map((r) => ({
    ...r,
    personId: people.get(`${r.identityKind}:${normaliseIdentity(r.identityValue)}`) ?? null,
  }));
  await upsertUsage(db, records);
  return records;
}
