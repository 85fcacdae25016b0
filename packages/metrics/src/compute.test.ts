import { type Deployment, weekBounds } from "@yardstick/core";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import type { z } from "zod";
import { computeMetrics, doraBand } from "./compute.js";
import type { MetricsConfig } from "./config.js";
import { MetricsChange, MetricsInput, RosterPerson } from "./inputs.js";
import { MetricsOutput, type WeekFigures } from "./output.js";

// Week 2026-W10 starts Monday 2 March 2026 (UTC).
const W10 = "2026-W10";
const DAY = 86_400_000;
const NOW = new Date("2026-12-01T00:00:00Z");
/** Monday of 2026-W10 + `days` (fractional), as an ISO string. */
const t = (days: number) => new Date(Date.UTC(2026, 2, 2) + days * DAY).toISOString();

let seq = 0;
let changes: MetricsChange[] = [];
let deployments: Deployment[] = [];
beforeEach(() => {
  seq = 0;
  changes = [];
  deployments = [];
});

interface ChangeOptions {
  repo?: string;
  deployed?: string | null;
  ai?: boolean;
  lines?: number;
  title?: string;
  body?: string;
  headRef?: string;
  created?: string;
  firstCommit?: string;
  mergedBy?: string | null;
  reviewers?: string[];
  failed?: string;
}

/** A change by `person` merged at `merged`; by default deployed 1 hour later on its own commit. */
function change(person: string | null, merged: string, o: ChangeOptions = {}): MetricsChange {
  seq += 1;
  const sha = seq.toString(16).padStart(40, "0");
  const repo = o.repo ?? "acme/api";
  const c = MetricsChange.parse({
    key: `${repo}#${seq}`,
    repo,
    number: seq,
    title: o.title ?? `change ${seq}`,
    body: o.body ?? "",
    headRef: o.headRef ?? `feature-${seq}`,
    personId: person,
    mergedById: o.mergedBy === undefined ? "reviewer-bot" : o.mergedBy,
    reviewerIds: o.reviewers ?? [],
    aiAssisted: o.ai ?? false,
    createdAt: o.created ?? null,
    firstCommitAt: o.firstCommit ?? null,
    mergedAt: merged,
    landingShas: [sha],
    files: [{ path: "src/x.ts", additions: o.lines ?? 20, deletions: 0 }],
    additions: o.lines ?? 20,
  });
  changes.push(c);
  const deployed =
    o.deployed === undefined ? new Date(new Date(merged).getTime() + 3_600_000).toISOString() : o.deployed;
  if (deployed !== null) deploy(repo, sha, deployed, o.failed);
  return c;
}

function deploy(repo: string, sha: string, live: string, failed?: string): Deployment {
  const d: Deployment = {
    repo,
    source: "deployment",
    externalId: `d${deployments.length + 1}`,
    environment: "production",
    sha,
    ref: null,
    createdAt: new Date(live),
    creatorLogin: null,
    statuses: [
      { state: "success", createdAt: new Date(live), description: "" },
      ...(failed === undefined ? [] : [{ state: "failure" as const, createdAt: new Date(failed), description: "" }]),
    ],
  };
  deployments.push(d);
  return d;
}

const person = (id: string, teams: string[] = ["core"], more: Partial<RosterPerson> = {}) =>
  RosterPerson.parse({ id, teams, ...more });

function run(
  roster: RosterPerson[],
  more: Omit<z.input<typeof MetricsInput>, "config"> & { config?: z.input<typeof MetricsConfig> } = {},
  opts: { from?: string; to?: string; admin?: boolean; kinds?: ("org" | "team" | "repo")[] } = {},
) {
  const input = MetricsInput.parse({
    changes,
    deployments,
    roster,
    ...more,
    config: { ...more.config, thresholds: { minGroupSize: 1, ...more.config?.thresholds } },
  });
  const out = computeMetrics(input, {
    from: opts.from ?? W10,
    to: opts.to ?? W10,
    now: NOW,
    viewerIsAdmin: opts.admin ?? false,
    kinds: opts.kinds,
  });
  expect(MetricsOutput.safeParse(out).success).toBe(true);
  return out;
}

function week(out: MetricsOutput, kind: string, name: string, w = W10): WeekFigures {
  const g = out.groups.find((x) => x.kind === kind && x.name === name);
  const figures = g?.weeks.find((x) => x.week === w);
  if (figures === undefined) throw new Error(`no ${kind} ${name} ${w}`);
  return figures;
}

