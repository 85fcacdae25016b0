import type { Deployment } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { deploymentId, detectDeployments, failedAtOf, liveAtOf } from "./detect.js";
import type { CommitGraph } from "./inputs.js";
import {
  basePosition,
  firstParentPositions,
  indexLinkPlan,
  type LinkableChange,
  linkChangeAt,
  linkRepository,
  planDeploymentLinks,
} from "./link.js";

const REPO = "acme/api";
/** A deterministic 40-hex sha for a label. */
function sha(label: string): string {
  let h = 2166136261;
  for (const c of label) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return (h.toString(16).padStart(8, "0") + Buffer.from(label).toString("hex")).padEnd(40, "0").slice(0, 40);
}
const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 0, day, hour));

/** main: m0 <- m1 <- ... <- m{n-1}; extra commits map label -> parents (labels). */
function graph(
  n: number,
  extra: Record<string, string[]> = {},
  firstParents: Record<string, string[]> = {},
): CommitGraph {
  const parents: Record<string, string[]> = {};
  for (let i = 0; i < n; i++) {
    const own = firstParents[`m${i}`];
    parents[sha(`m${i}`)] = own !== undefined ? own.map(sha) : i === 0 ? [] : [sha(`m${i - 1}`)];
  }
  for (const [label, ps] of Object.entries(extra)) parents[sha(label)] = ps.map(sha);
  return { head: sha(`m${n - 1}`), parents };
}

function dep(
  id: string,
  commit: string,
  liveDay: number,
  env = "production",
  more: Partial<Deployment> = {},
): Deployment {
  return {
    repo: REPO,
    source: "deployment",
    externalId: id,
    environment: env,
    sha: sha(commit),
    ref: null,
    createdAt: at(liveDay, 11),
    creatorLogin: null,
    statuses: [{ state: "success", createdAt: at(liveDay), description: "" }],
    ...more,
  };
}
const change = (key: string, landing: string[], mergedDay: number): LinkableChange => ({
  key,
  landingShas: landing.map(sha),
  mergedAt: at(mergedDay, 9),
});

describe("firstParentPositions", () => {
  it("walks 100,000 commits without recursion", () => {
    const n = 100_000;
    const parents: Record<string, string[]> = {};
    for (let i = 0; i < n; i++) parents[`c${i}`] = i === 0 ? [] : [`c${i - 1}`];
    const positions = firstParentPositions({ head: `c${n - 1}`, parents });
    expect(positions.size).toBe(n);
    expect(positions.get("c0")).toBe(0);
  });

  it("follows first parents only and stops at unknown parents", () => {
    const g = graph(3, { f1: ["m0"] }, { m2: ["m1", "f1"] });
    const positions = firstParentPositions(g);
    expect([...positions.values()].sort()).toEqual([0, 1, 2]);
    expect(positions.has(sha("f1"))).toBe(false);
    expect(firstParentPositions({ head: "aaaaaaa", parents: {} }).get("aaaaaaa")).toBe(0);
  });
});

