import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJournal } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEntry } from "../test-cli.js";

const TAGS = readJournal().map((m) => m.tag);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `yardstick` command in a child process. */
function yardstick(args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    execFile(process.execPath, [...cliEntry(), ...args], { env: childEnv }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("yardstick migrate", () => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    t = await createTestDatabase({ backend: "postgres", empty: true });
    dir = mkdtempSync(join(tmpdir(), "yardstick-cli-"));
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies the migrations to a fresh PostgreSQL database, then finds nothing to do", async () => {
    const first = await yardstick(["migrate", "--database-url", t.url]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toContain(`applied ${TAGS.length} migration`);
    for (const tag of TAGS) expect(first.stdout).toContain(tag);

    const second = await yardstick(["migrate", "--database-url", t.url]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("up to date");
    expect(await t.handle.query("select 1 from pull_requests")).toEqual([]);
  });

  it("reads DATABASE_URL and migrates a PGlite data directory", async () => {
    const result = await yardstick(["migrate"], { DATABASE_URL: `pglite:${join(dir, "data")}` });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("PGlite");
    expect(result.stdout).toContain(TAGS[0]);
  });

  it("exits 3 with a clear message when the database cannot be reached", async () => {
    const result = await yardstick(["migrate", "--database-url", "postgres://yardstick:hunter2@127.0.0.1:1/nowhere"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("cannot reach the database at postgres://yardstick:***@127.0.0.1:1/nowhere");
    expect(result.stderr).not.toContain("hunter2");
  });

  it("exits 2 for a URL it cannot use", async () => {
    const result = await yardstick(["migrate", "--database-url", "mysql://db/x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("DATABASE_URL");
  });

  it("explains itself with --help", async () => {
    const result = await yardstick(["migrate", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--database-url <url>");
    expect(result.stdout).toContain("pglite:.yardstick/data");
  });
});
