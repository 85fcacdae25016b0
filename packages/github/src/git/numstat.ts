/**
 * Per-file line counts of a change read from a clone, in the shape of GitHub's pull-request
 * `files` (path, additions, deletions, change type), from `git log`/`git diff` with `--raw
 * --numstat -z` and rename detection (`-M`, git's default 50% similarity, as GitHub lists a
 * renamed file: one entry at its new path). `-z` because the paths are PR authors' text: with it
 * git writes every path verbatim between NULs (no quoting, no `{old => new}` or tab forms), so
 * spaces, tabs, quotes, `=>`, braces, newlines and non-ASCII names all come through as they are.
 *
 * The raw part gives each file's status (and blob ids: what a partial clone must fetch), the
 * numstat part its counts, in the same order. Binary files (`-\t-`) count 0 and 0, as GitHub
 * lists them; so do empty files added or removed and mode-only changes, which git lists too.
 */

/** GitHub's change types (GraphQL `PatchStatus`), from git's status letters. */
export type GitChangeType = "ADDED" | "CHANGED" | "COPIED" | "DELETED" | "MODIFIED" | "RENAMED";

export interface GitFileStat {
  /** The path after the change (a removed file: its path before). */
  path: string;
  /** A renamed or copied file's path before the change; otherwise null. */
  previousPath: string | null;
  changeType: GitChangeType;
  additions: number;
  deletions: number;
  /** Git found no lines to count (`-\t-`): the counts are 0 as on GitHub. */
  binary: boolean;
  /** The blob ids before and after (null: no blob on that side). */
  oldBlob: string | null;
  newBlob: string | null;
}

/** One commit's files (`git log`; `sha` null for `git diff` output, which has no header). */
export interface GitCommitStats {
  sha: string | null;
  files: GitFileStat[];
}

const STATUS: Record<string, GitChangeType> = {
  A: "ADDED",
  C: "COPIED",
  D: "DELETED",
  M: "MODIFIED",
  R: "RENAMED",
  T: "CHANGED",
};

const RAW = /^:([0-7]{6}) ([0-7]{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([A-Z])(\d*)$/;
const NUMSTAT = /^(\d+|-)\t(\d+|-)\t([\s\S]*)$/;
/** The header `--format=commit %H` writes before each commit's files. */
const HEADER = /^commit ([0-9a-f]{40,64})$/;
const NULL_ID = /^0+$/;

/** The `--format` that `parseRawNumstat` reads commit headers of. */
export const RAW_NUMSTAT_FORMAT = "--format=commit %H";

class ParseError extends Error {}

/**
 * Parses `git log --raw --numstat -z --abbrev=40 --format='commit %H'` (or `git diff --raw
 * --numstat -z --abbrev=40`) output into each commit's files; `counts: false` for `--raw` alone
 * (the counts stay 0). Throws on output it does not
 * understand rather than guess (the caller reads those PRs' files from GitHub instead).
 */
export function parseRawNumstat(text: string, options: { counts?: boolean } = {}): GitCommitStats[] {
  const counts = options.counts ?? true;
  const tokens = text.split("\0");
  const out: GitCommitStats[] = [];
  let current: GitCommitStats | null = null;
  /** Raw entries of the current commit whose counts have not come yet, in order. */
  let pending: GitFileStat[] = [];
  let counted = 0;
  const take = (i: number): string => {
    const t = tokens[i];
    if (t === undefined) throw new ParseError("git --raw --numstat -z: output ends inside an entry");
    return t;
  };
  const close = () => {
    if (current !== null && counts && counted !== pending.length) {
      throw new ParseError(`git --raw --numstat -z: ${pending.length} raw entries but ${counted} counts`);
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    // Git separates a commit's header from its diff (and the raw part from the counts) by a newline.
    const token = (tokens[i] as string).replace(/^\n+/, "");
    if (token === "") continue;
    const header = HEADER.exec(token);
    if (header) {
      close();
      current = { sha: header[1] as string, files: [] };
      out.push(current);
      pending = current.files;
      counted = 0;
      continue;
    }
    if (current === null) {
      current = { sha: null, files: [] };
      out.push(current);
      pending = current.files;
      counted = 0;
    }
    const raw = RAW.exec(token);
    if (raw) {
      const [, , , oldId, newId, letter] = raw as unknown as [string, string, string, string, string, string];
      const changeType = STATUS[letter];
      if (changeType === undefined) throw new ParseError(`git --raw: status ${letter} is not one a PR lists`);
      const first = take(++i);
      const two = changeType === "RENAMED" || changeType === "COPIED";
      const second = two ? take(++i) : null;
      pending.push({
        path: second ?? first,
        previousPath: two ? first : null,
        changeType,
        additions: 0,
        deletions: 0,
        binary: false,
        oldBlob: NULL_ID.test(oldId) ? null : oldId,
        newBlob: NULL_ID.test(newId) ? null : newId,
      });
      continue;
    }
    const num = NUMSTAT.exec(token);
    if (num) {
      const [, a, d, inline] = num as unknown as [string, string, string, string];
      // A rename's counts: an empty path, then the old and new paths as tokens of their own.
      let path = inline;
      let previous: string | null = null;
      if (inline === "") {
        previous = take(++i);
        path = take(++i);
      }
      const file = pending[counted];
      if (file === undefined || file.path !== path || (previous !== null && file.previousPath !== previous)) {
        throw new ParseError(`git --numstat: counts for ${JSON.stringify(path)} do not follow the raw entries`);
      }
      file.binary = a === "-" || d === "-";
      file.additions = a === "-" ? 0 : Number(a);
      file.deletions = d === "-" ? 0 : Number(d);
      counted += 1;
      continue;
    }
    throw new ParseError(`git --raw --numstat -z: unexpected ${JSON.stringify(token.slice(0, 80))}`);
  }
  close();
  return out;
}

export { ParseError as RawNumstatParseError };
