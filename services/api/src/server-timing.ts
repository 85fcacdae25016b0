/**
 * What an answer of the read API cost on the server, by part, in the `Server-Timing` response
 * header (W3C Server Timing): `auth;dur=0.1, row;dur=1.9, count;dur=7.4, total;dur=10.2` (ms).
 * Browsers show it in their developer tools beside the request (and expose it to the page's own
 * `PerformanceResourceTiming.serverTiming`, same origin), operators read it with `curl -i`, and
 * the dashboard benchmark splits a drill-down's wait into server time and the rest with it.
 *
 * `total` runs from the request's arrival at the API (before authentication) to its answer
 * serialised (Fastify's onSend): the response's bytes are written after it.
 */
export class ServerTiming {
  private readonly start = process.hrtime.bigint();
  private readonly parts: { name: string; ms: number }[] = [];

  /** Runs `work`, recording its time under `name` (a token: letters, digits, `-`, `_`). */
  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const t0 = process.hrtime.bigint();
    try {
      return await work();
    } finally {
      this.parts.push({ name, ms: msSince(t0) });
    }
  }

  /** The header's value: every part in the order it ran, then `total`. */
  header(): string {
    return [...this.parts, { name: "total", ms: msSince(this.start) }]
      .map((p) => `${p.name};dur=${p.ms.toFixed(1)}`)
      .join(", ");
  }
}

function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Runs `work` timed under `name` when the request carries a timing (the read API's requests do). */
export function timed<T>(timing: ServerTiming | null, name: string, work: () => Promise<T>): Promise<T> {
  return timing === null ? work() : timing.time(name, work);
}
