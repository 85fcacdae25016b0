/**
 * Answers already rendered as JSON (UTF-8 bytes, sent as they are: no re-encoding per request),
 * kept by key under a byte budget, least recently used out first. The read API keys them by the rollup state they were read at (and the query and what
 * the role may see), so a new rollup run makes every older entry unreachable: nothing is served
 * stale, and nothing needs invalidating. One process's memory; each API process has its own.
 */
export class JsonCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  /** `budgetBytes`: most bytes kept (an answer larger than a quarter of it is not kept). */
  constructor(private readonly budgetBytes: number) {}

  get(key: string): Buffer | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Most recently used last (Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: Buffer): void {
    const size = value.length;
    if (size > this.budgetBytes / 4) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.bytes -= old.length;
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}
