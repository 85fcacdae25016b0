import { storableDeep } from "@yardstick/core";
import type { GitHubClient } from "../client.js";
import type { RepoRef } from "./page.js";

/** One file of a pull request with its unified-diff patch (absent for binary and very large files). */
export interface PullRequestPatchFile {
  path: string;
  status: string;
  additions: number;
  deletions: number;
  patch: string | null;
}

export interface PullRequestPatches {
  files: PullRequestPatchFile[];
  /** False when the PR has more files than were read (`maxPages`, or GitHub's 3,000-file cap). */
  complete: boolean;
  restRequests: number;
}

/** GitHub lists at most this many files of a pull request. */
const GITHUB_FILE_CAP = 3000;

/**
 * A pull request's files with their patches: REST `GET /repos/{o}/{r}/pulls/{n}/files`, 100 a
 * page (GraphQL gives per-file line counts but no diff). Reads at most `maxPages` pages; with
 * `changedFiles` (the PR's file count) known, a PR of up to 100 files costs exactly one request.
 * No conditional request: the caller reads a merged PR's patches once and stores what they say,
 * and a 304 would carry no body to compute it from.
 */
export async function pullRequestPatches(
  client: GitHubClient,
  options: RepoRef & { number: number; changedFiles?: number; maxPages?: number },
): Promise<PullRequestPatches> {
  const maxPages = options.maxPages ?? 10;
  const files: PullRequestPatchFile[] = [];
  let restRequests = 0;
  let complete = false;
  for (let page = 1; page <= maxPages; page++) {
    const response = await client.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
      owner: options.owner,
      repo: options.repo,
      pull_number: options.number,
      per_page: 100,
      page,
    });
    restRequests += 1;
    // File paths and patches are GitHub text: made storable here, as the mappers do.
    const data = storableDeep(response.data) as unknown as {
      filename: string;
      status: string;
      additions: number;
      deletions: number;
      patch?: string;
    }[];
    for (const f of data) {
      files.push({
        path: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        patch: f.patch ?? null,
      });
    }
    const last =
      data.length < 100 ||
      (options.changedFiles !== undefined && files.length >= options.changedFiles) ||
      files.length >= GITHUB_FILE_CAP;
    if (last) {
      complete =
        files.length < GITHUB_FILE_CAP && (options.changedFiles === undefined || files.length >= options.changedFiles);
      break;
    }
  }
  return { files, complete, restRequests };
}
