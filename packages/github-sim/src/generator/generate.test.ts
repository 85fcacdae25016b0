import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GAMER_STRATEGIES, type WorldCommit, WorldRecord } from "../world/schema.js";
import { loadWorld, worldToJsonl, writeWorld } from "../world/stream.js";
import { World } from "../world/world.js";
import { AI_FORMS, HARD_NEGATIVES } from "./forms.js";
import { generateWorld, isTrivial, squashMessage } from "./generate.js";
import { presetOptions } from "./presets.js";
import { Prng } from "./prng.js";

const options = presetOptions("small", 7);
const records = [...generateWorld(options)];
const jsonl = worldToJsonl(records);
const world = World.from(records);
const repos = world.repos().map((r) => `${r.org}/${r.name}`);
const pulls = repos.flatMap((r) => [...world.pulls(r)]);
const changes = [...world.truthChanges()];
const deployments = [...world.truthDeployments()];
const dir = mkdtempSync(join(tmpdir(), "ys-world-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Prng", () => {
  it("is deterministic per seed and salt", () => {
    const a = new Prng(1, "x");
    const b = new Prng(1, "x");
    const c = new Prng(1, "y");
    const xs = [a.u32(), a.u32(), a.u32()];
    expect([b.u32(), b.u32(), b.u32()]).toEqual(xs);
    expect([c.u32(), c.u32(), c.u32()]).not.toEqual(xs);
  });
});

describe("generateWorld determinism", () => {
  it("gives the same bytes for the same seed and different bytes for another", () => {
    expect(worldToJsonl(generateWorld(options))).toBe(jsonl);
    expect(worldToJsonl(generateWorld({ ...options, seed: 8 }))).not.toBe(jsonl);
  });

  it("writes only records that pass the schema, header first", () => {
    expect(records[0]?.type).toBe("header");
    for (const r of records) expect(WorldRecord.safeParse(r).success).toBe(true);
  });
});

describe("a small world covers every case", () => {
  it("has every deployment method, merge method and a trunk-based repository", () => {
    expect(new Set(world.repos().map((r) => r.deployMethod.kind))).toEqual(
      new Set(["deployments", "releases", "tags", "workflow", "merge"]),
    );
    expect(new Set(pulls.map((p) => p.mergeMethod))).toEqual(new Set(["merge", "squash", "rebase", null]));
    expect(world.repos().some((r) => r.trunkBased)).toBe(true);
    expect(changes.some((c) => c.kind === "direct_push")).toBe(true);
  });

  it("has every AI form, unobservable AI work, and every hard negative", () => {
    const forms = new Set(changes.map((c) => c.form));
    for (const f of Object.keys(AI_FORMS)) expect(forms, f).toContain(f);
    expect(changes.some((c) => c.class === "ai" && !c.observable)).toBe(true);
    const confidences = new Set(changes.filter((c) => c.class === "ai").map((c) => c.markerConfidence));
    expect(confidences).toEqual(new Set(["high", "medium", "low", null]));
    for (const c of changes) expect(c.markerConfidence === null).toBe(c.class !== "ai" || !c.observable);
    const negatives = new Set(changes.map((c) => c.hardNegative));
    for (const h of HARD_NEGATIVES) expect(negatives, h).toContain(h);
    expect(world.truthPeople().filter((p) => p.aiLikeName).length).toBeGreaterThanOrEqual(2);
  });

  it("has agent-opened PRs credited to a human, and the three kinds of bots", () => {
    const agentPrs = pulls.filter((p) =>
      ["Copilot", "devin-ai-integration[bot]", "google-labs-jules[bot]"].includes(p.author),
    );
    expect(new Set(agentPrs.map((p) => p.author)).size).toBe(3);
    for (const p of agentPrs.filter((x) => x.mergedAt)) {
      const t = world.truthChange(`${p.repo}#${p.number}`);
      expect(world.user(t?.credited ?? "")?.kind).toBe("human");
    }
    const authors = new Set(pulls.map((p) => p.author));
    for (const b of ["dependabot[bot]", "renovate[bot]", "github-actions[bot]"]) expect(authors).toContain(b);
  });

  it("has pull requests with more than 100 and more than 250 commits", () => {
    const sizes = pulls.map((p) => p.commits.length);
    expect(sizes.some((n) => n > 100 && n <= 250)).toBe(true);
    expect(sizes.some((n) => n > 250)).toBe(true);
  });

  it("has joiners, leavers, people on leave, gamers and usage", () => {
    const humans = world.users().filter((u) => u.kind === "human");
    const start = world.header.start;
    expect(humans.some((u) => (u.memberships[0]?.joinedAt ?? "") > start)).toBe(true);
    expect(humans.some((u) => u.memberships[0]?.leftAt !== null)).toBe(true);
    expect(humans.some((u) => u.onLeave.length > 0)).toBe(true);
    const gamers = world.truthPeople();
    expect(gamers.some((p) => p.gaming === "burst")).toBe(true);
    expect(gamers.some((p) => p.gaming === "token-heavy")).toBe(true);
    expect(changes.filter((c) => c.gaming).length).toBeGreaterThanOrEqual(20);
    expect(world.usage().length).toBeGreaterThan(0);
    const heavy = gamers.find((p) => p.gaming === "token-heavy")?.login;
    expect(changes.some((c) => c.credited === heavy && c.class === "ai")).toBe(false);
  });

  it("adds configured gamers, each a strategy with its ground truth, in the middle week", () => {
    const strategies = GAMER_STRATEGIES;
    const gw = World.from(generateWorld({ ...presetOptions("small", 5), gamers: strategies }), { truth: true });
    const byStrategy = new Map<string, string[]>();
    for (const p of gw.truthPeople()) {
      if (p.gaming !== null) byStrategy.set(p.gaming, [...(byStrategy.get(p.gaming) ?? []), p.login]);
    }
    expect([...byStrategy.keys()].sort()).toEqual([...strategies].sort());
    expect(byStrategy.get("rubber-stamp")?.length).toBe(2);
    const gaming = [...gw.truthChanges()].filter((c) => c.gaming);
    const of = (s: string) => gaming.filter((c) => byStrategy.get(s)?.includes(c.credited ?? ""));
    expect(of("burst").length).toBe(25);
    expect(of("burst").every((c) => c.trivial && c.class === "ai")).toBe(true);
    expect(of("spike").length).toBe(30);
    expect(of("spike").every((c) => !c.trivial && c.class === "ai")).toBe(true);
    for (const s of ["revert-churn", "agent-revert-churn"]) {
      const reverts = of(s).filter((c) => c.revertOf !== null);
      expect(reverts.length).toBe(4);
      expect(reverts.every((c) => gw.truthChange(c.revertOf ?? "")?.revertedWithin14Days)).toBe(true);
    }
    expect(of("agent-revert-churn").filter((c) => c.revertOf !== null && c.form === "copilot.agent").length).toBe(4);
    expect(of("splitting").length).toBe(12);
    expect(of("splitting").every((c) => !c.trivial && c.lines <= 20)).toBe(true);
    const selfMerged = of("self-merge").map((c) => gw.pull(c.repo, c.number ?? 0));
    expect(selfMerged.length).toBe(6);
    expect(selfMerged.every((p) => p?.reviews.length === 0 && p.mergedBy === p.author)).toBe(true);
    const stamps = of("rubber-stamp").map((c) => gw.pull(c.repo, c.number ?? 0));
    expect(stamps.length).toBe(24);
    for (const p of stamps) {
      const approval = p?.reviews.find((r) => r.state === "APPROVED");
      expect(byStrategy.get("rubber-stamp")).toContain(approval?.user);
      expect(approval?.user).not.toBe(p?.author);
      expect(Date.parse(approval?.submittedAt ?? "") - Date.parse(p?.createdAt ?? "")).toBeLessThan(60_000);
    }
    const heavy = byStrategy.get("token-heavy")?.[0];
    expect(gw.usage().some((u) => u.login === heavy && u.tokensIn >= 8_000_000)).toBe(true);
    expect([...gw.truthChanges()].some((c) => c.credited === heavy && c.class === "ai")).toBe(false);
  });

  it("has trivial and lock-file-only changes, reverts and a revert of a revert", () => {
    expect(changes.some((c) => c.trivial && c.lines <= 5)).toBe(true);
    expect(pulls.some((p) => p.files.length === 1 && /lock|\.sum$/.test(p.files[0]?.path ?? ""))).toBe(true);
    const reverts = changes.filter((c) => c.revertOf !== null);
    expect(reverts.some((c) => world.truthChange(c.revertOf ?? "")?.revertOf !== null)).toBe(true);
    expect(changes.some((c) => c.revertedWithin14Days)).toBe(true);
    const revertPr = pulls.find((p) => p.title.startsWith('Revert "') && p.mergedAt);
    expect(revertPr?.headRef).toMatch(/^revert-\d+-/);
    const msg = world.commit(revertPr?.repo ?? "", revertPr?.commits[0] ?? "")?.message ?? "";
    expect(msg).toMatch(/This reverts commit [0-9a-f]{40}\./);
  });

  it("has failed, rolled-back, rollback and off-branch deployments", () => {
    expect(deployments.some((d) => d.failedAfterLive)).toBe(true);
    expect(deployments.some((d) => d.rolledBack)).toBe(true);
    expect(deployments.some((d) => d.rollback)).toBe(true);
    expect(deployments.some((d) => d.offBranch)).toBe(true);
    expect(deployments.some((d) => !d.production)).toBe(true);
    expect(deployments.some((d) => d.environment === "staging" && !d.production)).toBe(true);
    const batched = deployments.filter((d) => d.changes.length > 1);
    expect(batched.length).toBeGreaterThan(0);
  });
});

describe("ground truth is consistent with the world", () => {
  it("puts every merged PR's resulting commits on the default branch, parents first", () => {
    const seen = new Set<string>();
    for (const r of records) {
      if (r.type !== "commit") continue;
      for (const p of r.parents) expect(seen.has(`${r.repo}@${p}`), `${r.sha} parent ${p}`).toBe(true);
      seen.add(`${r.repo}@${r.sha}`);
    }
    for (const repo of repos) {
      const main = new Set(world.defaultBranchShas(repo));
      for (const p of world.pulls(repo)) {
        for (const c of p.commits) expect(world.hasCommit(repo, c)).toBe(true);
        if (!p.mergedAt) continue;
        expect(p.resultCommits.length).toBeGreaterThan(0);
        for (const c of p.resultCommits) expect(main.has(c)).toBe(true);
        expect(p.mergeCommitSha).toBe(p.resultCommits.at(-1));
      }
    }
  });

  it("writes squash and merge commits the way GitHub does", () => {
    const squash = pulls.find((p) => p.mergeMethod === "squash" && p.commits.length > 1);
    const sm = world.commit(squash?.repo ?? "", squash?.mergeCommitSha ?? "");
    expect(sm?.message).toMatch(new RegExp(`^.+ \\(#${squash?.number}\\)\\n\\n\\* `));
    expect(sm?.committer.email).toBe("noreply@github.com");
    const merge = pulls.find((p) => p.mergeMethod === "merge");
    const mm = world.commit(merge?.repo ?? "", merge?.mergeCommitSha ?? "");
    expect(mm?.message.split("\n")[0]).toBe(`Merge pull request #${merge?.number} from acme/${merge?.headRef}`);
    expect(mm?.parents).toHaveLength(2);
  });

  it("puts deployments on the branch except the deliberately off-branch ones", () => {
    for (const d of deployments) {
      const main = world.defaultBranchShas(d.repo);
      expect(main.includes(d.sha), `${d.externalId} offBranch=${d.offBranch}`).toBe(!d.offBranch);
    }
  });

  it("follows METRICS.md's linking rule for deployedAt, and marks rollbacks", () => {
    for (const repo of repos) {
      const prod = deployments
        .filter((d) => d.repo === repo && d.production)
        .sort((a, b) => (a.at ?? "").localeCompare(b.at ?? ""));
      for (const c of changes.filter((x) => x.repo === repo)) {
        const first = prod.find((d) => world.isAncestor(repo, c.sha, d.sha));
        expect(c.deployedAt, c.key).toBe(first?.at ?? null);
        expect(c.deployment).toBe(first?.externalId ?? null);
        if (c.deployedAt) expect(c.deployedAt >= c.mergedAt).toBe(true);
      }
      for (let i = 0; i + 1 < prod.length; i++) {
        const cur = prod[i];
        const next = prod[i + 1];
        if (!cur || !next || cur.environment !== next.environment) continue;
        expect(cur.rolledBack, cur.externalId).toBe(world.isAncestor(repo, next.sha, cur.sha));
      }
    }
  });

  it("computes trivial, revert windows and credit from the records", () => {
    for (const c of changes) {
      if (c.kind === "pull_request") {
        const p = world.pull(c.repo, c.number ?? 0);
        expect(c.trivial).toBe(isTrivial(p?.files ?? []));
      }
      if (c.revertedBy) {
        const by = world.truthChange(c.revertedBy);
        const days = (Date.parse(by?.mergedAt ?? "") - Date.parse(c.mergedAt)) / 86_400_000;
        expect(c.revertedWithin14Days).toBe(days <= 14);
      }
      if (c.class === "bot") expect(c.credited).toBeNull();
      else expect(world.user(c.credited ?? "")?.kind).toBe("human");
    }
  });
});

describe("human work carries no AI marker", () => {
  it("keeps bodies, branches and messages of human changes free of tool markers", () => {
    const markers =
      /claude\.(ai|com)|anthropic|cursor\.com|chatgpt\.com|<!-- START COPILOT|devin\.ai|jules\.google|ampcode|^(codex|copilot|cursor|claude)\//im;
    for (const c of changes) {
      if (c.class !== "human" || c.kind !== "pull_request" || c.hardNegative === "ai-company-email") continue;
      const p = world.pull(c.repo, c.number ?? 0);
      expect(`${p?.body}\n${p?.headRef}`, c.key).not.toMatch(markers);
      for (const commit of world.pullCommits(c.repo, c.number ?? 0)) expect(commit.message, c.key).not.toMatch(markers);
    }
  });
});

describe("squashMessage", () => {
  const commit = (message: string, name: string, email: string): WorldCommit => ({
    type: "commit",
    repo: "a/b",
    sha: "0".repeat(40),
    message,
    author: { name, email, date: "2026-01-01T00:00:00Z", login: null },
    committer: { name, email, date: "2026-01-01T00:00:00Z", login: null },
    parents: [],
    additions: 1,
    deletions: 0,
  });
  it("lists commits as bullets and de-duplicates co-authors, case-normalised", () => {
    const msg = squashMessage(
      "Add x",
      12,
      [
        commit("Add x\n\nco-authored-by: Claude <noreply@anthropic.com>", "Ann", "ann@a.test"),
        commit("Fix\n\nCo-Authored-By: Claude <NOREPLY@anthropic.com>", "Bob", "bob@a.test"),
      ],
      "ann@a.test",
    );
    expect(msg).toBe(
      "Add x (#12)\n\n* Add x\n\nco-authored-by: Claude <noreply@anthropic.com>\n\n* Fix\n\nCo-Authored-By: Claude <NOREPLY@anthropic.com>\n\n---------\n\nCo-authored-by: Claude <noreply@anthropic.com>\nCo-authored-by: Bob <bob@a.test>",
    );
  });
});

describe("streaming", () => {
  it("loads a written world file into the same World as the in-memory one", async () => {
    const path = join(dir, "small.jsonl");
    expect(await writeWorld(generateWorld(options), path)).toBe(records.length);
    const loaded = await loadWorld(path);
    // Validation re-orders keys to the schema's order: compare values, not bytes.
    expect([...loaded.records()]).toEqual([...world.records()]);
    const fast = await loadWorld(path, { validate: false, truth: false });
    expect(fast.pullCount(repos[0] ?? "")).toBe(world.pullCount(repos[0] ?? ""));
    expect([...fast.truthChanges()]).toHaveLength(0);
  });
});
