import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MetricsOutput } from "@yardstick/metrics";
import { beforeAll, describe, expect, it } from "vitest";
import { runCliProcess } from "../test-cli.js";

/**
 * Issue 15: from a fresh directory, after the zero-setup run (`bash scripts/run.sh` is
 * `yardstick run` with nothing configured), plain `yardstick metrics`, `report` and `digest`, with
 * no options at all, show the same figures for the same week as the run's own files. Before, they
 * read another database (`.yardstick/data`) with the default configuration, and `metrics` and
 * `report` refused to run without --from/--to/--out. A small world keeps it fast.
 */
describe("plain metrics, report and digest after the zero-setup run", () => {
  let dir: string;
  // Nothing configured: no token, no database URL, no configuration file (as a fresh clone).
  const env = () => ({ HOME: dir });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "yardstick-plain-"));
    const run = await runCliProcess(["run", "--size", "small", "--no-progress", "--no-serve"], {
      cwd: dir,
      env: env(),
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  }, 300_000);

  it("metrics: the run's metrics.json, figure for figure, and says it reads the demo", async () => {
    const plain = await runCliProcess(["metrics"], { cwd: dir, env: env() });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain("reading the demo's simulated organisation");
    const ran = MetricsOutput.parse(JSON.parse(readFileSync(join(dir, "yardstick-reports/metrics.json"), "utf8")));
    const now = MetricsOutput.parse(JSON.parse(plain.stdout));
    expect(now.weeks).toEqual(ran.weeks);
    expect(now).toEqual(ran);
    // Real figures, not an empty database: the organisation shipped in its last week.
    const org = now.groups.find((g) => g.kind === "org");
    expect(org?.weeks.at(-1)?.qualifyingChanges ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it("digest: the run's digest file for the same week, but for the time it was made and the report link", async () => {
    const ran = MetricsOutput.parse(JSON.parse(readFileSync(join(dir, "yardstick-reports/metrics.json"), "utf8")));
    const week = ran.weeks.at(-1) ?? "";
    const plain = await runCliProcess(["digest"], { cwd: dir, env: env() });
    expect(plain.code).toBe(0);
    const file = readFileSync(join(dir, `yardstick-reports/digest-${week}.md`), "utf8");
    const body = (md: string) => md.replace(/^Generated .*$/m, "Generated …");
    expect(plain.stdout).toContain(`Week ${week}`);
    expect(body(plain.stdout)).toEqual(body(file));
    expect(plain.stdout).toMatch(/\| AIND \| \d/);
  }, 120_000);

  it("report: the run's report.html, but for the time it was made (written to ./report.html)", async () => {
    const plain = await runCliProcess(["report"], { cwd: dir, env: env() });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(join(dir, "report.html"));
    const normalise = (html: string) =>
      html
        .replace(/generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g, "generated …")
        .replace(/<li>Last sync: [^<]*<\/li>/g, "<li>Last sync: …</li>");
    const ran = readFileSync(join(dir, "yardstick-reports/report.html"), "utf8");
    const now = readFileSync(join(dir, "report.html"), "utf8");
    // The last sync is the run's, before this report: never "after this report's time".
    expect(now).not.toContain("the clocks disagree");
    expect(normalise(now)).toEqual(normalise(ran));
  }, 120_000);
});
