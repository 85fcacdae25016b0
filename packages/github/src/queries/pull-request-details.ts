import { RATE_LIMIT_FIELDS } from "../rate-limit.js";
import { PULL_REQUEST_DETAIL_FIELDS } from "./merged-pull-requests.js";

/** PRs per details query: 4 connections each, so 25 PRs make 100 requests, i.e. 1 point. */
export const PULL_REQUEST_DETAILS_BATCH = 25;

/**
 * Details (assignees, review requests, reviews, merge parents) of chosen PRs of one repository,
 * one aliased `pullRequest(number:)` per PR (GraphQL has no list-by-numbers field). Built per
 * call from constant parts; queries.test.ts validates a built query against GitHub's schema.
 */
export function pullRequestDetailsQuery(numbers: readonly number[]): string {
  if (numbers.length === 0 || numbers.length > PULL_REQUEST_DETAILS_BATCH) {
    throw new RangeError(
      `pullRequestDetailsQuery: between 1 and ${PULL_REQUEST_DETAILS_BATCH} PR numbers, got ${numbers.length}`,
    );
  }
  const aliases = numbers
    .map((n) => {
      if (!Number.isInteger(n) || n <= 0)
        throw new RangeError(`pullRequestDetailsQuery: ${n} is not a PR number (e.g. 42)`);
      return `pr${n}: pullRequest(number: ${n}) { ...PullRequestDetails }`;
    })
    .join("\n    ");
  return `query PullRequestDetails($owner: String!, $name: String!) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    ${aliases}
  }
}
${PULL_REQUEST_DETAIL_FIELDS}`;
}
