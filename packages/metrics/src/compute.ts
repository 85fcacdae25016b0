import { InputError, IsoWeek } from "@yardstick/core";
import { type AdoptionBasis, adoptionBasisFor, adoptionTargetFor } from "./config.js";
import type { MetricsInput } from "./inputs.js";
import type {
  DoraBand,
  GroupKind,
  GuardrailSplit,
  IntegrityFlags,
  MergedVariant,
  MetricsGroup,
  MetricsOutput,
  NamedFlags,
  WeekFigures,
} from "./output.js";
import { type ChangeFact, type DeploymentFact, lasting, type Prepared, prepareMetrics } from "./prepare.js";
import { median, medianIntervalOfSorted, medianOfSorted, quantile, quantileOfSorted, sortedValues } from "./stats.js";

/**
 * The weekly figures of METRICS.md, evaluated per (group, week) from the prepared facts.
 * `evaluateGroupWeek` reads only the weeks a figure depends on (the week, the 4 weeks ending it,
 * the spike baseline, the DORA window), which is what `affectedWeeks` mirrors.
 */

export interface ComputeOptions {
  /** First and last ISO week of the report (inclusive). */
  from: IsoWeek;
  to: IsoWeek;
  /** The current instant: weeks whose revert window is still open are `provisional`. */
  now: Date;
  /** Named integrity-flag lists are included only for admins. */
  viewerIsAdmin?: boolean;
  /** Group kinds to report (default all). */
  kinds?: readonly GroupKind[];
}

/** A group: the org, one or more teams, or one or more repositories ("other" folds several). */
export interface GroupSpec {
  kind: GroupKind;
  name: string;
  teams: readonly string[] | null;
  repos: readonly string[] | null;
}

export const OTHER_GROUP = "other";
const EPSILON = 1e-9;

function isRostered(p: MetricsInput["roster"][number], start: number, end: number): boolean {
  return (p.joinedAt === null || p.joinedAt.getTime() < end) && (p.leftAt === null || p.leftAt.getTime() > start);
}

/** The week a `GroupContext` cache key ends with (" <week>", or the week alone). */
function weekOfKey(key: string): string {
  return key.slice(key.lastIndexOf(" ") + 1);
}

/** Caches of the people in a group per week. */
export class GroupContext {
  readonly prep: Prepared;
  private readonly members = new Map<string, Set<string>>();
  private readonly deploymentLists = new Map<string, DeploymentFact[]>();
  private readonly deployDaysCache = new Map<string, number>();
  private readonly scopedCache = new Map<string, ChangeFact[]>();
  private readonly everMembersCache = new Map<string, string[]>();
  private readonly weekDeploymentIndex = new Map<string, WeekDeployments>();
  /** Roster positions of each team's (past and present) members, ascending. */
  private teamIndex: Map<string, number[]> | null = null;

  constructor(prep: Prepared) {
    this.prep = prep;
  }

  /**
   * Drops what is cached for these weeks (their facts changed: see `updatePrepared`). Every
   * week-keyed cache key ends with " <week>"; the ever-members cache depends on the roster only.
   */
  forgetWeeks(weeks: ReadonlySet<string>): void {
    this.forgetWeeksWhere((week) => weeks.has(week));
  }

  /** Drops what is cached for the weeks `drop` says yes to (see `forgetWeeks`). */
  forgetWeeksWhere(drop: (week: string) => boolean): void {
    for (const cache of this.weekCaches()) {
      for (const key of cache.keys()) if (drop(weekOfKey(key))) cache.delete(key);
    }
  }

  /** The weeks something is cached for (a bounded kept state holds only its hot weeks': bounded.ts). */
  cachedWeeks(): Set<string> {
    const weeks = new Set<string>();
    for (const cache of this.weekCaches()) for (const key of cache.keys()) weeks.add(weekOfKey(key));
    return weeks;
  }

  private weekCaches(): Map<string, unknown>[] {
    return [this.members, this.deploymentLists, this.deployDaysCache, this.scopedCache, this.weekDeploymentIndex];
  }

