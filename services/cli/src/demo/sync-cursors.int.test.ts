import { Writable } from "node:stream";
import { deleteSyncCursor, getSyncCursor } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import { createPipelineDeps, runSyncInline } from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configForWorld } from "./world-config.js";

const silent = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const TOKEN = "cursor-test-token";

/** #17: a stored sync cursor that does not match its stream's schema fails the job that reads it, saying which and how to fix it. */
describe("a malformed sync cursor in PostgreSQL", () => {
  const world = World.from(generateWorld(presetOptions("small", 5)));
  const now = new Date(world.header.now);
  const config = configForWorld(world);
  const first = world.repos()[0];
  if (first === undefined) throw new Error("the world has no repository");
  const repo = `${first.org}/${first.name}`;
  let simulator: Simulator;
  let database: TestDatabase;

  beforeAll(async () => {
    simulator = await startSimulator({ world, tokens: [TOKEN], now: () => now.getTime() });
    database = await createTestDatabase({ backend: "postgres" });
  }, 120_000);
  afterAll(async () => {
    await simulator?.close();
    await database?.drop();
  });

  async function sync(runId: string) {
    const github = createGitHubClient({
      baseUrl: simulator.url,
      auth: { type: "token", token: TOKEN },
      logger: silent,
      throttle: { graphqlMinTimeMs: 0, retryBaseMs: 5, retries: 8 },
    });
    const deps = createPipelineDeps({ db: database.db, github, config, now: () => now });
    return runSyncInline(deps, silent, { runId, repos: [repo] });
  }

  it("fails the sync job at once with an error naming the repository, the stream, the field and the fix", async () => {
    await database.handle.query(
      `insert into sync_cursors (scope, stream, state) values ('${repo}', 'pull_requests', '{"highWaterMark": "last tuesday", "seenAtMark": []}')`,
    );
    const summary = await sync("malformed");
    expect(summary.failed.map((f) => [f.name, f.error.message])).toEqual([
      [
        "sync.pulls",
        `The stored sync cursor of repository ${repo}, stream "pull_requests", is malformed: field "highWaterMark": Invalid ISO datetime. Delete it and the next sync reads that stream again from its start (a re-read: every write is an upsert): delete from sync_cursors where scope = '${repo}' and stream = 'pull_requests';`,
      ],
    ]);
    expect(summary.failed[0]?.error).toMatchObject({ code: "data.sync_cursor", retryable: false });
    const pulls = await database.handle.query<{ n: string | number }>(
      `select count(*) as n from pull_requests where repo = '${repo}'`,
    );
    expect(Number(pulls[0]?.n)).toBe(0);

    // The fix it names: without the cursor the next sync reads the stream again, and stores a well-formed one.
    await deleteSyncCursor(database.db, repo, "pull_requests");
    const again = await sync("after-fix");
    expect(again.failed).toEqual([]);
    const cursor = await getSyncCursor(database.db, repo, "pull_requests");
    expect(cursor?.state.highWaterMark).toBeInstanceOf(Date);
    expect((await getSyncCursor(database.db, repo, "branch"))?.state.head).toMatch(/^[0-9a-f]{40}$/);
  }, 300_000);
});
