/** Small deterministic helpers: a seeded hash to [0, 1) and a uuid-shaped id from a counter. */

/** 32-bit mix (splitmix-style) of a seed and a counter, mapped to [0, 1). */
export function unitHash(seed: number, n: number, salt = 0): number {
  let h = (seed ^ Math.imul(n + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 0x1_0000_0000;
}

function hex8(x: number): string {
  return (x >>> 0).toString(16).padStart(8, "0");
}

/** A version-4-shaped uuid, deterministic in (seed, n). */
export function seededUuid(seed: number, n: number): string {
  const parts = [0, 1, 2, 3].map((i) => hex8(Math.floor(unitHash(seed, n, i + 17) * 0x1_0000_0000)));
  const s = parts.join("");
  const variant = ((Number.parseInt(s[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${variant}${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/** A GitHub-style request id (`XXXX:XXXX:XXXXXX:XXXXXX:XXXXXXXX`), deterministic in (seed, n). */
export function requestId(seed: number, n: number): string {
  const h = (salt: number, len: number) =>
    Math.floor(unitHash(seed, n, salt) * 0x1_0000_0000)
      .toString(16)
      .toUpperCase()
      .padStart(8, "0")
      .slice(0, len);
  return `${h(1, 4)}:${h(2, 4)}:${h(3, 6)}:${h(4, 6)}:${h(5, 8)}`;
}