  /** People in the group in the week: rostered (and in one of its teams, for team groups). */
  membersOf(spec: GroupSpec, week: string): Set<string> {
    const key = `${spec.teams === null ? "*" : spec.teams.join("\u0000")} ${week}`;
    let set = this.members.get(key);
    if (set === undefined) {
      const { start, end } = this.prep.clock.bounds(week);
      const s = start.getTime();
      const e = end.getTime();
      const teams = spec.teams === null ? null : new Set(spec.teams);
      set = new Set();
      for (const p of this.candidates(spec.teams)) {
        if (!isRostered(p, s, e)) continue;
        if (
          teams === null ||
          p.teams.some(
            (m) =>
              teams.has(m.team) && (m.from === null || m.from.getTime() < e) && (m.to === null || m.to.getTime() > s),
          )
        ) {
          set.add(p.id);
        }
      }
      this.members.set(key, set);
    }
    return set;
  }

  /** The roster (null: every team), or just the people ever in one of the teams, in roster order. */
  private candidates(teams: readonly string[] | null): readonly MetricsInput["roster"][number][] {
    const roster = this.prep.roster;
    if (teams === null) return roster;
    if (this.teamIndex === null) {
      this.teamIndex = new Map();
      roster.forEach((p, i) => {
        for (const team of new Set(p.teams.map((m) => m.team))) {
          const list = this.teamIndex?.get(team);
          if (list === undefined) this.teamIndex?.set(team, [i]);
          else list.push(i);
        }
      });
    }
    const positions =
      teams.length === 1
        ? (this.teamIndex.get(teams[0] as string) ?? [])
        : [...new Set(teams.flatMap((t) => this.teamIndex?.get(t) ?? []))].sort((a, b) => a - b);
    return positions.map((i) => roster[i] as MetricsInput["roster"][number]);
  }

  private specKey(spec: GroupSpec): string {
    return `${spec.kind} ${spec.teams?.join("\u0000") ?? "*"} ${spec.repos?.join("\u0000") ?? "*"}`;
  }

  /** People ever in one of the group's teams (null: everyone). */
  private everMembers(spec: GroupSpec): string[] | null {
    if (spec.teams === null) return null;
    const key = this.specKey(spec);
    let list = this.everMembersCache.get(key);
    if (list === undefined) {
      const teams = new Set(spec.teams);
      list = this.prep.roster.filter((p) => p.teams.some((m) => teams.has(m.team))).map((p) => p.id);
      this.everMembersCache.set(key, list);
    }
    return list;
  }

  /** The group's changes merged (or deployed) in a week, before filtering by membership (cached). */
  private scoped(spec: GroupSpec, which: "merged" | "deployed", week: string): ChangeFact[] {
    const key = `${this.specKey(spec)} ${which} ${week}`;
    let out = this.scopedCache.get(key);
    if (out !== undefined) return out;
    const idx = this.prep.index;
    const people = this.everMembers(spec);
    if (spec.repos !== null) {
      const byRepo = which === "merged" ? idx.repoMerged : idx.repoDeployed;
      out = [];
      for (const repo of spec.repos) {
        const list = byRepo.get(repo)?.get(week);
        if (list !== undefined) for (const f of list) out.push(f);
      }
    } else if (people !== null) {
      const byPerson = which === "merged" ? idx.personMerged : idx.personDeployed;
      out = [];
      for (const p of people) {
        const list = byPerson.get(p)?.get(week);
        if (list !== undefined) for (const f of list) out.push(f);
      }
    } else {
      out = (which === "merged" ? idx.mergedByWeek : idx.deployedByWeek).get(week) ?? [];
    }
    this.scopedCache.set(key, out);
    return out;
  }

  /** The group's changes merged (or deployed) in the week, credited to `members`. */
  changes(spec: GroupSpec, which: "merged" | "deployed", week: string, members: Set<string>): ChangeFact[] {
    const out: ChangeFact[] = [];
    for (const f of this.scoped(spec, which, week)) if (members.has(f.person as string)) out.push(f);
    return out;
  }

