import { repositorySettings } from "@yardstick/config";
import { linkDeploymentChanges, listDeployments, listRepositoryChanges, setChangeDeployments } from "@yardstick/db";
import { deploymentId, linkRepository } from "@yardstick/metrics";
import type { Jobs } from "../catalog.js";
import type { PipelineDeps } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { loadCommitGraph } from "../metrics-input.js";

/**
 * Links a repository's production deployments to the changes they shipped (the metrics
 * package's linking rule) and stores each change's deployedAt and deployment, and each
 * deployment's shipped changes. Runs after both attribution and deployment sync of the repo, in
 * whichever order they finish; idempotent.
 */
export async function linkDeployments(
  payload: PayloadOf<Jobs, "link.deployments">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  if (repositorySettings(deps.config, repo).deployment.method === "merge") return; // deployedAt = mergedAt, derived in metrics
  const graph = await loadCommitGraph(deps.db, repo);
  const stored = await listDeployments(deps.db, { repo });
  const changeRows = await listRepositoryChanges(deps.db, repo);
  const linkable = changeRows.flatMap((c) =>
    c.sha === null ? [] : [{ key: c.key, landingShas: [c.sha], mergedAt: c.mergedAt }],
  );
  const links = linkRepository(graph, stored, linkable, deps.config.thresholds.lookbackWeeks * 7);
  const rowId = new Map(stored.map((d) => [deploymentId(d), d.id]));

  await deps.db.transaction(async (tx) => {
    await setChangeDeployments(
      tx,
      links.changes.map((link) => ({
        key: link.key,
        deployedAt: link.deployedAt,
        deploymentId: link.deploymentId === null ? null : (rowId.get(link.deploymentId) ?? null),
      })),
    );
    const deployedAt = new Map(links.changes.map((c) => [c.key, c.deployedAt]));
    await linkDeploymentChanges(
      tx,
      links.deployments.flatMap((d) => {
        const id = rowId.get(d.id);
        if (id === undefined) return [];
        return d.shipped.map((key) => ({
          deploymentId: id,
          changeKey: key,
          deployedAt: deployedAt.get(key) ?? d.liveAt,
        }));
      }),
    );
  });
  context.logger.info(
    {
      repo,
      deployments: stored.length,
      deployed: links.changes.filter((c) => c.deployedAt !== null).length,
      offBranch: links.offBranchDeployments.length,
    },
    "deployments linked",
  );
}
