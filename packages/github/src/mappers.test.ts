import { describe, expect, it } from "vitest";
import {
  accountTypeOf,
  inferMergeMethod,
  mapDeployment,
  mapHistoryCommit,
  mapPullRequest,
  mapRelease,
  mapRestCommit,
  mapTag,
  mapWorkflowRun,
  withDetails,
} from "./mappers.js";
import type { PullRequestNode } from "./shapes.js";
import {
  annotatedTag,
  dependabotPullRequest,
  deploymentNode,
  historyCommit,
  humanCommit,
  lightweightTag,
  mergedWithMergeCommit,
  rebasedPullRequest,
  releaseNode,
  restCommit,
  sha,
  squashedPullRequest,
  workflowRun,
} from "./test-fixtures.js";

const REPO = "acme/payments";

describe("accountTypeOf", () => {
  it.each([
    ["Bot", "Copilot", "Bot"],
    ["User", "dependabot[bot]", "Bot"],
    [null, "renovate[bot]", "Bot"],
    ["User", "octocat", "User"],
    ["Organization", "acme", "Organization"],
    ["Mannequin", "old-user", "Mannequin"],
    [null, "octocat", null],
  ] as const)("%s %s -> %s", (typename, login, expected) => {
    expect(accountTypeOf(typename, login)).toBe(expected);
  });
});

describe("inferMergeMethod", () => {
  it.each([
    ["two parents: merge", mergedWithMergeCommit, "merge"],
    ["one parent, title (#N): squash", squashedPullRequest, "squash"],
    ["one parent, no (#N): rebase", rebasedPullRequest, "rebase"],
    ["no merge commit: null", dependabotPullRequest, null],
  ] as const)("%s", (_case, node, expected) => {
    expect(inferMergeMethod(node, node.mergeCommit)).toBe(expected);
  });

  it("reads an edited title that kept (#N) as a squash", () => {
    const mergeCommit = { ...squashedPullRequest.mergeCommit, message: "Invoices: round half even (#42)" };
    expect(inferMergeMethod(squashedPullRequest, mergeCommit as typeof squashedPullRequest.mergeCommit)).toBe("squash");
  });

  it.each([
    ["Merge pull request #43 from acme/feature/refunds\n\nAdd refunds", "merge"],
    ["Merge pull request #430 from acme/other", "rebase"],
    ["Add refunds (#43)", "squash"],
    ["Add refunds", "rebase"],
  ] as const)("without parents (lean query) reads %j as %s", (message, expected) => {
    const { parents: _parents, ...mergeCommit } = { ...humanCommit, parents: undefined, message };
    expect(inferMergeMethod({ number: 43, title: "Add refunds" }, mergeCommit)).toBe(expected);
  });

  it("does not take another PR's number for this one's", () => {
    const mergeCommit = { ...squashedPullRequest.mergeCommit, message: "Fix rounding in invoices (#41)" };
    expect(inferMergeMethod(squashedPullRequest, mergeCommit as typeof squashedPullRequest.mergeCommit)).toBe("rebase");
  });
});