describe("outcome metrics (hand-computed)", () => {
  it("ND, AIND, AI share, adoption, people to target", () => {
    const roster = ["p1", "p2", "p3", "p4", "p5"].map((id) => person(id));
    change("p1", t(0), { ai: true });
    change("p1", t(1), { ai: true });
    change("p2", t(1.5));
    change("p3", t(2), { ai: true, lines: 3 }); // trivial: deployed, not qualifying
    change("p4", t(-12)); // merged in W08: active in W10, nothing deployed in W10
    change("bot", t(2)); // not rostered: counts nowhere
    change(null, t(2)); // unresolved account
    const f = week(run(roster), "org", "org");
    // A = {p1, p2, p3, p4}; q: p1 2, p2 1; AI q: p1 2.
    expect(f).toMatchObject({
      rosterSize: 5,
      activeEngineers: 4,
      mergedChanges: 4,
      deployedChanges: 4,
      qualifyingChanges: 3,
      aiQualifyingChanges: 2,
      nd: 3 / 4,
      aind: 2 / 4,
      aiShare: 2 / 3,
      adoption: 1 / 4,
      adoption4w: 1 / 4,
      adoptionTarget: 0.8,
      peopleToTarget: 3, // ceil(0.8 * 4) - 1
      suppressed: false,
    });
  });

  it("an empty week has nulls, not zeros, where nothing can be computed", () => {
    const f = week(run([person("p1")]), "org", "org");
    expect(f).toMatchObject({
      rosterSize: 1,
      activeEngineers: 0,
      mergedChanges: 0,
      nd: null,
      aind: null,
      aiShare: null,
      adoption: null,
      adoption4w: null,
      peopleToTarget: null,
      deployments: 0,
      leadTimeHours: { median: null, p90: null },
      changeFailureRate: null,
      recoveryHoursMedian: null,
      revertRate: { ai: null, other: null },
      costPerAiChange: null,
    });
  });

  it("AI share is null when ND is 0", () => {
    change("p1", t(-7), { deployed: t(-7) }); // active via W09 merge, nothing in W10
    const f = week(run([person("p1")]), "org", "org");
    expect(f.nd).toBe(0);
    expect(f.aiShare).toBeNull();
  });

  it("caps what one person adds per week and flags the volume spike", () => {
    for (let i = 0; i < 12; i++) change("p1", t(i / 10), { ai: true });
    change("p2", t(0.5));
    const roster = [person("p1"), person("p2")];
    const f = week(run(roster, {}, { admin: true }), "org", "org");
    expect(f.qualifyingChanges).toBe(13);
    expect(f.nd).toBe((10 + 1) / 2);
    expect(f.aind).toBe(10 / 2);
    expect(f.flags.volumeSpike).toBe(1);
    expect(f.flags.named?.volumeSpike).toEqual(["p1"]);
    // Without admin, counts only.
    const plain = week(run(roster), "org", "org");
    expect(plain.flags.volumeSpike).toBe(1);
    expect(plain.flags.named).toBeNull();
  });

  it("no volume spike when the trailing median is high", () => {
    for (let w = 1; w <= 8; w++) for (let i = 0; i < 5; i++) change("p1", t(-7 * w + i / 10));
    for (let i = 0; i < 12; i++) change("p1", t(i / 10));
    const f = week(run([person("p1")]), "org", "org");
    expect(f.flags.volumeSpike).toBe(0); // 12 <= 3 x 5
  });

  it("a person in two teams counts in each", () => {
    const roster = [person("alice", ["a", "b"]), person("bob", ["a"]), person("carol", ["b"])];
    change("alice", t(0), { ai: true });
    change("bob", t(0.5));
    const out = run(roster);
    expect(week(out, "team", "a")).toMatchObject({
      rosterSize: 2,
      activeEngineers: 2,
      nd: 1,
      aind: 0.5,
      adoption: 0.5,
    });
    expect(week(out, "team", "b")).toMatchObject({ rosterSize: 2, activeEngineers: 1, nd: 1, aind: 1, adoption: 1 });
    expect(week(out, "org", "org")).toMatchObject({ rosterSize: 3, activeEngineers: 2, nd: 1 });
  });

  it("a change deployed weeks after merge counts in the week of deployedAt", () => {
    change("p1", t(-21), { repo: "acme/slow", deployed: t(2), created: t(-22), firstCommit: t(-23) });
    const out = run([person("p1")], {}, { from: "2026-W07", to: W10 });
    expect(week(out, "org", "org", "2026-W07")).toMatchObject({
      mergedChanges: 1,
      deployedChanges: 0,
      qualifyingChanges: 0,
    });
    const f = week(out, "org", "org");
    // Merged in W07, so not active in W10 (4 weeks ending W10 = W07..W10 includes W07: active).
    expect(f).toMatchObject({ mergedChanges: 0, deployedChanges: 1, qualifyingChanges: 1, activeEngineers: 1, nd: 1 });
    // Lead time = deployedAt - first commit = 25 days.
    expect(f.leadTimeHours).toEqual({ median: 25 * 24, p90: 25 * 24 });
    expect(f.leadTimeParts).toEqual({ firstCommitToOpen: 24, openToMerge: 24, mergeToDeploy: 23 * 24 });
  });

  it("adoption4w counts AI-assisted qualifying work anywhere in the 4 weeks", () => {
    const roster = ["p1", "p2", "p3", "p4"].map((id) => person(id));
    change("p1", t(-14), { ai: true }); // W08
    change("p2", t(1), { ai: true }); // W10
    change("p3", t(-7)); // W09, not AI
    change("p4", t(-35), { ai: true }); // W05: outside the window, p4 not active
    const f = week(run(roster), "org", "org");
    expect(f.activeEngineers).toBe(3);
    expect(f.adoption).toBeCloseTo(1 / 3);
    expect(f.adoption4w).toBeCloseTo(2 / 3);
    expect(f.peopleToTarget).toBe(2); // ceil(0.8 * 3) - 1
  });

  it("uses per-group adoption targets", () => {
    const roster = [person("p1", ["a"]), person("p2", ["a"])];
    change("p1", t(0), { ai: true });
    change("p2", t(0));
    const out = run(roster, { config: { adoption: { target: 0.5, perGroup: { "team:a": 1 } } } });
    expect(week(out, "team", "a")).toMatchObject({ adoptionTarget: 1, peopleToTarget: 1 });
    expect(week(out, "org", "org")).toMatchObject({ adoptionTarget: 0.5, peopleToTarget: 0 });
  });

  it("judges the target on the configured basis: the week's adoption by default, the rolling one per group", () => {
    const roster = ["p1", "p2", "p3"].map((id) => person(id, ["a"]));
    change("p1", t(-14), { ai: true }); // W08: in the rolling window only
    change("p2", t(1), { ai: true }); // W10
    change("p3", t(-7)); // W09, not AI
    const weekly = run(roster);
    expect(week(weekly, "team", "a")).toMatchObject({ adoptionBasis: "week", peopleToTarget: 2 }); // ceil(2.4) - 1
    const rolling = run(roster, { config: { adoption: { basisPerGroup: { "team:a": "rolling4w" } } } });
    expect(week(rolling, "team", "a")).toMatchObject({ adoptionBasis: "rolling4w", peopleToTarget: 1 }); // ceil(2.4) - 2
    expect(week(rolling, "org", "org")).toMatchObject({ adoptionBasis: "week", peopleToTarget: 2 });
  });

  it("gives repositories no adoption target unless one is configured (a repository is not a team)", () => {
    const roster = [person("p1"), person("p2")];
    change("p1", t(0), { ai: true });
    change("p2", t(0));
    const repo = (out: ReturnType<typeof run>) => out.groups.find((g) => g.kind === "repo")?.weeks.at(-1);
    expect(repo(run(roster))).toMatchObject({ adoptionTarget: null, peopleToTarget: null });
    const name = run(roster).groups.find((g) => g.kind === "repo")?.name ?? "";
    const configured = run(roster, { config: { adoption: { perGroup: { [`repo:${name}`]: 0.5 } } } });
    expect(repo(configured)).toMatchObject({ adoptionTarget: 0.5, peopleToTarget: 0 });
  });

  it("applies the attribution threshold to verdict confidences", () => {
    const make = (confidence: "high" | "medium" | "low") => {
      const c = change("p1", t(0));
      c.aiAssisted = null;
      c.aiConfidence = confidence;
    };
    make("high");
    make("medium");
    make("low");
    expect(week(run([person("p1")]), "org", "org").aiQualifyingChanges).toBe(1);
    expect(
      week(run([person("p1")], { config: { attribution: { threshold: "medium" } } }), "org", "org").aiQualifyingChanges,
    ).toBe(2);
  });

  it("honours roster join and leave dates and dated team memberships", () => {
    const roster = [
      person("p1", [], { joinedAt: new Date(t(7)) }), // joins next week
      person("p2", [], { leftAt: new Date(t(-1)) }), // left before W10
      RosterPerson.parse({
        id: "p3",
        teams: [
          { team: "a", from: t(-30), to: t(-3) },
          { team: "b", from: t(-3) },
        ],
      }),
    ];
    change("p3", t(0));
    const out = run(roster);
    expect(week(out, "org", "org").rosterSize).toBe(1);
    expect(week(out, "team", "b")).toMatchObject({ rosterSize: 1, activeEngineers: 1 });
    expect(week(out, "team", "a")).toMatchObject({ suppressed: true }); // nobody in W10: 0 < k
  });
});

