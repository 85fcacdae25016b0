import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Config } from "@yardstick/config";
import { getCommits, getSyncCursor } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { createGitHubClient, type GitHubClient } from "@yardstick/github";
import {
  type GitWorld,
  generateWorld,
  gitWorld,
  presetOptions,
  renderPatch,
  type Simulator,
  startSimulator,
  World,
  type WorldRecord,
} from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import { compileGlobs, type FilePatchStat, filePatchStat, isPatchCandidate, prepareMetrics } from "@yardstick/metrics";
import {
  createPipelineDeps,
  loadMetricsInput,
  type PipelineDeps,
  type ProgressEvent,
  runSyncInline,
} from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshot, stable } from "../resilience/harness.js";
import { configForWorld } from "./world-config.js";

const silent = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const TOKEN = "git-test-token";
const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * The generated world with renames (the generator makes none): in the first merged PRs of each
 * repository and merge method that have a file of changed lines and one of none, both become
 * renames from `legacy/<path>` (one with changes, one exact), and so their trivial truth is
 * unchanged (same paths, same lines). The simulator serves them renamed over the API and Git.
 */
function* withRenames(source: Iterable<WorldRecord>): Generator<WorldRecord> {
  const records = [...source];
  // Only paths no other change touches: the simulator's clone moves a renamed file whole.
  const uses = new Map<string, number>();
  for (const r of records) {
    if (r.type !== "pull" && r.type !== "commit") continue;
    for (const f of r.files ?? []) uses.set(`${r.repo}:${f.path}`, (uses.get(`${r.repo}:${f.path}`) ?? 0) + 1);
  }
  const own = (repo: string, path: string) => uses.get(`${repo}:${path}`) === 1;
  const seen = new Map<string, number>();
  for (const r of records) {
    if (r.type !== "pull" || r.mergedAt === null || r.files.length < 2) {
      yield r;
      continue;
    }
    const slot = `${r.repo}:${r.mergeMethod}`;
    const withLines = r.files.findIndex(
      (f) => f.status === "modified" && f.additions + f.deletions > 0 && own(r.repo, f.path),
    );
    const noLines = r.files.findIndex(
      (f) => f.status === "modified" && f.additions + f.deletions === 0 && own(r.repo, f.path),
    );
    if ((seen.get(slot) ?? 0) >= 2 || withLines < 0) {
      yield r;
      continue;
    }
    seen.set(slot, (seen.get(slot) ?? 0) + 1);
    yield {
      ...r,
      files: r.files.map((f, i) =>
        i === withLines || i === noLines
          ? { ...f, status: "renamed" as const, previousPath: `legacy/${f.path}`, format: undefined }
          : f,
      ),
    };
  }
}

/**
 * Sync with `github.git.enabled`: pull requests' patches read from partial clones of the
 * simulator's repositories over Git smart HTTP (clone, then incremental fetches, through a
 * force-push), a repository that refuses Git read over REST; every PR's trivial verdict the truth's.
 */
