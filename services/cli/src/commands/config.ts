import {
  type Config,
  configuredAccounts,
  type DeploymentDetection,
  type LoadedConfig,
  loadConfig,
  loadRosterFile,
  loadTeamMapping,
  PLACEHOLDER_ORG,
  parseEnv,
  redactConfig,
  resolveGitHubCredentials,
} from "@yardstick/config";
import { InputError, type InputIssue } from "@yardstick/core";
import type { Command } from "commander";

type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Loads the configuration the way every command does (FILE, else YARDSTICK_CONFIG, else
 * yardstick.config.* in the working directory, else defaults) and checks the environment too,
 * so one run lists every problem. Throws `InputError` (code `config.invalid`: exit 2).
 */
export async function checkConfiguration(file: string | undefined, cwd: string, env: EnvSource): Promise<LoadedConfig> {
  const issues: InputIssue[] = [];
  let subject = "";
  let loaded: LoadedConfig | undefined;
  try {
    loaded = await loadConfig({ path: file, cwd, env });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    subject = error.message.split("\n")[0]?.replace(/:$/, "") ?? "";
    issues.push(...error.issues);
  }
  try {
    parseEnv(env);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const seen = new Set(issues.map((issue) => issue.path));
    // The loader already checks GITHUB_API_URL (it overrides github.apiUrl).
    const fresh = error.issues
      .map((issue) => ({ ...issue, path: `${issue.path} (environment)` }))
      .filter((issue) => !seen.has(issue.path));
    if (fresh.length > 0) {
      subject = subject === "" ? "the environment is not valid" : `${subject}; and the environment is not valid`;
      issues.push(...fresh);
    }
  }
  if (issues.length === 0 && loaded !== undefined) {
    // Several credentials: every configured organisation needs one that may read it.
    try {
      const parsed = parseEnv(env);
      if (hasGitHubCredentials(env)) {
        resolveGitHubCredentials(parsed, { organizations: configuredAccounts(loaded.config.github) });
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      subject = error.message;
      issues.push(...error.issues.map((issue) => ({ ...issue, path: `${issue.path} (environment)` })));
    }
  }
  if (issues.length === 0 && loaded !== undefined) {
    // The data files the sync reads at each run: a malformed one fails the roster job, so say so now.
    const { teams, roster } = loaded.config;
    const files = [
      { key: "teams.file", read: teams.source === "file" ? teams.file : undefined, load: loadTeamMapping },
      { key: "roster.file", read: roster.source === "file" ? roster.file : undefined, load: loadRosterFile },
    ];
    for (const { key, read, load } of files) {
      if (read === undefined) continue;
      try {
        await load(read);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        const what = error.message.split("\n")[0]?.replace(/:$/, "") ?? "";
        subject = subject === "" ? what : `${subject}; and ${what}`;
        issues.push(
          ...error.issues.map((issue) => ({
            ...issue,
            path: `${key} (${read})${issue.path === "" ? "" : `: ${issue.path}`}`,
          })),
        );
      }
    }
  }
  if (issues.length > 0 || loaded === undefined) throw new InputError("config.invalid", subject, issues);
  return loaded;
}

function describeDeployment(deployment: DeploymentDetection): string {
  switch (deployment.method) {
    case "deployments":
      return `GitHub Deployments to environments matching /${deployment.environment}/i`;
    case "releases":
      return "published releases";
    case "tags":
      return `tags matching /${deployment.pattern}/`;
    case "workflow":
      return `successful runs of workflow "${deployment.workflow}"${deployment.branch === undefined ? "" : ` on ${deployment.branch}`}`;
    case "merge":
      return "every merge (merge is deploy)";
  }
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function hasGitHubCredentials(env: EnvSource): boolean {
  const set = (name: string) => (env[name] ?? "").trim() !== "";
  return set("GITHUB_TOKEN") || set("GITHUB_TOKENS") || set("GITHUB_APP_ID");
}

/** The credentials by label ("GITHUB_TOKEN, GITHUB_TOKENS#1 (acme)"), never a secret. */
function credentialSummary(env: EnvSource): string {
  try {
    const labels = resolveGitHubCredentials(parseEnv(env)).map((c) => c.label);
    return labels.length === 1
      ? (labels[0] as string)
      : `${labels.length} credentials used together: ${labels.join(", ")}`;
  } catch {
    return "GitHub credentials (incomplete)";
  }
}

/** A few lines saying what the configuration resolved to. */
export function summarizeConfig(config: Config, env: EnvSource): string[] {
  const { github, thresholds, digest } = config;
  const orgs = github.organizations.map((o) => o.name);
  const auth = hasGitHubCredentials(env) ? credentialSummary(env) : "no credentials set (GITHUB_TOKEN)";
  return [
    `  github:      ${orgs.length === 0 ? "no organisations" : `${plural(orgs.length, "organisation")} (${orgs.join(", ")})`}, ${plural(github.repositories.length, "extra repository").replace("repositorys", "repositories")}; ${github.apiUrl}; ${auth}`,
    `  changes:     merged into ${config.trackedBranch === "default" ? "the default branch" : config.trackedBranch}${config.directPushes ? ", plus direct pushes" : ""}`,
    `  deployments: ${describeDeployment(config.deployment)}; ${plural(config.repositories.length, "repository override")}`,
    `  teams:       ${config.teams.source === "file" ? `from ${config.teams.file}` : "GitHub teams"}; roster: ${config.roster.source === "file" ? `from ${config.roster.file}` : config.roster.source === "org" ? "organisation members" : "team members"}`,
    `  weeks:       ISO weeks in ${config.timeZone}`,
    `  adoption:    target ${percent(config.adoption.target)}${Object.keys(config.adoption.perGroup).length > 0 ? ` (${plural(Object.keys(config.adoption.perGroup).length, "group target")})` : ""}`,
    `  thresholds:  trivial ≤ ${thresholds.trivialMaxLines} lines, cap ${thresholds.weeklyCap}/person-week, revert window ${thresholds.revertWindowDays} days, k = ${thresholds.minGroupSize}, backfill ${thresholds.backfillDays} days`,
    `  attribution: ${config.attribution.threshold} confidence; ${plural(config.attribution.rules.length, "extra rule")}`,
    `  digest:      "${digest.schedule}" in ${digest.timeZone} -> ${digest.channels.map((c) => c.type).join(", ") || "no channels"}`,
  ];
}

/**
 * What is valid but will not work yet: the starter file's placeholder organisation, and no GitHub
 * credentials (without them `yardstick run` runs the simulated demo instead).
 */
export function configWarnings(config: Config, env: EnvSource): string[] {
  const out: string[] = [];
  if (config.github.organizations.some((o) => o.name === PLACEHOLDER_ORG)) {
    out.push(
      `warning: github.organizations names "${PLACEHOLDER_ORG}", the placeholder \`yardstick init\` writes: set it to your GitHub organisation`,
    );
  }
  if (!hasGitHubCredentials(env)) {
    out.push(
      "warning: no GitHub credentials: set GITHUB_TOKEN (a fine-grained token with read-only access, README), GITHUB_TOKENS (several, comma-separated) or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID; without them `yardstick run` runs the simulated demo",
    );
  }
  return out;
}

export function registerConfig(program: Command): void {
  const config = program.command("config").description("Check and show the configuration (yardstick.config.yaml).");

  config
    .command("check")
    .description(
      "Validate a configuration file and the environment; print what it resolves to.\n" +
        "FILE defaults to $YARDSTICK_CONFIG, then yardstick.config.{yaml,yml,json} in the working directory.\n" +
        "Exit code: 0 when valid, 2 listing every problem otherwise.",
    )
    .argument("[file]", "configuration file")
    .action(async (file: string | undefined) => {
      const loaded = await checkConfiguration(file, process.cwd(), process.env);
      const lines = [
        loaded.path === null ? "ok: no configuration file; using the defaults" : `ok: ${loaded.path}`,
        ...summarizeConfig(loaded.config, process.env),
        ...configWarnings(loaded.config, process.env),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });

  config
    .command("print")
    .description("Print the resolved configuration (every default applied) as JSON, secrets redacted.")
    .argument("[file]", "configuration file")
    .action(async (file: string | undefined) => {
      const loaded = await loadConfig({ path: file, cwd: process.cwd(), env: process.env });
      process.stdout.write(`${JSON.stringify(redactConfig(loaded), null, 2)}\n`);
    });
}
