import { spawn } from "node:child_process";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@yardstick/log";
import type { GitHubClient } from "../client.js";
import type { PullRequestPatches, PullRequestPatchFile } from "../fetchers/pull-request-patches.js";
import type { FilesRequest } from "../fetchers/pull-requests.js";
import type { FileNode } from "../shapes.js";
import { type GitFileStat, parseRawNumstat, RAW_NUMSTAT_FORMAT } from "./numstat.js";

/**
 * Repositories read over Git instead of the API: a bare, partial (`--filter=blob:none`) and,
 * where a start is given, shallow (`--shallow-since`) clone per repository in a cache directory,
 * kept current with `git fetch`, from which pull requests' patches are read. Git transfers spend
 * no API budget (docs/architecture.md "Git").
 *
 * `git` runs as a child process (docs/architecture.md says why). The token never appears in argv
 * or logs: each git process gets it as `http.extraHeader` through `GIT_CONFIG_COUNT`/`_KEY_n`/
 * `_VALUE_n` in its environment; system and global git configuration are ignored, and git never
 * prompts.
 */

export interface GitMirrorOptions {
  client: GitHubClient;
  /** Where the clones live (one bare repository per `owner/name`). */
  cacheDir: string;
  /** Git host URL (default: derived from the API URL: api.github.com -> github.com, /api/v3 dropped). */
  gitUrl?: string;
  /** The git binary (default `git` on PATH). */
  git?: string;
  logger: Logger;
}

/** Why a repository could not be read over Git (the caller falls back to REST). */
export class GitUnavailable extends Error {
  readonly code = "unavailable.git";
}

/** The web/git host of a REST API base URL. */
export function gitUrlFor(apiBaseUrl: string): string {
  const trimmed = apiBaseUrl.replace(/\/+$/, "");
  if (/^https?:\/\/api\.github\.com$/i.test(trimmed)) return "https://github.com";
  return trimmed.replace(/\/api\/v3$/, "");
}

interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export class GitMirror {
  readonly #options: GitMirrorOptions;
  readonly #locks = new Map<string, Promise<unknown>>();
  /** Git processes run (each a request or more to the host): read by benchmarks and tests. */
  gitCommands = 0;

  constructor(options: GitMirrorOptions) {
    this.#options = options;
  }

  get gitUrl(): string {
    return (this.#options.gitUrl ?? gitUrlFor(this.#options.client.baseUrl)).replace(/\/+$/, "");
  }

  async #env(): Promise<NodeJS.ProcessEnv> {
    const auth = (await this.#options.client.octokit.auth({ type: "installation" })) as { token?: string };
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
    return {
      ...env,
      GIT_TERMINAL_PROMPT: "0",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.extraHeader",
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${auth.token ?? ""}`).toString("base64")}`,
    };
  }

  async run(args: readonly string[], options: { cwd?: string; input?: string } = {}): Promise<RunResult> {
    this.gitCommands += 1;
    const env = await this.#env();
    return new Promise((resolve, reject) => {
      const child = spawn(this.#options.git ?? "git", args, { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.once("error", reject);
      child.stdin.on("error", () => {});
      child.stdin.end(options.input ?? "");
      child.once("close", (code) =>
        resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8").trim() }),
      );
    });
  }

  async #git(args: readonly string[], options: { cwd?: string; input?: string } = {}): Promise<string> {
    const r = await this.run(args, options);
    if (r.code !== 0) throw new GitUnavailable(`git ${args[0]}: ${r.stderr.split("\n").at(-1) ?? ""} (exit ${r.code})`);
    return r.stdout.toString("utf8");
  }

  /**
   * The repository's clone, made (bare, blobs on demand, history since `since` when given) or
   * brought up to date with `git fetch` (branches force-updated: a force-push replaces history).
   * Throws `GitUnavailable` when the host refuses (no access, Git disabled) or git fails.
   */
  async open(repo: string, since: Date | null): Promise<GitRepoMirror> {
    const previous = this.#locks.get(repo) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.#open(repo, since));
    this.#locks.set(repo, next);
    return next;
  }

  async #open(repo: string, since: Date | null): Promise<GitRepoMirror> {
    const dir = join(this.#options.cacheDir, `${repo}.git`);
    const exists = await stat(join(dir, "HEAD")).then(
      () => true,
      () => false,
    );
    const url = `${this.gitUrl}/${repo}.git`;
    const started = performance.now();
    if (!exists) {
      await mkdir(join(dir, ".."), { recursive: true });
      const args = ["clone", "--bare", "--quiet", "--filter=blob:none", "--no-tags"];
      if (since) args.push(`--shallow-since=${Math.floor(since.getTime() / 1000)}`);
      try {
        await this.#git([...args, url, dir]);
        await this.#git(["config", "remote.origin.fetch", "+refs/heads/*:refs/heads/*"], { cwd: dir });
      } catch (e) {
        await rm(dir, { recursive: true, force: true });
        throw e;
      }
      this.#options.logger.info({ repo, ms: Math.round(performance.now() - started) }, "git clone");
    } else {
      await this.#git(["fetch", "--quiet", "--prune", "--no-tags", "origin"], { cwd: dir });
      this.#options.logger.debug({ repo, ms: Math.round(performance.now() - started) }, "git fetch");
    }
    return new GitRepoMirror(this, repo, dir);
  }
}

/** A commit of a branch's history as the clone has it: the graph, without what only the API knows. */
export interface GitHistoryCommit {
  sha: string;
  /** All parents, first parent first (a shallow clone's boundary commits too: read from the object). */
  parents: string[];
  committedAt: Date;
}

/** A branch's history since a time, read from the clone. */
export interface GitHistory {
  /** The branch head; null when the clone has no such branch. */
  head: string | null;
  /** Commits reachable from the head committed at or after `since`, newest first (git's default order). */
  commits: GitHistoryCommit[];
  /**
   * False when the walk reached the shallow clone's edge at a commit committed at or after
   * `since`: older commits of the window may be missing (the caller reads the API instead).
   */
  complete: boolean;
}

/** A pull request's change on its base branch: the commits its merge produced. */
export interface MergedChange {
  mergeCommitSha: string;
  mergeMethod: "merge" | "squash" | "rebase" | null;
  /** The PR's commit count: a rebase merge replays each of them. */
  commitCount: number;
}

export class GitRepoMirror {
  constructor(
    private readonly mirror: GitMirror,
    readonly repo: string,
    readonly dir: string,
  ) {}

  async #git(args: readonly string[], input?: string): Promise<string> {
    const r = await this.mirror.run(args, { cwd: this.dir, ...(input === undefined ? {} : { input }) });
    if (r.code !== 0) throw new GitUnavailable(`git ${args[0]}: ${r.stderr.split("\n").at(-1) ?? ""} (exit ${r.code})`);
    return r.stdout.toString("utf8");
  }

  /** The commit a merged change's diff starts from: the merge's first parent, or before the rebased commits. */
  base(change: MergedChange): string {
    const n = change.mergeMethod === "rebase" ? Math.max(1, change.commitCount) : 1;
    return `${change.mergeCommitSha}~${n}`;
  }

  /**
   * The history of `branch` (every commit reachable from its head, as GitHub's `history` lists
   * it, not only the first-parent chain) with committer date at or after `since`: shas, parents
   * and dates, in one `git log`. Spends no API budget; who the authors are on GitHub (their linked
   * accounts) is not in Git, so the caller reads the commits it does not have from the API.
   */
  async history(branch: string, since: Date): Promise<GitHistory> {
    if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.includes("..") || branch.startsWith("-")) {
      throw new GitUnavailable(`branch name ${JSON.stringify(branch)} is not one git history reads here`);
    }
    const ref = `refs/heads/${branch}`;
    const [head] = await this.resolve([ref]);
    if (!head) return { head: null, commits: [], complete: true };
    const text = await this.#git(["log", "--format=%H %ct %P", head, "--"]);
    const sinceSeconds = since.getTime() / 1000;
    const commits: GitHistoryCommit[] = [];
    for (const line of text.split("\n")) {
      if (line === "") continue;
      // A root commit (or a shallow clone's edge) has no parents: "%P" is empty.
      const [sha = "", ct = "0", ...parents] = line.split(" ").filter((f) => f !== "");
      const seconds = Number(ct);
      if (seconds < sinceSeconds) continue;
      commits.push({ sha, parents, committedAt: new Date(seconds * 1000) });
    }
    // A shallow clone's boundary commits show no parents in `git log`; their objects have them.
    const shallow = new Set(
      (await readFile(join(this.dir, "shallow"), "utf8").catch(() => ""))
        .split("\n")
        .filter((l) => /^[0-9a-f]{40,64}$/.test(l)),
    );
    const edge = commits.filter((c) => shallow.has(c.sha));
    let complete = true;
    if (edge.length > 0) {
      const raw = await this.#git(["cat-file", "--batch"], `${edge.map((c) => c.sha).join("\n")}\n`);
      for (const c of edge) {
        const start = raw.indexOf(`${c.sha} commit `);
        const body = start === -1 ? "" : raw.slice(start, raw.indexOf("\n\n", start));
        c.parents = [...body.matchAll(/^parent ([0-9a-f]{40,64})$/gm)].map((m) => m[1] as string);
        // Its parents are outside the clone: any of them may still be in the window.
        if (c.parents.length > 0) complete = false;
      }
    }
    return { head, commits, complete };
  }

  /** Full shas of `revs` that resolve to commits here (a shallow clone lacks older ones); null per missing one. */
  async resolve(revs: readonly string[]): Promise<(string | null)[]> {
    if (revs.length === 0) return [];
    const r = await this.mirror.run(["cat-file", "--batch-check=%(objectname) %(objecttype)"], {
      cwd: this.dir,
      input: `${revs.join("\n")}\n`,
    });
    const lines = r.stdout.toString("utf8").split("\n");
    return revs.map((_, i) => {
      const [sha, type] = (lines[i] ?? "").split(" ");
      return type === "commit" && sha ? sha : null;
    });
  }

  /**
   * Merged pull requests' files as GitHub's `files` connection lists them (path, additions,
   * deletions, change type), from the clone: each PR's change on its base branch (the merge or
   * squash commit against its first parent; a rebase merge's replayed commits together). PRs the
   * clone cannot give are left out (the caller asks GitHub for them).
   */
  async pullRequestFiles(requests: readonly FilesRequest[]): Promise<Map<number, FileNode[]>> {
    const stats = await this.fileStats(
      requests.map((r) => {
        const change = { mergeCommitSha: r.mergeCommitSha, mergeMethod: r.mergeMethod, commitCount: r.commitCount };
        return {
          key: r.number,
          base: this.base(change),
          head: r.mergeCommitSha,
          single: r.mergeMethod !== "rebase" || r.commitCount <= 1,
        };
      }),
    );
    const out = new Map<number, FileNode[]>();
    for (const [number, files] of stats) {
      out.set(
        number,
        files.map((f) => ({ path: f.path, additions: f.additions, deletions: f.deletions, changeType: f.changeType })),
      );
    }
    return out;
  }

  /**
   * The files of several merged changes as GitHub lists a pull request's (path, additions,
   * deletions, change type; renames detected with git's default 50% similarity; binary and empty
   * files with 0 and 0), keyed as given: `base..head` diffed, a change of one commit (`single`:
   * squash and merge commits against their first parent) read with the others in one `git log`.
   * The blobs all those diffs need are fetched first, in one request. A change whose base or head
   * this clone lacks (not fetched yet, or behind a shallow clone's edge) is left out.
   */
  async fileStats<K>(
    changes: readonly { key: K; base: string; head: string; single: boolean }[],
  ): Promise<Map<K, GitFileStat[]>> {
    const out = new Map<K, GitFileStat[]>();
    if (changes.length === 0) return out;
    const resolved = await this.resolve(changes.flatMap((c) => [c.base, c.head]));
    const ready = changes.flatMap((c, i) => {
      const base = resolved[2 * i];
      const head = resolved[2 * i + 1];
      return base && head ? [{ ...c, base, head }] : [];
    });
    const singles = ready.filter((c) => c.single);
    const ranges = ready.filter((c) => !c.single);
    const common = ["--raw", "-z", "--abbrev=40", "--no-color", "--no-ext-diff", "--no-textconv"];
    const log = (extra: readonly string[]) =>
      this.#git(
        ["log", "--stdin", "--no-walk=unsorted", "--diff-merges=first-parent", ...common, ...extra, RAW_NUMSTAT_FORMAT],
        `${singles.map((c) => c.head).join("\n")}\n`,
      );
    // Blob ids from the trees alone (no renames: that would read blobs), then one fetch of them all.
    const oids = new Set<string>();
    const collect = (text: string) => {
      for (const commit of parseRawNumstat(text, { counts: false }))
        for (const f of commit.files) for (const id of [f.oldBlob, f.newBlob]) if (id) oids.add(id);
    };
    if (singles.length > 0) collect(await log(["--no-renames"]));
    for (const r of ranges) collect(await this.#git(["diff", ...common, "--no-renames", r.base, r.head]));
    await this.fetchBlobs(oids);
    if (singles.length > 0) {
      const byHead = new Map(parseRawNumstat(await log(["-M", "--numstat"])).map((c) => [c.sha, c.files]));
      for (const c of singles) {
        const files = byHead.get(c.head);
        if (files !== undefined) out.set(c.key, files);
      }
    }
    for (const r of ranges) {
      const [diff] = parseRawNumstat(await this.#git(["diff", ...common, "-M", "--numstat", r.base, r.head]));
      out.set(r.key, diff?.files ?? []);
    }
    return out;
  }

  /** Fetches blobs by id in one request (a partial clone has none until asked). */
  async fetchBlobs(oids: ReadonlySet<string>): Promise<void> {
    if (oids.size === 0) return;
    // Blobs already here are sent again (asking git which are missing would fetch them one by one).
    await this.#git(
      [
        "-c",
        "fetch.negotiationAlgorithm=noop",
        "fetch",
        "origin",
        "--no-tags",
        "--no-write-fetch-head",
        "--recurse-submodules=no",
        "--filter=blob:none",
        "--stdin",
      ],
      `${[...oids].join("\n")}\n`,
    );
  }

  /**
   * Fetches, in one request, the blobs the diffs of `ranges` need (a partial clone has none until
   * asked; without this, each diff would fetch its own).
   */
  async prefetch(ranges: readonly { base: string; head: string }[]): Promise<number> {
    const oids = new Set<string>();
    for (const { base, head } of ranges) {
      const raw = await this.#git(["diff", "--raw", "--no-renames", "--abbrev=40", "-z", base, head]);
      for (const field of raw.split("\0")) {
        if (!field.startsWith(":")) continue;
        const [, , oldId, newId] = field.split(" ");
        for (const id of [oldId, newId]) if (id && !/^0+$/.test(id)) oids.add(id);
      }
    }
    await this.fetchBlobs(oids);
    return oids.size;
  }

  /**
   * The patches of several commits against their first parents (squash and merge commits: their
   * pull request's change), in one git process: sha -> files.
   */
  async commitPatches(shas: readonly string[]): Promise<Map<string, PullRequestPatches>> {
    const out = new Map<string, PullRequestPatches>();
    if (shas.length === 0) return out;
    const text = await this.#git(
      [
        "-c",
        "core.quotePath=false",
        "log",
        "--stdin",
        "--no-walk=unsorted",
        "--diff-merges=first-parent",
        "-M",
        "--no-color",
        "--no-ext-diff",
        "--full-index",
        "-U3",
        "-p",
        "--format=%x00%H",
      ],
      `${shas.join("\n")}\n`,
    );
    for (const [sha, diff] of splitLog(text)) {
      out.set(sha, { files: parseGitDiff(diff), complete: true, restRequests: 0 });
    }
    return out;
  }

  /** The files of `base..head` with their patches and line counts, as REST's pull-request files. */
  async patches(base: string, head: string): Promise<PullRequestPatches> {
    const text = await this.#git([
      "-c",
      "core.quotePath=false",
      "diff",
      "-M",
      "--no-color",
      "--no-ext-diff",
      "--full-index",
      "-U3",
      base,
      head,
    ]);
    return { files: parseGitDiff(text), complete: true, restRequests: 0 };
  }
}

