import { AppError } from "@yardstick/core";

/**
 * Database failures as the rest of the product sees them, translated at the edge. A failed
 * statement's driver error carries the statement's parameters (drizzle's `DrizzleQueryError`
 * puts every value in its message: a PR body, a megabyte title); the translation keeps only what
 * helps and reveals nothing stored: the statement's head (`insert into "pull_requests"`), the
 * table, the SQLSTATE, the constraint and column names, and how many parameters of what total
 * size it had. PostgreSQL's own message is cut at its first ": ", after which it quotes values
 * ("invalid input syntax for type integer: \"abc\"").
 */
export const DatabaseErrorCode = {
  /** The data cannot be stored as it is (SQLSTATE classes 22, 23 and 54): retrying cannot help. */
  data: "db.data",
  /** A bug: a statement the database does not understand (class 42, undefined objects, syntax). */
  statement: "db.statement",
  /** The database is unreachable, restarting or out of connections: retrying may help. */
  unavailable: "unavailable.database",
  /** Anything else the database said: retried. */
  failed: "db.failed",
} as const;
export type DatabaseErrorCode = (typeof DatabaseErrorCode)[keyof typeof DatabaseErrorCode];

export interface DatabaseFailure {
  code: DatabaseErrorCode;
  /** SQLSTATE, when the database answered. */
  sqlState: string | null;
  /** The statement's first words: `insert into "pull_requests"`, `select`, `update "changes"`. */
  statement: string | null;
  table: string | null;
  constraint: string | null;
  column: string | null;
  parameters: number | null;
  /** Total length of the string parameters, in UTF-16 code units. */
  parameterChars: number | null;
  /** PostgreSQL's message up to the first ": " (what follows quotes values), at most 200 characters. */
  reason: string;
}

export class DatabaseError extends AppError {
  override readonly code: DatabaseErrorCode;
  readonly failure: DatabaseFailure;

  constructor(failure: DatabaseFailure) {
    const where = [
      failure.statement,
      failure.table !== null && !failure.statement?.includes(`"${failure.table}"`) ? `table ${failure.table}` : null,
      failure.constraint === null ? null : `constraint ${failure.constraint}`,
      failure.column === null ? null : `column ${failure.column}`,
      failure.parameters === null ? null : `${failure.parameters} parameters, ${failure.parameterChars} characters`,
    ].filter((part) => part !== null);
    super(
      failure.code,
      `Database refused ${where.length === 0 ? "a statement" : where.join(", ")}: ${failure.sqlState ?? "no SQLSTATE"} ${failure.reason}`,
      {
        retryable: failure.code === DatabaseErrorCode.unavailable || failure.code === DatabaseErrorCode.failed,
        details: { ...failure },
      },
    );
    this.code = failure.code;
    this.failure = failure;
  }
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The chain of `cause`s from `error` down, at most 6 deep. */
function chainOf(error: unknown): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    chain.push(current as Record<string, unknown>);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function firstString(chain: readonly Record<string, unknown>[], ...keys: string[]): string | null {
  for (const link of chain) {
    for (const key of keys) {
      const value = link[key];
      if (typeof value === "string" && value !== "") return value;
    }
  }
  return null;
}

/** The SQLSTATE in an error or its causes (postgres.js, PGlite and drizzle errors all carry `code`). */
export function sqlStateOf(error: unknown): string | null {
  for (const link of chainOf(error)) {
    const code = link.code;
    if (typeof code === "string" && SQLSTATE.test(code)) return code;
  }
  return null;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

function classify(sqlState: string | null, chain: readonly Record<string, unknown>[]): DatabaseErrorCode {
  if (sqlState === null) {
    const codes = chain.map((link) => link.code).filter((c): c is string => typeof c === "string");
    return codes.some((c) => CONNECTION_CODES.has(c)) ? DatabaseErrorCode.unavailable : DatabaseErrorCode.failed;
  }
  const cls = sqlState.slice(0, 2);
  // 22 data exception, 23 integrity constraint violation, 54 program limit exceeded (an index row too large).
  // A foreign key violation (23503) is left retryable: it can be a race with a concurrent writer.
  if (cls === "22" || (cls === "23" && sqlState !== "23503") || cls === "54") return DatabaseErrorCode.data;
  if (cls === "42" || cls === "0A") return DatabaseErrorCode.statement;
  // 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown, cancel).
  if (cls === "08" || cls === "53" || cls === "57") return DatabaseErrorCode.unavailable;
  return DatabaseErrorCode.failed;
}

/** `insert into "pull_requests"`: the statement's leading keywords and first quoted name. */
export function statementHead(query: string): string {
  const match = /^\s*((?:with\s+.*?\)\s*)?(?:insert\s+into|update|delete\s+from|select|with))\s*("[^"]{1,63}")?/is.exec(
    query,
  );
  if (match === null) return query.trim().split(/\s+/, 1)[0]?.slice(0, 20).toLowerCase() ?? "";
  const verb = (match[1] ?? "").replace(/\s+/g, " ").toLowerCase();
  return match[2] === undefined ? verb : `${verb} ${match[2]}`;
}

