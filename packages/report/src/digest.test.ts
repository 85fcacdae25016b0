import type { MetricsOutput, WeekFigures } from "@yardstick/metrics";
import { describe, expect, it } from "vitest";
import { buildDigest, type GroupWeekSamples, guardrailRegressions } from "./digest.js";
import {
  digestSubject,
  escapeSlack,
  renderDigestHtml,
  renderDigestMarkdown,
  renderDigestSlack,
  renderDigestText,
} from "./digest-render.js";
import { sampleOutput, suppressedWeek, weekFigures } from "./test-fixture.js";

const generatedAt = new Date("2026-11-23T09:00:00Z");

function doc(groups: MetricsOutput["groups"], notes: Partial<MetricsOutput["notes"]> = {}): MetricsOutput {
  return {
    weeks: ["2026-W46", "2026-W47"],
    groups,
    notes: {
      timeZone: "UTC",
      reposWithoutDeploymentSignal: [],
      offBranchDeployments: [],
      changesNotOnBranch: [],
      mergedNotDeployed: 0,
      ...notes,
    },
  };
}

const team = (name: string, w46: Partial<WeekFigures>, w47: Partial<WeekFigures>) => ({
  kind: "team" as const,
  name,
  weeks: [weekFigures("2026-W46", w46), weekFigures("2026-W47", w47)],
});