describe("weeks in the configured time zone", () => {
  it("a deployment late Sunday UTC is already next week in Berlin", () => {
    // Sunday 8 March 23:30 UTC = Monday 9 March 00:30 in Berlin (W11).
    change("p1", "2026-03-08T20:00:00Z", { deployed: "2026-03-08T23:30:00Z" });
    const utc = run([person("p1")], {}, { from: W10, to: "2026-W11" });
    expect(week(utc, "org", "org", W10).deployedChanges).toBe(1);
    const berlin = run([person("p1")], { config: { timeZone: "Europe/Berlin" } }, { from: W10, to: "2026-W11" });
    expect(week(berlin, "org", "org", W10).deployedChanges).toBe(0);
    expect(week(berlin, "org", "org", "2026-W11").deployedChanges).toBe(1);
  });

  it("counts across DST: New York's week starts at 05:00 UTC in winter and 04:00 in summer", () => {
    // DST starts Sunday 8 March 2026 in New York. 9 March 03:30 UTC is Sunday 23:30 EDT (W10);
    // 9 March 04:30 UTC is Monday 00:30 EDT (W11).
    change("p1", "2026-03-08T12:00:00Z", { deployed: "2026-03-09T03:30:00Z" });
    change("p1", "2026-03-09T04:10:00Z", { deployed: "2026-03-09T04:30:00Z", repo: "acme/web" });
    const ny = run([person("p1")], { config: { timeZone: "America/New_York" } }, { from: W10, to: "2026-W11" });
    expect(week(ny, "org", "org", W10).deployedChanges).toBe(1);
    expect(week(ny, "org", "org", "2026-W11").deployedChanges).toBe(1);
    expect(weekBounds("2026-W11", "America/New_York").start.toISOString()).toBe("2026-03-09T04:00:00.000Z");
  });
});

