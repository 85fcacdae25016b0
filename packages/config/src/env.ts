import { readFileSync } from "node:fs";
import { InputError } from "@yardstick/core";
import { z } from "zod";
import type { EnvSource } from "./env-refs.js";
import { describe } from "./field-info.js";
import { toInputIssues } from "./issues.js";

/**
 * The environment variables Yardstick reads. Parsed from an object passed in (each service's
 * main.ts passes `process.env`); packages never read process.env themselves. Empty values count
 * as unset.
 */

const url = (protocols: readonly string[], expects: string, example: string) =>
  describe(
    z.string().refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { error: `expected ${expects}` },
    ),
    { expects, example },
  );

const numericId = (example: string) => describe(z.string().regex(/^\d+$/), { expects: "a numeric id", example });

export const LogLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);
export type LogLevel = z.infer<typeof LogLevel>;

export const Env = z
  .object({
    /** postgres://... for PostgreSQL, or pglite:<directory> (pglite:memory:// for memory); unset: embedded PGlite in ./.yardstick/data. */
    DATABASE_URL: describe(z.string().regex(/^(?:postgres(?:ql)?:\/\/.+|pglite:.+)$/), {
      expects: "a postgres:// URL or pglite:<directory>",
      example: "DATABASE_URL=postgres://yardstick@127.0.0.1:5432/yardstick",
    }).optional(),
    /** redis:// or rediss://; unset: jobs run inline in the process, no Redis needed. */
    REDIS_URL: url(["redis:", "rediss:"], "a redis:// or rediss:// URL", "REDIS_URL=redis://127.0.0.1:6379").optional(),
    /** A GitHub token (fine-grained or classic, read access). */
    GITHUB_TOKEN: z.string().optional(),
    /** GitHub App credentials, as an alternative to GITHUB_TOKEN: all of id, key (or key path) and installation. */
    GITHUB_APP_ID: numericId("GITHUB_APP_ID=123456").optional(),
    GITHUB_APP_PRIVATE_KEY: z.string().optional(),
    GITHUB_APP_PRIVATE_KEY_PATH: z.string().optional(),
    GITHUB_APP_INSTALLATION_ID: numericId("GITHUB_APP_INSTALLATION_ID=7654321").optional(),
    /** REST API base: GitHub Enterprise Server or the simulator. Overrides `github.apiUrl` in the file. */
    GITHUB_API_URL: url(
      ["http:", "https:"],
      "an http(s) URL",
      "GITHUB_API_URL=https://github.example.com/api/v3",
    ).optional(),
    /** Secret GitHub signs webhook deliveries with. */
    GITHUB_WEBHOOK_SECRET: z.string().optional(),
    /** A GitHub OAuth app for signing in to the API from a browser (`yardstick serve`): both or neither. */
    GITHUB_OAUTH_CLIENT_ID: z.string().optional(),
    GITHUB_OAUTH_CLIENT_SECRET: z.string().optional(),
    /** Where browsers reach `yardstick serve` (the OAuth callback address); default: the request's host. */
    YARDSTICK_PUBLIC_URL: url(
      ["http:", "https:"],
      "an http(s) URL",
      "YARDSTICK_PUBLIC_URL=https://yardstick.example.com",
    ).optional(),
    /** Path of the configuration file. */
    YARDSTICK_CONFIG: z.string().optional(),
    LOG_LEVEL: describe(LogLevel, {
      expects: 'one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
      example: "LOG_LEVEL=info",
    }).default("info"),
  })
  .superRefine((env, ctx) => {
    const app = {
      GITHUB_APP_ID: env.GITHUB_APP_ID,
      GITHUB_APP_INSTALLATION_ID: env.GITHUB_APP_INSTALLATION_ID,
      GITHUB_APP_PRIVATE_KEY: env.GITHUB_APP_PRIVATE_KEY ?? env.GITHUB_APP_PRIVATE_KEY_PATH,
    };
    const given = Object.entries(app).filter(([, value]) => value !== undefined);
    if (given.length > 0 && given.length < 3) {
      for (const [name, value] of Object.entries(app)) {
        if (value === undefined) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `${name === "GITHUB_APP_PRIVATE_KEY" ? "(or GITHUB_APP_PRIVATE_KEY_PATH) " : ""}is not set, but the other GitHub App credentials are (${given.map(([n]) => n).join(", ")}); set all three or use GITHUB_TOKEN`,
          });
        }
      }
    }
    if ((env.GITHUB_OAUTH_CLIENT_ID === undefined) !== (env.GITHUB_OAUTH_CLIENT_SECRET === undefined)) {
      const missing =
        env.GITHUB_OAUTH_CLIENT_ID === undefined ? "GITHUB_OAUTH_CLIENT_ID" : "GITHUB_OAUTH_CLIENT_SECRET";
      ctx.addIssue({
        code: "custom",
        path: [missing],
        message:
          "is not set, but the other OAuth app setting is; set both (the OAuth app's client id and secret) or neither",
      });
    }
    if (env.GITHUB_APP_PRIVATE_KEY !== undefined && env.GITHUB_APP_PRIVATE_KEY_PATH !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["GITHUB_APP_PRIVATE_KEY_PATH"],
        message: "is set together with GITHUB_APP_PRIVATE_KEY; set one of them",
      });
    }
  });
