import { access, readFile, stat } from "node:fs/promises";
import { dirname, extname, isAbsolute, relative, resolve } from "node:path";
import { InputError, type InputIssue } from "@yardstick/core";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { type EnvSource, type Substitution, substituteEnv } from "./env-refs.js";
import { formatPath, toInputIssues } from "./issues.js";
import { CONFIG_FILE_NAMES, Config } from "./schema.js";

/**
 * Finding, parsing and validating the configuration file. Every problem is collected and thrown
 * at once as an `InputError` with code `config.invalid` (the CLI exits 2 on `config.*`).
 */

export type ConfigFormat = "yaml" | "json";

export interface LoadedConfig {
  /** The fully resolved configuration; relative file paths in it are made absolute. */
  config: Config;
  /** Absolute path of the file read, or null when there was none (all defaults). */
  path: string | null;
  /** Values that came from `${VAR}` references (secrets: redact them when printing). */
  substituted: Substitution[];
}

export interface LoadConfigOptions {
  /** An explicit file (e.g. a CLI argument); otherwise YARDSTICK_CONFIG, then yardstick.config.{yaml,yml,json} in cwd. */
  path?: string | undefined;
  cwd: string;
  /** The environment (for YARDSTICK_CONFIG, GITHUB_API_URL and `${VAR}` references). Never read from process.env here. */
  env: EnvSource;
}

export const CONFIG_INVALID = "config.invalid";

/** The largest configuration file read (1 MiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function invalid(subject: string, issues: InputIssue[]): InputError {
  return new InputError(CONFIG_INVALID, subject, issues);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The file to read: explicit path, YARDSTICK_CONFIG, or a yardstick.config.* file in cwd; null when none. */
export async function findConfigFile(options: LoadConfigOptions): Promise<string | null> {
  const explicit = options.path ?? nonEmpty(options.env.YARDSTICK_CONFIG);
  if (explicit !== undefined) {
    const path = resolve(options.cwd, explicit);
    if (!(await exists(path))) {
      const via = options.path === undefined ? " (named by YARDSTICK_CONFIG)" : "";
      throw invalid("configuration file not found", [
        { path: "", message: `no such file: ${path}${via}`, example: "yardstick init --path yardstick.config.yaml" },
      ]);
    }
    return path;
  }
  const found: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(options.cwd, name);
    if (await exists(path)) found.push(path);
  }
  if (found.length > 1) {
    throw invalid("more than one configuration file", [
      { path: "", message: `found ${found.join(" and ")}; keep one, or name it with YARDSTICK_CONFIG` },
    ]);
  }
  return found[0] ?? null;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

export function formatOf(path: string): ConfigFormat {
  return extname(path).toLowerCase() === ".json" ? "json" : "yaml";
}

type PathSegment = PropertyKey;

export function lineFinder(text: string): (path: readonly PathSegment[]) => number | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const lineOfNode = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range === undefined || range === null ? undefined : counter.linePos(range[0]).line;
  };
  return (path) => {
    let node: unknown = doc.contents;
    let line: number | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined) break;
        line = lineOfNode(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        node = node.items[segment];
        line = lineOfNode(node) ?? line;
      } else {
        break;
      }
    }
    return line;
  };
}

/** Parses the text of a file (empty: `{}`); syntax errors throw `InputError` with line and column. */
export function parseText(text: string, format: ConfigFormat, source: string): unknown {
  if (text.trim() === "") return {};
  if (format === "json") {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const position = /at position (\d+)/.exec(message);
      const offset = position?.[1] === undefined ? text.length : Number(position[1]);
      const before = text.slice(0, offset).split("\n");
      const line = before.length;
      const column = (before[before.length - 1]?.length ?? 0) + 1;
      const reason = message.replace(/\s*in JSON at position \d+.*$/s, "").replace(/^JSON\.parse: /, "");
      throw invalid(`${source} is not valid JSON`, [
        { path: "", message: `line ${line}, column ${column}: ${reason}`, example: '{ "version": 1 }' },
      ]);
    }
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw invalid(
      `${source} is not valid YAML`,
      doc.errors.map((error) => {
        const { line, col } = counter.linePos(error.pos[0]);
        const reason = error.message.split("\n")[0] ?? error.message;
        return { path: "", message: `line ${line}, column ${col}: ${reason}` };
      }),
    );
  }
  let value: unknown;
  try {
    // The yaml library refuses documents whose aliases expand beyond 100 references (a "billion
    // laughs" file would need gigabytes): a clear error, not a raw stack.
    value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(`${source} is not a usable YAML document`, [
      {
        path: "",
        message: /alias/i.test(reason)
          ? "its aliases (*name) expand too far (a document that repeats anchors inside anchors); write the values out"
          : reason,
      },
    ]);
  }
  return value === null || value === undefined ? {} : value;
}