  /** One person's changes in the group's scope deployed in a week. */
  personDeployed(spec: GroupSpec, person: string, week: string): ChangeFact[] {
    const list = this.prep.index.personDeployed.get(person)?.get(week) ?? [];
    if (spec.repos === null) return list;
    const repos = new Set(spec.repos);
    return list.filter((f) => repos.has(f.repo));
  }

  /** Distinct calendar days (in the zone) with a production deployment of the group in the week. */
  deployDays(spec: GroupSpec, week: string): number {
    const key = `${this.specKey(spec)} ${week}`;
    let n = this.deployDaysCache.get(key);
    if (n === undefined) {
      n = new Set(this.deployments(spec, week).map((d) => d.day)).size;
      this.deployDaysCache.set(key, n);
    }
    return n;
  }

  /** The group's production deployments live in the week (for teams: shipping a member's change). */
  deployments(spec: GroupSpec, week: string): DeploymentFact[] {
    const key = `${this.specKey(spec)} ${week}`;
    let list = this.deploymentLists.get(key);
    if (list === undefined) {
      const all = this.prep.index.deploymentsByWeek.get(week) ?? [];
      if (spec.repos !== null || spec.teams !== null) {
        // Through the week's index by repository or shipped person, in the week's order.
        const index = this.weekDeployments(week);
        const found = new Set<DeploymentFact>();
        if (spec.repos !== null) {
          for (const repo of spec.repos) for (const d of index.byRepo.get(repo) ?? []) found.add(d);
        } else {
          for (const p of this.membersOf(spec, week)) for (const d of index.byPerson.get(p) ?? []) found.add(d);
        }
        list = [...found].sort((a, b) => (index.position.get(a) as number) - (index.position.get(b) as number));
      } else {
        list = all;
      }
      this.deploymentLists.set(key, list);
    }
    return list;
  }

  /** A week's deployments by repository and by shipped person, with their order in the week (cached). */
  private weekDeployments(week: string): WeekDeployments {
    const cached = this.weekDeploymentIndex.get(week);
    if (cached !== undefined) return cached;
    const index: WeekDeployments = { byRepo: new Map(), byPerson: new Map(), position: new Map() };
    const all = this.prep.index.deploymentsByWeek.get(week) ?? [];
    all.forEach((d, i) => {
      index.position.set(d, i);
      const repoList = index.byRepo.get(d.repo);
      if (repoList === undefined) index.byRepo.set(d.repo, [d]);
      else repoList.push(d);
      for (const p of d.shippedPeople) {
        const personList = index.byPerson.get(p);
        if (personList === undefined) index.byPerson.set(p, [d]);
        else personList.push(d);
      }
    });
    this.weekDeploymentIndex.set(week, index);
    return index;
  }
}

interface WeekDeployments {
  byRepo: Map<string, DeploymentFact[]>;
  byPerson: Map<string, DeploymentFact[]>;
  position: Map<DeploymentFact, number>;
}

function countBy(changes: readonly ChangeFact[], pick: (f: ChangeFact) => boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of changes) if (pick(f)) counts.set(f.person as string, (counts.get(f.person as string) ?? 0) + 1);
  return counts;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

function nonNull(values: (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null);
}

/** DORA band from deployment days per week over a window (median over weeks). */
export function doraBand(deployDaysPerWeek: readonly number[]): DoraBand {
  const m = median(deployDaysPerWeek) ?? 0;
  if (m >= 5) return "daily";
  if (m >= 1) return "weekly";
  // Monthly: the median 4-week block (newest block last, partial oldest block dropped) had a deployment day.
  const blocks: number[] = [];
  for (let end = deployDaysPerWeek.length; end >= 4; end -= 4) {
    blocks.push(deployDaysPerWeek.slice(end - 4, end).reduce((a, b) => a + b, 0));
  }
  if (blocks.length === 0) blocks.push(deployDaysPerWeek.reduce((a, b) => a + b, 0));
  return (median(blocks) ?? 0) >= 1 ? "monthly" : "fewer";
}