describe("buildDigest", () => {
  it("leads with the organisation's figures and their week-over-week change", () => {
    const output = doc([
      {
        kind: "org",
        name: "acme",
        weeks: [
          weekFigures("2026-W46", { nd: 2.5, adoption: 0.6, deployments: 10, leadTimeHours: { median: 20, p90: 40 } }),
          weekFigures("2026-W47", { nd: 3, adoption: 0.65, deployments: 12, leadTimeHours: { median: 18.5, p90: 40 } }),
        ],
      },
    ]);
    const d = buildDigest(output, { week: "2026-W47", generatedAt });
    expect(d.previousWeek).toBe("2026-W46");
    expect(d.start.toISOString()).toBe("2026-11-16T00:00:00.000Z");
    expect(d.end.toISOString()).toBe("2026-11-23T00:00:00.000Z");
    const byKey = Object.fromEntries(d.headline.map((h) => [h.key, h]));
    expect(byKey.nd).toMatchObject({ value: 3, previous: 2.5, text: "3", change: "+0.50" });
    expect(byKey.adoption).toMatchObject({ value: 0.65, previous: 0.6, text: "65%", change: "+5 pp" });
    expect(byKey.deployments).toMatchObject({ text: "12", change: "+2" });
    expect(byKey.leadTimeMedian).toMatchObject({ text: "18.5 h", change: "−1.5 h" });
    expect(byKey.costPerAiChange).toMatchObject({ value: null, text: "n/a", change: "n/a" });
  });

  it("says n/a for the change when the previous week is suppressed or missing, never 0", () => {
    const output = doc([{ kind: "org", name: "acme", weeks: [suppressedWeek("2026-W46"), weekFigures("2026-W47")] }]);
    const d = buildDigest(output, { week: "2026-W47", generatedAt });
    expect(d.headline.every((h) => h.change === "n/a" && h.previous === null)).toBe(true);
    expect(d.flags.every((f) => f.previous === null)).toBe(true);
  });

  it("has no figures and a warning when the organisation is suppressed", () => {
    const output = doc([
      { kind: "org", name: "acme", weeks: [suppressedWeek("2026-W46"), suppressedWeek("2026-W47")] },
    ]);
    const d = buildDigest(output, { week: "2026-W47", generatedAt });
    expect(d.headline).toEqual([]);
    expect(d.flags).toEqual([]);
    expect(d.warnings).toContain("The organisation has fewer than k people this week: its figures are suppressed.");
  });

  it("tracks teams against their targets and names crossings, keeping the engine's order", () => {
    const output = doc([
      { kind: "org", name: "acme", weeks: [weekFigures("2026-W46"), weekFigures("2026-W47")] },
      team("zeta", { adoption: 0.7, adoptionTarget: 0.8 }, { adoption: 0.85, adoptionTarget: 0.8, peopleToTarget: 0 }),
      team("alpha", { adoption: 0.9 }, { adoption: 0.5, peopleToTarget: 3 }),
      { kind: "team", name: "tiny", weeks: [suppressedWeek("2026-W46"), suppressedWeek("2026-W47")] },
    ]);
    const d = buildDigest(output, { week: "2026-W47", generatedAt });
    expect(d.adoption.teams.map((t) => t.name)).toEqual(["zeta", "alpha", "tiny"]);
    expect(d.adoption.crossed.map((t) => t.name)).toEqual(["zeta"]);
    expect(d.adoption.fellBelow.map((t) => t.name)).toEqual(["alpha"]);
    expect(d.adoption.teams[1]).toMatchObject({ trend: "down", peopleToTarget: 3, atTarget: false });
    expect(d.warnings).toContain('1 team has fewer than k people: its people count in "other".');
  });

  it("collects data warnings from the document and the coverage", () => {
    const output = doc(
      [{ kind: "org", name: "acme", weeks: [weekFigures("2026-W46"), weekFigures("2026-W47", { provisional: true })] }],
      {
        reposWithoutDeploymentSignal: ["acme/docs", "acme/wiki"],
        offBranchDeployments: ["d1"],
        changesNotOnBranch: [],
      },
    );
    const d = buildDigest(output, {
      week: "2026-W47",
      generatedAt,
      coverage: {
        unresolvedAccounts: 3,
        lastSyncAt: new Date("2026-11-20T00:00:00Z"),
        syncStreamsWithErrors: 1,
        ruleVersions: ["2026.11.1"],
      },
    });
    expect(d.warnings).toEqual([
      "Figures are provisional: changes merged this week can still be reverted within the revert window, which lowers them.",
      "2 repositories have no deployment signal (their figures use the merged variant): configure a deployment method.",
      "1 production deployment shipped a commit not on the tracked branch (not linked).",
      "3 accounts are credited with changes but resolve to no person: add them to the roster or identity map.",
      "The last sync ran 2026-11-20 00:00 UTC, before the week ended: the week may be incomplete.",
      "1 sync stream ended in an error on its last run.",
    ]);
  });

  it("warns when the week is outside the data and when nothing was synced", () => {
    const output = doc([{ kind: "org", name: "acme", weeks: [weekFigures("2026-W46")] }]);
    const d = buildDigest(output, { week: "2026-W47", generatedAt, coverage: { lastSyncAt: null } });
    expect(d.warnings).toEqual([
      "No figures for 2026-W47: the week is outside the synced data.",
      "Nothing has been synced from GitHub yet.",
    ]);
  });

  it("never carries named flags, only counts", () => {
    const named = {
      volumeSpike: ["p-1"],
      trivialShare: [],
      selfMergedAi: ["p-2"],
      highRevertShare: [],
      tokenHeavyNothingShipped: [],
    };
    const w = weekFigures("2026-W47", { flags: { ...weekFigures("x").flags, volumeSpike: 1, selfMergedAi: 1, named } });
    const d = buildDigest(doc([{ kind: "org", name: "acme", weeks: [weekFigures("2026-W46"), w] }]), {
      week: "2026-W47",
      generatedAt,
    });
    expect(d.flags.find((f) => f.key === "volumeSpike")).toMatchObject({ count: 1, previous: 0 });
    const all = [
      renderDigestMarkdown(d),
      renderDigestText(d),
      renderDigestHtml(d),
      JSON.stringify(renderDigestSlack(d)),
    ];
    for (const text of all) expect(text).not.toMatch(/p-1|p-2/);
  });
});

