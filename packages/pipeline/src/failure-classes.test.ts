import { Writable } from "node:stream";
import { AppError } from "@yardstick/core";
import { DatabaseError } from "@yardstick/db";
import { createLogger } from "@yardstick/log";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InlineRunner } from "./inline-runner.js";
import { type Catalog, classifyFailure, defineJob, isRetryable } from "./job-spec.js";

/** A driver error as drizzle throws it for a refused statement: values in the message and `params`. */
function refusedStatement(sqlState: string, message: string): Error {
  const cause = Object.assign(new Error(message), { code: sqlState, table_name: "pull_requests" });
  return Object.assign(
    new Error(
      'Failed query: insert into "pull_requests" ("repo", "body") values ($1, $2)\nparams: acme/api,secret body',
    ),
    {
      query: 'insert into "pull_requests" ("repo", "body") values ($1, $2)',
      params: ["acme/api", "secret body"],
      cause,
    },
  );
}

const zodFailure = (() => {
  try {
    z.object({ mergedAt: z.date() }).parse({ mergedAt: "not a date" });
  } catch (error) {
    return error;
  }
  throw new Error("zod accepted a bad date");
})();

describe("classifyFailure", () => {
  it.each([
    ["bad stored data (a row failing its schema)", zodFailure, false, "data.invalid"],
    [
      "a value the database refuses (22021)",
      refusedStatement("22021", 'invalid byte sequence for encoding "UTF8": 0x00'),
      false,
      "db.data",
    ],
    [
      "an index row too large (54000)",
      refusedStatement("54000", "index row size 9000 exceeds maximum 2712"),
      false,
      "db.data",
    ],
    [
      "a check constraint (23514)",
      refusedStatement("23514", 'new row violates check constraint "x"'),
      false,
      "db.data",
    ],
    ["a deadlock (40P01)", refusedStatement("40P01", "deadlock detected"), true, "db.failed"],
    [
      "a database shutting down (57P01)",
      refusedStatement("57P01", "terminating connection"),
      true,
      "unavailable.database",
    ],
    ["a GitHub 401", new AppError("github.unauthorized", "401", { retryable: false }), false, "github.unauthorized"],
    ["a GitHub 502", new AppError("github.server_error", "502", { retryable: true }), true, "github.server_error"],
  ] as const)("%s", (_case, error, retryable, code) => {
    const classified = classifyFailure(error);
    expect(isRetryable(error)).toBe(retryable);
    expect((classified as AppError).code).toBe(code);
    expect(JSON.stringify({ m: (classified as Error).message, d: (classified as AppError).details })).not.toContain(
      "secret body",
    );
  });

  it("keeps an unknown error retryable and as it is", () => {
    const error = new Error("socket closed");
    expect(classifyFailure(error)).toBe(error);
    expect(isRetryable(error)).toBe(true);
  });
});

describe("a runner meeting a failure that cannot recover", () => {
  it("runs the job once, logs one line without values, and keeps retrying what can recover", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: "test",
      level: "warn",
      destination: new Writable({
        write: (chunk, _e, cb) => {
          lines.push(String(chunk));
          cb();
        },
      }),
    });
    const catalog = {
      "t.bad-data": defineJob({
        queue: "t",
        payload: z.object({ kind: z.enum(["zod", "db", "flaky"]) }),
        options: { attempts: 8, backoff: { type: "fixed", delay: 1 } },
        jobId: (p) => `t-${p.kind}`,
      }),
    } satisfies Catalog;
    const attempts = new Map<string, number>();
    const runner = new InlineRunner({
      catalog,
      deps: {},
      logger,
      sleep: async () => {},
      processors: {
        "t.bad-data": async (payload) => {
          attempts.set(payload.kind, (attempts.get(payload.kind) ?? 0) + 1);
          if (payload.kind === "zod") throw zodFailure;
          if (payload.kind === "db") throw refusedStatement("22021", 'invalid byte sequence for encoding "UTF8": 0x00');
          throw new Error("connection reset");
        },
      },
    });
    for (const kind of ["zod", "db", "flaky"] as const) await runner.enqueue("t.bad-data", { kind });
    const summary = await runner.drain();
    expect(Object.fromEntries(attempts)).toEqual({ zod: 1, db: 1, flaky: 8 });
    expect(summary.failed.map((f) => f.error)).toEqual([
      expect.objectContaining({ code: "data.invalid" }),
      expect.any(DatabaseError),
      expect.objectContaining({ message: "connection reset" }),
    ]);
    const finalLines = lines.filter((l) => l.includes("failed for good"));
    expect(finalLines).toHaveLength(2);
    expect(lines.join("\n")).not.toContain("secret body");
  });
});
