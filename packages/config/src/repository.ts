import { matchesGlob } from "./patterns.js";
import type { Config, DeploymentDetection } from "./schema.js";

/** What applies to one repository after its overrides. */
export interface RepositorySettings {
  /** A branch name, or "default" for the repository's default branch. */
  trackedBranch: string;
  directPushes: boolean;
  deployment: DeploymentDetection;
}

/** Settings for `fullName` ("owner/name"): the top-level values, then each matching override in order. */
export function repositorySettings(config: Config, fullName: string): RepositorySettings {
  const settings: RepositorySettings = {
    trackedBranch: config.trackedBranch,
    directPushes: config.directPushes,
    deployment: config.deployment,
  };
  for (const override of config.repositories) {
    if (!matchesGlob(override.match, fullName, { caseInsensitive: true })) continue;
    if (override.trackedBranch !== undefined) settings.trackedBranch = override.trackedBranch;
    if (override.directPushes !== undefined) settings.directPushes = override.directPushes;
    if (override.deployment !== undefined) settings.deployment = override.deployment;
  }
  return settings;
}

/**
 * Whether a repository is read: listed in `github.repositories`, or in a configured organisation
 * and matching its include patterns but none of its exclude patterns (names compare case-insensitively).
 */
export function isRepositorySelected(config: Config, fullName: string): boolean {
  const lower = fullName.toLowerCase();
  if (config.github.repositories.some((repo) => repo.toLowerCase() === lower)) return true;
  const [owner, name] = fullName.split("/");
  if (owner === undefined || name === undefined) return false;
  const org = config.github.organizations.find((o) => o.name.toLowerCase() === owner.toLowerCase());
  if (org === undefined) return false;
  const match = (pattern: string) => matchesGlob(pattern, name, { caseInsensitive: true });
  return org.repositories.include.some(match) && !org.repositories.exclude.some(match);
}

/** The compiled production-environment pattern of a `deployments` method (case-insensitive, as documented). */
export function environmentRegExp(source: string): RegExp {
  return new RegExp(source, "iu");
}

/** The compiled tag pattern of a `tags` method (case-sensitive, as documented). */
export function tagRegExp(source: string): RegExp {
  return new RegExp(source, "u");
}
