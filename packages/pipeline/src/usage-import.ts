import type { IdentityKind } from "@yardstick/core";
import { CsvError, parse } from "csv-parse/sync";
import { z } from "zod";

/**
 * Usage import (METRICS.md "Cost"): token and cost usage per person, day and tool, from a file.
 * Pure parsing: text in, rows and row errors out. Accepted shapes (auto-detected, or forced with
 * `format`):
 *
 * - `csv`: a header row, then one row per person, day and tool. Columns (case-insensitive, `-`,
 *   `_` and spaces ignored): an identity (`login`, `email`, `user_id`, or `user`/`person`: an email
 *   when it contains `@`, else a login), `day` or `date` (YYYY-MM-DD, or an ISO time: its UTC day),
 *   `tool`, `tokens_in` (or `input_tokens`, `prompt_tokens`), `tokens_out` (or `output_tokens`),
 *   `cost` (or `cost_usd`, USD). Tokens default to 0, cost to empty (unknown).
 * - `json`: an array of objects with the same fields (camelCase too: `tokensIn`, `costUsd`), or
 *   an object holding that array under `records`, `usage` or `data`; or NDJSON (one object a line).
 * - `copilot`: GitHub's Copilot usage metrics, user-level records (NDJSON export or a JSON array):
 *   `day`, `user_login` / `user_id`, tokens from every `token_usage` object in the record
 *   (`prompt_tokens_sum` in, `output_tokens_sum` out: `totals_by_cli`, `totals_by_copilot_app`,
 *   ...). Copilot is paid per seat, and `ai_credits_used` is not dollars, so cost is left unknown.
 *   Tool `copilot`.
 * - `claude-code`: Anthropic's Claude Code usage report (Admin API
 *   `/v1/organizations/usage_report/claude_code`: `{"data": [...], "has_more", "next_page"}`, or
 *   the `data` array itself): `date`, `actor` (`user_actor` with `email_address`), and per model
 *   in `model_breakdown`: `tokens.input` + `tokens.cache_read` + `tokens.cache_creation` in,
 *   `tokens.output` out, `estimated_cost.amount` (in cents of USD, as the report gives it) as cost.
 *   Records of an `api_actor` (an API key, not a person) are skipped and counted. Tool `claude-code`.
 *
 * Rows with the same identity, day and tool within one file are added up (the Claude Code report
 * has one record per actor, day and terminal), so importing a file writes each key once, and
 * importing it again writes the same values: idempotent.
 */

export const UsageFormat = z.enum(["csv", "json", "copilot", "claude-code"]);
export type UsageFormat = z.infer<typeof UsageFormat>;

/** One usage_records row, before the identity is resolved to a person. */
export interface UsageRow {
  /** The report it came from: "csv", "json", "copilot-usage", "claude-code-usage". */
  source: string;
  identityKind: IdentityKind;
  identityValue: string;
  day: string;
  tool: string;
  tokensIn: number;
  tokensOut: number;
  costUsd: number | null;
}

/** A row that could not be read: where (line of a CSV/NDJSON file, else record index), which field, why. */
export interface UsageRowError {
  /** "line 4" or "record 3" (1-based). */
  at: string;
  field: string;
  message: string;
  example: string;
}

export interface UsageParseResult {
  format: UsageFormat;
  rows: UsageRow[];
  errors: UsageRowError[];
  /** Records deliberately not imported (e.g. Claude Code API-key actors), with the reason. */
  skipped: { at: string; reason: string }[];
}

const SOURCES: Record<UsageFormat, string> = {
  csv: "csv",
  json: "json",
  copilot: "copilot-usage",
  "claude-code": "claude-code-usage",
};

class RowError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly example: string,
  ) {
    super(message);
  }
}

type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (v: Json): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** `tokens_in`, `tokensIn`, `Tokens In` -> `tokensin`. */
const norm = (key: string) => key.toLowerCase().replace(/[\s_-]/g, "");

function field(record: Obj, names: readonly string[]): Json {
  const wanted = new Set(names.map(norm));
  for (const [k, v] of Object.entries(record)) if (wanted.has(norm(k)) && v !== "" && v != null) return v;
  return undefined;
}

function dayOf(value: Json, name: string): string {
  const s = typeof value === "string" ? value.trim() : "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const d = new Date(`${s}T00:00:00Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().startsWith(s)) return s;
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) return d.toISOString().slice(0, 10);
  }
  if (value === undefined) throw new RowError(name, "missing", "2026-01-05");
  throw new RowError(name, `not a calendar day: ${JSON.stringify(value)}`, "2026-01-05");
}

