import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { type GitFileStat, parseRawNumstat, RAW_NUMSTAT_FORMAT } from "./numstat.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const Z = "0".repeat(40);
const file = (f: Partial<GitFileStat> & Pick<GitFileStat, "path" | "changeType">): GitFileStat => ({
  previousPath: null,
  additions: 0,
  deletions: 0,
  binary: false,
  oldBlob: A,
  newBlob: B,
  ...f,
});

describe("parseRawNumstat (git --raw --numstat -z)", () => {
  it.each([
    [
      "a modified file",
      [`:100644 100644 ${A} ${B} M`, "src/a.ts", "3\t1\tsrc/a.ts", ""],
      [file({ path: "src/a.ts", changeType: "MODIFIED", additions: 3, deletions: 1 })],
    ],
    [
      "a rename with changes: one entry at the new path, counts of the changed lines only",
      [`:100644 100644 ${A} ${B} R086`, "old/x.ts", "new/x.ts", "2\t2\t", "old/x.ts", "new/x.ts", ""],
      [file({ path: "new/x.ts", previousPath: "old/x.ts", changeType: "RENAMED", additions: 2, deletions: 2 })],
    ],
    [
      "an exact rename (0 and 0)",
      [`:100644 100644 ${A} ${A} R100`, "a b.txt", "c d.txt", "0\t0\t", "a b.txt", "c d.txt", ""],
      [file({ path: "c d.txt", previousPath: "a b.txt", changeType: "RENAMED", newBlob: A })],
    ],
    [
      "a binary file: 0 and 0 as GitHub lists it",
      [`:100644 100644 ${A} ${B} M`, "logo.png", "-\t-\tlogo.png", ""],
      [file({ path: "logo.png", changeType: "MODIFIED", binary: true })],
    ],
    [
      "an empty file added and one removed",
      [`:000000 100644 ${Z} ${B} A`, "empty", `:100644 000000 ${A} ${Z} D`, "gone", "0\t0\tempty", "0\t0\tgone", ""],
      [
        file({ path: "empty", changeType: "ADDED", oldBlob: null }),
        file({ path: "gone", changeType: "DELETED", newBlob: null }),
      ],
    ],
    [
      "a mode change (same blob) and a type change",
      [`:100644 100755 ${A} ${A} M`, "run.sh", `:100644 120000 ${A} ${B} T`, "link", "0\t0\trun.sh", "1\t1\tlink", ""],
      [
        file({ path: "run.sh", changeType: "MODIFIED", newBlob: A }),
        file({ path: "link", changeType: "CHANGED", additions: 1, deletions: 1 }),
      ],
    ],
    [
      // Without -z git writes `{a => b}` and quotes such names; with -z they are verbatim.
      "paths with tabs, quotes, `=>`, braces, newlines and non-ASCII, verbatim",
      [
        `:100644 100644 ${A} ${B} R070`,
        'src/{a => b}\t"q".ts',
        "src/ünï cødé\n2.ts",
        "1\t0\t",
        'src/{a => b}\t"q".ts',
        "src/ünï cødé\n2.ts",
        `:100644 100644 ${A} ${B} M`,
        "3\t4\tx",
        "5\t6\t3\t4\tx",
        "",
      ],
      [
        file({
          path: "src/ünï cødé\n2.ts",
          previousPath: 'src/{a => b}\t"q".ts',
          changeType: "RENAMED",
          additions: 1,
        }),
        file({ path: "3\t4\tx", changeType: "MODIFIED", additions: 5, deletions: 6 }),
      ],
    ],
  ])("%s", (_name, tokens, files) => {
    expect(parseRawNumstat(tokens.join("\0"))).toEqual([{ sha: null, files }]);
  });

  it("splits `git log` output per commit, including a commit that changes nothing", () => {
    const text = [
      `commit ${A}`,
      `\n:100644 100644 ${A} ${B} M`,
      "f",
      "1\t2\tf",
      `commit ${B}`,
      `commit ${"c".repeat(40)}`,
      `\n:000000 100644 ${Z} ${B} A`,
      "g",
      "-\t-\tg",
      "",
    ].join("\0");
    expect(parseRawNumstat(text)).toEqual([
      { sha: A, files: [file({ path: "f", changeType: "MODIFIED", additions: 1, deletions: 2 })] },
      { sha: B, files: [] },
      { sha: "c".repeat(40), files: [file({ path: "g", changeType: "ADDED", oldBlob: null, binary: true })] },
    ]);
  });

  it("reads --raw alone with counts: false; refuses counts that do not match the raw entries", () => {
    expect(parseRawNumstat([`:100644 100644 ${A} ${B} M`, "f", ""].join("\0"), { counts: false })).toEqual([
      { sha: null, files: [file({ path: "f", changeType: "MODIFIED" })] },
    ]);
    expect(() => parseRawNumstat([`:100644 100644 ${A} ${B} M`, "f", ""].join("\0"))).toThrow(/counts/);
    expect(() => parseRawNumstat([`:100644 100644 ${A} ${B} M`, "f", "1\t1\tg", ""].join("\0"))).toThrow(/raw/);
    expect(() => parseRawNumstat([`:100644 100644 ${A} ${B} U`, "f", ""].join("\0"))).toThrow(/status U/);
    expect(() => parseRawNumstat([`:100644 100644 ${A} ${B} R100`, "f"].join("\0"))).toThrow(/ends inside/);
  });

  it("reads what git itself writes for hostile names, renames, binary and zero-line files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "yardstick-numstat-"));
    try {
      const git = (...args: string[]) =>
        execFileSync("git", args, {
          cwd: dir,
          env: {
            ...process.env,
            GIT_CONFIG_NOSYSTEM: "1",
            GIT_CONFIG_GLOBAL: "/dev/null",
            GIT_AUTHOR_NAME: "a",
            GIT_AUTHOR_EMAIL: "a@example.com",
            GIT_COMMITTER_NAME: "a",
            GIT_COMMITTER_EMAIL: "a@example.com",
          },
        }).toString("utf8");
      const put = async (path: string, content: string | Buffer) => {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      };
      git("init", "--quiet");
      const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
      const hostile = 'src/we ird\t"quo\\ted" {a => b}.ts';
      await put("old name.ts", `${lines.join("\n")}\n`);
      await put("run.sh", "echo\n");
      await put("logo.png", Buffer.from([0, 1, 2, 3]));
      await put(hostile, "x\n");
      git("add", "-A");
      git("commit", "--quiet", "-m", "one");
      await rm(join(dir, "old name.ts"));
      await put("dïr/new → name.ts", `${[...lines.slice(0, 38), "changed", "line 39", "more"].join("\n")}\n`);
      await chmod(join(dir, "run.sh"), 0o755);
      await put("logo.png", Buffer.from([0, 9, 9, 9]));
      await put("empty.txt", "");
      await put(hostile, "x\ny\n");
      git("add", "-A");
      git("commit", "--quiet", "-m", "two");
      const out = git(
        "log",
        "-1",
        "--raw",
        "--numstat",
        "-M",
        "-z",
        "--abbrev=40",
        "--diff-merges=first-parent",
        RAW_NUMSTAT_FORMAT,
      );
      const [commit] = parseRawNumstat(out);
      const got = (commit?.files ?? []).map(({ path, previousPath, changeType, additions, deletions, binary }) => ({
        path,
        previousPath,
        changeType,
        additions,
        deletions,
        binary,
      }));
      const f = (path: string, changeType: string, additions: number, deletions: number, more = {}) => ({
        path,
        previousPath: null,
        changeType,
        additions,
        deletions,
        binary: false,
        ...more,
      });
      expect(got.sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual(
        [
          f("dïr/new → name.ts", "RENAMED", 2, 1, { previousPath: "old name.ts" }),
          f("empty.txt", "ADDED", 0, 0),
          f("logo.png", "MODIFIED", 0, 0, { binary: true }),
          f("run.sh", "MODIFIED", 0, 0),
          f(hostile, "MODIFIED", 1, 0),
        ].sort((a, b) => (a.path < b.path ? -1 : 1)),
      );
      expect(commit?.sha).toBe(git("rev-parse", "HEAD").trim());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
