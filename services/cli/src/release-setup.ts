import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

/**
 * Vitest global set-up of the project `release`: builds the release (services/cli/build.mjs:
 * dist/lib, dist/migrations, and dist/web when the dashboard is built) once, before the tests
 * that start the `yardstick` command run it through the installed bin with plain node.
 */
export default function setup(): void {
  const cliDir = resolve(import.meta.dirname, "..");
  execFileSync(process.execPath, [join(cliDir, "build.mjs")], { cwd: cliDir, stdio: "inherit" });
}