/** One side's guardrails, with the counts behind each rate and the sample behind each median. */
function guardrail(changes: ChangeFact[], deployments: DeploymentFact[]): GuardrailSplit {
  // Sorted once: each median, its p90 and its interval are read off the same order.
  const leadTimes = sortedValues(nonNull(changes.map((f) => f.leadTimeHours)));
  const recoveries = sortedValues(nonNull(deployments.map((d) => d.recoveryHours)));
  const failed = deployments.filter((d) => d.failed).length;
  const reverted = changes.filter((f) => f.reverted).length;
  return {
    deployments: deployments.length,
    leadTimeHours: { median: medianOfSorted(leadTimes), p90: quantileOfSorted(leadTimes, 0.9) },
    leadTimeParts: {
      firstCommitToOpen: median(nonNull(changes.map((f) => f.firstCommitToOpenHours))),
      openToMerge: median(nonNull(changes.map((f) => f.openToMergeHours))),
      mergeToDeploy: median(nonNull(changes.map((f) => f.mergeToDeployHours))),
    },
    changeFailureRate: ratio(failed, deployments.length),
    recoveryHoursMedian: medianOfSorted(recoveries),
    revertRate: ratio(reverted, changes.length),
    failedDeployments: failed,
    changes: changes.length,
    revertedChanges: reverted,
    leadTimeSamples: leadTimes.length,
    recoverySamples: recoveries.length,
    leadTimeMedianInterval: medianIntervalOfSorted(leadTimes),
    recoveryMedianInterval: medianIntervalOfSorted(recoveries),
  };
}

interface Outcome {
  qualifying: number;
  aiQualifying: number;
  nd: number | null;
  aind: number | null;
  aiShare: number | null;
  adoption: number | null;
  adoption4w: number | null;
  peopleToTarget: number | null;
}

/** ND, AIND, AI share and adoption from one week's counted changes and the 4-week window's. */
function outcome(
  active: Set<string>,
  week: ChangeFact[],
  window: ChangeFact[],
  counts: (f: ChangeFact) => boolean,
  cap: number,
  target: number | null,
  basis: AdoptionBasis,
): Outcome {
  const q = countBy(week, counts);
  const aiq = countBy(week, (f) => counts(f) && f.ai);
  const a = active.size;
  let capped = 0;
  let aiCapped = 0;
  for (const n of q.values()) capped += Math.min(n, cap);
  for (const n of aiq.values()) aiCapped += Math.min(n, cap);
  const nd = ratio(capped, a);
  const aind = ratio(aiCapped, a);
  let adopters = 0;
  for (const p of active) if ((aiq.get(p) ?? 0) > 0) adopters += 1;
  const adopters4w = new Set<string>();
  for (const f of window) if (counts(f) && f.ai && active.has(f.person as string)) adopters4w.add(f.person as string);
  let qualifying = 0;
  for (const n of q.values()) qualifying += n;
  let aiQualifying = 0;
  for (const n of aiq.values()) aiQualifying += n;
  return {
    qualifying,
    aiQualifying,
    nd,
    aind,
    aiShare: nd === null || nd === 0 || aind === null ? null : aind / nd,
    adoption: ratio(adopters, a),
    adoption4w: ratio(adopters4w.size, a),
    // Judged on the basis: the week's adopters, or the rolling window's.
    peopleToTarget:
      a === 0 || target === null
        ? null
        : Math.max(0, Math.ceil(target * a - EPSILON) - (basis === "week" ? adopters : adopters4w.size)),
  };
}

