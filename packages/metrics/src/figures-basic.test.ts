import { ChangedFile } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_TRIVIAL_IGNORE } from "./config.js";
import { compileGlobs } from "./glob.js";
import { isRevert, type RevertInput, revertStatuses, revertTargets } from "./reverts.js";
import { median, quantile } from "./stats.js";
import { countedLines, isTrivial } from "./trivial.js";

const ignored = compileGlobs(DEFAULT_TRIVIAL_IGNORE);
const file = (path: string, additions: number, deletions = 0) => ChangedFile.parse({ path, additions, deletions });
const trivialInput = (
  files: ChangedFile[],
  more: { additions?: number; deletions?: number; filesComplete?: boolean; formatOnly?: boolean } = {},
) => ({
  files,
  filesComplete: more.filesComplete ?? true,
  additions: more.additions ?? files.reduce((s, f) => s + f.additions, 0),
  deletions: more.deletions ?? files.reduce((s, f) => s + f.deletions, 0),
  formatOnly: more.formatOnly ?? false,
});

describe("trivial changes", () => {
  it.each([
    ["5 lines of code", [file("src/a.ts", 3, 2)], {}, 5, true],
    ["6 lines of code", [file("src/a.ts", 3, 3)], {}, 6, false],
    ["a lock file and 2 lines", [file("pnpm-lock.yaml", 900, 300), file("package.json", 1, 1)], {}, 2, true],
    ["only generated files", [file("api/x.pb.go", 400), file("dist/index.js", 50)], {}, 0, true],
    ["snapshots do not count", [file("src/__snapshots__/a.snap", 40), file("src/a.ts", 4)], {}, 4, true],
    [
      "partial file list: unseen lines count",
      [file("pnpm-lock.yaml", 100)],
      { additions: 110, filesComplete: false },
      10,
      false,
    ],
    ["no file list: totals", [], { additions: 4, deletions: 1 }, 5, true],
    ["format only", [file("src/a.ts", 300, 300)], { formatOnly: true }, 600, true],
  ] as const)("%s", (_name, files, more, lines, trivial) => {
    const input = trivialInput([...files], more);
    expect(countedLines(input, ignored)).toBe(lines);
    expect(isTrivial(input, ignored, 5)).toBe(trivial);
  });

  it("honours a configured threshold", () => {
    expect(isTrivial(trivialInput([file("src/a.ts", 20)]), ignored, 20)).toBe(true);
    expect(isTrivial(trivialInput([file("src/a.ts", 1)]), ignored, 0)).toBe(false);
  });
});

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);
function rc(key: string, day: number, more: Partial<RevertInput> = {}): RevertInput {
  const n = Number(key.replace(/\D/g, "")) || 1;
  return {
    key,
    repo: "acme/api",
    number: n,
    title: `change ${key}`,
    body: "",
    headRef: `feature-${key}`,
    commitMessages: [],
    landingShas: [`${n.toString(16).padStart(2, "0")}`.repeat(20)],
    commitShas: [],
    mergedAt: new Date(T0 + day * DAY),
    ...more,
  };
}

