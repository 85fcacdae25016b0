/**
 * The dashboard's page addresses (services/web's router), in one place: the dashboard builds its
 * own links with `dashboardPaths`, the digest and the report build absolute ones with
 * `dashboardLinks` under the configured `dashboardUrl`. Every page's state (group, week,
 * filters) is in its address, so a link opens exactly the view it names.
 */

export type DashboardGroupKind = "org" | "team" | "repo";

/** The changes filters of a group-week page (its query string). */
export interface ChangeFilters {
  qualifying?: boolean;
  ai?: boolean;
}

function query(entries: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) q.set(key, value);
  const text = q.toString();
  return text === "" ? "" : `?${text}`;
}

const flag = (v: boolean | undefined) => (v === undefined ? undefined : String(v));

/** Paths from the dashboard's root (`/…`), as its router reads them. */
export const dashboardPaths = {
  overview: (week?: string) => `/${query({ week })}`,
  groupWeek: (kind: string, name: string, week: string, filters: ChangeFilters = {}) =>
    `/groups/${kind}/${encodeURIComponent(name)}/weeks/${week}${query({
      qualifying: flag(filters.qualifying),
      ai: flag(filters.ai),
    })}`,
  change: (id: string) => `/changes/${encodeURIComponent(id)}`,
  adoption: (group: "team" | "repo" = "team", week?: string) => `/adoption${query({ group, week })}`,
  guardrails: (group: DashboardGroupKind = "team", week?: string) => `/guardrails${query({ group, week })}`,
  status: () => "/status",
} as const;

export type DashboardLinks = { [K in keyof typeof dashboardPaths]: (typeof dashboardPaths)[K] };

/**
 * The same addresses made absolute under `baseUrl` (config `dashboardUrl`; a path prefix such as
 * `https://acme.com/yardstick/` is kept): links in email, Slack and a saved report must be
 * absolute. Throws on a base that is not an absolute http(s) URL.
 */
export function dashboardLinks(baseUrl: string): DashboardLinks {
  const base = new URL(baseUrl);
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error(`not an http(s) URL: ${baseUrl}`);
  base.search = "";
  base.hash = "";
  if (!base.pathname.endsWith("/")) base.pathname = `${base.pathname}/`;
  const abs = (path: string) => new URL(path.slice(1), base).toString();
  return {
    overview: (week) => abs(dashboardPaths.overview(week)),
    groupWeek: (kind, name, week, filters) => abs(dashboardPaths.groupWeek(kind, name, week, filters)),
    change: (id) => abs(dashboardPaths.change(id)),
    adoption: (group, week) => abs(dashboardPaths.adoption(group, week)),
    guardrails: (group, week) => abs(dashboardPaths.guardrails(group, week)),
    status: () => abs(dashboardPaths.status()),
  };
}
