import { MetricsOutput } from "@yardstick/metrics";
import { describe, expect, it } from "vitest";
import { escapeMarkdown } from "./escape.js";
import { renderReportMarkdown } from "./markdown.js";
import { metricsCsv, renderReportCsv, reportRows } from "./rows.js";
import { sampleOutput, weekFigures } from "./test-fixture.js";

const options = { title: "Acme | *weekly*", generatedAt: new Date("2026-11-24T09:00:00Z") };
const output = MetricsOutput.parse(sampleOutput());

describe("renderReportMarkdown", () => {
  const md = renderReportMarkdown(output, options);

  it("escapes titles and group names: no raw HTML, no extra table columns", () => {
    expect(md).toContain("# Acme \\| \\*weekly\\*");
    expect(md).not.toContain("<script>");
    expect(md).toContain("&lt;script\\>alert\\('x'\\)&lt;/script\\> & \"platform\"");
    // Every table row of a table has as many cells as its header.
    for (const block of md.split("\n\n").filter((b) => b.startsWith("| "))) {
      const lines = block.split("\n");
      const cells = (l: string) => l.replaceAll("\\|", "").split("|").length;
      for (const l of lines) expect(cells(l), l).toBe(cells(lines[0] ?? ""));
    }
  });

  it("keeps the engine's order, shows suppression and n/a, and footnotes every definition", () => {
    const tracking = md.slice(md.indexOf("## Adoption against the target"), md.indexOf("## Weekly figures"));
    const order = [...tracking.matchAll(/^\| (Organisation|Team|Repository) ([^|]*?) \|/gm)].map((m) => m[2]);
    expect(order).toEqual(output.groups.map((g) => escapeMarkdown(g.name)));
    expect(md).toContain("| Team tiny | suppressed (fewer than k people) |");
    expect(md).toContain("| Repository acme/docs | n/a | n/a | 80% | n/a | n/a |");
    expect(md).toContain("[^1]: **ND**: Normalised deployments");
    expect(md).toMatch(/ND\[\^1\]/);
  });

  it("is deterministic", () => {
    expect(renderReportMarkdown(MetricsOutput.parse(sampleOutput()), options)).toBe(md);
  });

  it("shows an absent figure as n/a, not 0", () => {
    const doc = MetricsOutput.parse({
      ...output,
      groups: [{ kind: "org", name: "acme", weeks: [weekFigures("2026-W47", { nd: null, adoption: null })] }],
    });
    const out = renderReportMarkdown(doc, options);
    expect(out).toContain("| ND[^1] | n/a |");
    expect(out).toContain("| Adoption[^4] | n/a |");
  });
});

describe("renderReportCsv", () => {
  const csv = renderReportCsv(output);
  const lines = csv.trimEnd().split("\n");

  it("has one row per group and week, the metrics columns first", () => {
    expect(lines).toHaveLength(1 + output.groups.length * output.weeks.length);
    const metricsHeader = metricsCsv(output).split("\n")[0] ?? "";
    expect(lines[0]?.startsWith(`${metricsHeader},`)).toBe(true);
    expect(lines[0]).toContain("aiChangeFailureRate");
    expect(lines[0]).not.toMatch(/named/i);
  });

  it("quotes names and leaves absent figures empty, never 0", () => {
    expect(csv).toContain('"<script>alert(\'x\')</script> & ""platform"""');
    const docs = reportRows(output).find((r) => r.name === "acme/docs");
    expect(docs?.nd).toBeNull();
    const header = (lines[0] ?? "").split(",");
    const docsLine = lines.find((l) => l.startsWith("repo,acme/docs,")) ?? "";
    expect(docsLine.split(",")[header.indexOf("nd")]).toBe("");
  });

  it("is empty for a document without groups", () => {
    expect(renderReportCsv({ ...output, groups: [] })).toBe("");
  });
});