describe("mapPullRequest", () => {
  it("maps an agent PR squash-merged, with its commits and the merge commit", () => {
    const { pullRequest, commits } = mapPullRequest(REPO, squashedPullRequest);
    expect(pullRequest).toMatchObject({
      repo: REPO,
      number: 42,
      title: "Fix rounding in invoices",
      author: { login: "Copilot", userId: 198982749, type: "Bot" },
      mergedBy: { login: "octocat", userId: 583231, type: "User" },
      headRef: "copilot/fix-rounding",
      baseRef: "main",
      labels: ["bug"],
      mergeMethod: "squash",
      mergeCommitSha: sha(3),
      additions: 12,
      deletions: 3,
      changedFiles: 2,
      filesComplete: true,
      assignees: ["octocat"],
      reviewRequests: ["hubot"],
      reviewers: ["octocat"],
      commitShas: [sha(1), sha(2)],
    });
    expect(pullRequest.mergedAt).toEqual(new Date("2026-11-03T07:59:00Z"));
    expect(pullRequest.files).toEqual([
      { path: "src/invoice.ts", additions: 10, deletions: 3, status: "modified" },
      { path: "src/invoice.test.ts", additions: 2, deletions: 0, status: "added" },
    ]);
    expect(commits.map((c) => c.sha)).toEqual([sha(1), sha(2), sha(3)]);
    const [initial, human, squash] = commits;
    // The agent's commit: no linked user in GraphQL, the noreply email names the account.
    expect(initial?.author).toEqual({
      name: "Copilot",
      email: "198982749+Copilot@users.noreply.github.com",
      login: "Copilot",
      userId: 198982749,
      type: null,
    });
    expect(initial?.coAuthors).toEqual([
      { name: "octocat", email: "583231+octocat@users.noreply.github.com", login: "octocat" },
    ]);
    expect(initial?.parents).toEqual([]);
    expect(human?.author).toMatchObject({ login: "octocat", userId: 583231, type: "User" });
    expect(human?.coAuthors.map((c) => c.email)).toEqual(["noreply@anthropic.com", "mona@example.com"]);
    // The squash commit keeps the bulleted trailers and carries its real parent.
    expect(squash?.parents).toEqual([sha(100)]);
    // The login comes from the noreply email, not the trailer's display name.
    expect(squash?.coAuthors.map((c) => c.login)).toEqual([null, "Copilot", "octocat"]);
  });

  it("uses the complete commit and file lists the fetcher gathered", () => {
    const files = Array.from({ length: 150 }, (_, i) => ({
      path: `f${i}.ts`,
      additions: 1,
      deletions: 0,
      changeType: "ADDED" as const,
    }));
    const node = {
      ...squashedPullRequest,
      changedFiles: 150,
      files: { pageInfo: { hasNextPage: true, endCursor: "MTAw" }, totalCount: 150, nodes: files.slice(0, 100) },
    };
    expect(mapPullRequest(REPO, node).pullRequest.filesComplete).toBe(false);
    const complete = mapPullRequest(REPO, node, { files }).pullRequest;
    expect(complete.files).toHaveLength(150);
    expect(complete.filesComplete).toBe(true);
  });

  it("maps a bot PR with the optional connections absent", () => {
    const { pullRequest, commits } = mapPullRequest(REPO, dependabotPullRequest);
    expect(pullRequest.author).toEqual({ login: "dependabot[bot]", userId: 49699333, type: "Bot" });
    expect(pullRequest).toMatchObject({
      mergedBy: null,
      mergeMethod: null,
      mergeCommitSha: null,
      labels: [],
      files: [],
    });
    expect(pullRequest.filesComplete).toBe(false);
    expect(commits).toHaveLength(1);
  });

  it("maps a lean node (no details) with empty credit lists, then the same node with its details", () => {
    const lean: PullRequestNode = { ...squashedPullRequest };
    delete lean.assignees;
    delete lean.reviewRequests;
    delete lean.reviews;
    if (squashedPullRequest.mergeCommit) {
      const { parents: _parents, ...mergeCommit } = squashedPullRequest.mergeCommit;
      lean.mergeCommit = mergeCommit;
    }
    const bare = mapPullRequest(REPO, lean);
    expect(bare.pullRequest).toMatchObject({ assignees: [], reviewRequests: [], reviewers: [], mergeMethod: "squash" });
    expect(bare.commits.find((c) => c.sha === sha(3))?.parents).toEqual([]);
    const detailed = mapPullRequest(
      REPO,
      withDetails(lean, {
        number: 42,
        assignees: { nodes: [{ login: "octocat" }] },
        reviewRequests: null,
        reviews: { nodes: [{ author: { login: "hubot" } }] },
        mergeCommit: { oid: sha(3), parents: { totalCount: 1, nodes: [{ oid: sha(100) }] } },
      }),
    );
    expect(detailed.pullRequest).toMatchObject({ assignees: ["octocat"], reviewers: ["hubot"], mergeMethod: "squash" });
    expect(detailed.commits.find((c) => c.sha === sha(3))?.parents).toEqual([sha(100)]);
  });

  it("maps a deleted author to ghost", () => {
    const { pullRequest } = mapPullRequest(REPO, { ...mergedWithMergeCommit, author: null });
    expect(pullRequest.author).toEqual({ login: "ghost", userId: null, type: null });
  });

  it("refuses an unmerged PR", () => {
    expect(() => mapPullRequest(REPO, { ...mergedWithMergeCommit, mergedAt: null })).toThrow(/not merged/);
  });
});

