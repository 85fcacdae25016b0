import { displayText } from "@yardstick/core";

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values.
 * Bidirectional overrides and isolates are neutralised too (core's `displayText`), so a name
 * from GitHub cannot make the report show text in another order than it holds.
 */
export function escapeHtml(value: string): string {
  return displayText(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * Escapes text for a Markdown table cell or paragraph: Markdown's punctuation, HTML's angle
 * brackets and line breaks, so a group name from GitHub cannot add markup, links or columns
 * (bidirectional overrides are neutralised, as in `escapeHtml`).
 */
export function escapeMarkdown(value: string): string {
  return displayText(value)
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (c) => `\\${c}`)
    .replaceAll("<", "&lt;")
    .replace(/\r\n|\r|\n/g, " ");
}
