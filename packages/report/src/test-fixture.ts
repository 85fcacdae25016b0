import { addWeeks } from "@yardstick/core";
import {
  suppressedWeek as engineSuppressedWeek,
  type GroupKind,
  type MetricsOutput,
  type WeekFigures,
} from "@yardstick/metrics";

/** Test helper (not exported from the package): a week of figures with every field present. */
export function weekFigures(week: string, overrides: Partial<WeekFigures> = {}): WeekFigures {
  const split = {
    deployments: 3,
    leadTimeHours: { median: 20, p90: 50 },
    leadTimeParts: { firstCommitToOpen: 2, openToMerge: 10, mergeToDeploy: 8 },
    changeFailureRate: 0.1,
    recoveryHoursMedian: 4,
    revertRate: 0.05,
  };
  return {
    week,
    rosterSize: 10,
    activeEngineers: 8,
    mergedChanges: 30,
    deployedChanges: 28,
    qualifyingChanges: 24,
    aiQualifyingChanges: 12,
    nd: 3,
    aind: 1.5,
    aiShare: 0.5,
    adoption: 0.625,
    adoption4w: 0.75,
    adoptionTarget: 0.8,
    adoptionBasis: "week",
    peopleToTarget: 2,
    deployments: 6,
    deployDays: 4,
    leadTimeHours: { median: 22, p90: 60 },
    changeFailureRate: 0.125,
    recoveryHoursMedian: 5,
    revertRate: { ai: 0.04, other: 0.06 },
    costPerAiChange: null,
    flags: {
      volumeSpike: 0,
      trivialShare: 1,
      selfMergedAi: 0,
      highRevertShare: 0,
      tokenHeavyNothingShipped: null,
      named: null,
    },
    suppressed: false,
    doraBand: "weekly",
    leadTimeParts: { firstCommitToOpen: 2, openToMerge: 10, mergeToDeploy: 9 },
    guardrails: { ai: split, other: { ...split, deployments: 3, changeFailureRate: 0.15, revertRate: 0.06 } },
    aiCost: null,
    provisional: false,
    mergedVariant: null,
    ...overrides,
  };
}

/** What a suppressed group-week looks like: the engine's own shape (every figure null). */
export function suppressedWeek(week: string): WeekFigures {
  return engineSuppressedWeek(week, false);
}

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * A realistic document: `weeks` weeks ending `lastWeek`, an organisation, teams and repositories
 * (one hostile team name, one team suppressed throughout, a repository suppressed some weeks and
 * one without a deployment signal), adoption rising towards the target, usage imported.
 */
export function sampleOutput(options: { lastWeek?: string; weeks?: number; seed?: number } = {}): MetricsOutput {
  const last = options.lastWeek ?? "2026-W47";
  const count = options.weeks ?? 12;
  const weeks = Array.from({ length: count }, (_, i) => addWeeks(last, i - (count - 1)));
  const rnd = random(options.seed ?? 7);
  const groups: { kind: GroupKind; name: string; size: number; shape?: "suppressed" | "gappy" | "merged" }[] = [
    { kind: "org", name: "acme", size: 120 },
    { kind: "team", name: "<script>alert('x')</script> & \"platform\"", size: 18 },
    { kind: "team", name: "payments", size: 24 },
    { kind: "team", name: "tiny", size: 3, shape: "suppressed" },
    { kind: "team", name: "other", size: 9 },
    { kind: "repo", name: "acme/api", size: 30 },
    { kind: "repo", name: "acme/web", size: 12, shape: "gappy" },
    { kind: "repo", name: "acme/docs", size: 7, shape: "merged" },
  ];
  return {
    weeks,
    groups: groups.map((g) => ({
      kind: g.kind,
      name: g.name,
      weeks: weeks.map((week, i) => {
        if (g.shape === "suppressed" || (g.shape === "gappy" && (i === 3 || i === 4))) return suppressedWeek(week);
        const active = Math.max(5, Math.round(g.size * (0.8 + rnd() * 0.15)));
        const adoption = round(Math.min(1, 0.35 + (0.5 * i) / count + (rnd() - 0.5) * 0.12));
        const adopters = Math.round(adoption * active);
        const nd = round(2 + rnd() * 2);
        const aiShare = round(0.3 + (0.4 * i) / count + rnd() * 0.05);
        const repo = g.kind === "repo";
        const withCost = !repo && i > count / 2;
        const merged = g.shape === "merged";
        return weekFigures(week, {
          rosterSize: g.size,
          activeEngineers: active,
          nd: merged ? null : nd,
          aind: merged ? null : round(nd * aiShare),
          aiShare: merged ? null : aiShare,
          adoption: merged ? null : round(adopters / active),
          adoption4w: merged ? null : round(Math.min(1, adopters / active + 0.1)),
          peopleToTarget: merged ? null : Math.max(0, Math.ceil(0.8 * active) - adopters),
          deployments: merged ? null : Math.round(5 + rnd() * 20),
          deployDays: merged ? null : Math.round(2 + rnd() * 3),
          doraBand: merged ? null : "weekly",
          costPerAiChange: withCost ? round(3 + rnd() * 4, 2) : null,
          aiCost: withCost ? round(200 + rnd() * 100, 2) : null,
          flags: {
            volumeSpike: 0,
            trivialShare: Math.round(rnd() * 2),
            selfMergedAi: Math.round(rnd() * 3),
            highRevertShare: 0,
            tokenHeavyNothingShipped: repo ? null : Math.round(rnd()),
            named: null,
          },
          provisional: i >= count - 2,
          guardrails: merged
            ? null
            : {
                ai: {
                  deployments: Math.round(2 + rnd() * 8),
                  leadTimeHours: { median: round(14 + rnd() * 10, 1), p90: round(40 + rnd() * 30, 1) },
                  leadTimeParts: { firstCommitToOpen: 2, openToMerge: 8, mergeToDeploy: 6 },
                  changeFailureRate: round(rnd() * 0.2),
                  recoveryHoursMedian: round(2 + rnd() * 6, 1),
                  revertRate: round(rnd() * 0.08),
                },
                other: {
                  deployments: Math.round(2 + rnd() * 8),
                  leadTimeHours: { median: round(18 + rnd() * 12, 1), p90: round(50 + rnd() * 30, 1) },
                  leadTimeParts: { firstCommitToOpen: 3, openToMerge: 10, mergeToDeploy: 7 },
                  changeFailureRate: round(rnd() * 0.2),
                  recoveryHoursMedian: round(2 + rnd() * 6, 1),
                  revertRate: round(rnd() * 0.08),
                },
              },
          mergedVariant: merged
            ? {
                label: "merged (no deployment signal)",
                qualifyingChanges: 9,
                aiQualifyingChanges: 4,
                nd: round(1 + rnd()),
                aind: 0.5,
                aiShare: 0.4,
                adoption: 0.5,
                adoption4w: 0.6,
                peopleToTarget: 2,
              }
            : null,
        });
      }),
    })),
    notes: {
      timeZone: "Europe/Berlin",
      reposWithoutDeploymentSignal: ["acme/docs"],
      offBranchDeployments: ["acme/api:deployments:991"],
      changesNotOnBranch: [],
      mergedNotDeployed: 17,
    },
  };
}
