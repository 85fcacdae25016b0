import { ChangedFile } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_TRIVIAL_IGNORE } from "./config.js";
import { compileGlobs } from "./glob.js";
import { type RevertInput, revertStatuses, revertTargets } from "./reverts.js";
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