describe("reverts", () => {
  const shaOf = (n: number) => n.toString(16).padStart(2, "0").repeat(20);
  it("finds targets by sha (full or abbreviated), by title and by revert branch", () => {
    const changes = [
      rc("c1", 0, { title: "Add cache" }),
      rc("c2", 1),
      rc("c3", 2),
      rc("c4", 3, { title: 'Revert "Add cache"' }),
      rc("c5", 4, { body: `This reverts commit ${shaOf(2)}.` }),
      rc("c6", 5, { commitMessages: [`Revert x\n\nThis reverts commit ${shaOf(3).slice(0, 10)}.`] }),
      rc("c7", 6, { headRef: "revert-2-feature-c2" }),
    ];
    const targets = revertTargets(changes);
    expect(Object.fromEntries(targets)).toEqual({ c4: ["c1"], c5: ["c2"], c6: ["c3"], c7: ["c2"] });
  });

  it("counts reverts within the window only; a revert of a revert does not restore", () => {
    const changes = [
      rc("c1", 0, { title: "Add cache" }),
      rc("c2", 2, { title: 'Revert "Add cache"' }), // reverts c1 on day 2
      rc("c3", 3, { title: 'Revert "Revert "Add cache""' }), // reverts c2, re-lands c1's work as c3
      rc("c4", 0, { title: "Feature X" }),
      rc("c5", 15, { title: 'Revert "Feature X"' }), // 15 days later: outside 14
      rc("c6", 0, { title: "Feature Y" }),
      rc("c7", 14, { title: 'Revert "Feature Y"' }), // exactly 14 days: inside
      rc("c8", 1, { title: "Feature Z" }),
      rc("c9", 2, { title: 'Revert "Feature Z"' }),
      rc("c10", 20, { title: 'Revert "Revert "Feature Z""' }), // 18 days after c9: c9 stands
    ];
    const s = revertStatuses(changes, 14);
    const reverted = [...s].filter(([, v]) => v.reverted).map(([k]) => k);
    expect(reverted.sort()).toEqual(["c1", "c2", "c6", "c8"].sort());
    expect(s.get("c6")?.revertedAt).toEqual(new Date(T0 + 14 * DAY));
  });

  it("matches by title only when the revert names no commit or branch (titles repeat)", () => {
    const changes = [
      rc("c1", 0, { title: "Cache session expiry", number: 1 }),
      rc("c2", 1, { title: "Cache session expiry", number: 2 }),
      rc("c3", 2, { title: 'Revert "Cache session expiry"', body: `This reverts commit ${shaOf(1)}.` }),
      rc("c4", 3, { title: 'Revert "Cache session expiry"', headRef: "revert-1-cache" }),
      rc("c5", 4, { title: 'Revert "Cache session expiry"' }),
    ];
    expect(Object.fromEntries(revertTargets(changes))).toEqual({ c3: ["c1"], c4: ["c1"], c5: ["c2"] });
  });

  it("finds targets by the squash suffix, a body naming the pull request by number or URL, nested titles", () => {
    const changes = [
      rc("c1", 0, { title: "Add cache", number: 11 }),
      rc("c2", 0, { title: "Add cache", number: 12 }),
      rc("c3", 0, { title: "Feature three", number: 13 }),
      rc("c4", 0, { title: "Feature four", number: 14 }),
      // git revert of the squash commit "Add cache (#11)": the number decides, not the repeated title.
      rc("c5", 1, { title: 'Revert "Add cache (#11)"', number: 15, headRef: "ana/undo" }),
      rc("c6", 1, { title: "Undo three", number: 16, body: "Reverts #13\n\nIt broke login." }),
      rc("c7", 1, { title: "Roll back four", number: 17, body: "This reverts https://github.com/acme/api/pull/14." }),
      rc("c8", 1, { title: "Back out", number: 18, body: "Reverts acme/api#12" }),
      // Revert of the squash commit of c5 ("Revert "Add cache (#11)" (#15)"), as git writes it.
      rc("c9", 2, { title: 'Revert "Revert "Add cache (#11)" (#15)"', number: 19 }),
      // Another repository's pull request is not a change here: neither a target nor a revert.
      rc("c10", 2, { title: "Sync", number: 20, body: "Reverts other/repo#13" }),
      // A squash suffix naming no change here: the title fallback without the suffix.
      rc("c11", 3, { title: 'Revert "Feature four (#999)"', number: 21 }),
    ];
    expect(Object.fromEntries(revertTargets(changes))).toEqual({
      c5: ["c1"],
      c6: ["c3"],
      c7: ["c4"],
      c8: ["c2"],
      c9: ["c5"],
      c11: ["c4"],
    });
    expect(changes.filter((c) => isRevert(c)).map((c) => c.key)).toEqual(["c5", "c6", "c7", "c8", "c9", "c11"]);
  });

  it("a change is a revert by its own text, not by a mention or an interim revert commit", () => {
    const sha = "ab".repeat(20);
    const own = "cd".repeat(20);
    const cases: [Partial<RevertInput>, boolean][] = [
      [{ title: 'Revert "Anything at all"' }, true],
      [{ headRef: "revert-7-feature" }, true],
      [{ body: "Reverts #7" }, true],
      [{ body: "revert of PR #7, it broke the build" }, true],
      [{ body: `This reverts commit ${sha}.` }, true],
      [{ commitMessages: [`Revert "x"\n\nThis reverts commit ${sha}.`] }, true],
      // Every commit a revert of a commit that is not the change's own.
      [{ commitMessages: [`This reverts commit ${sha}.`, `This reverts commit ${"ef".repeat(20)}.`] }, true],
      // Interim revert commits of a feature branch: one of several, or of its own commit.
      [{ commitMessages: ["Add x", `Revert "wip"\n\nThis reverts commit ${sha}.`] }, false],
      [{ commitMessages: [`This reverts commit ${own}.`], commitShas: [own] }, false],
      [{ title: "Revert the cache change" }, false],
      [{ body: "Follow-up to #7, which reverted #6; see #8" }, false],
      [{ body: "We may need to revert this" }, false],
      [{ headRef: "revert-1-feature", number: 1 }, false],
      // Conventional Commits forms, as a real history (vitejs/vite) writes them.
      [{ title: 'fix: revert "refactor: use fs.cpSync (#21019)"' }, true],
      [{ title: 'chore(deps): Revert "bump x"' }, true],
      [{ title: "revert: use chokidar v3" }, true],
      [{ title: "revert(server): drain stdin when not interactive" }, true],
      [{ title: "fix: revert only watch .env files in envDir (#12587)" }, true],
      [{ title: "chore: revert #15746" }, true],
      [{ title: "fix(deps): revert es-module-lexer to 2.1.0" }, false],
      [{ title: "feat: legacy options to revert to v2 strategies" }, false],
      [{ body: "After this is fixed we should revert https://github.com/acme/other/pull/85" }, false],
      [{ body: "After this is fixed we should revert #85" }, false],
      [{ body: "Reverts other/repo#13" }, false],
      [{ body: "- Reverts #13\n- Adds a test" }, true],
      [{ body: "This PR reverts #13." }, true],
    ];
    for (const [more, expected] of cases) {
      expect({ more, revert: isRevert(rc("c1", 0, { commitShas: [], ...more })) }).toEqual({ more, revert: expected });
    }
  });

  it("resolves Conventional Commits reverts (type prefix, the revert type, a trailing number)", () => {
    const changes = [
      rc("c1", 0, { title: "refactor: use fs.cpSync", number: 21 }),
      rc("c2", 0, { title: "fix(logger): truncate long logs", number: 22 }),
      rc("c3", 0, { title: "fix: only watch .env files in envDir", number: 23 }),
      rc("c4", 1, { title: 'fix: revert "refactor: use fs.cpSync (#21)"', number: 24 }),
      rc("c5", 1, { title: "revert: fix(logger): truncate long logs (#22)", number: 25 }),
      rc("c6", 1, { title: "fix: revert only watch .env files in envDir (#23)", number: 26 }),
    ];
    expect(Object.fromEntries(revertTargets(changes))).toEqual({ c4: ["c1"], c5: ["c2"], c6: ["c3"] });
  });

  it("walks long revert chains without recursion", () => {
    const changes: RevertInput[] = [rc("c0", 0, { title: "t" })];
    let title = "t";
    for (let i = 1; i <= 2001; i++) {
      title = `Revert "${title}"`;
      changes.push(rc(`c${i}`, i / 1000, { title, landingShas: [i.toString(16).padStart(40, "a")] }));
    }
    const s = revertStatuses(changes, 14);
    // Each change is reverted by the next one a minute and a half later; only the last stands.
    expect(s.get("c2001")?.reverted ?? false).toBe(false);
    expect(s.get("c2000")?.reverted).toBe(true);
    expect(s.get("c0")?.reverted).toBe(true);
  });
});

describe("stats", () => {
  it.each([
    [[], null, null],
    [[5], 5, 5],
    [[1, 3], 2, 3],
    [[10, 1, 4, 7], 5.5, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5.5, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 6, 10],
  ])("median and p90 of %j", (values, m, p90) => {
    expect(median(values)).toBe(m);
    expect(quantile(values, 0.9)).toBe(p90);
  });
});
