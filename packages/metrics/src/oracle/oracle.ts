/**
 * A test oracle for the metrics engine: every weekly figure of shared/METRICS.md computed from
 * ground-truth records (the simulator's `truth-change` / `truth-deployment`), written from the
 * contract and deliberately sharing no code with the engine (no clock, no linking, no revert
 * detection, no stats helpers): straight loops over plain records, UTC weeks only.
 *
 * Where METRICS.md leaves room, it follows the choices written down in docs/metrics.md (who is in
 * a group in a week, which deployments a team has, the rolling adoption, suppression and "other").
 */

export interface OraclePerson {
  id: string;
  /** Org membership bounds (null: open). */
  joinedAt: Date | null;
  leftAt: Date | null;
  /** Team names (a member for the whole window). */
  teams: readonly string[];
}

export interface OracleChange {
  key: string;
  repo: string;
  /** The credited person (null for bots). */
  credited: string | null;
  mergedAt: Date;
  /** PR creation (null for a direct push). */
  createdAt: Date | null;
  /** Earliest authored time of the change's commits (null when none are known). */
  firstCommitAt: Date | null;
  /** Who merged it, and who reviewed it (people; null / [] when none). */
  mergedBy: string | null;
  reviewers: readonly string[];
  /** When the first production deployment containing it went live (null: not deployed). */
  deployedAt: Date | null;
  trivial: boolean;
  /** Reverted within the revert window (and not restored). */
  reverted: boolean;
  /** Itself a revert of another change (of anyone's, whenever): never a qualifying change. */
  revert: boolean;
  /** AI-assisted at the configured confidence. */
  ai: boolean;
}

export interface OracleDeployment {
  repo: string;
  environment: string;
  /** When it went live. */
  at: Date;
  failed: boolean;
  /** Keys of the changes it shipped. */
  changes: readonly string[];
}

export interface OracleUsage {
  personId: string;
  day: string;
  tokens: number;
  cost: number | null;
}

export interface OracleInput {
  people: readonly OraclePerson[];
  changes: readonly OracleChange[];
  deployments: readonly OracleDeployment[];
  usage: readonly OracleUsage[];
  repos: readonly string[];
  orgName: string;
  /**
   * Repositories with no deployment signal: their changes are never deployed (give them
   * `deployedAt: null` and no deployments); their groups report the "merged" variant instead.
   */
  reposWithoutSignal?: readonly string[];
  /**
   * The organisation's time zone as a fixed offset from UTC in minutes (e.g. 330 for
   * Asia/Kolkata); only zones without daylight saving time. Default 0 (UTC).
   */
  utcOffsetMinutes?: number;
  /** Defaults: k = 5, cap = 10, target = 0.8, active window 4 weeks. */
  k?: number;
  cap?: number;
  target?: number;
  activeWeeks?: number;
}

export interface OracleGuardrail {
  deployments: number;
  leadTimeHours: { median: number | null; p90: number | null };
  leadTimeParts: { firstCommitToOpen: number | null; openToMerge: number | null; mergeToDeploy: number | null };
  changeFailureRate: number | null;
  recoveryHoursMedian: number | null;
  revertRate: number | null;
  failedDeployments: number;
  changes: number;
  revertedChanges: number;
  leadTimeSamples: number;
  recoverySamples: number;
  leadTimeMedianInterval: OracleInterval | null;
  recoveryMedianInterval: OracleInterval | null;
}

/** A median's 95% interval (its coverage, a function of n alone, is tested in stats.test.ts). */
export interface OracleInterval {
  low: number;
  high: number;
}

export interface OracleFlags {
  volumeSpike: number | null;
  trivialShare: number | null;
  selfMergedAi: number | null;
  highRevertShare: number | null;
  tokenHeavyNothingShipped: number | null;
}

/** The labelled "merged" variant of the outcome figures (repositories with no deployment signal). */
export interface OracleMergedVariant {
  label: "merged (no deployment signal)";
  qualifyingChanges: number;
  aiQualifyingChanges: number;
  nd: number | null;
  aind: number | null;
  aiShare: number | null;
  adoption: number | null;
  adoption4w: number | null;
  peopleToTarget: number | null;
}

