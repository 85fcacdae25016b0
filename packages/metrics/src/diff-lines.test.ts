import { describe, expect, it } from "vitest";
import { DEFAULT_TRIVIAL_IGNORE } from "./config.js";
import {
  type FilePatchStat,
  filePatchStat,
  formattingKey,
  isPatchCandidate,
  type PatchCandidateInput,
  parseHunks,
  patchVerdict,
} from "./diff-lines.js";
import { compileGlobs } from "./glob.js";
import { isTrivial } from "./trivial.js";

/** A file from a patch: additions and deletions counted off the patch itself, as GitHub does. */
function file(path: string, patch: string | null, status = "modified") {
  const lines = patch?.split("\n") ?? [];
  return {
    path,
    status,
    patch,
    additions: lines.filter((l) => l.startsWith("+")).length,
    deletions: lines.filter((l) => l.startsWith("-")).length,
  };
}

const hunk = (...lines: string[]) => ["@@ -1,3 +1,3 @@ function f() {", ...lines].join("\n");

describe("parseHunks", () => {
  it("splits hunks, skips the header and the no-newline marker, keeps context out", () => {
    const patch = [
      "diff --git a/x b/x",
      "--- a/x",
      "+++ b/x",
      "@@ -1,2 +1,2 @@",
      " keep",
      "-old",
      "\\ No newline at end of file",
      "+new",
      "@@ -10 +10,2 @@",
      "+more",
      "+ ",
    ].join("\n");
    expect(parseHunks(patch)).toEqual([
      { blocks: [{ removed: ["old"], added: ["new"] }], before: ["keep", "old"], after: ["keep", "new"] },
      { blocks: [{ removed: [], added: ["more", " "] }], before: [], after: ["more", " "] },
    ]);
  });
});

describe("filePatchStat: changed lines not counting whitespace", () => {
  it.each([
    ["a real one-line change", hunk(" a", "-b = 1", "+b = 2", " c"), 2, false],
    ["re-indented lines cancel", hunk("-  a();", "-  b();", "+    a();", "+    b();"), 0, true],
    ["trailing spaces removed", hunk("-a();   ", "+a();"), 0, true],
    ["CRLF to LF", hunk("-a();\r", "+a();"), 0, true],
    ["tabs to spaces", hunk("-\ta();", "+  a();"), 0, true],
    ["spaces inside a line", hunk("-f(a,b)", "+f( a, b )"), 0, true],
    ["blank lines added", hunk(" a", "+", "+   ", " b"), 0, true],
    ["blank lines removed", hunk("-", "-\t", " b"), 0, true],
    ["blank and real lines", hunk("+", "+x = 1", "-"), 1, false],
    ["re-indent plus one real change", hunk("-  a();", "-  b();", "+    a();", "+    c();"), 2, false],
    ["duplicates match one for one", hunk("-}", "-}", "+  }"), 1, false],
    ["a line moved past an unchanged one", hunk("-a", " b", "+a"), 2, false],
    ["lines swapped within a run", hunk("-a", "-b", "+b", "+a"), 0, false],
    ["added file", hunk("+line 1", "+line 2", "+"), 2, false],
    ["removed file", hunk("-line 1", "-line 2"), 2, false],
  ])("%s", (_name, patch, lines, formatOnly) => {
    const f = file("src/a.ts", patch);
    expect(filePatchStat(f)).toEqual({
      path: "src/a.ts",
      additions: f.additions,
      deletions: f.deletions,
      lines,
      formatOnly,
    });
  });

  it("a line moved to another hunk still counts (a move is not formatting)", () => {
    const patch = `${hunk("-moved();")}\n@@ -40,1 +40,2 @@\n+moved();`;
    expect(filePatchStat(file("src/a.ts", patch))).toMatchObject({ lines: 2, formatOnly: false });
  });

  it("no patch (binary, too large): lines unknown, not formatting", () => {
    expect(filePatchStat({ path: "logo.png", additions: 0, deletions: 0, patch: null })).toEqual({
      path: "logo.png",
      additions: 0,
      deletions: 0,
      lines: null,
      formatOnly: false,
    });
    expect(filePatchStat({ path: "big.ts", additions: 5000, deletions: 0 })).toMatchObject({ lines: null });
  });

  it("a patch whose counts disagree with the file's (truncated) is not trusted", () => {
    expect(filePatchStat({ path: "a.ts", additions: 9, deletions: 1, patch: hunk("-a", "+ a") })).toMatchObject({
      lines: null,
      formatOnly: false,
    });
  });

  it("a patch without hunks (mode change) and renames are never formatting-only", () => {
    expect(filePatchStat({ path: "run.sh", additions: 0, deletions: 0, patch: "" })).toMatchObject({
      lines: 0,
      formatOnly: false,
    });
    expect(filePatchStat(file("src/b.ts", hunk("-  a();", "+a();"), "renamed"))).toMatchObject({
      lines: 0,
      formatOnly: false,
    });
  });
});

