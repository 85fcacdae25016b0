import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The integration tests that start the real `yardstick` command as a child process (through
 * services/cli/src/test-cli.ts: `runCliProcess`, `cliEntry`, or the resilience harness's
 * `CliProcess`). The project `release` runs them again against the release build.
 */
function testsStartingTheCommand(): string[] {
  const dir = "services/cli/src";
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".int.test.ts") && !file.includes("node_modules"))
    .map((file) => join(dir, file))
    .filter((file) => /\b(runCliProcess|cliEntry|CliProcess|startWorker)\b/.test(readFileSync(file, "utf8")))
    .sort();
}

// Three projects: fast pure unit tests; integration tests (`*.int.test.ts`) that talk to real
// PostgreSQL, Redis and the GitHub simulator over loopback; and `release`, the integration tests
// that start the `yardstick` command, run once more with the command run from the release build
// (services/cli/bin/yardstick.mjs -> dist, plain node, no tsx), as the image runs it.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          sequence: { groupOrder: 0 },
          include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          // Speed is measured in scripts/bench, not here: a world-sized unit test may take seconds
          // on a loaded 2-core machine without being wrong.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          sequence: { groupOrder: 1 },
          include: ["packages/*/src/**/*.int.test.ts", "services/*/src/**/*.int.test.ts", "scripts/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: "release",
          sequence: { groupOrder: 2 },
          include: testsStartingTheCommand(),
          globalSetup: ["services/cli/src/release-setup.ts"],
          env: { YARDSTICK_TEST_CLI: "built" },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
          maxWorkers: 2,
        },
      },
    ],
  },
});
