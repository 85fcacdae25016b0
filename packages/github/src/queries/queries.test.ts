import { schema as githubSchema } from "@octokit/graphql-schema";
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { queryCost } from "./cost.js";
import * as queries from "./index.js";

const schema = buildSchema(githubSchema.idl, { assumeValidSDL: true });

const documents = Object.entries(queries).filter(
  (entry): entry is [string, string] => entry[0].endsWith("_QUERY") && typeof entry[1] === "string",
);

/** The point cost each query may have at most (GitHub's formula); the bulk PR query is the expensive one. */
const MAX_POINTS: Record<string, number> = {
  MERGED_PULL_REQUESTS_QUERY: 3,
  MERGED_PULL_REQUESTS_FULL_QUERY: 7,
  PULL_REQUEST_COMMITS_QUERY: 1,
  PULL_REQUEST_FILES_QUERY: 1,
  DEPLOYMENTS_QUERY: 1,
  RELEASES_QUERY: 1,
  TAGS_QUERY: 1,
  BRANCH_HISTORY_QUERY: 2,
  ORG_MEMBERS_QUERY: 1,
  TEAMS_QUERY: 1,
  TEAM_MEMBERS_QUERY: 1,
};

describe("GraphQL queries against GitHub's schema (@octokit/graphql-schema)", () => {
  it("covers every exported query", () => {
    expect(documents.map(([name]) => name).sort()).toEqual(Object.keys(MAX_POINTS).sort());
  });

  it.each(documents)("%s validates", (_name, query) => {
    const errors = validate(schema, parse(query));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it.each(documents)("%s selects rateLimit and stays within its point budget", (name, query) => {
    expect(query).toMatch(/rateLimit \{ cost remaining resetAt limit \}/);
    const cost = queryCost(schema, query);
    expect(cost.points).toBeLessThanOrEqual(MAX_POINTS[name] ?? 0);
    expect(cost.nodes).toBeLessThanOrEqual(500_000);
  });

  it("keeps per-commit connections out of the bulk PR queries (each would cost 100 points a page)", () => {
    // pullRequests 1 + labels, commits, files x 100 PRs: GitHub's floor for what the metrics need.
    expect(queryCost(schema, queries.MERGED_PULL_REQUESTS_QUERY).requests).toBe(301);
    // + assignees, reviewRequests, reviews, mergeCommit.parents.
    expect(queryCost(schema, queries.MERGED_PULL_REQUESTS_FULL_QUERY).requests).toBe(701);
    expect(queries.COMMIT_FIELDS).not.toMatch(/parents|authors/);
  });

  it("carries 12 PRs' details on a bulk query at no extra point", () => {
    const numbers = Array.from({ length: queries.PIGGYBACK_DETAILS }, (_, i) => 100 + i);
    const query = queries.mergedPullRequestsWithDetailsQuery(numbers);
    expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);
    expect(queryCost(schema, query)).toMatchObject({ requests: 349, points: 3 });
    expect(() => queries.mergedPullRequestsWithDetailsQuery([])).toThrow(RangeError);
    expect(() => queries.mergedPullRequestsWithDetailsQuery(Array.from({ length: 13 }, (_, i) => i + 1))).toThrow(
      RangeError,
    );
  });

  it("builds a details query for 25 PRs that validates and costs 1 point", () => {
    const numbers = Array.from({ length: queries.PULL_REQUEST_DETAILS_BATCH }, (_, i) => i + 1);
    const query = queries.pullRequestDetailsQuery(numbers);
    expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);
    expect(queryCost(schema, query)).toMatchObject({ requests: 100, points: 1 });
    expect(() => queries.pullRequestDetailsQuery([])).toThrow(RangeError);
    expect(() => queries.pullRequestDetailsQuery(Array.from({ length: 26 }, (_, i) => i + 1))).toThrow(RangeError);
    expect(() => queries.pullRequestDetailsQuery([1.5])).toThrow(/not a PR number/);
  });

  it("rejects a query GitHub would reject (sanity check of the harness)", () => {
    const errors = validate(schema, parse('query { repository(owner: "a", name: "b") { noSuchField } }'));
    expect(errors.length).toBeGreaterThan(0);
  });
});