describe("sync through Git against the simulator's smart HTTP endpoint", () => {
  let gw: GitWorld;
  let sim: Simulator;
  let db: TestDatabase;
  let cacheDir: string;
  let config: Config;
  let deps: PipelineDeps;
  let github: GitHubClient;
  let refused: string;
  /** GraphQL points per stream of each sync (progress events). */
  const points = new Map<string, number>();
  const onProgress = (e: ProgressEvent) => {
    if (e.kind === "page") points.set(e.stream, (points.get(e.stream) ?? 0) + e.points);
  };

  beforeAll(async () => {
    gw = gitWorld(World.from(withRenames(generateWorld(presetOptions("small", 7))), { truth: true }));
    refused = `${gw.world.repos()[1]?.org}/${gw.world.repos()[1]?.name}`;
    sim = await startSimulator({ world: gw.world, tokens: [TOKEN], seed: 3, git: { world: gw, refuse: [refused] } });
    db = await createTestDatabase();
    cacheDir = await mkdtemp(join(tmpdir(), "yardstick-git-cache-"));
    config = configForWorld(gw.world);
    config.github.git = { enabled: true, cacheDir };
    github = createGitHubClient({
      baseUrl: sim.url,
      auth: { type: "token", token: TOKEN },
      logger: silent,
      throttle: { graphqlMinTimeMs: 0, retryBaseMs: 5, retries: 8 },
    });
    deps = createPipelineDeps({ db: db.db, github, config, now: () => new Date(sim.worldNow()), onProgress });
  }, 600_000);
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  const diffsOf = async () =>
    new Map(
      (await snapshot(db.db)).prs
        .filter((p) => p.diffReadAt !== null)
        .map((p) => [`${p.repo}#${p.number}` as string, p] as const),
    );

  it("clones each repository and reads the candidates' patches from git; the refusing one over REST", async () => {
    points.clear();
    const summary = await runSyncInline(deps, silent, { runId: "git-1" });
    expect(summary.failed).toEqual([]);
    const usage = sim.accounting.total();
    expect(usage.gitRequests).toBeGreaterThan(0);

    const isIgnored = compileGlobs(config.thresholds.trivialIgnore);
    const expected = new Map<string, FilePatchStat[]>();
    for (const t of gw.world.truthChanges()) {
      if (t.kind !== "pull_request") continue;
      const pr = gw.world.pull(t.repo, t.number ?? 0);
      if (!pr?.mergedAt) continue;
      const candidate = isPatchCandidate(
        {
          title: pr.title,
          commitMessages: gw.world.pullCommits(t.repo, pr.number).map((c) => c.message),
          files: pr.files,
          filesComplete: pr.files.length === pr.changedFiles,
          additions: pr.additions,
          deletions: pr.deletions,
          formatOnly: false,
        },
        isIgnored,
        config.thresholds.trivialMaxLines,
      );
      // Files of no lines too (empty, binary): the clone has them as GitHub lists them.
      if (candidate)
        expected.set(t.key, pr.files.map((f) => filePatchStat({ ...f, patch: renderPatch(t.key, f) })).sort(byPath));
    }
    const read = await diffsOf();
    expect([...read.keys()].sort()).toEqual([...expected.keys()].sort());
    let overRest = 0;
    for (const [key, files] of expected) {
      // Same counts, whitespace-free lines and formatting verdict from git's patch as from REST's
      // (GitHub leaves out the patch of a file over 3,000 lines; git has it).
      const got = [...(read.get(key)?.diffFiles ?? [])].sort(byPath);
      expect(
        got.map((f) => ({ ...f, lines: f.lines ?? f.additions + f.deletions })),
        key,
      ).toEqual(files.map((f) => ({ ...f, lines: f.lines ?? f.additions + f.deletions })));
      if (key.startsWith(`${refused}#`)) overRest += 1;
    }
    expect(overRest).toBeGreaterThan(0);
    // REST reads only the refusing repository's patches (plus the workflow-run reads).
    const workflowRepos = gw.world.repos().filter((r) => r.deployMethod.kind === "workflow").length;
    expect(usage.restRequests).toBeLessThanOrEqual(overRest + 2 * workflowRepos);
    expect(usage.restRequests).toBeGreaterThanOrEqual(overRest);

    // Every PR's trivial verdict is the ground truth's.
    const prepared = prepareMetrics(await loadMetricsInput(db.db, config));
    const trivial = new Map(prepared.changes.map((c) => [c.key, c.trivial]));
    let compared = 0;
    for (const t of gw.world.truthChanges()) {
      if (!trivial.has(t.key)) continue;
      expect(trivial.get(t.key), `${t.key}: ${t.lines} lines, ${t.whitespaceLines} whitespace`).toBe(t.trivial);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(500);
  }, 900_000);

  it("stores the same pull requests (files from the clone: renames, files of no lines), commits, history, PR-commit links, changes and deployments as a sync without Git (the API's)", async () => {
    const gitPoints = new Map(points);
    points.clear();
    const apiDb = await createTestDatabase();
    try {
      const apiConfig: Config = {
        ...config,
        github: { ...config.github, git: { ...config.github.git, enabled: false } },
      };
      const apiDeps = createPipelineDeps({
        db: apiDb.db,
        github,
        config: apiConfig,
        now: () => new Date(sim.worldNow()),
        onProgress,
      });
      expect((await runSyncInline(apiDeps, silent, { runId: "api-1" })).failed).toEqual([]);
      const viaGit = stable(await snapshot(db.db));
      const viaApi = stable(await snapshot(apiDb.db));
      // Commits (shas, parents, messages, identities and linked accounts, line counts), co-authors,
      // PR-commit links and changes: equal row for row. The branch history came from the clones
      // (parents from Git, what Git lacks from GraphQL), the API's from GraphQL's history.
      expect(viaGit.commits.length).toBeGreaterThan(1_000);
      expect(viaGit.commits).toEqual(viaApi.commits);
      expect(viaGit.coAuthors).toEqual(viaApi.coAuthors);
      expect(viaGit.links).toEqual(viaApi.links);
      expect(viaGit.changes).toEqual(viaApi.changes);
      expect(viaGit.deployments).toEqual(viaApi.deployments);
      // Pull requests: the same row for row, files included (path, additions, deletions, change
      // type), though the Git sync read the files from the clones' numstat (in git's order: sorted
      // here) and the API sync from GraphQL's `files`. With renames and files of no lines.
      // One quirk of the generated world is not Git's to mirror: a generated revert lists the
      // reverted PR's files with the counts swapped but keeps `added` (a file "added" with only
      // deletions, which no diff can be), and in the clone it removes lines of a kept file. On those
      // paths the change type differs (the counts do not); every other file's is the API's.
      const quirk = new Set<string>();
      for (const r of gw.world.repos()) {
        const full = `${r.org}/${r.name}`;
        for (const pr of gw.world.pulls(full))
          for (const f of pr.files) if (f.status === "added" && f.deletions > 0) quirk.add(`${full}:${f.path}`);
      }
      expect(quirk.size).toBeGreaterThan(0);
      const prsOf = async (d: typeof db.db) => {
        const snap = await snapshot(d);
        return stable({
          ...snap,
          prs: snap.prs.map((p) => ({
            ...p,
            files: [...p.files]
              // Masked on those paths (no sync stores "unchanged": GitHub lists changed files only).
              .map((f) => (quirk.has(`${p.repo}:${f.path}`) ? { ...f, status: "unchanged" as const } : f))
              .sort(byPath),
            diffFiles: p.diffFiles === null ? null : [...p.diffFiles].sort(byPath),
          })),
        }).prs;
      };
      const gitPrs = await prsOf(db.db);
      expect(gitPrs.length).toBeGreaterThan(500);
      expect(gitPrs).toEqual(await prsOf(apiDb.db));
      const gitFiles = (await snapshot(db.db)).prs.filter((p) => p.repo !== refused).flatMap((p) => p.files);
      const renamed = gitFiles.filter((f) => f.status === "renamed");
      expect(renamed.filter((f) => f.additions + f.deletions > 0).length).toBeGreaterThan(3);
      expect(renamed.filter((f) => f.additions + f.deletions === 0).length).toBeGreaterThan(0);
      expect(gitFiles.filter((f) => f.status === "modified" && f.additions + f.deletions === 0).length).toBeGreaterThan(
        0,
      );
      expect(gitFiles.filter((f) => f.status === "added" && f.additions + f.deletions === 0).length).toBeGreaterThan(0);
      // The stream without files costs less: 60 PRs a point instead of 40 (this world's
      // repositories are small: partial pages and the refusing repository's keep it near).
      expect(gitPoints.get("pull_requests") ?? 0).toBeLessThan(points.get("pull_requests") ?? 0);
      for (const r of gw.world.repos()) {
        const full = `${r.org}/${r.name}`;
        expect((await getSyncCursor(db.db, full, "branch"))?.state.head, full).toBe(
          (await getSyncCursor(apiDb.db, full, "branch"))?.state.head,
        );
      }
      // The history over Git costs less than GraphQL's: only the refusing repository's history and
      // the commits no pull request brought (before the backfill window, direct pushes, rebased
      // copies) are read there.
      expect(gitPoints.get("branch") ?? 0).toBeLessThan(points.get("branch") ?? 0);
    } finally {
      await apiDb.drop();
    }
  }, 900_000);

  it("fetches new history incrementally, also after a force-push", async () => {
    const repo = gw.world.repos()[0];
    if (!repo) throw new Error("no repo");
    const full = `${repo.org}/${repo.name}`;
    const author = gw.world.pull(full, 1)?.author ?? "sim-user";
    const before = gw.world.branchHead(full) as string;
    sim.clock.advance(3_600_000);
    // 8 changed lines: above trivialMaxLines, within twice it: its patch is read.
    const first = await sim.live.addMergedPull({
      repo: full,
      author,
      title: "Tune the cache",
      files: [{ path: "src/index.ts", additions: 4, deletions: 4 }],
    });
    sim.accounting.reset();
    expect((await runSyncInline(deps, silent, { runId: "git-2" })).failed).toEqual([]);
    const afterFirst = sim.accounting.total();
    const one = (await diffsOf()).get(`${full}#${first.number}`);
    expect(one?.diffFiles).toEqual([{ path: "src/index.ts", additions: 4, deletions: 4, lines: 8, formatOnly: false }]);
    expect(afterFirst.gitRequests).toBeGreaterThan(0);

    // The default branch forced back to before that PR, and another PR merged on the new head.
    await sim.live.forcePush({ repo: full, sha: before });
    sim.clock.advance(3_600_000);
    const second = await sim.live.addMergedPull({
      repo: full,
      author,
      title: "Tune the cache again",
      files: [{ path: "src/index.ts", additions: 5, deletions: 2 }],
    });
    sim.accounting.reset();
    expect((await runSyncInline(deps, silent, { runId: "git-3" })).failed).toEqual([]);
    const two = (await diffsOf()).get(`${full}#${second.number}`);
    expect(two?.diffFiles).toEqual([{ path: "src/index.ts", additions: 5, deletions: 2, lines: 7, formatOnly: false }]);
    // The branch history read from the clone follows the force-push: the new head, whose first
    // parent is the commit the branch was forced back to, stored with its parents.
    const head = (await getSyncCursor(db.db, full, "branch"))?.state.head;
    expect(head).toBe(second.mergeCommitSha);
    const [stored] = await getCommits(db.db, full, [head as string]);
    expect(stored?.parents[0]).toBe(before);
    // Read over Git: no REST patch read for it.
    expect(sim.accounting.total().restRequests).toBeLessThanOrEqual(2);
  }, 900_000);
});
