// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configuration files write secrets as ${VAR} references
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliProcess } from "../test-cli.js";

const root = resolve(import.meta.dirname, "../../../..");
const example = join(root, "packages/config/examples/yardstick.config.yaml");

/** Only the variables a test gives (plus PATH), so the developer's own GITHUB_TOKEN etc. cannot leak in. */
const run = (args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) =>
  runCliProcess(args, { ...options, env: options.env ?? {} });

describe("yardstick config check / print (real process)", () => {
  let dir: string;
  const secrets = { SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/topsecret", SMTP_PASSWORD: "hunter2" };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "yardstick-cli-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts the complete example: exit 0, ok and a summary", async () => {
    const result = await run(["config", "check", example], { env: secrets });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`ok: ${example}`);
    expect(result.stdout).toContain("2 organisations (acme, partners-acme)");
    expect(result.stdout).toContain("ISO weeks in Europe/Berlin");
    expect(result.stdout).toContain("-> file, slack, email");
    expect(result.stdout).not.toContain("topsecret");
  });

  it("rejects a file with many kinds of mistake: exit 2, every problem printed with its line", async () => {
    // One process for several mistakes (each spawn costs a second or more); the unit tests cover each kind alone.
    const file = join(dir, "many-mistakes.yaml");
    await writeFile(
      file,
      [
        "thresholds:",
        "  weeklyCap: ten",
        "  weeklyCapp: 3",
        "deployment:",
        "  method: tags",
        "  pattern: 'v(\\d+'",
        "timeZone: Europe/Berlinn",
        "digest:",
        '  schedule: "0 9 * *"',
        "  channels:",
        "    - type: slack",
        "      webhookUrl: ${NOT_SET_ANYWHERE}",
        "",
      ].join("\n"),
    );
    const result = await run(["config", "check", file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^yardstick: .*many-mistakes\.yaml is not a valid Yardstick configuration \(6 problems\):/,
    );
    for (const line of [
      'thresholds.weeklyCap: expected a whole number ≥ 1, got "ten" (line 2) (for example: weeklyCap: 10)',
      'thresholds.weeklyCapp: unknown key "weeklyCapp"; did you mean "weeklyCap"? (line 3)',
      "deployment.pattern: not a valid regular expression: Invalid regular expression: /v(\\d+/u: Unterminated group",
      "timeZone: not a time zone this system knows",
      "digest.schedule: not a valid cron expression (expected 5 fields (minute hour day-of-month month day-of-week), got 4)",
      "digest.channels[0].webhookUrl: refers to the environment variable NOT_SET_ANYWHERE, which is not set (line 12)",
    ]) {
      expect(result.stderr).toContain(line);
    }
  });

  it("rejects YAML with a syntax error, naming the line", async () => {
    const file = join(dir, "broken.yaml");
    await writeFile(file, "github:\n  organizations: [acme\n");
    const result = await run(["config", "check", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not valid YAML");
    expect(result.stderr).toContain("line 3, column 1:");
  });

  it("rejects JSON with a syntax error, naming the line", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, '{\n  "version": 1,\n  "thresholds": { "weeklyCap": 10 }\n  "timeZone": "UTC"\n}\n');
    const result = await run(["config", "check", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not valid JSON");
    expect(result.stderr).toMatch(/line 4, column 3: /);
  });

  it("exits 2 for a file that does not exist", async () => {
    const result = await run(["config", "check", join(dir, "missing.yaml")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no such file");
  });

  it("reads the teams and roster files too, naming the key, the file, the field and the line", async () => {
    const teams = join(dir, "bad-teams.yaml");
    const roster = join(dir, "bad-roster.json");
    await writeFile(teams, "payments: [alice, bob]\nmobile: carol\n");
    await writeFile(roster, '{"people": ["alice"]}\n');
    const file = join(dir, "data-files.yaml");
    await writeFile(
      file,
      "teams:\n  source: file\n  file: ./bad-teams.yaml\nroster:\n  source: file\n  file: ./bad-roster.json\n",
    );
    const result = await run(["config", "check", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`teams.file (${teams}): mobile: expected a list`);
    expect(result.stderr).toContain("(line 2)");
    expect(result.stderr).toContain(`roster.file (${roster}): expected a list of GitHub logins`);
  });

  it("checks the environment too", async () => {
    const result = await run(["config", "check", example], {
      env: { ...secrets, LOG_LEVEL: "loud", REDIS_URL: "localhost" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LOG_LEVEL (environment): expected one of "fatal"');
    expect(result.stderr).toContain("REDIS_URL (environment): expected a redis:// or rediss:// URL");
  });

  it("checks several credentials: their labels, never a token, and an organisation none may read", async () => {
    const ok = await run(["config", "check", example], {
      env: { ...secrets, GITHUB_TOKENS: "acme:ghp_first_secret, ghp_second_secret" },
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("2 credentials used together: GITHUB_TOKENS#1 (acme), GITHUB_TOKENS#2");
    expect(ok.stdout).not.toContain("warning:");
    const unread = await run(["config", "check", example], {
      env: { ...secrets, GITHUB_TOKENS: "acme:ghp_first_secret" },
    });
    expect(unread.code).toBe(2);
    expect(unread.stderr).toContain("no GitHub credential may read partners-acme");
    expect(unread.stderr).toContain("GITHUB_TOKENS (environment)");
    expect(unread.stderr).toContain("GITHUB_TOKENS=partners-acme:");
    const empty = await run(["config", "check", example], { env: { ...secrets, GITHUB_TOKENS: "ghp_first_secret,," } });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("GITHUB_TOKENS (environment): entry 2 is empty");
    for (const r of [ok, unread, empty]) expect(`${r.stdout}${r.stderr}`).not.toContain("_secret");
  });

  it("with no file anywhere, checks and prints the defaults (zero-setup)", async () => {
    const empty = await mkdtemp(join(dir, "empty-"));
    const check = await run(["config", "check"], { cwd: empty });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("ok: no configuration file; using the defaults");
    const print = await run(["config", "print"], { cwd: empty });
    expect(print.code).toBe(0);
    const printed = JSON.parse(print.stdout) as { thresholds: { weeklyCap: number }; timeZone: string };
    expect(printed.thresholds.weeklyCap).toBe(10);
    expect(printed.timeZone).toBe("UTC");
  });

  it("finds yardstick.config.yml in the working directory, and YARDSTICK_CONFIG", async () => {
    const project = await mkdtemp(join(dir, "project-"));
    await writeFile(join(project, "yardstick.config.yml"), "timeZone: Asia/Tokyo\n");
    const found = await run(["config", "check"], { cwd: project });
    expect(found.code).toBe(0);
    expect(found.stdout).toContain(`ok: ${join(project, "yardstick.config.yml")}`);
    const named = await run(["config", "check"], { cwd: project, env: { YARDSTICK_CONFIG: example, ...secrets } });
    expect(named.stdout).toContain(`ok: ${example}`);
  });

  it("prints the resolved configuration as JSON with secrets redacted", async () => {
    const result = await run(["config", "print", example], { env: secrets });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { digest: { channels: Record<string, unknown>[] } };
    expect(printed.digest.channels[1]).toEqual({ type: "slack", webhookUrl: "[redacted]" });
    expect(printed.digest.channels[2]).toMatchObject({ smtp: { password: "[redacted]", user: "yardstick" } });
    expect(result.stdout).not.toContain("hunter2");
    expect(result.stdout).not.toContain("topsecret");
  });

  it("validates the starter file `yardstick init` writes", async () => {
    const { STARTER_CONFIG } = await import("@yardstick/config");
    const file = join(dir, "starter.yaml");
    await writeFile(file, STARTER_CONFIG);
    const result = await run(["config", "check", file]);
    expect(result.code).toBe(0);
    expect(await readFile(file, "utf8")).toContain("# Yardstick configuration");
    // Valid, but not ready: the placeholder organisation and no token are warned about.
    expect(result.stdout).toContain('warning: github.organizations names "my-org", the placeholder');
    expect(result.stdout).toContain("warning: no GitHub credentials: set GITHUB_TOKEN");
    const ready = await run(["config", "check", example], { env: { ...secrets, GITHUB_TOKEN: "ghp_x" } });
    expect(ready.code).toBe(0);
    expect(ready.stdout).not.toContain("warning:");
  });
});
