import { diffShape, generateWorld, hasPatch, presetOptions, renderPatch, World } from "@yardstick/github-sim";
import { describe, expect, it } from "vitest";
import { DEFAULT_TRIVIAL_IGNORE } from "./config.js";
import { filePatchStat, isPatchCandidate, patchVerdict } from "./diff-lines.js";
import { compileGlobs } from "./glob.js";
import { isTrivial } from "./trivial.js";

/**
 * The simulator's patches read back: for every file of every merged pull request of a generated
 * world, what `filePatchStat` computes from the served patch equals the generator's split of the
 * file; and for every pull request, the product's rule (read the patches of candidates only, then
 * the trivial rule) gives the ground truth's trivial verdict.
 */
const world = World.from(generateWorld(presetOptions("small", 7)), { truth: true });
const isIgnored = compileGlobs([...DEFAULT_TRIVIAL_IGNORE]);

describe("patches of a generated world", () => {
  it("each file's patch says what the generator made it (whitespace-free lines, formatting)", () => {
    let files = 0;
    let whitespace = 0;
    let formatting = 0;
    for (const repo of world.repos()) {
      const full = `${repo.org}/${repo.name}`;
      for (const n of world.pullNumbers(full)) {
        const pr = world.pull(full, n);
        if (!pr?.mergedAt) continue;
        for (const f of pr.files) {
          const stat = filePatchStat({ ...f, patch: renderPatch(`${full}#${n}`, f) });
          const shape = diffShape(f);
          if (!hasPatch(f)) {
            expect(stat.lines).toBeNull();
            continue;
          }
          expect(stat, `${full}#${n} ${f.path}`).toEqual({
            path: f.path,
            additions: f.additions,
            deletions: f.deletions,
            lines: shape.countable,
            formatOnly: shape.formatOnly,
          });
          files += 1;
          if (shape.countable < f.additions + f.deletions) whitespace += 1;
          if (shape.formatOnly) formatting += 1;
        }
      }
    }
    expect(files).toBeGreaterThan(500);
    expect(whitespace).toBeGreaterThan(50);
    expect(formatting).toBeGreaterThan(0);
  });

  it("reading the candidates' patches gives every pull request the truth's trivial verdict", () => {
    let flipped = 0;
    let formatOnly = 0;
    let candidates = 0;
    let prs = 0;
    for (const t of world.truthChanges()) {
      if (t.kind !== "pull_request") continue;
      const pr = world.pull(t.repo, t.number ?? 0);
      if (pr === undefined) continue;
      prs += 1;
      const messages = world.pullCommits(t.repo, pr.number).map((c) => c.message);
      const change = {
        title: pr.title,
        commitMessages: messages,
        files: pr.files,
        filesComplete: pr.files.length === pr.changedFiles,
        additions: pr.additions,
        deletions: pr.deletions,
        formatOnly: false,
      };
      let verdict: { countableLines?: number; formatOnly: boolean } = { formatOnly: false };
      if (isPatchCandidate(change, isIgnored, 5)) {
        candidates += 1;
        const files = pr.files.map((f) => filePatchStat({ ...f, patch: renderPatch(t.key, f) }));
        verdict = patchVerdict({ files, complete: change.filesComplete }, pr, isIgnored);
      }
      const trivial = isTrivial({ ...change, ...verdict }, isIgnored, 5);
      expect(trivial, `${t.key}: ${t.lines} lines, ${t.whitespaceLines} whitespace`).toBe(t.trivial);
      if (trivial !== isTrivial(change, isIgnored, 5)) flipped += 1;
      if (t.formatOnly) formatOnly += 1;
    }
    expect(flipped).toBeGreaterThan(10);
    expect(formatOnly).toBeGreaterThan(0);
    // The candidates are a small share of all pull requests (the REST cost).
    expect(candidates / prs).toBeLessThan(0.25);
  });
});
