import { type Column, getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import { toSnakeCase } from "drizzle-orm/casing";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "./client.js";

/**
 * The most bind parameters one statement may carry. PostgreSQL's wire protocol counts them in
 * 16 bits and postgres.js stops at 65,533 (it needs the rest for itself); PGlite shares the
 * protocol limit. Every batched write is chunked under this.
 */
export const MAX_BIND_PARAMETERS = 65_533;

/** Never refreshed by an upsert: when the row was first written. */
const WRITE_ONCE = new Set(["createdAt"]);
/** Refreshed only when a data column changed: when we last wrote the row. */
const TOUCHED = new Set(["updatedAt", "syncedAt", "importedAt"]);

/** How many rows of `columnCount` bound columns fit in one statement. */
export function rowsPerStatement(columnCount: number, maxParameters = MAX_BIND_PARAMETERS): number {
  if (!Number.isInteger(columnCount) || columnCount < 1)
    throw new RangeError(`columnCount must be >= 1: ${columnCount}`);
  return Math.max(1, Math.floor(maxParameters / columnCount));
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The SQL name of a column under `casing: "snake_case"` (names given explicitly are kept). */
export function columnName(column: Column): string {
  return column.keyAsName ? toSnakeCase(column.name) : column.name;
}

type Key<T extends PgTable> = keyof T["$inferInsert"] & string;

export interface UpsertOptions<T extends PgTable> {
  /** The natural key: the columns of the unique constraint or primary key to conflict on. */
  key: readonly Key<T>[];
  /**
   * The columns a conflicting row refreshes. Default (planUpsert): every column except the key,
   * identity columns and `createdAt`; upsertRows narrows that to the columns the batch mentions
   * (a column no row sets is left as stored, so a partial row updates just what it carries).
   * `updatedAt`/`syncedAt`/`importedAt` are refreshed only when one of the other refreshed
   * columns actually changed.
   */
  update?: readonly Key<T>[];
  /**
   * Array columns whose stored value stays when the incoming one is empty (an empty list that
   * means "not fetched", such as a commit's parents from a query that leaves them out).
   */
  keepWhenEmpty?: readonly Key<T>[];
}

export interface UpsertPlan<T extends PgTable> {
  rowsPerStatement: number;
  /**
   * Removes in-batch duplicates of a key (the last one wins: one statement cannot update a row
   * twice) and orders the rows by key.
   */
  dedupe(rows: readonly T["$inferInsert"][]): T["$inferInsert"][];
  /** The `on conflict (key) do update set ... where <something changed>` clause. */
  conflict: { target: Column[]; set: Record<string, SQL>; setWhere?: SQL };
  /** True when there is nothing to refresh (every column is the key): `on conflict do nothing`. */
  doNothing: boolean;
}

/**
 * Works out, once per table and options, how to upsert into it: the conflict target, the set of
 * columns to refresh from `excluded`, the guard that skips rows whose data is unchanged (so
 * re-syncing the same data writes nothing and leaves `updated_at` alone), and the chunk size.
 */
export function planUpsert<T extends PgTable>(table: T, options: UpsertOptions<T>): UpsertPlan<T> {
  const columns = getTableColumns(table) as Record<string, Column>;
  const keyColumns = options.key.map((k) => {
    const column = columns[k];
    if (column === undefined) throw new Error(`${getTableName(table)} has no column ${k}`);
    return column;
  });
  const update = options.update ?? updatableColumns(table, options.key);
  const set: Record<string, SQL> = {};
  const compared: SQL[] = [];
  const excluded: SQL[] = [];
  for (const k of update) {
    const column = columns[k];
    if (column === undefined) throw new Error(`${getTableName(table)} has no column ${k}`);
    const name = sql.identifier(columnName(column));
    const stored = sql`${sql.identifier(getTableName(table))}.${name}`;
    const incoming = options.keepWhenEmpty?.includes(k as Key<T>)
      ? sql`(case when cardinality(excluded.${name}) = 0 then ${stored} else excluded.${name} end)`
      : sql`excluded.${name}`;
    set[k] = incoming;
    if (!TOUCHED.has(k)) {
      compared.push(stored);
      excluded.push(incoming);
    }
  }
  const setWhere =
    compared.length === 0
      ? undefined
      : sql`(${sql.join(compared, sql`, `)}) is distinct from (${sql.join(excluded, sql`, `)})`;
  return {
    rowsPerStatement: rowsPerStatement(Object.keys(columns).length),
    dedupe(rows) {
      if (rows.length < 2) return [...rows];
      const byKey = new Map<string, T["$inferInsert"]>();
      for (const row of rows) {
        const record = row as Record<string, unknown>;
        byKey.set(JSON.stringify(options.key.map((k) => record[k] ?? null)), row);
      }
      // In key order, so concurrent writers of overlapping batches lock rows in the same order
      // and wait for each other instead of deadlocking.
      return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
    },
    conflict: setWhere === undefined ? { target: keyColumns, set } : { target: keyColumns, set, setWhere },
    doNothing: update.length === 0,
  };
}

/** The columns an upsert may refresh: all but the key, identity columns and `createdAt`. */
function updatableColumns<T extends PgTable>(table: T, key: readonly Key<T>[]): Key<T>[] {
  const columns = getTableColumns(table) as Record<string, Column>;
  return Object.keys(columns).filter((k) => {
    const column = columns[k];
    return (
      column !== undefined &&
      !key.includes(k as Key<T>) &&
      !WRITE_ONCE.has(k) &&
      (column as Column & { generatedIdentity?: unknown }).generatedIdentity === undefined
    );
  }) as Key<T>[];
}

/** The updatable columns some row of the batch sets (plus the touched ones), or none. */
function mentionedColumns<T extends PgTable>(
  table: T,
  key: readonly Key<T>[],
  rows: readonly T["$inferInsert"][],
): Key<T>[] {
  const mentioned = new Set<string>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row as Record<string, unknown>)) if (v !== undefined) mentioned.add(k);
  }
  const updatable = updatableColumns(table, key);
  const data = updatable.filter((k) => mentioned.has(k) && !TOUCHED.has(k));
  return data.length === 0 ? [] : updatable.filter((k) => mentioned.has(k) || TOUCHED.has(k));
}

