import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Config, type ConfigInput } from "@yardstick/config";
import { IsoWeek } from "@yardstick/core";
import { z } from "zod";

// What the zero-setup demo leaves behind so that plain `yardstick metrics`, `report` and
// `digest` afterwards read the demo's figures (kept apart from the demo itself, which loads the
// simulator: a production install reads this file without it).

/** The demo's embedded database, relative to the working directory (`yardstick run --data-dir`). */
export const DEMO_DATA_DIR = ".yardstick/demo";
/** The file in the demo's data directory that says what the demo ran with. */
export const DEMO_MARKER_FILE = "yardstick-demo.json";

export const DemoMarker = z.object({
  version: z.literal(1),
  /** The configuration the demo ran with (its organisation, deployment methods, incident label). */
  config: z.record(z.string(), z.unknown()),
  /** The weeks the run reported (its metrics.json): plain commands default to the same. */
  from: IsoWeek,
  to: IsoWeek,
  /** The report's title (it says the data is simulated and where it ends). */
  title: z.string(),
  /** When the run computed its figures (ISO instant). */
  ranAt: z.string(),
});
export type DemoMarker = z.infer<typeof DemoMarker>;

/** Writes the marker into the demo's data directory. */
export function writeDemoMarker(
  dataDir: string,
  marker: Omit<DemoMarker, "version" | "config"> & { config: ConfigInput },
): void {
  const value: DemoMarker = { version: 1, ...marker, config: marker.config as Record<string, unknown> };
  writeFileSync(join(dataDir, DEMO_MARKER_FILE), `${JSON.stringify(value, null, 2)}\n`);
}

/** The demo a working directory holds (`.yardstick/demo` with its marker), or null. */
export function findDemo(cwd: string): { dataDir: string; marker: DemoMarker; config: Config } | null {
  const dataDir = resolve(cwd, DEMO_DATA_DIR);
  const file = join(dataDir, DEMO_MARKER_FILE);
  if (!existsSync(file)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
  const marker = DemoMarker.safeParse(json);
  if (!marker.success) return null;
  const config = Config.safeParse(marker.data.config);
  if (!config.success) return null;
  return { dataDir, marker: marker.data, config: config.data };
}
