import type { MetricsGroup, MetricsOutput } from "@yardstick/metrics";
import { dashboardLinks } from "./dashboard-links.js";
import { DEFINITIONS, type DefinitionKey, FOOTNOTE_ORDER, footnoteNumber } from "./definitions.js";
import { escapeMarkdown as md } from "./escape.js";
import { formatCost, formatCount, formatHours, formatInstant, formatNumber, formatPercent, NA } from "./format.js";
import { groupLabel } from "./html.js";
import type { ReportOptions } from "./options.js";
import { reportWeek, trackTargets, weekOf } from "./tracking.js";

const ref = (key: DefinitionKey) => `[^${footnoteNumber(key)}]`;
const head = (key: DefinitionKey, text: string = DEFINITIONS[key].label) => `${text}${ref(key)}`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

const SUPPRESSED = "suppressed (fewer than k people)";

function suppressedRow(g: MetricsGroup, columns: number): string[] {
  return [md(groupLabel(g)), SUPPRESSED, ...Array.from({ length: columns - 2 }, () => "")];
}

/**
 * The report as Markdown: the same figures as the HTML report (headline, adoption-target
 * tracking, each group's weekly series, guardrails, cost, flag counts, coverage) with footnoted
 * definitions. Group names are escaped; groups keep the engine's order; "n/a" for absent figures.
 */