describe("buildDigest: a handful of regressions, with absolute links", () => {
  const team = (name: string, failed: number) => ({
    kind: "team" as const,
    name,
    weeks: [
      weekFigures("2026-W46", { deployments: 20, changeFailureRate: 0.05, guardrails: null }),
      weekFigures("2026-W47", { deployments: 20, changeFailureRate: failed / 20, guardrails: null }),
    ],
  });
  const doc: MetricsOutput = {
    ...sampleOutput({ weeks: 2 }),
    groups: [8, 9, 10, 11, 12, 13, 14, 3].map((failed, i) => team(`t${i}`, failed)),
  };

  it("lists at most MAX_REGRESSIONS, smallest p first, and counts the rest", () => {
    const d = buildDigest(doc, { week: "2026-W47", generatedAt });
    expect(d.regressions.map((r) => r.group)).toEqual(["Team t6", "Team t5", "Team t4", "Team t3", "Team t2"]);
    expect(d.regressionSummary).toMatchObject({ tested: 8, significant: 7, shown: 5 });
    expect(renderDigestMarkdown(d)).toContain("7 of 8 comparisons significant; the other 1: no significant change");
    expect(renderDigestMarkdown(d)).toContain("2 more are in the report");
  });

  it("makes the report link absolute against the configured base URL", () => {
    const base = "https://yardstick.example.com/reports/";
    expect(buildDigest(doc, { week: "2026-W47", generatedAt, reportUrl: "report.html", baseUrl: base }).reportUrl).toBe(
      "https://yardstick.example.com/reports/report.html",
    );
    expect(buildDigest(doc, { week: "2026-W47", generatedAt, baseUrl: base }).reportUrl).toBe(base);
    expect(buildDigest(doc, { week: "2026-W47", generatedAt, reportUrl: "report.html" }).reportUrl).toBe("report.html");
  });
});

describe("guardrailRegressions", () => {
  const g = { kind: "team" as const, name: "payments" };
  const split = weekFigures("x").guardrails!;
  // 20 deployments of which 1 failed: the previous week.
  const base = weekFigures("2026-W46", { deployments: 20, changeFailureRate: 0.05, guardrails: null });
  const texts = (r: ReturnType<typeof guardrailRegressions>) => r.regressions.map((x) => x.text);

  it("reports nothing when the figures hold, and says how many comparisons it made", () => {
    expect(guardrailRegressions(g, { ...base, week: "2026-W47" }, base)).toEqual({ regressions: [], tested: 1 });
  });

  it("calls a rise a regression only when Fisher's exact test says so, with the counts", () => {
    const worse = { ...base, week: "2026-W47", changeFailureRate: 0.4 }; // 8 of 20
    expect(texts(guardrailRegressions(g, worse, base))).toEqual([
      "change failure rate 40% (8 of 20 deployments; previous week 5%, 1 of 20): p = 0.010",
    ]);
    // 4 of 20 against 1 of 20: up 15 points, p = 0.17: no significant change.
    expect(guardrailRegressions(g, { ...worse, changeFailureRate: 0.2 }, base).regressions).toEqual([]);
  });

  it("small samples are never regressions: 1 failed of 2 deployments, 2 of 3, 1 of 1 against none", () => {
    for (const [deployments, rate] of [
      [2, 0.5],
      [3, 2 / 3],
      [1, 1],
    ] as const) {
      const w = { ...base, week: "2026-W47", deployments, changeFailureRate: rate };
      const before = { ...base, deployments: 4, changeFailureRate: 0 };
      expect(guardrailRegressions(g, w, before)).toEqual({ regressions: [], tested: 1 });
    }
    // AI-assisted 1 of 1 failed against 0 of 3 other deployments: p = 0.25.
    const w = {
      ...base,
      guardrails: {
        ai: { ...split.ai, deployments: 1, changeFailureRate: 1 },
        other: { ...split.other, deployments: 3, changeFailureRate: 0 },
      },
    };
    expect(guardrailRegressions(g, w, base)).toEqual({ regressions: [], tested: 2 });
  });

  it("AI-assisted deployments failing more often than the others, beyond chance", () => {
    const w = {
      ...base,
      guardrails: {
        ai: { ...split.ai, deployments: 10, changeFailureRate: 0.6 },
        other: { ...split.other, deployments: 20, changeFailureRate: 0.05 },
      },
    };
    expect(texts(guardrailRegressions(g, w, base))).toEqual([
      "change failure rate, AI-assisted vs other 60% (6 of 10 deployments shipping AI-assisted changes; other deployments 5%, 1 of 20): p = 0.002",
    ]);
  });

  it("compares nothing across a suppressed week", () => {
    const w = { ...base, changeFailureRate: 0.5 };
    expect(guardrailRegressions(g, w, suppressedWeek("2026-W46")).tested).toBe(0);
    expect(guardrailRegressions(g, suppressedWeek("2026-W47"), base).tested).toBe(0);
  });
});

