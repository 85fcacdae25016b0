import { RATE_LIMIT_FIELDS } from "../rate-limit.js";

/**
 * Tags with the commit they point at. A lightweight tag's target is the Commit; an annotated
 * tag's target is a Tag object whose own target is the commit (one more level for a tag of a tag).
 * Newest tagged commit first. 1 point a page.
 */
export const TAGS_QUERY = `query Tags($owner: String!, $name: String!, $after: String) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    refs(refPrefix: "refs/tags/", first: 100, after: $after, orderBy: { field: TAG_COMMIT_DATE, direction: DESC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        name
        target {
          __typename
          oid
          ... on Commit { committedDate }
          ... on Tag {
            tagger { date }
            target {
              __typename
              oid
              ... on Commit { committedDate }
              ... on Tag { target { __typename oid ... on Commit { committedDate } } }
            }
          }
        }
      }
    }
  }
}`;
