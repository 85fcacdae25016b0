import { Config, type ConfigInput, type DeploymentDetection } from "@yardstick/config";
import type { World } from "@yardstick/github-sim";

type WorldDeployMethod = ReturnType<World["repos"]>[number]["deployMethod"];

function detectionFor(method: WorldDeployMethod): DeploymentDetection {
  switch (method.kind) {
    case "deployments":
      return { method: "deployments", environment: "^prod(uction)?\\b" };
    case "releases":
      return { method: "releases" };
    case "tags":
      return { method: "tags", pattern: method.pattern };
    case "workflow":
      return { method: "workflow", workflow: method.name };
    case "merge":
      return { method: "merge" };
  }
}

/**
 * The configuration file a team would write for a simulated organisation: its organisations, each
 * repository's deployment method as the generator chose it (as a real team knows how it deploys),
 * and its incident label.
 */
export function configInputForWorld(world: World, overrides: Partial<ConfigInput> = {}): ConfigInput {
  // Read the whole simulated history: the backfill window reaches well before the world's first
  // commit (generated a few weeks before its start), so no window edge falls inside the history
  // and the result does not depend on the day the sync runs.
  const spanDays = Math.ceil((Date.parse(world.header.now) - Date.parse(world.header.start)) / 86_400_000);
  return {
    github: { organizations: world.orgs().map((o) => ({ name: o.login })) },
    thresholds: { backfillDays: Math.max(spanDays + 90, 180) },
    repositories: world.repos().map((r) => ({ match: `${r.org}/${r.name}`, deployment: detectionFor(r.deployMethod) })),
    // The label the organisation's on-call files incidents under.
    ...(world.header.incidentLabel === undefined ? {} : { incidents: { label: world.header.incidentLabel } }),
    ...overrides,
  };
}

/** `configInputForWorld`, resolved. */
export function configForWorld(world: World, overrides: Partial<ConfigInput> = {}): Config {
  return Config.parse(configInputForWorld(world, overrides));
}
