import { addWeeks, isoWeekOf } from "@yardstick/core";
import {
  fisherExactGreater,
  type GuardrailSplit,
  type MetricsGroup,
  type MetricsOutput,
  SIGNIFICANCE_LEVEL,
  type WeekFigures,
} from "@yardstick/metrics";
import { type DashboardLinks, dashboardLinks } from "./dashboard-links.js";
import { DEFINITIONS, type DefinitionKey, FOOTNOTE_ORDER, footnoteNumber } from "./definitions.js";
import { escapeHtml as esc } from "./escape.js";
import {
  formatCost,
  formatCount,
  formatDelta,
  formatHours,
  formatInstant,
  formatNumber,
  formatPercent,
  formatPointChange,
  NA,
} from "./format.js";
import type { ReportOptions } from "./options.js";
import { barChart, type ChartSeries, lineChart } from "./svg-chart.js";
import {
  basisText,
  describeProjection,
  judgedAdoption,
  previousWeekOf,
  reportWeek,
  type TargetTracking,
  trackTargets,
  weekOf,
} from "./tracking.js";

const COLORS = {
  adoption: "#1f6feb",
  adoption4w: "#8cb4f5",
  target: "#57606a",
  nd: "#0b7285",
  aind: "#d9480f",
  aiShare: "#6741d9",
  ai: "#d9480f",
  other: "#495057",
};

const KIND_LABEL = { org: "Organisation", team: "Team", repo: "Repository" } as const;

export function groupLabel(g: Pick<MetricsGroup, "kind" | "name">): string {
  return `${KIND_LABEL[g.kind]} ${g.name}`;
}

/** A figure's label: an `<abbr>` with the definition as tooltip and the footnote number. */
function label(key: DefinitionKey, text: string = DEFINITIONS[key].label): string {
  const n = footnoteNumber(key);
  return `<abbr title="${esc(DEFINITIONS[key].text)}">${esc(text)}</abbr><sup class="fn"><a href="#fn-${n}">${n}</a></sup>`;
}

/**
 * One figure: its text, the definition as tooltip, and the raw value in `data-*` attributes
 * (group, week, field, value) so a reader or a test can check it against the metrics JSON.
 */
function figure(
  tag: "td" | "span",
  g: Pick<MetricsGroup, "kind" | "name">,
  week: string,
  field: string,
  value: number | string | null,
  text: string,
  key: DefinitionKey,
): string {
  const cls = value === null ? "num na" : "num";
  return `<${tag} class="${cls}" data-group="${esc(`${g.kind}:${g.name}`)}" data-week="${esc(week)}" data-field="${esc(field)}" data-value="${value === null ? "" : esc(String(value))}" title="${esc(DEFINITIONS[key].text)}">${esc(text)}</${tag}>`;
}

const pctAxis = (v: number) => `${Math.round(v * 100)}%`;
const numAxis = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0$/, ""));

function suppressedWeeks(g: MetricsGroup): string {
  const n = g.weeks.filter((w) => w.suppressed).length;
  return n === 0 ? "" : `<span class="note">${n} of ${g.weeks.length} weeks suppressed</span>`;
}

function suppressedNote(g: MetricsGroup): string {
  const n = g.weeks.filter((w) => w.suppressed).length;
  if (n === 0) return "";
  return `<p class="note">${n} of ${g.weeks.length} weeks suppressed (fewer than k people): shown as grey gaps.</p>`;
}

function chartCard(g: MetricsGroup, chart: string, caption: string = groupLabel(g)): string {
  if (g.weeks.length > 0 && g.weeks.every((w) => w.suppressed)) {
    return `<figure class="chart-card"><figcaption>${esc(caption)}</figcaption><p class="note">Suppressed every week: fewer than k people. Its people count in the "other" group.</p></figure>`;
  }
  return `<figure class="chart-card"><figcaption>${esc(caption)}</figcaption>${chart}${suppressedNote(g)}</figure>`;
}

function series(g: MetricsGroup, pick: (w: WeekFigures) => number | null): (number | null)[] {
  return g.weeks.map((w) => (w.suppressed ? null : pick(w)));
}

/** The labelled merged variant's series, for repositories with no deployment signal (none elsewhere). */
function mergedSeries(
  g: MetricsGroup,
  label: string,
  pick: (mv: NonNullable<WeekFigures["mergedVariant"]>) => number | null,
  color: string,
): ChartSeries[] {
  if (!g.weeks.some((w) => w.mergedVariant !== null)) return [];
  return [
    {
      label: `${label} (merged, no deployment signal)`,
      values: g.weeks.map((w) => (w.suppressed || w.mergedVariant === null ? null : pick(w.mergedVariant))),
      color,
      dashed: true,
    },
  ];
}

function shadedOf(g: MetricsGroup): boolean[] {
  return g.weeks.map((w) => w.suppressed);
}

const SHADE = "suppressed (fewer than k)";

/** A round number at or above `v`, for a y axis several charts share. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

/**
 * The warm-up: the first weeks of the data (from the week of the first merged change) whose
 * 4-week values cover fewer than 4 weeks of history. Known from the database (`coverage.
 * firstMergedAt`); from a document alone, only when it shows weeks with no merged change before
 * the first one (else the history may start before the document and nothing is marked).
 */
export function warmUpWeeks(output: MetricsOutput, coverage: ReportOptions["coverage"]): string[] {
  let start: string | null = null;
  if (coverage?.firstMergedAt != null) {
    start = isoWeekOf(coverage.firstMergedAt, output.notes.timeZone);
  } else {
    const org = output.groups.find((g) => g.kind === "org");
    const i = org?.weeks.findIndex((w) => (w.mergedChanges ?? 0) > 0) ?? -1;
    if (org !== undefined && i > 0 && org.weeks.slice(0, i).every((w) => !w.suppressed && w.mergedChanges === 0)) {
      start = org.weeks[i]?.week ?? null;
    }
  }
  if (start === null) return [];
  return [0, 1, 2].map((k) => addWeeks(start, k)).filter((w) => output.weeks.includes(w));
}

/**
 * The document as charted: the weeks before the history's start and its warm-up left out, so that
 * charts start where the figures mean what they say. Tables (the report week) are not affected;
 * when nothing would be left, everything is kept.
 */
function chartedOutput(output: MetricsOutput, warmUp: readonly string[]): MetricsOutput {
  const last = warmUp.at(-1);
  if (last === undefined) return output;
  const keep = (week: string) => week > last;
  if (!output.weeks.some(keep)) return output;
  return {
    ...output,
    weeks: output.weeks.filter(keep),
    groups: output.groups.map((g) => ({ ...g, weeks: g.weeks.filter((w) => keep(w.week)) })),
  };
}

function smallCard(
  g: Pick<MetricsGroup, "kind" | "name">,
  week: string,
  key: DefinitionKey,
  field: string,
  value: number | null,
  text: string,
  change: string,
  labelText?: string,
): string {
  return `<div class="card"><div class="card-label">${label(key, labelText)}</div><div class="card-value">${figure("span", g, week, field, value, text, key)}</div><div class="card-change" title="Change from the previous week">${esc(change)}</div></div>`;
}