describe("linkRepository", () => {
  it("merge is deploy: a merge whose clock is earlier than its parent's is no rollback (history order, not time)", () => {
    const g = graph(4);
    // m2's merge is stamped before m1's (clock skew): by time, m1's deployment would follow m2's
    // and look like a rollback to an ancestor, marking m2's deployment failed.
    const merges = [
      { sha: sha("m1"), mergedAt: at(2, 10), key: "a" },
      { sha: sha("m2"), mergedAt: at(2, 9), key: "b" },
      { sha: sha("m3"), mergedAt: at(3), key: "c" },
    ];
    const detected = detectDeployments([
      {
        repo: REPO,
        trackedBranch: "main",
        method: { method: "merge" },
        deployments: [],
        releases: [],
        tags: [],
        workflowRuns: [],
        merges,
      },
    ]).deployments;
    const changes = merges.map((m) => ({ key: m.key, landingShas: [m.sha], mergedAt: m.mergedAt }));
    const result = linkRepository(g, detected, changes, 90);
    expect(result.deployments.map((d) => [d.kind, d.shipped, d.rolledBackBy])).toEqual([
      ["first", ["a"], null],
      ["ships", ["b"], null],
      ["ships", ["c"], null],
    ]);
    expect(result.changes.map((c) => [c.key, c.deployedAt])).toEqual([
      ["a", at(2, 10)],
      ["b", at(2, 9)],
      ["c", at(3)],
    ]);
  });

  it("batches: one deployment ships every change merged since the previous one", () => {
    const g = graph(6);
    const changes = [change("a", ["m1"], 1), change("b", ["m2"], 2), change("c", ["m3"], 3), change("d", ["m5"], 5)];
    const result = linkRepository(g, [dep("1", "m1", 1), dep("2", "m4", 4)], changes, 90);
    const byKey = new Map(result.changes.map((c) => [c.key, c]));
    expect(byKey.get("a")).toMatchObject({
      deployedAt: at(1),
      deploymentId: `${REPO}:deployment:1`,
      status: "deployed",
    });
    expect(byKey.get("b")).toMatchObject({ deployedAt: at(4), deploymentId: `${REPO}:deployment:2` });
    expect(byKey.get("c")?.deploymentId).toBe(`${REPO}:deployment:2`);
    expect(byKey.get("d")).toMatchObject({ deployedAt: null, status: "pending" });
    expect(result.deployments.map((d) => [d.kind, d.shipped])).toEqual([
      ["first", ["a"]],
      ["ships", ["b", "c"]],
    ]);
  });

  it("links squash, merge and rebase landings", () => {
    // m1: squash commit; m2: merge commit with PR commits p1, p2 on its second parent;
    // m3..m5: three rebased commits of one PR.
    const g = graph(6, { p1: ["m1"], p2: ["p1"] }, { m2: ["m1", "p2"] });
    const changes = [change("squash", ["m1"], 1), change("merge", ["m2"], 2), change("rebase", ["m3", "m4", "m5"], 3)];
    const result = linkRepository(
      g,
      [dep("1", "m0", 1), dep("2", "m2", 3), dep("3", "m4", 4), dep("4", "m5", 5)],
      changes,
      90,
    );
    const byKey = new Map(result.changes.map((c) => [c.key, c]));
    expect(byKey.get("squash")?.deployedAt).toEqual(at(3));
    expect(byKey.get("merge")?.deployedAt).toEqual(at(3));
    // The rebased PR is only complete when its last commit is deployed.
    expect(byKey.get("rebase")?.deployedAt).toEqual(at(5));
  });

  it("a redeploy of the same commit ships nothing", () => {
    const g = graph(3);
    const result = linkRepository(g, [dep("1", "m1", 1), dep("2", "m1", 2)], [change("a", ["m1"], 1)], 90);
    expect(result.deployments.map((d) => d.kind)).toEqual(["first", "redeploy"]);
    expect(result.deployments[1]?.shipped).toEqual([]);
    expect(result.deployments[0]?.rolledBackBy).toBeNull();
  });

  it("a rollback to an ancestor ships nothing and marks the previous deployment rolled back", () => {
    const g = graph(6);
    const changes = [change("a", ["m2"], 1), change("b", ["m4"], 2), change("c", ["m5"], 6)];
    const result = linkRepository(
      g,
      [dep("1", "m2", 2), dep("2", "m4", 3), dep("3", "m2", 4), dep("4", "m5", 7)],
      changes,
      90,
    );
    expect(result.deployments.map((d) => d.kind)).toEqual(["first", "ships", "rollback", "ships"]);
    expect(result.deployments[1]?.rolledBackBy).toBe(`${REPO}:deployment:3`);
    // After the rollback the next deployment ships only what is new since m4: c.
    expect(result.deployments[3]?.shipped).toEqual(["c"]);
    const b = result.changes.find((c) => c.key === "b");
    expect(b?.deployedAt).toEqual(at(3));
  });

  it("reports deployments of commits not on the tracked branch and skips them", () => {
    const g = graph(4, { f1: ["m1"] });
    const changes = [change("a", ["m1"], 1), change("b", ["m2"], 2)];
    const result = linkRepository(g, [dep("1", "m1", 1), dep("2", "f1", 2), dep("3", "m3", 4)], changes, 90);
    expect(result.offBranchDeployments).toEqual([`${REPO}:deployment:2`]);
    expect(result.deployments.map((d) => d.kind)).toEqual(["first", "off-branch", "ships"]);
    expect(result.deployments[2]?.previousId).toBe(`${REPO}:deployment:1`);
    expect(result.changes.find((c) => c.key === "b")?.deployedAt).toEqual(at(4));
  });

  it("the first deployment ships changes merged within the lookback window only", () => {
    const g = graph(4);
    const changes = [change("old", ["m1"], 1), change("recent", ["m2"], 25)];
    const result = linkRepository(g, [dep("1", "m3", 30)], changes, 10);
    const byKey = new Map(result.changes.map((c) => [c.key, c]));
    expect(byKey.get("old")).toMatchObject({ deployedAt: null, status: "before-lookback" });
    expect(byKey.get("recent")?.deployedAt).toEqual(at(30));
  });

  it("keeps environments apart; deployedAt is the first environment to get the change", () => {
    const g = graph(3);
    const changes = [change("a", ["m1"], 1), change("b", ["m2"], 2)];
    const deployments = [
      dep("eu1", "m1", 2, "prod-eu"),
      dep("us1", "m2", 3, "prod-us"),
      dep("eu2", "m2", 4, "prod-eu"),
    ];
    const result = linkRepository(g, deployments, changes, 90);
    expect(result.deployments.map((d) => [d.environment, d.kind, d.shipped])).toEqual([
      ["prod-eu", "first", ["a"]],
      ["prod-us", "first", ["a", "b"]],
      ["prod-eu", "ships", ["b"]],
    ]);
    expect(result.changes.find((c) => c.key === "b")?.deployedAt).toEqual(at(3));
  });

  it("an off-branch deployment whose commits the graph holds ships the branch commits it contains", () => {
    // f2 <- f1 <- m2: a hotfix branch cut from m2 and deployed.
    const g = graph(5, { f1: ["m2"], f2: ["f1"] });
    const changes = [change("a", ["m1"], 1), change("b", ["m2"], 2), change("c", ["m3"], 3)];
    const result = linkRepository(g, [dep("1", "m0", 1), dep("2", "f2", 3), dep("3", "m4", 5)], changes, 90);
    expect(result.offBranchDeployments).toEqual([`${REPO}:deployment:2`]);
    expect(result.deployments[1]).toMatchObject({ kind: "off-branch", basePosition: 2, shipped: ["a", "b"] });
    expect(result.changes.find((c) => c.key === "b")?.deployedAt).toEqual(at(3));
    // The next deployment on the branch ships from its own previous (m0), but a and b keep their deployedAt.
    expect(result.deployments[2]?.shipped).toEqual(["a", "b", "c"]);
    expect(result.changes.find((c) => c.key === "c")?.deployedAt).toEqual(at(5));
  });

  it("reports changes whose landing commits are not on the branch", () => {
    const result = linkRepository(graph(2), [dep("1", "m1", 2)], [change("x", ["zz"], 1)], 90);
    expect(result.changesNotOnBranch).toEqual(["x"]);
    expect(result.changes[0]?.status).toBe("not-on-branch");
  });

  it("handles a 250-commit rebased PR and a long history", () => {
    const n = 5_000;
    const g = graph(n);
    const landing = Array.from({ length: 250 }, (_, i) => `m${4000 + i}`);
    const result = linkRepository(
      g,
      [dep("1", "m3999", 1), dep("2", "m4100", 2), dep("3", "m4249", 3)],
      [change("big", landing, 1)],
      90,
    );
    expect(result.changes[0]?.deployedAt).toEqual(at(3));
    expect(result.deployments[2]?.shipped).toEqual(["big"]);
  });

  it("resolves abbreviated deployment shas", () => {
    const g = graph(3);
    const d = dep("1", "m2", 2);
    d.sha = sha("m2").slice(0, 7);
    const result = linkRepository(g, [d], [change("a", ["m2"], 1)], 90);
    expect(result.changes[0]?.deployedAt).toEqual(at(2));
  });

  it("ignores deployments that never went live", () => {
    const d = dep("1", "m1", 1, "production", { statuses: [{ state: "failure", createdAt: at(1), description: "" }] });
    const result = linkRepository(graph(2), [d], [change("a", ["m1"], 1)], 90);
    expect(result.deployments).toEqual([]);
  });
});

