/**
 * What the sync's whole-repository stages hold for one large repository (issue 18's bounded
 * memory), before and after paging: `link.deployments` (commit graph, changes, links),
 * `sync.reviews`' candidates and `sync.pull-diffs`' pull requests without patches (with their
 * commit messages), on a synthetic monorepo stored straight into a fresh PostgreSQL
 * database (`--prs` merged PRs, each a merge commit with a two-commit branch: 3 commits a PR; a
 * production deployment every 25 merges, and 1 in 100 deployments off the branch).
 *
 *   node --expose-gc --import tsx scripts/bench/stage-memory.ts --prs 50000
 *   node --expose-gc --import tsx scripts/bench/stage-memory.ts --prs 50000 --only pull-diffs [--repeat 3]
 *
 * (`--only pull-diffs`: that stage alone, then its read timed `--repeat` times without the
 * sampling, the whole list and the pages in turn, checking they hold the same rows.)
 *
 * "before" runs what the stages did until this commit (kept as code below: the whole graph and
 * every change read, then linked), "after" runs the processors. For each: the largest live heap
 * (gc() then heapUsed every 250 ms while the stage awaits PostgreSQL; a synchronous stretch is
 * sampled around, so it is a floor) and, for "before", what stays reachable after a gc() while
 * the whole-repository arrays are held. Wall times are as loaded as the
 * machine is: state the load average with them.
 */
import { parseArgs } from "node:util";
import { Config } from "@yardstick/config";
import {
  linkDeploymentChanges,
  listDeployments,
  listPullRequestsWithoutDiffsPages,
  listRepositoryChanges,
  listUnreviewedAiPullRequests,
  type PullRequestForDiffs,
  setChangeDeployments,
} from "@yardstick/db";
import { createTestDatabase } from "@yardstick/db/testing";
import { createGitHubClient } from "@yardstick/github";
import { compileGlobs, deploymentId, isPatchCandidate, linkRepository } from "@yardstick/metrics";
import {
  createPipelineDeps,
  type JobContext,
  type Jobs,
  loadCommitGraph,
  PULL_DIFFS_PAGE,
  processors,
} from "@yardstick/pipeline";
import { silent } from "../../services/cli/src/demo/sync-world.js";
import { seedLargeRepository } from "./large-repo.js";

const { values } = parseArgs({
  options: {
    prs: { type: "string", default: "50000" },
    keep: { type: "boolean", default: false },
    /** `pull-diffs`: that stage alone (seeding, its memory, then its read timed `--repeat` times). */
    only: { type: "string" },
    repeat: { type: "string", default: "3" },
  },
});
const onlyPullDiffs = values.only === "pull-diffs";
const N = Number(values.prs);
const REPO = "bench/mono";
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const mib = (b: number) => (b / 1048576).toFixed(1);

/**
 * The largest live heap above the settled baseline while `fn` runs (a gc() then heapUsed every
 * 250 ms, between the stage's awaits: what it holds, not the garbage it has not collected yet),
 * and its wall time.
 */
