import { describe, expect, it } from "vitest";
import { runCliProcess } from "../test-cli.js";

const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe("yardstick worker", () => {
  it("refuses to start on a Redis database index Redis refuses (exit 2 naming REDIS_URL), instead of running jobs in database 0", async () => {
    const run = await runCliProcess(["worker", "--no-digest", "--every", "0"], {
      env: {
        REDIS_URL: `${REDIS_URL}/999`,
        DATABASE_URL: "pglite:memory",
        GITHUB_TOKEN: "unused",
        GITHUB_API_URL: "http://127.0.0.1:9",
        LOG_LEVEL: "silent",
      },
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/REDIS_URL/);
    expect(run.stderr).toMatch(/999/);
  }, 60_000);
});