/**
 * The failed deployments behind a side's change failure rate: stored with it, or (figures stored
 * before the count was) rate × deployments, the count the rate was computed from.
 */
function failedOf(side: GuardrailSplit): number {
  return side.failedDeployments ?? Math.round((side.deployments ?? 0) * (side.changeFailureRate ?? 0));
}

/** " (x of n)" behind a rate, or nothing where the counts are unknown or there is no rate. */
function countsText(x: number | null | undefined, n: number | null | undefined): string {
  return x == null || n == null || n === 0 ? "" : ` (${x} of ${n})`;
}

/** The counts behind each side's change failure rate and revert rate, as " (x of n)". */
function guardrailCounts(w: WeekFigures) {
  const ai = w.guardrails?.ai;
  const other = w.guardrails?.other;
  const failed = (s: GuardrailSplit | undefined) => (s === undefined ? "" : countsText(failedOf(s), s.deployments));
  const reverted = (s: GuardrailSplit | undefined) => countsText(s?.revertedChanges, s?.changes);
  return {
    failedAi: failed(ai),
    failedOther: failed(other),
    revertedAi: reverted(ai),
    revertedOther: reverted(other),
  };
}

/** "higher than", "about the same as", "lower than" for two rates, and whether a test backs a difference. */
function cfrVerdict(w: WeekFigures): string {
  const ai = w.guardrails?.ai;
  const other = w.guardrails?.other;
  if (ai == null || other == null || !ai.deployments || !other.deployments) {
    return "Too few deployments on one side to compare AI-assisted and other changes this week.";
  }
  const x1 = failedOf(ai);
  const x2 = failedOf(other);
  const p = fisherExactGreater(x1, ai.deployments, x2, other.deployments);
  const counts = `${x1} of ${ai.deployments} deployments shipping AI-assisted changes failed, ${x2} of ${other.deployments} others`;
  return p < SIGNIFICANCE_LEVEL
    ? `Quality is slipping where AI is used: ${counts}; higher beyond chance (Fisher's exact test, one-sided, p = ${p < 0.001 ? "< 0.001" : p.toFixed(3)}).`
    : `Quality is holding: ${counts}; no significant difference (Fisher's exact test, one-sided, ${Math.round(SIGNIFICANCE_LEVEL * 100)}% level).`;
}

/**
 * The first page: for the organisation in the report week, three answers that fit one screen
 * (1440×900): is AI helping us ship (ND, AIND, AI share), are we on track (adoption against the
 * target and its projection), is quality holding (change failure rate, revert rate and lead time,
 * AI-assisted against other). Each with the previous week's change and one chart.
 */
function firstPage(
  output: MetricsOutput,
  charted: MetricsOutput,
  week: string | null,
  tracking: readonly TargetTracking[],
  warmUp: readonly string[],
): string {
  const org = output.groups.find((g) => g.kind === "org") ?? output.groups[0];
  if (org === undefined || week === null) {
    return `<section class="first-page" id="summary"><h2>Summary</h2><p class="note">No groups in this range.</p></section>`;
  }
  const w = weekOf(org, week);
  const p = previousWeekOf(org, week);
  const title = `${esc(groupLabel(org))}, week ${esc(week)}${w?.provisional ? ` <span class="badge" title="${esc(DEFINITIONS.provisional.text)}">provisional</span>` : ""}`;
  if (w === undefined || w.suppressed) {
    return `<section class="first-page" id="summary"><h2>${title}</h2><p class="note">The organisation is suppressed this week (fewer than k people): no figures are shown.</p></section>`;
  }
  const prev = (f: (x: WeekFigures) => number | null) => (p === undefined || p.suppressed ? null : f(p));
  const vs = (t: string) => `${t} vs previous week`;
  const chartOrg = charted.groups.find((g) => g.kind === org.kind && g.name === org.name) ?? org;
  const categories = chartOrg.weeks.map((x) => x.week);
  const small = { width: 360, height: 150 };
  const orgTracking = tracking.find((t) => t.kind === "org");
  const judged = judgedAdoption(w);
  const basis = basisText(w.adoptionBasis ?? "week");
  const onTrack =
    judged === null || w.adoptionTarget === null
      ? "Adoption against target: n/a."
      : judged >= w.adoptionTarget
        ? `Adoption (${basis}) is at or above the ${formatPercent(w.adoptionTarget)} target.`
        : `Adoption (${basis}) is ${Math.round((w.adoptionTarget - judged) * 100)} percentage points below the ${formatPercent(w.adoptionTarget)} target: ${formatCount(w.peopleToTarget)} more ${w.peopleToTarget === 1 ? "person needs" : "people need"} to ship AI-assisted work. Target reached at the trend of the last 8 weeks: ${orgTracking === undefined ? NA : describeProjection(orgTracking.projection)}.`;
  const teams = tracking.filter((t) => t.kind === "team" && !t.suppressed && t.target !== null);
  const teamsAt = teams.filter((t) => t.atTarget === true).length;
  const shipping =
    w.aiShare === null
      ? "No qualifying change shipped this week."
      : `AI-assisted work is ${formatPercent(w.aiShare)} of what shipped (${formatCount(w.aiQualifyingChanges)} of ${formatCount(w.qualifyingChanges)} qualifying changes; ${formatCount(w.activeEngineers)} active engineers).`;
  const ai = w.guardrails?.ai ?? null;
  const other = w.guardrails?.other ?? null;
  const counts = guardrailCounts(w);
  const warm =
    warmUp.length === 0
      ? ""
      : ` ${label("warmUp")}: ${esc(warmUp.join(", "))} ${warmUp.includes(week) ? "include the report week: its 4-week figures cover less than 4 weeks of history." : "are left out of the charts (4-week values over less than 4 weeks of history)."}`;
  return `<section class="first-page" id="summary">
<h2>${title}: is AI helping us ship, are we on track, is quality holding?</h2>
<div class="answers">
<div class="answer" id="headline"><h3>Is AI helping us ship?</h3>
<div class="cards three">
${smallCard(
  org,
  week,
  "nd",
  "nd",
  w.nd,
  formatNumber(w.nd),
  vs(
    formatDelta(
      w.nd,
      prev((x) => x.nd),
    ),
  ),
)}
${smallCard(
  org,
  week,
  "aind",
  "aind",
  w.aind,
  formatNumber(w.aind),
  vs(
    formatDelta(
      w.aind,
      prev((x) => x.aind),
    ),
  ),
)}
${smallCard(
  org,
  week,
  "aiShare",
  "aiShare",
  w.aiShare,
  formatPercent(w.aiShare),
  vs(
    formatPointChange(
      w.aiShare,
      prev((x) => x.aiShare),
    ),
  ),
)}
</div>
<p class="verdict">${esc(shipping)}</p>
${lineChart({
  title: `${groupLabel(org)}: ND and AIND per week`,
  categories,
  series: [
    { label: "ND", values: series(chartOrg, (x) => x.nd), color: COLORS.nd },
    { label: "AIND", values: series(chartOrg, (x) => x.aind), color: COLORS.aind },
  ],
  formatY: numAxis,
  shaded: shadedOf(chartOrg),
  shadeLabel: SHADE,
  ...small,
})}
</div>
<div class="answer"><h3>Are we on track?</h3>
<div class="cards three">
${smallCard(
  org,
  week,
  "adoption",
  "adoption",
  w.adoption,
  `${formatPercent(w.adoption)} / ${formatPercent(w.adoptionTarget)}`,
  vs(
    formatPointChange(
      w.adoption,
      prev((x) => x.adoption),
    ),
  ),
)}
${smallCard(
  org,
  week,
  "adoption4w",
  "adoption4w",
  w.adoption4w,
  formatPercent(w.adoption4w),
  vs(
    formatPointChange(
      w.adoption4w,
      prev((x) => x.adoption4w),
    ),
  ),
)}
${smallCard(
  org,
  week,
  "peopleToTarget",
  "peopleToTarget",
  w.peopleToTarget,
  formatCount(w.peopleToTarget),
  vs(
    formatDelta(
      w.peopleToTarget,
      prev((x) => x.peopleToTarget),
    ),
  ),
)}
</div>
<p class="verdict">${esc(onTrack)}${teams.length === 0 ? "" : ` Teams at their target: ${teamsAt} of ${teams.length}.`}</p>
${lineChart({
  title: `${groupLabel(org)}: weekly AI adoption against the target`,
  categories,
  series: [
    { label: "weekly", values: series(chartOrg, (x) => x.adoption), color: COLORS.adoption },
    { label: "4-week", values: series(chartOrg, (x) => x.adoption4w), color: COLORS.adoption4w, points: false },
    {
      label: "target",
      values: series(chartOrg, (x) => x.adoptionTarget),
      color: COLORS.target,
      dashed: true,
      points: false,
    },
  ],
  formatY: pctAxis,
  yMax: 1,
  shaded: shadedOf(chartOrg),
  shadeLabel: SHADE,
  ...small,
})}
</div>
<div class="answer"><h3>Is quality holding?</h3>
<div class="cards three">
<div class="card"><div class="card-label">${label("changeFailureRate", "Change failure")}</div><div class="card-value">${figure("span", org, week, "aiChangeFailureRate", ai?.changeFailureRate ?? null, formatPercent(ai?.changeFailureRate), "changeFailureRate")}</div><div class="card-change">AI-assisted; other ${figure("span", org, week, "otherChangeFailureRate", other?.changeFailureRate ?? null, formatPercent(other?.changeFailureRate), "changeFailureRate")}</div></div>
<div class="card"><div class="card-label">${label("revertRate", "Reverted")}</div><div class="card-value">${figure("span", org, week, "revertRateAi", w.revertRate.ai, formatPercent(w.revertRate.ai), "revertRate")}</div><div class="card-change">AI-assisted${esc(counts.revertedAi)}; other ${figure("span", org, week, "revertRateOther", w.revertRate.other, formatPercent(w.revertRate.other), "revertRate")}${esc(counts.revertedOther)}</div></div>
<div class="card"><div class="card-label">${label("leadTimeMedian", "Lead time")}</div><div class="card-value">${figure("span", org, week, "aiLeadTimeHoursMedian", ai?.leadTimeHours.median ?? null, formatHours(ai?.leadTimeHours.median), "leadTimeMedian")}</div><div class="card-change">AI-assisted; other ${figure("span", org, week, "otherLeadTimeHoursMedian", other?.leadTimeHours.median ?? null, formatHours(other?.leadTimeHours.median), "leadTimeMedian")}</div></div>
</div>
<p class="verdict">${esc(cfrVerdict(w))}</p>
${lineChart({
  title: `${groupLabel(org)}: change failure rate, AI-assisted and other`,
  categories,
  series: aiAndOther(chartOrg, (side) => side?.changeFailureRate ?? null),
  formatY: pctAxis,
  shaded: shadedOf(chartOrg),
  shadeLabel: SHADE,
  ...small,
})}
</div>
</div>
<p class="note">${label("activeEngineers")}: ${figure("span", org, week, "activeEngineers", w.activeEngineers, formatCount(w.activeEngineers), "activeEngineers")} · ${label("qualifyingChanges")}: ${figure("span", org, week, "qualifyingChanges", w.qualifyingChanges, formatCount(w.qualifyingChanges), "qualifyingChanges")}, AI-assisted ${figure("span", org, week, "aiQualifyingChanges", w.aiQualifyingChanges, formatCount(w.aiQualifyingChanges), "aiQualifyingChanges")} · ${label("deployments")}: ${figure("span", org, week, "deployments", w.deployments, formatCount(w.deployments), "deployments")}.${warm} Teams, repositories, guardrails by group, cost, flags, coverage and definitions follow.</p>
</section>`;
}

