import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateWorld, presetOptions } from "../generator/index.js";
import { type Simulator, startSimulator } from "../server/server.js";
import { renderPatch, World } from "../world/index.js";
import { changedLines } from "./model.js";
import { type GitWorld, gitWorld } from "./world.js";

const exec = promisify(execFile);

/** The simulator's repositories over Git's smart HTTP protocol: real git, the API's shas. */
describe("the simulator's Git server", () => {
  let gw: GitWorld;
  let sim: Simulator;
  let work: string;
  const env = (token: string | null) => ({
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    ...(token === null
      ? {}
      : {
          GIT_CONFIG_COUNT: "1",
          GIT_CONFIG_KEY_0: "http.extraHeader",
          GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`,
        }),
  });
  const git = async (args: string[], options: { cwd?: string; token?: string | null } = {}) =>
    (
      await exec("git", args, {
        cwd: options.cwd,
        env: env(options.token === undefined ? "t" : options.token),
        maxBuffer: 1 << 28,
      })
    ).stdout;

  beforeAll(async () => {
    gw = gitWorld(World.from(generateWorld(presetOptions("small", 7)), { truth: true }));
    sim = await startSimulator({ world: gw.world, tokens: ["t"], git: { world: gw } });
    work = await mkdtemp(join(tmpdir(), "sim-git-test-"));
  });
  afterAll(async () => {
    await sim.close();
    await rm(work, { recursive: true, force: true });
  });

  it("the API reports git shas: every commit and ground-truth sha is rewritten consistently", () => {
    const repo = gw.world.repos()[0];
    if (!repo) throw new Error("no repo");
    const full = `${repo.org}/${repo.name}`;
    const head = gw.world.branchHead(full) as string;
    expect(gw.shaMap.get(gw.source.branchHead(full) as string)).toBe(head);
    // Every truth change's sha is a commit of the served world; direct pushes keep their keys.
    for (const t of gw.world.truthChanges()) {
      expect(gw.world.hasCommit(t.repo, t.sha)).toBe(true);
      if (t.kind === "direct_push") expect(t.key).toBe(`${t.repo}@${t.sha}`);
    }
    for (const p of gw.world.pulls(full)) {
      for (const c of p.resultCommits) expect(gw.world.hasCommit(full, c)).toBe(true);
      expect(gw.world.hasCommit(full, p.headSha)).toBe(true);
    }
  });

  it("clones every repository with the API's commits, first-parent history and per-PR numstat and patches", async () => {
    let checked = 0;
    for (const r of gw.world.repos()) {
      const full = `${r.org}/${r.name}`;
      const dir = join(work, `${r.name}.git`);
      await git(["clone", "--bare", "--quiet", `${sim.url}/${full}.git`, dir]);
      expect((await git(["rev-parse", "HEAD"], { cwd: dir })).trim()).toBe(gw.world.branchHead(full));
      const firstParent = (await git(["rev-list", "--first-parent", "HEAD"], { cwd: dir })).trim().split("\n");
      expect(firstParent).toEqual(gw.world.defaultBranchShas(full));
      // Pull requests' heads are refs/pull/N/head, as on GitHub (a clone leaves them out).
      await git(["fetch", "--quiet", "origin", "+refs/pull/*:refs/pull/*"], { cwd: dir });
      // Every commit of the world, with its parents and message.
      const all = [...gw.world.commits(full)];
      const log = await git(["log", "--all", "--format=%H %P%x00%B%x00"], { cwd: dir });
      const byGit = new Map<string, { parents: string[]; message: string }>();
      for (const entry of log.split("\x00\n")) {
        const [line = "", message = ""] = entry.split("\x00");
        const [sha = "", ...parents] = line.trim().split(" ").filter(Boolean);
        if (sha) byGit.set(sha, { parents, message });
      }
      for (const c of all) {
        const g = byGit.get(c.sha);
        expect(g, `${full} ${c.sha}`).toBeDefined();
        expect(g?.parents).toEqual(c.parents);
        expect(g?.message).toBe(c.message);
      }
      // Each merged PR's change on the default branch: numstat and changed lines as REST's.
      // One commit (squash, merge): its diff against its first parent, all in one `git log`;
      // several (rebase): the diff from before the first.
      const merged = [...gw.world.pulls(full)].filter((p) => p.mergedAt !== null && p.resultCommits.length > 0);
      const perCommit = async (format: string) => {
        const shas = merged.filter((p) => p.resultCommits.length === 1).map((p) => p.resultCommits[0] as string);
        const out = await new Promise<string>((resolve, reject) => {
          const child = execFile(
            "git",
            [
              "log",
              "--stdin",
              "--no-walk=unsorted",
              "--diff-merges=first-parent",
              "--no-renames",
              format,
              "--format=%x00%H",
            ],
            { cwd: dir, env: env("t"), maxBuffer: 1 << 28 },
            (e, stdout) => (e ? reject(e) : resolve(stdout)),
          );
          child.stdin?.end(`${shas.join("\n")}\n`);
        });
        return new Map(
          out
            .split("\0")
            .slice(1)
            .map((part) => [part.slice(0, 40), part.slice(40)] as const),
        );
      };
      const numstats = await perCommit("--numstat");
      const patches = await perCommit("-p");
      for (const p of merged) {
        const first = p.resultCommits[0] as string;
        const last = p.resultCommits.at(-1) as string;
        const base = gw.world.commit(full, first)?.parents[0] as string;
        const single = p.resultCommits.length === 1;
        const numstat = single
          ? (numstats.get(last) ?? "")
          : await git(["diff", "--numstat", "--no-renames", base, last], { cwd: dir });
        const counts = new Map(
          numstat
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => {
              const [a, d, path] = l.split("\t");
              // A binary file (`-`): GitHub lists it with 0 and 0.
              return [path, { additions: a === "-" ? 0 : Number(a), deletions: d === "-" ? 0 : Number(d) }];
            }),
        );
        for (const f of p.files) {
          // Every file the API lists, files of no lines too (empty ones, binary changes).
          const got = counts.get(f.path);
          expect(got, `${full}#${p.number} ${f.path}`).toEqual({ additions: f.additions, deletions: f.deletions });
        }
        checked += 1;
        const patch = single
          ? (patches.get(last) ?? "")
          : await git(["diff", "--no-renames", base, last], { cwd: dir });
        const perFile = patch.split(/^diff --git /m).slice(1);
        for (const f of p.files) {
          const text = perFile.find((t) => t.startsWith(`a/${f.path} `)) ?? "";
          const rest = renderPatch(`${full}#${p.number}`, f, { force: true }) ?? "";
          const gitLines = changedLines(text.indexOf("\n@@") < 0 ? "" : text.slice(text.indexOf("\n@@") + 1));
          expect(gitLines, `${full}#${p.number} ${f.path}`).toEqual(changedLines(rest));
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it("partial and shallow clones, authentication, and a repository that refuses Git", async () => {
    const r = gw.world.repos()[1];
    if (!r) throw new Error("no repo");
    const full = `${r.org}/${r.name}`;
    const url = `${sim.url}/${full}`;
    const partial = join(work, "partial.git");
    await git(["clone", "--bare", "--quiet", "--filter=blob:none", "--shallow-since=2026-10-01", url, partial]);
    expect((await git(["rev-parse", "HEAD"], { cwd: partial })).trim()).toBe(gw.world.branchHead(full));
    // Missing blobs come on demand (protocol v2, any object wanted).
    const head = gw.world.branchHead(full) as string;
    expect(await git(["show", "--numstat", "--format=", head], { cwd: partial })).not.toBe("");
    await expect(git(["ls-remote", url], { token: null })).rejects.toThrow();
    await expect(git(["ls-remote", url], { token: "wrong" })).rejects.toThrow();
    expect(sim.accounting.total().gitRequests).toBeGreaterThan(0);
    expect(sim.accounting.total().restRequests).toBe(0);
    sim.git?.setRefused(full, true);
    await expect(git(["ls-remote", url])).rejects.toThrow(/403/);
    sim.git?.setRefused(full, false);
    expect((await git(["ls-remote", url])).length).toBeGreaterThan(0);
  });

  it("live changes are real commits, fetched incrementally; a force-push rewrites the branch", async () => {
    const r = gw.world.repos()[2];
    if (!r) throw new Error("no repo");
    const full = `${r.org}/${r.name}`;
    const dir = join(work, "live.git");
    await git(["clone", "--bare", "--quiet", "--filter=blob:none", `${sim.url}/${full}`, dir]);
    const before = gw.world.branchHead(full) as string;
    const author = gw.world.pull(full, 1)?.author ?? "sim-user";
    const pull = await sim.live.addMergedPull({
      repo: full,
      author,
      title: "Live change",
      files: [{ path: "src/index.ts", additions: 7, deletions: 3 }],
    });
    const fetched = await git(["fetch", "--quiet", "origin", "+refs/heads/*:refs/heads/*"], { cwd: dir });
    expect(fetched).toBe("");
    expect((await git(["rev-parse", "HEAD"], { cwd: dir })).trim()).toBe(pull.mergeCommitSha);
    expect(gw.world.branchHead(full)).toBe(pull.mergeCommitSha);
    expect((await git(["diff", "--numstat", before, pull.mergeCommitSha as string], { cwd: dir })).trim()).toBe(
      "7\t3\tsrc/index.ts",
    );
    // Force-push the branch back to where it was, then merge another change on top.
    await sim.live.forcePush({ repo: full, sha: before });
    const other = await sim.live.addMergedPull({ repo: full, author, title: "After the force-push" });
    await git(["fetch", "--quiet", "origin", "+refs/heads/*:refs/heads/*"], { cwd: dir });
    expect((await git(["rev-parse", "HEAD"], { cwd: dir })).trim()).toBe(other.mergeCommitSha);
    expect((await git(["rev-list", "--first-parent", "HEAD"], { cwd: dir })).trim().split("\n")).toEqual(
      gw.world.defaultBranchShas(full),
    );
    expect(gw.world.defaultBranchShas(full)).not.toContain(pull.mergeCommitSha);
  });
});
