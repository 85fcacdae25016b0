import { RATE_LIMIT_FIELDS } from "../rate-limit.js";
import { COMMIT_FIELDS } from "./fragments.js";

/**
 * Commits per query. `repository.object(oid:)` is no connection and COMMIT_FIELDS hold none, so
 * the query asks no connection at all: GitHub's formula gives it the minimum, 1 point, for any
 * number of aliases (the history query pays 1 point per 100 commits for its `parents`).
 */
export const COMMITS_BY_OID_BATCH = 100;

/**
 * What only the API knows of chosen commits of one repository (the accounts GitHub linked to
 * their author and committer emails, with the rest of COMMIT_FIELDS), one aliased
 * `object(oid:)` per commit: the commits a Git-read branch history found that no pull request
 * brought. Built per call from constant parts; queries.test.ts validates and prices it.
 */
export function commitsByOidQuery(oids: readonly string[]): string {
  if (oids.length === 0 || oids.length > COMMITS_BY_OID_BATCH) {
    throw new RangeError(`commitsByOidQuery: between 1 and ${COMMITS_BY_OID_BATCH} commit ids, got ${oids.length}`);
  }
  const aliases = oids
    .map((oid, i) => {
      if (!/^[0-9a-f]{40}$/.test(oid))
        throw new RangeError(`commitsByOidQuery: ${JSON.stringify(oid)} is not a full commit id (40 hex digits)`);
      return `c${i}: object(oid: "${oid}") { ... on Commit { ...CommitFields } }`;
    })
    .join("\n    ");
  return `query CommitsByOid($owner: String!, $name: String!) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    ${aliases}
  }
}
${COMMIT_FIELDS}`;
}