function count(value: Json, name: string, example: string): number {
  if (value === undefined) return 0;
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || (typeof value === "string" && value.trim() === "")) {
    throw new RowError(name, `not a non-negative number: ${JSON.stringify(value)}`, example);
  }
  return n;
}

function wholeCount(value: Json, name: string): number {
  const n = count(value, name, "1200");
  if (!Number.isInteger(n)) throw new RowError(name, `not a whole number of tokens: ${JSON.stringify(value)}`, "1200");
  return n;
}

function identityOf(record: Obj): { identityKind: IdentityKind; identityValue: string } {
  const text = (v: Json) => (typeof v === "string" || typeof v === "number" ? String(v).trim() : "");
  const login = text(field(record, ["login", "user_login", "github_login"]));
  // GitHub logins cannot contain "@": a login column holding an address is an email.
  if (login !== "") return { identityKind: login.includes("@") ? "email" : "login", identityValue: login };
  const email = text(field(record, ["email", "email_address", "user_email"]));
  if (email !== "") return { identityKind: "email", identityValue: email };
  const id = text(field(record, ["user_id", "github_user_id"]));
  if (id !== "") {
    if (!/^\d+$/.test(id))
      throw new RowError("user_id", `not a numeric GitHub user id: ${JSON.stringify(id)}`, "583231");
    return { identityKind: "user_id", identityValue: id };
  }
  const any = text(field(record, ["user", "person", "username"]));
  if (any !== "")
    return any.includes("@")
      ? { identityKind: "email", identityValue: any }
      : { identityKind: "login", identityValue: any };
  throw new RowError("login", "missing: no login, email, user_id, user or person", "octocat");
}

/** A generic record (CSV row or JSON object) -> a row. */
function genericRow(record: Obj, source: string): UsageRow {
  const identity = identityOf(record);
  const day = dayOf(field(record, ["day", "date"]), "day");
  const toolValue = field(record, ["tool", "product"]);
  const tool = typeof toolValue === "string" ? toolValue.trim() : "";
  if (tool === "") throw new RowError("tool", "missing", "claude-code");
  const tokensIn = wholeCount(field(record, ["tokens_in", "input_tokens", "prompt_tokens"]), "tokens_in");
  const tokensOut = wholeCount(field(record, ["tokens_out", "output_tokens"]), "tokens_out");
  const costValue = field(record, ["cost", "cost_usd", "costusd"]);
  const costUsd = costValue === undefined ? null : count(costValue, "cost", "12.50");
  return { source, ...identity, day, tool, tokensIn, tokensOut, costUsd };
}

/** Sums every `token_usage` object in a Copilot record. */
function copilotTokens(value: Json, into: { in: number; out: number }, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      copilotTokens(v, into, `${path}[${i}]`);
    });
    return;
  }
  if (!isObj(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === "token_usage" && isObj(v)) {
      into.in += wholeCount(v.prompt_tokens_sum, `${path}${k}.prompt_tokens_sum`);
      into.out += wholeCount(v.output_tokens_sum, `${path}${k}.output_tokens_sum`);
    } else copilotTokens(v, into, `${path}${k}.`);
  }
}

function copilotRow(record: Obj): UsageRow {
  const source = SOURCES.copilot;
  const login = record.user_login;
  const id = record.user_id;
  let identity: { identityKind: IdentityKind; identityValue: string };
  if (typeof login === "string" && login.trim() !== "")
    identity = { identityKind: "login", identityValue: login.trim() };
  else if ((typeof id === "number" || typeof id === "string") && /^\d+$/.test(String(id).trim()))
    identity = { identityKind: "user_id", identityValue: String(id).trim() };
  else throw new RowError("user_login", "missing (and no numeric user_id)", "octocat");
  const day = dayOf(record.day, "day");
  const tokens = { in: 0, out: 0 };
  copilotTokens(record, tokens, "");
  return { source, ...identity, day, tool: "copilot", tokensIn: tokens.in, tokensOut: tokens.out, costUsd: null };
}

