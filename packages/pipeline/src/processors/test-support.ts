import { Writable } from "node:stream";
import type { Config } from "@yardstick/config";
import type { Commit, PullRequest } from "@yardstick/core";
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

/** The sha of fixture commit `n`: `n` in hex, 40 digits. */
export const sha = (n: number) => n.toString(16).padStart(40, "0");

const FIXTURE_AT = new Date("2026-11-02T10:00:00Z");
const FIXTURE_HUMAN = {
  name: "Alice",
  email: "alice@example.test",
  login: "alice",
  userId: 101,
  type: "User" as const,
};

/** Commit `sha(n)` of `repo` for a processor's test: by alice, no parents, no co-authors, unless `fields` say otherwise. */
export function commit(repo: string, n: number, fields: Partial<Commit> = {}): Commit {
  return {
    repo,
    sha: sha(n),
    message: `Change ${n}`,
    author: FIXTURE_HUMAN,
    committer: FIXTURE_HUMAN,
    authoredAt: FIXTURE_AT,
    committedAt: FIXTURE_AT,
    parents: [],
    coAuthors: [],
    additions: 1,
    deletions: 1,
    ...fields,
  };
}

/**
 * Pull request `number` of `repo` for a processor's test: alice's, squash-merged an hour after it
 * was opened, no commits, unless `fields` say otherwise.
 */
export function pullRequest(repo: string, number: number, fields: Partial<PullRequest> = {}): PullRequest {
  const createdAt = fields.createdAt ?? FIXTURE_AT;
  return {
    repo,
    number,
    title: `Change ${number}`,
    body: "",
    author: { login: "alice", userId: 101, type: "User" },
    headRef: `topic-${number}`,
    baseRef: "main",
    labels: [],
    createdAt,
    mergedAt: new Date(createdAt.getTime() + 3_600_000),
    mergedBy: null,
    mergeMethod: "squash",
    mergeCommitSha: null,
    additions: 1,
    deletions: 1,
    changedFiles: 1,
    files: [],
    filesComplete: true,
    assignees: [],
    reviewRequests: [],
    reviewers: [],
    reviewsRead: false,
    commitShas: [],
    ...fields,
  };
}