describe("reverts and qualifying", () => {
  it("a change reverted within 14 days does not qualify, nor does any revert, even a revert of a revert", () => {
    const roster = [person("p1"), person("p2")];
    change("p1", t(0), { title: "Add cache", ai: true });
    change("p1", t(1), { title: 'Revert "Add cache"' }); // reverts a ...
    change("p1", t(2), { title: 'Revert "Revert "Add cache""' }); // ... and is reverted: a revert too
    const b = change("p2", t(0.5), { title: "Feature B", ai: true });
    change("p2", t(3), { body: `This reverts commit ${b.landingShas[0]}.` });
    const f = week(run(roster), "org", "org");
    // Nothing qualifies: a and b were reverted within 14 days, the other three are reverts.
    expect(f.qualifyingChanges).toBe(0);
    expect(f.aiQualifyingChanges).toBe(0);
    expect(f.nd).toBe(0);
    // Reverts still count where the guardrails need them: deployed, in lead time and revert rate.
    expect(f.deployedChanges).toBe(5);
    // Revert rate: AI changes a, b -> both reverted: 2/2. Other: 3 reverts, 1 reverted: 1/3.
    expect(f.revertRate).toEqual({ ai: 1, other: 1 / 3 });
    // The counts behind them.
    expect(f.guardrails?.ai).toMatchObject({ changes: 2, revertedChanges: 2, leadTimeSamples: 2 });
    expect(f.guardrails?.other).toMatchObject({ changes: 3, revertedChanges: 1, leadTimeSamples: 3 });
  });

  it.each([
    [
      "GitHub's revert button (title, body, branch)",
      (n: number) => ({ title: 'Revert "Feature A"', body: `Reverts acme/api#${n}`, headRef: `revert-${n}-feat` }),
    ],
    ["git revert of a squash commit", (n: number) => ({ title: `Revert "Feature A (#${n})"`, headRef: "p2/undo" })],
    [
      "a body naming the pull request by number",
      (n: number) => ({ title: "Undo feature A", body: `Reverts #${n}: it broke login.` }),
    ],
    [
      "a body naming the pull request by URL",
      (n: number) => ({ title: "Roll back feature A", body: `This reverts https://github.com/acme/api/pull/${n}` }),
    ],
    ["a revert branch only", (n: number) => ({ title: "Back out feature A", headRef: `revert-${n}-feat` })],
    [
      "git revert's commit body",
      (_n: number, sha: string) => ({ title: "Back out feature A", body: `This reverts commit ${sha}.` }),
    ],
    // An agent opens the revert (AI-assisted, credited to the person who started it).
    [
      "a revert pull request opened by an agent",
      (n: number) => ({
        title: 'Revert "Feature A"',
        body: `Reverts #${n}\n\nCo-authored-by: p1 <p1@acme.dev>`,
        headRef: "copilot/revert-feature-a",
        ai: true,
      }),
    ],
  ] as const)("a revert never qualifies, in any form and whatever the window: %s", (_label, form) => {
    const roster = [person("p1"), person("p2")];
    const a = change("p1", t(0), { title: "Feature A", headRef: "feat", ai: true });
    // Within 14 days: A is reverted and the revert does not qualify either.
    const within = { ...form(a.number as number, a.landingShas[0] as string) };
    change("p1", t(2), within);
    let f = week(run(roster), "org", "org");
    expect(f.qualifyingChanges).toBe(0);
    expect(f.aiQualifyingChanges).toBe(0);
    expect(f.deployedChanges).toBe(2);
    // 20 days later: A stands (it lasted 14 days), the late revert still does not qualify.
    changes.pop();
    deployments.pop();
    change("p1", t(20), within);
    const out = run(roster, {}, { to: "2026-W13" });
    f = week(out, "org", "org");
    expect(f.qualifyingChanges).toBe(1);
    expect(week(out, "org", "org", "2026-W12").qualifyingChanges).toBe(0);
    expect(week(out, "org", "org", "2026-W12").deployedChanges).toBe(1);
  });

  it("a revert of a change outside the data is still a revert; a feature with an interim revert commit is not", () => {
    const roster = [person("p1")];
    change("p1", t(0), { title: 'Revert "Something from last year"' });
    change("p1", t(0.1), { body: "Reverts #9999" });
    change("p1", t(0.2), { body: `This reverts commit ${"f".repeat(40)}.` });
    const feature = change("p1", t(0.3), { title: "Feature C" });
    feature.commitMessages.push("wip", `Revert "wip"\n\nThis reverts commit ${"e".repeat(40)}.`);
    change("p1", t(0.4), { title: "Mention: we should not have to revert this later" });
    expect(week(run(roster), "org", "org").qualifyingChanges).toBe(2);
  });

  it("a revert 15 days later does not disqualify", () => {
    const c = change("p1", t(0), { headRef: "feat" });
    change("p1", t(15), { headRef: `revert-${c.number}-feat` });
    expect(week(run([person("p1")]), "org", "org").qualifyingChanges).toBe(1);
  });

  it("flags trivial share, revert share and self-merged AI changes per person-week", () => {
    const roster = [person("p1"), person("p2"), person("p3")];
    for (let i = 0; i < 3; i++) change("p1", t(i / 10), { lines: 1 });
    for (let i = 0; i < 2; i++) change("p1", t(0.5 + i / 10));
    // p2: 5 merged, 2 reverted (40% > 20%).
    const p2 = [0, 1, 2, 3, 4].map((i) => change("p2", t(1 + i / 10)));
    change("p3", t(2), { body: `This reverts commit ${p2[0]?.landingShas[0]}` });
    change("p3", t(2.1), { body: `This reverts commit ${p2[1]?.landingShas[0]}` });
    change("p3", t(2.5), { ai: true, mergedBy: "p3" }); // self-merged, no review
    change("p3", t(2.55), { ai: true, mergedBy: "p3", reviewers: ["p3"] }); // self-merged, only self-reviewed
    change("p3", t(2.6), { ai: true, mergedBy: "p3", reviewers: ["p1"] }); // reviewed
    change("p2", t(2.7), { ai: true, mergedBy: "p2" }); // one self-merged AI change in a week: not flagged
    const f = week(run(roster, {}, { admin: true }), "org", "org");
    expect(f.flags).toMatchObject({ trivialShare: 1, highRevertShare: 1, selfMergedAi: 1 });
    expect(f.flags.named).toMatchObject({ trivialShare: ["p1"], highRevertShare: ["p2"], selfMergedAi: ["p3"] });
  });
});