export type Env = z.infer<typeof Env>;

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

/** Parses the environment. Throws `InputError` (code `config.env-invalid`) naming each bad variable. */
export function parseEnv(source: EnvSource): Env {
  const known = Object.keys(Env.shape);
  const picked: Record<string, string> = {};
  for (const name of known) {
    const value = source[name];
    if (value !== undefined && value.trim() !== "") picked[name] = value.trim();
  }
  const result = Env.safeParse(picked, { reportInput: true });
  if (result.success) return result.data;
  const secret = new Set([
    "GITHUB_TOKEN",
    "GITHUB_APP_PRIVATE_KEY",
    "GITHUB_WEBHOOK_SECRET",
    "GITHUB_OAUTH_CLIENT_SECRET",
    "DATABASE_URL",
    "REDIS_URL",
  ]);
  const issues = toInputIssues(Env, picked, result.error, {
    secretAt: (path) => (secret.has(String(path[0])) ? String(path[0]) : undefined),
  }).map((issue) => ({ ...issue, example: issue.example?.replace(/^([A-Z_]+): \1=/, "$1=") }));
  throw new InputError("config.env-invalid", "the environment is not valid", issues);
}

/** How Yardstick authenticates to GitHub. */
export type GitHubAuth =
  | { kind: "token"; token: string }
  | { kind: "app"; appId: number; privateKey: string; installationId: number };

/** The API base URL: GITHUB_API_URL, else the file's `github.apiUrl`, else api.github.com. */
export function githubApiUrl(env: Env, fileApiUrl?: string): string {
  return (env.GITHUB_API_URL ?? fileApiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, "");
}

function isLoopback(apiUrl: string): boolean {
  try {
    const host = new URL(apiUrl).hostname;
    return host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
  } catch {
    return false;
  }
}

/**
 * Whether the caller must have GitHub credentials from the environment: always for real GitHub
 * (github.com or Enterprise Server); not in demo mode against the simulator on loopback, where
 * the caller supplies the simulator's token.
 */
export function githubTokenRequired(apiUrl: string, options: { demo?: boolean } = {}): boolean {
  return !(options.demo === true && isLoopback(apiUrl));
}

/**
 * GitHub credentials from the environment: GITHUB_TOKEN, else GitHub App credentials (reading
 * GITHUB_APP_PRIVATE_KEY_PATH), else `demoToken` when no token is required (demo mode against
 * the simulator). Throws `InputError` (code `config.github-auth-missing`) when none applies.
 */
export function resolveGitHubAuth(env: Env, options: { apiUrl?: string; demoToken?: string } = {}): GitHubAuth {
  const apiUrl = options.apiUrl ?? githubApiUrl(env);
  if (env.GITHUB_TOKEN !== undefined) return { kind: "token", token: env.GITHUB_TOKEN };
  if (env.GITHUB_APP_ID !== undefined && env.GITHUB_APP_INSTALLATION_ID !== undefined) {
    let privateKey = env.GITHUB_APP_PRIVATE_KEY;
    if (privateKey === undefined && env.GITHUB_APP_PRIVATE_KEY_PATH !== undefined) {
      try {
        privateKey = readFileSync(env.GITHUB_APP_PRIVATE_KEY_PATH, "utf8");
      } catch (error) {
        throw new InputError("config.github-auth-missing", "cannot read the GitHub App private key", [
          {
            path: "GITHUB_APP_PRIVATE_KEY_PATH",
            message: `cannot read ${env.GITHUB_APP_PRIVATE_KEY_PATH}: ${error instanceof Error ? error.message : String(error)}`,
            example: "GITHUB_APP_PRIVATE_KEY_PATH=/run/secrets/yardstick-app.pem",
          },
        ]);
      }
    }
    if (privateKey !== undefined) {
      // Keys passed through single-line variables often carry literal "\n".
      return {
        kind: "app",
        appId: Number(env.GITHUB_APP_ID),
        privateKey: privateKey.includes("\\n") ? privateKey.replaceAll("\\n", "\n") : privateKey,
        installationId: Number(env.GITHUB_APP_INSTALLATION_ID),
      };
    }
  }
  if (options.demoToken !== undefined && !githubTokenRequired(apiUrl, { demo: true })) {
    return { kind: "token", token: options.demoToken };
  }
  throw new InputError("config.github-auth-missing", `a GitHub token is required to read ${apiUrl}`, [
    {
      path: "GITHUB_TOKEN",
      message:
        "is not set, and neither are GitHub App credentials (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_PATH, GITHUB_APP_INSTALLATION_ID)",
      example: "GITHUB_TOKEN=github_pat_... (a token with read access to the repositories)",
    },
  ]);
}