describe("detectDeployments", () => {
  const base = {
    repo: REPO,
    trackedBranch: "main",
    deployments: [],
    releases: [],
    tags: [],
    workflowRuns: [],
    merges: [],
  };
  it("takes deployments to production environments with a success status", () => {
    const ok = dep("1", "m1", 1, "Production");
    const eu = dep("2", "m1", 1, "prod-eu");
    const staging = dep("3", "m1", 1, "staging");
    const product = dep("4", "m1", 1, "products");
    const pending = dep("5", "m1", 1, "production", {
      statuses: [{ state: "pending", createdAt: at(1), description: "" }],
    });
    const result = detectDeployments([
      {
        ...base,
        method: { method: "deployments", environment: "^prod(uction)?\\b" },
        deployments: [ok, eu, staging, product, pending],
      },
    ]);
    expect(result.deployments.map((d) => d.externalId)).toEqual(["1", "2"]);
    expect(result.withoutSignal).toEqual([]);
  });

  it("takes published, non-draft, non-prerelease releases", () => {
    const releases = [
      { id: "r1", tagName: "v1", sha: sha("m1"), draft: false, prerelease: false, publishedAt: at(2) },
      { id: "r2", tagName: "v2-rc", sha: sha("m2"), draft: false, prerelease: true, publishedAt: at(3) },
      { id: "r3", tagName: "v3", sha: sha("m3"), draft: true, prerelease: false, publishedAt: null },
    ];
    const result = detectDeployments([{ ...base, method: { method: "releases" }, releases }]);
    expect(result.deployments).toHaveLength(1);
    expect(result.deployments[0]).toMatchObject({ source: "release", environment: "production", ref: "v1" });
    expect(liveAtOf(result.deployments[0] as Deployment)).toEqual(at(2));
  });

  it("takes tags matching the pattern and deploy workflow runs on the tracked branch", () => {
    const tags = [
      { name: "v1.2.0", sha: sha("m1"), createdAt: at(1) },
      { name: "nightly", sha: sha("m2"), createdAt: at(2) },
    ];
    const workflowRuns = [
      {
        id: "w1",
        name: "Deploy",
        path: ".github/workflows/deploy.yml",
        headBranch: "main",
        headSha: sha("m1"),
        event: "push",
        conclusion: "success",
        updatedAt: at(1),
      },
      {
        id: "w2",
        name: "Deploy",
        path: "",
        headBranch: "feature",
        headSha: sha("m2"),
        event: "push",
        conclusion: "success",
        updatedAt: at(2),
      },
      {
        id: "w3",
        name: "Deploy",
        path: "",
        headBranch: "main",
        headSha: sha("m2"),
        event: "push",
        conclusion: "failure",
        updatedAt: at(3),
      },
      {
        id: "w4",
        name: "CI",
        path: "",
        headBranch: "main",
        headSha: sha("m2"),
        event: "push",
        conclusion: "success",
        updatedAt: at(3),
      },
    ];
    const result = detectDeployments([
      { ...base, method: { method: "tags", pattern: "^v\\d+\\.\\d+\\.\\d+$" }, tags },
      {
        ...base,
        repo: "acme/web",
        method: { method: "workflow", workflow: "deploy.yml" },
        workflowRuns,
      },
      {
        ...base,
        repo: "acme/cd",
        method: { method: "merge" },
        merges: [{ sha: sha("m1"), mergedAt: at(5), key: "x" }],
      },
      { ...base, repo: "acme/none", method: { method: "releases" } },
    ]);
    expect(result.deployments.map((d) => deploymentId(d))).toEqual([
      `${REPO}:tag:v1.2.0`,
      "acme/web:workflow:w1",
      `acme/cd:merge:${sha("m1")}`,
    ]);
    expect(result.withoutSignal).toEqual([{ repo: "acme/none", method: "releases", reason: expect.any(String) }]);
  });

  it("names the key of an invalid pattern", () => {
    expect(() => detectDeployments([{ ...base, method: { method: "deployments", environment: "(" } }])).toThrow(
      /deployment.environment/,
    );
  });

  it("knows when a deployment failed after going live", () => {
    const failed = dep("1", "m1", 1, "production", {
      statuses: [
        { state: "success", createdAt: at(1), description: "" },
        { state: "failure", createdAt: at(1, 15), description: "" },
      ],
    });
    expect(failedAtOf(failed)).toEqual(at(1, 15));
    expect(failedAtOf(dep("2", "m1", 1))).toBeNull();
    const inactive = dep("3", "m1", 1, "production", {
      statuses: [
        { state: "success", createdAt: at(1), description: "" },
        { state: "inactive", createdAt: at(2), description: "" },
      ],
    });
    expect(failedAtOf(inactive)).toBeNull();
  });
});

