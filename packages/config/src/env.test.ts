// biome-ignore-all lint/suspicious/noTemplateCurlyInString: messages name variables as ${VAR}
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { githubApiUrl, githubTokenRequired, parseEnv, resolveGitHubAuth } from "./env.js";

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

  it("prefers GITHUB_API_URL over the file's apiUrl", () => {
    expect(githubApiUrl(parseEnv({}))).toBe("https://api.github.com");
    expect(githubApiUrl(parseEnv({}), "https://ghe/api/v3/")).toBe("https://ghe/api/v3");
    expect(githubApiUrl(parseEnv({ GITHUB_API_URL: "http://127.0.0.1:1" }), "https://ghe/api/v3")).toBe(
      "http://127.0.0.1:1",
    );
  });
});