export interface ParseConfigOptions {
  format: ConfigFormat;
  /** How the text is named in errors (a file path). */
  source: string;
  env: EnvSource;
}

/** Parses and validates configuration text (no file system access). Throws `InputError` listing every problem. */
export function parseConfigText(text: string, options: ParseConfigOptions): Omit<LoadedConfig, "path"> {
  const raw = parseText(text, options.format, options.source);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw invalid(`${options.source} is not a valid Yardstick configuration`, [
      {
        path: "",
        message: `expected a mapping of settings at the top level, got ${Array.isArray(raw) ? "a list" : JSON.stringify(raw)}`,
        example: "version: 1",
      },
    ]);
  }
  return validateConfig(raw, { ...options, lineOf: lineFinder(text) });
}

/** Validates already-parsed configuration data (after `${VAR}` substitution) and applies the environment's overrides. */
export function validateConfig(
  raw: unknown,
  options: { source: string; env: EnvSource; lineOf?: (path: readonly PathSegment[]) => number | undefined },
): Omit<LoadedConfig, "path"> {
  const { value, substituted, missing } = substituteEnv(dropNullKeys(raw), options.env);
  const lineOf = options.lineOf ?? (() => undefined);
  const withLine = (path: readonly PathSegment[], message: string) => {
    const line = lineOf(path);
    return line === undefined ? message : `${message} (line ${line})`;
  };
  const issues: InputIssue[] = missing.map((reference) => ({
    path: formatPath(reference.path),
    message: withLine(
      reference.path,
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(reference.variable)
        ? `refers to the environment variable ${reference.variable}, which is not set`
        : `"\${${reference.variable}}" is not an environment variable name`,
    ),
    example: `export ${/^[A-Za-z_][A-Za-z0-9_]*$/.test(reference.variable) ? reference.variable : "SLACK_WEBHOOK_URL"}=...`,
  }));
  const missingPaths = new Set(issues.map((issue) => issue.path));

  const result = Config.safeParse(value, { reportInput: true });
  if (!result.success) {
    const secretAt = (path: readonly PathSegment[]) =>
      substituted.find((s) => formatPath(s.path) === formatPath(path))?.variable;
    for (const issue of toInputIssues(Config, value, result.error, { lineOf, secretAt })) {
      if (!missingPaths.has(issue.path)) issues.push(issue);
    }
  }

  const apiUrl = nonEmpty(options.env.GITHUB_API_URL);
  if (apiUrl !== undefined && !isHttpUrl(apiUrl)) {
    issues.push({
      path: "GITHUB_API_URL (environment)",
      // Not quoted: an environment value may carry credentials (https://user:token@host).
      message: "expected an http(s) URL (the value is not shown)",
      example: "GITHUB_API_URL=https://github.example.com/api/v3",
    });
  }

  if (issues.length > 0 || !result.success) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    throw invalid(
      `${options.source} is not a valid Yardstick configuration (${count})`,
      maskSubstituted(issues, substituted, options.env),
    );
  }
  const config = result.data;
  config.github.apiUrl = (apiUrl ?? config.github.apiUrl).replace(/\/+$/, "");
  return { config, substituted };
}

/**
 * Issues with every value that came from a `${VAR}` reference shown as the reference. The
 * validators quote what they were given (a regular expression's own error repeats the pattern, a
 * URL, a cron field), and a message must never carry a secret: rather than trust each of them,
 * every substituted value is replaced wherever it appears, as written and as JSON would quote it.
 * Values shorter than 4 characters are left (replacing "1" would garble line numbers; such a
 * value is no secret).
 */
