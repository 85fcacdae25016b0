import { OTHER_GROUP } from "./compute.js";
import type { GroupKind, MetricsGroup, MetricsOutput, MetricsReportNotes, WeekFigures } from "./output.js";

/**
 * One stored group-week (a `weekly_rollups` row's identity and figures). `F` is the figures as
 * the reader holds them: parsed (`WeekFigures`), or their stored JSON text (the API's fast path,
 * which splices them into the document without parsing).
 */
export interface StoredGroupWeek<F = WeekFigures> {
  kind: GroupKind;
  name: string;
  week: string;
  /** The group is below k this week (its figures are withheld). */
  suppressed: boolean;
  figures: F;
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

/** One group of the document with its weeks' figures in `weeks` order. */
export interface AssembledGroup<F> {
  kind: GroupKind;
  name: string;
  weeks: F[];
}

/**
 * The groups of the metrics document of `weeks` from stored group-weeks, in the engine's order:
 * by kind (org, team, repo, or `kinds`), then by name with the kind's "other" last; a kind's
 * "other" is listed when one of its groups is suppressed in one of the weeks (as the engine
 * folds them), never for the org. Throws when a listed group lacks one of the weeks: the rollups
 * do not cover them. The read model's one assembly: every reader's document comes from here.
 */
export function assembleRollupGroups<F>(
  weeks: readonly string[],
  rows: readonly StoredGroupWeek<F>[],
  kinds: readonly GroupKind[] = KINDS,
): AssembledGroup<F>[] {
  const wanted = new Set(weeks);
  const byGroup = new Map<string, Map<string, StoredGroupWeek<F>>>();
  for (const r of rows) {
    if (!wanted.has(r.week)) continue;
    const key = `${r.kind}\u0000${r.name}`;
    let m = byGroup.get(key);
    if (m === undefined) {
      m = new Map();
      byGroup.set(key, m);
    }
    m.set(r.week, r);
  }
  const groups: AssembledGroup<F>[] = [];
  for (const kind of kinds) {
    const names = [...byGroup.keys()]
      .filter((k) => k.startsWith(`${kind}\u0000`))
      .map((k) => k.slice(kind.length + 1))
      .sort(byName);
    const anyFolded = names.some(
      (n) => n !== OTHER_GROUP && [...(byGroup.get(`${kind}\u0000${n}`)?.values() ?? [])].some((r) => r.suppressed),
    );
    for (const name of names) {
      if (name === OTHER_GROUP && (kind === "org" || !anyFolded)) continue;
      const stored = byGroup.get(`${kind}\u0000${name}`) as Map<string, StoredGroupWeek<F>>;
      const missing = weeks.filter((w) => !stored.has(w));
      if (missing.length > 0) {
        throw new RangeError(`the rollups lack ${kind} ${JSON.stringify(name)} in ${missing.join(", ")}`);
      }
      groups.push({ kind, name, weeks: weeks.map((w) => (stored.get(w) as StoredGroupWeek<F>).figures) });
    }
  }
  return groups;
}

/**
 * The metrics document (`computeMetrics`'s shape) of `weeks` from stored group-weeks
 * ({@link assembleRollupGroups}), named flag lists only for admins.
 */
export function metricsFromRollups(
  weeks: readonly string[],
  rows: readonly StoredGroupWeek[],
  notes: MetricsReportNotes,
  options: ReadModelOptions = {},
): MetricsOutput {
  const admin = options.viewerIsAdmin ?? false;
  const groups: MetricsGroup[] = assembleRollupGroups(weeks, rows, options.kinds).map((g) => ({
    ...g,
    weeks: g.weeks.map((f) => figuresFor(f, admin)),
  }));
  return { weeks: [...weeks], groups, notes };
}

/**
 * The same document as JSON text, from the stored figures' JSON text as the reader may see them
 * (the store drops named flag lists for non-admins): spliced, never parsed, so a year of every
 * team costs a copy of the text rather than a parse and a serialisation of it. `JSON.parse` of the
 * result equals {@link metricsFromRollups} of the parsed rows (tested).
 */
export function metricsJsonFromRollups(
  weeks: readonly string[],
  rows: readonly StoredGroupWeek<string>[],
  notes: MetricsReportNotes,
  options: { kinds?: readonly GroupKind[]; name?: string } = {},
): string {
  let groups = assembleRollupGroups(weeks, rows, options.kinds);
  if (options.name !== undefined) groups = groups.filter((g) => g.name === options.name);
  const parts: string[] = [];
  for (const g of groups) {
    parts.push(`{"kind":${JSON.stringify(g.kind)},"name":${JSON.stringify(g.name)},"weeks":[${g.weeks.join(",")}]}`);
  }
  return `{"weeks":${JSON.stringify(weeks)},"groups":[${parts.join(",")}],"notes":${JSON.stringify(notes)}}`;
}
