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

/** An organisation login (GitHub: letters, digits and single hyphens). */
const ORG_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const INSTALLATIONS = /^\s*(?:[A-Za-z0-9-]+\s*:\s*)?\d+\s*(?:,\s*(?:[A-Za-z0-9-]+\s*:\s*)?\d+\s*)*$/;

/** One entry of a credential list: `ORG:VALUE` or `VALUE` (tokens and ids never contain a colon). */
interface ListEntry {
  org: string | null;
  value: string;
}

/** Splits `a, acme:b` into entries; an entry that is empty or has a bad organisation is reported by position, never by value. */
function splitList(text: string): { entries: ListEntry[]; problems: string[] } {
  const entries: ListEntry[] = [];
  const problems: string[] = [];
  text.split(",").forEach((raw, i) => {
    const entry = raw.trim();
    if (entry === "") {
      problems.push(`entry ${i + 1} is empty (a comma too many?)`);
      return;
    }
    const colon = entry.indexOf(":");
    if (colon < 0) {
      entries.push({ org: null, value: entry });
      return;
    }
    const org = entry.slice(0, colon).trim();
    const value = entry.slice(colon + 1).trim();
    if (!ORG_LOGIN.test(org)) {
      problems.push(`entry ${i + 1} names an organisation that is not a GitHub login (ORG:VALUE, e.g. acme:...)`);
    } else if (value === "" || value.includes(":")) {
      problems.push(`entry ${i + 1} has no single value after "${org}:"`);
    } else {
      entries.push({ org, value });
    }
  });
  return { entries, problems };
}

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
    /**
     * Several tokens used together, each with its own budget: comma-separated, each optionally
     * `ORG:` first to say it may read only that organisation (a fine-grained token has one owner).
     */
    GITHUB_TOKENS: describe(z.string(), {
      expects: "comma-separated tokens, each optionally ORG: first",
      example: "GITHUB_TOKENS=github_pat_one,acme:github_pat_two",
    }).optional(),
    /** GitHub App credentials, as an alternative to GITHUB_TOKEN: all of id, key (or key path) and installation. */
    GITHUB_APP_ID: numericId("GITHUB_APP_ID=123456").optional(),
    GITHUB_APP_PRIVATE_KEY: z.string().optional(),
    GITHUB_APP_PRIVATE_KEY_PATH: z.string().optional(),
    /** One installation id, or several as ORG:ID, comma-separated (an installation reads only its organisation). */
    GITHUB_APP_INSTALLATION_ID: describe(z.string().regex(INSTALLATIONS), {
      expects: "a numeric installation id, or ORG:ID entries separated by commas",
      example: "GITHUB_APP_INSTALLATION_ID=7654321 (several: acme:7654321,globex:7654322)",
    }).optional(),
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
    if (env.GITHUB_TOKENS !== undefined) {
      const { entries, problems } = splitList(env.GITHUB_TOKENS);
      for (const problem of problems) {
        ctx.addIssue({
          code: "custom",
          path: ["GITHUB_TOKENS"],
          message: `${problem}; give tokens separated by commas`,
        });
      }
      const seen = new Set<string>(env.GITHUB_TOKEN === undefined ? [] : [env.GITHUB_TOKEN]);
      entries.forEach((entry, i) => {
        if (seen.has(entry.value)) {
          ctx.addIssue({
            code: "custom",
            path: ["GITHUB_TOKENS"],
            message: `entry ${i + 1} is a token given before (in GITHUB_TOKENS or GITHUB_TOKEN); give each token once`,
          });
        }
        seen.add(entry.value);
      });
    }
    if (env.GITHUB_APP_INSTALLATION_ID !== undefined && INSTALLATIONS.test(env.GITHUB_APP_INSTALLATION_ID)) {
      const { entries } = splitList(env.GITHUB_APP_INSTALLATION_ID);
      const tokens = (env.GITHUB_TOKEN === undefined ? 0 : 1) + (env.GITHUB_TOKENS === undefined ? 0 : 1);
      if ((entries.length > 1 || tokens > 0) && entries.some((e) => e.org === null)) {
        ctx.addIssue({
          code: "custom",
          path: ["GITHUB_APP_INSTALLATION_ID"],
          message: `${entries.length > 1 ? "has several installations" : "is used together with tokens"}, but not every one names its organisation (an installation reads only its own); write ORG:ID, e.g. acme:7654321,globex:7654322`,
        });
      }
      const orgs = new Set<string>();
      for (const entry of entries) {
        const org = entry.org?.toLowerCase();
        if (org === undefined) continue;
        if (orgs.has(org)) {
          ctx.addIssue({
            code: "custom",
            path: ["GITHUB_APP_INSTALLATION_ID"],
            message: `names the organisation ${entry.org} twice; an App has one installation per organisation`,
          });
        }
        orgs.add(org);
      }
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
    "GITHUB_TOKENS",
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

/** One GitHub credential with what people call it (never the secret) and the organisations it may read. */
export interface GitHubCredentialSpec {
  auth: GitHubAuth;
  /** "GITHUB_TOKEN", "GITHUB_TOKENS#2 (acme)", "app 42 installation 7 (acme)". */
  label: string;
  /** The organisations it may read; null: any it has access to (a token given without ORG:). */
  orgs: string[] | null;
}

function appPrivateKey(env: Env): string | undefined {
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
  // Keys passed through single-line variables often carry literal "\n".
  return privateKey?.includes("\\n") ? privateKey.replaceAll("\\n", "\n") : privateKey;
}

/**
 * Every GitHub credential the environment gives, used together (each with its own budget):
 * GITHUB_TOKEN, then GITHUB_TOKENS in order, then the GitHub App's installations
 * (GITHUB_APP_INSTALLATION_ID, one or several `ORG:ID`); else `demoToken` when no token is
 * required (demo mode against the simulator). With `organizations` (the configured accounts:
 * `configuredAccounts`), each must be readable by at least one credential. Throws `InputError` (code
 * `config.github-auth-missing`) naming the variable to set.
 */
export function resolveGitHubCredentials(
  env: Env,
  options: { apiUrl?: string; demoToken?: string; organizations?: readonly string[] } = {},
): GitHubCredentialSpec[] {
  const apiUrl = options.apiUrl ?? githubApiUrl(env);
  const credentials: GitHubCredentialSpec[] = [];
  if (env.GITHUB_TOKEN !== undefined) {
    credentials.push({ auth: { kind: "token", token: env.GITHUB_TOKEN }, label: "GITHUB_TOKEN", orgs: null });
  }
  if (env.GITHUB_TOKENS !== undefined) {
    splitList(env.GITHUB_TOKENS).entries.forEach((entry, i) => {
      credentials.push({
        auth: { kind: "token", token: entry.value },
        label: `GITHUB_TOKENS#${i + 1}${entry.org === null ? "" : ` (${entry.org})`}`,
        orgs: entry.org === null ? null : [entry.org],
      });
    });
  }
  if (env.GITHUB_APP_ID !== undefined && env.GITHUB_APP_INSTALLATION_ID !== undefined) {
    const privateKey = appPrivateKey(env);
    if (privateKey !== undefined) {
      for (const entry of splitList(env.GITHUB_APP_INSTALLATION_ID).entries) {
        credentials.push({
          auth: {
            kind: "app",
            appId: Number(env.GITHUB_APP_ID),
            privateKey,
            installationId: Number(entry.value),
          },
          label: `app ${env.GITHUB_APP_ID} installation ${entry.value}${entry.org === null ? "" : ` (${entry.org})`}`,
          orgs: entry.org === null ? null : [entry.org],
        });
      }
    }
  }
  if (credentials.length === 0 && options.demoToken !== undefined && !githubTokenRequired(apiUrl, { demo: true })) {
    return [{ auth: { kind: "token", token: options.demoToken }, label: "simulator", orgs: null }];
  }
  if (credentials.length === 0) {
    throw new InputError("config.github-auth-missing", `a GitHub token is required to read ${apiUrl}`, [
      {
        path: "GITHUB_TOKEN",
        message:
          "is not set, and neither are GITHUB_TOKENS or GitHub App credentials (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_PATH, GITHUB_APP_INSTALLATION_ID)",
        example: "GITHUB_TOKEN=github_pat_... (a token with read access to the repositories)",
      },
    ]);
  }
  const unread = (options.organizations ?? []).filter(
    (org) => !credentials.some((c) => c.orgs === null || c.orgs.some((o) => o.toLowerCase() === org.toLowerCase())),
  );
  if (unread.length > 0) {
    throw new InputError(
      "config.github-auth-missing",
      `no GitHub credential may read ${unread.join(", ")}`,
      unread.map((org) => ({
        path:
          env.GITHUB_APP_INSTALLATION_ID !== undefined && env.GITHUB_TOKENS === undefined
            ? "GITHUB_APP_INSTALLATION_ID"
            : "GITHUB_TOKENS",
        message: `every credential is limited to other organisations (ORG: in front of it), none to ${org}; add one for ${org}, or give a token without ORG:`,
        example: `GITHUB_TOKENS=${org}:github_pat_... or GITHUB_APP_INSTALLATION_ID=${org}:7654321`,
      })),
    );
  }
  return credentials;
}

/** The accounts a configuration reads: its organisations and the owners of its extra repositories, each once. */
export function configuredAccounts(github: {
  organizations: readonly { name: string }[];
  repositories: readonly string[];
}): string[] {
  const accounts = new Map<string, string>();
  for (const name of [
    ...github.organizations.map((o) => o.name),
    ...github.repositories.map((r) => r.split("/")[0] ?? ""),
  ]) {
    if (name !== "" && !accounts.has(name.toLowerCase())) accounts.set(name.toLowerCase(), name);
  }
  return [...accounts.values()];
}

/** The first GitHub credential from the environment (see `resolveGitHubCredentials`). */
export function resolveGitHubAuth(env: Env, options: { apiUrl?: string; demoToken?: string } = {}): GitHubAuth {
  return (resolveGitHubCredentials(env, options)[0] as GitHubCredentialSpec).auth;
}