/** Evaluates one group in one week (before privacy suppression). */
export function evaluateGroupWeek(
  ctx: GroupContext,
  spec: GroupSpec,
  week: string,
  options: { now: Date; viewerIsAdmin: boolean },
): WeekFigures {
  const { prep } = ctx;
  const { clock, config } = prep;
  const t = config.thresholds;
  const cap = t.weeklyCap;
  const members = ctx.membersOf(spec, week);
  const window4: string[] = [];
  for (let i = t.activeWindowWeeks - 1; i >= 0; i--) window4.push(clock.shift(week, -i));

  const mergedWindow = window4.flatMap((w) => ctx.changes(spec, "merged", w, members));
  const active = new Set(mergedWindow.map((f) => f.person as string));
  const merged = ctx.changes(spec, "merged", week, members);
  const deployedWindow = window4.flatMap((w) => ctx.changes(spec, "deployed", w, members));
  const deployed = deployedWindow.filter((f) => f.deployedWeek === week);
  const target = adoptionTargetFor(config, spec.kind, spec.name);
  const basis = adoptionBasisFor(config, spec.kind, spec.name);
  const o = outcome(active, deployed, deployedWindow, (f) => f.qualifying, cap, target, basis);

  const deployments = ctx.deployments(spec, week);
  const deployDays = ctx.deployDays(spec, week);
  const noSignal = spec.repos?.every((r) => prep.reposWithoutSignal.has(r)) === true;
  let band: DoraBand | null = null;
  if (!noSignal) {
    const perWeek: number[] = [];
    for (let i = t.doraWindowWeeks - 1; i >= 0; i--) {
      const w = clock.shift(week, -i);
      perWeek.push(ctx.deployDays(spec, w));
    }
    band = doraBand(perWeek);
  }

  const all = guardrail(deployed, deployments);
  const ai = guardrail(
    deployed.filter((f) => f.ai),
    deployments.filter((d) => d.shipsAi),
  );
  const other = guardrail(
    deployed.filter((f) => !f.ai),
    deployments.filter((d) => !d.shipsAi),
  );

  // Cost: imported usage of the group's people (not attributable to repositories).
  const usage = spec.repos === null ? prep.index.usageByWeek.get(week) : undefined;
  let aiCost: number | null = null;
  const tokens = new Map<string, number>();
  if (usage !== undefined) {
    for (const p of members) {
      const u = usage.get(p);
      if (u === undefined) continue;
      if (u.tokens > 0) tokens.set(p, u.tokens);
      if (u.cost !== null) aiCost = (aiCost ?? 0) + u.cost;
    }
  }

  // Integrity flags, per person-week of the group's people.
  const named: NamedFlags = {
    volumeSpike: [],
    trivialShare: [],
    selfMergedAi: [],
    highRevertShare: [],
    tokenHeavyNothingShipped: [],
  };
  const q = countBy(deployed, (f) => f.qualifying);
  const aiq = countBy(deployed, (f) => f.qualifying && f.ai);
  for (const [p, n] of q) {
    if (n <= cap) continue;
    const baseline: number[] = [];
    for (let i = 1; i <= t.spikeBaselineWeeks; i++) {
      baseline.push(ctx.personDeployed(spec, p, clock.shift(week, -i)).filter((f) => f.qualifying).length);
    }
    if (n > t.spikeMultiplier * (median(baseline) ?? 0)) named.volumeSpike.push(p);
  }
  const mergedByPerson = new Map<string, ChangeFact[]>();
  for (const f of merged) {
    const list = mergedByPerson.get(f.person as string);
    if (list === undefined) mergedByPerson.set(f.person as string, [f]);
    else list.push(f);
  }
  for (const [p, list] of mergedByPerson) {
    let selfMerged = 0;
    for (const f of list) if (f.selfMergedAiNoReview) selfMerged += 1;
    if (selfMerged >= t.selfMergeMinChanges) named.selfMergedAi.push(p);
    if (list.length < t.shareFlagMinChanges) continue;
    if (list.filter((f) => f.trivial).length / list.length > t.trivialShare) named.trivialShare.push(p);
    if (list.filter((f) => f.reverted).length / list.length > t.revertShare) named.highRevertShare.push(p);
  }
  const tokenFlagsKnown = prep.hasUsage && spec.repos === null;
  if (tokenFlagsKnown && tokens.size > 0) {
    const heavy = quantile([...tokens.values()], t.tokenHeavyQuantile) as number;
    const perChange: number[] = [];
    for (const [p, n] of tokens) {
      const k = q.get(p) ?? 0;
      if (k > 0) perChange.push(n / k);
    }
    const typical = median(perChange);
    for (const [p, n] of tokens) {
      const k = q.get(p) ?? 0;
      const nothingShipped = n >= heavy && (aiq.get(p) ?? 0) === 0;
      const costly = k > 0 && typical !== null && n / k > t.tokensPerChangeMultiple * typical;
      if (nothingShipped || costly) named.tokenHeavyNothingShipped.push(p);
    }
  }
  for (const list of Object.values(named)) list.sort();
  const flags: IntegrityFlags = {
    volumeSpike: named.volumeSpike.length,
    trivialShare: named.trivialShare.length,
    selfMergedAi: named.selfMergedAi.length,
    highRevertShare: named.highRevertShare.length,
    tokenHeavyNothingShipped: tokenFlagsKnown ? named.tokenHeavyNothingShipped.length : null,
    named: options.viewerIsAdmin ? named : null,
  };

  let mergedVariant: MergedVariant | null = null;
  if (noSignal) {
    const counts = lasting;
    const m = outcome(active, merged, mergedWindow, counts, cap, target, basis);
    mergedVariant = {
      label: "merged (no deployment signal)",
      qualifyingChanges: m.qualifying,
      aiQualifyingChanges: m.aiQualifying,
      nd: m.nd,
      aind: m.aind,
      aiShare: m.aiShare,
      adoption: m.adoption,
      adoption4w: m.adoption4w,
      peopleToTarget: m.peopleToTarget,
    };
  }

  const { end } = clock.bounds(week);
  return {
    week,
    rosterSize: spec.kind === "repo" || spec.repos !== null ? active.size : members.size,
    activeEngineers: active.size,
    mergedChanges: merged.length,
    deployedChanges: deployed.length,
    qualifyingChanges: o.qualifying,
    aiQualifyingChanges: o.aiQualifying,
    nd: o.nd,
    aind: o.aind,
    aiShare: o.aiShare,
    adoption: o.adoption,
    adoption4w: o.adoption4w,
    adoptionTarget: target,
    adoptionBasis: basis,
    peopleToTarget: o.peopleToTarget,
    deployments: noSignal ? null : deployments.length,
    deployDays: noSignal ? null : deployDays,
    leadTimeHours: all.leadTimeHours,
    changeFailureRate: all.changeFailureRate,
    recoveryHoursMedian: all.recoveryHoursMedian,
    revertRate: { ai: ai.revertRate, other: other.revertRate },
    costPerAiChange: aiCost === null || o.aiQualifying === 0 ? null : aiCost / o.aiQualifying,
    flags,
    suppressed: false,
    doraBand: band,
    leadTimeParts: all.leadTimeParts,
    guardrails: { ai, other },
    aiCost,
    provisional: end.getTime() + t.revertWindowDays * 86_400_000 > options.now.getTime(),
    mergedVariant,
  };
}

