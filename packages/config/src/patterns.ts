import { compileGlob, type Glob, type GlobOptions } from "@yardstick/core";
import { checkSync } from "recheck";

/**
 * Glob patterns (for repository names and file paths) and regular expressions in the
 * configuration. Globs: `*` (any run of characters except `/`), `**` (any run including `/`;
 * `**\/` also matches no directory at all), `?` (one character except `/`), `[abc]`, `[a-z]`,
 * `[!abc]` and `{a,b}` alternatives. A backslash escapes the next character.
 */

/** Why `pattern` is not a valid glob, or `undefined` when it is. */
export function globError(pattern: string): string | undefined {
  if (pattern.trim() === "") return "the pattern is empty";
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      if (i === pattern.length - 1) return "it ends with a lone backslash";
      i++;
    } else if (c === "[") {
      let j = i + 1;
      if (pattern[j] === "!" || pattern[j] === "^") j++;
      if (pattern[j] === "]") j++;
      while (j < pattern.length && pattern[j] !== "]") j++;
      if (j >= pattern.length) return `"[" at position ${i + 1} is never closed with "]"`;
      if (j === i + 1) return `"[]" at position ${i + 1} is an empty character class`;
      i = j;
    } else if (c === "{") {
      braces++;
    } else if (c === "}") {
      if (braces === 0) return `"}" at position ${i + 1} has no matching "{"`;
      braces--;
    }
  }
  if (braces > 0) return `a "{" is never closed with "}"`;
  return undefined;
}

/**
 * True when `value` matches the glob. Repository names compare case-insensitively (as GitHub
 * does). Matching is core's automaton (`compileGlob`): linear in the name, whatever the pattern.
 */
export function matchesGlob(pattern: string, value: string, options: GlobOptions = {}): boolean {
  const key = `${options.caseInsensitive === true ? "i" : "s"}:${pattern}`;
  let glob = compiled.get(key);
  if (glob === undefined) {
    glob = compileGlob(pattern, options);
    if (compiled.size >= 1_000) compiled.clear();
    compiled.set(key, glob);
  }
  return glob.test(value);
}

/** Compiled globs by pattern: the configuration has a handful, matched for every repository. */
const compiled = new Map<string, Glob>();

/**
 * Why `source` is unsafe to run on text from GitHub, or `undefined`. A regular expression that
 * backtracks exponentially (`(a+)+$`, `(\w+\s?)+$`) or polynomially of degree 3 or more blocks the
 * event loop on a short hostile title (a 34-character title turned a 4 s sync into 45 s, doubling
 * every 2 characters). recheck (a maintained ReDoS checker: static analysis, then fuzzing) decides;
 * quadratic patterns such as an unanchored `.*marker` are accepted (harmless on our line lengths),
 * and a check that cannot finish in 2 s accepts the pattern rather than block the load.
 */
export function regexSafetyError(source: string, flags = "u"): string | undefined {
  const result = checkSync(source, flags.replace(/[^dgimsuvy]/g, ""), { timeout: 2_000 });
  if (result.status !== "vulnerable") return undefined;
  const { complexity } = result;
  if (complexity.type === "polynomial" && complexity.degree < 3) return undefined;
  const how = complexity.type === "exponential" ? "exponential" : `polynomial of degree ${complexity.degree}`;
  return `its matching time is ${how} in the length of the text (catastrophic backtracking); rewrite it without nested or adjacent repetitions of the same characters`;
}

/** Why `source` does not compile as a JavaScript regular expression with `flags`, or `undefined`. */
export function regexError(source: string, flags = "u"): string | undefined {
  try {
    new RegExp(source, flags);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
