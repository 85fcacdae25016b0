import { countedLines, type TrivialInput } from "./trivial.js";

/**
 * What a pull request's patches (REST `GET /repos/{o}/{r}/pulls/{n}/files`, one unified-diff
 * `patch` per file) say that its line counts cannot (METRICS.md "Trivial ... not counting
 * whitespace; or only ... formatting"):
 *
 * - **countable lines**: changed lines not counting whitespace. Within a run of changed lines (between
 *   unchanged ones), a removed line and an added line that are equal once whitespace is removed cancel (re-indentation, trailing spaces,
 *   CRLF); blank (whitespace-only) added or removed lines do not count. Lines moved past unchanged
 *   lines still count (a move is not formatting).
 * - **formatting only**: in every hunk of every file, the old text (context and removed lines)
 *   equals the new text (context and added lines) once
 *   all whitespace and line breaks are removed (re-indentation, re-wrapping, blank lines), with two
 *   formatter habits also ignored: a trailing comma before a closing bracket, and single versus
 *   double quotes in languages where both delimit the same strings (JavaScript/TypeScript, Python,
 *   CSS and their kin). Prettier, Black and gofmt/rustfmt produce exactly these; anything else (a
 *   renamed identifier, a moved line, a changed literal) is a real change. Python keeps `(x,)`
 *   versus `(x)` (a tuple), and other languages keep their quotes ('a' is a char in C, Java, Rust,
 *   Go; shells expand only inside double quotes).
 */

/** One file of a PR as REST lists it: `patch` is absent for binary and very large files. */
export interface PatchFile {
  path: string;
  additions: number;
  deletions: number;
  status?: string;
  patch?: string | null;
}

/** What one file's patch says (stored per file: the ignore globs are applied when loading). */
export interface FilePatchStat {
  path: string;
  additions: number;
  deletions: number;
  /** Changed lines not counting whitespace-only changes; null without a (consistent) patch. */
  lines: number | null;
  /** The file's change only reformats (false without a patch). */
  formatOnly: boolean;
}

/** A PR's patch stats: `complete` is false when fewer files were listed than the PR has. */
export interface PatchStats {
  files: readonly FilePatchStat[];
  complete: boolean;
}

/** A run of removed and added lines between context lines. */
export interface ChangeBlock {
  removed: string[];
  added: string[];
}

export interface Hunk {
  blocks: ChangeBlock[];
  /** The hunk's old text (context and removed lines) and new text (context and added lines), in order. */
  before: string[];
  after: string[];
}

/** The hunks of a unified diff (lines before the first `@@` and `\ No newline` markers are skipped). */
export function parseHunks(patch: string): Hunk[] {
  const hunks: Hunk[] = [];
  let hunk: Hunk | null = null;
  let block: ChangeBlock | null = null;
  for (const line of patch.split("\n")) {
    if (line.startsWith("@@")) {
      hunk = { blocks: [], before: [], after: [] };
      block = null;
      hunks.push(hunk);
    } else if (hunk === null || line.startsWith("\\")) {
      // header or "\ No newline at end of file"
    } else if (line.startsWith("-") || line.startsWith("+")) {
      if (block === null) {
        block = { removed: [], added: [] };
        hunk.blocks.push(block);
      }
      const text = line.slice(1);
      if (line.startsWith("-")) {
        block.removed.push(text);
        hunk.before.push(text);
      } else {
        block.added.push(text);
        hunk.after.push(text);
      }
    } else if (line.startsWith(" ")) {
      block = null;
      hunk.before.push(line.slice(1));
      hunk.after.push(line.slice(1));
    }
  }
  return hunks;
}

const squash = (s: string): string => s.replace(/\s+/g, "");

/** Changed lines of one block not counting whitespace: unmatched non-blank removed and added lines. */
function blockLines(hunk: ChangeBlock): number {
  const removed = new Map<string, number>();
  let count = 0;
  for (const line of hunk.removed) {
    const key = squash(line);
    if (key === "") continue;
    removed.set(key, (removed.get(key) ?? 0) + 1);
    count += 1;
  }
  for (const line of hunk.added) {
    const key = squash(line);
    if (key === "") continue;
    const left = removed.get(key) ?? 0;
    if (left > 0) {
      removed.set(key, left - 1);
      count -= 1; // the pair cancels: the removed line was counted, the added one is not
    } else count += 1;
  }
  return count;
}

const QUOTE_INSENSITIVE = /\.(?:[cm]?[jt]sx?|mts|cts|vue|svelte|py|pyi|css|scss|sass|less)$/i;
const PYTHON = /\.pyi?$/i;

/** The text a formatter cannot change: no whitespace, no trailing commas, one quote style where allowed. */
export function formattingKey(text: string, path: string): string {
  let s = squash(text);
  s = PYTHON.test(path) ? s.replace(/,(?=[\]}])/g, "") : s.replace(/,(?=[\])}])/g, "");
  if (QUOTE_INSENSITIVE.test(path)) s = s.replaceAll("'", '"');
  return s;
}

