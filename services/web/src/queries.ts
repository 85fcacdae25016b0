import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { API, type Change, type ChangesPage, changesPage, changesSummary, type GroupWeek, getJson } from "./api.js";
import { listState } from "./changes-list.js";

/**
 * The drill-down pages' requests (the group-week page's and the change page's), in one place so
 * that a prefetch (the overview's drill-down links, the group-week's change links) and the page
 * itself ask with the same keys: what was fetched ahead is what the page shows, with no request of
 * its own.
 */

/** The API address of a group's week (its figures; `/changes` and `/changes/summary` below it). */
export function groupWeekHref(kind: string, name: string, week: string): string {
  return `${API}/groups/${kind}/${encodeURIComponent(name)}/weeks/${week}`;
}

export function groupWeekQuery(href: string) {
  return queryOptions({ queryKey: ["group-week", href], queryFn: () => getJson<GroupWeek>(href) });
}

/** What the list adds up to under `filter` (the API's count-and-sum answer). */
export function changesSummaryQuery(changesHref: string | null, filter: URLSearchParams) {
  return queryOptions({
    queryKey: ["changes-summary", changesHref, filter.toString()],
    queryFn: () => changesSummary(changesHref as string, filter),
    enabled: changesHref !== null,
  });
}

/** One page of the list: `size` rows from `cursor` (null: the first page) under `filter`. */
export function changesPageQuery(
  changesHref: string | null,
  filter: URLSearchParams,
  size: number,
  cursor: string | null,
) {
  return queryOptions<ChangesPage>({
    queryKey: ["changes", changesHref, filter.toString(), size, cursor],
    queryFn: () => changesPage(changesHref as string, filter, size, cursor),
    enabled: changesHref !== null,
  });
}

/**
 * Fetches ahead what the organisation's week page opened with `search` (its filters) shows first:
 * its figures, its count-and-sum and its first page, all three at once (the organisation's week,
 * the one the overview links to, lists its changes under the address its figures' link gives).
 * Nothing is asked again while the cache holds it fresh (the client's `staleTime`).
 */
export function prefetchOrgWeek(client: QueryClient, name: string, week: string, search: string): void {
  const href = groupWeekHref("org", name, week);
  const changesHref = `${href}/changes`;
  const { filter, size, cursor } = listState(new URLSearchParams(search));
  void client.prefetchQuery(groupWeekQuery(href));
  void client.prefetchQuery(changesSummaryQuery(changesHref, filter));
  void client.prefetchQuery(changesPageQuery(changesHref, filter, size, cursor));
}

/** One change: its verdict, evidence and the group-weeks it counts in (the change page). */
export function changeQuery(id: string) {
  return queryOptions({
    queryKey: ["change", id],
    queryFn: () => getJson<Change>(`${API}/changes/${encodeURIComponent(id)}`),
  });
}

/**
 * Fetches ahead what a change's page shows (its one answer), when its link is pointed at or
 * focused: the click that follows sends no request. Nothing is asked again while the cache holds
 * it fresh.
 */
export function prefetchChange(client: QueryClient, id: string): void {
  void client.prefetchQuery(changeQuery(id));
}
