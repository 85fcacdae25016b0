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
 * One group's stored weeks within the range asked for: which weeks are stored, whether any of
 * them is suppressed, and their figures (`payload`): by week (`assembleRollupGroups`), or already
 * joined in week order as JSON text (PostgreSQL aggregates a group's year: the API's fast path).
 */
export interface RollupSeries<P> {
  kind: GroupKind;
  name: string;
  /** The stored weeks of the range. */
  weeks: readonly string[];
  anySuppressed: boolean;
  payload: P;
}

/**
 * The groups of the metrics document of `weeks`, in the engine's order: by kind (org, team, repo,
 * or `kinds`), then by name with the kind's "other" last; a kind's "other" is listed when one of
 * its groups is suppressed in one of the weeks (as the engine folds them), never for the org.
 * Throws when a listed group lacks one of the weeks: the rollups do not cover them. The read
 * model's one ordering: every reader's document comes through here.
 */
export function orderRollupSeries<P>(
  weeks: readonly string[],
  series: readonly RollupSeries<P>[],
  kinds: readonly GroupKind[] = KINDS,
): RollupSeries<P>[] {
  const out: RollupSeries<P>[] = [];
  for (const kind of kinds) {
    const ofKind = series.filter((s) => s.kind === kind).sort((a, b) => byName(a.name, b.name));
    const anyFolded = ofKind.some((s) => s.name !== OTHER_GROUP && s.anySuppressed);
    for (const s of ofKind) {
      if (s.name === OTHER_GROUP && (kind === "org" || !anyFolded)) continue;
      const stored = new Set(s.weeks);
      const missing = weeks.filter((w) => !stored.has(w));
      if (missing.length > 0) {
        throw new RangeError(`the rollups lack ${kind} ${JSON.stringify(s.name)} in ${missing.join(", ")}`);
      }
      out.push(s);
    }
  }
  return out;
}

/** The groups of the metrics document of `weeks` from stored group-weeks (any order, any weeks), ordered by {@link orderRollupSeries}. */
export function assembleRollupGroups<F>(
  weeks: readonly string[],
  rows: readonly StoredGroupWeek<F>[],
  kinds: readonly GroupKind[] = KINDS,
): AssembledGroup<F>[] {
  const wanted = new Set(weeks);
  const byGroup = new Map<string, RollupSeries<Map<string, F>> & { weeks: string[] }>();
  for (const r of rows) {
    if (!wanted.has(r.week)) continue;
    const key = `${r.kind}\u0000${r.name}`;
    let s = byGroup.get(key);
    if (s === undefined) {
      s = { kind: r.kind, name: r.name, weeks: [], anySuppressed: false, payload: new Map() };
      byGroup.set(key, s);
    }
    if (!s.payload.has(r.week)) s.weeks.push(r.week);
    s.anySuppressed ||= r.suppressed;
    s.payload.set(r.week, r.figures);
  }
  return orderRollupSeries(weeks, [...byGroup.values()], kinds).map((s) => ({
    kind: s.kind,
    name: s.name,
    weeks: weeks.map((w) => s.payload.get(w) as F),
  }));
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
 * The same document as JSON text, from each group's stored figures of the range as JSON text
 * already joined in week order (`payload`: what PostgreSQL's `string_agg` of the figures gives,
 * named flag lists only for admins): spliced, never parsed, so a year of every team costs a
 * copy of the text rather than a parse and a serialisation of it. `JSON.parse` of the result
 * equals {@link metricsFromRollups} of the same stored weeks (tested).
 */
export function metricsJsonFromRollups(
  weeks: readonly string[],
  series: readonly RollupSeries<string>[],
  notes: MetricsReportNotes,
  options: { kinds?: readonly GroupKind[]; name?: string } = {},
): string {
  let groups = orderRollupSeries(weeks, series, options.kinds);
  if (options.name !== undefined) groups = groups.filter((g) => g.name === options.name);
  const parts: string[] = [];
  for (const g of groups) {
    parts.push(`{"kind":${JSON.stringify(g.kind)},"name":${JSON.stringify(g.name)},"weeks":[${g.payload}]}`);
  }
  return `{"weeks":${JSON.stringify(weeks)},"groups":[${parts.join(",")}],"notes":${JSON.stringify(notes)}}`;
}