/**
 * One file's stats. Without a patch, or with one whose line counts disagree with the file's
 * additions and deletions (truncated), the lines are unknown (null) and it is not formatting-only.
 * Renamed and copied files are never formatting-only (the path changed); nor is a patch without
 * hunks (a mode change).
 */
export function filePatchStat(file: PatchFile): FilePatchStat {
  const base = { path: file.path, additions: file.additions, deletions: file.deletions };
  if (file.patch == null) return { ...base, lines: null, formatOnly: false };
  const hunks = parseHunks(file.patch);
  let removed = 0;
  let added = 0;
  for (const h of hunks) {
    for (const b of h.blocks) {
      removed += b.removed.length;
      added += b.added.length;
    }
  }
  if (removed !== file.deletions || added !== file.additions) return { ...base, lines: null, formatOnly: false };
  const lines = hunks.reduce((sum, h) => h.blocks.reduce((n, b) => n + blockLines(b), sum), 0);
  const formatOnly =
    hunks.length > 0 &&
    file.status !== "renamed" &&
    file.status !== "copied" &&
    hunks.every((h) => formattingKey(h.before.join("\n"), file.path) === formattingKey(h.after.join("\n"), file.path));
  return { ...base, lines, formatOnly };
}

/**
 * A PR's countable lines and formatting verdict from its patch stats: per file not ignored, its
 * whitespace-free lines (or additions + deletions without a patch); with an incomplete list, the
 * unlisted files' lines (PR totals minus the listed files) count in full. Formatting-only when the
 * list is complete, some file is not ignored, and every file not ignored only reformats.
 */
export function patchVerdict(
  stats: PatchStats,
  totals: { additions: number; deletions: number },
  isIgnored: (path: string) => boolean,
): { countableLines: number; formatOnly: boolean } {
  let countable = 0;
  let listed = 0;
  let counted = 0;
  let allFormat = true;
  for (const f of stats.files) {
    listed += f.additions + f.deletions;
    if (isIgnored(f.path)) continue;
    counted += 1;
    countable += f.lines ?? f.additions + f.deletions;
    if (!f.formatOnly) allFormat = false;
  }
  if (!stats.complete) countable += Math.max(0, totals.additions + totals.deletions - listed);
  return { countableLines: countable, formatOnly: stats.complete && counted > 0 && allFormat };
}

/** Titles and commit messages of formatter runs and whitespace fixes. */
export const FORMATTING_WORDS =
  /\b(?:prettier|black|gofmt|goimports|rustfmt|clang-format|ktlint|isort|ruff format|autopep8|yapf|(?:lint|eslint|biome)(?::fix| --fix| check --write)|fmt|re-?format\w*|format(?:s|ted|ting)?|whitespace|re-?indent\w*|indent\w*|trailing spaces?|line endings?|crlf)\b/i;

export interface PatchCandidateInput extends TrivialInput {
  title: string;
  commitMessages: readonly string[];
}

/**
 * Whether a PR's patches can flip its trivial verdict, so are worth a REST read. It is not trivial
 * by its line counts (counted lines above `maxLines`), and one of:
 * - counted lines at most 2 × `maxLines`: a few blank or re-indented lines bring it down;
 * - counted lines at most `multiple` × `maxLines` and re-indented pairs could cancel enough: twice
 *   the sum over counted files of min(additions, deletions) is at least the excess over
 *   `maxLines` (a re-indented line is one deletion and one addition in the same file);
 * - its title or a commit message names formatting (prettier, black, gofmt, lint --fix,
 *   whitespace, indent...) and its counted additions and deletions are within a factor of two of
 *   each other (a formatter's output).
 * Missed by design: a PR above 2 × `maxLines` that only adds blank lines, and an unannounced
 * formatter run above `multiple` × `maxLines` (docs/metrics.md "Trivial": the cost).
 */
export function isPatchCandidate(
  change: PatchCandidateInput,
  isIgnored: (path: string) => boolean,
  maxLines: number,
  multiple = PATCH_CANDIDATE_MULTIPLE,
): boolean {
  if (change.formatOnly) return false;
  if (change.filesComplete && change.files.length > 0 && change.files.every((f) => isIgnored(f.path))) return false;
  const lines = countedLines(change, isIgnored);
  if (lines <= maxLines) return false;
  if (lines <= 2 * maxLines) return true;
  let additions = 0;
  let deletions = 0;
  let pairable = 0;
  if (change.files.length === 0 || !change.filesComplete) {
    additions = change.additions;
    deletions = change.deletions;
    pairable = Math.min(additions, deletions);
  } else {
    for (const f of change.files) {
      if (isIgnored(f.path)) continue;
      additions += f.additions;
      deletions += f.deletions;
      pairable += Math.min(f.additions, f.deletions);
    }
  }
  if (lines <= multiple * maxLines && 2 * pairable >= lines - maxLines) return true;
  if (!FORMATTING_WORDS.test(change.title) && !change.commitMessages.some((m) => FORMATTING_WORDS.test(m)))
    return false;
  return Math.min(additions, deletions) * 2 >= Math.max(additions, deletions);
}

/** The default `multiple` of `isPatchCandidate`: re-indentation up to 4 × trivialMaxLines (20 lines by default). */
export const PATCH_CANDIDATE_MULTIPLE = 4;
