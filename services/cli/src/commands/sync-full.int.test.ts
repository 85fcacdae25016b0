import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getSyncCursor } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { generateWorld, presetOptions, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configInputForWorld } from "../demo/world-config.js";
import { runCliProcess } from "../test-cli.js";

const TOKEN = "sync-full-test-token";

/** Columns that say when a row was read or written, not what GitHub holds: a re-read moves them. */
const READ_TIMES = ["synced_at", "updated_at", "computed_at", "diff_read_at", "created_at_db"];
const TABLES = [
  "pull_requests",
  "pull_request_commits",
  "commits",
  "commit_co_authors",
  "commit_author_identities",
  "changes",
  "attribution_verdicts",
  "deployments",
  "deployment_statuses",
  "deployment_changes",
  "incident_issues",
];

describe("yardstick sync --full", () => {
  let simulator: Simulator;
  let database: TestDatabase;
  let config: string;
  let world: World;
  let repo: string;

  beforeAll(async () => {
    world = World.from(generateWorld(presetOptions("small", 5)));
    // A repository deploying by workflow runs: its REST reads carry ETags, which --full forgets too.
    const chosen = world.repos().find((r) => r.deployMethod.kind === "workflow") ?? world.repos()[0];
    if (chosen === undefined) throw new Error("the world has no repository");
    repo = `${chosen.org}/${chosen.name}`;
    simulator = await startSimulator({ world, tokens: [TOKEN] });
    database = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), "yardstick-sync-full-"));
    config = join(dir, "yardstick.config.json");
    writeFileSync(config, JSON.stringify(configInputForWorld(world)));
  }, 120_000);
  afterAll(async () => {
    await simulator?.close();
    await database?.drop();
  });

  const env = {
    DATABASE_URL: "",
    YARDSTICK_CONFIG: "",
    YARDSTICK_GITHUB_MIN_TIME_MS: "0",
    GITHUB_TOKEN: TOKEN,
    LOG_LEVEL: "silent",
  };
  const run = (args: string[]) =>
    runCliProcess(["sync", ...args], {
      env: { ...env, DATABASE_URL: database.url, YARDSTICK_CONFIG: config, GITHUB_API_URL: simulator.url },
    });

  /** Each table's rows without their read times, as one digest a table. */
  async function stored(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const table of TABLES) {
      const drop = READ_TIMES.map((c) => ` - '${c}'`).join("");
      const [row] = await database.handle.query<{ n: string | number; digest: string | null }>(
        `select count(*) as n, md5(string_agg(r, E'\\n' order by r)) as digest from (select (to_jsonb(t)${drop})::text as r from ${table} t) x`,
      );
      out[table] = `${row?.n} ${row?.digest}`;
    }
    return out;
  }

  it("forgets the repository's sync cursors, reads it again from the backfill start, and stores the same rows", async () => {
    const first = await run(["--repo", repo]);
    expect(first.code, first.stderr).toBe(0);
    const pulls = Number(/(\d+) pull requests/.exec(first.stdout)?.[1]);
    expect(pulls).toBeGreaterThan(0);
    const before = await stored();
    expect(before.changes).not.toMatch(/^0 /);
    const mark = (await getSyncCursor(database.db, repo, "pull_requests"))?.state.highWaterMark;
    expect(mark).toBeInstanceOf(Date);

    // An incremental sync reads no pull request again.
    const again = await run(["--repo", repo]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/, 0 pull requests/);

    const full = await run(["--repo", repo, "--full", repo]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toMatch(
      new RegExp(
        `^${repo}: forgot \\d+ sync cursors \\((.*\\b)?branch\\b.*\\bpull_requests\\b.*\\); reading it from the backfill start$`,
        "m",
      ),
    );
    // Every pull request read again, and nothing stored differs.
    expect(full.stdout).toContain(`, ${pulls} pull requests`);
    expect(await stored()).toEqual(before);
    expect((await getSyncCursor(database.db, repo, "pull_requests"))?.state.highWaterMark).toEqual(mark);
  }, 600_000);

  it("refuses a repository that is not configured, naming --full and the fix (exit 2, nothing forgotten)", async () => {
    const cursors = await database.handle.query("select scope, stream from sync_cursors order by scope, stream");
    const bad = await run(["--full", "elsewhere/nothing"]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/--full/);
    expect(bad.stderr).toMatch(/elsewhere\/nothing is not a configured repository/);
    expect(bad.stderr).toMatch(/github\.organizations.*--repo/);
    const malformed = await run(["--full", "not-a-repo"]);
    expect(malformed.code, malformed.stderr).toBe(2);
    expect(malformed.stderr).toMatch(/--full.*not "owner\/name"/);
    expect(await database.handle.query("select scope, stream from sync_cursors order by scope, stream")).toEqual(
      cursors,
    );
  }, 120_000);
});
