// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configuration files write secrets as ${VAR} references
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { InputError } from "@yardstick/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConfigFormat, loadConfig, parseConfigText } from "./load.js";
import { redactConfig } from "./redact.js";
import { Config, DEFAULT_TRIVIAL_IGNORE } from "./schema.js";
import { STARTER_CONFIG } from "./template.js";

function problemsOf(text: string, format: ConfigFormat = "yaml", env: Record<string, string> = {}): InputError {
  try {
    parseConfigText(text, { format, source: `test.${format}`, env });
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected the configuration to be rejected:\n${text}`);
}

function parse(text: string, env: Record<string, string> = {}) {
  return parseConfigText(text, { format: "yaml", source: "test.yaml", env });
}

describe("configuration mistakes: one per kind", () => {
  it.each([
    // wrong types
    [
      "wrong type: number as text",
      "thresholds:\n  weeklyCap: ten\n",
      "thresholds.weeklyCap",
      'expected a whole number ≥ 1, got "ten"',
      "weeklyCap: 10",
    ],
    [
      "wrong type: fraction",
      "thresholds:\n  weeklyCap: 2.5\n",
      "thresholds.weeklyCap",
      "expected a whole number ≥ 1, got 2.5",
      "weeklyCap: 10",
    ],
    [
      "a figure-shaping threshold declared by the metrics package",
      "thresholds:\n  spikeMultiplier: -1\n",
      "thresholds.spikeMultiplier",
      "expected a number above 0, got -1",
      "spikeMultiplier: 3",
    ],
    [
      "a flag share as a percentage out of range",
      "thresholds:\n  trivialShare: 150%\n",
      "thresholds.trivialShare",
      "expected a share from 0 to 1",
      "trivialShare: 0.8",
    ],
    [
      "wrong type: below minimum",
      "thresholds:\n  minGroupSize: 0\n",
      "thresholds.minGroupSize",
      "expected a whole number ≥ 1, got 0",
      "minGroupSize: 5",
    ],
    [
      "wrong type: boolean",
      "directPushes: yes\n",
      "directPushes",
      'expected true or false, got "yes"',
      "directPushes: true",
    ],
    ["wrong type: list expected", "admins: alice\n", "admins", 'expected a list, got "alice"', undefined],
    [
      "wrong type: section is a scalar",
      "github: acme\n",
      "github",
      'expected a mapping of keys to values, got "acme"',
      undefined,
    ],
    ["wrong version", "version: 2\n", "version", "expected 1, got 2", "version: 1"],
    [
      "bad enum",
      "attribution:\n  threshold: hgh\n",
      "attribution.threshold",
      'expected one of "high", "medium", "low", got "hgh"',
      "threshold: high",
    ],
    [
      "bad review-suggestion policy",
      "attribution:\n  reviewSuggestions: maybe\n",
      "attribution.reviewSuggestions",
      'expected one of "ai-assisted", "ignore", got "maybe"',
      "reviewSuggestions: ai-assisted",
    ],
    ["bad login", 'admins: ["bad login!"]\n', "admins[0]", "expected a GitHub login", '"octocat"'],
    [
      "bad repository name",
      "github:\n  repositories: [payments]\n",
      "github.repositories[0]",
      'expected a repository "owner/name", got "payments"',
      '"acme/payments"',
    ],
    [
      "bad API URL",
      "github:\n  apiUrl: ftp://x\n",
      "github.apiUrl",
      'expected an http(s) URL, got "ftp://x"',
      "apiUrl: https://github.example.com/api/v3",
    ],
    [
      "relative dashboard URL",
      "dashboardUrl: /dashboard\n",
      "dashboardUrl",
      'expected an http(s) URL, got "/dashboard"',
      "dashboardUrl: https://yardstick.acme.com/",
    ],
    // unknown keys, with and without a suggestion
    [
      "unknown key near a real one",
      "thresholds:\n  weeklyCapp: 3\n",
      "thresholds.weeklyCapp",
      'unknown key "weeklyCapp"; did you mean "weeklyCap"?',
      undefined,
    ],
    [
      "unknown key, British spelling",
      "github:\n  organisations: []\n",
      "github.organisations",
      'did you mean "organizations"?',
      undefined,
    ],
    ["unknown top-level key", "timezone: UTC\n", "timezone", 'did you mean "timeZone"?', undefined],
    [
      "unknown key, nothing close",
      "digest:\n  colour: red\n",
      "digest.colour",
      "allowed here: schedule, timeZone, channels",
      undefined,
    ],
    [
      "unknown key inside a union member",
      "deployment:\n  method: releases\n  environment: prod\n",
      "deployment.environment",
      'unknown key "environment"',
      undefined,
    ],
    // deployment method
    [
      "unknown deployment method",
      "deployment:\n  method: deploys\n",
      "deployment.method",
      'got "deploys"; did you mean "deployments"?',
      "method: deployments",
    ],
    [
      "missing deployment method",
      "deployment:\n  environment: prod\n",
      "deployment.method",
      "is required",
      "method: deployments",
    ],
    [
      "tags without pattern",
      "deployment:\n  method: tags\n",
      "deployment.pattern",
      "is required: expected a regular expression",
      "pattern: '^v\\d+\\.\\d+\\.\\d+$'",
    ],
    // bad regex patterns
    [
      "bad environment regex",
      'deployment:\n  method: deployments\n  environment: "prod("\n',
      "deployment.environment",
      "not a valid regular expression: Invalid regular expression",
      undefined,
    ],
    [
      "bad tag regex in an override",
      'repositories:\n  - match: "acme/*"\n    deployment: { method: tags, pattern: "[v" }\n',
      "repositories[0].deployment.pattern",
      "Invalid regular expression",
      undefined,
    ],
    [
      "bad attribution rule regex",
      'attribution:\n  rules:\n    - { id: acme.x, tool: other-ai, field: pr.title, pattern: "(" }\n',
      "attribution.rules[0].pattern",
      "not a valid regular expression",
      undefined,
    ],
    // bad globs
    [
      "bad include glob",
      'github:\n  organizations:\n    - name: acme\n      repositories: { include: ["pay[ments"] }\n',
      "github.organizations[0].repositories.include[0]",
      "not a valid glob pattern",
      undefined,
    ],
    [
      "bad trivialIgnore glob",
      'thresholds:\n  trivialIgnore: ["{a,b"]\n',
      "thresholds.trivialIgnore[0]",
      "never closed",
      undefined,
    ],
    [
      "override match without owner",
      'repositories:\n  - match: "pay*"\n',
      "repositories[0].match",
      'no "/" between owner and name',
      'match: "acme/pay*"',
    ],
    // time zones, cron, targets
    [
      "bad time zone",
      "timeZone: Mars/Olympus\n",
      "timeZone",
      'not a time zone this system knows (IANA names such as "Europe/Berlin" or "UTC"), got "Mars/Olympus"',
      "timeZone: Europe/Berlin",
    ],
    ["bad digest time zone", "digest:\n  timeZone: CEST+1\n", "digest.timeZone", "not a time zone", undefined],
    [
      "bad cron: out of range",
      'digest:\n  schedule: "0 25 * * 1"\n',
      "digest.schedule",
      'hour "25": Constraint error, got value 25 expected range 0-23',
      'schedule: "0 9 * * 1"',
    ],
    [
      "bad cron: field count",
      'digest:\n  schedule: "every monday"\n',
      "digest.schedule",
      "expected 5 fields",
      undefined,
    ],
    [
      "target out of range",
      "adoption:\n  target: 1.5\n",
      "adoption.target",
      'expected a share from 0 to 1, or a percentage such as "80%", got 1.5',
      "target: 0.8",
    ],
    ["target percentage out of range", 'adoption:\n  target: "150%"\n', "adoption.target", 'got "150%"', undefined],
    ["negative target", "adoption:\n  target: -0.1\n", "adoption.target", "got -0.1", undefined],
    [
      "bad group key",
      'adoption:\n  perGroup: { "tem:payments": 0.5 }\n',
      'adoption.perGroup["tem:payments"]',
      'expected a group such as "team:payments"',
      undefined,
    ],
    [
      "bad group target",
      'adoption:\n  perGroup: { "team:payments": lots }\n',
      'adoption.perGroup["team:payments"]',
      'got "lots"',
      '"team:payments": 0.8',
    ],
    // cross-field rules
    [
      "teams file missing",
      "teams:\n  source: file\n",
      "teams.file",
      'is required when source is "file"',
      "file: ./teams.yaml",
    ],
    [
      "roster file missing",
      "roster:\n  source: file\n",
      "roster.file",
      'is required when source is "file"',
      "file: ./roster.yaml",
    ],
    // digest channels
    [
      "unknown channel type",
      "digest:\n  channels: [{ type: teams }]\n",
      "digest.channels[0].type",
      'expected one of "file", "slack", "email", got "teams"',
      "type: file",
    ],
    [
      "email without recipients",
      "digest:\n  channels:\n    - { type: email, smtp: { host: h }, from: a@b.c, to: [] }\n",
      "digest.channels[0].to",
      "expected at least 1 item(s), got 0",
      undefined,
    ],
    [
      "bad email address",
      "digest:\n  channels:\n    - { type: email, smtp: { host: h }, from: nobody, to: [a@b.c] }\n",
      "digest.channels[0].from",
      'expected an email address such as "digest@acme.com"',
      undefined,
    ],
    [
      "bad SMTP port",
      "digest:\n  channels:\n    - { type: email, smtp: { host: h, port: 70000 }, from: a@b.c, to: [a@b.c] }\n",
      "digest.channels[0].smtp.port",
      "expected a whole number from 1 to 65535, got 70000",
      "port: 587",
    ],
    // environment references
    [
      "missing ${VAR}",
      "digest:\n  channels:\n    - type: slack\n      webhookUrl: ${SLACK_WEBHOOK_URL}\n",
      "digest.channels[0].webhookUrl",
      "refers to the environment variable SLACK_WEBHOOK_URL, which is not set",
      "export SLACK_WEBHOOK_URL=...",
    ],
    [
      "malformed ${...}",
      "incidents:\n  label: ${not a name}\n",
      "incidents.label",
      "is not an environment variable name",
      undefined,
    ],
    // the top level
    [
      "top level is a list",
      "- version: 1\n",
      "",
      "expected a mapping of settings at the top level, got a list",
      "version: 1",
    ],
  ])("%s", (_name, text, path, message, example) => {
    const error = problemsOf(text);
    expect(error.code).toBe("config.invalid");
    const issue = error.issues.find((i) => i.path === path);
    expect(issue, `no issue at "${path}" in:\n${error.message}`).toBeDefined();
    expect(issue?.message).toContain(message);
    if (example !== undefined) expect(issue?.example).toBe(example);
    // The printed message carries everything too.
    expect(error.message).toContain(path === "" ? "(top level)" : `${path}: `);
  });

  it("lists every problem at once, with line numbers", () => {
    const error = problemsOf("version: 1\nthresholds:\n  weeklyCap: ten\n  weeklyCapp: 3\ntimeZone: Nowhere\n");
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      "thresholds.weeklyCap",
      "thresholds.weeklyCapp",
      "timeZone",
    ]);
    expect(error.message).toContain(
      'thresholds.weeklyCap: expected a whole number ≥ 1, got "ten" (line 3) (for example: weeklyCap: 10)',
    );
    expect(error.message).toContain("(line 4)");
    expect(error.message).toContain("(line 5)");
    expect(error.message).toMatch(/^test\.yaml is not a valid Yardstick configuration \(3 problems\)/);
  });

  it("never prints the value of a secret that came from the environment", () => {
    const error = problemsOf("digest:\n  channels:\n    - type: slack\n      webhookUrl: ${HOOK}\n", "yaml", {
      HOOK: "not-a-url-s3cret",
    });
    expect(error.issues[0]?.path).toBe("digest.channels[0].webhookUrl");
    expect(error.message).toContain("got the value of ${HOOK}");
    expect(error.message).not.toContain("s3cret");
  });
});

describe("syntax errors", () => {
  it.each([
    [
      "YAML: unclosed flow sequence",
      "version: 1\ngithub:\n  repositories: [acme/a\n",
      "yaml",
      /line \d+, column \d+: /,
    ],
    ["YAML: bad indentation", "version: 1\ngithub:\n  apiUrl: x\n bad: 2\n", "yaml", /line 4, column \d+: /],
    ["YAML: duplicate key", "version: 1\nversion: 1\n", "yaml", /line 2, column 1: .*[Uu]nique/],
    ["JSON: trailing comma", '{\n  "version": 1,\n}\n', "json", /line 3, column 1: /],
    ["JSON: missing quote", '{\n  "version: 1\n}', "json", /line \d+, column \d+: /],
  ] as const)("%s", (_name, text, format, pattern) => {
    const error = problemsOf(text, format);
    expect(error.code).toBe("config.invalid");
    expect(error.message).toContain(`not valid ${format === "json" ? "JSON" : "YAML"}`);
    expect(error.issues[0]?.message).toMatch(pattern);
  });
});

describe("defaults", () => {
  it.each([
    ["empty YAML", "", "yaml"],
    ["comments only", "# nothing here yet\n", "yaml"],
    ["empty JSON", "  \n", "json"],
    ["empty JSON object", "{}", "json"],
  ] as const)("%s resolves every default", (_name, text, format) => {
    const { config } = parseConfigText(text, { format, source: "x", env: {} });
    expect(config).toEqual(Config.parse({}));
    expect(config).toMatchObject({
      version: 1,
      github: { organizations: [], repositories: [], apiUrl: "https://api.github.com" },
      trackedBranch: "default",
      directPushes: false,
      deployment: { method: "deployments", environment: "^prod(uction)?\\b" },
      repositories: [],
      teams: { source: "github" },
      roster: { source: "org" },
      timeZone: "UTC",
      adoption: { target: 0.8, perGroup: {}, basis: "week", basisPerGroup: {} },
      thresholds: {
        trivialMaxLines: 5,
        trivialIgnore: [...DEFAULT_TRIVIAL_IGNORE],
        weeklyCap: 10,
        revertWindowDays: 14,
        minGroupSize: 5,
        backfillDays: 180,
        activeWindowWeeks: 4,
        lookbackWeeks: 4,
      },
      attribution: {
        threshold: "high",
        rules: [],
        disableRules: [],
        automationAccounts: [],
        reviewSuggestions: "ai-assisted",
      },
      incidents: {},
      digest: {
        schedule: "0 9 * * 1",
        timeZone: "UTC",
        channels: [{ type: "file", dir: "yardstick-reports/digests" }],
      },
      admins: [],
      worker: { shutdownTimeoutSeconds: 30 },
      privacy: {},
      usage: { sources: [] },
    });
  });

  it("fills defaults inside sections that are partly written", () => {
    const { config } = parse(
      "github:\n  organizations: [acme, { name: beta, repositories: { exclude: [old-*] } }]\ndeployment: { method: deployments }\ntimeZone: Asia/Tokyo\n",
    );
    expect(config.github.organizations).toEqual([
      { name: "acme", repositories: { include: ["*"], exclude: [] } },
      { name: "beta", repositories: { include: ["*"], exclude: ["old-*"] } },
    ]);
    expect(config.deployment).toEqual({ method: "deployments", environment: "^prod(uction)?\\b" });
    expect(config.digest.timeZone).toBe("Asia/Tokyo");
  });

  it("treats a key with nothing after it as not written", () => {
    const { config } = parse("thresholds:\n  # weeklyCap: 3\ngithub:\n  organizations:\nincidents:\n");
    expect(config.thresholds.weeklyCap).toBe(10);
    expect(config.github.organizations).toEqual([]);
    expect(problemsOf("admins: [null]\n").issues[0]?.path).toBe("admins[0]");
  });

  it("accepts a deployment method name alone", () => {
    expect(parse("deployment: releases\n").config.deployment).toEqual({ method: "releases" });
    expect(parse("deployment: deployments\n").config.deployment).toEqual({
      method: "deployments",
      environment: "^prod(uction)?\\b",
    });
    expect(problemsOf("deployment: tags\n").issues[0]?.path).toBe("deployment.pattern");
    expect(problemsOf("deployment: deploy\n").issues[0]?.message).toContain('did you mean "deployments"?');
  });

  it("normalises percentages", () => {
    const { config } = parse(
      'adoption:\n  target: "75%"\n  perGroup: { "team:a": 60%, "repo:acme/b": 0.5, "org:acme": "100 %" }\n',
    );
    expect(config.adoption).toEqual({
      target: 0.75,
      perGroup: { "team:a": 0.6, "repo:acme/b": 0.5, "org:acme": 1 },
      basis: "week",
      basisPerGroup: {},
    });
  });

  it("substitutes ${VAR} references and keeps $${ literal", () => {
    const { config, substituted } = parse(
      "digest:\n  channels:\n    - { type: slack, webhookUrl: 'https://hooks.example/${HOOK_PATH}' }\nincidents:\n  label: $${not-a-var}\n",
      { HOOK_PATH: "T1/B2/xyz" },
    );
    expect(config.digest.channels[0]).toEqual({ type: "slack", webhookUrl: "https://hooks.example/T1/B2/xyz" });
    expect(config.incidents.label).toBe("${not-a-var}");
    expect(substituted).toEqual([{ path: ["digest", "channels", 0, "webhookUrl"], variable: "HOOK_PATH" }]);
  });

  it("lets GITHUB_API_URL override the file", () => {
    const { config } = parse("github:\n  apiUrl: https://ghe.acme/api/v3\n", {
      GITHUB_API_URL: "http://127.0.0.1:3999/",
    });
    expect(config.github.apiUrl).toBe("http://127.0.0.1:3999");
    const error = problemsOf("version: 1\n", "yaml", { GITHUB_API_URL: "not a url" });
    expect(error.issues[0]?.path).toBe("GITHUB_API_URL (environment)");
  });

  it("accepts the starter template `yardstick init` writes", () => {
    const { config } = parse(STARTER_CONFIG);
    expect(config.github.organizations[0]?.name).toBe("my-org");
    const defaults = Config.parse({});
    // Apart from the placeholder organisation, the template states the defaults.
    expect({ ...config, github: { ...config.github, organizations: [] } }).toEqual(defaults);
  });
});

describe("loadConfig", () => {
  let dir: string;
  const example = resolve(import.meta.dirname, "../examples/yardstick.config.yaml");
  const secrets = { SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/secret", SMTP_PASSWORD: "hunter2" };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "yardstick-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("returns the defaults when there is no file (zero-setup)", async () => {
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.path).toBeNull();
    expect(loaded.config.thresholds.weeklyCap).toBe(10);
    expect(loaded.config.digest.channels).toEqual([{ type: "file", dir: join(dir, "yardstick-reports/digests") }]);
  });

  it("loads the complete example file", async () => {
    const loaded = await loadConfig({ path: example, cwd: "/", env: secrets });
    const { config } = loaded;
    expect(loaded.path).toBe(example);
    expect(config.github.organizations.map((o) => o.name)).toEqual(["acme", "partners-acme"]);
    expect(config.github.apiUrl).toBe("https://github.acme.internal/api/v3");
    expect(config.repositories).toHaveLength(4);
    expect(config.repositories[3]?.deployment).toEqual({
      method: "tags",
      pattern: "^release-\\d{4}\\.\\d{2}\\.\\d{2}$",
    });
    expect(config.teams.file).toBe(resolve(import.meta.dirname, "../examples/teams.yaml"));
    expect(config.adoption).toEqual({
      target: 0.8,
      perGroup: { "team:payments": 0.6, "repo:acme/legacy-billing": 0.5, "org:partners-acme": 0.5 },
      basis: "week",
      basisPerGroup: { "team:mobile": "rolling4w" },
    });
    expect(config.attribution.rules[0]?.id).toBe("acme.internal-agent.trailer");
    expect(config.digest.channels.map((c) => c.type)).toEqual(["file", "slack", "email"]);
    expect(config.digest.channels[1]).toEqual({ type: "slack", webhookUrl: secrets.SLACK_WEBHOOK_URL });
    expect(config.digest.channels[2]).toMatchObject({ smtp: { password: "hunter2", port: 587, secure: false } });
    const printed = JSON.stringify(redactConfig(loaded));
    expect(printed).not.toContain("secret");
    expect(printed).not.toContain("hunter2");
    expect(printed).toContain("[redacted]");
  });

  it("names each missing variable of the example file", async () => {
    const error = await loadConfig({ path: example, cwd: "/", env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((i) => i.message)).toEqual([
      expect.stringContaining("SLACK_WEBHOOK_URL, which is not set"),
      expect.stringContaining("SMTP_PASSWORD, which is not set"),
    ]);
  });

  it("finds yardstick.config.{yaml,yml,json} in cwd, or the file YARDSTICK_CONFIG names", async () => {
    const sub = await mkdtemp(join(dir, "find-"));
    await writeFile(join(sub, "yardstick.config.json"), JSON.stringify({ thresholds: { weeklyCap: 7 } }));
    expect((await loadConfig({ cwd: sub, env: {} })).config.thresholds.weeklyCap).toBe(7);
    await writeFile(join(sub, "other.yml"), "thresholds: { weeklyCap: 3 }\n");
    expect((await loadConfig({ cwd: sub, env: { YARDSTICK_CONFIG: "other.yml" } })).config.thresholds.weeklyCap).toBe(
      3,
    );
    await writeFile(join(sub, "yardstick.config.yaml"), "version: 1\n");
    await expect(loadConfig({ cwd: sub, env: {} })).rejects.toThrow(/more than one configuration file/);
  });

  it("reports a missing explicit file, and files the configuration names that do not exist", async () => {
    await expect(loadConfig({ path: "nope.yaml", cwd: dir, env: {} })).rejects.toThrow(/no such file: .*nope\.yaml/);
    await expect(loadConfig({ cwd: dir, env: { YARDSTICK_CONFIG: "gone.yaml" } })).rejects.toThrow(
      /named by YARDSTICK_CONFIG/,
    );
    const file = join(dir, "teams-missing.yaml");
    await writeFile(file, "teams: { source: file, file: ./no-teams.yaml }\n");
    const error = (await loadConfig({ path: file, cwd: "/", env: {} }).catch((e: unknown) => e)) as InputError;
    expect(error.code).toBe("config.invalid");
    expect(error.issues[0]).toMatchObject({
      path: "teams.file",
      message: expect.stringContaining("no such file: no-teams.yaml"),
    });
  });

  it("reads the example file as text identical to what the docs show", async () => {
    // Guards against the example drifting into something that no longer parses as YAML.
    expect(await readFile(example, "utf8")).toContain("version: 1");
  });
});