export function maskSubstituted(
  issues: readonly InputIssue[],
  substituted: readonly Substitution[],
  env: EnvSource,
): InputIssue[] {
  const masks = new Map<string, string>();
  for (const { variable } of substituted) {
    const value = env[variable];
    if (value === undefined || value.length < 4) continue;
    masks.set(value, `\${${variable}}`);
    masks.set(JSON.stringify(value).slice(1, -1), `\${${variable}}`);
  }
  if (masks.size === 0) return [...issues];
  const ordered = [...masks.entries()].sort(([a], [b]) => b.length - a.length);
  const mask = (text: string) => ordered.reduce((out, [value, reference]) => out.split(value).join(reference), text);
  return issues.map((issue) => ({
    ...issue,
    message: mask(issue.message),
    ...(issue.example === undefined ? {} : { example: mask(issue.example) }),
  }));
}

/**
 * A key written with nothing after it (`thresholds:` with every line below commented out) is
 * YAML's null: treat it as not written, so its defaults apply. Nulls inside lists stay (and fail).
 */
function dropNullKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNullKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null)
        .map(([key, item]) => [key, dropNullKeys(item)]),
    );
  }
  return value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Makes the file paths in the configuration absolute (relative to `baseDir`). */
function resolvePaths(config: Config, baseDir: string): Config {
  const abs = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  return {
    ...config,
    teams: { ...config.teams, ...(config.teams.file === undefined ? {} : { file: abs(config.teams.file) }) },
    roster: { ...config.roster, ...(config.roster.file === undefined ? {} : { file: abs(config.roster.file) }) },
    digest: {
      ...config.digest,
      channels: config.digest.channels.map((channel) =>
        channel.type === "file" ? { ...channel, dir: abs(channel.dir) } : channel,
      ),
    },
    usage: { sources: config.usage.sources.map((source) => ({ ...source, path: abs(source.path) })) },
  };
}

/** Checks that the files the configuration names exist. */
async function checkReferencedFiles(
  config: Config,
  source: string,
  baseDir: string,
  secrets: { substituted: readonly Substitution[]; env: EnvSource },
): Promise<void> {
  const wanted: { path: string; file: string | undefined }[] = [
    { path: "teams.file", file: config.teams.source === "file" ? config.teams.file : undefined },
    { path: "roster.file", file: config.roster.source === "file" ? config.roster.file : undefined },
    ...config.usage.sources.map((s, index) => ({ path: `usage.sources[${index}].path`, file: s.path })),
  ];
  const issues: InputIssue[] = [];
  for (const { path, file } of wanted) {
    if (file !== undefined && !(await exists(file))) {
      issues.push({
        path,
        message: `no such file: ${relative(baseDir, file) || file} (paths are relative to the configuration file)`,
      });
    }
  }
  if (issues.length > 0) {
    throw invalid(`${source} names files that do not exist`, maskSubstituted(issues, secrets.substituted, secrets.env));
  }
}

/**
 * Loads the configuration: finds the file, parses it (YAML or JSON), substitutes `${VAR}`
 * references, validates it and resolves every default. With no file at all, returns the
 * defaults (zero-setup). Throws `InputError` (code `config.invalid`) listing every problem.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const path = await findConfigFile(options);
  if (path === null) {
    const { config, substituted } = validateConfig({}, { source: "the default configuration", env: options.env });
    return { config: resolvePaths(config, options.cwd), path: null, substituted };
  }
  let text: string;
  try {
    // A configuration is a few kilobytes; a huge file is a mistake (or an attack) that would be
    // read and parsed whole (50 MB of YAML took 2.4 GB): refused before it is read.
    const size = (await stat(path)).size;
    if (size > MAX_CONFIG_BYTES) {
      throw invalid(`${path} is too large to be a Yardstick configuration`, [
        {
          path: "",
          message: `the file has ${size} bytes; the limit is ${MAX_CONFIG_BYTES} (1 MiB)`,
          example: "keep large lists (teams, roster) in the files teams.file and roster.file name",
        },
      ]);
    }
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw invalid(`cannot read ${path}`, [
      { path: "", message: error instanceof Error ? error.message : String(error) },
    ]);
  }
  const { config, substituted } = parseConfigText(text, { format: formatOf(path), source: path, env: options.env });
  const baseDir = dirname(path);
  const resolved = resolvePaths(config, baseDir);
  await checkReferencedFiles(resolved, path, baseDir, { substituted, env: options.env });
  return { config: resolved, path, substituted };
}
