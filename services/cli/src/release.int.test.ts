import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliRun } from "./test-cli.js";

// The release build (services/cli/build.mjs) and the installed bin, run with plain node (no
// tsx loader) from a directory outside the repository, so a file the release reads relative to
// its sources (the migrations) must be found from the built output.
const cliDir = resolve(import.meta.dirname, "..");
const root = resolve(cliDir, "../..");
const bin = join(cliDir, "bin/yardstick.mjs");

function runBin(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

describe("the release build, run with plain node", () => {
  let dir: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(cliDir, "build.mjs")], { cwd: cliDir, stdio: "pipe" });
    dir = await mkdtemp(join(tmpdir(), "yardstick-release-"));
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("answers --help and --version", async () => {
    const help = await runBin(["--help"], dir);
    expect(help.stderr).toBe("");
    expect(help.code).toBe(0);
    for (const command of ["run", "sync", "worker", "serve", "migrate", "metrics", "report", "digest"]) {
      expect(help.stdout).toContain(`\n  ${command} `);
    }
    const worker = await runBin(["worker", "--help"], dir);
    expect(worker.code).toBe(0);
    expect(worker.stdout).toContain("Usage: yardstick worker");
    const version = await runBin(["--version"], dir);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("checks a configuration file", async () => {
    const example = join(root, "packages/config/examples/yardstick.config.yaml");
    const secrets = { SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/topsecret", SMTP_PASSWORD: "hunter2" };
    const ok = await runBin(["config", "check", example], dir, secrets);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`ok: ${example}`);
    const missing = await runBin(["config", "check", example], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("SLACK_WEBHOOK_URL");
  });

  it("applies every committed migration to a fresh PGlite database, then finds nothing to apply", async () => {
    const journal = JSON.parse(await readFile(join(root, "packages/db/migrations/meta/_journal.json"), "utf8")) as {
      entries: { tag: string }[];
    };
    const url = `pglite:${join(dir, "data")}`;
    const first = await runBin(["migrate", "--database-url", url], dir);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`applied ${journal.entries.length} migrations`);
    for (const entry of journal.entries) expect(first.stdout).toContain(entry.tag);
    const again = await runBin(["migrate", "--database-url", url], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("none pending");
  }, 180_000);
});
