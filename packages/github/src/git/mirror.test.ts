import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createLogger } from "@yardstick/log";
import { describe, expect, it } from "vitest";
import { createGitHubClient } from "../client.js";
import { GitMirror, gitUrlFor, parseGitDiff } from "./mirror.js";

const silent = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

describe("gitUrlFor", () => {
  it.each([
    ["https://api.github.com", "https://github.com"],
    ["https://ghes.example.com/api/v3", "https://ghes.example.com"],
    ["http://127.0.0.1:4000/", "http://127.0.0.1:4000"],
  ])("%s -> %s", (api, git) => expect(gitUrlFor(api)).toBe(git));
});

describe("parseGitDiff", () => {
  it("reads paths, statuses, counts and hunks as REST's files", () => {
    const diff = [
      "diff --git a/src/a.ts b/src/a.ts",
      "index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644",
      "--- a/src/a.ts",
      "+++ b/src/a.ts",
      "@@ -1,3 +1,3 @@ export function a() {",
      " keep",
      "-  old();",
      "+    old();",
      " keep",
      "diff --git a/new.md b/new.md",
      "new file mode 100644",
      "index 0000000000000000000000000000000000000000..3333333333333333333333333333333333333333",
      "--- /dev/null",
      "+++ b/new.md",
      "@@ -0,0 +1 @@",
      "+hello",
      "diff --git a/gone.txt b/gone.txt",
      "deleted file mode 100644",
      "index 4444444444444444444444444444444444444444..0000000000000000000000000000000000000000",
      "--- a/gone.txt",
      "+++ /dev/null",
      "@@ -1,2 +0,0 @@",
      "-x",
      "-y",
      "diff --git a/logo.png b/logo.png",
      "index 5555555555555555555555555555555555555555..6666666666666666666666666666666666666666 100644",
      "Binary files a/logo.png and b/logo.png differ",
      "",
    ].join("\n");
    expect(parseGitDiff(diff)).toEqual([
      {
        path: "src/a.ts",
        status: "modified",
        additions: 1,
        deletions: 1,
        patch: "@@ -1,3 +1,3 @@ export function a() {\n keep\n-  old();\n+    old();\n keep",
      },
      { path: "new.md", status: "added", additions: 1, deletions: 0, patch: "@@ -0,0 +1 @@\n+hello" },
      { path: "gone.txt", status: "removed", additions: 0, deletions: 2, patch: "@@ -1,2 +0,0 @@\n-x\n-y" },
      { path: "logo.png", status: "modified", additions: 0, deletions: 0, patch: null },
    ]);
  });

  it("reads a detected rename (-M) as one renamed file at its new path, with or without changes", () => {
    const diff = [
      "diff --git a/old/a.ts b/new/a.ts",
      "similarity index 90%",
      "rename from old/a.ts",
      "rename to new/a.ts",
      "index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644",
      "--- a/old/a.ts",
      "+++ b/new/a.ts",
      "@@ -1,2 +1,2 @@",
      " keep",
      "-a",
      "+b",
      "diff --git a/x.md b/y.md",
      "similarity index 100%",
      "rename from x.md",
      "rename to y.md",
      "",
    ].join("\n");
    expect(parseGitDiff(diff)).toEqual([
      { path: "new/a.ts", status: "renamed", additions: 1, deletions: 1, patch: "@@ -1,2 +1,2 @@\n keep\n-a\n+b" },
      { path: "y.md", status: "renamed", additions: 0, deletions: 0, patch: "" },
    ]);
  });
});