export interface OracleWeek {
  week: string;
  suppressed: boolean;
  rosterSize: number | null;
  activeEngineers: number | null;
  mergedChanges: number | null;
  deployedChanges: number | null;
  qualifyingChanges: number | null;
  aiQualifyingChanges: number | null;
  nd: number | null;
  aind: number | null;
  aiShare: number | null;
  adoption: number | null;
  adoption4w: number | null;
  peopleToTarget: number | null;
  deployments: number | null;
  deployDays: number | null;
  leadTimeHours: { median: number | null; p90: number | null };
  changeFailureRate: number | null;
  recoveryHoursMedian: number | null;
  revertRate: { ai: number | null; other: number | null };
  costPerAiChange: number | null;
  aiCost: number | null;
  doraBand: "daily" | "weekly" | "monthly" | "fewer" | null;
  leadTimeParts: OracleGuardrail["leadTimeParts"];
  guardrails: { ai: OracleGuardrail; other: OracleGuardrail } | null;
  flags: OracleFlags;
  mergedVariant: OracleMergedVariant | null;
}

export interface OracleGroup {
  kind: "org" | "team" | "repo";
  name: string;
  weeks: OracleWeek[];
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Monday 00:00 UTC of the ISO week containing `t`. */
function mondayOf(t: number): number {
  const day = Math.floor(t / DAY_MS);
  // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
  return (day - ((((day + 3) % 7) + 7) % 7)) * DAY_MS;
}

/** ISO week label ("2026-W02") of the week starting at Monday `monday` (UTC). */
function labelOf(monday: number): string {
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const n = Math.floor((thursday.getTime() - jan1) / WEEK_MS) + 1;
  return `${year}-W${String(n).padStart(2, "0")}`;
}

/** Monday 00:00 UTC of an ISO week label. */
export function oracleWeekStart(week: string): number {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (m === null) throw new RangeError(`not an ISO week: ${week}; for example "2026-W02"`);
  const jan4 = Date.UTC(Number(m[1]), 0, 4);
  return mondayOf(jan4) + (Number(m[2]) - 1) * WEEK_MS;
}

export function oracleWeekOf(t: Date): string {
  return labelOf(mondayOf(t.getTime()));
}

function middle(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

function nearestRank(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil(q * s.length)) - 1] as number;
}

/**
 * The 95% order-statistic interval of the median (docs/metrics.md): the largest j with
 * P(B <= j - 1) <= 1/40 for B ~ Binomial(n, 1/2), counted in whole numbers (BigInt: 40 x the
 * tail's binomial coefficients against 2^n), and [x(j), x(n + 1 - j)]. Above 1,000 values the
 * documented normal approximation instead. Null when no j >= 1 qualifies.
 */
function medianInterval(values: number[]): OracleInterval | null {
  const n = values.length;
  const s = [...values].sort((a, b) => a - b);
  if (n > 1000) {
    const z = 1.959963984540054;
    const j = Math.floor(n / 2 + 0.5 - (z * Math.sqrt(n)) / 2);
    return { low: s[j - 1] as number, high: s[n - j] as number };
  }
  const total = 2n ** BigInt(n);
  let coefficient = 1n;
  let tail = 0n;
  let j = 0;
  for (let i = 0; 2 * i <= n; i++) {
    if ((tail + coefficient) * 40n > total) break;
    tail += coefficient;
    j = i + 1;
    coefficient = (coefficient * BigInt(n - i)) / BigInt(i + 1);
  }
  return j === 0 ? null : { low: s[j - 1] as number, high: s[n - j] as number };
}

