import { describe, expect, it } from "vitest";
import { type ReplayCommit, type ReplayHeader, type ReplayRecord, replayWorld } from "./replay.js";
import { WorldRecord } from "./schema.js";
import { World } from "./world.js";

const sha = (n: number) => n.toString(16).padStart(40, "a");
const alice = { name: "Alice Archer", email: "1001+alice@users.noreply.github.com" };
const aliceWork = { name: "Alice Archer", email: "alice@acme.test" };
const bob = { name: "Bob Baker", email: "bob@acme.test" };
const gh = { name: "GitHub", email: "noreply@github.com" };
const human = { class: "human" as const, tool: null, family: "plain" };

function commit(
  n: number,
  parents: number[],
  message: string,
  who: { name: string; email: string },
  at: string,
  extra: Partial<ReplayCommit> = {},
): ReplayCommit {
  const { committer, ...rest } = extra;
  return {
    type: "commit",
    sha: sha(n),
    parents: parents.map(sha),
    mainline: true,
    author: { ...who, date: at },
    committer: { ...(committer ?? gh), date: at },
    message,
    files: [["src/a.ts", 20, 3]],
    additions: 20,
    deletions: 3,
    label: human,
    ...rest,
  };
}

function history(deploy: ReplayHeader["deploy"], tags: [string, number, string][] = []): ReplayRecord[] {
  return [
    {
      type: "replay-header",
      repo: "acme/api",
      mirrorHead: sha(99),
      since: "2026-03-01",
      until: "2026-04-01",
      deploy,
      commits: 7,
      generatedBy: "test",
    },
    commit(1, [0], "Release 1.0", alice, "2026-03-02T09:00:00Z", { committer: { ...alice, date: "" } }),
    // #10: squash merge of a Claude Code change.
    commit(
      2,
      [1],
      "Add health endpoint (#10)\n\n* wip\n\n* fix\n\n---------\n\nCo-authored-by: Claude <noreply@anthropic.com>",
      alice,
      "2026-03-03T09:00:00Z",
      { label: { class: "ai", tool: "claude-code", family: "co-author" } },
    ),
    // #11: a merge commit of two branch commits (bob's, and alice's from another address).
    commit(5, [2, 4], "Merge pull request #11 from acme/bob/limits\n\nRate limits", alice, "2026-03-05T09:00:00Z", {
      files: [["pnpm-lock.yaml", 40, 40]],
      additions: 40,
      deletions: 40,
    }),
    commit(3, [2], "Add limiter", bob, "2026-03-04T08:00:00Z", { mainline: false, files: [] }),
    commit(4, [3], "Tune limiter", aliceWork, "2026-03-04T10:00:00Z", { mainline: false, files: [] }),
    // A direct push reverting #10 (git revert of its squash commit), 3 days later.
    commit(
      6,
      [5],
      `Revert "Add health endpoint (#10)"\n\nThis reverts commit ${sha(2)}.`,
      bob,
      "2026-03-06T09:00:00Z",
      { committer: { ...bob, date: "" } },
    ),
    ...tags.map(([name, n, at]) => ({ type: "tag" as const, name, sha: sha(n), taggedAt: at, annotated: true })),
  ];
}