const TREND_TEXT = { up: "▲ up", down: "▼ down", flat: "■ flat" } as const;

/** A link to a dashboard page, opening the view it names; nothing without a dashboard. */
function dashLink(url: string | undefined, text: string): string {
  return url === undefined ? "" : `<p class="note dashboard-link"><a href="${esc(url)}">${esc(text)}</a></p>`;
}

function trackingTable(
  output: MetricsOutput,
  tracking: readonly TargetTracking[],
  week: string | null,
  links: DashboardLinks | null,
): string {
  const rows = tracking.map((t, i) => {
    const g = output.groups[i];
    if (g === undefined) return "";
    const wk = week ?? "";
    // The group's week in the dashboard (its changes), when a dashboard is configured.
    const name =
      links === null || week === null
        ? esc(groupLabel(t))
        : `<a href="${esc(links.groupWeek(g.kind, g.name, week, { qualifying: true }))}">${esc(groupLabel(t))}</a>`;
    if (t.suppressed) {
      return `<tr><th scope="row">${name}</th><td colspan="8" class="note" title="${esc(DEFINITIONS.suppressed.text)}">suppressed (fewer than k people)</td></tr>`;
    }
    const noSignal = g.weeks.some((x) => x.mergedVariant !== null);
    const status =
      t.target === null && t.kind === "repo"
        ? "no target (a repository is not a team)"
        : t.atTarget === null
          ? noSignal
            ? "n/a: no deployment signal (merged variant under Coverage)"
            : NA
          : t.atTarget
            ? "at or above"
            : "below";
    const crossing = t.crossing === "crossed" ? "crossed the target" : t.crossing === "fell-below" ? "fell below" : "";
    return `<tr><th scope="row">${name}</th>${figure("td", g, wk, "adoption", t.adoption, formatPercent(t.adoption), "adoption")}${figure("td", g, wk, "adoption4w", t.adoption4w, formatPercent(t.adoption4w), "adoption4w")}${figure("td", g, wk, "adoptionTarget", t.target, formatPercent(t.target), "adoptionTarget")}<td title="${esc(DEFINITIONS.adoptionTarget.text)}">${esc(status)}</td><td title="${esc(DEFINITIONS.trend.text)}" class="trend-${t.trend ?? "na"}">${esc(t.trend === null ? NA : TREND_TEXT[t.trend])}</td>${figure("td", g, wk, "peopleToTarget", t.peopleToTarget, formatCount(t.peopleToTarget), "peopleToTarget")}<td title="${esc(DEFINITIONS.crossing.text)}">${esc(crossing)}</td><td title="${esc(DEFINITIONS.projection.text)}">${esc(t.target === null ? "" : `${describeProjection(t.projection)}${t.basis === "rolling4w" ? " (judged on the 4-week value)" : ""}`)}</td></tr>`;
  });
  const crossed = tracking.filter((t) => t.crossing === "crossed").map((t) => esc(groupLabel(t)));
  const fell = tracking.filter((t) => t.crossing === "fell-below").map((t) => esc(groupLabel(t)));
  return `<h3>Where each group stands, week ${esc(week ?? NA)}</h3>
<p>${label("crossing", "Crossed the target this week")}: ${crossed.length === 0 ? "none" : crossed.join(", ")}. Fell below: ${fell.length === 0 ? "none" : fell.join(", ")}.</p>
<table class="figures"><thead><tr><th scope="col">Group</th><th scope="col">${label("adoption", "This week")}</th><th scope="col">${label("adoption4w", "4 weeks")}</th><th scope="col">${label("adoptionTarget")}</th><th scope="col">Status</th><th scope="col">${label("trend")}</th><th scope="col">${label("peopleToTarget")}</th><th scope="col">${label("crossing", "Change")}</th><th scope="col">${label("projection")}</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>`;
}