/** A small deterministic PRNG (mulberry32) for the generated histories below. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("linkChangeAt (one change at a time, as link.deployments streams them)", () => {
  it("gives every change the link and deployments linkRepository gives it, on 200 generated histories", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = prng(seed);
      const int = (n: number) => Math.floor(rand() * n);
      const n = 5 + int(60);
      const extra: Record<string, string[]> = {};
      for (let i = 0; i < 1 + int(6); i++) extra[`f${i}`] = [`m${int(n)}`, ...(rand() < 0.3 ? [`f${int(i + 1)}`] : [])];
      const g = graph(n, extra);
      const envs = ["production", "production-eu"];
      const deployments = Array.from({ length: int(12) }, (_, i) =>
        dep(String(i), rand() < 0.15 ? `f${int(6)}` : `m${int(n)}`, 1 + int(60), envs[int(2)]),
      );
      const changes = Array.from({ length: n + 3 }, (_, i) =>
        change(`c${i}`, [rand() < 0.1 ? `x${i}` : `m${int(n)}`], 1 + int(60)),
      );
      const lookback = 5 + int(40);
      const expected = linkRepository(g, deployments, changes, lookback);

      const positions = firstParentPositions(g);
      const plan = planDeploymentLinks(
        deployments,
        (s) => positions.get(s) ?? null,
        (s) => basePosition(g, positions, s),
        lookback,
      );
      const index = indexLinkPlan(plan);
      const shipped = new Map<string, string[]>();
      const links = changes.map((c) => {
        const { link, shippedBy } = linkChangeAt(index, c, positions.get(c.landingShas[0] as string) ?? null);
        for (const d of shippedBy) shipped.set(d.id, [...(shipped.get(d.id) ?? []), c.key]);
        return link;
      });
      expect(links, `seed ${seed}`).toEqual(expected.changes);
      expect(
        plan.deployments.map((d) => ({ ...d, shipped: [...(shipped.get(d.id) ?? [])].sort() })),
        `seed ${seed}`,
      ).toEqual(expected.deployments.map((d) => ({ ...d, shipped: [...d.shipped].sort() })));
      expect(plan.offBranchDeployments).toEqual(expected.offBranchDeployments);
    }
  });
});
