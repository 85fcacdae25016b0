/**
 * REST pagination as GitHub does it: `per_page` (default 30, at most 100) and `page` (from 1),
 * and a `Link` header listing `prev`, `next`, `last` and `first` in that order, each URL being
 * the request's own URL with `page` replaced.
 */
export interface PageRequest {
  perPage: number;
  page: number;
}

export function parsePage(query: URLSearchParams, defaultPerPage = 30): PageRequest {
  const perRaw = Number.parseInt(query.get("per_page") ?? "", 10);
  const pageRaw = Number.parseInt(query.get("page") ?? "", 10);
  const perPage = Number.isFinite(perRaw) && perRaw > 0 ? Math.min(perRaw, 100) : defaultPerPage;
  const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  return { perPage, page };
}

export interface Page<T> {
  items: T[];
  lastPage: number;
}

export function paginate<T>(
  all: readonly T[],
  { perPage, page }: PageRequest,
  cap = Number.POSITIVE_INFINITY,
): Page<T> {
  const total = Math.min(all.length, cap);
  const start = (page - 1) * perPage;
  const items = start >= total ? [] : all.slice(start, Math.min(start + perPage, total));
  return { items, lastPage: Math.max(1, Math.ceil(total / perPage)) };
}

/** The `Link` header for `page` of `lastPage`, or null when there is a single page. */
export function linkHeader(requestUrl: URL, page: number, lastPage: number): string | null {
  if (lastPage <= 1 && page <= 1) return null;
  const at = (p: number) => {
    const u = new URL(requestUrl.href);
    u.searchParams.set("page", String(p));
    return `<${u.href}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${at(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) {
    links.push(`${at(page + 1)}; rel="next"`);
    links.push(`${at(lastPage)}; rel="last"`);
  }
  if (page > 1) links.push(`${at(1)}; rel="first"`);
  return links.length > 0 ? links.join(", ") : null;
}
