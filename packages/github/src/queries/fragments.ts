/**
 * Shared GraphQL fragments. Each query file appends the fragments it spreads, so every exported
 * query is a complete document (validated against GitHub's schema in queries.test.ts).
 */

/** An Actor's login and kind; `databaseId` exists on User and Bot only. */
export const ACTOR_FIELDS = `fragment ActorFields on Actor {
  __typename
  login
  ... on User { databaseId }
  ... on Bot { databaseId }
}`;

/**
 * A commit without any connection: `parents` and `authors` are connections, and GitHub's cost
 * formula charges a connection once per parent node, so under `pullRequests(first: 100) {
 * commits(first: 100) }` either would cost 100 points a page. Co-authors come from the message
 * trailers instead (core `coAuthorsFromMessage`).
 */
export const COMMIT_FIELDS = `fragment CommitFields on Commit {
  oid
  message
  authoredDate
  committedDate
  additions
  deletions
  author { name email date user { login databaseId } }
  committer { name email date user { login databaseId } }
}`;
