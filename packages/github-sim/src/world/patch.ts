import { createHash } from "node:crypto";
import type { WorldFile } from "./schema.js";

/**
 * A pull-request file's unified diff, as REST `pulls/{n}/files` serves it in `patch`, made up
 * deterministically from the file's record: its additions and deletions, and the optional ground
 * truth of how they split (`reindented` pairs, `blankAdded`/`blankRemoved` lines, `format`). The
 * generator's truth (`diffShape`) and the served text come from the same split, so what a reader
 * of the patch computes equals the truth.
 */

/** GitHub omits `patch` for binary files and very large diffs; the simulator for these. */
export const PATCH_MAX_LINES = 3000;
const BINARY = /\.(?:png|jpe?g|gif|ico|webp|woff2?|ttf|pdf|zip|gz|jar)$/i;

export interface DiffShape {
  /** Removed/added line pairs that differ only in indentation. */
  reindented: number;
  blankAdded: number;
  blankRemoved: number;
  /** Lines of real code (not cancelled by whitespace). */
  codeAdded: number;
  codeRemoved: number;
  /** Formatting file: how its last block reformats ("wrap": 1 line into `wrapTo`; "join": `wrapTo` into 1; "quotes": 1 pair). */
  rewrap: { kind: "wrap" | "join" | "quotes"; lines: number } | null;
  /** Changed lines not counting whitespace-only changes (what `filePatchStat` computes). */
  countable: number;
  /** The file only reformats (or changes only whitespace). */
  formatOnly: boolean;
}

/** How a file's changed lines split; pure, shared by the generator's truth and the served patch. */
export function diffShape(f: WorldFile): DiffShape {
  const a = f.additions;
  const d = f.deletions;
  if (f.format === true && a + d > 0 && f.status !== "renamed") {
    if (a === 0 || d === 0) {
      return {
        reindented: 0,
        blankAdded: a,
        blankRemoved: d,
        codeAdded: 0,
        codeRemoved: 0,
        rewrap: null,
        countable: 0,
        formatOnly: true,
      };
    }
    const q = Math.min(a, d) - 1;
    const rewrap =
      a === d
        ? { kind: "quotes" as const, lines: 1 }
        : a > d
          ? { kind: "wrap" as const, lines: a - q }
          : { kind: "join" as const, lines: d - q };
    return {
      reindented: q,
      blankAdded: 0,
      blankRemoved: 0,
      codeAdded: 0,
      codeRemoved: 0,
      rewrap,
      countable: rewrap.kind === "quotes" ? 2 : rewrap.lines + 1,
      formatOnly: true,
    };
  }
  const reindented = Math.min(f.reindented ?? 0, a, d);
  const blankAdded = Math.min(f.blankAdded ?? 0, a - reindented);
  const blankRemoved = Math.min(f.blankRemoved ?? 0, d - reindented);
  const codeAdded = a - reindented - blankAdded;
  const codeRemoved = d - reindented - blankRemoved;
  return {
    reindented,
    blankAdded,
    blankRemoved,
    codeAdded,
    codeRemoved,
    rewrap: null,
    countable: codeAdded + codeRemoved,
    // Only whitespace changed: formatting too (a rename is not).
    formatOnly: codeAdded + codeRemoved === 0 && a + d > 0 && f.status !== "renamed",
  };
}

/** Whether REST serves a patch for this file (not for binary files and very large diffs). */
export function hasPatch(f: WorldFile): boolean {
  return !BINARY.test(f.path) && f.additions + f.deletions <= PATCH_MAX_LINES;
}

type Line = [" " | "-" | "+", string];

/**
 * The unified diff of one file of a pull request (`key`, e.g. "acme/api#12", makes the text
 * differ between pull requests), or null when GitHub would serve none. One hunk per kind of
 * change (re-indented lines, blank lines, code, the reformatted block), each with three lines of
 * context, or a single hunk without context for added and removed files. `force` renders the
 * diff GitHub would leave out (the simulator's git repositories hold every file's lines).
 */