/**
 * Upserts `rows` into `table` on its natural key: `insert ... on conflict (key) do update`,
 * in statements of at most MAX_BIND_PARAMETERS parameters, all in one transaction (a savepoint
 * when `db` is already a transaction). Returns the number of distinct rows written.
 */
export async function upsertRows<T extends PgTable>(
  db: Database,
  table: T,
  rows: readonly T["$inferInsert"][],
  options: UpsertOptions<T>,
): Promise<number> {
  if (rows.length === 0) return 0;
  const plan = planUpsert(table, { ...options, update: options.update ?? mentionedColumns(table, options.key, rows) });
  const unique = plan.dedupe(rows);
  await db.transaction(async (tx) => {
    for (const part of chunk(unique, plan.rowsPerStatement)) {
      const insert = tx.insert(table).values(part);
      if (plan.doNothing) {
        await insert.onConflictDoNothing({ target: plan.conflict.target } as Parameters<
          typeof insert.onConflictDoNothing
        >[0]);
        continue;
      }
      // The plan is built from the table's own columns; drizzle's type wants them per table type.
      await insert.onConflictDoUpdate(plan.conflict as Parameters<typeof insert.onConflictDoUpdate>[0]);
    }
  });
  return unique.length;
}

/**
 * `(a, b) in (select * from unnest($1::text[], $2::integer[]))`: membership of a composite key in
 * a batch of keys, with one array parameter per key column however large the batch. (A literal
 * row list, `(a, b) in ((1, 2), ...)`, costs two parameters per key and, at tens of thousands of
 * keys, exceeds PostgreSQL's expression stack depth.)
 */
export function keysIn(columns: readonly PgColumn[], tuples: readonly (readonly unknown[])[]): SQL {
  const left = sql.join(
    columns.map((c) => sql`${c}`),
    sql`, `,
  );
  const arrays = columns.map(
    (column, i) => sql`${sql.param(tuples.map((tuple) => tuple[i] ?? null))}::${sql.raw(column.getSQLType())}[]`,
  );
  return sql`(${left}) in (select * from unnest(${sql.join(arrays, sql`, `)}))`;
}

