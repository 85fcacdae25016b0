import type { MetricsChange } from "./inputs.js";

/**
 * Trivial changes (METRICS.md "Qualifying change"): at most `trivialMaxLines` changed lines not
 * counting ignored files (lock files, generated files) nor whitespace, or only ignored files, or
 * formatting only. Whitespace and formatting need the PR's patches (`patchVerdict` in
 * ./diff-lines.ts): the caller sets `countableLines` and `formatOnly` from them; without them the
 * line counts decide.
 */

export type TrivialInput = Pick<MetricsChange, "files" | "filesComplete" | "additions" | "deletions" | "formatOnly"> &
  Partial<Pick<MetricsChange, "countableLines">>;

/** Changed lines that count: additions + deletions outside ignored files. */
export function countedLines(change: TrivialInput, isIgnored: (path: string) => boolean): number {
  if (change.files.length === 0) return change.additions + change.deletions;
  let counted = 0;
  let ignored = 0;
  for (const f of change.files) {
    if (isIgnored(f.path)) ignored += f.additions + f.deletions;
    else counted += f.additions + f.deletions;
  }
  // With a partial file list, the unseen files count (the PR totals include them).
  return change.filesComplete ? counted : Math.max(counted, change.additions + change.deletions - ignored);
}

export function isTrivial(change: TrivialInput, isIgnored: (path: string) => boolean, maxLines: number): boolean {
  if (change.formatOnly) return true;
  if (change.filesComplete && change.files.length > 0 && change.files.every((f) => isIgnored(f.path))) return true;
  // From the PR's patches (whitespace not counted) when the caller read them.
  return (change.countableLines ?? countedLines(change, isIgnored)) <= maxLines;
}
