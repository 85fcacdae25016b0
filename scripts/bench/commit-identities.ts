/**
 * What `attribute.changes` pays to learn the roster's commit emails (issue 18), before and after
 * commit_author_identities: the old read, a DISTINCT (login, email, name) over every stored
 * commit of every repository once a job, against reading the kept identities (all of them, and
 * the roster's logins as the job reads them), on a fresh PostgreSQL database holding `--commits`
 * commits in `--repos` repositories by `--people` people (each with a work email and a noreply
 * one; 5% of the commits not linked to an account). Also: the migration's backfill of the table
 * from those commits, and what keeping the table adds to a page of commits stored.
 *
 *   node --expose-gc --import tsx scripts/bench/commit-identities.ts --commits 1000000
 *
 * Each read runs `--runs` times (the first with a cold cache as far as this process goes; the
 * server's cache is warm after the seeding). Prints one JSON object; progress on stderr. Wall
 * times are as loaded as the machine is: state the load average (printed) with them.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Commit } from "@yardstick/core";
import { commitAuthorIdentities, ensureRepositories, listCommitAuthorIdentities, upsertCommits } from "@yardstick/db";
import { createTestDatabase } from "@yardstick/db/testing";

const { values } = parseArgs({
  options: {
    commits: { type: "string", default: "1000000" },
    repos: { type: "string", default: "600" },
    people: { type: "string", default: "10000" },
    runs: { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
  },
});
const COMMITS = Number(values.commits);
const REPOS = Number(values.repos);
const PEOPLE = Number(values.people);
const RUNS = Number(values.runs);
const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - t0) };
}

async function runs<T>(label: string, fn: () => Promise<T[]>): Promise<{ rows: number; ms: number[] }> {
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await timed(fn);
    ms.push(r.ms);
    rows = r.value.length;
  }
  log(`${label}: ${rows} rows, ${ms.join(" / ")} ms`);
  return { rows, ms };
}

/** The server's side of a query: its execution time and the blocks it touched (EXPLAIN ANALYZE). */
function planOf(row: { "QUERY PLAN": unknown } | undefined) {
  const top = (row?.["QUERY PLAN"] as { Plan: Record<string, unknown>; "Execution Time": number }[] | undefined)?.[0];
  return {
    executionMs: top?.["Execution Time"],
    sharedHit: top?.Plan["Shared Hit Blocks"],
    sharedRead: top?.Plan["Shared Read Blocks"],
  };
}

