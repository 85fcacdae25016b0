import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dashboardBuilt } from "@yardstick/api";

/**
 * The dashboard's built bundle: beside the release build's code (dist/web, copied there by
 * build.mjs), else the workspace's services/web/dist (`pnpm --filter @yardstick/web build`).
 */
export const WEB_DIST =
  [fileURLToPath(new URL("../web", import.meta.url)), fileURLToPath(new URL("../../web/dist", import.meta.url))].find(
    (dir) => existsSync(join(dir, "index.html")),
  ) ?? fileURLToPath(new URL("../../web/dist", import.meta.url));

/** One line saying where the dashboard is, or that it is not built and how to build it. */
export function dashboardLine(url: string, root = WEB_DIST): string {
  return dashboardBuilt(root)
    ? `dashboard: ${url}/`
    : `dashboard: not built (${root}/index.html is missing): run \`pnpm --filter @yardstick/web build\` (scripts/test.sh and scripts/run.sh do) and restart; the API under ${url}/api/v1 works without it`;
}
