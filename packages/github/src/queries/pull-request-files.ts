import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

/** Further pages of one PR's changed files, when it has more than the bulk query's 100. */
export const PULL_REQUEST_FILES_QUERY = `query PullRequestFiles($owner: String!, $name: String!, $number: Int!, $after: String) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      files(first: 100, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { path additions deletions changeType }
      }
    }
  }
}`;

/**
 * PRs per files query: each PR's `files` is the query's one connection per PR, so 100 PRs make
 * 100 requests, 1 point (round(100 / 100)).
 */
export const PULL_REQUEST_FILES_BATCH = 100;

/**
 * The first 100 changed files of chosen PRs of one repository, one aliased `pullRequest(number:)`
 * per PR: what a sync that reads files from the clone asks GitHub for the PRs the clone could not
 * give (Git refused, a commit the clone lacks, counts that disagree with GitHub's totals).
 */
export function pullRequestFilesQuery(numbers: readonly number[]): string {
  if (numbers.length === 0 || numbers.length > PULL_REQUEST_FILES_BATCH) {
    throw new RangeError(
      `pullRequestFilesQuery: between 1 and ${PULL_REQUEST_FILES_BATCH} PR numbers, got ${numbers.length}`,
    );
  }
  const aliases = numbers
    .map((n) => {
      if (!Number.isInteger(n) || n <= 0)
        throw new RangeError(`pullRequestFilesQuery: ${n} is not a PR number (e.g. 42)`);
      return `pr${n}: pullRequest(number: ${n}) { ...PullRequestFileList }`;
    })
    .join("\n    ");
  return `query PullRequestFileLists($owner: String!, $name: String!) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    ${aliases}
  }
}
fragment PullRequestFileList on PullRequest {
  number
  files(first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { path additions deletions changeType }
  }
}`;
}
