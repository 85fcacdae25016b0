export { cronError } from "./cron.js";
export { loadRosterFile, loadTeamMapping, RosterFile, TeamMapping } from "./data-files.js";
export {
  configuredAccounts,
  DEFAULT_GITHUB_API_URL,
  Env,
  type GitHubAuth,
  type GitHubCredentialSpec,
  githubApiUrl,
  githubTokenRequired,
  LogLevel,
  parseEnv,
  resolveGitHubAuth,
  resolveGitHubCredentials,
} from "./env.js";
export { type EnvSource, type Substitution, substituteEnv } from "./env-refs.js";
export { formatPath } from "./issues.js";
export {
  CONFIG_INVALID,
  type ConfigFormat,
  findConfigFile,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  parseConfigText,
  validateConfig,
} from "./load.js";
export { globError, matchesGlob, regexError, regexSafetyError } from "./patterns.js";
export { REDACTED, redactConfig } from "./redact.js";
export {
  environmentRegExp,
  isRepositorySelected,
  type RepositorySettings,
  repositorySettings,
  tagRegExp,
} from "./repository.js";
export * from "./schema.js";
export { PLACEHOLDER_ORG, STARTER_CONFIG } from "./template.js";