/** The figures of a suppressed group-week: everything null. */
export function suppressedWeek(week: string, provisional: boolean): WeekFigures {
  const nothing = { median: null, p90: null };
  return {
    week,
    rosterSize: null,
    activeEngineers: null,
    mergedChanges: null,
    deployedChanges: null,
    qualifyingChanges: null,
    aiQualifyingChanges: null,
    nd: null,
    aind: null,
    aiShare: null,
    adoption: null,
    adoption4w: null,
    adoptionTarget: null,
    adoptionBasis: "week",
    peopleToTarget: null,
    deployments: null,
    deployDays: null,
    leadTimeHours: nothing,
    changeFailureRate: null,
    recoveryHoursMedian: null,
    revertRate: { ai: null, other: null },
    costPerAiChange: null,
    flags: {
      volumeSpike: null,
      trivialShare: null,
      selfMergedAi: null,
      highRevertShare: null,
      tokenHeavyNothingShipped: null,
      named: null,
    },
    suppressed: true,
    doraBand: null,
    leadTimeParts: { firstCommitToOpen: null, openToMerge: null, mergeToDeploy: null },
    guardrails: null,
    aiCost: null,
    provisional,
    mergedVariant: null,
  };
}

/** The groups of a kind, in name order (groups, never people, are listed). */
export function groupSpecs(prep: Prepared, kind: GroupKind): GroupSpec[] {
  switch (kind) {
    case "org":
      return [{ kind, name: prep.config.orgName, teams: null, repos: null }];
    case "team":
      return prep.teams.map((name) => ({ kind, name, teams: [name], repos: null }));
    case "repo":
      return prep.repos.map((name) => ({ kind, name, teams: null, repos: [name] }));
  }
}

