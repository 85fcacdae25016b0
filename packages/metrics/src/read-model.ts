import { OTHER_GROUP } from "./compute.js";
import type { GroupKind, MetricsGroup, MetricsOutput, MetricsReportNotes, WeekFigures } from "./output.js";

/** One stored group-week (a `weekly_rollups` row's identity and figures). */
export interface StoredGroupWeek {
  kind: GroupKind;
  name: string;
  week: string;
  figures: WeekFigures;
}

export interface ReadModelOptions {
  /** Only these kinds (default all, in the order org, team, repo). */
  kinds?: readonly GroupKind[];
  /** Keep the integrity flags' named lists (stored for admins); default: dropped. */
  viewerIsAdmin?: boolean;
}

const KINDS: readonly GroupKind[] = ["org", "team", "repo"];

/** Group names as the engine lists them: by name, the kind's "other" last. */
function byName(a: string, b: string): number {
  if (a === OTHER_GROUP) return b === OTHER_GROUP ? 0 : 1;
  if (b === OTHER_GROUP) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A stored week's figures as a reader may see them: named flag lists only for admins. */
export function figuresFor(figures: WeekFigures, viewerIsAdmin: boolean): WeekFigures {
  if (viewerIsAdmin || figures.flags.named === null) return figures;
  return { ...figures, flags: { ...figures.flags, named: null } };
}

/**
 * The metrics document (`computeMetrics`'s shape) of `weeks` from stored group-weeks: the read
 * model's one assembly, used by every reader (CLI, report, digest, API). Groups and weeks come in
 * the engine's order; a kind's "other" group is listed when one of its groups is suppressed in
 * one of the weeks (as the engine folds them). Throws when a listed group lacks one of the weeks:
 * the rollups do not cover them.
 */
export function metricsFromRollups(
  weeks: readonly string[],
  rows: readonly StoredGroupWeek[],
  notes: MetricsReportNotes,
  options: ReadModelOptions = {},
): MetricsOutput {
  const admin = options.viewerIsAdmin ?? false;
  const wanted = new Set(weeks);
  const byGroup = new Map<string, Map<string, WeekFigures>>();
  for (const r of rows) {
    if (!wanted.has(r.week)) continue;
    const key = `${r.kind}\u0000${r.name}`;
    let m = byGroup.get(key);
    if (m === undefined) {
      m = new Map();
      byGroup.set(key, m);
    }
    m.set(r.week, r.figures);
  }
  const groups: MetricsGroup[] = [];
  for (const kind of options.kinds ?? KINDS) {
    const names = [...byGroup.keys()]
      .filter((k) => k.startsWith(`${kind}\u0000`))
      .map((k) => k.slice(kind.length + 1))
      .sort(byName);
    const anyFolded = names.some(
      (n) => n !== OTHER_GROUP && [...(byGroup.get(`${kind}\u0000${n}`)?.values() ?? [])].some((f) => f.suppressed),
    );
    for (const name of names) {
      if (name === OTHER_GROUP && (kind === "org" || !anyFolded)) continue;
      const stored = byGroup.get(`${kind}\u0000${name}`) as Map<string, WeekFigures>;
      const missing = weeks.filter((w) => !stored.has(w));
      if (missing.length > 0) {
        throw new RangeError(`the rollups lack ${kind} ${JSON.stringify(name)} in ${missing.join(", ")}`);
      }
      groups.push({ kind, name, weeks: weeks.map((w) => figuresFor(stored.get(w) as WeekFigures, admin)) });
    }
  }
  return { weeks: [...weeks], groups, notes };
}