describe("deployments and guardrails", () => {
  it("counts deployments, deploy days, failures and recovery", () => {
    const roster = [person("p1")];
    change("p1", t(0), { deployed: t(0.5) }); // Mon, ok
    change("p1", t(1), { deployed: t(1.5), failed: t(1.6), ai: true }); // Tue, failed after going live
    change("p1", t(1.7), { deployed: t(2.5) }); // Wed 12:00, ok: recovery 24h
    change("p1", t(2.6), { deployed: t(2.75), ai: true }); // Wed 18:00, rolled back by the next one
    deploy("acme/api", changes[2]?.landingShas[0] as string, t(3)); // Thu: rollback to an ancestor
    const f = week(run(roster), "repo", "acme/api");
    expect(f.deployments).toBe(5);
    expect(f.deployDays).toBe(4);
    expect(f.changeFailureRate).toBe(2 / 5);
    // Failed Tue 12:00 -> Wed 12:00 = 24h; failed Wed 18:00 -> Thu 00:00 (the rollback) = 6h.
    expect(f.recoveryHoursMedian).toBe(15);
    expect(f.guardrails?.ai.changeFailureRate).toBe(1);
    expect(f.guardrails?.other.changeFailureRate).toBe(0);
    expect(f.guardrails?.ai.deployments).toBe(2);
    // The counts behind the rates and the samples behind the medians: both failed deployments
    // shipped AI-assisted changes and both recovered; the rollback shipped nothing (other).
    expect(f.guardrails?.ai).toMatchObject({
      deployments: 2,
      failedDeployments: 2,
      recoverySamples: 2,
      recoveryHoursMedian: 15,
      changes: 2,
      revertedChanges: 0,
      leadTimeSamples: 2,
    });
    expect(f.guardrails?.other).toMatchObject({
      deployments: 3,
      failedDeployments: 0,
      recoverySamples: 0,
      recoveryHoursMedian: null,
      changes: 2,
      revertedChanges: 0,
      leadTimeSamples: 2,
    });
  });

  it("an empty side has zero counts and null rates, never a rate of 0 out of 0", () => {
    change("p1", t(0), { deployed: t(0.5) });
    const g = week(run([person("p1")]), "repo", "acme/api").guardrails;
    expect(g?.ai).toMatchObject({
      deployments: 0,
      failedDeployments: 0,
      changeFailureRate: null,
      changes: 0,
      revertedChanges: 0,
      revertRate: null,
      leadTimeSamples: 0,
      recoverySamples: 0,
    });
    expect(g?.other).toMatchObject({ deployments: 1, failedDeployments: 0, changes: 1, leadTimeSamples: 1 });
  });

  it("property: every side's rate is its count over its sample, and the sides add up to the whole", () => {
    const step = fc.record({
      person: fc.constantFrom("p1", "p2", "p3"),
      at: fc.double({ min: 0, max: 6, noNaN: true }),
      repo: fc.constantFrom("acme/api", "acme/web"),
      ai: fc.boolean(),
      failed: fc.boolean(),
      /** Revert an earlier change of the run (its index modulo how many there are). */
      revert: fc.option(fc.nat(), { nil: undefined }),
      deployed: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 14 }), (steps) => {
        seq = 0;
        changes = [];
        deployments = [];
        const made: MetricsChange[] = [];
        for (const s of [...steps].sort((a, b) => a.at - b.at)) {
          const target = s.revert === undefined || made.length === 0 ? undefined : made[s.revert % made.length];
          const c = change(s.person, t(s.at), {
            repo: s.repo,
            ai: s.ai,
            deployed: s.deployed ? t(s.at + 0.01) : null,
            ...(s.failed ? { failed: t(s.at + 0.02) } : {}),
            ...(target === undefined ? {} : { body: `This reverts commit ${target.landingShas[0]}.` }),
          });
          made.push(c);
        }
        const out = run([person("p1"), person("p2", ["web"]), person("p3", ["web"])]);
        for (const g of out.groups) {
          for (const w of g.weeks) {
            const sides = w.guardrails;
            if (sides === null) continue;
            for (const side of [sides.ai, sides.other]) {
              const { deployments: n, failedDeployments: x, changes: m, revertedChanges: r } = side;
              expect(side.changeFailureRate).toBe(n === 0 ? null : (x as number) / (n as number));
              expect(side.revertRate).toBe(m === 0 ? null : (r as number) / (m as number));
              expect(x).toBeLessThanOrEqual(n as number);
              expect(r).toBeLessThanOrEqual(m as number);
              expect(side.leadTimeSamples).toBe(m);
              expect(side.recoverySamples).toBeLessThanOrEqual(x as number);
              expect(side.recoveryHoursMedian === null).toBe(side.recoverySamples === 0);
              // Each median's 95% interval exists from six values on and holds the median.
              for (const [median, n, ci] of [
                [side.leadTimeHours.median, side.leadTimeSamples, side.leadTimeMedianInterval],
                [side.recoveryHoursMedian, side.recoverySamples, side.recoveryMedianInterval],
              ] as const) {
                expect(ci === null).toBe((n as number) < 6);
                if (ci === null || ci === undefined) continue;
                expect(ci.low).toBeLessThanOrEqual(median as number);
                expect(ci.high).toBeGreaterThanOrEqual(median as number);
                expect(ci.coverage).toBeGreaterThanOrEqual(0.95);
              }
            }
            expect((sides.ai.changes ?? 0) + (sides.other.changes ?? 0)).toBe(w.deployedChanges);
            if (w.deployments !== null) {
              expect((sides.ai.deployments ?? 0) + (sides.other.deployments ?? 0)).toBe(w.deployments);
              const failed = (sides.ai.failedDeployments ?? 0) + (sides.other.failedDeployments ?? 0);
              expect(w.changeFailureRate).toBe(w.deployments === 0 ? null : failed / w.deployments);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("a deployment that shipped a change reverted within 14 days failed; incidents name deployments", () => {
    const c = change("p1", t(0), { deployed: t(0.5) });
    change("p1", t(1), { deployed: t(1.5), body: `This reverts commit ${c.landingShas[0]}` });
    const c3 = change("p1", t(2), { deployed: t(2.5) });
    const out = run([person("p1")], { incidents: [{ repo: "acme/api", sha: c3.landingShas[0], openedAt: t(3) }] });
    expect(week(out, "repo", "acme/api").changeFailureRate).toBe(2 / 3);
  });

  it("the DORA band is the median of deployment days per week", () => {
    expect(doraBand([5, 5, 6, 4])).toBe("daily");
    expect(doraBand([1, 0, 2, 1])).toBe("weekly");
    expect(doraBand([0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0])).toBe("monthly");
    expect(doraBand([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0])).toBe("fewer");
    expect(doraBand([])).toBe("fewer");
  });

  it("shows the labelled merged variant only for repositories with no deployment signal", () => {
    const roster = [person("p1"), person("p2")];
    change("p1", t(0), { repo: "acme/lib", deployed: null, ai: true });
    change("p2", t(0), { repo: "acme/lib", deployed: null });
    change("p2", t(0.2), { repo: "acme/lib", deployed: null, lines: 2 });
    change("p1", t(0), { repo: "acme/api" });
    const out = run(roster);
    const lib = week(out, "repo", "acme/lib");
    expect(lib.deployedChanges).toBe(0);
    expect(lib.deployments).toBeNull();
    expect(lib.mergedVariant).toEqual({
      label: "merged (no deployment signal)",
      qualifyingChanges: 2,
      aiQualifyingChanges: 1,
      nd: 1,
      aind: 0.5,
      aiShare: 0.5,
      adoption: 0.5,
      adoption4w: 0.5,
      peopleToTarget: null, // a repository has no adoption target unless configured
    });
    expect(week(out, "repo", "acme/api").mergedVariant).toBeNull();
    expect(week(out, "org", "org").mergedVariant).toBeNull();
    expect(out.notes.reposWithoutDeploymentSignal).toEqual(["acme/lib"]);
  });
});

describe("linking inside the report", () => {
  it("redeploys count as deployments but ship nothing; off-branch deployments are reported", () => {
    const roster = [person("p1")];
    const c1 = change("p1", t(0), { deployed: t(0.5) });
    deploy("acme/api", c1.landingShas[0] as string, t(1)); // redeploy of the same commit
    const offBranch = deploy("acme/api", "f".repeat(40), t(1.2)); // a commit not on the branch
    change("p1", t(2), { deployed: null }); // merged, not yet deployed
    const out = run(roster);
    const f = week(out, "repo", "acme/api");
    expect(f).toMatchObject({
      deployments: 3,
      deployDays: 2,
      deployedChanges: 1,
      mergedChanges: 2,
      changeFailureRate: 0,
    });
    expect(out.notes.offBranchDeployments).toEqual([`acme/api:deployment:${offBranch.externalId}`]);
    expect(out.notes.mergedNotDeployed).toBe(1);
  });

  it("uses the commit graph when given: a batch deployment ships every merge before it", () => {
    const a = change("p1", t(0), { deployed: null });
    const b = change("p2", t(0.2), { deployed: null, ai: true });
    const head = "e".repeat(40);
    deploy("acme/api", head, t(3));
    const shaA = a.landingShas[0] as string;
    const shaB = b.landingShas[0] as string;
    const commitGraphs = { "acme/api": { head, parents: { [head]: [shaB], [shaB]: [shaA], [shaA]: [] } } };
    const f = week(run([person("p1"), person("p2")], { commitGraphs }), "org", "org");
    expect(f).toMatchObject({ deployedChanges: 2, qualifyingChanges: 2, aiQualifyingChanges: 1, nd: 1 });
    expect(f.leadTimeParts.mergeToDeploy).toBeCloseTo((3 * 24 + (3 - 0.2) * 24) / 2);
  });
});

describe("more hand-computed cases", () => {
  it("lead time median and p90 over ten changes", () => {
    // Lead times 1..10 hours: first commit i hours before the deployment.
    for (let i = 1; i <= 10; i++) {
      change("p1", t(i / 24 - 0.01), { repo: `acme/r${i}`, deployed: t(i / 24), firstCommit: t(0) });
    }
    const f = week(run([person("p1")]), "org", "org");
    expect(f.leadTimeHours.median).toBeCloseTo(5.5);
    expect(f.leadTimeHours.p90).toBeCloseTo(9);
  });

  it("deployment days are calendar days in the configured zone", () => {
    // 23:30 and 00:30 UTC are the same day (Monday) in New York; the next day in UTC.
    change("p1", "2026-03-03T20:00:00Z", { deployed: "2026-03-03T23:30:00Z" });
    change("p1", "2026-03-03T21:00:00Z", { deployed: "2026-03-04T00:30:00Z" });
    expect(week(run([person("p1")]), "repo", "acme/api").deployDays).toBe(2);
    const ny = run([person("p1")], { config: { timeZone: "America/New_York" } });
    expect(week(ny, "repo", "acme/api").deployDays).toBe(1);
  });

  it("tokens per qualifying change far above the group median are flagged", () => {
    const roster = ["p1", "p2", "p3"].map((id) => person(id));
    for (const id of ["p1", "p2", "p3"]) change(id, t(0), { ai: true });
    const usage = [
      { personId: "p1", day: "2026-03-02", tool: "x", tokensIn: 100, cost: 1 },
      { personId: "p2", day: "2026-03-02", tool: "x", tokensIn: 120, cost: 1 },
      { personId: "p3", day: "2026-03-02", tool: "x", tokensIn: 5_000, cost: 50 },
    ];
    // Median tokens per change 120; p3 has 5000 > 1200. p3 is also the top decile but shipped AI work.
    const f = week(run(roster, { usage }, { admin: true }), "org", "org");
    expect(f.flags.named?.tokenHeavyNothingShipped).toEqual(["p3"]);
    expect(f.costPerAiChange).toBeCloseTo(52 / 3);
  });

  it("a person in two small teams is counted once in other", () => {
    const roster = [
      person("x", ["s1", "s2"]),
      ...["a", "b"].map((id) => person(id, ["s1"])),
      ...["c", "d"].map((id) => person(id, ["s2"])),
    ];
    change("x", t(0), { ai: true });
    change("a", t(0));
    const out = run(roster, { config: { thresholds: { minGroupSize: 4 } } });
    expect(week(out, "team", "s1").suppressed).toBe(true);
    expect(week(out, "team", "s2").suppressed).toBe(true);
    expect(week(out, "team", "other")).toMatchObject({ rosterSize: 5, activeEngineers: 2, nd: 1, aind: 0.5 });
  });

  it("incidents name a deployment by id", () => {
    change("p1", t(0), { deployed: t(0.5) });
    change("p1", t(1), { deployed: t(1.5) });
    const out = run([person("p1")], {
      incidents: [{ repo: "acme/api", deploymentId: "acme/api:deployment:d1", openedAt: t(2) }],
    });
    expect(week(out, "repo", "acme/api").changeFailureRate).toBe(1 / 2);
  });

  it("marks weeks whose revert window is still open as provisional", () => {
    const input = MetricsInput.parse({ roster: [person("p1")] });
    const out = computeMetrics(input, { from: W10, to: "2026-W12", now: new Date("2026-03-25T00:00:00Z") });
    // W10 ends 9 March: 9 + 14 = 23 March <= 25 March. W11 ends 16 March: 30 March > 25 March.
    expect(out.groups[0]?.weeks.map((w) => w.provisional)).toEqual([false, true, true]);
  });
});

describe("cost", () => {
  it("cost per AI-assisted qualifying change and the token-heavy, nothing-shipped flag", () => {
    const roster = ["p1", "p2", "p3"].map((id) => person(id));
    change("p1", t(0), { ai: true });
    change("p1", t(0.5), { ai: true });
    change("p2", t(0.5));
    const usage = [
      { personId: "p1", day: "2026-03-02", tool: "claude-code", tokensIn: 1000, tokensOut: 1000, cost: 20 },
      { personId: "p1", day: "2026-03-08", tool: "copilot", tokensIn: 0, tokensOut: 0, cost: 10 },
      { personId: "p2", day: "2026-03-03", tool: "copilot", tokensIn: 500, tokensOut: 0, cost: 2 },
      { personId: "p3", day: "2026-03-04", tool: "claude-code", tokensIn: 90_000, tokensOut: 10_000, cost: 40 },
      { personId: "p3", day: "2026-03-09", tool: "claude-code", tokensIn: 1, tokensOut: 0, cost: 1 }, // next week
    ];
    const f = week(run(roster, { usage }, { admin: true }), "org", "org");
    expect(f.aiCost).toBe(72);
    expect(f.costPerAiChange).toBe(36);
    // Top decile of {2000, 500, 100000} is 100000: p3, who shipped no AI-assisted qualifying change.
    expect(f.flags.tokenHeavyNothingShipped).toBe(1);
    expect(f.flags.named?.tokenHeavyNothingShipped).toEqual(["p3"]);
    expect(week(run(roster, { usage }), "repo", "acme/api").costPerAiChange).toBeNull();
    expect(week(run(roster), "org", "org").flags.tokenHeavyNothingShipped).toBeNull();
  });
});

describe("privacy", () => {
  it("suppresses groups smaller than k and folds them into other", () => {
    const roster = [
      ...["a1", "a2", "a3", "a4", "a5"].map((id) => person(id, ["big"])),
      ...["s1", "s2", "s3"].map((id) => person(id, ["small1"])),
      ...["t1", "t2"].map((id) => person(id, ["small2"])),
    ];
    change("s1", t(0), { ai: true });
    change("t1", t(0));
    const out = run(roster, { config: { thresholds: { minGroupSize: 5 } } });
    const small = week(out, "team", "small1");
    expect(small).toMatchObject({ suppressed: true, rosterSize: null, nd: null, deployments: null });
    expect(small.flags.volumeSpike).toBeNull();
    expect(week(out, "team", "big")).toMatchObject({ suppressed: false, rosterSize: 5 });
    expect(week(out, "team", "other")).toMatchObject({
      suppressed: false,
      rosterSize: 5,
      activeEngineers: 2,
      nd: 1,
      aind: 0.5,
    });
    // Repository groups count the people active in them: 2 < 5.
    expect(week(out, "repo", "acme/api").suppressed).toBe(true);
    expect(week(out, "repo", "other").suppressed).toBe(true);
  });

  it("lists groups, never people, and no per-person figures", () => {
    change("p1", t(0));
    const out = run([person("p1")]);
    const json = JSON.stringify(out);
    expect(json).not.toContain('"p1"');
  });
});

describe("input validation", () => {
  it("names a bad week option", () => {
    expect(() => computeMetrics(MetricsInput.parse({}), { from: "2026-10", to: W10, now: NOW })).toThrow(
      /from: not an ISO week/,
    );
  });
});