describe("replayWorld", () => {
  const tagged = replayWorld(
    history({ kind: "tags", pattern: "^v" }, [
      ["v1.0.0", 1, "2026-03-02T10:00:00Z"],
      ["v1.1.0", 5, "2026-03-05T12:00:00Z"],
      ["v1.0.1", 2, "2026-03-05T13:00:00Z"],
      ["v1.2.0", 6, "2026-03-07T09:00:00Z"],
      ["nightly", 6, "2026-03-06T10:00:00Z"],
    ]),
  );
  const world = World.from(tagged.records, { truth: true });
  const truth = new Map([...world.truthChanges()].map((t) => [t.key, t] as const));

  it("writes records the world schema accepts, the window's first commit as the root", () => {
    for (const r of tagged.records) expect(() => WorldRecord.parse(r)).not.toThrow();
    expect(world.commit("acme/api", sha(1))?.parents).toEqual([]);
    expect(world.branchHead("acme/api")).toBe(sha(6));
    expect(world.header.start).toBe("2026-03-02T00:00:00Z");
    expect(world.header.now).toBe("2026-04-01T00:00:00Z");
  });

  it("reads squash merges, merge commits and direct pushes from the first-parent history", () => {
    expect([...truth.keys()]).toEqual(["acme/api#10", "acme/api#11", `acme/api@${sha(6)}`]);
    const squash = world.pull("acme/api", 10);
    expect(squash).toMatchObject({ title: "Add health endpoint", mergeMethod: "squash", mergeCommitSha: sha(2) });
    // One synthesised branch commit: the title and the trailers, not the squash body's list.
    const [branch] = world.pullCommits("acme/api", 10);
    expect(branch?.message).toBe("Add health endpoint\n\nCo-authored-by: Claude <noreply@anthropic.com>");
    expect(branch?.parents).toEqual([sha(1)]);
    const merge = world.pull("acme/api", 11);
    expect(merge).toMatchObject({ title: "Rate limits", mergeMethod: "merge", headRef: "bob/limits", author: "alice" });
    expect(merge?.commits).toEqual([sha(3), sha(4)]);
    expect(merge?.mergedBy).toBe("alice");
    expect(merge?.createdAt).toBe("2026-03-04T08:00:00Z");
  });

  it("one account per person: a noreply address gives the login, the person's other addresses join it", () => {
    const logins = world.users().map((u) => u.login);
    expect(logins.sort()).toEqual(["alice", "bob-baker"]);
    expect(world.users().find((u) => u.login === "alice")?.emails).toEqual([
      "1001+alice@users.noreply.github.com",
      "alice@acme.test",
    ]);
    expect(world.users().find((u) => u.login === "alice")?.id).toBe(1001);
  });

  it("ground truth: labels, credit, trivial, reverts", () => {
    expect(truth.get("acme/api#10")).toMatchObject({
      class: "ai",
      tools: ["claude-code"],
      markerConfidence: "high",
      credited: "alice",
      trivial: false,
      revertedBy: `acme/api@${sha(6)}`,
      revertedWithin14Days: true,
    });
    // Only a lock file changed: trivial however many lines.
    expect(truth.get("acme/api#11")).toMatchObject({ class: "human", credited: "alice", trivial: true, lines: 80 });
    expect(truth.get(`acme/api@${sha(6)}`)).toMatchObject({
      kind: "direct_push",
      revertOf: "acme/api#10",
      credited: "bob-baker",
    });
  });

  it("tags are deployments in time order: an earlier commit tagged later is a rollback", () => {
    const deployments = [...world.truthDeployments()];
    expect(deployments.map((d) => [d.externalId, d.changes, d.failed])).toEqual([
      ["v1.0.0", [], false],
      // Shipped #10, which was reverted within 14 days; and rolled back by v1.0.1.
      ["v1.1.0", ["acme/api#10", "acme/api#11"], true],
      ["v1.0.1", [], false],
      ["v1.2.0", [`acme/api@${sha(6)}`], false],
    ]);
    expect(deployments.find((d) => d.externalId === "v1.0.1")?.rollback).toBe(true);
    expect(truth.get("acme/api#11")?.deployedAt).toBe("2026-03-05T12:00:00Z");
    // The pushed revert ships with the next tag matching the pattern ("nightly" does not).
    expect(truth.get(`acme/api@${sha(6)}`)?.deployment).toBe("v1.2.0");
    expect(tagged.notes.tagsOutOfOrder).toEqual(["v1.0.1"]);
  });

  it("merge-is-deploy: every change is its own deployment at its merge", () => {
    const merged = World.from(replayWorld(history({ kind: "merge" })).records, { truth: true });
    const deployments = [...merged.truthDeployments()];
    expect(deployments.map((d) => d.externalId)).toEqual([sha(2), sha(5), sha(6)]);
    expect(deployments.map((d) => d.failed)).toEqual([true, false, false]);
    for (const t of merged.truthChanges()) expect(t.deployedAt).toBe(t.mergedAt);
  });

  it("notes clock skew and refuses a history without its header", () => {
    const skewed = history({ kind: "merge" });
    const last = skewed[6] as ReplayCommit;
    last.committer.date = "2026-03-01T00:00:00Z";
    expect(replayWorld(skewed).notes.clockSkew).toEqual([sha(6)]);
    expect(() => replayWorld(skewed.slice(1))).toThrow(/replay-header/);
  });

  it("a merge commit titled like a squash is a merge; a PR with one revert commit among others reverts without being a revert", () => {
    const records = history({ kind: "merge" }).slice(0, 3) as ReplayRecord[];
    records.push(
      commit(
        9,
        [2, 8],
        "Group the settings menu (#12)\n\nReverted #10 with a second thought.",
        alice,
        "2026-03-08T09:00:00Z",
      ),
      commit(
        7,
        [2],
        `Revert "Add health endpoint (#10)"\n\nThis reverts commit ${sha(2)}.`,
        bob,
        "2026-03-07T08:00:00Z",
        {
          mainline: false,
          files: [],
        },
      ),
      commit(8, [7], "Group the settings menu", bob, "2026-03-07T09:00:00Z", { mainline: false, files: [] }),
    );
    const w = World.from(replayWorld(records).records, { truth: true });
    expect(w.pull("acme/api", 12)).toMatchObject({
      title: "Group the settings menu",
      body: "Reverted #10 with a second thought.",
      mergeMethod: "merge",
      commits: [sha(7), sha(8)],
      author: "bob-baker",
    });
    const truth = new Map([...w.truthChanges()].map((t) => [t.key, t] as const));
    expect(truth.get("acme/api#12")?.revertOf).toBeNull();
    expect(truth.get("acme/api#10")).toMatchObject({ revertedBy: "acme/api#12", revertedWithin14Days: true });
  });
});