function claudeCodeRow(record: Obj): UsageRow | { skip: string } {
  const actor = record.actor;
  if (!isObj(actor)) throw new RowError("actor", "missing", '{"type": "user_actor", "email_address": "ana@acme.io"}');
  if (actor.type === "api_actor")
    return { skip: `API key ${JSON.stringify(actor.api_key_name ?? "")} is not a person` };
  const email = typeof actor.email_address === "string" ? actor.email_address.trim() : "";
  if (email === "") throw new RowError("actor.email_address", "missing", "ana@acme.io");
  const day = dayOf(record.date, "date");
  let tokensIn = 0;
  let tokensOut = 0;
  let cents: number | null = null;
  const models = record.model_breakdown ?? [];
  if (!Array.isArray(models))
    throw new RowError("model_breakdown", "not a list", '[{"model": "...", "tokens": {...}}]');
  models.forEach((m, i) => {
    const at = `model_breakdown[${i}]`;
    if (!isObj(m)) throw new RowError(at, "not an object", '{"model": "claude-sonnet-4-5", "tokens": {...}}');
    const t = isObj(m.tokens) ? m.tokens : {};
    tokensIn += wholeCount(t.input, `${at}.tokens.input`);
    tokensIn += wholeCount(t.cache_read, `${at}.tokens.cache_read`);
    tokensIn += wholeCount(t.cache_creation, `${at}.tokens.cache_creation`);
    tokensOut += wholeCount(t.output, `${at}.tokens.output`);
    if (isObj(m.estimated_cost) && m.estimated_cost.amount !== undefined) {
      const currency = m.estimated_cost.currency;
      if (currency !== undefined && currency !== "USD") {
        throw new RowError(`${at}.estimated_cost.currency`, `not USD: ${JSON.stringify(currency)}`, "USD");
      }
      cents = (cents ?? 0) + count(m.estimated_cost.amount, `${at}.estimated_cost.amount`, "1025");
    }
  });
  return {
    source: SOURCES["claude-code"],
    identityKind: "email",
    identityValue: email,
    day,
    tool: "claude-code",
    tokensIn,
    tokensOut,
    costUsd: cents === null ? null : cents / 100,
  };
}

/** A CSV file the reader cannot split into records (a quoted cell never closed), with the line. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * RFC 4180 CSV through csv-parse: quoted fields, doubled quotes, CRLF or LF, a byte-order mark.
 * Each record with the line it starts on; blank lines are skipped. A quoted cell that is never
 * closed is a `CsvSyntaxError` naming its line (a hand-written reader took the rest of the file
 * into that cell and silently lost the rows after it).
 */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, csv-parse returns each record with its position (its types do not say so).
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = Number((error as CsvError & { lines?: number }).lines ?? 0);
      throw new CsvSyntaxError(
        line,
        error.code === "CSV_QUOTE_NOT_CLOSED"
          ? "a quoted cell is never closed (a missing closing quote, or a stray quote at the start of a cell)"
          : `not valid CSV (${error.code})`,
      );
    }
    throw error;
  }
  return records
    .map(({ record, info }) => {
      const inner = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
      return { line: info.lines - inner, cells: record };
    })
    .filter((r) => !(r.cells.length === 1 && r.cells[0]?.trim() === ""));
}

/** Guesses the format from the content (and the file name's extension, when given). */
export function detectUsageFormat(text: string, fileName = ""): UsageFormat {
  const trimmed = text.replace(/^\uFEFF/, "").trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return "csv";
  const records = jsonRecords(trimmed);
  const first = records.find(isObj);
  if (isObj(first)) {
    if ("actor" in first && ("model_breakdown" in first || "core_metrics" in first)) return "claude-code";
    if ("day" in first && ("user_login" in first || "user_id" in first) && !("tool" in first)) return "copilot";
  }
  return fileName.toLowerCase().endsWith(".csv") ? "csv" : "json";
}

/** The records of a JSON document, a JSON array, an object wrapping one, or NDJSON; [] when unreadable. */
function jsonRecords(text: string): Json[] {
  try {
    return unwrap(JSON.parse(text) as Json);
  } catch {
    const out: Json[] = [];
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === "") continue;
      try {
        out.push(JSON.parse(line) as Json);
      } catch {
        return out;
      }
    }
    return out;
  }
}

function unwrap(doc: Json): Json[] {
  if (Array.isArray(doc)) return doc;
  if (isObj(doc)) {
    for (const key of ["data", "records", "usage", "day_totals"]) {
      const v = doc[key];
      if (Array.isArray(v)) return v;
    }
    return [doc];
  }
  return [];
}