const isOrgOrTeam = (g: Pick<MetricsGroup, "kind">) => g.kind === "org" || g.kind === "team";

/**
 * The teams: where each stands against its target (with the organisation for reference), then one
 * card per team with its adoption and its ND and AIND, every team's charts on the same y axis
 * (0-100% for adoption, one shared maximum for ND) so that teams can be compared at a glance.
 */
function teamsSection(
  output: MetricsOutput,
  charted: MetricsOutput,
  tracking: readonly TargetTracking[],
  week: string | null,
  links: DashboardLinks | null,
): string {
  const table = trackingTable(
    { ...output, groups: output.groups.filter(isOrgOrTeam) },
    tracking.filter(isOrgOrTeam),
    week,
    links,
  );
  const teams = charted.groups.filter((g) => g.kind === "team");
  const ndValues = teams.flatMap((g) =>
    g.weeks.flatMap((w) => (w.suppressed ? [] : [w.nd, w.aind, w.mergedVariant?.nd ?? null])),
  );
  const ndMax = niceMax(Math.max(0, ...ndValues.filter((v): v is number => v !== null)));
  const size = { width: 360, height: 130 };
  const cards = teams.map((g) =>
    chartCard(
      g,
      `${lineChart({
        title: `${groupLabel(g)}: weekly AI adoption against the target`,
        categories: g.weeks.map((w) => w.week),
        series: [
          { label: "weekly adoption", values: series(g, (w) => w.adoption), color: COLORS.adoption },
          { label: "4-week", values: series(g, (w) => w.adoption4w), color: COLORS.adoption4w, points: false },
          {
            label: "target",
            values: series(g, (w) => w.adoptionTarget),
            color: COLORS.target,
            dashed: true,
            points: false,
          },
        ],
        formatY: pctAxis,
        yMax: 1,
        shaded: shadedOf(g),
        shadeLabel: SHADE,
        ...size,
      })}${lineChart({
        title: `${groupLabel(g)}: normalised deployments and AI normalised deployments per week`,
        categories: g.weeks.map((w) => w.week),
        series: [
          { label: "ND", values: series(g, (w) => w.nd), color: COLORS.nd },
          { label: "AIND", values: series(g, (w) => w.aind), color: COLORS.aind },
          ...mergedSeries(g, "ND", (mv) => mv.nd, COLORS.nd),
          ...mergedSeries(g, "AIND", (mv) => mv.aind, COLORS.aind),
        ],
        formatY: numAxis,
        yMax: ndMax,
        shaded: shadedOf(g),
        shadeLabel: SHADE,
        ...size,
      })}`,
    ),
  );
  return `<section id="adoption"><h2>Teams: ${label("adoption", "weekly AI adoption")} against the target, ${label("nd", "ND")} and ${label("aind", "AIND")}</h2>
${table}
${dashLink(links?.adoption("team", week ?? undefined), "Every team's adoption in the dashboard")}
<h3 id="teams">Teams over time, on shared axes</h3><p class="note">Each team: adoption (solid weekly, light 4-week, dashed target; 0-100%) and ND and AIND (one scale for every team, 0 to ${esc(numAxis(ndMax))}). Grey weeks are suppressed (fewer than k people).</p>
${teams.length === 0 ? `<p class="note">No teams in this document.</p>` : `<div class="charts">${cards.join("\n")}</div>`}</section>`;
}

/** A tiny inline chart of one series (no axes): the shape of a repository's weeks in a table cell. */
function sparkline(values: readonly (number | null)[], name: string): string {
  const present = values.filter((v): v is number => v !== null);
  if (present.length < 2) return "";
  const max = Math.max(...present, 1e-9);
  const w = 90;
  const h = 18;
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  const runs: string[] = [];
  let run: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length > 0) runs.push(run.join(" "));
      run = [];
      return;
    }
    run.push(`${(i * step).toFixed(1)},${(h - 1 - (v / max) * (h - 2)).toFixed(1)}`);
  });
  if (run.length > 0) runs.push(run.join(" "));
  return `<svg class="spark" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(name)}">${runs.map((r) => `<polyline points="${r}" fill="none" stroke="${COLORS.nd}" stroke-width="1.2"/>`).join("")}</svg>`;
}

/**
 * The repositories in one compact table (not a chart panel each): the report week's figures and a
 * sparkline of ND over the charted weeks. A repository is not a team: its adoption is shown
 * without a target unless one is configured for it.
 */