describe("GitMirror credentials", () => {
  it("passes the token to git in its environment only: never in argv", async () => {
    const dir = await mkdtemp(join(tmpdir(), "git-mirror-test-"));
    try {
      // A stand-in git that records its arguments and the configuration it was given.
      const fake = join(dir, "git");
      await writeFile(
        fake,
        `#!/bin/sh\nprintf '%s\\n' "$*" >> "${dir}/argv"\nprintf '%s=%s\\n' "$GIT_CONFIG_KEY_0" "$GIT_CONFIG_VALUE_0" >> "${dir}/env"\nfor a in "$@"; do last="$a"; done\nmkdir -p "$last" 2>/dev/null; touch "$last/HEAD" 2>/dev/null\nexit 0\n`,
      );
      await chmod(fake, 0o755);
      const client = createGitHubClient({
        baseUrl: "http://127.0.0.1:9",
        auth: { type: "token", token: "ghp_secret123" },
        logger: silent,
      });
      const mirror = new GitMirror({ client, cacheDir: join(dir, "cache"), git: fake, logger: silent });
      await mirror.open("acme/api", new Date("2026-01-01T00:00:00Z"));
      await mirror.open("acme/api", null);
      const argv = await readFile(join(dir, "argv"), "utf8");
      expect(argv).toContain("clone --bare --quiet --filter=blob:none --no-tags --shallow-since=1767225600");
      expect(argv).toContain("http://127.0.0.1:9/acme/api.git");
      expect(argv).toContain("fetch --quiet --prune --no-tags origin");
      expect(argv).not.toContain("ghp_secret123");
      const env = await readFile(join(dir, "env"), "utf8");
      const header = `http.extraHeader=Authorization: Basic ${Buffer.from("x-access-token:ghp_secret123").toString("base64")}`;
      expect(
        env
          .split("\n")
          .filter(Boolean)
          .every((l) => l === header),
      ).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("GitRepoMirror.history", () => {
  const git = (cwd: string, args: string[], date?: string) => {
    const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
    if (date) Object.assign(env, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    return execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();
  };

  it("lists every commit reachable from the branch since a date with its parents, also at a shallow edge", async () => {
    const root = await mkdtemp(join(tmpdir(), "yardstick-history-"));
    try {
      const work = join(root, "work");
      git(root, ["init", "--quiet", "-b", "main", work]);
      git(work, ["config", "user.name", "Ana"]);
      git(work, ["config", "user.email", "ana@example.com"]);
      const commit = (message: string, date: string) => {
        git(work, ["commit", "--quiet", "--allow-empty", "-m", message], date);
        return git(work, ["rev-parse", "HEAD"]);
      };
      const c1 = commit("one", "2026-01-01T00:00:00Z");
      const c2 = commit("two", "2026-02-01T00:00:00Z");
      git(work, ["checkout", "--quiet", "-b", "feature"]);
      const c3 = commit("three", "2026-02-10T00:00:00Z");
      git(work, ["checkout", "--quiet", "main"]);
      const c4 = commit("four", "2026-02-15T00:00:00Z");
      git(work, ["merge", "--quiet", "--no-ff", "-m", "merge", "feature"], "2026-02-20T00:00:00Z");
      const c5 = git(work, ["rev-parse", "HEAD"]);
      await mkdir(join(root, "host", "o"), { recursive: true });
      git(root, ["clone", "--quiet", "--bare", work, join(root, "host", "o", "r.git")]);
      git(join(root, "host", "o", "r.git"), ["config", "uploadpack.allowFilter", "true"]);
      const client = createGitHubClient({
        baseUrl: "http://127.0.0.1:9",
        auth: { type: "token", token: "t" },
        logger: silent,
      });
      const options = { client, gitUrl: `file://${join(root, "host")}`, logger: silent };

      // A full clone: the root commit has no parents; the window leaves out what is older.
      const full = await new GitMirror({ ...options, cacheDir: join(root, "full") }).open("o/r", null);
      const all = await full.history("main", new Date("2025-12-01T00:00:00Z"));
      expect(all.head).toBe(c5);
      expect(all.complete).toBe(true);
      expect(new Map(all.commits.map((c) => [c.sha, c.parents]))).toEqual(
        new Map([
          [c5, [c4, c3]],
          [c4, [c2]],
          [c3, [c2]],
          [c2, [c1]],
          [c1, []],
        ]),
      );
      expect(all.commits[0]?.committedAt.toISOString()).toBe("2026-02-20T00:00:00.000Z");
      const recent = await full.history("main", new Date("2026-02-12T00:00:00Z"));
      expect(recent.commits.map((c) => c.sha)).toEqual([c5, c4]);
      expect((await full.history("nope", new Date(0))).head).toBeNull();

      // A shallow clone: its edge (c2) keeps its real parent; inside the window, the history is incomplete.
      const shallow = await new GitMirror({ ...options, cacheDir: join(root, "shallow") }).open(
        "o/r",
        new Date("2026-01-20T00:00:00Z"),
      );
      const edge = await shallow.history("main", new Date("2026-01-25T00:00:00Z"));
      expect(edge.commits.find((c) => c.sha === c2)?.parents).toEqual([c1]);
      expect(edge.complete).toBe(false);
      const inside = await shallow.history("main", new Date("2026-02-05T00:00:00Z"));
      expect(inside.complete).toBe(true);
      expect(inside.commits.map((c) => c.sha).sort()).toEqual([c3, c4, c5].sort());
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
