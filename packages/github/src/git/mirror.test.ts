import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