describe("deployments, releases, tags, workflow runs", () => {
  it("maps a deployment with statuses oldest first", () => {
    const deployment = mapDeployment(REPO, deploymentNode);
    expect(deployment).toMatchObject({
      repo: REPO,
      source: "deployment",
      externalId: "9001",
      environment: "production",
      sha: sha(3),
      ref: "main",
      creatorLogin: "github-actions[bot]",
    });
    expect(deployment.statuses.map((s) => s.state)).toEqual(["queued", "in_progress", "success"]);
  });

  it("adds latestStatus when it is beyond the first statuses", () => {
    const node = {
      ...deploymentNode,
      latestStatus: { state: "FAILURE", createdAt: "2026-11-03T10:00:00Z", description: "rolled back" },
    };
    expect(mapDeployment(REPO, node).statuses.at(-1)).toMatchObject({ state: "failure", description: "rolled back" });
  });

  it("maps WAITING to pending", () => {
    const node = {
      ...deploymentNode,
      latestStatus: null,
      statuses: { totalCount: 1, nodes: [{ state: "WAITING", createdAt: "2026-11-03T09:00:00Z", description: null }] },
    };
    expect(mapDeployment(REPO, node).statuses.map((s) => s.state)).toEqual(["pending"]);
  });

  // Which releases, tags and runs are production deployments is decided in one place, the
  // metrics package's detectDeployments (tested there); these mappers only read GitHub's shapes.
  it("maps a release with its tag's commit, draft and prerelease flags", () => {
    const release = mapRelease(REPO, releaseNode);
    expect(release).toMatchObject({ id: 123456, tagName: "v1.4.0", sha: sha(3), draft: false });
    expect(mapRelease(REPO, { ...releaseNode, isDraft: true, publishedAt: null })).toMatchObject({
      draft: true,
      publishedAt: null,
    });
    expect(mapRelease(REPO, { ...releaseNode, isPrerelease: true })).toMatchObject({ prerelease: true });
  });

  it("peels an annotated tag to its commit, with the tagger's date", () => {
    expect(mapTag(REPO, annotatedTag)).toEqual({
      repo: REPO,
      name: "v1.4.0",
      sha: sha(3),
      annotated: true,
      taggedAt: new Date("2026-11-03T10:00:00Z"),
    });
  });

  it("takes a lightweight tag's commit and the commit's date", () => {
    const tag = mapTag(REPO, lightweightTag);
    expect(tag).toMatchObject({ sha: sha(3), annotated: false, taggedAt: new Date("2026-11-03T07:59:00Z") });
    expect(tag?.name).toBe("deploy-2026-11-03");
  });

  it("skips a tag of a tree", () => {
    expect(mapTag(REPO, { name: "tree", target: { __typename: "Tree", oid: sha(10) } })).toBeNull();
  });

  it("maps a completed workflow run with its branch, commit and conclusion", () => {
    const run = mapWorkflowRun(REPO, workflowRun);
    expect(run).toMatchObject({
      id: 30433642,
      name: "Deploy",
      headSha: sha(3),
      headBranch: "main",
      conclusion: "success",
    });
    expect(mapWorkflowRun(REPO, { ...workflowRun, conclusion: "failure" }).conclusion).toBe("failure");
  });
});

describe("commits from history and REST", () => {
  it("keeps parents from branch history", () => {
    expect(mapHistoryCommit(REPO, historyCommit).parents).toEqual([sha(100), sha(2)]);
  });

  it("maps a REST commit with its bot account", () => {
    const commit = mapRestCommit(REPO, restCommit);
    expect(commit.author).toEqual({
      name: "dependabot[bot]",
      email: "49699333+dependabot[bot]@users.noreply.github.com",
      login: "dependabot[bot]",
      userId: 49699333,
      type: "Bot",
    });
    expect(commit.parents).toEqual([sha(9)]);
    expect(commit.committer.login).toBe("web-flow");
  });
});