function reposSection(
  output: MetricsOutput,
  charted: MetricsOutput,
  tracking: readonly TargetTracking[],
  week: string | null,
  links: DashboardLinks | null,
): string {
  const wk = week ?? "";
  const repos = output.groups.filter((g) => g.kind === "repo");
  if (repos.length === 0) {
    return `<section id="repositories"><h2>Repositories</h2><p class="note">No repositories in this document.</p></section>`;
  }
  const rows = repos.map((g) => {
    const w = weekOf(g, week);
    if (w === undefined || w.suppressed) {
      return `<tr><th scope="row">${esc(groupLabel(g))}</th><td colspan="11" class="note" title="${esc(DEFINITIONS.suppressed.text)}">suppressed (fewer than k people)${g.weeks.some((x) => !x.suppressed) ? `; ${suppressedWeeks(g)}` : " every week"}</td></tr>`;
    }
    const t = tracking.find((x) => x.kind === g.kind && x.name === g.name);
    const c = charted.groups.find((x) => x.kind === g.kind && x.name === g.name) ?? g;
    const noSignal = w.mergedVariant !== null;
    const status = t?.target == null ? "none" : t.atTarget === null ? NA : t.atTarget ? "at or above" : "below";
    // The repository's week in the dashboard (its changes), when a dashboard is configured.
    const name =
      links === null || week === null
        ? esc(groupLabel(g))
        : `<a href="${esc(links.groupWeek(g.kind, g.name, week, { qualifying: true }))}">${esc(groupLabel(g))}</a>`;
    return `<tr><th scope="row">${name}${noSignal ? ` <span class="note">(no deployment signal: merged variant under Coverage)</span>` : ""}</th>${[
      figure("td", g, wk, "nd", w.nd, formatNumber(w.nd), "nd"),
      figure("td", g, wk, "aind", w.aind, formatNumber(w.aind), "aind"),
      figure("td", g, wk, "aiShare", w.aiShare, formatPercent(w.aiShare), "aiShare"),
      figure("td", g, wk, "adoption", w.adoption, formatPercent(w.adoption), "adoption"),
      figure("td", g, wk, "adoption4w", w.adoption4w, formatPercent(w.adoption4w), "adoption4w"),
      `<td title="${esc(DEFINITIONS.adoptionTarget.text)}">${esc(t?.target == null ? status : `${formatPercent(t.target)}: ${status}`)}</td>`,
      figure("td", g, wk, "deployments", w.deployments, formatCount(w.deployments), "deployments"),
      figure(
        "td",
        g,
        wk,
        "leadTimeHoursMedian",
        w.leadTimeHours.median,
        formatHours(w.leadTimeHours.median),
        "leadTimeMedian",
      ),
      figure(
        "td",
        g,
        wk,
        "changeFailureRate",
        w.changeFailureRate,
        formatPercent(w.changeFailureRate),
        "changeFailureRate",
      ),
      figure(
        "td",
        g,
        wk,
        "qualifyingChanges",
        w.qualifyingChanges,
        formatCount(w.qualifyingChanges),
        "qualifyingChanges",
      ),
      `<td>${sparkline(
        series(c, (x) => x.nd),
        `${groupLabel(g)}: ND per week`,
      )}${suppressedWeeks(g)}</td>`,
    ].join("")}</tr>`;
  });
  return `<section id="repositories"><h2>Repositories, week ${esc(wk || NA)}</h2>
<p class="note">One row per repository, in name order (never sorted by a figure); the last column is ND over the charted weeks. Target "none": no target (a repository is not a team) unless <code>adoption.perGroup</code> gives it one.</p>
<table class="figures small repos"><thead><tr><th scope="col">Repository</th><th scope="col">${label("nd", "ND")}</th><th scope="col">${label("aind", "AIND")}</th><th scope="col">${label("aiShare")}</th><th scope="col">${label("adoption", "Adoption")}</th><th scope="col">${label("adoption4w", "4 weeks")}</th><th scope="col">${label("adoptionTarget")}</th><th scope="col">${label("deployments")}</th><th scope="col">${label("leadTimeMedian")}</th><th scope="col">${label("changeFailureRate")}</th><th scope="col">${label("qualifyingChanges")}</th><th scope="col">ND, weeks</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table></section>`;
}

function compare(ai: number | null, other: number | null): string {
  if (ai === null || other === null) return "cannot be compared (n/a)";
  if (Math.abs(ai - other) < 0.005) return "about the same as";
  return ai > other ? "higher than" : "lower than";
}

/** A group's weekly AI-assisted and other series of one guardrail figure (one colour each, in that order). */
function aiAndOther(
  g: MetricsGroup,
  pick: (side: GuardrailSplit | undefined) => number | null,
  aiLabel = "AI-assisted",
): ChartSeries[] {
  return [
    { label: aiLabel, values: series(g, (w) => pick(w.guardrails?.ai)), color: COLORS.ai },
    { label: "other", values: series(g, (w) => pick(w.guardrails?.other)), color: COLORS.other },
  ];
}

/** The guardrails section's sentence: the organisation's revert and change failure rates, AI-assisted vs other, with their counts. */
function summaryOf(org: MetricsGroup, wk: string, ow: WeekFigures): string {
  const c = guardrailCounts(ow);
  return `<p>Week ${esc(wk)}, ${esc(groupLabel(org))}: the revert rate of AI-assisted changes (${figure("span", org, wk, "revertRateAi", ow.revertRate.ai, formatPercent(ow.revertRate.ai), "revertRate")}${esc(c.revertedAi)}) is ${esc(compare(ow.revertRate.ai, ow.revertRate.other))} other changes' (${figure("span", org, wk, "revertRateOther", ow.revertRate.other, formatPercent(ow.revertRate.other), "revertRate")}${esc(c.revertedOther)}); the change failure rate of deployments shipping AI-assisted changes (${figure("span", org, wk, "aiChangeFailureRate", ow.guardrails?.ai.changeFailureRate ?? null, formatPercent(ow.guardrails?.ai.changeFailureRate), "changeFailureRate")}${esc(c.failedAi)}) is ${esc(compare(ow.guardrails?.ai.changeFailureRate ?? null, ow.guardrails?.other.changeFailureRate ?? null))} the others' (${figure("span", org, wk, "otherChangeFailureRate", ow.guardrails?.other.changeFailureRate ?? null, formatPercent(ow.guardrails?.other.changeFailureRate), "changeFailureRate")}${esc(c.failedOther)}).</p>`;
}