describe("guardrailRegressions with the week's samples (lead times, revert counts)", () => {
  const g = { kind: "team" as const, name: "payments" };
  const w = weekFigures("2026-W47", { deployments: 20, changeFailureRate: 0.05, guardrails: null });
  const p = weekFigures("2026-W46", { deployments: 20, changeFailureRate: 0.05, guardrails: null });
  const samples = (
    ai: number[],
    other: number[],
    reverted = { ai: 0, other: 0 },
    changes?: { ai: number; other: number },
  ): GroupWeekSamples => ({
    kind: "team",
    name: "payments",
    leadTimeHours: { ai, other },
    changes: changes ?? { ai: ai.length, other: other.length },
    reverted,
  });
  const range = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);

  it("calls AI-assisted lead times longer than the others' a regression only past Mann-Whitney at 5%, with medians and counts", () => {
    const r = guardrailRegressions(g, w, p, samples(range(10, 100), range(12, 10)));
    expect(r.tested).toBe(3); // change failure rate week on week, revert rate, lead time
    expect(r.regressions.map((x) => x.text)).toEqual([
      "lead time, AI-assisted vs other: median 104.5 h (10 AI-assisted changes) against 15.5 h (12 other changes), Mann-Whitney U = 120 (exact): p < 0.001",
    ]);
    expect(r.regressions[0]?.test).toBe("mann-whitney");
    // Interleaved lead times: no significant change.
    const mixed = guardrailRegressions(g, w, p, samples(range(10, 10), range(12, 9)));
    expect(mixed).toEqual({ regressions: [], tested: 3 });
  });

  it("small samples are never regressions: fewer than 5 lead times a side are not compared", () => {
    // 4 AI-assisted changes, each slower than all 20 others: not compared at all.
    expect(guardrailRegressions(g, w, p, samples([500, 600, 700, 800], range(20, 1)))).toEqual({
      regressions: [],
      tested: 2,
    });
    // 1 AI-assisted change at 500 h against 10 at 1-10 h: not compared either.
    expect(guardrailRegressions(g, w, p, samples([500], range(10, 1))).tested).toBe(2);
    // The minimum itself is not a free pass: 5 against 5 with every AI-assisted change slower is
    // significant only because the exact p is 1/252 (one ordering of 252).
    const five = guardrailRegressions(g, w, p, samples(range(5, 100), range(5, 1)));
    expect(five.regressions[0]?.pValue).toBeCloseTo(1 / 252, 12);
  });

  it("revert rates: AI-assisted against other by Fisher's exact test with the counts; 1 of 2 is not a regression", () => {
    const few = guardrailRegressions(g, w, p, samples([1, 2], range(10, 1), { ai: 1, other: 0 }));
    expect(few).toEqual({ regressions: [], tested: 2 });
    const many = guardrailRegressions(g, w, p, samples(range(10, 1), range(20, 1), { ai: 6, other: 1 }));
    expect(many.regressions.map((x) => x.text)).toEqual([
      "revert rate, AI-assisted vs other 60% (6 of 10 AI-assisted changes reverted; other changes 5%, 1 of 20): p = 0.002",
    ]);
  });

  it("buildDigest takes the samples per group and says so in the summary", () => {
    const doc: MetricsOutput = {
      ...sampleOutput({ weeks: 2 }),
      groups: [{ kind: "team", name: "payments", weeks: [p, w] }],
    };
    const d = buildDigest(doc, {
      week: "2026-W47",
      generatedAt,
      samples: [samples(range(10, 100), range(12, 10))],
    });
    expect(d.regressions.map((r) => r.figure)).toEqual(["lead time, AI-assisted vs other"]);
    expect(d.regressionSummary).toMatchObject({ tested: 3, significant: 1, withSamples: true });
    expect(renderDigestMarkdown(d)).toContain("Mann-Whitney U for lead times");
    expect(buildDigest(doc, { week: "2026-W47", generatedAt }).regressionSummary.tested).toBe(1);
  });
});

