import { Writable } from "node:stream";
import type { Config } from "@yardstick/config";
import type { Database } from "@yardstick/db";
import { createGitHubClient } from "@yardstick/github";
import { createLogger, type Logger } from "@yardstick/log";
import type { Jobs } from "../catalog.js";
import { createPipelineDeps, type PipelineDeps } from "../deps.js";
import type { JobContext } from "../job-spec.js";

/** Tests of processors that read only the database: a logger that writes nothing. */
export const silent: Logger = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

/** A job's context for a processor called directly (what it enqueues is dropped). */
export function jobContext(jobId: string): JobContext<Jobs> {
  return { jobId, attempt: 1, logger: silent, enqueue: async () => {} };
}

/**
 * Pipeline dependencies for processors that read only the database (attribution, linking): the
 * GitHub client points at a closed loopback port, so a request would fail the test, not go out.
 */
export function databaseOnlyDeps(db: Database, config: Config, now: () => Date): PipelineDeps {
  return createPipelineDeps({
    db,
    github: createGitHubClient({
      baseUrl: "http://127.0.0.1:9",
      auth: { type: "token", token: "unused" },
      logger: silent,
    }),
    config,
    now,
  });
}
