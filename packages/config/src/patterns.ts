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

const REGEX_SPECIAL = /[.+^$()|\\/]/;

/** Compiles a glob to an anchored regular expression. Call `globError` first on untrusted input. */
export function globToRegExp(pattern: string, options: { caseInsensitive?: boolean } = {}): RegExp {
  let source = "";
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      source += /[a-zA-Z0-9]/.test(next) ? next : `\\${next}`;
      i++;
    } else if (c === "*") {
      if (pattern[i + 1] === "*") {
        const atSegmentStart = i === 0 || pattern[i - 1] === "/";
        if (atSegmentStart && pattern[i + 2] === "/") {
          source += "(?:.*/)?";
          i += 2;
        } else {
          source += ".*";
          i += 1;
        }
      } else {
        source += "[^/]*";
      }
    } else if (c === "?") {
      source += "[^/]";
    } else if (c === "[") {
      let j = i + 1;
      let negate = false;
      if (pattern[j] === "!" || pattern[j] === "^") {
        negate = true;
        j++;
      }
      const start = j;
      if (pattern[j] === "]") j++;
      while (j < pattern.length && pattern[j] !== "]") j++;
      const body = pattern.slice(start, j).replace(/[\\\]]/g, (m) => `\\${m}`);
      source += `[${negate ? "^" : ""}${body}]`;
      i = j;
    } else if (c === "{") {
      braces++;
      source += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      source += ")";
    } else if (c === "," && braces > 0) {
      source += "|";
    } else {
      source += REGEX_SPECIAL.test(c) || c === "{" || c === "}" || c === "[" || c === "]" ? `\\${c}` : c;
    }
  }
  return new RegExp(`^${source}$`, options.caseInsensitive === true ? "i" : "");
}

/** True when `value` matches the glob. Repository names compare case-insensitively (as GitHub does). */
export function matchesGlob(pattern: string, value: string, options: { caseInsensitive?: boolean } = {}): boolean {
  return globToRegExp(pattern, options).test(value);
}

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
