import { eq, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { rollupKept, rollupKeptFacts } from "../schema/rollup-kept.js";
import { chunk, keysIn, upsertRowsUnnest } from "../upsert.js";

/**
 * The rollup worker's kept state in storage (issue 18; tables `rollup_kept` and
 * `rollup_kept_facts`): the header says under which fingerprint and up to which data stamp the
 * facts are current and how many rows with which checksum it holds; each save is one
 * transaction, so a reader sees a whole state. The facts' form is the metrics package's
 * (`KeptFactRow`); this module stores and checks rows.
 */

export type KeptHeaderRow = typeof rollupKept.$inferSelect;
export type KeptFactDbRow = typeof rollupKeptFacts.$inferSelect;

/** The data stamp a save records: the fingerprint and how far the facts are current. */
export interface KeptStamp {
  fingerprint: string;
  watermark: Date;
  computedNow: Date;
  heads: Record<string, string | null>;
  meta: Record<string, unknown>;
}

const KEPT_ID = "weekly";

/**
 * A row's hash, an integer below 2^60 from the md5 of everything it stores: the header's checksum
 * is the exact sum of its rows' hashes, kept current by each save from the rows it writes
 * (before and after), and checked against the rows on every restore.
 */
const rowHash = sql`('x' || substr(md5(${rollupKeptFacts.kind} || ' ' || ${rollupKeptFacts.key} || ' ' || ${rollupKeptFacts.ord}::text || ' ' || ${rollupKeptFacts.week} || ' ' || ${rollupKeptFacts.data}::text), 1, 15))::bit(60)::bigint::numeric`;

async function one<T>(db: Database, query: SQL): Promise<T> {
  // postgres.js returns the rows, PGlite a result holding them.
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  const rows = Array.isArray(result) ? result : result.rows;
  return rows[0] as T;
}

/** Count and hash sum of the stored facts with these (kind, key)s (all of them without `keys`). */
async function sumOf(
  db: Database,
  keys?: readonly (readonly [string, string])[],
): Promise<{ n: number; checksum: string }> {
  if (keys !== undefined && keys.length === 0) return { n: 0, checksum: "0" };
  let n = 0;
  let total = 0n;
  const parts = keys === undefined ? [undefined] : chunk(keys, 50_000);
  for (const part of parts) {
    const where = part === undefined ? sql`` : sql` where ${keysIn([rollupKeptFacts.kind, rollupKeptFacts.key], part)}`;
    const row = await one<{ n: number | string; checksum: string }>(
      db,
      sql`select count(*)::int as n, coalesce(sum(${rowHash}), 0)::text as checksum from ${rollupKeptFacts}${where}`,
    );
    n += Number(row.n);
    total += BigInt(row.checksum);
  }
  return { n, checksum: total.toString() };
}

/** Any constant distinct from the other advisory locks (migrations, test templates). */
const KEPT_LOCK_KEY = 0x726b6570n;

/**
 * Saves wait for each other (a transaction-level advisory lock): the header row's lock alone does
 * not serialise the first two saves, when there is no header row yet.
 */
async function serialise(tx: Database): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(KEPT_LOCK_KEY.toString())})`);
}

export async function readKeptHeader(db: Database): Promise<KeptHeaderRow | null> {
  const [row] = await db.select().from(rollupKept).where(eq(rollupKept.id, KEPT_ID));
  return row ?? null;
}

/** Why the stored facts do not match their header (a partial or corrupt state), or null when they do. */
export async function checkKeptFacts(db: Database, header: KeptHeaderRow): Promise<string | null> {
  const { n, checksum } = await sumOf(db);
  if (n !== header.factCount) return `${n} fact rows stored, the header says ${header.factCount}`;
  if (checksum !== header.checksum) return "the fact rows' checksum differs from the header's";
  return null;
}

/** Every stored fact (kind, key, ord, week, data). */
export async function readKeptFacts(db: Database): Promise<KeptFactDbRow[]> {
  return db.select().from(rollupKeptFacts);
}

/** Stored facts whose kind and key are among these (for a bounded kept state: where a fact is). */
export async function readKeptFactWeeks(
  db: Database,
  keys: readonly (readonly ["change" | "deployment", string])[],
): Promise<{ kind: string; key: string; week: string }[]> {
  const out: { kind: string; key: string; week: string }[] = [];
  for (const part of chunk(keys, 50_000)) {
    out.push(
      ...(await db
        .select({ kind: rollupKeptFacts.kind, key: rollupKeptFacts.key, week: rollupKeptFacts.week })
        .from(rollupKeptFacts)
        .where(keysIn([rollupKeptFacts.kind, rollupKeptFacts.key], part))),
    );
  }
  return out;
}

/**
 * The stored facts of these weeks: changes merged or deployed in them (the deployed week is
 * position 10 of a change's `data`, indexed), deployments live in them, their usage.
 */
export async function readKeptFactsOfWeeks(db: Database, weeks: readonly string[]): Promise<KeptFactDbRow[]> {
  if (weeks.length === 0) return [];
  const list = sql`${sql.param([...weeks])}::text[]`;
  return db
    .select()
    .from(rollupKeptFacts)
    .where(
      // Spelled per kind, so each arm is an index scan (kind, week) or of the deployed week.
      sql`(${rollupKeptFacts.kind} = 'change' and ${rollupKeptFacts.week} = any(${list}))
        or (${rollupKeptFacts.kind} = 'deployment' and ${rollupKeptFacts.week} = any(${list}))
        or (${rollupKeptFacts.kind} = 'usage' and ${rollupKeptFacts.week} = any(${list}))
        or (${rollupKeptFacts.kind} = 'change' and (${rollupKeptFacts.data} ->> 10) = any(${list}))`,
    );
}

/**
 * Per environment of these repositories, the week of its last stored successful (not failed)
 * deployment before `week`, or of its first when none succeeded (a deployment's `data`:
 * repository, environment, ..., position 7 failed). Reads the repositories' deployment rows.
 */
export async function readKeptLastSuccessWeeks(
  db: Database,
  repos: readonly string[],
  week: string,
): Promise<string[]> {
  if (repos.length === 0) return [];
  const rows = await db
    .select({
      week: sql<string>`coalesce(max(${rollupKeptFacts.week}) filter (where (${rollupKeptFacts.data} ->> 7) = 'false'), min(${rollupKeptFacts.week}))`,
    })
    .from(rollupKeptFacts)
    .where(
      sql`${rollupKeptFacts.kind} = 'deployment' and ${rollupKeptFacts.week} < ${week}
        and (${rollupKeptFacts.data} ->> 0) = any(${sql.param([...repos])}::text[])`,
    )
    .groupBy(sql`${rollupKeptFacts.data} ->> 0`, sql`${rollupKeptFacts.data} ->> 1`);
  return rows.map((r) => r.week);
}

/**
 * What a bounded kept state restores (issue 18): the facts of the weeks from `hotFrom` on (changes
 * merged or deployed in them, deployments live in them, their usage), each environment's
 * deployments from the week of its last success before `hotFrom` (all of them when none
 * succeeded), and the next `ord` of each kind (one past the largest stored).
 */
export async function readKeptFactsFrom(
  db: Database,
  hotFrom: string,
): Promise<{ rows: KeptFactDbRow[]; nextOrd: { change: number; deployment: number } }> {
  const f = rollupKeptFacts;
  const recent = await db
    .select()
    .from(f)
    .where(
      sql`(${f.kind} = 'change' and ${f.week} >= ${hotFrom})
        or (${f.kind} = 'deployment' and ${f.week} >= ${hotFrom})
        or (${f.kind} = 'usage' and ${f.week} >= ${hotFrom})
        or (${f.kind} = 'change' and (${f.data} ->> 10) >= ${hotFrom} and ${f.week} < ${hotFrom})`,
    );
  const tails = await db.execute(sql`
    with tails as (
      select ${f.data} ->> 0 as repo, ${f.data} ->> 1 as env,
        coalesce(max(${f.week}) filter (where (${f.data} ->> 7) = 'false'), min(${f.week})) as from_week
      from ${f} where ${f.kind} = 'deployment' and ${f.week} < ${hotFrom}
      group by 1, 2
    )
    select d.kind, d.key, d.ord, d.week, d.data from ${f} d
    join tails t on (d.data ->> 0) = t.repo and (d.data ->> 1) = t.env
    where d.kind = 'deployment' and d.week >= t.from_week and d.week < ${hotFrom}`);
  const tailRows = (Array.isArray(tails) ? tails : (tails as unknown as { rows: unknown[] }).rows) as {
    kind: KeptFactDbRow["kind"];
    key: string;
    ord: number | string;
    week: string;
    data: unknown;
  }[];
  const ords = await db
    .select({ kind: f.kind, max: sql<string | null>`max(${f.ord})::text` })
    .from(f)
    .groupBy(f.kind);
  const next = (kind: string) => {
    const max = ords.find((o) => o.kind === kind)?.max;
    return max === null || max === undefined ? 0 : Number(max) + 1;
  };
  return {
    rows: [...recent, ...tailRows.map((r) => ({ ...r, ord: Number(r.ord) }))],
    nextOrd: { change: next("change"), deployment: next("deployment") },
  };
}

/**
 * Replaces the whole stored state with `rows` under `stamp`, in one transaction; returns the new
 * generation. What a process that built its state from all data saves.
 */
export async function replaceKeptState(
  db: Database,
  stamp: KeptStamp,
  rows: readonly KeptFactDbRow[],
  savedAt: Date,
): Promise<number> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Database;
    await serialise(t);
    const [locked] = await tx.select().from(rollupKept).where(eq(rollupKept.id, KEPT_ID)).for("update");
    await tx.delete(rollupKeptFacts);
    await upsertRowsUnnest(t, rollupKeptFacts, rows, { key: ["kind", "key"] });
    const { n, checksum } = await sumOf(t);
    const generation = (locked?.generation ?? 0) + 1;
    const header = { ...stamp, generation, factCount: n, checksum, savedAt };
    await tx
      .insert(rollupKept)
      .values({ id: KEPT_ID, ...header })
      .onConflictDoUpdate({ target: rollupKept.id, set: header });
    return generation;
  });
}

/** The fingerprint of a state being built in parts: no process's, so nobody restores or reads it. */
const BUILDING = "building ";

/**
 * Starts replacing the whole stored state in parts (a bounded build, issue 18): in one
 * transaction, every fact row is deleted and the header marked as being built (a fingerprint no
 * process has, no rows): a restarted process does not restore it, a bounded one does not read it,
 * and a save over an earlier generation finds another one. Returns the build's generation, which
 * `addKeptBuildRows` and `finishKeptBuild` write under.
 */
export async function beginKeptBuild(db: Database, stamp: KeptStamp, savedAt: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Database;
    await serialise(t);
    const [locked] = await tx.select().from(rollupKept).where(eq(rollupKept.id, KEPT_ID)).for("update");
    await tx.delete(rollupKeptFacts);
    const generation = (locked?.generation ?? 0) + 1;
    const header = {
      ...stamp,
      fingerprint: `${BUILDING}${stamp.fingerprint}`,
      generation,
      factCount: 0,
      checksum: "0",
      savedAt,
    };
    await tx
      .insert(rollupKept)
      .values({ id: KEPT_ID, ...header })
      .onConflictDoUpdate({ target: rollupKept.id, set: header });
    return generation;
  });
}

/** The header, locked until the transaction ends, when it is the build of `generation`. */
async function buildOf(tx: Database, generation: number): Promise<KeptHeaderRow | null> {
  await serialise(tx);
  const [locked] = await tx.select().from(rollupKept).where(eq(rollupKept.id, KEPT_ID)).for("update");
  return locked !== undefined && locked.generation === generation && locked.fingerprint.startsWith(BUILDING)
    ? locked
    : null;
}

/**
 * Adds fact rows to the build `beginKeptBuild` started (one transaction). False when another
 * process began a build or saved since: nothing is written, and this build is over.
 */
export async function addKeptBuildRows(
  db: Database,
  generation: number,
  rows: readonly KeptFactDbRow[],
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Database;
    if ((await buildOf(t, generation)) === null) return false;
    await upsertRowsUnnest(t, rollupKeptFacts, rows, { key: ["kind", "key"] });
    return true;
  });
}

/**
 * Ends the build of `generation`: the header gets `stamp` and the count and checksum of every row
 * written, under the next generation. Null when another process began a build or saved since.
 */
export async function finishKeptBuild(
  db: Database,
  generation: number,
  stamp: KeptStamp,
  savedAt: Date,
): Promise<number | null> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Database;
    if ((await buildOf(t, generation)) === null) return null;
    const { n, checksum } = await sumOf(t);
    const header = { ...stamp, generation: generation + 1, factCount: n, checksum, savedAt };
    await tx.update(rollupKept).set(header).where(eq(rollupKept.id, KEPT_ID));
    return generation + 1;
  });
}

/**
 * Within a transaction: whether the stored state is `generation`, holding it so (a shared lock on
 * its header: no save and no build begins over it) until the transaction ends. What a build's
 * evaluation from stored facts runs under.
 */
export async function holdKeptState(tx: Database, generation: number): Promise<boolean> {
  const [row] = await tx.select().from(rollupKept).where(eq(rollupKept.id, KEPT_ID)).for("share");
  return row !== undefined && row.generation === generation;
}

/**
 * Writes the facts an update changed (`rows`: new ones with their `ord`, changed ones keep the
 * stored `ord`) and the new stamp, in one transaction, over generation `expected` only: null when
 * the stored state is not that generation any more (another process saved since, or it is gone),
 * and nothing is written. Returns the new generation.
 */
export async function updateKeptState(
  db: Database,
  expected: number,
  stamp: KeptStamp,
  rows: readonly KeptFactDbRow[],
  savedAt: Date,
): Promise<number | null> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Database;
    await serialise(t);
    const [locked] = await tx.select().from(rollupKept).where(eq(rollupKept.id, KEPT_ID)).for("update");
    if (locked === undefined || locked.generation !== expected || locked.fingerprint !== stamp.fingerprint) return null;
    const keys = [...new Map(rows.map((r) => [`${r.kind} ${r.key}`, [r.kind, r.key] as const])).values()];
    const before = await sumOf(t, keys);
    await upsertRowsUnnest(t, rollupKeptFacts, rows, { key: ["kind", "key"], update: ["week", "data"] });
    const after = await sumOf(t, keys);
    const generation = expected + 1;
    const header = {
      ...stamp,
      generation,
      factCount: locked.factCount + after.n - before.n,
      checksum: (BigInt(locked.checksum) - BigInt(before.checksum) + BigInt(after.checksum)).toString(),
      savedAt,
    };
    await tx.update(rollupKept).set(header).where(eq(rollupKept.id, KEPT_ID));
    return generation;
  });
}

/** Forgets the stored state (tests; a state nobody can use). */
export async function clearKeptState(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(rollupKept);
    await tx.delete(rollupKeptFacts);
  });
}
