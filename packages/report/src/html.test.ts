import { addWeeks } from "@yardstick/core";
import { MetricsOutput } from "@yardstick/metrics";
import { describe, expect, it } from "vitest";
import { DEFINITIONS, FOOTNOTE_ORDER } from "./definitions.js";
import { niceMax, renderReportHtml, warmUpWeeks } from "./html.js";
import { reportRows } from "./rows.js";
import { sampleOutput, suppressedWeek, weekFigures } from "./test-fixture.js";

const generatedAt = new Date("2026-11-24T09:00:00Z");
const options = { title: "Acme engineering: AI and delivery", generatedAt };

/** Every figure the HTML carries: group, week, field and raw value from the data-* attributes. */
function figuresOf(html: string): { group: string; week: string; field: string; value: string }[] {
  const re = /data-group="([^"]*)" data-week="([^"]*)" data-field="([^"]*)" data-value="([^"]*)"/g;
  return [...html.matchAll(re)].map((m) => ({ group: m[1]!, week: m[2]!, field: m[3]!, value: m[4]! }));
}

const unescapeHtml = (s: string) =>
  s
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");

describe("renderReportHtml", () => {
  const output = MetricsOutput.parse(sampleOutput());
  const html = renderReportHtml(output, options);

  it("is a self-contained document: inline CSS and SVG, no scripts, no network", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<style>");
    expect(html).toContain("@media print");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThan(10);
  });

  it("escapes group names from GitHub everywhere", () => {
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;platform&quot;");
  });

  it("escapes the notes and the caller's coverage text too", () => {
    const hostile = '<img src=x onerror="alert(1)">';
    const out = renderReportHtml(
      MetricsOutput.parse({
        ...output,
        notes: {
          ...output.notes,
          reposWithoutDeploymentSignal: [hostile],
          offBranchDeployments: [hostile],
          changesNotOnBranch: [hostile],
        },
      }),
      { ...options, title: hostile, coverage: { ruleVersions: [hostile] } },
    );
    expect(out).not.toContain("<img");
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });

  it("carries exactly the document's numbers (data-value equals the JSON figure)", () => {
    const rows = new Map(reportRows(output).map((r) => [`${r.kind}:${r.name}|${r.week}`, r]));
    const figures = figuresOf(html).filter((f) => f.week !== "" && !f.field.endsWith("Total"));
    expect(figures.length).toBeGreaterThan(100);
    for (const f of figures) {
      const row = rows.get(`${unescapeHtml(f.group)}|${f.week}`);
      expect(row, `${f.group} ${f.week}`).toBeDefined();
      const expected = row?.[f.field];
      expect(expected, `${f.field} is a report column`).not.toBeUndefined();
      expect(f.value, `${f.group} ${f.week} ${f.field}`).toBe(expected === null ? "" : String(expected));
    }
  });

  it("shows absent figures as n/a, never 0", () => {
    const doc = MetricsOutput.parse({
      ...sampleOutput({ weeks: 2 }),
      groups: [
        {
          kind: "org",
          name: "acme",
          weeks: [
            weekFigures("2026-W46"),
            weekFigures("2026-W47", { nd: null, aind: null, aiShare: null, changeFailureRate: null }),
          ],
        },
      ],
    });
    const out = renderReportHtml(doc, options);
    const nd = figuresOf(out).find((f) => f.field === "nd" && f.week === "2026-W47");
    expect(nd?.value).toBe("");
    expect(out).toMatch(/data-field="nd" data-value="" title="[^"]*">n\/a</);
    expect(out).toMatch(/data-field="changeFailureRate" data-value="" title="[^"]*">n\/a</);
  });

  it("states the counts behind the guardrail rates, AI-assisted and other, where the figures carry them", () => {
    const split = weekFigures("2026-W47").guardrails?.ai;
    if (split === undefined) throw new Error("the fixture has a split");
    const counted = weekFigures("2026-W47", {
      revertRate: { ai: 2 / 10, other: 1 / 20 },
      guardrails: {
        ai: {
          ...split,
          deployments: 4,
          changeFailureRate: 1 / 4,
          revertRate: 2 / 10,
          failedDeployments: 1,
          changes: 10,
          revertedChanges: 2,
        },
        other: {
          ...split,
          deployments: 6,
          changeFailureRate: 0,
          revertRate: 1 / 20,
          failedDeployments: 0,
          changes: 20,
          revertedChanges: 1,
        },
      },
    });
    const doc = MetricsOutput.parse({
      ...sampleOutput({ weeks: 2 }),
      groups: [{ kind: "org", name: "acme", weeks: [weekFigures("2026-W46"), counted] }],
    });
    const text = unescapeHtml(renderReportHtml(doc, options).replace(/<[^>]+>/g, ""));
    // The first page's card and the guardrails section's sentence.
    expect(text).toContain("AI-assisted (2 of 10); other 5% (1 of 20)");
    expect(text).toMatch(
      /revert rate of AI-assisted changes \(20% \(2 of 10\)\) is higher than other changes' \(5% \(1 of 20\)\)/,
    );
    expect(text).toMatch(
      /shipping AI-assisted changes \(25% \(1 of 4\)\) is higher than the others' \(0% \(0 of 6\)\)/,
    );
    expect(text).toContain("1 of 4 deployments shipping AI-assisted changes failed, 0 of 6 others");
    // Figures stored before the counts were: the revert rates alone, never a made-up count.
    const old = renderReportHtml(MetricsOutput.parse(sampleOutput()), options).replace(/<[^>]+>/g, "");
    expect(old).toMatch(/revert rate of AI-assisted changes \(\d+%\) is/);
  });

  it("shows suppressed groups and weeks without figures", () => {
    expect(html).toContain("Suppressed every week: fewer than k people.");
    expect(html).toContain("2 of 12 weeks suppressed");
    expect(figuresOf(html).some((f) => f.group === "team:tiny")).toBe(false);
    // The repository with suppressed weeks says so in its row (its sparkline has gaps there).
    expect(html).toMatch(/Repository acme\/web<\/th>[^\n]*2 of 12 weeks suppressed/);
  });

  it("keeps the engine's group order and ranks nothing", () => {
    const names = output.groups.map((g) => g.name);
    const reversed = MetricsOutput.parse({
      ...output,
      groups: output.groups.map((g, i) => ({
        ...g,
        weeks: g.weeks.map((w) => (w.suppressed ? w : { ...w, adoption: i / 10, nd: 10 - i })),
      })),
    });
    for (const doc of [output, reversed]) {
      const out = renderReportHtml(doc, options);
      // Organisation and teams in the tracking table, then the repositories' table: each in the engine's order.
      const tracking = out.slice(out.indexOf('id="adoption"'), out.indexOf('id="teams"'));
      const repos = out.slice(out.indexOf('id="repositories"'), out.indexOf('id="guardrails"'));
      const order = [
        ...`${tracking}${repos}`.matchAll(/<tr><th scope="row">([^<]*?)(?: <span[^<]*<\/span>)?<\/th>/g),
      ].map((m) => m[1]);
      expect(order).toEqual(
        output.groups.map((g) =>
          `${{ org: "Organisation", team: "Team", repo: "Repository" }[g.kind]} ${g.name}`
            .replaceAll("&", "&amp;")
            .replaceAll("<", "&lt;")
            .replaceAll(">", "&gt;")
            .replaceAll('"', "&quot;")
            .replaceAll("'", "&#39;"),
        ),
      );
    }
    expect(names[0]).toBe("acme");
  });

  it("never shows per-person data, unless the document carries admin names", () => {
    expect(html).not.toContain("Named person-weeks");
    const named = MetricsOutput.parse({
      ...output,
      groups: [
        {
          kind: "org",
          name: "acme",
          weeks: [
            weekFigures("2026-W47", {
              flags: {
                volumeSpike: 1,
                trivialShare: 0,
                selfMergedAi: 0,
                highRevertShare: 0,
                tokenHeavyNothingShipped: null,
                named: {
                  volumeSpike: ["p-17"],
                  trivialShare: [],
                  selfMergedAi: [],
                  highRevertShare: [],
                  tokenHeavyNothingShipped: [],
                },
              },
            }),
          ],
        },
      ],
    });
    const out = renderReportHtml(named, options);
    expect(out).toContain("Named person-weeks (admins only)");
    expect(out).toContain("p-17");
  });

  it("has a numbered footnote for every definition, and each label links to one", () => {
    for (const [i, key] of FOOTNOTE_ORDER.entries()) {
      expect(html).toContain(`<li id="fn-${i + 1}"><strong>${DEFINITIONS[key].label}</strong>`);
    }
    const refs = [...html.matchAll(/href="#fn-(\d+)"/g)].map((m) => Number(m[1]));
    expect(refs.length).toBeGreaterThan(20);
    for (const n of refs) expect(n).toBeLessThanOrEqual(FOOTNOTE_ORDER.length);
    expect(html).toMatch(/<abbr title="Normalised deployments: /);
  });

  it("tracks the target: trend, people still needed, crossings", () => {
    const doc = MetricsOutput.parse({
      ...sampleOutput({ weeks: 2 }),
      groups: [
        {
          kind: "team",
          name: "up",
          weeks: [
            weekFigures("2026-W46", { adoption: 0.7 }),
            weekFigures("2026-W47", { adoption: 0.85, peopleToTarget: 0 }),
          ],
        },
        {
          kind: "team",
          name: "down",
          weeks: [
            weekFigures("2026-W46", { adoption: 0.9 }),
            weekFigures("2026-W47", { adoption: 0.5, peopleToTarget: 3 }),
          ],
        },
        { kind: "team", name: "gone", weeks: [weekFigures("2026-W46"), suppressedWeek("2026-W47")] },
      ],
    });
    const out = renderReportHtml(doc, options);
    expect(out).toContain("Crossed the target this week</abbr>");
    expect(out).toMatch(/Crossed the target this week<\/abbr><sup[^>]*>.*?<\/sup>: Team up\. Fell below: Team down\./);
    expect(out).toContain("▲ up");
    expect(out).toContain("▼ down");
    expect(out).toMatch(/Team gone<\/th><td colspan="8" class="note"[^>]*>suppressed/);
    // The projection column: up is at target, down has too few weeks for a trend.
    expect(out).toMatch(/Target reached<\/abbr>/);
    expect(out).toMatch(/>reached<\/td><\/tr>/);
    expect(out).toMatch(/>unknown \(only 2 weeks with a value\)<\/td><\/tr>/);
  });

  it("shows a repository's adoption without a target, and the organisation's projection in the headline", () => {
    const weeks = (target: number | null) =>
      [0.4, 0.45, 0.5, 0.55, 0.6, 0.65].map((v, i) =>
        weekFigures(addWeeks("2026-W42", i), { adoption: v, adoptionTarget: target, peopleToTarget: 2 }),
      );
    const doc = MetricsOutput.parse({
      ...sampleOutput({ weeks: 6 }),
      groups: [
        { kind: "org", name: "acme", weeks: weeks(0.8) },
        { kind: "repo", name: "acme/api", weeks: weeks(null) },
      ],
    });
    const out = renderReportHtml(doc, options);
    expect(out).toContain("Target reached at the trend of the last 8 weeks: 2026-W50 (in 3 weeks).");
    expect(out).toContain("no target (a repository is not a team)");
  });

  it("picks the last complete week, and is deterministic", () => {
    // 2026-W48 is the week of 2026-11-24: not complete, so the report leads with W47.
    const doc = MetricsOutput.parse(sampleOutput({ lastWeek: "2026-W48" }));
    const out = renderReportHtml(doc, options);
    expect(out).toContain("report week 2026-W47");
    expect(renderReportHtml(doc, options)).toBe(out);
    expect(renderReportHtml(MetricsOutput.parse(sampleOutput({ lastWeek: "2026-W48" })), options)).toBe(out);
  });

  it("renders coverage, including what the caller passes", () => {
    const out = renderReportHtml(output, {
      ...options,
      coverage: {
        unresolvedAccounts: 4,
        lastSyncAt: new Date("2026-11-24T06:00:00Z"),
        syncStreamsWithErrors: 0,
        ruleVersions: ["2026.11.1"],
      },
    });
    expect(out).toContain("<code>acme/docs</code>");
    expect(out).toContain("acme/api:deployments:991");
    expect(out).toContain('data-field="mergedNotDeployed" data-value="17"');
    expect(out).toContain('data-field="unresolvedAccounts" data-value="4"');
    expect(out).toContain("2026-11-24 06:00 UTC (3.0 h before this report)");
    expect(out).toContain("<code>2026.11.1</code>");
    // A sync after the report's time (another clock) is never a negative age.
    const later = renderReportHtml(output, {
      ...options,
      coverage: { lastSyncAt: new Date(options.generatedAt.getTime() + 324.5 * 3_600_000) },
    });
    expect(later).not.toMatch(/[−-]\d[\d.]* h before this report/);
    expect(later).toContain("after this report&#39;s time");
    expect(out).toContain("merged (no deployment signal)");
  });

  it("handles an empty document", () => {
    const out = renderReportHtml(
      MetricsOutput.parse({
        weeks: [],
        groups: [],
        notes: {
          timeZone: "UTC",
          reposWithoutDeploymentSignal: [],
          offBranchDeployments: [],
          changesNotOnBranch: [],
          mergedNotDeployed: 0,
        },
      }),
      options,
    );
    expect(out).toContain("No groups in this range.");
  });
});

describe("the two-minute layout", () => {
  const weeks = (n: number, pick: (i: number) => Partial<ReturnType<typeof weekFigures>>) =>
    Array.from({ length: n }, (_, i) => weekFigures(addWeeks("2026-W36", i), pick(i)));

  it("starts the charts after the warm-up: the first 3 weeks of the history, from the database or the document", () => {
    // Two empty weeks, then the history starts in 2026-W38: W38-W40 are the warm-up.
    const doc = MetricsOutput.parse({
      ...sampleOutput({ weeks: 12 }),
      groups: [{ kind: "org", name: "acme", weeks: weeks(12, (i) => (i < 2 ? { mergedChanges: 0 } : {})) }],
    });
    expect(warmUpWeeks(doc, undefined)).toEqual(["2026-W38", "2026-W39", "2026-W40"]);
    const out = renderReportHtml(doc, options);
    expect(out).toContain("charts from 2026-W41 (after the warm-up)");
    expect(out).toMatch(/Warm-up<\/abbr><sup[^>]*>.*?<\/sup>: 2026-W38, 2026-W39, 2026-W40 are left out of the charts/);
    const firstChart = out.slice(out.indexOf('<svg class="chart'), out.indexOf("</svg>"));
    expect(firstChart).toContain("2026-W41");
    expect(firstChart).not.toContain("2026-W40");
    // From the database: the first merged change's week, whatever the document shows.
    const full = MetricsOutput.parse({ ...doc, groups: [{ kind: "org", name: "acme", weeks: weeks(12, () => ({})) }] });
    expect(warmUpWeeks(full, undefined)).toEqual([]);
    expect(warmUpWeeks(full, { firstMergedAt: new Date("2026-09-01T10:00:00Z") })).toEqual([
      "2026-W36",
      "2026-W37",
      "2026-W38",
    ]);
    // A history that began long before the document: nothing to mark.
    expect(warmUpWeeks(full, { firstMergedAt: new Date("2025-01-01T00:00:00Z") })).toEqual([]);
  });

  it("draws every team's ND on one y axis, and the repositories as table rows, not charts", () => {
    const doc = MetricsOutput.parse({
      ...sampleOutput({ weeks: 6 }),
      groups: [
        { kind: "org", name: "acme", weeks: weeks(6, () => ({})) },
        { kind: "team", name: "fast", weeks: weeks(6, (i) => ({ nd: 3 + i * 0.5, aind: 1 })) },
        { kind: "team", name: "slow", weeks: weeks(6, () => ({ nd: 0.4, aind: 0.1 })) },
        { kind: "repo", name: "acme/api", weeks: weeks(6, () => ({})) },
        { kind: "repo", name: "acme/web", weeks: weeks(6, () => ({})) },
      ],
    });
    const out = renderReportHtml(doc, options);
    expect(niceMax(5.5)).toBe(10);
    expect(niceMax(2.2)).toBe(2.5);
    const ndCharts = [
      ...out.matchAll(/<svg class="chart[^>]*aria-label="Team (\w+): normalised deployments[^"]*"[\s\S]*?<\/svg>/g),
    ];
    expect(ndCharts.map((m) => m[1])).toEqual(["fast", "slow"]);
    // The top tick of both is the shared maximum (the fast team's 5.5 rounds up to 10).
    for (const m of ndCharts) expect(m[0]).toContain(">10</text>");
    expect(out).not.toMatch(/aria-label="Repository /);
    expect(out).toMatch(/<table class="figures small repos">[\s\S]*Repository acme\/api[\s\S]*Repository acme\/web/);
    // Definitions come last.
    expect(out.lastIndexOf('id="definitions"')).toBeGreaterThan(out.lastIndexOf('id="coverage"'));
  });
});