describe("filePatchStat: formatting only", () => {
  it.each([
    // [name, path, patch, lines, formatOnly]
    ["re-wrapped call", "src/a.ts", hunk("-f(a, b, c);", "+f(", "+  a,", "+  b,", "+  c", "+);"), 6, true],
    ["joined lines", "src/a.go", hunk("-x := call(", "-\ta,", "-\tb)", "+x := call(a, b)"), 4, true],
    ["trailing comma added (prettier)", "src/a.ts", hunk("-  c", "+  c,", " ];"), 2, true],
    ["trailing comma before ) in Go", "src/a.go", hunk("-\tb", "+\tb,", " )"), 2, true],
    ["quotes in TypeScript", "src/a.ts", hunk("-import x from 'x';", '+import x from "x";'), 2, true],
    ["quotes in Python (black)", "app/a.py", hunk("-x = 'a'", '+x = "a"'), 2, true],
    ["quotes in Rust are a change (char vs string)", "src/a.rs", hunk("-let c = 'a';", '+let c = "a";'), 2, false],
    ["quotes in shell are a change", "run.sh", hunk("-echo '$HOME'", '+echo "$HOME"'), 2, false],
    ["Python tuple (x,) vs (x) is a change", "app/a.py", hunk("-t = (x,)", "+t = (x)"), 2, false],
    ["Python list trailing comma", "app/a.py", hunk("-xs = [a, b,]", "+xs = [a, b]"), 2, true],
    ["a renamed identifier", "src/a.ts", hunk("-const a = 1;", "+const b = 1;"), 2, false],
    ["a changed literal split over lines", "src/a.ts", hunk("-f(1, 2);", "+f(", "+  1,", "+  3,", "+);"), 5, false],
    ["a comma moved inside, not trailing", "src/a.ts", hunk("-f(a, b)", "+f(a b)"), 2, false],
  ])("%s", (_name, path, patch, lines, formatOnly) => {
    expect(filePatchStat(file(path, patch))).toMatchObject({ lines, formatOnly });
  });

  it("formattingKey drops whitespace, trailing commas and (where allowed) quote style", () => {
    expect(formattingKey("f( 'a',\n  b,\n)", "x.ts")).toBe('f("a",b)');
    expect(formattingKey("f( 'a',\n  b,\n)", "x.java")).toBe("f('a',b)");
    expect(formattingKey("(a,)", "x.py")).toBe("(a,)");
    expect(formattingKey("{a,}", "x.py")).toBe("{a}");
  });
});

const isIgnored = compileGlobs([...DEFAULT_TRIVIAL_IGNORE]);
const stat = (path: string, additions: number, deletions: number, lines: number | null, formatOnly = false) =>
  ({ path, additions, deletions, lines, formatOnly }) satisfies FilePatchStat;

describe("patchVerdict", () => {
  it.each([
    ["whitespace lines do not count", [stat("a.ts", 10, 10, 3)], true, [20, 20], 3, false],
    ["no patch: additions + deletions", [stat("a.png", 4, 2, null)], true, [4, 2], 6, false],
    [
      "ignored files do not count",
      [stat("a.ts", 1, 1, 2), stat("pnpm-lock.yaml", 300, 20, 320)],
      true,
      [301, 21],
      2,
      false,
    ],
    ["every file formats", [stat("a.ts", 30, 20, 50, true), stat("b.py", 5, 5, 0, true)], true, [35, 25], 50, true],
    ["one file is a real change", [stat("a.ts", 30, 20, 50, true), stat("b.ts", 1, 1, 2)], true, [31, 21], 52, false],
    [
      "formatting plus ignored files",
      [stat("a.ts", 9, 9, 18, true), stat("yarn.lock", 40, 4, 44)],
      true,
      [49, 13],
      18,
      true,
    ],
    ["only ignored files: not formatting (trivial anyway)", [stat("go.sum", 4, 4, 8, true)], true, [4, 4], 0, false],
    [
      "incomplete list: unlisted lines count, never formatting",
      [stat("a.ts", 5, 5, 0, true)],
      false,
      [40, 10],
      40,
      false,
    ],
  ] as const)("%s", (_name, files, complete, [additions, deletions], countableLines, formatOnly) => {
    expect(patchVerdict({ files, complete }, { additions, deletions }, isIgnored)).toEqual({
      countableLines,
      formatOnly,
    });
  });
});

