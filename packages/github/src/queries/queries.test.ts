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
  MERGED_PULL_REQUESTS_QUERY: 1,
  MERGED_PULL_REQUESTS_PROBE_QUERY: 1,
  MERGED_PULL_REQUESTS_COMMITS_QUERY: 1,
  MERGED_PULL_REQUESTS_NO_FILES_QUERY: 1,
  MERGED_PULL_REQUESTS_FULL_QUERY: 7,
  ORG_REPOSITORIES_QUERY: 1,
  PULL_REQUEST_COMMITS_QUERY: 1,
  PULL_REQUEST_FILES_QUERY: 1,
  DEPLOYMENTS_QUERY: 1,
  RELEASES_QUERY: 1,
  TAGS_QUERY: 1,
  BRANCH_HISTORY_QUERY: 2,
  ORG_MEMBERS_QUERY: 1,
  TEAMS_QUERY: 1,
  TEAM_MEMBERS_QUERY: 1,
  INCIDENT_ISSUES_QUERY: 1,
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
    // pullRequests 1 + labels, commits, files x 40 PRs: 121 requests round to 1 point.
    expect(queryCost(schema, queries.MERGED_PULL_REQUESTS_QUERY).requests).toBe(121);
    // + the markers (deployments, releases, tags, issues): still 1 point.
    expect(queryCost(schema, queries.MERGED_PULL_REQUESTS_PROBE_QUERY)).toMatchObject({ requests: 125, points: 1 });
    // pullRequests 1 + labels, commits x 60 PRs (files from the clone).
    expect(queryCost(schema, queries.MERGED_PULL_REQUESTS_NO_FILES_QUERY)).toMatchObject({ requests: 121, points: 1 });
    expect(queries.PULL_REQUEST_NO_FILES_FIELDS).toMatch(/labels/);
    expect(queries.PULL_REQUEST_NO_FILES_FIELDS).not.toMatch(/files/);
    // pullRequests 1 + commits x 100 PRs.
    expect(queryCost(schema, queries.MERGED_PULL_REQUESTS_COMMITS_QUERY)).toMatchObject({ requests: 101, points: 1 });
    // + assignees, reviewRequests, reviews, mergeCommit.parents, 100 PRs.
    expect(queryCost(schema, queries.MERGED_PULL_REQUESTS_FULL_QUERY).requests).toBe(701);
    expect(queries.COMMIT_FIELDS).not.toMatch(/parents|authors/);
    expect(queries.PULL_REQUEST_COMMIT_ONLY_FIELDS).not.toMatch(/labels|files/);
  });

  it("picks the page size GitHub's rounding makes cheapest for labels, commits and files", () => {
    // round((1 + 3P) / 100) / P points a PR: 40 PRs for 1 point (with room for 7 details) beats 100 for 3.
    const perPr = (p: number) => Math.max(1, Math.round((1 + 3 * p) / 100)) / p;
    expect(perPr(queries.PULL_REQUEST_PAGE_SIZE)).toBeLessThan(perPr(100) * 0.85);
  });

  it.each([
    ["default", queries.PIGGYBACK_DETAILS, false],
    ["default", queries.PIGGYBACK_DETAILS - 1, true],
    ["commits", queries.PIGGYBACK_DETAILS_COMMITS, false],
    ["no-files", queries.PIGGYBACK_DETAILS_NO_FILES, false],
  ] as const)("carries the %s page's %i PRs' details at no extra point (probe: %s)", (variant, n, probe) => {
    const numbers = Array.from({ length: n }, (_, i) => 100 + i);
    const query = queries.mergedPullRequestsWithDetailsQuery(numbers, { variant, probe });
    expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);
    expect(queryCost(schema, query).points).toBe(1);
    const one = queries.mergedPullRequestsWithDetailsQuery([...numbers.slice(0, -1), 99], { variant, probe });
    expect(queryCost(schema, one).points).toBe(1);
  });

  it("fits no more PRs without files in a point than the page size: one more PR or rider costs 2", () => {
    const numbers = Array.from({ length: queries.PIGGYBACK_DETAILS_NO_FILES }, (_, i) => 100 + i);
    const query = queries.mergedPullRequestsWithDetailsQuery(numbers, { variant: "no-files" });
    expect(queryCost(schema, query)).toMatchObject({ requests: 149, points: 1 });
    const bigger = query.replace(
      `first: ${queries.PULL_REQUEST_NO_FILES_PAGE_SIZE}`,
      `first: ${queries.PULL_REQUEST_NO_FILES_PAGE_SIZE + 1}`,
    );
    expect(queryCost(schema, bigger).points).toBe(2);
    // The probe (markers: 4 requests) comes on the first page, before any rider.
    expect(
      queryCost(schema, queries.mergedPullRequestsWithDetailsQuery([], { variant: "no-files", probe: true })),
    ).toMatchObject({
      requests: 125,
      points: 1,
    });
  });

  it("builds a files query for 100 PRs that validates and costs 1 point (one connection a PR)", () => {
    const numbers = Array.from({ length: queries.PULL_REQUEST_FILES_BATCH }, (_, i) => i + 1);
    const query = queries.pullRequestFilesQuery(numbers);
    expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);
    expect(queryCost(schema, query)).toMatchObject({ requests: 100, points: 1 });
    expect(() => queries.pullRequestFilesQuery([])).toThrow(RangeError);
    expect(() => queries.pullRequestFilesQuery([0])).toThrow(/not a PR number/);
  });

  it("refuses more riders than fit in a point, and what is not a PR number", () => {
    expect(validate(schema, parse(queries.mergedPullRequestsWithDetailsQuery([]))).map((e) => e.message)).toEqual([]);
    expect(() =>
      queries.mergedPullRequestsWithDetailsQuery(
        Array.from({ length: queries.PIGGYBACK_DETAILS + 1 }, (_, i) => i + 1),
      ),
    ).toThrow(RangeError);
    expect(() => queries.mergedPullRequestsWithDetailsQuery([0])).toThrow(/not a PR number/);
  });

  it("builds a commits-by-id query for 100 commits that validates and costs 1 point (no connection)", () => {
    const oids = Array.from({ length: queries.COMMITS_BY_OID_BATCH }, (_, i) => i.toString(16).padStart(40, "0"));
    const query = queries.commitsByOidQuery(oids);
    expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);
    expect(queryCost(schema, query)).toMatchObject({ requests: 0, points: 1 });
    expect(() => queries.commitsByOidQuery([])).toThrow(RangeError);
    expect(() => queries.commitsByOidQuery([...oids, "f".repeat(40)])).toThrow(RangeError);
    expect(() => queries.commitsByOidQuery(['") { id } x: object(oid: "'])).toThrow(/not a full commit id/);
  });

  it("builds a reviews query for 100 PRs that validates and costs 1 point (one connection a PR)", () => {
    const numbers = Array.from({ length: queries.PULL_REQUEST_REVIEWS_BATCH }, (_, i) => i + 1);
    const query = queries.pullRequestReviewsQuery(numbers);
    expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);
    expect(queryCost(schema, query)).toMatchObject({ requests: 100, points: 1 });
    expect(() => queries.pullRequestReviewsQuery([])).toThrow(RangeError);
    expect(() => queries.pullRequestReviewsQuery(Array.from({ length: 101 }, (_, i) => i + 1))).toThrow(RangeError);
    expect(() => queries.pullRequestReviewsQuery([0])).toThrow(/not a PR number/);
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
