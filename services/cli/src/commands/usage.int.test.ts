import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Config } from "@yardstick/config";
import { upsertPeople, usageRecords } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { loadMetricsInput } from "@yardstick/pipeline";
import { Command } from "commander";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runCliProcess } from "../test-cli.js";
import { registerUsage } from "./usage.js";

/**
 * `yardstick usage import` against a fresh PostgreSQL database, through the real command
 * (registered on a fresh commander program, as main.ts does), reading the sample files that
 * the parser's unit tests use.
 */
const testdata = resolve(import.meta.dirname, "../../../../packages/pipeline/testdata/usage");

/** The real entry point in a child process: `yardstick usage import ...`. */
const cli = (args: string[]) => runCliProcess(["usage", "import", ...args]);

let t: TestDatabase;
let dir = "";
let config = "";

async function usage(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const program = new Command("yardstick").exitOverride();
    registerUsage(program);
    await program.parseAsync(["usage", "import", ...args, "--database-url", t.url, "--config", config], {
      from: "user",
    });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = typeof process.exitCode === "number" ? process.exitCode : 0;
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

async function stored() {
  const rows = await t.db.select().from(usageRecords);
  return rows
    .map(({ importedAt: _importedAt, ...r }) => r)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), "yardstick-usage-"));
  config = join(dir, "yardstick.config.yaml");
  await writeFile(config, "github:\n  organizations:\n    - name: acme\n");
  await upsertPeople(t.db, [
    {
      id: "p-priya",
      displayName: "Priya Raman",
      logins: ["priya-raman"],
      userIds: [],
      emails: ["priya@acme.io"],
      names: [],
      teams: [],
    },
    {
      id: "p-sam",
      displayName: "Sam Lee",
      logins: ["sam-lee"],
      userIds: [9919],
      emails: ["sam@acme.io"],
      names: [],
      teams: [],
    },
    { id: "p-octo", displayName: "Mona", logins: ["octocat"], userIds: [583231], emails: [], names: [], teams: [] },
  ]);
});

afterAll(async () => {
  await t?.drop();
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  process.exitCode = undefined;
});

describe("yardstick usage import", () => {
  it("imports a CSV file, resolving people by login and email, and a second import changes nothing", async () => {
    const first = await usage(join(testdata, "usage.csv"));
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(
      /imported 5 usage rows from .*usage\.csv \(csv\): 4 matched to people, 1 not matched \(ana-souza\)/,
    );
    const rows = await stored();
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r.identityValue === "sam@acme.io")).toMatchObject({
      source: "csv",
      identityKind: "email",
      personId: "p-sam",
      day: "2026-10-07",
      tool: "codex",
      tokensIn: 77000,
      tokensOut: 15000,
      costUsd: 1.1,
    });
    expect(rows.find((r) => r.identityValue === "sam-lee")).toMatchObject({ personId: "p-sam", costUsd: null });
    expect(rows.find((r) => r.identityValue === "ana-souza")?.personId).toBeNull();

    const again = await usage(join(testdata, "usage.csv"));
    expect(again.code).toBe(0);
    expect(await stored()).toEqual(rows);
  });

  it("detects the Claude Code usage report and the Copilot usage metrics records", async () => {
    const before = (await stored()).length;
    const claude = await usage(join(testdata, "claude-code-usage-report.json"));
    expect(claude.code).toBe(0);
    expect(claude.stdout).toMatch(/\(claude-code\): 2 matched to people; 1 records skipped/);
    expect(claude.stderr).toMatch(/record 3 skipped: API key "ci-review-bot" is not a person/);
    const copilot = await usage(join(testdata, "copilot-user-metrics.ndjson"), "--format", "copilot");
    expect(copilot.code).toBe(0);
    const rows = await stored();
    expect(rows).toHaveLength(before + 2 + 3);
    expect(rows.find((r) => r.source === "claude-code-usage" && r.personId === "p-priya")).toMatchObject({
      tool: "claude-code",
      day: "2026-10-05",
      tokensIn: 157000,
      tokensOut: 42000,
      costUsd: 11.15,
    });
    expect(rows.filter((r) => r.source === "copilot-usage").map((r) => [r.personId, r.day, r.tokensIn])).toEqual(
      expect.arrayContaining([
        ["p-octo", "2026-10-05", 9200],
        ["p-octo", "2026-10-06", 0],
        ["p-sam", "2026-10-05", 9000],
      ]),
    );
  });

  it("feeds the metrics engine: the resolved rows are the engine's usage input", async () => {
    const input = await loadMetricsInput(t.db, Config.parse({ github: { organizations: [{ name: "acme" }] } }));
    const priya = input.usage.filter((u) => u.personId === "p-priya" && u.day === "2026-10-05");
    expect(priya.map((u) => [u.tool, u.tokensIn, u.tokensOut, u.cost])).toEqual(
      expect.arrayContaining([
        ["claude-code", 182000, 41000, 3.12],
        ["claude-code", 157000, 42000, 11.15],
      ]),
    );
    expect(input.usage.some((u) => u.personId === "" || u.personId === null)).toBe(false);
  });

  it("imports the good rows of a file with bad ones, names each bad line and field, and exits 1", async () => {
    const bad = await usage(join(testdata, "usage-bad.csv"));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/imported 1 usage rows .*; 6 bad rows not imported/);
    expect(bad.stderr).toMatch(
      /usage-bad\.csv line 3, day: not a calendar day: "2026-13-05" \(for example 2026-01-05\)/,
    );
    expect(bad.stderr).toMatch(/line 4, tokens_in: not a non-negative number: "lots"/);
    expect(bad.stderr).toMatch(/line 8, cost: not a non-negative number: "-1"/);
    expect(bad.stderr.trim().split("\n")).toHaveLength(6);
  });

  it("runs through the real entry point: exit 0 on a good file, 1 with bad rows, 2 for a missing file", async () => {
    const db = ["--database-url", t.url, "--config", config];
    const good = await cli([join(testdata, "usage.json"), ...db]);
    expect(good.stderr).toBe("");
    expect(good.stdout).toMatch(/imported 3 usage rows from .*usage\.json \(json\): 3 matched to people/);
    expect(good.code).toBe(0);
    const bad = await cli([join(testdata, "usage-bad.csv"), "--format", "csv", ...db]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/line 3, day: not a calendar day/);
    const missing = await cli([join(dir, "missing.json"), ...db]);
    expect(missing.code).toBe(2);
    const usage = await cli(["--help"]);
    expect(usage.stdout).toMatch(/--format <format>/);
  });

  it("exits 2 for a file it cannot read, or that is not the format at all", async () => {
    const missing = await usage(join(dir, "nope.csv"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.csv \(ENOENT\)/);
    const broken = join(dir, "broken.json");
    await writeFile(broken, '{"records": [');
    const unreadable = await usage(broken);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/broken\.json is not a readable json file: not valid JSON/);
  });
});