const t = await createTestDatabase();
try {
  const out: Record<string, unknown> = { commits: COMMITS, repos: REPOS, people: PEOPLE, loadAtStart: load() };
  const repo = (k: number) => `bench/repo-${k}`;
  await ensureRepositories(
    t.db,
    Array.from({ length: REPOS }, (_, k) => repo(k)),
  );
  // Commit i: repository i % REPOS, person (i * 7919) % PEOPLE, their noreply email on 1 commit in
  // 3, not linked to an account on 1 in 20 (no login: not an identity).
  const seed = await timed(() =>
    t.handle.query(`insert into commits (repo, sha, message, author_name, author_email, author_login, author_id,
        committer_name, committer_email, authored_at, committed_at, parents)
      select 'bench/repo-' || (i % ${REPOS}), md5('c' || i) || substr(md5('d' || i), 1, 8), 'Change ' || i,
        'Dev ' || p, case when i % 3 = 0 then (1000 + p) || '+dev' || p || '@users.noreply.github.com' else 'dev' || p || '@work.example' end,
        case when i % 20 = 0 then null else 'dev' || p end, case when i % 20 = 0 then null else 1000 + p end,
        'GitHub', 'noreply@github.com', t, t, '{}'
      from generate_series(0, ${COMMITS - 1}) i,
      lateral (select (i::bigint * 7919) % ${PEOPLE} as p, timestamptz '2025-01-01' + make_interval(secs => i * 30) as t) x`),
  );
  log(`seeded ${COMMITS} commits in ${(seed.ms / 1000).toFixed(1)} s`);
  // The migration's backfill (0012_18_commit_identities), as it runs on an existing database.
  const backfill = await timed(() =>
    t.handle.query(`insert into commit_author_identities (login, email, name)
      select distinct author_login, author_email, author_name from commits where author_login is not null`),
  );
  await t.handle.query("analyze");
  const [size] = await t.handle.query<{ commits: string; identities: string }>(
    `select pg_size_pretty(pg_total_relation_size('commits')) as commits, pg_size_pretty(pg_total_relation_size('commit_author_identities')) as identities`,
  );
  log(`backfill ${backfill.ms} ms; sizes ${JSON.stringify(size)}`);
  out.backfillMs = backfill.ms;
  out.sizes = size;

  // Before: what listCommitAuthorIdentities ran until this commit, once per attribute.changes job.
  out.before = await runs("before: distinct over commits", () =>
    t.handle.query<{ login: string; email: string; name: string }>(
      "select distinct author_login as login, author_email as email, author_name as name from commits where author_login is not null",
    ),
  );
  const [plan] = await t.handle.query<{ "QUERY PLAN": unknown }>(
    "explain (analyze, buffers, format json) select distinct author_login, author_email, author_name from commits where author_login is not null",
  );
  out.beforePlan = planOf(plan);
  // After: the kept identities, whole and for the roster's logins (what the job reads).
  out.afterAll = await runs("after: the whole table", () => listCommitAuthorIdentities(t.db));
  const roster = Array.from({ length: PEOPLE }, (_, p) => `dev${p}`);
  out.afterRoster = await runs("after: the roster's logins", () => listCommitAuthorIdentities(t.db, roster));
  const [afterPlan] = await t.handle.query<{ "QUERY PLAN": unknown }>(
    `explain (analyze, buffers, format json) select login, email, name from commit_author_identities
      where lower(login) = any('{${roster.join(",")}}'::text[]) order by login, email, name`,
  );
  out.afterPlan = planOf(afterPlan);

  // Same answer: the rows the DISTINCT gives are the table's.
  const distinct = await t.handle.query<{ login: string; email: string; name: string }>(
    "select distinct author_login as login, author_email as email, author_name as name from commits where author_login is not null",
  );
  const key = (r: { login: string; email: string; name: string }) => `${r.login}\n${r.email}\n${r.name}`;
  const kept = new Set((await listCommitAuthorIdentities(t.db)).map(key));
  out.identical = distinct.length === kept.size && distinct.every((r) => kept.has(key(r)));

  // What keeping the table adds to storing commits: pages of 500 new commits by known people
  // (the usual case: nothing new to keep), timed with upsertCommits, and the identities'
  // statement alone on the same pages' triples.
  const page = (k: number): Commit[] =>
    Array.from({ length: 500 }, (_, j) => {
      const p = (k * 500 + j) % PEOPLE;
      const author = {
        name: `Dev ${p}`,
        email: `dev${p}@work.example`,
        login: `dev${p}`,
        userId: 1000 + p,
        type: null,
      };
      return {
        repo: repo(k % REPOS),
        sha: `${k.toString(16).padStart(8, "0")}${j.toString(16).padStart(32, "0")}`,
        message: `Page ${k} commit ${j}`,
        author,
        committer: { name: "GitHub", email: "noreply@github.com", login: null, userId: null, type: null },
        authoredAt: new Date(),
        committedAt: new Date(),
        parents: [],
        coAuthors: [],
        additions: null,
        deletions: null,
      };
    });
  const pages = 20;
  const store = await timed(async () => {
    for (let k = 0; k < pages; k++) await upsertCommits(t.db, page(k));
  });
  const identitiesOnly = await timed(async () => {
    for (let k = 0; k < pages; k++) {
      const rows = page(k).flatMap((c) =>
        c.author.login === null ? [] : [{ login: c.author.login, email: c.author.email, name: c.author.name }],
      );
      await t.db.insert(commitAuthorIdentities).values(rows).onConflictDoNothing();
    }
  });
  out.storePage = { upsertCommitsMs: store.ms / pages, identitiesStatementMs: identitiesOnly.ms / pages };
  log(
    `a page of 500 commits: upsertCommits ${store.ms / pages} ms, of which the identities ~${identitiesOnly.ms / pages} ms`,
  );
  out.loadAtEnd = load();
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  if (!values.keep) await t.drop();
}
