import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRosterFile, loadTeamMapping } from "./data-files.js";
import { redactConfig } from "./redact.js";
import { environmentRegExp, isRepositorySelected, repositorySettings, tagRegExp } from "./repository.js";
import { Config, DEFAULT_ENVIRONMENT_PATTERN } from "./schema.js";

const config = Config.parse({
  github: {
    organizations: [
      { name: "acme", repositories: { include: ["*"], exclude: ["*-archive", "sandbox-*"] } },
      { name: "beta", repositories: { include: ["svc-*"] } },
    ],
    repositories: ["Other/Tool"],
  },
  deployment: { method: "releases" },
  repositories: [
    { match: "acme/pay*", deployment: { method: "merge" } },
    { match: "acme/payments-legacy", trackedBranch: "master", directPushes: true },
    { match: "ACME/MONO", trackedBranch: "trunk" },
  ],
});

describe("isRepositorySelected", () => {
  it.each([
    ["acme/payments", true],
    ["ACME/Payments", true],
    ["acme/old-archive", false],
    ["acme/sandbox-x", false],
    ["beta/svc-a", true],
    ["beta/web", false],
    ["other/tool", true],
    ["other/else", false],
    ["gamma/x", false],
    ["nonsense", false],
  ])("%s -> %s", (fullName, expected) => {
    expect(isRepositorySelected(config, fullName)).toBe(expected);
  });
});

describe("repositorySettings", () => {
  it.each([
    ["acme/web", { trackedBranch: "default", directPushes: false, deployment: { method: "releases" } }],
    ["acme/payments", { trackedBranch: "default", directPushes: false, deployment: { method: "merge" } }],
    ["acme/payments-legacy", { trackedBranch: "master", directPushes: true, deployment: { method: "merge" } }],
    ["acme/mono", { trackedBranch: "trunk", directPushes: false, deployment: { method: "releases" } }],
  ])("%s", (fullName, expected) => {
    expect(repositorySettings(config, fullName)).toEqual(expected);
  });
});

describe("redactConfig", () => {
  it("hides webhook URLs and SMTP passwords even when written inline", () => {
    const withSecrets = Config.parse({
      digest: {
        channels: [
          { type: "slack", webhookUrl: "https://hooks.slack.com/services/x" },
          { type: "email", smtp: { host: "h", password: "pw" }, from: "a@b.c", to: ["d@e.f"] },
        ],
      },
    });
    const text = JSON.stringify(redactConfig({ config: withSecrets, substituted: [] }));
    expect(text).not.toContain("hooks.slack.com");
    expect(text).not.toContain('"pw"');
    expect(text).toContain('"host":"h"');
  });
});

describe("team mapping and roster files", () => {
  it("loads the example team mapping", async () => {
    const teams = await loadTeamMapping(resolve(import.meta.dirname, "../examples/teams.yaml"));
    expect(teams.payments).toEqual(["alice-acme", "carol-acme", "dave-acme"]);
  });

  it("names bad entries with their line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "yardstick-data-"));
    try {
      const teamsFile = join(dir, "teams.yaml");
      await writeFile(teamsFile, "payments: [alice]\nplatform: bob\n");
      await expect(loadTeamMapping(teamsFile)).rejects.toThrow(/platform: expected a list, got "bob" \(line 2\)/);
      const rosterFile = join(dir, "roster.json");
      await writeFile(rosterFile, '["alice", "not a login"]');
      await expect(loadRosterFile(rosterFile)).rejects.toThrow(/\[1\]: expected a GitHub login/);
      await writeFile(rosterFile, '["alice", "bob"]');
      expect(await loadRosterFile(rosterFile)).toEqual(["alice", "bob"]);
      await expect(loadRosterFile(join(dir, "none.yaml"))).rejects.toThrow(/cannot read the roster file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("deployment patterns", () => {
  it.each([
    ["production", true],
    ["Production", true],
    ["prod", true],
    ["prod-eu", true],
    ["PROD", true],
    ["preprod", false],
    ["production2", false],
    ["staging", false],
  ])("default environment pattern on %s -> %s", (environment, expected) => {
    expect(environmentRegExp(DEFAULT_ENVIRONMENT_PATTERN).test(environment)).toBe(expected);
  });

  it("matches tags case-sensitively", () => {
    expect(tagRegExp("^v\\d+$").test("v12")).toBe(true);
    expect(tagRegExp("^v\\d+$").test("V12")).toBe(false);
  });
});