function guardrailsSection(
  output: MetricsOutput,
  charted: MetricsOutput,
  week: string | null,
  links: DashboardLinks | null,
): string {
  const wk = week ?? "";
  const org = output.groups.find((g) => g.kind === "org");
  const chartOrg = charted.groups.find((g) => g.kind === "org");
  const ow = org === undefined ? undefined : weekOf(org, week);
  const summary = org === undefined || ow === undefined || ow.suppressed ? "" : summaryOf(org, wk, ow);
  const orgCharts =
    chartOrg === undefined
      ? ""
      : `<div class="charts">${[
          chartCard(
            chartOrg,
            barChart({
              title: `${groupLabel(chartOrg)}: production deployments per week, AI-assisted and other`,
              categories: chartOrg.weeks.map((w) => w.week),
              series: aiAndOther(chartOrg, (side) => side?.deployments ?? null, "shipped AI-assisted"),
              formatY: numAxis,
              shaded: shadedOf(chartOrg),
              shadeLabel: SHADE,
            }),
            `${groupLabel(chartOrg)}: production deployments per week`,
          ),
          chartCard(
            chartOrg,
            lineChart({
              title: `${groupLabel(chartOrg)}: median lead time (hours), AI-assisted and other`,
              categories: chartOrg.weeks.map((w) => w.week),
              series: aiAndOther(chartOrg, (side) => side?.leadTimeHours.median ?? null),
              formatY: (v) => `${numAxis(v)} h`,
              shaded: shadedOf(chartOrg),
              shadeLabel: SHADE,
            }),
            `${groupLabel(chartOrg)}: median lead time`,
          ),
          chartCard(
            chartOrg,
            lineChart({
              title: `${groupLabel(chartOrg)}: change failure rate, AI-assisted and other`,
              categories: chartOrg.weeks.map((w) => w.week),
              series: aiAndOther(chartOrg, (side) => side?.changeFailureRate ?? null),
              formatY: pctAxis,
              shaded: shadedOf(chartOrg),
              shadeLabel: SHADE,
            }),
            `${groupLabel(chartOrg)}: change failure rate`,
          ),
          chartCard(
            chartOrg,
            lineChart({
              title: `${groupLabel(chartOrg)}: revert rate, AI-assisted and other`,
              categories: chartOrg.weeks.map((w) => w.week),
              series: [
                { label: "AI-assisted", values: series(chartOrg, (w) => w.revertRate.ai), color: COLORS.ai },
                { label: "other", values: series(chartOrg, (w) => w.revertRate.other), color: COLORS.other },
              ],
              formatY: pctAxis,
              shaded: shadedOf(chartOrg),
              shadeLabel: SHADE,
            }),
            `${groupLabel(chartOrg)}: revert rate`,
          ),
        ].join("\n")}</div>`;
  const rows = output.groups.filter(isOrgOrTeam).map((g) => {
    const w = weekOf(g, week);
    if (w === undefined || w.suppressed) {
      return `<tr><th scope="row">${esc(groupLabel(g))}</th><td colspan="12" class="note" title="${esc(DEFINITIONS.suppressed.text)}">suppressed (fewer than k people)</td></tr>`;
    }
    const ai = w.guardrails?.ai ?? null;
    const other = w.guardrails?.other ?? null;
    return `<tr><th scope="row">${esc(groupLabel(g))}</th>${[
      figure("td", g, wk, "deployments", w.deployments, formatCount(w.deployments), "deployments"),
      figure("td", g, wk, "aiDeployments", ai?.deployments ?? null, formatCount(ai?.deployments), "deployments"),
      figure("td", g, wk, "doraBand", w.doraBand, w.doraBand ?? NA, "doraBand"),
      figure(
        "td",
        g,
        wk,
        "aiLeadTimeHoursMedian",
        ai?.leadTimeHours.median ?? null,
        formatHours(ai?.leadTimeHours.median),
        "leadTimeMedian",
      ),
      figure(
        "td",
        g,
        wk,
        "otherLeadTimeHoursMedian",
        other?.leadTimeHours.median ?? null,
        formatHours(other?.leadTimeHours.median),
        "leadTimeMedian",
      ),
      figure(
        "td",
        g,
        wk,
        "aiLeadTimeHoursP90",
        ai?.leadTimeHours.p90 ?? null,
        formatHours(ai?.leadTimeHours.p90),
        "leadTimeP90",
      ),
      figure(
        "td",
        g,
        wk,
        "otherLeadTimeHoursP90",
        other?.leadTimeHours.p90 ?? null,
        formatHours(other?.leadTimeHours.p90),
        "leadTimeP90",
      ),
      figure(
        "td",
        g,
        wk,
        "changeFailureRate",
        w.changeFailureRate,
        formatPercent(w.changeFailureRate),
        "changeFailureRate",
      ),
      figure(
        "td",
        g,
        wk,
        "aiChangeFailureRate",
        ai?.changeFailureRate ?? null,
        formatPercent(ai?.changeFailureRate),
        "changeFailureRate",
      ),
      figure(
        "td",
        g,
        wk,
        "otherChangeFailureRate",
        other?.changeFailureRate ?? null,
        formatPercent(other?.changeFailureRate),
        "changeFailureRate",
      ),
      figure("td", g, wk, "revertRateAi", w.revertRate.ai, formatPercent(w.revertRate.ai), "revertRate"),
      figure("td", g, wk, "revertRateOther", w.revertRate.other, formatPercent(w.revertRate.other), "revertRate"),
    ].join("")}</tr>`;
  });
  return `<section id="guardrails"><h2>Delivery guardrails: AI-assisted and other changes</h2>
<p class="note">Are AI-assisted changes reverted or failing more? Split: AI-assisted covers AI-assisted changes and the deployments that shipped at least one; other, the rest.</p>
${dashLink(links?.guardrails("team", week ?? undefined), "Every team's guardrails in the dashboard")}
${summary}
${orgCharts}
<h3>Week ${esc(wk || NA)}, the organisation and its teams</h3><p class="note">Repositories' deployments, lead time and change failure rate are in the repositories' table.</p>
<table class="figures small"><thead><tr><th scope="col" rowspan="2">Group</th><th scope="col" colspan="2">${label("deployments")}</th><th scope="col" rowspan="2">${label("doraBand")}</th><th scope="col" colspan="2">${label("leadTimeMedian")}</th><th scope="col" colspan="2">${label("leadTimeP90")}</th><th scope="col" colspan="3">${label("changeFailureRate")}</th><th scope="col" colspan="2">${label("revertRate")}</th></tr>
<tr><th scope="col">all</th><th scope="col">AI</th><th scope="col">AI</th><th scope="col">other</th><th scope="col">AI</th><th scope="col">other</th><th scope="col">all</th><th scope="col">AI</th><th scope="col">other</th><th scope="col">AI</th><th scope="col">other</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table></section>`;
}

function costSection(output: MetricsOutput, charted: MetricsOutput, week: string | null): string {
  const wk = week ?? "";
  const withCost = output.groups.filter((g) => g.weeks.some((w) => w.aiCost !== null || w.costPerAiChange !== null));
  if (withCost.length === 0) {
    return `<section id="cost"><h2>${label("costPerAiChange")}</h2><p class="note">No usage was imported for this range, so cost per AI-assisted change is n/a (import usage with <code>yardstick usage import</code>).</p></section>`;
  }
  const rows = withCost.map((g) => {
    const w = weekOf(g, week);
    if (w === undefined || w.suppressed) {
      return `<tr><th scope="row">${esc(groupLabel(g))}</th><td colspan="3" class="note">suppressed (fewer than k people)</td></tr>`;
    }
    return `<tr><th scope="row">${esc(groupLabel(g))}</th>${figure("td", g, wk, "aiCost", w.aiCost, formatCost(w.aiCost), "aiCost")}${figure("td", g, wk, "aiQualifyingChanges", w.aiQualifyingChanges, formatCount(w.aiQualifyingChanges), "aiQualifyingChanges")}${figure("td", g, wk, "costPerAiChange", w.costPerAiChange, formatCost(w.costPerAiChange), "costPerAiChange")}</tr>`;
  });
  const org = charted.groups.find((g) => g.kind === "org" && withCost.some((x) => x.kind === "org"));
  const chart =
    org === undefined
      ? ""
      : `<div class="charts">${chartCard(
          org,
          lineChart({
            title: `${groupLabel(org)}: cost per AI-assisted qualifying change`,
            categories: org.weeks.map((w) => w.week),
            series: [
              {
                label: "cost per AI-assisted change",
                values: series(org, (w) => w.costPerAiChange),
                color: COLORS.aind,
              },
            ],
            formatY: numAxis,
            shaded: shadedOf(org),
            shadeLabel: SHADE,
          }),
          `${groupLabel(org)}: cost per AI-assisted change`,
        )}</div>`;
  return `<section id="cost"><h2>${label("costPerAiChange")}</h2><p class="note">Where usage was imported (currency as in the usage reports). Repositories have no cost: usage is per person.</p>
${chart}
<table class="figures"><thead><tr><th scope="col">Group</th><th scope="col">${label("aiCost")}</th><th scope="col">${label("aiQualifyingChanges")}</th><th scope="col">${label("costPerAiChange")}</th></tr></thead><tbody>${rows.join("\n")}</tbody></table></section>`;
}

const FLAG_FIELDS = [
  ["volumeSpike", "flagsVolumeSpike", "volume spike"],
  ["trivialShare", "flagsTrivialShare", "trivial share"],
  ["selfMergedAi", "flagsSelfMergedAi", "self-merged AI"],
  ["highRevertShare", "flagsHighRevertShare", "high revert share"],
  ["tokenHeavyNothingShipped", "flagsTokenHeavyNothingShipped", "token-heavy, nothing shipped"],
] as const;

