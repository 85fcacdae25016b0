import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addWeeks, isoWeekOf, mondayOf } from "@yardstick/core";
import { generateWorld, presetOptions, World } from "@yardstick/github-sim";
import { MetricsOutput } from "@yardstick/metrics";
import { renderReportCsv, reportRows, toCsv } from "@yardstick/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../demo/run-demo.js";
import { configInputForWorld } from "../demo/world-config.js";
import { metricsCsv } from "../metrics-output.js";
import { runCli } from "../test-cli.js";
import { registerMetrics } from "./metrics.js";
import { registerReport } from "./report.js";

/**
 * `yardstick report` end to end: the small simulated organisation synced into PGlite by the demo,
 * then the report read from that database (and from the demo's metrics.json). Its figures must be
 * those of `yardstick metrics --format json` for the same range.
 */
const SEED = 5;
let dir: string;
let dataDir: string;
let configFile: string;
let document: MetricsOutput;
let from: string;
let to: string;

const day = (week: string) => {
  const d = mondayOf(week);
  return `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
};

const cli = (args: string[]) => runCli([registerMetrics, registerReport], args);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yardstick-report-"));
  dataDir = join(dir, "data");
  const result = await runDemo({ size: "small", seed: SEED, outDir: join(dir, "out"), dataDir, progress: false });
  document = result.output;
  const world = World.from(generateWorld(presetOptions("small", SEED)), { truth: false });
  configFile = join(dir, "yardstick.config.json");
  writeFileSync(configFile, JSON.stringify(configInputForWorld(world)));
  from = day(document.weeks[0] ?? "");
  to = day(document.weeks.at(-1) ?? "");
  // The small world's sync: seconds on a quiet machine, minutes on a loaded one.
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const db = () => ["--config", configFile, "--database-url", `pglite:${dataDir}`];

describe("the demo's clock", () => {
  it("ends the simulated history at the real last complete week, and times the report now (no negative ages)", () => {
    const started = new Date();
    expect(document.weeks.at(-1)).toBe(addWeeks(isoWeekOf(started, "UTC"), -1));
    const html = readFileSync(join(dir, "out", "report.html"), "utf8");
    expect(html).toMatch(/simulated data ending \d{4}-\d{2}-\d{2}/);
    expect(html).not.toMatch(/−?-\d[\d.]* h before this report/);
    const generated = /generated (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC/.exec(html)?.[1];
    expect(generated, "the report's generated-at").toBeDefined();
    // Real time: within the last hour, not the simulated world's clock.
    expect(Math.abs(Date.parse(`${generated?.replace(" ", "T")}:00Z`) - started.getTime())).toBeLessThan(3_600_000);
  });
});

describe("yardstick report", () => {
  it("reads the database like `yardstick metrics`: the same figures as its JSON for the same range", async () => {
    const json = MetricsOutput.parse(
      JSON.parse(await cli(["metrics", "--from", from, "--to", to, "--format", "json", ...db()])),
    );
    expect(json.groups.length).toBeGreaterThan(3);

    const csvFile = join(dir, "report.csv");
    const printed = await cli(["report", "--from", from, "--to", to, "--out", csvFile, ...db()]);
    expect(printed).toContain(`Report (csv): ${csvFile}`);
    expect(readFileSync(csvFile, "utf8")).toBe(toCsv(reportRows(json)));
    // The first columns are exactly `yardstick metrics --format csv`.
    const metricsLines = metricsCsv(json).trimEnd().split("\n");
    const reportLines = readFileSync(csvFile, "utf8").trimEnd().split("\n");
    expect(reportLines).toHaveLength(metricsLines.length);
    for (const [i, line] of metricsLines.entries()) expect(reportLines[i]?.startsWith(line)).toBe(true);

    const htmlFile = join(dir, "report.html");
    await cli(["report", "--from", from, "--to", to, "--out", htmlFile, "--title", "Acme & co", ...db()]);
    const html = readFileSync(htmlFile, "utf8");
    expect(html).toContain("<title>Acme &amp; co</title>");
    const rows = new Map(reportRows(json).map((r) => [`${r.kind}:${r.name}|${r.week}`, r]));
    const figures = [
      ...html.matchAll(/data-group="([^"]*)" data-week="([^"]+)" data-field="([^"]*)" data-value="([^"]*)"/g),
    ];
    expect(figures.length).toBeGreaterThan(50);
    for (const [, group, week, field, value] of figures) {
      const row = rows.get(`${group?.replaceAll("&amp;", "&")}|${week}`);
      const expected = row?.[field ?? ""];
      expect(value, `${group} ${week} ${field}`).toBe(
        expected === null || expected === undefined ? "" : String(expected),
      );
    }
    // Coverage from the database: sync freshness and the attribution rule version.
    expect(html).toContain("Last sync: ");
    expect(html).toMatch(/Attribution rule versions?: <code>/);
  });

  it("renders a metrics.json that `yardstick run` wrote, as HTML, Markdown and CSV", async () => {
    const input = join(dir, "out", "metrics.json");
    await cli(["report", "--input", input, "--out", join(dir, "from-file.csv")]);
    expect(readFileSync(join(dir, "from-file.csv"), "utf8")).toBe(renderReportCsv(document));
    await cli(["report", "--input", input, "--out", join(dir, "from-file.md")]);
    const md = readFileSync(join(dir, "from-file.md"), "utf8");
    expect(md).toMatch(/^# Yardstick: /);
    expect(md).toContain("## Definitions");
    await cli(["report", "--input", input, "--out", join(dir, "nested", "from-file.html"), "--format", "html"]);
    expect(readFileSync(join(dir, "nested", "from-file.html"), "utf8")).toMatch(/^<!doctype html>/);
  });

  it("says what is wrong with bad options and bad input", async () => {
    // No --from/--to: the 26 weeks ending with the last complete week, as `yardstick run` reports (issue 15).
    await cli(["report", "--out", join(dir, "x.html"), ...db()]);
    expect(readFileSync(join(dir, "x.html"), "utf8")).toContain(
      `report week ${document.weeks.at(-1)} (the last complete week)`,
    );
    await expect(
      cli(["report", "--from", "2026-13-45", "--to", to, "--out", join(dir, "x.html"), ...db()]),
    ).rejects.toThrow(/--from: not a date/);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ weeks: [], groups: "nope" }));
    await expect(cli(["report", "--input", bad, "--out", join(dir, "x.html")])).rejects.toThrow(/--input groups/);
    await expect(cli(["report", "--input", bad, "--from", from, "--out", join(dir, "x.html")])).rejects.toThrow(
      /not with --input/,
    );
  });

  it("gives the named integrity-flag lists to configured admins only (--as)", async () => {
    const world = World.from(generateWorld(presetOptions("small", SEED)), { truth: false });
    const adminConfig = join(dir, "admins.config.json");
    writeFileSync(adminConfig, JSON.stringify({ ...configInputForWorld(world), admins: ["Ana-Lead"] }));
    const args = ["metrics", "--from", from, "--to", to, "--format", "json", "--database-url", `pglite:${dataDir}`];
    const counts = MetricsOutput.parse(JSON.parse(await cli([...args, "--config", adminConfig])));
    const named = MetricsOutput.parse(JSON.parse(await cli([...args, "--config", adminConfig, "--as", "ana-lead"])));
    const orgWeeks = (o: MetricsOutput) =>
      o.groups.find((g) => g.kind === "org")?.weeks.filter((w) => !w.suppressed) ?? [];
    expect(orgWeeks(counts).every((w) => w.flags.named === null)).toBe(true);
    expect(orgWeeks(named).length).toBeGreaterThan(0);
    expect(orgWeeks(named).every((w) => w.flags.named !== null)).toBe(true);
    // The counts are the same; only the lists are added.
    expect(orgWeeks(named).map((w) => w.flags.selfMergedAi)).toEqual(orgWeeks(counts).map((w) => w.flags.selfMergedAi));
    await expect(cli([...args, "--config", adminConfig, "--as", "mallory"])).rejects.toThrow(
      /--as: "mallory" is not in the configuration's admins \(Ana-Lead\)/,
    );
  });
});
