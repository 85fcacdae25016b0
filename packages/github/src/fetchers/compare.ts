import type { Commit } from "@yardstick/core";
import type { GitHubClient } from "../client.js";
import { mapRestCommit } from "../mappers.js";
import type { RestCommit } from "../shapes.js";
import type { RepoRef } from "./page.js";

export interface Comparison {
  status: string;
  aheadBy: number;
  behindBy: number;
  totalCommits: number;
  /** The commits in head but not in base, oldest first. */
  commits: Commit[];
  restRequests: number;
}

/**
 * REST compare `base...head` (no GraphQL equivalent): which commits a deployment shipped since
 * the previous one. Pages through the commit list, 100 a page.
 */
export async function compareCommits(
  client: GitHubClient,
  options: RepoRef & { base: string; head: string },
): Promise<Comparison> {
  const commits: Commit[] = [];
  let restRequests = 0;
  let first: { status: string; ahead_by: number; behind_by: number; total_commits: number } | null = null;
  for (let page = 1; ; page++) {
    const response = await client.octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
      owner: options.owner,
      repo: options.repo,
      basehead: `${options.base}...${options.head}`,
      per_page: 100,
      page,
    });
    restRequests += 1;
    const data = response.data as unknown as {
      status: string;
      ahead_by: number;
      behind_by: number;
      total_commits: number;
      commits: RestCommit[];
    };
    first ??= data;
    commits.push(...data.commits.map((c) => mapRestCommit(`${options.owner}/${options.repo}`, c)));
    if (data.commits.length < 100 || commits.length >= data.total_commits) break;
  }
  return {
    status: first.status,
    aheadBy: first.ahead_by,
    behindBy: first.behind_by,
    totalCommits: first.total_commits,
    commits,
    restRequests,
  };
}