function sumCounts(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
}

function flagsSection(output: MetricsOutput, week: string | null): string {
  const wk = week ?? "";
  const rows = output.groups.map((g) => {
    const w = weekOf(g, week);
    if (w === undefined || w.suppressed) {
      return `<tr><th scope="row">${esc(groupLabel(g))}</th><td colspan="${FLAG_FIELDS.length * 2}" class="note">suppressed (fewer than k people)</td></tr>`;
    }
    const cells = FLAG_FIELDS.flatMap(([key, field]) => {
      const total = sumCounts(g.weeks.filter((x) => !x.suppressed).map((x) => x.flags[key]));
      return [
        figure("td", g, wk, field, w.flags[key], formatCount(w.flags[key]), "flags"),
        `<td class="num${total === null ? " na" : ""}" data-group="${esc(`${g.kind}:${g.name}`)}" data-field="${field}Total" data-value="${total ?? ""}" title="Person-weeks flagged over the report's weeks (suppressed weeks left out)">${esc(formatCount(total))}</td>`,
      ];
    });
    return `<tr><th scope="row">${esc(groupLabel(g))}</th>${cells.join("")}</tr>`;
  });
  const named = output.groups.flatMap((g) =>
    g.weeks.flatMap((w) =>
      w.flags.named === null
        ? []
        : FLAG_FIELDS.flatMap(([key, , text]) => {
            const ids = w.flags.named?.[key] ?? [];
            return ids.length === 0
              ? []
              : [
                  `<tr><td>${esc(groupLabel(g))}</td><td>${esc(w.week)}</td><td>${esc(text)}</td><td>${ids.map(esc).join(", ")}</td></tr>`,
                ];
          }),
    ),
  );
  const namedTable =
    named.length === 0
      ? ""
      : `<h3>Named person-weeks (admins only)</h3><p class="note">This document was computed for an administrator; person ids in id order, never sorted by a figure.</p><table class="figures small"><thead><tr><th scope="col">Group</th><th scope="col">Week</th><th scope="col">Flag</th><th scope="col">People</th></tr></thead><tbody>${named.join("\n")}</tbody></table>`;
  return `<section id="flags"><h2>${label("flags")}</h2>
<p class="note">Counts of flagged person-weeks per group: week ${esc(wk || NA)} and the total over the report's weeks. Not a ranking; nobody is named here.</p>
<table class="figures small"><thead><tr><th scope="col" rowspan="2">Group</th>${FLAG_FIELDS.map(([, , text]) => `<th scope="col" colspan="2">${esc(text)}</th>`).join("")}</tr><tr>${FLAG_FIELDS.map(() => `<th scope="col">week</th><th scope="col">total</th>`).join("")}</tr></thead>
<tbody>${rows.join("\n")}</tbody></table>${namedTable}</section>`;
}

function list(items: readonly string[], empty: string): string {
  if (items.length === 0) return `<p class="note">${esc(empty)}</p>`;
  return `<ul class="compact">${items.map((i) => `<li><code>${esc(i)}</code></li>`).join("")}</ul>`;
}

function coverageSection(output: MetricsOutput, options: ReportOptions): string {
  const n = output.notes;
  const c = options.coverage;
  const provisional = [
    ...new Set(output.groups.flatMap((g) => g.weeks.filter((w) => w.provisional).map((w) => w.week))),
  ];
  const mergedRepos = output.groups.filter((g) => g.kind === "repo" && g.weeks.some((w) => w.mergedVariant !== null));
  const mergedRows = mergedRepos.map((g) => {
    const last = [...g.weeks].reverse().find((w) => w.mergedVariant !== null);
    const mv = last?.mergedVariant ?? null;
    const wk = last?.week ?? "";
    return `<tr><th scope="row">${esc(groupLabel(g))}</th><td>${esc(wk)}</td>${figure("td", g, wk, "mergedVariantNd", mv?.nd ?? null, formatNumber(mv?.nd), "mergedVariant")}${figure("td", g, wk, "mergedVariantAind", mv?.aind ?? null, formatNumber(mv?.aind), "mergedVariant")}${figure("td", g, wk, "mergedVariantAdoption", mv?.adoption ?? null, formatPercent(mv?.adoption), "mergedVariant")}${figure("td", g, wk, "mergedVariantPeopleToTarget", mv?.peopleToTarget ?? null, formatCount(mv?.peopleToTarget), "mergedVariant")}</tr>`;
  });
  const facts: string[] = [
    `<li>Time zone of the weeks: <code>${esc(n.timeZone)}</code>.</li>`,
    `<li>Merged changes not yet in any production deployment (count in no outcome figure): <span class="num" data-field="mergedNotDeployed" data-value="${n.mergedNotDeployed}">${n.mergedNotDeployed}</span>.</li>`,
  ];
  if (c?.unresolvedAccounts !== undefined) {
    facts.push(
      `<li>Accounts credited with changes that resolve to no person (their work counts in no person-based figure): <span class="num" data-field="unresolvedAccounts" data-value="${c.unresolvedAccounts ?? ""}">${esc(formatCount(c.unresolvedAccounts))}</span>.</li>`,
    );
  }
  if (c?.lastSyncAt !== undefined) {
    const age =
      c.lastSyncAt === null
        ? "never synced"
        : c.lastSyncAt.getTime() > options.generatedAt.getTime()
          ? // Never a negative age: a report timed before its data (another clock) says so.
            `${formatInstant(c.lastSyncAt)} (after this report's time, ${formatInstant(options.generatedAt)}: the clocks disagree)`
          : `${formatInstant(c.lastSyncAt)} (${formatHours((options.generatedAt.getTime() - c.lastSyncAt.getTime()) / 3_600_000)} before this report)`;
    facts.push(`<li>Last sync: ${esc(age)}.</li>`);
  }
  if (c?.syncStreamsWithErrors !== undefined) {
    facts.push(`<li>Sync streams whose last run failed: ${esc(formatCount(c.syncStreamsWithErrors))}.</li>`);
  }
  if (c?.ruleVersions !== undefined) {
    facts.push(
      `<li>Attribution rule version${c.ruleVersions.length === 1 ? "" : "s"}: ${c.ruleVersions.length === 0 ? "none (nothing attributed yet)" : c.ruleVersions.map((v) => `<code>${esc(v)}</code>`).join(", ")}.</li>`,
    );
  }
  if (c === undefined) {
    facts.push(
      `<li>Unresolved identities, sync freshness and the attribution rule version are not part of a metrics document: <code>yardstick report --from … --to …</code> against the database shows them.</li>`,
    );
  }
  facts.push(
    `<li>${label("provisional", "Provisional weeks")} (revert window still open): ${provisional.length === 0 ? "none" : provisional.map(esc).join(", ")}.</li>`,
  );
  const links = options.dashboardUrl === undefined ? null : dashboardLinks(options.dashboardUrl);
  return `<section id="coverage"><h2>${label("coverage")}</h2>
${dashLink(links?.status(), "Data status in the dashboard")}
<ul>${facts.join("\n")}</ul>
<h3>Repositories without a deployment signal (${n.reposWithoutDeploymentSignal.length})</h3>
${list(n.reposWithoutDeploymentSignal, "None: every repository has a deployment signal.")}
${mergedRows.length === 0 ? "" : `<p class="note">For these repositories the report shows the ${label("mergedVariant", "merged variant")}, labelled "merged (no deployment signal)": last week with figures.</p><table class="figures small"><thead><tr><th scope="col">Repository</th><th scope="col">Week</th><th scope="col">ND (merged)</th><th scope="col">AIND (merged)</th><th scope="col">Adoption (merged)</th><th scope="col">People still needed (merged)</th></tr></thead><tbody>${mergedRows.join("\n")}</tbody></table>`}
<h3>Off-branch deployments (${n.offBranchDeployments.length})</h3>
${list(n.offBranchDeployments, "None.")}
<h3>Changes not on the tracked branch (${n.changesNotOnBranch.length})</h3>
${list(n.changesNotOnBranch, "None.")}
</section>`;
}

