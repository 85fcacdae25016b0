import { repositorySettings } from "@yardstick/config";
import {
  listDeployments,
  listPullRequestsWithoutDiffsPages,
  listRepositoryChanges,
  type PullRequestForDiffs,
} from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { generateWorld, presetOptions, World } from "@yardstick/github-sim";
import { deploymentId, linkRepository } from "@yardstick/metrics";
import {
  type JobContext,
  type Jobs,
  loadCommitGraph,
  type PipelineDeps,
  PULL_DIFFS_STREAM,
  processors,
  REVIEWS_STREAM,
} from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silent, type WorldForTest, worldForTest } from "./sync-world.js";
import { configForWorld } from "./world-config.js";

const TOKEN = "paged-stages-token";
const context: JobContext<Jobs> = { jobId: "paged", attempt: 1, logger: silent, enqueue: async () => {} };

/**
 * Issue 18 (bounded memory): link.deployments, sync.reviews, sync.pull-diffs and sync.deployments read the
 * database (or GitHub) a page at a time. On a synced world whose repositories hold many pages of
 * a deliberately small page size, they store exactly what the whole-repository versions stored,
 * and running them again changes nothing.
 */
describe("the paged sync stages", () => {
  const world = World.from(generateWorld(presetOptions("small", 5)));
  const config = configForWorld(world);
  const now = new Date(world.header.now);
  let database: TestDatabase;
  let w: WorldForTest;
  const repos = world.repos().map((r) => `${r.org}/${r.name}`);
  const linked = repos.filter((r) => repositorySettings(config, r).deployment.method !== "merge");

  beforeAll(async () => {
    database = await createTestDatabase();
    w = await worldForTest({ world, db: database.db, config, token: TOKEN, now });
    const summary = await w.sync("first");
    expect(summary.failed).toEqual([]);
  }, 600_000);
  afterAll(async () => {
    await w?.close();
    await database?.drop();
  });

  /** One table's rows (without the columns that say when a row was written), as one digest. */
  async function digest(table: string, drop: string[] = []): Promise<string> {
    const minus = ["synced_at", "updated_at", ...drop].map((c) => ` - '${c}'`).join("");
    const [row] = await database.handle.query<{ n: string | number; d: string | null }>(
      `select count(*) as n, md5(string_agg(r, E'\\n' order by r)) as d from (select (to_jsonb(t)${minus})::text as r from ${table} t) x`,
    );
    return `${row?.n} ${row?.d}`;
  }
  const paged = (pageSize: number, onProgress?: PipelineDeps["onProgress"]): PipelineDeps => ({
    ...w.deps,
    pageSize,
    ...(onProgress === undefined ? {} : { onProgress }),
  });

  it("links every change as the whole-graph linking did, in pages of 7 changes, and a second run changes nothing", async () => {
    // The repositories hold many pages.
    const [most] = await database.handle.query<{ n: string | number }>(
      "select max(n) as n from (select count(*) as n from changes group by repo) c",
    );
    expect(Number(most?.n)).toBeGreaterThan(7 * 10);

    // What the whole-repository linking (graph and every change in memory) gives.
    const expectedChanges = new Map<string, { deployedAt: number | null; deploymentId: number | null }>();
    const expectedShipped: string[] = [];
    for (const repo of linked) {
      const stored = await listDeployments(database.db, { repo });
      const rowId = new Map(stored.map((d) => [deploymentId(d), d.id]));
      const changes = await listRepositoryChanges(database.db, repo);
      const links = linkRepository(
        await loadCommitGraph(database.db, repo),
        stored,
        changes.flatMap((c) => (c.sha === null ? [] : [{ key: c.key, landingShas: [c.sha], mergedAt: c.mergedAt }])),
        config.thresholds.lookbackWeeks * 7,
      );
      for (const c of links.changes) {
        expectedChanges.set(c.key, {
          deployedAt: c.deployedAt?.getTime() ?? null,
          deploymentId: c.deploymentId === null ? null : (rowId.get(c.deploymentId) ?? null),
        });
      }
      for (const d of links.deployments) for (const key of d.shipped) expectedShipped.push(`${rowId.get(d.id)} ${key}`);
    }
    expect([...expectedChanges.values()].filter((c) => c.deployedAt !== null).length).toBeGreaterThan(0);

    const actual = async () => {
      const rows = await database.handle.query<{
        key: string;
        deployed_at: Date | string | null;
        deployment_id: unknown;
      }>(
        `select key, deployed_at, deployment_id from changes where sha is not null and repo in (${linked.map((r) => `'${r}'`).join(", ")})`,
      );
      const changes = new Map(
        rows.map((r) => [
          r.key,
          {
            deployedAt: r.deployed_at === null ? null : new Date(r.deployed_at).getTime(),
            deploymentId: r.deployment_id === null ? null : Number(r.deployment_id),
          },
        ]),
      );
      const shipped = await database.handle.query<{ s: string }>(
        "select deployment_id || ' ' || change_key as s from deployment_changes",
      );
      return { changes, shipped: shipped.map((s) => s.s).sort() };
    };

    // As the sync stored it (one page: the default page is larger than any repository here)...
    const synced = await actual();
    expect(synced.changes).toEqual(expectedChanges);
    expect(synced.shipped).toEqual([...expectedShipped].sort());

    // ...and in pages of 7, twice: nothing moves.
    const before = [await digest("changes"), await digest("deployment_changes")];
    for (let run = 0; run < 2; run++) {
      for (const repo of linked)
        await processors["link.deployments"]({ repo, runId: `paged-${run}` }, context, paged(7));
      expect([await digest("changes"), await digest("deployment_changes")]).toEqual(before);
    }
    // Cleared and relinked in pages of 7: the same rows again.
    await database.handle.query("update changes set deployed_at = null, deployment_id = null");
    await database.handle.query("delete from deployment_changes");
    for (const repo of linked) await processors["link.deployments"]({ repo, runId: "paged-fresh" }, context, paged(7));
    expect(await actual()).toEqual(synced);
  }, 600_000);

  it("reads the same reviews in the same batches (the same points) with candidates in pages of 3", async () => {
    const reviewed = () => digest("pull_requests", ["reviews_read"]);
    const [read] = await database.handle.query<{ n: string | number }>(
      "select count(*) as n from pull_requests where reviews_read",
    );
    expect(Number(read?.n)).toBeGreaterThan(0);
    const forget = () =>
      database.handle.query(
        "update pull_requests set reviews_read = false, reviewers = '{}' where merged_by_login is not null",
      );
    const run = async (pageSize: number) => {
      await forget();
      let points = 0;
      let items = 0;
      const deps = paged(pageSize, (e) => {
        if (e.kind === "page" && e.stream === REVIEWS_STREAM) {
          points += e.points;
          items += e.items;
        }
      });
      for (const repo of repos) await processors["sync.reviews"]({ repo, runId: `reviews-${pageSize}` }, context, deps);
      return { points, items, rows: await reviewed() };
    };
    const whole = await run(1_000_000);
    const inPages = await run(3);
    expect(whole.items).toBeGreaterThan(0);
    expect(inPages).toEqual(whole);
    // Again with nothing unread: nothing is read.
    let again = 0;
    for (const repo of repos)
      await processors["sync.reviews"](
        { repo, runId: "reviews-again" },
        context,
        paged(3, (e) => {
          if (e.kind === "page" && e.stream === REVIEWS_STREAM) again += e.items;
        }),
      );
    expect(again).toBe(0);
    expect(await reviewed()).toEqual(whole.rows);
  }, 600_000);

  it("reads the same patches with the same REST requests with pull requests in pages of 3, and a re-run reads nothing", async () => {
    const patches = () => digest("pull_requests");
    const [read] = await database.handle.query<{ n: string | number }>(
      "select count(*) as n from pull_requests where diff_read_at is not null",
    );
    expect(Number(read?.n)).toBeGreaterThan(0);
    const synced = await patches();
    const forget = async () => {
      await database.handle.query(
        "update pull_requests set diff_files = null, diff_files_complete = null, diff_read_at = null",
      );
      await database.handle.query(`delete from sync_cursors where stream = '${PULL_DIFFS_STREAM}'`);
    };

    // The pages hold the whole list (commit messages included, in commit order), every row once:
    // the list as one independent query (a join grouped by PR) says it.
    await forget();
    for (const repo of repos) {
      const whole = await database.handle.query(
        `select p.number, p.title, p.additions, p.deletions, p.changed_files as "changedFiles", p.files,
           p.files_complete as "filesComplete", p.synced_at as "syncedAt", p.merge_commit_sha as "mergeCommitSha",
           p.merge_method as "mergeMethod",
           coalesce(array_agg(c.message order by pc.position) filter (where c.sha is not null), '{}') as "commitMessages"
         from pull_requests p
         left join pull_request_commits pc on pc.repo = p.repo and pc.number = p.number
         left join commits c on c.repo = pc.repo and c.sha = pc.sha
         where p.repo = '${repo.replaceAll("'", "''")}' and p.diff_read_at is null
         group by p.repo, p.number order by p.number`,
      );
      expect(whole.length).toBeGreaterThan(3 * 2);
      const pages: PullRequestForDiffs[] = [];
      for await (const page of listPullRequestsWithoutDiffsPages(database.db, {
        repo,
        syncedAfter: null,
        pageSize: 3,
      })) {
        expect(page.length).toBeLessThanOrEqual(3);
        pages.push(...page);
      }
      // (The shared client hands timestamps over as PostgreSQL's text; drizzle makes them Dates.)
      expect(pages).toEqual(whole.map((r) => ({ ...r, syncedAt: new Date(String(r.syncedAt)) })));
    }

    const run = async (pageSize: number, runId: string) => {
      let items = 0;
      const rest = w.sim.accounting.total().restRequests;
      const deps = paged(pageSize, (e) => {
        if (e.kind === "page" && e.stream === PULL_DIFFS_STREAM) items += e.items;
      });
      for (const repo of repos) await processors["sync.pull-diffs"]({ repo, runId }, context, deps);
      return { items, restRequests: w.sim.accounting.total().restRequests - rest, rows: await patches() };
    };
    await forget();
    const whole = await run(1_000_000, "diffs-whole");
    await forget();
    const inPages = await run(3, "diffs-paged");
    expect(whole.items).toBeGreaterThan(0);
    expect(whole.restRequests).toBeGreaterThan(0);
    expect(inPages).toEqual(whole);
    // What the sync stored, the same.
    expect(inPages.rows).toEqual(synced);
    // Again with nothing new: nothing read, nothing requested, nothing changed.
    expect(await run(3, "diffs-again")).toEqual({ items: 0, restRequests: 0, rows: synced });
  }, 600_000);

  it("stores each deployment page as it is read: a re-run stores the same deployments", async () => {
    const before = [await digest("deployments"), await digest("deployment_statuses")];
    expect(before[0]).not.toMatch(/^0 /);
    for (const repo of repos)
      await processors["sync.deployments"]({ repo, runId: "deployments-again" }, context, w.deps);
    expect([await digest("deployments"), await digest("deployment_statuses")]).toEqual(before);
  }, 600_000);
});
