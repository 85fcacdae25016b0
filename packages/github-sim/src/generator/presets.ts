import type { GenerateOptions } from "./generate.js";

/** Named world sizes. `large` aims at 1,000,000 merged pull requests. */
export const PRESETS = {
  /** For tests: seconds to generate. */
  small: { engineers: 30, teams: 3, repositories: 6, weeks: 8, incidentRate: 0.03 },
  /** The zero-setup demo. */
  demo: { engineers: 300, teams: 12, repositories: 40, weeks: 26, incidentRate: 0.03 },
  /** A 1,000,000-merged-PR world for benchmarks. */
  large: {
    engineers: 5000,
    teams: 150,
    repositories: 600,
    weeks: 104,
    mergedPullRequests: 1_000_000,
    incidentRate: 0.03,
  },
} as const satisfies Record<string, Omit<GenerateOptions, "seed">>;

export type PresetName = keyof typeof PRESETS;

/**
 * Options for `--generate SIZE`: a preset name (`small`, `demo`, `medium` = demo, `large`), or a
 * number of merged pull requests to aim at (a world scaled around it).
 */
export function presetOptions(size: string, seed: number, now?: string): GenerateOptions {
  const name = size === "medium" ? "demo" : size;
  if (name in PRESETS) return { ...PRESETS[name as PresetName], seed, ...(now ? { now } : {}) };
  if (/^\d+$/.test(size)) {
    const prs = Number(size);
    const engineers = Math.max(6, Math.min(5000, Math.round(prs / 200)));
    return {
      seed,
      engineers,
      teams: Math.max(1, Math.round(engineers / 30)),
      repositories: Math.max(5, Math.round(engineers / 8)),
      weeks: 52,
      mergedPullRequests: prs,
      ...(now ? { now } : {}),
    };
  }
  throw new Error(
    `world size "${size}" is not one of small, demo, medium, large or a number of pull requests (e.g. 50000)`,
  );
}
