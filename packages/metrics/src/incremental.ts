import type { IsoWeek } from "@yardstick/core";
import { isoWeekOfDay, WeekClock } from "./clock.js";
import {
  type ComputeOptions,
  evaluateGroupWeek,
  GroupContext,
  type GroupSpec,
  groupSpecs,
  OTHER_GROUP,
  suppressedWeek,
} from "./compute.js";
import type { MetricsConfig } from "./config.js";
import type { RosterPerson } from "./inputs.js";
import type { GroupKind, WeekFigures } from "./output.js";
import type { Prepared } from "./prepare.js";

/**
 * Incremental rollups. A (group, week) figure reads only:
 * - changes merged in the 4 weeks ending w (active engineers; the merged variant),
 * - changes deployed in the 4 weeks ending w (adoption4w) and the spike baseline before w,
 * - deployments live in the DORA window ending w,
 * - usage in w.
 * So new data in week x touches x and a few weeks after it; `affectedWeeks` lists them, and
 * storage recomputes only those (group, week) pairs with `evaluateGroupWeeks`.
 */

export interface GroupWeek {
  kind: GroupKind;
  name: string;
  week: IsoWeek;
}

/** New or changed facts since the last rollup. Dates accept Date objects. */
export interface NewData {
  /**
   * New or changed changes (a new merge, a new deployedAt, a new revert status). When a revert
   * arrives, pass the reverted change too: its qualifying status changed.
   */
  changes?: readonly { repo: string; personId: string | null; mergedAt: Date; deployedAt: Date | null }[];
  /**
   * New or changed deployments, with the credited people of what they shipped. A new deployment
   * can change earlier ones: pass the previous deployment of its environment (now rolled back,
   * or recovered from) and any failed deployment whose recovery it ends.
   */
  deployments?: readonly { repo: string; liveAt: Date; people?: readonly string[] }[];
  usage?: readonly { personId: string; day: string }[];
  /**
   * Roster changes (join, leave, team membership) take effect from `from` to `until`; `repos`
   * are the repositories the person changed (repository groups count rostered people).
   */
  roster?: readonly { personId: string; teams: readonly string[]; repos?: readonly string[]; from: Date }[];
}

/** How many weeks after an event its figures can still change. */
export function followingWeeks(config: MetricsConfig): { merged: number; deployed: number; deployment: number } {
  const t = config.thresholds;
  return {
    merged: t.activeWindowWeeks - 1,
    deployed: Math.max(t.activeWindowWeeks - 1, t.spikeBaselineWeeks, t.doraWindowWeeks - 1),
    deployment: t.doraWindowWeeks - 1,
  };
}

/**
 * The (group, week) pairs that new data can change. Includes each touched kind's "other"
 * group (suppression folds small groups into it). `until` bounds roster changes.
 */
export function affectedWeeks(
  data: NewData,
  roster: readonly RosterPerson[],
  config: MetricsConfig,
  until?: IsoWeek,
): GroupWeek[] {
  const clock = new WeekClock(config.timeZone);
  const follow = followingWeeks(config);
  const teamsOf = new Map(roster.map((p) => [p.id, p.teams.map((m) => m.team)]));
  const out = new Map<string, GroupWeek>();
  const add = (kind: GroupKind, name: string, week: IsoWeek, after: number) => {
    for (let i = 0; i <= after; i++) {
      const w = clock.shift(week, i);
      if (until !== undefined && w > until) break;
      out.set(`${kind}\u0000${name}\u0000${w}`, { kind, name, week: w });
      if (kind !== "org") out.set(`${kind}\u0000${OTHER_GROUP}\u0000${w}`, { kind, name: OTHER_GROUP, week: w });
    }
  };
  const addPerson = (personId: string | null, week: IsoWeek, after: number) => {
    if (personId === null) return;
    add("org", config.orgName, week, after);
    for (const team of teamsOf.get(personId) ?? []) add("team", team, week, after);
  };
  for (const c of data.changes ?? []) {
    const merged = clock.weekOf(c.mergedAt);
    addPerson(c.personId, merged, follow.merged);
    add("repo", c.repo, merged, follow.merged);
    if (c.deployedAt !== null) {
      const deployed = clock.weekOf(c.deployedAt);
      addPerson(c.personId, deployed, follow.deployed);
      add("repo", c.repo, deployed, follow.deployed);
    }
  }
  for (const d of data.deployments ?? []) {
    const week = clock.weekOf(d.liveAt);
    add("org", config.orgName, week, follow.deployment);
    add("repo", d.repo, week, follow.deployment);
    for (const p of d.people ?? []) for (const team of teamsOf.get(p) ?? []) add("team", team, week, follow.deployment);
  }
  for (const u of data.usage ?? []) addPerson(u.personId, isoWeekOfDay(u.day), 0);
  for (const r of data.roster ?? []) {
    const from = clock.weekOf(r.from);
    const span = until === undefined ? follow.deployed : weeksBetween(clock, from, until);
    add("org", config.orgName, from, span);
    for (const team of new Set([...(teamsOf.get(r.personId) ?? []), ...r.teams])) add("team", team, from, span);
    for (const repo of r.repos ?? []) add("repo", repo, from, span);
  }
  return [...out.values()].sort((a, b) =>
    a.kind !== b.kind
      ? a.kind < b.kind
        ? -1
        : 1
      : a.name !== b.name
        ? a.name < b.name
          ? -1
          : 1
        : a.week < b.week
          ? -1
          : a.week > b.week
            ? 1
            : 0,
  );
}

