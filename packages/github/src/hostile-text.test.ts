import { isStorableText, storableText } from "@yardstick/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapIssue } from "./fetchers/issues.js";
import { mapDeployment, mapPullRequest, mapRelease, mapRestCommit, mapWorkflowRun } from "./mappers.js";
import {
  deploymentNode,
  humanCommit,
  releaseNode,
  restCommit,
  squashedPullRequest,
  workflowRun,
} from "./test-fixtures.js";

/**
 * Whatever people type into GitHub reaches the mappers: arbitrary UTF-16 (NULs and lone
 * surrogates included), control and bidirectional characters, markup, and sizes up to a
 * megabyte. Every string a mapper returns must be one PostgreSQL can store, and the text must be
 * the input's with only the unstorable code units replaced.
 */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({
    unit: fc.constantFrom("\u0000", "\uD83D", "\uDE00", "\u202E", "\u2066", "=", "<script>", "*", "`", "\n", "a", "é"),
    maxLength: 60,
  }),
  fc.constantFrom(`${"x".repeat(1_000_000)}\u0000`, `=HYPERLINK("http://evil")`, "<@U123> *bold* <!channel>"),
);

function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value instanceof Date) return [];
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
  return [];
}

function expectStorable(value: unknown): void {
  const bad = stringsOf(value).filter((s) => !isStorableText(s));
  expect(bad).toEqual([]);
}

describe("mappers keep only text PostgreSQL can store", () => {
  it("pull requests, their labels, commits, files and people", () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, anyText, anyText, anyText, (title, body, label, message, name, path) => {
        const commit = squashedPullRequest.commits.nodes[0]?.commit;
        if (commit === undefined) throw new Error("fixture without a commit");
        const node = {
          ...squashedPullRequest,
          title,
          body,
          headRefName: name,
          labels: { nodes: [{ name: label }] },
          commits: {
            ...squashedPullRequest.commits,
            nodes: [
              {
                commit: {
                  ...commit,
                  message,
                  author: { ...humanCommit.author, date: null, user: null, name, email: name },
                },
              },
            ],
          },
          files: {
            totalCount: 1,
            pageInfo: { hasNextPage: false, endCursor: null },
            nodes: [{ path, additions: 1, deletions: 0, changeType: "MODIFIED" as const }],
          },
        };
        const mapped = mapPullRequest("acme/payments", node);
        expectStorable(mapped);
        expect(mapped.pullRequest.title).toBe(storableText(title));
        expect(mapped.pullRequest.body).toBe(storableText(body));
        expect(mapped.pullRequest.labels).toEqual([storableText(label)]);
        expect(mapped.pullRequest.files[0]?.path).toBe(storableText(path));
        const mappedCommit = mapped.commits.find((c) => c.sha === commit.oid);
        expect(mappedCommit?.message).toBe(storableText(message));
        expect(mappedCommit?.author.name).toBe(storableText(name));
      }),
      { numRuns: 200 },
    );
  });

  it("REST commits, deployments, releases, workflow runs and issues", () => {
    fc.assert(
      fc.property(anyText, anyText, (text, other) => {
        expectStorable(
          mapRestCommit("acme/payments", {
            ...restCommit,
            commit: { ...restCommit.commit, message: text, author: { ...restCommit.commit.author, name: other } },
          } as typeof restCommit),
        );
        expectStorable(mapDeployment("acme/payments", { ...deploymentNode, environment: text }));
        expectStorable(mapRelease("acme/payments", { ...releaseNode, name: text, tagName: other }));
        expectStorable(mapWorkflowRun("acme/payments", { ...workflowRun, name: text, head_branch: other }));
        const issue = mapIssue("acme/payments", {
          number: 7,
          title: text,
          body: other,
          url: "https://github.com/acme/payments/issues/7",
          state: "OPEN",
          createdAt: "2026-11-02T10:00:00Z",
          updatedAt: "2026-11-02T10:00:00Z",
          closedAt: null,
          author: { login: other },
          labels: { nodes: [{ name: text }] },
        });
        expectStorable(issue);
        expect(issue.title).toBe(storableText(text));
      }),
      { numRuns: 200 },
    );
  });
});