describe("rendering", () => {
  const output = sampleOutput({ lastWeek: "2026-W47", weeks: 6 });
  const d = buildDigest(output, { week: "2026-W47", generatedAt, reportUrl: "https://yardstick.acme.test/r?a=1&b=2" });

  it("says the same headline figures in every channel", () => {
    const markdown = renderDigestMarkdown(d);
    const text = renderDigestText(d);
    const html = renderDigestHtml(d);
    const slack = JSON.stringify(renderDigestSlack(d));
    for (const h of d.headline) {
      expect(markdown).toContain(`| ${h.label} | ${h.text} | ${h.change} |`);
      expect(text).toContain(`${h.label}: ${h.text} (${h.change} on the previous week)`);
      expect(html).toContain(`>${h.text}</span>`);
      expect(slack).toContain(`${h.text} (${h.change})`);
    }
  });

  it("escapes hostile group names in each format", () => {
    const html = renderDigestHtml(d);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    expect(renderDigestMarkdown(d)).not.toContain("<script>");
    const slack = renderDigestSlack(d);
    expect(JSON.stringify(slack)).not.toContain("<script>");
    expect(JSON.stringify(slack)).toContain("&lt;script&gt;alert('x')&lt;/script&gt; &amp;");
  });

  it("builds a Block Kit message within Slack's limits", () => {
    const slack = renderDigestSlack(d);
    expect(slack.text).toBe(digestSubject(d));
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    expect(slack.blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text" } });
    for (const b of slack.blocks) {
      if (b.type === "section") {
        expect(b.text === undefined ? 0 : b.text.text.length).toBeLessThanOrEqual(3000);
        expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
      }
    }
    expect(JSON.stringify(slack)).toContain("<https://yardstick.acme.test/r?a=1&b=2|the full report>");
  });

  it("renders a self-contained HTML page (no scripts, no external resources)", () => {
    const html = renderDigestHtml(d);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=/);
    expect(html).toContain('href="https://yardstick.acme.test/r?a=1&amp;b=2"');
  });

  it("puts adoption against target in the subject", () => {
    const org = d.adoption.org;
    expect(digestSubject(d)).toBe(
      `Yardstick acme, 2026-W47: adoption ${Math.round((org?.adoption ?? 0) * 100)}% against 80%`,
    );
  });

  it("names the week's calendar days, whatever the zone's offset", () => {
    const berlin = doc([{ kind: "org", name: "acme", weeks: [weekFigures("2026-W46"), weekFigures("2026-W47")] }], {
      timeZone: "Europe/Berlin",
    });
    const d = buildDigest(berlin, { week: "2026-W47", generatedAt });
    expect(d.start.toISOString()).toBe("2026-11-15T23:00:00.000Z");
    expect(renderDigestText(d)).toContain("Week 2026-W47 (2026-11-16 to 2026-11-22, Europe/Berlin)");
  });

  it("says why a flag has no count, and writes its own prose unescaped", () => {
    const plain = buildDigest(
      doc([{ kind: "org", name: "acme", weeks: [weekFigures("2026-W46"), weekFigures("2026-W47")] }]),
      {
        week: "2026-W47",
        generatedAt,
      },
    );
    const markdown = renderDigestMarkdown(plain);
    expect(markdown).toContain("| Token-heavy, nothing shipped | n/a (no usage imported) |");
    expect(markdown).toContain("Week 2026-W47 (2026-11-16 to 2026-11-22, UTC).");
    expect(markdown).toContain(
      "Organisation: 63% (4-week 75%, target 80% on the week's value): 2 more people needed; target reached at this trend: ",
    );
  });

  it("escapes Slack's control characters only", () => {
    expect(escapeSlack("a <b> & *c*")).toBe("a &lt;b&gt; &amp; *c*");
  });
});
