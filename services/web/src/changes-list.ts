/**
 * The group-week page's change list, as its address holds it: the filters, the page size and where
 * in the list the page starts. Pure: the page reads and writes these through the URL.
 */

export const FILTERS = [
  { key: "qualifying", label: "Qualifying", options: ["", "true", "false"], names: ["all", "qualifying", "excluded"] },
  { key: "ai", label: "AI-assisted", options: ["", "true", "false"], names: ["all", "AI-assisted", "not AI-assisted"] },
] as const;

/** Rows a page of the list may show (`?size=`), and what it shows when the address says none. */
export const PAGE_SIZES = [20, 50, 100, 500] as const;
export const DEFAULT_PAGE_SIZE = 100;
/** Where the list is (`?cursor=`, `?start=`): a filter change starts it again from the first row. */
export const POSITION = ["cursor", "start"] as const;

/** The page's size, position and filters, from its address (anything else there is ignored). */
export function listState(params: URLSearchParams): {
  filter: URLSearchParams;
  size: number;
  cursor: string | null;
  start: number;
} {
  const filter = new URLSearchParams();
  for (const f of FILTERS) {
    const v = params.get(f.key);
    if (v === "true" || v === "false") filter.set(f.key, v);
  }
  const asked = Number(params.get("size"));
  const size = (PAGE_SIZES as readonly number[]).includes(asked) ? asked : DEFAULT_PAGE_SIZE;
  const cursor = params.get("cursor");
  const start = Number(params.get("start"));
  return {
    filter,
    size,
    cursor: cursor === null || cursor === "" ? null : cursor,
    start: cursor !== null && Number.isInteger(start) && start >= 1 ? start : 1,
  };
}

/** The cursor of a page's `next` link (what the next page's request and address carry). */
export function cursorOf(next: string | null): string | null {
  return next === null ? null : new URL(next, "http://localhost").searchParams.get("cursor");
}
