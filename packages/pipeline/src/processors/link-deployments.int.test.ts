import { Config } from "@yardstick/config";
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
import { commit, databaseOnlyDeps, jobContext, pullRequest, sha } from "./test-support.js";

const context = jobContext("link");
const REPO = "acme/api";
const at = (hour: number) => new Date(Date.UTC(2026, 10, 2, hour));
/** Commit `n` on main, committed at hour `n`. */
const mainCommit = (n: number, parents: number[]) =>
  commit(REPO, n, { parents: parents.map(sha), authoredAt: at(n), committedAt: at(n) });
/** Pull request `number`, squash-merged as commit `merge` at hour `merge`. */
const merged = (number: number, merge: number) =>
  pullRequest(REPO, number, {
    createdAt: at(merge - 1),
    mergedAt: at(merge),
    mergeCommitSha: sha(merge),
    commitShas: [sha(merge)],
  });

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
    await upsertCommits(database.db, [mainCommit(1, []), mainCommit(2, [1]), mainCommit(3, [2])]);
    await upsertPullRequests(database.db, [merged(7, 2), merged(8, 3)]);
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