function tableOf(query: string | null): string | null {
  if (query === null) return null;
  const match = /^\s*(?:insert\s+into|update|delete\s+from)\s+"([^"]{1,63})"/i.exec(query);
  return match?.[1] ?? null;
}

function reasonOf(message: string | null): string {
  if (message === null) return "(no message)";
  const cut = message.split("\n", 1)[0] ?? "";
  const colon = cut.indexOf(": ");
  return (colon === -1 ? cut : cut.slice(0, colon)).slice(0, 200);
}

/** Whether `error` is (or wraps) something a database client threw: it has a SQLSTATE or a failed query. */
export function isDatabaseFailure(error: unknown): boolean {
  if (error instanceof DatabaseError) return true;
  return chainOf(error).some(
    (link) =>
      (typeof link.code === "string" && SQLSTATE.test(link.code) && typeof link.message === "string") ||
      (typeof link.query === "string" && ("params" in link || "parameters" in link)),
  );
}

/** What a failed statement was, without any of its values. */
export function describeDatabaseFailure(error: unknown): DatabaseFailure {
  if (error instanceof DatabaseError) return error.failure;
  const chain = chainOf(error);
  const sqlState = sqlStateOf(error);
  const query = firstString(chain, "query");
  let params: unknown[] | null = null;
  for (const link of chain) {
    const value = link.params ?? link.parameters;
    if (Array.isArray(value)) {
      params = value;
      break;
    }
  }
  const pgMessage = chain.find((link) => typeof link.code === "string" && SQLSTATE.test(link.code))?.message;
  return {
    code: classify(sqlState, chain),
    sqlState,
    statement: query === null ? null : statementHead(query),
    table: firstString(chain, "table", "table_name") ?? tableOf(query),
    constraint: firstString(chain, "constraint", "constraint_name"),
    column: firstString(chain, "column", "column_name"),
    parameters: params === null ? null : params.length,
    parameterChars:
      params === null ? null : params.reduce<number>((n, p) => n + (typeof p === "string" ? p.length : 0), 0),
    reason: reasonOf(typeof pgMessage === "string" ? pgMessage : sqlState === null ? firstMessage(chain) : null),
  };
}

function firstMessage(chain: readonly Record<string, unknown>[]): string | null {
  // A driver error without SQLSTATE (a lost connection): its message names no values, except
  // drizzle's own "Failed query: ... params: ...", which is skipped.
  for (const link of chain) {
    const message = link.message;
    if (typeof message === "string" && !message.startsWith("Failed query:")) return message;
  }
  return null;
}

/** A database failure as a DatabaseError (no values in it); anything else unchanged. */
export function toDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseError || !isDatabaseFailure(error)) return error;
  return new DatabaseError(describeDatabaseFailure(error));
}

/** Whether the database refused the data itself (so storing it again cannot succeed). */
export function isDataError(error: unknown): boolean {
  return isDatabaseFailure(error) && describeDatabaseFailure(error).code === DatabaseErrorCode.data;
}