export function renderReportMarkdown(output: MetricsOutput, options: ReportOptions): string {
  const week = reportWeek(output, options.generatedAt);
  const range = output.weeks.length === 0 ? "no weeks" : `${output.weeks[0]} to ${output.weeks.at(-1)}`;
  const out: string[] = [
    `# ${md(options.title)}`,
    "",
    `Weeks ${range} (ISO weeks, ${md(output.notes.timeZone)}); report week ${week ?? NA} (the last complete week); generated ${formatInstant(options.generatedAt)}. Absent figures read n/a, never 0; nothing is ranked.`,
    "",
    ...(options.dashboardUrl === undefined
      ? []
      : [
          `[Open ${week ?? "the latest week"} in the dashboard](${dashboardLinks(options.dashboardUrl)
            .overview(week ?? undefined)
            .replaceAll("(", "%28")
            .replaceAll(")", "%29")}) (every figure with the changes behind it).`,
          "",
        ]),
    "## Headline",
    "",
  ];
  const org = output.groups.find((g) => g.kind === "org") ?? output.groups[0];
  const ow = org === undefined ? undefined : weekOf(org, week);
  if (org === undefined || ow === undefined) out.push("No groups in this range.");
  else if (ow.suppressed) out.push(`${md(groupLabel(org))} is ${SUPPRESSED} in ${week}.`);
  else {
    out.push(
      table(
        ["Figure", `${md(groupLabel(org))}, ${week}`],
        [
          [head("nd"), formatNumber(ow.nd)],
          [head("aind"), formatNumber(ow.aind)],
          [head("aiShare"), formatPercent(ow.aiShare)],
          [head("adoption"), formatPercent(ow.adoption)],
          [head("adoption4w"), formatPercent(ow.adoption4w)],
          [head("adoptionTarget"), formatPercent(ow.adoptionTarget)],
          [head("peopleToTarget"), formatCount(ow.peopleToTarget)],
          [head("activeEngineers"), formatCount(ow.activeEngineers)],
          [head("qualifyingChanges"), formatCount(ow.qualifyingChanges)],
          [head("aiQualifyingChanges"), formatCount(ow.aiQualifyingChanges)],
        ],
      ),
    );
  }

  const tracking = trackTargets(output, week);
  const crossed = tracking.filter((t) => t.crossing === "crossed").map((t) => md(groupLabel(t)));
  const fell = tracking.filter((t) => t.crossing === "fell-below").map((t) => md(groupLabel(t)));
  out.push(
    "",
    `## Adoption against the target, week ${week ?? NA}`,
    "",
    `${head("crossing", "Crossed the target")}: ${crossed.length === 0 ? "none" : crossed.join(", ")}. Fell below: ${fell.length === 0 ? "none" : fell.join(", ")}.`,
    "",
    table(
      [
        "Group",
        head("adoption", "This week"),
        head("adoption4w", "4 weeks"),
        head("adoptionTarget"),
        head("trend"),
        head("peopleToTarget"),
        "Change",
      ],
      tracking.map((t, i) => {
        const g = output.groups[i];
        if (t.suppressed && g !== undefined) return suppressedRow(g, 7);
        return [
          md(groupLabel(t)),
          formatPercent(t.adoption),
          formatPercent(t.adoption4w),
          formatPercent(t.target),
          t.trend ?? NA,
          formatCount(t.peopleToTarget),
          t.crossing === "crossed" ? "crossed the target" : t.crossing === "fell-below" ? "fell below" : "",
        ];
      }),
    ),
  );

  out.push("", "## Weekly figures by group", "");
  for (const g of output.groups) {
    out.push(
      `### ${md(groupLabel(g))}`,
      "",
      table(
        [
          "Week",
          head("nd"),
          head("aind"),
          head("aiShare"),
          head("adoption"),
          head("adoption4w"),
          head("adoptionTarget"),
          head("peopleToTarget"),
        ],
        g.weeks.map((w) =>
          w.suppressed
            ? [w.week, SUPPRESSED, "", "", "", "", "", ""]
            : [
                `${w.week}${w.provisional ? " (provisional)" : ""}`,
                formatNumber(w.nd),
                formatNumber(w.aind),
                formatPercent(w.aiShare),
                formatPercent(w.adoption),
                formatPercent(w.adoption4w),
                formatPercent(w.adoptionTarget),
                formatCount(w.peopleToTarget),
              ],
        ),
      ),
      "",
    );
  }

  out.push(
    `## Delivery guardrails, AI-assisted / other, week ${week ?? NA}`,
    "",
    table(
      [
        "Group",
        head("deployments"),
        "AI deployments",
        head("doraBand"),
        `${head("leadTimeMedian")} AI / other`,
        `${head("leadTimeP90")} AI / other`,
        `${head("changeFailureRate")} all / AI / other`,
        `${head("revertRate")} AI / other`,
      ],
      output.groups.map((g) => {
        const w = weekOf(g, week);
        if (w === undefined || w.suppressed) return suppressedRow(g, 8);
        const ai = w.guardrails?.ai;
        const other = w.guardrails?.other;
        return [
          md(groupLabel(g)),
          formatCount(w.deployments),
          formatCount(ai?.deployments),
          w.doraBand ?? NA,
          `${formatHours(ai?.leadTimeHours.median)} / ${formatHours(other?.leadTimeHours.median)}`,
          `${formatHours(ai?.leadTimeHours.p90)} / ${formatHours(other?.leadTimeHours.p90)}`,
          `${formatPercent(w.changeFailureRate)} / ${formatPercent(ai?.changeFailureRate)} / ${formatPercent(other?.changeFailureRate)}`,
          `${formatPercent(w.revertRate.ai)} / ${formatPercent(w.revertRate.other)}`,
        ];
      }),
    ),
    "",
    `## ${head("costPerAiChange")}`,
    "",
  );
  const withCost = output.groups.filter((g) => g.weeks.some((w) => w.aiCost !== null || w.costPerAiChange !== null));
  if (withCost.length === 0) out.push("No usage was imported for this range: cost per AI-assisted change is n/a.");
  else {
    out.push(
      table(
        ["Group", head("aiCost"), head("aiQualifyingChanges"), head("costPerAiChange")],
        withCost.map((g) => {
          const w = weekOf(g, week);
          if (w === undefined || w.suppressed) return suppressedRow(g, 4);
          return [
            md(groupLabel(g)),
            formatCost(w.aiCost),
            formatCount(w.aiQualifyingChanges),
            formatCost(w.costPerAiChange),
          ];
        }),
      ),
    );
  }

  out.push(
    "",
    `## ${head("flags")}, week ${week ?? NA}`,
    "",
    "Counts of flagged person-weeks; not a ranking, nobody is named.",
    "",
    table(
      ["Group", "volume spike", "trivial share", "self-merged AI", "high revert share", "token-heavy, nothing shipped"],
      output.groups.map((g) => {
        const w = weekOf(g, week);
        if (w === undefined || w.suppressed) return suppressedRow(g, 6);
        return [
          md(groupLabel(g)),
          formatCount(w.flags.volumeSpike),
          formatCount(w.flags.trivialShare),
          formatCount(w.flags.selfMergedAi),
          formatCount(w.flags.highRevertShare),
          formatCount(w.flags.tokenHeavyNothingShipped),
        ];
      }),
    ),
    "",
    `## ${head("coverage")}`,
    "",
  );
  const n = output.notes;
  const c = options.coverage;
  out.push(`- Merged changes not yet deployed: ${n.mergedNotDeployed}`);
  if (c?.unresolvedAccounts !== undefined)
    out.push(`- Accounts credited with changes that resolve to no person: ${formatCount(c.unresolvedAccounts)}`);
  if (c?.lastSyncAt !== undefined)
    out.push(`- Last sync: ${c.lastSyncAt === null ? "never" : formatInstant(c.lastSyncAt)}`);
  if (c?.syncStreamsWithErrors !== undefined)
    out.push(`- Sync streams whose last run failed: ${formatCount(c.syncStreamsWithErrors)}`);
  if (c?.ruleVersions !== undefined)
    out.push(
      `- Attribution rule versions: ${c.ruleVersions.length === 0 ? "none" : c.ruleVersions.map(md).join(", ")}`,
    );
  if (c === undefined) {
    out.push(
      "- Unresolved identities, sync freshness and the attribution rule version are not part of a metrics document: `yardstick report --from … --to …` against the database shows them.",
    );
  }
  const listOf = (title: string, items: readonly string[]) =>
    out.push(`- ${title} (${items.length})${items.length === 0 ? "" : `: ${items.map(md).join(", ")}`}`);
  listOf("Repositories without a deployment signal", n.reposWithoutDeploymentSignal);
  listOf("Off-branch deployments", n.offBranchDeployments);
  listOf("Changes not on the tracked branch", n.changesNotOnBranch);

  out.push("", "## Definitions", "");
  for (const key of FOOTNOTE_ORDER)
    out.push(`[^${footnoteNumber(key)}]: **${DEFINITIONS[key].label}**: ${DEFINITIONS[key].text}`);
  out.push("");
  return out.join("\n");
}
