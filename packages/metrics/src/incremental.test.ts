import { describe, expect, it } from "vitest";
import { computeMetrics, evaluateGroupWeek, GroupContext, groupSpecs } from "./compute.js";
import { MetricsConfig } from "./config.js";
import { affectedWeeks, evaluateGroupWeeks, type GroupWeek, rosterSizeOf } from "./incremental.js";
import { MetricsInput, RosterPerson } from "./inputs.js";
import type { MetricsOutput } from "./output.js";
import { prepareMetrics } from "./prepare.js";

const config = MetricsConfig.parse({});
const roster = [RosterPerson.parse({ id: "p1", teams: ["a", "b"] }), RosterPerson.parse({ id: "p2", teams: ["a"] })];

describe("affectedWeeks", () => {
  it("a merge touches its week and the 3 after it, for the org, the person's teams and the repository", () => {
    const pairs = affectedWeeks(
      { changes: [{ repo: "acme/api", personId: "p1", mergedAt: new Date("2026-03-04T10:00:00Z"), deployedAt: null }] },
      roster,
      config,
    );
    const weeks = (kind: string, name: string) =>
      pairs.filter((p) => p.kind === kind && p.name === name).map((p) => p.week);
    expect(weeks("org", "org")).toEqual(["2026-W10", "2026-W11", "2026-W12", "2026-W13"]);
    expect(weeks("team", "a")).toEqual(weeks("org", "org"));
    expect(weeks("team", "b")).toEqual(weeks("org", "org"));
    expect(weeks("repo", "acme/api")).toEqual(weeks("org", "org"));
    expect(weeks("team", "other")).toEqual(weeks("org", "org"));
  });

  it("a deployment touches its week and the DORA window after it; a deployed change the spike baseline too", () => {
    const pairs = affectedWeeks(
      {
        changes: [
          {
            repo: "acme/api",
            personId: "p2",
            mergedAt: new Date("2026-03-02T10:00:00Z"),
            deployedAt: new Date("2026-03-20T10:00:00Z"),
          },
        ],
        usage: [{ personId: "p1", day: "2026-05-01" }],
      },
      roster,
      config,
    );
    const org = pairs.filter((p) => p.kind === "org").map((p) => p.week);
    expect(org[0]).toBe("2026-W10");
    expect(org.at(-1)).toBe("2026-W23"); // W12 + 11 (DORA window of 12 weeks)
    expect(pairs.filter((p) => p.kind === "team" && p.name === "b").map((p) => p.week)).toEqual(["2026-W18"]);
  });

  it("bounds roster changes by `until`", () => {
    const pairs = affectedWeeks(
      { roster: [{ personId: "p2", teams: ["c"], from: new Date("2026-03-02T00:00:00Z") }] },
      roster,
      config,
      "2026-W12",
    );
    expect(pairs.filter((p) => p.kind === "team" && p.name === "c").map((p) => p.week)).toEqual([
      "2026-W10",
      "2026-W11",
      "2026-W12",
    ]);
  });
});

/** A small deterministic world: random changes and deployments over 30 weeks. */
function world(seed: number, extra = 0) {
  let s = seed;
  const rand = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const start = Date.UTC(2026, 0, 5);
  const people = ["p1", "p2", "p3", "p4", "p5", "p6", "p7"].map((id, i) =>
    RosterPerson.parse({ id, teams: i < 4 ? ["a"] : i < 6 ? ["b", "a"] : ["b"] }),
  );
  const changes: unknown[] = [];
  const deployments: unknown[] = [];
  const total = 220 + extra;
  for (let i = 0; i < total; i++) {
    const at = start + (i / 220) * 30 * 7 * 86_400_000;
    const sha = (i + 1).toString(16).padStart(40, "0");
    const repo = i % 3 === 0 ? "acme/web" : "acme/api";
    changes.push({
      key: `${repo}#${i + 1}`,
      repo,
      number: i + 1,
      title: `t${i}`,
      personId: `p${1 + Math.floor(rand() * 7)}`,
      aiAssisted: rand() < 0.4,
      mergedAt: new Date(at),
      landingShas: [sha],
      additions: rand() < 0.2 ? 2 : 40,
      body: i > 5 && rand() < 0.05 ? `This reverts commit ${(i - 3).toString(16).padStart(40, "0")}` : "",
    });
    if (i % 2 === 1 || i >= 220) {
      deployments.push({
        repo,
        source: "deployment",
        externalId: `d${i}`,
        environment: "production",
        sha,
        createdAt: new Date(at + 7_200_000),
        statuses: [{ state: "success", createdAt: new Date(at + 7_200_000) }],
      });
    }
  }
  return MetricsInput.parse({ changes, deployments, roster: people, config: { thresholds: { minGroupSize: 2 } } });
}

