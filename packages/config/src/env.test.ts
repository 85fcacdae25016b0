// biome-ignore-all lint/suspicious/noTemplateCurlyInString: messages name variables as ${VAR}
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import {
  configuredAccounts,
  githubApiUrl,
  githubTokenRequired,
  parseEnv,
  resolveGitHubAuth,
  resolveGitHubCredentials,
} from "./env.js";

function envProblems(source: Record<string, string>): InputError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected the environment to be rejected");
}

describe("parseEnv", () => {
  it("reads nothing as the zero-setup defaults", () => {
    expect(parseEnv({})).toEqual({ LOG_LEVEL: "info" });
  });

  it("ignores other variables and treats empty values as unset", () => {
    const env = parseEnv({ PATH: "/bin", DATABASE_URL: "", REDIS_URL: "  ", LOG_LEVEL: "debug" });
    expect(env).toEqual({ LOG_LEVEL: "debug" });
  });

  it("accepts the documented forms", () => {
    const env = parseEnv({
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
      REDIS_URL: "redis://127.0.0.1:6379",
      GITHUB_TOKEN: "ghp_x",
      GITHUB_API_URL: "http://127.0.0.1:3999",
      GITHUB_WEBHOOK_SECRET: "s",
      YARDSTICK_CONFIG: "./y.yaml",
    });
    expect(env.DATABASE_URL).toBe("postgres://postgres@127.0.0.1:5432/test");
    expect(parseEnv({ DATABASE_URL: "pglite:./.yardstick/data" }).DATABASE_URL).toBe("pglite:./.yardstick/data");
    expect(parseEnv({ DATABASE_URL: "postgresql://h/db" }).DATABASE_URL).toBe("postgresql://h/db");
  });

  it.each([
    [
      { DATABASE_URL: "mysql://localhost/x" },
      "DATABASE_URL",
      "expected a postgres:// URL or pglite:<directory>, got the value of ${DATABASE_URL}",
    ],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL", "expected a redis:// or rediss:// URL"],
    [{ GITHUB_API_URL: "api.github.com" }, "GITHUB_API_URL", 'expected an http(s) URL, got "api.github.com"'],
    [{ LOG_LEVEL: "verbose" }, "LOG_LEVEL", 'got "verbose"'],
    [
      { GITHUB_APP_ID: "abc", GITHUB_APP_INSTALLATION_ID: "1", GITHUB_APP_PRIVATE_KEY: "k" },
      "GITHUB_APP_ID",
      'expected a numeric id, got "abc"',
    ],
    [
      { GITHUB_APP_ID: "12" },
      "GITHUB_APP_INSTALLATION_ID",
      "is not set, but the other GitHub App credentials are (GITHUB_APP_ID)",
    ],
    [
      { GITHUB_APP_ID: "12", GITHUB_APP_INSTALLATION_ID: "3" },
      "GITHUB_APP_PRIVATE_KEY",
      "(or GITHUB_APP_PRIVATE_KEY_PATH) is not set",
    ],
    [
      {
        GITHUB_APP_ID: "1",
        GITHUB_APP_INSTALLATION_ID: "3",
        GITHUB_APP_PRIVATE_KEY: "k",
        GITHUB_APP_PRIVATE_KEY_PATH: "/k.pem",
      },
      "GITHUB_APP_PRIVATE_KEY_PATH",
      "set one of them",
    ],
  ])("rejects %j at %s", (source, path, message) => {
    const error = envProblems(source);
    expect(error.code).toBe("config.env-invalid");
    const issue = error.issues.find((i) => i.path === path);
    expect(issue, error.message).toBeDefined();
    expect(issue?.message).toContain(message);
  });

  it("never echoes secrets", () => {
    const error = envProblems({ DATABASE_URL: "mysql://user:hunter2@db/x" });
    expect(error.message).not.toContain("hunter2");
  });

  it("gives examples in environment syntax", () => {
    expect(envProblems({ REDIS_URL: "x" }).issues[0]?.example).toBe("REDIS_URL=redis://127.0.0.1:6379");
  });
});

