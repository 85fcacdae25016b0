import { InputError, weekRange } from "@yardstick/core";
import { listRollupRows, listRollupSeriesText, type RollupStateRow, readRollupState } from "@yardstick/db";
import {
  type GroupKind,
  type MetricsOutput,
  MetricsReportNotes,
  metricsFromRollups,
  metricsJsonFromRollups,
  type WeekFigures,
} from "@yardstick/metrics";
import type { RollupDeps } from "./deps.js";
import { rollupWeeks } from "./processors/recompute-rollups.js";

/**
 * The read model: every figure a reader shows (CLI `metrics`, `report`, `digest`, `run`, the
 * digest job and the API) comes from the stored weekly rollups through here. A reader that may
 * write (a command, a job) first brings the rollups of its weeks up to date (`refresh`: the
 * incremental rollup, which writes nothing when nothing changed); the API never does, and shows
 * the rollups' freshness instead (`RollupFreshness`).
 */
export interface ReadMetricsOptions {
  /** Inclusive ISO weeks. */
  from: string;
  to: string;
  kinds?: readonly GroupKind[];
  /** One group's name (with one kind). */
  name?: string;
  viewerIsAdmin?: boolean;
  /** Bring the rollups of these weeks up to date first (commands and jobs; never the API). */
  refresh?: boolean;
}

/** What readers are told about the rollups behind the figures. */
export interface RollupFreshness {
  /** The weeks the rollups cover. */
  from: string;
  to: string;
  /** When the last rollup ran, and the `now` its figures were computed at (provisional weeks). */
  lastRunAt: string;
  computedAt: string;
  /** Stored data up to this database time is in the figures. */
  watermark: string;
  fingerprint: string;
  lastMode: string;
  lastFullAt: string;
  /** When the notes (computed by full recomputes only) were computed. */
  notesAt: string;
}

export function freshnessOf(state: RollupStateRow): RollupFreshness {
  return {
    from: state.fromWeek,
    to: state.toWeek,
    lastRunAt: state.lastRunAt.toISOString(),
    computedAt: state.computedNow.toISOString(),
    watermark: state.watermark.toISOString(),
    fingerprint: state.fingerprint,
    lastMode: state.lastMode,
    lastFullAt: state.lastFullAt.toISOString(),
    notesAt: state.notesAt.toISOString(),
  };
}

/** Raised when the rollups do not cover the weeks asked for (the API answers 404 with it). */
export class NotRolledUpError extends InputError {
  constructor(from: string, to: string, state: RollupStateRow | null) {
    super("input.not_rolled_up", "weeks not rolled up", [
      {
        path: "from/to",
        message:
          state === null
            ? "no rollups yet: run `yardstick sync` (or `yardstick worker`) first"
            : `${from}..${to} is outside the rolled-up weeks ${state.fromWeek}..${state.toWeek}`,
        example: state === null ? "yardstick sync" : `from=${state.fromWeek}&to=${state.toWeek}`,
      },
    ]);
  }
}

/** The metrics document of `from`..`to` from the rollups (after bringing them up to date with `refresh`). */
export async function readMetrics(
  deps: RollupDeps,
  options: ReadMetricsOptions,
): Promise<{ output: MetricsOutput; freshness: RollupFreshness }> {
  if (options.refresh === true) await rollupWeeks(deps, weekRange(options.from, options.to));
  return readStoredMetrics(deps, options);
}

/** The rollup state, when it covers `from`..`to` (else {@link NotRolledUpError}). */
async function coveringState(
  deps: Pick<RollupDeps, "db">,
  options: Pick<ReadMetricsOptions, "from" | "to"> & { state?: RollupStateRow | null },
): Promise<RollupStateRow> {
  // A caller that already read the state (to key a cache by it) passes it: one state per answer.
  const state = options.state !== undefined ? options.state : await readRollupState(deps.db);
  if (state === null || options.from < state.fromWeek || options.to > state.toWeek) {
    throw new NotRolledUpError(options.from, options.to, state);
  }
  return state;
}

function notesOfState(state: RollupStateRow, timeZone: string): MetricsReportNotes {
  const notes = MetricsReportNotes.safeParse(state.notes);
  return notes.success ? notes.data : emptyNotes(timeZone);
}

/** The metrics document of `from`..`to` as stored: reads only (the API). */
export async function readStoredMetrics(
  deps: Pick<RollupDeps, "db" | "config">,
  options: Omit<ReadMetricsOptions, "refresh">,
): Promise<{ output: MetricsOutput; freshness: RollupFreshness }> {
  const weeks = weekRange(options.from, options.to);
  const state = await coveringState(deps, options);
  const rows = await listRollupRows(deps.db, {
    fromWeek: options.from,
    toWeek: options.to,
    ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
  });
  const output = metricsFromRollups(
    weeks,
    rows.map((r) => ({
      kind: r.groupKind,
      name: r.groupName,
      week: r.week,
      suppressed: r.suppressed,
      figures: r.figures as unknown as WeekFigures,
    })),
    notesOfState(state, deps.config.timeZone),
    {
      ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
      viewerIsAdmin: options.viewerIsAdmin ?? false,
    },
  );
  // One group: filtered after assembly (whether "other" is listed depends on its kind's groups).
  if (options.name !== undefined) output.groups = output.groups.filter((g) => g.name === options.name);
  return { output, freshness: freshnessOf(state) };
}

/**
 * {@link readStoredMetrics} as JSON text, spliced from the figures' stored text without parsing
 * it (the API's `/metrics`: a year of every team is tens of megabytes of figures). `JSON.parse` of
 * `json` equals `readStoredMetrics`'s `output`.
 */
export async function readStoredMetricsJson(
  deps: Pick<RollupDeps, "db" | "config">,
  options: Omit<ReadMetricsOptions, "refresh"> & { state?: RollupStateRow | null },
): Promise<{ json: string; freshness: RollupFreshness }> {
  const weeks = weekRange(options.from, options.to);
  const state = await coveringState(deps, options);
  const series = await listRollupSeriesText(deps.db, {
    fromWeek: options.from,
    toWeek: options.to,
    viewerIsAdmin: options.viewerIsAdmin ?? false,
    ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
  });
  const json = metricsJsonFromRollups(
    weeks,
    series.map((s) => ({
      kind: s.groupKind,
      name: s.groupName,
      weeks: s.weeks,
      anySuppressed: s.anySuppressed,
      payload: s.figures,
    })),
    notesOfState(state, deps.config.timeZone),
    {
      ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
      ...(options.name === undefined ? {} : { name: options.name }),
    },
  );
  return { json, freshness: freshnessOf(state) };
}

function emptyNotes(timeZone: string): MetricsReportNotes {
  return {
    timeZone,
    reposWithoutDeploymentSignal: [],
    offBranchDeployments: [],
    changesNotOnBranch: [],
    mergedNotDeployed: 0,
  };
}
