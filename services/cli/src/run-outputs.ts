import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MetricsOutput } from "@yardstick/metrics";
import type { RenderedDigest } from "@yardstick/pipeline";

// What `yardstick run` writes, with or without the demo (kept apart from the demo so a
// production run does not load the simulator).

/**
 * Writes the run's figures (`metrics.json`, the `yardstick metrics` document), its summary, the
 * report and the last complete week's digest (`digest-<week>.md` and `.html`).
 */
export function writeRunOutputs(
  outDir: string,
  output: MetricsOutput,
  summary: string,
  reportHtml: string,
  digest: RenderedDigest,
): { metricsFile: string; summaryFile: string; reportFile: string; digestFile: string } {
  mkdirSync(outDir, { recursive: true });
  const metricsFile = resolve(join(outDir, "metrics.json"));
  const summaryFile = resolve(join(outDir, "summary.md"));
  writeFileSync(metricsFile, `${JSON.stringify(output, null, 2)}\n`);
  const reportFile = resolve(join(outDir, "report.html"));
  writeFileSync(summaryFile, summary);
  writeFileSync(reportFile, reportHtml);
  const digestFile = resolve(join(outDir, `digest-${digest.week}.md`));
  writeFileSync(digestFile, digest.markdown);
  writeFileSync(digestFile.replace(/\.md$/, ".html"), digest.html);
  return { metricsFile, summaryFile, reportFile, digestFile };
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : `${Math.round(v * 100)}%`);
const num = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : v.toFixed(2));

/** A short Markdown summary: the organisation's last complete week and its adoption trend. */
export function summarise(
  output: MetricsOutput,
  sync: { repos: number; pullRequests: number; points: number; rest?: number },
): string {
  const org = output.groups.find((g) => g.kind === "org");
  const last = org?.weeks.at(-1);
  const teams = output.groups.filter((g) => g.kind === "team");
  const teamsAtTarget = teams.filter((t) => {
    const w = t.weeks.at(-1);
    return (
      w !== undefined &&
      !w.suppressed &&
      w.adoption !== null &&
      w.adoptionTarget !== null &&
      w.adoption >= w.adoptionTarget
    );
  }).length;
  const lines = [
    `# Yardstick: ${org?.name ?? "organisation"}, week ${last?.week ?? "n/a"}`,
    "",
    `Synced ${sync.repos} repositories and ${sync.pullRequests} merged pull requests (GitHub cost: ${sync.points} GraphQL points${sync.rest === undefined ? "" : `, ${sync.rest} REST requests`}).`,
    "",
    "| figure | value |",
    "| --- | --- |",
    `| active engineers | ${last?.activeEngineers ?? "n/a"} |`,
    `| normalised deployments (per engineer) | ${num(last?.nd)} |`,
    `| AI normalised deployments | ${num(last?.aind)} |`,
    `| AI share | ${pct(last?.aiShare)} |`,
    `| weekly AI adoption (target ${pct(last?.adoptionTarget)}) | ${pct(last?.adoption)} (4-week ${pct(last?.adoption4w)}) |`,
    `| people still needed to reach the target | ${last?.peopleToTarget ?? "n/a"} |`,
    `| production deployments | ${last?.deployments ?? "n/a"} |`,
    `| lead time, median hours | ${num(last?.leadTimeHours.median)} |`,
    `| change failure rate | ${pct(last?.changeFailureRate)} |`,
    "",
    `Teams at or above their adoption target this week: ${teamsAtTarget} of ${teams.length}.`,
    `Repositories without a deployment signal: ${output.notes.reposWithoutDeploymentSignal.length}. Merged, not yet deployed: ${output.notes.mergedNotDeployed}.`,
    "",
  ];
  return lines.join("\n");
}
