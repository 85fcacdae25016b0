/**
 * An append-only store of JSON records kept as UTF-8 bytes in large off-heap Buffers, with
 * their positions in typed arrays. A million pull requests as JS objects cost several GiB of
 * V8 heap; as bytes they cost their JSON size and one parse per read. Replacing a record
 * appends the new version and repoints its slot (the old bytes stay; live changes are few).
 */
const CHUNK_BYTES = 32 * 1024 * 1024;

export class PackedStore<T> {
  private chunks: Buffer[] = [];
  private used = CHUNK_BYTES;
  private chunkOf: Uint32Array = new Uint32Array(1024);
  private offsetOf: Uint32Array = new Uint32Array(1024);
  private lengthOf: Uint32Array = new Uint32Array(1024);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Bytes held (for memory reports). */
  get bytes(): number {
    return this.chunks.reduce((sum, c) => sum + c.length, 0);
  }

  /** Appends a record and returns its slot. `json`, when given, must be `value` serialised. */
  push(value: T, json?: string): number {
    const slot = this.n;
    this.grow(slot + 1);
    this.n += 1;
    this.write(slot, json ?? JSON.stringify(value));
    return slot;
  }

  /** Replaces the record in `slot`. */
  set(slot: number, value: T, json?: string): void {
    if (slot < 0 || slot >= this.n) throw new RangeError(`no record in slot ${slot}`);
    this.write(slot, json ?? JSON.stringify(value));
  }

  get(slot: number): T {
    if (slot < 0 || slot >= this.n) throw new RangeError(`no record in slot ${slot}`);
    const chunk = this.chunks[this.chunkOf[slot] ?? 0];
    if (chunk === undefined) throw new RangeError(`no record in slot ${slot}`);
    const start = this.offsetOf[slot] ?? 0;
    return JSON.parse(chunk.toString("utf8", start, start + (this.lengthOf[slot] ?? 0))) as T;
  }

  private write(slot: number, json: string): void {
    const length = Buffer.byteLength(json);
    if (this.used + length > (this.chunks.at(-1)?.length ?? 0)) {
      this.chunks.push(Buffer.allocUnsafe(Math.max(CHUNK_BYTES, length)));
      this.used = 0;
    }
    const chunk = this.chunks.at(-1) as Buffer;
    chunk.write(json, this.used, "utf8");
    this.chunkOf[slot] = this.chunks.length - 1;
    this.offsetOf[slot] = this.used;
    this.lengthOf[slot] = length;
    this.used += length;
  }

  private grow(needed: number): void {
    if (needed <= this.chunkOf.length) return;
    const size = Math.max(needed, this.chunkOf.length * 2);
    this.chunkOf = growTo(this.chunkOf, size);
    this.offsetOf = growTo(this.offsetOf, size);
    this.lengthOf = growTo(this.lengthOf, size);
  }
}

function growTo(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}

/** A growable Int32Array. */
export class IntList {
  private a: Int32Array;
  private n = 0;
  constructor(capacity = 16) {
    this.a = new Int32Array(capacity);
  }
  get length(): number {
    return this.n;
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  get(i: number): number {
    return i >= 0 && i < this.n ? (this.a[i] ?? -1) : -1;
  }
  set(i: number, v: number): void {
    if (i >= this.n) {
      while (this.n <= i) this.push(-1);
    }
    this.a[i] = v;
  }
}
