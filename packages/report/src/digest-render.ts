import { displayText, mondayOf } from "@yardstick/core";
import { DEFINITIONS } from "./definitions.js";
import type { Digest, DigestFlag, HeadlineFigure } from "./digest.js";
import { escapeHtml as esc, escapeMarkdown as md } from "./escape.js";
import { formatCount, formatDelta, formatInstant, formatPercent, NA } from "./format.js";
import { basisText, describeProjection, type TargetTracking } from "./tracking.js";

/**
 * The digest for each channel: Markdown (files), HTML (files and email), plain text (email),
 * Slack Block Kit. Each says the same things in the same order: headline, adoption against
 * target, guardrail regressions, integrity flag counts, data warnings.
 */

const TREND = { up: "up", down: "down", flat: "flat" } as const;

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** The week's Monday to Sunday as calendar days (the same in every zone), and the zone. */
function period(d: Digest): string {
  const monday = mondayOf(d.week);
  const first = new Date(Date.UTC(monday.year, monday.month - 1, monday.day));
  const last = new Date(Date.UTC(monday.year, monday.month - 1, monday.day + 6));
  return `${isoDay(first)} to ${isoDay(last)}, ${d.timeZone}`;
}

export function digestSubject(d: Digest): string {
  const org = d.org?.name ?? "organisation";
  const adoption = d.adoption.org;
  const lead =
    adoption === null || adoption.suppressed || adoption.adoption === null
      ? ""
      : `: adoption ${formatPercent(adoption.adoption)} against ${formatPercent(adoption.target)}`;
  return `Yardstick ${org}, ${d.week}${lead}`;
}

function standing(t: TargetTracking): string {
  if (t.suppressed) return "suppressed (fewer than k people)";
  if (t.adoption === null) return `${NA} (no active engineers)`;
  if (t.target === null) return `${formatPercent(t.adoption)} (4-week ${formatPercent(t.adoption4w)}), no target`;
  const at =
    t.atTarget === true
      ? "at or above target"
      : `${formatCount(t.peopleToTarget)} more people needed; target reached at this trend: ${describeProjection(t.projection)}`;
  return `${formatPercent(t.adoption)} (4-week ${formatPercent(t.adoption4w)}, target ${formatPercent(t.target)} on ${basisText(t.basis)}): ${at}`;
}

/**
 * What was compared and what passed: "2 of 26 comparisons significant (Fisher's exact test, ...);
 * the rest: no significant change", with how many significant ones are not listed.
 */
export function regressionSummaryText(d: Digest): string {
  const r = d.regressionSummary;
  if (r.tested === 0) return "No guardrail comparison had counts on both sides this week.";
  const more =
    r.significant > r.shown
      ? ` The ${r.shown} with the smallest p are listed; ${r.significant - r.shown} more are in the report.`
      : "";
  const rest = r.tested - r.significant;
  const head =
    r.significant === 0
      ? `No significant change in ${r.tested} ${r.tested === 1 ? "comparison" : "comparisons"}`
      : `${r.significant} of ${r.tested} comparisons significant; the other ${rest}: no significant change`;
  const what = r.withSamples
    ? "change failure rate against the previous week; AI-assisted against other for change failure rate, revert rate and lead time"
    : "change failure rate against the previous week and AI-assisted against other deployments";
  const rest2 = r.withSamples
    ? "Recovery times are in the report."
    : "Lead and recovery times and revert rates are in the report.";
  return `${head} (${what}; ${r.test}). ${rest2}${more}`;
}

function flagText(f: DigestFlag): string {
  if (f.count === null && f.previous === null)
    return f.key === "tokenHeavyNothingShipped" ? `${NA} (no usage imported)` : NA;
  return `${formatCount(f.count)} (${f.previous === null ? "previous week n/a" : `${formatDelta(f.count, f.previous)} on the previous week`})`;
}

function headlineLine(h: HeadlineFigure): string {
  return `${h.label}: ${h.text} (${h.change} on the previous week)`;
}

const NO_FIGURES = "No figures for the organisation this week.";

