export { BRANCH_HISTORY_QUERY } from "./branch-history.js";
export { COMMITS_BY_OID_BATCH, commitsByOidQuery } from "./commits-by-oid.js";
export { DEPLOYMENTS_QUERY } from "./deployments.js";
export { ACTOR_FIELDS, COMMIT_FIELDS } from "./fragments.js";
export { INCIDENT_ISSUES_QUERY } from "./incident-issues.js";
export {
  MERGED_PULL_REQUESTS_COMMITS_QUERY,
  MERGED_PULL_REQUESTS_FULL_QUERY,
  MERGED_PULL_REQUESTS_NO_FILES_QUERY,
  MERGED_PULL_REQUESTS_PROBE_QUERY,
  MERGED_PULL_REQUESTS_QUERY,
  mergedPullRequestsWithDetailsQuery,
  PIGGYBACK_DETAILS,
  PIGGYBACK_DETAILS_COMMITS,
  PIGGYBACK_DETAILS_NO_FILES,
  PULL_REQUEST_COMMIT_ONLY_FIELDS,
  PULL_REQUEST_COMMITS_PAGE_SIZE,
  PULL_REQUEST_DETAIL_FIELDS,
  PULL_REQUEST_FIELDS,
  PULL_REQUEST_FULL_PAGE_SIZE,
  PULL_REQUEST_NO_FILES_FIELDS,
  PULL_REQUEST_NO_FILES_PAGE_SIZE,
  PULL_REQUEST_PAGE_SIZE,
  type PullRequestVariant,
  piggybackDetailsOf,
  REPOSITORY_MARKERS,
} from "./merged-pull-requests.js";
export { ORG_REPOSITORIES_QUERY } from "./org-discovery.js";
export { ORG_MEMBERS_QUERY } from "./org-members.js";
export { PULL_REQUEST_COMMITS_QUERY } from "./pull-request-commits.js";
export { PULL_REQUEST_DETAILS_BATCH, pullRequestDetailsQuery } from "./pull-request-details.js";
export { PULL_REQUEST_FILES_BATCH, PULL_REQUEST_FILES_QUERY, pullRequestFilesQuery } from "./pull-request-files.js";
export { PULL_REQUEST_REVIEWS_BATCH, pullRequestReviewsQuery } from "./pull-request-reviews.js";
export { RELEASES_QUERY } from "./releases.js";
export { TAGS_QUERY } from "./tags.js";
export { TEAM_MEMBERS_QUERY, TEAMS_QUERY } from "./teams.js";
