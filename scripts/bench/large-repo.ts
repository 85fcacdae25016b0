/**
 * One large synthetic repository stored straight into a migrated database (issue 18's
 * whole-repository stages): `n` merged PRs, each a merge commit with a two-commit branch (3
 * commits a PR, 2 linked to the PR), a change and a verdict per PR, a production deployment every
 * 25 merges (1 in 100 off the branch), 100 people, the branch cursor at the last merge; then
 * ANALYZE. Shared by stage-memory.ts and inlist-plans.ts.
 */
import { ensureRepositories, upsertDeployments, upsertSyncCursor } from "@yardstick/db";
import type { TestDatabase } from "@yardstick/db/testing";

/** The sha the seed gives commit `kind` (a, b: the branch; m: the merge) of PR `i` (an SQL expression). */
export const seededSha = (kind: string, i: string) => `md5('${kind}' || ${i}) || substr(md5('${kind}x' || ${i}), 1, 8)`;

/** Seeds `REPO` with `N` PRs; returns the number of deployments. */
export async function seedLargeRepository(
  t: Pick<TestDatabase, "db" | "handle">,
  REPO: string,
  N: number,
): Promise<number> {
  await ensureRepositories(t.db, [REPO]);
  const sha = seededSha;
  await t.handle.query(
    `insert into people (id, display_name) select 'person-' || k, 'Person ' || k from generate_series(0, 99) k`,
  );
  // Commits: a_i <- b_i on a branch from m_{i-1}; m_i merges b_i into main.
  await t.handle.query(`insert into commits (repo, sha, message, author_name, author_email, committer_name, committer_email, authored_at, committed_at, parents)
    select '${REPO}', s.sha, s.message, 'Dev', 'dev@example.com', 'Dev', 'dev@example.com', t, t, s.parents
    from generate_series(0, ${N - 1}) i,
    lateral (select timestamptz '2025-01-01' + make_interval(mins => i * 10) as t) tt,
    lateral (values
      (${sha("a", "i")}, 'work ' || i, case when i = 0 then '{}'::text[] else array[${sha("m", "i - 1")}] end),
      (${sha("b", "i")}, 'more ' || i, array[${sha("a", "i")}]),
      (${sha("m", "i")}, 'Merge pull request #' || i, case when i = 0 then array[${sha("b", "i")}] else array[${sha("m", "i - 1")}, ${sha("b", "i")}] end)
    ) s(sha, message, parents)`);
  await t.handle.query(`insert into pull_requests (repo, number, title, author_login, head_ref, base_ref, created_at, merged_at, additions, deletions, changed_files, merged_by_login)
    select '${REPO}', i, 'Change ' || i, 'user' || (i % 100), 'feature-' || i, 'main',
      timestamptz '2025-01-01' + make_interval(mins => i * 10 - 5), timestamptz '2025-01-01' + make_interval(mins => i * 10), 1, 1, 1, 'user' || ((i + 1) % 100)
    from generate_series(0, ${N - 1}) i`);
  // Each PR's own commits (sync.pull-diffs reads their messages).
  await t.handle.query(`insert into pull_request_commits (repo, number, sha, position)
    select '${REPO}', i, s.sha, s.position from generate_series(0, ${N - 1}) i,
    lateral (values (${sha("a", "i")}, 0), (${sha("b", "i")}, 1)) s(sha, position)`);
  await t.handle.query(`insert into changes (key, kind, repo, pr_number, sha, merged_at, credited_person_id)
    select '${REPO}#' || i, 'pull_request', '${REPO}', i, ${sha("m", "i")}, timestamptz '2025-01-01' + make_interval(mins => i * 10), 'person-' || (i % 100)
    from generate_series(0, ${N - 1}) i`);
  await t.handle.query(`insert into attribution_verdicts (subject_kind, subject_key, repo, class, rule_version, computed_at)
    select 'change', '${REPO}#' || i, '${REPO}', case when i % 6 = 0 then 'ai' else 'human' end, 'bench', now()
    from generate_series(0, ${N - 1}) i`);
  const shas = (await t.handle.query<{ i: number; m: string; b: string }>(
    `select i, ${sha("m", "i")} as m, ${sha("b", "i")} as b from generate_series(24, ${N - 1}, 25) i`,
  )) as unknown as { i: number; m: string; b: string }[];
  await upsertDeployments(
    t.db,
    shas.map((s, k) => {
      const at = new Date(Date.parse("2025-01-01") + (Number(s.i) * 10 + 7) * 60_000);
      return {
        repo: REPO,
        source: "deployment" as const,
        externalId: String(k),
        environment: "production",
        sha: k % 100 === 50 ? s.b : s.m,
        ref: null,
        createdAt: at,
        creatorLogin: null,
        statuses: [{ state: "success" as const, createdAt: at, description: "" }],
      };
    }),
  );
  const last = await t.handle.query<{ m: string }>(`select ${sha("m", String(N - 1))} as m`);
  await upsertSyncCursor(t.db, {
    scope: REPO,
    stream: "branch",
    state: { newestCommitAt: new Date(), head: (last as unknown as { m: string }[])[0]?.m ?? null },
    lastRunAt: new Date(),
  });
  await t.handle.query("analyze");
  return shas.length;
}
