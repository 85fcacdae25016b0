import type { Config } from "@yardstick/config";
import { addWeeks, isoWeekOf } from "@yardstick/core";
import { type Database, type RollupStamp, readRollupStamp, readRollupState } from "@yardstick/db";
import type { GroupKind } from "@yardstick/metrics";
import { readStoredMetricsJson } from "@yardstick/pipeline";
import { JsonCache } from "./json-cache.js";

/** One `/metrics` question: inclusive ISO weeks, a kind, one group's name, and what the role may see. */
export interface MetricsAsk {
  from: string;
  to: string;
  group?: GroupKind;
  name?: string;
  admin: boolean;
}

/** What names a rollup run: a new run (or new configuration) gives every answer a new key. */
function stampId(stamp: RollupStamp): string {
  return JSON.stringify([
    stamp.lastRunAt.toISOString(),
    stamp.computedNow.toISOString(),
    stamp.watermark.toISOString(),
    stamp.fingerprint,
  ]);
}

/** The key of an answer: the rollup run it was read at, the question, and the role's view. */
export function answerKey(stamp: RollupStamp, ask: MetricsAsk): string {
  return JSON.stringify([stampId(stamp), ask.from, ask.to, ask.group ?? null, ask.name ?? null, ask.admin]);
}

/**
 * The questions answered ahead of readers after each rollup run: what the dashboard and the
 * reports ask most, and the largest answers (a year of every team is tens of megabytes at the
 * 5,000-engineer size, seconds to read from PostgreSQL). For the last complete week the rollups
 * cover (their last week when none is complete): that week, its 12 weeks (the overview) and its
 * 52 weeks (a year), of every kind, for viewers and for administrators (whose answers name the
 * flagged people). Smallest first, so the quick answers are ready first.
 */
export function preparedAsks(stamp: RollupStamp, timeZone: string): MetricsAsk[] {
  const current = isoWeekOf(stamp.computedNow, timeZone);
  const before = addWeeks(current, -1);
  const last = stamp.toWeek < current ? stamp.toWeek : before >= stamp.fromWeek ? before : stamp.toWeek;
  const asks: MetricsAsk[] = [];
  for (const span of [1, 12, 52]) {
    const first = addWeeks(last, -(span - 1));
    // ISO week names sort as text; no earlier than the rollups' first week.
    const from = [first, stamp.fromWeek].sort()[1] as string;
    for (const group of ["org", "team", "repo"] as const) {
      for (const admin of [false, true]) asks.push({ from, to: last, group, admin });
    }
  }
  return asks;
}

export interface MetricsAnswersOptions {
  db: Database;
  config: Config;
  /** Most bytes of rendered answers kept (0 keeps none and prepares none). */
  cacheBytes: number;
  /** How often to look for a new rollup run to prepare answers for (ms; 0: only when a reader asks). */
  prepareEveryMs: number;
  /** Told when the answers of a rollup run are prepared (tests, benchmarks). */
  onPrepared?: (event: { stamp: RollupStamp; answers: number; ms: number }) => void;
  onError?: (error: unknown, ask: MetricsAsk) => void;
}

/**
 * The `/metrics` answers: rendered once per rollup run and question, kept as bytes, and the common
 * ones prepared as soon as a new rollup run is seen (so the first reader after a run waits no longer
 * than the next). Reads the rollups only: a reader never recomputes, and never waits for a question
 * someone else already asked (concurrent identical questions share one read).
 */
