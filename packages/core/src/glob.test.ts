import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, matchesGlob } from "./glob.js";

/**
 * The oracle: the documented glob semantics as a regular expression (the translation the
 * configuration used before, kept here only as a reference; on short texts its backtracking is
 * harmless). The automaton must agree with it on every pattern and text.
 */
function oracle(pattern: string, options: { caseInsensitive?: boolean } = {}): RegExp {
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
      } else source += "[^/]*";
    } else if (c === "?") source += "[^/]";
    else if (c === "[") {
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
    } else if (c === "," && braces > 0) source += "|";
    else source += /[.+^$()|\\/{}[\]]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${source}$`, options.caseInsensitive === true ? "i" : "");
}

/** Well-formed globs (balanced braces, closed classes), as the configuration accepts them. */
const globPart: fc.Arbitrary<string> = fc.letrec<{ part: string }>((tie) => ({
  part: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom("a", "b", "A", "/", ".", "*", "**", "**/", "?", "[ab]", "[!a]", "[a-c]", "\\*", "-"),
    fc.array(tie("part"), { minLength: 1, maxLength: 3 }).map((parts) => `{${parts.join(",")}}`),
  ),
})).part;
const glob = fc.array(globPart, { maxLength: 6 }).map((parts) => parts.join(""));
const text = fc.string({ unit: fc.constantFrom("a", "b", "A", "c", "/", ".", "*", "-"), maxLength: 10 });

describe("compileGlob", () => {
  it("agrees with the documented semantics on every pattern and text (generated)", () => {
    fc.assert(
      fc.property(glob, text, fc.boolean(), (pattern, value, caseInsensitive) => {
        expect(matchesGlob(pattern, value, { caseInsensitive })).toBe(oracle(pattern, { caseInsensitive }).test(value));
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees with the documented semantics when the automaton runs (three or more stars, generated)", () => {
    fc.assert(
      fc.property(
        fc.array(glob, { minLength: 3, maxLength: 4 }),
        text,
        fc.boolean(),
        (parts, value, caseInsensitive) => {
          const pattern = parts.join("*");
          expect(matchesGlob(pattern, value, { caseInsensitive })).toBe(
            oracle(pattern, { caseInsensitive }).test(value),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each([
    ["*.lock", "yarn.lock", true],
    ["*.lock", "a/yarn.lock", false],
    ["**/*.lock", "yarn.lock", true],
    ["**/*.lock", "a/b/yarn.lock", true],
    ["acme/{api,web}-*", "acme/web-2", true],
    ["secret-*", "Secret-Keys", false],
  ])("%s ~ %s: %s", (pattern, value, expected) => {
    expect(matchesGlob(pattern, value)).toBe(expected);
  });

  it("takes linear time where a backtracking matcher takes seconds", () => {
    const pattern = `${"*a".repeat(20)}*b`;
    const name = "a".repeat(50);
    const started = performance.now();
    const compiled = compileGlob(pattern);
    for (let i = 0; i < 10; i++) expect(compiled.test(name)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