/** A team's page in the dashboard, when one is configured. */
function teamLink(d: Digest, name: string): string | undefined {
  return d.dashboard === null
    ? undefined
    : Object.hasOwn(d.dashboard.teams, name)
      ? d.dashboard.teams[name]
      : undefined;
}

/** A Markdown link destination: parentheses and spaces escaped, so no name can end the link early. */
function mdUrl(url: string): string {
  return url.replaceAll("(", "%28").replaceAll(")", "%29").replaceAll(" ", "%20");
}

// ---------------------------------------------------------------------------------------------
// Markdown

function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

export function renderDigestMarkdown(d: Digest): string {
  const out: string[] = [`# ${md(d.title)}`, "", `Week ${d.week} (${period(d)}).`, "", "## Headline", ""];
  if (d.headline.length === 0) out.push(NO_FIGURES);
  else {
    out.push(
      ...mdTable(
        ["Figure", d.week, `Change on ${d.previousWeek}`],
        d.headline.map((h) => [h.label, h.text, h.change]),
      ),
    );
  }
  if (d.dashboard !== null) out.push("", `[Open ${d.week} in the dashboard](${mdUrl(d.dashboard.overview)})`);
  out.push("", "## Adoption against target", "");
  if (d.adoption.org !== null) out.push(`Organisation: ${standing(d.adoption.org)}.`, "");
  if (d.adoption.teams.length > 0) {
    out.push(
      ...mdTable(
        ["Team", "Adoption", "4-week", "Target", "Trend", "People still needed", "Target reached"],
        d.adoption.teams.map((t) => {
          const link = teamLink(d, t.name);
          const name = link === undefined ? md(t.name) : `[${md(t.name)}](${mdUrl(link)})`;
          return t.suppressed
            ? [name, "suppressed", "", "", "", "", ""]
            : [
                name,
                formatPercent(t.adoption),
                formatPercent(t.adoption4w),
                formatPercent(t.target),
                t.trend === null ? NA : TREND[t.trend],
                formatCount(t.peopleToTarget),
                t.target === null ? "no target" : describeProjection(t.projection),
              ];
        }),
      ),
      "",
    );
  }
  for (const t of d.adoption.crossed)
    out.push(`- ${md(t.kind === "org" ? "The organisation" : t.name)} crossed the target.`);
  for (const t of d.adoption.fellBelow)
    out.push(`- ${md(t.kind === "org" ? "The organisation" : t.name)} fell below the target.`);
  if (d.adoption.crossed.length + d.adoption.fellBelow.length === 0)
    out.push("No group crossed or fell below its target.");
  if (d.dashboard !== null) out.push("", `[Every team's adoption in the dashboard](${mdUrl(d.dashboard.adoption)})`);
  out.push("", "## Guardrail regressions", "");
  // Only names come from outside (GitHub, the teams file): the rest is our own text.
  for (const r of d.regressions) out.push(`- ${md(r.group)}: ${r.text}`);
  if (d.regressions.length > 0) out.push("");
  out.push(regressionSummaryText(d));
  if (d.dashboard !== null) out.push("", `[Guardrails in the dashboard](${mdUrl(d.dashboard.guardrails)})`);
  out.push("", "## Integrity flags (counts of person-weeks)", "");
  if (d.flags.length === 0) out.push(NO_FIGURES);
  else
    out.push(
      ...mdTable(
        ["Flag", "Count"],
        d.flags.map((f) => [f.label, flagText(f)]),
      ),
    );
  out.push("", "## Data warnings", "");
  if (d.warnings.length === 0) out.push("None.");
  for (const w of d.warnings) out.push(`- ${w}`);
  if (d.dashboard !== null) out.push("", `[Data status in the dashboard](${mdUrl(d.dashboard.status)})`);
  out.push(
    "",
    footer(d, (url) => `[the full report](${url})`),
    "",
  );
  return out.join("\n");
}

function footer(d: Digest, link: (url: string) => string): string {
  const report = d.reportUrl === null ? "the leadership report" : link(d.reportUrl);
  return `Generated ${formatInstant(d.generatedAt)}. Definitions: docs/metrics.md and ${report}. Counts and group figures only; nobody is named or ranked.`;
}

