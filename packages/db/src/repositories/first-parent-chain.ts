import { and, asc, count, eq, gt, isNotNull, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { changes } from "../schema/changes.js";
import { commits } from "../schema/commits.js";

/**
 * A repository's tracked-branch first-parent history, walked in PostgreSQL (a recursive query
 * over `commits.parents[1]` from the branch head) into a temporary table that lives as long as
 * the transaction: what linking deployments to changes needs of the commit graph, without reading
 * the graph into the process (a whole repository's commits are hundreds of bytes each in a
 * JavaScript map: about 1 GiB for a million). Positions are as the metrics package numbers them
 * (`firstParentPositions`): 0 is the oldest commit of the chain, the head the highest.
 */
export interface FirstParentChain {
  /** Commits on the chain (0 when the branch head is unknown). */
  length: number;
  /** A commit's position: exact, or a unique abbreviation of 7 to 39 characters; null off the chain. */
  positionOf(sha: string): Promise<number | null>;
  /** `positionOf` of many commits, the exact ones in one query. */
  positionsOf(shas: readonly string[]): Promise<Map<string, number | null>>;
  /**
   * The highest chain position among an off-chain commit's ancestors (through all parents; a walk
   * stops at the chain), null when none is stored: the metrics package's `basePosition`.
   */
  basePositionOf(sha: string): Promise<number | null>;
  /**
   * The repository's changes with a landing commit (`sha`), in pages of at most `pageSize` by key,
   * each with its landing commit's position (null: not on the chain).
   */
  changePages(pageSize: number): AsyncGenerator<ChainedChange[]>;
}

export interface ChainedChange {
  key: string;
  mergedAt: Date;
  position: number | null;
}

/** The temporary table's name (per session: concurrent jobs on other connections have their own). */
const CHAIN = sql.raw("first_parent_chain");

async function rows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
}

/** A position from the depth (steps from the head), as a number whatever the driver returns. */
function positionFrom(top: number, depth: unknown): number | null {
  return depth === null || depth === undefined ? null : top - Number(depth);
}

/**
 * Runs `fn` in a transaction holding `repo`'s first-parent chain from `head` (null: no history
 * read yet, an empty chain); `fn` writes through the transaction it is given.
 */
export async function withFirstParentChain<T>(
  db: Database,
  repo: string,
  head: string | null,
  fn: (chain: FirstParentChain, tx: Database) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`drop table if exists ${CHAIN}`);
    await tx.execute(sql`create temporary table ${CHAIN} (sha text not null, depth integer not null) on commit drop`);
    if (head !== null) {
      // A walk never takes more steps than the repository has commits (+1: the head itself may be
      // unknown), so a corrupt parent cycle ends; the chain is then cut where the walk first
      // comes back to a commit, as firstParentPositions stops there.
      const [stored] = await tx.select({ n: count() }).from(commits).where(eq(commits.repo, repo));
      const limit = Number(stored?.n ?? 0) + 1;
      await tx.execute(sql`insert into ${CHAIN} (sha, depth)
        with recursive walk(sha, depth) as (
          select ${head}::text, 0
          union all
          select c.parents[1], w.depth + 1 from walk w
            join commits c on c.repo = ${repo} and c.sha = w.sha
            where cardinality(c.parents) > 0 and w.depth < ${limit}
        )
        select sha, depth from walk`);
      await tx.execute(sql`delete from ${CHAIN} where depth >= coalesce(
        (select min(depth) from (select depth, row_number() over (partition by sha order by depth) as n from ${CHAIN}) r where n > 1),
        2147483647)`);
    }
    await tx.execute(sql`create unique index on ${CHAIN} (sha)`);
    await tx.execute(sql`analyze ${CHAIN}`);
    const [top] = await rows<{ top: unknown }>(tx, sql`select max(depth) as top from ${CHAIN}`);
    const highest = top?.top === null || top?.top === undefined ? -1 : Number(top.top);

    const positionOf = async (sha: string): Promise<number | null> => {
      const [exact] = await rows<{ depth: unknown }>(tx, sql`select depth from ${CHAIN} where sha = ${sha}`);
      if (exact !== undefined || sha.length >= 40 || sha.length < 7) return positionFrom(highest, exact?.depth);
      // An abbreviation names a commit only when exactly one matches; an ambiguous one is not guessed.
      const matches = await rows<{ depth: unknown }>(
        tx,
        sql`select depth from ${CHAIN} where left(sha, ${sha.length}) = ${sha} limit 2`,
      );
      return matches.length === 1 ? positionFrom(highest, matches[0]?.depth) : null;
    };

    const chain: FirstParentChain = {
      length: highest + 1,
      positionOf,
      async positionsOf(shas) {
        const out = new Map<string, number | null>();
        const found = await rows<{ sha: string; depth: unknown }>(
          tx,
          sql`select sha, depth from ${CHAIN} where sha in (select json_array_elements_text(${JSON.stringify([...new Set(shas)])}::json))`,
        );
        for (const f of found) out.set(f.sha, positionFrom(highest, f.depth));
        for (const sha of shas) if (!out.has(sha)) out.set(sha, await positionOf(sha));
        return out;
      },
      async basePositionOf(sha) {
        const [found] = await rows<{ depth: unknown }>(
          tx,
          sql`with recursive walk(sha) as (
            select unnest(parents) from commits where repo = ${repo} and sha = ${sha}
            union
            select unnest(c.parents) from walk w
              join commits c on c.repo = ${repo} and c.sha = w.sha
              where w.sha <> ${sha} and not exists (select 1 from ${CHAIN} f where f.sha = w.sha)
          )
          select min(f.depth) as depth from walk join ${CHAIN} f on f.sha = walk.sha`,
        );
        return positionFrom(highest, found?.depth);
      },
      async *changePages(pageSize) {
        let after: string | null = null;
        for (;;) {
          const page: { key: string; sha: string | null; mergedAt: Date; depth: number | null }[] = await tx
            .select({
              key: changes.key,
              sha: changes.sha,
              mergedAt: changes.mergedAt,
              depth: sql<number | null>`(select f.depth from ${CHAIN} f where f.sha = "changes"."sha")`.mapWith(
                (v: unknown) => (v === null ? null : Number(v)),
              ),
            })
            .from(changes)
            .where(
              and(eq(changes.repo, repo), isNotNull(changes.sha), after === null ? undefined : gt(changes.key, after)),
            )
            .orderBy(asc(changes.key))
            .limit(pageSize);
          const last = page.at(-1);
          if (last === undefined) return;
          const out: ChainedChange[] = [];
          for (const c of page) {
            let position = positionFrom(highest, c.depth);
            // A stored abbreviation (never from GitHub, whose shas are whole) resolves as a deployment's does.
            if (position === null && c.sha !== null && c.sha.length >= 7 && c.sha.length < 40)
              position = await positionOf(c.sha);
            out.push({ key: c.key, mergedAt: c.mergedAt, position });
          }
          yield out;
          if (page.length < pageSize) return;
          after = last.key;
        }
      },
    };
    return fn(chain, tx as unknown as Database);
  });
}