/** `git log -p` output split per commit (`--format=%x00%H`: a NUL, the sha, then its diff). */
function splitLog(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split("\0").slice(1)) {
    const sha = part.slice(0, 40);
    out.set(sha, part.slice(40));
  }
  return out;
}

/** Files of `git diff` output: path, status, counted lines and the hunks (null for binary files). */
export function parseGitDiff(text: string): PullRequestPatchFile[] {
  const files: PullRequestPatchFile[] = [];
  for (const part of text.split(/^diff --git /m).slice(1)) {
    const lines = part.split("\n");
    const header = lines[0] ?? "";
    const m = /^a\/(.*) b\/(.*)$/.exec(header);
    let path = m?.[2] ?? header;
    let status = "modified";
    let binary = false;
    let i = 1;
    for (; i < lines.length && !(lines[i] ?? "").startsWith("@@"); i++) {
      const l = lines[i] ?? "";
      if (l.startsWith("new file mode")) status = "added";
      else if (l.startsWith("deleted file mode")) status = "removed";
      else if (l.startsWith("Binary files")) binary = true;
      else if (l.startsWith("rename to ")) {
        // Renames detected (`-M`, as GitHub lists them): one file at its new path.
        path = l.slice(10);
        status = "renamed";
      } else if (l.startsWith("+++ b/")) path = l.slice(6);
      else if (l.startsWith("--- a/") && status === "removed") path = l.slice(6);
    }
    const hunk = lines.slice(i);
    while (hunk.length > 0 && hunk.at(-1) === "") hunk.pop();
    let additions = 0;
    let deletions = 0;
    for (const l of hunk) {
      if (l.startsWith("+")) additions += 1;
      else if (l.startsWith("-")) deletions += 1;
    }
    files.push({ path, status, additions, deletions, patch: binary ? null : hunk.join("\n") });
  }
  return files;
}