/** Column types `upsertRowsUnnest` sends as one text array each (cast back in the statement). */
const UNNEST_TYPES = new Set([
  "text",
  "boolean",
  "integer",
  "bigint",
  "double precision",
  "real",
  "jsonb",
  "timestamp with time zone",
  "date",
]);

/** A value as PostgreSQL's text input of its column's type (null stays null). */
function unnestText(value: unknown, sqlType: string): string | null {
  if (value === null || value === undefined) return null;
  if (sqlType === "jsonb") return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (value === Number.POSITIVE_INFINITY) return "Infinity";
    if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
    return String(value); // the shortest text that reads back as the same double
  }
  return String(value);
}

/** Rows per `upsertRowsUnnest` statement: one text array per column, a few MB each. */
export const UNNEST_ROWS_PER_STATEMENT = 20_000;

/**
 * `upsertRows` for large batches: the same plan (natural key, refreshed columns, the guard that
 * skips unchanged rows, in-batch duplicates removed) but one statement per
 * UNNEST_ROWS_PER_STATEMENT rows, `insert into t (...) select * from unnest($1::text[], ...)`,
 * with one text array parameter per column cast back to the column's type. A multi-row VALUES
 * insert binds one parameter per cell, and drizzle builds each cell's SQL chunk on the client:
 * at a million rows that is minutes of client CPU (issue 18); an array per column is built and
 * sent in a fraction of it, and works the same on PostgreSQL and PGlite. Every row must carry
 * each column any row of the batch sets (an absent one is written as null, not the column's
 * default); columns of other types (arrays, identity) are refused: use `upsertRows`.
 */
export async function upsertRowsUnnest<T extends PgTable>(
  db: Database,
  table: T,
  rows: readonly T["$inferInsert"][],
  options: UpsertOptions<T> & { rowsPerStatement?: number },
): Promise<number> {
  if (rows.length === 0) return 0;
  const plan = planUpsert(table, { ...options, update: options.update ?? mentionedColumns(table, options.key, rows) });
  const unique = plan.dedupe(rows);
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const mentioned = new Set<string>();
  for (const row of unique) {
    for (const [k, v] of Object.entries(row as Record<string, unknown>)) if (v !== undefined) mentioned.add(k);
  }
  const keys = Object.keys(columns).filter((k) => mentioned.has(k));
  const types = keys.map((k) => {
    const type = (columns[k] as PgColumn).getSQLType();
    if (!UNNEST_TYPES.has(type)) {
      throw new Error(`upsertRowsUnnest: ${getTableName(table)}.${k} is ${type}; use upsertRows for this table`);
    }
    return type;
  });
  const target = sql.join(
    keys.map((k) => sql.identifier(columnName(columns[k] as PgColumn))),
    sql`, `,
  );
  const conflictTarget = sql.join(
    plan.conflict.target.map((c) => sql.identifier(columnName(c))),
    sql`, `,
  );
  const onConflict = plan.doNothing
    ? sql`on conflict (${conflictTarget}) do nothing`
    : sql`on conflict (${conflictTarget}) do update set ${sql.join(
        Object.entries(plan.conflict.set).map(
          ([k, value]) => sql`${sql.identifier(columnName(columns[k] as PgColumn))} = ${value}`,
        ),
        sql`, `,
      )}${plan.conflict.setWhere === undefined ? sql`` : sql` where ${plan.conflict.setWhere}`}`;
  const size = options.rowsPerStatement ?? UNNEST_ROWS_PER_STATEMENT;
  await db.transaction(async (tx) => {
    for (const part of chunk(unique, size)) {
      const arrays = keys.map((k, i) => {
        const type = types[i] as string;
        const values = part.map((row) => unnestText((row as Record<string, unknown>)[k], type));
        return sql`${sql.param(values)}::text[]`;
      });
      const casts = keys.map((_k, i) => sql`${sql.identifier(`c${i}`)}::${sql.raw(types[i] as string)}`);
      const names = sql.raw(keys.map((_, i) => `c${i}`).join(", "));
      await tx.execute(
        sql`insert into ${table} (${target}) select ${sql.join(casts, sql`, `)} from unnest(${sql.join(arrays, sql`, `)}) as u(${names}) ${onConflict}`,
      );
    }
  });
  return unique.length;
}
