/**
 * Text that PostgreSQL (and PGlite) can store. GitHub hands us whatever people typed: a PR body,
 * a commit message or a display name may hold a NUL (U+0000), which a PostgreSQL `text` value
 * cannot contain, or a lone UTF-16 surrogate (half of an emoji cut by a truncation), which has no
 * UTF-8 encoding. Either makes the whole statement fail. `storableText` replaces each such code
 * unit with U+FFFD (the replacement character, the Unicode convention for "a character was here
 * and could not be represented"); everything else, including other control characters, is kept.
 * The length in UTF-16 code units never changes, so offsets into the text stay valid.
 */
export const REPLACEMENT_CHARACTER = "\uFFFD";

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the NUL is the point.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the NUL is the point.
const UNSTORABLE_TEST = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether PostgreSQL can store `text` as it is (no NUL, no lone surrogate). */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEST.test(text);
}

/** `text` with every NUL and lone surrogate replaced by U+FFFD; the same string when there is none. */
export function storableText(text: string): string {
  return isStorableText(text) ? text : text.replace(UNSTORABLE, REPLACEMENT_CHARACTER);
}

/**
 * A JSON-like value (a GitHub GraphQL node or REST body) with `storableText` applied to every
 * string in it, object keys included. Values that need no change are returned as they are (no
 * copy), so clean input costs one scan.
 */
export function storableDeep<T>(value: T): T {
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === "string") return storableText(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const cleaned = clean(item);
      if (cleaned !== item) {
        copy ??= value.slice();
        copy[i] = cleaned;
      }
    }
    return copy ?? value;
  }
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value);
    let changed = false;
    const cleaned = entries.map(([key, item]): [string, unknown] => {
      const cleanKey = storableText(key);
      const cleanItem = clean(item);
      if (cleanKey !== key || cleanItem !== item) changed = true;
      return [cleanKey, cleanItem];
    });
    return changed ? Object.fromEntries(cleaned) : value;
  }
  return value;
}

/**
 * Bidirectional formatting characters: the embeddings and overrides (U+202A..U+202E) and the
 * isolates (U+2066..U+2069). In a name or title they can make text display in an order other
 * than the one it is stored in ("Trojan Source", CVE-2021-42574), so a report could show a
 * different name than the data holds.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * `text` as shown to a reader of a report or digest: bidirectional controls replaced by U+FFFD
 * so the shown order is the stored order. Stored data keeps them (they are the author's text).
 */
export function displayText(text: string): string {
  return text.replace(BIDI_CONTROLS, REPLACEMENT_CHARACTER);
}