function weeksBetween(clock: WeekClock, from: IsoWeek, to: IsoWeek): number {
  let n = 0;
  for (let w = from; w < to; w = clock.shift(w, 1)) n += 1;
  return n;
}

/**
 * The group-week's `rosterSize` as `evaluateGroupWeek` reports it (people in the group, or for
 * repositories the active engineers), without the other figures: deciding which groups fold into
 * "other" needs only this, for every group of the kind.
 */
export function rosterSizeOf(ctx: GroupContext, spec: GroupSpec, week: IsoWeek): number {
  const members = ctx.membersOf(spec, week);
  if (spec.kind !== "repo" && spec.repos === null) return members.size;
  const active = new Set<string>();
  const t = ctx.prep.config.thresholds;
  for (let i = t.activeWindowWeeks - 1; i >= 0; i--) {
    for (const f of ctx.changes(spec, "merged", ctx.prep.clock.shift(week, -i), members))
      active.add(f.person as string);
  }
  return active.size;
}

/**
 * Resolves (group, week) pairs to the group specs the engine evaluates: a named group's spec, or
 * a kind's "other" of that week (the groups below k folded into it; `folded` 0 means nothing was
 * folded, so "other" is suppressed whatever its size).
 */
export function pairSpecResolver(
  prep: Prepared,
  ctx: GroupContext,
): (pair: GroupWeek) => { spec: GroupSpec; folded: number | null } {
  const k = prep.config.thresholds.minGroupSize;
  const specsByKind = new Map<GroupKind, GroupSpec[]>();
  const specsOf = (kind: GroupKind) => {
    let specs = specsByKind.get(kind);
    if (specs === undefined) {
      specs = groupSpecs(prep, kind);
      specsByKind.set(kind, specs);
    }
    return specs;
  };
  const foldedCache = new Map<string, GroupSpec[]>();
  const folded = (kind: GroupKind, week: string) => {
    const key = `${kind} ${week}`;
    let list = foldedCache.get(key);
    if (list === undefined) {
      list = specsOf(kind).filter((spec) => rosterSizeOf(ctx, spec, week) < k);
      foldedCache.set(key, list);
    }
    return list;
  };
  return (pair) => {
    if (pair.name === OTHER_GROUP && pair.kind !== "org") {
      const f = folded(pair.kind, pair.week);
      return {
        folded: f.length,
        spec: {
          kind: pair.kind,
          name: OTHER_GROUP,
          teams: pair.kind === "team" ? f.flatMap((s) => s.teams ?? []) : null,
          repos: pair.kind === "repo" ? f.flatMap((s) => s.repos ?? []) : null,
        },
      };
    }
    const spec = specsOf(pair.kind).find((s) => s.name === pair.name) ?? {
      kind: pair.kind,
      name: pair.name,
      teams: pair.kind === "team" ? [pair.name] : null,
      repos: pair.kind === "repo" ? [pair.name] : null,
    };
    return { spec, folded: null };
  };
}

/**
 * Evaluates just the given (group, week) pairs, with the same privacy rule as the full report:
 * a group-week below k is suppressed; "other" folds that week's suppressed groups of its kind.
 */
export function evaluateGroupWeeks(
  prep: Prepared,
  pairs: readonly GroupWeek[],
  options: Pick<ComputeOptions, "now" | "viewerIsAdmin">,
  /** Caches kept from an earlier evaluation of `prep` (after `forgetWeeks` of what changed). */
  ctx: GroupContext = new GroupContext(prep),
): (GroupWeek & { figures: WeekFigures; spec: GroupSpec })[] {
  const k = prep.config.thresholds.minGroupSize;
  const evalOptions = { now: options.now, viewerIsAdmin: options.viewerIsAdmin ?? false };
  const resolve = pairSpecResolver(prep, ctx);
  return pairs.map((pair) => {
    const { spec, folded } = resolve(pair);
    const figures = evaluateGroupWeek(ctx, spec, pair.week, evalOptions);
    const suppressed = folded === 0 || (figures.rosterSize ?? 0) < k;
    return { ...pair, spec, figures: suppressed ? suppressedWeek(pair.week, figures.provisional) : figures };
  });
}
