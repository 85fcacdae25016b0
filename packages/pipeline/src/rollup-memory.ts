import type { RollupState } from "@yardstick/metrics";

/**
 * The rollup state a long-lived process (the worker) keeps between `rollups.recompute` runs: the
 * prepared facts of everything stored and the evaluation caches, as of `watermark`. With it, a
 * run loads only the repositories with rows stored since then and brings the facts up to date
 * (`updatePrepared`) instead of reading and preparing a 13-week window of every repository
 * again. The CLI's one-off runs keep nothing.
 */
export interface KeptRollup {
  state: RollupState;
  /** `rollupFingerprint` the state was prepared under: another one drops it. */
  fingerprint: string;
  /** Database time up to which stored rows are in the state (see `changeHorizon`). */
  watermark: Date;
  /** `deps.now()` of the run that last updated it. */
  now: Date;
  /** Branch heads it read. */
  heads: ReadonlyMap<string, string | null>;
}

export interface RollupMemoryOptions {
  /**
   * Persist the kept state in PostgreSQL (`rollup_kept`, `rollup_kept_facts`; default true): a
   * restarted process restores it (validated by fingerprint, count and checksum) and brings it up
   * to date from its data stamp instead of loading and preparing every stored row again.
   */
  persist?: boolean;
  /**
   * Hold only the facts an update can touch (default: when persisting): the weeks from
   * `hotFromWeek` on and each environment's deployments back to its last success; older weeks are
   * read from `rollup_kept_facts` when a run needs them and dropped after (packages/metrics
   * bounded.ts). Without persisting there is nowhere to read them from, so everything is held.
   */
  bounded?: boolean;
  /**
   * A bounded process builds its state (its first build, a rebuild) in parts (issue 18;
   * packages/metrics build.ts): the facts of this many repositories at a time (default 25), then
   * the figures of this many weeks at a time from the stored facts (default 8). Usage is read and
   * its facts stored `buildUsageWeeks` whole ISO weeks at a time (default 8).
   */
  buildBatchRepos?: number;
  buildChunkWeeks?: number;
  buildUsageWeeks?: number;
}

export class RollupMemory {
  kept: KeptRollup | null = null;
  readonly persist: boolean;
  readonly bounded: boolean;
  /**
   * The generation of the stored state `kept` matches (null: none, or unknown): an update saves
   * just what it changed over that generation, and stops saving when another process saved since.
   */
  generation: number | null = null;
  /**
   * The watermark of the state this process last saved or restored: a bounded state reads facts it
   * dropped from a stored state at least that current (its own, or another process's newer one).
   */
  savedWatermark: Date | null = null;
  readonly buildBatchRepos: number;
  readonly buildChunkWeeks: number;
  readonly buildUsageWeeks: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: RollupMemoryOptions = {}) {
    this.persist = options.persist ?? true;
    this.bounded = this.persist && (options.bounded ?? true);
    this.buildBatchRepos = options.buildBatchRepos ?? 25;
    this.buildChunkWeeks = options.buildChunkWeeks ?? 8;
    this.buildUsageWeeks = options.buildUsageWeeks ?? 8;
  }

  /** Runs `work` after every earlier call has settled: one rollup at a time updates the kept state. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