function share(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

interface Scope {
  kind: OracleGroup["kind"];
  name: string;
  teams: Set<string> | null;
  repos: Set<string> | null;
}

/** Every figure for org, team and repository groups (and "other"), weeks `from`..`to`. */
export function oracleMetrics(input: OracleInput, from: string, to: string): OracleGroup[] {
  const k = input.k ?? 5;
  const cap = input.cap ?? 10;
  const target = input.target ?? 0.8;
  const activeWeeks = input.activeWeeks ?? 4;
  // Local wall-clock time = UTC + offset: a local week starts at its Monday 00:00 local, which is
  // that instant minus the offset; a local calendar day is the UTC day of (instant + offset).
  const off = (input.utcOffsetMinutes ?? 0) * 60_000;
  const label = (start: number) => labelOf(start + off);
  const localDay = (d: Date) => new Date(d.getTime() + off).toISOString().slice(0, 10);
  /** A calendar day's week (usage records are per calendar day, whatever the zone). */
  const weekOfDay = (day: string) => labelOf(mondayOf(Date.parse(`${day}T00:00:00Z`)));
  const weeks: number[] = [];
  for (let t = oracleWeekStart(from) - off; t <= oracleWeekStart(to) - off; t += WEEK_MS) weeks.push(t);

  const withoutSignal = new Set(input.reposWithoutSignal ?? []);
  const changeByKey = new Map(input.changes.map((c) => [c.key, c] as const));
  const teamNames = [...new Set(input.people.flatMap((p) => p.teams))].sort();
  const repoNames = [...input.repos].sort();

  // Recovery per deployment: hours to the next deployment of the same repo and environment that did not fail.
  const recovery = new Map<OracleDeployment, number>();
  const byEnv = new Map<string, OracleDeployment[]>();
  for (const d of input.deployments) {
    const key = `${d.repo} ${d.environment}`;
    byEnv.set(key, [...(byEnv.get(key) ?? []), d]);
  }
  for (const list of byEnv.values()) {
    const sorted = [...list].sort((a, b) => a.at.getTime() - b.at.getTime());
    sorted.forEach((d, i) => {
      if (!d.failed) return;
      const next = sorted.slice(i + 1).find((n) => !n.failed);
      if (next !== undefined) recovery.set(d, (next.at.getTime() - d.at.getTime()) / 3_600_000);
    });
  }

  function members(scope: Scope, start: number): Set<string> {
    const end = start + WEEK_MS;
    const out = new Set<string>();
    for (const p of input.people) {
      const rostered =
        (p.joinedAt === null || p.joinedAt.getTime() < end) && (p.leftAt === null || p.leftAt.getTime() > start);
      if (!rostered) continue;
      if (scope.teams !== null && !p.teams.some((t) => scope.teams?.has(t))) continue;
      out.add(p.id);
    }
    return out;
  }

  const inRange = (d: Date | null, start: number, end: number) =>
    d !== null && d.getTime() >= start && d.getTime() < end;

  const shipsAi = new Map<OracleDeployment, boolean>(
    input.deployments.map((d) => [d, d.changes.some((key) => changeByKey.get(key)?.ai === true)] as const),
  );

  /** The group's production deployments live in a week (a team: those shipping a member's change). */
  function deploymentsOf(scope: Scope, start: number): OracleDeployment[] {
    const end = start + WEEK_MS;
    const people = members(scope, start);
    return input.deployments.filter((d) => {
      if (!inRange(d.at, start, end)) return false;
      if (scope.repos !== null) return scope.repos.has(d.repo);
      if (scope.teams !== null)
        return d.changes.some((key) => {
          const credited = changeByKey.get(key)?.credited;
          return credited !== undefined && credited !== null && people.has(credited);
        });
      return true;
    });
  }

  const hoursBetween = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 3_600_000;
  const parts = (list: OracleChange[]) => ({
    firstCommitToOpen: middle(
      list.flatMap((c) =>
        c.firstCommitAt !== null && c.createdAt !== null ? [hoursBetween(c.firstCommitAt, c.createdAt)] : [],
      ),
    ),
    openToMerge: middle(list.flatMap((c) => (c.createdAt !== null ? [hoursBetween(c.createdAt, c.mergedAt)] : []))),
    mergeToDeploy: middle(list.map((c) => hoursBetween(c.mergedAt, c.deployedAt as Date))),
  });
  const leadTime = (c: OracleChange) =>
    hoursBetween(c.firstCommitAt ?? c.createdAt ?? c.mergedAt, c.deployedAt as Date);
  function guardrail(list: OracleChange[], deployments: OracleDeployment[]): OracleGuardrail {
    const times = list.map(leadTime);
    const recoveries = deployments.flatMap((d) => (recovery.has(d) ? [recovery.get(d) as number] : []));
    const failed = deployments.filter((d) => d.failed).length;
    const reverted = list.filter((c) => c.reverted).length;
    return {
      deployments: deployments.length,
      leadTimeHours: { median: middle(times), p90: nearestRank(times, 0.9) },
      leadTimeParts: parts(list),
      changeFailureRate: share(failed, deployments.length),
      recoveryHoursMedian: middle(recoveries),
      revertRate: share(reverted, list.length),
      failedDeployments: failed,
      changes: list.length,
      revertedChanges: reverted,
      leadTimeSamples: times.length,
      recoverySamples: recoveries.length,
      leadTimeMedianInterval: medianInterval(times),
      recoveryMedianInterval: medianInterval(recoveries),
    };
  }

  function figures(scope: Scope, start: number): OracleWeek {
    const end = start + WEEK_MS;
    const windowStart = start - (activeWeeks - 1) * WEEK_MS;
    const people = members(scope, start);
    const ofGroup = input.changes.filter(
      (c) => c.credited !== null && people.has(c.credited) && (scope.repos === null || scope.repos.has(c.repo)),
    );
    const active = new Set(
      ofGroup.filter((c) => inRange(c.mergedAt, windowStart, end)).map((c) => c.credited as string),
    );
    const rosterSize = scope.repos !== null ? active.size : people.size;
    const merged = ofGroup.filter((c) => inRange(c.mergedAt, start, end));
    const deployed = ofGroup.filter((c) => inRange(c.deployedAt, start, end));
    // METRICS.md "Qualifying change": not trivial, not reverted within 14 days, not itself a revert.
    const qualifies = (c: OracleChange) => !c.trivial && !c.reverted && !c.revert;
    const qualifying = deployed.filter(qualifies);
    const aiQualifying = qualifying.filter((c) => c.ai);
    const a = active.size;
    const capped = (list: OracleChange[]) => {
      const per = new Map<string, number>();
      for (const c of list) per.set(c.credited as string, (per.get(c.credited as string) ?? 0) + 1);
      let sum = 0;
      for (const n of per.values()) sum += Math.min(n, cap);
      return sum;
    };
    /** ND, AIND, AI share, adoption (weekly and rolling), people to target from counted changes. */
    const outcome = (counted: OracleChange[], countedWindow: OracleChange[]) => {
      const ai = counted.filter((c) => c.ai);
      const nd = a === 0 ? null : capped(counted) / a;
      const aind = a === 0 ? null : capped(ai) / a;
      const adopters = [...active].filter((p) => ai.some((c) => c.credited === p)).length;
      const adopters4w = [...active].filter((p) => countedWindow.some((c) => c.credited === p && c.ai)).length;
      return {
        nd,
        aind,
        aiShare: nd === null || nd === 0 || aind === null ? null : aind / nd,
        adoption: share(adopters, a),
        adoption4w: share(adopters4w, a),
        // docs/metrics.md: a repository is not a team, so it has no target (none configured here).
        peopleToTarget:
          a === 0 || scope.kind === "repo"
            ? null
            : Math.max(0, Math.ceil(Math.round(target * a * 1e9) / 1e9) - adopters),
      };
    };
    const o = outcome(
      qualifying,
      ofGroup.filter((c) => qualifies(c) && inRange(c.deployedAt, windowStart, end)),
    );
    const noSignal = scope.repos !== null && [...scope.repos].every((r) => withoutSignal.has(r));
    let mergedVariant: OracleMergedVariant | null = null;
    if (noSignal) {
      const counted = merged.filter(qualifies);
      mergedVariant = {
        label: "merged (no deployment signal)",
        qualifyingChanges: counted.length,
        aiQualifyingChanges: counted.filter((c) => c.ai).length,
        ...outcome(
          counted,
          ofGroup.filter((c) => qualifies(c) && inRange(c.mergedAt, windowStart, end)),
        ),
      };
    }

    const deployments = deploymentsOf(scope, start);
    const dayCount = (list: OracleDeployment[]) => new Set(list.map((d) => localDay(d.at))).size;
    const aiDeployed = deployed.filter((c) => c.ai);
    const otherDeployed = deployed.filter((c) => !c.ai);
    const all = guardrail(deployed, deployments);

    // DORA band: the median of weekly deploy days over the 12 weeks ending w; else "monthly" when
    // the median 4-week block (newest first, a partial oldest block dropped) had a deploy day.
    const perWeek: number[] = [];
    for (let i = 11; i >= 0; i--) perWeek.push(dayCount(deploymentsOf(scope, start - i * WEEK_MS)));
    const weekly = middle(perWeek) ?? 0;
    let band: OracleWeek["doraBand"] = weekly >= 5 ? "daily" : weekly >= 1 ? "weekly" : null;
    if (band === null) {
      const blocks: number[] = [];
      for (let e = perWeek.length; e >= 4; e -= 4) blocks.push(perWeek.slice(e - 4, e).reduce((x, y) => x + y, 0));
      band = (middle(blocks) ?? 0) >= 1 ? "monthly" : "fewer";
    }

    // Usage of the group's people in the week (org and teams: usage has no repository).
    let cost: number | null = null;
    const tokens = new Map<string, number>();
    if (scope.repos === null) {
      for (const u of input.usage) {
        if (weekOfDay(u.day) !== label(start) || !people.has(u.personId)) continue;
        if (u.cost !== null) cost = (cost ?? 0) + u.cost;
        tokens.set(u.personId, (tokens.get(u.personId) ?? 0) + u.tokens);
      }
    }

    // Integrity flags: counts of person-weeks.
    const perPerson = (list: OracleChange[]) => {
      const out = new Map<string, OracleChange[]>();
      for (const c of list) out.set(c.credited as string, [...(out.get(c.credited as string) ?? []), c]);
      return out;
    };
    const qBy = perPerson(qualifying);
    let volumeSpike = 0;
    for (const [p, list] of qBy) {
      if (list.length <= cap) continue;
      const baseline: number[] = [];
      for (let i = 1; i <= 8; i++) {
        const s0 = start - i * WEEK_MS;
        baseline.push(
          input.changes.filter(
            (c) =>
              c.credited === p &&
              (scope.repos === null || scope.repos.has(c.repo)) &&
              qualifies(c) &&
              inRange(c.deployedAt, s0, s0 + WEEK_MS),
          ).length,
        );
      }
      if (list.length > 3 * (middle(baseline) ?? 0)) volumeSpike += 1;
    }
    let trivialShare = 0;
    let highRevertShare = 0;
    let selfMergedAi = 0;
    for (const list of perPerson(merged).values()) {
      // Two or more AI-assisted changes merged by their credited person with nobody else's review.
      if (
        list.filter((c) => c.ai && c.mergedBy === c.credited && c.reviewers.every((r) => r === c.credited)).length >= 2
      ) {
        selfMergedAi += 1;
      }
      if (list.length < 5) continue;
      if (list.filter((c) => c.trivial).length / list.length > 0.5) trivialShare += 1;
      if (list.filter((c) => c.reverted).length / list.length > 0.2) highRevertShare += 1;
    }
    let tokenHeavy: number | null = null;
    if (scope.repos === null && input.usage.length > 0) {
      tokenHeavy = 0;
      const spent = [...tokens].filter(([, n]) => n > 0);
      if (spent.length > 0) {
        const heavy = nearestRank(
          spent.map(([, n]) => n),
          0.9,
        ) as number;
        const perChange = spent.flatMap(([p, n]) => {
          const q = qBy.get(p)?.length ?? 0;
          return q > 0 ? [n / q] : [];
        });
        const typical = middle(perChange);
        for (const [p, n] of spent) {
          const q = qBy.get(p)?.length ?? 0;
          const shippedAi = qBy.get(p)?.some((c) => c.ai) ?? false;
          if ((n >= heavy && !shippedAi) || (q > 0 && typical !== null && n / q > 10 * typical)) tokenHeavy += 1;
        }
      }
    }

    return {
      week: label(start),
      suppressed: false,
      rosterSize,
      activeEngineers: a,
      mergedChanges: merged.length,
      deployedChanges: deployed.length,
      qualifyingChanges: qualifying.length,
      aiQualifyingChanges: aiQualifying.length,
      ...o,
      deployments: noSignal ? null : deployments.length,
      deployDays: noSignal ? null : dayCount(deployments),
      leadTimeHours: all.leadTimeHours,
      changeFailureRate: all.changeFailureRate,
      recoveryHoursMedian: all.recoveryHoursMedian,
      revertRate: {
        ai: share(aiDeployed.filter((c) => c.reverted).length, aiDeployed.length),
        other: share(otherDeployed.filter((c) => c.reverted).length, otherDeployed.length),
      },
      costPerAiChange: cost === null || aiQualifying.length === 0 ? null : cost / aiQualifying.length,
      aiCost: cost,
      doraBand: noSignal ? null : band,
      leadTimeParts: all.leadTimeParts,
      guardrails: {
        ai: guardrail(
          aiDeployed,
          deployments.filter((d) => shipsAi.get(d) === true),
        ),
        other: guardrail(
          otherDeployed,
          deployments.filter((d) => shipsAi.get(d) !== true),
        ),
      },
      flags: { volumeSpike, trivialShare, selfMergedAi, highRevertShare, tokenHeavyNothingShipped: tokenHeavy },
      mergedVariant,
    };
  }

  const hidden = (week: string): OracleWeek => ({
    week,
    suppressed: true,
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
    peopleToTarget: null,
    deployments: null,
    deployDays: null,
    leadTimeHours: { median: null, p90: null },
    changeFailureRate: null,
    recoveryHoursMedian: null,
    revertRate: { ai: null, other: null },
    costPerAiChange: null,
    aiCost: null,
    doraBand: null,
    leadTimeParts: { firstCommitToOpen: null, openToMerge: null, mergeToDeploy: null },
    guardrails: null,
    flags: {
      volumeSpike: null,
      trivialShare: null,
      selfMergedAi: null,
      highRevertShare: null,
      tokenHeavyNothingShipped: null,
    },
    mergedVariant: null,
  });

  const groups: OracleGroup[] = [];
  const org: Scope = { kind: "org", name: input.orgName, teams: null, repos: null };
  groups.push({
    kind: "org",
    name: org.name,
    weeks: weeks.map((w) => {
      const f = figures(org, w);
      return (f.rosterSize ?? 0) < k ? hidden(f.week) : f;
    }),
  });
  for (const kind of ["team", "repo"] as const) {
    const names = kind === "team" ? teamNames : repoNames;
    const scopes: Scope[] = names.map((name) => ({
      kind,
      name,
      teams: kind === "team" ? new Set([name]) : null,
      repos: kind === "repo" ? new Set([name]) : null,
    }));
    const rows: OracleGroup[] = scopes.map((s) => ({ kind, name: s.name, weeks: [] }));
    const other: OracleWeek[] = [];
    let folded = false;
    for (const w of weeks) {
      const small: Scope[] = [];
      scopes.forEach((s, i) => {
        const f = figures(s, w);
        const row = rows[i] as OracleGroup;
        if ((f.rosterSize ?? 0) < k) {
          small.push(s);
          row.weeks.push(hidden(f.week));
        } else row.weeks.push(f);
      });
      if (small.length === 0) {
        other.push(hidden(label(w)));
        continue;
      }
      folded = true;
      const union: Scope = {
        kind,
        name: "other",
        teams: kind === "team" ? new Set(small.map((s) => s.name)) : null,
        repos: kind === "repo" ? new Set(small.map((s) => s.name)) : null,
      };
      const f = figures(union, w);
      other.push((f.rosterSize ?? 0) < k ? hidden(f.week) : f);
    }
    groups.push(...rows);
    if (folded) groups.push({ kind, name: "other", weeks: other });
  }
  return groups;
}
