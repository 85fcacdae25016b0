/**
 * Plans of the repository reads that take a list of keys (issue 18, after df471d9 found
 * `number in ($2..$501)` scanning a whole table each page): on one large synthetic repository
 * (large-repo.ts, `--prs` merged PRs, 3 commits each), each read as the package sends it ("in":
 * one parameter per key, or `keysIn`'s unnest) and as `= any($n::text[])` (one array parameter),
 * and, where the package changed how it sends one, its earlier and its current form ("in", "join
 * unnest", "keysIn", "co-authors column"), each under a custom and a generic plan
 * (`plan_cache_mode`), with EXPLAIN (ANALYZE, BUFFERS): the plan's scans, rows, shared buffers and
 * execution time (the second of two runs).
 *
 *   node --import tsx scripts/bench/inlist-plans.ts --prs 50000
 *   node --import tsx scripts/bench/inlist-plans.ts --prs 50000 --other-co-authors 200000
 *
 * `--other-co-authors K` also stores K commits with a co-author each in another repository (what
 * a fleet's other repositories add to commit_co_authors), to see which reads grow with them.
 *
 * The database is `inlist_plans_<pid>`, cloned from the test template, dropped at the end.
 */
import { parseArgs } from "node:util";
import { ensureRepositories, openDatabase } from "@yardstick/db";
import { createTestDatabase, migrationsHash, testAdminUrl, withDatabase } from "@yardstick/db/testing";
import postgres from "postgres";
import { seededSha, seedLargeRepository } from "./large-repo.js";

const { values } = parseArgs({
  options: {
    prs: { type: "string", default: "50000" },
    "other-co-authors": { type: "string", default: "0" },
    keep: { type: "boolean", default: false },
  },
});
const N = Number(values.prs);
const OTHERS = Number(values["other-co-authors"]);
const REPO = "bench/mono";
const log = (m: string) => process.stderr.write(`${m}\n`);

// The template (built by the test factory if missing), then our own clone of it.
await (await createTestDatabase()).drop();
const name = `inlist_plans_${process.pid}`;
const admin = postgres(testAdminUrl(), { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name} template yardstick_template_${migrationsHash()}`);
const url = withDatabase(testAdminUrl(), name);
const handle = await openDatabase({ url, maxConnections: 2 });
const pg = postgres(url, { max: 1, onnotice: () => {} });

type Arg = string | string[] | number | number[];
const lit = (a: Arg): string =>
  Array.isArray(a)
    ? `'{${a.map((x) => `"${x}"`).join(",")}}'`
    : typeof a === "number"
      ? String(a)
      : `'${a.replaceAll("'", "''")}'`;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  Plans?: PlanNode[];
}

function scans(node: PlanNode): string[] {
  const here = node["Relation Name"]
    ? [
        `${node["Node Type"]}${node["Index Name"] ? ` ${node["Index Name"]}` : ` ${node["Relation Name"]}`} (${node["Actual Rows"]}x${node["Actual Loops"]})`,
      ]
    : [];
  return [...here, ...(node.Plans ?? []).flatMap(scans)];
}

let statement = 0;
/** EXPLAIN (ANALYZE, BUFFERS) of `text` prepared with `types`, executed with `args`, custom then generic. */
async function explain(label: string, text: string, types: string[], args: Arg[]): Promise<void> {
  statement += 1;
  const q = `q${statement}`;
  await pg.unsafe(`prepare ${q}(${types.join(", ")}) as ${text}`);
  for (const mode of ["force_custom_plan", "force_generic_plan"]) {
    await pg.unsafe(`set plan_cache_mode = ${mode}`);
    let out: { plan: PlanNode & { "Shared Hit Blocks": number; "Shared Read Blocks": number }; ms: number } | undefined;
    for (let run = 0; run < 2; run += 1) {
      const [row] = await pg.unsafe(
        `explain (analyze, buffers, format json) execute ${q}(${args.map(lit).join(", ")})`,
      );
      const [result] = (row as Record<string, unknown>)["QUERY PLAN"] as {
        Plan: PlanNode & { "Shared Hit Blocks": number; "Shared Read Blocks": number };
        "Execution Time": number;
      }[];
      if (result !== undefined) out = { plan: result.Plan, ms: result["Execution Time"] };
    }
    if (out === undefined) continue;
    const buffers = out.plan["Shared Hit Blocks"] + out.plan["Shared Read Blocks"];
    log(
      `${label} | ${mode === "force_custom_plan" ? "custom" : "generic"} | ${out.plan["Actual Rows"]} rows | ${out.ms.toFixed(1)} ms | ${buffers} buffers | ${scans(out.plan).join("; ")}`,
    );
  }
  await pg.unsafe(`deallocate ${q}`);
  await pg.unsafe("set plan_cache_mode = auto");
}

