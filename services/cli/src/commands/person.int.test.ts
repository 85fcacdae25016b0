import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attributionVerdicts, commits, type Database, pullRequests, usageRecords } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import type { Simulator } from "@yardstick/github-sim";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CliProcess,
  inlineSync,
  obliteratePrefix,
  REDIS_URL,
  simulate,
  smallWorld,
  uniquePrefix,
  writeConfigFile,
} from "../resilience/harness.js";
import { runCliProcess } from "../test-cli.js";

/**
 * `yardstick person export|forget` and `yardstick privacy enforce` as child processes against a
 * real PostgreSQL database holding an inline sync of a small simulated organisation.
 */
const world = smallWorld(21);
let sim: Simulator;
let db: TestDatabase;
let configFile: Awaited<ReturnType<typeof writeConfigFile>>;
let dir = "";

const env = (configPath = configFile.path) => ({
  DATABASE_URL: db.url,
  YARDSTICK_CONFIG: configPath,
  LOG_LEVEL: "silent",
  HOME: process.env.HOME ?? "",
});
const cli = (args: string[], configPath?: string) => runCliProcess(args, { env: env(configPath) });

async function rowsOf<T>(d: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await d.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** Every row of every table, as text (what "nowhere in the database" is checked against). */
async function everything(d: Database, except: readonly string[] = []): Promise<string> {
  const tables = await rowsOf<{ table_name: string }>(
    d,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  let all = "";
  for (const { table_name } of tables) {
    if (except.includes(table_name)) continue;
    const rows = await rowsOf<{ t: string }>(
      d,
      sql`select t::text as t from ${sql.identifier(table_name)} t order by 1`,
    );
    all += `${table_name}\n${rows.map((r) => r.t).join("\n")}\n`;
  }
  return all;
}

/** The figures `yardstick metrics` prints for the world's weeks (no admin: integrity flags as counts). */
async function figures(admin?: { configPath: string; as: string }): Promise<unknown> {
  const from = world.header.start.slice(0, 10);
  const to = world.header.now.slice(0, 10);
  const run = await cli(
    ["metrics", "--from", from, "--to", to, "--format", "json", ...(admin ? ["--as", admin.as] : [])],
    admin?.configPath,
  );
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

const wordIn = (text: string, value: string) =>
  new RegExp(`(^|[^\\p{L}\\p{N}_])${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}\\p{N}_])`, "iu").test(
    text,
  );

beforeAll(async () => {
  sim = await simulate(world);
  db = await createTestDatabase();
  configFile = await writeConfigFile(world);
  dir = mkdtempSync(join(tmpdir(), "yardstick-person-"));
  const summary = await inlineSync(db.db, sim, configFile.config, "person");
  expect(summary.failed).toEqual([]);
}, 180_000);

afterAll(async () => {
  await db?.drop();
  await sim?.close();
  configFile?.remove();
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

/** The rostered person credited with the most changes, with a name and commit emails. */
async function pickPerson(): Promise<{ login: string; personId: string; name: string; emails: string[] }> {
  const [top] = await rowsOf<{ login: string; person_id: string; name: string }>(
    db.db,
    sql`select i.value as login, p.id as person_id, p.display_name as name
        from changes c join people p on p.id = c.credited_person_id
        join person_identities i on i.person_id = p.id and i.kind = 'login'
        where p.display_name <> i.value
        group by 1, 2, 3 order by count(*) desc, 1 limit 1`,
  );
  if (top === undefined) throw new Error("no credited person in the world");
  const emails = (
    await rowsOf<{ email: string }>(
      db.db,
      sql`select distinct lower(author_email) as email from commits where lower(author_login) = ${top.login}`,
    )
  ).map((r) => r.email);
  return { login: top.login, personId: top.person_id, name: top.name, emails };
}

/** The commit_author_identities rows of these logins or emails (what the export must list). */
async function identityRows(
  logins: string[],
  emails: string[],
): Promise<{ login: string; email: string; name: string }[]> {
  return rowsOf(
    db.db,
    sql`select login, email, name from commit_author_identities
        where lower(login) = any(${sql.param(logins)}::text[]) or lower(email) = any(${sql.param(emails)}::text[])
        order by login, email, name`,
  );
}

describe("yardstick person export", () => {
  it("writes what is held about a person as JSON, on standard output or to --out", async () => {
    const p = await pickPerson();
    const run = await cli(["person", "export", p.login]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      person: { id: string; display_name: string } | null;
      knownAs: { logins: string[]; emails: string[]; names: string[] };
      pullRequests: { author_login: string }[];
      commits: unknown[];
      creditedChanges: { key: string; verdict_class: string | null }[];
      teamMemberships: unknown[];
      commitAuthorIdentities: { login: string; email: string; name: string }[];
    };
    expect(doc.person).toMatchObject({ id: p.personId, display_name: p.name });
    expect(doc.knownAs.logins).toContain(p.login);
    expect(doc.knownAs.names).toContain(p.name.toLowerCase());
    for (const email of p.emails) expect(doc.knownAs.emails).toContain(email);
    const [authored] = await rowsOf<{ n: number }>(
      db.db,
      sql`select count(*)::int as n from pull_requests where lower(author_login) = ${p.login}`,
    );
    expect(doc.pullRequests.filter((pr) => pr.author_login.toLowerCase() === p.login)).toHaveLength(authored?.n ?? -1);
    expect(doc.creditedChanges.length).toBeGreaterThan(0);
    expect(doc.creditedChanges.every((c) => c.verdict_class !== null)).toBe(true);
    expect(doc.commits.length).toBeGreaterThan(0);
    // The (login, email, name) attribution learns their commit emails from, each of their emails among them.
    const identities = await identityRows([p.login], p.emails);
    expect(identities.length).toBeGreaterThan(0);
    expect(doc.commitAuthorIdentities).toEqual(identities);
    for (const email of p.emails) expect(doc.commitAuthorIdentities.map((i) => i.email.toLowerCase())).toContain(email);

    const out = join(dir, "export.json");
    const toFile = await cli(["person", "export", p.login, "--out", out]);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(toFile.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe(run.stdout);
  }, 120_000);

  it("refuses what is not a login (exit 2)", async () => {
    const run = await cli(["person", "export", "not a login"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/LOGIN/);
  }, 60_000);
});

describe("yardstick person forget", () => {
  it("erases the person's identities everywhere, keeps every figure, is idempotent, and folds them back in after a sync brings them back", async () => {
    const p = await pickPerson();
    // Usage imported for them under their login: it must keep counting for the same (pseudonymous) person.
    await db.db.insert(usageRecords).values({
      source: "csv",
      identityKind: "login",
      identityValue: p.login,
      personId: p.personId,
      day: world.header.start.slice(0, 10),
      tool: "claude-code",
      tokensIn: 1000,
      tokensOut: 200,
      costUsd: 1.5,
    });
    const adminConfig = join(dir, "admin.yaml");
    writeFileSync(adminConfig, JSON.stringify({ ...configFile.config, admins: ["ops-admin"] }));
    const admin = { configPath: adminConfig, as: "ops-admin" };
    const before = await figures();
    const beforeAdmin = JSON.stringify(await figures(admin));
    const verdictsBefore = (await db.db.select().from(attributionVerdicts)).length;
    expect(wordIn(await everything(db.db), p.login)).toBe(true);
    const exportedBefore = JSON.parse((await cli(["person", "export", p.login])).stdout) as {
      commitAuthorIdentities: unknown[];
    };
    expect(exportedBefore.commitAuthorIdentities.length).toBeGreaterThan(0);

    const refused = await cli(["person", "forget", p.login]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);

    const run = await cli(["person", "forget", p.login, "--yes"]);
    expect(run.code, run.stderr).toBe(0);
    const pseudonym = run.stdout.trim();
    expect(pseudonym).toMatch(/^forgotten-[0-9a-f]{10}$/);
    expect(run.stderr).toMatch(/pull_requests \d+/);

    // Nowhere in the database: not the login, not the name, not an email, not the person id.
    const all = await everything(db.db, ["forgotten_people"]);
    for (const value of [p.login, p.name, p.personId, ...p.emails])
      expect(
        wordIn(all, value),
        `"${value}" is still stored:\n${all
          .split("\n")
          .filter((line) => wordIn(line, value))
          .slice(0, 5)
          .map((line) => line.slice(0, 400))
          .join("\n")}`,
      ).toBe(false);
    expect(all).toContain(pseudonym);

    // The figures are the same (counts; the admin's named lists name the pseudonym instead).
    expect(await figures()).toEqual(before);
    const afterAdmin = JSON.stringify(await figures(admin));
    expect(wordIn(afterAdmin, p.login)).toBe(false);
    expect(afterAdmin.length).toBeGreaterThan(0);
    if (wordIn(beforeAdmin, p.login)) expect(afterAdmin).toContain(pseudonym);
    expect((await db.db.select().from(attributionVerdicts)).length).toBe(verdictsBefore);

    // Exported now: nothing is held under the login.
    const exported = JSON.parse((await cli(["person", "export", p.login])).stdout) as {
      person: unknown;
      pullRequests: unknown[];
      commits: unknown[];
      commitAuthorIdentities: unknown[];
    };
    expect(exported.person).toBeNull();
    expect(exported.pullRequests).toEqual([]);
    expect(exported.commits).toEqual([]);
    expect(exported.commitAuthorIdentities).toEqual([]);
    // Their identities are gone from commit_author_identities; the pseudonymous ones took their place.
    expect(await identityRows([p.login], p.emails)).toEqual([]);
    const [pseudonymous] = await rowsOf<{ n: number }>(
      db.db,
      sql`select count(*)::int as n from commit_author_identities where login = ${pseudonym} and name = ${pseudonym}`,
    );
    expect(pseudonymous?.n).toBeGreaterThan(0);

    // Again: the same key, nothing left to change.
    const settled = await everything(db.db, ["forgotten_people"]);
    const again = await cli(["person", "forget", p.login, "--yes"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(pseudonym);
    expect(again.stderr).toMatch(/forgotten before/);
    expect(again.stderr).toMatch(/rows changed: none/);
    expect(await everything(db.db, ["forgotten_people"])).toBe(settled);

    // A later sync brings them back (GitHub still lists them as a member); forgetting again folds
    // them into the same key, and the figures are the same again.
    const resync = await inlineSync(db.db, sim, configFile.config, "person-resync");
    expect(resync.failed).toEqual([]);
    expect(wordIn(await everything(db.db, ["forgotten_people"]), p.login)).toBe(true);
    const back = await cli(["person", "forget", p.login, "--yes"]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout.trim()).toBe(pseudonym);
    const afterResync = await everything(db.db, ["forgotten_people"]);
    for (const value of [p.login, p.name, p.personId, ...p.emails])
      expect(wordIn(afterResync, value), `"${value}" is still stored after the sync`).toBe(false);
    expect(await figures()).toEqual(before);
  }, 300_000);
});

/** A configuration file with a one-day retention (and a one-day sync window, which it may not be shorter than). */
function retentionConfig(): string {
  const path = join(dir, "retention.yaml");
  writeFileSync(
    path,
    JSON.stringify({
      ...configFile.config,
      thresholds: { ...configFile.config.thresholds, backfillDays: 1 },
      privacy: { textRetentionDays: 1 },
    }),
  );
  return path;
}

describe("yardstick privacy enforce", () => {
  it("drops old PR bodies and commit messages but the lines naming reverts, keeping verdicts, evidence and figures", async () => {
    const before = await figures();
    const verdicts = JSON.stringify(
      (await db.db.select().from(attributionVerdicts)).sort((a, b) => a.subjectKey.localeCompare(b.subjectKey)),
    );
    const bodies = await db.db.select({ body: pullRequests.body }).from(pullRequests);
    expect(bodies.some((b) => b.body.split("\n").some((line) => line !== "" && !/revert/i.test(line)))).toBe(true);

    // Not set: nothing to do.
    const unset = await cli(["privacy", "enforce"]);
    expect(unset.code, unset.stderr).toBe(0);
    expect(unset.stderr).toMatch(/not set/);

    // Shorter than the backfill window: refused, naming the key.
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, JSON.stringify({ ...configFile.config, privacy: { textRetentionDays: 7 } }));
    const refused = await cli(["privacy", "enforce"], bad);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/privacy\.textRetentionDays/);

    // A retention of one day (with a one-day window, as an installation past its backfill would have).
    const short = retentionConfig();
    const run = await cli(["privacy", "enforce"], short);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { pullRequests: number; commits: number };
    expect(result.pullRequests).toBeGreaterThan(0);
    expect(result.commits).toBeGreaterThan(0);
    const after = await db.db.select({ body: pullRequests.body }).from(pullRequests);
    expect(after.every((b) => b.body.split("\n").every((line) => line === "" || /revert/i.test(line)))).toBe(true);
    const messages = await db.db.select({ message: commits.message }).from(commits);
    expect(messages.every((m) => m.message.split("\n").every((line) => line === "" || /revert/i.test(line)))).toBe(
      true,
    );
    expect(
      JSON.stringify(
        (await db.db.select().from(attributionVerdicts)).sort((a, b) => a.subjectKey.localeCompare(b.subjectKey)),
      ),
    ).toBe(verdicts);
    // Rolled up again from scratch, the figures are the same.
    await db.db.execute(sql`delete from sync_cursors where scope = 'weekly_rollups'`);
    expect(await figures()).toEqual(before);

    const again = await cli(["privacy", "enforce"], short);
    expect(JSON.parse(again.stdout)).toMatchObject({ pullRequests: 0, commits: 0 });
  }, 300_000);

  it("yardstick worker runs it daily when privacy.textRetentionDays is set (the first run at start)", async () => {
    const short = retentionConfig();
    // Text that came back (a PR GitHub reported as updated, stored again whole).
    const [pr] = await db.db
      .select({ repo: pullRequests.repo, number: pullRequests.number })
      .from(pullRequests)
      .limit(1);
    if (pr === undefined) throw new Error("no pull request");
    await db.db.execute(
      sql`update pull_requests set body = 'Ask sven about this\nThis reverts commit 0123456789abcdef.' where repo = ${pr.repo} and number = ${pr.number}`,
    );
    const prefix = uniquePrefix();
    const worker = new CliProcess(["worker", "--every", "0", "--rollups-every", "0", "--no-digest"], {
      databaseUrl: db.url,
      redisUrl: REDIS_URL,
      simulatorUrl: sim.url,
      configPath: short,
      prefix,
    });
    try {
      await worker.waitFor('"old text dropped"', 120_000);
      const line = worker.output.split("\n").find((l) => l.includes('"old text dropped"')) ?? "";
      expect(JSON.parse(line)).toMatchObject({ pullRequests: 1, commits: 0 });
      const [stored] = await rowsOf<{ body: string }>(
        db.db,
        sql`select body from pull_requests where repo = ${pr.repo} and number = ${pr.number}`,
      );
      expect(stored?.body).toBe("This reverts commit 0123456789abcdef.");
    } finally {
      await worker.stop();
      await obliteratePrefix(REDIS_URL, prefix);
    }
  }, 180_000);
});
