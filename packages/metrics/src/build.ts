import { type KeptFactSource, pageInWeeks, restoreBoundedState, weeksReadBy } from "./bounded.js";
import { evaluateGroups, type GroupContext, type GroupSpec, OTHER_GROUP } from "./compute.js";
import type { MetricsConfig } from "./config.js";
import { evaluateGroupWeeks, type GroupWeek, pairSpecResolver } from "./incremental.js";
import type { MetricsInput, RosterPerson } from "./inputs.js";
import { factRowsOf, type KeptFactRow, type KeptMeta } from "./kept-facts.js";
import type { GroupKind, MetricsReportNotes, WeekFigures } from "./output.js";
import { prepareMetrics } from "./prepare.js";
import type { RollupState } from "./restrict.js";

/**
 * Building the rollups and the kept state in bounded memory (issue 18). A full recompute prepares
 * the whole input and evaluates every group-week of it at once; its memory grows with the history.
 * Built in parts instead:
 *
 * 1. facts by repository batch (`KeptBuild`): every fact of a repository depends on that
 *    repository's rows alone (linking, reverts, rollbacks, recoveries and incidents are per
 *    repository: prepare.ts, reverts.ts), and people are resolved before the engine sees the
 *    input, so a batch of repositories prepared on its own gives the facts a whole prepare gives
 *    them, in the same order when batches come in repository order (`prepareMetrics` lists facts
 *    repository by repository). Usage (per person, no repository) is prepared on its own, a range
 *    of whole weeks at a time (`usageRanges`): the engine sums it by the ISO week of the record's
 *    day (prepare.ts, `isoWeekOfDay`, whatever the time zone), so a range of whole ISO weeks
 *    (Monday to Sunday) gives its weeks the rows a whole prepare gives them, when its records come
 *    in the whole read's order (`listAttributedUsage`: by day, then key).
 *    What crosses repositories is small and summed here: the repositories, those without a
 *    deployment signal, whether usage was imported, and the report's notes;
 * 2. figures by chunk of weeks (`evaluateStoredWeeks`): each chunk's weeks and the weeks their
 *    figures read are loaded from the stored facts into an empty bounded state (`pageInWeeks`),
 *    every group of them is evaluated, and the state is dropped. Which kinds list an "other" group
 *    is decided over every week (`evaluateGroups` lists a kind's "other" for all weeks once one of
 *    its groups folds in any week): the "other" weeks of a kind that had not folded yet are kept
 *    (suppressed, a few bytes each) until the end says whether to list them.
 */

/** The facts of a whole input, prepared one batch of repositories at a time (see above). */
export class KeptBuild {
  private nextChange = 0;
  private nextDeployment = 0;
  private readonly repos: string[] = [];
  private readonly withoutSignal = new Set<string>();
  private usage = false;
  private readonly notes = {
    offBranchDeployments: [] as string[],
    changesNotOnBranch: [] as string[],
    mergedNotDeployed: 0,
  };

  /**
   * The fact rows of one batch: `input` holds those repositories whole (and no usage: see
   * `addUsage`). Batches come in repository order, each after the last batch's repositories.
   */
  addRepositories(input: MetricsInput): KeptFactRow[] {
    if (input.usage.length > 0) {
      throw new Error(
        "KeptBuild.addRepositories: the batch's input holds usage; load it without (noUsage), add it once with addUsage",
      );
    }
    const prep = prepareMetrics(input);
    const last = this.repos.at(-1);
    const first = prep.repos[0];
    if (last !== undefined && first !== undefined && first <= last) {
      throw new Error(`KeptBuild.addRepositories: ${first} comes after ${last}: add batches in repository order`);
    }
    const rows = factRowsOf(prep, { change: this.nextChange, deployment: this.nextDeployment });
    this.nextChange += prep.changes.length;
    this.nextDeployment += prep.deployments.length;
    this.repos.push(...prep.repos);
    for (const repo of prep.reposWithoutSignal) this.withoutSignal.add(repo);
    this.notes.offBranchDeployments.push(...prep.notes.offBranchDeployments);
    this.notes.changesNotOnBranch.push(...prep.notes.changesNotOnBranch);
    this.notes.mergedNotDeployed += prep.notes.mergedNotDeployed;
    return rows;
  }

  /**
   * The usage weeks' rows of `input`'s usage (its repositories are not read): every record of the
   * weeks it holds, once (a range of `usageRanges` at a time, or all usage at once).
   */
  addUsage(input: MetricsInput): KeptFactRow[] {
    const prep = prepareMetrics({
      ...input,
      changes: [],
      deployments: [],
      commitGraphs: {},
      incidents: [],
      repos: [],
      reposWithoutDeploymentSignal: [],
    });
    this.usage ||= prep.hasUsage;
    return factRowsOf(prep);
  }

  /** What the kept state holds beyond its facts (as `keptMetaOf` of a whole prepare). */
  meta(): KeptMeta {
    return { repos: [...this.repos], reposWithoutSignal: [...this.withoutSignal].sort(), hasUsage: this.usage };
  }

  /** The report's notes (as a whole prepare's). */
  reportNotes(timeZone: string): MetricsReportNotes {
    return {
      timeZone,
      reposWithoutDeploymentSignal: [...this.withoutSignal].sort(),
      offBranchDeployments: [...this.notes.offBranchDeployments],
      changesNotOnBranch: [...this.notes.changesNotOnBranch],
      mergedNotDeployed: this.notes.mergedNotDeployed,
    };
  }
}

