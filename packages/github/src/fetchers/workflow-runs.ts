import type { GitHubClient } from "../client.js";
import { GitHubErrorCode, isGitHubError } from "../errors.js";
import { type GitHubWorkflowRun, mapWorkflowRun } from "../mappers.js";
import type { RestWorkflowRun } from "../shapes.js";
import type { EtagCache } from "./etag-cache.js";
import { fullName, newPageCost, type PageMeta, type RepoRef } from "./page.js";

export interface WorkflowRunsOptions extends RepoRef {
  /** Only runs on this branch (the tracked one). */
  branch?: string;
  /** Only runs of this event, e.g. "push". */
  event?: string;
  /** Only runs created at or after this day (UTC; the time of day is dropped). */
  createdSince?: Date | null;
  /** Only runs of this workflow (file name like "deploy.yml", or its numeric id). */
  workflow?: string | number;
  etags: EtagCache;
  perPage?: number;
}

export interface WorkflowRunPage extends PageMeta {
  runs: GitHubWorkflowRun[];
  /** The page was answered 304: nothing changed since the last sync (and GitHub did not charge it). */
  notModified: boolean;
  done: boolean;
}

/**
 * Completed workflow runs, newest first, over REST (GraphQL has no workflow runs). Each page is
 * a conditional request with the URL's stored ETag: an unchanged first page answers 304, costs
 * nothing and ends the sync. A 304 on a later page ends it too: completed runs only enter at the
 * top, so an unchanged page means nothing new lies beyond it either.
 */
export async function* workflowRuns(
  client: GitHubClient,
  options: WorkflowRunsOptions,
): AsyncGenerator<WorkflowRunPage> {
  const perPage = options.perPage ?? 100;
  const route =
    options.workflow === undefined
      ? `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/actions/runs`
      : `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/actions/workflows/${encodeURIComponent(String(options.workflow))}/runs`;
  for (let page = 1; ; page++) {
    const cost = newPageCost();
    const query = new URLSearchParams({ status: "completed", per_page: String(perPage), page: String(page) });
    if (options.branch !== undefined) query.set("branch", options.branch);
    if (options.event !== undefined) query.set("event", options.event);
    // Rounded down to its UTC day: a window that moves with the clock would change the URL, and
    // with it the ETag, on every sync (no 304 ever); the runs of the extra hours are kept.
    if (options.createdSince != null) query.set("created", `>=${options.createdSince.toISOString().slice(0, 10)}`);
    const url = `${route}?${query.toString()}`;
    const etag = await options.etags.get(url);
    cost.restRequests += 1;
    try {
      const response = await client.octokit.request(`GET ${url}`, {
        headers: etag === undefined ? {} : { "if-none-match": etag },
      });
      const body = response.data as { total_count: number; workflow_runs: RestWorkflowRun[] };
      const newEtag = response.headers.etag;
      if (typeof newEtag === "string") await options.etags.set(url, newEtag);
      const runs = body.workflow_runs.map((run) => mapWorkflowRun(fullName(options), run));
      const done = runs.length < perPage || page * perPage >= body.total_count;
      yield { runs, notModified: false, done, cost, rateLimit: null };
      if (done) return;
    } catch (error) {
      if (isGitHubError(error) && error.code === GitHubErrorCode.notModified) {
        cost.notModified += 1;
        yield { runs: [], notModified: true, done: true, cost, rateLimit: null };
        return;
      }
      throw error;
    }
  }
}