function figuresByPair(out: MetricsOutput): Map<string, string> {
  const map = new Map<string, string>();
  for (const g of out.groups) for (const w of g.weeks) map.set(`${g.kind} ${g.name} ${w.week}`, JSON.stringify(w));
  return map;
}

describe("incremental recomputation", () => {
  const options = { from: "2026-W02", to: "2026-W40", now: new Date("2026-12-01T00:00:00Z") };

  it("new data changes only the (group, week) pairs affectedWeeks lists", () => {
    const before = figuresByPair(computeMetrics(world(7), options));
    const next = world(7, 1); // one more change, merged and deployed after the others
    const after = figuresByPair(computeMetrics(next, options));
    const newChange = next.changes.at(-1);
    const newDeployment = next.deployments.at(-1);
    const previous = next.deployments.filter((d) => d.repo === newDeployment?.repo).at(-2);
    if (newChange === undefined || newDeployment === undefined || previous === undefined) throw new Error("world");
    const liveAt = newDeployment.statuses[0]?.createdAt as Date;
    const affected = affectedWeeks(
      {
        changes: [
          { repo: newChange.repo, personId: newChange.personId, mergedAt: newChange.mergedAt, deployedAt: liveAt },
        ],
        deployments: [
          { repo: newDeployment.repo, liveAt, people: [newChange.personId as string] },
          { repo: previous.repo, liveAt: previous.createdAt },
        ],
      },
      next.roster,
      next.config,
    );
    const allowed = new Set(affected.map((p) => `${p.kind} ${p.name} ${p.week}`));
    const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.filter((k) => !allowed.has(k))).toEqual([]);
    // The pairs are a small part of the report.
    expect(allowed.size).toBeLessThan(after.size / 2);
  });

  it("evaluating pairs alone gives the same figures as the full report", () => {
    const input = world(11);
    const full = computeMetrics(input, options);
    const pairs: GroupWeek[] = full.groups.flatMap((g) =>
      g.weeks.filter((_, i) => i % 5 === 0).map((w) => ({ kind: g.kind, name: g.name, week: w.week })),
    );
    const prep = prepareMetrics(input);
    const fullMap = figuresByPair(full);
    for (const r of evaluateGroupWeeks(prep, pairs, options)) {
      expect(JSON.stringify(r.figures)).toBe(fullMap.get(`${r.kind} ${r.name} ${r.week}`));
    }
  });

  it("rosterSizeOf equals the rosterSize of the full evaluation", () => {
    const input = world(5);
    const prep = prepareMetrics(input);
    const ctx = new GroupContext(prep);
    for (const kind of ["org", "team", "repo"] as const) {
      for (const spec of groupSpecs(prep, kind)) {
        for (const week of ["2026-W03", "2026-W12", "2026-W30"]) {
          const figures = evaluateGroupWeek(ctx, spec, week, { now: options.now, viewerIsAdmin: false });
          expect(rosterSizeOf(ctx, spec, week)).toBe(figures.rosterSize);
        }
      }
    }
  });
});