/** The co-authors' column of a commits read, as `coAuthorsColumn` (packages/db) writes it. */
const CO_AUTHORS = `(select json_agg(json_build_object('position', ca.position, 'name', ca.name, 'email', ca.email, 'login', ca.login))
    from commit_co_authors ca where ca.repo = commits.repo and ca.sha = commits.sha)`;

/** `$from..$to` as one parameter each. */
const params = (from: number, count: number) => Array.from({ length: count }, (_, i) => `$${from + i}`).join(", ");
const repeat = (type: string, count: number) => Array.from({ length: count }, () => type);

try {
  const started = performance.now();
  const deployments = await seedLargeRepository({ db: handle.db, handle }, REPO, N);
  // Co-authors on 1 in 5 PRs' first commits (large-repo.ts stores none): what their reads join.
  await pg.unsafe(`insert into commit_co_authors (repo, sha, position, name, email)
    select '${REPO}', ${seededSha("a", "i")}, 0, 'Pair ' || i, 'pair' || i || '@example.com'
    from generate_series(0, ${N - 1}, 5) i`);
  if (OTHERS > 0) {
    const other = "bench/other";
    await ensureRepositories(handle.db, [other]);
    await pg.unsafe(`insert into commits (repo, sha, message, author_name, author_email, committer_name, committer_email, authored_at, committed_at, parents)
      select '${other}', ${seededSha("o", "i")}, 'other ' || i, 'Dev', 'dev@example.com', 'Dev', 'dev@example.com', now(), now(), '{}'
      from generate_series(0, ${OTHERS - 1}) i`);
    await pg.unsafe(`insert into commit_co_authors (repo, sha, position, name, email)
      select '${other}', ${seededSha("o", "i")}, 0, 'Pair ' || i, 'pair' || i || '@example.com'
      from generate_series(0, ${OTHERS - 1}) i`);
    await pg.unsafe("analyze commits");
  }
  await pg.unsafe("analyze commit_co_authors");
  log(
    `seeded ${N} PRs, ${3 * N} commits, ${deployments} deployments, ${OTHERS} other co-authors in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const column = async (sql: string) => (await pg.unsafe(sql)).map((r) => String(Object.values(r)[0]));

  // attribute.changes: a page of 500 PRs' merge commits (getCommits), PRs 20000..20499.
  const merges = await column(`select ${seededSha("m", "i")} from generate_series(20000, 20499) i`);
  const repos = merges.map(() => REPO);
  await explain(
    "getCommits 500 (keysIn unnest)",
    "select * from commits where (repo, sha) in (select * from unnest($1::text[], $2::text[])) order by committed_at",
    ["text[]", "text[]"],
    [repos, merges],
  );
  await explain(
    "getCommits 500 (= any)",
    "select * from commits where repo = $1 and sha = any($2::text[]) order by committed_at",
    ["text", "text[]"],
    [REPO, merges],
  );
  // The same PRs' first commits too: 1 in 5 has a co-author.
  const firsts = await column(`select ${seededSha("a", "i")} from generate_series(20000, 20499) i`);
  for (const [which, shas] of [
    ["merges", merges],
    ["firsts", firsts],
  ] as const) {
    await explain(
      `getCommits co-authors 500 ${which} (keysIn unnest)`,
      "select * from commit_co_authors where (repo, sha) in (select * from unnest($1::text[], $2::text[]))",
      ["text[]", "text[]"],
      [repos, shas],
    );
    // Since the co-author reads changed: one query, each commit's co-authors by a subquery (coAuthorsColumn).
    await explain(
      `getCommits 500 ${which} with co-authors column`,
      `select commits.*, ${CO_AUTHORS} from commits where (repo, sha) in (select * from unnest($1::text[], $2::text[])) order by committed_at`,
      ["text[]", "text[]"],
      [repos, shas],
    );
  }

  // rollups: earliestMergeAt, a chunk of 5,000 first-parent shas.
  const chain = await column(`select ${seededSha("m", "i")} from generate_series(${N - 1}, ${N - 5000}, -1) i`);
  await explain(
    "earliestMergeAt 5000 (in)",
    `select min(merged_at) from changes where repo = $1 and sha in (${params(2, chain.length)})`,
    ["text", ...repeat("text", chain.length)],
    [REPO, ...chain],
  );
  await explain(
    "earliestMergeAt 5000 (= any)",
    "select min(merged_at) from changes where repo = $1 and sha = any($2::text[])",
    ["text", "text[]"],
    [REPO, chain],
  );

  // attribute.changes / rollups: getVerdicts of 500 and of 30,000 change keys.
  for (const count of [500, 30_000]) {
    const keys = await column(`select '${REPO}#' || i from generate_series(10000, ${10000 + count - 1}) i`);
    await explain(
      `getVerdicts ${count} (in)`,
      `select * from attribution_verdicts where subject_kind = $1 and subject_key in (${params(2, keys.length)})`,
      ["text", ...repeat("text", keys.length)],
      ["change", ...keys],
    );
    await explain(
      `getVerdicts ${count} (= any)`,
      "select * from attribution_verdicts where subject_kind = $1 and subject_key = any($2::text[])",
      ["text", "text[]"],
      ["change", keys],
    );
    await explain(
      `getVerdicts ${count} (join unnest)`,
      "select v.* from attribution_verdicts v join unnest($2::text[]) as keys(key) on v.subject_kind = $1 and v.subject_key = keys.key",
      ["text", "text[]"],
      ["change", keys],
    );
  }

  // sync.deployments: upsertDeployments' id read, statuses read (every deployment here).
  const external = await column("select external_id from deployments order by id");
  await explain(
    `upsertDeployments ids ${external.length} (in)`,
    `select id, repo, source, external_id from deployments where repo in ($1) and external_id in (${params(2, external.length)})`,
    ["text", ...repeat("text", external.length)],
    [REPO, ...external],
  );
  const sources = await column("select source from deployments order by id");
  await explain(
    `upsertDeployments ids ${external.length} (keysIn)`,
    "select id, repo, source, external_id from deployments where (repo, source, external_id) in (select * from unnest($1::text[], $2::text[], $3::text[]))",
    ["text[]", "text[]", "text[]"],
    [external.map(() => REPO), sources, external],
  );
  const ids = (await column("select id from deployments order by id")).map(Number);
  await explain(
    `upsertDeployments statuses ${ids.length} (in)`,
    `select deployment_id, created_at, state from deployment_statuses where deployment_id in (${params(1, ids.length)})`,
    repeat("bigint", ids.length),
    ids,
  );

  // attribute.changes: listMergedPullRequestsPages' commit reads of one page (numbers 20000..20499).
  const inRange = `p.repo = $1 and p.merged_at >= $2 and p.merged_at < $3 and p.number > $4 and p.number <= $5`;
  const pageArgs: Arg[] = [REPO, "2000-01-01", "3000-01-01", 19999, 20499];
  const pageTypes = ["text", "timestamptz", "timestamptz", "integer", "integer"];
  // "range": the same joins with the page's number range on pull_request_commits too.
  for (const variant of ["", " and pc.repo = $1 and pc.number > $4 and pc.number <= $5"]) {
    const name = variant === "" ? "" : " (range)";
    await explain(
      `page links${name}`,
      `select pc.* from pull_request_commits pc join pull_requests p on pc.repo = p.repo and pc.number = p.number where ${inRange}${variant} order by pc.position`,
      pageTypes,
      pageArgs,
    );
    await explain(
      `page commits${name}`,
      `select distinct on (c.repo, c.sha) c.* from pull_request_commits pc join pull_requests p on pc.repo = p.repo and pc.number = p.number join commits c on c.repo = pc.repo and c.sha = pc.sha where ${inRange}${variant}`,
      pageTypes,
      pageArgs,
    );
    await explain(
      `page commits with co-authors column${name}`,
      `select distinct on (commits.repo, commits.sha) commits.*, ${CO_AUTHORS} from pull_request_commits pc join pull_requests p on pc.repo = p.repo and pc.number = p.number join commits on commits.repo = pc.repo and commits.sha = pc.sha where ${inRange}${variant}`,
      pageTypes,
      pageArgs,
    );
    await explain(
      `page co-authors${name}`,
      `select distinct ca.* from pull_request_commits pc join pull_requests p on pc.repo = p.repo and pc.number = p.number join commit_co_authors ca on ca.repo = pc.repo and ca.sha = pc.sha where ${inRange}${variant}`,
      pageTypes,
      pageArgs,
    );
  }
} finally {
  await pg.end();
  await handle.close();
  if (values.keep) log(`kept ${url}`);
  else await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
