/**
 * The simulator's clock: real time plus an offset that tests and the admin API can advance.
 * Rate-limit windows, `resetAt` values and live changes all read this clock, so advancing it
 * by an hour resets every primary limit exactly as waiting would.
 */
export class SimClock {
  #offsetMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.realNow() + this.#offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`clock advance: ms must be a non-negative number, e.g. 3600000 (got ${ms})`);
    }
    this.#offsetMs += ms;
    return this.now();
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }
}
