/**
 * A small glob matcher for file paths (the subset used by `thresholds.trivialIgnore`):
 * `**` any number of path segments, `*` anything but `/`, `?` one character but `/`,
 * `{a,b}` alternatives, `[abc]`/`[a-z]`/`[!abc]` character classes, `\` escapes. A pattern without `/` matches the file's
 * base name anywhere in the tree (as in .gitignore): `*.lock` matches `a/b/yarn.lock`.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  let i = 0;
  let braceDepth = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        // `**/` matches zero or more directories; a trailing `**` matches everything below.
        if (pattern[i + 2] === "/") {
          source += "(?:.*/)?";
          i += 3;
        } else {
          source += ".*";
          i += 2;
        }
      } else {
        source += "[^/]*";
        i += 1;
      }
    } else if (ch === "\\" && i + 1 < pattern.length) {
      source += (pattern[i + 1] as string).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      i += 2;
    } else if (ch === "?") {
      source += "[^/]";
      i += 1;
    } else if (ch === "{") {
      braceDepth += 1;
      source += "(?:";
      i += 1;
    } else if (ch === "}" && braceDepth > 0) {
      braceDepth -= 1;
      source += ")";
      i += 1;
    } else if (ch === "," && braceDepth > 0) {
      source += "|";
      i += 1;
    } else if (ch === "[") {
      const close = pattern.indexOf("]", i + 1);
      if (close === -1) {
        source += "\\[";
        i += 1;
      } else {
        const body = pattern
          .slice(i + 1, close)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = close + 1;
      }
    } else {
      source += ch.replace(/[.+^$()|\\/]/g, "\\$&");
      i += 1;
    }
  }
  return new RegExp(`^${source}$`);
}

/** A compiled set of globs: `matches(path)` is true when any pattern matches. */
export function compileGlobs(patterns: readonly string[]): (path: string) => boolean {
  const full: RegExp[] = [];
  const base: RegExp[] = [];
  for (const pattern of patterns) {
    const p = pattern.startsWith("/") ? pattern.slice(1) : pattern;
    (p.includes("/") ? full : base).push(globToRegExp(p));
  }
  return (path: string) => {
    const normalised = path.replace(/^\.?\//, "");
    if (full.some((re) => re.test(normalised))) return true;
    const slash = normalised.lastIndexOf("/");
    const name = slash === -1 ? normalised : normalised.slice(slash + 1);
    return base.some((re) => re.test(name));
  };
}