async function peakOf<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number; ms: number }> {
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => {
    gc?.();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 250);
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, peak: peak - base, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

const t = await createTestDatabase();

/**
 * What sync.pull-diffs read before issue 18 (the baseline, kept here only: the package reads
 * pages): every pull request of `repo` without patches, oldest sync first, with its commit
 * messages in commit order (a second query joining them all).
 */
async function wholeListWithoutDiffs(repo: string): Promise<PullRequestForDiffs[]> {
  const where = `p.repo = '${repo}' and p.diff_read_at is null`;
  const rows = await t.handle.query<Omit<PullRequestForDiffs, "commitMessages" | "syncedAt"> & { syncedAt: string }>(
    `select number, title, additions, deletions, changed_files as "changedFiles", files, files_complete as "filesComplete",
       synced_at as "syncedAt", merge_commit_sha as "mergeCommitSha", merge_method as "mergeMethod"
     from pull_requests p where ${where} order by synced_at, number`,
  );
  const messages = await t.handle.query<{ number: number; message: string }>(
    `select pc.number, c.message from pull_request_commits pc
     join pull_requests p on p.repo = pc.repo and p.number = pc.number
     join commits c on c.repo = pc.repo and c.sha = pc.sha
     where ${where} order by pc.position`,
  );
  const byNumber = new Map<number, string[]>();
  for (const m of messages) {
    const list = byNumber.get(m.number);
    if (list === undefined) byNumber.set(m.number, [m.message]);
    else list.push(m.message);
  }
  return rows.map((r) => ({ ...r, syncedAt: new Date(r.syncedAt), commitMessages: byNumber.get(r.number) ?? [] }));
}
try {
  const started = performance.now();
  const deploymentCount = await seedLargeRepository(t, REPO, N);
  log(
    `seeded ${N} PRs, ${3 * N} commits, ${deploymentCount} deployments in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );

  const config = Config.parse({
    github: { organizations: [] },
    repositories: [{ match: REPO, deployment: { method: "deployments", environment: "^production$" } }],
  });
  const github = createGitHubClient({
    baseUrl: "http://127.0.0.1:9",
    auth: { type: "token", token: "unused" },
    logger: silent,
  });
  const deps = createPipelineDeps({ db: t.db, github, config });
  const context: JobContext<Jobs> = { jobId: "bench", attempt: 1, logger: silent, enqueue: async () => {} };
  const linkedRows = async () =>
    (await t.handle.query(
      `select (select count(*) from changes where deployed_at is not null) as deployed, (select count(*) from deployment_changes) as shipped,
        (select md5(string_agg(key || coalesce(deployed_at::text, '-') || coalesce(deployment_id::text, '-'), ',' order by key)) from changes) as changes,
        (select md5(string_agg(deployment_id || change_key || deployed_at::text, ',' order by deployment_id, change_key)) from deployment_changes) as links`,
    )) as unknown as Record<string, unknown>[];

  if (!onlyPullDiffs) {
    // Before: the whole graph and every change in memory (the processor as it was).
    let retained = 0;
    const before = await peakOf(async () => {
      const graph = await loadCommitGraph(t.db, REPO);
      const stored = await listDeployments(t.db, { repo: REPO });
      const changeRows = await listRepositoryChanges(t.db, REPO);
      gc?.();
      retained = process.memoryUsage().heapUsed;
      const linkable = changeRows.flatMap((c) =>
        c.sha === null ? [] : [{ key: c.key, landingShas: [c.sha], mergedAt: c.mergedAt }],
      );
      const links = linkRepository(graph, stored, linkable, config.thresholds.lookbackWeeks * 7);
      const rowId = new Map(stored.map((d) => [deploymentId(d), d.id]));
      await t.db.transaction(async (tx) => {
        await setChangeDeployments(
          tx,
          links.changes.map((l) => ({
            key: l.key,
            deployedAt: l.deployedAt,
            deploymentId: l.deploymentId === null ? null : (rowId.get(l.deploymentId) ?? null),
          })),
        );
        const deployedAt = new Map(links.changes.map((c) => [c.key, c.deployedAt]));
        await linkDeploymentChanges(
          tx,
          links.deployments.flatMap((d) => {
            const id = rowId.get(d.id);
            return id === undefined
              ? []
              : d.shipped.map((key) => ({
                  deploymentId: id,
                  changeKey: key,
                  deployedAt: deployedAt.get(key) ?? d.liveAt,
                }));
          }),
        );
      });
      return changeRows.length;
    });
    gc?.();
    const heldBefore = retained - process.memoryUsage().heapUsed;
    const rowsBefore = await linkedRows();
    log(
      `link before: peak ${mib(before.peak)} MiB, held ${mib(heldBefore)} MiB, ${(before.ms / 1000).toFixed(1)} s; ${JSON.stringify(rowsBefore)}`,
    );
    await t.handle.query("update changes set deployed_at = null, deployment_id = null; delete from deployment_changes");

    const after = await peakOf(() => processors["link.deployments"]({ repo: REPO, runId: "bench" }, context, deps));
    const rowsAfter = await linkedRows();
    log(`link after: peak ${mib(after.peak)} MiB, ${(after.ms / 1000).toFixed(1)} s; ${JSON.stringify(rowsAfter)}`);
    log(`link rows identical: ${JSON.stringify(rowsBefore) === JSON.stringify(rowsAfter)}`);

    // sync.reviews' candidates: the whole list, then the paged read (nothing matches the merger here,
    // so neither asks GitHub: what is measured is what the stage holds).
    const reviewsBefore = await peakOf(async () => (await listUnreviewedAiPullRequests(t.db, REPO)).length);
    log(
      `reviews before: ${reviewsBefore.value} candidates, peak ${mib(reviewsBefore.peak)} MiB, ${(reviewsBefore.ms / 1000).toFixed(1)} s`,
    );
    const reviewsAfter = await peakOf(() => processors["sync.reviews"]({ repo: REPO, runId: "bench" }, context, deps));
    log(`reviews after: peak ${mib(reviewsAfter.peak)} MiB, ${(reviewsAfter.ms / 1000).toFixed(1)} s`);
  }
  // sync.pull-diffs: every PR without patches (all of them here) with its commit messages, then
  // the candidates picked (none here: each PR is 2 lines, so nothing is requested from GitHub);
  // after, pages of PULL_DIFFS_PAGE by number.
  let heldDiffs = 0;
  const diffsBefore = await peakOf(async () => {
    const rows = await wholeListWithoutDiffs(REPO);
    gc?.();
    heldDiffs = process.memoryUsage().heapUsed;
    const isIgnored = compileGlobs(config.thresholds.trivialIgnore);
    return {
      rows: rows.length,
      messages: rows.reduce((n, r) => n + r.commitMessages.length, 0),
      candidates: rows.filter((r) =>
        isPatchCandidate({ ...r, formatOnly: false }, isIgnored, config.thresholds.trivialMaxLines),
      ).length,
    };
  });
  gc?.();
  log(
    `pull-diffs before: ${JSON.stringify(diffsBefore.value)}, peak ${mib(diffsBefore.peak)} MiB, held ${mib(heldDiffs - process.memoryUsage().heapUsed)} MiB, ${(diffsBefore.ms / 1000).toFixed(1)} s`,
  );
  const diffsAfter = await peakOf(() => processors["sync.pull-diffs"]({ repo: REPO, runId: "bench" }, context, deps));
  log(`pull-diffs after: peak ${mib(diffsAfter.peak)} MiB, ${(diffsAfter.ms / 1000).toFixed(1)} s`);

  // The reads alone (no gc() sampling), whole list and pages in turn, and the same rows.
  const pagesOf = async () => {
    const rows: PullRequestForDiffs[] = [];
    let pages = 0;
    for await (const page of listPullRequestsWithoutDiffsPages(t.db, {
      repo: REPO,
      syncedAfter: null,
      pageSize: PULL_DIFFS_PAGE,
    })) {
      pages += 1;
      rows.push(...page);
    }
    return { rows, pages };
  };
  const seconds = async <T>(fn: () => Promise<T>) => {
    const t0 = performance.now();
    const value = await fn();
    return { value, s: ((performance.now() - t0) / 1000).toFixed(2) };
  };
  for (let round = 1; round <= Number(values.repeat); round += 1) {
    const whole = await seconds(() => wholeListWithoutDiffs(REPO));
    const paged = await seconds(pagesOf);
    const same =
      JSON.stringify([...whole.value].sort((a, b) => a.number - b.number).filter((r) => r.number > 0)) ===
      JSON.stringify(paged.value.rows);
    log(
      `pull-diffs read ${round}: whole list ${whole.value.length} PRs ${whole.s} s; ${paged.value.pages} pages ${paged.value.rows.length} PRs ${paged.s} s; same rows: ${same}`,
    );
  }

  if (!onlyPullDiffs) {
    // sync.deployments held the window's signals until detection; the largest kind is a deploy
    // workflow's runs (one a merge when every merge deploys). What N of them, as the job maps them, hold:
    gc();
    const base = process.memoryUsage().heapUsed;
    const runs = Array.from({ length: N }, (_, i) => ({
      id: String(9_000_000_000 + i),
      name: "Deploy",
      path: ".github/workflows/deploy.yml",
      headBranch: "main",
      headSha: (i.toString(16).padStart(8, "0") + "f".repeat(32)).slice(0, 40),
      event: "push",
      conclusion: "success",
      updatedAt: new Date(Date.parse("2025-01-01") + i * 600_000),
    }));
    gc();
    log(
      `deployments before: ${runs.length} workflow runs of the window held, ${mib(process.memoryUsage().heapUsed - base)} MiB (after: one page of 100)`,
    );
  }
} finally {
  if (!values.keep) await t.drop();
}