// ---------------------------------------------------------------------------------------------
// Plain text (email)

export function renderDigestText(d: Digest): string {
  const out: string[] = [d.title, `Week ${d.week} (${period(d)})`, "", "HEADLINE"];
  if (d.headline.length === 0) out.push(`  ${NO_FIGURES}`);
  for (const h of d.headline) out.push(`  ${headlineLine(h)}`);
  if (d.dashboard !== null) out.push(`  In the dashboard: ${d.dashboard.overview}`);
  out.push("", "ADOPTION AGAINST TARGET");
  if (d.adoption.org !== null) out.push(`  Organisation: ${standing(d.adoption.org)}`);
  for (const t of d.adoption.teams) {
    const link = teamLink(d, t.name);
    out.push(`  ${t.name}: ${standing(t)}${link === undefined ? "" : ` (${link})`}`);
  }
  for (const t of d.adoption.crossed)
    out.push(`  * ${t.kind === "org" ? "The organisation" : t.name} crossed the target.`);
  for (const t of d.adoption.fellBelow)
    out.push(`  * ${t.kind === "org" ? "The organisation" : t.name} fell below the target.`);
  if (d.dashboard !== null) out.push(`  Every team's adoption: ${d.dashboard.adoption}`);
  out.push("", "GUARDRAIL REGRESSIONS");
  for (const r of d.regressions) out.push(`  * ${r.group}: ${r.text}`);
  out.push(`  ${regressionSummaryText(d)}`);
  if (d.dashboard !== null) out.push(`  Guardrails in the dashboard: ${d.dashboard.guardrails}`);
  out.push("", "INTEGRITY FLAGS (counts of person-weeks)");
  if (d.flags.length === 0) out.push(`  ${NO_FIGURES}`);
  for (const f of d.flags) out.push(`  ${f.label}: ${flagText(f)}`);
  out.push("", "DATA WARNINGS");
  if (d.warnings.length === 0) out.push("  None.");
  for (const w of d.warnings) out.push(`  * ${w}`);
  if (d.dashboard !== null) out.push(`  Data status: ${d.dashboard.status}`);
  out.push(
    "",
    footer(d, (url) => `the full report (${url})`),
    "",
  );
  // Plain text has nothing to escape but the order it is shown in: bidi overrides neutralised.
  return displayText(out.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// HTML (files and email: inline styles only, no scripts, no external resources)

const S = {
  body: "font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;max-width:720px;margin:0 auto;padding:16px;",
  h1: "font-size:20px;margin:0 0 4px;",
  h2: "font-size:16px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px;",
  muted: "color:#57606a;font-size:13px;",
  table: "border-collapse:collapse;width:100%;font-size:14px;",
  th: "text-align:left;border-bottom:1px solid #d0d7de;padding:4px 8px;",
  thNum: "text-align:right;border-bottom:1px solid #d0d7de;padding:4px 8px;",
  td: "border-bottom:1px solid #eaeef2;padding:4px 8px;",
  num: "border-bottom:1px solid #eaeef2;padding:4px 8px;text-align:right;font-variant-numeric:tabular-nums;",
  bad: "color:#cf222e;",
  good: "color:#1a7f37;",
};

function htmlTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: (i: number) => boolean,
): string {
  return `<table style="${S.table}"><thead><tr>${header.map((h, i) => `<th style="${numeric(i) ? S.thNum : S.th}">${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td style="${numeric(i) ? S.num : S.td}">${c}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

function list(items: readonly string[], style = ""): string {
  return `<ul style="${style}">${items.map((i) => `<li>${i}</li>`).join("")}</ul>`;
}

export function renderDigestHtml(d: Digest): string {
  const parts: string[] = [
    `<h1 style="${S.h1}">${esc(d.title)}</h1>`,
    `<p style="${S.muted}">Week ${esc(d.week)} (${esc(period(d))})</p>`,
    `<h2 style="${S.h2}">Headline</h2>`,
  ];
  if (d.headline.length === 0) parts.push(`<p>${esc(NO_FIGURES)}</p>`);
  else {
    parts.push(
      htmlTable(
        ["Figure", d.week, `Change on ${d.previousWeek}`],
        d.headline.map((h) => [
          `<abbr title="${esc(DEFINITIONS[h.key].text)}">${esc(h.label)}</abbr>`,
          `<span data-field="${esc(h.key)}" data-value="${h.value === null ? "" : esc(String(h.value))}">${esc(h.text)}</span>`,
          esc(h.change),
        ]),
        (i) => i > 0,
      ),
    );
  }
  const dash = (url: string | undefined, text: string) =>
    url === undefined ? "" : `<p><a href="${esc(url)}">${esc(text)}</a></p>`;
  parts.push(dash(d.dashboard?.overview, `Open ${d.week} in the dashboard`));
  parts.push(`<h2 style="${S.h2}">Adoption against target</h2>`);
  if (d.adoption.org !== null) parts.push(`<p>Organisation: ${esc(standing(d.adoption.org))}</p>`);
  if (d.adoption.teams.length > 0) {
    parts.push(
      htmlTable(
        ["Team", "Adoption", "4-week", "Target", "Trend", "People still needed", "Target reached"],
        d.adoption.teams.map((t) => {
          const link = teamLink(d, t.name);
          const name = link === undefined ? esc(t.name) : `<a href="${esc(link)}">${esc(t.name)}</a>`;
          return t.suppressed
            ? [name, `<span style="${S.muted}">suppressed</span>`, "", "", "", "", ""]
            : [
                name,
                `<span style="${t.atTarget === true ? S.good : t.atTarget === false ? S.bad : ""}">${esc(formatPercent(t.adoption))}</span>`,
                esc(formatPercent(t.adoption4w)),
                esc(formatPercent(t.target)),
                esc(t.trend === null ? NA : TREND[t.trend]),
                esc(formatCount(t.peopleToTarget)),
                esc(t.target === null ? "no target" : describeProjection(t.projection)),
              ];
        }),
        (i) => i > 0 && i !== 4 && i !== 6,
      ),
    );
  }
  const crossings = [
    ...d.adoption.crossed.map((t) => `${esc(t.kind === "org" ? "The organisation" : t.name)} crossed the target.`),
    ...d.adoption.fellBelow.map((t) => `${esc(t.kind === "org" ? "The organisation" : t.name)} fell below the target.`),
  ];
  parts.push(crossings.length === 0 ? "<p>No group crossed or fell below its target.</p>" : list(crossings));
  parts.push(dash(d.dashboard?.adoption, "Every team's adoption in the dashboard"));
  parts.push(`<h2 style="${S.h2}">Guardrail regressions</h2>`);
  if (d.regressions.length > 0) {
    parts.push(
      list(
        d.regressions.map((r) => `<strong>${esc(r.group)}</strong>: ${esc(r.text)}`),
        S.bad,
      ),
    );
  }
  parts.push(`<p>${esc(regressionSummaryText(d))}</p>`);
  parts.push(dash(d.dashboard?.guardrails, "Guardrails in the dashboard"));
  parts.push(`<h2 style="${S.h2}">Integrity flags <span style="${S.muted}">(counts of person-weeks)</span></h2>`);
  parts.push(
    d.flags.length === 0
      ? `<p>${esc(NO_FIGURES)}</p>`
      : htmlTable(
          ["Flag", "Count"],
          d.flags.map((f) => [esc(f.label), esc(flagText(f))]),
          (i) => i > 0,
        ),
  );
  parts.push(`<h2 style="${S.h2}">Data warnings</h2>`);
  parts.push(d.warnings.length === 0 ? "<p>None.</p>" : list(d.warnings.map(esc)));
  parts.push(dash(d.dashboard?.status, "Data status in the dashboard"));
  parts.push(`<p style="${S.muted}">${footer(d, (url) => `<a href="${esc(url)}">the full report</a>`)}</p>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(d.title)}</title></head>
<body style="${S.body}">${parts.join("\n")}</body></html>
`;
}

// ---------------------------------------------------------------------------------------------
// Slack (Block Kit for an incoming webhook)

export interface SlackText {
  type: "mrkdwn" | "plain_text";
  text: string;
}
export type SlackBlock =
  | { type: "header"; text: SlackText }
  | { type: "section"; text?: SlackText; fields?: SlackText[] }
  | { type: "context"; elements: SlackText[] }
  | { type: "divider" };
export interface SlackMessage {
  /** The notification and fallback text. */
  text: string;
  blocks: SlackBlock[];
}

/** Slack's mrkdwn escapes only &, < and > (they would otherwise start links or mentions); bidi overrides neutralised. */
export function escapeSlack(value: string): string {
  return displayText(value).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Slack's limits: 3,000 characters a section text, 10 fields a section, 150 a header, 50 blocks. */
const SLACK_SECTION_MAX = 3_000;
const SLACK_FIELDS_MAX = 10;

/** A Slack link: the address escaped like text (a `|` or `>` cannot end it early), the label too. */
function slackLink(url: string, label: string): string {
  return `<${escapeSlack(url).replaceAll("|", "%7C")}|${escapeSlack(label)}>`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function section(lines: readonly string[]): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text: clip(lines.join("\n"), SLACK_SECTION_MAX) } };
}

export function renderDigestSlack(d: Digest): SlackMessage {
  const s = escapeSlack;
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(d.title, 150) } },
    { type: "context", elements: [{ type: "mrkdwn", text: s(`Week ${d.week} (${period(d)})`) }] },
  ];
  if (d.headline.length === 0) blocks.push(section([s(NO_FIGURES)]));
  else {
    for (let i = 0; i < d.headline.length; i += SLACK_FIELDS_MAX) {
      blocks.push({
        type: "section",
        fields: d.headline.slice(i, i + SLACK_FIELDS_MAX).map((h) => ({
          type: "mrkdwn",
          text: `*${s(h.label)}*\n${s(h.text)} (${s(h.change)})`,
        })),
      });
    }
  }
  if (d.dashboard !== null) blocks.push(section([slackLink(d.dashboard.overview, `Open ${d.week} in the dashboard`)]));
  blocks.push({ type: "divider" });
  const adoption = ["*Adoption against target*"];
  if (d.adoption.org !== null) adoption.push(s(`Organisation: ${standing(d.adoption.org)}`));
  for (const t of d.adoption.teams) {
    const link = teamLink(d, t.name);
    adoption.push(`• ${link === undefined ? s(t.name) : slackLink(link, t.name)}: ${s(standing(t))}`);
  }
  for (const t of d.adoption.crossed)
    adoption.push(s(`:white_check_mark: ${t.kind === "org" ? "The organisation" : t.name} crossed the target.`));
  for (const t of d.adoption.fellBelow)
    adoption.push(s(`:warning: ${t.kind === "org" ? "The organisation" : t.name} fell below the target.`));
  if (d.dashboard !== null) adoption.push(slackLink(d.dashboard.adoption, "Every team's adoption in the dashboard"));
  blocks.push(section(adoption));
  blocks.push(
    section([
      "*Guardrail regressions*",
      ...d.regressions.map((r) => s(`• ${r.group}: ${r.text}`)),
      s(regressionSummaryText(d)),
      ...(d.dashboard === null ? [] : [slackLink(d.dashboard.guardrails, "Guardrails in the dashboard")]),
    ]),
  );
  blocks.push(
    section([
      "*Integrity flags* (counts of person-weeks)",
      ...(d.flags.length === 0 ? [s(NO_FIGURES)] : d.flags.map((f) => s(`• ${f.label}: ${flagText(f)}`))),
    ]),
  );
  blocks.push(
    section([
      "*Data warnings*",
      ...(d.warnings.length === 0 ? ["None."] : d.warnings.map((w) => s(`• ${w}`))),
      ...(d.dashboard === null ? [] : [slackLink(d.dashboard.status, "Data status in the dashboard")]),
    ]),
  );
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: footer(d, (url) => `<${url}|the full report>`) }],
  });
  return { text: s(digestSubject(d)), blocks };
}