export class MetricsAnswers {
  private readonly cache: JsonCache;
  private readonly reading = new Map<string, Promise<{ body: Buffer; stamp: RollupStamp; key: string }>>();
  private timer: NodeJS.Timeout | undefined;
  private preparedFor: string | null = null;
  private wanted: RollupStamp | null = null;
  private preparing: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: MetricsAnswersOptions) {
    this.cache = new JsonCache(options.cacheBytes);
  }

  /** The answer to `ask` at the current rollup run (its bytes, the run, and the key that names them). */
  async answer(ask: MetricsAsk): Promise<{ body: Buffer; stamp: RollupStamp; key: string; kept: boolean }> {
    const stamp = await readRollupStamp(this.options.db);
    if (stamp !== null) {
      this.notice(stamp);
      const key = answerKey(stamp, ask);
      const kept = this.cache.get(key);
      if (kept !== undefined) return { body: kept, stamp, key, kept: true };
      return { ...(await this.read(key, ask)), kept: false };
    }
    // No rollups: the read says so (NotRolledUpError, the route's 404).
    return { ...(await this.read(null, ask)), kept: false };
  }

  /** Reads one answer from the rollups, once for all who ask it at the same time, and keeps it. */
  private read(key: string | null, ask: MetricsAsk) {
    const running = key === null ? undefined : this.reading.get(key);
    if (running !== undefined) return running;
    const reading = (async () => {
      // The whole state (with the notes the document carries), read once for this answer: it, not
      // the stamp read before, names what was read (a rollup run may have ended in between).
      const state = await readRollupState(this.options.db);
      const { json } = await readStoredMetricsJson(
        { db: this.options.db, config: this.options.config },
        {
          from: ask.from,
          to: ask.to,
          state,
          ...(ask.group === undefined ? {} : { kinds: [ask.group] }),
          ...(ask.name === undefined ? {} : { name: ask.name }),
          viewerIsAdmin: ask.admin,
        },
      );
      // Reached with a state: without one, the read above threw (not rolled up).
      const stamp = state as RollupStamp;
      const readKey = answerKey(stamp, ask);
      const body = Buffer.from(json);
      this.cache.set(readKey, body);
      return { body, stamp, key: readKey };
    })();
    if (key !== null) {
      this.reading.set(key, reading);
      void reading.then(
        () => this.reading.delete(key),
        () => this.reading.delete(key),
      );
    }
    return reading;
  }

  /** Starts looking for new rollup runs every `prepareEveryMs` (and once now). */
  start(): void {
    if (this.options.cacheBytes <= 0 || this.options.prepareEveryMs <= 0 || this.timer !== undefined) return;
    const look = () => {
      readRollupStamp(this.options.db).then(
        (stamp) => {
          if (stamp !== null) this.notice(stamp);
        },
        () => {
          // The database is away: the next look (or the next reader) tries again.
        },
      );
    };
    this.timer = setInterval(look, this.options.prepareEveryMs);
    this.timer.unref();
    look();
  }

  /** Stops looking and waits for a preparation under way to stop between two answers. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.preparing;
    await Promise.allSettled([...this.reading.values()]);
  }

  /** A rollup run was seen: prepare its answers unless done or under way. */
  private notice(stamp: RollupStamp): void {
    if (this.stopped || this.options.cacheBytes <= 0) return;
    const id = stampId(stamp);
    if (id === this.preparedFor || (this.wanted !== null && stampId(this.wanted) === id)) return;
    this.wanted = stamp;
    if (this.preparing === null) {
      this.preparing = this.prepare().finally(() => {
        this.preparing = null;
      });
    }
  }

  private async prepare(): Promise<void> {
    while (this.wanted !== null && !this.stopped) {
      const stamp = this.wanted;
      const id = stampId(stamp);
      const started = performance.now();
      let answers = 0;
      for (const ask of preparedAsks(stamp, this.options.config.timeZone)) {
        // A newer run seen meanwhile: these answers would be unreachable, start over with it.
        if (this.stopped || this.wanted === null || stampId(this.wanted) !== id) break;
        const key = answerKey(stamp, ask);
        if (this.cache.get(key) !== undefined) {
          answers += 1;
          continue;
        }
        try {
          const read = await this.read(key, ask);
          // Read at a newer run than the one being prepared: prepare that one next.
          if (stampId(read.stamp) !== id) this.wanted = read.stamp;
          answers += 1;
        } catch (error) {
          this.options.onError?.(error, ask);
        }
      }
      if (this.wanted !== null && stampId(this.wanted) === id) {
        this.wanted = null;
        this.preparedFor = id;
        this.options.onPrepared?.({ stamp, answers, ms: performance.now() - started });
      }
    }
  }
}
