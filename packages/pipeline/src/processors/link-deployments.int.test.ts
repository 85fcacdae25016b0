import { Config } from "@yardstick/config";
import type { Commit, PullRequest } from "@yardstick/core";
import {
  upsertChanges,
  upsertCommits,
  upsertDeployments,
  upsertPullRequests,
  upsertSyncCursor,
  withKeyedLock,
} from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineDeps } from "../deps.js";
import { processors } from "./index.js";
import { BRANCH_STREAM } from "./sync-branch.js";
import { databaseOnlyDeps, jobContext } from "./test-support.js";

const context = jobContext("link");
const sha = (n: number) => n.toString(16).padStart(40, "0");
const REPO = "acme/api";
const at = (hour: number) => new Date(Date.UTC(2026, 10, 2, hour));
const human = { name: "Alice", email: "alice@example.test", login: "alice", userId: 101, type: "User" as const };

function commit(n: number, parents: number[]): Commit {
  return {
    repo: REPO,
    sha: sha(n),
    message: `Change ${n}`,
    author: human,
    committer: human,
    authoredAt: at(n),
    committedAt: at(n),
    parents: parents.map(sha),
    coAuthors: [],
    additions: 1,
    deletions: 1,
  };
}

function pullRequest(number: number, merge: number): PullRequest {
  return {
    repo: REPO,
    number,
    title: `Change ${number}`,
    body: "",
    author: { login: "alice", userId: 101, type: "User" },
    headRef: `topic-${number}`,
    baseRef: "main",
    labels: [],
    createdAt: at(merge - 1),
    mergedAt: at(merge),
    mergedBy: null,
    mergeMethod: "squash",
    mergeCommitSha: sha(merge),
    additions: 1,
    deletions: 1,
    changedFiles: 1,
    files: [],
    filesComplete: true,
    assignees: [],
    reviewRequests: [],
    reviewers: [],
    reviewsRead: false,
    commitShas: [sha(merge)],
  };
}

/**
 * `link.deployments` is enqueued twice a sync (after attribution, and after the deployment sync),
 * so two runs of one repository can overlap on a fleet. They rewrite the same changes' links from
 * what each read; the one that read first must not commit last over the other's newer links.
 */
describe("link.deployments: overlapping runs of one repository", () => {
  let database: TestDatabase;
  let deps: PipelineDeps;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = Config.parse({
      github: { organizations: [] },
      repositories: [{ match: "acme/*", deployment: { method: "deployments", environment: "^prod" } }],
    });
    deps = databaseOnlyDeps(database.db, config, () => at(20));
    await upsertCommits(database.db, [commit(1, []), commit(2, [1]), commit(3, [2])]);
    await upsertPullRequests(database.db, [pullRequest(7, 2), pullRequest(8, 3)]);
    await upsertChanges(
      database.db,
      [7, 8].map((n) => ({
        key: `${REPO}#${n}`,
        kind: "pull_request" as const,
        repo: REPO,
        prNumber: n,
        sha: sha(n - 5),
        mergedAt: at(n - 5),
      })),
    );
    await upsertSyncCursor(database.db, {
      scope: REPO,
      stream: BRANCH_STREAM,
      state: { newestCommitAt: at(3), head: sha(3) },
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  const links = () =>
    database.handle.query<{ key: string; deployed_at: Date | null }>(
      "select key, deployed_at from changes order by key",
    );

  it("a run that waits for another reads the deployments stored meanwhile (none is lost)", async () => {
    await processors["link.deployments"]({ repo: REPO, runId: "before" }, context, deps);
    expect((await links()).map((r) => r.deployed_at)).toEqual([null, null]);

    // Another run holds the repository's link: this one waits for it...
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const other = withKeyedLock(database.db, "link.deployments", REPO, async () => {
      locked();
      await held;
    });
    await holding;
    const waiting = processors["link.deployments"]({ repo: REPO, runId: "late" }, context, deps);
    for (let i = 0; ; i++) {
      const [row] = await database.handle.query<{ n: string }>(
        "select count(*) as n from pg_locks where locktype = 'advisory' and not granted",
      );
      if (Number(row?.n) > 0) break;
      if (i > 200) throw new Error("the second link run never waited for the first");
      await new Promise((r) => setTimeout(r, 25));
    }
    // ...while the deployment sync stores a production deployment of the head.
    await upsertDeployments(database.db, [
      {
        repo: REPO,
        source: "deployment",
        externalId: "9001",
        environment: "production",
        sha: sha(3),
        ref: "main",
        createdAt: at(4),
        creatorLogin: "alice",
        statuses: [{ state: "success", createdAt: at(5), description: "" }],
      },
    ]);
    release();
    await other;
    await waiting;
    // It read them once the lock was its own: both changes shipped by that deployment.
    expect((await links()).map((r) => (r.deployed_at === null ? null : new Date(r.deployed_at).toISOString()))).toEqual(
      [at(5).toISOString(), at(5).toISOString()],
    );
  });
});
