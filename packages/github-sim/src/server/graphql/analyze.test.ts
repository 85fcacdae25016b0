import { getOperationAST, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { analyzeQuery } from "./analyze.js";
import { githubGraphqlSchema } from "./schema.js";

function analyze(query: string, variables: Record<string, unknown> = {}) {
  const doc = parse(query);
  const op = getOperationAST(doc);
  if (!op) throw new Error("no operation");
  return analyzeQuery(githubGraphqlSchema(), doc, op, variables);
}

// Examples from GitHub's "Rate limits and node limits for the GraphQL API".
describe("analyzeQuery", () => {
  it("counts nodes as GitHub's simple example does (550)", () => {
    const a = analyze(
      "query { viewer { repositories(first: 50) { edges { repository: node { name issues(first: 10) { totalCount edges { node { title bodyHTML } } } } } } } }",
    );
    expect(a.nodeCount).toBe(550);
    expect(a.githubErrors).toEqual([]);
  });

  it("counts nodes as GitHub's complex example does (22,060)", () => {
    const a = analyze(`query { viewer {
      repositories(first: 50) { edges { repository: node { name
        pullRequests(first: 20) { edges { pullRequest: node { title comments(first: 10) { edges { comment: node { bodyHTML } } } } } }
        issues(first: 20) { totalCount edges { issue: node { title bodyHTML comments(first: 10) { edges { comment: node { bodyHTML } } } } } } } } }
      followers(first: 10) { edges { follower: node { login } } } } }`);
    expect(a.nodeCount).toBe(22_060);
  });

  it("costs GitHub's example at 51 points (5,101 requests / 100) and small queries at 1", () => {
    const a = analyze(`query { viewer { login repositories(first: 100) { edges { node { id
      issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } } } } } } }`);
    expect(a.requests).toBe(5101);
    expect(a.cost).toBe(51);
    expect(analyze("query { viewer { login } }").cost).toBe(1);
  });

  it("reads first from variables and through fragments", () => {
    const a = analyze(
      `query($n: Int!) { repository(owner: "a", name: "b") { ...F } }
       fragment F on Repository { pullRequests(first: $n) { nodes { commits(first: 100) { nodes { commit { oid } } } } } }`,
      { n: 100 },
    );
    expect(a.nodeCount).toBe(100 + 100 * 100);
    expect(a.cost).toBe(1);
  });

  it("rejects a connection without first/last, above 100, and more than 500,000 nodes", () => {
    const missing = analyze('query { repository(owner: "a", name: "b") { pullRequests { totalCount } } }');
    expect(missing.githubErrors[0]).toMatchObject({
      type: "MISSING_PAGINATION_BOUNDARIES",
      message: "You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.",
    });
    const excessive = analyze(
      'query { repository(owner: "a", name: "b") { pullRequests(first: 101) { totalCount } } }',
    );
    expect(excessive.githubErrors[0]).toMatchObject({
      type: "EXCESSIVE_PAGINATION",
      message: "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.",
    });
    const huge = analyze(`query { organization(login: "a") { repositories(first: 100) { nodes {
      pullRequests(first: 100) { nodes { commits(first: 100) { nodes { commit { oid } } } } } } } } }`);
    expect(huge.nodeCount).toBe(100 + 10_000 + 1_000_000);
    expect(huge.githubErrors[0]).toMatchObject({ type: "MAX_NODE_LIMIT_EXCEEDED" });
    expect(String(huge.githubErrors[0]?.message)).toContain("exceeds the maximum limit of 500,000");
  });
});

describe("validateGithubQuery", () => {
  it("returns no errors and the cost for a valid query, GitHub's errors otherwise", async () => {
    const { validateGithubQuery } = await import("./handler.js");
    expect(
      validateGithubQuery('{ repository(owner: "a", name: "b") { pullRequests(first: 10) { totalCount } } }'),
    ).toEqual({
      errors: [],
      cost: 1,
      nodeCount: 10,
    });
    expect(validateGithubQuery("{ nope }").errors[0]).toMatchObject({
      message: "Field 'nope' doesn't exist on type 'Query'",
    });
  });
});