describe("GitHub credentials", () => {
  it("requires a token for real GitHub, not for the simulator in demo mode", () => {
    expect(githubTokenRequired("https://api.github.com")).toBe(true);
    expect(githubTokenRequired("https://api.github.com", { demo: true })).toBe(true);
    expect(githubTokenRequired("https://ghe.acme.internal/api/v3", { demo: true })).toBe(true);
    expect(githubTokenRequired("http://127.0.0.1:3999", { demo: true })).toBe(false);
    expect(githubTokenRequired("http://localhost:3999", { demo: true })).toBe(false);
    expect(githubTokenRequired("http://127.0.0.1:3999")).toBe(true);
  });

  it("uses GITHUB_TOKEN first", () => {
    expect(resolveGitHubAuth(parseEnv({ GITHUB_TOKEN: "ghp_abc" }))).toEqual({ kind: "token", token: "ghp_abc" });
  });

  it("uses GitHub App credentials, reading the key file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "yardstick-env-"));
    try {
      const keyPath = join(dir, "app.pem");
      await writeFile(keyPath, "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n");
      const auth = resolveGitHubAuth(
        parseEnv({ GITHUB_APP_ID: "42", GITHUB_APP_INSTALLATION_ID: "7", GITHUB_APP_PRIVATE_KEY_PATH: keyPath }),
      );
      expect(auth).toMatchObject({ kind: "app", appId: 42, installationId: 7 });
      expect(auth.kind === "app" && auth.privateKey.includes("BEGIN RSA")).toBe(true);
      const inline = resolveGitHubAuth(
        parseEnv({ GITHUB_APP_ID: "42", GITHUB_APP_INSTALLATION_ID: "7", GITHUB_APP_PRIVATE_KEY: "line1\\nline2" }),
      );
      expect(inline).toMatchObject({ privateKey: "line1\nline2" });
      const missingFile = parseEnv({
        GITHUB_APP_ID: "42",
        GITHUB_APP_INSTALLATION_ID: "7",
        GITHUB_APP_PRIVATE_KEY_PATH: join(dir, "nope.pem"),
      });
      expect(() => resolveGitHubAuth(missingFile)).toThrow(/cannot read .*nope\.pem/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("uses the caller's token only in demo mode against the simulator", () => {
    const simulator = parseEnv({ GITHUB_API_URL: "http://127.0.0.1:3999" });
    expect(resolveGitHubAuth(simulator, { demoToken: "sim" })).toEqual({ kind: "token", token: "sim" });
    expect(() => resolveGitHubAuth(parseEnv({}), { demoToken: "sim" })).toThrow(InputError);
  });

  it("names the missing token clearly when one is required", () => {
    let caught: unknown;
    try {
      resolveGitHubAuth(parseEnv({ GITHUB_API_URL: "https://ghe.acme.internal/api/v3" }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const error = caught as InputError;
    expect(error.code).toBe("config.github-auth-missing");
    expect(error.message).toContain("a GitHub token is required to read https://ghe.acme.internal/api/v3");
    expect(error.issues[0]).toMatchObject({ path: "GITHUB_TOKEN", message: expect.stringContaining("is not set") });
  });

  it("uses every credential given together: GITHUB_TOKEN, GITHUB_TOKENS, the App's installations", () => {
    const env = parseEnv({
      GITHUB_TOKEN: "ghp_main",
      GITHUB_TOKENS: " ghp_two , acme:github_pat_three,globex : github_pat_four",
      GITHUB_APP_ID: "42",
      GITHUB_APP_PRIVATE_KEY: "key",
      GITHUB_APP_INSTALLATION_ID: "acme:7, initech:8",
    });
    expect(resolveGitHubCredentials(env)).toEqual([
      { auth: { kind: "token", token: "ghp_main" }, label: "GITHUB_TOKEN", orgs: null },
      { auth: { kind: "token", token: "ghp_two" }, label: "GITHUB_TOKENS#1", orgs: null },
      { auth: { kind: "token", token: "github_pat_three" }, label: "GITHUB_TOKENS#2 (acme)", orgs: ["acme"] },
      { auth: { kind: "token", token: "github_pat_four" }, label: "GITHUB_TOKENS#3 (globex)", orgs: ["globex"] },
      {
        auth: { kind: "app", appId: 42, privateKey: "key", installationId: 7 },
        label: "app 42 installation 7 (acme)",
        orgs: ["acme"],
      },
      {
        auth: { kind: "app", appId: 42, privateKey: "key", installationId: 8 },
        label: "app 42 installation 8 (initech)",
        orgs: ["initech"],
      },
    ]);
    // The first is what a single-credential caller gets.
    expect(resolveGitHubAuth(env)).toEqual({ kind: "token", token: "ghp_main" });
    // One installation alone needs no organisation.
    const single = parseEnv({ GITHUB_APP_ID: "42", GITHUB_APP_PRIVATE_KEY: "key", GITHUB_APP_INSTALLATION_ID: "7" });
    expect(resolveGitHubCredentials(single).map((c) => c.orgs)).toEqual([null]);
  });

  it.each([
    [{ GITHUB_TOKENS: "ghp_a,,ghp_b" }, "GITHUB_TOKENS", "entry 2 is empty"],
    [
      { GITHUB_TOKENS: "ghp_a,not an org:ghp_b" },
      "GITHUB_TOKENS",
      "entry 2 names an organisation that is not a GitHub login",
    ],
    [{ GITHUB_TOKENS: "ghp_a,acme:" }, "GITHUB_TOKENS", 'entry 2 has no single value after "acme:"'],
    [{ GITHUB_TOKENS: "ghp_a,ghp_a" }, "GITHUB_TOKENS", "entry 2 is a token given before"],
    [{ GITHUB_TOKEN: "ghp_a", GITHUB_TOKENS: "ghp_a" }, "GITHUB_TOKENS", "entry 1 is a token given before"],
    [
      { GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: "k", GITHUB_APP_INSTALLATION_ID: "7,8" },
      "GITHUB_APP_INSTALLATION_ID",
      "has several installations, but not every one names its organisation",
    ],
    [
      { GITHUB_TOKEN: "ghp_a", GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: "k", GITHUB_APP_INSTALLATION_ID: "7" },
      "GITHUB_APP_INSTALLATION_ID",
      "is used together with tokens, but not every one names its organisation",
    ],
    [
      { GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: "k", GITHUB_APP_INSTALLATION_ID: "acme:7,ACME:8" },
      "GITHUB_APP_INSTALLATION_ID",
      "names the organisation ACME twice",
    ],
    [
      { GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: "k", GITHUB_APP_INSTALLATION_ID: "acme=7" },
      "GITHUB_APP_INSTALLATION_ID",
      "expected a numeric installation id, or ORG:ID entries separated by commas",
    ],
  ])("rejects %j at %s, saying how to fix it", (source, path, message) => {
    const error = envProblems(source);
    const issue = error.issues.find((i) => i.path === path);
    expect(issue, error.message).toBeDefined();
    expect(issue?.message).toContain(message);
    // Never a token in the message.
    expect(error.message).not.toMatch(/ghp_a|ghp_b/);
    expect(JSON.stringify(error.issues)).not.toMatch(/ghp_a|ghp_b/);
  });

  it("requires a credential that may read each configured organisation", () => {
    const env = parseEnv({ GITHUB_TOKENS: "acme:ghp_a,globex:ghp_b" });
    expect(resolveGitHubCredentials(env, { organizations: ["acme", "Globex"] })).toHaveLength(2);
    let caught: unknown;
    try {
      resolveGitHubCredentials(env, { organizations: ["acme", "initech"] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).message).toContain("no GitHub credential may read initech");
    expect((caught as InputError).issues[0]).toMatchObject({
      path: "GITHUB_TOKENS",
      example: expect.stringContaining("GITHUB_TOKENS=initech:"),
    });
    // A token without ORG: may read any.
    expect(
      resolveGitHubCredentials(parseEnv({ GITHUB_TOKENS: "acme:ghp_a,ghp_b" }), { organizations: ["initech"] }),
    ).toHaveLength(2);
  });

  it("counts the owners of extra repositories among the accounts to read", () => {
    expect(
      configuredAccounts({ organizations: [{ name: "acme" }], repositories: ["ACME/x", "partners/y", "partners/z"] }),
    ).toEqual(["acme", "partners"]);
  });

  it("prefers GITHUB_API_URL over the file's apiUrl", () => {
    expect(githubApiUrl(parseEnv({}))).toBe("https://api.github.com");
    expect(githubApiUrl(parseEnv({}), "https://ghe/api/v3/")).toBe("https://ghe/api/v3");
    expect(githubApiUrl(parseEnv({ GITHUB_API_URL: "http://127.0.0.1:1" }), "https://ghe/api/v3")).toBe(
      "http://127.0.0.1:1",
    );
  });
});