/** Records with where they are: `line N` for NDJSON, `record N` for a JSON document. */
function locatedJson(text: string): { at: string; value: Json }[] | { error: string } {
  const body = text.replace(/^\uFEFF/, "");
  try {
    return unwrap(JSON.parse(body) as Json).map((value, i) => ({ at: `record ${i + 1}`, value }));
  } catch (whole) {
    const lines = body.split(/\r?\n/);
    if (lines.filter((l) => l.trim() !== "").length < 2)
      return { error: `not valid JSON: ${(whole as Error).message}` };
    return lines.flatMap((l, i) => {
      if (l.trim() === "") return [];
      try {
        return [{ at: `line ${i + 1}`, value: JSON.parse(l) as Json }];
      } catch (e) {
        return [
          { at: `line ${i + 1}`, value: new RowError("(line)", `not valid JSON: ${(e as Error).message}`, "{...}") },
        ];
      }
    });
  }
}

/**
 * Parses a usage file. Never throws for bad rows: they go to `errors` (naming the line or record
 * and the field), the good rows to `rows`. A document that is not readable at all as the format
 * gives one error `at: "file"`.
 */
export function parseUsage(text: string, options: { format?: UsageFormat; fileName?: string } = {}): UsageParseResult {
  const format = options.format ?? detectUsageFormat(text, options.fileName);
  const rows: UsageRow[] = [];
  const errors: UsageRowError[] = [];
  const skipped: { at: string; reason: string }[] = [];
  const fail = (at: string, e: unknown) => {
    if (e instanceof RowError) errors.push({ at, field: e.field, message: e.message, example: e.example });
    else throw e;
  };

  if (format === "csv") {
    let parsed: { line: number; cells: string[] }[];
    try {
      parsed = parseCsv(text);
    } catch (e) {
      if (!(e instanceof CsvSyntaxError)) throw e;
      errors.push({ at: `line ${e.line}`, field: "(file)", message: e.message, example: '"a cell, with a comma",2' });
      return { format, rows, errors, skipped };
    }
    const [header, ...records] = parsed;
    if (header === undefined) return { format, rows, errors, skipped };
    const names = header.cells.map((c) => c.trim());
    for (const r of records) {
      const at = `line ${r.line}`;
      if (r.cells.length !== names.length) {
        errors.push({
          at,
          field: "(row)",
          message: `has ${r.cells.length} cells, the header has ${names.length}`,
          example: names.join(","),
        });
        continue;
      }
      const record: Obj = {};
      names.forEach((n, i) => {
        record[n] = (r.cells[i] as string).trim();
      });
      try {
        rows.push(genericRow(record, SOURCES.csv));
      } catch (e) {
        fail(at, e);
      }
    }
    return { format, rows: combine(rows), errors, skipped };
  }

  const located = locatedJson(text);
  if ("error" in located) {
    errors.push({ at: "file", field: "(document)", message: located.error, example: '[{"login": "octocat", ...}]' });
    return { format, rows, errors, skipped };
  }
  for (const { at, value } of located) {
    try {
      if (value instanceof RowError) throw value;
      if (!isObj(value)) throw new RowError("(record)", "not an object", '{"login": "octocat", "day": "2026-01-05"}');
      if (format === "copilot") rows.push(copilotRow(value));
      else if (format === "claude-code") {
        const row = claudeCodeRow(value);
        if ("skip" in row) skipped.push({ at, reason: row.skip });
        else rows.push(row);
      } else rows.push(genericRow(value, SOURCES.json));
    } catch (e) {
      fail(at, e);
    }
  }
  return { format, rows: combine(rows), errors, skipped };
}

/** Adds up rows with the same natural key (source, identity, day, tool). */
function combine(rows: readonly UsageRow[]): UsageRow[] {
  const byKey = new Map<string, UsageRow>();
  for (const r of rows) {
    const key = JSON.stringify([r.source, r.identityKind, r.identityValue.toLowerCase(), r.day, r.tool]);
    const prev = byKey.get(key);
    if (prev === undefined) byKey.set(key, { ...r });
    else {
      prev.tokensIn += r.tokensIn;
      prev.tokensOut += r.tokensOut;
      prev.costUsd = prev.costUsd === null && r.costUsd === null ? null : (prev.costUsd ?? 0) + (r.costUsd ?? 0);
    }
  }
  return [...byKey.values()];
}

/** `line 4, tokens_in: not a non-negative number: "abc" (for example 1200)`. */
export function formatUsageError(e: UsageRowError): string {
  return `${e.at}, ${e.field}: ${e.message} (for example ${e.example})`;
}
