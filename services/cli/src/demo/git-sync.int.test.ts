import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "@yardstick/config";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import {
  type GitWorld,
  generateWorld,
  gitWorld,
  presetOptions,
  renderPatch,
  type Simulator,
  World,
} from "@yardstick/github-sim";
import { compileGlobs, type FilePatchStat, filePatchStat, isPatchCandidate, prepareMetrics } from "@yardstick/metrics";
import { loadMetricsInput } from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshot } from "../resilience/harness.js";
import { type WorldForTest, worldForTest } from "./sync-world.js";
import { configForWorld } from "./world-config.js";

const TOKEN = "git-test-token";
const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

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
  let synced: WorldForTest;
  let refused: string;

  beforeAll(async () => {
    gw = gitWorld(World.from(generateWorld(presetOptions("small", 7)), { truth: true }));
    refused = `${gw.world.repos()[1]?.org}/${gw.world.repos()[1]?.name}`;
    db = await createTestDatabase();
    cacheDir = await mkdtemp(join(tmpdir(), "yardstick-git-cache-"));
    config = configForWorld(gw.world);
    config.github.git = { enabled: true, cacheDir };
    synced = await worldForTest({
      world: gw.world,
      db: db.db,
      config,
      token: TOKEN,
      simulator: { seed: 3, git: { world: gw, refuse: [refused] } },
    });
    sim = synced.sim;
  }, 600_000);
  afterAll(async () => {
    await synced?.close();
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
    const summary = await synced.sync("git-1");
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
      // Git leaves out files of no lines (GitHub lists them with an empty patch).
      if (candidate)
        expected.set(
          t.key,
          pr.files
            .filter((f) => t.repo === refused || f.additions + f.deletions > 0)
            .map((f) => filePatchStat({ ...f, patch: renderPatch(t.key, f) }))
            .sort(byPath),
        );
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
  });

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
    expect((await synced.sync("git-2")).failed).toEqual([]);
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
    expect((await synced.sync("git-3")).failed).toEqual([]);
    const two = (await diffsOf()).get(`${full}#${second.number}`);
    expect(two?.diffFiles).toEqual([{ path: "src/index.ts", additions: 5, deletions: 2, lines: 7, formatOnly: false }]);
    // Read over Git: no REST patch read for it.
    expect(sim.accounting.total().restRequests).toBeLessThanOrEqual(2);
  });
});
