import { describe, expect, it } from "vitest";
import { globError, matchesGlob, regexError } from "./patterns.js";
import { DEFAULT_TRIVIAL_IGNORE } from "./schema.js";
import { editDistance, suggest } from "./suggest.js";

describe("matchesGlob", () => {
  it.each([
    ["*", "payments", true],
    ["pay*", "payments", true],
    ["pay*", "api-payments", false],
    ["*-archive", "old-archive", true],
    ["{docs,handbook}", "handbook", true],
    ["{docs,handbook}", "docs-site", false],
    ["svc-?", "svc-a", true],
    ["svc-[ab]", "svc-c", false],
    ["svc-[!ab]", "svc-c", true],
    ["acme/pay*", "acme/payments", true],
    ["acme/pay*", "acme/ops/payments", false],
    ["**/package-lock.json", "package-lock.json", true],
    ["**/package-lock.json", "web/app/package-lock.json", true],
    ["**/dist/**", "dist/index.js", true],
    ["**/dist/**", "packages/a/dist/x/y.js", true],
    ["**/dist/**", "distribution/x.js", false],
    ["**/*.lock", "Cargo.lock", true],
    ["**/*.generated.*", "src/api.generated.ts", true],
    ["a.b", "aXb", false],
    ["file\\*", "file*", true],
    ["file\\*", "fileX", false],
  ])("%s ~ %s = %s", (pattern, value, expected) => {
    expect(matchesGlob(pattern, value)).toBe(expected);
  });

  it("compares case-insensitively when asked (repository names)", () => {
    expect(matchesGlob("acme/Pay*", "ACME/payments", { caseInsensitive: true })).toBe(true);
    expect(matchesGlob("acme/Pay*", "ACME/payments")).toBe(false);
  });

  it("accepts every default trivial-ignore pattern", () => {
    for (const pattern of DEFAULT_TRIVIAL_IGNORE) expect(globError(pattern)).toBeUndefined();
  });
});

describe("globError", () => {
  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["[abc", "never closed"],
    ["[]", "never closed"],
    ["{a,b", "never closed"],
    ["a}", "no matching"],
    ["abc\\", "lone backslash"],
  ])("rejects %j (%s)", (pattern, message) => {
    expect(globError(pattern)).toContain(message);
  });
});

describe("regexError", () => {
  it("returns the engine's message for a bad pattern", () => {
    expect(regexError("(")).toMatch(/Invalid regular expression/);
    expect(regexError("^prod(uction)?\\b", "iu")).toBeUndefined();
  });
});

describe("suggest", () => {
  it.each([
    ["weeklyCapp", ["weeklyCap", "trivialMaxLines"], "weeklyCap"],
    ["organisations", ["organizations", "repositories", "apiUrl"], "organizations"],
    ["timezone", ["timeZone", "teams"], "timeZone"],
    ["xyz", ["timeZone", "teams"], undefined],
  ])("%s -> %s", (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected);
  });

  it("measures edit distance", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});
