import { compileGlob, type Glob } from "@yardstick/core";

/**
 * File-path globs (`thresholds.trivialIgnore`), with core's syntax and linear-time matcher
 * (`compileGlob`). A pattern without `/` matches the file's base name anywhere in the tree (as in
 * .gitignore): `*.lock` matches `a/b/yarn.lock`. The returned predicate is true when any pattern
 * matches; it remembers its last 100,000 answers (the same paths recur across pull requests).
 */
export function compileGlobs(patterns: readonly string[]): (path: string) => boolean {
  const full: Glob[] = [];
  const base: Glob[] = [];
  for (const pattern of patterns) {
    const p = pattern.startsWith("/") ? pattern.slice(1) : pattern;
    (p.includes("/") ? full : base).push(compileGlob(p));
  }
  const memo = new Map<string, boolean>();
  const matches = (path: string) => {
    const normalised = path.replace(/^\.?\//, "");
    if (full.some((re) => re.test(normalised))) return true;
    const slash = normalised.lastIndexOf("/");
    const name = slash === -1 ? normalised : normalised.slice(slash + 1);
    return base.some((re) => re.test(name));
  };
  return (path: string) => {
    let answer = memo.get(path);
    if (answer === undefined) {
      answer = matches(path);
      if (memo.size >= 100_000) memo.clear();
      memo.set(path, answer);
    }
    return answer;
  };
}
