import type { IsoWeek } from "@yardstick/core";
import { affectedWeeks, followingWeeks, type GroupWeek, type NewData } from "./incremental.js";
import { type ChangeFact, type DeploymentFact, environmentKey, type Prepared } from "./prepare.js";

/**
 * Storage-side incremental rollups. Storage knows which rows changed since the last rollup, not
 * which facts (a stored row says nothing of the deployedAt or the people a change had before),
 * so it describes new data per repository: the earliest time from which that repository's
 * stored data changed. `touchedGroupWeeks` turns that into the (group, week) pairs to recompute,
 * reading the facts prepared from the data as it is now.
 *
 * Why this is enough: data stored at or after `since` (new or edited pull requests, new
 * deployments or deployment statuses, new commits on the branch, all dated at or after `since`)
 * can change, in that repository, only
 * - changes merged from `since − revertWindowDays` on (a revert of them), and changes deployed
 *   from then on;
 * - the deployedAt of changes a new deployment ships: it was empty, or a later deployment of the
 *   repository (the new one shipped them first), so the weeks from the new deployedAt to the
 *   repository's last deployment are taken for those changes;
 * - deployments live from then on, the previous deployment of each one's environment (rolled
 *   back), and failed deployments whose recovery ended at or after it (or now never ends).
 * Each is passed to `affectedWeeks` as new data, which adds the weeks that read it.
 */
export interface StoredChanges {
  /** Per repository, the earliest time of the stored data that changed since the last rollup. */
  repos: ReadonlyMap<string, Date>;
  /**
   * Changes whose credited person may have changed (re-attributed after the last rollup): the
   * person they counted for before is unknown, so every team of their weeks is recomputed.
   */
  recredited?: readonly string[];
  /** Usage records imported since the last rollup. */
  usage?: readonly { personId: string; day: string }[];
}

const DAY_MS = 86_400_000;

export function touchedGroupWeeks(prep: Prepared, changed: StoredChanges, until?: IsoWeek): GroupWeek[] {
  const { clock, config } = prep;
  const revertMs = config.thresholds.revertWindowDays * DAY_MS;
  const data: Required<Pick<NewData, "changes" | "deployments" | "usage">> = {
    changes: [],
    deployments: [],
    usage: [...(changed.usage ?? [])],
  };
  const changes = data.changes as ChangeEntry[];
  const deployments = data.deployments as DeploymentEntry[];

  const changesByRepo = new Map<string, ChangeFact[]>();
  for (const f of prep.changes) if (changed.repos.has(f.repo)) push(changesByRepo, f.repo, f);
  const deploymentsByEnv = new Map<string, DeploymentFact[]>();
  for (const d of prep.deployments) if (changed.repos.has(d.repo)) push(deploymentsByEnv, environmentKey(d), d);

  const lastLive = new Map<string, number>();
  for (const list of deploymentsByEnv.values()) {
    list.sort((a, b) => a.liveAt.getTime() - b.liveAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const repo = (list[0] as DeploymentFact).repo;
    lastLive.set(repo, Math.max(lastLive.get(repo) ?? 0, (list.at(-1) as DeploymentFact).liveAt.getTime()));
  }

  for (const [repo, since] of changed.repos) {
    const from = since.getTime() - revertMs;
    const last = lastLive.get(repo);
    for (const f of changesByRepo.get(repo) ?? []) {
      const deployed = f.deployedAt?.getTime() ?? null;
      if (f.mergedAt.getTime() < from && (deployed === null || deployed < from)) continue;
      changes.push({ repo, personId: f.person, mergedAt: f.mergedAt, deployedAt: f.deployedAt });
      // Shipped first by a deployment stored since: before, a later deployment may have shipped it.
      if (deployed !== null && deployed >= since.getTime() && last !== undefined && last > deployed) {
        const lastWeek = clock.weekOf(new Date(last));
        for (let w = clock.shift(f.deployedWeek as string, 1); w <= lastWeek; w = clock.shift(w, 1)) {
          changes.push({ repo, personId: f.person, mergedAt: f.mergedAt, deployedAt: clock.bounds(w).start });
        }
      }
    }
  }
  for (const list of deploymentsByEnv.values()) {
    const repo = (list[0] as DeploymentFact).repo;
    const from = (changed.repos.get(repo) as Date).getTime() - revertMs;
    const hasNew = (list.at(-1) as DeploymentFact).liveAt.getTime() >= from;
    list.forEach((d, i) => {
      const live = d.liveAt.getTime();
      const next = list[i + 1];
      const recovery = d.recoveryHours === null ? null : live + d.recoveryHours * 3_600_000;
      const touched =
        live >= from ||
        // the previous deployment of a new one (rolled back, recovered)
        (next !== undefined && next.liveAt.getTime() >= from) ||
        // a failed deployment whose recovery is new, moved, or is now never reached
        (hasNew && d.failed && (recovery === null || recovery >= from));
      if (touched) deployments.push({ repo, liveAt: d.liveAt, people: [...d.shippedPeople] });
    });
  }

  const pairs = affectedWeeks(data, prep.roster, config, until);
  const recredited = changed.recredited ?? [];
  if (recredited.length === 0) return pairs;

  // The previous person is unknown: every team (and "other") in the weeks the change counts in.
  const keys = new Set(recredited);
  const follow = followingWeeks(config);
  const out = new Map(pairs.map((p) => [`${p.kind}\u0000${p.name}\u0000${p.week}`, p]));
  const add = (week: string, after: number) => {
    for (let i = 0; i <= after; i++) {
      const w = clock.shift(week, i);
      if (until !== undefined && w > until) break;
      for (const name of [...prep.teams, "other"])
        out.set(`team\u0000${name}\u0000${w}`, { kind: "team", name, week: w });
    }
  };
  const extra: ChangeEntry[] = [];
  for (const f of prep.changes) {
    if (!keys.has(f.key)) continue;
    extra.push({ repo: f.repo, personId: f.person, mergedAt: f.mergedAt, deployedAt: f.deployedAt });
    add(f.mergedWeek, follow.merged);
    if (f.deployedWeek !== null) add(f.deployedWeek, follow.deployed);
  }
  for (const p of affectedWeeks({ changes: extra }, prep.roster, config, until))
    out.set(`${p.kind}\u0000${p.name}\u0000${p.week}`, p);
  return sortPairs([...out.values()]);
}

type ChangeEntry = NonNullable<NewData["changes"]>[number];
type DeploymentEntry = NonNullable<NewData["deployments"]>[number];

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function sortPairs(pairs: GroupWeek[]): GroupWeek[] {
  const key = (p: GroupWeek) => `${p.kind}\u0000${p.name}\u0000${p.week}`;
  return pairs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
