import { describe, expect, it } from "vitest";
import { directPushShas } from "./direct-pushes.js";

/** A linear history c1 <- c2 <- ... (newest last), one commit a day from 2026-01-01. */
function chain(shas: string[]) {
  const parents: Record<string, string[]> = {};
  const committedAt = new Map<string, Date>();
  shas.forEach((sha, i) => {
    parents[sha] = i === 0 ? [] : [shas[i - 1] as string];
    committedAt.set(sha, new Date(Date.UTC(2026, 0, 1 + i)));
  });
  return { head: shas.at(-1) as string, parents, committedAt };
}

describe("directPushShas", () => {
  it("keeps the first-parent commits no pull request landed, newest first, within the window", () => {
    const graph = chain(["a", "b", "squash", "c", "r1", "r2", "merge", "d"]);
    graph.parents.merge = ["r2", "side"]; // a merge commit: its second parent is the PR's branch
    const got = directPushShas({
      ...graph,
      since: new Date(Date.UTC(2026, 0, 2)),
      pullRequests: [
        { mergeCommitSha: "squash", mergeMethod: "squash", commitShas: ["x1", "x2"] },
        // Rebased: both commits copied onto the branch (r1, r2), the last one is the landing commit.
        { mergeCommitSha: "r2", mergeMethod: "rebase", commitShas: ["y1", "y2"] },
        { mergeCommitSha: "merge", mergeMethod: "merge", commitShas: ["side"] },
      ],
    });
    // "a" is before the window; r1 is the rebased copy of y1.
    expect(got).toEqual(["d", "c", "b"]);
  });

  it("leaves out a PR's own commits fast-forwarded onto the branch, and the root commit", () => {
    const graph = chain(["root", "a", "p1", "p2"]);
    expect(
      directPushShas({
        ...graph,
        since: new Date(0),
        pullRequests: [{ mergeCommitSha: "p2", mergeMethod: "merge", commitShas: ["p1", "p2"] }],
      }),
    ).toEqual(["a"]);
  });

  it("stops at a commit that is not stored", () => {
    const graph = chain(["root", "a", "b"]);
    graph.committedAt.delete("a");
    expect(directPushShas({ ...graph, since: new Date(0), pullRequests: [] })).toEqual(["b"]);
  });
});
