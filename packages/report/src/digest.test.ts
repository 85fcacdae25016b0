import type { MetricsOutput, WeekFigures } from "@yardstick/metrics";
import { describe, expect, it } from "vitest";
import { buildDigest, guardrailRegressions } from "./digest.js";
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

describe("guardrailRegressions", () => {
  const g = { kind: "team" as const, name: "payments" };
  // 30 deployments of which 3 failed, 28 deployed changes (12 AI-assisted of 24 qualifying): enough of each.
  const base = weekFigures("2026-W46", {
    deployments: 30,
    changeFailureRate: 0.1,
    revertRate: { ai: 0.04, other: 0.04 },
    leadTimeHours: { median: 20, p90: 40 },
    recoveryHoursMedian: 4,
    doraBand: "daily",
    guardrails: null,
  });

  it("reports nothing when the figures hold", () => {
    expect(guardrailRegressions(g, { ...base, week: "2026-W47" }, base)).toEqual([]);
  });

  it("reports a rate up by at least 5 points, and not by less", () => {
    const worse = { ...base, week: "2026-W47", changeFailureRate: 0.15 };
    expect(guardrailRegressions(g, worse, base).map((r) => r.text)).toEqual([
      "change failure rate 15% (previous week 10%, +5 pp)",
    ]);
    expect(guardrailRegressions(g, { ...worse, changeFailureRate: 0.14 }, base)).toEqual([]);
  });

  it("reports lead time and recovery only when up by 25% and by an absolute margin", () => {
    const slow = { ...base, leadTimeHours: { median: 25, p90: 40 }, recoveryHoursMedian: 5 };
    expect(guardrailRegressions(g, slow, base).map((r) => r.figure)).toEqual(["lead time, median", "recovery, median"]);
    const small = { ...base, leadTimeHours: { median: 2.5, p90: 4 }, recoveryHoursMedian: 0.5 };
    const smaller = { ...base, leadTimeHours: { median: 2, p90: 4 }, recoveryHoursMedian: 0.4 };
    expect(guardrailRegressions(g, small, smaller)).toEqual([]);
  });

  it("reports a DORA band that fell and AI-assisted changes faring worse than the rest", () => {
    const w = {
      ...base,
      doraBand: "weekly" as const,
      revertRate: { ai: 0.12, other: 0.04 },
      guardrails: {
        ai: { ...weekFigures("x").guardrails!.ai, deployments: 10, changeFailureRate: 0.3 },
        other: { ...weekFigures("x").guardrails!.other, deployments: 20, changeFailureRate: 0.1 },
      },
    };
    expect(guardrailRegressions(g, w, { ...base, revertRate: { ai: 0.1, other: 0.04 } }).map((r) => r.text)).toEqual([
      "deployment frequency band fell from daily to weekly",
      "revert rate, AI-assisted vs other: AI-assisted 12% against 4% for other changes",
      "change failure rate, AI-assisted vs other: AI-assisted 30% against 10% for other changes",
    ]);
  });

  it("says nothing where too few events make a rate or a median noise", () => {
    // 3 deployments, 1 failed: 33%, against 10% the week before; 4 changes; 1 failure.
    const few = { ...base, deployments: 3, changeFailureRate: 0.33, deployedChanges: 4, recoveryHoursMedian: 40 };
    expect(guardrailRegressions(g, { ...few, leadTimeHours: { median: 90, p90: 90 } }, base)).toEqual([]);
    // The week before had too few: no comparison either.
    expect(guardrailRegressions(g, { ...base, changeFailureRate: 0.5 }, { ...base, deployments: 4 })).toEqual([]);
    // AI-assisted vs other needs 5 deployments and 5 qualifying changes on each side.
    const split = weekFigures("x").guardrails!;
    const gapOnly = {
      ...base,
      revertRate: { ai: 0.3, other: 0 },
      aiQualifyingChanges: 4,
      guardrails: {
        ai: { ...split.ai, deployments: 4, changeFailureRate: 0.5 },
        other: { ...split.other, deployments: 26 },
      },
    };
    expect(guardrailRegressions(g, gapOnly, { ...base, revertRate: { ai: 0.3, other: 0 } })).toEqual([]);
  });

  it("compares nothing across a suppressed week", () => {
    const w = { ...base, changeFailureRate: 0.5 };
    expect(guardrailRegressions(g, w, suppressedWeek("2026-W46"))).toEqual([]);
    expect(guardrailRegressions(g, suppressedWeek("2026-W47"), base)).toEqual([]);
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