/** Calendar days from `from` to `to` ("YYYY-MM-DD", both included). */
export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayLabel = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/**
 * The day ranges, `weeks` whole ISO weeks each (Monday to Sunday), that cover the days of `span`
 * (the first and last day of usage), in order: a build reads and adds usage one range at a time
 * (see above). None without usage.
 */
export function usageRanges(span: DayRange | null, weeks: number): DayRange[] {
  if (span === null) return [];
  const size = Math.max(1, Math.floor(weeks)) * 7;
  const first = dayNumber(span.from);
  const last = dayNumber(span.to);
  if (!Number.isFinite(first) || !Number.isFinite(last))
    throw new Error(`usageRanges: not days: ${span.from}, ${span.to}`);
  // Day 0 (1970-01-01) was a Thursday: Mondays are the days n with (n + 3) % 7 === 0.
  const monday = first - ((((first + 3) % 7) + 7) % 7);
  const ranges: DayRange[] = [];
  for (let start = monday; start <= last; start += size)
    ranges.push({ from: dayLabel(start), to: dayLabel(start + size - 1) });
  return ranges;
}

/** A week after every real one: a bounded state from it on holds nothing until weeks are loaded. */
const NO_WEEK = "9999-W52";

/** An empty bounded state that holds only the weeks loaded into it (`pageInWeeks`). */
export function storedWeeksState(config: MetricsConfig, roster: RosterPerson[], meta: KeptMeta): RollupState {
  return restoreBoundedState(config, roster, meta, [], NO_WEEK, { change: 0, deployment: 0 });
}

/** One evaluated group-week, with the spec its drill-down is explained with. */
export type EvaluatedGroupWeek = GroupWeek & { spec: GroupSpec; figures: WeekFigures };

/**
 * Every group-week a full recompute of `weeks` stores (`evaluateGroups` over their range, "other"
 * groups included, named flag lists as asked), evaluated from stored facts a chunk of
 * `chunkWeeks` weeks at a time (see above). `emit` gets each chunk's group-weeks with the context
 * that evaluated them (for their drill-down), while that chunk's weeks are loaded; the last call
 * holds the "other" weeks kept until the end (suppressed: nothing to explain). Returns how many
 * chunks it evaluated.
 */
export async function evaluateStoredWeeks(
  base: { config: MetricsConfig; roster: RosterPerson[]; meta: KeptMeta },
  weeks: readonly string[],
  options: { now: Date; viewerIsAdmin: boolean; chunkWeeks: number },
  source: KeptFactSource,
  emit: (ctx: GroupContext, evaluated: EvaluatedGroupWeek[]) => Promise<void>,
): Promise<number> {
  const sorted = [...new Set(weeks)].sort();
  const first = sorted[0];
  const last = sorted.at(-1);
  if (first === undefined || last === undefined) return 0;
  const wanted = new Set(sorted);
  const range: string[] = [];
  const clock = storedWeeksState(base.config, base.roster, base.meta).prep.clock;
  for (let w = first; w <= last; w = clock.shift(w, 1)) range.push(w);
  const size = Math.max(1, Math.floor(options.chunkWeeks));
  const folds = new Set<GroupKind>();
  /** The "other" weeks of kinds that had not folded when they were evaluated. */
  const pending = new Map<GroupKind, EvaluatedGroupWeek[]>();
  let chunks = 0;
  for (let i = 0; i < range.length; i += size) {
    const chunk = range.slice(i, i + size);
    const state = storedWeeksState(base.config, base.roster, base.meta);
    await pageInWeeks(
      state,
      weeksReadBy(
        chunk.map((week) => ({ week })),
        base.config,
      ),
      source,
    );
    const { prep, ctx } = state;
    const groups = evaluateGroups(
      prep,
      chunk,
      { from: chunk[0] as string, to: chunk.at(-1) as string, now: options.now, viewerIsAdmin: options.viewerIsAdmin },
      ctx,
    );
    const resolve = pairSpecResolver(prep, ctx);
    const evaluated: EvaluatedGroupWeek[] = [];
    for (const group of groups) {
      if (group.name === OTHER_GROUP && group.kind !== "org") folds.add(group.kind);
      for (const figures of group.weeks) {
        if (!wanted.has(figures.week)) continue;
        const pair = { kind: group.kind, name: group.name, week: figures.week };
        evaluated.push({ ...pair, spec: resolve(pair).spec, figures });
      }
    }
    for (const kind of ["team", "repo"] as const) {
      if (groups.some((g) => g.kind === kind && g.name === OTHER_GROUP)) continue;
      // Nothing of this kind folded in these weeks: its "other" is suppressed in each of them,
      // and listed only if the kind folds in another chunk.
      const pairs = chunk.filter((week) => wanted.has(week)).map((week) => ({ kind, name: OTHER_GROUP, week }));
      const other = evaluateGroupWeeks(prep, pairs, options, ctx);
      pending.set(kind, [...(pending.get(kind) ?? []), ...other]);
    }
    await emit(ctx, evaluated);
    chunks += 1;
  }
  const late = [...pending].flatMap(([kind, list]) => (folds.has(kind) ? list : []));
  if (late.length > 0) await emit(storedWeeksState(base.config, base.roster, base.meta).ctx, late);
  return chunks;
}
