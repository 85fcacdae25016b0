import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { type GitCommit, personLine, walkRepo } from "./model.js";
import type { GitWorld } from "./world.js";

/**
 * The world's repositories as real bare git repositories, served over Git's smart HTTP protocol.
 *
 * Each repository is built on first use (`git fast-import` of model.ts's commits into a bare
 * repository under a temporary directory, kept until the simulator closes) and checked: every
 * commit fast-import wrote has the sha the API reports. Requests go to `git http-backend` (git's
 * own CGI program, a child process per request), as on a git server behind a web server:
 * `GET /{owner}/{repo}.git/info/refs?service=git-upload-pack` and
 * `POST /{owner}/{repo}.git/git-upload-pack` (the `.git` suffix optional, as on github.com).
 * Upload only (no push); partial clones (`--filter=blob:none`), shallow clones and protocol v2
 * are allowed, so a client can fetch missing blobs later.
 *
 * Authentication is the API's: `Authorization: Basic` with the token as password (what a git
 * credential helper sends), or `Authorization: token|Bearer <token>` (http.extraHeader).
 */

export interface GitServeOptions {
  /** Directory for the built repositories (default: a new temporary directory, removed on close). */
  dir?: string;
  /** Repositories (`owner/name`) that refuse Git (403), to test a client's fallback. */
  refuse?: readonly string[];
}

const GIT = process.env.YARDSTICK_SIM_GIT ?? "git";