export function renderPatch(key: string, f: WorldFile, options: { force?: boolean } = {}): string | null {
  if (!hasPatch(f) && options.force !== true) return null;
  const s = diffShape(f);
  const tok = createHash("sha1").update(`${key}:${f.path}`).digest("hex").slice(0, 6);
  const blocks: Line[][] = [];
  if (s.reindented > 0) {
    const removed: Line[] = [];
    const added: Line[] = [];
    for (let i = 0; i < s.reindented; i++) {
      const text = `if (ready${i}) run_${tok}(${i});`;
      removed.push(["-", `  ${text}`]);
      added.push(["+", `    ${text}`]);
    }
    blocks.push([...removed, ...added]);
  }
  if (s.blankAdded + s.blankRemoved > 0) {
    blocks.push([
      ...Array.from({ length: s.blankRemoved }, (): Line => ["-", ""]),
      ...Array.from({ length: s.blankAdded }, (): Line => ["+", ""]),
    ]);
  }
  if (s.codeAdded + s.codeRemoved > 0) {
    blocks.push([
      ...Array.from(
        { length: s.codeRemoved },
        (_, i): Line => ["-", `  const old_${tok}_${i} = compute(${i}, "${tok}");`],
      ),
      ...Array.from(
        { length: s.codeAdded },
        (_, i): Line => ["+", `  const next_${tok}_${i} = compute(${i} + 1, "${tok}");`],
      ),
    ]);
  }
  if (s.rewrap !== null) blocks.push(rewrapBlock(s.rewrap, tok));
  if (blocks.length === 0) return ""; // an empty file added, a mode change

  if (f.status === "added" || f.status === "removed") {
    const lines = blocks.flat();
    const added = lines.filter(([k]) => k === "+").length;
    const removed = lines.length - added;
    const header = `@@ -${removed > 0 ? 1 : 0},${removed} +${added > 0 ? 1 : 0},${added} @@`;
    return [header, ...lines.map(([k, t]) => k + t)].join("\n");
  }
  const out: string[] = [];
  let oldLine = 1;
  let shift = 0;
  blocks.forEach((block, b) => {
    oldLine += 17 + b * 23; // unchanged lines between hunks
    const removed = block.filter(([k]) => k === "-").length;
    const added = block.length - removed;
    const before = [0, 1, 2].map((i): Line => [" ", `  step_${tok}_${b}_${i}();`]);
    const after = [3, 4, 5].map((i): Line => [" ", `  step_${tok}_${b}_${i}();`]);
    out.push(
      `@@ -${oldLine},${removed + 6} +${oldLine + shift},${added + 6} @@ export function ${f.path.replace(/\W/g, "_")}() {`,
    );
    for (const [k, t] of [...before, ...block, ...after]) out.push(k + t);
    oldLine += removed + 6;
    shift += added - removed;
  });
  return out.join("\n");
}

function rewrapBlock(rewrap: NonNullable<DiffShape["rewrap"]>, tok: string): Line[] {
  if (rewrap.kind === "quotes") {
    return [
      ["-", `import { helper_${tok} } from './helpers';`],
      ["+", `import { helper_${tok} } from "./helpers";`],
    ];
  }
  // One statement on one line versus the same statement over `lines` lines (prettier style).
  const n = rewrap.lines;
  const args = Array.from({ length: Math.max(0, n - 2) }, (_, i) => `arg_${tok}_${i}`);
  const one =
    n === 2 ? `  const total_${tok} = sum(first, second);` : `  const result_${tok} = combine(${args.join(", ")});`;
  const many =
    n === 2
      ? [`  const total_${tok} =`, "    sum(first, second);"]
      : [`  const result_${tok} = combine(`, ...args.map((a) => `    ${a},`), "  );"];
  return rewrap.kind === "wrap"
    ? [["-", one], ...many.map((t): Line => ["+", t])]
    : [...many.map((t): Line => ["-", t]), ["+", one]];
}