function definitionsSection(): string {
  const items = FOOTNOTE_ORDER.map(
    (key) =>
      `<li id="fn-${footnoteNumber(key)}"><strong>${esc(DEFINITIONS[key].label)}</strong>: ${esc(DEFINITIONS[key].text)}</li>`,
  );
  return `<section id="definitions"><h2>Definitions</h2><p class="note">Every figure is defined in docs/metrics.md (the contract: METRICS.md). Absent figures read "n/a", never 0. Groups appear in a fixed order (organisation, teams, repositories, each by name); nothing is ranked and no figure is per person.</p><ol class="footnotes">${items.join("\n")}</ol></section>`;
}

const CSS = `
:root{color-scheme:light;--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:24px;font-size:14px;line-height:1.45;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.meta,.note{color:var(--muted)}.note{font-size:12.5px}
abbr{text-decoration:underline dotted;cursor:help}sup.fn{font-size:9px;margin-left:1px}sup.fn a{color:var(--muted);text-decoration:none}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:10px;margin:10px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:10px;background:var(--bg);break-inside:avoid}
.card-label{font-size:12px;color:var(--muted)}.card-value{font-size:22px;font-weight:600;margin:2px 0}.card-change{font-size:11.5px;color:var(--muted)}
.answers{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:14px;margin:6px 0}
.answer{border:1px solid var(--line);border-radius:8px;padding:10px;break-inside:avoid;page-break-inside:avoid}
.answer h3{margin:0 0 6px;font-size:15px}
.cards.three{grid-template-columns:repeat(3,minmax(0,1fr));gap:6px;margin:4px 0}
.cards.three .card{padding:6px}.cards.three .card-value{font-size:18px}.cards.three .card-change{font-size:10.5px}
p.verdict{font-size:12.5px;margin:6px 0;min-height:3.2em}
section.first-page h2{margin-top:12px}
svg.spark{display:block}table.repos td:last-child{padding:2px 4px}
.badge{font-size:11px;font-weight:500;background:#fff8c5;border:1px solid #d4a72c;border-radius:10px;padding:1px 7px;vertical-align:middle}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
figure.chart-card{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px;break-inside:avoid;page-break-inside:avoid}
figcaption{font-weight:600;font-size:13px;margin-bottom:2px;overflow-wrap:anywhere}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:#eaeef2;stroke-width:1}svg .axis{stroke:#8c959f;stroke-width:1}
svg text{font-family:inherit;fill:#57606a}svg .tick{font-size:9.5px}svg .legend{font-size:10px}
svg .shade{fill:#eaeef2;stroke:#d0d7de;stroke-width:.5;fill-opacity:.8}
table.figures{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:12.5px}
table.figures th,table.figures td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
table.figures thead th{background:var(--bg);font-weight:600}
table.figures tbody th{font-weight:500;overflow-wrap:anywhere}
table.small{font-size:11.5px}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.na{color:#8c959f}
.trend-up,.trend-down,.trend-flat,.trend-na{white-space:nowrap}.trend-up{color:#1a7f37}.trend-down{color:#cf222e}
ul.compact{columns:2;font-size:12px}
ol.footnotes{font-size:12.5px}ol.footnotes li{margin-bottom:4px}
code{font-size:12px;overflow-wrap:anywhere}
@page{margin:12mm}
@media print{
  body{max-width:none;padding:0;font-size:10.5pt}
  section{break-before:page;page-break-before:always}
  section.first-page{break-before:auto;page-break-before:auto}
  .answers{grid-template-columns:repeat(3,minmax(0,1fr))}
  h2,h3{break-after:avoid;page-break-after:avoid}
  tr,.card,figure.chart-card{break-inside:avoid;page-break-inside:avoid}
  .charts{grid-template-columns:repeat(2,minmax(0,1fr))}
  a{color:inherit;text-decoration:none}
  thead{display:table-header-group}
}`;

/**
 * The leadership report: one self-contained HTML document (inline CSS and SVG, no scripts, no
 * network) of a `MetricsOutput`. Pure and deterministic: the same document and options give the
 * same bytes. Groups keep the engine's order; no per-person figure appears.
 */
export function renderReportHtml(output: MetricsOutput, options: ReportOptions): string {
  const week = reportWeek(output, options.generatedAt);
  const links = options.dashboardUrl === undefined ? null : dashboardLinks(options.dashboardUrl);
  const range =
    output.weeks.length === 0 ? "no weeks" : `${output.weeks[0]} to ${output.weeks[output.weeks.length - 1]}`;
  const tracking = trackTargets(output, week);
  const warmUp = warmUpWeeks(output, options.coverage);
  const charted = chartedOutput(output, warmUp);
  const chartRange =
    charted === output || charted.weeks.length === 0
      ? ""
      : ` · charts from ${esc(charted.weeks[0] ?? "")} (after the warm-up)`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="yardstick report">
<title>${esc(options.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(options.title)}</h1>
<p class="meta">Weeks ${esc(range)} (ISO weeks, ${esc(output.notes.timeZone)})${chartRange} · report week ${esc(week ?? NA)} (the last complete week) · generated ${esc(formatInstant(options.generatedAt))} · ${output.groups.length} groups</p>
<nav class="meta">Sections: <a href="#summary">Summary</a> · <a href="#adoption">Teams</a> · <a href="#repositories">Repositories</a> · <a href="#guardrails">Guardrails</a> · <a href="#cost">Cost</a> · <a href="#flags">Integrity flags</a> · <a href="#coverage">Coverage</a> · <a href="#definitions">Definitions</a></nav>
${links === null ? "" : `<p class="meta"><a href="${esc(links.overview(week ?? undefined))}" data-testid="dashboard-link">Open ${esc(week ?? "the latest week")} in the dashboard</a> (every figure with the changes behind it)</p>`}
</header>
<main>
${firstPage(output, charted, week, tracking, warmUp)}
${teamsSection(output, charted, tracking, week, links)}
${reposSection(output, charted, tracking, week, links)}
${guardrailsSection(output, charted, week, links)}
${costSection(output, charted, week)}
${flagsSection(output, week)}
${coverageSection(output, options)}
${definitionsSection()}
</main>
</body>
</html>
`;
}