function run(args: string[], options: { cwd?: string; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(GIT, args, { cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new Error(`git ${args[0]} failed (${code}): ${Buffer.concat(err).toString("utf8").trim()}`));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

async function write(stream: Writable, chunk: string | Buffer): Promise<void> {
  if (!stream.write(chunk)) await new Promise<void>((r) => stream.once("drain", () => r()));
}

export class GitRepos {
  readonly #world: GitWorld;
  readonly #built = new Map<string, Promise<string>>();
  readonly #refused = new Set<string>();
  #dir: Promise<string>;
  readonly #ownDir: boolean;
  #live = 0;
  /** git requests answered, per repository (read by tests and benchmarks). */
  readonly requests = new Map<string, number>();

  constructor(world: GitWorld, options: GitServeOptions = {}) {
    this.#world = world;
    this.#ownDir = options.dir === undefined;
    this.#dir = options.dir
      ? mkdir(options.dir, { recursive: true }).then(() => options.dir as string)
      : mkdtemp(join(tmpdir(), "yardstick-sim-git-"));
    for (const r of options.refuse ?? []) this.#refused.add(r);
  }

  /** Refuse (or allow again) Git access to a repository: clones and fetches get 403. */
  setRefused(repo: string, refused: boolean): void {
    if (refused) this.#refused.add(repo);
    else this.#refused.delete(repo);
  }

  refused(repo: string): boolean {
    return this.#refused.has(repo);
  }

  /** The bare repository of `owner/name`, built on first use. */
  path(repo: string): Promise<string> {
    let p = this.#built.get(repo);
    if (!p) {
      p = this.#build(repo);
      this.#built.set(repo, p);
      p.catch(() => this.#built.delete(repo));
    }
    return p;
  }

  async #build(repo: string): Promise<string> {
    const info = this.#world.world.repo(repo);
    if (!info) throw new Error(`git: no repository ${repo}`);
    const dir = join(await this.#dir, `${repo}.git`);
    await rm(dir, { recursive: true, force: true });
    await run(["init", "--bare", "--quiet", dir]);
    for (const [k, v] of [
      ["uploadpack.allowFilter", "true"],
      ["uploadpack.allowAnySHA1InWant", "true"],
      ["http.receivepack", "false"],
      ["gc.auto", "0"],
    ] as const)
      await run(["config", k, v], { cwd: dir });
    await run(["symbolic-ref", "HEAD", `refs/heads/${info.defaultBranch}`], { cwd: dir });

    const marksFile = join(dir, "sim-marks");
    const child = spawn(GIT, ["fast-import", "--quiet", "--done", `--export-marks=${marksFile}`], {
      cwd: dir,
      stdio: ["pipe", "ignore", "pipe"],
    });
    const err: Buffer[] = [];
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const exited = new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve(code ?? 1));
    });
    const marks = new Map<string, number>(); // world sha -> mark
    const expected: string[] = [];
    const commits: GitCommit[] = [];
    walkRepo(this.#world.source, repo, new Map(), { withOps: true, onCommit: (c) => commits.push(c) });
    const stdin = child.stdin;
    try {
      for (const c of commits) {
        const mark = marks.size + 1;
        marks.set(c.worldSha, mark);
        expected[mark] = c.sha;
        const msg = Buffer.from(c.message, "utf8");
        const head: string[] = [];
        if (c.parents.length === 0) head.push("reset refs/sim/import");
        head.push("commit refs/sim/import", `mark :${mark}`);
        head.push(`author ${personLine(c.author)}`, `committer ${personLine(c.committer)}`, `data ${msg.length}`);
        await write(stdin, `${head.join("\n")}\n`);
        await write(stdin, msg);
        const source = this.#world.source.commit(repo, c.worldSha);
        const parentMarks = (source?.parents ?? []).map((p) => marks.get(p)).filter((m) => m !== undefined);
        const lines = [""];
        parentMarks.forEach((m, i) => {
          lines.push(`${i === 0 ? "from" : "merge"} :${m}`);
        });
        await write(stdin, `${lines.join("\n")}\n`);
        for (const op of c.ops) {
          if (op.content === null) await write(stdin, `D ${op.path}\n`);
          else {
            await write(stdin, `M 100644 inline ${op.path}\ndata ${op.content.length}\n`);
            await write(stdin, op.content);
            await write(stdin, "\n");
          }
        }
        await write(stdin, "\n");
      }
      const refs: [string, string][] = [];
      for (const b of this.#world.source.branches(repo)) refs.push([`refs/heads/${b.name}`, b.sha]);
      for (const p of this.#world.source.pulls(repo)) refs.push([`refs/pull/${p.number}/head`, p.headSha]);
      for (const t of this.#world.source.tags(repo)) refs.push([`refs/tags/${t.name}`, t.sha]);
      for (const [ref, sha] of refs) {
        const m = marks.get(sha);
        if (m !== undefined) await write(stdin, `reset ${ref}\nfrom :${m}\n\n`);
      }
      await write(stdin, "done\n");
      stdin.end();
    } catch (e) {
      child.kill();
      throw e;
    }
    const code = await exited;
    if (code !== 0) throw new Error(`git fast-import of ${repo} failed (${code}): ${Buffer.concat(err).toString()}`);
    await run(["update-ref", "-d", "refs/sim/import"], { cwd: dir });
    // Every commit must have the sha the API reports.
    const written = await readFile(marksFile, "utf8");
    for (const line of written.split("\n")) {
      if (line === "") continue;
      const [m, sha] = line.split(" ");
      const want = expected[Number((m ?? "").slice(1))];
      if (want !== sha) throw new Error(`git: ${repo} commit ${m} is ${sha}, the API says ${want}`);
    }
    await rm(marksFile, { force: true });
    return dir;
  }

  /**
   * Adds commits to a built repository (live changes: see live.ts) and returns their shas:
   * each `from` is a git sha or the index of an earlier commit of the list; `files` its changes,
   * as a pull request's files (new lines appended, deleted lines taken from the file's end).
   */
  async addCommits(
    repo: string,
    commits: readonly {
      parents: readonly (string | number)[];
      author: { name: string; email: string; date: string };
      committer: { name: string; email: string; date: string };
      message: string;
      files: readonly { path: string; additions: number; deletions: number }[];
    }[],
  ): Promise<string[]> {
    const dir = await this.path(repo);
    const shas: string[] = [];
    for (const [i, c] of commits.entries()) {
      const parents = c.parents.map((p) => (typeof p === "number" ? (shas[p] as string) : p));
      const first = parents[0];
      const env = (who: "AUTHOR" | "COMMITTER", id: { name: string; email: string; date: string }) => ({
        [`GIT_${who}_NAME`]: id.name.replace(/[<>\n]/g, ""),
        [`GIT_${who}_EMAIL`]: id.email.replace(/[<>\n]/g, ""),
        [`GIT_${who}_DATE`]: `${Math.floor(Date.parse(id.date) / 1000)} +0000`,
      });
      // Build the tree: the first parent's, with each file's lines changed.
      const index = join(dir, `sim-index-${process.pid}-${i}`);
      const gitEnv = {
        ...process.env,
        GIT_INDEX_FILE: index,
        ...env("AUTHOR", c.author),
        ...env("COMMITTER", c.committer),
      };
      const git = (args: string[], input?: string) =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(GIT, args, { cwd: dir, env: gitEnv, stdio: ["pipe", "pipe", "pipe"] });
          const out: Buffer[] = [];
          const err: Buffer[] = [];
          child.stdout.on("data", (b: Buffer) => out.push(b));
          child.stderr.on("data", (b: Buffer) => err.push(b));
          child.once("error", reject);
          child.once("close", (code) =>
            code === 0
              ? resolve(Buffer.concat(out).toString("utf8"))
              : reject(new Error(`git ${args[0]}: ${Buffer.concat(err).toString().trim()}`)),
          );
          child.stdin.on("error", () => {}); // commands that read no input may exit first
          child.stdin.end(input ?? "");
        });
      try {
        if (first) await git(["read-tree", first]);
        else await git(["read-tree", "--empty"]);
        for (const f of c.files) {
          let old: string[] = [];
          if (first) {
            try {
              const text = await git(["cat-file", "blob", `${first}:${f.path}`]);
              old = text === "" ? [] : text.replace(/\n$/, "").split("\n");
            } catch {
              old = [];
            }
          }
          const kept = old.slice(0, Math.max(0, old.length - f.deletions));
          const tok = (this.#live++).toString(36);
          const added = Array.from({ length: f.additions }, (_, j) => `export const live_${tok}_${j} = ${j};`);
          const content = [...kept, ...added];
          const blob = (
            await git(["hash-object", "-w", "--stdin"], content.length ? `${content.join("\n")}\n` : "")
          ).trim();
          await git(["update-index", "--add", "--cacheinfo", `100644,${blob},${f.path}`]);
        }
        const tree = (await git(["write-tree"])).trim();
        const sha = (await git(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])], c.message)).trim();
        shas.push(sha);
      } finally {
        await rm(index, { force: true });
      }
    }
    return shas;
  }

  /** Points a ref of a built repository at a commit (a force-push when it is not a descendant). */
  async setRef(repo: string, ref: string, sha: string): Promise<void> {
    const dir = await this.path(repo);
    await run(["update-ref", ref, sha], { cwd: dir });
  }

  /**
   * Answers a Git smart-HTTP request, or returns false when the path is not one. `token` is the
   * authenticated token (null: not authenticated, answered 401 so git asks its credential helper).
   */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, authenticated: boolean): Promise<boolean> {
    const m = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(url.pathname);
    if (!m) return false;
    const repo = `${m[1]}/${m[2]}`;
    if (!authenticated) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="GitHub"', "content-type": "text/plain" });
      res.end("Authentication required\n");
      return true;
    }
    if (!this.#world.world.repo(repo) || m[3] === "git-receive-pack") {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Repository not found.\n");
      return true;
    }
    if (this.#refused.has(repo)) {
      res.writeHead(403, { "content-type": "text/plain" });
      res.end("Git access to this repository is disabled.\n");
      return true;
    }
    this.requests.set(repo, (this.requests.get(repo) ?? 0) + 1);
    const dir = await this.path(repo);
    const root = await this.#dir;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: `/${dir.slice(root.length + 1)}/${m[3]}`,
      QUERY_STRING: url.search.replace(/^\?/, ""),
      CONTENT_TYPE: String(req.headers["content-type"] ?? ""),
      REMOTE_USER: "git",
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
      SERVER_PROTOCOL: "HTTP/1.1",
      GATEWAY_INTERFACE: "CGI/1.1",
    };
    const encoding = req.headers["content-encoding"];
    if (typeof encoding === "string") env.HTTP_CONTENT_ENCODING = encoding;
    const protocol = req.headers["git-protocol"];
    if (typeof protocol === "string") env.GIT_PROTOCOL = protocol;
    const child = spawn(GIT, ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
    const err: Buffer[] = [];
    child.stderr.on("data", (b: Buffer) => err.push(b));
    req.pipe(child.stdin);
    child.stdin.on("error", () => {});
    await new Promise<void>((resolve) => {
      let head = Buffer.alloc(0);
      let headersDone = false;
      child.stdout.on("data", (chunk: Buffer) => {
        if (headersDone) {
          res.write(chunk);
          return;
        }
        head = Buffer.concat([head, chunk]);
        const crlf = head.indexOf("\r\n\r\n");
        const lf = head.indexOf("\n\n");
        const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
        if (end < 0) return;
        headersDone = true;
        let status = 200;
        const headers: Record<string, string> = {};
        for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
          const i = line.indexOf(":");
          if (i <= 0) continue;
          const name = line.slice(0, i).trim().toLowerCase();
          const value = line.slice(i + 1).trim();
          if (name === "status") status = Number.parseInt(value, 10) || 200;
          else headers[name] = value;
        }
        res.writeHead(status, headers);
        res.write(head.subarray(end));
      });
      child.once("close", (code) => {
        if (!headersDone) {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(`git http-backend failed (${code}): ${Buffer.concat(err).toString()}`);
        } else res.end();
        resolve();
      });
      child.once("error", () => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
        resolve();
      });
    });
    return true;
  }

  async close(): Promise<void> {
    if (this.#ownDir) await rm(await this.#dir, { recursive: true, force: true });
  }
}

/** The token of a Git request: Basic auth's password (or user), or `token|Bearer <t>`. */
export function gitToken(header: string | undefined): string | null {
  if (!header) return null;
  const basic = /^basic\s+(\S+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, "base64").toString("utf8");
    const i = decoded.indexOf(":");
    const user = i < 0 ? decoded : decoded.slice(0, i);
    const pass = i < 0 ? "" : decoded.slice(i + 1);
    return pass || user || null;
  }
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? null;
}
