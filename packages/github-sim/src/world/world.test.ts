import { describe, expect, it } from "vitest";
import { WorldRecord } from "./schema.js";
import { worldToJsonl } from "./stream.js";
import { tinySha, tinyWorld, tinyWorldRecords } from "./tiny.js";
import { World } from "./world.js";

describe("world schema", () => {
  it("round-trips every tiny-world record through JSON and zod unchanged", () => {
    for (const r of tinyWorldRecords()) {
      expect(WorldRecord.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
    }
  });

  it("names the field when a record is wrong", () => {
    const bad = { ...tinyWorldRecords()[2], id: -1 };
    const result = WorldRecord.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["id"]);
  });
});

describe("World index", () => {
  const world = tinyWorld();
  const repo = "acme/api";

  it("looks up users, members and teams", () => {
    expect(world.user("alice")?.id).toBe(1001);
    expect(world.userById(198982749)?.login).toBe("Copilot");
    expect(world.userByEmail("BOB@acme.test")?.login).toBe("bob");
    expect(world.orgMembers("acme").map((u) => u.login)).toEqual(["alice", "bob"]);
    expect(world.orgMembers("acme", "2026-02-10T00:00:00Z").map((u) => u.login)).toEqual(["alice", "bob", "carol"]);
    expect(world.teamMembers("acme", "platform").map((u) => u.login)).toEqual(["alice", "bob"]);
    expect(world.team("acme", "platform")?.formerMembers).toEqual(["carol"]);
  });

  it("serves pulls, commits and history", () => {
    expect(world.pullNumbers(repo)).toEqual([1, 2, 3, 4]);
    expect(world.pull(repo, 3)?.mergeMethod).toBe("rebase");
    expect(world.pullCommits(repo, 1).map((c) => c.sha)).toEqual([tinySha(2), tinySha(3)]);
    expect(world.defaultBranchShas(repo)).toEqual([10, 9, 6, 4, 1].map(tinySha));
    expect([...world.history(repo)].map((c) => c.sha)).toEqual([10, 9, 6, 5, 4, 1].map(tinySha));
    expect(world.isAncestor(repo, tinySha(5), tinySha(10))).toBe(true);
    expect(world.isAncestor(repo, tinySha(2), tinySha(10))).toBe(false);
    expect(world.compare(repo, tinySha(4), tinySha(10))?.commits.map((c) => c.sha)).toEqual([5, 6, 9, 10].map(tinySha));
    expect(world.resolveRef(repo, "v1.0.0")).toBe(tinySha(6));
    expect(world.resolveRef(repo, "main")).toBe(tinySha(10));
  });

  it("resolves co-authors to accounts by email", () => {
    const c = world.commit(repo, tinySha(8));
    expect(world.coAuthorsOf(c?.message ?? "")).toEqual([
      { name: "alice", email: "1001+alice@users.noreply.github.com", login: "alice" },
    ]);
  });

  it("replaces records and appends deployment statuses (live changes)", () => {
    const w = tinyWorld();
    w.addDeploymentStatus(repo, 4003, {
      id: 99,
      state: "inactive",
      createdAt: "2026-02-11T00:00:00Z",
      description: "",
      creator: "alice",
    });
    expect(w.deployment(repo, 4003)?.statuses.map((s) => s.state)).toEqual(["success", "inactive"]);
    expect(w.deploymentCount(repo)).toBe(3);
    const run = w.workflowRunAt(repo, 0);
    if (!run) throw new Error("tiny world has a run");
    w.add({ ...run, status: "in_progress", conclusion: null });
    expect(w.workflowRunCount(repo)).toBe(1);
    expect(w.workflowRun(repo, run.id)?.status).toBe("in_progress");
  });

  it("re-emits its records so that a rebuilt world is identical", () => {
    const again = World.from(world.records());
    expect(worldToJsonl(again.records())).toBe(worldToJsonl(world.records()));
  });
});

describe("loadWorld errors", () => {
  it("names the line and the field of a bad record, and requires a header first", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { loadWorld } = await import("./stream.js");
    const dir = mkdtempSync(join(tmpdir(), "ys-world-"));
    try {
      const [header, org] = tinyWorldRecords();
      const bad = join(dir, "bad.jsonl");
      writeFileSync(bad, `${JSON.stringify(header)}\n${JSON.stringify({ ...org, id: "x" })}\n`);
      await expect(loadWorld(bad)).rejects.toThrow(/line 2: field "id"/);
      const headless = join(dir, "headless.jsonl");
      writeFileSync(headless, `${JSON.stringify(org)}\n`);
      await expect(loadWorld(headless)).rejects.toThrow(/line 1: must be a header/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
