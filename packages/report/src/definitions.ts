/**
 * What every figure in the report means: the tooltip (`title`) and the numbered footnote. The
 * text restates docs/metrics.md (the contract is shared/METRICS.md); keep the two in step.
 */
export interface Definition {
  /** The figure's label in tables and charts. */
  label: string;
  /** The definition, one or two sentences. */
  text: string;
}

export const DEFINITIONS = {
  nd: {
    label: "ND",
    text: "Normalised deployments: the sum over the group's people of min(qualifying changes deployed this week, weekly cap, default 10), divided by the active engineers. A qualifying change is merged, deployed to production, not trivial (more than 5 changed lines, not only lock or generated files), not reverted within 14 days, and not itself a revert.",
  },
  aind: {
    label: "AIND",
    text: "AI normalised deployments: ND counting only AI-assisted qualifying changes (an attribution signal at or above the configured confidence, default high).",
  },
  aiShare: { label: "AI share", text: "AIND divided by ND; n/a when ND is 0 or absent." },
  adoption: {
    label: "Adoption",
    text: "Weekly AI adoption: the share of active engineers with at least one AI-assisted qualifying change deployed this week.",
  },
  adoption4w: {
    label: "4-week adoption",
    text: "Rolling adoption: the share of this week's active engineers with at least one AI-assisted qualifying change deployed in the 4 weeks ending this week.",
  },
  adoptionTarget: {
    label: "Target",
    text: "The group's adoption target (adoption.perGroup, else adoption.target, default 80%), judged on the week's adoption or, where adoption.basis (or adoption.basisPerGroup) says rolling4w, on the 4-week adoption. A repository has no target unless adoption.perGroup gives it one: a repository is not a team.",
  },
  projection: {
    label: "Target reached",
    text: 'When the group reaches its target at the trend of its last 8 weeks of the judged adoption value (a least-squares line, at least 4 weeks with a value): that week, "reached" when it already is, or "not at this trend" when the line is flat or falling or meets the target only after two years.',
  },
  peopleToTarget: {
    label: "People still needed",
    text: "How many more active engineers would need to ship AI-assisted work to reach the target: max(0, ceil(target × active engineers) − adopters), adopters counted on the target's basis (this week, or the 4 weeks ending it).",
  },
  trend: {
    label: "Trend",
    text: "Weekly adoption compared with the previous week: up, down or flat (less than half a percentage point); n/a when either week has no figure.",
  },
  crossing: {
    label: "Crossed / fell below",
    text: "A group crossed the target when its weekly adoption was below the target the previous week and is at or above it this week; it fell below in the opposite case.",
  },
  activeEngineers: {
    label: "Active engineers",
    text: "Rostered people in the group with at least one merged change (any change) in the 4 weeks ending this week: the denominator of ND, AIND and adoption.",
  },
  rosterSize: {
    label: "Roster",
    text: "People in the group this week (repositories: the rostered people active in them).",
  },
  qualifyingChanges: {
    label: "Qualifying changes",
    text: "Changes deployed to production this week that are not trivial, not reverted within 14 days of merge and not themselves reverts.",
  },
  aiQualifyingChanges: { label: "AI-assisted qualifying", text: "Qualifying changes that are AI-assisted." },
  deployments: {
    label: "Deployments",
    text: "Production deployments that went live this week (redeploys and rollbacks included). Split: AI-assisted counts deployments that shipped at least one AI-assisted change; other, the rest.",
  },
  doraBand: {
    label: "DORA band",
    text: "Deployment frequency band over the 12 weeks ending this week: median weekly deploy days ≥ 5 daily, ≥ 1 weekly, else monthly when the median 4-week block had a deploy day, else fewer.",
  },
  leadTimeMedian: {
    label: "Lead time, median",
    text: "Median hours from a change's earliest authored commit (PR creation where commits are missing) to its first production deployment, over changes deployed this week (trivial and reverted included).",
  },
  leadTimeP90: {
    label: "Lead time, p90",
    text: "The 90th percentile (nearest rank) of the same lead times, in hours.",
  },
  changeFailureRate: {
    label: "Change failure rate",
    text: "Failed production deployments / production deployments this week. Failed: status failure/error after going live, rolled back, shipped a change reverted within 14 days, or named by an incident.",
  },
  recovery: {
    label: "Recovery, median",
    text: "Median hours from a failed deployment going live to the next deployment of the same repository and environment that did not fail.",
  },
  revertRate: {
    label: "Revert rate",
    text: "Share of the group's changes deployed this week that were reverted within 14 days of merge, for AI-assisted and for other changes.",
  },
  costPerAiChange: {
    label: "Cost per AI-assisted change",
    text: "Imported AI tool cost of the group's people this week divided by its AI-assisted qualifying changes; n/a without imported usage or with no such change. Repositories: n/a (usage is per person).",
  },
  aiCost: { label: "AI tool cost", text: "Total imported AI tool cost of the group's people this week." },
  flags: {
    label: "Integrity flags",
    text: "Counts of person-weeks flagged, never a ranking: volume spike (above the cap and 3× the person's 8-week median), trivial share above 50% of at least 5 changes, two or more AI-assisted changes merged by their author without review, revert share above 20% of at least 5 changes, token-heavy with nothing shipped. Names only for configured admins.",
  },
  suppressed: {
    label: "Suppressed",
    text: 'A group-week with fewer than k people (thresholds.minGroupSize, default 5) shows no figures; its people fold into the kind\'s "other" group.',
  },
  provisional: {
    label: "Provisional",
    text: "The 14-day revert window of changes merged this week has not closed: figures may still drop.",
  },
  warmUp: {
    label: "Warm-up",
    text: "The first 3 weeks of the data (from the week of the first merged change): their 4-week values (active engineers, hence ND and adoption, and the 4-week adoption) cover fewer than 4 weeks of history, so they read high or low for want of history, not for anything people did. The report's charts start after them.",
  },
  mergedVariant: {
    label: "Merged variant",
    text: 'For repositories with no deployment signal only: the same figures counting changes merged (not deployed) this week, labelled "merged (no deployment signal)".',
  },
  coverage: {
    label: "Coverage",
    text: "What the figures cannot see: repositories with no deployment signal, deployments of commits not on the tracked branch, changes whose commits are not on it, merged changes not yet deployed, accounts not resolved to a person, sync freshness and the attribution rule version.",
  },
} as const satisfies Record<string, Definition>;

export type DefinitionKey = keyof typeof DEFINITIONS;

/** Footnote numbers, in the order the definitions are listed (stable, so output is deterministic). */
export const FOOTNOTE_ORDER = Object.keys(DEFINITIONS) as DefinitionKey[];

export function footnoteNumber(key: DefinitionKey): number {
  return FOOTNOTE_ORDER.indexOf(key) + 1;
}
