import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config, ConfigInput } from "@yardstick/config";
import { InputError } from "@yardstick/core";
import { getSyncCursor, listOrgMemberships, listPeople, usageRecords, weeklyRollups } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { generateWorld, presetOptions, startSimulator, World } from "@yardstick/github-sim";
import { createPipelineDeps, type JobContext, type Jobs, personIdFor, processors } from "@yardstick/pipeline";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturingLogger } from "../test-cli.js";
import { syncWorldForTest, testGitHubClient } from "./sync-world.js";
import { configForWorld } from "./world-config.js";

/**
 * The configuration's data files drive what is stored: `teams.source: file` (the team rollups'
 * groups are the mapping file's teams, filtered by `teams.include`), `roster.source: file` (the
 * roster is the listed logins). Through the real discovery against the simulator over HTTP.
 */
const TOKEN = "data-files-token";
const world = World.from(generateWorld(presetOptions("small", 5)));
const org = world.orgs()[0]?.login ?? "acme";
const humans = world.orgMembers(org).filter((u) => u.kind === "human");
const now = new Date(world.header.now);
const idOf = (login: string) => {
  const user = humans.find((u) => u.login === login);
  return personIdFor(login, user?.id ?? null);
};
// Two large teams (above the minimum group size) and one left out by `teams.include`.
const half = Math.floor(humans.length / 2);
const platform = humans.slice(0, half).map((u) => u.login);
const mobile = humans.slice(half).map((u) => u.login);
const mapping = { north: [...platform, "not-a-member"], south: mobile, "left-out": platform.slice(0, 3) };

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), "datafiles-"));
});
afterAll(async () => {
  await t?.drop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function config(overrides: Partial<ConfigInput>): Config {
  return configForWorld(world, overrides);
}

interface LogLine {
  level: number;
  msg: string;
  logins?: string[];
}

/** Discovery alone (the organisation's and its roster's jobs), with what the roster job logged. */
async function discover(cfg: Config, runId: string): Promise<{ lines: LogLine[]; error: unknown }> {
  const lines: LogLine[] = [];
  const logger = capturingLogger(lines);
  const sim = await startSimulator({ world, tokens: [TOKEN] });
  try {
    const deps = createPipelineDeps({
      db: t.db,
      github: testGitHubClient(sim.url, TOKEN),
      config: cfg,
      now: () => now,
    });
    const context: JobContext<Jobs> = { jobId: runId, attempt: 1, logger, enqueue: async () => {} };
    await processors["discover.org"]({ org, runId }, context, deps);
    try {
      await processors["discover.roster"]({ org, runId }, context, deps);
      return { lines, error: null };
    } catch (error) {
      return { lines, error };
    }
  } finally {
    await sim.close();
  }
}

async function teamsOfPeople(): Promise<Map<string, string[]>> {
  return new Map((await listPeople(t.db)).map((p) => [p.id, [...p.teams].sort()]));
}

describe("teams.source: file", () => {
  it("makes the team rollups' groups the mapping file's teams, only those teams.include names", async () => {
    const file = join(dir, "teams.yaml");
    await writeFile(
      file,
      `${Object.entries(mapping)
        .map(([slug, logins]) => `${slug}: [${logins.join(", ")}]`)
        .join("\n")}\n`,
    );
    const cfg = config({ teams: { source: "file", file, include: ["north", "south"] } });
    const { summary } = await syncWorldForTest({
      world,
      db: t.db,
      config: cfg,
      token: TOKEN,
      now,
      runId: "teams-file",
    });
    expect(summary.failed).toEqual([]);

    const teamRows = await t.db.select().from(weeklyRollups).where(eq(weeklyRollups.groupKind, "team"));
    expect(teamRows.length).toBeGreaterThan(0);
    // The file's included teams (and the "other" fold of suppressed weeks, if any), none of GitHub's.
    const names = new Set(teamRows.map((r) => r.groupName));
    expect(names.has("north")).toBe(true);
    expect(names.has("south")).toBe(true);
    expect(names.has("left-out")).toBe(false);
    for (const team of world.teams(org)) expect(names.has(team.slug), team.slug).toBe(false);

    const teams = await teamsOfPeople();
    expect(teams.get(idOf(platform[0] ?? ""))).toEqual(["north"]);
    expect(teams.get(idOf(mobile[0] ?? ""))).toEqual(["south"]);
    // The login the roster lacks is not made a person.
    expect(teams.has("login:not-a-member")).toBe(false);

    // Edited, the file applies at the next sync: a team gone from it is no longer a group.
    await writeFile(file, `north: [${[...platform, ...mobile].join(", ")}]\n`);
    const again = await syncWorldForTest({ world, db: t.db, config: cfg, token: TOKEN, now, runId: "teams-file-2" });
    expect(again.summary.failed).toEqual([]);
    const after = new Set(
      (await t.db.select().from(weeklyRollups).where(eq(weeklyRollups.groupKind, "team"))).map((r) => r.groupName),
    );
    expect(after.has("north")).toBe(true);
    expect(after.has("south")).toBe(false);
  }, 300_000);

  it("reads the file at each run, names logins it skips, and a malformed file fails the roster job keeping the stored roster", async () => {
    const file = join(dir, "teams-edit.json");
    await writeFile(file, JSON.stringify({ platform: [...platform, "not-a-member"], mobile }));
    const cfg = config({ teams: { source: "file", file } });
    const first = await discover(cfg, "edit-1");
    expect(first.error).toBeNull();
    const warning = first.lines.find((l) => l.logins !== undefined);
    expect(warning?.logins).toEqual(["not-a-member"]);
    // ... and in the roster mark, which the status route shows.
    expect((await getSyncCursor(t.db, org.toLowerCase(), "roster"))?.state.leftOut).toEqual(["not-a-member"]);

    // An edit applies at the next run: mobile is gone, its members are in no team.
    await writeFile(file, JSON.stringify({ platform }));
    expect((await discover(cfg, "edit-2")).error).toBeNull();
    let teams = await teamsOfPeople();
    expect(teams.get(idOf(platform[0] ?? ""))).toEqual(["platform"]);
    expect(teams.get(idOf(mobile[0] ?? ""))).toEqual([]);

    // A malformed file: the roster job fails with the InputError naming the file, line and field;
    // the roster as stored stays, and the run's roster is marked failed (attribution stops waiting).
    await writeFile(file, `{\n  "platform": ["${platform[0]}"],\n  "mobile": "${mobile[0]}"\n}\n`);
    const failed = await discover(cfg, "edit-3");
    expect(failed.error).toBeInstanceOf(InputError);
    const message = (failed.error as Error).message;
    expect(message).toContain(file);
    expect(message).toMatch(/mobile/);
    expect(message).toMatch(/line 3/);
    teams = await teamsOfPeople();
    expect(teams.get(idOf(platform[0] ?? ""))).toEqual(["platform"]);
    expect(teams.get(idOf(platform[1] ?? ""))).toEqual(["platform"]);
    const mark = await getSyncCursor(t.db, org.toLowerCase(), "roster");
    expect(mark?.state).toMatchObject({ runId: "edit-3", status: "failed" });
  }, 120_000);
});

describe("teams.include with GitHub teams", () => {
  it("keeps only the named GitHub teams (the others' memberships are dropped)", async () => {
    const [kept, ...others] = world.teams(org);
    expect(kept).toBeDefined();
    expect(others.length).toBeGreaterThan(0);
    expect((await discover(config({}), "github-all")).error).toBeNull();
    const all = new Set([...(await teamsOfPeople()).values()].flat());
    for (const team of world.teams(org)) expect(all.has(team.slug), team.slug).toBe(true);

    expect((await discover(config({ teams: { include: [kept?.slug ?? ""] } }), "github-include")).error).toBeNull();
    const only = new Set([...(await teamsOfPeople()).values()].flat());
    expect([...only]).toEqual([kept?.slug]);
  }, 120_000);
});

describe("roster.source: file", () => {
  it("makes the roster the listed logins that are members, read again at each run", async () => {
    const file = join(dir, "roster.yaml");
    const listed = humans.slice(0, 5).map((u) => u.login);
    await writeFile(file, `${[...listed, "not-a-member"].map((l) => `- ${l}`).join("\n")}\n`);
    const cfg = config({ roster: { source: "file", file } });
    const run = await discover(cfg, "roster-file-1");
    expect(run.error).toBeNull();
    expect(run.lines.find((l) => l.logins !== undefined)?.logins).toEqual(["not-a-member"]);
    const open = async () =>
      (await listOrgMemberships(t.db, org))
        .filter((m) => m.leftAt === null)
        .map((m) => m.personId)
        .sort();
    expect(await open()).toEqual(listed.map(idOf).sort());
    // Team memberships (GitHub teams here) only of the people on the roster.
    const inTeams = [...(await teamsOfPeople()).entries()].filter(([, teams]) => teams.length > 0).map(([id]) => id);
    for (const id of inTeams) expect(listed.map(idOf)).toContain(id);

    // An edit applies at the next run (here the configuration names a JSON file instead).
    const json = join(dir, "roster.json");
    await writeFile(json, JSON.stringify(listed.slice(0, 2)));
    expect((await discover(config({ roster: { source: "file", file: json } }), "roster-file-2")).error).toBeNull();
    expect(await open()).toEqual(listed.slice(0, 2).map(idOf).sort());

    // A file naming none of the members: nobody of the organisation is on the roster.
    await writeFile(json, JSON.stringify(["not-a-member"]));
    expect((await discover(config({ roster: { source: "file", file: json } }), "roster-file-none")).error).toBeNull();
    expect(await open()).toEqual([]);
    await writeFile(json, JSON.stringify(listed.slice(0, 2)));
    expect((await discover(config({ roster: { source: "file", file: json } }), "roster-file-back")).error).toBeNull();
    expect(await open()).toEqual(listed.slice(0, 2).map(idOf).sort());

    // A malformed roster file fails like a malformed teams file, and the roster stays.
    await writeFile(json, JSON.stringify({ people: listed }));
    const failed = await discover(config({ roster: { source: "file", file: json } }), "roster-file-3");
    expect(failed.error).toBeInstanceOf(InputError);
    expect((failed.error as Error).message).toContain(json);
    expect(await open()).toEqual(listed.slice(0, 2).map(idOf).sort());
  }, 120_000);
});

describe("usage.sources", () => {
  it("imports the exports on each sync run, once: a second sync changes nothing; a bad export names its key", async () => {
    const day = new Date(now.getTime() - 3 * 86_400_000).toISOString().slice(0, 10);
    const csv = join(dir, "usage.csv");
    await writeFile(
      csv,
      `login,day,tool,tokens_in,tokens_out,cost_usd\n${humans[0]?.login},${day},claude-code,1000,200,1.5\n${humans[1]?.login},${day},copilot,50,10,\n`,
    );
    const cfg = config({ usage: { sources: [{ path: csv, format: "auto" }] } });
    const sync = (runId: string) => syncWorldForTest({ world, db: t.db, config: cfg, token: TOKEN, now, runId });
    expect((await sync("usage-1")).summary.failed).toEqual([]);
    const first = await t.db.select().from(usageRecords);
    expect(first.map((r) => [r.personId, r.tool, r.tokensIn]).sort()).toEqual(
      [
        [idOf(humans[0]?.login ?? ""), "claude-code", 1000],
        [idOf(humans[1]?.login ?? ""), "copilot", 50],
      ].sort(),
    );
    expect((await sync("usage-2")).summary.failed).toEqual([]);
    const second = await t.db.select().from(usageRecords);
    expect(second).toEqual(first); // the same rows, not rewritten (importedAt unchanged)

    // A second export with a bad row and an unreadable one: the good rows are imported, and the
    // run's usage.import fails naming the keys.
    const bad = join(dir, "bad.csv");
    await writeFile(
      bad,
      `login,day,tool,tokens_in\n${humans[2]?.login},${day},cursor,7\n${humans[3]?.login},not-a-day,cursor,8\n`,
    );
    const failing = config({
      usage: {
        sources: [
          { path: csv, format: "auto" },
          { path: bad, format: "csv" },
          { path: join(dir, "gone.json"), format: "json" },
        ],
      },
    });
    const run = await syncWorldForTest({ world, db: t.db, config: failing, token: TOKEN, now, runId: "usage-3" });
    expect(run.summary.failed.map((f) => f.name)).toEqual(["usage.import"]);
    const message = run.summary.failed[0]?.error.message ?? "";
    expect(message).toContain("usage.sources[1].path");
    expect(message).toContain("usage.sources[2].path");
    expect(message).not.toContain("usage.sources[0].path");
    expect(message).toContain(bad);
    const third = await t.db.select().from(usageRecords);
    expect(third.map((r) => r.tool).sort()).toEqual(["claude-code", "copilot", "cursor"]);
  }, 300_000);
});
