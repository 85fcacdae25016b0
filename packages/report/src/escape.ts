/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * Escapes text for a Markdown table cell or paragraph: Markdown's punctuation, HTML's angle
 * brackets and line breaks, so a group name from GitHub cannot add markup, links or columns.
 */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (c) => `\\${c}`)
    .replaceAll("<", "&lt;")
    .replace(/\r\n|\r|\n/g, " ");
}
