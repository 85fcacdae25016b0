import type * as S from "@yardstick/api/schemas";
import { dashboardPaths } from "@yardstick/report/dashboard-links";
import type { z } from "zod";

/**
 * The read API's shapes, as the API declares them (types only: nothing of the API's code or zod
 * reaches the bundle), and one fetch for every request: same origin, the session cookie.
 */
export type Me = z.infer<typeof S.Me>;
export type Freshness = z.infer<typeof S.Freshness>;
export type GroupsResponse = z.infer<typeof S.GroupsResponse>;
export type GroupWeek = z.infer<typeof S.GroupWeekResponse>;
export type WeekFigures = GroupWeek["figures"];
export type ChangesPage = z.infer<typeof S.ChangesPage>;
export type ChangeItem = ChangesPage["items"][number];
export type ChangesSummary = z.infer<typeof S.ChangesSummary>;
export type LeadTimeTest = z.infer<typeof S.LeadTimeTest>;
export type Change = z.infer<typeof S.ChangeResponse>;
export type Deployments = z.infer<typeof S.DeploymentsResponse>;
export type Adoption = z.infer<typeof S.AdoptionResponse>;
export type AdoptionGroup = Adoption["groups"][number];
export type Projection = AdoptionGroup["projection"];
export type Status = z.infer<typeof S.StatusResponse>;
export type Metrics = z.infer<typeof S.MetricsOutput>;
export type Problem = z.infer<typeof S.Problem>;
export type TokenList = z.infer<typeof S.TokenList>;
export type TokenItem = TokenList["items"][number];
export type CreateToken = z.infer<typeof S.CreateTokenBody>;
export type CreatedToken = z.infer<typeof S.CreatedTokenResponse>;
export type GroupKind = GroupWeek["kind"];
export type People = z.infer<typeof S.PeopleResponse>;
export type PersonName = People["items"][number];

export const API = "/api/v1";

/** A failed request: its HTTP status and the API's problem document, when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `HTTP ${status}`);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: "same-origin", headers: { accept: "application/json" } });
  if (!res.ok) {
    const problem = (await res.json().catch(() => null)) as Problem | null;
    throw new ApiError(res.status, problem);
  }
  return (await res.json()) as T;
}

/**
 * A request with a body, never cached: one that changes something, or a lookup too large for an
 * address (JSON in, JSON or nothing out); failures as `ApiError`.
 */
export async function sendJson<T>(method: "POST" | "DELETE", path: string, body?: unknown): Promise<T | null> {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    cache: "no-store",
    headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) {
    const problem = (await res.json().catch(() => null)) as Problem | null;
    throw new ApiError(res.status, problem);
  }
  return res.status === 204 ? null : ((await res.json()) as T);
}

/**
 * One page of a group-week's changes: `size` rows from `cursor` (the `cursor` of the API's `next`
 * link; absent: the first page), with the filters of `query`.
 */
export function changesPage(
  href: string,
  query: URLSearchParams,
  size: number,
  cursor: string | null,
): Promise<ChangesPage> {
  const q = new URLSearchParams(query);
  q.set("limit", String(size));
  if (cursor !== null) q.set("cursor", cursor);
  return getJson<ChangesPage>(`${href}?${q}`);
}

/** What a group-week's change list adds up to under the filters of `query`, without listing it. */
export function changesSummary(href: string, query: URLSearchParams): Promise<ChangesSummary> {
  const q = query.toString();
  return getJson<ChangesSummary>(`${href}/summary${q === "" ? "" : `?${q}`}`);
}

/** The two-sided Mann-Whitney test of a group-week's AI-assisted against other lead times. */
export function leadTimeTest(kind: string, name: string, week: string): Promise<LeadTimeTest> {
  return getJson<LeadTimeTest>(`${API}/groups/${kind}/${encodeURIComponent(name)}/weeks/${week}/lead-time-test`);
}

/** A group's week page (the addresses are shared with the digest's and the report's links). */
export function groupWeekPath(kind: string, name: string, week: string): string {
  return dashboardPaths.groupWeek(kind, name, week);
}

export function changePath(id: string): string {
  return dashboardPaths.change(id);
}
