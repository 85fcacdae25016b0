import type { Commit } from "@yardstick/core";
import type { GitHubClient } from "../client.js";
import { GitHubError, GitHubErrorCode } from "../errors.js";
import { mapCommit } from "../mappers.js";
import { COMMITS_BY_OID_BATCH, commitsByOidQuery } from "../queries/commits-by-oid.js";
import type { RateLimit } from "../rate-limit.js";
import type { CommitNode } from "../shapes.js";
import { charge, fullName, newPageCost, type PageMeta, type RepoRef } from "./page.js";

export interface CommitsPage extends PageMeta {
  /** The commits GitHub found, with the parents given for each (GitHub's object has no connection here). */
  commits: Commit[];
  /** Asked for and not found (not in the repository, or not a commit). */
  missing: string[];
}

/**
 * Chosen commits of one repository from GraphQL, COMMITS_BY_OID_BATCH a query and a point, one
 * yielded page per query: what a history read from Git lacks (the accounts GitHub linked to the
 * author and committer). `parents` gives each commit's parents (from Git), since the query asks
 * no connection.
 */
export async function* commitsByOid(
  client: GitHubClient,
  options: RepoRef & { oids: readonly string[]; parents?: ReadonlyMap<string, readonly string[]> },
): AsyncGenerator<CommitsPage> {
  const unique = [...new Set(options.oids)];
  for (let i = 0; i < unique.length; i += COMMITS_BY_OID_BATCH) {
    const batch = unique.slice(i, i + COMMITS_BY_OID_BATCH);
    const cost = newPageCost();
    const { data, rateLimit } = await client.graphql<{
      repository: Record<string, Partial<CommitNode> | null> | null;
    }>(commitsByOidQuery(batch), { owner: options.owner, name: options.repo });
    charge(cost, rateLimit);
    if (data.repository === null) {
      throw new GitHubError(
        GitHubErrorCode.notFound,
        `Repository ${fullName(options)} not found (or the token cannot see it)`,
        { retryable: false },
      );
    }
    const commits: Commit[] = [];
    const missing: string[] = [];
    batch.forEach((oid, j) => {
      const node = data.repository?.[`c${j}`];
      if (node?.oid === undefined) missing.push(oid);
      else commits.push(mapCommit(fullName(options), node as CommitNode, options.parents?.get(oid) ?? []));
    });
    yield { commits, missing, cost, rateLimit: rateLimit as RateLimit | null };
  }
}