/**
 * Evaluates every group of the kinds asked for, week by week, with privacy: a group-week with
 * fewer than `thresholds.minGroupSize` people is suppressed and its people fold into the
 * kind's "other" group (itself suppressed when still too small).
 */
export function evaluateGroups(
  prep: Prepared,
  weeks: readonly string[],
  options: ComputeOptions,
  /** Caches to fill (and keep, e.g. in a `rollupState`); default fresh ones. */
  ctx: GroupContext = new GroupContext(prep),
): MetricsGroup[] {
  const k = prep.config.thresholds.minGroupSize;
  const evalOptions = { now: options.now, viewerIsAdmin: options.viewerIsAdmin ?? false };
  const groups: MetricsGroup[] = [];
  for (const kind of options.kinds ?? (["org", "team", "repo"] as const)) {
    const specs = groupSpecs(prep, kind);
    const rows = specs.map((spec) => ({ kind, name: spec.name, weeks: [] as WeekFigures[] }));
    const other: WeekFigures[] = [];
    let anyFolded = false;
    for (const week of weeks) {
      const folded: GroupSpec[] = [];
      specs.forEach((spec, i) => {
        const figures = evaluateGroupWeek(ctx, spec, week, evalOptions);
        const row = rows[i] as MetricsGroup;
        if ((figures.rosterSize ?? 0) < k) {
          row.weeks.push(suppressedWeek(week, figures.provisional));
          folded.push(spec);
        } else {
          row.weeks.push(figures);
        }
      });
      if (kind === "org") continue;
      if (folded.length > 0) anyFolded = true;
      const otherSpec: GroupSpec = {
        kind,
        name: OTHER_GROUP,
        teams: kind === "team" ? folded.flatMap((s) => s.teams ?? []) : null,
        repos: kind === "repo" ? folded.flatMap((s) => s.repos ?? []) : null,
      };
      const figures = evaluateGroupWeek(ctx, otherSpec, week, evalOptions);
      other.push(
        folded.length === 0 || (figures.rosterSize ?? 0) < k ? suppressedWeek(week, figures.provisional) : figures,
      );
    }
    groups.push(...rows);
    if (anyFolded) groups.push({ kind, name: OTHER_GROUP, weeks: other });
  }
  return groups;
}

/** The metrics engine: plain data in, the issue-6 JSON document out. Pure; `now` is an argument. */
export function computeMetrics(input: MetricsInput, options: ComputeOptions): MetricsOutput {
  const issues = (["from", "to"] as const)
    .filter((key) => !IsoWeek.safeParse(options[key]).success)
    .map((key) => ({ path: key, message: `not an ISO week: ${JSON.stringify(options[key])}`, example: "2026-W02" }));
  if (issues.length > 0) throw new InputError("metrics.bad_options", "computeMetrics options", issues);
  const prep = prepareMetrics(input);
  const weeks: string[] = [];
  for (let w = options.from; w <= options.to; w = prep.clock.shift(w, 1)) weeks.push(w);
  return {
    weeks,
    groups: evaluateGroups(prep, weeks, options),
    notes: {
      timeZone: prep.config.timeZone,
      reposWithoutDeploymentSignal: [...prep.reposWithoutSignal].sort(),
      offBranchDeployments: prep.notes.offBranchDeployments,
      changesNotOnBranch: prep.notes.changesNotOnBranch,
      mergedNotDeployed: prep.notes.mergedNotDeployed,
    },
  };
}
