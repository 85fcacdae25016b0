import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { displayText, isStorableText, REPLACEMENT_CHARACTER, storableDeep, storableText } from "./text.js";

/** Any UTF-16 string: code units drawn over the whole range, so NULs and lone surrogates occur. */
const anyText = fc.string({ unit: "binary", maxLength: 200 });
const hostileText = fc.string({
  unit: fc.oneof(
    fc.constantFrom("\u0000", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\u202E", "\u2066", "=", "<", "\n"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
  maxLength: 200,
});

/** The oracle: a string PostgreSQL accepts is one whose UTF-8 round trip is lossless and which holds no NUL. */
function postgresAccepts(text: string): boolean {
  return !text.includes("\u0000") && Buffer.from(text, "utf8").toString("utf8") === text;
}

/** Every string of a JSON value, keys included, in document order. */
function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
  return [];
}

describe("storableText", () => {
  it("replaces NUL and lone surrogates, keeps the rest", () => {
    expect(storableText("a\u0000b")).toBe(`a${REPLACEMENT_CHARACTER}b`);
    expect(storableText("x\uD83D")).toBe(`x${REPLACEMENT_CHARACTER}`);
    expect(storableText("\uDE00y")).toBe(`${REPLACEMENT_CHARACTER}y`);
    expect(storableText("ok 😀 \t\u0001")).toBe("ok 😀 \t\u0001");
  });

  it("always yields text PostgreSQL accepts, of the same length, unchanged where it was already storable", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, hostileText), (text) => {
        const stored = storableText(text);
        expect(postgresAccepts(stored)).toBe(true);
        expect(stored.length).toBe(text.length);
        expect(isStorableText(text)).toBe(postgresAccepts(text));
        if (postgresAccepts(text)) expect(stored).toBe(text);
        expect(storableText(stored)).toBe(stored);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("storableDeep", () => {
  it("cleans every string of a JSON value, keys included, and leaves clean values untouched", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.oneof(anyText, hostileText), (value, text) => {
        const doc = { value, text, list: [text, { [text]: text }] };
        const cleaned = storableDeep(doc);
        for (const s of stringsOf(cleaned)) expect(postgresAccepts(s)).toBe(true);
        if (stringsOf(doc).every(postgresAccepts)) expect(cleaned).toBe(doc);
        else expect(stringsOf(cleaned)).toEqual(stringsOf(doc).map(storableText));
      }),
      { numRuns: 500 },
    );
  });
});

describe("displayText", () => {
  it("neutralises every bidirectional override and isolate", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(displayText(text)).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
        expect(displayText(text).length).toBe(text.length);
      }),
    );
    expect(displayText("admin\u202Etxt.exe")).toBe(`admin${REPLACEMENT_CHARACTER}txt.exe`);
  });
});
