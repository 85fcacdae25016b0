/**
 * A change's files: how many, how large, which paths; their whitespace and formatting (the patch
 * ground truth); and what METRICS.md's trivial rule makes of them.
 */
import { diffShape } from "../world/patch.js";
import type { WorldFile } from "../world/schema.js";
import type { Prng } from "./prng.js";
import { AREAS, LOCK_FILES } from "./vocabulary.js";

/** `lines` changed lines in 1 to 40 source and test files (one when trivial; a lock file when `lockOnly`). */
export function makeFiles(rng: Prng, lines: number, trivial: boolean, lockOnly: boolean): WorldFile[] {
  if (lockOnly)
    return [
      {
        path: rng.pick(LOCK_FILES),
        additions: Math.ceil(lines / 2),
        deletions: Math.floor(lines / 2),
        status: "modified",
      },
    ];
  const n = trivial ? 1 : Math.min(40, 1 + Math.floor((rng.float() * lines) / 40));
  const files: WorldFile[] = [];
  let left = lines;
  for (let i = 0; i < n; i++) {
    const share = i === n - 1 ? left : Math.max(0, Math.round(left * (0.2 + rng.float() * 0.5)));
    left -= share;
    const add = Math.round(share * (0.55 + rng.float() * 0.4));
    const path =
      i === 1 && rng.chance(0.4)
        ? `test/${rng.pick(AREAS)}/${rng.hex(5)}.test.ts`
        : `src/${rng.pick(AREAS)}/${rng.hex(6)}.ts`;
    const status = rng.chance(0.1) ? "added" : "modified";
    files.push({
      path,
      additions: status === "added" ? share : add,
      deletions: status === "added" ? 0 : share - add,
      status,
    });
  }
  return files;
}

const GENERATED =
  /(^|\/)(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|go\.sum|Cargo\.lock|poetry\.lock)$|\.generated\.|^dist\//;

/**
 * What METRICS.md's trivial rule sees in a change's files: changed lines outside lock/generated
 * files not counting whitespace (re-indented pairs, blank lines: see `diffShape`), the lines it
 * does not count, and whether every such file only reformats.
 */
export function filesTruth(files: readonly WorldFile[]): {
  countable: number;
  whitespaceLines: number;
  formatOnly: boolean;
  onlyGenerated: boolean;
} {
  let countable = 0;
  let whitespaceLines = 0;
  let onlyGenerated = true;
  let allFormat = true;
  for (const f of files) {
    if (GENERATED.test(f.path)) continue;
    onlyGenerated = false;
    const shape = diffShape(f);
    countable += shape.countable;
    whitespaceLines += f.additions + f.deletions - shape.countable;
    if (!shape.formatOnly) allFormat = false;
  }
  return { countable, whitespaceLines, formatOnly: !onlyGenerated && allFormat, onlyGenerated };
}

/**
 * METRICS.md's trivial rule: at most 5 changed lines outside lock/generated files, not counting
 * whitespace; or only such files; or only formatting.
 */
export function isTrivial(files: readonly WorldFile[]): boolean {
  const t = filesTruth(files);
  return t.onlyGenerated || t.formatOnly || t.countable <= 5;
}

/** The files without their patch ground truth (plain code lines). */
export function plainFiles(files: readonly WorldFile[]): WorldFile[] {
  return files.map(({ reindented: _r, blankAdded: _a, blankRemoved: _d, format: _f, ...f }) => f);
}

const FORMAT_TITLES = [
  "Run prettier on {area}",
  "Format {area} with prettier",
  "Reindent {area} code",
  "Fix whitespace in {area}",
  "chore: pnpm lint --fix in {area}",
];

/**
 * Whitespace and formatting in a human or AI pull request's files, drawn from `drng` (a stream of
 * its own, so that the rest of the world is what it was before patches existed):
 * - a formatting pull request (2% of human ones): 1-4 TypeScript files that only reformat, with
 *   additions and deletions within a factor of 1.5, titled as formatter runs are;
 * - at most 10 lines (30%): re-indented pairs and blank lines, any number of them;
 * - 11 to 20 lines (30%): re-indented pairs, any number of them;
 * - more than 20 lines (50%): up to 10% of each file's additions are blank lines.
 * So a change that whitespace or formatting makes trivial is always one whose patches the product
 * reads at the default trivialMaxLines of 5 (metrics `isPatchCandidate`; docs/metrics.md "Trivial").
 */
export function shapeFiles(
  drng: Prng,
  files: WorldFile[],
  options: { formatting: boolean; small: boolean },
): { files: WorldFile[]; title: string | null } {
  const lines = files.reduce((n, f) => n + f.additions + f.deletions, 0);
  if (options.formatting && drng.chance(0.02)) {
    const area = drng.pick(AREAS);
    const title = drng.pick(FORMAT_TITLES).replace("{area}", area);
    const n = drng.int(1, 4);
    const out: WorldFile[] = [];
    for (let i = 0; i < n; i++) {
      const base = drng.int(10, 150);
      const more = base + drng.int(0, Math.floor(base / 2));
      const wrap = drng.chance(0.6);
      out.push({
        path: `src/${area}/${drng.hex(6)}.ts`,
        additions: wrap ? more : base,
        deletions: wrap ? base : more,
        status: "modified",
        format: true,
      });
    }
    return { files: out, title };
  }
  if (options.small) return { files, title: null };
  if (lines <= 20) {
    if (!drng.chance(0.3)) return { files, title: null };
    return {
      files: files.map((f) => {
        const reindented = drng.int(0, Math.min(f.additions, f.deletions));
        // Blank lines only up to 10 lines: above, only re-indentation (see the candidate rule).
        return lines <= 10
          ? {
              ...f,
              reindented,
              blankAdded: drng.int(0, f.additions - reindented),
              blankRemoved: drng.int(0, f.deletions - reindented),
            }
          : { ...f, reindented };
      }),
      title: null,
    };
  }
  if (!drng.chance(0.5)) return { files, title: null };
  return {
    files: files.map((f) => ({ ...f, blankAdded: Math.floor(f.additions * drng.float() * 0.1) })),
    title: null,
  };
}