describe("the trivial rule with patch-derived fields", () => {
  const change = (more: Partial<Parameters<typeof isTrivial>[0]> = {}) => ({
    files: [{ path: "src/a.ts", additions: 6, deletions: 6, status: "modified" as const }],
    filesComplete: true,
    additions: 6,
    deletions: 6,
    formatOnly: false,
    ...more,
  });
  it.each([
    ["without patches: 12 lines", {}, false],
    ["whitespace-free lines within the limit", { countableLines: 4 }, true],
    ["whitespace-free lines above it", { countableLines: 6 }, false],
    ["formatting only", { formatOnly: true, countableLines: 12 }, true],
  ])("%s", (_name, more, trivial) => {
    expect(isTrivial(change(more), isIgnored, 5)).toBe(trivial);
  });
});

describe("isPatchCandidate", () => {
  const pr = (
    additions: number,
    deletions: number,
    title = "Add a feature",
    more: Partial<PatchCandidateInput> = {},
  ): PatchCandidateInput => ({
    title,
    commitMessages: [],
    files: [{ path: "src/a.ts", additions, deletions, status: "modified" }],
    filesComplete: true,
    additions,
    deletions,
    formatOnly: false,
    ...more,
  });
  it.each([
    ["already trivial by its counts", pr(2, 3), false],
    ["just above the limit", pr(3, 3), true],
    ["at 2 × the limit, additions only (blank lines)", pr(10, 0), true],
    ["above 2 × the limit, additions only", pr(11, 0), false],
    ["at 4 × the limit, re-indentation could cancel it", pr(10, 10), true],
    ["above 2 × the limit, too few deletions to pair", pr(14, 2), false],
    ["above 2 × the limit, just enough to pair", pr(10, 6), true],
    ["above 4 × the limit, no formatting words", pr(11, 10), false],
    ["prettier run, balanced", pr(400, 380, "Run prettier on src"), true],
    ["gofmt named in a commit message", pr(60, 50, "Tidy up", { commitMessages: ["gofmt ./..."] }), true],
    ["lint --fix", pr(90, 100, "chore: pnpm lint --fix"), true],
    ["whitespace", pr(40, 40, "Remove trailing whitespace"), true],
    ["re-indent", pr(40, 40, "Reindent the parser"), true],
    ["formatting words but one-sided (new code)", pr(400, 10, "Format dates in the report"), false],
    ["balanced but no formatting words", pr(400, 380, "Rewrite the cache"), false],
    [
      "only ignored files",
      pr(0, 0, "x", { files: [{ path: "pnpm-lock.yaml", additions: 9, deletions: 9, status: "modified" }] }),
      false,
    ],
    ["already marked formatting", pr(10, 10, "x", { formatOnly: true }), false],
    [
      "lock file lines neither count nor keep it from being a candidate",
      pr(3, 3, "x", {
        files: [
          { path: "src/a.ts", additions: 3, deletions: 3, status: "modified" },
          { path: "yarn.lock", additions: 90, deletions: 90, status: "modified" },
        ],
        additions: 93,
        deletions: 93,
      }),
      true,
    ],
  ])("%s", (_name, input, expected) => {
    expect(isPatchCandidate(input, isIgnored, 5)).toBe(expected);
  });

  it("the multiple is a parameter; a zero limit leaves only formatter runs", () => {
    expect(isPatchCandidate(pr(20, 20), isIgnored, 5, 8)).toBe(true);
    expect(isPatchCandidate(pr(20, 20), isIgnored, 5)).toBe(false);
    expect(isPatchCandidate(pr(1, 0), isIgnored, 0)).toBe(false);
    expect(isPatchCandidate(pr(10, 10, "prettier"), isIgnored, 0)).toBe(true);
  });
});
