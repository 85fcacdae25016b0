import type { CoAuthor } from "./domain.js";

/**
 * `Co-authored-by: Name <email>` lines anywhere in a message. Squash merges push the original
 * trailers into the `* ` bullet list, where trailer parsers (git interpret-trailers) miss them, so
 * every line is scanned, anchored at its start, tolerating a bullet. De-duplicated by email,
 * case-insensitively, first spelling kept.
 */
const CO_AUTHOR_LINE = /^[ \t]*(?:[*-][ \t]+)?co-authored-by:[ \t]*(.*?)[ \t]*<([^<>\s]*)>[ \t]*$/gim;

export function coAuthorsFromMessage(message: string): CoAuthor[] {
  const seen = new Set<string>();
  const result: CoAuthor[] = [];
  for (const match of message.matchAll(CO_AUTHOR_LINE)) {
    const name = (match[1] ?? "").trim();
    const email = (match[2] ?? "").trim();
    const key = email.toLowerCase();
    if (email === "" || seen.has(key)) continue;
    seen.add(key);
    result.push({ name, email, login: noreplyLogin(email) });
  }
  return result;
}

/** `12345+login@users.noreply.github.com` or `login@users.noreply.github.com` -> login. */
export function noreplyLogin(email: string): string | null {
  const match = /^(?:(\d+)\+)?([^@+]+)@users\.noreply\.github\.com$/i.exec(email.trim());
  return match?.[2] ?? null;
}

/** The numeric user id in `12345+login@users.noreply.github.com`, if present. */
export function noreplyUserId(email: string): number | null {
  const match = /^(\d+)\+[^@]+@users\.noreply\.github\.com$/i.exec(email.trim());
  return match?.[1] === undefined ? null : Number(match[1]);
}
